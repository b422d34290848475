"""Burn and the compute gap read the last year of a company's books up to its report date: a
report dated by a cash balance in January 2024, or by a stake bought in March 2024 after books
that end in 2023, said "no expenses or revenues recorded in 2024" and showed no burn at all.
A report date whose year has books reads that year, as before. Expected figures by hand from
the records below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# stake-co: opex $1M/month, compute $0.5M/month and revenue $0.25M/month over 2023; fund
#   buys 10% on 2024-03-15 (its report date). Burn 2023: gross 1.5M, revenue 0.25M, net 1.25M;
#   gap 2023: compute 6M, revenue 3M, ratio 2.
# jan-co: opex $1M/month over 2023, a cash balance of $10M on 2024-01-31 (its report date):
#   burn 2023, net 1M; no revenue, no compute: no gap ("in 2023").
# current-co: opex $1M/month over 2023 and $2M/month over 2024-01..2024-06, cash on
#   2024-06-30: its year has books: burn 2024-01..2024-06, net 2M (as before).
# early-co: a cash balance on 2023-06-30 and opex only over 2024 (expected): nothing up to
#   2023: no burn, "no expenses or revenues recorded in 2023" (as before).
# planned-co: actual opex $3M/month over 2022, planned opex over 2023, cash on 2024-02-29:
#   planned books date nothing: burn 2022, net 3M.
# june-co (fiscal year ends June 30): compute $12M and revenue $3M over FY2024
#   (2023-07..2024-06), cash on 2025-02-28 (FY2025, calendar 2025 without books): gap FY2024,
#   compute 12M, revenue 3M, ratio 4 (it was null, "no compute spending or revenue recorded
#   in FY2025"); burn: the last month of its books is 2024-06: calendar 2024, 2024-01..06.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: stake-co, name: Stake Co, type: company}
- {id: jan-co, name: Jan Co, type: company}
- {id: current-co, name: Current Co, type: company}
- {id: early-co, name: Early Co, type: company}
- {id: planned-co, name: Planned Co, type: company}
- {id: june-co, name: June Co, type: company, fiscal_year_end: 06-30}
- {id: fund, name: Fund, type: investor}
expenses:
- {id: stake-opex, company: stake-co, category: opex, rate: $1M/month, date: 2023, sources: [s]}
- {id: stake-compute, company: stake-co, category: compute, rate: $0.5M/month, date: 2023,
   sources: [s]}
- {id: jan-opex, company: jan-co, category: opex, rate: $1M/month, date: 2023, sources: [s]}
- {id: current-2023, company: current-co, category: opex, rate: $1M/month, date: 2023,
   sources: [s]}
- {id: current-2024, company: current-co, category: opex, rate: $2M/month, date: 2024-01,
   until: 2024-06, sources: [s]}
- {id: early-opex, company: early-co, category: opex, rate: $1M/month, date: 2024,
   basis: expected, sources: [s]}
- {id: planned-2022, company: planned-co, category: opex, rate: $3M/month, date: 2022,
   sources: [s]}
- {id: planned-2023, company: planned-co, category: opex, rate: $5M/month, date: 2023,
   basis: planned, sources: [s]}
- {id: june-compute, company: june-co, category: compute, amount: $12M, date: 2023-07,
   until: 2024-06, sources: [s]}
revenues:
- {id: stake-revenue, company: stake-co, rate: $0.25M/month, date: 2023, sources: [s]}
- {id: june-revenue, company: june-co, amount: $3M, date: 2023-07, until: 2024-06,
   sources: [s]}
cash_balances:
- {id: jan-cash, company: jan-co, date: 2024-01-31, amount: $10M, sources: [s]}
- {id: current-cash, company: current-co, date: 2024-06-30, amount: $10M, sources: [s]}
- {id: early-cash, company: early-co, date: 2023-06-30, amount: $10M, sources: [s]}
- {id: planned-cash, company: planned-co, date: 2024-02-29, amount: $10M, sources: [s]}
- {id: june-cash, company: june-co, date: 2025-02-28, amount: $10M, sources: [s]}
stakes:
- {id: fund-buys, holder: fund, company: stake-co, date: 2024-03-15, event: purchase,
   purchase: secondary, share: 10%, sources: [s]}
"""


@pytest.fixture
def companies(ledger_text: LedgerText) -> dict[str, dict[str, Any]]:
    data = ac.report(ac.load(ledger_text(LEDGER)))
    return {c["id"]: c for c in data["companies"]}


@pytest.mark.parametrize(
    ("company", "as_of", "start", "end", "net"),
    [
        ("stake-co", "2024-03-15", "2023-01", "2023-12", 1_250_000),
        ("jan-co", "2024-01-31", "2023-01", "2023-12", 1_000_000),
        ("current-co", "2024-06-30", "2024-01", "2024-06", 2_000_000),
        ("planned-co", "2024-02-29", "2022-01", "2022-12", 3_000_000),
        ("june-co", "2025-02-28", "2024-01", "2024-06", 1_000_000 - 250_000),
    ],
)
def test_burn_reads_the_last_year_of_the_books(
    companies: dict[str, dict[str, Any]], company: str, as_of: str, start: str, end: str, net: float
) -> None:
    mine = companies[company]
    assert mine["as_of"] == as_of
    burn = mine["burn"]
    assert burn is not None, mine["reasons"]
    assert (burn["from"], burn["to"]) == (start, end)
    assert burn["monthly_net"] == pytest.approx(net)
    assert "burn" not in mine["reasons"]


def test_no_books_up_to_the_report_date_is_still_said(
    companies: dict[str, dict[str, Any]],
) -> None:
    early = companies["early-co"]
    assert early["burn"] is None
    assert early["reasons"]["burn"] == "no expenses or revenues recorded in 2023"
    assert companies["jan-co"]["reasons"]["compute_gap"] == (
        "no compute spending or revenue recorded in 2023"
    )


@pytest.mark.parametrize(
    ("company", "period", "compute", "revenue", "ratio"),
    [
        ("stake-co", "2023", 6e6, 3e6, 2.0),
        ("june-co", "FY2024", 12e6, 3e6, 4.0),
    ],
)
def test_the_compute_gap_reads_the_same_books(
    companies: dict[str, dict[str, Any]],
    company: str,
    period: str,
    compute: float,
    revenue: float,
    ratio: float,
) -> None:
    gap = companies[company]["compute_gap"]
    assert gap is not None, companies[company]["reasons"]
    assert (gap["period"], gap["compute"], gap["revenue"]) == (period, compute, revenue)
    assert gap["ratio"] == pytest.approx(ratio)


def test_a_date_asked_reads_the_last_books_up_to_it(ledger_text: LedgerText) -> None:
    """as_of=2025-06 for everyone: each company's last year of books up to 2025."""
    data = ac.report(ac.load(ledger_text(LEDGER)), as_of="2025-06")
    burns = {c["id"]: c["burn"] and (c["burn"]["from"], c["burn"]["to"]) for c in data["companies"]}
    assert burns["stake-co"] == ("2023-01", "2023-12")
    assert burns["current-co"] == ("2024-01", "2024-06")
    assert burns["early-co"] == ("2024-01", "2024-12")  # its expected opex of 2024


# fiscal-co (year ends June 30): compute $12M and revenue $3M over FY2024 (2023-07..2024-06);
#   cash on 2024-09-30 (FY2025, without books, though calendar 2024 has some): the gap reads
#   FY2024, compute 12M, revenue 3M, ratio 4 (it read FY2025: null); burn reads calendar 2024
#   (its report date's year has books): 2024-01..2024-06, net $0.75M.
FISCAL = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-12-01}
entities:
- {id: fiscal-co, name: Fiscal Co, type: company, fiscal_year_end: 06-30}
expenses:
- {id: f-compute, company: fiscal-co, category: compute, amount: $12M, date: 2023-07,
   until: 2024-06, sources: [s]}
revenues:
- {id: f-revenue, company: fiscal-co, amount: $3M, date: 2023-07, until: 2024-06,
   sources: [s]}
cash_balances:
- {id: f-cash, company: fiscal-co, date: 2024-09-30, amount: $10M, sources: [s]}
"""


def test_a_fiscal_year_without_books_reads_the_last_with_them(ledger_text: LedgerText) -> None:
    (company,) = ac.report(ac.load(ledger_text(FISCAL)))["companies"]
    assert company["as_of"] == "2024-09-30"
    gap = company["compute_gap"]
    assert gap is not None, company["reasons"]
    assert (gap["period"], gap["compute"], gap["revenue"]) == ("FY2024", 12e6, 3e6)
    assert gap["ratio"] == pytest.approx(4.0)
    burn = company["burn"]
    assert (burn["from"], burn["to"]) == ("2024-01", "2024-06")
    assert burn["monthly_net"] == pytest.approx(750_000)
