"""Primary purchases of one round (``round:``) dilute the earlier holders once, by their sum,
and never each other, whether or not the round carries an amount and a post-money, and whether
or not the round is among the records read. Before, a round without those figures (or absent)
let its purchases dilute each other in record order: fund-a 15% then fund-b 5% of one round
gave fund-a 14.25%, and in the other order fund-b 4.25%."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: A, title: A, date: 2024-01-10}
entities:
- {id: kappa, name: Kappa, type: company}
- {id: founder, name: Founder, type: person}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
- {id: fund-c, name: Fund C, type: investor}
funding_rounds:
- {id: k-bare, company: kappa, date: 2023-06, status: closed, sources: [s1]}
- {id: k-priced, company: kappa, date: 2023-06, status: closed, amount: $20M,
   price_per_share: $2, sources: [s1]}
- {id: k-bare2, company: kappa, date: 2024-03, status: closed, sources: [s1]}
- {id: k-late, company: kappa, date: 2025-01, status: closed, amount: $20M,
   post_money: $100M, sources: [s1]}
stakes:
"""
FOUNDER = """- {id: f-all, holder: founder, company: kappa, date: 2023-01, event: holding,
   share: 100%, sources: [s1]}
"""


def _buy(holder: str, share: str, rnd: str, date: str = "2023-06") -> str:
    return (
        f"- {{id: {holder}-buys, holder: {holder}, company: kappa, date: {date}, "
        f"event: purchase,\n   purchase: primary, round: {rnd}, share: {share}, sources: [s1]}}\n"
    )


def _load(ledger_text: LedgerText, stakes: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ac.load(ledger_text(HEAD + stakes))


def _shares(result: Any) -> dict[str, float]:
    frame = result.frame
    return {
        str(h): round(float(s), 6)
        for h, s in zip(frame["holder"], frame["share_basic"], strict=True)
    }


def _own(ledger_text: LedgerText, stakes: str, as_of: str = "2023-12") -> dict[str, float]:
    return _shares(ac.ownership(_load(ledger_text, stakes), "kappa", as_of=as_of))


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_two_purchases_of_a_round_without_figures(ledger_text: LedgerText, order: str) -> None:
    # k-bare has no amount and no post-money: 15% and 5% of the company after it, 80% the rest
    # (before: 15% x 0.95 = 14.25% for fund-a in this order, 5% x 0.85 = 4.25% for fund-b in
    # the other)
    a, b = _buy("fund-a", "15%", "k-bare"), _buy("fund-b", "5%", "k-bare")
    got = _own(ledger_text, a + b if order == "ab" else b + a)
    assert got == {"fund-a": 0.15, "fund-b": 0.05, "others": 0.80}


@pytest.mark.parametrize("order", list(itertools.permutations("abc")))
def test_three_purchases_of_a_round_without_figures(
    ledger_text: LedgerText, order: tuple[str, ...]
) -> None:
    # 10% + 20% + 30% of k-bare: 60% bought, 40% the rest, in every order (before, in the
    # order a, b, c: fund-a 10% x 0.8 x 0.7 = 5.6%, fund-b 20% x 0.7 = 14%)
    buys = {
        "a": _buy("fund-a", "10%", "k-bare"),
        "b": _buy("fund-b", "20%", "k-bare"),
        "c": _buy("fund-c", "30%", "k-bare"),
    }
    got = _own(ledger_text, "".join(buys[k] for k in order))
    assert got == {"fund-a": 0.10, "fund-b": 0.20, "fund-c": 0.30, "others": 0.40}


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_prior_holder_is_diluted_once_by_the_sum(ledger_text: LedgerText, order: str) -> None:
    # founder 100% x (1 - (15% + 5%)) = 80% (before: 80.75% and fund-a 14.25% in this order)
    a, b = _buy("fund-a", "15%", "k-bare"), _buy("fund-b", "5%", "k-bare")
    got = _own(ledger_text, FOUNDER + (a + b if order == "ab" else b + a))
    assert got == {"founder": 0.80, "fund-a": 0.15, "fund-b": 0.05, "others": 0.0}


@pytest.mark.parametrize("order", ["fa", "af"])
def test_a_prior_holder_buying_in_the_round(ledger_text: LedgerText, order: str) -> None:
    # founder 100%; in k-bare the founder buys 10% and fund-a 15%: founder 100% x 0.75 + 10%
    # = 85%, fund-a 15% (before, fund-a first: founder 85% x 0.9 + 10% = 86.5%, fund-a 13.5%)
    f, a = _buy("founder", "10%", "k-bare"), _buy("fund-a", "15%", "k-bare")
    got = _own(ledger_text, FOUNDER + (f + a if order == "fa" else a + f))
    assert got == {"founder": 0.85, "fund-a": 0.15, "others": 0.0}


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_round_with_money_and_price_but_no_count(ledger_text: LedgerText, order: str) -> None:
    # k-priced: $20M at $2 a share is 10M new shares, but no count before them is known, so
    # it dilutes no one by itself: its purchases do, once (founder 100% x 0.8 = 80%)
    a, b = _buy("fund-a", "15%", "k-priced"), _buy("fund-b", "5%", "k-priced")
    got = _own(ledger_text, FOUNDER + (a + b if order == "ab" else b + a))
    assert got == {"founder": 0.80, "fund-a": 0.15, "fund-b": 0.05, "others": 0.0}


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_round_not_read_yet(ledger_text: LedgerText, order: str) -> None:
    # k-late is dated after as_of (2023-12): not read, yet its purchases dated 2023-06 are one
    # round: founder 80%, fund-a 15%, fund-b 5% (before: founder 80.75%)
    a, b = _buy("fund-a", "15%", "k-late"), _buy("fund-b", "5%", "k-late")
    got = _own(ledger_text, FOUNDER + (a + b if order == "ab" else b + a))
    assert got == {"founder": 0.80, "fund-a": 0.15, "fund-b": 0.05, "others": 0.0}


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_round_not_in_the_tables(ledger_text: LedgerText, order: str) -> None:
    # tables without funding_rounds: the round id alone groups the purchases
    a, b = _buy("fund-a", "15%", "k-bare"), _buy("fund-b", "5%", "k-bare")
    ledger = _load(ledger_text, FOUNDER + (a + b if order == "ab" else b + a))
    tables = {k: ledger.frame(k) for k in ("stakes", "entities")}
    got = _shares(ac.ownership(tables, "kappa"))
    assert got == {"founder": 0.80, "fund-a": 0.15, "fund-b": 0.05, "others": 0.0}


def test_purchases_of_two_rounds_without_figures(ledger_text: LedgerText) -> None:
    # two rounds are two dilutions: k-bare (fund-a 15%, fund-b 5%), then k-bare2's fund-c 10%
    # read at 2024-06: fund-a 15% x 0.9 = 13.5%, fund-b 4.5%, fund-c 10%
    stakes = (
        _buy("fund-a", "15%", "k-bare")
        + _buy("fund-b", "5%", "k-bare")
        + _buy("fund-c", "10%", "k-bare2", date="2024-03")
    )
    got = _own(ledger_text, stakes, as_of="2024-06")
    assert got == {"fund-a": 0.135, "fund-b": 0.045, "fund-c": 0.10, "others": 0.72}


def test_the_other_basis_warning_names_the_round_once(ledger_text: LedgerText) -> None:
    # the founder's 100% is of the fully diluted shares: the round's 15% + 5% of the basic
    # shares do not dilute it, and one warning says so for the round (before: one per purchase)
    founder = FOUNDER.replace("share: 100%", "share: 100%, diluted: true")
    a, b = _buy("fund-a", "15%", "k-bare"), _buy("fund-b", "5%", "k-bare")
    result = ac.ownership(_load(ledger_text, founder + a + b), "kappa", as_of="2023-12")
    said = [w for w in result.warnings if "bought new shares" in w]
    assert said == [
        "kappa: the purchases in k-bare bought new shares (20% of its basic shares): the "
        "diluted shares of founder are not diluted by them (how many they are of that basis "
        "is not known)"
    ]
