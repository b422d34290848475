"""Ownership with a holder known on both bases and new shares stated on one (analyses probe).

A primary purchase of a share S dilutes every other holder by 1 - S on S's basis; the new shares
are fully diluted shares too, but how many they are of that basis is not known, and the holders'
fully diluted shares were kept as they were without a word. A warning now says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

#: H: 15M of 100M shares (15%) and 12% fully diluted; a $50M round at $250M post-money (x 0.8):
#: 12% and 9.6%; B buys 5% from H: 7%; D buys 10% of new basic shares: H 6.3%, B 4.5%.
LEDGER = """
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: h, name: H, type: investor}
- {id: b, name: B, type: investor}
- {id: d, name: D, type: investor}
share_counts:
- {id: cnt, company: co, date: 2022-12-31, basic: 100M, diluted: 125M, sources: [s1]}
stakes:
- {id: h1, holder: h, company: co, date: 2023-01, event: holding, shares: 15M, sources: [s1]}
- {id: h1d, holder: h, company: co, date: 2023-01, event: holding, share: 12%, diluted: true,
   sources: [s1]}
- {id: b1, holder: b, company: co, date: 2023-09, event: purchase, purchase: secondary,
   seller: h, share: 5%, paid: $15M, sources: [s1]}
- {id: d1, holder: d, company: co, date: 2024-02, event: purchase, purchase: primary,
   share: 10%, paid: $40M, sources: [s1]}
funding_rounds:
- {id: r1, company: co, date: 2023-06, status: closed, amount: $50M, post_money: $250M,
   sources: [s1]}
"""

SAID = (
    "co: d1 bought new shares (10% of its basic shares): the diluted shares of h are not "
    "diluted by them (how many they are of that basis is not known)"
)


def test_new_shares_of_one_basis_warn_of_the_other(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LEDGER))
    before = ac.ownership(led, "co", as_of="2023-12")
    frame = before.frame.set_index("holder")
    assert frame.loc["h", "share_basic"] == pytest.approx(0.07)
    assert frame.loc["h", "share_diluted"] == pytest.approx(0.096)
    assert frame.loc["b", "share_basic"] == pytest.approx(0.05)
    assert SAID not in before.warnings
    after = ac.ownership(led, "co", as_of="2024-03")
    frame = after.frame.set_index("holder")
    assert frame.loc["h", "share_basic"] == pytest.approx(0.063)
    assert frame.loc["b", "share_basic"] == pytest.approx(0.045)
    assert frame.loc["d", "share_basic"] == pytest.approx(0.10)
    assert frame.loc["others", "share_basic"] == pytest.approx(0.792)
    assert frame.loc["h", "share_diluted"] == pytest.approx(0.096)  # kept, and said
    assert SAID in after.warnings
