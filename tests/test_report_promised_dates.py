"""A company's report date is the date of what is known of it, not of what it was promised: a
compute contract scheduled through 2026 dated a company with 2023's expenses 2026-12, and its
burn and compute gap then read 2026, a year without an expense ("no expenses or revenues
recorded in 2026"). Money promised (scheduled, committed, conditional, announced) or planned
dates a company by its record's own date, held at the day the record was reported, not by the
months the money is promised for. Expected figures by hand from the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# contract-co: opex $1M a month over 2023; a signed contract with cloud over 2024..2026 ($36M,
#   scheduled), reported 2023-11-20 (s-early): its day, 2023-11-20, is before the opex's last
#   month: report date 2023-12 (was 2026-12); burn 2023: $1M a month.
# committed-co: opex $2M a month over 2023; a round closed in 2023-06 with a tranche of $5M
#   disbursed then and one of $10M committed for 2025-06: the round's day 2023-06-30 is
#   earlier: 2023-12 (was 2025-06).
# planned-co: opex $1M a month over 2023 and a planned $24M of opex over 2025, reported
#   2023-11-20: 2023-12.
# promised-only-co: nothing but a signed contract over 2025, reported 2024-01-15 (s): the
#   contract starts after it was reported: its day is the report's, 2024-01-15 (was 2025-12).
# cash-co: a cash balance on 2023-06-30 beside a contract over 2024: the balance's day.
# stake-co: opex over 2023, a stake bought 2024-03-15 and a contract through 2026: the stake's
#   day (later than its flows that happened).
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-01-15}
- {id: s-early, outlet: Test, title: Early, date: 2023-11-20}
entities:
- {id: contract-co, name: Contract Co, type: company}
- {id: committed-co, name: Committed Co, type: company}
- {id: planned-co, name: Planned Co, type: company}
- {id: promised-only-co, name: Promised Only Co, type: company}
- {id: cash-co, name: Cash Co, type: company}
- {id: stake-co, name: Stake Co, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
- {id: fund, name: Fund, type: investor}
expenses:
- {id: contract-opex, company: contract-co, category: opex, rate: $1M/month, date: 2023,
   sources: [s]}
- {id: committed-opex, company: committed-co, category: opex, rate: $2M/month, date: 2023,
   sources: [s]}
- {id: planned-opex, company: planned-co, category: opex, rate: $1M/month, date: 2023,
   sources: [s]}
- {id: planned-plan, company: planned-co, category: opex, amount: $24M, date: 2025,
   basis: planned, sources: [s-early]}
- {id: stake-opex, company: stake-co, category: opex, rate: $1M/month, date: 2023,
   sources: [s]}
compute_contracts:
- {id: contract-c, buyer: contract-co, seller: cloud, start: 2024-01, end: 2026-12,
   total_value: $36M, sources: [s-early]}
- {id: promised-c, buyer: promised-only-co, seller: cloud, start: 2025-01, end: 2025-12,
   total_value: $12M, sources: [s]}
- {id: cash-c, buyer: cash-co, seller: cloud, start: 2024-01, end: 2024-12,
   total_value: $12M, sources: [s]}
- {id: stake-c, buyer: stake-co, seller: cloud, start: 2024-01, end: 2026-12,
   total_value: $36M, sources: [s]}
funding_rounds:
- id: committed-round
  company: committed-co
  status: closed
  date: 2023-06
  amount: $15M
  investors: [{investor: fund}]
  tranches:
  - {amount: $5M, status: disbursed, date: 2023-06}
  - {amount: $10M, status: committed, date: 2025-06}
  sources: [s]
cash_balances:
- {id: cash-cash, company: cash-co, date: 2023-06-30, amount: $20M, sources: [s]}
stakes:
- {id: fund-buys, holder: fund, company: stake-co, date: 2024-03-15, event: purchase,
   purchase: secondary, share: 10%, sources: [s]}
"""


@pytest.fixture
def companies(ledger_text: LedgerText) -> dict[str, dict[str, Any]]:
    data = ac.report(ac.load(ledger_text(LEDGER)))
    return {c["id"]: c for c in data["companies"]}


@pytest.mark.parametrize(
    ("company", "as_of"),
    [
        ("contract-co", "2023-12"),
        ("committed-co", "2023-12"),
        ("planned-co", "2023-12"),
        ("promised-only-co", "2024-01-15"),
        ("cash-co", "2023-06-30"),
        ("stake-co", "2024-03-15"),
    ],
)
def test_promised_flows_date_no_report(
    companies: dict[str, dict[str, Any]], company: str, as_of: str
) -> None:
    assert companies[company]["as_of"] == as_of


def test_the_burn_of_the_year_that_happened(companies: dict[str, dict[str, Any]]) -> None:
    """contract-co's burn line is 2023's: $12M of opex over 12 months, $1M a month net (it was
    null: 'no expenses or revenues recorded in 2026')."""
    burn = companies["contract-co"]["burn"]
    assert burn is not None, companies["contract-co"]["reasons"]
    assert (burn["from"], burn["to"], burn["months"]) == ("2023-01", "2023-12", 12)
    assert burn["monthly_net"] == pytest.approx(1_000_000)
    committed = companies["committed-co"]["burn"]
    assert committed is not None
    assert committed["monthly_net"] == pytest.approx(2_000_000)


def test_the_report_date_is_the_latest_company_date(ledger_text: LedgerText) -> None:
    data = ac.report(ac.load(ledger_text(LEDGER)))
    assert data["as_of"] == "2024-03-15"  # stake-co's, the latest of the companies'
    assert "held at the day it was reported" in data["as_of_rule"]


def test_a_date_asked_still_applies_to_every_company(ledger_text: LedgerText) -> None:
    data = ac.report(ac.load(ledger_text(LEDGER)), as_of="2026-06")
    assert {c["as_of"] for c in data["companies"]} == {"2026-06"}
    assert data["as_of_rule"] == "as asked"
