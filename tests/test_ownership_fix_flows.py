"""The money of a secondary purchase whose seller is not named (review of the hand-checked
figures): it moved nothing at all; the buyer's money still leaves it, paid to ``undisclosed``
(as a round's unnamed payer), and never reaches the company.

Every expected figure is worked by hand from the records below, in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: wire, outlet: Wire, title: Acme's holders, date: 2024-01}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: founder, name: Founder, type: person}
- {id: vc, name: Venture Capital, type: investor}
- {id: fund, name: Growth Fund, type: investor}
cash_balances:
- {id: acme-cash, company: acme, date: 2024-01, amount: $5M}
expenses:
- {id: acme-payroll, company: acme, category: payroll, rate: $1M/month, date: 2024}
stakes:
- id: founder-2023
  holder: founder
  company: acme
  date: 2023
  event: holding
  share: 90%
- id: fund-unnamed
  holder: fund
  company: acme
  date: 2024-10
  event: purchase
  purchase: secondary
  shares: 100,000
  price_per_share: $7
  share: 1%
- id: vc-unnamed
  holder: vc
  company: acme
  date: 2024-11-12
  event: purchase
  purchase: secondary
  share: 2% to 3%
  paid: $1M to $1.5M
  status: committed
- id: vc-named
  holder: vc
  company: acme
  date: 2024-12-01
  event: purchase
  purchase: secondary
  seller: founder
  share: 1%
  paid: $0.6M
"""


def stake_rows(led: ac.Ledger, record: str) -> pd.DataFrame:
    flows = led.flows()
    return flows[(flows["record"] == record).to_numpy()]


def test_the_buyer_pays_an_undisclosed_seller(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LEDGER))
    rows = stake_rows(led, "fund-unnamed")
    # one row: 100,000 shares at $7 = $700,000 out of fund, to 'undisclosed', at October's end
    assert len(rows) == 1
    (r,) = rows.to_dict("records")
    assert (str(r["entity"]), r["direction"], str(r["category"])) == ("fund", -1, "investment")
    assert (str(r["payer"]), str(r["payee"])) == ("fund", "undisclosed")
    assert r["cents"] == 70_000_000
    assert r["amount_usd"] == 700_000
    assert (str(r["status"]), r["date"]) == ("disbursed", pd.Timestamp("2024-10-31"))
    # a committed purchase of $1M to $1.5M ($1.25M): committed money, to 'undisclosed' too
    (c,) = stake_rows(led, "vc-unnamed").to_dict("records")
    assert (str(c["entity"]), str(c["payee"]), str(c["status"])) == (
        "vc",
        "undisclosed",
        "committed",
    )
    assert c["amount_usd"] == 1_250_000
    assert c["date"] == pd.Timestamp("2024-11-12")
    # a named seller: the buyer's row and the seller's, $0.6M each
    named = stake_rows(led, "vc-named")
    assert sorted(named["entity"].astype(str)) == ["founder", "vc"]
    assert set(named["amount_usd"]) == {600_000}


def test_undisclosed_is_no_entity_and_the_company_gets_nothing(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LEDGER))
    flows = led.flows()
    assert not (flows["entity"] == "undisclosed").any()
    stakes = flows[(flows["kind"] == "stakes").to_numpy()]
    assert not (stakes["entity"] == "acme").any()  # secondary sales never reach acme
    # fund's money out: its $700,000 (the only money fund moves)
    fund = flows[(flows["entity"] == "fund").to_numpy()]
    assert fund["amount_usd"].sum() == 700_000
    # acme's runway from $5M at $1M a month: 5 months, whatever its holders trade
    assert (
        ac.runway(led, "acme", as_of="2024-01").months
        == ac.runway(
            led, "acme", as_of="2024-01", exclude=["fund-unnamed", "vc-unnamed", "vc-named"]
        ).months
    )
