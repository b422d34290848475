"""A company's report date counts the stakes its ownership section reads: a stake sold after
its last flow set no date, so the report (as of the last month of its flows) showed the seller
still holding. Expected figures by hand from the records below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
from aicapex.render import render_report

LedgerText = Callable[..., Path]

# sold-co: opex $1M a month over 2023 (flows to 2023-12); fund-a bought 20% (primary, $10M)
#   in 2022-05; fund-b bought those 20% from fund-a (secondary, $30M) on 2024-03-15, after
#   the last flow: report date 2024-03-15; fund-a 0%, fund-b 20%, others 80%; post-money
#   $30M / 20% = $150M. (Before: as of 2023-12, fund-a 20%.)
# early-co: the same opex, fund-b's purchase of 10% on 2023-06-15: before the flows' last
#   month, report date 2023-12 as before.
# cash-co: a cash balance on 2023-06-30 and a later stake (2024-01-10): its report date is
#   the balance's day, the runway's start, as documented.
# target-co: opex over 2023 and a GPU target by end of 2026: a deadline, not a record of its
#   past: report date 2023-12.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: sold-co, name: Sold Co, type: company}
- {id: early-co, name: Early Co, type: company}
- {id: cash-co, name: Cash Co, type: company}
- {id: target-co, name: Target Co, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
expenses:
- {id: sold-opex, company: sold-co, category: opex, rate: $1M/month, date: 2023, sources: [s]}
- {id: early-opex, company: early-co, category: opex, rate: $1M/month, date: 2023, sources: [s]}
- {id: cash-opex, company: cash-co, category: opex, rate: $1M/month, date: 2023, sources: [s]}
- {id: target-opex, company: target-co, category: opex, rate: $1M/month, date: 2023,
   sources: [s]}
cash_balances:
- {id: cash-cash, company: cash-co, date: 2023-06-30, amount: $20M, sources: [s]}
stakes:
- {id: a-buys, holder: fund-a, company: sold-co, date: 2022-05, event: purchase,
   purchase: primary, share: 20%, paid: $10M, sources: [s]}
- {id: b-buys, holder: fund-b, company: sold-co, date: 2024-03-15, event: purchase,
   purchase: secondary, seller: fund-a, share: 20%, paid: $30M, sources: [s]}
- {id: b-early, holder: fund-b, company: early-co, date: 2023-06-15, event: purchase,
   purchase: secondary, share: 10%, sources: [s]}
- {id: b-cash, holder: fund-b, company: cash-co, date: 2024-01-10, event: purchase,
   purchase: secondary, share: 5%, sources: [s]}
gpu_targets:
- {id: target-2026, entity: target-co, units: 10000, by: 2026, sources: [s]}
"""


@pytest.fixture
def data(ledger_text: LedgerText) -> dict[str, Any]:
    return ac.report(ac.load(ledger_text(LEDGER)))


def _shares(company: dict[str, Any]) -> dict[str, float]:
    return {h["holder"]: h["share"] for h in company["ownership"]["holders"]}


def test_a_stake_sold_after_the_last_flow_dates_the_report(data: dict[str, Any]) -> None:
    sold = {c["id"]: c for c in data["companies"]}["sold-co"]
    assert sold["as_of"] == "2024-03-15"
    assert sold["ownership"]["as_of"] == "2024-03-15"
    assert _shares(sold) == {"fund-a": 0.0, "fund-b": 0.2, "others": 0.8}
    assert [v["post_money"] for v in sold["ownership"]["valuations"]] == [50e6, 150e6]
    assert "ownership      fund-a 0%, fund-b 20%, others 80%" in render_report(
        {"companies": [sold]}
    )
    assert data["as_of"] == "2024-03-15"


@pytest.mark.parametrize(
    ("company", "as_of"),
    [("early-co", "2023-12"), ("cash-co", "2023-06-30"), ("target-co", "2023-12")],
)
def test_other_records_leave_the_date(data: dict[str, Any], company: str, as_of: str) -> None:
    mine = {c["id"]: c for c in data["companies"]}[company]
    assert mine["as_of"] == as_of
    if company == "early-co":
        assert _shares(mine) == {"fund-b": 0.1, "others": 0.9}


# june-co (year ends June 30): only a holding of 20% by fund-a dated FY2025 (2024-07-01 to
# 2025-06-30): its report date is 2025-06-30, the end of that fiscal year (it was 2025-12-31,
# the end of calendar 2025, half a year after the record), its compute gap's year FY2025.
FISCAL = """
sources:
- {id: s, outlet: A, title: A, date: 2025-07-01}
entities:
- {id: june-co, name: June Co, type: company, fiscal_year_end: 06-30}
- {id: fund-a, name: Fund A, type: investor}
stakes:
- {id: a-holds, holder: fund-a, company: june-co, date: FY2025, fiscal_year_of: june-co,
   event: holding, share: 20%, sources: [s]}
"""


def test_a_stake_of_a_fiscal_year_dates_the_report_by_its_end(ledger_text: LedgerText) -> None:
    (june,) = ac.report(ac.load(ledger_text(FISCAL)))["companies"]
    assert june["as_of"] == "2025-06-30"
    assert _shares(june) == {"fund-a": 0.2, "others": 0.8}
    assert june["reasons"]["compute_gap"] == "no compute spending or revenue recorded in FY2025"


# june-co again with only a capex record of FY2025 (actual, $2B): dated 2025-06-30 too.
CAPEX = """
sources:
- {id: s, outlet: A, title: A, date: 2025-07-01}
entities:
- {id: june-co, name: June Co, type: company, fiscal_year_end: 06-30}
capex:
- {id: june-capex, company: june-co, basis: actual, period: FY2025, amount: $2B, sources: [s]}
"""


def test_a_deal_of_a_fiscal_year_dates_the_report_by_its_end(ledger_text: LedgerText) -> None:
    (june,) = ac.report(ac.load(ledger_text(CAPEX)))["companies"]
    assert june["as_of"] == "2025-06-30"
