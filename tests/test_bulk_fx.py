"""Nested tables in other currencies get US dollars as ``Ledger.frame`` gives them: an item at
its own date (a payment's, a dated tranche's), else at its parent record's date, which a table
of items has from an optional column (``round_date``, ``contract_start``:
``tablespec.PARENT_DATES``). They had NaN ``_usd`` even with ``fx=`` given: the nested kinds
have no date field of their own in the table specs. Without that column, items without a date
of their own keep NaN (documented in docs/tables.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from tablefiles import write_rows as _table

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.records import KINDS
from aicapex.table.bulk import read_table
from aicapex.table.frames import SUBFRAMES
from aicapex.table.tablespec import MONEY, PARENT_DATES, RATE, SPECS

FORMATS = ("csv", "parquet")

DATA: dict[str, Any] = {
    "entities": [
        {"id": n, "name": n, "type": "company"} for n in ("acme", "cw", "nv", "v1", "v2", "v3")
    ],
    "fx_rates": [
        {"id": "eur-23", "currency": "EUR", "date": "2023-01", "usd": "1.1"},
        {"id": "eur-24", "currency": "EUR", "date": "2024-02", "usd": "1.2"},
        {"id": "eur-25", "currency": "EUR", "date": "2025-01", "usd": "1.3"},
        {"id": "gbp-23", "currency": "GBP", "date": "2023-01", "usd": "1.25"},
    ],
    "funding_rounds": [
        {
            "id": "r1",
            "company": "acme",
            "date": "2024-03",
            "amount": "€10M",
            "investors": [
                {"investor": "v1", "amount": "€6M", "lead": True},
                {"investor": "v2", "amount": "€4M"},
            ],
            "tranches": [
                {"amount": "€5M", "status": "disbursed", "date": "2023-06"},
                {"amount": "€5M", "status": "committed"},
            ],
        },
        {
            "id": "r2",
            "company": "acme",
            "date": "2023-05",
            "amount": "£8M",
            "investors": [{"investor": "v3", "amount": "£8M"}],
            "tranches": [{"amount": "£8M", "status": "committed"}],
        },
        {
            "id": "r3",
            "company": "acme",
            "date": "2025-02",
            "amount": "$3M",
            "investors": [{"investor": "v1", "amount": "$3M"}],
            "tranches": [{"amount": "$3M", "status": "disbursed", "date": "2025-03"}],
        },
    ],
    "compute_contracts": [
        {
            "id": "k1",
            "buyer": "acme",
            "seller": "cw",
            "start": "2024",
            "end": "2025",
            "ramp": [{"period": "2024", "amount": "€10M"}, {"period": "2025", "rate": "€2M/mo"}],
        },
        {
            "id": "k2",
            "buyer": "acme",
            "seller": "cw",
            "start": "2025-06",
            "ramp": [{"period": "2025-H2", "amount": "about €4M"}],
        },
    ],
    "cloud_bills": [
        {
            "id": "b1",
            "payer": "acme",
            "provider": "cw",
            "period": "2023-03",
            "billed": "€2M",
            "payments": [
                {"date": "2023-04", "amount": "€1M"},
                {"date": "2024-05-10", "amount": "€1M"},
            ],
        }
    ],
    "gpu_orders": [
        {
            "id": "o1",
            "buyer": "acme",
            "vendor": "nv",
            "sku": "H100",
            "quantity": 100,
            "order_date": "2023-06",
            "total": "€3M",
            "payments": [
                {"date": "2023-07", "amount": "€1M"},
                {"date": "2025-02", "amount": "€2M"},
            ],
        }
    ],
}

#: the parent's table's date field, by parent kind
PARENT_DATE = {"funding_rounds": "date", "compute_contracts": "start"}


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path = tmp_path_factory.mktemp("fx") / "ledger.yaml"
    path.write_text(yaml.safe_dump(DATA, sort_keys=False), encoding="utf-8")
    return ac.load(path)


def _rows(kind: str, *, parent_date: bool) -> list[dict[str, Any]]:
    """The items of ``kind`` as a table's rows (one per item, naming its parent), with the
    parent's date in the column of PARENT_DATES if asked."""
    parent_kind, fields, parent_col = SUBFRAMES[kind]
    party = SPECS[kind].head[1][0]
    out = []
    for record in DATA[parent_kind]:
        for field in fields:
            for item in record.get(field, []):
                row = {parent_col: record["id"], party: record[party], **item}
                if parent_date and kind in PARENT_DATES:
                    row[PARENT_DATES[kind]] = record[PARENT_DATE[parent_kind]]
                out.append(row)
    return out


def _usd_columns(kind: str) -> list[str]:
    return [
        c
        for f in SPECS[kind].fields
        if f.type in (MONEY, RATE)
        for c in (
            [f"{f.name}_usd", f"{f.name}_low_usd", f"{f.name}_high_usd"]
            if f.type == MONEY
            else [f"{f.name}_usd{s}" for s in ("", "_per_month")]
            + [f"{f.name}_{s}_usd_per_month" for s in ("low", "high")]
        )
    ]


NESTED_MONEY = ("tranches", "investments", "ramps", "payments", "order_payments")


def test_the_parent_date_columns_are_the_parents_id_and_date_field() -> None:
    """Each names its parent's id column and date field, for each nested kind with money whose
    items may have no date of their own (the others need none)."""
    for kind in NESTED_MONEY:
        parent_kind, _, parent_col = SUBFRAMES[kind]
        own = {f.name: f for f in SPECS[kind].fields}.get("date")
        if own is not None and own.required:
            assert kind not in PARENT_DATES
        else:
            date_field = KINDS[parent_kind].DATE_FIELD
            assert PARENT_DATES[kind] == f"{parent_col}_{date_field}"
    assert set(PARENT_DATES) <= set(NESTED_MONEY)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", NESTED_MONEY)
def test_nested_tables_with_their_parents_dates_are_the_records_frames(
    tmp_path: Path, led: ac.Ledger, kind: str, fmt: str
) -> None:
    got = read_table(_table(tmp_path, _rows(kind, parent_date=True), fmt), kind, fx=led)
    expected = led.frame(kind)
    assert expected[_usd_columns(kind)].notna().any(axis=1).all()  # every row converted
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", sorted(PARENT_DATES))
def test_without_the_parents_date_only_dated_items_are_converted(
    tmp_path: Path, led: ac.Ledger, kind: str, fmt: str
) -> None:
    rows = _rows(kind, parent_date=False)
    got = read_table(_table(tmp_path, rows, fmt), kind, fx=led)
    expected = led.frame(kind)
    usd = _usd_columns(kind)
    foreign = [any(c in str(r.get(f, "")) for f in ("amount", "rate") for c in "€£") for r in rows]
    dated = np.array(
        [r.get("date") is not None or not f for r, f in zip(rows, foreign, strict=True)]
    )
    assert not dated.all()  # some items converted at their parent's date
    pd.testing.assert_frame_equal(got[dated], expected[dated], check_exact=True)
    assert got.loc[~dated, usd].isna().all().all()
    rest = [c for c in got.columns if c not in usd]
    pd.testing.assert_frame_equal(got[rest], expected[rest], check_exact=True)


def test_a_bad_parent_date_is_a_located_problem(tmp_path: Path, led: ac.Ledger) -> None:
    rows = _rows("tranches", parent_date=True)
    rows[1]["round_date"] = "sometime"
    with pytest.raises(LedgerError) as info:
        read_table(_table(tmp_path, rows, "csv"), "tranches", fx=led)
    assert [(p.line, p.index, p.field, p.code) for p in info.value.problems] == [
        (3, 1, "round_date", "bad-date")
    ]


def test_a_parent_date_column_where_items_have_their_own_is_unknown(tmp_path: Path) -> None:
    rows = [{**r, "bill_period": "2023-03"} for r in _rows("payments", parent_date=False)]
    with pytest.raises(LedgerError) as info:
        read_table(_table(tmp_path, rows, "csv"), "payments")
    assert [(p.field, p.code) for p in info.value.problems] == [("bill_period", "unknown-column")]
