"""Benchmark: importing and exporting a council-layout workbook, as ratios to raw openpyxl.

A generator writes a workbook of N measure rows × 4 periods in the council's
layout (sheet per priority, banner rows, blank "same as above" outcomes and
actions, leads, times, ratings). Printed in one run:

- import as a whole process: `manage.py import_plan file --create` with
  production settings into a migrated SQLite file (read, preview, apply with
  history) / a process running openpyxl's plain `load_workbook` of the same
  file; best of 3 each, alternating, with each process's peak memory (RSS);
- import in this process (read + preview + apply) / openpyxl reading the same
  file's cell values (read-only mode), as before;
- export (our workbook, styled, merged, validated) / openpyxl writing the same
  cell values plainly;
- peak Python memory of each (tracemalloc).

Usage: python bench/spreadsheets.py [rows] [--import-only | --export-only] [--repeat N] [--processes N]
(default 10000 rows; SQLite in memory unless DATABASE_URL is set; DEBUG off
unless DEBUG=1; --help says more). Figures are recorded in docs/benchmarks.md.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Production settings, as bench/pages.py: DEBUG off, so Django does not log (and quote) every query's
# parameters, which a council's server never does. DEBUG=1 measures with the query log.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

PERIODS = ["Initial", "01/18", "03/18", "05/18"]
LEADS = ["S Murphy", "J Cooke", "Head of Service CP", "Strategic Lead", "M Taylor / R Evans", "A Smith & B Jones"]
TIMES = ["Jan-18", "Apr 18", "Ongoing", "01/16/2018", "Quarterly", "Sep-18"]


def generate(rows: int, priorities: int = 8) -> bytes:
    """A council-layout workbook with `rows` measure rows spread over `priorities` sheets."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    per_sheet = -(-rows // priorities)
    written = 0
    for number in range(1, priorities + 1):
        sheet = book.create_sheet(f"Priority {number}")
        sheet.append(["Anytown Council Improvement Plan"])
        sheet.append([f"Priority {number}: Theme {number}"])
        sheet.append(
            ["Outcome", "Action", "Success measure(s)", "Lead", "Responsible Officer", "Time"]
            + [f"RAG\n{label}" for label in PERIODS]
            + ["Progress update"]
        )
        for index in range(min(per_sheet, rows - written)):
            n = written + index
            sheet.append(
                [
                    f"Outcome {number}.{index // 12}: children are safer (Ofsted recco {n % 16 + 1})"
                    if index % 12 == 0
                    else None,
                    f"Action {number}.{index // 4}: do the work" if index % 4 == 0 else None,
                    f"Success measure {n}: the figure improves by {n % 50}%",
                    LEADS[n % len(LEADS)],
                    LEADS[(n + 3) % len(LEADS)],
                    TIMES[n % len(TIMES)],
                    *[(n + p) % 5 + 1 if p < 2 else 0 for p in range(len(PERIODS))],
                    f"Update on measure {n}: progress as planned.",
                ]
            )
        written += per_sheet
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peak_memory(fn) -> int:
    """Peak Python allocation while fn runs (a separate run: tracemalloc slows what it watches)."""
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def raw_read(data: bytes) -> int:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    count = sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for _ in row)
    book.close()
    return count


def raw_write(rows: list[list[object]]) -> int:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return len(stream.getvalue())


ROOT = Path(__file__).resolve().parent.parent
# A child process that runs a command and prints its peak memory (the largest resident set of its own child).
MEASURED = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "sys.stderr.write(done.stderr[-2000:] if done.returncode else ''); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def run_measured(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak resident memory in KB) of a whole process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, *command], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{command[:3]} failed: {done.stderr}")
    return seconds, int(done.stdout.split()[-1])


def whole_processes(data: bytes, runs: int) -> tuple[float, float]:
    """`manage.py import_plan` against openpyxl's plain load_workbook, each a whole process, best of `runs`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.xlsx"
        path.write_bytes(data)
        env = {
            **os.environ,
            "DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
        }
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        load = "from plans.demo.loader import LoadReport, load_scales; load_scales(LoadReport())"
        subprocess.run([*manage, "shell", "-c", load], env=env, cwd=ROOT, check=True, capture_output=True)
        reads, imports = [], []
        for run in range(1, runs + 1):
            reads.append(run_measured([sys.executable, "-c", OPENPYXL_LOAD, str(path)], env))
            imports.append(run_measured([*manage, "import_plan", str(path), "--plan", f"whole-{run}", "--create"], env))
            print(
                f"  process {run}: openpyxl load_workbook {reads[-1][0]:5.2f} s, {reads[-1][1] / 1024:5.0f} MB;"
                f" import_plan {imports[-1][0]:5.2f} s, {imports[-1][1] / 1024:5.0f} MB;"
                f" ratio {imports[-1][0] / reads[-1][0]:4.2f}"
            )
    best_read, best_import = min(seconds for seconds, _ in reads), min(seconds for seconds, _ in imports)
    print(f"openpyxl load_workbook, process:  {best_read:7.2f} s  (best of {runs})")
    print(
        f"import_plan, whole process:       {best_import:7.2f} s  (best of {runs})"
        f"  ratio {best_import / best_read:5.2f}  (target ≤ 1.0)"
    )
    return best_read, best_import


OPENPYXL_LOAD = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1])"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Import and export a generated council workbook, as ratios to openpyxl."
    )
    parser.add_argument("rows", nargs="?", type=int, default=10_000, help="measure rows in the workbook (10000)")
    parser.add_argument(
        "--import-only", action="store_true", help="time the import against the raw read; skip export and comparison"
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help="import once (a plan to export), time the export; skip the memory run and the comparison",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=3,
        metavar="N",
        help="whole-process runs of import_plan and of openpyxl's load_workbook, best of N (3; 0 skips them)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="time the read and the import N times, alternating, and print each ratio (a shared machine is noisy)",
    )
    return parser.parse_args(argv)


def main() -> None:
    from django.conf import settings

    from plans.audit import system_user
    from plans.demo.loader import load_scales
    from plans.models import Plan
    from plans.spreadsheets.exporter import export_plan, export_rows, headers
    from plans.spreadsheets.importer import apply_import
    from plans.spreadsheets.service import preview_import

    args = parse_args()
    rows = args.rows
    settings.SPREADSHEET_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
    call_command("migrate", verbosity=0)
    from plans.demo.loader import LoadReport

    load_scales(LoadReport())
    data = generate(rows)
    print(f"workbook: {rows} measure rows × {len(PERIODS)} periods, {len(data) / 1024:.0f} KB")
    debug = "on (queries logged)" if settings.DEBUG else "off"
    print(f"settings: DEBUG {debug}, {settings.DATABASES['default']['ENGINE']}")

    user = system_user()
    if args.processes and not args.export_only:
        whole_processes(data, args.processes)

    def full_import(slug="bench"):
        preview = preview_import(data, None, create_slug=slug, title="Bench")
        assert not preview.errors, preview.errors[:3]
        apply_import(preview, user, "bench.xlsx")
        return preview

    for run in range(1, args.repeat):  # the extra runs, each into its own plan; the last one is reported below
        _, read_time = timed(lambda: raw_read(data))
        _, import_time = timed(lambda run=run: full_import(f"bench-{run}"))
        print(f"run {run}: read {read_time:5.2f} s, import {import_time:5.2f} s, ratio {import_time / read_time:4.1f}")
    _, read_time = timed(lambda: raw_read(data))
    preview, import_time = timed(full_import)
    assert len(preview.new_rows) == rows
    if not args.export_only:
        read_peak = peak_memory(lambda: raw_read(data))
        import_peak = peak_memory(lambda: full_import("bench-memory"))
        print(f"openpyxl read (values only):      {read_time:7.2f} s  peak {read_peak / 1e6:6.1f} MB")
        print(
            f"import (read, preview, apply):    {import_time:7.2f} s  peak {import_peak / 1e6:6.1f} MB"
            f"  ratio {import_time / read_time:5.1f}  (in this process, against the read-only read)"
        )
    if args.import_only:
        return

    plan = Plan.objects.with_scale().get(slug="bench")
    periods = list(plan.periods.all())
    from plans.spreadsheets.exporter import choose_layout

    layout = choose_layout(plan, periods)
    keys = [key for key, _h, _c in headers(layout, periods, False)]
    values = [[row.values.get(key) for key in keys] for row in export_rows(plan, periods, layout)]
    _, write_time = timed(lambda: raw_write(values))

    def export():
        stream = io.BytesIO()
        export_plan(plan).save(stream)
        return len(stream.getvalue())

    _, export_time = timed(export)
    write_peak, export_peak = peak_memory(lambda: raw_write(values)), peak_memory(export)
    print(f"openpyxl write (values only):     {write_time:7.2f} s  peak {write_peak / 1e6:6.1f} MB")
    print(
        f"export (styled, merged, checked): {export_time:7.2f} s  peak {export_peak / 1e6:6.1f} MB"
        f"  ratio {export_time / write_time:5.2f}  (target ≤ 0.5)"
    )
    if not args.export_only:
        compare_with_import_export(plan, import_time)  # last: it adds its copies of the rows to the plan


def compare_with_import_export(plan, import_time: float) -> None:
    """django-import-export importing the same rows into the same models with history (if installed)."""
    try:
        from bench.import_export_comparison import import_again
    except ImportError:
        print("django-import-export:             not installed (pip install -r requirements-bench.txt)")
        return
    count, their_time = timed(lambda: import_again(plan))
    print(
        f"django-import-export, same rows:  {their_time:7.2f} s  ({count} measures and their ratings,"
        f" history per save)  ours is {their_time / import_time:5.1f}× faster"
    )


if __name__ == "__main__":
    main()
