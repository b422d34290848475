"""Unpaid cloud bills paid in a scenario are paid once: a bill named twice in ``pay(bills=)``,
or paid by a ``pay`` and again by a later ``pay()`` of every unpaid bill, left twice (the bill
of $1.5M named twice: 9.0 months instead of 10.5; paid in May, then every unpaid bill in June:
6.2 instead of 7.7). A later ``pay()`` or ``forgive()`` takes the bills left; naming a bill paid
or forgiven earlier in the scenario is an error.

Beta: $12M at the end of March 2024, payroll $1M a month: 12 months (policy disbursed). Bills
to CloudCo: bill-a billed $2M, $0.5M paid (owes $1.5M, due February); bill-b billed EUR 1M to
2M at $1.20 ($1.8M, $1.2M to $2.4M, due March 15); bill-c $1M outstanding, due April 15 (not
due at as_of: policy arrears leaves it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
- {id: cloudco, name: CloudCo, type: cloud_provider}
fx_rates:
- {id: fx-eur-1, sources: [src-a], currency: EUR, date: 2024-01, usd: 1.2}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
cloud_bills:
- {id: bill-a, sources: [src-a], payer: beta, provider: cloudco, period: 2024-01,
   billed: $2M, due: 2024-02-15, payments: [{amount: $0.5M, date: 2024-02-20}]}
- {id: bill-b, sources: [src-a], payer: beta, provider: cloudco, period: 2024-02,
   billed: €1M to €2M, due: 2024-03-15}
- {id: bill-c, sources: [src-a], payer: beta, provider: cloudco, period: 2024-03,
   outstanding: $1M, due: 2024-04-15}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51bills") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def figures(led: ac.Ledger, *adjustments: object, policy: str = "disbursed") -> list[float]:
    table = ac.compare(
        led,
        "beta",
        [ac.Scenario("x", adjustments)],
        as_of="2024-03",
        policy=policy,  # type: ignore[arg-type]
    )
    return table.frame.loc["x", ["months", "months_low", "months_high"]].tolist()


def test_a_bill_named_twice_is_paid_once(led: ac.Ledger) -> None:
    twice = ac.pay(bills=["bill-a", "bill-a"], on="2024-05")
    assert twice.bills == ("bill-a",)
    assert figures(led, twice) == pytest.approx([12 - 1.5] * 3)  # got 9.0


def test_every_unpaid_bill_after_one_paid_is_the_rest(led: ac.Ledger) -> None:
    """bill-a in May, then bill-b and bill-c in June: 12 - 1.5 - 1.8 - 1 = 7.7 (bill-b at
    its ends: 12 - 1.5 - 2.4 - 1 = 7.1 and 8.3); got 6.2, bill-a paid twice."""
    one = ac.pay(bills="bill-a", on="2024-05")
    assert figures(led, one, ac.pay(on="2024-06")) == pytest.approx([7.7, 7.1, 8.3])
    table = ac.compare(
        led, "beta", [ac.Scenario("x", [one, ac.pay(on="2024-06")])], as_of="2024-03"
    )
    assert "bills bill-b, bill-c ($2.80M unpaid) paid in 2024-06" in table.explain("x")[1]
    # forgiven first, the rest paid: 12 - 1.8 - 1 = 9.2 (9.2 - 0.6 to 9.2 + 0.6)
    forgiven = ac.forgive(bills="bill-a")
    assert figures(led, forgiven, ac.pay(on="2024-06")) == pytest.approx([9.2, 8.6, 9.8])


@pytest.mark.parametrize(
    "adjustments",
    [
        [ac.pay(bills="bill-a", on="2024-05"), ac.pay(bills=["bill-b", "bill-a"])],
        [ac.forgive(bills="bill-a"), ac.pay(bills="bill-a")],
        [ac.pay(), ac.pay(on="2024-06")],
        [ac.forgive(), ac.forgive()],
    ],
    ids=["pay-pay", "forgive-pay", "all-all", "forgive-forgive"],
)
def test_a_bill_settled_earlier_is_refused(led: ac.Ledger, adjustments: list[object]) -> None:
    with pytest.raises(ac.AdjustmentError, match="paid or forgiven earlier") as caught:
        figures(led, *adjustments)
    assert caught.value.field == "bills"


def test_policy_arrears(led: ac.Ledger) -> None:
    """Arrears at the end of March: bill-a's $1.5M and bill-b's $1.8M (bill-c is not due):
    12 - 3.3 = 8.7; bill-b forgiven: 12 - 1.5 = 10.5; every bill paid in June: 7.7."""
    assert figures(led, policy="arrears") == pytest.approx([8.7, 8.1, 9.3])
    assert figures(led, ac.forgive(bills="bill-b"), policy="arrears") == pytest.approx([10.5] * 3)
    first = ac.pay(bills="bill-a", on="2024-05")
    paid = figures(led, first, ac.pay(on="2024-06"), policy="arrears")
    assert paid == pytest.approx([7.7, 7.1, 8.3])
