"""Facts as they are reported, through the analyses: ranges, conflicts in a date window, what
was known when, balances that reconcile, funding efforts (issue 9). Figures derive from the
records written in each test."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: early, outlet: Example, title: Early report, date: 2023-06}
- {id: late, outlet: Other, title: Late report, date: 2024-02}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: fund, name: Fund, type: investor}
"""


def test_two_reports_of_one_round_within_the_window_conflict(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2021-03, amount: $3.2B, instrument: equity, sources: [early]}
- {id: r2, company: acme, date: 2021-05, amount: $3.4B, instrument: equity, sources: [late]}
- {id: r3, company: acme, date: 2022-05, amount: $1B, instrument: equity, sources: [late]}
"""
        )
    )
    c = led.conflicts()
    assert set(c["id"].astype(object)) == {"r1", "r2"}
    assert c["differs"].all()
    # the flows and the report add the fact once: the latest report
    funding = led.flows()
    assert set(funding["record"].astype(object)) == {"r2", "r3"}
    from aicapex.report import report as build

    (company,) = build(led)["companies"]
    assert company["funding"]["by_status"] == {"closed": 3.4e9 + 1e9}
    assert [r["id"] for r in company["funding"]["rounds"]] == ["r2", "r3"]


def test_reports_differing_only_in_status_conflict(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2024-01, amount: $1B, status: announced, sources: [early]}
- {id: r2, company: acme, date: 2024-02, amount: $1B, status: closed, sources: [late]}
"""
        )
    )
    c = led.conflicts()
    assert c["differs"].all()
    assert {"status announced", "status closed"} <= {v.split("; ")[1] for v in c["value"]}


RANGES = (
    HEAD
    + """
expenses:
- {id: opex, company: acme, category: opex, rate: $10M-$14M/yr, date: 2023, sources: [early]}
- {id: compute, company: acme, category: compute, rate: about $12M/yr, date: 2023,
   sources: [early]}
revenues:
- {id: sales, company: acme, rate: more than $1M/month, date: 2023, sources: [early]}
cash_balances:
- {id: cash, company: acme, date: 2023-03, amount: less than $20M, sources: [early]}
"""
)


def test_ranges_widen_the_runway_and_the_burn(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RANGES))
    r = ac.runway(led, "acme", as_of="2023-03")
    row = r.frame.iloc[0]
    assert row["months_low"] < row["months"] < row["months_high"]
    assert row["cash_out_earliest"] < row["cash_out"] < row["cash_out_latest"]
    # base: $20M against (12 + 12 - 12) / 12 = $1M a month
    assert r.months == pytest.approx(20.0)
    b = ac.burn(led, "acme", "2023-01", "2023-12").frame
    spend_low = (10 + 12 * 0.9) / 12 * 1e6
    spend_high = (14 + 12 * 1.1) / 12 * 1e6
    assert b["gross_burn_low"].iloc[0] == pytest.approx(spend_low)
    assert b["gross_burn_high"].iloc[0] == pytest.approx(spend_high)
    assert b["net_burn_low"].iloc[0] == pytest.approx(spend_low - 1.25e6)
    assert b["net_burn_high"].iloc[0] == pytest.approx(spend_high - 1e6)
    assert any("months_low" in a for a in r.assumptions)


def test_exact_inputs_give_equal_ends(bundled: ac.Ledger) -> None:
    frame = ac.runway(bundled.flows(), "stability-ai", as_of="2023-10", cash={"stability-ai": 4e6})
    # flows with ranges, cash exact: ranges still come from the flows
    row = frame.frame.iloc[0]
    assert row["months_low"] <= row["months"] <= row["months_high"]
    exact = bundled.flows().assign(
        low_usd=lambda f: f["amount_usd"], high_usd=lambda f: f["amount_usd"]
    )
    r = ac.runway(exact, "stability-ai", as_of="2023-10", cash={"stability-ai": 4e6})
    row = r.frame.iloc[0]
    assert row["months_low"] == row["months"] == row["months_high"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cash=st.sampled_from(["$20M", "less than $20M", "about $20M", "$15M-$25M", "at least $20M"]),
    opex=st.sampled_from(["$12M/yr", "about $12M/yr", "$10M-$14M/yr", "nearly $12M/yr"]),
    revenue=st.sampled_from(["$1M/month", "more than $1M/month", "$0.5M-$2M/month"]),
    horizon=st.integers(1, 60),
)
def test_low_base_high_are_ordered(
    ledger_text: LedgerText, cash: str, opex: str, revenue: str, horizon: int
) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + f"""
expenses:
- {{id: opex, company: acme, category: opex, rate: "{opex}", date: 2023}}
revenues:
- {{id: sales, company: acme, rate: "{revenue}", date: 2023}}
cash_balances:
- {{id: cash, company: acme, date: 2023-03, amount: "{cash}"}}
"""
        )
    )
    row = ac.runway(led, "acme", as_of="2023-03", horizon=horizon).frame.iloc[0]
    assert row["months_low"] <= row["months"] <= row["months_high"]


def test_known_on_uses_what_was_reported_by_then(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
expenses:
- {id: opex, company: acme, category: opex, rate: $12M/yr, date: 2023, sources: [early]}
cash_balances:
- {id: c1, company: acme, date: 2023-03, amount: $20M, sources: [early]}
- {id: c2, company: acme, date: 2023-09, amount: $5M, sources: [late]}
"""
        )
    )
    now = ac.runway(led, "acme", as_of="2023-12")
    then = ac.runway(led, "acme", as_of="2023-12", known_on="2023-10")
    assert now.frame["balance_record"].item() == "c2"
    assert then.frame["balance_record"].item() == "c1"
    assert led.known_on("2023-10").get("c2") is None
    assert len(led.known_on("2024-12")) == len(led)
    with pytest.raises(ValueError, match="known_on needs a ledger"):
        ac.burn(led.flows(), known_on="2023-10")


def test_balances_reconcile_or_say_why(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
expenses:
- {id: opex, company: acme, category: opex, rate: $1M/month, date: 2023, sources: [early]}
cash_balances:
- {id: c1, company: acme, date: 2023-01, amount: $20M, sources: [early]}
- {id: c2, company: acme, date: 2023-06, amount: $15M, sources: [early]}
- {id: c3, company: acme, date: 2023-12, amount: about $4M, sources: [early]}
"""
        )
    )
    r = ac.reconcile(led, "acme")
    first, second = r.frame.to_dict("records")
    assert first["net_usd"] == pytest.approx(-5e6)
    assert first["gap_usd"] == pytest.approx(0.0)
    assert first["explained"]
    assert second["expected_usd"] == pytest.approx(9e6)
    assert second["gap_usd"] == pytest.approx(-5e6)
    assert not second["explained"]
    assert len(r.warnings) == 1
    assert "c2" in r.warnings[0]
    assert "c3" in r.warnings[0]


def test_funding_efforts(bundled: ac.Ledger) -> None:
    g = ac.funding_gap(bundled, "stability-ai").frame.iloc[0]
    lifeline = bundled["stability-2023-lifeline"]
    intel = bundled["stability-2023-intel"]
    assert g["sought_usd"] == float(lifeline.amount.amount)  # type: ignore[attr-defined]
    assert g["committed_usd"] == float(intel.amount.amount)  # type: ignore[attr-defined]
    disbursed = sum(float(t.amount.amount) for t in intel.tranches if t.status == "disbursed")  # type: ignore[attr-defined]
    assert g["disbursed_usd"] == disbursed
    assert g["shortfall_usd"] == g["sought_usd"] - g["committed_usd"]


def test_a_ceiling_is_never_counted_as_moved(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: big, company: acme, date: 2025-09, amount: up to $100B, status: committed,
   investors: [{investor: fund}], sources: [early]}
- {id: old, company: acme, date: 2024-01, amount: $5B, up_to: true, sources: [early]}
cash_balances:
- {id: c, company: acme, date: 2025-10, amount: $1B, sources: [early]}
"""
        )
    )
    rows = led.flows()
    assert set(rows["status"].astype(object)) == {"conditional"}
    assert str(led["old"].amount) == "up to $5B"  # type: ignore[attr-defined]
    # no spending recorded: a runway needs a burn given (none: never runs out)
    with pytest.raises(ValueError, match="no expense, GPU order paid or investment recorded"):
        ac.runway(led, "acme", as_of="2025-10", policy="committed")
    r = ac.runway(led, "acme", as_of="2025-10", policy="committed", burn_after=0.0)
    assert math.isinf(r.months)  # the ceiling changes nothing either way
    assert r.frame["start_cash"].item() == 1e9
    assert pd.isna(r.cash_out)
