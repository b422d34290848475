"""Figures as they are reported: ranges, bounds, approximations and ceilings (aicapex.figures)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicapex.capacity import Capacity
from aicapex.figures import DEFAULT_WIDTHS, QUALIFIERS
from aicapex.money import Money, Rate

M = 10**6
B = 10**9


@pytest.mark.parametrize(
    ("text", "canonical", "kind", "base", "low", "high"),
    [
        ("$3–4B", "$3B to $4B", "range", 3.5 * B, 3 * B, 4 * B),
        ("$3B-$4B", "$3B to $4B", "range", 3.5 * B, 3 * B, 4 * B),
        ("$3B to $4B", "$3B to $4B", "range", 3.5 * B, 3 * B, 4 * B),
        ("between $3B and $4B", "$3B to $4B", "range", 3.5 * B, 3 * B, 4 * B),
        ("more than $500M", "more than $500M", "lower", 500 * M, 500 * M, 625 * M),
        ("over $500M", "more than $500M", "lower", 500 * M, 500 * M, 625 * M),
        ("> $500M", "more than $500M", "lower", 500 * M, 500 * M, 625 * M),
        ("at least $2.5M", "at least $2.5M", "lower", 2.5 * M, 2.5 * M, 3.125 * M),
        ("under $25M", "less than $25M", "upper", 25 * M, 18.75 * M, 25 * M),
        ("less than $4M", "less than $4M", "upper", 4 * M, 3 * M, 4 * M),
        ("just under $30M", "just under $30M", "upper", 30 * M, 27 * M, 30 * M),
        ("nearly $1B", "nearly $1B", "upper", 1 * B, 0.9 * B, 1 * B),
        ("about $4M", "about $4M", "approx", 4 * M, 3.6 * M, 4.4 * M),
        ("~$4M", "about $4M", "approx", 4 * M, 3.6 * M, 4.4 * M),
        ("roughly $1.3B", "about $1.3B", "approx", 1.3 * B, 1.17 * B, 1.43 * B),
        ("up to $100B", "up to $100B", "ceiling", 100 * B, 0, 100 * B),
        ("$7M", "$7M", "exact", 7 * M, 7 * M, 7 * M),
        ("€3–4bn", "€3B to €4B", "range", 3.5 * B, 3 * B, 4 * B),
    ],
)
def test_money_as_reported(
    text: str, canonical: str, kind: str, base: float, low: float, high: float
) -> None:
    money = Money.parse(text)
    assert str(money) == canonical
    assert money.kind == kind
    assert float(money.amount) == pytest.approx(base)
    assert (float(money.low.amount), float(money.high.amount)) == pytest.approx((low, high))
    assert Money.parse(canonical) == money


def test_rates_and_capacities_as_reported() -> None:
    rate = Rate.parse("$60-65B/yr")
    assert rate.money == Money.between(Money(Decimal(60 * B), "USD"), Money(Decimal(65 * B), "USD"))
    assert Rate.parse(str(rate)) == rate
    low, high = rate.to("month").money.bounds()
    assert (low.amount, high.amount) == (Decimal(5 * B), Decimal(65 * B) / 12)
    assert Capacity.parse("4-5 GW").bounds() == (Decimal(4), Decimal(5))
    assert str(Capacity.parse("more than 12,000 H100s")) == "more than 12,000 H100"
    assert Capacity.parse("0 H100-SXM").sku == "H100-SXM"  # a SKU's hyphen is not a range


@pytest.mark.parametrize(
    "text",
    ["$3–", "between $4B and $3B", "more than", "$3B to", "$3B to €4B", "$4B-3", "about", "~"],
)
def test_near_misses_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"money like|range from low to high"):
        Money.parse(text)


def test_widths_are_documented_and_overridable() -> None:
    assert set(DEFAULT_WIDTHS) == set(QUALIFIERS) - {"range"}
    money = Money.parse("more than $100")
    assert money.bounds({"more than": (Fraction(1), Fraction(2))})[1] == Money(Decimal(200), "USD")
    assert money.bounds()[1] == Money(Decimal(125), "USD")


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**12), places=2)
qualifiers = st.sampled_from([q for q in QUALIFIERS if q != "range"])


@given(amounts, qualifiers, st.sampled_from(["USD", "EUR", "CHF"]))
def test_qualified_money_round_trips(amount: Decimal, qualifier: str, currency: str) -> None:
    money = Money(amount, currency, qualifier)
    assert Money.parse(str(money)) == money
    low, high = money.bounds()
    assert low.amount <= money.amount <= high.amount or qualifier == "up to"


@given(amounts, amounts, st.sampled_from(["USD", "GBP"]))
def test_ranges_round_trip_and_order(a: Decimal, b: Decimal, currency: str) -> None:
    low, high = sorted((a, b))
    money = Money.between(Money(low, currency), Money(high, currency))
    assert Money.parse(str(money)) == money
    assert money.low.amount <= money.amount <= money.high.amount
