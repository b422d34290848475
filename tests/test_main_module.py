"""``python -m aicapex`` runs the ``aicapex`` command (same exit codes, same output)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aicapex", *args], capture_output=True, text=True, timeout=120
    )


def test_validate_bundled_data_exits_zero() -> None:
    done = _run("validate", str(DATA), "-q")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_usage_error_is_one_line_and_exit_2() -> None:
    done = _run("no-such-command")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "no-such-command" in done.stderr


def test_help_names_the_module_invocation() -> None:
    done = _run("--help")
    assert done.returncode == 0
    assert "python -m aicapex" in done.stdout
