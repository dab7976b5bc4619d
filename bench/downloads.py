"""Benchmark: memory a worker grows by while it sends a plan's whole-plan downloads (the data API).

Generates one plan of 1,000 measures × 36 periods (manage.py generate_plan: 36,000
ratings) in a scratch database, then, for each download, starts a fresh process
that signs in, makes one small request first (so that code, templates and the
database connection are loaded), and downloads the file through Django's test
client with production settings (DEBUG off), reading it to the end as a client
would. It prints each download's size, time and the process's resident memory
growth: its peak during the download (Linux's VmHWM, reset just before) less
its resident memory before. The goal (issue 20): under 50 MB for the
36,000-row ratings CSV, whatever the plan's size.

    python bench/downloads.py                  # SQLite scratch file under the temporary folder, kept for --reuse
    python bench/downloads.py --reuse          # the plan generated last time
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_downloads python bench/downloads.py
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = Path(tempfile.gettempdir()) / "bench-downloads.sqlite3"
DOWNLOADS = ["ratings.csv", "ratings.json", "measures.csv", "measures.json"]
GOAL_MB = 50


def environment() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{SCRATCH}",
    }


def prepare(args) -> None:
    """Migrate a fresh scratch database and generate the plan (unless --reuse and it is there)."""
    env = environment()
    manage = [sys.executable, str(ROOT / "manage.py")]
    if args.reuse and (not env["DATABASE_URL"].startswith("sqlite") or SCRATCH.exists()):
        return
    if env["DATABASE_URL"].startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SCRATCH}{suffix}").unlink(missing_ok=True)
    else:
        subprocess.run([*manage, "flush", "--no-input"], env=env, check=False, capture_output=True)
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [*manage, "generate_plan", "--measures", str(args.measures), "--periods", str(args.periods)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(f"generated {args.measures} measures × {args.periods} periods in {time.perf_counter() - started:.0f} s")


def resident_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def one(download: str) -> None:
    """In a fresh process: the download's bytes, seconds and resident memory growth, printed as one line."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from plans.models import Plan

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user, _ = get_user_model().objects.get_or_create(username="bench-downloads", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    slug = Plan.objects.order_by("pk").values_list("slug", flat=True).first()

    def fetch(name: str) -> int:
        response = client.get(f"/api/plans/{slug}/{name}")
        assert response.status_code == 200, response.status_code
        if response.streaming:
            return sum(len(piece) for piece in response.streaming_content)
        return len(response.content)

    fetch("rollup.csv")  # loads the code and the connection: not counted
    before = resident_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM, the peak resident size, to the current one
    started = time.perf_counter()
    size = fetch(download)
    seconds = time.perf_counter() - started
    growth = (resident_kb("VmHWM") - before) / 1024
    print(f"{download}\t{size}\t{seconds:.3f}\t{growth:.1f}\t{before / 1024:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the generated plan")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process's download
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, str(ROOT))
        one(args.one)
        return
    prepare(args)
    print(f"{'download':<16} {'bytes':>12} {'seconds':>8} {'memory growth MB':>17} {'resident before MB':>19}")
    worst = {}
    for download in DOWNLOADS:
        out = subprocess.run(
            [sys.executable, __file__, "--one", download], env=environment(), check=True, capture_output=True, text=True
        ).stdout.strip()
        name, size, seconds, growth, before = out.splitlines()[-1].split("\t")
        worst[name] = float(growth)
        print(f"{name:<16} {int(size):>12,} {float(seconds):>8.2f} {float(growth):>17.1f} {float(before):>19.1f}")
    verdict = "met" if worst["ratings.csv"] < GOAL_MB else "NOT met"
    print(f"verdict: ratings.csv grew the worker by {worst['ratings.csv']:.1f} MB (goal < {GOAL_MB} MB): {verdict}")


if __name__ == "__main__":
    main()
