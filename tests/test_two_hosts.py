"""Two app servers (gunicorn) on two ports, one PostgreSQL, one Redis, and a worker: nothing is per host.

A rating saved through host A shows at once on host B's dashboard and
portfolio (the whole-plan figures are cached in Redis under data versions),
evidence uploaded through A downloads through B (database-backed media; each
host has its own empty VAR_DIR), a session signed in on A works on B, and a
board-pack PDF asked for on A is made by the worker and served by B.

PostgreSQL only (a second server process cannot share the test's SQLite file
while the test holds it): tests/conftest.py leaves it out of the SQLite run.
It builds its own scratch database, named after the test database with
"_hosts" added, and drops it afterwards. Expected figures come from the
fixtures: Thurrock's priority 5 has three measures rated 2, 2 and 2 in 01/18
(2.0); one rated 5 makes it (2 + 2 + 5) / 3 = 3.0, and the overall score,
the mean of the eight priority means (2.61 → 2.74), goes from 2.6 to 2.7.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from bench.load import CSRF, Browser
from plans.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.two_hosts
ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PLAN = "thurrock-2017-19"
MEASURE = "Development programme to support the Children in Care Council%"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_url() -> str:
    """A database beside the test database, on the same server, named after it (unique to whoever runs it)."""
    settings = connection.settings_dict
    name = f"{settings['NAME']}_hosts"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"
    )


def recreate(url: str, drop_only: bool = False) -> None:
    parts = urlsplit(url)
    with psycopg.connect(url.replace(parts.path, "/postgres"), autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')
        if not drop_only:
            server.execute(f'CREATE DATABASE "{parts.path.lstrip("/")}"')


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Hosts:
    def __init__(self, tmp: Path, database: str, prefix: str):
        self.database = database
        self.base = {
            **os.environ,
            "DATABASE_URL": database,
            "DEBUG": "0",
            "SECRET_KEY": "two-hosts-test-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "MEDIA_STORAGE": "database",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "TASKS_BACKEND": "database",
            "AXES_FAILURE_LIMIT": "1000",
            "LOG_LEVEL": "ERROR",
        }
        self.var_dirs = {name: tmp / name for name in ("a", "b", "worker")}
        self.processes: list[subprocess.Popen] = []
        self.ports = {"a": free_port(), "b": free_port()}

    def environment(self, name: str) -> dict:
        return {**self.base, "VAR_DIR": str(self.var_dirs[name])}

    def manage(self, *arguments: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.environment("a"), check=True, timeout=600
        )

    def prepare(self) -> None:
        for var_dir in self.var_dirs.values():
            var_dir.mkdir()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo", "--quiet-users")
        self.manage("collectstatic", "--noinput", "-v", "0")
        for name in ("b", "worker"):  # each host its own copy of the static files, as on separate machines
            shutil.copytree(self.var_dirs["a"] / "static", self.var_dirs[name] / "static")

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        for name, port in self.ports.items():
            command = [gunicorn, "tracker.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
            self.processes.append(subprocess.Popen(command, cwd=ROOT, env=self.environment(name)))
        worker = [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
        self.processes.append(subprocess.Popen(worker, cwd=ROOT, env=self.environment("worker")))
        for port in self.ports.values():
            for _ in range(150):
                try:
                    Browser(port).request("GET", "/accounts/login/")
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"gunicorn did not start on port {port}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def query(self, sql: str, *parameters):
        with psycopg.connect(self.database) as database:
            return database.execute(sql, parameters).fetchone()


@pytest.fixture(scope="module")
def hosts(tmp_path_factory, django_db_blocker):
    if not redis_reachable():
        message = f"Redis is not reachable at {REDIS_URL}; make test starts it (bin/system-packages)."
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    with django_db_blocker.unblock():
        database = scratch_url()
    prefix = f"two-hosts-{uuid.uuid4().hex[:12]}"
    recreate(database)
    cluster = Hosts(tmp_path_factory.mktemp("hosts"), database, prefix)
    try:
        cluster.prepare()
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        recreate(database, drop_only=True)
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)


def signed_in_on(hosts: Hosts, host: str, username: str) -> Browser:
    browser = Browser([hosts.ports["a"], hosts.ports["b"]])
    port = hosts.ports[host]
    _, page = browser.request("GET", "/accounts/login/", port=port)
    token = CSRF.search(page).group(1)
    form = {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    status, _ = browser.request("POST", "/accounts/login/", form, port=port)
    assert status == 302
    return browser


def priority_5_now(page: str) -> str:
    return re.search(r"Priority 5 score by period</title><desc>Initial: 2\.0; 01/18: (\d\.\d)", page).group(1)


def overall_now(page: str) -> str:
    return re.search(r"Overall score by period: Initial 2\.1, 01/18 (\d\.\d)", page).group(1)


def test_a_session_signed_in_on_one_host_works_on_the_other(hosts):
    browser = signed_in_on(hosts, "a", "board")
    status, page = browser.request("GET", "/portfolio/", port=hosts.ports["b"])
    assert status == 200
    assert "Sign out" in page


def test_a_rating_saved_through_one_host_shows_at_once_on_the_others_dashboard_and_portfolio(hosts):
    reader = signed_in_on(hosts, "b", "board")
    b = hosts.ports["b"]
    assert priority_5_now(reader.request("GET", f"/plans/{PLAN}/board/", port=b)[1]) == "2.0"  # now cached on B
    assert overall_now(reader.request("GET", "/portfolio/", port=b)[1]) == "2.6"

    owner = signed_in_on(hosts, "a", "owner")
    (measure,) = hosts.query("SELECT id FROM plans_measure WHERE text LIKE %s", MEASURE)
    (level,) = hosts.query(
        "SELECT l.id FROM plans_level l JOIN plans_plan p ON p.scale_id = l.scale_id WHERE p.slug = %s AND l.value = 5",
        PLAN,
    )
    a = hosts.ports["a"]
    htmx = {"HX-Request": "true"}
    _, form = owner.request("GET", f"/measures/{measure}/rate/", headers=htmx, port=a)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    due = re.search(r'name="due_month"[^>]*value="([^"]*)"', form)
    data = {"level": level, "update": "Programme running.", "reason": "", "version": version}
    data["due_month"] = due.group(1) if due else ""
    status, saved = owner.request("POST", f"/measures/{measure}/rate/", data, headers=htmx, port=a)
    assert status == 200
    assert "Saved." in saved, saved[:500]

    assert priority_5_now(reader.request("GET", f"/plans/{PLAN}/board/", port=b)[1]) == "3.0"
    assert overall_now(reader.request("GET", "/portfolio/", port=b)[1]) == "2.7"


def test_evidence_uploaded_through_one_host_downloads_through_the_other(hosts):
    owner = signed_in_on(hosts, "a", "owner")
    (measure,) = hosts.query("SELECT id FROM plans_measure WHERE text LIKE %s", MEASURE)
    content = b"%PDF-1.4 children in care council minutes " + uuid.uuid4().hex.encode()
    status, _ = owner.request(
        "POST",
        f"/measures/{measure}/evidence/",
        {"title": "Council minutes"},
        files={"file": ("minutes.pdf", content)},
        port=hosts.ports["a"],
    )
    assert status == 302
    (evidence,) = hosts.query("SELECT id FROM plans_evidence WHERE title = %s", "Council minutes")
    status, body = owner.raw("GET", f"/evidence/{evidence}/", port=hosts.ports["b"])
    assert status == 200
    assert body == content
    on_disk = [path for var_dir in hosts.var_dirs.values() for path in (var_dir / "media").rglob("*") if path.is_file()]
    assert on_disk == []  # no host holds the file: it is in the database


def test_a_board_pack_pdf_asked_for_on_one_host_is_made_by_the_worker_and_served_by_the_other(hosts):
    board = signed_in_on(hosts, "a", "board")
    path = f"/plans/{PLAN}/board/pack.pdf?period=01%2F18"
    status, page = board.request("GET", path, port=hosts.ports["a"])
    assert status == 202
    assert "The PDF is being prepared." in page
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        status, body = board.raw("GET", path, port=hosts.ports["b"])
        if status == 200:
            break
        assert status == 202, body[:300]
        time.sleep(1)
    assert status == 200
    assert body.startswith(b"%PDF")
    assert board.last_response.headers["Content-Type"] == "application/pdf"
    (renders,) = hosts.query("SELECT count(*) FROM plans_packrender WHERE status = 'ready'")
    assert renders == 1  # made once, by the worker, for both hosts
