"""A CSV cell whose quote is never closed is refused at the line the quote opens on, in the
table's words: it was 'expected a readable CSV or Parquet table, got Error tokenizing data. C
error: EOF inside string starting at row 3', pandas' row (counted from 0), no line. An empty
CSV file says so (it was 'got No columns to parse from file')."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

HEAD = "id,company,category,amount,date,note\n"


@pytest.mark.parametrize(("before", "line"), [("", 4), ("\n\n", 6)])
def test_an_unclosed_quote_is_refused_at_its_line(tmp_path: Path, before: str, line: int) -> None:
    path = tmp_path / "e.csv"
    path.write_text(
        f'{before}{HEAD}e1,acme,opex,$1M,2023-05,x\n\ne2,acme,opex,$1M,2023-05,"abc\nmore\n'
    )
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "expenses")
    (problem,) = caught.value.problems
    assert (problem.line, problem.kind, problem.code) == (line, "expenses", "bad-table")
    assert problem.found == f"a quote opened on line {line} and never closed"
    assert problem.expected == (
        "a quoted cell closed by a second '\"' (a quote inside it written twice)"
    )


def test_a_closed_quote_over_two_lines_is_one_cell(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text(f'{HEAD}e1,acme,opex,$1M,2023-05,"abc\nmore ""x"""\n')
    assert list(ac.read_table(path, "expenses")["note"]) == ['abc\nmore "x"']


@pytest.mark.parametrize(
    ("text", "found"), [("", "an empty file"), ("  \n\n \n", "only blank lines")]
)
def test_an_empty_table_says_so(tmp_path: Path, text: str, found: str) -> None:
    # was 'expected a readable CSV or Parquet table, got No columns to parse from file'
    path = tmp_path / "e.csv"
    path.write_text(text)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "expenses")
    (problem,) = caught.value.problems
    assert (problem.line, problem.code, problem.found) == (1, "bad-table", found)
    assert problem.expected == "a table: a header row of column names, then a row per record"
