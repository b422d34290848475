"""``compute_gap(..., freq="FY")`` splits by the entity's fiscal years, labelled as a fiscal
period is (``FY2024``); ``freq="Y"`` splits by calendar years (a June year end's FY2024 by
``"Y"``: rows "2023" and "2024", each half of it). Expected figures by hand from the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# june-co (year ends June 30): compute $12M over FY2024 ($1M a month, 2023-07..2024-06) and
#   $2.4M over FY2025 ($0.2M a month); revenue $3M over FY2024 ($0.25M a month) and $1.2M
#   over 2024-07..2024-12 (FY2025). FY2024: 12 / 3 = 4; FY2025: 2.4 / 1.2 = 2.
#   Calendar 2024 by fiscal years: FY2024 is 2024-01..06 (compute 6, revenue 1.5), FY2025
#   2024-07..12 (compute 1.2, revenue 1.2).
# march-co (year ends March 31): compute $1M in 2024-03 (FY2024), $2M in 2024-04 (FY2025).
# dec-co (no fiscal year end): compute $1M in 2024-05: FY2024, calendar 2024.
LEDGER = """
sources:
- {id: s, outlet: A, title: A, date: 2025-07-01}
entities:
- {id: june-co, name: June Co, type: company, fiscal_year_end: 06-30}
- {id: march-co, name: March Co, type: company, fiscal_year_end: 03-31}
- {id: dec-co, name: Dec Co, type: company}
expenses:
- {id: j-c24, company: june-co, category: compute, amount: $12M, date: FY2024, sources: [s]}
- {id: j-c25, company: june-co, category: compute, amount: $2.4M, date: FY2025, sources: [s]}
- {id: m-c3, company: march-co, category: compute, amount: $1M, date: 2024-03, sources: [s]}
- {id: m-c4, company: march-co, category: compute, amount: $2M, date: 2024-04, sources: [s]}
- {id: d-c5, company: dec-co, category: compute, amount: $1M, date: 2024-05, sources: [s]}
revenues:
- {id: j-r24, company: june-co, amount: $3M, date: FY2024, sources: [s]}
- {id: j-r25, company: june-co, amount: $1.2M, date: 2024-07, until: 2024-12, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def _rows(frame: object) -> list[tuple[str, float, float]]:
    return [
        (str(r["period"]), round(float(r["compute_usd"]), 2), round(float(r["revenue_usd"]), 2))
        for r in frame.to_dict("records")  # type: ignore[attr-defined]
    ]


def test_fiscal_years_of_a_june_year_end(ledger: ac.Ledger) -> None:
    frame = ac.compute_gap(ledger, "june-co", freq="FY").frame
    assert _rows(frame) == [("FY2024", 12e6, 3e6), ("FY2025", 2.4e6, 1.2e6)]
    assert frame["ratio"].tolist() == pytest.approx([4.0, 2.0])
    # each row is the gap of that fiscal year asked alone
    for period in ("FY2024", "FY2025"):
        alone = ac.compute_gap(ledger, "june-co", period=period).frame
        assert _rows(alone) == [r for r in _rows(frame) if r[0] == period]
    split = ac.compute_gap(ledger, "june-co", period="2024", freq="fiscal year").frame
    assert _rows(split) == [("FY2024", 6e6, 1.5e6), ("FY2025", 1.2e6, 1.2e6)]


def test_other_year_ends(ledger: ac.Ledger) -> None:
    march = ac.compute_gap(ledger, "march-co", freq="FY").frame
    assert _rows(march) == [("FY2024", 1e6, 0.0), ("FY2025", 2e6, 0.0)]
    dec = ac.compute_gap(ledger, "dec-co", freq="FY").frame
    assert _rows(dec) == [("FY2024", 1e6, 0.0)]


def test_fiscal_years_need_one_entity(ledger: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="splits by one entity's fiscal years"):
        ac.compute_gap(ledger, None, freq="FY")
    with pytest.raises(ValueError, match="splits by one entity's fiscal years"):
        ac.compute_gap(ledger.flows(), "june-co", freq="FY")  # a flows table: no year ends
