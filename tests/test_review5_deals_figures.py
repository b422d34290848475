"""Review 5 (deals): figures of funding, ownership, valuation, warrants, listings and customers
worked by hand from small ledgers of shapes the bundled data does not have.

Each expected figure is derived in the test's comment from the records as written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.report import report
from aicapex.table.funding import UNDISCLOSED

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
- {id: s2, outlet: Other, title: Another report, date: 2024-06}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
- {id: founder, name: Founder, type: person}
"""


def _company_legs(led: ac.Ledger, round_id: str) -> pd.DataFrame:
    f = led.flows()
    rows = f[((f["record"] == round_id) & (f["direction"] == 1)).to_numpy()]
    return rows.assign(payer=rows["payer"].astype(object))


# -- funding: each payer's ends --------------------------------------------------------------


def test_an_exact_participation_in_a_range_round_keeps_its_own_figure(
    ledger_text: LedgerText,
) -> None:
    """A round of $3.2B to $3.4B (base $3.3B) where fund-a put in exactly $1B: fund-a's leg is
    $1B at both ends (it was 0.97B to 1.03B: the round's ends spread over every payer), and
    undisclosed carries the round's uncertainty: $2.3B, from 3.2 - 1 = $2.2B to 3.4 - 1 =
    $2.4B. The investor's mirror row has the same ends."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $3.2B to $3.4B
  investors: [{investor: fund-a, amount: $1B}, {investor: fund-b}]
"""
        )
    )
    legs = _company_legs(led, "r").set_index("payer")
    assert legs.loc["fund-a", ["amount_usd", "low_usd", "high_usd"]].tolist() == [1e9] * 3
    assert legs.loc[UNDISCLOSED, "amount_usd"] == pytest.approx(2.3e9)
    assert legs.loc[UNDISCLOSED, "low_usd"] == pytest.approx(2.2e9)
    assert legs.loc[UNDISCLOSED, "high_usd"] == pytest.approx(2.4e9)
    f = led.flows()
    mirror = f[(f["entity"] == "fund-a").to_numpy()]
    assert mirror[["low_usd", "high_usd"]].iloc[0].tolist() == [1e9, 1e9]


def test_a_range_round_with_a_tranche_keeps_the_round_ends(ledger_text: LedgerText) -> None:
    """$3.2B to $3.4B (base $3.3B), an exact $0.66B tranche disbursed, fund-a $1B exact and
    fund-b about $1B (0.9 to 1.1). Shares: fund-a and fund-b 1/3.3 each, undisclosed 1.3/3.3.
    The tranche: 0.2, 0.2 and 0.26 exact. The rest: 3.3 - 0.66 = $2.64B, from 3.2 - 0.66 =
    2.54 to 3.4 - 0.66 = 2.74 (it was 2.64 x 3.2/3.3 = 2.56 to 2.72: the round's low end then
    summed to 3.22, not 3.2); in it fund-a 0.8 exact, fund-b 0.8 x (0.9..1.1) = 0.72..0.88,
    undisclosed 2.54 - 0.8 - 0.72 = 1.02 to 2.74 - 0.8 - 0.88 = 1.06 (base 1.04). The legs'
    ends sum to the round's: 3.2 and 3.4."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $3.2B to $3.4B
  investors:
  - {investor: fund-a, amount: $1B}
  - {investor: fund-b, amount: about $1B}
  tranches:
  - {amount: $0.66B, status: disbursed, date: 2024-02}
"""
        )
    )
    legs = _company_legs(led, "r")
    rest = legs[(legs["date"] == pd.Timestamp("2024-03-31")).to_numpy()].set_index("payer")
    ends = rest[["amount_usd", "low_usd", "high_usd"]] / 1e9
    assert ends.loc["fund-a"].tolist() == pytest.approx([0.8, 0.8, 0.8])
    assert ends.loc["fund-b"].tolist() == pytest.approx([0.8, 0.72, 0.88])
    assert ends.loc[UNDISCLOSED].tolist() == pytest.approx([1.04, 1.02, 1.06])
    assert legs["low_usd"].sum() == pytest.approx(3.2e9)
    assert legs["high_usd"].sum() == pytest.approx(3.4e9)


def test_a_ceiling_keeps_every_payer_conditional(ledger_text: LedgerText) -> None:
    """Up to $100B, fund-a $10B of it: nothing of a ceiling is firm; fund-a's $10B is
    conditional from $0 (the ceiling's low end) to $10B, as before."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  status: announced
  amount: up to $100B
  investors: [{investor: fund-a, amount: $10B}]
"""
        )
    )
    legs = _company_legs(led, "r").set_index("payer")
    assert legs.loc["fund-a", ["amount_usd", "low_usd", "high_usd"]].tolist() == [10e9, 0, 10e9]
    assert set(legs["status"].astype(object)) == {"conditional"}


def test_a_round_known_by_participations_in_two_currencies(ledger_text: LedgerText) -> None:
    """No amount for the round; fund-a put in $10M and fund-b €10M, at $1.10 a euro: the round
    moved $10M + $11M = $21M, each from its investor (both legs had no currency and no dollars:
    $10M and €10M were added up as 20M of nothing)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
fx_rates:
- {id: fx1, currency: EUR, date: 2024-03, usd: 1.1}
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  investors: [{investor: fund-a, amount: $10M}, {investor: fund-b, amount: €10M}]
"""
        )
    )
    legs = _company_legs(led, "r").set_index("payer")
    assert legs["amount_usd"].to_dict() == {"fund-a": 10e6, "fund-b": pytest.approx(11e6)}
    assert set(legs["currency"].astype(object)) == {"USD"}
    f = led.flows()
    mirror = f[(f["entity"] == "fund-b").to_numpy()]
    assert mirror["amount_usd"].tolist() == [pytest.approx(11e6)]


def test_a_participation_without_a_rate_is_never_the_whole_round(
    ledger_text: LedgerText,
) -> None:
    """A $100M round in which fund-a put €50M, with no euro rate: fund-a's part in dollars is
    unknown, so the split is; the company got $100M from undisclosed (fund-a paid all $100M:
    its euro amount was dropped and it was taken as the round's one investor without an
    amount). With a rate of $1.10, fund-a pays $55M and undisclosed $45M."""
    text = (
        HEAD
        + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  amount: $100M
  investors: [{investor: fund-a, amount: €50M}]
"""
    )
    led = ac.load(ledger_text(text))
    legs = _company_legs(led, "r")
    assert legs.groupby("payer")["amount_usd"].sum().to_dict() == {UNDISCLOSED: 100e6}
    f = led.flows()
    assert not (f["entity"] == "fund-a").any()
    rated = text + "fx_rates:\n- {id: fx, currency: EUR, date: 2024-03, usd: 1.1}\n"
    legs = _company_legs(ac.load(ledger_text(rated)), "r")
    paid = legs.groupby("payer")["amount_usd"].sum().to_dict()
    assert paid == {"fund-a": pytest.approx(55e6), UNDISCLOSED: pytest.approx(45e6)}


def test_a_failed_tranche_moves_nothing(ledger_text: LedgerText) -> None:
    """acme commits $100M to gamma: $10M disbursed in April, $20M failed in May, $30M
    cancelled in June; the untranched rest is 100 - 10 - 20 - 30 = $40M committed. Money
    moving: $10M disbursed and $40M committed; the failed $20M moves nothing, as the cancelled
    $30M (it was a flow of status 'failed', a status the flows do not have, counted as
    committed money: acme's round trip with gamma's $200M of purchases was $60M invested)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: gamma
  date: 2024-03
  status: committed
  amount: $100M
  investors: [{investor: acme, amount: $100M}]
  tranches:
  - {amount: $10M, status: disbursed, date: 2024-04}
  - {amount: $20M, status: failed, date: 2024-05}
  - {amount: $30M, status: cancelled, date: 2024-06}
compute_contracts:
- {id: c, buyer: gamma, seller: acme, start: 2024-04, end: 2024-05, total_value: $200M}
"""
        )
    )
    legs = _company_legs(led, "r")
    by_status = legs.groupby(legs["status"].astype(object))["amount_usd"].sum().to_dict()
    assert by_status == {"disbursed": 10e6, "committed": 40e6}
    rt = ac.round_trip(led, "acme").frame
    row = rt[((rt["customer"] == "gamma") & (rt["window"] == "2024")).to_numpy()].iloc[0]
    assert (row["basis"], row["invested_usd"], row["purchases_usd"]) == ("committed", 40e6, 200e6)


def test_a_purchase_by_price_carries_the_range_of_its_shares(ledger_text: LedgerText) -> None:
    """fund-a bought 10M to 12M new shares at $2: $22M, from 2 x 10 = $20M to 2 x 12 = $24M
    (the ends were the price's alone: $22M to $22M). fund-b, 10M shares at about $2 (1.8 to
    2.2): $18M to $22M, as before."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
stakes:
- {id: sa, holder: fund-a, company: acme, date: 2024-03, event: purchase, purchase: primary,
   shares: 10M to 12M, price_per_share: $2}
- {id: sb, holder: fund-b, company: acme, date: 2024-03, event: purchase, purchase: primary,
   shares: 10M, price_per_share: about $2}
"""
        )
    )
    f = led.flows()
    company = f[(f["direction"] == 1).to_numpy()].set_index("record")
    assert company.loc["sa", ["amount_usd", "low_usd", "high_usd"]].tolist() == pytest.approx(
        [22e6, 20e6, 24e6]
    )
    assert company.loc["sb", ["amount_usd", "low_usd", "high_usd"]].tolist() == pytest.approx(
        [20e6, 18e6, 22e6]
    )


# -- ownership: dilution ---------------------------------------------------------------------


def test_a_round_in_another_currency_dilutes_without_a_rate(ledger_text: LedgerText) -> None:
    """€20M at €100M post-money buys 20% of acme whatever a euro is worth: the founder's 60%
    becomes 60% x 0.8 = 48% (it stayed 60%: the dilution was read in dollars, and without an
    exchange rate there were none)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2021-03, amount: €20M, post_money: €100M}
stakes:
- {id: h-f, holder: founder, company: acme, date: 2020-01, event: holding, share: 60%}
"""
        )
    )
    rows = ac.ownership(led, "acme").frame.set_index("holder")
    assert rows.loc["founder", "share_basic"] == pytest.approx(0.48)
    assert rows.loc["others", "share_basic"] == pytest.approx(0.52)


def test_a_priced_round_without_a_valuation_dilutes_by_its_new_shares(
    ledger_text: LedgerText,
) -> None:
    """The founder holds all 40M fully diluted shares of beta; a closed $20M round at $2 a
    share (no post-money, no shares_issued) issues 20M / 2 = 10M new shares: the founder holds
    40 / 50 = 80% after it (it stayed at 100%). acme, the same in euros without a rate: 80%
    too (€20M / €2 = 10M shares, no exchange rate needed)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: rb, company: beta, date: 2021-03, amount: $20M, price_per_share: $2}
- {id: ra, company: acme, date: 2021-03, amount: €20M, price_per_share: €2}
stakes:
- {id: hb, holder: founder, company: beta, date: 2020-01, event: holding, share: 100%,
   shares: 40M, diluted: true}
- {id: ha, holder: founder, company: acme, date: 2020-01, event: holding, share: 100%,
   shares: 40M, diluted: true}
"""
        )
    )
    frame = ac.ownership(led).frame
    founder = frame[(frame["holder"] == "founder").to_numpy()].set_index("company")
    assert founder.loc["beta", "share_diluted"] == pytest.approx(0.8)
    assert founder.loc["acme", "share_diluted"] == pytest.approx(0.8)
    # one company at a time gives the same figures as all at once
    for company in ("acme", "beta"):
        one = ac.ownership(led, company).frame
        assert one["share_diluted"].tolist() == pytest.approx(
            frame[(frame["company"] == company).to_numpy()]["share_diluted"].tolist()
        )


# -- valuation: no exchange rate -----------------------------------------------------------


def test_a_valuation_without_an_exchange_rate_says_so(ledger_text: LedgerText) -> None:
    """A round valued at €100M post-money and a stake (sa) bought for €5M, with no EUR rate: no
    dollar figure can be given, and the rows say why (they were dropped without a word, and
    acme's reason blamed the absence of any priced event)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2021-03, amount: €20M, post_money: €100M}
stakes:
- {id: sa, holder: fund-a, company: acme, date: 2021-06, event: purchase, purchase: secondary,
   share: 5%, paid: €5M}
"""
        )
    )
    v = ac.valuation(led, "acme")
    rows = v.frame.set_index("record")
    assert set(rows.index) == {"r1", "sa"}
    assert rows["post_money_usd"].isna().all()
    assert all("EUR" in m for m in rows["missing"])
    assert v.reason is not None
    assert "exchange rate" in v.reason
    assert any("exchange rate" in w and "r1" in w for w in v.warnings)


# -- warrants --------------------------------------------------------------------------------


WARRANTS = """
warrants:
- {id: w1, issuer: acme, holder: beta, date: 2024-01, shares: 10M, exercise_price: $1,
   status: cancelled}
- id: w3
  issuer: acme
  holder: gamma
  date: 2024-01
  shares: 30M
  exercise_price: $1
  vesting:
  - {shares: 10M, milestone: first GW, met: 2024-06}
  - {shares: 10M, price_hurdle: $5}
  - {shares: 10M, milestone: second GW, status: lapsed}
listings:
- {id: ipo, company: acme, date: 2024-09, price: $40, status: cancelled}
funding_rounds:
- {id: r, company: acme, date: 2024-03, amount: $10M, price_per_share: $2}
- {id: r-talk, company: acme, date: 2024-10, status: in_talks, price_per_share: $60}
share_counts:
- {id: sc, company: acme, date: 2024-02, basic: 100M}
"""


def test_a_cancelled_listing_or_a_round_in_talks_gives_no_share_price(
    ledger_text: LedgerText,
) -> None:
    """The IPO at $40 was cancelled and the $60 round is only in talks: the latest share price
    is the closed round's $2. w3 at the end of 2024: 10M vested (met in June), the $5 hurdle
    not reached at $2, 10M lapsed; intrinsic value 10M x (2 - 1) = $10M, every share not
    lapsed 20M x 1 = $20M (at $40 it was $390M and the hurdle counted as reached)."""
    led = ac.load(ledger_text(HEAD + WARRANTS))
    row = ac.warrant_value(led, "w3", as_of="2024-12").frame.iloc[0]
    assert row["price_usd"] == 2.0
    assert row["price_source"] == "round price per share (r)"
    assert row["hurdles_reached_shares"] == 0.0
    assert row["intrinsic_value_usd"] == pytest.approx(10e6)
    assert row["full_intrinsic_value_usd"] == pytest.approx(20e6)


def test_a_cancelled_warrant_is_worth_nothing(ledger_text: LedgerText) -> None:
    """w1 was cancelled: no vested shares, no value, no stake (it had 10M vested from its
    grant, worth 10M x (2 - 1) = $10M, and 10 / 110 of acme); a warning says why."""
    led = ac.load(ledger_text(HEAD + WARRANTS))
    result = ac.warrant_value(led, "w1", as_of="2024-12", price="$2")
    row = result.frame.iloc[0]
    assert row["vested_shares"] == 0.0
    assert row["intrinsic_value_usd"] == 0.0
    assert row["full_intrinsic_value_usd"] == 0.0
    assert row["stake"] == 0.0
    assert row["stake_vested"] == 0.0
    assert any("w1: cancelled" in w for w in result.warnings)


# -- listings --------------------------------------------------------------------------------


def test_a_listing_of_primary_and_secondary_shares_has_gross_proceeds(
    ledger_text: LedgerText,
) -> None:
    """An IPO at $40 of 10M new shares and 5M sold by holders, its shares offered not written:
    15M shares were offered, $600M gross (it was unknown, with a warning that the shares
    offered are not reported, while the parts gave $400M and $200M)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
listings:
- {id: ipo, company: acme, date: 2024-09, price: $40, primary: 10M, secondary: 5M}
"""
        )
    )
    result = ac.listing(led, "acme")
    row = result.frame.iloc[0]
    assert row["shares_offered"] == 15e6
    assert row["gross_proceeds_usd"] == 600e6
    assert row["primary_proceeds_usd"] == 400e6
    assert row["secondary_proceeds_usd"] == 200e6
    assert result.warnings == ()


# -- customers -------------------------------------------------------------------------------


def test_a_customer_given_as_a_rate_counts(ledger_text: LedgerText) -> None:
    """acme: $120M a year, of which beta $40M a year and gamma 25%: beta 40 / 120 = 1/3,
    gamma $30M, the rest 120 - 40 - 30 = $50M (5/12). beta: $100M in 2024, of which gamma
    $2M a month through 2024: 12 x 2 = $24M (24%), the rest $76M. (The rate parts had no
    amount, and the rests were $90M and $100M.)"""
    led = ac.load(
        ledger_text(
            HEAD
            + """
revenues:
- {id: t1, company: acme, date: 2024, rate: $120M/year}
- {id: p1, company: acme, counterparty: beta, date: 2024, rate: $40M/year, included_in: t1}
- {id: p2, company: acme, counterparty: gamma, date: 2024, share: 25%, of: t1,
   included_in: t1}
- {id: t2, company: beta, date: 2024, amount: $100M}
- {id: p3, company: beta, counterparty: gamma, date: 2024, rate: $2M/month, included_in: t2}
"""
        )
    )
    frame = ac.customers(led).frame
    by = {(r["total"], r["record"]): r for r in frame.to_dict("records")}
    assert by[("t1", "p1")]["amount_usd"] == pytest.approx(40e6)
    assert by[("t1", "p1")]["share"] == pytest.approx(1 / 3)
    assert by[("t1", "")]["amount_usd"] == pytest.approx(50e6)
    assert by[("t1", "")]["share"] == pytest.approx(5 / 12)
    assert by[("t2", "p3")]["amount_usd"] == pytest.approx(24e6)
    assert by[("t2", "p3")]["share"] == pytest.approx(0.24)
    assert by[("t2", "")]["amount_usd"] == pytest.approx(76e6)


# -- valuation: what never happened ----------------------------------------------------------


def test_a_cancelled_round_implies_no_valuation(ledger_text: LedgerText) -> None:
    """A closed round at $1B post-money and, within the month, a cancelled one at $3B: only
    the closed one is an implied valuation (the cancelled one was listed and flagged as
    disagreeing with it, as cancelled purchases never were). A rumoured one at $5B stays, as
    rumoured purchases do."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2024-03, amount: $100M, post_money: $1B}
- {id: r2, company: acme, date: 2024-03-20, status: cancelled, instrument: safe, amount: $100M,
   post_money: $3B}
- {id: r3, company: beta, date: 2024-04, status: rumoured, amount: $100M, post_money: $5B}
"""
        )
    )
    v = ac.valuation(led)
    assert v.frame["record"].tolist() == ["r1", "r3"]
    assert v.frame["post_money_usd"].tolist() == [1e9, 5e9]
    assert not any("disagree" in w for w in v.warnings)


def test_a_round_in_euros_gives_the_share_count_without_a_rate(ledger_text: LedgerText) -> None:
    """A round at €100M post-money and €2 a share counts 100 / 2 = 50M fully diluted shares
    (no exchange rate needed); a later stake of 5M shares bought at $3 a share then implies
    3 x 50M = $150M post-money (after the round's count: the purchase brings no new shares
    counted before it, a secondary). Without the count it was 'the number of fully diluted
    shares' missing."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2024-03, amount: €20M, post_money: €100M, price_per_share: €2}
stakes:
- {id: sa, holder: fund-a, company: acme, date: 2024-09, event: purchase, purchase: secondary,
   shares: 5M, price_per_share: $3, diluted: true}
"""
        )
    )
    rows = ac.valuation(led, "acme").frame.set_index("record")
    assert rows.loc["sa", "shares_total"] == 50e6
    assert rows.loc["sa", "post_money_usd"] == pytest.approx(150e6)


# -- arguments ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", None, [0.5], False])
def test_a_control_threshold_that_is_no_number_is_named(bad: object) -> None:
    """'abc' raised "could not convert string to float: 'abc'" (None and a list a TypeError
    from float()); False was taken as 0 (every holder of any share controlling); now the
    argument's own error."""
    led = ac.Ledger()
    with pytest.raises(ValueError, match="expected a threshold"):
        ac.control(led, threshold=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["a", None, 2.5, True])
def test_a_max_length_that_is_no_whole_number_is_named(bad: object) -> None:
    """'a' and None raised TypeError from a comparison inside cycles; now the argument's error."""
    with pytest.raises(ValueError, match="expected max_length"):
        ac.cycles(ac.Ledger(), max_length=bad)  # type: ignore[arg-type]


# -- deals reported twice: each fact once ----------------------------------------------------

TWICE = """
sources:
- {id: a, outlet: A, title: A, date: 2024-05}
- {id: b, outlet: B, title: B, date: 2024-06}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: beta, name: Beta, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: spv, name: SPV, type: other}
vehicles:
- {id: spv-a, vehicle: spv, date: 2024-05, sources: [a], total: $10B, lessee: acme,
   pieces: [{participant: fund-a, kind: equity, amount: $2B}, {kind: debt, amount: $7B}]}
- {id: spv-b, vehicle: spv, date: 2024-06, sources: [b], total: $12B, lessee: acme,
   pieces: [{participant: fund-a, kind: equity, amount: $3B}, {kind: debt, amount: $9B}]}
warrants:
- {id: w-a, issuer: beta, holder: acme, date: 2024-05, shares: 10M, exercise_price: $1,
   sources: [a]}
- {id: w-b, issuer: beta, holder: acme, date: 2024-05, shares: 12M, exercise_price: $1,
   sources: [b]}
listings:
- {id: l-a, company: beta, date: 2024-05, price: $20, shares_offered: 10M, sources: [a]}
- {id: l-b, company: beta, date: 2024-05-20, price: $22, shares_offered: 10M, sources: [b]}
cash_balances:
- {id: cash-acme, company: acme, date: 2024-06, amount: $5M}
- {id: cash-beta, company: beta, date: 2024-06, amount: $5M}
"""


def test_a_vehicle_reported_twice_counts_once(ledger_text: LedgerText) -> None:
    """Two sources give the SPV's capital: $10B (fund-a $2B, debt $7B) in May, $12B (fund-a
    $3B, debt $9B) in June. They are one fact (Ledger.conflicts lists them); as the flows,
    the latest report counts: fund-a 3 / 12 = 25%, debt 75%, and the May one is named as set
    aside (both were listed, fund-a's $2B and $3B side by side, and the report showed both)."""
    led = ac.load(ledger_text(TWICE))
    stack = ac.capital_stack(led, "acme")
    assert stack.frame["record"].unique().tolist() == ["spv-b"]
    assert stack.frame["share_of_total"].tolist() == [0.25, 0.75]
    assert any("spv-a" in w for w in stack.warnings)
    assert ac.capital_stack(led, "spv-a").frame["total_usd"].iloc[0] == 10e9  # asked by id
    assert len(ac.capital_stack(led, conflicts="all").frame) == 4
    data = report(led)
    acme = next(c for c in data["companies"] if c["id"] == "acme")
    assert [v["record"] for v in acme["vehicles"]] == ["spv-b"]


def test_a_warrant_and_a_listing_reported_twice_count_once(ledger_text: LedgerText) -> None:
    """The warrant of 10M shares (May report) or 12M (June report): 12M counts, at the price
    of the listing as reported in June, $22: intrinsic value 12M x (22 - 1) = $252M. (Both
    warrants were listed, at the set-aside May report's $20, its date ending after May 20:
    10M x 19 + 12M x 19.) The listing: the one reported in June, 10M x $22 = $220M gross."""
    led = ac.load(ledger_text(TWICE))
    w = ac.warrant_value(led, "acme", as_of="2024-12")
    assert w.frame["warrant"].tolist() == ["w-b"]
    assert w.frame["intrinsic_value_usd"].tolist() == [pytest.approx(252e6)]
    lst = ac.listing(led, "beta")
    assert lst.frame["listing"].tolist() == ["l-b"]
    assert lst.frame["gross_proceeds_usd"].tolist() == [220e6]
    data = report(led)
    acme = next(c for c in data["companies"] if c["id"] == "acme")
    assert [x["warrant"] for x in acme["warrants"]] == ["w-b"]
    beta = next(c for c in data["companies"] if c["id"] == "beta")
    assert [x["listing"] for x in beta["listings"]] == ["l-b"]


def test_a_round_with_secondary_sales_derives_no_new_money(ledger_text: LedgerText) -> None:
    """$1B raised at $10B post-money, part of it shares sold by holders (secondary: true): the
    new money is some unknown part of the $1B, so the pre-money is not 10 - 1 = $9B (it was);
    the post-money as reported stands. Beta, $1B at $9B pre-money with secondary sales: the
    post-money is not 9 + 1 = $10B (it was), and the row says what is missing. Gamma, the same
    round without secondary sales: $9B pre-money, as before."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: ra, company: acme, date: 2024-03, amount: $1B, post_money: $10B, secondary: true}
- {id: rb, company: beta, date: 2024-03, amount: $1B, pre_money: $9B, secondary: true}
- {id: rc, company: gamma, date: 2024-03, amount: $1B, post_money: $10B}
"""
        )
    )
    rows = ac.valuation(led).frame.set_index("record")
    assert pd.isna(rows.loc["ra", "pre_money_usd"])
    assert rows.loc["ra", "post_money_usd"] == 10e9
    assert pd.isna(rows.loc["rb", "post_money_usd"])
    assert rows.loc["rb", "pre_money_usd"] == 9e9
    assert "secondary" in rows.loc["rb", "missing"]
    assert rows.loc["rc", "pre_money_usd"] == 9e9


def test_valuations_more_than_a_window_apart_are_not_compared(ledger_text: LedgerText) -> None:
    """acme at $1B on Jan 1, $1B on Jan 25 and $2B on Feb 20: Jan 1 and Jan 25 agree (24 days
    apart); Jan 25 and Feb 20 (26 days) disagree; Jan 1 and Feb 20 are 50 days apart, more than
    the 31 days of a window, and are not compared. So Jan 1 agrees (it was marked as
    disagreeing, the three chained into one cluster and compared pair by pair)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2024-01-01, amount: $100M, post_money: $1B}
- {id: r2, company: acme, date: 2024-01-25, instrument: safe, amount: $100M, post_money: $1B}
- {id: r3, company: acme, date: 2024-02-20, instrument: debt, amount: $100M, post_money: $2B}
"""
        )
    )
    agrees = ac.valuation(led, "acme").frame.set_index("record")["agrees"]
    assert agrees.to_dict() == {"r1": True, "r2": False, "r3": False}


def test_round_trip_counts_each_contract_s_gigawatts_once(ledger_text: LedgerText) -> None:
    """acme commits $60M to beta; beta's contract with acme (April-May 2024, $20M) is reported
    at 1 GW (April) and 1.2 GW (June): one contract, the June report counts (its flows are the
    June report's). A 5 GW contract was cancelled. Funded $20M (min of 60 and 20) over
    1.2 GW: $16.67M a GW (GW was 1 + 1.2 + 5 = 7.2 and $2.78M a GW)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: beta, date: 2024-03, status: committed, amount: $60M,
   investors: [{investor: acme, amount: $60M}]}
compute_contracts:
- {id: c1, buyer: beta, seller: acme, start: 2024-04, end: 2024-05, total_value: $20M,
   capacity: 1 GW, status: signed, sources: [{source: s1, quote: q}]}
- {id: c1b, buyer: beta, seller: acme, start: 2024-04, end: 2024-05, total_value: $20M,
   capacity: 1.2 GW, status: signed, sources: [{source: s2, quote: q}]}
- {id: c2, buyer: beta, seller: acme, start: 2024-06, end: 2024-07, total_value: $30M,
   capacity: 5 GW, status: cancelled}
"""
        )
    )
    rt = ac.round_trip(led, "acme").frame
    row = rt[((rt["customer"] == "beta") & (rt["window"] == "2024")).to_numpy()].iloc[0]
    assert row["funded_usd"] == 20e6
    assert row["gw"] == pytest.approx(1.2)
    assert row["funded_per_gw_usd"] == pytest.approx(20e6 / 1.2)


def test_a_listing_priced_in_a_range_has_the_ends_of_its_price(ledger_text: LedgerText) -> None:
    """An IPO filed at $18 to $20 a share for 10M shares: $190M gross, from 18 x 10 = $180M to
    20 x 10 = $200M (the ends were $190M and $190M: the price's range was dropped). Another
    at $20 for 9M to 11M shares: $180M to $220M, as before."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
listings:
- {id: ipo, company: acme, date: 2024-09, status: announced, price: $18 to $20,
   shares_offered: 10M}
- {id: ipo2, company: beta, date: 2024-09, price: $20, shares_offered: 9M to 11M}
"""
        )
    )
    frame = ac.listing(led).frame.set_index("listing")
    ends = ["gross_proceeds_usd", "gross_proceeds_low_usd", "gross_proceeds_high_usd"]
    assert frame.loc["ipo", ends].tolist() == pytest.approx([190e6, 180e6, 200e6])
    assert frame.loc["ipo2", ends].tolist() == pytest.approx([200e6, 180e6, 220e6])


def test_a_price_range_gives_the_ends_of_its_valuation(ledger_text: LedgerText) -> None:
    """The January round: $100M post-money at $2 a share, so 100 / 2 = 50M fully diluted
    shares. In February fund-a buys 1M of them at $1.90 to $2.10: 50M x 2 = $100M, from
    50 x 1.9 = $95M to 50 x 2.1 = $105M (the ends were $100M and $100M), and fund-b 1% for
    $1.04M: $104M. fund-a's range, widened by 1%, meets both $100M and $104M: it agrees
    (it disagreed with $104M); the round's $100M and fund-b's $104M still disagree."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r1, company: acme, date: 2024-01, amount: $10M, post_money: $100M, price_per_share: $2}
stakes:
- {id: sa, holder: fund-a, company: acme, date: 2024-02, event: purchase, purchase: secondary,
   shares: 1M, price_per_share: $1.90 to $2.10, diluted: true}
- {id: sb, holder: fund-b, company: acme, date: 2024-02-10, event: purchase,
   purchase: secondary, share: 1%, paid: $1.04M}
"""
        )
    )
    rows = ac.valuation(led, "acme").frame.set_index("record")
    ends = ["post_money_usd", "post_money_low_usd", "post_money_high_usd"]
    assert rows.loc["sa", ends].tolist() == pytest.approx([100e6, 95e6, 105e6])
    assert rows["agrees"].to_dict() == {"r1": False, "sb": False, "sa": True}


def test_no_warning_that_nobody_is_diluted_when_a_stake_bought_in_the_round_is(
    ledger_text: LedgerText,
) -> None:
    """The founder holds 100% (no share count); a $20M round at $2 a share issues 10M new
    shares, which cannot dilute anyone without the count before them, but fund-a's 20% bought
    in it does: founder 100% x (1 - 0.2) = 80%, fund-a 20%. No warning then says the holders
    are not diluted (it did); without the stake, the warning stays."""
    text = (
        HEAD
        + """
funding_rounds:
- {id: r2, company: beta, date: 2021-03, amount: $20M, price_per_share: $2}
stakes:
- {id: h-f, holder: founder, company: beta, date: 2020-01, event: holding, share: 100%}
"""
    )
    bought = """- {id: p-a, holder: fund-a, company: beta, date: 2021-03, event: purchase,
   purchase: primary, round: r2, share: 20%, paid: $20M}
"""
    with_stake = ac.ownership(ac.load(ledger_text(text + bought)), "beta")
    shares = with_stake.frame.set_index("holder")["share_basic"].to_dict()
    assert shares == {"founder": pytest.approx(0.8), "fund-a": 0.2, "others": pytest.approx(0)}
    assert not any("not diluted" in w for w in with_stake.warnings)
    alone = ac.ownership(ac.load(ledger_text(text)), "beta")
    assert any("r2 issued 10,000,000 new shares" in w for w in alone.warnings)


def test_the_report_counts_a_round_known_by_its_participations(ledger_text: LedgerText) -> None:
    """beta's committed debt round gives no amount; its lenders put in $40M and $10M, which the
    flows move ($50M committed). The report's funding lists it at $50M, written '$40M + $10M',
    and counts it in the committed total (it was listed with no amount and left out)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r4, company: beta, date: 2024-05, status: committed, instrument: debt,
   investors: [{investor: fund-a, amount: $40M}, {investor: fund-b, amount: $10M}]}
cash_balances:
- {id: cash-beta, company: beta, date: 2024-06, amount: $5M}
"""
        )
    )
    beta = next(c for c in report(led)["companies"] if c["id"] == "beta")
    (row,) = beta["funding"]["rounds"]
    assert (row["amount"], row["written"], row["currency"]) == (50e6, "$40M + $10M", "USD")
    assert beta["funding"]["by_status"] == {"committed": 50e6}
    flows = led.flows()
    assert flows[(flows["entity"] == "beta").to_numpy()]["amount_usd"].sum() == 50e6


def test_a_cancelled_warrant_adds_nothing_to_the_share_count(ledger_text: LedgerText) -> None:
    """acme has 100M basic shares; the cancelled w1 (10M) gives no right to buy: the fully
    diluted count beside it is 100M (it was 100 + 10 = 110M), its stake 0."""
    led = ac.load(ledger_text(HEAD + WARRANTS))
    rows = ac.warrant_value(led, as_of="2024-12", price="$2").frame.set_index("warrant")
    assert rows.loc["w1", "diluted_shares"] == 100e6
    assert rows.loc["w1", "stake"] == 0.0
    assert rows.loc["w3", "diluted_shares"] == 130e6  # 100M + its 30M


def test_a_share_price_that_is_a_bool_is_refused(ledger_text: LedgerText) -> None:
    """price=True was a share price of $1 (Python's 1); now the argument's error."""
    led = ac.load(ledger_text(HEAD + WARRANTS))
    with pytest.raises(ValueError, match="expected a positive share price"):
        ac.warrant_value(led, price=True)


def test_a_round_price_times_the_share_count_before_it(ledger_text: LedgerText) -> None:
    """acme counted 40M fully diluted shares in January; its March round of $20M at $2 a share
    is worth 40M x 2 = $80M before the money, $100M after (the share count was not read:
    'the number of fully diluted shares' was missing)."""
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r, company: acme, date: 2024-03, amount: $20M, price_per_share: $2}
share_counts:
- {id: sc, company: acme, date: 2024-01, basic: 35M, diluted: 40M}
"""
        )
    )
    row = ac.valuation(led, "acme").frame.iloc[0]
    assert row["method"] == "price per share x fully diluted shares before it (sc)"
    assert (row["pre_money_usd"], row["post_money_usd"]) == (80e6, 100e6)
    assert row["missing"] == ""


def test_a_revenue_total_reported_twice_has_its_customers_once(ledger_text: LedgerText) -> None:
    """acme's 2024 revenue is $120M (April report, beta 25% of it) or $130M (June report,
    gamma $20M of it): one fact, and the flows count the June $130M. Its customers: beta 25% x
    130 = $32.5M, gamma $20M (20 / 130), the rest 130 - 32.5 - 20 = $77.5M. (Both totals were
    listed, each with a customer and its own rest: $90M and $110M.)"""
    led = ac.load(
        ledger_text(
            HEAD
            + """
revenues:
- {id: t1, company: acme, date: 2024, amount: $120M, sources: [{source: s1, quote: q}]}
- {id: t1b, company: acme, date: 2024, amount: $130M, sources: [{source: s2, quote: q}]}
- {id: p1, company: acme, counterparty: beta, date: 2024, share: 25%, of: t1}
- {id: p2, company: acme, counterparty: gamma, date: 2024, amount: $20M, included_in: t1b}
"""
        )
    )
    frame = ac.customers(led, "acme").frame
    assert set(frame["total"]) == {"t1b"}
    by = {r["record"]: r for r in frame.to_dict("records")}
    assert by["p1"]["amount_usd"] == pytest.approx(32.5e6)
    assert by["p2"]["share"] == pytest.approx(20 / 130)
    assert by[""]["amount_usd"] == pytest.approx(77.5e6)
    assert len(ac.customers(led, "acme", conflicts="all").frame) == 4  # every report kept
