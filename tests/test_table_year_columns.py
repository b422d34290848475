"""A Parquet date column of years typed nullable Int64 (as pandas writes a column of years with
a blank) was refused ("expected a date like '2023', got 2024"), while int64 and float64 years
read: every integer type of years reads as years; a year with a fraction, or a boolean, is
still refused."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import LedgerError


def _table(tmp_path: Path, dates: object, dtype: str) -> Path:
    frame = pd.DataFrame(
        {
            "id": ["e1", "e2"],
            "company": ["co", "co"],
            "category": ["opex", "opex"],
            "amount": ["$12M", "$24M"],
            "date": pd.array(dates, dtype=dtype),
        }
    )
    path = tmp_path / f"expenses-{dtype}.parquet"
    frame.to_parquet(path)
    return path


def _read(path: Path) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ac.read_table(path, "expenses")


@pytest.mark.parametrize("dtype", ["Int64", "int64", "Int32", "UInt16", "float64"])
def test_integer_years_read_as_years(tmp_path: Path, dtype: str) -> None:
    frame = _read(_table(tmp_path, [2023, 2024], dtype))
    assert frame["date_start"].dt.strftime("%Y-%m-%d").tolist() == ["2023-01-01", "2024-01-01"]
    assert frame["date_end"].dt.strftime("%Y-%m-%d").tolist() == ["2023-12-31", "2024-12-31"]
    assert frame["date_precision"].astype(str).tolist() == ["year", "year"]


def test_a_year_with_a_fraction_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=r"date: expected a date like"):
        _read(_table(tmp_path, [2023.5, 2024.0], "float64"))


def test_a_boolean_is_no_year(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match=r"date: expected a date like"):
        _read(_table(tmp_path, [True, False], "bool"))
