"""Valuation of stakes bought in a funding round (``round:``): primary purchases whose new money
is the round's, so that their pre-money valuation is the round's (docs/ownership.md).

Every figure below is worked out by hand from the records of its test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Wire, title: Trial, date: 2024-09}
entities:
- {id: co, name: Co, type: company}
- {id: i1, name: I1, type: investor}
- {id: i2, name: I2, type: investor}
"""

#: r1 raised $20M at $100M post-money: $80M pre-money.
ROUND = """funding_rounds:
- {id: r1, company: co, date: 2024-03, amount: $20M, post_money: $100M,
   investors: [{investor: i1, amount: $15M}, {investor: i2}], sources: [s1]}
"""


def _valuation(tmp_path: Path, body: str, **kwargs: object) -> ac.Result:
    path = tmp_path / "co.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return ac.valuation(ac.load(path), "co", **kwargs)  # type: ignore[arg-type]


def _stake(extra: str = "", share: str = "15%", paid: str = "$15M", date: str = "2024-03") -> str:
    return (
        "stakes:\n"
        f"- {{id: i1-buy, holder: i1, company: co, date: {date}, event: purchase, round: r1,"
        f" share: {share}, paid: {paid}, sources: [s1]{extra}}}\n"
    )


@pytest.mark.parametrize("extra", ["", ", purchase: primary"])
def test_the_pre_money_of_a_round_stake_is_the_rounds(tmp_path: Path, extra: str) -> None:
    # $15M for 15%: $100M post-money; r1's new money is its $20M: $80M pre-money, as r1's
    # own row (before: $100M without purchase:, $85M with purchase: primary).
    v = _valuation(tmp_path, _stake(extra) + ROUND)
    frame = v.frame.set_index("record")
    assert frame.loc["i1-buy", "event"] == "primary"
    assert frame.loc["i1-buy", "post_money_usd"] == pytest.approx(100e6)
    assert frame.loc["i1-buy", "pre_money_usd"] == pytest.approx(80e6)
    assert frame.loc["r1", "pre_money_usd"] == pytest.approx(80e6)
    assert not [a for a in v.assumptions if "i1-buy" in a]


def test_ranges_take_their_base_figures(tmp_path: Path) -> None:
    # paid $15-20M (base $17.5M) for 15%: $116,666,666.67 post-money ($100M to $133.3M);
    # r1's amount $15-25M (base $20M): pre-money $116,666,666.67 - $20M = $96,666,666.67.
    body = _stake(paid="$15-20M") + ROUND.replace("amount: $20M", "amount: $15-25M")
    row = _valuation(tmp_path, body).frame.set_index("record").loc["i1-buy"]
    assert row["post_money_usd"] == pytest.approx(17.5e6 / 0.15)
    assert row["post_money_low_usd"] == pytest.approx(100e6)
    assert row["post_money_high_usd"] == pytest.approx(20e6 / 0.15)
    assert row["pre_money_usd"] == pytest.approx(17.5e6 / 0.15 - 20e6)


def test_a_round_without_an_amount_counts_its_live_tranches(tmp_path: Path) -> None:
    # r1 gives no amount; its tranches $12M disbursed + $8M committed (the $5M cancelled one
    # brings nothing): $20M new money. i1's $10M for 10%: $100M post, $80M pre.
    body = _stake(share="10%", paid="$10M") + (
        "funding_rounds:\n"
        "- id: r1\n  company: co\n  date: 2024-03\n  post_money: $100M\n"
        "  investors: [{investor: i1}, {investor: i2}]\n"
        "  tranches: [{amount: $12M, status: disbursed}, {amount: $8M, status: committed},\n"
        "    {amount: $5M, status: cancelled}]\n"
        "  sources: [s1]\n"
    )
    v = _valuation(tmp_path, body)
    row = v.frame.set_index("record").loc["i1-buy"]
    assert row["post_money_usd"] == pytest.approx(100e6)
    assert row["pre_money_usd"] == pytest.approx(80e6)
    assert (
        "i1-buy: the new money of r1 is the sum of its tranches, $20.00M (it gives no amount)"
        in v.assumptions
    )


def test_a_round_without_new_money_known_leaves_the_stakes_own(tmp_path: Path) -> None:
    # r1 gives its post-money only: the new money known is i1's own $15M: $85M pre-money,
    # an assumption listed (the round's other new money is not counted).
    body = _stake() + ROUND.replace("amount: $20M, ", "")
    v = _valuation(tmp_path, body)
    assert v.frame.set_index("record").loc["i1-buy", "pre_money_usd"] == pytest.approx(85e6)
    assert (
        "i1-buy: its pre-money valuation is its post-money less its own $15.00M only "
        "(r1 gives no new money: the round's other new money is not counted)"
    ) in v.assumptions


def test_a_round_not_read_leaves_the_stakes_own(tmp_path: Path) -> None:
    # as of 2024-02 the stake (dated 2024-02) is read, its round (2024-03) is not: $15M of
    # its own only, $85M pre-money; read through 2024-03, the round's $20M: $80M.
    body = _stake(date="2024-02") + ROUND
    early = _valuation(tmp_path, body, as_of="2024-02")
    assert list(early.frame["record"]) == ["i1-buy"]
    assert early.frame.loc[0, "pre_money_usd"] == pytest.approx(85e6)
    assert any("r1 is not among the records read" in a for a in early.assumptions)
    late = _valuation(tmp_path, body, as_of="2024-03").frame.set_index("record")
    assert late.loc["i1-buy", "pre_money_usd"] == pytest.approx(80e6)


def test_a_round_with_secondary_parts_brings_post_less_pre(tmp_path: Path) -> None:
    # r1's $40M includes shares sold by holders: its new money is $100M post - $70M pre =
    # $30M. i1's $15M for 15%: $100M post, $70M pre, as r1's row.
    body = _stake() + (
        "funding_rounds:\n"
        "- {id: r1, company: co, date: 2024-03, amount: $40M, pre_money: $70M,\n"
        "   post_money: $100M, secondary: true, investors: [{investor: i1}], sources: [s1]}\n"
    )
    frame = _valuation(tmp_path, body).frame.set_index("record")
    assert frame.loc["i1-buy", "pre_money_usd"] == pytest.approx(70e6)
    assert frame.loc["r1", "pre_money_usd"] == pytest.approx(70e6)


def test_a_secondary_purchase_in_a_round_brings_no_money(tmp_path: Path) -> None:
    # bought from i2 (purchase: secondary): no new money, pre = post = $100M (as before).
    body = _stake(", purchase: secondary, seller: i2") + ROUND
    row = _valuation(tmp_path, body).frame.set_index("record").loc["i1-buy"]
    assert row["event"] == "secondary"
    assert row["pre_money_usd"] == pytest.approx(row["post_money_usd"]) == pytest.approx(100e6)


def test_the_price_row_adds_the_rounds_money(tmp_path: Path) -> None:
    # 80M basic shares counted before r1; i1 bought 15M of them at $1 in r1 ($20M at $100M
    # post): $1 x 80M = $80M pre-money, + r1's $20M = $100M post-money (it read $80M post
    # without purchase:, $95M with its own $15M).
    body = (
        "share_counts:\n- {id: cnt, company: co, date: 2024-01, basic: 80M, sources: [s1]}\n"
        + _stake(", shares: 15M, price_per_share: $1")
        + ROUND
    )
    frame = _valuation(tmp_path, body).frame
    row = frame[frame["method"].str.startswith("price per share")].set_index("record")
    assert row.loc["i1-buy", "pre_money_usd"] == pytest.approx(80e6)
    assert row.loc["i1-buy", "post_money_usd"] == pytest.approx(100e6)


def test_a_round_purchase_of_new_shares_counts_its_own(tmp_path: Path) -> None:
    # 100M basic shares counted before r1 ($50M, no valuation); i1 bought 10M new shares in
    # it for $40M: 10M / 110M = 9.0909%, $440M post-money, $440M - $50M = $390M pre-money
    # (it read 10M / 100M = 10%: $400M, pre = post).
    body = (
        "share_counts:\n- {id: cnt, company: co, date: 2024-01, basic: 100M, sources: [s1]}\n"
        "stakes:\n"
        "- {id: i1-buy, holder: i1, company: co, date: 2024-03, event: purchase, round: r1,\n"
        "   shares: 10M, paid: $40M, sources: [s1]}\n"
        "funding_rounds:\n"
        "- {id: r1, company: co, date: 2024-03, amount: $50M, investors: [{investor: i1}],\n"
        "   sources: [s1]}\n"
    )
    v = _valuation(tmp_path, body)
    row = v.frame.set_index("record").loc["i1-buy"]
    assert row["share"] == pytest.approx(10 / 110)
    assert row["post_money_usd"] == pytest.approx(440e6)
    assert row["pre_money_usd"] == pytest.approx(390e6)


def test_a_stake_may_name_a_report_of_its_round_set_aside(tmp_path: Path) -> None:
    # two reports of one round: r1-a (Wire, 2024-09) and r1-b (Daily, 2024-10, published
    # latest: kept). i1 names r1-a, set aside: its round is still r1-b's $20M at $100M, so
    # $15M for 15% is $100M post-money, $80M pre-money (not $85M, its own $15M only).
    body = (
        _stake().replace("round: r1,", "round: r1-a,") + "funding_rounds:\n"
        "- {id: r1-a, company: co, date: 2024-03, amount: $20M, post_money: $100M,\n"
        "   investors: [{investor: i1}], sources: [s1]}\n"
        "- {id: r1-b, company: co, date: 2024-03, amount: $20M, post_money: $100M,\n"
        "   investors: [{investor: i1}], sources: [s2]}\n"
    )
    path = tmp_path / "co.yaml"
    later = "- {id: s2, outlet: Daily, title: Later, date: 2024-10}\nentities:"
    path.write_text(HEAD.replace("entities:", later) + body, encoding="utf-8")
    v = ac.valuation(ac.load(path), "co")
    frame = v.frame.set_index("record")
    assert "r1-a" not in frame.index
    assert frame.loc["i1-buy", "pre_money_usd"] == pytest.approx(80e6)
    assert not [a for a in v.assumptions if "i1-buy" in a]
