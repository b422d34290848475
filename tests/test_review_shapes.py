"""Figures checked by hand on ledgers of shapes the bundled data does not have.

Each expected figure is worked out from the records written in the test, never copied from the
library's output.
"""

from __future__ import annotations

import math
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
    # (eu records no expense: a runway needs a burn given)
    r = ac.runway(led, "eu", as_of="2024-12", cash={"eu": 1e6}, policy="arrears", burn_after=0.0)
    assert not any("b1" in a for a in r.assumptions)


def test_a_bill_partly_paid_owes_its_unpaid_part_at_its_rate(ledger_text: LedgerText) -> None:
    # €4M of €10M paid: €6M unpaid, at the bill's $1.20 (not $12M billed less $4.4M paid)
    led = ac.load(ledger_text(EURO_BILL % "€4M"))
    frame = ac.arrears(led, as_of="2024-12-31").frame
    assert frame["outstanding_usd"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["90+"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["outstanding_low_usd"].sum() == pytest.approx(6e6 * 1.20)
    assert frame["outstanding_high_usd"].sum() == pytest.approx(6e6 * 1.20)


def test_cash_without_spending_has_no_negative_zero_burn(ledger_text: LedgerText) -> None:
    text = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: z, name: Idle, type: company}
- {id: y, name: Unknown, type: company}
- {id: aws, name: AWS, type: cloud_provider}
- {id: nv, name: Nvidia, type: company}
cash_balances:
- {id: cz, company: z, date: 2023-06-30, amount: $1M, sources: [s1]}
- {id: cy, company: y, date: 2023-06-30, amount: $1M, sources: [s1]}
cloud_bills:
- {id: by, payer: y, provider: aws, period: 2023-05, billed: $100K, due: 2023-06-15,
   payments: [{date: 2023-06-10, amount: $100K}], sources: [s1]}
gpu_orders:
- {id: gz, buyer: z, vendor: nv, sku: H100, quantity: 10, total: $300K, order_date: 2023-05,
   payments: [{date: 2023-06-10, amount: $300K}], sources: [s1]}
"""
    led = ac.load(ledger_text(text))
    # y records only a bill (which the runway does not count: expenses do): its burn is
    # unknown, no runway (it never 'lasted forever')
    with pytest.raises(ValueError, match="no runway of 'y'"):
        ac.runway(led, "y", as_of="2023-06")
    # z paid for GPUs before its balance and spends nothing after: it lasts
    r = ac.runway(led, "z", as_of="2023-06")
    assert r.months == math.inf
    burn_after = float(r.frame["burn_after"].item())
    # nothing is spent or earned: zero, written "0.0" in JSON, not "-0.0"
    assert burn_after == 0.0
    assert math.copysign(1.0, burn_after) == 1.0
    assert '"burn_after": -0.0' not in r.to_json()


SPARSE = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2023-11}
entities:
- {id: co, name: Co, type: company}
expenses:
- {id: e-compute-jan, company: co, category: compute, amount: $1M, date: 2023-01, sources: [s1]}
- {id: e-compute-oct, company: co, category: compute, amount: $2M, date: 2023-10, sources: [s1]}
- {id: e-payroll, company: co, category: payroll, rate: $600K/month, date: 2023-01,
   until: 2023-06, sources: [s1]}
revenues:
- {id: r-mar24, company: co, amount: $500K, date: 2024-03, sources: [s1]}
cash_balances:
- {id: c-oct, company: co, date: 2023-10-31, amount: $5.1M, sources: [s1]}
"""


def test_sparse_streams_each_at_their_own_rate(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(SPARSE))
    # compute: $1M in January and $2M in October, the two months with a record: $1.5M a month
    # (February..September, between them, assumed at it); payroll $0.6M a month past June;
    # revenue $0.5M a month from March 2024 on
    r = ac.runway(led, "co", as_of="2023-10")
    # November, December: 2 x 2.1 of 5.1, leaving 0.9; January at 2.1: 0.9 / 2.1 of it
    assert r.months == pytest.approx(2 + 0.9 / 2.1)
    assert str(r.cash_out)[:10] == "2024-01-14"  # 3/7 of January's 31 days: day 13.3
    # as of January the balance is rolled forward three months: out before its end
    assert ac.runway(led, "co", as_of="2024-01").months == pytest.approx(0.0)
    # compute at $0.1M past October: 0.7 a month to February (2.8, leaving 2.3), March 0.2
    # (2.1 left), then 0.2 a month: 10.5 months more
    mapped = ac.runway(led, "co", as_of="2023-10", burn_after={"compute": 1e5})
    assert mapped.months == pytest.approx(5 + 2.1 / 0.2)


def test_conflicting_reports_count_once(ledger_text: LedgerText) -> None:
    text = """
sources:
- {id: s1, outlet: Early, title: Early, date: 2023-11}
- {id: s2, outlet: Late, title: Late, date: 2024-02}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
expenses:
- {id: e-early, company: co, category: compute, counterparty: aws, amount: $12M, date: 2023,
   sources: [s1]}
- {id: e-late, company: co, category: compute, counterparty: aws, amount: $24M, date: 2023,
   sources: [s2]}
- {id: e-pay, company: co, category: payroll, amount: $6M, date: 2023, sources: [s1]}
revenues:
- {id: rv-early, company: co, amount: $3M, date: 2023, sources: [s1]}
- {id: rv-late, company: co, amount: $6M, date: 2023, sources: [s2]}
cash_balances:
- {id: c-early, company: co, date: 2023-12-31, amount: $10M, sources: [s1]}
- {id: c-late, company: co, date: 2023-12-31, amount: $8M, sources: [s2]}
"""
    led = ac.load(ledger_text(text))
    # latest: $8M at (24 + 6 - 6) / 12 = $2M a month; earliest: $10M at (12 + 6 - 3) / 12
    assert ac.runway(led, "co", as_of="2023-12").months == pytest.approx(4.0)
    earliest = ac.runway(led, "co", as_of="2023-12", conflicts="earliest")
    assert earliest.months == pytest.approx(10 / 1.25)
    gap = ac.compute_gap(led, "co", period="2023").frame.iloc[0]
    assert (gap["compute_usd"], gap["revenue_usd"]) == (24e6, 6e6)


def test_bills_age_past_their_due_dates(ledger_text: LedgerText) -> None:
    text = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2023-12}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
- {id: gcp, name: GCP, type: cloud_provider}
cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-06, billed: $5M, due: 2023-07-31,
   payments: [{date: 2023-07-15, amount: $2M}, {date: 2023-09-20, amount: $3M}], sources: [s1]}
- {id: b2, payer: co, provider: aws, period: 2023-07, billed: $4M, sources: [s1]}
- {id: b3, payer: co, provider: gcp, period: 2023-08, outstanding: $1M, due: 2023-09-30,
   sources: [s1]}
- {id: b4, payer: co, provider: gcp, period: 2023-09, billed: $6M, due: 2023-10-31,
   payments: [{date: 2023-10-05, amount: $1M}], sources: [s1]}
"""
    led = ac.load(ledger_text(text))
    assert ac.arrears(led, as_of="2023-07-30").frame.empty  # nothing due yet
    expected = {
        # b1 3 + b2 4 (due at the end of July), 0 days
        "2023-07-31": {"0-30": 7e6},
        "2023-08-31": {"31-60": 7e6},
        # b1 paid late in full; b2 61 days; b3 due that day
        "2023-09-30": {"61-90": 4e6, "0-30": 1e6},
        # b4 not due yet
        "2023-10-15": {"61-90": 4e6, "0-30": 1e6},
        # b2 92 days, b3 31, b4 6 - 1 due that day
        "2023-10-31": {"90+": 4e6, "31-60": 1e6, "0-30": 5e6},
    }
    for as_of, buckets in expected.items():
        frame = ac.arrears(led, as_of=as_of).frame
        got = {b: float(frame[b].sum()) for b in ac.AGE_BUCKETS if frame[b].sum()}
        assert got == pytest.approx(buckets), as_of
