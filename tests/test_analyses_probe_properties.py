"""Properties of the analyses on random small ledgers (analyses probe), each figure derived from
the records written, never read from the library:

- the cash-out day is the first of the cash-out month plus the whole days the remaining cash
  lasts at that month's burn (exact fractions), for an entity alone, beside others, and in a
  comparison's base scenario;
- ``conflicts="latest"`` (``"earliest"``) counts one report of a fact, the one published latest
  (first), never two; ``"all"`` counts each report;
- burn, compute gap and arrears for every entity at once are each entity's own, row for row;
- a Monte Carlo run with money added never runs out sooner, by any date.

Bounded: a fixed number of derandomised examples (``AICAPEX_FUZZ=500`` runs more, fresh).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac

EXAMPLES = int(os.environ.get("AICAPEX_FUZZ", "0")) or 15
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="AICAPEX_FUZZ" not in os.environ,
    database=None,
)

SOURCES = "\n".join(
    f"- {{id: s{i}, outlet: Example, title: Report {i}, date: 2024-{i:02d}}}" for i in range(1, 13)
)
HEAD = f"aicapex: 1\nsources:\n{SOURCES}\n"


def _load(text: str) -> ac.Ledger:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.yaml"
        path.write_text(text, encoding="utf-8")
        return ac.load(path)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1


# -- the cash-out day, by hand ------------------------------------------------------------------


@PROPERTY
@given(
    whole=st.integers(0, 40),  # months the cash lasts in full
    rate=st.sampled_from([3, 5, 6, 10, 12, 15, 24, 30, 45, 60]),  # tenths of a million a month
    part=st.integers(0, 59),  # and a part of the next: part / rate (thirds, fifths, ...)
    balance_month=st.integers(1, 12),  # of 2023
    later=st.integers(0, 3),  # as_of: months after the balance's
    other=st.integers(1, 12),  # the other entity's balance month (of 2022)
)
def test_the_cash_out_day_is_the_days_the_cash_lasts(
    whole: int, rate: int, part: int, balance_month: int, later: int, other: int
) -> None:
    """Payroll at a constant rate from 2022 to the balance's month (its run rate after it); cash
    ``cash`` at the end of that month. The cash lasts ``cash / rate`` months from then: whole
    months, then a fraction of the next, whose days (floored) past its first are the day (a
    third of 30 days: 10, the 11th)."""
    cash = rate * whole + part % rate
    text = (
        HEAD
        + f"""entities:
- {{id: a, name: A, type: company}}
- {{id: b, name: B, type: company}}
expenses:
- {{id: a-pay, company: a, category: payroll, rate: ${rate / 10}M/month, date: 2022-01,
   until: 2023-{balance_month:02d}, sources: [s1]}}
- {{id: b-pay, company: b, category: payroll, rate: $1M/month, date: 2022-01, until: 2023-12,
   sources: [s1]}}
cash_balances:
- {{id: a-cash, company: a, date: 2023-{balance_month:02d}, amount: ${cash / 10}M,
   sources: [s1]}}
- {{id: b-cash, company: b, date: 2022-{other:02d}, amount: $500M, sources: [s1]}}
"""
    )
    led = _load(text)
    year, month = _add_months(2023, balance_month, later)
    as_of = f"{year}-{month:02d}"
    lasts = Fraction(cash, rate)  # months of cash after the balance's month
    whole = int(lasts)  # full months paid; the cash runs out in the next one
    out_year, out_month = _add_months(2023, balance_month, whole + 1)
    days = calendar.monthrange(out_year, out_month)[1]
    part = lasts - whole
    if part == 0:  # spent to the cent at a month's end: out on the next month's first
        day = dt.date(out_year, out_month, 1)
    else:
        day = dt.date(out_year, out_month, 1) + dt.timedelta(days=int(part * days))
    months = max(float(lasts - later), 0.0)
    one = ac.runway(led, "a", as_of=as_of)
    every = ac.runway(led, as_of=as_of).frame.set_index("entity")
    base = ac.compare(led, "a", [ac.Scenario("base")], as_of=as_of).frame.iloc[0]
    if lasts > later:  # runs out after as_of
        assert one.cash_out == pd.Timestamp(day)
        assert every.loc["a", "cash_out"] == pd.Timestamp(day)
        assert base["cash_out"] == pd.Timestamp(day)
    assert abs(one.months - months) < 1e-9
    assert abs(float(every.loc["a", "months"]) - months) < 1e-9
    assert abs(float(base["months"]) - months) < 1e-9


# -- conflicts: one report of a fact, never two -------------------------------------------------


@PROPERTY
@given(
    reports=st.lists(
        st.tuples(st.integers(1, 50), st.integers(1, 12)),  # $M, the source (its month of 2024)
        min_size=1,
        max_size=5,
        unique_by=lambda r: r[1],
    ),
    extra=st.integers(0, 9),  # a second fact of one report, citing the first report's source
)
def test_a_fact_reported_several_times_counts_once(
    reports: list[tuple[int, int]], extra: int
) -> None:
    rows = [
        f"- {{id: e{i}, company: a, category: compute, amount: ${m}M, date: 2023, sources: [s{s}]}}"
        for i, (m, s) in enumerate(reports)
    ]
    if extra:  # opex of the same year by the first source: another fact, always counted
        rows.append(
            f"- {{id: o1, company: a, category: opex, amount: ${extra}M, date: 2023, "
            f"sources: [s{reports[0][1]}]}}"
        )
    text = HEAD + "entities:\n- {id: a, name: A, type: company}\nexpenses:\n" + "\n".join(rows)
    led = _load(text + "\n")
    latest = max(reports, key=lambda r: r[1])[0]
    earliest = min(reports, key=lambda r: r[1])[0]
    expected = {"latest": latest, "earliest": earliest, "all": sum(m for m, _ in reports)}
    for policy, millions in expected.items():
        flows = led.flows(conflicts=policy)
        compute = flows[(flows["category"] == "compute").to_numpy()]
        assert round(float(compute["amount_usd"].sum())) == millions * 10**6, policy
        if policy != "all":
            assert compute["record"].nunique() == 1, policy
        burn = ac.burn(led, "a", "2023-01", "2023-12", conflicts=policy).frame
        assert round(float(burn["compute"].sum())) == millions * 10**6, policy
        assert round(float(burn["opex"].sum())) == extra * 10**6, policy


# -- every entity at once, or one at a time -----------------------------------------------------

ENTITY = st.fixed_dictionaries(
    {
        "rate": st.integers(1, 30),
        "start": st.sampled_from(["2023-01", "2023-03", "Q2 2023", "2023-07"]),
        "until": st.sampled_from(["2023-06", "2023-09", "2023-12"]),
        "revenue": st.sampled_from([None, "$2M", "about $3M", "$1M to $2M"]),
        "revenue_date": st.sampled_from(["2023", "H1 2023", "2023-05", "Q3 2023"]),
        "bill": st.sampled_from([None, ("$4M", "2023-06-15"), ("about $2M", "2023-09-30")]),
        "cash": st.sampled_from(["$20M", "$5M to $8M", "less than $10M", "€10M"]),
        "cash_date": st.sampled_from(["2023-01", "2023-04-15", "2023-06", "2023-09-30"]),
    }
)


def _entities_text(entities: list[dict[str, Any]]) -> str:
    names = [f"- {{id: c{i}, name: C{i}, type: company}}" for i in range(len(entities))]
    spend, earn, bills, cash = [], [], [], []
    for i, e in enumerate(entities):
        until = e["until"] if e["start"] <= e["until"] else "2023-12"
        spend.append(
            f"- {{id: x{i}, company: c{i}, category: compute, rate: ${e['rate'] / 10}M/month, "
            f"date: {e['start']}, until: {until}, sources: [s{1 + i}]}}"
        )
        if e["revenue"] is not None:
            earn.append(
                f"- {{id: r{i}, company: c{i}, amount: {e['revenue']}, "
                f"date: {e['revenue_date']}, sources: [s{1 + i}]}}"
            )
        if e["bill"] is not None:
            billed, due = e["bill"]
            bills.append(
                f"- {{id: b{i}, payer: c{i}, provider: aws, period: 2023-05, billed: {billed}, "
                f"due: {due}, sources: [s{1 + i}]}}"
            )
        cash.append(
            f"- {{id: k{i}, company: c{i}, date: {e['cash_date']}, amount: {e['cash']}, "
            f"sources: [s{1 + i}]}}"
        )
    parts = [
        HEAD,
        "entities:\n- {id: aws, name: AWS, type: cloud_provider}\n" + "\n".join(names),
        "fx_rates:\n- {id: fx1, currency: EUR, date: 2022-01-01, usd: 1.1, sources: [s1]}\n"
        "- {id: fx2, currency: EUR, date: 2023-07-01, usd: 1.2, sources: [s1]}",
        "expenses:\n" + "\n".join(spend),
        "cash_balances:\n" + "\n".join(cash),
    ]
    parts += ["revenues:\n" + "\n".join(earn)] if earn else []
    parts += ["cloud_bills:\n" + "\n".join(bills)] if bills else []
    return "\n".join(parts) + "\n"


def _same_rows(every: pd.DataFrame, one: pd.DataFrame, key: str, name: str) -> None:
    mine = every[(every[key].astype("object") == name).to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        mine.astype(object), one.reset_index(drop=True).astype(object), check_dtype=False
    )


@PROPERTY
@given(
    entities=st.lists(ENTITY, min_size=2, max_size=4),
    as_of=st.sampled_from(["2023-09", "2023-12", "2024-03"]),
)
def test_every_entity_at_once_is_each_alone(entities: list[dict[str, Any]], as_of: str) -> None:
    led = _load(_entities_text(entities))
    names = [f"c{i}" for i in range(len(entities))]
    burn = ac.burn(led, None, "2022-10", "2024-06").frame
    gap = ac.compute_gap(led, None, "2023").frame
    owed = ac.arrears(led, as_of).frame
    for policy in ("disbursed", "arrears"):
        every = ac.runway(led, as_of=as_of, policy=policy).frame
        for name in names:
            one = ac.runway(led, name, as_of=as_of, policy=policy).frame
            _same_rows(every, one, "entity", name)  # cash_out days included
    for name in names:
        _same_rows(burn, ac.burn(led, name, "2022-10", "2024-06").frame, "entity", name)
        _same_rows(gap, ac.compute_gap(led, name, "2023").frame, "entity", name)
        _same_rows(owed, ac.arrears(led, as_of, name).frame, "payer", name)


# -- Monte Carlo: money in never brings the cash-out nearer --------------------------------------


@PROPERTY
@given(
    entities=st.lists(ENTITY, min_size=1, max_size=1),
    added=st.integers(1, 40),  # $M
    month=st.sampled_from(["2024-01", "2024-04", "2024-12"]),
    seed=st.integers(0, 2**16),
)
def test_money_added_never_brings_the_monte_carlo_cash_out_nearer(
    entities: list[dict[str, Any]], added: int, month: str, seed: int
) -> None:
    led = _load(_entities_text(entities))
    more = ac.Scenario("more", [ac.add_flow(amount=f"${added}M", kind="funding", start=month)])
    runs = [
        ac.simulate(led, "c0", n=400, horizon=36, seed=seed, as_of="2023-12", scenario=s)
        for s in (None, more)
    ]
    for by in ("2024-02", "2024-06", "2025-01", "2026-06"):
        assert runs[1].cash_out_probability(by=by) <= runs[0].cash_out_probability(by=by) + 1e-12
