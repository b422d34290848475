"""How ``aicapex query`` shows values of SQL types ledgers do not hold, in its three formats:
lists and structs, time-zone-aware timestamps, infinities and NaN."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aicapex.cli import app

pytest.importorskip("duckdb")

LEDGER = '{"aicapex": 1, "entities": [{"id": "b", "name": "B", "type": "company"}]}'


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.json"
    path.write_text(LEDGER, encoding="utf-8")
    return path


def _query(runner: CliRunner, ledger: Path, query: str, fmt: str) -> str:
    result = runner.invoke(app, ["query", str(ledger), query, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def _table(text: str) -> list[list[str]]:
    """The cells of a text table's rows (columns two spaces apart or more), header first,
    the count of rows left out."""
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines()[:-1]]


def test_lists_and_structs_are_json_text_in_the_table(runner: CliRunner, ledger: Path) -> None:
    """The table showed Python's reprs: {'a': 1, 'b': [1.5, None]}."""
    query = (
        "select [1, 2] as l, {'a': 1, 'b': [1.5, null]} as s, map {'k': 'v'} as m, "
        "[['=x'], []] as ll, ['é' || chr(10)] as t"
    )
    table = _table(_query(runner, ledger, query, "table"))
    assert table == [
        ["l", "s", "m", "ll", "t"],
        ["[1, 2]", '{"a": 1, "b": [1.5, null]}', '{"k": "v"}', '[["=x"], []]', '["é\\n"]'],
    ]
    (row,) = csv.DictReader(io.StringIO(_query(runner, ledger, query, "csv"), newline=""))
    assert list(row.values()) == table[1]  # as CSV writes them
