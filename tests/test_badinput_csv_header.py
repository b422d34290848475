"""A CSV header cell left empty (a trailing comma on every line, or the index pandas' ``to_csv``
writes first) is said to be a column without a name, not 'unknown column 'Unnamed: 5'', the
name pandas made up for it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import LedgerError


def _problem(path: Path) -> tuple[str | None, str, str]:
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "expenses")
    (problem,) = caught.value.problems
    return problem.code, problem.expected, problem.found


def test_a_trailing_comma_is_a_column_without_a_name(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,company,category,amount,date,\ne1,acme,opex,$1M,2023-05,\n")
    assert _problem(path) == (
        "unknown-column",
        "a field of expenses",
        "a column without a name in the header (column 6)",
    )


def test_an_index_written_by_pandas_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    frame = pd.DataFrame(
        {
            "id": ["e1"],
            "company": ["acme"],
            "category": ["opex"],
            "amount": ["$1M"],
            "date": ["2023-05"],
        }
    )
    frame.to_csv(path)  # index=True: an unnamed first column of 0, 1, ...
    assert _problem(path)[2] == (
        "a column without a name in the header (column 1: an index? (pandas: to_csv(index=False)))"
    )
    frame.to_csv(path, index=False)
    assert list(ac.read_table(path, "expenses")["id"]) == ["e1"]


def test_a_column_named_otherwise_is_still_unknown(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_text("id,company,category,amount,date,colour\ne1,acme,opex,$1M,2023-05,red\n")
    assert _problem(path)[2] == "unknown column 'colour'"
