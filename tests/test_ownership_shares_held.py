"""A holder known only by its number of shares (``shares: 15M``, no ``share:``) is read, at its
record's date, as those shares over the company's share count in force then, and from then on
is diluted by later rounds and sold from like a holder written as a percentage.

Before, its share was read only at the end (its shares over the latest count): never diluted by
a later round, never reduced by a sale naming it as seller, the holders above 100%.

Every expected figure is worked by hand from the records below, in the comments.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# The probe's ledger (its warrant left out: ownership does not read warrants).
# share_counts subco 2024-01-01: basic 100M, diluted 120M.
# 2024-01: holdco 60% (basic); founder 15M shares -> 15M / 100M = 15%; invx 25% (wire,
#   2024-02-01) vs 22% (finpost, 2024-02-20): one stake, the latest 22%. others 3%.
# 2024-06-01 Series B closed: $50M at $250M post: every holder x (1 - 50/250) = 0.8:
#   holdco 48%, founder 12%, invx 17.6%, others 2.4%; invy bought 20% in it (round:).
# 2024-09-15 secondary: invx buys 5% from the founder: founder 12 - 5 = 7%, invx 22.6%.
# As of 2024-12-31: holdco 48%, invx 22.6%, invy 20%, founder 7%, others 2.4% (sum 100%).
PROBE = """
sources:
- {id: wire-2024-02, outlet: TechWire, title: Who owns SubCo, date: 2024-02-01}
- {id: finpost-2024-02, outlet: FinPost, title: SubCo's cap table, date: 2024-02-20}
- {id: wire-2024-06, outlet: TechWire, title: SubCo raises $50M, date: 2024-06-01}
- {id: wire-2024-09, outlet: TechWire, title: InvX buys founder shares, date: 2024-09-15}
entities:
- {id: holdco, name: HoldCo, type: company}
- {id: subco, name: SubCo, type: company, controlled_by: [holdco]}
- {id: founder, name: Jane Founder, type: person}
- {id: invx, name: InvX, type: investor}
- {id: invy, name: InvY, type: investor}
share_counts:
- id: subco-shares-2024-01
  sources: [{source: wire-2024-02, quote: "100 million shares, 120 million fully diluted."}]
  company: subco
  date: 2024-01-01
  basic: 100M
  diluted: 120M
stakes:
- id: holdco-subco-2024-01
  sources: [{source: wire-2024-02, quote: "HoldCo owns 60% of SubCo."}]
  holder: holdco
  company: subco
  date: 2024-01
  event: holding
  share: 60%
- id: founder-subco-2024-01
  sources: [{source: wire-2024-02, quote: "Founder Jane holds 15 million shares."}]
  holder: founder
  company: subco
  date: 2024-01
  event: holding
  shares: 15M
- id: invx-subco-a
  sources: [{source: wire-2024-02, quote: "InvX holds 25%."}]
  holder: invx
  company: subco
  date: 2024-01
  event: holding
  share: 25%
- id: invx-subco-b
  sources: [{source: finpost-2024-02, quote: "InvX's stake is 22%."}]
  holder: invx
  company: subco
  date: 2024-01
  event: holding
  share: 22%
- id: invy-subco-b
  sources: [{source: wire-2024-06, quote: "InvY bought 20% of SubCo in the round."}]
  holder: invy
  company: subco
  date: 2024-06-01
  event: purchase
  purchase: primary
  round: subco-series-b
  share: 20%
  paid: $50M
- id: invx-subco-secondary
  sources: [{source: wire-2024-09, quote: "InvX bought a further 5% from the founder."}]
  holder: invx
  company: subco
  date: 2024-09-15
  event: purchase
  purchase: secondary
  seller: founder
  share: 5%
  paid: $12.5M
funding_rounds:
- id: subco-series-b
  sources: [{source: wire-2024-06, quote: "SubCo raised $50 million at $250 million."}]
  company: subco
  date: 2024-06-01
  status: closed
  instrument: equity
  series: Series B
  amount: $50M
  post_money: $250M
  price_per_share: $2.00
  investors: [{investor: invy, amount: $50M}]
"""
FOUNDER_BY_SHARES = "  shares: 15M\n"
FOUNDER_BY_SHARE = "  share: 15%\n"

# Acme: 10M shares (2024-01-01). founder 6M shares -> 60%; vc 40%.
# Round A 2024-03-01: $20M at $100M post: x 0.8 -> founder 48%, vc 32%; fund-a 20% in it.
# Round B 2024-09-01: $30M at $300M post: x 0.9 -> founder 43.2%, vc 28.8%, fund-a 18%;
#   fund-b 10% in it. Sum 43.2 + 28.8 + 18 + 10 = 100%: others 0.
TWO_ROUNDS = """
sources:
- {id: wire, outlet: Wire, title: Acme's holders, date: 2024-01-15}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: founder, name: Founder, type: person}
- {id: vc, name: Venture Capital, type: investor}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
share_counts:
- {id: acme-shares, company: acme, date: 2024-01-01, basic: 10M}
stakes:
- {id: founder-holds, holder: founder, company: acme, date: 2024-01, event: holding,
   FOUNDER}
- {id: vc-holds, holder: vc, company: acme, date: 2024-01, event: holding, share: 40%}
- {id: fund-a-buys, holder: fund-a, company: acme, date: 2024-03-01, event: purchase,
   purchase: primary, round: acme-a, share: 20%}
- {id: fund-b-buys, holder: fund-b, company: acme, date: 2024-09-01, event: purchase,
   purchase: primary, round: acme-b, share: 10%}
funding_rounds:
- {id: acme-a, company: acme, date: 2024-03-01, status: closed, instrument: equity,
   amount: $20M, post_money: $100M, investors: [{investor: fund-a, amount: $20M}]}
- {id: acme-b, company: acme, date: 2024-09-01, status: closed, instrument: equity,
   amount: $30M, post_money: $300M, investors: [{investor: fund-b, amount: $30M}]}
"""

SHARE_COLUMNS = [
    f"share_{basis}{end}" for basis in ("basic", "diluted") for end in ("_low", "", "_high")
]


def load(ledger_text: LedgerText, text: str) -> ac.Ledger:
    return ac.load(ledger_text(text))


def row(frame: pd.DataFrame, holder: str) -> dict[str, Any]:
    (found,) = frame[(frame["holder"] == holder).to_numpy()].to_dict("records")
    return found


def basic(frame: pd.DataFrame) -> dict[str, float]:
    return {str(h): float(s) for h, s in zip(frame["holder"], frame["share_basic"], strict=True)}


def test_the_probe_ledger_dilutes_and_sells_the_founder_known_by_shares(
    ledger_text: LedgerText,
) -> None:
    led = load(ledger_text, PROBE)
    o = ac.ownership(led, "subco", as_of="2024-12-31")
    # founder 15% -> x 0.8 = 12% -> less 5% sold = 7%; others 100 - 48 - 22.6 - 20 - 7 = 2.4%
    assert basic(o.frame) == pytest.approx(
        {"holdco": 0.48, "founder": 0.07, "invx": 0.226, "invy": 0.20, "others": 0.024},
        abs=1e-12,
    )
    assert not [w for w in o.warnings if "above 100%" in w]
    founder = row(o.frame, "founder")
    assert "15,000,000 of 100,000,000 shares (subco-shares-2024-01)" in founder["note"]
    assert "subco-shares-2024-01" in set(o.records)
    assert any("number of shares" in a for a in o.assumptions)
    # it sold 5% of a count not known since the round (no shares_issued): its number of
    # shares after the sale is not known, as for a founder written as 15%
    assert math.isnan(founder["shares"])
    # conflicts="all": invx's two reports counted once: base 22% x 0.8 + 5 = 22.6%, low the
    # same, high 25% x 0.8 + 5 = 25%; the founder 7% as under "latest"; others from
    # 100 - (48 + 7 + 25 + 20) = 0 to 2.4%
    every = ac.ownership(led, "subco", as_of="2024-12-31", conflicts="all").frame
    assert row(every, "founder")["share_basic"] == pytest.approx(0.07, abs=1e-12)
    assert row(every, "invx")["share_basic_high"] == pytest.approx(0.25, abs=1e-12)
    others = row(every, "others")
    assert (others["share_basic_low"], others["share_basic_high"]) == pytest.approx(
        (0.0, 0.024), abs=1e-12
    )


def test_a_holder_known_by_shares_is_diluted_by_two_rounds(ledger_text: LedgerText) -> None:
    led = load(ledger_text, TWO_ROUNDS.replace("FOUNDER", "shares: 6M"))
    o = ac.ownership(led, "acme")
    # 6M / 10M = 60%, x 0.8 x 0.9 = 43.2%; vc 40 x 0.72 = 28.8%; fund-a 20 x 0.9 = 18%
    assert basic(o.frame) == pytest.approx(
        {"founder": 0.432, "vc": 0.288, "fund-a": 0.18, "fund-b": 0.10, "others": 0.0},
        abs=1e-12,
    )
    assert not [w for w in o.warnings if "above 100%" in w]
    # between the rounds: 60 x 0.8 = 48%, vc 32%, fund-a 20%, others 0
    mid = ac.ownership(led, "acme", as_of="2024-06-30")
    assert basic(mid.frame) == pytest.approx(
        {"founder": 0.48, "vc": 0.32, "fund-a": 0.20, "others": 0.0}, abs=1e-12
    )
    # its number of shares is its own, unchanged by the rounds
    assert row(o.frame, "founder")["shares"] == 6_000_000


SELLERS = """
sources:
- {id: wire, outlet: Wire, title: Acme's holders, date: 2024-01-15}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: founder, name: Founder, type: person}
- {id: vc, name: Venture Capital, type: investor}
- {id: angel, name: Angel, type: person}
- {id: fund, name: Growth Fund, type: investor}
- {id: ghost, name: Former Employee, type: person}
share_counts:
- {id: acme-shares, company: acme, date: 2024-01-01, basic: 20M}
stakes:
- {id: founder-holds, holder: founder, company: acme, date: 2024-01, event: holding,
   shares: 12M}
- {id: vc-holds, holder: vc, company: acme, date: 2024-01, event: holding, shares: 5M}
- {id: angel-buys, holder: angel, company: acme, date: 2024-05-01, event: purchase,
   purchase: secondary, seller: founder, shares: 3M}
- {id: fund-buys, holder: fund, company: acme, date: 2024-06-01, event: purchase,
   purchase: secondary, seller: vc, share: 5%}
- {id: fund-buys-more, holder: fund, company: acme, date: 2024-07-01, event: purchase,
   purchase: secondary, seller: ghost, share: 2%}
"""


def test_a_holder_known_by_shares_loses_what_it_sells(ledger_text: LedgerText) -> None:
    o = ac.ownership(load(ledger_text, SELLERS), "acme")
    # 20M shares all along (secondary sales issue none): founder 12M = 60%, vc 5M = 25%.
    # angel buys 3M = 15% from the founder: founder 45% (9M); vc sells 5% (1M of 20M):
    # vc 20% (4M); fund 5% + 2% from ghost, who holds nothing known (taken from no one named).
    # others 100 - 45 - 15 - 20 - 7 = 13%
    assert basic(o.frame) == pytest.approx(
        {"founder": 0.45, "vc": 0.20, "angel": 0.15, "fund": 0.07, "others": 0.13}, abs=1e-12
    )
    assert row(o.frame, "founder")["shares"] == 9_000_000
    assert row(o.frame, "vc")["shares"] == 4_000_000
    assert row(o.frame, "angel")["shares"] == 3_000_000
    (ghost,) = [w for w in o.warnings if "ghost" in w]
    assert "fund-buys-more" in ghost
    assert "not known" in ghost
    assert not [w for w in o.warnings if "above 100%" in w]


SEVERAL = """
sources:
- {id: wire, outlet: Wire, title: Acme's holders, date: 2024-01-15}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: founder, name: Founder, type: person}
- {id: inv-a, name: Investor A, type: investor}
- {id: inv-b, name: Investor B, type: investor}
- {id: inv-c, name: Investor C, type: investor}
- {id: new-fund, name: New Fund, type: investor}
share_counts:
- {id: acme-2023, company: acme, date: 2023-12-01, basic: 40M}
stakes:
- {id: founder-holds, holder: founder, company: acme, date: 2024-01, event: holding,
   shares: 12M}
- {id: a-holds, holder: inv-a, company: acme, date: 2024-01, event: holding, shares: 16M}
- {id: b-holds, holder: inv-b, company: acme, date: 2024-01, event: holding, shares: 8M}
- {id: c-holds, holder: inv-c, company: acme, date: 2024-01, event: holding, shares: 4M}
- {id: new-fund-buys, holder: new-fund, company: acme, date: 2024-04-01, event: purchase,
   purchase: primary, round: acme-r, share: 20%}
funding_rounds:
- {id: acme-r, company: acme, date: 2024-04-01, status: closed, instrument: equity,
   amount: $25M, post_money: $125M, price_per_share: $2.50,
   investors: [{investor: new-fund, amount: $25M}]}
"""


def test_several_investors_known_by_shares(ledger_text: LedgerText) -> None:
    o = ac.ownership(load(ledger_text, SEVERAL), "acme")
    # of 40M: founder 30%, a 40%, b 20%, c 10%; $25M at $125M post: x 0.8 -> 24, 32, 16, 8;
    # new-fund 20%; others 0
    assert basic(o.frame) == pytest.approx(
        {
            "founder": 0.24,
            "inv-a": 0.32,
            "inv-b": 0.16,
            "inv-c": 0.08,
            "new-fund": 0.20,
            "others": 0.0,
        },
        abs=1e-12,
    )
    # fully diluted: $125M / $2.50 = 50M after the round: founder 12M / 50M = 24%, a 32%
    assert row(o.frame, "founder")["share_diluted"] == pytest.approx(0.24, abs=1e-12)
    assert row(o.frame, "inv-a")["share_diluted"] == pytest.approx(0.32, abs=1e-12)
    # a later count of 60M (2024-10) holds 10M shares no record states: the holders known by
    # their shares hold them of 60M: founder 20%, a 26.67%, b 13.33%, c 6.67%; new-fund, known
    # by its share only, keeps 20%; others 100 - 86.67 = 13.33%
    later = SEVERAL.replace(
        "stakes:\n", "- {id: acme-2024, company: acme, date: 2024-10-01, basic: 60M}\nstakes:\n"
    )
    o = ac.ownership(load(ledger_text, later), "acme")
    assert basic(o.frame) == pytest.approx(
        {
            "founder": 12 / 60,
            "inv-a": 16 / 60,
            "inv-b": 8 / 60,
            "inv-c": 4 / 60,
            "new-fund": 0.20,
            "others": 1 - 40 / 60 - 0.20,
        },
        abs=1e-12,
    )
    assert "12,000,000 of 60,000,000 shares (acme-2024)" in row(o.frame, "founder")["note"]


def test_shares_held_before_any_share_count_are_warned(ledger_text: LedgerText) -> None:
    # the only count is dated 2024-06 (10M), after the founder's 6M (2024-01) and the round
    # (2024-03): no count in force at 2024-01. The founder keeps today's reading, 6M / 10M =
    # 60% at the end, undiluted; vc 40% x 0.8 = 32%, fund-a 20%: 112%, and a warning names
    # the founder's record and date.
    text = TWO_ROUNDS.replace("FOUNDER", "shares: 6M").replace(
        "2024-01-01, basic", "2024-06, basic"
    )
    o = ac.ownership(load(ledger_text, text), "acme", as_of="2024-06-30")
    assert basic(o.frame)["founder"] == pytest.approx(0.60, abs=1e-12)
    assert basic(o.frame)["vc"] == pytest.approx(0.32, abs=1e-12)
    (warned,) = [w for w in o.warnings if "founder-holds" in w]
    assert "no basic share count is known at its date (2024-01-31" in warned
    assert any("above 100%" in w for w in o.warnings)
    assert any("number of shares" in a for a in o.assumptions)


@pytest.mark.parametrize("conflicts", ["latest", "all"])
def test_shares_give_the_figures_the_same_share_gives(
    ledger_text: LedgerText, conflicts: Any
) -> None:
    """The same ledgers written with the founder's share (15% of 100M, 60% of 10M, a range of
    5M to 6M of 10M) give the same shares on both bases, their ends included."""
    pairs = [
        (PROBE, PROBE.replace(FOUNDER_BY_SHARES, FOUNDER_BY_SHARE), "subco"),
        (
            TWO_ROUNDS.replace("FOUNDER", "shares: 6M"),
            TWO_ROUNDS.replace("FOUNDER", "share: 60%"),
            "acme",
        ),
        (  # 5M to 6M of 10M = 50% to 60% (base 55%), x 0.8 x 0.9: 36% to 43.2% (base 39.6%)
            TWO_ROUNDS.replace("FOUNDER", "shares: 5M to 6M"),
            TWO_ROUNDS.replace("FOUNDER", "share: 50% to 60%"),
            "acme",
        ),
    ]
    for by_shares, by_share, company in pairs:
        assert by_shares != by_share
        a = ac.ownership(load(ledger_text, by_shares), company, conflicts=conflicts).frame
        b = ac.ownership(load(ledger_text, by_share), company, conflicts=conflicts).frame
        assert list(a["holder"]) == list(b["holder"])
        pd.testing.assert_frame_equal(a[SHARE_COLUMNS], b[SHARE_COLUMNS], atol=1e-12)
    ranged = ac.ownership(load(ledger_text, pairs[2][0]), "acme", conflicts=conflicts).frame
    founder = row(ranged, "founder")
    assert (founder["share_basic_low"], founder["share_basic"], founder["share_basic_high"]) == (
        pytest.approx((0.36, 0.396, 0.432), abs=1e-12)
    )
