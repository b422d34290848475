"""The rules between a record and its nested items across two bulk tables, beyond sums: a GPU
order's deliveries (``read_table(..., "deliveries", parents=orders)``) dated on or after the
order and, per status, counting at most the GPUs ordered; a compute contract's ramp steps
(``"ramps"``) ending on or after its start. Each table of records and items is refused exactly
when ``ac.load`` refuses the same records with their items nested, with the loader's fields and
texts, at the records' rows (dates compared as records compare them: a fiscal year as a
calendar year, whatever its owner's year end). And a table-only rule, for every table of items:
an item whose party column names another party than its record's is refused at its own row
(a ledger file nests items, so their party is always their record's)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex.dates import PartialDate
from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table

FORMATS = ("csv", "parquet")

#: a table of items: the parents' kind, the items' head columns (the parent's id column first)
HEADS = {
    "deliveries": ("gpu_orders", ("order", "buyer", "status")),
    "ramps": ("compute_contracts", ("contract", "buyer", "contract_start")),
    "tranches": ("funding_rounds", ("round", "company", "round_date")),
    "investments": ("funding_rounds", ("round", "company", "round_date")),
    "payments": ("cloud_bills", ("bill", "payer")),
    "order_payments": ("gpu_orders", ("order", "buyer")),
}
#: the field of the record holding an item (deliveries: their ``status``)
FIELDS = {
    "ramps": "ramp",
    "tranches": "tranches",
    "investments": "investors",
    "payments": "payments",
    "order_payments": "payments",
}

Key = tuple[Any, ...]
Rows = list[dict[str, Any]]


def _key(p: Any) -> Key:
    return (p.kind, p.record_id, p.field, p.code, p.expected, p.found)


def _write(tmp_path: Path, kind: str, parents: Rows, items: Rows, fmt: str) -> tuple[Path, Path]:
    """The parents' table and the items' table; in Parquet, counts as text (a column of one
    type)."""
    if fmt == "parquet":
        parents = [_texts(p) for p in parents]
        items = [_texts(i) for i in items]
    return write_rows(tmp_path, parents, fmt, "parents"), write_rows(tmp_path, items, fmt, kind)


def _texts(row: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if k == "quantity" and v is not None else v for k, v in row.items()}


def _read(kind: str, paths: tuple[Path, Path], fx: ac.Ledger | None = None) -> list[Any]:
    """The problems of reading the items with their parents (none: [])."""
    parents, items = paths
    try:
        read_table(items, kind, parents=parents, fx=fx)
    except LedgerError as exc:
        return list(exc.problems)
    return []


def _ledger(
    tmp_path: Path, kind: str, parents: Rows, items: Rows, year_end: str | None = None
) -> Path:
    """The same records in a ledger file, their items nested in table order."""
    parent_kind, head = HEADS[kind]
    records = [{k: v for k, v in p.items() if v is not None} for p in parents]
    for record in records:
        for item in items:
            if item[head[0]] != record["id"]:
                continue
            field = item["status"] if kind == "deliveries" else FIELDS[kind]
            nested = {k: v for k, v in item.items() if k not in head and v is not None}
            record.setdefault(field, []).append(nested)
    names = sorted(
        {
            r[k]
            for r in records
            for k in ("company", "payer", "provider", "buyer", "vendor", "seller")
            if k in r
        }
        | {i["investor"] for r in records for i in r.get("investors", [])}
    )
    ends = {"fiscal_year_end": year_end} if year_end else {}
    data = {
        "entities": [{"id": n, "name": n, "type": "company", **ends} for n in names],
        parent_kind: records,
    }
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _loaded(tmp_path: Path, kind: str, parents: Rows, items: Rows) -> list[Key]:
    """The problems (errors) ``ac.load`` finds in the same records, their items nested."""
    try:
        ac.load(_ledger(tmp_path, kind, parents, items))
    except LedgerError as exc:
        return sorted(_key(p) for p in exc.problems if p.severity == "error")
    return []


# --- a GPU order's deliveries ----------------------------------------------------------------


def _order(oid: str, date: str, quantity: Any = 10_000, buyer: str = "acme") -> dict[str, Any]:
    return {
        "id": oid,
        "buyer": buyer,
        "vendor": "nvidia",
        "sku": "H100",
        "quantity": quantity,
        "order_date": date,
    }


def _delivery(
    oid: str, status: str, date: str, quantity: Any, buyer: str = "acme"
) -> dict[str, Any]:
    return {"order": oid, "buyer": buyer, "status": status, "date": date, "quantity": quantity}


ORDERS = [
    _order("day", "2024-03-15"),  # one day before is refused, the day itself is not
    _order("quarter", "Q3 2024", "9,000 to 10,000"),  # a range: its high end the limit
    _order("late", "late 2023", 500),  # a third of a year: from 2023-09-01
    _order("year", "2024", 100),  # fiscal years compared as calendar years
    _order("none", "2024-01"),  # no deliveries
    _order("limit", "2024-06", 1_000),  # counts at the limit, and one over
    _order("month", "2024-06", 40),  # a month ending before the order's month starts
]
DELIVERIES = [
    _delivery("day", "scheduled", "2024-03-14", 1_000),
    _delivery("quarter", "scheduled", "2024-06-30", "5,000"),
    _delivery("day", "delivered", "2024-03-15", 2_000),
    _delivery("limit", "scheduled", "2024-07", 600),
    _delivery("quarter", "delivered", "2024-07-01", "4,000 to 6,001"),  # at least 4,000
    _delivery("day", "scheduled", "2024-03-15", 9_000),  # 10,000 scheduled: at the limit
    _delivery("late", "delivered", "2023-08-31", 100),
    _delivery("year", "scheduled", "FY2023", 50),  # ends 2023-12-31: before 2024
    _delivery("limit", "delivered", "2024-07", 600),
    _delivery("quarter", "scheduled", "2024-H1", "5,001"),  # 10,001: one over the high end
    _delivery("late", "delivered", "late 2023", 400),
    _delivery("year", "delivered", "FY2024", 100),
    _delivery("limit", "scheduled", "2024-08", 400),  # 1,000 scheduled: at the limit
    _delivery("limit", "delivered", "2024-08", 401),  # 1,001 delivered: one over
    _delivery("month", "scheduled", "2024-05", 40),
    _delivery("day", "scheduled", "2024-02", 1),  # a month ending before the day: and 10,001
    _delivery("year", "scheduled", "2023..2024", 50),  # a range ending in the year: taken
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_deliveries_on_or_after_their_order_and_at_most_its_quantity(
    tmp_path: Path, fmt: str
) -> None:
    """Deliveries of several orders, interleaved, of both statuses, with dates of every
    precision: the table pair is refused with the problems the loader finds in the same
    records, at the orders' rows, each delivery named by its place in its order's list."""
    paths = _write(tmp_path, "deliveries", ORDERS, DELIVERIES, fmt)
    problems = _read("deliveries", paths)
    loaded = _loaded(tmp_path, "deliveries", ORDERS, DELIVERIES)
    assert sorted(_key(p) for p in problems) == loaded
    fields = {(k[1], k[2]) for k in loaded}
    assert fields == {
        ("day", "scheduled.0.date"),
        ("day", "scheduled.2.date"),
        ("day", "scheduled"),
        ("quarter", "scheduled.0.date"),
        ("quarter", "scheduled.1.date"),
        ("quarter", "scheduled"),
        ("late", "delivered.0.date"),
        ("year", "scheduled.0.date"),
        ("limit", "delivered"),
        ("month", "scheduled.0.date"),
    }
    rows = {r["id"]: i for i, r in enumerate(ORDERS)}
    line = (lambda i: i + 2) if fmt == "csv" else (lambda i: None)
    for p in problems:  # at the order's row of the orders' table
        assert (p.file, p.kind, p.index, p.line, p.code) == (
            str(paths[0]),
            "gpu_orders",
            rows[p.record_id],
            line(rows[p.record_id]),
            "inconsistent",
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_deliveries_within_their_orders_are_read(tmp_path: Path, fmt: str) -> None:
    """Without the refused deliveries, the pair is read as the deliveries alone (the same
    frame), and the loader takes the same records."""
    keep = [
        d
        for d in DELIVERIES
        if (d["order"], d["date"]) not in _EARLY and (d["order"], d["quantity"]) not in _OVER
    ]
    assert _loaded(tmp_path, "deliveries", ORDERS, keep) == []
    parents, items = _write(tmp_path, "deliveries", ORDERS, keep, fmt)
    got = read_table(items, "deliveries", parents=parents)
    pd.testing.assert_frame_equal(got, read_table(items, "deliveries"))


_EARLY = {
    ("day", "2024-03-14"),
    ("day", "2024-02"),
    ("quarter", "2024-06-30"),
    ("quarter", "2024-H1"),
    ("late", "2023-08-31"),
    ("year", "FY2023"),
    ("month", "2024-05"),
}
_OVER = {("limit", 401)}


def test_fiscal_years_of_deliveries_compare_as_the_records_compare_them(tmp_path: Path) -> None:
    """With a ledger whose buyer's year ends on June 30, ``FY2024`` in the deliveries' frame
    ends on 2024-06-30: a delivery in ``FY2024`` of an order of September 2024 is before it,
    refused in the buyer's years as the loader refuses it (the record alone read ``FY2024`` as
    calendar 2024 and took it; the ledger's check reads it in its owner's years); ``FY2023``
    of an order of January 2024 is refused too."""
    orders = [_order("sep", "2024-09"), _order("jan", "2024-01-15")]
    deliveries = [
        _delivery("sep", "scheduled", "FY2024", 10),
        _delivery("jan", "delivered", "FY2023", 10),
    ]
    fx = ac.load(_ledger(tmp_path, "deliveries", orders, [], "06-30"))
    ends = read_table(
        _write(tmp_path, "deliveries", orders, deliveries, "csv")[1], "deliveries", fx=fx
    )["date_end"]
    assert ends.tolist() == [pd.Timestamp("2024-06-30"), pd.Timestamp("2023-06-30")]
    problems = _read("deliveries", _write(tmp_path, "deliveries", orders, deliveries, "csv"), fx)
    path = _ledger(tmp_path, "deliveries", orders, deliveries, "06-30")
    with pytest.raises(LedgerError) as exc:
        ac.load(path)
    assert sorted(_key(p) for p in problems) == sorted(_key(p) for p in exc.value.problems)
    assert sorted((p.record_id, p.field) for p in problems) == [
        ("jan", "delivered.0.date"),
        ("sep", "scheduled.0.date"),
    ]


# --- a compute contract's ramp ----------------------------------------------------------------


def _contract(cid: str, start: str) -> dict[str, Any]:
    return {"id": cid, "buyer": "acme", "seller": "cloud", "start": start}


def _step(cid: str, period: str, amount: str = "$1M", buyer: str = "acme") -> dict[str, Any]:
    return {"contract": cid, "buyer": buyer, "period": period, "amount": amount}


CONTRACTS = [
    _contract("day", "2027-01-01"),
    _contract("quarter", "Q4 2026"),
    _contract("fiscal", "2027"),
    _contract("flat", "2025-05"),  # no ramp
    _contract("third", "late 2026"),
]
STEPS = [
    _step("day", "2026-12-31"),  # one day before: refused
    _step("quarter", "late 2026"),  # ends 2026-12-31: taken
    _step("day", "2027"),
    _step("fiscal", "FY2026"),  # a calendar year before: refused
    _step("quarter", "2026-Q3"),  # refused
    _step("day", "2026"),  # refused
    _step("fiscal", "FY2027", "$5M"),
    _step("third", "2026-08"),  # late 2026 starts 2026-09-01: refused
    _step("third", "2026-09"),
    _step("day", "2027-01-01"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_ramp_steps_end_on_or_after_their_contracts_start(tmp_path: Path, fmt: str) -> None:
    """Ramp steps of several contracts, interleaved: the pair is refused with the loader's
    problems (``ramp.{i}.period``) at the contracts' rows."""
    paths = _write(tmp_path, "ramps", CONTRACTS, STEPS, fmt)
    problems = _read("ramps", paths)
    loaded = _loaded(tmp_path, "ramps", CONTRACTS, STEPS)
    assert sorted(_key(p) for p in problems) == loaded
    # the steps of this test also overlap (2026 and 2026-12-31, 2027 and 2027-01-01, late 2026
    # and 2026-Q3), refused as the loader refuses them: tests/test_gpu_checks_ramps.py
    assert {(k[1], k[2]) for k in loaded if "on or after the start" in k[4]} == {
        ("day", "ramp.0.period"),
        ("day", "ramp.2.period"),
        ("fiscal", "ramp.0.period"),
        ("quarter", "ramp.1.period"),
        ("third", "ramp.0.period"),
    }
    rows = {r["id"]: i for i, r in enumerate(CONTRACTS)}
    assert {(p.record_id, p.index, p.file) for p in problems} == {
        (k[1], rows[k[1]], str(paths[0])) for k in loaded
    }
    keep = [s for s in STEPS if (s["contract"], s["period"]) in _TAKEN]
    assert _loaded(tmp_path, "ramps", CONTRACTS, keep) == []
    parents, items = _write(tmp_path, "ramps", CONTRACTS, keep, fmt)
    pd.testing.assert_frame_equal(
        read_table(items, "ramps", parents=parents), read_table(items, "ramps")
    )


_TAKEN = {
    ("quarter", "late 2026"),
    ("day", "2027"),
    ("fiscal", "FY2027"),
    ("third", "2026-09"),
}  # and ("day", "2027-01-01"), which overlaps ("day", "2027")


# --- both rules on random tables ---------------------------------------------------------------

#: dates of every form a table takes, around the turn of 2024
DATES = [
    "2023-12-31",
    "2024-01-01",
    "2024-01-02",
    "2023-12",
    "2024-01",
    "2023-Q4",
    "2024-Q1",
    "2023-H2",
    "2024",
    "2023",
    "FY2024",
    "late 2023",
    "early 2024",
    "mid-2024",
    "end of 2023",
    "2023..2024",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    orders=st.lists(st.tuples(st.sampled_from(DATES), st.integers(1, 30)), min_size=1, max_size=4),
    items=st.lists(
        st.tuples(st.integers(0, 3), st.booleans(), st.sampled_from(DATES), st.integers(1, 12)),
        min_size=1,
        max_size=12,
    ),
    fmt=st.sampled_from(FORMATS),
)
def test_random_deliveries_are_refused_as_the_loader_refuses_them(
    tmp_path_factory: pytest.TempPathFactory,
    orders: list[tuple[str, int]],
    items: list[tuple[int, bool, str, int]],
    fmt: str,
) -> None:
    tmp_path = tmp_path_factory.mktemp("hyp")
    parents = [_order(f"o{i}", d, q) for i, (d, q) in enumerate(orders)]
    rows = [
        _delivery(f"o{o % len(orders)}", "delivered" if done else "scheduled", d, q)
        for o, done, d, q in items
    ]
    got = sorted(
        _key(p) for p in _read("deliveries", _write(tmp_path, "deliveries", parents, rows, fmt))
    )
    assert got == _loaded(tmp_path, "deliveries", parents, rows)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    starts=st.lists(st.sampled_from(DATES), min_size=1, max_size=3),
    steps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(DATES)), min_size=1, max_size=8),
    fmt=st.sampled_from(FORMATS),
)
def test_random_ramps_are_refused_as_the_loader_refuses_them(
    tmp_path_factory: pytest.TempPathFactory,
    starts: list[str],
    steps: list[tuple[int, str]],
    fmt: str,
) -> None:
    tmp_path = tmp_path_factory.mktemp("hyp")
    parents = [_contract(f"c{i}", d) for i, d in enumerate(starts)]
    rows = [_step(f"c{c % len(starts)}", d) for c, d in steps]
    got = sorted(_key(p) for p in _read("ramps", _write(tmp_path, "ramps", parents, rows, fmt)))
    assert got == _loaded(tmp_path, "ramps", parents, rows)


def test_the_expected_texts_are_the_records(tmp_path: Path) -> None:
    """The texts name the dates as records write them (``2024-Q3``, ``late 2023``), whatever
    the table wrote (``Q3 2024``)."""
    orders = [_order("o", "Q3 2024")]
    problems = _read(
        "deliveries",
        _write(tmp_path, "deliveries", orders, [_delivery("o", "delivered", "H1 2024", 5)], "csv"),
    )
    written = str(PartialDate.parse("Q3 2024")), str(PartialDate.parse("H1 2024"))
    assert [(p.expected, p.found) for p in problems] == [
        (f"a date on or after the order {written[0]}", written[1])
    ]


# --- an item's party: its record's ---------------------------------------------------------------


def _pair(kind: str) -> tuple[Rows, Rows, str]:
    """Two records of ``kind``'s parents (parties acme and beta) with two items each, and the
    items' party column."""
    if kind == "deliveries":
        parents = [_order("a", "2024-01"), _order("b", "2024-01", buyer="beta")]
        items = [_delivery(p["id"], "scheduled", "2024-02", 5, p["buyer"]) for p in parents] * 2
        return parents, items, "buyer"
    if kind == "ramps":
        parents = [_contract("a", "2024"), {**_contract("b", "2024"), "buyer": "beta"}]
        # two steps each, of two years: steps of one period would overlap (refused)
        steps = [_step(p["id"], y, "$1M", p["buyer"]) for y in ("2025", "2026") for p in parents]
        return parents, steps, "buyer"
    if kind in ("tranches", "investments"):
        parents = [
            {"id": r, "company": c, "date": "2024-01", "amount": "$10M"}
            for r, c in (("a", "acme"), ("b", "beta"))
        ]
        if kind == "tranches":
            extra: dict[str, Any] = {"amount": "$1M", "status": "committed"}
        else:
            extra = {"investor": "fund", "amount": "$1M"}
        items = [{"round": p["id"], "company": p["company"], **extra} for p in parents] * 2
        return parents, items, "company"
    if kind == "payments":
        parents = [
            {"id": b, "payer": c, "provider": "cloud", "period": "2024-01", "billed": "$10M"}
            for b, c in (("a", "acme"), ("b", "beta"))
        ]
        items = [
            {"bill": p["id"], "payer": p["payer"], "date": "2024-02", "amount": "$1M"}
            for p in parents
        ] * 2
        return parents, items, "payer"
    parents = [_order("a", "2024-01"), _order("b", "2024-01", buyer="beta")]
    items = [
        {"order": p["id"], "buyer": p["buyer"], "date": "2024-02", "amount": "$1M"} for p in parents
    ] * 2
    return parents, items, "buyer"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(HEADS))
def test_an_items_party_is_its_records(tmp_path: Path, kind: str, fmt: str) -> None:
    """Every table of items read with its records: an item naming another party than its
    record's is refused at its own row (its party column, record id the record it names),
    with the other table rules' code; items naming their record's party are read as the
    loader's frame of the same records holds them."""
    parents, items, party = _pair(kind)
    ledger = ac.load(_ledger(tmp_path, kind, parents, items))
    wanted = ledger.frame(kind)
    assert sorted(wanted[party].astype(str)) == sorted(i[party] for i in items)
    paths = _write(tmp_path, kind, parents, items, fmt)
    got = read_table(paths[1], kind, parents=paths[0])
    assert sorted(got[party].astype(str)) == sorted(wanted[party].astype(str))
    wrong = [dict(i) for i in items]
    wrong[1][party] = "acme"  # b's item
    wrong[2][party] = "other"  # a's item
    paths = _write(tmp_path, kind, parents, wrong, fmt)
    problems = _read(kind, paths)
    line = (lambda i: i + 2) if fmt == "csv" else (lambda i: None)
    assert [
        (p.file, p.kind, p.index, p.line, p.record_id, p.field, p.code, p.expected, p.found)
        for p in problems
    ] == [
        (
            str(paths[1]),
            kind,
            i,
            line(i),
            wrong[i][HEADS[kind][1][0]],
            party,
            "inconsistent",
            f"{parents[i % 2][party]!r}, the {party} of {parents[i % 2]['id']!r} in {paths[0]}",
            repr(wrong[i][party]),
        )
        for i in (1, 2)
    ]


def test_each_rule_reports_every_problem_at_once(tmp_path: Path) -> None:
    """An item naming no order, one naming another buyer, one dated before its order and an
    order over its quantity: all four at once, in one error."""
    orders = [_order("o", "2024-03", 10)]
    rows = [
        _delivery("o", "scheduled", "2024-02", 5),
        _delivery("nope", "scheduled", "2024-04", 5),
        _delivery("o", "scheduled", "2024-04", 6, buyer="beta"),
    ]
    problems = _read("deliveries", _write(tmp_path, "deliveries", orders, rows, "csv"))
    assert sorted((p.kind, p.field, p.code) for p in problems) == [
        ("deliveries", "buyer", "inconsistent"),
        ("deliveries", "order", "unknown-reference"),
        ("gpu_orders", "scheduled", "inconsistent"),
        ("gpu_orders", "scheduled.0.date", "inconsistent"),
    ]


def test_many_deliveries(tmp_path: Path) -> None:
    """200,000 deliveries of 20,000 orders (checked per order and status at once, no loop over
    rows; its time is measured by benchmarks, not here): the one delivery early and the one
    order's delivered GPUs one over are found."""
    n = 20_000
    orders = pd.DataFrame(
        {
            "id": [f"o{i}" for i in range(n)],
            "buyer": "acme",
            "vendor": "nvidia",
            "sku": "H100",
            "quantity": "100",
            "order_date": "2024-03",
        }
    )
    orders.to_parquet(tmp_path / "orders.parquet", index=False)
    items = pd.DataFrame(
        {
            "order": orders["id"].repeat(10).to_numpy(),
            "buyer": "acme",
            "status": ["scheduled", "delivered"] * 5 * n,
            "date": "2024-04",
            "quantity": "20",
        }
    )
    items.loc[len(items) - 1, "date"] = "2024-02"  # the last order's fifth delivered
    items.loc[len(items) - 3, "quantity"] = "21"  # its delivered: 101
    items.to_parquet(tmp_path / "deliveries.parquet", index=False)
    problems = _read("deliveries", (tmp_path / "orders.parquet", tmp_path / "deliveries.parquet"))
    assert sorted((p.record_id, p.field, p.found) for p in problems) == [
        (f"o{n - 1}", "delivered", "101"),
        (f"o{n - 1}", "delivered.4.date", "2024-02"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_written_as_numbers_and_days(tmp_path: Path, fmt: str) -> None:
    """Columns of years only (integers in CSV and Parquet) and of days (dates in Parquet): the
    texts are the records' (``2023``, ``2024-03-14``), as the loader gives them."""
    orders = [_order("y", 2024), _order("d", 2024)]
    rows = [_delivery("y", "scheduled", 2023, 5), _delivery("d", "delivered", 2025, 5)]
    paths = _write(tmp_path, "deliveries", orders, rows, fmt)
    loaded = _loaded(tmp_path, "deliveries", orders, rows)
    assert sorted(_key(p) for p in _read("deliveries", paths)) == loaded
    assert [(k[1], k[2], k[5]) for k in loaded] == [("y", "scheduled.0.date", "2023")]
    contracts = [{**_contract("c", "2027"), "start": dt.date(2027, 1, 1)}]
    steps = [{**_step("c", "2027"), "period": dt.date(2026, 12, 31)}]
    paths = _write(tmp_path, "ramps", contracts, steps, fmt)
    loaded = _loaded(tmp_path, "ramps", contracts, steps)
    assert sorted(_key(p) for p in _read("ramps", paths)) == loaded
    assert [(k[2], k[4], k[5]) for k in loaded] == [
        ("ramp.0.period", "a period on or after the start 2027-01-01", "2026-12-31")
    ]


#: the column of a table of items naming its record's date, and the record's date field
PARENT_DATE = {
    "tranches": ("round_date", "date"),
    "investments": ("round_date", "date"),
    "ramps": ("contract_start", "start"),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(PARENT_DATE))
@pytest.mark.parametrize("date", ["2024-01", "FY2024", "2024-03-14"])
def test_an_items_record_date_is_its_records(
    tmp_path: Path, kind: str, date: str, fmt: str
) -> None:
    """The column naming an item's record's date (what converts the item's other currencies)
    must say the record's date: items saying it (or leaving it blank) are read; an item saying
    another date, even a narrower or wider one inside it, is refused at its own row, naming
    the record's date, field and table; every such item at once."""
    column, field = PARENT_DATE[kind]
    parents, items, _ = _pair(kind)
    parents = [{**p, field: date} for p in parents]
    for fmt_items in ([{**i, column: date} for i in items], [{**i, column: None} for i in items]):
        paths = _write(tmp_path, kind, parents, fmt_items, fmt)
        assert _read(kind, paths) == []
    others = {"2024-01": "2024-01-31", "FY2024": "2024", "2024-03-14": "2024-03"}
    wrong = [{**i, column: date} for i in items]
    for i in (0, 3):
        wrong[i][column] = others[date]
    paths = _write(tmp_path, kind, parents, wrong, fmt)
    problems = _read(kind, paths)
    line = (lambda i: i + 2) if fmt == "csv" else (lambda i: None)
    head = HEADS[kind][1][0]
    said = str(PartialDate.parse(date))
    assert [
        (p.file, p.kind, p.index, p.line, p.record_id, p.field, p.code, p.expected, p.found)
        for p in problems
    ] == [
        (
            str(paths[1]),
            kind,
            i,
            line(i),
            wrong[i][head],
            column,
            "inconsistent",
            f"{said}, the {field} of {wrong[i][head]!r} in {paths[0]}",
            repr(others[date]),
        )
        for i in (0, 3)
    ]
