"""Figures checked by hand on ledgers of shapes the bundled data does not have.

Each expected figure is worked out from the records written in the test, never copied from the
library's output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

EURO_BILL = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2025-06}
entities:
- {id: eu, name: EU Co, type: company}
- {id: ovh, name: OVH, type: cloud_provider}
fx_rates:
- {id: fx1, currency: EUR, date: 2024-01-01, usd: 1.20, sources: [s1]}
- {id: fx2, currency: EUR, date: 2024-10-01, usd: 1.10, sources: [s1]}
cloud_bills:
- id: b1
  payer: eu
  provider: ovh
  period: 2024-08
  billed: €10M
  due: 2024-09-30
  payments:
  - {date: 2024-11-15, amount: %s}
  sources: [s1]
"""


def test_a_bill_paid_in_full_in_its_currency_owes_nothing(ledger_text: LedgerText) -> None:
    # billed €10M when a euro was $1.20, paid €10M when it was $1.10: nothing is unpaid
    led = ac.load(ledger_text(EURO_BILL % "€10M"))
    assert ac.arrears(led, as_of="2024-12-31").frame.empty
    # before the payment, the whole bill: €10M at $1.20
    before = ac.arrears(led, as_of="2024-10-31").frame
    assert before["outstanding_usd"].sum() == pytest.approx(12e6)
    # the arrears policy of the runway pays nothing for it
    r = ac.runway(led, "eu", as_of="2024-12", cash={"eu": 1e6}, policy="arrears")
    assert not any("b1" in a for a in r.assumptions)


def test_a_bill_partly_paid_owes_its_unpaid_part_at_its_rate(ledger_text: LedgerText) -> None:
    # €4M of €10M paid: €6M unpaid, at the bill's $1.20 (not $12M billed less $4.4M paid)
    led = ac.load(ledger_text(EURO_BILL % "€4M"))
    frame = ac.arrears(led, as_of="2024-12-31").frame
    assert frame["outstanding_usd"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["90+"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["outstanding_low_usd"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["outstanding_high_usd"].sum() == pytest.approx(6e6 * 1.20)
