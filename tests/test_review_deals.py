"""Ownership and deals checked by hand (the review of stakes, rounds, warrants and loops).

Each test writes a small ledger, works the figure out from its records in the test, and
compares it with the library's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: Wire, title: Co raises, date: 2024-01-01}
entities:
- {id: co, name: Co, type: company}
- {id: founder, name: Founder, type: person}
- {id: va, name: VA, type: investor}
"""


def shares_of(led: ac.Ledger, company: str, as_of: str) -> dict[str, float]:
    frame = ac.ownership(led, company, as_of=as_of).frame
    return dict(zip(frame["holder"], frame["share_basic"], strict=True))


def test_stake_dated_less_precisely_than_its_round_dilutes_once(
    ledger_text: LedgerText,
) -> None:
    # the founder holds 100%; a round of $20M at $100M post-money, in which VA buys its 20%.
    # The stake is dated 2021-01, the round 2021-01-15: the stake's date starts first, but it
    # was bought in the round, whose dilution (1 - 20/100) is the only one.
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r-a, sources: [s1], company: co, date: 2021-01-15, instrument: equity, amount: $20M,
   pre_money: $80M, post_money: $100M}
stakes:
- {id: f0, sources: [s1], holder: founder, company: co, date: 2020-01, event: holding,
   share: 100%}
- {id: st-va, sources: [s1], holder: va, company: co, date: 2021-01, event: purchase,
   purchase: primary, round: r-a, share: 20%, paid: $20M}
"""
        )
    )
    dilution = 20 / 100
    got = shares_of(led, "co", "2021-06")
    assert got["founder"] == pytest.approx(1.0 * (1 - dilution))  # 80%, not 64%
    assert got["va"] == pytest.approx(0.20)  # not 16%
    assert got["others"] == pytest.approx(0.0)  # not 20%


WARRANTS = """
funding_rounds:
- {id: r1, sources: [s1], company: co, date: 2023-01-15, amount: $100M, pre_money: $900M,
   post_money: $1B, price_per_share: $10}
warrants:
- {id: w-none, sources: [s1], issuer: co, holder: va, date: 2023-03, shares: 2M}
- {id: w-zero, sources: [s1], issuer: co, holder: va, date: 2023-03, shares: 2M,
   exercise_price: $0}
"""


def test_warrant_without_exercise_price_has_no_intrinsic_value(ledger_text: LedgerText) -> None:
    # a strike not reported is unknown, not $0: 2M shares x ($10 - ?) is not $20M
    led = ac.load(ledger_text(HEAD + WARRANTS))
    result = ac.warrant_value(led, "w-none", as_of="2023-12")
    row = result.rows()[0]
    assert row["price_usd"] == 10.0
    assert row["vested_value_usd"] == 2e6 * 10.0  # vested x price needs no strike
    assert row["exercise_price_usd"] is None  # rows() gives None for NaN
    assert row["intrinsic_value_usd"] is None
    assert row["exercise_cost_usd"] is None
    assert any("no exercise price" in w for w in result.warnings)
    # a strike written as $0 is a strike of $0: 2M x ($10 - $0)
    zero = ac.warrant_value(led, "w-zero", as_of="2023-12").rows()[0]
    assert zero["intrinsic_value_usd"] == 2e6 * (10.0 - 0.0)


def test_report_text_shows_a_share_price_per_share(ledger_text: LedgerText) -> None:
    # a $10 share was shown in millions, '$0.00M'; the warrant's value stays in millions
    from aicapex.render import render_report
    from aicapex.report import report

    led = ac.load(ledger_text(HEAD + WARRANTS))
    text = render_report(report(led, as_of="2023-12"))
    lines = [x for x in text.splitlines() if "(w-zero" in x]
    assert len(lines) == 1
    assert "at $10.00 (round price per share (r1))" in lines[0]
    assert "worth $20.00M vested" in lines[0]  # 2M shares x ($10 - $0)


def test_customers_rest_carries_the_ends_of_a_range(ledger_text: LedgerText) -> None:
    # $2B of revenue: MS 62%, OA about 20% (18% to 22%): the rest is $2B less both, and its
    # ends swap with OA's: $2B - $1.24B - $0.44B to $2B - $1.24B - $0.36B (it was $0.36B at
    # both ends, beside shares of 16% to 20%)
    led = ac.load(
        ledger_text(
            """
sources:
- {id: s1, outlet: Wire, title: GC's customers, date: 2025-01-01}
entities:
- {id: gc, name: GC, type: cloud_provider}
- {id: ms, name: MS, type: company}
- {id: oa, name: OA, type: company}
revenues:
- {id: rev24, sources: [s1], company: gc, amount: $2B, date: 2024, category: services}
- {id: rev24-ms, sources: [s1], company: gc, counterparty: ms, date: 2024, of: rev24,
   share: 62%}
- {id: rev24-oa, sources: [s1], company: gc, counterparty: oa, date: 2024, of: rev24,
   share: about 20%}
"""
        )
    )
    frame = ac.customers(led, "gc").frame
    rest = frame[frame["kind"] == "rest"].iloc[0]
    total, ms, oa_low, oa_high = 2e9, 0.62 * 2e9, 0.18 * 2e9, 0.22 * 2e9
    assert rest["amount_usd"] == pytest.approx(total - ms - 0.20 * 2e9)
    assert rest["amount_low_usd"] == pytest.approx(total - ms - oa_high)  # $0.32B
    assert rest["amount_high_usd"] == pytest.approx(total - ms - oa_low)  # $0.40B
    assert rest["amount_low_usd"] == pytest.approx(rest["share_low"] * total)


def test_round_without_post_money_dilutes_by_pre_money_plus_amount(
    ledger_text: LedgerText,
) -> None:
    # $20M at $80M pre-money: post-money $100M (valuation says so too), the founder 80%
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- {id: r-a, sources: [s1], company: co, date: 2021-03, instrument: equity, amount: $20M,
   pre_money: $80M}
stakes:
- {id: f0, sources: [s1], holder: founder, company: co, date: 2020-01, event: holding,
   share: 100%}
"""
        )
    )
    post = 80e6 + 20e6
    assert ac.valuation(led, "co").frame["post_money_usd"].iloc[0] == post
    got = shares_of(led, "co", "2021-06")
    assert got["founder"] == pytest.approx(1 - 20e6 / post)  # was 100%: no dilution
    assert got["others"] == pytest.approx(20e6 / post)


def test_others_unknown_where_a_named_holder_share_is(ledger_text: LedgerText) -> None:
    # 80M founder shares, then VB buys 25% for $250M at $6 a share ($1B post-money): the
    # founder's fully diluted share is 80M / (1B / 6); VB's is not given on that basis, so the
    # rest of the fully diluted shares is unknown, not VB's 25% counted as 'others'
    led = ac.load(
        ledger_text(
            HEAD
            + """
- {id: vb, name: VB, type: investor}
funding_rounds:
- {id: r-c, sources: [s1], company: co, date: 2023-01-15, instrument: equity, amount: $250M,
   pre_money: $750M, post_money: $1B, price_per_share: $6}
stakes:
- {id: f0, sources: [s1], holder: founder, company: co, date: 2020-01, event: holding,
   share: 100%, shares: 80M}
- {id: st-vb, sources: [s1], holder: vb, company: co, date: 2023-01-15, event: purchase,
   purchase: primary, round: r-c, share: 25%, paid: $250M}
"""
        )
    )
    frame = ac.ownership(led, "co", as_of="2023-06").frame.set_index("holder")
    assert frame.loc["founder", "share_diluted"] == pytest.approx(80e6 / (1e9 / 6))
    assert frame.loc["vb", "share_basic"] == pytest.approx(0.25)
    assert frame.loc["others", "share_basic"] == pytest.approx(1 - 0.75 - 0.25)
    assert frame.loc["vb", "share_diluted"] != frame.loc["vb", "share_diluted"]  # NaN
    # was 25%: VB's part, counted as the holders not named
    assert frame.loc["others", "share_diluted"] != frame.loc["others", "share_diluted"]


PRICED_ROUNDS = """
funding_rounds:
- {id: r-a, sources: [s1], company: co, date: 2021-01-15, instrument: equity, amount: $20M,
   post_money: $100M, price_per_share: $1}
- {id: r-b, sources: [s1], company: co, date: 2022-01-15, instrument: equity,
   price_per_share: $2, shares_issued: 25M}
- {id: r-z, sources: [s1], company: co, date: 2022-06-15, instrument: equity,
   price_per_share: $2}
"""


def test_priced_round_without_amount_is_not_valued_at_its_pre_money(
    ledger_text: LedgerText,
) -> None:
    # r-a: $100M / $1 = 100M fully diluted shares. r-b at $2 with 25M new shares: pre-money
    # 100M x $2, post-money that plus 25M x $2 (it was the pre-money, $200M: no new money).
    # r-z at $2 with neither amount nor shares issued: its post-money is unknown.
    led = ac.load(ledger_text(HEAD + PRICED_ROUNDS))
    result = ac.valuation(led, "co")
    rows = result.frame.set_index("record")
    assert rows.loc["r-b", "pre_money_usd"] == 100e6 * 2
    assert rows.loc["r-b", "post_money_usd"] == 100e6 * 2 + 25e6 * 2
    assert rows.loc["r-z", "pre_money_usd"] == 100e6 * 2
    assert rows.loc["r-z", "post_money_usd"] != rows.loc["r-z", "post_money_usd"]  # NaN
    assert rows.loc["r-z", "missing"] == "the round's amount"


def test_expired_warrant_has_no_intrinsic_value(ledger_text: LedgerText) -> None:
    # 1M shares at $1, the share at $10, expiring 2023-06: worth 1M x ($10 - $1) before its
    # expiry, nothing after it (it was $9M, and the report's line did not say expired)
    from aicapex.render import render_report
    from aicapex.report import report

    led = ac.load(
        ledger_text(
            HEAD
            + WARRANTS.split("warrants:")[0]
            + """warrants:
- {id: w-exp, sources: [s1], issuer: co, holder: va, date: 2022-01, shares: 1M,
   exercise_price: $1, expiry: 2023-06}
"""
        )
    )
    before = ac.warrant_value(led, "w-exp", as_of="2023-03").rows()[0]
    assert before["intrinsic_value_usd"] == 1e6 * (10 - 1)
    after = ac.warrant_value(led, "w-exp", as_of="2023-12")
    row = after.rows()[0]
    assert row["expired"] is True
    assert row["intrinsic_value_usd"] == 0.0
    assert row["full_intrinsic_value_usd"] == 0.0
    assert any("expired" in w for w in after.warnings)
    line = [x for x in render_report(report(led, as_of="2023-12")).splitlines() if "w-exp" in x]
    assert len(line) == 1
    assert line[0].endswith("; expired")


def test_customers_period_of_a_rate_runs_to_its_until(ledger_text: LedgerText) -> None:
    # $5B a year from 2025-01 until 2025-06, MS 50% of it: the period is January to June
    # (it ended on 2025-01-31, the end of the rate's first month)
    led = ac.load(
        ledger_text(
            """
sources:
- {id: s1, outlet: Wire, title: GC's customers, date: 2025-01-01}
entities:
- {id: gc, name: GC, type: cloud_provider}
- {id: ms, name: MS, type: company}
revenues:
- {id: rev25, sources: [s1], company: gc, rate: $5B/yr, date: 2025-01, until: 2025-06,
   category: services}
- {id: rev25-ms, sources: [s1], company: gc, counterparty: ms, date: 2025-01, until: 2025-06,
   of: rev25, share: 50%}
"""
        )
    )
    frame = ac.customers(led, "gc").frame
    assert set(frame["period_start"].astype(str)) == {"2025-01-01"}
    assert set(frame["period_end"].astype(str)) == {"2025-06-30"}
    assert len(ac.customers(led, "gc", period="2025").frame) == 2  # the customer and the rest
    assert ac.customers(led, "gc", period="2025-01").frame.empty  # not within January alone
