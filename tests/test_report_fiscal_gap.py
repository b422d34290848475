"""The report's compute gap of a company whose fiscal year ends on another day than December 31
covers, and is labelled, its fiscal year (as ``compute_gap(ledger, company, period="FY2024")``
names it); before, it covered the calendar year of the report date and said "2024" (for a June
year end, the last half of FY2024 and the first of FY2025). Expected figures by hand from the
records below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
from aicapex.render import render_report

LedgerText = Callable[..., Path]

# june-co (year ends June 30): compute $12M over FY2024 (2023-07..2024-06: $1M a month),
#   revenue $3M over FY2024 ($0.25M a month). No cash: report date the last month of its
#   flows, 2024-06, in FY2024. FY2024: compute 12, revenue 3, gap 9, ratio 4, coverage 0.25.
#   (Calendar 2024 read half of each: compute 6, revenue 1.5, labelled "2024".)
# march-co (year ends March 31): revenue $1M in 2024-02 (FY2024), compute $6M over 2024-Q2
#   and revenue $1.5M in 2024-05 (both FY2025: 2024-04..2025-03); cash on 2024-06-30, its
#   report date, in FY2025: compute 6, revenue 1.5, ratio 4. (Calendar 2024: revenue 2.5.)
# dec-co (year ends December 31, written): compute $1M and revenue $0.5M in 2024-03: "2024",
#   ratio 2.
# opex-co (year ends June 30): only opex ($1M, 2024-05): no compute gap, "in FY2024".
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: june-co, name: June Co, type: company, fiscal_year_end: 06-30}
- {id: march-co, name: March Co, type: company, fiscal_year_end: 03-31}
- {id: dec-co, name: Dec Co, type: company, fiscal_year_end: 12-31}
- {id: opex-co, name: Opex Co, type: company, fiscal_year_end: 06-30}
expenses:
- {id: june-compute, company: june-co, category: compute, amount: $12M, date: FY2024,
   sources: [s]}
- {id: march-compute, company: march-co, category: compute, amount: $6M, date: 2024-Q2,
   sources: [s]}
- {id: dec-compute, company: dec-co, category: compute, amount: $1M, date: 2024-03,
   sources: [s]}
- {id: opex-only, company: opex-co, category: opex, amount: $1M, date: 2024-05, sources: [s]}
revenues:
- {id: june-sales, company: june-co, amount: $3M, date: FY2024, sources: [s]}
- {id: march-sales-feb, company: march-co, amount: $1M, date: 2024-02, sources: [s]}
- {id: march-sales-may, company: march-co, amount: $1.5M, date: 2024-05, sources: [s]}
- {id: dec-sales, company: dec-co, amount: $0.5M, date: 2024-03, sources: [s]}
cash_balances:
- {id: march-cash, company: march-co, date: 2024-06-30, amount: $50M, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


@pytest.fixture
def companies(ledger: ac.Ledger) -> dict[str, Any]:
    return {c["id"]: c for c in ac.report(ledger)["companies"]}


@pytest.mark.parametrize(
    ("company", "as_of", "period", "compute", "revenue", "ratio"),
    [
        ("june-co", "2024-06", "FY2024", 12e6, 3e6, 4.0),
        ("march-co", "2024-06-30", "FY2025", 6e6, 1.5e6, 4.0),
        ("dec-co", "2024-03", "2024", 1e6, 0.5e6, 2.0),
    ],
)
def test_the_gap_covers_and_names_the_company_s_year(
    ledger: ac.Ledger,
    companies: dict[str, Any],
    company: str,
    as_of: str,
    period: str,
    compute: float,
    revenue: float,
    ratio: float,
) -> None:
    mine = companies[company]
    assert mine["as_of"] == as_of
    gap = mine["compute_gap"]
    assert (gap["period"], gap["compute"], gap["revenue"]) == (period, compute, revenue)
    assert gap["gap"] == compute - revenue
    assert gap["ratio"] == ratio
    assert gap["coverage"] == pytest.approx(revenue / compute)
    # the figures compute_gap gives for that period, named alike
    row = ac.compute_gap(ledger, company, period=period).frame.iloc[0]
    assert (row["period"], row["compute_usd"], row["revenue_usd"]) == (period, compute, revenue)


def test_the_text_names_the_fiscal_year(companies: dict[str, Any]) -> None:
    text = render_report({"companies": [companies["june-co"], companies["dec-co"]]})
    assert "compute gap    FY2024: compute $12.00M = 4.0x revenue" in text
    assert "compute gap    2024: compute $1.00M = 2.0x revenue" in text


def test_no_gap_says_the_fiscal_year(companies: dict[str, Any]) -> None:
    mine = companies["opex-co"]
    assert mine["compute_gap"] is None
    assert mine["reasons"]["compute_gap"] == "no compute spending or revenue recorded in FY2024"
    assert (mine["burn"]["months"], mine["burn"]["monthly_gross"]) == (1, 1e6)  # May's opex


# late-co (year ends June 30), report date 2024-06-30 (its cash): compute $1M in 2023-10 and
# revenue $0.5M in 2024-02 (both FY2024), opex of £1M in 2024-09 (FY2025) without a GBP rate.
# Its FY2024 gap reads neither the pound nor September: compute 1, revenue 0.5, ratio 2.
# The runway, which reads every month, is refused naming the opex.
LATE = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: late-co, name: Late Co, type: company, fiscal_year_end: 06-30}
expenses:
- {id: late-compute, company: late-co, category: compute, amount: $1M, date: 2023-10,
   sources: [s]}
- {id: late-opex, company: late-co, category: opex, amount: £1M, date: 2024-09, sources: [s]}
revenues:
- {id: late-sales, company: late-co, amount: $0.5M, date: 2024-02, sources: [s]}
cash_balances:
- {id: late-cash, company: late-co, date: 2024-06-30, amount: $10M, sources: [s]}
"""


def test_a_missing_rate_outside_the_fiscal_year_leaves_the_gap(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(LATE))
    (mine,) = ac.report(ledger)["companies"]
    gap = mine["compute_gap"]
    assert (gap["period"], gap["compute"], gap["revenue"], gap["ratio"]) == (
        "FY2024",
        1e6,
        0.5e6,
        2.0,
    )
    assert "late-opex in 2024-09" in mine["reasons"]["runway"]
    assert "compute_gap" not in mine["reasons"]


def test_the_csv_names_the_period_of_its_compute_columns(ledger: ac.Ledger) -> None:
    """The CSV's compute_usd and revenue_usd of june-co are FY2024's; nothing said so (the
    column compute_period was missing: a reader took them for calendar 2024's)."""
    import csv
    import io

    from aicapex.render import render_report_csv

    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(render_report_csv(ac.report(ledger))))}
    got = {c: (rows[c]["compute_period"], rows[c]["compute_usd"]) for c in rows}
    assert got == {
        "june-co": ("FY2024", "12000000.0"),
        "march-co": ("FY2025", "6000000.0"),
        "dec-co": ("2024", "1000000.0"),
        "opex-co": ("", ""),
    }
