"""Tests for aicapex.money: parsing, canonical formatting, exact arithmetic, pydantic hooks."""

from __future__ import annotations

import re
from decimal import Context, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aicapex import money as money_module
from aicapex.capacity import Capacity
from aicapex.money import (
    CURRENCY_SYMBOLS,
    CurrencyMismatch,
    Money,
    Rate,
    format_money,
    parse_money,
    sum_money,
)
from aicapex.units import PERIODS, fraction_to_decimal, period_factor, registry

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

D = Decimal


def raises_exactly(message: str) -> AbstractContextManager[pytest.ExceptionInfo[ValueError]]:
    """Return a context manager expecting a ValueError whose message is exactly `message`."""
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


@pytest.fixture(scope="module", autouse=True)
def _built_registry() -> None:
    """Build the pint registry (~0.5 s, once) before property tests time their examples."""
    registry()


CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "CNY"]
SKUS = ["H100", "A100", "B200", "GB200", "MI300X", "TPUv5e", "H100-SXM", "T4", "K80", "M60"]


def usd(amount: str) -> Money:
    return Money(D(amount), "USD")


# --------------------------------------------------------------------------- Money.parse

MONEY_CASES = [
    ("$99M", "99000000", "USD"),
    ("$ 99 M", "99000000", "USD"),
    ("99 million USD", "99000000", "USD"),
    ("USD 99 million", "99000000", "USD"),
    ("US$1.6m", "1600000", "USD"),
    ("us$1.6M", "1600000", "USD"),
    ("€50bn", "50000000000", "EUR"),
    ("EUR 50bn", "50000000000", "EUR"),
    ("50 billion euros", "50000000000", "EUR"),
    ("1 euro", "1", "EUR"),
    ("£20", "20", "GBP"),
    ("GBP 20", "20", "GBP"),
    ("¥1,000", "1000", "JPY"),
    ("JPY 1,000", "1000", "JPY"),
    ("CHF 12.5M", "12500000", "CHF"),
    ("CHF12.5M", "12500000", "CHF"),
    ("12.5M CHF", "12500000", "CHF"),
    ("$1,234.56", "1234.56", "USD"),
    ("$20", "20", "USD"),
    ("-$5M", "-5000000", "USD"),
    ("$-5M", "-5000000", "USD"),
    ("-CHF 3.5K", "-3500", "CHF"),
    ("$0.25", "0.25", "USD"),
    ("$2.8T", "2800000000000", "USD"),
    ("$2.8t", "2800000000000", "USD"),
    ("$2.8 trillion", "2800000000000", "USD"),
    ("$2.8tn", "2800000000000", "USD"),
    ("$500k", "500000", "USD"),
    ("$500K", "500000", "USD"),
    ("$500 thousand", "500000", "USD"),
    ("$1.5bn", "1500000000", "USD"),
    ("$1.5B", "1500000000", "USD"),
    ("$1.5 Billion", "1500000000", "USD"),
    ("USD 1.6M", "1600000", "USD"),
    ("usd 1.6M", "1600000", "USD"),
    ("$7mn", "7000000", "USD"),
    ("$7mm", "7000000", "USD"),
    ("$5M USD", "5000000", "USD"),
    ("99 dollars", "99", "USD"),
    ("99 MMK", "99", "MMK"),
    ("$1,234,567", "1234567", "USD"),
    ("$12,345,678.9", "12345678.9", "USD"),
    ("$0.0000008", "0.0000008", "USD"),
    ("$1.60", "1.6", "USD"),
    ("$0", "0", "USD"),
    ("-$0", "0", "USD"),
    ("  $99M\t", "99000000", "USD"),
    ("€\u00a050\u00a0bn", "50000000000", "EUR"),
    (
        "$123456789012345678901234567890.123456789M",
        "123456789012345678901234567890123456.789",
        "USD",
    ),
]


@pytest.mark.parametrize(("text", "amount", "currency"), MONEY_CASES)
def test_money_parse(text: str, amount: str, currency: str) -> None:
    parsed = Money.parse(text)
    assert parsed == Money(D(amount), currency)
    assert parsed.amount.as_tuple() == D(amount).as_tuple()
    assert parse_money(text) == parsed


def test_money_parse_returns_money_as_is() -> None:
    money = usd("7")
    assert Money.parse(money) is money


MONEY_ERRORS: list[object] = [
    "seven",
    "99",
    "2.8 trillion",
    "500 thousand",
    "$1,23",
    "$1234,567",
    "$1,2345",
    "$1.2.3",
    "$",
    "",
    "$5 EUR",
    "--$5",
    "-$-5",
    "5 chf",
    "5 mil",
    "5 mln",
    "$5MUSD",
    "$.5",
    "$5 per month",
    "USDollars 5",
    99,
    None,
    D("5"),
]


@pytest.mark.parametrize("text", MONEY_ERRORS)
def test_money_parse_errors(text: object) -> None:
    found = repr(text)
    if isinstance(text, int | D) and not isinstance(text, bool):  # a bare number (YAML's 5e6)
        found = f"the number {text} (money needs a currency: '$7M', 'EUR 5M')"
    with raises_exactly(f"expected money like '$7M', got {found}"):
        Money.parse(text)  # type: ignore[arg-type]


def test_money_parse_error_message_exact() -> None:
    with raises_exactly("expected money like '$7M', got 'seven'"):
        Money.parse("seven")
    with raises_exactly("expected money like '$7M', got '99'"):
        Money.parse("99")


# --------------------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("given_amount", "canonical"),
    [
        ("1.60", "1.6"),
        ("7E+6", "7000000"),
        ("-0", "0"),
        ("0.000", "0"),
        ("100", "100"),
        ("1.000001", "1.000001"),
        ("8E-7", "0.0000008"),
    ],
)
def test_money_normalises_amount(given_amount: str, canonical: str) -> None:
    money = Money(D(given_amount), "USD")
    assert money.amount.as_tuple() == D(canonical).as_tuple()
    assert hash(money) == hash(Money(D(canonical), "USD"))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_money_rejects_non_finite(amount: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        Money(D(amount), "USD")


def test_money_rejects_float() -> None:
    with pytest.raises(TypeError):
        Money(1.5, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "U5D", ""])
def test_money_rejects_bad_currency(currency: str) -> None:
    with pytest.raises(ValueError, match="3-letter upper-case"):
        Money(D(1), currency)


def test_money_is_frozen_and_hashable() -> None:
    money = usd("5")
    with pytest.raises(AttributeError):
        money.amount = D(6)  # type: ignore[misc]
    assert {usd("5"), usd("5.0"), usd("6")} == {usd("5"), usd("6")}


# --------------------------------------------------------------------------- formatting

FORMAT_CASES = [
    ("1600000", "USD", "$1.6M"),
    ("99000000", "USD", "$99M"),
    ("2500", "USD", "$2.5K"),
    ("1234567", "USD", "$1,234,567"),
    ("1234560", "USD", "$1,234,560"),
    ("1234.56", "USD", "$1,234.56"),
    ("0.0000008", "USD", "$0.0000008"),
    ("20", "USD", "$20"),
    ("0", "USD", "$0"),
    ("0.25", "USD", "$0.25"),
    ("-5000000", "USD", "-$5M"),
    ("2800000000000", "USD", "$2.8T"),
    ("1500000000000000", "USD", "$1,500T"),
    ("1234000", "USD", "$1.234M"),
    ("1234500", "USD", "$1,234,500"),
    ("1000500000", "USD", "$1,000,500,000"),
    ("999", "USD", "$999"),
    ("1000", "JPY", "¥1K"),
    ("50000000000", "EUR", "€50B"),
    ("20", "GBP", "£20"),
    ("12500000", "CHF", "CHF 12.5M"),
    ("-12500000", "CHF", "-CHF 12.5M"),
    ("1234.5", "CAD", "CAD 1,234.5"),
    ("-0.5", "EUR", "-€0.5"),
]


@pytest.mark.parametrize(("amount", "currency", "text"), FORMAT_CASES)
def test_money_format(amount: str, currency: str, text: str) -> None:
    money = Money(D(amount), currency)
    assert str(money) == text
    assert format_money(money) == text
    assert repr(money) == f"Money({text!r})"
    assert Money.parse(text) == money


def test_money_format_huge_value_is_exact() -> None:
    money = Money(D("123456789012345678901234567890123.123"), "CHF")
    assert str(money) == "CHF 123,456,789,012,345,678,901,234,567,890,123.123"
    assert Money.parse(str(money)) == money


def test_currency_symbols() -> None:
    assert dict(CURRENCY_SYMBOLS) == {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


@st.composite
def decimals(draw: st.DrawFn, min_value: int = -(10**24), max_value: int = 10**24) -> Decimal:
    places = draw(st.integers(min_value=0, max_value=8))
    return draw(
        st.decimals(
            min_value=min_value,
            max_value=max_value,
            allow_nan=False,
            allow_infinity=False,
            places=places,
        )
    )


monies = st.builds(Money, decimals(), st.sampled_from(CURRENCIES))
rates = st.builds(Rate, monies, st.sampled_from(PERIODS))


@given(monies)
def test_money_round_trip(money: Money) -> None:
    assert Money.parse(str(money)) == money
    assert Money.parse(str(money)).amount.as_tuple() == money.amount.as_tuple()


@given(decimals(), st.sampled_from(CURRENCIES))
def test_money_amount_is_canonical(amount: Decimal, currency: str) -> None:
    money = Money(amount, currency)
    assert money.amount == amount
    exponent = money.amount.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent <= 0
    assert exponent == 0 or money.amount.as_tuple().digits[-1] != 0


# --------------------------------------------------------------------------- arithmetic


def test_money_arithmetic() -> None:
    a, b = usd("1.6E6"), usd("0.4E6")
    assert a + b == usd("2000000")
    assert a - b == usd("1200000")
    assert b - a == usd("-1200000")
    assert -a == usd("-1600000")
    assert abs(-a) == a
    assert a * 3 == usd("4800000")
    assert 3 * a == usd("4800000")
    assert a * D("0.5") == usd("800000")
    assert a * Fraction(1, 4) == usd("400000")
    assert a / 4 == usd("400000")
    assert a / D("0.5") == usd("3200000")
    assert usd("1") / 8 == usd("0.125")


def test_money_arithmetic_is_exact_beyond_default_precision() -> None:
    big = usd("12345678901234567890123456789012345")
    assert big + usd("0.000001") == usd("12345678901234567890123456789012345.000001")
    assert -big == usd("-12345678901234567890123456789012345")
    assert big * 10 == usd("123456789012345678901234567890123450")
    assert Money.parse("$1.6M").amount == D("1.6") * 10**6


def test_money_division_that_does_not_terminate_rounds_to_28_digits() -> None:
    expected = Context(prec=28).divide(D(1), D(3))
    assert usd("1") / 3 == Money(expected, "USD")
    assert str(usd("1") / 3) == "$0.3333333333333333333333333333"


def test_money_rejects_float_factors() -> None:
    with pytest.raises(TypeError):
        usd("1") * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        usd("1") / 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        usd("1") * usd("1")  # type: ignore[operator]
    with pytest.raises(TypeError):
        usd("1") + 1  # type: ignore[operator]


def test_money_comparisons() -> None:
    assert usd("1") < usd("2") <= usd("2") < usd("3")
    assert usd("3") > usd("2") >= usd("2")
    assert usd("1") == usd("1.00")
    assert usd("1") != Money(D(1), "EUR")
    assert sorted([usd("3"), usd("-1"), usd("2")]) == [usd("-1"), usd("2"), usd("3")]


def test_money_bool_and_zero() -> None:
    assert not Money.zero()
    assert Money.zero() == usd("0")
    assert Money.zero("EUR") == Money(D(0), "EUR")
    assert usd("0.01")
    assert usd("-1")


def test_money_to_float() -> None:
    assert usd("1600000").to_float() == 1.6e6
    assert isinstance(usd("1").to_float(), float)


@pytest.mark.parametrize(
    "operation",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
        lambda a, b: sum_money([a, b]),
    ],
)
def test_currency_mismatch(operation: object) -> None:
    with pytest.raises(CurrencyMismatch) as info:
        operation(usd("5"), Money(D(5), "EUR"))  # type: ignore[operator]
    assert "USD" in str(info.value)
    assert "EUR" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_currency_mismatch_message() -> None:
    with pytest.raises(CurrencyMismatch) as info:
        usd("5") + Money(D(5), "EUR")
    assert str(info.value) == (
        "cannot add $5 and €5: currencies differ (USD vs EUR); convert explicitly first"
    )


def test_sum_money() -> None:
    assert sum_money([]) == Money.zero()
    assert sum_money([], "EUR") == Money.zero("EUR")
    assert sum_money([usd("0.1")] * 10) == usd("1")
    assert sum_money((Money(D(n), "EUR") for n in range(5)), "EUR") == Money(D(10), "EUR")
    with pytest.raises(CurrencyMismatch):
        sum_money([Money(D(1), "EUR")])


@given(st.lists(monies.filter(lambda m: m.currency == "USD") | st.builds(usd, st.just("1"))))
def test_sum_money_is_exact(items: list[Money]) -> None:
    total = sum_money(items)
    assert total.amount == sum((Fraction(m.amount) for m in items), Fraction(0))


# --------------------------------------------------------------------------- Rate

RATE_CASES = [
    ("$20/month", "20", "month"),
    ("$20 / mo", "20", "month"),
    ("$99M/yr", "99000000", "year"),
    ("$99M per year", "99000000", "year"),
    ("$30B per year", "30000000000", "year"),
    ("$30B a year", "30000000000", "year"),
    ("$30B annually", "30000000000", "year"),
    ("$30B per annum", "30000000000", "year"),
    ("$5M p.a.", "5000000", "year"),
    ("$20 a month", "20", "month"),
    ("$20 monthly", "20", "month"),
    ("$100/day", "100", "day"),
    ("$100 daily", "100", "day"),
    ("$1K/wk", "1000", "week"),
    ("99 million USD a year", "99000000", "year"),
    ("-$5M/quarter", "-5000000", "quarter"),
    ("$7 PER MONTH", "7", "month"),
]


@pytest.mark.parametrize(("text", "amount", "per"), RATE_CASES)
def test_rate_parse(text: str, amount: str, per: str) -> None:
    assert Rate.parse(text) == Rate(usd(amount), per)


def test_rate_parse_other_currency() -> None:
    assert Rate.parse("€5M/quarter") == Rate(Money(D(5_000_000), "EUR"), "quarter")
    assert Rate.parse("CHF 2K per week") == Rate(Money(D(2000), "CHF"), "week")


def test_rate_parse_returns_rate_as_is() -> None:
    rate = Rate(usd("1"), "year")
    assert Rate.parse(rate) is rate


@pytest.mark.parametrize(
    "text", ["$20/fortnight", "$20", "20/month", "/month", "$20 per", "seven a year", "", 20, None]
)
def test_rate_parse_errors(text: object) -> None:
    found = repr(text)
    if isinstance(text, int | D) and not isinstance(text, bool):  # a bare number
        found = f"the number {text} (money needs a currency: '$7M', 'EUR 5M')"
    with raises_exactly(f"expected a rate like '$99M/yr', got {found}"):
        Rate.parse(text)  # type: ignore[arg-type]


def test_rate_normalises_period() -> None:
    assert Rate(usd("1"), "yr").per == "year"
    with pytest.raises(ValueError, match="expected a period"):
        Rate(usd("1"), "fortnight")


@pytest.mark.parametrize(
    ("rate", "text"),
    [
        (Rate(usd("99000000"), "year"), "$99M/year"),
        (Rate(usd("20"), "mo"), "$20/month"),
        (Rate(Money(D(5_000_000), "EUR"), "q"), "€5M/quarter"),
        (Rate(Money(D(-12.5), "CHF"), "week"), "-CHF 12.5/week"),
    ],
)
def test_rate_format(rate: Rate, text: str) -> None:
    assert str(rate) == text
    assert repr(rate) == f"Rate({text!r})"
    assert Rate.parse(text) == rate


def test_rate_conversion() -> None:
    yearly = Rate.parse("$99M/year")
    assert yearly.to("month") == Rate(usd("8250000"), "month")
    assert yearly.to("quarter") == Rate(usd("24750000"), "quarter")
    assert yearly.per_month() == usd("8250000")
    assert yearly.per_year() == usd("99000000")
    assert Rate.parse("$20/month").per_year() == usd("240")
    assert Rate.parse("$100/day").per_month() == usd("3043.75")
    assert Rate.parse("$100/day").per_year() == usd("36525")
    assert Rate.parse("$7/week").to("day") == Rate(usd("1"), "day")


def test_rate_conversion_that_does_not_terminate_rounds_to_28_digits() -> None:
    expected = Context(prec=28).divide(D(1), D(12))
    assert Rate(usd("1"), "year").per_month() == Money(expected, "USD")


def test_rate_over() -> None:
    yearly = Rate.parse("$99M/year")
    assert yearly.over(12) == usd("99000000")
    assert yearly.over(6) == usd("49500000")
    assert yearly.over(Fraction(1, 2)) == usd("4125000")
    assert Rate(usd("1"), "year").over(12) == usd("1")
    assert Rate(usd("10"), "quarter").over(3) == usd("10")
    assert Rate(usd("1"), "month").over(0) == usd("0")


@given(rates)
def test_rate_round_trip(rate: Rate) -> None:
    assert Rate.parse(str(rate)) == rate


@given(decimals(), st.sampled_from(["month", "quarter", "year"]), st.sampled_from(CURRENCIES))
def test_rate_conversion_round_trip_is_exact(base: Decimal, per: str, currency: str) -> None:
    # amount = 12 * base, so every conversion between month, quarter and year terminates.
    rate = Rate(Money(base, currency) * 12, per)
    assert rate.to("month").to("year") == rate.to("year")
    assert rate.to("quarter").to("month") == rate.to("month")
    assert rate.to("year").to(per) == rate
    assert rate.to("month").to(per) == rate


@given(monies, st.sampled_from(PERIODS))
def test_rate_conservation(money: Money, per: str) -> None:
    assert Rate(money, "year").over(12) == money
    assert Rate(money, "quarter").over(3) == money
    assert Rate(money, "month").over(1) == money
    exact = Fraction(money.amount) * period_factor(per, "month") * 7
    assert Rate(money, per).over(7).amount == fraction_to_decimal(exact)


# --------------------------------------------------------------------------- Capacity

CAPACITY_CASES = [
    ("12,000 H100", "12000", "gpu", "H100"),
    ("12000 H100", "12000", "gpu", "H100"),
    ("100,000 GPUs", "100000", "gpu", None),
    ("100k GPUs", "100000", "gpu", None),
    ("100K GPU", "100000", "gpu", None),
    ("1 gpu", "1", "gpu", None),
    ("50,000 H100s", "50000", "gpu", "H100"),
    ("50,000 H100 GPUs", "50000", "gpu", "H100"),
    ("5 MI300Xs", "5", "gpu", "MI300X"),
    ("5 B200", "5", "gpu", "B200"),
    ("5 T4", "5", "gpu", "T4"),
    ("8 K80", "8", "gpu", "K80"),
    ("1.5k GB200", "1500", "gpu", "GB200"),
    ("12,000.0 H100", "12000", "gpu", "H100"),
    ("4.5 GW", "4.5", "GW", None),
    ("4.5GW", "4.5", "GW", None),
    ("300 MW", "0.3", "GW", None),
    ("300 mw", "0.3", "GW", None),
    ("1.2 gigawatts", "1.2", "GW", None),
    ("1 TW", "1000", "GW", None),
    ("1,500 kW", "0.0015", "GW", None),
    ("0 GW", "0", "GW", None),
]


@pytest.mark.parametrize(("text", "value", "unit", "sku"), CAPACITY_CASES)
def test_capacity_parse(text: str, value: str, unit: str, sku: str | None) -> None:
    capacity = Capacity.parse(text)
    assert capacity == Capacity(D(value), unit, sku)
    assert capacity.value.as_tuple() == D(value).as_tuple()


def test_capacity_parse_returns_capacity_as_is() -> None:
    capacity = Capacity(D(1), "GW")
    assert Capacity.parse(capacity) is capacity


def test_capacity_whole_gpus() -> None:
    with raises_exactly("expected a whole number of GPUs, got '12,000.5 H100'"):
        Capacity.parse("12,000.5 H100")
    with pytest.raises(ValueError, match="whole number of GPUs"):
        Capacity(D("1.5"), "gpu")


@pytest.mark.parametrize(
    "text",
    ["4.5 GW GPUs", "5 meters", "12 apples", "GW", "-5 GW", "12,00 H100", "5 GPUs GPUs", "", 5],
)
def test_capacity_parse_errors(text: object) -> None:
    expected = f"expected a capacity like '4.5 GW' or '12,000 H100', got {text!r}"
    with raises_exactly(expected):
        Capacity.parse(text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "sku", "message"),
    [
        ("-1", "GW", None, "non-negative"),
        ("NaN", "GW", None, "finite"),
        ("1", "MW", None, "unit must be 'gpu' or 'GW'"),
        ("1", "GPU", None, "unit must be 'gpu' or 'GW'"),
        ("1", "GW", "H100", "SKU"),
        ("1", "gpu", "GPU", "SKU"),
        ("1", "gpu", "H100s", "SKU"),
        ("1", "gpu", "H 100", "SKU"),
        ("1", "gpu", "0A", "SKU"),
        ("1", "gpu", "4090", "SKU"),
    ],
)
def test_capacity_rejects_invalid(value: str, unit: str, sku: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Capacity(D(value), unit, sku)


@pytest.mark.parametrize(
    ("capacity", "text"),
    [
        (Capacity(D(12000), "gpu", "H100"), "12,000 H100"),
        (Capacity(D(100000), "gpu"), "100,000 GPU"),
        (Capacity(D("4.5"), "GW"), "4.5 GW"),
        (Capacity(D("1500.25"), "GW"), "1,500.25 GW"),
        (Capacity(D("0.0003"), "GW"), "0.0003 GW"),
    ],
)
def test_capacity_format(capacity: Capacity, text: str) -> None:
    assert str(capacity) == text
    assert repr(capacity) == f"Capacity({text!r})"
    assert Capacity.parse(text) == capacity


def test_capacity_properties() -> None:
    gpus = Capacity.parse("12,000 H100")
    power = Capacity.parse("300 MW")
    assert gpus.gpus == 12000
    assert isinstance(gpus.gpus, int)
    assert gpus.gigawatts is None
    assert power.gigawatts == D("0.3")
    assert power.gpus is None


gpu_capacities = st.builds(
    Capacity,
    st.integers(min_value=0, max_value=10**12).map(D),
    st.just("gpu"),
    st.none() | st.sampled_from(SKUS),
)
power_capacities = st.builds(Capacity, decimals(min_value=0, max_value=10**6), st.just("GW"))


@given(gpu_capacities | power_capacities)
def test_capacity_round_trip(capacity: Capacity) -> None:
    assert Capacity.parse(str(capacity)) == capacity


# --------------------------------------------------------------------------- pydantic


class Deal(BaseModel):
    price: Money
    burn: Rate
    capacity: Capacity
    fee: Money | None = None


def test_pydantic_validates_strings_and_round_trips() -> None:
    deal = Deal.model_validate(
        {"price": "$7M", "burn": "$99M per year", "capacity": "300 MW", "fee": "€50bn"}
    )
    assert deal.price == usd("7000000")
    assert deal.burn == Rate(usd("99000000"), "year")
    assert deal.capacity == Capacity(D("0.3"), "GW")
    assert deal.fee == Money(D(50_000_000_000), "EUR")
    dumped = deal.model_dump(mode="json")
    assert dumped == {
        "price": "$7M",
        "burn": "$99M/year",
        "capacity": "0.3 GW",
        "fee": "€50B",
    }
    assert Deal.model_validate(dumped) == deal
    assert Deal.model_validate_json(deal.model_dump_json()) == deal
    python = deal.model_dump()
    assert python["price"] == usd("7000000")
    assert isinstance(python["burn"], Rate)
    assert isinstance(python["capacity"], Capacity)
    assert Deal.model_validate(python) == deal


def test_pydantic_accepts_instances() -> None:
    deal = Deal(price=usd("1"), burn=Rate(usd("1"), "day"), capacity=Capacity(D(1), "gpu"))
    assert deal.price == usd("1")


def test_pydantic_errors_carry_the_parse_message() -> None:
    with pytest.raises(ValidationError) as info:
        Deal.model_validate({"price": "seven", "burn": 5, "capacity": "12,000.5 H100"})
    messages = [error["msg"] for error in info.value.errors()]
    assert messages == [
        "Value error, expected money like '$7M', got 'seven'",
        "Value error, expected a rate like '$99M/yr', got the number 5 (money needs a currency:"
        " '$7M', 'EUR 5M')",
        "Value error, expected a whole number of GPUs, got '12,000.5 H100'",
    ]


def test_pydantic_json_schema() -> None:
    properties = Deal.model_json_schema()["properties"]
    assert properties["price"]["type"] == "string"
    assert properties["price"]["examples"][:3] == ["$7M", "€50B", "US$1.6M"]
    assert properties["price"]["description"]
    assert properties["burn"]["type"] == "string"
    assert properties["capacity"]["type"] == "string"
    for example in properties["price"]["examples"]:
        Money.parse(example)
    for example in properties["burn"]["examples"]:
        Rate.parse(example)
    for example in properties["capacity"]["examples"]:
        Capacity.parse(example)


def test_module_exports() -> None:
    assert set(money_module.__all__) == {
        "CURRENCY_SYMBOLS",
        "NUMBER",
        "ParsedValue",
        "SCALE",
        "CurrencyMismatch",
        "Money",
        "Rate",
        "format_money",
        "format_usd",
        "parse_money",
        "scaled_decimal",
        "sum_money",
    }


@pytest.mark.parametrize("text", ["12 GPU", "12 ABC", "XXX 5", "5 XTS", "$5 ZZZ"])
def test_currency_codes_are_iso_4217(text: str) -> None:
    with pytest.raises(ValueError, match="money like"):
        Money.parse(text)


@pytest.mark.parametrize("code", ["CHF", "HRK", "XAU", "SLE"])
def test_iso_4217_codes_parse(code: str) -> None:
    assert Money.parse(f"12 {code}").currency == code
    assert str(Money.parse(f"{code} 12M")) == f"{code} 12M"


def test_unknown_currency_objects_are_refused() -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(Decimal(1), "GPU")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (-10e6, "-$10.00M"),
        (0.0, "$0.00M"),
        (11_833_333.33, "$11.83M"),
        (2.5e9, "$2.50B"),
        (-2.5e9, "-$2.50B"),
        (None, "n/a"),
        (float("nan"), "n/a"),
    ],
)
def test_one_dollar_formatter(value: float | None, text: str) -> None:
    from aicapex.money import format_usd
    from aicapex.render import money

    assert format_usd(value) == text
    assert money(value) == text
