"""benchmarks/gen_ledger.py makes a loadable ledger at any size: a small one (-n 20) failed
(a round sampling three investors of none, an order from a chip vendor of none)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aicapex as ac

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "gen_ledger.py"


@pytest.mark.parametrize(("n", "kinds"), [(20, "default"), (20, "all"), (120, "all")])
def test_a_small_ledger_is_made_and_loads(tmp_path: Path, n: int, kinds: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "-n", str(n), "--kinds", kinds, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (path,) = tmp_path.glob("ledger-*.yaml")
    led = ac.load(path)
    assert len(led.records("entities")) >= 5
    assert led.records("funding_rounds") or kinds == "default"
