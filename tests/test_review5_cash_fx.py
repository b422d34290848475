"""Money in another currency over months, at each month's rate (review 5, cash): figures worked
out by hand from the records written in each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

EUROS = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-12}
entities:
- {id: a, name: A, type: company}
- {id: ovh, name: OVH, type: cloud_provider}
fx_rates:
- {id: fx1, currency: EUR, date: 2024-01-01, usd: 1.10, sources: [s1]}
- {id: fx2, currency: EUR, date: 2024-07, usd: 1.20, sources: [s1]}
expenses:
- {id: e1, company: a, category: compute, rate: €12M/yr, date: 2024, sources: [s1]}
- {id: e2, company: a, category: payroll, amount: about €6M, date: 2024-Q2..2024-Q3,
   sources: [s1]}
revenues:
- {id: r1, company: a, amount: €1.2M, date: 2024-05-10, sources: [s1]}
compute_contracts:
- {id: k1, buyer: a, seller: ovh, start: 2024-05, end: 2024-08, total_value: €4M, sources: [s1]}
cash_balances:
- {id: c1, company: a, date: 2024-06-30, amount: €20M, sources: [s1]}
"""


def test_a_euro_rate_over_a_year_at_each_months_rate(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(EUROS))
    burn = ac.burn(led, "a", "2024-01", "2024-12").frame.set_index("month")
    # €1M a month: $1.10M to June, $1.20M from July (it was $1.10M all year)
    assert burn["compute"].iloc[:6].tolist() == pytest.approx([1.1e6] * 6)
    assert burn["compute"].iloc[6:].tolist() == pytest.approx([1.2e6] * 6)
    # about €6M over April..September: €1M a month, $1.10M then $1.20M, ends +-10%
    payroll = burn["payroll"].iloc[3:9].tolist()
    assert payroll == pytest.approx([1.1e6] * 3 + [1.2e6] * 3)
    assert burn["gross_burn_high"].iloc[8] == pytest.approx(1.2e6 + 1.1 * 1.2e6)
    # a one-off on its day: May's rate, as before
    assert burn["revenue"].sum() == pytest.approx(1.2e6 * 1.10)
    gap = ac.compute_gap(led, "a", period="2024").frame.iloc[0]
    assert gap["compute_usd"] == pytest.approx(6 * 1.1e6 + 6 * 1.2e6)  # 13.8M, not 13.2M
    # the contract's €1M a month, May..August: 2 x 1.10 + 2 x 1.20
    flows = led.flows()
    contract = flows[flows["record"].astype("object") == "k1"]["amount_usd"]
    assert contract.tolist() == pytest.approx([1.1e6, 1.1e6, 1.2e6, 1.2e6])
    # the runway: €20M at June's $1.10 is $22M; July..December spend $1.2M + $1.2M a month
    # (compute, payroll to September), then compute $1.2M and payroll at its run rate
    r = ac.runway(led, "a", as_of="2024-06")
    assert r.frame.iloc[0]["start_cash"] == pytest.approx(22e6)
    path = r.explain().set_index("month")
    assert path["outflows"].iloc[0] == pytest.approx(2.4e6)


def test_record_frames_with_their_rates_give_the_ledgers_dollars(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(EUROS))
    kinds = ("expenses", "revenues", "compute_contracts", "ramps")
    frames = {k: led.frame(k) for k in kinds}
    with_rates = ac.flows({**frames, "fx_rates": led.frame("fx_rates")})
    mine = led.flows()
    assert with_rates["amount_usd"].sum() == pytest.approx(mine["amount_usd"].sum())
    # without the rates, the frames' own dollars: each record at its first day
    without = ac.flows(frames)
    compute = without[without["record"].astype("object") == "e1"]["amount_usd"]
    assert compute.sum() == pytest.approx(12 * 1.1e6)
