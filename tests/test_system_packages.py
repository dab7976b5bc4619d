"""`make test` installs the system packages its tests need (bin/system-packages), on a machine that lacks them.

The script runs here with a PATH holding only stand-ins: no Chromium, no
pdftotext, an `ldconfig` that lists no Pango, an `id` saying root or not, and
an `apt-get` that writes down what it was asked to install.
"""

import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "system-packages"
EVERYTHING = [
    "chromium",
    "poppler-utils",
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "nodejs",
    "npm",
    "redis-server",
    "postgresql",
]


def bare_machine(tmp_path: Path, uid: int, present: tuple[str, ...] = ()) -> dict:
    """An environment whose PATH finds only the shell's basic tools, the given commands and the stand-ins."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("grep", "ls", "seq", "sleep", "cat"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    def stand_in(name: str, body: str) -> None:
        path = bin_dir / name
        path.write_text(f"#!/bin/bash\n{body}\n")
        path.chmod(0o755)

    stand_in("id", f"echo {uid}")
    stand_in("ldconfig", "echo 'libc.so.6 (libc6,x86-64) => /lib/libc.so.6'")
    stand_in("apt-get", f'echo "$@" >> {tmp_path / "apt.log"}')
    for name in present:
        stand_in(name, "exit 0")
    return {"PATH": str(bin_dir), "HOME": str(tmp_path)}


def run(environment: dict, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT), *arguments], env=environment, capture_output=True, text=True, timeout=60
    )


def test_as_root_it_installs_every_missing_package_with_apt(tmp_path):
    result = run(bare_machine(tmp_path, uid=0))
    assert result.returncode == 0, result.stderr
    assert f"Installing from Debian: {' '.join(EVERYTHING)}" in result.stdout
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0] == "update -qq"
    assert calls[1] == f"install -y -qq {' '.join(EVERYTHING)}"


def test_without_root_it_stops_with_the_one_command_to_run(tmp_path):
    result = run(bare_machine(tmp_path, uid=1000, present=("node", "npm", "redis-server", "pg_ctlcluster")))
    assert result.returncode == 1
    assert "sudo apt-get install -y chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0" in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_check_only_lists_what_is_missing_and_installs_nothing(tmp_path):
    present = ("chromium", "pdftotext", "node", "npm", "redis-server", "pg_ctlcluster")
    result = run(bare_machine(tmp_path, uid=0, present=present), "--check")
    assert result.returncode == 1
    assert result.stdout.strip() == "Missing system packages: libpango-1.0-0 libpangoft2-1.0-0"
    assert not (tmp_path / "apt.log").exists()


def test_after_make_test_ran_it_nothing_the_tests_need_is_missing():
    result = subprocess.run([str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
