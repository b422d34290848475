"""Who owns whom (issue 10): shares and numbers of shares as written, stakes, the checks that
figures add up, ownership, implied valuations, control, the money of purchases, and the bundled
Meta/Scale AI and Musk ledgers.

Expected figures are derived from the records the tests write (the price paid over the share
bought, the round's amount over its post-money), never typed in as results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import aicapex as ac
from aicapex import LedgerError
from aicapex.records import FundingRound, Stake
from aicapex.report import report
from aicapex.shares import Share, ShareCount, written_unit

LedgerText = Callable[..., Path]

HEAD = """
sources:
- id: wire
  outlet: Wire
  title: Acme raises
  date: 2024-01
- id: paper
  outlet: Paper
  title: Acme's holders
  date: 2024-03
entities:
- id: acme
  name: Acme AI
  type: company
- id: founder
  name: Founder
  type: person
- id: vc
  name: Venture Capital
  type: investor
- id: fund
  name: Growth Fund
  type: investor
- id: chipco
  name: ChipCo
  type: chip_vendor
"""


def ledger(ledger_text: LedgerText, body: str) -> ac.Ledger:
    """The entities and sources of :data:`HEAD` and ``body`` (records), loaded."""
    return ac.load(ledger_text(HEAD + body))


def money(led: ac.Ledger, record: str, field: str) -> float:
    return float(getattr(led[record], field).amount)


def share(led: ac.Ledger, record: str) -> float:
    value = led[record].share  # type: ignore[attr-defined]
    assert isinstance(value, Share)
    return float(value.value)


def row(frame: pd.DataFrame, **match: Any) -> dict[str, Any]:
    mask = pd.Series(True, index=frame.index)
    for k, v in match.items():
        mask &= frame[k] == v
    (found,) = frame[mask.to_numpy()].to_dict("records")
    return found


# --- values: shares and numbers of shares as written --------------------------------------------


@pytest.mark.parametrize(
    ("written", "value", "kind", "canonical"),
    [
        ("35%", "0.35", "exact", "35%"),
        ("20.5%", "0.205", "exact", "20.5%"),
        ("20.5 percent", "0.205", "exact", "20.5%"),
        ("30-35%", "0.325", "range", "30% to 35%"),
        ("30%-35%", "0.325", "range", "30% to 35%"),
        ("30% to 35%", "0.325", "range", "30% to 35%"),
        ("between 30% and 35%", "0.325", "range", "30% to 35%"),
        ("more than 50%", "0.5", "lower", "more than 50%"),
        ("about 49%", "0.49", "approx", "about 49%"),
        ("up to 25%", "0.25", "ceiling", "up to 25%"),
        ("0%", "0", "exact", "0%"),
    ],
)
def test_shares_as_written(written: str, value: str, kind: str, canonical: str) -> None:
    s = Share.parse(written)
    assert s.value == Decimal(value)
    assert isinstance(s.value, Decimal)
    assert s.kind == kind
    assert str(s) == canonical
    assert Share.parse(str(s)) == s


@pytest.mark.parametrize("bad", ["35", "thirty percent", "-5%", "30%-", "%", "", "x" * 200])
def test_shares_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="a share like '35%'"):
        Share.parse(bad)
    with pytest.raises(ValueError, match="a share like"):
        Share.parse(0.35)  # a bare number is ambiguous: 35% or 0.35%?


def test_share_bounds() -> None:
    assert Share.parse("30-35%").bounds() == (Decimal("0.3"), Decimal("0.35"))
    assert Share.parse("about 50%").bounds() == (Decimal("0.45"), Decimal("0.55"))
    assert Share.parse("more than 90%").bounds() == (Decimal("0.9"), Decimal(1))  # capped
    assert Share.parse("up to 25%").bounds() == (Decimal(0), Decimal("0.25"))


@pytest.mark.parametrize(
    ("written", "count", "canonical"),
    [
        ("12.5M", 12_500_000, "12.5M"),
        ("12,500,000", 12_500_000, "12.5M"),
        ("1.2 billion shares", 1_200_000_000, "1.2B"),
        ("1,234,567", 1_234_567, "1,234,567"),
        (12_500_000, 12_500_000, "12.5M"),
        ("0", 0, "0"),
    ],
)
def test_share_counts_as_written(written: Any, count: int, canonical: str) -> None:
    c = ShareCount.parse(written)
    assert c.count == count
    assert str(c) == canonical
    assert ShareCount.parse(str(c)) == c


def test_share_count_ranges_and_refusals() -> None:
    r = ShareCount.parse("10-12M")
    assert r.bounds() == (Decimal(10_000_000), Decimal(12_000_000))
    assert str(r) == "10M to 12M"
    for bad in ("12.5", 12.5, "twelve", "-5M", True):
        with pytest.raises(ValueError, match="whole number of shares"):
            ShareCount.parse(bad)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 10**6),
    st.sampled_from(["", "about", "more than", "at most", "up to", "range"]),
    st.integers(1, 10**4),
)
def test_shares_round_trip(n: int, how: str, more: int) -> None:
    low = Decimal(n).scaleb(-4)
    s = Share(low, "range", (low, low + Decimal(more).scaleb(-4))) if how == "range" else None
    s = s or Share(low, how)
    assert Share.parse(str(s)) == s
    c = ShareCount(Decimal(n) * more, how, None) if how != "range" else None
    c = c or ShareCount(Decimal(n), "range", (Decimal(n), Decimal(n + more)))
    assert ShareCount.parse(str(c)) == c


def test_written_unit_is_the_last_digit_of_the_canonical_form() -> None:
    for written, unit in (
        ("$1B", "1E9"),
        ("$1.25B", "1E7"),
        ("$950M", "1E6"),
        ("$1,234.56", "0.01"),
    ):
        assert written_unit(ac.Money.parse(written).amount) == Decimal(unit)


# --- records: stakes and rounds that add up -------------------------------------------------


def stake(**fields: Any) -> Stake:
    base = {"id": "s", "holder": "vc", "company": "acme", "date": "2024", "event": "purchase"}
    return Stake.model_validate({**base, **fields})


def problems_of(fn: Callable[[], Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        fn()
    out = []
    for err in info.value.errors():
        for check in err["ctx"]["error"].problems:
            out.append((check.field, check.code))
    return out


def test_stake_checks() -> None:
    assert stake(share="35%", paid="$35M").share == Share.parse("35%")
    assert problems_of(lambda: stake(share="120%")) == [("share", "out-of-range")]
    assert problems_of(lambda: stake(share="90% to 110%")) == [("share", "out-of-range")]
    assert problems_of(lambda: stake(share="0%")) == [("share", "out-of-range")]
    assert problems_of(lambda: stake()) == [("share", "inconsistent")]  # nothing bought
    assert problems_of(lambda: stake(event="holding", paid="$1M", share="5%")) == [
        ("paid", "inconsistent")
    ]
    assert problems_of(lambda: stake(event="holding")) == [("share", "inconsistent")]
    assert problems_of(lambda: stake(share="5%", seller="founder")) == [("seller", "inconsistent")]
    assert problems_of(lambda: stake(share="5%", purchase="secondary", seller="vc")) == [
        ("seller", "same-party")
    ]
    assert problems_of(lambda: stake(paid="-$1M")) == [("paid", "out-of-range")]
    # price x shares = paid, within 1% or the rounding of the figures as written
    assert stake(shares="1M", price_per_share="$3", paid="$3M").paid is not None
    assert stake(shares="1M", price_per_share="$3", paid="$3.02M").paid is not None  # 0.7%
    # '1M' shares is written to the million: 0.5M to 1.5M shares at $3 is $1.5M to $4.5M
    assert stake(shares="1M", price_per_share="$3", paid="$4.4M").paid is not None
    assert problems_of(lambda: stake(shares="1M", price_per_share="$3", paid="$6M")) == [
        ("paid", "inconsistent")
    ]
    precise = {"shares": "1,234,567", "price_per_share": "$3.25"}  # to the share and the cent
    assert problems_of(lambda: stake(**precise, paid="$3.8M")) == [("paid", "inconsistent")]
    holding = stake(event="holding", share="0%")  # sold out: a holding of nothing
    assert holding.share is not None
    assert holding.share.value == 0


def round_(**fields: Any) -> FundingRound:
    return FundingRound.model_validate({"id": "r", "company": "acme", "date": "2024", **fields})


@pytest.mark.parametrize(
    ("pre", "amount", "post"),
    [
        ("$40M", "$10M", "$50M"),  # exact
        ("$40M", "$10M", "$50.4M"),  # within 1%
        ("$950M", "$100M", "$1B"),  # $1B is written to the billion: $1.05B rounds to it
        ("$3B to $4B", "$1B", "$4.5B"),  # a range: its ends reach the post-money
        ("more than $40M", "$10M", "$80M"),  # a bound: $70M more than $40M is allowed
        ("about $40M", "$10M", "$53M"),  # about: 10% either way
        ("€40M", "$10M", "$80M"),  # currencies differ: no rate in a record, no check
    ],
)
def test_pre_plus_amount_is_post(pre: str, amount: str, post: str) -> None:
    assert round_(pre_money=pre, amount=amount, post_money=post).post_money == ac.Money.parse(post)


@pytest.mark.parametrize(
    ("pre", "amount", "post"),
    [
        ("$40M", "$10M", "$80M"),
        ("$40.5M", "$10.2M", "$50M"),  # 1.4%, beyond 1% and the figures' rounding
        ("$3B to $4B", "$1B", "$8B"),  # $4B to $5B, each figure give or take $0.5B
        ("less than $40M", "$10M", "$60M"),
    ],
)
def test_pre_plus_amount_not_post_is_located(pre: str, amount: str, post: str) -> None:
    assert problems_of(lambda: round_(pre_money=pre, amount=amount, post_money=post)) == [
        ("post_money", "inconsistent")
    ]
    # a round with secondary sales is exempt: its amount is more than the new money
    assert round_(pre_money=pre, amount=amount, post_money=post, secondary=True).secondary


def test_a_located_error_in_a_file(ledger_text: LedgerText) -> None:
    body = """
funding_rounds:
- id: acme-a
  company: acme
  date: 2023-06
  amount: $10M
  pre_money: $40M
  post_money: $80M
"""
    with pytest.raises(LedgerError) as info:
        ledger(ledger_text, body)
    (p,) = info.value.problems
    assert (p.code, p.kind, p.record_id, p.field) == (
        "inconsistent",
        "funding_rounds",
        "acme-a",
        "post_money",
    )
    assert p.line is not None
    assert "$50M" in p.expected


# --- checks across records: holders above 100%, control that loops ------------------------------

TWO_HOLDINGS = """
stakes:
- id: founder-2024
  holder: founder
  company: acme
  date: 2024-06
  event: holding
  share: {founder}
  sources: [wire]
- id: vc-2024
  holder: vc
  company: acme
  date: 2024-06
  event: holding
  share: {vc}
  sources: [wire]
"""


def test_holders_above_100_percent_at_a_date(ledger_text: LedgerText) -> None:
    with pytest.raises(LedgerError) as info:
        ledger(ledger_text, TWO_HOLDINGS.format(founder="70%", vc="45%"))
    (p,) = info.value.problems
    assert (p.code, p.record_id, p.field) == ("ownership-above-100", "vc-2024", "share")
    # low ends of ranges: 'about 60%' and 'about 45%' may be 54% and 40.5%
    ledger(ledger_text, TWO_HOLDINGS.format(founder="about 60%", vc="about 45%"))
    # at two dates, two snapshots are not one company
    ledger(
        ledger_text,
        TWO_HOLDINGS.format(founder="70%", vc="45%").replace(
            "2024-06\n  event: holding\n  share: 45%", "2025-06\n  event: holding\n  share: 45%"
        ),
    )
    # diluted and basic are apart
    ledger(ledger_text, TWO_HOLDINGS.format(founder="70%", vc="45%\n  diluted: true"))


def test_one_holder_reported_twice_is_not_two_holders(ledger_text: LedgerText) -> None:
    body = (
        TWO_HOLDINGS.format(founder="60%", vc="35%")
        + """
- id: founder-2024-paper
  holder: founder
  company: acme
  date: 2024-06
  event: holding
  share: 64%
  sources: [paper]
"""
    )
    led = ledger(ledger_text, body)  # 60% or 64%, and 35%: never 159%
    conflicts = led.conflicts()
    assert set(conflicts["id"]) == {"founder-2024", "founder-2024-paper"}
    assert conflicts["value"].str.contains("share 64%").any()


def test_control_cycle_through_stakes(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: acme-chipco
  holder: acme
  company: chipco
  date: 2024
  event: holding
  share: more than 50%
"""
    ledger(ledger_text, body)  # acme controls chipco: fine
    # acme controls chipco by its stake; chipco controls the founder, who controls acme
    head = HEAD.replace("  type: company", "  type: company\n  controlled_by: [founder]")
    head = head.replace("  type: person", "  type: person\n  controlled_by: [chipco]")
    looped = ledger_text(head + body)
    with pytest.raises(LedgerError) as info:
        ac.load(looped)
    codes = {p.code for p in info.value.problems}
    assert codes == {"control-cycle"}, str(info.value)


# --- money: primary and secondary purchases -----------------------------------------------------

PURCHASES = """
cash_balances:
- id: acme-cash
  company: acme
  date: 2024-01
  amount: $5M
expenses:
- id: acme-payroll
  company: acme
  category: payroll
  rate: $1M/month
  date: 2024
funding_rounds:
- id: acme-a
  company: acme
  date: 2024-03
  amount: $10M
  pre_money: $40M
  post_money: $50M
  investors:
  - investor: vc
    amount: $10M
stakes:
- id: founder-2023
  holder: founder
  company: acme
  date: 2023
  event: holding
  share: 90%
  sources: [wire]
- id: vc-a
  holder: vc
  company: acme
  date: 2024-03
  event: purchase
  purchase: primary
  round: acme-a
  share: 20%
  paid: $10M
- id: chipco-primary
  holder: chipco
  company: acme
  date: 2024-06
  event: purchase
  purchase: primary
  share: 10%
  paid: $6M
- id: fund-secondary
  holder: fund
  company: acme
  date: 2024-09
  event: purchase
  purchase: secondary
  seller: founder
  share: 5%
  paid: $3.5M
- id: fund-secondary-2
  holder: fund
  company: acme
  date: 2024-10
  event: purchase
  purchase: secondary
  share: 1%
  paid: $0.7M
"""


def test_primary_purchase_is_money_in_secondary_never(ledger_text: LedgerText) -> None:
    led = ledger(ledger_text, PURCHASES)
    flows = led.flows()
    stakes = flows[(flows["kind"] == "stakes").to_numpy()]
    acme_in = stakes[(stakes["entity"] == "acme").to_numpy()]
    # the primary purchase outside a round: money into acme from chipco, and out of chipco
    assert list(acme_in["record"]) == ["chipco-primary"]
    assert acme_in["amount_usd"].sum() == money(led, "chipco-primary", "paid")
    assert list(acme_in["category"].astype(str)) == ["equity"]
    assert list(acme_in["payer"].astype(str)) == ["chipco"]
    out = row(stakes, entity="chipco")
    assert (out["direction"], out["category"]) == (-1, "investment")
    # the secondary purchase with a named seller: between fund and founder only
    sale = stakes[(stakes["record"] == "fund-secondary").to_numpy()]
    assert set(sale["entity"].astype(str)) == {"fund", "founder"}
    assert row(sale, entity="founder")["amount_usd"] == money(led, "fund-secondary", "paid")
    # without a seller: the buyer's money only, to an undisclosed seller, never to acme
    unnamed = stakes[(stakes["record"] == "fund-secondary-2").to_numpy()]
    assert list(unnamed["entity"].astype(str)) == ["fund"]
    assert list(unnamed["payee"].astype(str)) == ["undisclosed"]
    assert unnamed["amount_usd"].sum() == money(led, "fund-secondary-2", "paid")
    # the stake bought in the round names it: the round's $10M is counted once
    company_money = flows[
        (flows["entity"] == "acme").to_numpy() & (flows["direction"] > 0).to_numpy()
    ]
    assert company_money["amount_usd"].sum() == money(led, "acme-a", "amount") + money(
        led, "chipco-primary", "paid"
    )
    assert not (flows["record"] == "vc-a").any()


def test_runway_counts_primary_money_only(ledger_text: LedgerText) -> None:
    led = ledger(ledger_text, PURCHASES)
    without = ledger(
        ledger_text,
        PURCHASES.replace("purchase: secondary\n  seller: founder", "purchase: secondary"),
    )
    r = ac.runway(led, "acme", as_of="2024-01")
    # the secondary sales move no cash of acme's: the runway is the same without their seller
    assert r.months == ac.runway(without, "acme", as_of="2024-01").months
    counted = set(r.records)
    assert "chipco-primary" in counted
    assert "acme-a" in counted
    assert not counted & {"fund-secondary", "fund-secondary-2", "vc-a"}
    # and the primary purchase's money lengthens it
    r0 = ac.runway(led, "acme", as_of="2024-01", exclude=["chipco-primary"])
    assert r.months > r0.months


# --- ownership --------------------------------------------------------------------------------


def test_ownership_adds_purchases_and_dilutes(ledger_text: LedgerText) -> None:
    led = ledger(ledger_text, PURCHASES)
    o = ac.ownership(led, "acme")
    f = o.frame
    founder, vc = share(led, "founder-2023"), 0.0
    # the round dilutes the founder by its amount over its post-money, then vc's stake is added
    d = money(led, "acme-a", "amount") / money(led, "acme-a", "post_money")
    founder, vc = founder * (1 - d), share(led, "vc-a")
    # chipco's primary purchase dilutes everyone by its share
    c = share(led, "chipco-primary")
    founder, vc, chipco = founder * (1 - c), vc * (1 - c), c
    # fund buys from the founder (named), then from someone unnamed
    fund = share(led, "fund-secondary") + share(led, "fund-secondary-2")
    founder -= share(led, "fund-secondary")
    expected = {"founder": founder, "vc": vc, "chipco": chipco, "fund": fund}
    for holder, value in expected.items():
        assert row(f, holder=holder)["share_basic"] == pytest.approx(value)
    others = row(f, holder="others")
    assert others["share_basic"] == pytest.approx(1 - sum(expected.values()))
    assert set(f["holder"]) == {*expected, "others"}
    assert row(f, holder="fund")["records"] == "fund-secondary,fund-secondary-2"
    assert list(o.records) == sorted(
        ["acme-a", "chipco-primary", "founder-2023", "fund-secondary", "fund-secondary-2", "vc-a"]
    )
    # as of before chipco bought: its stake is not there yet
    before = ac.ownership(led, "acme", as_of="2024-05").frame
    assert "chipco" not in set(before["holder"])
    assert row(before, holder="vc")["share_basic"] == pytest.approx(share(led, "vc-a"))


def test_a_later_snapshot_supersedes(ledger_text: LedgerText) -> None:
    body = (
        PURCHASES
        + """
- id: founder-2025
  holder: founder
  company: acme
  date: 2025-01
  event: holding
  share: 50%
  sources: [paper]
"""
    )
    led = ledger(ledger_text, body)
    f = ac.ownership(led, "acme").frame
    assert row(f, holder="founder")["share_basic"] == share(led, "founder-2025")
    assert row(f, holder="founder")["records"].endswith("founder-2025")


def test_conflicting_reports_shown_not_summed(ledger_text: LedgerText) -> None:
    body = (
        TWO_HOLDINGS.format(founder="60%", vc="35%")
        + """
- id: founder-2024-paper
  holder: founder
  company: acme
  date: 2024-06-20
  event: holding
  share: 64%
  sources: [paper]
"""
    )
    led = ledger(ledger_text, body)
    latest = ac.ownership(led, "acme")
    founder = row(latest.frame, holder="founder")
    assert founder["share_basic"] == share(led, "founder-2024-paper")  # the paper came later
    assert founder["set_aside"] == "founder-2024"
    assert any("founder-2024" in w for w in latest.warnings)
    earliest = ac.ownership(led, "acme", conflicts="earliest").frame
    assert row(earliest, holder="founder")["share_basic"] == share(led, "founder-2024")
    total = latest.frame.loc[latest.frame["holder"] != "others", "share_basic"].sum()
    assert total == pytest.approx(share(led, "founder-2024-paper") + share(led, "vc-2024"))


def test_diluted_and_basic_and_share_counts(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: founder-basic
  holder: founder
  company: acme
  date: 2024-06
  event: holding
  share: 60%
  shares: 6M
- id: founder-diluted
  holder: founder
  company: acme
  date: 2024-06
  event: holding
  share: 50%
  shares: 6M
  diluted: true
- id: vc-count
  holder: vc
  company: acme
  date: 2024-06
  event: holding
  shares: 2M
"""
    led = ledger(ledger_text, body)
    f = ac.ownership(led, "acme").frame
    founder = row(f, holder="founder")
    assert founder["share_basic"] == share(led, "founder-basic")
    assert founder["share_diluted"] == share(led, "founder-diluted")
    # vc is known by its shares: of the 10M outstanding and the 12M fully diluted
    outstanding = 6e6 / share(led, "founder-basic")
    diluted = 6e6 / share(led, "founder-diluted")
    vc = row(f, holder="vc")
    assert vc["share_basic"] == pytest.approx(2e6 / outstanding)
    assert vc["share_diluted"] == pytest.approx(2e6 / diluted)
    assert vc["shares"] == 2e6


def test_promises_are_shown_not_counted(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: vc-promise
  holder: vc
  company: acme
  date: 2024-06
  event: holding
  share: 25%
  status: announced
  condition: the vc will hold 25%
- id: founder-now
  holder: founder
  company: acme
  date: 2024-06
  event: holding
  share: 90%
"""
    led = ledger(ledger_text, body)
    f = ac.ownership(led, "acme").frame
    promise = row(f, holder="vc")
    assert (promise["counted"], promise["status"]) == (False, "announced")
    assert "the vc will hold 25%" in promise["note"]
    assert row(f, holder="others")["share_basic"] == pytest.approx(1 - share(led, "founder-now"))


def test_ownership_of_frames_and_every_company(ledger_text: LedgerText) -> None:
    led = ledger(ledger_text, PURCHASES)
    frames = {k: led.frame(k) for k in ("stakes", "funding_rounds")}
    pd.testing.assert_frame_equal(
        ac.ownership(frames, "acme").frame, ac.ownership(led, "acme").frame
    )
    every = ac.ownership(led).frame
    assert set(every["company"]) == {"acme"}
    with pytest.raises(KeyError, match="did you mean 'acme'"):
        ac.ownership(led, "acm")
    empty = ac.ownership(led, "vc")
    assert empty.frame.empty
    assert list(empty.frame.columns) == list(every.columns)
    assert empty.reason is not None
    assert empty.to_json()


# --- valuation --------------------------------------------------------------------------------


def test_implied_valuations(ledger_text: LedgerText) -> None:
    led = ledger(ledger_text, PURCHASES)
    v = ac.valuation(led, "acme")
    f = v.frame
    a = row(f, record="acme-a")
    assert a["post_money_usd"] == money(led, "acme-a", "post_money")
    assert a["pre_money_usd"] == money(led, "acme-a", "pre_money")
    # a stake of share S bought for P implies P / S
    vc = row(f, record="vc-a")
    assert vc["post_money_usd"] == pytest.approx(money(led, "vc-a", "paid") / share(led, "vc-a"))
    assert vc["agrees"]  # the round and the stake bought in it say the same
    chip = row(f, record="chipco-primary")
    implied = money(led, "chipco-primary", "paid") / share(led, "chipco-primary")
    assert chip["post_money_usd"] == pytest.approx(implied)
    assert chip["pre_money_usd"] == pytest.approx(implied - money(led, "chipco-primary", "paid"))
    sale = row(f, record="fund-secondary")
    assert sale["pre_money_usd"] == sale["post_money_usd"]  # no new money
    assert v.reason is None


def test_valuation_ranges_and_prices(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: founder-count
  holder: founder
  company: acme
  date: 2023
  event: holding
  share: 80%
  shares: 8M
- id: vc-range
  holder: vc
  company: acme
  date: 2024-06
  event: purchase
  purchase: secondary
  share: 10-20%
  paid: $2M to $3M
- id: fund-price
  holder: fund
  company: acme
  date: 2024-09
  event: purchase
  purchase: primary
  shares: 1M
  price_per_share: $4
"""
    led = ledger(ledger_text, body)
    f = ac.valuation(led, "acme").frame
    r = row(f, record="vc-range")
    paid, s = led["vc-range"].paid, led["vc-range"].share  # type: ignore[attr-defined]
    assert r["post_money_low_usd"] == pytest.approx(float(paid.low.amount) / float(s.high))
    assert r["post_money_high_usd"] == pytest.approx(float(paid.high.amount) / float(s.low))
    # a price per share times the shares known before: the pre-money, and the new money on top
    p = row(f, record="fund-price")
    before = 8e6 / share(led, "founder-count")
    price = money(led, "fund-price", "price_per_share")
    assert p["pre_money_usd"] == pytest.approx(price * before)
    assert p["post_money_usd"] == pytest.approx(price * before + price * 1e6)
    assert "before it (founder-count)" in p["method"]


def test_valuation_says_what_is_missing(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: chipco-stake
  holder: chipco
  company: acme
  date: 2024-06
  event: purchase
  paid: $2B
"""
    led = ledger(ledger_text, body)
    v = ac.valuation(led, "acme")
    assert row(v.frame, record="chipco-stake")["missing"] == "the share bought"
    assert math.isnan(row(v.frame, record="chipco-stake")["post_money_usd"])
    assert v.reason is not None
    assert "the share bought is not reported for chipco-stake" in v.reason
    assert "assume_share" in v.warnings[0]
    # a scenario: what a given share would imply
    for assumed in ("40%", 0.4, Decimal("0.4"), {"chipco-stake": "40%"}):
        s = ac.valuation(led, "acme", assume_share=assumed)
        r = row(s.frame, record="chipco-stake")
        assert r["assumed"]
        assert r["post_money_usd"] == pytest.approx(money(led, "chipco-stake", "paid") / 0.4)
        assert s.reason is None
        assert any("scenario" in a for a in s.assumptions)
    with pytest.raises(ValueError, match="assumed share"):
        ac.valuation(led, "acme", assume_share=1.5)


def test_valuations_that_disagree(ledger_text: LedgerText) -> None:
    body = """
stakes:
- id: vc-cheap
  holder: vc
  company: acme
  date: 2024-06-01
  event: purchase
  purchase: secondary
  share: 10%
  paid: $1M
- id: fund-dear
  holder: fund
  company: acme
  date: 2024-06-20
  event: purchase
  purchase: secondary
  share: 10%
  paid: $2M
"""
    v = ac.valuation(ledger(ledger_text, body), "acme")
    assert not v.frame["agrees"].any()
    assert any("disagree" in w for w in v.warnings)


# --- control ----------------------------------------------------------------------------------


def test_control_directly_and_through(ledger_text: LedgerText) -> None:
    head = HEAD.replace("  type: chip_vendor", "  type: chip_vendor\n  controlled_by: [acme]")
    body = """
stakes:
- id: founder-acme
  holder: founder
  company: acme
  date: 2024
  event: holding
  share: 60%
- id: vc-fund
  holder: vc
  company: fund
  date: 2024
  event: holding
  share: 20%
  controlling: true
- id: fund-acme-about
  holder: fund
  company: acme
  date: 2024
  event: holding
  share: about 30%
"""
    led = ac.load(ledger_text(head + body))
    c = ac.control(led)
    f = c.frame
    assert row(f, controller="founder", controlled="acme")["how"] == "stake"
    assert row(f, controller="founder", controlled="acme")["share"] == share(led, "founder-acme")
    through = row(f, controller="founder", controlled="chipco")
    assert (through["path"], through["depth"]) == ("founder > acme > chipco", 2)
    assert through["how"] == "stake > controlled_by"
    assert row(f, controller="vc", controlled="fund")["how"] == "controlling holder"
    assert not ((f["controller"] == "fund") & (f["controlled"] == "acme")).any()
    # a higher threshold: 60% is not more than 60%
    strict = ac.control(led, threshold=0.6).frame
    assert not ((strict["controller"] == "founder") & (strict["controlled"] == "acme")).any()
    assert set(ac.control(led, "chipco").frame["controlled"]) == {"chipco"}
    with pytest.raises(ValueError, match="threshold"):
        ac.control(led, threshold=50)


# --- hypothesis: shares never exceed the whole, secondary money never reaches the company ----


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["founder", "vc", "fund", "chipco"]),
            st.sampled_from(["primary", "secondary"]),
            st.integers(1, 30),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_purchases_add_up_and_secondary_stays_out(
    tmp_path_factory: pytest.TempPathFactory, purchases: list[tuple[str, str, int]]
) -> None:
    lines = [
        "stakes:",
        "- {id: start, holder: founder, company: acme, date: 2020, event: holding, share: 40%}",
    ]
    for i, (holder, kind, pct) in enumerate(purchases):
        lines.append(
            f"- {{id: p{i}, holder: {holder}, company: acme, date: 2021-{i + 1:02d}, "
            f"event: purchase, purchase: {kind}, share: {pct}%, paid: ${pct}M}}"
        )
    path = tmp_path_factory.mktemp("own") / "ledger.yaml"
    path.write_text(HEAD + "\n".join(lines) + "\n", encoding="utf-8")
    led = ac.load(path)
    f = ac.ownership(led, "acme").frame
    named = f.loc[f["holder"] != "others", "share_basic"]
    assert (named >= -1e-12).all()
    if named.sum() <= 1:
        assert named.sum() + row(f, holder="others")["share_basic"] == pytest.approx(1.0)
    flows = led.flows()
    into = flows[(flows["entity"] == "acme").to_numpy()]
    primaries = [i for i, p in enumerate(purchases) if p[1] == "primary"]
    assert sorted(into["record"]) == sorted(f"p{i}" for i in primaries)


# --- the bundled data: Meta and Scale AI, Musk's companies ------------------------------------


def test_bundled_musk_ownership(bundled: ac.Ledger) -> None:
    tesla = ac.ownership(bundled, "tesla").frame
    musk = row(tesla, holder="elon-musk")
    assert musk["share_basic"] == share(bundled, "musk-tesla-2024")
    assert row(tesla, holder="others")["share_basic"] == pytest.approx(
        1 - share(bundled, "musk-tesla-2024")
    )
    xai = ac.ownership(bundled, "xai").frame
    promise = row(xai, holder="x-corp-investors")
    assert not promise["counted"]
    assert promise["share_basic"] == share(bundled, "x-corp-investors-xai-2023")
    x = ac.valuation(bundled, "x-corp")
    assert x.reason is not None
    assert "musk-x-2022" in x.reason
    whole = ac.valuation(bundled, "x-corp", assume_share="100%")
    assert row(whole.frame, record="musk-x-2022")["post_money_usd"] == money(
        bundled, "musk-x-2022", "paid"
    )
    c = ac.control(bundled, "elon-musk").frame
    assert set(c["controlled"]) == {"x-corp", "xai"}  # 20.5% of Tesla is no control


def test_bundled_meta_scale_valuation_says_what_is_missing(bundled: ac.Ledger) -> None:
    v = ac.valuation(bundled, "scale-ai")
    assert list(v.frame["record"]) == ["meta-scale-ai-2025"]
    assert v.frame["post_money_usd"].isna().all()
    assert v.reason is not None
    assert "the share bought is not reported for meta-scale-ai-2025" in v.reason
    assert "$14.30B paid by meta" in v.reason
    guess = ac.valuation(bundled, "scale-ai", assume_share="49%")
    paid = money(bundled, "meta-scale-ai-2025", "paid")
    assert row(guess.frame, record="meta-scale-ai-2025")["post_money_usd"] == pytest.approx(
        paid / 0.49
    )
    o = ac.ownership(bundled, "scale-ai").frame
    assert math.isnan(row(o, holder="meta")["share_basic"])
    assert math.isnan(row(o, holder="others")["share_basic"])
    # the purchase's kind is not reported: no money is counted as reaching Scale AI
    flows = bundled.flows()
    assert not (flows["record"] == "meta-scale-ai-2025").any()


def test_bundled_stake_records_are_sourced_and_quoted(bundled: ac.Ledger) -> None:
    seeds = Path(__file__).parents[2] / "shared" / "seeds"
    texts = {p.name[:3]: " ".join(p.read_text("utf-8").split()) for p in seeds.glob("*.txt")}
    mine = list(bundled.records("stakes")) + [
        bundled[i] for i in ("meta", "scale-ai", "tesla", "x-corp", "xai", "elon-musk")
    ]
    for record in mine:
        assert record.sources, record.id  # type: ignore[attr-defined]
        for c in record.sources:  # type: ignore[attr-defined]
            assert c.quote, record.id
            assert c.translation, record.id
            seed = "003" if c.source == "fr-2025-meta-scale-ai" else "004"
            if texts:
                assert " ".join(c.quote.split()) in texts[seed], (record.id, c.quote[:60])


def test_the_report_shows_ownership_and_valuations(bundled: ac.Ledger) -> None:
    data = report(bundled)
    by_id = {c["id"]: c for c in data["companies"]}
    tesla = by_id["tesla"]["ownership"]
    assert [h["holder"] for h in tesla["holders"]] == ["elon-musk", "others"]
    assert tesla["holders"][0]["share"] == share(bundled, "musk-tesla-2024")
    scale = by_id["scale-ai"]["ownership"]
    assert scale["valuations"][0]["missing"] == "the share bought"
    stability = by_id["stability-ai"]["ownership"]
    assert stability["valuations"][0]["post_money"] == money(
        bundled, "stability-2022-round", "post_money"
    )
    from aicapex.render import render_report

    text = render_report(data)
    assert "elon-musk 20.5%, others 79.5%" in text
    assert "valuation      n/a: the share bought is not reported (meta-scale-ai-2025)" in text


def test_remembered_stake_inputs_are_not_changed_by_their_callers(bundled: ac.Ledger) -> None:
    """The ledger remembers each analysis's stake inputs (the report asks four times); what a
    caller does to its copy leaves the next caller's as computed afresh."""
    from aicapex.analysis.stakeskit import stake_inputs

    fresh = ac.load(ac.bundled_data())
    for as_of in (None, "2025-06", {"openai": "2025-03", "scale-ai": None}):
        first = stake_inputs(bundled, None, as_of, "latest", None)
        first.stakes["company"] = "changed"
        first.rounds["status"] = "changed"
        first.stakes_of.clear()
        first.aside["someone"] = ["changed"]
        for rows in first.rounds_of.values():
            rows.clear()
        again = stake_inputs(bundled, None, as_of, "latest", None)
        expected = stake_inputs(fresh, None, as_of, "latest", None)
        pd.testing.assert_frame_equal(again.stakes, expected.stakes)
        pd.testing.assert_frame_equal(again.rounds, expected.rounds)
        for got, want in (
            (again.stakes_of, expected.stakes_of),
            (again.rounds_of, expected.rounds_of),
        ):
            assert list(got) == list(want)
            for company in want:  # rows as frames: NaN equals NaN
                pd.testing.assert_frame_equal(
                    pd.DataFrame(got[company]), pd.DataFrame(want[company])
                )
        assert again.aside == expected.aside
        assert again.stakes_of  # the bundled stakes are there to be changed


SHARE_COUNTS = """
stakes:
- id: founder-holds
  holder: founder
  company: acme
  date: 2024-01
  event: holding
  shares: 12.5M
- id: vc-holds
  holder: vc
  company: acme
  date: 2024-01
  event: holding
  share: 30%
share_counts:
- id: acme-shares-2023
  company: acme
  date: 2023-12
  basic: 50M
- id: acme-shares-2024
  company: acme
  date: 2024-06
  basic: 100M
  diluted: 125M
"""


def test_a_holder_of_a_number_of_shares_gets_its_share_from_share_counts(
    ledger_text: LedgerText,
) -> None:
    """The company's latest ``share_counts`` record by ``as_of`` gives the total a number of
    shares is a share of (the stakes giving none): 12.5M of 100M shares is 12.5%. It was left
    unknown (and the others' part with it), the share_counts records unread."""
    led = ledger(ledger_text, SHARE_COUNTS)
    now = ac.ownership(led, "acme")
    assert row(now.frame, holder="founder")["share_basic"] == pytest.approx(0.125)
    assert row(now.frame, holder="founder")["share_diluted"] == pytest.approx(0.1)
    assert row(now.frame, holder="others")["share_basic"] == pytest.approx(0.575)
    assert "acme-shares-2024" in now.records
    assert "12,500,000 of 100,000,000 shares" in row(now.frame, holder="founder")["note"]
    # by as_of: the count of that date (50M), for one company or a mapping of them
    for then in (
        ac.ownership(led, "acme", as_of="2024-03"),
        ac.ownership(led, as_of={"acme": "2024-03"}),
    ):
        assert row(then.frame, holder="founder")["share_basic"] == pytest.approx(0.25)
        assert math.isnan(row(then.frame, holder="founder")["share_diluted"])
        assert "acme-shares-2024" not in then.records
    # record frames by kind, as the ledger
    frames = {kind: led.frame(kind) for kind in ("stakes", "share_counts")}
    assert row(ac.ownership(frames, "acme").frame, holder="founder")["share_basic"] == 0.125
    # a total the stakes give (shares / share) comes first
    both = SHARE_COUNTS.replace("  shares: 12.5M\n", "  shares: 12.5M\n  share: 25%\n")
    led = ledger(ledger_text, both)
    assert row(ac.ownership(led, "acme").frame, holder="founder")["share_basic"] == 0.25
