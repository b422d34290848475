"""A capex plan's scheduled share: its milestones are dated in the company's fiscal years and
compared with the plan's amount in one currency. Figures worked by hand from the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# a's fiscal year ends June 30: FY2025 is July 2024 to June 2025. Its plan (USD): $10B, $2B of
# it by FY2025, $6B by FY2026. b's plan: EUR 10B, $2.2B by 2024-12 and EUR 6B by 2025-12, at
# $1.10 a euro.
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company, fiscal_year_end: 06-30}
- {id: b, name: B, type: company}
fx_rates:
- {id: fx1, currency: EUR, usd: 1.10, date: 2023-01, sources: [s]}
capex:
- id: pa
  company: a
  basis: plan
  project: DC
  amount: $10B
  sources: [s]
  milestones:
  - {by: FY2025, amount: $2B}
  - {by: FY2026, amount: $6B}
- id: pb
  company: b
  basis: plan
  project: DC2
  amount: €10B
  sources: [s]
  milestones:
  - {by: 2024-12, amount: $2.2B}
  - {by: 2025-12, amount: €6B}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def _scheduled(ledger: ac.Ledger, company: str, as_of: str) -> float:
    frame = ac.capex(ledger, company, as_of=as_of).frame
    return float(frame.loc[frame["basis"] == "plan", "scheduled"].iloc[0])


def test_milestones_in_the_companys_fiscal_years(ledger: ac.Ledger) -> None:
    # as of 2025-08: FY2025 ended 2025-06-30, so $2B of $10B was due: 0.2. It was 0 (FY2025
    # read as the calendar year 2025, ending in December)
    assert _scheduled(ledger, "a", "2025-08") == pytest.approx(0.2)
    # as of 2025-06 (the month FY2025 ends) the same; as of 2025-05 nothing yet
    assert _scheduled(ledger, "a", "2025-06") == pytest.approx(0.2)
    assert _scheduled(ledger, "a", "2025-05") == pytest.approx(0.0)
    # as of 2026-06: FY2026 ended: $6B of $10B
    assert _scheduled(ledger, "a", "2026-06") == pytest.approx(0.6)


def test_milestones_in_another_currency(ledger: ac.Ledger) -> None:
    # as of 2024-12: $2.2B of EUR 10B ($11B at $1.10): 0.2. It was 2.2 / 10 = 0.22 (the
    # amounts compared as written, dollars against euros)
    assert _scheduled(ledger, "b", "2024-12") == pytest.approx(0.2)
    # as of 2025-12: EUR 6B of EUR 10B: 0.6, one currency
    assert _scheduled(ledger, "b", "2025-12") == pytest.approx(0.6)


@pytest.mark.parametrize("company", [5, ["a"], b"a"])
def test_a_company_that_is_no_text_is_a_type_error(ledger: ac.Ledger, company: object) -> None:
    # it was KeyError 'unknown entity 5' (and ['a'] a TypeError 'unhashable type' from a set)
    with pytest.raises(TypeError, match="expected an entity id"):
        ac.capex(ledger, company)  # type: ignore[arg-type]
