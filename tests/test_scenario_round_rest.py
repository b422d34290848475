"""A round adjustment rebuilds the round's pieces as the flows count them: the untranched rest
of a closed round is disbursed, its ends the round's ends less the tranches. The rest took its
status from the last tranche's loop variable (a closed round's rest became committed, so under
the disbursed policy disbursing a tranche on its own date cut the runway from 11 months to 4),
and its ends were the round's ends scaled down ($63M to $77M for '$90M to $110M' less $30M;
by hand $60M to $80M)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# $10M at the end of January 2024, $10M a month out; a closed round dated 2024-03 with a $30M
# tranche disbursed in February: by hand, Feb 10 - 10 + 30 = 30, Mar 30 - 10 + 70 = 90, then
# 9 more months: out at the end of December, 11 months after January's end
LEDGER = """
entities:
- {{id: a, name: A, type: company}}
cash_balances:
- {{id: c, company: a, date: 2024-01-31, amount: $10M}}
expenses:
- {{id: e, company: a, rate: $120M/yr, date: 2024, until: 2026, category: opex}}
funding_rounds:
- id: r
  company: a
  date: 2024-03
  amount: {amount}
  status: closed
  tranches:
  - {{amount: $30M, date: 2024-02, status: disbursed}}
"""


def _compare(ledger_text: LedgerText, amount: str) -> dict[str, tuple[float, float, float]]:
    ledger = ac.load(ledger_text(LEDGER.format(amount=amount)))
    same = ac.Scenario("same", [ac.disburse("r", tranche=0, on="2024-02")])
    frame = ac.compare(ledger, "a", [ac.Scenario("base"), same], as_of="2024-01").frame
    cols = ["months", "months_low", "months_high"]
    return {str(k): tuple(float(v) for v in row) for k, row in frame[cols].iterrows()}


def test_a_closed_rounds_rest_stays_disbursed(ledger_text: LedgerText) -> None:
    got = _compare(ledger_text, "$100M")
    assert got["base"] == pytest.approx((11.0, 11.0, 11.0))
    assert got["same"] == pytest.approx(got["base"])


def test_the_rests_ends_are_the_rounds_ends_less_the_tranches(ledger_text: LedgerText) -> None:
    # '$90M to $110M': the rest is $60M to $80M (base $70M): Mar cash 30 - 10 + 60 = 80 (low),
    # + 80 = 100 (high): out after 8 + 2 = 10 months low, 10 + 2 = 12 high, 11 base
    got = _compare(ledger_text, "$90M to $110M")
    assert got["base"] == pytest.approx((11.0, 10.0, 12.0))
    assert got["same"] == pytest.approx(got["base"])
