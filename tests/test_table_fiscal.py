"""Fiscal years in bulk tables: with the ledger a table belongs with (``read_table(..., fx=)``),
a fiscal-year cell (``FY2025``) is its owner's fiscal year, as ``Ledger.frame`` dates it (the
dates' spans and the day other currencies are converted at): the row's ``fiscal_year_of``,
else its kind's first party (a table of items: the head column naming its parent's first
party). A two-party row's ``FY`` date without ``fiscal_year_of``, whose parties' years end on
different days, is refused at its row as ``ac.load`` refuses the record. Without a ledger every
fiscal year is a calendar year (they all were, even with one)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.records import KINDS
from aicapex.table.bulk import read_table
from aicapex.table.fiscalcols import ITEM_OWNERS, PARTIES
from aicapex.table.frames import SUBFRAMES
from aicapex.table.tablespec import SPECS

FORMATS = ("csv", "parquet")

#: companies and their fiscal year ends (``nx`` has none: 12-31)
YEAR_ENDS = {
    "ms": "06-30",
    "ms2": "06-30",
    "ap": "09-30",
    "ap2": "09-30",
    "gg": "12-31",
    "nx": None,
}

ENTITIES = [
    {"id": n, "name": n, "type": "company", **({"fiscal_year_end": e} if e else {})}
    for n, e in YEAR_ENDS.items()
]

FX_RATES = [
    {"id": "eur-1", "currency": "EUR", "date": "2023-07", "usd": "1.05"},
    {"id": "eur-2", "currency": "EUR", "date": "2023-10", "usd": "1.1"},
    {"id": "eur-3", "currency": "EUR", "date": "2024-01", "usd": "1.15"},
    {"id": "eur-4", "currency": "EUR", "date": "2024-07", "usd": "1.2"},
    {"id": "eur-5", "currency": "EUR", "date": "2024-10", "usd": "1.3"},
    {"id": "eur-6", "currency": "EUR", "date": "2025-01", "usd": "1.4"},
]


def _operating(kind: str, *, clash: bool = False) -> list[dict[str, Any]]:
    """Expenses or revenues of each company: fiscal years in each date field, one owned by
    another company (``fiscal_year_of``), counterparties, plain dates (``clash``: a
    counterparty of another year end without ``fiscal_year_of``)."""
    extra = {"category": "compute"} if kind == "expenses" else {}
    rows = []
    for i, (company, date, until, amount) in enumerate(
        [
            ("ms", "FY2025", None, "€10M"),
            ("ms", "FY2024", "FY2025", "$3M"),
            ("ap", "FY2025", None, "€4M"),
            ("ap", "2024-03", "FY2026", "€1M"),
            ("gg", "FY2025", None, "€2M"),
            ("nx", "FY2024", None, "€5M"),
            ("nx", "Q3 2024", None, "€5M"),
            ("ms", "FY2025", None, "€6M"),
        ]
    ):
        row: dict[str, Any] = {"id": f"{kind[0]}{i}", "company": company, "date": date}
        row.update(amount=amount, **extra)
        if until:
            row["until"] = until
        if i == 1:
            row["reported"] = "FY2025"
        if i == 0:
            row["counterparty"] = "ms2"  # of the same year end: the company's year
        if i == 2 and clash:
            row["counterparty"] = "ms"  # of another year end, no fiscal_year_of: refused
        if i == 7:
            row["counterparty"] = "gg"
            row["fiscal_year_of"] = "ap"  # of another year end, fiscal_year_of given
        rows.append(row)
    return rows


def _contracts() -> list[dict[str, Any]]:
    """Contracts between parties of equal year ends, or of different ones with
    ``fiscal_year_of`` (either party's, or a third's)."""
    return [
        {"id": "k1", "buyer": "ms", "seller": "ms2", "start": "FY2025", "end": "FY2026"},
        {"id": "k2", "buyer": "gg", "seller": "nx", "start": "FY2024", "total_value": "€9M"},
        {"id": "k3", "buyer": "ms", "seller": "ap", "start": "FY2025", "fiscal_year_of": "ap"},
        {
            "id": "k4",
            "buyer": "ms",
            "seller": "gg",
            "start": "FY2025",
            "end": "FY2027",
            "fiscal_year_of": "ms",
            "total_value": "€20M",
        },
        {"id": "k5", "buyer": "ap", "seller": "gg", "start": "2024-03", "end": "2025"},
        {"id": "k6", "buyer": "ms", "seller": "ap", "start": "FY2025", "fiscal_year_of": "gg"},
    ]


def _bills() -> list[dict[str, Any]]:
    return [
        {"id": "b1", "payer": "ms", "provider": "ms2", "period": "FY2025", "billed": "€2M"},
        {
            "id": "b2",
            "payer": "ap",
            "provider": "ms",
            "period": "FY2025",
            "fiscal_year_of": "ms",
            "billed": "$1M",
        },
        {
            "id": "b3",
            "payer": "ap",
            "provider": "ms",
            "period": "FY2024",
            "due": "FY2025",
            "fiscal_year_of": "ap",
            "billed": "€1M",
        },
        {"id": "b4", "payer": "gg", "provider": "nx", "period": "FY2025", "billed": "$1M"},
    ]


def _ledger(tmp: Path, records: dict[str, list[dict[str, Any]]]) -> ac.Ledger:
    """``ac.load`` of the same records, with the companies and the exchange rates."""
    path = tmp / "ledger.yaml"
    data = {"entities": ENTITIES, "fx_rates": FX_RATES, **records}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return ac.load(path)


def _cells(rows: list[dict[str, Any]], fmt: str) -> list[dict[str, Any]]:
    """Rows as a table holds them: every column in every row (missing: None)."""
    names = list(dict.fromkeys(k for r in rows for k in r))
    return [{n: r.get(n) for n in names} for r in rows]


def _same(tmp: Path, kind: str, rows: list[dict[str, Any]], fmt: str) -> pd.DataFrame:
    led = _ledger(tmp, {kind: rows})
    got = read_table(write_rows(tmp, _cells(rows, fmt), fmt), kind, fx=led)
    expected = led.frame(kind)
    if kind == "cloud_bills":  # a table of bills holds no payments: paid and unpaid unknown
        assert got["paid_usd"].isna().all()
        unknown = ["paid_usd", "unpaid_usd"]
        pd.testing.assert_frame_equal(
            got.drop(columns=unknown), expected.drop(columns=unknown), check_exact=True
        )
        return got
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    return got


def test_the_parties_are_the_models() -> None:
    """Each kind's parties as its record model names them; an items table's owner is the head
    column naming its parent's first party."""
    for kind, parties in PARTIES.items():
        assert parties == KINDS[kind].PARTIES
    fact_kinds = {
        k for k in SPECS if k in KINDS and any(f.name == "fiscal_year_of" for f in SPECS[k].fields)
    }
    assert fact_kinds == set(PARTIES)
    for kind, column in ITEM_OWNERS.items():
        parent_kind = SUBFRAMES[kind][0]
        assert column == KINDS[parent_kind].PARTIES[0]
        assert column in dict(SPECS[kind].head)
    assert set(ITEM_OWNERS) == set(SPECS) - set(PARTIES)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["expenses", "revenues"])
def test_fiscal_years_are_the_companies(tmp_path: Path, kind: str, fmt: str) -> None:
    got = _same(tmp_path, kind, _operating(kind), fmt)
    # FY2025 of a company whose year ends on 06-30: from 2024-07-01 to 2025-06-30
    assert str(got.loc[0, "date_start"].date()) == "2024-07-01"
    assert str(got.loc[0, "date_end"].date()) == "2025-06-30"
    assert str(got.loc[2, "date_start"].date()) == "2024-10-01"  # ap's
    assert str(got.loc[7, "date_start"].date()) == "2024-10-01"  # ap's: fiscal_year_of
    assert str(got.loc[1, "reported_start"].date()) == "2024-07-01"
    assert got.loc[0, "amount_usd"] == pytest.approx(10e6 * 1.2)  # at 2024-07-01's rate


@pytest.mark.parametrize("fmt", FORMATS)
def test_contracts_take_the_buyers_year_or_fiscal_year_of(tmp_path: Path, fmt: str) -> None:
    got = _same(tmp_path, "compute_contracts", _contracts(), fmt)
    starts = [str(d.date()) for d in got["start_start"]]
    assert starts == [
        "2024-07-01",
        "2024-01-01",
        "2024-10-01",
        "2024-07-01",
        "2024-03-01",
        "2025-01-01",
    ]
    assert str(got.loc[3, "end_end"].date()) == "2027-06-30"


@pytest.mark.parametrize("fmt", FORMATS)
def test_bills_take_the_payers_year_or_fiscal_year_of(tmp_path: Path, fmt: str) -> None:
    got = _same(tmp_path, "cloud_bills", _bills(), fmt)
    assert [str(d.date()) for d in got["period_start"]] == [
        "2024-07-01",
        "2024-07-01",
        "2023-10-01",
        "2025-01-01",
    ]
    assert str(got.loc[2, "due_end"].date()) == "2025-09-30"


def _problems(call: Any) -> list[tuple[Any, ...]]:
    try:
        call()
    except LedgerError as exc:
        return sorted(
            (p.kind, p.record_id, p.field, p.code, p.expected, p.found)
            for p in exc.problems
            if p.severity == "error"
        )
    return []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["compute_contracts", "cloud_bills", "expenses"])
def test_a_fiscal_year_between_two_year_ends_without_its_owner_is_refused(
    tmp_path: Path, kind: str, fmt: str
) -> None:
    """As ``ac.load`` refuses it: at the row, with the loader's code and texts; the other rows
    (equal year ends, or ``fiscal_year_of`` given) are not."""
    rows = {
        "compute_contracts": _contracts(),
        "cloud_bills": _bills(),
        "expenses": _operating("expenses", clash=True),
    }[kind]
    rows = [{k: v for k, v in r.items() if k != "fiscal_year_of"} for r in rows]
    path = tmp_path / "ledger.yaml"
    data = {"entities": ENTITIES, "fx_rates": FX_RATES, kind: rows}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    loaded = [p for p in _problems(lambda: ac.load(path)) if p[3] == "fiscal-year-owner"]
    assert loaded  # the loader refuses some
    # the same entities with no records: the ledger the table belongs with
    led = _ledger(tmp_path, {})
    table = write_rows(tmp_path, _cells(rows, fmt), fmt)
    got = _problems(lambda: read_table(table, kind, fx=led))
    assert got == loaded
    assert {p[1] for p in got} < {r["id"] for r in rows}
    # without a ledger there are no year ends to compare: read, as calendar years
    frame = read_table(table, kind)
    field = SPECS[kind].date_field
    fiscal = frame[f"{field}_precision"] == "fiscal_year"
    assert fiscal.sum() > 1
    assert (frame.loc[fiscal, f"{field}_start"].dt.strftime("%m-%d") == "01-01").all()


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_a_ledger_fiscal_years_are_calendar_years(tmp_path: Path, fmt: str) -> None:
    """As documented: a table holds no entities; the frame is the records' under entities of
    no fiscal year end."""
    rows = _operating("expenses")
    got = read_table(write_rows(tmp_path, _cells(rows, fmt), fmt), "expenses")
    assert str(got.loc[0, "date_start"].date()) == "2025-01-01"
    assert str(got.loc[0, "date_end"].date()) == "2025-12-31"
    path = tmp_path / "calendar.yaml"
    plain = [{"id": n, "name": n, "type": "company"} for n in YEAR_ENDS]
    path.write_text(yaml.safe_dump({"entities": plain, "expenses": rows}), encoding="utf-8")
    expected = ac.load(path).frame("expenses")
    usd = [c for c in expected if "usd" in c]
    pd.testing.assert_frame_equal(got.drop(columns=usd), expected.drop(columns=usd))


@pytest.mark.parametrize("fmt", FORMATS)
def test_items_take_their_parents_first_partys_year(tmp_path: Path, fmt: str) -> None:
    """A bill's payments and a contract's ramp: the payer's, the buyer's year (the head
    column); a ramp step's FY2025 under ms's year end."""
    bills = [
        {
            "id": "b1",
            "payer": "ms",
            "provider": "ms2",
            "period": "FY2025",
            "billed": "€2M",
            "payments": [{"date": "FY2025", "amount": "€1M"}, {"date": "2024-01", "amount": "€1M"}],
        },
        {
            "id": "b2",
            "payer": "ap",
            "provider": "ap2",
            "period": "2024",
            "billed": "€2M",
            "payments": [{"date": "FY2024", "amount": "€2M"}],
        },
    ]
    contracts = [
        {
            "id": "k1",
            "buyer": "ms",
            "seller": "ms2",
            "start": "FY2025",
            "ramp": [{"period": "FY2025", "amount": "€3M"}, {"period": "FY2026", "amount": "€4M"}],
        }
    ]
    led = _ledger(tmp_path, {"cloud_bills": bills, "compute_contracts": contracts})
    payments = [{"bill": b["id"], "payer": b["payer"], **p} for b in bills for p in b["payments"]]
    got = read_table(write_rows(tmp_path, payments, fmt, "payments"), "payments", fx=led)
    pd.testing.assert_frame_equal(got, led.frame("payments"), check_exact=True)
    assert str(got.loc[0, "date_start"].date()) == "2024-07-01"
    steps = [
        {"contract": "k1", "buyer": "ms", "contract_start": "FY2025", **s}
        for s in contracts[0]["ramp"]
    ]
    got = read_table(write_rows(tmp_path, steps, fmt, "ramps"), "ramps", fx=led)
    pd.testing.assert_frame_equal(got, led.frame("ramps"), check_exact=True)
    assert str(got.loc[1, "period_end"].date()) == "2026-06-30"


ENDS = st.sampled_from(["06-30", "09-30", "12-31", "03-31", "02-29", None])


@settings(max_examples=30, deadline=None)
@given(
    ends=st.lists(ENDS, min_size=1, max_size=4),
    picks=st.lists(
        st.tuples(st.integers(0, 3), st.integers(2019, 2031), st.sampled_from(["csv", "parquet"])),
        min_size=1,
        max_size=12,
    ),
)
def test_random_companies_and_fiscal_years_are_the_records(
    ends: list[str | None], picks: list[tuple[int, int, str]]
) -> None:
    entities = [
        {"id": f"c{i}", "name": f"c{i}", "type": "company", **({"fiscal_year_end": e} if e else {})}
        for i, e in enumerate(ends)
    ]
    rows = [
        {
            "id": f"e{n}",
            "company": f"c{i % len(ends)}",
            "date": f"FY{year}",
            "amount": "€1M",
            "category": "compute",
        }
        for n, (i, year, _) in enumerate(picks)
    ]
    fmt = picks[0][2]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ledger.yaml"
        data = {"entities": entities, "fx_rates": FX_RATES, "expenses": rows}
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        led = ac.load(path)
        got = read_table(write_rows(Path(tmp), rows, fmt), "expenses", fx=led)
        pd.testing.assert_frame_equal(got, led.frame("expenses"), check_exact=True)
