"""New shares dilute the holders (review of the hand-checked figures): a round stating only the
shares it issued (``shares_issued``) and an IPO's new shares (``listings``: ``primary``) did not
dilute anyone; now each holder keeps old / (old + new) of its share on each basis whose count
before them is known, and a warning says when it is not.

Every expected figure is worked by hand from the records below, in the comments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: wire, outlet: Wire, title: Acme's holders, date: 2024-01}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: founder, name: Founder, type: person}
- {id: vc, name: Venture Capital, type: investor}
- {id: fund, name: Growth Fund, type: investor}
"""

# 8M of 10M shares outstanding (80%), 8M of 20M fully diluted (40%); vc 2M (20%)
HOLDERS = """
stakes:
- {id: founder-basic, holder: founder, company: acme, date: 2024-01, event: holding,
   share: 80%, shares: 8M}
- {id: founder-diluted, holder: founder, company: acme, date: 2024-01, event: holding,
   share: 40%, shares: 8M, diluted: true}
- {id: vc-basic, holder: vc, company: acme, date: 2024-01, event: holding, share: 20%,
   shares: 2M}
"""

# a round reported by the shares it issued only: 2.5M new shares, fund buying all of them
ROUND = """
funding_rounds:
- {id: acme-b, company: acme, date: 2024-06, shares_issued: 2.5M}
"""
FUND = """
- {id: fund-b, holder: fund, company: acme, date: 2024-06, event: purchase, purchase: primary,
   round: acme-b, shares: 2.5M}
"""


def load(ledger_text: LedgerText, body: str) -> ac.Ledger:
    return ac.load(ledger_text(HEAD + body))


def row(frame: pd.DataFrame, holder: str) -> dict[str, Any]:
    (found,) = frame[(frame["holder"] == holder).to_numpy()].to_dict("records")
    return found


def shares_of(frame: pd.DataFrame, basis: str = "basic") -> dict[str, float]:
    col = frame[f"share_{basis}"]
    return {str(h): float(s) for h, s in zip(frame["holder"], col, strict=True)}


def test_shares_issued_dilute_by_old_over_old_plus_new(ledger_text: LedgerText) -> None:
    led = load(ledger_text, HOLDERS + FUND + ROUND)
    o = ac.ownership(led, "acme")
    f = o.frame
    # basic: 10M before, 12.5M after: x 0.8. founder 64%, vc 16%, fund 2.5M / 12.5M = 20%
    assert shares_of(f) == pytest.approx(
        {"founder": 0.64, "vc": 0.16, "fund": 0.20, "others": 0.0}, abs=1e-12
    )
    # fully diluted: 20M before, 22.5M after: founder 8M / 22.5M; fund 2.5M / 22.5M
    diluted = shares_of(f, "diluted")
    assert diluted["founder"] == pytest.approx(8 / 22.5, abs=1e-12)
    assert diluted["fund"] == pytest.approx(2.5 / 22.5, abs=1e-12)
    assert "acme-b" in set(o.records)
    # before the round: as reported
    before = ac.ownership(led, "acme", as_of="2024-05").frame
    assert shares_of(before) == pytest.approx({"founder": 0.8, "vc": 0.2, "others": 0.0})


IPO = """
share_counts:
- id: acme-count
  company: acme
  date: 2024-12-31
  basic: 100M
listings:
- id: acme-ipo
  company: acme
  date: {date}
  price: $20
  shares_offered: 30M
  primary: {primary}
  secondary: 5M
"""

TWO = """
stakes:
- {id: founder-2024, holder: founder, company: acme, date: 2024-06, event: holding, share: 60%}
- {id: vc-2024, holder: vc, company: acme, date: 2024-06, event: holding, share: 20% to 30%}
"""


def test_an_ipo_dilutes_by_its_new_shares(ledger_text: LedgerText) -> None:
    led = load(ledger_text, TWO + IPO.format(date="Q1 2025", primary="25M"))
    o = ac.ownership(led, "acme")
    f = o.frame
    # 100M counted before the IPO (Dec 31), 25M new: x 100 / 125 = 0.8. founder 48%;
    # vc 20..30% (base 25%) -> 16%, 20%, 24%; others 100 - 48 - 20 = 32%, its ends
    # 1 - (48 + 24) = 28% and 1 - (48 + 16) = 36%. The 5M secondary shares: nobody named.
    assert shares_of(f) == pytest.approx({"founder": 0.48, "vc": 0.20, "others": 0.32}, abs=1e-12)
    vc, others = row(f, "vc"), row(f, "others")
    assert (vc["share_basic_low"], vc["share_basic_high"]) == pytest.approx((0.16, 0.24))
    assert (others["share_basic_low"], others["share_basic_high"]) == pytest.approx((0.28, 0.36))
    assert {"acme-ipo", "acme-count"} <= set(o.records)
    # as of before the listing: undiluted
    before = ac.ownership(led, "acme", as_of="2024-12").frame
    assert shares_of(before)["founder"] == pytest.approx(0.6)


def test_an_ipo_without_primary_takes_offered_less_secondary(ledger_text: LedgerText) -> None:
    body = TWO + IPO.format(date="2025-03-14", primary="25M").replace("  primary: 25M\n", "")
    f = ac.ownership(load(ledger_text, body), "acme").frame
    # 30M offered less 5M secondary: 25M new, as above
    assert shares_of(f)["founder"] == pytest.approx(0.48, abs=1e-12)


def test_new_shares_without_a_count_before_are_a_warning(ledger_text: LedgerText) -> None:
    # the only count is dated after the IPO: the shares before it are not known
    body = (TWO + IPO.format(date="2024-10", primary="25M")).replace("2024-12-31", "2025-01")
    o = ac.ownership(load(ledger_text, body), "acme")
    assert shares_of(o.frame)["founder"] == pytest.approx(0.6)  # not diluted: not guessed
    assert any("acme-ipo issued 25,000,000 new shares" in w for w in o.warnings)
