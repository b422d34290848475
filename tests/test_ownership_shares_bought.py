"""A purchase reported by its number of shares and the money paid, without a share: its share
is its shares over the company's share count on its basis at its date (a primary purchase's
own new shares added when the count is from before it), listed among the result's
assumptions. It was reported as missing "the share bought" even with the count known; without
a count the message now names the count as what is missing."""

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
- {id: fund-a, name: Fund A, type: investor}
"""
COUNT = """share_counts:
- {id: cnt, company: kappa, date: 2023-12-31, basic: 100M, diluted: 125M, sources: [s1]}
"""
COUNT_AFTER = """share_counts:
- {id: cnt-after, company: kappa, date: 2024-03-31, basic: 110M, sources: [s1]}
"""


def _stake(kind: str, extra: str = "") -> str:
    return (
        "stakes:\n"
        f"- {{id: k-a, holder: fund-a, company: kappa, date: 2024-03, event: purchase, "
        f"purchase: {kind},\n   shares: 10M, price_per_share: $4, paid: $40M{extra}, "
        "sources: [s1]}\n"
    )


def _valuation(ledger_text: LedgerText, text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + text))
    return ac.valuation(ledger, "kappa")


def _paid_row(result: Any) -> dict[str, Any]:
    frame = result.frame
    rows = frame[frame["method"].str.startswith("paid /")].to_dict("records")
    assert len(rows) == 1
    return dict(rows[0])


def test_a_primary_purchase_over_the_count_before_it(ledger_text: LedgerText) -> None:
    # 100M basic shares by 2023-12-31; 10M new shares bought in 2024-03: 10M of 110M =
    # 9.0909%; $40M / (10 / 110) = $440M post-money, $400M pre-money
    v = _valuation(ledger_text, COUNT + _stake("primary"))
    row = _paid_row(v)
    assert row["missing"] == ""
    assert row["share"] == pytest.approx(10 / 110)
    assert row["post_money_usd"] == pytest.approx(440e6)
    assert row["pre_money_usd"] == pytest.approx(400e6)
    assert row["method"] == "paid / its shares of cnt"
    assert not any("share bought" in w for w in v.warnings)
    assert (
        "k-a: the share bought is its 10,000,000 shares of 110,000,000 basic shares after it "
        "(cnt's 100,000,000 and its own): 9.091%"
    ) in v.assumptions
    assert "cnt" in v.records


def test_a_secondary_purchase_over_the_count(ledger_text: LedgerText) -> None:
    # no new shares: 10M of 100M = 10%; $40M / 10% = $400M, pre-money the same
    v = _valuation(ledger_text, COUNT + _stake("secondary"))
    row = _paid_row(v)
    assert (row["missing"], row["share"]) == ("", pytest.approx(0.10))
    assert row["post_money_usd"] == pytest.approx(400e6)
    assert row["pre_money_usd"] == pytest.approx(400e6)
    assert (
        "k-a: the share bought is its 10,000,000 shares of 100,000,000 basic shares (cnt): 10%"
        in v.assumptions
    )


def test_a_count_that_holds_the_purchase(ledger_text: LedgerText) -> None:
    # a count dated at the purchase's end (110M by 2024-03-31) holds its new shares:
    # 10M of 110M, not of 120M: $440M
    row = _paid_row(_valuation(ledger_text, COUNT_AFTER + _stake("primary")))
    assert row["share"] == pytest.approx(10 / 110)
    assert row["post_money_usd"] == pytest.approx(440e6)


def test_fully_diluted_shares(ledger_text: LedgerText) -> None:
    # diluted: true reads the 125M fully diluted shares: 10M of 125M = 8%; $40M / 8% = $500M
    row = _paid_row(_valuation(ledger_text, COUNT + _stake("secondary", ", diluted: true")))
    assert row["share"] == pytest.approx(0.08)
    assert row["post_money_usd"] == pytest.approx(500e6)


def test_without_a_count_the_count_is_named(ledger_text: LedgerText) -> None:
    v = _valuation(ledger_text, _stake("primary"))
    row = _paid_row(v)
    said = (
        "the share bought (or the company's basic share count at its date, for its "
        "10,000,000 shares)"
    )
    assert row["missing"] == said
    assert v.reason is not None
    assert said in v.reason
    assert "assume_share" in v.warnings[0]
    assert not any("k-a:" in a for a in v.assumptions)


def test_an_assumed_share_still_wins(ledger_text: LedgerText) -> None:
    # assume_share= is the scenario's word: 20% gives $40M / 20% = $200M (not the count's)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + COUNT + _stake("secondary")))
    row = _paid_row(ac.valuation(ledger, "kappa", assume_share="20%"))
    assert row["assumed"]
    assert row["post_money_usd"] == pytest.approx(200e6)


FOUNDER = """- {id: f-all, holder: founder, company: kappa, date: 2024-01, event: holding,
   shares: 100M, sources: [s1]}
"""


def _ownership(ledger_text: LedgerText, text: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ledger = ac.load(ledger_text(HEAD + "- {id: founder, name: F, type: person}\n" + text))
    return ac.ownership(ledger, "kappa")


def _by_holder(result: Any) -> dict[str, tuple[float, str]]:
    frame = result.frame
    return {
        str(h): (round(float(s), 6), str(n))
        for h, s, n in zip(frame["holder"], frame["share_basic"], frame["note"], strict=True)
    }


def test_ownership_reads_new_shares_over_the_count(ledger_text: LedgerText) -> None:
    # founder 100M of the 100M counted; fund-a buys 10M new shares: 10M of 110M = 9.0909%,
    # the founder 100M of 110M = 90.9091% (before: fund-a read at the end as 10M of 100M, 10%,
    # beside the founder's 100%, not diluted)
    basic_only = COUNT.replace(", diluted: 125M", "")
    got = _by_holder(_ownership(ledger_text, basic_only + _stake("primary") + FOUNDER))
    assert got["fund-a"][0] == round(10 / 110, 6)
    assert got["founder"][0] == round(100 / 110, 6)
    assert got["others"][0] == 0.0
    assert got["fund-a"][1] == (
        "basic share bought by 2024-03-31: 10,000,000 new shares of 110,000,000 "
        "(cnt: 100,000,000, and them)"
    )


def test_ownership_without_a_count_names_it(ledger_text: LedgerText) -> None:
    got = _by_holder(_ownership(ledger_text, _stake("primary")))
    assert got["fund-a"][1] == (
        "the share bought is not reported (k-a, nor the company's basic share count at its "
        "date for its 10,000,000 shares)"
    )
