"""Bulk tables refuse what the loader refuses (CHANGELOG, "Unreleased", "File format (version
1)"): each rule with a table read by ``read_table`` and the same records in a ledger file read by
``ac.load``, the same code, field, expected and found texts, the figures of the messages derived
by hand in the comments.

1. A GPU order's ``unit_price`` x ``quantity`` within 1% or the rounding of the figures as
   written of its ``total`` (``inconsistent`` at ``total``).
2. GPU counts, numbers of shares and money written with one to three digits, a point and three
   zeros (``12.000``, ``about 12.000``, ``10.000 to 12.000``, ``€7.000``) refused, in the
   loader's words (a CSV file's ``12.000`` was read as the number 12.0: 12 GPUs).
3. The rules on ``fx_rates`` have no table: no table holds exchange rates.
4. Entities' names and sources' outlets and titles: no table holds entities or sources.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.bulk import TABLE_KINDS, read_table

FORMATS = ("csv", "parquet")
PARTIES = ("acme", "nvidia", "aws", "co")

Key = tuple[Any, ...]
Rows = list[dict[str, Any]]


def _key(p: ac.Problem) -> Key:
    return (p.record_id, p.field, p.code, p.expected, p.found)


def _write(tmp_path: Path, kind: str, rows: Rows, fmt: str) -> Path:
    """The rows as a table; in Parquet every cell as text (a column of one type)."""
    if fmt == "parquet":
        rows = [{k: None if v is None else str(v) for k, v in r.items()} for r in rows]
    return write_rows(tmp_path, rows, fmt, kind)


def _read(path: Path, kind: str, fx: ac.Ledger | None = None) -> tuple[list[Key], list[Key]]:
    """The errors of reading the table (sorted keys), and no warnings."""
    try:
        read_table(path, kind, fx=fx)
    except LedgerError as exc:
        return sorted(_key(p) for p in exc.problems), []
    return [], []


def _ledger(tmp_path: Path, records: dict[str, Rows], head: dict[str, Any] | None = None) -> Path:
    data: dict[str, Any] = {
        "entities": [{"id": n, "name": n, "type": "company"} for n in PARTIES],
        **(head or {}),
    }
    for kind, rows in records.items():  # a table's comma-separated sources: a list
        data[kind] = [
            {k: v.split(",") if k == "sources" else v for k, v in r.items() if v is not None}
            for r in rows
        ]
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _load(path: Path) -> tuple[list[Key], list[Key]]:
    """The errors and the warnings ``ac.load`` gives (sorted keys)."""
    try:
        ledger = ac.load(path)
    except LedgerError as exc:
        return sorted(_key(p) for p in exc.problems if not p.is_warning), []
    return [], sorted(_key(p) for p in ledger.warnings if p.code in TABLE_WARNINGS)


#: The loader's warnings on records a table holds (the others need records of other kinds:
#: ``no-fx-rate`` the ledger's exchange rates, ``tranche-before-round`` a round and its items).
TABLE_WARNINGS = ("implausible-figure", "after-reported")


# --- 1. an order's unit price x quantity against its total -----------------------------------


def _order(oid: str, price: Any, quantity: Any, total: Any) -> dict[str, Any]:
    return {
        "id": oid,
        "buyer": "acme",
        "vendor": "nvidia",
        "sku": "H100",
        "quantity": quantity,
        "unit_price": price,
        "total": total,
        "order_date": "2024-03",
    }


#: The tolerance of $30K x 100 = $3M against a total: the larger of 1% of the total and the
#: rounding of the figures as written, half a unit of each one's last digit carried through the
#: product: $30K is written to the thousand ($500 x 100 = $50K), 100 to the unit (0.5 x $30K =
#: $15K), the total to its last digit ($30M: $500K; $3.08M: $5K; about $3.5M: $50K).
ORDERS = [
    # 50K + 15K + 500K = $565K (1% is $300K): $3M is far from $30M
    (_order("ten-times", "$30K", 100, "$30M"), "$565K", "$30M"),
    # 50K + 15K + 5K = $70K (1%: $30.5K): $3.05M is $50K off, within it
    (_order("within", "$30K", 100, "$3.05M"), None, None),
    # $70K again (1%: $30.8K): $3.08M is $80K off
    (_order("beyond", "$30K", 100, "$3.08M"), "$70K", "$3.08M"),
    # 50K + 15K + 50K = $115K; about $3.5M is $3.15M to $3.85M (10% either side): $3.115M short
    (_order("about", "$30K", 100, "about $3.5M"), "$115K", "about $3.5M"),
    # about 100 GPUs: 90 to 110, $2.7M to $3.3M, meets $3M
    (_order("some", "$30K", "about 100", "$3M"), None, None),
    # two currencies: not compared
    (_order("euros", "€30K", 100, "$30M"), None, None),
    # exact and equal, settled on floats
    (_order("exact", "$30K", 100, "$3M"), None, None),
    # no total: the unit price is the order's value
    (_order("no-total", "$30K", 100, None), None, None),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_order_whose_unit_price_times_quantity_is_not_its_total(
    tmp_path: Path, fmt: str
) -> None:
    rows = [r for r, _, _ in ORDERS]
    errors, warned = _read(_write(tmp_path, "gpu_orders", rows, fmt), "gpu_orders")
    loaded, _ = _load(_ledger(tmp_path, {"gpu_orders": rows}))
    expected = sorted(
        (
            r["id"],
            "total",
            "inconsistent",
            "unit_price x quantity within 1% or the rounding of the figures as written "
            f"($30K x 100 = $3M, give or take {tolerance})",
            found,
        )
        for r, tolerance, found in ORDERS
        if tolerance is not None
    )
    assert errors == loaded == expected
    assert warned == []


def test_an_order_refused_at_its_line(tmp_path: Path) -> None:
    rows = [ORDERS[1][0], ORDERS[0][0]]
    with pytest.raises(LedgerError) as caught:
        read_table(_write(tmp_path, "gpu_orders", rows, "csv"), "gpu_orders")
    (problem,) = caught.value.problems
    assert (problem.kind, problem.index, problem.line, problem.record_id) == (
        "gpu_orders",
        1,
        3,
        "ten-times",
    )


PRICES = ("$30K", "$25,000", "about $30K", "$28K to $32K", "€30K", "$30,500", None)
QUANTITIES = (100, 1000, 1024, "about 1,000", "900 to 1,100", "more than 100")
TOTALS = (
    "$3M",
    "$30M",
    "$3.05M",
    "$3.08M",
    "$30.72M",
    "about $3M",
    "€3M",
    "$2.9M to $3.1M",
    "more than $3M",
    "up to $3M",
    "$25M",
    None,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(PRICES), st.sampled_from(QUANTITIES), st.sampled_from(TOTALS)),
        min_size=1,
        max_size=8,
    )
)
def test_random_orders_are_refused_as_the_loader_refuses_them(
    tmp_path: Path, orders: list[tuple[Any, Any, Any]]
) -> None:
    """Random unit prices, quantities and totals: the table refuses exactly the orders the
    loader refuses, with its messages."""
    rows = [_order(f"o{i}", p, q, t) for i, (p, q, t) in enumerate(orders)]
    errors, _ = _read(_write(tmp_path, "gpu_orders", rows, "csv"), "gpu_orders")
    loaded, _ = _load(_ledger(tmp_path, {"gpu_orders": rows}))
    assert errors == loaded


# --- 2. figures with a point and three zeros --------------------------------------------------


def _why(whole: int) -> str:
    return (
        f"(a point and three zeros: {whole} by the decimal point, {whole * 1000:,} by the "
        "thousands separator of many languages)"
    )


def _money(whole: int) -> str:
    return (
        f"money like '$7,000' or '$7' ({whole * 1000:,} by the thousands separator of many "
        f"languages, {whole} by the decimal point)"
    )


_EXPENSE = {"id": "e1", "company": "acme", "date": "2024-03", "category": "compute"}
_ROUND = {"id": "f1", "company": "acme", "date": "2024-03", "amount": "$5M"}
_REALLOCATION = {"id": "g1", "from_entity": "acme", "to_entity": "aws", "date": "2024-03"}

GROUPED = [
    # (kind, record, field, cell, expected, found)
    (
        "gpu_orders",
        _order("o1", None, None, None),
        "quantity",
        "12.000",
        "a whole number of GPUs like 12,000 or 12",
        f"'12.000' {_why(12)}",
    ),
    (
        "gpu_orders",
        _order("o1", None, None, None),
        "quantity",
        "about 12.000",
        "a whole number of GPUs like 12,000 or 12",
        f"'about 12.000' {_why(12)}",
    ),
    (
        "gpu_orders",
        _order("o1", None, None, None),
        "quantity",
        "10.000 to 12.000",
        "a whole number of GPUs like 10,000 or 10",
        f"'10.000 to 12.000' {_why(10)}",
    ),
    (
        "gpu_reallocations",
        _REALLOCATION,
        "quantity",
        "up to 500.000",
        "a whole number of GPUs like 500,000 or 500",
        f"'up to 500.000' {_why(500)}",
    ),
    (
        "funding_rounds",
        _ROUND,
        "shares_issued",
        "12.000",
        "a whole number of shares like '12,000' or '12'",
        f"'12.000' {_why(12)}",
    ),
    (
        "funding_rounds",
        _ROUND,
        "shares_issued",
        "about 12.000",
        "a whole number of shares like '12,000' or '12'",
        f"'about 12.000' {_why(12)}",
    ),
    ("expenses", _EXPENSE, "amount", "€7.000", _money(7), "'€7.000'"),
    ("expenses", _EXPENSE, "amount", "about €7.000", _money(7), "'about €7.000'"),
    ("expenses", _EXPENSE, "amount", "€10.000 to 12.000", _money(10), "'€10.000 to 12.000'"),
    ("gpu_orders", _order("o1", None, 10, None), "total", "€250.000", _money(250), "'€250.000'"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("kind", "record", "field", "cell", "expected", "found"), GROUPED)
def test_figures_with_a_point_and_three_zeros_are_refused_in_the_loaders_words(
    tmp_path: Path,
    fmt: str,
    kind: str,
    record: dict[str, Any],
    field: str,
    cell: str,
    expected: str,
    found: str,
) -> None:
    row = {**record, field: cell}
    errors, _ = _read(_write(tmp_path, kind, [row], fmt), kind)
    loaded, _ = _load(_ledger(tmp_path, {kind: [row]}))
    code = {"quantity": "bad-capacity", "shares_issued": "bad-share"}.get(field, "bad-money")
    mine = [(record["id"], field, code, expected, found)]
    assert [e for e in errors if e[1] == field] == mine
    assert [e for e in loaded if e[1] == field] == mine  # the loader's words, derived by hand


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_delivery_of_12_000_is_refused_in_a_deliveries_table(tmp_path: Path, fmt: str) -> None:
    """A table of items read alone: at the item's row, its column (the loader says
    ``scheduled.0.quantity`` of the order)."""
    row = {"order": "o1", "buyer": "acme", "status": "scheduled", "date": "2024-06"}
    errors, _ = _read(
        _write(tmp_path, "deliveries", [{**row, "quantity": "12.000"}], fmt), "deliveries"
    )
    expected = "a whole number of GPUs like 12,000 or 12"
    assert errors == [("o1", "quantity", "bad-capacity", expected, f"'12.000' {_why(12)}")]
    order = {
        **_order("o1", None, 100, None),
        "scheduled": [{"date": "2024-06", "quantity": "12.000"}],
    }
    loaded, _ = _load(_ledger(tmp_path, {"gpu_orders": [order]}))
    assert loaded == [("o1", "scheduled.0.quantity", *errors[0][2:])]


@pytest.mark.parametrize("fmt", FORMATS)
def test_figures_read_as_the_loader_reads_them(tmp_path: Path, fmt: str) -> None:
    """A scale word, thousands separators or other decimals: read, in both."""
    rows = [
        _order("a", "€7.000K", "12,000", "€84M"),  # 7,000 x 12,000 = 84M
        _order("b", None, "12000", "€7,000"),
        _order("c", None, "about 12,000", "€7.5"),
        _order("d", None, 12, "$12.5"),
    ]
    path = _write(tmp_path, "gpu_orders", rows, fmt)
    assert _read(path, "gpu_orders") == ([], [])
    assert _load(_ledger(tmp_path, {"gpu_orders": rows})) == ([], [])
    frame = read_table(path, "gpu_orders")
    assert frame["quantity"].tolist() == [12_000, 12_000, 12_000, 12]


def test_no_table_holds_exchange_rates_entities_or_sources(tmp_path: Path) -> None:
    """Rules 3 (``fx_rates.usd``) and 4 (names, outlets, titles) have no table to hold."""
    path = _write(tmp_path, "fx_rates", [{"currency": "EUR", "date": "2024", "usd": 1e200}], "csv")
    for kind in ("fx_rates", "entities", "sources"):
        assert kind not in TABLE_KINDS
        with pytest.raises(LedgerError) as caught:
            read_table(path, kind)
        assert [p.code for p in caught.value.problems] == ["bad-table"]
