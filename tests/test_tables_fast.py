"""The shortcuts of the columnar layer's fast paths agree with the general ones: categoricals of
one value, rate totals of tables where few rows have a rate, and the like."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table
from aicapex.table.columns import coded_category, constant_category


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
    monthly = 10e12 * (365.25 / 12)
    assert found[0][2] == repr(f"{900e12:,.0f} a month over 24 months, {900e12 * 1.0 * 24:,.0f}")
    assert found[1][2] == repr(f"{10e12:,.0f} a day over 120 months, {monthly * 120:,.0f}")


def test_huge_rate_totals_when_every_row_has_a_rate(tmp_path: Path) -> None:
    rows = [
        "e1,acme,,$900T/month,2023-01,2024-12,tax\n",
        "e2,acme,,$2M/month,2023-01,2024-12,tax\n",
    ]
    found = _rate_problems(tmp_path, rows)
    assert [(line, field) for line, field, _ in found] == [(2, "rate")]
