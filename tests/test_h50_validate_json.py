"""``validate --json --strict`` prints the warnings it refuses as JSON (helper-50's bad-input
review): it exited 1 with nothing on standard output, where ``--json`` promises
``{"problems": [...]}`` to a program whenever the ledger is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LEDGER = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2023-10}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-08, billed: $7M, due: 2023-08-10,
   sources: [s1]}
"""


def validate(path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aicapex", "validate", str(path), *options]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_strict_json_prints_the_refused_warnings(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(LEDGER)  # b1 is due before its period ends: a warning
    done = validate(path, "--json", "--strict")
    assert done.returncode == 1
    problems = json.loads(done.stdout)["problems"]
    assert [
        (p["code"], p["severity"], p["record_id"], p["field"], p["line"]) for p in problems
    ] == [("due-before-period-end", "warning", "b1", "due", 8)]
    assert "1 warning refused (--strict)" in done.stderr


def test_json_without_strict_is_the_summary_and_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(LEDGER)
    done = validate(path, "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["total"] == 4
