"""A report's reason for one flow without an exchange rate speaks of one flow ("1 flows in GBP
have no exchange rate at their date ... for them" was said of one)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import aicapex as ac

LedgerText = Callable[..., Path]

# gbp-lab: a GBP rate from 2024-01-01 only; opex of GBP 1M in 2023-05 (no rate) and GBP 2M in
# 2024-02; cash $40M on 2024-03-31. Its runway reads every month: refused for the one 2023
# flow. euro-co: EUR opex of 1M a month over 2023-05..2023-06 without any EUR rate: two flows.
LEDGER = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: gbp-lab, name: GBP Lab, type: company}
- {id: euro-co, name: Euro Co, type: company}
fx_rates:
- {id: gbp-2024, currency: GBP, date: 2024-01-01, usd: 1.25, sources: [s]}
expenses:
- {id: gbp-opex-2023, company: gbp-lab, category: opex, amount: £1M, date: 2023-05, sources: [s]}
- {id: gbp-opex-2024, company: gbp-lab, category: opex, amount: £2M, date: 2024-02, sources: [s]}
- {id: euro-opex, company: euro-co, category: opex, rate: €1M/month, date: 2023-05,
   until: 2023-06, sources: [s]}
cash_balances:
- {id: gbp-cash, company: gbp-lab, date: 2024-03-31, amount: $40M, sources: [s]}
- {id: euro-cash, company: euro-co, date: 2023-06-30, amount: $10M, sources: [s]}
"""


def test_one_flow_is_one(ledger_text: LedgerText) -> None:
    with warnings.catch_warnings():  # the loader warns of the amounts without a rate
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(LEDGER))
    by_id = {c["id"]: c for c in ac.report(ledger)["companies"]}
    assert by_id["gbp-lab"]["reasons"]["runway"] == (
        "1 flow in GBP has no exchange rate at its date (gbp-opex-2023 in 2023-05; the runway "
        "counts every month of its flows): add fx_rates records for it"
    )
    assert by_id["euro-co"]["reasons"]["runway"].startswith(
        "2 flows in EUR have no exchange rate at their date (euro-opex in 2023-05 to 2023-06"
    )
