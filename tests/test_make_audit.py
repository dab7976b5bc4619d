"""`make audit` checks the installed packages for known vulnerabilities; `make test` never does (review item 12).

The audit needs the internet (PyPI's vulnerability database), which a test
run may not have, so only what make would run is checked here (`make -n`).
"""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def planned(target: str) -> str:
    return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_audit_runs_pip_audit_strictly_on_the_installed_packages():
    commands = planned("audit")
    assert "pip-audit --strict" in commands  # a package that could not be checked fails the audit too
    assert "--path" in commands
    assert "pip-audit==" in (ROOT / "requirements-audit.txt").read_text()


def test_make_test_does_not_run_the_audit():
    assert "pip-audit" not in planned("test")
