"""Properties of the cash analyses on random small ledgers (review 5, cash): several companies at
once give each the runway it gets alone; low <= base <= high; more money in never shortens a
runway; a record's flows add up to its amount; unpaid bills' ends bracket their base.

Bounded: a fixed number of derandomised examples (``AICAPEX_FUZZ=500`` runs more, fresh).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex import LedgerError

EXAMPLES = int(os.environ.get("AICAPEX_FUZZ", "0")) or 12
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="AICAPEX_FUZZ" not in os.environ,
    database=None,
)

AMOUNTS = [
    "$1M",
    "$2.5M",
    "$10M to $12M",
    "up to $2M",
    "more than $5M",
    "about $3M",
    "less than $1M",
    "$500K",
    "€2M",
]
RATES = ["$12M/yr", "$1M/month", "about $6M/yr", "€2M/quarter"]
DATES = ["2023-01", "2023-03", "2023-06", "2023-Q3", "2023", "2023-12-15", "2024-02", "H1 2024"]
CASH = ["$20M", "$5M to $8M", "about $10M", "less than $4M", "$30M", "€10M"]
CATEGORIES = ["compute", "payroll", "opex", "tax", "other"]
AS_OF = ["2023-06", "2023-12", "2024-03", "Q3 2023"]

#: A source per record (one source's figures of one fact must agree: random ones need not)
SOURCES = "\n".join(
    f"- {{id: s{i}, outlet: Example, title: Report {i}, date: 2024-06}}" for i in range(1, 30)
)
HEAD = f"""aicapex: 1
sources:
{SOURCES}
entities:
- {{id: aws, name: AWS, type: cloud_provider}}"""
RATES_OF_EUR = """fx_rates:
- {id: fx1, currency: EUR, date: 2022-01-01, usd: 1.1, sources: [s1]}
- {id: fx2, currency: EUR, date: 2023-07-01, usd: 1.2, sources: [s1]}"""

spending = st.tuples(
    st.sampled_from(CATEGORIES),
    st.booleans(),  # a rate or an amount
    st.sampled_from(AMOUNTS),
    st.sampled_from(RATES),
    st.sampled_from(DATES),
)
company = st.fixed_dictionaries(
    {
        "expenses": st.lists(spending, max_size=4),
        "revenues": st.lists(
            st.tuples(st.sampled_from(AMOUNTS), st.sampled_from(DATES)), max_size=2
        ),
        "cash": st.tuples(st.sampled_from(CASH), st.sampled_from(DATES)),
        "bill": st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(["$4M", "about $4M", "$3M to $5M"]),
                st.sampled_from(["2023-06-15", "2023-09-30"]),
                st.sampled_from(["2023-07-01", "2023-10-15", "2024-01-10"]),
            ),
        ),
    }
)


def _ledger_text(companies: list[dict[str, Any]]) -> str:
    """The ledger of ``companies``, each record citing a source of its own."""
    lines = [HEAD]
    lines += [f"- {{id: c{i}, name: C{i}, type: company}}" for i in range(len(companies))]
    lines.append(RATES_OF_EUR)
    expenses, revenues, cash, bills = [], [], [], []
    for i, c in enumerate(companies):
        for k, (category, is_rate, amount, rate, date) in enumerate(c["expenses"]):
            money = f"rate: {rate}" if is_rate else f"amount: {amount}"
            expenses.append(
                f"- {{id: x{i}-{k}, company: c{i}, category: {category}, {money}, date: {date}, "
                "sources: [s1]}"
            )
        for k, (amount, date) in enumerate(c["revenues"]):
            revenues.append(
                f"- {{id: r{i}-{k}, company: c{i}, amount: {amount}, date: {date}, sources: [s1]}}"
            )
        amount, date = c["cash"]
        cash.append(f"- {{id: b{i}, company: c{i}, date: {date}, amount: {amount}, sources: [s1]}}")
        if c["bill"] is not None:
            billed, due, paid = c["bill"]
            bills.append(
                f"- {{id: bill{i}, payer: c{i}, provider: aws, period: 2023-05, billed: {billed}, "
                f"due: {due}, payments: [{{date: {paid}, amount: $1M}}], sources: [s1]}}"
            )
    cited = iter(range(2, 30))
    expenses, revenues, cash, bills = (
        [row.replace("sources: [s1]", f"sources: [s{next(cited)}]") for row in rows]
        for rows in (expenses, revenues, cash, bills)
    )
    for name, rows in (
        ("expenses", expenses),
        ("revenues", revenues),
        ("cash_balances", cash),
        ("cloud_bills", bills),
    ):
        if rows:
            lines += [f"{name}:", *rows]
    return "\n".join(lines) + "\n"


def _load(companies: list[dict[str, Any]]) -> ac.Ledger:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.yaml"
        path.write_text(_ledger_text(companies), encoding="utf-8")
        return ac.load(path)


def _same(a: float, b: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


@PROPERTY
@given(st.lists(company, min_size=1, max_size=3), st.sampled_from(AS_OF))
def test_runways_of_all_and_of_one(companies: list[dict[str, Any]], as_of: str) -> None:
    led = _load(companies)
    for policy in ("disbursed", "arrears"):
        try:
            every = ac.runway(led, as_of=as_of, policy=policy)
        except ValueError:
            return  # no balance at or before as_of for any company
        frame = every.frame.set_index("entity")
        for entity in frame.index:
            one = ac.runway(led, str(entity), as_of=as_of, policy=policy)
            row = one.frame.iloc[0]
            for column in ("start_cash", "months", "months_low", "months_high", "burn_after"):
                assert _same(float(frame.loc[entity, column]), float(row[column])), column
            assert row["months_low"] <= row["months"] <= row["months_high"]
            assert every.records_of(str(entity)) == list(one.records)
            # more money in, in any month, never shortens the runway, at either end
            for month in ("2023-08", "2024-06"):
                more = ac.runway(
                    led, str(entity), as_of=as_of, policy=policy,
                    extra_flows=[(month, 5e6, "more")],
                ).frame.iloc[0]  # fmt: skip
                for column in ("months", "months_low", "months_high"):
                    assert more[column] >= row[column] - 1e-9, (month, column)


@PROPERTY
@given(st.lists(company, min_size=1, max_size=2))
def test_flows_add_up_to_the_records(companies: list[dict[str, Any]]) -> None:
    led = _load(companies)
    flows = led.flows(conflicts="all")  # every record's flows, reports of one fact too
    cents = flows.groupby(flows["record"].astype("object"))["cents"].sum()
    for kind in ("expenses", "revenues"):
        for record in led.records(kind):
            money = getattr(record, "amount", None) or getattr(record, "rate", None)
            assert money is not None
            months = flows.loc[flows["record"].astype("object") == record.id, "month"]
            if getattr(record, "amount", None) is not None:
                expected = Decimal(str(record.amount.amount)) * 100
            else:  # a rate: its monthly amount times the months it covers (their days, a
                # month being 365.25 / 12 days, over a span that is not whole months)
                assert record.rate is not None
                fye = led.fiscal_year_end(record.company)
                first = record.date.span(fye)[0]
                last = (record.until or record.date).span(fye)[1]
                covered = Decimal(months.nunique())
                if first != last and (first.day != 1 or (last + dt.timedelta(days=1)).day != 1):
                    covered = Decimal((last - first).days + 1) * 48 / 1461
                expected = Decimal(str(record.rate.per_month().amount)) * 100 * covered
            assert abs(Decimal(int(cents[record.id])) - expected) <= 1, record.id


@PROPERTY
@given(st.lists(company, min_size=1, max_size=3), st.sampled_from(AS_OF))
def test_unpaid_bills_ends_bracket_their_base(companies: list[dict[str, Any]], as_of: str) -> None:
    frame = ac.arrears(_load(companies), as_of=as_of).frame
    assert (frame["outstanding_low_usd"] <= frame["outstanding_usd"] + 1e-6).all()
    assert (frame["outstanding_usd"] <= frame["outstanding_high_usd"] + 1e-6).all()
    buckets = frame[list(ac.AGE_BUCKETS)].sum(axis=1)
    assert (buckets - frame["outstanding_usd"]).abs().max() < 1e-6 if len(frame) else True


def test_the_generator_makes_valid_ledgers() -> None:
    # one of every shape: it loads (a refusal would make the properties above vacuous)
    companies = [
        {
            "expenses": [(c, k % 2 == 0, a, r, d) for k, (c, a, r, d) in enumerate(
                zip(CATEGORIES, AMOUNTS, RATES * 2, DATES, strict=False))],
            "revenues": [("$1M", "2023-06")],
            "cash": ("$20M", "2023-06"),
            "bill": ("about $4M", "2023-06-15", "2023-07-01"),
        }
    ]  # fmt: skip
    try:
        led = _load(companies)
    except LedgerError as exc:  # pragma: no cover - a failure says why
        pytest.fail(str(exc))
    assert len(led.flows()) > 0
    assert isinstance(ac.runway(led, "c0", as_of="2023-12").frame, pd.DataFrame)
