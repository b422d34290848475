"""Numbers in bulk tables: exact decimals (Parquet's ``decimal128``) read as money, as float and
integer columns are; booleans never read as numbers (``True`` is not one dollar, one GPU or one
gigawatt)."""

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


# --- booleans are no numbers -----------------------------------------------------------------

ORDER = {
    "id": ["o1", "o2", "o3"],
    "buyer": ["acme"] * 3,
    "vendor": ["nvidia"] * 3,
    "sku": ["H100"] * 3,
    "order_date": ["2024-01", "2024-02", "2024-03"],
}

#: kind, the table without the field, the field, extra columns, the problems' code.
CASES: list[tuple[str, dict[str, Any], str, dict[str, Any], str]] = [
    ("cloud_bills", BILLS, "billed", {"billed_currency": ["USD"] * 4}, "bad-money"),
    (
        "expenses",
        {
            "id": ["e1", "e2", "e3"],
            "company": ["acme"] * 3,
            "category": ["opex"] * 3,
            "date": ["2024-01", "2024-02", "2024-03"],
        },
        "rate",
        {"rate_currency": ["USD"] * 3, "rate_per": ["month"] * 3},
        "bad-rate",
    ),
    (
        "compute_contracts",
        {
            "id": ["c1", "c2", "c3"],
            "buyer": ["acme"] * 3,
            "seller": ["aws"] * 3,
            "start": ["2024"] * 3,
        },
        "capacity",
        {"capacity_unit": ["gpu"] * 3},
        "bad-capacity",
    ),
    (
        "gpu_orders",
        {**ORDER, "quantity": [10, 20, 30]},
        "unit_price",
        {"unit_price_currency": ["USD"] * 3},
        "bad-money",
    ),
    ("gpu_orders", ORDER, "quantity", {}, "bad-capacity"),
    (
        "funding_rounds",
        {"id": ["f1", "f2", "f3"], "company": ["acme"] * 3, "date": ["2024"] * 3},
        "shares_issued",
        {},
        "bad-share",
    ),
    (
        "cash_balances",
        {"id": ["c1", "c2", "c3"], "company": ["acme"] * 3, "date": ["2024"] * 3},
        "amount",
        {"amount_currency": ["USD"] * 3},
        "bad-money",
    ),
]


@pytest.mark.parametrize(("kind", "table", "field", "extra", "code"), CASES)
@pytest.mark.parametrize("missing", [False, True])
def test_a_boolean_column_is_no_numbers(
    tmp_path: Path,
    kind: str,
    table: dict[str, Any],
    field: str,
    extra: dict[str, Any],
    code: str,
    missing: bool,
) -> None:
    """Every row holding true or false is a problem located at its row, saying what the field
    takes and that a boolean was found (True was read as 1, False as 0 or refused as "not
    positive"); missing cells are not booleans."""
    n = len(table["id"])
    flags: list[bool | None] = [i % 2 == 0 for i in range(n)]
    if missing:
        flags[-1] = None
    got = _problems(_write(tmp_path, {**table, field: pa.array(flags, pa.bool_()), **extra}), kind)
    booleans = [g for g in got if g[2] == field and g[3] not in ("missing-field", "inconsistent")]
    rows = [i for i, f in enumerate(flags) if f is not None]
    assert [g[0] for g in booleans] == rows
    assert [g[1] for g in booleans] == [table["id"][i] for i in rows]
    assert {g[3] for g in booleans} == {code}
    assert [g[5] for g in booleans] == [f"{flags[i]} (a boolean, not a number)" for i in rows]
    assert all(("like" in g[4]) for g in booleans)


@pytest.mark.parametrize("blank", [False, True])
def test_booleans_among_other_problems_in_a_csv_file(tmp_path: Path, blank: bool) -> None:
    """A CSV column of True and False (pandas reads it as booleans; with a blank, as objects),
    beside other problems: all reported at once, at their lines."""
    path = tmp_path / "bills.csv"
    third = "" if blank else "False"
    path.write_text(
        "id,payer,provider,period,billed,billed_currency\n"
        "b1,acme,aws,2024-01,True,USD\n"
        "b2,acme,aws,not a date,False,USD\n"
        f"b3,acme,aws,2024-03,{third},USD\n"
        "b4,acme,aws,2024-04,True,USD\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        read_table(path, "cloud_bills")
    got = sorted((p.line, p.field, p.code) for p in info.value.problems)
    assert got == [
        (2, "billed", "bad-money"),
        (3, "billed", "bad-money"),
        (3, "period", "bad-date"),
        (4, "billed", "inconsistent" if blank else "bad-money"),  # blank: neither billed nor
        (5, "billed", "bad-money"),  # outstanding
    ]


# --- shares are written with a percent sign ------------------------------------------------


def _revenues(shares: list[Any]) -> dict[str, Any]:
    n = len(shares)
    return {
        "id": [f"r{i}" for i in range(n)],
        "company": ["acme"] * n,
        "date": ["2024"] * n,
        "share": shares,
        "of": ["r-all"] * n,
    }


@pytest.mark.parametrize(
    ("column", "hints"),
    [
        (
            _floats("0.125", "12.5", None, "1"),
            [
                "'12.5%' for the fraction 0.125, or '0.125%' if 0.125 is a percentage",
                "'12.5%' if 12.5 is a percentage",
                None,
                "'100%' for the fraction 1, or '1%' if 1 is a percentage",
            ],
        ),
        (
            pa.array([40, 0, None, 5], pa.int64()),
            ["'40%' if 40 is a percentage", "'0%'", None, "'5%' if 5 is a percentage"],
        ),
        (
            _decimals("0.400", "35", None, "0.07"),
            [
                "'40%' for the fraction 0.4, or '0.4%' if 0.4 is a percentage",
                "'35%' if 35 is a percentage",
                None,
                "'7%' for the fraction 0.07, or '0.07%' if 0.07 is a percentage",
            ],
        ),
    ],
    ids=["floats", "integers", "decimals"],
)
def test_a_share_as_a_number_is_refused_and_says_how_to_write_it(
    tmp_path: Path, column: pa.Array, hints: list[str | None]
) -> None:
    """A share given as a number is ambiguous (0.125: an eighth, or an eighth of a percent?):
    refused at each row as ledger files refuse it (bad-share), the message saying how to write
    it either way; missing cells are no share (their rows need one with 'of': reported)."""
    got = _problems(_write(tmp_path, _revenues(column)), "revenues")
    shares = [g for g in got if g[2] == "share" and g[3] == "bad-share"]
    assert [g[0] for g in shares] == [i for i, h in enumerate(hints) if h]
    for g in shares:
        assert g[4].startswith("a share written with '%' like '35%', not a bare number")
        assert hints[g[0]] in g[4]


def test_shares_as_numbers_among_text_in_a_csv_file(tmp_path: Path) -> None:
    """A CSV column mixing shares and bare numbers: the shares read, each number refused with
    its hint, text that is no share with the plain expectation; the same rows the loader
    refuses in the same records, with the same code."""
    import yaml

    import aicapex as ac

    shares = ["35%", "0.4", "forty", "12.5", "about 40%", " 0.05 "]
    path = tmp_path / "r.csv"
    pd.DataFrame(_revenues(shares)).to_csv(path, index=False)
    got = _problems(path, "revenues")
    assert [(g[0], g[2], g[3]) for g in got] == [(i, "share", "bad-share") for i in (1, 2, 3, 5)]
    assert [g[4] for g in got] == [
        "a share written with '%' like '35%', not a bare number (ambiguous: write '40%' for "
        "the fraction 0.4, or '0.4%' if 0.4 is a percentage)",
        "a share like '35%'",
        "a share written with '%' like '35%', not a bare number (write '12.5%' if 12.5 is a "
        "percentage)",
        "a share written with '%' like '35%', not a bare number (ambiguous: write '5%' for "
        "the fraction 0.05, or '0.05%' if 0.05 is a percentage)",
    ]
    table = _revenues(shares)
    records = [{k: table[k][i] for k in table} for i in range(len(shares))] + [
        {"id": "r-all", "company": "acme", "date": "2024", "amount": "$10M"}
    ]
    ledger = tmp_path / "l.yaml"
    entities = [{"id": "acme", "name": "acme", "type": "company"}]
    ledger.write_text(yaml.safe_dump({"entities": entities, "revenues": records}), "utf-8")
    with pytest.raises(LedgerError) as info:
        ac.load(ledger)
    assert sorted((p.index, p.field, p.code) for p in info.value.problems) == [
        (g[0], g[2], g[3]) for g in got
    ]
    pd.DataFrame(_revenues(["35%", "about 40%"])).to_csv(path, index=False)
    assert read_table(path, "revenues")["share"].tolist() == [0.35, 0.4]
