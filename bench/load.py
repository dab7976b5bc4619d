"""Load: managers rating their measures and board members reading dashboards, against gunicorn, for a bounded time.

Builds a scratch database (PostgreSQL by default: a council's set-up), loads the
demo plans and a load plan of MEASURES measures in one open period, each led by
two of the managers (so some saves collide and must be refused, never lost),
starts gunicorn with production settings and several workers on 127.0.0.1,
then runs one thread per simulated user, each with its own session:

- a manager opens the rating form of one of their measures (htmx, as the plan
  page does), waits, and saves a new rating with the version the form carried;
- a board member reads the Thurrock dashboard, the Thurrock plan page or the
  load plan's dashboard.

Each user pauses THINK seconds on average between requests (uniform 0 to 2 ×
THINK; `--think 1` is the goal's load), as a person does. At the end it prints
requests/s, p50/p95/max latency and errors per kind of request, checks the
database against what the managers were told (tests/concurrency.py): every
accepted save is in the database and once in history by its user, every
refused one is nowhere; and a last line, "verdict: MET" or "verdict: NOT MET"
with what missed, against the goals: 0 errors, 0 lost updates, p95 under
300 ms for every kind of request. Above the table, a machine check: how long
a fixed loop of plain Python took just before and just after the run (on a
shared host a slower "after" means other work took the CPU meanwhile, and
the run's figures say less).

    python bench/load.py                                    # 50 managers, 10 board members, 60 s, 4 workers
    python bench/load.py --seconds 120 --workers 8 --think 0.5
    python bench/load.py --database sqlite:////tmp/load.sqlite3 --workers 1
    python bench/load.py --hosts 2 --redis redis://127.0.0.1:6379/0      # make bench-hosts

With --hosts N it starts N gunicorn app servers on consecutive ports, each
with its own VAR_DIR (no shared disk), sharing the database, one Redis cache
(--redis) and database-backed media; every user's requests go to a host
chosen at random each time, with the same session.

The scratch database (default postgres://postgres@127.0.0.1:5432/loadbench) is
dropped and created by the run.
"""

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "load-bench-password"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
MEASURES = 100


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/loadbench")
    parser.add_argument("--managers", type=int, default=50)
    parser.add_argument("--board", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests, seconds")
    parser.add_argument("--port", type=int, default=8765, help="the first host's port; others follow it")
    parser.add_argument("--hosts", type=int, default=1, help="app servers (gunicorn) sharing the database")
    parser.add_argument("--redis", default="", help="REDIS_URL for the hosts' shared cache")
    return parser.parse_args()


def server_environment(database: str, var_dir: str) -> dict:
    """Production settings over plain HTTP on 127.0.0.1 (no TLS proxy in front here)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "load-bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "VAR_DIR": var_dir,
        "AXES_FAILURE_LIMIT": "1000",
        "LOG_LEVEL": "ERROR",
    }


def fresh_database(database: str) -> None:
    parts = urlsplit(database)
    if parts.scheme.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    with psycopg.connect(database.replace(parts.path, "/postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Scene:
    load_plan: str
    managers: dict = field(default_factory=dict)  # username → [measure ids they lead]
    board: list = field(default_factory=list)
    measure_ids: list = field(default_factory=list)
    history_before: int = 0


def build_scene(managers: int, board: int) -> Scene:
    """The demo plans, plus a load plan whose measures each have two of the managers as leads."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from plans.models import Measure, Membership, Period, Plan
    from tests.factories import LeadFactory, MeasureFactory, PeriodFactory

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--quiet-users", stdout=StringIO())
    call_command("collectstatic", "--noinput", verbosity=0)
    period = PeriodFactory(status=Period.Status.OPEN, plan__requires_signoff=False, plan__slug="load")
    action = MeasureFactory(action__outcome__priority__plan=period.plan).action
    measures = [action.measures.get()] + [MeasureFactory(action=action) for _ in range(MEASURES - 1)]
    password = make_password(PASSWORD)  # hashed once: creating sixty users need not take a minute
    User = get_user_model()
    scene = Scene(load_plan=period.plan.slug, measure_ids=[m.pk for m in measures])
    leads = []
    for n in range(managers):
        user = User.objects.create(username=f"manager{n}", password=password, first_name=f"Manager {n}")
        Membership.objects.create(plan=period.plan, user=user, role=Membership.Role.CONTRIBUTOR)
        leads.append(LeadFactory(plan=period.plan, user=user, name=f"Manager {n}"))
        scene.managers[user.username] = []
    for index, measure in enumerate(measures):
        for lead in (leads[index % managers], leads[(index + 1) % managers]):
            measure.leads.add(lead)
            scene.managers[lead.user.username].append(measure.pk)
    thurrock = Plan.objects.get(slug="thurrock-2017-19")
    for n in range(board):
        user = User.objects.create(username=f"board{n}", password=password)
        for plan in (thurrock, period.plan):
            Membership.objects.create(plan=plan, user=user, role=Membership.Role.VIEWER)
        scene.board.append(user.username)
    scene.history_before = max(row.history_id for row in Measure.history.filter(id__in=scene.measure_ids))
    return scene


class Browser:
    """One user's session: keeps its cookies (ignoring Secure, as the proxy's TLS is absent here).

    With several ports (one app server each), each request goes to one of them
    at random with the same cookies: the session, cache and files must be shared.
    """

    def __init__(self, port: int | list[int]):
        ports = port if isinstance(port, list) else [port]
        self.connections = {p: http.client.HTTPConnection("127.0.0.1", p, timeout=60) for p in ports}
        self.cookies = SimpleCookie()
        self.last_response = None

    def request(self, method: str, path: str, data=None, headers=None, files=None, port=None):
        """(status, text) of one request; `files` ({field: (name, bytes)}) sends multipart form data."""
        status, body = self.raw(method, path, data, headers, files, port)
        return status, body.decode(errors="replace")

    def raw(self, method: str, path: str, data=None, headers=None, files=None, port=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={morsel.value}" for key, morsel in self.cookies.items())
        body = None
        if data is not None or files:
            if "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"].value
            if files:
                body, headers["Content-Type"] = multipart(data or {}, files)
            else:
                body = urlencode(data, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = self.connections[port] if port else random.choice(list(self.connections.values()))
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(header)
        if response.headers.get("Connection", "").lower() == "close":
            connection.close()
        self.last_response = response
        return response.status, content

    def sign_in(self, username: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = CSRF.search(page).group(1)
        status, _ = self.request(
            "POST", "/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


def multipart(data: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, for uploads (evidence, workbooks)."""
    boundary = f"----load{random.getrandbits(64):x}"
    parts = []
    for name, value in data.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Tally:
    timings: dict = field(default_factory=lambda: defaultdict(list))  # kind → seconds
    errors: dict = field(default_factory=lambda: defaultdict(list))  # kind → messages
    accepted: list = field(default_factory=list)  # (measure id, update text, user id)
    refused: list = field(default_factory=list)  # (measure id, update text)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, browser: Browser, method: str, path: str, data=None, headers=None, ok=(200,)):
        started = time.perf_counter()
        try:
            status, text = browser.request(method, path, data, headers)
        except Exception as error:  # noqa: BLE001 — every failure is counted and reported
            status, text = 0, f"{type(error).__name__}: {error}"
        elapsed = time.perf_counter() - started
        with self.lock:
            self.timings[kind].append(elapsed)
            if status not in ok:
                self.errors[kind].append(f"{status}: {text[:160]}")
        return status, text


@dataclass
class Run:
    tally: Tally
    deadline: float
    think: float

    def pause(self) -> None:
        time.sleep(random.uniform(0, 2 * self.think))


def manager(run: Run, browser: Browser, username: str, user_id: int, measures: list, level: str):
    tally = run.tally
    htmx = {"HX-Request": "true"}
    n = 0
    run.pause()  # people do not all click at the same instant
    while time.monotonic() < run.deadline:
        measure = random.choice(measures)
        path = f"/measures/{measure}/rate/"
        status, form = tally.timed("open rating form (htmx)", browser, "GET", path, headers=htmx)
        version = VERSION.search(form) if status == 200 else None
        run.pause()
        if version is None or time.monotonic() >= run.deadline:
            continue
        text = f"Update {n} from {username}"
        n += 1
        data = {"level": level, "update": text, "reason": "", "due_month": "", "version": version.group(1)}
        status, body = tally.timed("save a rating (htmx)", browser, "POST", path, data, htmx)
        with tally.lock:
            if status == 200 and "Saved." in body:
                tally.accepted.append((measure, text, user_id))
            elif status == 200 and "Someone else changed this measure" in body:
                tally.refused.append((measure, text))
            elif status == 200:
                tally.errors["save a rating (htmx)"].append(f"neither saved nor refused: {body[:160]}")
        run.pause()


def board_member(run: Run, browser: Browser, load_plan: str):
    pages = [
        ("Thurrock dashboard", "/plans/thurrock-2017-19/board/"),
        ("Thurrock plan page", "/plans/thurrock-2017-19/"),
        ("load plan dashboard", f"/plans/{load_plan}/board/"),
    ]
    run.pause()
    while time.monotonic() < run.deadline:
        kind, path = random.choice(pages)
        run.tally.timed(kind, browser, "GET", path)
        run.pause()


def host_environment(environment: dict, args, host: int) -> dict:
    """One host's settings: its own disk; with several hosts, the shared cache and database-backed media."""
    if args.hosts == 1:
        return environment
    var_dir = Path(environment["VAR_DIR"]) / f"host-{host}"
    # Each host its own copy of the collected static files, as on separate machines.
    shutil.copytree(Path(environment["VAR_DIR"]) / "static", var_dir / "static", dirs_exist_ok=True)
    shared = {"MEDIA_STORAGE": "database", "VAR_DIR": str(var_dir)}
    if args.redis:
        shared |= {"REDIS_URL": args.redis, "CACHE_KEY_PREFIX": f"load-{os.getpid()}"}
    return {**environment, **shared}


def start_server(args, environment: dict, port: int | None = None) -> subprocess.Popen:
    port = port or args.port
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "tracker.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(args.workers), "--log-level", "warning", "--timeout", "60"]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)
    for _ in range(100):
        try:
            Browser(port).request("GET", "/accounts/login/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def percentile(values: list, share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


GOAL_P95_MS = 300  # issue 20: 50 managers + 10 board members at 1 s think time, every kind of request


def verdict(p95_ms: dict[str, float], errors: int, lost: int) -> str:
    """One line against the goals: 0 errors, 0 lost updates, p95 under GOAL_P95_MS for every kind of request."""
    slow = {kind: ms for kind, ms in p95_ms.items() if ms >= GOAL_P95_MS}
    failed = []
    if errors:
        failed.append(f"{errors} errors")
    if lost:
        failed.append(f"{lost} lost updates")
    failed += [f"{kind} p95 {ms:.0f} ms" for kind, ms in sorted(slow.items(), key=lambda item: -item[1])]
    goals = f"goals: 0 errors, 0 lost updates, p95 < {GOAL_P95_MS} ms for every request kind"
    if not failed:
        worst = max(p95_ms.items(), key=lambda item: item[1], default=("none", 0.0))
        return f"verdict: MET ({goals}; slowest p95 {worst[0]} {worst[1]:.0f} ms)"
    return f"verdict: NOT MET ({goals}): " + "; ".join(failed)


def report(tally: Tally, seconds: float, problems: list, args) -> None:
    total = sum(len(times) for times in tally.timings.values())
    errors = sum(len(messages) for messages in tally.errors.values())
    print(f"\n{args.managers} managers and {args.board} board members for {seconds:.0f} s, think time {args.think} s")
    cache = "Redis cache" if args.redis else "memory cache per process"
    hosts = f"{args.hosts} hosts × " if args.hosts > 1 else ""
    print(f"gunicorn {hosts}{args.workers} workers, database {urlsplit(args.database).scheme}, {cache}\n")
    print(f"{'request':<28} {'count':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}")
    for kind, times in sorted(tally.timings.items()):
        ms = [t * 1000 for t in times]
        print(
            f"{kind:<28} {len(ms):>6} {len(ms) / seconds:>7.1f} {statistics.median(ms):>7.0f} "
            f"{percentile(ms, 0.95):>7.0f} {max(ms):>7.0f} {len(tally.errors.get(kind, [])):>6}"
        )
    every = [t * 1000 for times in tally.timings.values() for t in times]
    print(
        f"{'all':<28} {total:>6} {total / seconds:>7.1f} {statistics.median(every):>7.0f} "
        f"{percentile(every, 0.95):>7.0f} {max(every):>7.0f} {errors:>6}"
    )
    print(f"\nsaves accepted {len(tally.accepted)}, refused as conflicts {len(tally.refused)}, lost {len(problems)}")
    for kind, messages in tally.errors.items():
        for message in messages[:3]:
            print(f"  error in {kind}: {message}")
    for problem in problems[:10]:
        print(f"  lost: {problem}")
    p95 = {kind: percentile([t * 1000 for t in times], 0.95) for kind, times in tally.timings.items() if times}
    print(verdict(p95, errors, len(problems)))


def machine_check() -> float:
    """Milliseconds a fixed loop of plain Python takes: the same figure before and after a run says the machine
    ran at one speed throughout; a larger one, that something else (another guest on the host) took the CPU."""
    started = time.perf_counter()
    total = 0
    for n in range(2_000_000):
        total += n
    return (time.perf_counter() - started) * 1000


def warm_up(browser: Browser, load_plan: str, workers: int) -> None:
    """Untimed: each gunicorn worker loads its code and compiles its templates before the clock starts."""
    for port in browser.connections:
        for _ in range(3 * workers):
            for path in ("/plans/thurrock-2017-19/board/", "/plans/thurrock-2017-19/", f"/plans/{load_plan}/board/"):
                browser.request("GET", path, port=port)


def signed_in(port: int | list[int], usernames: list) -> dict:
    """username → a Browser signed in as them (in parallel: each sign-in hashes a password)."""
    from concurrent.futures import ThreadPoolExecutor

    def sign_in(username):
        browser = Browser(port)
        browser.sign_in(username)
        return username, browser

    with ThreadPoolExecutor(8) as pool:
        return dict(pool.map(sign_in, usernames))


def main() -> None:
    args = arguments()
    var_dir = tempfile.mkdtemp(prefix="load-bench-")
    environment = server_environment(args.database, var_dir)
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VAR_DIR", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"):
        os.environ[key] = environment[key]
    fresh_database(args.database)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    from plans.models import Plan
    from tests.concurrency import Outcome, history_problems, versions_problems

    print("Building the scene (demo plans, load plan, users)…", flush=True)
    scene = build_scene(args.managers, args.board)
    level = str(Plan.objects.get(slug=scene.load_plan).scale.levels.get(value=3).pk)
    user_ids = dict(get_user_model().objects.values_list("username", "pk"))
    connections.close_all()

    ports = [args.port + host for host in range(args.hosts)]
    servers = [start_server(args, host_environment(environment, args, n), port) for n, port in enumerate(ports)]
    tally = Tally()
    try:
        print("Signing in…", flush=True)
        browsers = signed_in(ports if args.hosts > 1 else args.port, [*scene.managers, *scene.board])
        warm_up(browsers[scene.board[0]], scene.load_plan, args.workers)
        checks = [machine_check()]
        print(f"Running for {args.seconds:.0f} s…", flush=True)
        run = Run(tally, time.monotonic() + args.seconds, args.think)
        threads = [
            threading.Thread(target=manager, args=(run, browsers[name], name, user_ids[name], measures, level))
            for name, measures in scene.managers.items()
        ]
        threads += [
            threading.Thread(target=board_member, args=(run, browsers[name], scene.load_plan)) for name in scene.board
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        checks.append(machine_check())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(30)

    outcome = Outcome(0, 0, scene.measure_ids, tally.accepted, tally.refused, history_before=scene.history_before)
    problems = versions_problems(outcome) + history_problems(outcome)
    print(f"\nmachine check: a fixed loop took {checks[0]:.0f} ms before the run and {checks[1]:.0f} ms after it")
    report(tally, elapsed, problems, args)
    errors = sum(len(messages) for messages in tally.errors.values())
    sys.exit(1 if problems or errors else 0)


if __name__ == "__main__":
    main()
