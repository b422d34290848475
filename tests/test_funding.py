"""Each investor pays its own share of a round (aicapex.table.funding).

Expected figures are derived from the rounds as written: a participation with an amount pays
that amount; the rest comes from 'undisclosed'; one named investor without an amount pays all;
several without amounts never get an invented split.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.table.funding import UNDISCLOSED

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
- {id: fund-c, name: Fund C, type: investor}
"""


def legs(led: ac.Ledger, round_id: str) -> pd.DataFrame:
    f = led.flows()
    return f[(f["record"] == round_id).to_numpy()]


def paid_by(led: ac.Ledger, round_id: str) -> dict[str, float]:
    rows = legs(led, round_id)
    company = rows[(rows["direction"] == 1).to_numpy()]
    return company.groupby(company["payer"].astype(object))["amount"].sum().to_dict()


def test_a_participation_with_an_amount_pays_that_amount(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $900M
  investors: [{investor: fund-a, amount: $150M}]
"""
        )
    )
    assert paid_by(led, "r") == {"fund-a": 150e6, UNDISCLOSED: 750e6}
    investor = legs(led, "r")
    investor = investor[(investor["entity"] == "fund-a").to_numpy()]
    assert investor["amount"].sum() == 150e6
    assert (investor["direction"] == -1).all()
    assert set(investor["category"].astype(object)) == {"investment"}
    assert UNDISCLOSED not in set(led.flows()["entity"].astype(object))


def test_several_investors_each_pay_their_own(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $100M
  investors:
  - {investor: fund-a, amount: $60M, lead: true}
  - {investor: fund-b, amount: $40M}
"""
        )
    )
    assert paid_by(led, "r") == {"fund-a": 60e6, "fund-b": 40e6}


def test_several_investors_without_amounts_are_never_split(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $100M
  investors: [{investor: fund-a}, {investor: fund-b}]
"""
        )
    )
    assert paid_by(led, "r") == {UNDISCLOSED: 100e6}
    assert set(led.flows()["entity"].astype(object)) == {"acme"}


def test_one_investor_without_an_amount_pays_all(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r, company: acme, date: 2024-03, amount: $100M, investors: [{investor: fund-a}]}
"""
        )
    )
    assert paid_by(led, "r") == {"fund-a": 100e6}


def test_a_round_without_an_amount_moves_what_its_participations_give(
    ledger_text: LedgerText,
) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  investors: [{investor: fund-a, amount: $10M}, {investor: fund-b, amount: $5M}, {investor: fund-c}]
"""
        )
    )
    assert paid_by(led, "r") == {"fund-a": 10e6, "fund-b": 5e6}


def test_a_round_known_by_its_participations_has_their_currency_and_dollars(
    ledger_text: LedgerText,
) -> None:
    """The round's flows took the currency of its own amount, which it has not: no currency and
    no dollars, so the runway refused its own company's dollars ('an unknown currency'; with a
    TypeError from inside when the currency was NaN)."""
    rounds = """
funding_rounds:
- {id: r, company: acme, date: 2023-06, investors: [{investor: fund-a, amount: $100M}]}
- {id: y, company: acme, date: 2023-06, investors: [{investor: fund-b, amount: ¥10B}]}
cash_balances:
- {id: c, company: acme, date: 2023-10, amount: $5M}
fx_rates:
- {id: jpy, currency: JPY, date: 2023-01-01, usd: 0.007}
"""
    led = ac.load(ledger_text(HEAD + rounds))
    r = legs(led, "r")
    assert r["currency"].astype(object).tolist() == ["USD", "USD"]
    assert r["amount_usd"].tolist() == [100e6, 100e6]
    y = legs(led, "y")
    assert y["currency"].astype(object).tolist() == ["JPY", "JPY"]
    assert y["amount_usd"].tolist() == [70e6, 70e6]
    # (acme records no spending: a runway needs a burn given)
    assert ac.runway(led, "acme", as_of="2023-10", burn_after=1e6).months > 0
    mixed = """
- id: mixed
  company: acme
  date: 2023-07
  investors: [{investor: fund-a, amount: $1M}, {investor: fund-c, amount: €1M}]
"""
    led = ac.load(ledger_text(HEAD + rounds.replace("cash_balances:", mixed + "cash_balances:")))
    assert legs(led, "mixed")["amount_usd"].isna().all()  # no one currency: no dollars
    with pytest.raises(ValueError, match="an unknown currency have no exchange rate"):
        ac.runway(led, "acme", as_of="2023-10", burn_after=1e6)


def test_tranches_are_split_pro_rata_to_the_cent(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  status: committed
  amount: $100M
  investors: [{investor: fund-a, amount: $30M}]
  tranches:
  - {amount: $33.33M, status: disbursed, date: 2024-04}
  - {amount: $0.01, status: committed}
"""
        )
    )
    rows = legs(led, "r")
    company = rows[(rows["direction"] == 1).to_numpy()]
    # every piece's legs add up to it, to the cent
    per_status = company.groupby(company["status"].astype(object))["cents"].sum().to_dict()
    assert per_status == {"disbursed": 3_333_000_000, "committed": 6_667_000_000}
    disbursed = company[(company["status"] == "disbursed").to_numpy()]
    by_payer = disbursed.groupby(disbursed["payer"].astype(object))["cents"].sum().to_dict()
    assert by_payer == {"fund-a": 999_900_000, UNDISCLOSED: 2_333_100_000}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amount=st.integers(1, 10**9),
    parts=st.lists(st.integers(1, 10**8), max_size=3),
    tranches=st.lists(st.integers(1, 10**8), max_size=3),
    unnamed=st.integers(0, 2),
)
def test_money_is_conserved_over_the_legs(
    ledger_text: LedgerText, amount: int, parts: list[int], tranches: list[int], unnamed: int
) -> None:
    """Whatever the shape of the round, its legs move exactly its money: what the company gets
    equals the round's amount (or its participations' sum), and each named investor pays out
    exactly what the company gets from it."""
    total = max(amount, sum(parts), sum(tranches))
    investors = [f"{{investor: fund-{'abc'[i]}, amount: ${p}}}" for i, p in enumerate(parts)]
    investors += [f"{{investor: other-{i}}}" for i in range(unnamed)]
    extra = "".join(f"- {{id: other-{i}, name: O{i}, type: investor}}\n" for i in range(unnamed))
    text = (
        HEAD
        + extra
        + f"""
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  status: committed
  amount: ${total}
  investors: [{", ".join(investors)}]
  tranches: [{", ".join(f"{{amount: ${t}, status: disbursed}}" for t in tranches)}]
"""
    )
    led = ac.load(ledger_text(text))
    rows = legs(led, "r")
    company = rows[(rows["direction"] == 1).to_numpy()]
    assert company["cents"].sum() == total * 100
    outgoing = rows[(rows["direction"] == -1).to_numpy()]
    named = company[(company["payer"] != UNDISCLOSED).to_numpy()]
    assert outgoing["cents"].sum() == named["cents"].sum()
    for i, p in enumerate(parts):
        mine = company[(company["payer"] == f"fund-{'abc'[i]}").to_numpy()]
        # rounded per piece: off by at most a cent a piece and payer
        assert abs(mine["cents"].sum() - p * 100) <= (len(tranches) + 1) * (len(parts) + 2)
