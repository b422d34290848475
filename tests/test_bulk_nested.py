"""Nested lists in bulk tables: never silently left out.

A contract's ramp, a round's tranches, a bill's or an order's payments, an order's scheduled and
delivered batches are tables of their own (``ramps``, ``tranches``, ``payments``,
``order_payments``, ``deliveries``): a column of them in the parent's table (text in CSV, a list
in Parquet) was read as nothing (a ramped contract scheduled by its flat total); it is refused
at each row holding something. Ramps and a GPU order's payments read as tables of their own,
as ``Ledger.frame`` has them. A round's investors may be a Parquet list of ids."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from tablefiles import write_rows as _write

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table
from aicapex.table.flows import flows
from aicapex.table.tablespec import ITEMS, NESTED_TABLES, SPECS

FORMATS = ("csv", "parquet")


def _problems(path: Path, kind: str) -> list[tuple[Any, ...]]:
    with pytest.raises(LedgerError) as info:
        read_table(path, kind)
    return sorted((p.index, p.field, p.code, p.expected, p.found) for p in info.value.problems)


def _load(tmp_path: Path, data: dict[str, Any]) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return ac.load(path)


ENTITIES = [{"id": n, "name": n, "type": "company"} for n in ("acme", "cw", "nv", "aws", "x")]

CONTRACTS = [
    {"id": "c1", "buyer": "acme", "seller": "cw", "start": "2024", "end": "2026"},
    {
        "id": "c2",
        "buyer": "acme",
        "seller": "cw",
        "start": "2024",
        "end": "2025",
        "total_value": "$100M",
        "ramp": [{"period": "2024", "amount": "$10M"}, {"period": "2025", "rate": "$2M/month"}],
    },
    {"id": "c3", "buyer": "acme", "seller": "cw", "start": "2024", "total_value": "-$5M"},
    {
        "id": "c4",
        "buyer": "acme",
        "seller": "cw",
        "start": "2025",
        "ramp": [{"period": "2025", "amount": "$1M"}],
    },
]


def _cells(rows: list[dict[str, Any]], field: str, fmt: str) -> list[dict[str, Any]]:
    """The rows with their nested lists as a CSV file would hold them (text) or Parquet (lists
    of mappings of text); rows without one have an empty list."""
    out = []
    for r in rows:
        items = r.get(field, [])
        cell: Any = items if fmt == "parquet" else (yaml.safe_dump(items) if items else "[]")
        out.append({**r, field: cell})
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_ramp_column_is_refused_at_its_rows(tmp_path: Path, fmt: str) -> None:
    """Two of four contracts have a ramp: both refused (the flows schedule a ramped contract by
    its ramp alone; read as nothing, c2 scheduled its flat $100M), the others' empty cells
    hold nothing, another row's problem is reported at once."""
    rows = _cells(CONTRACTS, "ramp", fmt)
    got = _problems(_write(tmp_path, rows, fmt), "compute_contracts")
    assert [g[:3] for g in got] == [
        (1, "ramp", "wrong-column-type"),
        (2, "total_value", "out-of-range"),
        (3, "ramp", "wrong-column-type"),
    ]
    expected = got[0][3]
    assert "a table of kind 'ramps'" in expected
    assert "(contract, buyer, period, amount, rate)" in expected
    if fmt == "parquet":
        assert [got[0][4], got[2][4]] == ["a list of 2 items", "a list of 1 item"]
    else:
        assert got[0][4].startswith('"- amount: $10M')
    # the records, with their ramps, load: a table must not read them as flat contracts
    led = _load(
        tmp_path, {"entities": ENTITIES, "compute_contracts": [CONTRACTS[i] for i in (0, 1, 3)]}
    )
    assert len(led.frame("ramps")) == 3


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("kind", "field"),
    [(k, f) for k, fields in NESTED_TABLES.items() for f in fields if f != "investors"],
)
def test_every_nested_column_is_refused_and_names_its_table(
    tmp_path: Path, fmt: str, kind: str, field: str
) -> None:
    table = {
        "cloud_bills": {"id": "b", "payer": "acme", "provider": "aws", "period": "2024"},
        "funding_rounds": {"id": "f", "company": "acme", "date": "2024", "amount": "$10M"},
        "compute_contracts": {"id": "c", "buyer": "acme", "seller": "cw", "start": "2024"},
        "gpu_orders": {
            "id": "o",
            "buyer": "acme",
            "vendor": "nv",
            "sku": "H100",
            "quantity": 10,
            "order_date": "2024",
        },
    }[kind]
    base = {**table, "billed": "$5M"} if kind == "cloud_bills" else table
    item = {"date": "2024-06", "amount": "$1M", "quantity": 5, "period": "2024"}
    full = [item] if fmt == "parquet" else "date: 2024-06"
    empty: Any = [] if fmt == "parquet" else None
    rows = [
        {**base, "id": "r0", field: empty},
        {**base, "id": "r1", field: full},
        {**base, "id": "r2", field: empty},
        {**base, "id": "r3", field: full},
    ]
    got = _problems(_write(tmp_path, rows, fmt), kind)
    assert [g[:3] for g in got] == [
        (1, field, "wrong-column-type"),
        (3, field, "wrong-column-type"),
    ]
    assert f"a table of kind {NESTED_TABLES[kind][field]!r}" in got[0][3]
    # without the column, the rows read
    assert len(read_table(_write(tmp_path, [base], fmt, "plain"), kind)) == 1


def test_the_nested_tables_are_the_items_fields_of_the_table_kinds() -> None:
    from aicapex.table.frames import SUBFRAMES

    for kind, spec in SPECS.items():
        items = {f.name for f in spec.fields if f.type == ITEMS}
        assert items == set(NESTED_TABLES.get(kind, {})), kind
    for kind, fields in NESTED_TABLES.items():
        for field, table in fields.items():
            assert table in SPECS
            parent, held, _ = SUBFRAMES[table]
            assert (parent, field in held) == (kind, True)


# --- ramps and a GPU order's payments: tables of their own ----------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_contracts_and_their_ramps_as_tables_give_the_records_frames_and_flows(
    tmp_path: Path, fmt: str
) -> None:
    # take_or_pay given on one (the others: false, the model's default, in the table too)
    records = [{**CONTRACTS[i], **({"take_or_pay": True} if i == 3 else {})} for i in (0, 1, 3)]
    led = _load(tmp_path, {"entities": ENTITIES, "compute_contracts": records})
    contracts = read_table(
        _write(tmp_path, [{k: v for k, v in r.items() if k != "ramp"} for r in records], fmt),
        "compute_contracts",
    )
    steps = [
        {"contract": r["id"], "buyer": r["buyer"], **step}
        for r in records
        for step in r.get("ramp", [])
    ]
    ramps = read_table(_write(tmp_path, steps, fmt, "ramps"), "ramps")
    pd.testing.assert_frame_equal(ramps, led.frame("ramps"))
    pd.testing.assert_frame_equal(contracts, led.frame("compute_contracts"))
    got = flows({"compute_contracts": contracts, "ramps": ramps})
    pd.testing.assert_frame_equal(got, flows(led))
    # c2 by its ramp: $10M in 2024 and $2M a month in 2025, not its flat $100M
    assert got[got["record"] == "c2"]["cents"].sum() == 34 * 10**8


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_ramps_table_holds_the_rules_of_a_ramp_step(tmp_path: Path, fmt: str) -> None:
    """Both an amount and a rate, neither, a negative amount, a rate adding up past the limit:
    refused at their rows as the loader refuses the same steps (codes, expectations)."""
    steps = [
        {"period": "2024", "amount": "$10M"},
        {"period": "2025", "amount": "$1M", "rate": "$1M/month"},
        {"period": "2026"},
        {"period": "2027", "amount": "-$1M"},
        {"period": "2028", "rate": "$900T/month"},
    ]
    rows = [{"contract": "c", "buyer": "acme", **s} for s in steps]
    got = _problems(_write(tmp_path, rows, fmt), "ramps")
    assert [g[:3] for g in got] == [
        (1, "amount", "inconsistent"),
        (2, "amount", "inconsistent"),
        (3, "amount", "out-of-range"),
        (4, "rate", "out-of-range"),
    ]
    contract = {"id": "c", "buyer": "acme", "seller": "cw", "start": "2024", "ramp": steps}
    with pytest.raises(LedgerError) as info:
        _load(tmp_path, {"entities": ENTITIES, "compute_contracts": [contract]})
    loaded = sorted((p.field, p.code, p.expected) for p in info.value.problems)
    assert [(f, c) for f, c, _ in loaded] == [
        ("ramp.1.amount", "inconsistent"),
        ("ramp.2.amount", "inconsistent"),
        ("ramp.3.amount", "out-of-range"),
        ("ramp.4.rate", "out-of-range"),
    ]
    assert [g[3] for g in got[:3]] == [e for _, _, e in loaded[:3]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_gpu_orders_and_their_payments_as_tables_give_the_records_flows(
    tmp_path: Path, fmt: str
) -> None:
    order = {
        "id": "o1",
        "buyer": "acme",
        "vendor": "nv",
        "sku": "H100",
        "quantity": 100,
        "unit_price": "$30,000",
        "order_date": "2024-01",
        "delivered": [{"date": "2024-06", "quantity": 100}],
        "payments": [{"date": "2024-02", "amount": "$1M"}, {"date": "2024-07", "amount": "$2M"}],
    }
    led = _load(tmp_path, {"entities": ENTITIES, "gpu_orders": [order]})
    flat = {k: v for k, v in order.items() if k not in ("delivered", "payments")}
    head = {"order": "o1", "buyer": "acme"}
    tables = {
        "gpu_orders": read_table(_write(tmp_path, [flat], fmt), "gpu_orders"),
        "deliveries": read_table(
            _write(tmp_path, [{**head, "status": "delivered", **order["delivered"][0]}], fmt, "d"),
            "deliveries",
        ),
        "order_payments": read_table(
            _write(tmp_path, [{**head, **p} for p in order["payments"]], fmt, "p"),
            "order_payments",
        ),
    }
    pd.testing.assert_frame_equal(tables["order_payments"], led.frame("order_payments"))
    got = flows(tables)
    pd.testing.assert_frame_equal(got, flows(led))
    paid = got[got["status"] == "paid"]
    assert paid["cents"].tolist() == [10**8, 2 * 10**8]  # paid as the payments say


# --- a round's investors -------------------------------------------------------------------


def test_investors_as_a_parquet_list_of_ids_read_as_comma_separated_text(tmp_path: Path) -> None:
    """A list of ids (it raised "unhashable type: 'numpy.ndarray'") reads as the same ids
    written as text; a list of participations with amounts is refused at its row (the amounts
    go in an investments table), with the other rows' problems."""
    base = {"company": "acme", "date": "2024", "amount": "$10M"}
    text = [{"id": "f1", **base, "investors": "x, y"}, {"id": "f2", **base, "investors": None}]
    lists = [{"id": "f1", **base, "investors": ["x", "y"]}, {"id": "f2", **base, "investors": []}]
    pd.testing.assert_frame_equal(
        read_table(_write(tmp_path, lists, "parquet"), "funding_rounds"),
        read_table(_write(tmp_path, text, "parquet", "text"), "funding_rounds"),
    )
    parts = [
        {"id": "f1", **base, "investors": [{"investor": "x", "amount": "$4M"}]},
        {"id": "f2", **base, "investors": [{"investor": "y", "amount": "$1M"}]},
        {"id": "f3", **base, "amount": "$0", "investors": None},
        {"id": "f4", **base, "investors": [{"investor": "acme", "amount": None}]},
    ]
    got = _problems(_write(tmp_path, parts, "parquet"), "funding_rounds")
    assert [g[:3] for g in got] == [
        (0, "investors", "wrong-column-type"),
        (1, "investors", "wrong-column-type"),
        (2, "amount", "out-of-range"),
        (3, "investors", "wrong-column-type"),
    ]
    assert "a table of kind 'investments'" in got[0][3]
    assert got[0][4] == "a list of 1 item"
