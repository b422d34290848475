"""Bulk tables refuse and warn what the loader refuses and warns (CHANGELOG, "Unreleased", "File
format (version 1)"): each rule with a table read by ``read_table`` and the same records in a
ledger file read by ``ac.load``, the same code, field, expected and found texts, the figures of
the messages derived by hand in the comments.

1. A GPU order's ``unit_price`` x ``quantity`` within 1% or the rounding of the figures as
   written of its ``total`` (``inconsistent`` at ``total``).
2. GPU counts, numbers of shares and money written with one to three digits, a point and three
   zeros (``12.000``, ``about 12.000``, ``10.000 to 12.000``, ``€7.000``) refused, in the
   loader's words (a CSV file's ``12.000`` was read as the number 12.0: 12 GPUs).
3. A money range whose high end is more than 1,000 times its low end: ``implausible-figure``, a
   warning (``TableWarning``, carrying the located problem). The rules on ``fx_rates`` have no
   table: no table holds exchange rates.
4. Entities' names and sources' outlets and titles: no table holds entities or sources.
5. ``after-reported``: a cash balance, an actual revenue or expense dated after its report.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.bulk import TABLE_KINDS, read_table
from aicapex.table.tablewarnings import TableWarning

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
    """The errors and the warnings of reading the table (sorted keys)."""
    errors: list[Key] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            read_table(path, kind, fx=fx)
        except LedgerError as exc:
            errors = sorted(_key(p) for p in exc.problems)
    warned = [w.message.problem for w in caught if isinstance(w.message, TableWarning)]
    return errors, sorted(_key(p) for p in warned)


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


def _money(whole: int, symbol: str = "€", per: str = "") -> str:
    """The loader's words: the figure read both ways in its own currency (a rate: per ``per``)."""
    what = "a rate" if per else "money"
    return (
        f"{what} like '{symbol}{whole * 1000:,}{per}' or '{symbol}{whole}{per}' ({whole * 1000:,} "
        f"by the thousands separator of many languages, {whole} by the decimal point)"
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
    ("expenses", _EXPENSE, "amount", "USD 7.000", _money(7, "$"), "'USD 7.000'"),
    ("expenses", _EXPENSE, "rate", "€7.000/month", _money(7, per="/month"), "'€7.000/month'"),
    (
        "expenses",
        _EXPENSE,
        "rate",
        "7.000 GBP a year",
        _money(7, "£", "/year"),
        "'7.000 GBP a year'",
    ),
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
    codes = {"quantity": "bad-capacity", "shares_issued": "bad-share", "rate": "bad-rate"}
    code = codes.get(field, "bad-money")
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


# --- 3. ranges of money more than 1,000 times wide --------------------------------------------

_RANGE = (
    "a range whose high end is at most 1,000 times its low end (each end of '$3 to $5M' or "
    "'between $3 and $5 million' has its own scale: '$3M to $5M' or '$3-5M' for millions; this "
    "is a warning)"
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_range_of_money_a_million_times_wide_is_warned_of(tmp_path: Path, fmt: str) -> None:
    rows = [
        # $3 to $5,000,000: 5,000,000 / 3 = 1,666,666.7, shown to the unit
        {**_EXPENSE, "id": "e1", "amount": "$3 to 5 million"},
        # $1 to $1,000: 1,000 times, at the limit: no warning
        {**_EXPENSE, "id": "e2", "amount": "$1 to $1,000"},
        # $1 to $1,001: 1,001 times (written back as $1 to $1.001K)
        {**_EXPENSE, "id": "e3", "amount": "$1 to $1,001"},
        # a rate's money: $2 to $4,000,000 a month, 2,000,000 times
        {**_EXPENSE, "id": "e4", "rate": "$2 to 4 million/month"},
        {**_EXPENSE, "id": "e5", "amount": "$3M to $5M"},
    ]
    errors, warned = _read(_write(tmp_path, "expenses", rows, fmt), "expenses")
    loaded = _load(_ledger(tmp_path, {"expenses": rows}))
    expected = [
        (
            "e1",
            "amount",
            "implausible-figure",
            _RANGE,
            "$3 to $5M, a high end 1,666,667 times its low end",
        ),
        (
            "e3",
            "amount",
            "implausible-figure",
            _RANGE,
            "$1 to $1.001K, a high end 1,001 times its low end",
        ),
        (
            "e4",
            "rate",
            "implausible-figure",
            _RANGE,
            "$2 to $4M, a high end 2,000,000 times its low end",
        ),
    ]
    assert (errors, warned) == loaded == ([], expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tranche_of_a_range_too_wide_is_warned_of_at_its_row(tmp_path: Path, fmt: str) -> None:
    """A table of items: at the item's row and column, its record's id (the loader says
    ``tranches.0.amount`` of the round)."""
    items = [{"round": "f1", "company": "acme", "amount": "$2 to 3 million", "status": "committed"}]
    path = _write(tmp_path, "tranches", items, fmt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_table(path, "tranches")
    (warning,) = [w.message for w in caught if isinstance(w.message, TableWarning)]
    p = warning.problem
    found = "$2 to $3M, a high end 1,500,000 times its low end"  # 3,000,000 / 2
    assert (p.kind, p.index, p.record_id, p.field, p.code, p.expected, p.found) == (
        "tranches",
        0,
        "f1",
        "amount",
        "implausible-figure",
        _RANGE,
        found,
    )
    assert p.severity == "warning"
    assert p.line == (2 if fmt == "csv" else None)
    assert str(warning) == str(p)
    assert ": warning: tranches[0] f1: amount: " in str(p)
    record = {
        **_ROUND,
        "amount": "$5M",
        "tranches": [{"amount": "$2 to 3 million", "status": "committed"}],
    }
    loaded = _load(_ledger(tmp_path, {"funding_rounds": [record]}))
    assert loaded == ([], [("f1", "tranches.0.amount", "implausible-figure", _RANGE, found)])


ENDS = st.tuples(
    st.sampled_from(("1", "3", "2.5", "999", "1,000", "1,001")),
    st.sampled_from(("", "K", "M", "B")),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(ENDS, ENDS, st.sampled_from(("{a} to {b}", "{a}-{b}", "between {a} and {b}"))),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(FORMATS),
)
def test_random_ranges_are_warned_of_as_the_loader_warns(
    tmp_path: Path, ranges: list[tuple[Any, Any, str]], fmt: str
) -> None:
    """Ranges of dollars with ends of random figures and scales (``$3 to 5M``, ``$2.5K-1,001``,
    ``between $999 and $1B``; some refused, the low end above the high): the table refuses the
    rows the loader refuses and warns of those it warns of, in its words (a range from high to
    low is refused in other words: ``money like '$7M'``, where the loader says ``a range from
    low to high like '$3B to $4B'``, a difference left as it was)."""
    rows = [
        {**_EXPENSE, "id": f"e{i}", "amount": form.format(a=f"${a[0]}{a[1]}", b=f"{b[0]}{b[1]}")}
        for i, (a, b, form) in enumerate(ranges)
    ]
    errors, warned = _read(_write(tmp_path, "expenses", rows, fmt), "expenses")
    loaded, loader_warned = _load(_ledger(tmp_path, {"expenses": rows}))
    assert [e[:2] for e in errors] == [e[:2] for e in loaded]
    assert warned == loader_warned


def test_the_limits_are_the_loaders() -> None:
    from aicapex.checks import plausible
    from aicapex.table import tablewarnings

    assert tablewarnings.RANGE_RATIO == plausible.RANGE_RATIO == 1000
    assert tablewarnings.MAX_REPORTED == plausible.MAX_FX_WARNINGS == 20


def test_no_table_holds_exchange_rates_entities_or_sources(tmp_path: Path) -> None:
    """Rules 3 (``fx_rates.usd``) and 4 (names, outlets, titles) have no table to hold."""
    path = _write(tmp_path, "fx_rates", [{"currency": "EUR", "date": "2024", "usd": 1e200}], "csv")
    for kind in ("fx_rates", "entities", "sources"):
        assert kind not in TABLE_KINDS
        with pytest.raises(LedgerError) as caught:
            read_table(path, kind)
        assert [p.code for p in caught.value.problems] == ["bad-table"]


# --- 5. actual figures dated after their report ----------------------------------------------


def _reported(report: str) -> str:
    return (
        f"a date on or before its report {report} (an actual figure reported before it "
        "happened? a plan or a forecast is basis: planned or expected; this is a warning)"
    )


HEAD = {
    "sources": [
        {"id": "s23", "outlet": "Test", "title": "Test", "date": "2023-10"},
        {"id": "s24", "outlet": "Test", "title": "Test", "date": "2024-06-15"},
        {"id": "sfy", "outlet": "Test", "title": "Test", "date": "FY2024"},
    ]
}


def _fx(tmp_path: Path, year_end: str | None = None) -> ac.Ledger:
    """A ledger of the sources (and the company's fiscal year end) the tables belong with."""
    ends = {"fiscal_year_end": year_end} if year_end else {}
    entities = [{"id": n, "name": n, "type": "company", **ends} for n in PARTIES]
    folder = tmp_path / "fx"
    folder.mkdir(exist_ok=True)
    path = folder / "fx.yaml"
    path.write_text(yaml.safe_dump({**HEAD, "entities": entities}, sort_keys=False))
    return ac.load(path)


def _both(
    tmp_path: Path, kind: str, rows: Rows, fmt: str, year_end: str | None = None
) -> tuple[tuple[list[Key], list[Key]], tuple[list[Key], list[Key]]]:
    """The table's errors and warnings (read with the ledger of its sources), and the
    loader's of the same records beside those sources."""
    table = _read(_write(tmp_path, kind, rows, fmt), kind, fx=_fx(tmp_path, year_end))
    ends = {"fiscal_year_end": year_end} if year_end else {}
    entities = [{"id": n, "name": n, "type": "company", **ends} for n in PARTIES]
    path = _ledger(tmp_path, {kind: rows}, {**HEAD, "entities": entities})
    return table, _load(path)


def _cash(cid: str, date: str, **more: Any) -> dict[str, Any]:
    return {"id": cid, "company": "co", "date": date, "amount": "$4M", **more}


@pytest.mark.parametrize("fmt", FORMATS)
def test_balances_dated_after_their_report(tmp_path: Path, fmt: str) -> None:
    rows = [
        _cash("c1", "2025-09", sources="s23"),  # after October 2023
        _cash("c2", "2023-10-31", sources="s23"),  # within it
        _cash("c3", "2024-06", sources="s23,s24"),  # the latest source: 2024-06-15
        _cash("c4", "2024-07", sources="s23,s24"),  # after June 2024
        _cash("c5", "2023-09", reported="2023-08", sources="s24"),  # its own date first
        _cash("c6", "2025-01", sources="sfy"),  # FY2024 read as 2024: after it
        _cash("c7", "2024-12", sources="sfy"),
        _cash("c8", "2030"),  # no report, no source: nothing to compare
    ]
    table, loaded = _both(tmp_path, "cash_balances", rows, fmt)
    expected = [
        ("c1", "date", "after-reported", _reported("2023-10"), "2025-09"),
        ("c4", "date", "after-reported", _reported("2024-06-15"), "2024-07"),
        ("c5", "date", "after-reported", _reported("2023-08"), "2023-09"),
        ("c6", "date", "after-reported", _reported("FY2024"), "2025-01"),
    ]
    assert table == loaded == ([], expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_actual_revenues_and_expenses_but_not_plans(tmp_path: Path, fmt: str) -> None:
    revenue = {"company": "co", "amount": "$5M", "reported": "2024-06"}
    rows = [
        {**revenue, "id": "v1", "date": "2025"},
        {**revenue, "id": "v2", "date": "2025", "basis": "planned"},
        {**revenue, "id": "v3", "date": "2025", "basis": "expected"},
        {**revenue, "id": "v4", "date": "2024-06"},
    ]
    table, loaded = _both(tmp_path, "revenues", rows, fmt)
    assert table == loaded == ([], [("v1", "date", "after-reported", _reported("2024-06"), "2025")])
    expenses = [{**r, "category": "compute"} for r in rows]
    table, loaded = _both(tmp_path, "expenses", expenses, fmt)
    assert table == loaded == ([], [("v1", "date", "after-reported", _reported("2024-06"), "2025")])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_fiscal_year_in_its_owners_years(tmp_path: Path, fmt: str) -> None:
    """For a year ending June 30, FY2025 starts 2024-07-01: after a report of June 2024, not
    after one of July 2024; a report of FY2024 reads as calendar 2024 (the loader's
    ``reported.end()``), so FY2025 (from 2024-07-01) is not after it."""
    expense = {"company": "co", "amount": "$5M", "date": "FY2025", "category": "compute"}
    rows = [
        {**expense, "id": "x1", "reported": "2024-06"},
        {**expense, "id": "x2", "reported": "2024-07"},
        {**expense, "id": "x3", "reported": "FY2024"},
    ]
    table, loaded = _both(tmp_path, "expenses", rows, fmt, year_end="06-30")
    assert (
        table == loaded == ([], [("x1", "date", "after-reported", _reported("2024-06"), "FY2025")])
    )


DATES = ("2024", "2024-06", "2024-06-30", "2024-07-01", "2024-Q3", "2024-H2", "FY2024", "FY2025")
DATES += ("2025-01", "early 2025", "2024..2025", "2024-06-15..2024-07-15", "2023-12")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(DATES),
            st.one_of(st.none(), st.sampled_from(DATES)),
            st.sampled_from(("", "s23", "s24", "sfy", "s23,s24", "sfy,s23")),
            st.sampled_from(("actual", "planned")),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from((None, "06-30", "03-31")),
    st.sampled_from(("revenues", "cash_balances")),
)
def test_random_dates_and_reports_are_warned_of_as_the_loader_warns(
    tmp_path: Path,
    facts: list[tuple[str, str | None, str, str]],
    year_end: str | None,
    kind: str,
) -> None:
    """Dates and reports of every precision (fiscal years in their owner's years), reported
    dates or cited sources, actual figures or plans: the table warns of the rows the loader
    warns of, in its words."""
    rows = [
        {
            "id": f"r{i}",
            "company": "co",
            "amount": "$4M",
            "date": date,
            "reported": reported,
            "sources": sources or None,
            **({"basis": basis} if kind == "revenues" else {}),
        }
        for i, (date, reported, sources, basis) in enumerate(facts)
    ]
    table, loaded = _both(tmp_path, kind, rows, "csv", year_end)
    assert table == loaded


def test_at_most_twenty_then_one_counting_the_rest(tmp_path: Path) -> None:
    """23 balances after their report: 20 warnings, and one at the 21st naming the 3 others."""
    rows = [_cash(f"c{i:02}", "2025-01", reported="2024-01") for i in range(23)]
    table, loaded = _both(tmp_path, "cash_balances", rows, "csv")
    rest = (
        "c20",
        "date",
        "after-reported",
        "cash_balances dated on or before their reports",
        "3 more dated after their reports (c20, c21, c22)",
    )
    assert table == loaded
    assert len(table[1]) == 21
    assert rest in table[1]


def test_a_table_refused_gives_its_errors_only(tmp_path: Path) -> None:
    """As a ledger: warnings once it is read; ``simplefilter('error')`` refuses them."""
    rows = [_cash("c1", "2025-01", reported="2024-01"), _cash("c2", "2024-01", amount="-$1M")]
    path = _write(tmp_path, "cash_balances", rows, "csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(LedgerError):
            read_table(path, "cash_balances")
    assert not [w for w in caught if isinstance(w.message, TableWarning)]
    path = _write(tmp_path, "cash_balances", rows[:1], "csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TableWarning)
        with pytest.raises(TableWarning, match="on or before its report 2024-01"):
            read_table(path, "cash_balances")


@pytest.mark.parametrize("fmt", FORMATS)
def test_warnings_of_a_table_read_with_its_parents(tmp_path: Path, fmt: str) -> None:
    """``parents=``: the warnings of both tables, once both are read."""
    rounds = [{**_ROUND, "amount": "$1 to 5 million"}]
    items = [{"round": "f1", "company": "acme", "amount": "$1M", "status": "committed"}]
    parents = _write(tmp_path, "funding_rounds", rounds, fmt)
    path = _write(tmp_path, "tranches", items, fmt)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_table(path, "tranches", parents=parents)
    found = [_key(w.message.problem) for w in caught if isinstance(w.message, TableWarning)]
    said = "$1 to $5M, a high end 5,000,000 times its low end"
    assert found == [("f1", "amount", "implausible-figure", _RANGE, said)]
    frame = pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    assert len(frame) == 1
