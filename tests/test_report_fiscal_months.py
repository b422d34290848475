"""A fiscal year that does not end on a month's last day holds twelve months, each in the year
its first day falls in (as ``compute_gap(freq="FY")`` splits them): the report's compute gap of
a company whose year ends January 28 read January twice (13 months, $13M of a $1M a month
rate), and a report dated January 31 read the next fiscal year. Figures by hand below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.reportcash import gap_years

LedgerText = Callable[..., Path]

# nv-co (year ends January 28, as NVIDIA's about does): compute $1M a month and revenue $0.5M a
# month over 2022-01..2026-12. FY2025 runs 2024-01-29..2025-01-28 and holds February 2024 to
# January 2025: compute $12M, revenue $6M, ratio 2.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2026-12-01}
entities:
- {id: nv-co, name: NV Co, type: company, fiscal_year_end: 01-28}
expenses:
- {id: nv-compute, company: nv-co, category: compute, rate: $1M/month, date: 2022-01,
   until: 2026-12, sources: [s]}
revenues:
- {id: nv-revenue, company: nv-co, rate: $0.5M/month, date: 2022-01, until: 2026-12,
   sources: [s]}
"""


@pytest.mark.parametrize("as_of", ["2024-06-30", "2025-01-15", "2025-01-31", "2025-01"])
def test_the_report_reads_the_twelve_months_of_the_fiscal_year(
    ledger_text: LedgerText, as_of: str
) -> None:
    """Each of these dates is in a month of FY2025 (January 2025 included: its first day falls
    in FY2025, though January 29 to 31 are days of FY2026)."""
    (company,) = ac.report(ac.load(ledger_text(LEDGER)), as_of=as_of)["companies"]
    gap = company["compute_gap"]
    assert (gap["period"], gap["compute"], gap["revenue"]) == ("FY2025", 12e6, 6e6)
    assert gap["ratio"] == pytest.approx(2.0)


def test_gap_years_name_the_months_read(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(LEDGER))
    assert gap_years(ledger, {"nv-co": "2025-01-31"}) == {
        "nv-co": ("FY2025", "2024-02-01..2025-01-28")
    }
    assert gap_years(ledger, {"nv-co": "2025-02-01"})["nv-co"][0] == "FY2026"


def test_compute_gap_of_the_fiscal_year_equals_its_months(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(LEDGER))
    by_period = ac.compute_gap(ledger, "nv-co", period="FY2025").frame.iloc[0]
    by_months = ac.compute_gap(ledger, "nv-co", period="2024-02..2025-01").frame.iloc[0]
    assert by_period["compute_usd"] == by_months["compute_usd"] == 12e6
