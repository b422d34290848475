"""Primary purchases of one round do not dilute each other: the round's money (its amount over
its post-money) dilutes the earlier holders once and each purchase adds its share. With no
holder before the round, the round was not marked as diluting, and its two purchases (15% and
5% of a $20M round at $100M post-money) diluted each other in record order (fund-a 14.25%)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

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
funding_rounds:
- {id: k-seed, company: kappa, date: 2023-06, status: closed, amount: $20M,
   post_money: $100M, sources: [s1]}
- {id: k-a-round, company: kappa, date: 2024-02, status: closed, amount: $5M,
   post_money: $100M, sources: [s1]}
stakes:
"""
A = """- {id: k-a, holder: fund-a, company: kappa, date: 2023-06, event: purchase,
   purchase: primary, round: k-seed, share: 15%, sources: [s1]}
"""
B = """- {id: k-b, holder: fund-b, company: kappa, date: 2023-06, event: purchase,
   purchase: primary, round: k-seed, share: 5%, sources: [s1]}
"""
B_LATER = """- {id: k-b, holder: fund-b, company: kappa, date: 2024-02, event: purchase,
   purchase: primary, round: k-a-round, share: 5%, sources: [s1]}
"""
FOUNDER = """- {id: f-all, holder: founder, company: kappa, date: 2023-01, event: holding,
   share: 100%, sources: [s1]}
"""


def _shares(ledger_text: LedgerText, stakes: str, as_of: str = "2024-06") -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + stakes))
    frame = ac.ownership(ledger, "kappa", as_of=as_of).frame
    return {
        str(h): round(float(s), 6)
        for h, s in zip(frame["holder"], frame["share_basic"], strict=True)
    }


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_two_purchases_of_one_round_add_their_shares(ledger_text: LedgerText, order: str) -> None:
    stakes = A + B if order == "ab" else B + A
    # no holder before k-seed: 15% and 5% of the company after it; 80% the rest
    got = _shares(ledger_text, stakes, as_of="2023-12")
    assert got == {"fund-a": 0.15, "fund-b": 0.05, "others": 0.80}


def test_the_round_dilutes_an_earlier_holder_once(ledger_text: LedgerText) -> None:
    # founder 100% x (1 - $20M / $100M) = 80%; fund-a 15%, fund-b 5%
    got = _shares(ledger_text, FOUNDER + A + B, as_of="2023-12")
    assert got == {"founder": 0.80, "fund-a": 0.15, "fund-b": 0.05, "others": 0.0}


def test_purchases_of_two_rounds_dilute_the_earlier_one(ledger_text: LedgerText) -> None:
    # k-a-round ($5M at $100M post-money) dilutes fund-a's 15% by 5%: 14.25%; fund-b 5%
    got = _shares(ledger_text, A + B_LATER)
    assert got == {"fund-a": 0.1425, "fund-b": 0.05, "others": 0.8075}
