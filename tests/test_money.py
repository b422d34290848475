"""Tests for aicapex.money: parsing, canonical formatting, exact arithmetic, pydantic hooks."""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aicapex import money as money_module
from aicapex.money import (
    CURRENCY_SYMBOLS,
    Capacity,
    CurrencyMismatch,
    Money,
    Rate,
    format_money,
    parse_money,
    sum_money,
)
from aicapex.units import PERIODS, period_factor

D = Decimal
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
    ("$123456789012345678901234567890.123456789M", "123456789012345678901234567890123456.789", "USD"),
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
    with pytest.raises(ValueError) as info:
        Money.parse(text)  # type: ignore[arg-type]
    assert str(info.value) == f"expected money like '$7M', got {text!r}"


def test_money_parse_error_message_exact() -> None:
    with pytest.raises(ValueError) as info:
        Money.parse("seven")
    assert str(info.value) == "expected money like '$7M', got 'seven'"
    with pytest.raises(ValueError) as info:
        Money.parse("99")
    assert str(info.value) == "expected money like '$7M', got '99'"


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
