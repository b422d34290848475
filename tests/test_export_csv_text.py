"""CSV text read back: any text a ledger or a query holds is one cell, whole, in the export's
CSV (escaped against formulas, the escape undone by dropping one leading quote), whatever
line breaks it holds: a carriage return alone (``a\\rb``) was written unquoted, and a reader took
it for the end of a row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export.tables import csv_text

LedgerText = Callable[..., Path]


def _unescape(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@settings(max_examples=300, deadline=None)
# text a file can hold: no NUL, no lone surrogate (UTF-8 cannot encode one)
@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",))),
        min_size=1,
    )
)
@example(["a\rb"])
@example(["\ue000\r", "x\r\ny", '"\r"'])
def test_any_text_is_one_cell(texts: list[str]) -> None:
    frame = pd.DataFrame({"name": pd.Series(texts, dtype=object), "n": range(len(texts))})
    rows = _read(csv_text(frame))
    assert rows[0] == ["name", "n"]
    assert [[_unescape(r[0]), r[1]] for r in rows[1:]] == [[t, str(i)] for i, t in enumerate(texts)]


def test_a_column_name_with_a_carriage_return() -> None:
    frame = pd.DataFrame({"a\rb": ["x"], "c": ["y\rz"]})
    assert _read(csv_text(frame)) == [["a\rb", "c"], ["x", "y\rz"]]


def test_exported_tables_and_queries_keep_carriage_returns(
    ledger_text: LedgerText, tmp_path: Path
) -> None:
    path = tmp_path / "cr.json"
    path.write_text(
        '{"aicapex": 1, "entities": [{"id": "b", "name": "a\\rb", "type": "company"},'
        ' {"id": "c", "name": "c\\r\\nd,\\"", "type": "company"}]}',
        encoding="utf-8",
    )
    ac.export(ac.load(path), to="csv", out=tmp_path / "t")
    rows = _read((tmp_path / "t" / "entities.csv").read_bytes().decode("utf-8"))
    assert [r[:2] for r in rows[1:]] == [["b", "a\rb"], ["c", 'c\r\nd,"']]
    runner = CliRunner()
    result = runner.invoke(
        app, ["query", str(path), "select id, name from entities order by id", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert _read(result.stdout_bytes.decode("utf-8")) == [
        ["id", "name"],
        ["b", "a\rb"],
        ["c", 'c\r\nd,"'],
    ]
