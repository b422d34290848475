"""``Ledger.save`` refuses a name ``load`` would not read back as a ledger file: a ``.csv`` (or
any other ending) got YAML written into it, and a ``*.scenarios.yaml`` got a ledger that the
folder's next load left out, both silently. Nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError


@pytest.fixture
def ledger() -> ac.Ledger:
    return ac.load(ac.bundled_data() / "musk.yaml")


@pytest.mark.parametrize(
    "name", ["ledger.csv", "ledger.txt", "ledger", "x.scenarios.yaml", "x.scenarios.json"]
)
def test_a_name_load_would_not_read_is_refused(
    ledger: ac.Ledger, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    with pytest.raises(LedgerError) as info:
        ledger.save(path)
    [problem] = info.value.problems
    assert (problem.code, problem.file, problem.found) == ("invalid-value", str(path), repr(name))
    assert ".yaml, .yml, .json" in problem.expected
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize("name", ["ledger.yaml", "ledger.yml", "ledger.json"])
def test_a_ledger_name_saves_and_loads_back(ledger: ac.Ledger, tmp_path: Path, name: str) -> None:
    saved = ledger.save(tmp_path / name)
    assert ac.load(tmp_path) == ledger  # the folder's load reads it
    assert ac.load(saved) == ledger
