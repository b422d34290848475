"""A primary purchase of a known number of new shares grows both counts in force at its date,
the basic and the fully diluted (new shares outstanding are new fully diluted shares too), so
every holder's share on either basis is over the grown count. Before, only the count of the
basis the purchase was reported on grew: with 100M basic and 125M fully diluted shares, 10M
new shares left the fully diluted count at 125M (the buyer 10M of 125M, a 100M holder 80%
instead of 100M of 135M, 74.07%)."""

from __future__ import annotations

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
- {id: founder, name: F, type: person}
- {id: esop, name: Pool, type: investor}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
- {id: hb, name: HB, type: investor}
"""
BOTH = """share_counts:
- {id: cnt, company: kappa, date: 2023-12-31, basic: 100M, diluted: 125M, sources: [s1]}
"""
BASIC_ONLY = """share_counts:
- {id: cnt, company: kappa, date: 2023-12-31, basic: 100M, sources: [s1]}
"""
FOUNDER = """- {id: f-all, holder: founder, company: kappa, date: 2024-01, event: holding,
   shares: 100M, sources: [s1]}
"""
ESOP = """- {id: pool, holder: esop, company: kappa, date: 2024-01, event: holding,
   share: 20%, diluted: true, sources: [s1]}
"""


def _buy(
    rid: str, holder: str, date: str, shares: str, extra: str = "", kind: str = "primary"
) -> str:
    return (
        f"- {{id: {rid}, holder: {holder}, company: kappa, date: {date}, event: purchase, "
        f"purchase: {kind},\n   shares: {shares}{extra}, sources: [s1]}}\n"
    )


def _own(ledger_text: LedgerText, text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + text))
    return ac.ownership(ledger, "kappa")


def _shares(result: Any, basis: str) -> dict[str, float]:
    frame = result.frame
    return {
        str(h): round(float(s), 6)
        for h, s in zip(frame["holder"], frame[f"share_{basis}"], strict=True)
    }


def test_both_counts_grow(ledger_text: LedgerText) -> None:
    # 100M basic, 125M fully diluted; founder 100M; fund-a 10M new shares in 2024-03.
    # basic: 110M: founder 100/110 = 90.9091%, fund-a 10/110 = 9.0909%
    # diluted: 135M: founder 100/135 = 74.0741%, fund-a 10/135 = 7.4074%, others 25/135
    # (before: 125M: founder 80%, fund-a 8%, others 12%)
    got = _own(ledger_text, BOTH + "stakes:\n" + FOUNDER + _buy("k-a", "fund-a", "2024-03", "10M"))
    assert _shares(got, "basic") == {
        "founder": round(100 / 110, 6),
        "fund-a": round(10 / 110, 6),
        "others": 0.0,
    }
    assert _shares(got, "diluted") == {
        "founder": round(100 / 135, 6),
        "fund-a": round(10 / 135, 6),
        "others": round(25 / 135, 6),
    }
    assert "diluted share: 100,000,000 of 135,000,000 shares" in got.frame["note"][0]


def test_a_diluted_percentage_is_diluted_by_the_new_shares(ledger_text: LedgerText) -> None:
    # the pool holds 20% of the 125M fully diluted shares (25M); 10M new shares: 25 / 135 =
    # 20% x 125 / 135 = 18.5185% (before: 20%, and a warning that it was not diluted)
    text = BOTH + "stakes:\n" + FOUNDER + ESOP + _buy("k-a", "fund-a", "2024-03", "10M")
    got = _own(ledger_text, text)
    diluted = _shares(got, "diluted")
    assert diluted["esop"] == round(0.20 * 125 / 135, 6)
    assert diluted["founder"] == round(100 / 135, 6)
    assert diluted["fund-a"] == round(10 / 135, 6)
    # 25 + 100 + 10 of 135: nobody else
    assert diluted["others"] == 0.0
    assert not [w for w in got.warnings if "not diluted" in w]


def test_a_buyer_holding_a_diluted_share_gets_its_new_shares(ledger_text: LedgerText) -> None:
    # the pool (20% of 125M fully diluted: 25M) buys 10M new shares reported on the basic
    # basis: 10/110 basic; fully diluted (25 + 10) / 135 = 25.9259%, the founder 100/135
    # (before: the pool kept 20%, a warning that it was not diluted)
    text = BOTH + "stakes:\n" + FOUNDER + ESOP + _buy("k-a", "esop", "2024-03", "10M")
    got = _own(ledger_text, text)
    assert _shares(got, "basic")["esop"] == round(10 / 110, 6)
    assert _shares(got, "diluted") == {
        "founder": round(100 / 135, 6),
        "esop": round(35 / 135, 6),
        "others": 0.0,
    }


def test_a_purchase_on_the_diluted_basis_grows_the_basic_count(ledger_text: LedgerText) -> None:
    # fund-a's 10M new shares reported on the fully diluted basis: 10 / 135 = 7.4074% of it;
    # the basic count grows too: founder 100 / 110 = 90.9091%, fund-a 10 / 110 at the end
    # (before: basic 100M, founder 100% and fund-a 10%)
    buy = _buy("k-a", "fund-a", "2024-03", "10M", ", diluted: true")
    got = _own(ledger_text, BOTH + "stakes:\n" + FOUNDER + buy)
    assert _shares(got, "basic") == {
        "founder": round(100 / 110, 6),
        "fund-a": round(10 / 110, 6),
        "others": 0.0,
    }
    assert _shares(got, "diluted")["fund-a"] == round(10 / 135, 6)
    assert _shares(got, "diluted")["founder"] == round(100 / 135, 6)


def test_only_a_basic_count_known(ledger_text: LedgerText) -> None:
    # no fully diluted count: the basic one grows (founder 100/110, fund-a 10/110); the pool's
    # 20% of the fully diluted shares cannot be diluted: the warning says the count is what is
    # not known (before: "how many they are of that basis is not known")
    text = BASIC_ONLY + "stakes:\n" + FOUNDER + ESOP + _buy("k-a", "fund-a", "2024-03", "10M")
    got = _own(ledger_text, text)
    assert _shares(got, "basic")["founder"] == round(100 / 110, 6)
    assert _shares(got, "basic")["fund-a"] == round(10 / 110, 6)
    assert _shares(got, "diluted")["esop"] == 0.2
    assert (
        "kappa: k-a bought new shares (9.091% of its basic shares): the diluted shares of esop "
        "are not diluted by them (the company's diluted share count at its date is not known)"
    ) in got.warnings


def test_a_share_and_a_number_of_shares(ledger_text: LedgerText) -> None:
    # 90M basic, 115M fully diluted; fund-a buys 10M new shares, 10% of the basic shares
    # after (100M): founder 90M: 100% x 0.9 = 90%; diluted 115 -> 125M: founder 90/125 = 72%,
    # fund-a 10/125 = 8%, the pool 20% x 115/125 = 18.4% (before: founder 90/115 = 78.26%,
    # fund-a 10/115 = 8.70%, the pool 20% with a warning)
    counts = BOTH.replace("100M", "90M").replace("125M", "115M")
    founder = FOUNDER.replace("100M", "90M")
    buy = _buy("k-a", "fund-a", "2024-03", "10M", ", share: 10%")
    got = _own(ledger_text, counts + "stakes:\n" + founder + ESOP + buy)
    assert _shares(got, "basic")["founder"] == 0.9
    assert _shares(got, "basic")["fund-a"] == 0.1
    diluted = _shares(got, "diluted")
    assert diluted["founder"] == round(90 / 125, 6)
    assert diluted["fund-a"] == round(10 / 125, 6)
    assert diluted["esop"] == round(0.2 * 115 / 125, 6)
    assert not [w for w in got.warnings if "not diluted" in w]


def test_two_purchases_at_different_dates(ledger_text: LedgerText) -> None:
    # 100M / 125M; founder 89M; fund-a 10M new shares in 2024-03 (basic 110M, diluted 135M);
    # hb holds 11M in 2024-04: 11/110 = 10% basic; fund-b 15M new shares in 2024-06 reported
    # on the fully diluted basis: 15/150 = 10% of it, the basic count 125M.
    # basic: founder 89/125 = 71.2%, fund-a 10/125 = 8%, hb 11/125 = 8.8%, fund-b 15/125 = 12%
    # diluted (150M): founder 89/150, fund-a 10/150, hb 11/150, fund-b 10%, others 25/150
    # (before: the diluted count stayed 125M at k-a and fund-b was 15/140; the basic count
    # stayed 110M: fund-b 15/110)
    hb = """- {id: hb-h, holder: hb, company: kappa, date: 2024-04, event: holding,
   shares: 11M, sources: [s1]}
"""
    a = _buy("k-a", "fund-a", "2024-03", "10M")
    b = _buy("k-b", "fund-b", "2024-06", "15M", ", diluted: true")
    founder = FOUNDER.replace("100M", "89M")
    got = _own(ledger_text, BOTH + "stakes:\n" + founder + a + hb + b)
    assert _shares(got, "basic") == {
        "founder": 0.712,
        "fund-a": 0.08,
        "hb": 0.088,
        "fund-b": 0.12,
        "others": 0.0,
    }
    assert _shares(got, "diluted") == {
        "founder": round(89 / 150, 6),
        "fund-a": round(10 / 150, 6),
        "hb": round(11 / 150, 6),
        "fund-b": 0.1,
        "others": round(25 / 150, 6),
    }
    assert not got.warnings


def test_a_purchase_before_any_count(ledger_text: LedgerText) -> None:
    # fund-a's 10M new shares in 2023-06, the first count (100M / 125M) dated 2023-12-31: no
    # count to grow at its date; the note says so and the share is read at the end over the
    # count (it holds them): 10/100 basic, 10/125 diluted (as before)
    got = _own(ledger_text, BOTH + "stakes:\n" + _buy("k-a", "fund-a", "2023-06", "10M"))
    assert _shares(got, "basic")["fund-a"] == 0.1
    assert _shares(got, "diluted")["fund-a"] == 0.08
    assert got.frame["note"][0].startswith(
        "the share bought is not reported (k-a, nor the company's basic share count at its "
        "date for its 10,000,000 shares)"
    )


def test_a_secondary_purchase_grows_no_count(ledger_text: LedgerText) -> None:
    # fund-a buys 10M of the founder's 100M: basic 10/100 = 10%, founder 90%; diluted still
    # 125M: fund-a 10/125 = 8%, founder 90/125 = 72% (as before)
    buy = _buy("k-a", "fund-a", "2024-03", "10M", ", seller: founder", kind="secondary")
    got = _own(ledger_text, BOTH + "stakes:\n" + FOUNDER + buy)
    assert _shares(got, "basic") == {"founder": 0.9, "fund-a": 0.1, "others": 0.0}
    assert _shares(got, "diluted") == {"founder": 0.72, "fund-a": 0.08, "others": 0.2}


BARE = """funding_rounds:
- {id: r-bare, company: kappa, date: 2024-03, status: closed, sources: [s1]}
"""
ISSUED = """funding_rounds:
- {id: r-issued, company: kappa, date: 2024-03, status: closed, shares_issued: 15M,
   sources: [s1]}
"""


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_a_round_of_numbers_grows_both_counts(ledger_text: LedgerText, order: str) -> None:
    # a round without figures whose purchases all give their numbers of new shares: 10M and
    # 5M: basic 115M: founder 100/115 = 86.9565%, fund-a 10/115, fund-b 5/115; diluted 140M:
    # founder 100/140 = 71.4286%, fund-a 10/140, fund-b 5/140, others 25/140 (before: read at
    # the end over the first count: founder 100%, fund-a 10%, fund-b 5%: 115%)
    a = _buy("k-a", "fund-a", "2024-03", "10M", ", round: r-bare")
    b = _buy("k-b", "fund-b", "2024-03", "5M", ", round: r-bare")
    text = BOTH + BARE + "stakes:\n" + FOUNDER + (a + b if order == "ab" else b + a)
    got = _own(ledger_text, text)
    assert _shares(got, "basic") == {
        "founder": round(100 / 115, 6),
        "fund-a": round(10 / 115, 6),
        "fund-b": round(5 / 115, 6),
        "others": 0.0,
    }
    assert _shares(got, "diluted") == {
        "founder": round(100 / 140, 6),
        "fund-a": round(10 / 140, 6),
        "fund-b": round(5 / 140, 6),
        "others": round(25 / 140, 6),
    }


def test_a_round_issuing_its_shares_grows_the_counts_once(ledger_text: LedgerText) -> None:
    # r-issued states its 15M new shares: the counts grow by them once (115M, 140M), not again
    # by its purchases' 10M and 5M: the same figures as above (as before)
    a = _buy("k-a", "fund-a", "2024-03", "10M", ", round: r-issued")
    b = _buy("k-b", "fund-b", "2024-03", "5M", ", round: r-issued")
    got = _own(ledger_text, BOTH + ISSUED + "stakes:\n" + FOUNDER + a + b)
    assert _shares(got, "basic") == {
        "founder": round(100 / 115, 6),
        "fund-a": round(10 / 115, 6),
        "fund-b": round(5 / 115, 6),
        "others": 0.0,
    }
    assert _shares(got, "diluted")["founder"] == round(100 / 140, 6)
    assert _shares(got, "diluted")["fund-a"] == round(10 / 140, 6)


def _valuation(ledger_text: LedgerText, text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + text))
    return ac.valuation(ledger, "kappa")


def _row_of(result: Any, rid: str, method: str) -> dict[str, Any]:
    frame = result.frame
    rows = frame[(frame["record"] == rid) & frame["method"].str.startswith(method)]
    assert len(rows) == 1, frame[["record", "method"]]
    return dict(rows.to_dict("records")[0])


@pytest.mark.parametrize(
    ("extra", "after"),
    [
        # basic: 100M + k-a's 10M = 110M before k-b, 120M after it: 10/120; $60M x 12 =
        # $720M post-money, $660M pre (before: 10/110, $660M post)
        ("", 120e6),
        # fully diluted: 125M + 10M = 135M before k-b, 145M after: $60M x 14.5 = $870M
        # (before: 10/135, $810M)
        (", diluted: true", 145e6),
    ],
)
def test_valuation_reads_a_later_purchase_over_the_grown_count(
    ledger_text: LedgerText, extra: str, after: float
) -> None:
    a = _buy("k-a", "fund-a", "2024-03", "10M", ", paid: $40M")
    b = _buy("k-b", "fund-b", "2024-06", "10M", ", paid: $60M" + extra)
    v = _valuation(ledger_text, BOTH + "stakes:\n" + a + b)
    row = _row_of(v, "k-b", "paid /")
    assert row["share"] == pytest.approx(10e6 / after)
    assert row["post_money_usd"] == pytest.approx(60e6 * after / 10e6)
    assert row["pre_money_usd"] == pytest.approx(60e6 * after / 10e6 - 60e6)
    basis = "diluted" if extra else "basic"
    assert (
        f"k-b: the share bought is its 10,000,000 shares of {after:,.0f} {basis} shares after "
        f"it (k-a's {after - 10e6:,.0f} and its own): {100 * 10e6 / after:.3f}%"
    ) in v.assumptions
    # k-a itself is read over the first count, as before: 10/110, $440M
    assert _row_of(v, "k-a", "paid /")["post_money_usd"] == pytest.approx(440e6)


def test_valuation_price_per_share_times_the_grown_count(ledger_text: LedgerText) -> None:
    # k-b: 10M new shares at $6, no money paid stated: $6 x the 110M basic shares before it
    # (cnt's 100M and k-a's 10M) = $660M pre-money, plus its $60M: $720M post (before: $6 x
    # 100M = $600M pre, $660M post)
    a = _buy("k-a", "fund-a", "2024-03", "10M", ", paid: $40M")
    b = _buy("k-b", "fund-b", "2024-06", "10M", ", price_per_share: $6")
    row = _row_of(_valuation(ledger_text, BOTH + "stakes:\n" + a + b), "k-b", "price per share")
    assert row["post_money_usd"] == pytest.approx(720e6)
    assert row["pre_money_usd"] == pytest.approx(660e6)
    assert row["shares_total"] == pytest.approx(110e6)
    assert row["method"] == "price per share x basic shares before it (k-a)"


def test_a_count_dated_with_the_purchase_holds_its_shares(ledger_text: LedgerText) -> None:
    # cnt-after (110M basic, 135M fully diluted by 2024-03-31) is dated with fund-a's 10M new
    # shares (2024-03): it holds them, the count before them is 100M / 125M.
    # basic: fund-a 10/110 = 9.0909%, founder 100/110; diluted: fund-a 10/135, founder 100/135,
    # the pool 20% x 125/135 = 18.5185% (before: the count grew again, 10/120 and 100/145)
    after = """- {id: cnt-after, company: kappa, date: 2024-03-31, basic: 110M, diluted: 135M,
   sources: [s1]}
"""
    text = BOTH + after + "stakes:\n" + FOUNDER + ESOP + _buy("k-a", "fund-a", "2024-03", "10M")
    got = _own(ledger_text, text)
    basic = _shares(got, "basic")
    assert (basic["founder"], basic["fund-a"]) == (round(100 / 110, 6), round(10 / 110, 6))
    assert _shares(got, "diluted") == {
        "founder": round(100 / 135, 6),
        "esop": round(0.2 * 125 / 135, 6),
        "fund-a": round(10 / 135, 6),
        "others": 0.0,
    }
    assert got.frame["note"][2].startswith(
        "basic share bought by 2024-03-31: 10,000,000 new shares of 110,000,000 (cnt-after, "
        "dated with it: them included)"
    )
