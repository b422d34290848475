"""The shortcuts of the columnar layer's fast paths agree with the general ones: categoricals of
one value, rate totals of tables where few rows have a rate, and the like."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table
from aicapex.table.bulkcols import Located
from aicapex.table.columns import coded_category, constant_category, factorize
from aicapex.table.idcols import ID_PATTERN, id_column
from aicapex.table.typedcols import blank_strings, string_column


@pytest.mark.parametrize("value", [None, "actual", "USD"])
@pytest.mark.parametrize("n", [0, 1, 5, 300])
def test_a_constant_category_is_the_coded_category_of_its_value(value: str | None, n: int) -> None:
    fast = constant_category(value, n)
    if n:  # (pandas types the categories of no rows otherwise)
        slow = pd.Series([value] * n, dtype="category").array
        pd.testing.assert_extension_array_equal(fast, slow)
        assert fast.codes.dtype == slow.codes.dtype
    general = coded_category(np.zeros(n, dtype=np.int64), [value])
    pd.testing.assert_extension_array_equal(fast, general)


@pytest.mark.parametrize("labels", [3, 200, 40_000])
def test_coded_categories_keep_the_codes_pandas_keeps(labels: int) -> None:
    rng = np.random.default_rng(labels)
    names = [f"x{i:06d}" for i in rng.permutation(labels)]
    codes = rng.integers(-1, labels, size=5000)
    for kind in (np.int8, np.int16, np.int32, np.int64, np.intp):
        if labels >= np.iinfo(kind).max:
            continue
        cat = coded_category(codes.astype(kind), names)
        expected = pd.Series([names[c] if c >= 0 else None for c in codes], dtype="category").array
        pd.testing.assert_extension_array_equal(cat, expected)
        assert cat.codes.dtype == expected.codes.dtype


def _rate_problems(tmp_path: Path, rows: list[str]) -> list[tuple[int | None, str, str]]:
    path = tmp_path / "table.csv"
    path.write_text("id,company,amount,rate,date,until,category\n" + "".join(rows))
    with pytest.raises(LedgerError) as info:
        read_table(path, "expenses")
    return [(p.line, p.field or "", p.found) for p in info.value.problems]


def test_huge_rate_totals_are_found_among_rows_without_a_rate(tmp_path: Path) -> None:
    rows = [f"e{i},acme,$1M,,2023-0{1 + i % 9},,tax\n" for i in range(20)]
    rows[3] = "e3,acme,,$900T/month,2023-01,2024-12,tax\n"  # 24 months: 21,600T
    rows[7] = "e7,acme,,$1M/month,2023-01,2024-12,tax\n"  # fine
    rows[12] = "e12,acme,,$10T/day,2020,2029,tax\n"
    found = _rate_problems(tmp_path, rows)
    assert [(line, field) for line, field, _ in found] == [(5, "rate"), (14, "rate")]
    # as the records' check says it: the rate, its months and its total, in money
    assert found[0][2] == "$900T/month over 24 months, $21,600T"
    assert found[1][2] == "$10T/day over 120 months, $36,525T"  # 365.25 / 12 days a month


def test_huge_rate_totals_when_every_row_has_a_rate(tmp_path: Path) -> None:
    rows = [
        "e1,acme,,$900T/month,2023-01,2024-12,tax\n",
        "e2,acme,,$2M/month,2023-01,2024-12,tax\n",
    ]
    found = _rate_problems(tmp_path, rows)
    assert [(line, field) for line, field, _ in found] == [(2, "rate")]


def test_each_flow_is_in_the_month_of_its_date(tmp_path: Path) -> None:
    """flows' month is its date's month, whether spread over a span, a rate or on a day (the
    months given to flow_rows rather than found again from the dates)."""
    from aicapex.table.flows import flows

    path = tmp_path / "expenses.csv"
    path.write_text(
        "id,company,counterparty,amount,rate,date,until,category,basis\n"
        "e1,acme,aws,$2M,,2024-01-15,,compute,actual\n"
        "e2,acme,aws,$3M,,Q2 2024,,compute,actual\n"
        "e3,acme,staff,,$1M/month,2024-03-10,2024-07,payroll,actual\n"
        "e4,acme,staff,$1M,,2024-02-29,2024-05,payroll,expected\n"
        "e5,acme,tax,$5M,,2024,,tax,actual\n"
        "e6,beta,aws,$1,,2023-12-31,,compute,actual\n",
        encoding="utf-8",
    )
    table = flows({"expenses": read_table(path, "expenses")})
    dates = table["date"].to_numpy("datetime64[ns]")
    months = dates.astype("datetime64[M]").astype("datetime64[ns]")
    assert (table["month"].to_numpy("datetime64[ns]") == months).all()
    assert len(table) > 6


def _old_date_columns(col: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str | None], list[int]]:
    """date_columns as it was: every distinct value through PartialDate.parse."""
    from aicapex.dates import PartialDate
    from aicapex.table.columns import parse_unique
    from aicapex.table.datecols import date_value

    codes, parsed, bad = parse_unique(col, lambda v: PartialDate.parse(date_value(v)))
    nat = np.datetime64("NaT", "ns")
    spans = [p.sort_key() if p is not None else None for p in parsed]
    start = np.array([nat if s is None else np.datetime64(s[0], "ns") for s in spans] + [nat])
    end = np.array([nat if s is None else np.datetime64(s[1], "ns") for s in spans] + [nat])
    labels = [p.precision.value if p is not None else None for p in parsed]
    precision = [labels[c] if c >= 0 else None for c in codes]
    return start[codes], end[codes], precision, np.flatnonzero(bad).tolist()


DATES = [
    "2024-03-15", "2024-02-29", "2023-02-29", "2023-13-01", "2023-00-10", "1900-01-01",
    "1899-12-31", "2200-12-31", "2201-01-01", "0000-01-01", "9999-12-31", "2024-3-15",
    "2024-03-15 ", " 2024-03-15", "2024-03", "Q3 2023", "2023", "late 2023", "FY2025",
    "2021..2024", "2024-03-15T00:00", "٢٠٢٤-٠٣-١٥", "nonsense", "", None,
]  # fmt: skip


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
def test_iso_days_read_at_once_as_parse_reads_them(dtype: str) -> None:
    from aicapex.table.bulkcols import Located
    from aicapex.table.datecols import date_columns

    rng = np.random.default_rng(3)
    days = pd.date_range("1899-12-25", "2201-01-05", freq="37D").strftime("%Y-%m-%d").tolist()
    values = list(rng.choice(np.array(DATES + days, dtype=object), size=4000)) + DATES
    col = pd.Series(values, dtype=dtype)
    chk = Located("t.csv", "expenses", None, True)
    new = date_columns(col, chk, "date")
    start, end, precision, bad = _old_date_columns(col)
    np.testing.assert_array_equal(new["date_start"], start)
    np.testing.assert_array_equal(new["date_end"], end)
    expected = pd.Series(precision, dtype="category").array
    pd.testing.assert_extension_array_equal(new["date_precision"], expected)
    assert [p.index for p in chk.problems] == bad[: len(chk.problems)]
    assert len(chk.problems) == min(len(bad), 200)
    old = Located("t.csv", "expenses", None, True)
    old.rows(np.isin(np.arange(len(col)), bad), "date", "x", col, "bad-date")
    assert [p.found for p in chk.problems] == [p.found for p in old.problems]


def test_years_and_timestamps_in_date_columns_read_as_before() -> None:
    from aicapex.table.bulkcols import Located
    from aicapex.table.datecols import date_columns

    col = pd.Series([2023, 2024.0, None, 1066, pd.Timestamp("2024-05-01"), "2024-05-01"] * 3)
    chk = Located("t.csv", "expenses", None, True)
    new = date_columns(col, chk, "date")
    start, end, precision, bad = _old_date_columns(col)
    np.testing.assert_array_equal(new["date_start"], start)
    np.testing.assert_array_equal(new["date_end"], end)
    expected = pd.Series(precision, dtype="category").array
    pd.testing.assert_extension_array_equal(new["date_precision"], expected)
    assert [p.index for p in chk.problems] == bad


@pytest.mark.parametrize("value", [None, ""])
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1000])
def test_blank_strings_are_the_string_column_of_their_value(value: str | None, n: int) -> None:
    fast = blank_strings(n, value)
    slow = string_column(np.zeros(n, dtype=np.intp), [value])
    pd.testing.assert_extension_array_equal(fast, slow)
    assert fast.dtype == slow.dtype


def test_absent_columns_share_their_missing_values_until_written(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    path.write_text(
        "id,company,amount,date,category\na,acme,$1M,2024-01,opex\nb,acme,$2M,2024-02,opex\n"
    )
    frame = read_table(path, "expenses")
    floats = ["rate", "rate_usd", "rate_usd_per_month", "rate_low_usd_per_month"]
    dates = ["until_start", "until_end", "reported_start", "reported_end"]
    frame.loc[0, "rate"] = 5.0
    frame.iloc[1, frame.columns.get_loc("until_end")] = pd.Timestamp("2025-01-31")
    assert frame.loc[0, "rate"] == 5.0
    assert frame[floats[1:]].isna().all().all()
    assert frame.loc[1, "until_end"] == pd.Timestamp("2025-01-31")
    assert frame[[d for d in dates if d != "until_end"]].isna().all().all()
    assert frame["until_end"].isna().tolist() == [True, False]
    again = read_table(path, "expenses")  # a table read again is as read the first time
    assert again[floats].isna().all().all()
    assert again[dates].isna().all().all()


def test_days_first_and_last_are_one_column_until_written(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    path.write_text(
        "id,company,amount,date,category\na,acme,$1M,2024-01-05,opex\nb,acme,$2M,2024-02-29,opex\n"
    )
    frame = read_table(path, "expenses")
    assert frame["date_start"].equals(frame["date_end"])
    frame.loc[0, "date_end"] = pd.Timestamp("2024-01-31")
    assert frame.loc[0, "date_start"] == pd.Timestamp("2024-01-05")
    assert frame.loc[0, "date_end"] == pd.Timestamp("2024-01-31")
    assert read_table(path, "expenses").loc[0, "date_end"] == pd.Timestamp("2024-01-05")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="aZ09._:+- é\n/", max_size=4), min_size=1, max_size=6),
    st.sampled_from(["str", "string"]),
)
def test_ids_read_at_once_are_checked_as_one_by_one(ids: list[str], dtype: str) -> None:
    """An id column whose bytes all fit the pattern passes at once; any other is matched id by
    id: the same problems either way."""
    chk = Located("t.csv", "expenses", None, csv=True)
    id_column(pd.Series(ids, dtype=dtype), chk)
    bad = [i for i, v in enumerate(ids) if not re.fullmatch(ID_PATTERN, v)]
    found = [p.index for p in chk.problems if p.code != "duplicate-id"]
    assert found == bad


def test_exact_dollars_and_their_ends_are_one_column_until_written(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    path.write_text(
        "id,company,amount,amount_currency,date,category\n"
        "a,acme,100.5,USD,2024-01-05,opex\nb,acme,7,USD,2024-02-29,opex\n"
    )
    frame = read_table(path, "expenses")
    assert frame["amount_usd"].tolist() == [100.5, 7.0]
    assert frame["amount_low_usd"].equals(frame["amount_usd"])
    assert frame["amount_high_usd"].equals(frame["amount_usd"])
    frame.loc[0, "amount_low_usd"] = 1.0
    assert frame["amount_usd"].tolist() == [100.5, 7.0]
    assert frame["amount_high_usd"].tolist() == [100.5, 7.0]
    assert frame["amount_low_usd"].tolist() == [1.0, 7.0]


@pytest.mark.parametrize("values", [["USD"] * 3, ["USD", "EUR"], ["USD", None], [None], [], [""]])
@pytest.mark.parametrize("dtype", ["str", "string", "object"])
def test_factorize_is_pandas_factorize(values: list[str | None], dtype: str) -> None:
    col = pd.Series(values, dtype=dtype)
    codes, uniques = factorize(col)
    expected_codes, expected = pd.factorize(col, use_na_sentinel=True)
    np.testing.assert_array_equal(codes, expected_codes)
    assert codes.dtype == expected_codes.dtype
    pd.testing.assert_index_equal(uniques, expected, exact=True)


def test_flows_of_exact_dollars_share_their_ends_until_written(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    path.write_text(
        "id,company,amount,date,category\n"
        "a,acme,$1M,2024-01-05,opex\nb,acme,about $2M,2024-02-29,opex\nc,acme,$3M,2024-01,tax\n"
    )
    from aicapex.table.flows import flows

    table = flows({"expenses": read_table(path, "expenses")})
    exact = table["record"] != "b"
    low, high = table["low_usd"].copy(), table["high_usd"].copy()
    assert (table["low_usd"][exact] == table["amount_usd"][exact]).all()
    assert (table["low_usd"][~exact] < table["amount_usd"][~exact]).all()
    base = table["amount_usd"].tolist()
    table.loc[0, "low_usd"] = -1.0
    assert table["amount_usd"].tolist() == base
    assert table["high_usd"].tolist() == high.tolist()
    assert table["low_usd"].tolist() == [-1.0, *low.tolist()[1:]]
