"""A YAML ledger written out as bulk tables (CSV and Parquet) and read back with
``read_table(..., fx=ledger)`` gives the ledger's frames, flows, burn and runway (helper-52).

The ledgers are generated: several companies with fiscal years ending on different days,
amounts in dollars, euros and pounds (exact, ranges, bounds, approximations), rates and one-off
amounts, dates of every precision (days, day spans, months, quarters, halves, years, fiscal
years), conflicting reports of one fact, rounds with tranches and investors, contracts with
ramps, bills with payments. Each is valid by construction, so ``ac.load`` takes it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.records import KINDS
from aicapex.table.bulk import read_table
from aicapex.table.frames import SUBFRAMES
from aicapex.table.tablespec import PARENT_DATES

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

COMPANIES = {"acme": "06-30", "beta": "03-31", "gamma": None}
ENTITIES = [
    *(
        {"id": c, "name": c, "type": "company", **({"fiscal_year_end": e} if e else {})}
        for c, e in COMPANIES.items()
    ),
    {"id": "cloudco", "name": "cloudco", "type": "company"},
    {"id": "vc1", "name": "vc1", "type": "investor"},
]
FX = [
    {"id": "eur-1", "currency": "EUR", "date": "2022-01", "usd": "1.1"},
    {"id": "eur-2", "currency": "EUR", "date": "2024-04", "usd": "1.2"},
    {"id": "gbp-1", "currency": "GBP", "date": "2022-01", "usd": "1.3"},
]

SYMBOLS = st.sampled_from(["$", "€", "£"])
FIGURE = st.integers(1, 90)
AMOUNT = st.one_of(
    st.builds(lambda s, n: f"{s}{n}M", SYMBOLS, FIGURE),
    st.builds(lambda s, n: f"about {s}{n}.5M", SYMBOLS, FIGURE),
    st.builds(lambda s, n: f"{s}{n}M to {s}{n + 3}M", SYMBOLS, FIGURE),
    st.builds(lambda s, n: f"up to {s}{n}M", SYMBOLS, FIGURE),
    st.builds(lambda s, n: f"more than {s}{n}K", SYMBOLS, FIGURE),
)
RATE = st.builds(
    lambda s, n, per: f"{s}{n}M/{per}", SYMBOLS, FIGURE, st.sampled_from(["month", "yr", "quarter"])
)
DATE = st.one_of(
    st.builds(lambda m, d: f"2024-{m:02d}-{d:02d}", st.integers(1, 12), st.integers(1, 28)),
    st.builds(lambda m: f"2024-{m:02d}", st.integers(1, 12)),
    st.builds(lambda y, q: f"{y}-Q{q}", st.sampled_from([2023, 2024]), st.integers(1, 4)),
    st.builds(lambda h: f"2024-H{h}", st.integers(1, 2)),
    st.sampled_from(["2024", "FY2024", "FY2025"]),
    st.builds(
        lambda m, d: f"2024-{m:02d}-{d:02d} to 2024-{m + 2:02d}-{d:02d}",
        st.integers(1, 10),
        st.integers(1, 28),
    ),
)


@st.composite
def ledgers(draw: Any) -> dict[str, Any]:
    """The records of a ledger: each kind a list of dicts (ids unique per ledger)."""
    counter = iter(range(10_000))

    def rid(prefix: str) -> str:
        return f"{prefix}{next(counter)}"

    def money_or_rate(row: dict[str, Any]) -> None:
        if draw(st.booleans()):
            row["amount"] = draw(AMOUNT)
        else:
            row["rate"] = draw(RATE)
            if draw(st.booleans()):
                row["until"] = "2025-06"

    out: dict[str, Any] = {"entities": ENTITIES, "fx_rates": FX}
    company = st.sampled_from(sorted(COMPANIES))
    expenses = []
    for _ in range(draw(st.integers(1, 6))):
        row = {"id": rid("e"), "company": draw(company), "date": draw(DATE)}
        row["category"] = draw(st.sampled_from(["compute", "payroll", "other"]))
        money_or_rate(row)
        if draw(st.booleans()) and expenses:  # a second report of one fact, later reported
            first = expenses[0]
            row.update(company=first["company"], date=first["date"], reported="2025-03")
            row["category"] = first["category"]
        expenses.append(row)
    out["expenses"] = expenses
    revenues = []
    for _ in range(draw(st.integers(0, 4))):
        row = {"id": rid("r"), "company": draw(company), "date": draw(DATE)}
        money_or_rate(row)
        revenues.append(row)
    out["revenues"] = revenues
    out["cash_balances"] = [
        {"id": rid("c"), "company": c, "date": draw(DATE), "amount": f"${draw(FIGURE)}0M"}
        for c in sorted(COMPANIES)
    ]
    rounds = []
    for _ in range(draw(st.integers(0, 3))):
        symbol = draw(SYMBOLS)
        parts = draw(st.lists(st.integers(1, 20), min_size=0, max_size=3))
        total = sum(parts) + draw(st.integers(0, 5))
        tranches = [
            {
                "amount": f"{symbol}{p}M",
                "status": draw(st.sampled_from(["disbursed", "committed", "cancelled"])),
                **({"date": draw(DATE)} if draw(st.booleans()) else {}),
            }
            for p in parts
        ]
        rounds.append(
            {
                "id": rid("f"),
                "company": draw(company),
                "date": draw(DATE),
                "amount": f"{symbol}{max(total, 1)}M",
                "status": "closed",
                "investors": [{"investor": "vc1", "amount": f"{symbol}1M"}],
                "tranches": tranches,
            }
        )
    out["funding_rounds"] = rounds
    contracts = []
    for _ in range(draw(st.integers(0, 2))):
        row = {
            "id": rid("k"),
            "buyer": draw(company),
            "seller": "cloudco",
            "start": "2024-01-15",
            "end": "2025-12-31",
            "total_value": draw(AMOUNT),
        }
        # owned by the seller (calendar years): its last step is its FY2025, 2025
        owned = draw(st.booleans())
        if owned:
            row["fiscal_year_of"] = "cloudco"
        if draw(st.booleans()):
            row["ramp"] = [
                {"period": "2024-H1", "amount": draw(AMOUNT)},
                {"period": "2024-H2", "rate": draw(RATE)},
                {"period": "FY2025" if owned else "2025", "amount": draw(AMOUNT)},
            ]
        contracts.append(row)
    out["compute_contracts"] = contracts
    bills = []
    for _ in range(draw(st.integers(0, 2))):
        symbol = draw(SYMBOLS)
        billed = draw(st.integers(2, 9))
        payments = [
            {"date": f"2024-{m:02d}-10", "amount": f"{symbol}1M"}
            for m in range(3, 3 + draw(st.integers(0, 2)))
        ]
        bills.append(
            {
                "id": rid("b"),
                "payer": "gamma",
                "provider": "cloudco",
                "period": draw(st.sampled_from(["2024-02", "2024-Q1", "2024-01-05 to 2024-02-20"])),
                "billed": f"{symbol}{billed}M",
                "payments": payments,
            }
        )
    out["cloud_bills"] = bills
    orders = []
    for _ in range(draw(st.integers(0, 2))):
        quantity = draw(st.integers(2, 9)) * 1000
        symbol = draw(SYMBOLS)
        order = {
            "id": rid("o"),
            "buyer": draw(company),
            "vendor": "cloudco",
            "sku": draw(st.sampled_from(["H100-SXM", "B200"])),
            "quantity": draw(
                st.sampled_from([str(quantity), f"about {quantity:,}", f"1,000 to {quantity:,}"])
            ),
            "total": f"{symbol}{quantity // 100}M",
            "order_date": "2024-01-15",
            "status": draw(st.sampled_from(["committed", "delivered", "cancelled"])),
            "delivered": [{"date": "2024-03", "quantity": 500}] if draw(st.booleans()) else [],
            "scheduled": [{"date": "2024-Q3", "quantity": 500}],
            "payments": [{"date": "2024-02-01", "amount": f"{symbol}1M"}],
        }
        if order["buyer"] != "gamma":  # a year end other than the vendor's: whose FY dates
            order["fiscal_year_of"] = order["buyer"]
        orders.append(order)
    out["gpu_orders"] = orders
    out["gpu_reallocations"] = [
        {
            "id": rid("m"),
            "order": o["id"],
            "from_entity": o["buyer"],
            "to_entity": draw(st.sampled_from([c for c in COMPANIES if c != o["buyer"]])),
            "quantity": 100,
            "date": "2024-06",
        }
        for o in orders
        if draw(st.booleans())
    ]
    sources = [
        {"id": f"s{i}", "title": "t", "outlet": "o", "date": d}
        for i, d in enumerate(["2024-02", "2024-05-20", "2025"])
    ]
    out["sources"] = sources
    for row in expenses:  # reports dated by their sources (a second report: the latest)
        if draw(st.booleans()) and "reported" not in row:
            cited = draw(st.sets(st.sampled_from(["s0", "s1", "s2"]), min_size=1, max_size=2))
            row["sources"] = [{"source": c} for c in sorted(cited)]
    return out


def _rows(led: ac.Ledger, kind: str) -> pd.DataFrame:
    """The records of ``kind`` as a table's rows (nested lists as tables of their own, naming
    their record, its first party and its date)."""
    if kind in SUBFRAMES:
        parent, fields, column = SUBFRAMES[kind]
        party = KINDS[parent].PARTIES[0]
        items = []
        for record in led.records(parent):
            for field in fields:
                for item in getattr(record, field):
                    data = {column: record.id, party: getattr(record, party)}
                    if kind in PARENT_DATES:
                        date = record.start if kind == "ramps" else record.date
                        data[PARENT_DATES[kind]] = str(date)
                    if len(fields) > 1:
                        data["status"] = field
                    data.update(item.model_dump(mode="json", exclude_none=True))
                    items.append(data)
        return pd.DataFrame(items)
    rows = []
    nested = {"payments", "tranches", "investors", "scheduled", "delivered", "ramp", "sources"}
    for record in led.records(kind):
        data = record.model_dump(mode="json", exclude=nested, exclude_none=True)
        data["sources"] = ", ".join(c.source for c in record.sources)
        if kind == "funding_rounds":
            data["investors"] = ",".join(p.investor for p in record.investors)
        if kind == "cloud_bills":
            data.pop("outstanding", None)  # a bills table has no payments: it owes billed
        rows.append(data)
    return pd.DataFrame(rows)


KINDS_READ = (
    "expenses",
    "revenues",
    "cash_balances",
    "funding_rounds",
    "tranches",
    "investments",
    "compute_contracts",
    "ramps",
    "cloud_bills",
    "payments",
    "gpu_orders",
    "deliveries",
    "order_payments",
    "gpu_reallocations",
)


@SETTINGS
@given(ledgers(), st.sampled_from(["csv", "parquet"]))
def test_a_ledger_written_as_tables_gives_its_flows(records: dict[str, Any], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "ledger.yaml"
        path.write_text(yaml.safe_dump({"aicapex": 1, **records}), encoding="utf-8")
        led = ac.load(path)
        tables: dict[str, pd.DataFrame] = {}
        for kind in KINDS_READ:
            rows = _rows(led, kind)
            if rows.empty:
                continue
            if "quantity" in rows:  # counts as written: '2000' beside 'about 2,000' (text)
                rows["quantity"] = rows["quantity"].astype(str)
            file = folder / f"{kind}.{fmt}"
            rows.to_csv(file, index=False) if fmt == "csv" else rows.to_parquet(file, index=False)
            parent = SUBFRAMES[kind][0] if kind in SUBFRAMES else None
            # items read with their records' table (its rules, its owners' years)
            parents = folder / f"{parent}.{fmt}" if parent in tables else None
            tables[kind] = read_table(file, kind, fx=led, parents=parents)
        tables["fx_rates"] = led.frame("fx_rates")
        key = ["date", "record", "cents"]
        got = ac.flows(tables).sort_values(key, kind="stable").reset_index(drop=True)
        expected = led.flows().sort_values(key, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
        pd.testing.assert_frame_equal(ac.burn(tables).frame, ac.burn(led).frame)
        for kind in ("expenses", "revenues", "cash_balances", "funding_rounds"):
            reported = [c for c in led.frame(kind).columns if c.startswith("reported_")]
            if kind in tables:  # the sources' dates, as the records' frames have them
                pd.testing.assert_frame_equal(tables[kind][reported], led.frame(kind)[reported])
        pd.testing.assert_frame_equal(ac.gpu_fleet(tables).frame, ac.gpu_fleet(led).frame)
        cash = tables["cash_balances"]
        pd.testing.assert_frame_equal(
            ac.runway(tables, as_of="2024-12", cash=cash).frame,
            ac.runway(led, as_of="2024-12").frame,
        )
