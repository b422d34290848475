"""Numbers in bulk tables: exact decimals (Parquet's ``decimal128``) read as money, as float and
integer columns are."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table


def _write(tmp_path: Path, columns: dict[str, Any], name: str = "t.parquet") -> Path:
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


def _decimals(*values: str | None, scale: int = 3) -> pa.Array:
    return pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(24, scale))


def _floats(*values: str | None) -> pa.Array:
    return pa.array([None if v is None else float(v) for v in values], pa.float64())


def _problems(path: Path, kind: str) -> list[tuple[Any, ...]]:
    with pytest.raises(LedgerError) as info:
        read_table(path, kind)
    return [
        (p.index, p.record_id, p.field, p.code, p.expected, p.found) for p in info.value.problems
    ]


# --- exact decimals --------------------------------------------------------------------------

BILLS = {
    "id": ["b1", "b2", "b3", "b4"],
    "payer": ["acme", "acme", "beta", "beta"],
    "provider": ["aws", "gcp", "aws", "aws"],
    "period": ["2024-01", "2024-02", "2024-03", "2024-04"],
    "billed_currency": ["USD", "USD", "EUR", "USD"],
}


@pytest.mark.parametrize("scale", [0, 3, 6, 9])
def test_decimal_money_reads_as_the_float_column_of_its_amounts(tmp_path: Path, scale: int) -> None:
    """A decimal128 amount column with a currency column reads as the same amounts written as
    floats: amounts, currencies, dollars (none for euros without fx), exact kinds, missing rows
    missing (the last bill: only its outstanding amount is known)."""
    bills = {**BILLS, "outstanding": [None, None, None, "$3"]}
    amounts = ("5", "7", "1250000", None) if scale == 0 else ("5.000", "7.125", "1250000.5", None)
    if scale == 9:
        amounts = ("5.000000001", "0.000000001", "999999999.999999999", None)
    exact = read_table(
        _write(tmp_path, {**bills, "billed": _decimals(*amounts, scale=scale)}, "d.parquet"),
        "cloud_bills",
    )
    floats = read_table(
        _write(tmp_path, {**bills, "billed": _floats(*amounts)}, "f.parquet"), "cloud_bills"
    )
    pd.testing.assert_frame_equal(exact, floats, check_exact=True)
    assert exact["billed"].tolist()[:3] == [float(Decimal(a)) for a in amounts[:3] if a]
    assert exact["billed_kind"].tolist()[:3] == ["exact"] * 3
    assert np.isnan(exact["billed_usd"][2])  # euros, no fx given


def test_decimal_money_of_every_money_kind(tmp_path: Path) -> None:
    """Amounts and rates of expenses (rates with their _per column), a cash balance of zero."""
    expenses = {
        "id": ["e1", "e2", "e3"],
        "company": ["acme"] * 3,
        "category": ["opex", "payroll", "compute"],
        "date": ["2024-01", "2024-02", "2024"],
        "amount": _decimals("12.50", None, "3"),
        "amount_currency": ["USD", None, "USD"],
        "rate": _decimals(None, "1000.125", None),
        "rate_currency": [None, "USD", None],
        "rate_per": [None, "month", None],
    }
    got = read_table(_write(tmp_path, expenses), "expenses")
    assert got["amount"].tolist()[::2] == [12.5, 3.0]
    assert got["rate_usd_per_month"][1] == 1000.125
    assert got["rate_per"][1] == "month"
    cash = {
        "id": ["c1", "c2"],
        "company": ["acme", "beta"],
        "date": ["2024-01", "2024-01"],
        "amount": _decimals("0", "1000000000000000"),  # zero, and the limit itself
        "amount_currency": ["USD", "USD"],
    }
    got = read_table(_write(tmp_path, cash, "c.parquet"), "cash_balances")
    assert got["amount_usd"].tolist() == [0.0, 1e15]


def test_decimal_money_out_of_range_is_refused_as_floats_are(tmp_path: Path) -> None:
    """Zero, negative and too large amounts: the problems of the same amounts as floats
    (same rows, fields, codes and expectations), several at once; above the limit by a
    thousandth (no float tells it from the limit) is refused as a record refuses it."""
    amounts = ("-5.250", "0.000", "2000000000000000.000", "1000000000000000.001")
    bills = {**BILLS, "billed_currency": ["USD"] * 4}
    got = _problems(_write(tmp_path, {**bills, "billed": _decimals(*amounts)}), "cloud_bills")
    want = _problems(
        _write(tmp_path, {**bills, "billed": _floats(*amounts[:3], "2e15")}, "f.parquet"),
        "cloud_bills",
    )
    assert [g[:5] for g in got] == [w[:5] for w in want]
    assert {g[0] for g in got} == {0, 1, 2, 3}
    assert [g[5] for g in got if g[3] == "out-of-range" and g[0] == 3] == ["1000000000000000.001"]
    assert all("Decimal" not in g[5] for g in got)  # amounts shown in plain digits


def test_decimal_money_needs_its_currency_column(tmp_path: Path) -> None:
    bills = {k: v for k, v in BILLS.items() if k != "billed_currency"}
    got = _problems(
        _write(tmp_path, {**bills, "billed": _decimals("5", "6", "7", "8")}), "cloud_bills"
    )
    assert [(g[2], g[3], g[5]) for g in got] == [("billed", "missing-column", "numbers alone")]


def test_decimal_capacities_read_as_float_ones(tmp_path: Path) -> None:
    contracts = {
        "id": ["c1", "c2"],
        "buyer": ["acme", "acme"],
        "seller": ["aws", "aws"],
        "start": ["2024", "2024"],
        "capacity_unit": ["gpu", "GW"],
    }
    exact = read_table(
        _write(tmp_path, {**contracts, "capacity": _decimals("12000", "4.5")}, "d.parquet"),
        "compute_contracts",
    )
    floats = read_table(
        _write(tmp_path, {**contracts, "capacity": _floats("12000", "4.5")}, "f.parquet"),
        "compute_contracts",
    )
    pd.testing.assert_frame_equal(exact, floats, check_exact=True)
