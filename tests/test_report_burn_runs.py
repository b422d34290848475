"""The report's burn of companies whose years follow each other: one burn per run of years, or,
for a run whose grid would be large, one per year over that year's companies (a run of 8 years
over 58,000 companies computed 5.1M rows to read 700,000). Either way each company's burn is its
own year's. Expected figures by hand from the records below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
import aicapex.reportcash as reportcash

LedgerText = Callable[..., Path]

# a-co: opex $1M/month over 2022..2024, cash on 2022-12-31: its burn is 2022's, $1M.
# b-co: opex $2M/month over 2022..2024 and revenue $0.5M/month over 2023, cash on 2023-06-30:
#   2023's, net $1.5M.
# c-co: opex $3M/month over 2023..2024 (only 2024-03..2024-12 in 2024: $4M/month), cash on
#   2024-12-31: 2024's, $4M, 2024-01..2024-12 (2023's $3M beside it is another year).
# d-co: revenue $1M/month over 2026 and opex $1M/month over 2025, cash on 2026-03-31 (a year
#   apart from the others' run): 2026's, net -$1M.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2026-06-01}
entities:
- {id: a-co, name: A, type: company}
- {id: b-co, name: B, type: company}
- {id: c-co, name: C, type: company}
- {id: d-co, name: D, type: company}
expenses:
- {id: a-opex, company: a-co, category: opex, rate: $1M/month, date: 2022, until: 2024,
   sources: [s]}
- {id: b-opex, company: b-co, category: opex, rate: $2M/month, date: 2022, until: 2024,
   sources: [s]}
- {id: c-opex-1, company: c-co, category: opex, rate: $3M/month, date: 2023-01, until: 2024-02,
   sources: [s]}
- {id: c-opex-2, company: c-co, category: opex, rate: $4M/month, date: 2024-03, until: 2024-12,
   sources: [s]}
- {id: d-opex, company: d-co, category: opex, rate: $1M/month, date: 2025, sources: [s]}
revenues:
- {id: b-revenue, company: b-co, rate: $0.5M/month, date: 2023, sources: [s]}
- {id: d-revenue, company: d-co, rate: $1M/month, date: 2026, sources: [s]}
cash_balances:
- {id: a-cash, company: a-co, date: 2022-12-31, amount: $50M, sources: [s]}
- {id: b-cash, company: b-co, date: 2023-06-30, amount: $50M, sources: [s]}
- {id: c-cash, company: c-co, date: 2024-12-31, amount: $50M, sources: [s]}
- {id: d-cash, company: d-co, date: 2026-03-31, amount: $50M, sources: [s]}
"""

EXPECTED = {
    "a-co": ("2022-01", "2022-12", 1_000_000),
    "b-co": ("2023-01", "2023-12", 1_500_000),
    "c-co": ("2024-01", "2024-12", (2 * 3 + 10 * 4) / 12 * 1_000_000),
    "d-co": ("2026-01", "2026-12", -1_000_000),
}


def _burns(data: dict[str, Any]) -> dict[str, tuple[str, str, float]]:
    return {
        c["id"]: (c["burn"]["from"], c["burn"]["to"], c["burn"]["monthly_net"])
        for c in data["companies"]
    }


@pytest.mark.parametrize("cells", [reportcash.BURN_RUN_CELLS, 0])
def test_each_company_reads_its_own_year(
    ledger_text: LedgerText, monkeypatch: pytest.MonkeyPatch, cells: int
) -> None:
    """cells 0: every run split into its years (as a large ledger's is)."""
    monkeypatch.setattr(reportcash, "BURN_RUN_CELLS", cells)
    got = _burns(ac.report(ac.load(ledger_text(LEDGER))))
    assert got.keys() == EXPECTED.keys()
    for company, (first, last, net) in EXPECTED.items():
        assert got[company][:2] == (first, last), company
        assert got[company][2] == pytest.approx(net), company
