"""Exact money and rates, parsed from what people write (capacities: :mod:`aicapex.capacity`).

Both types are frozen dataclasses with exact :class:`~decimal.Decimal` values, a canonical
``str`` that parses back to an equal value, and pydantic v2 hooks (validated from strings,
serialised to the canonical string in JSON mode).

Grammar (case-insensitive unless noted; any run of whitespace counts as one optional space)::

    money    := [-] [prefix] [-] number [scale] [suffix]
    number   := digits [. digits]
              | 1-3 digits (, 3 digits)+ [. digits]      commas only between groups of 3
    scale    := k | thousand                             x 1,000
              | m | mn | mm | million                    x 1,000,000
              | b | bn | billion                         x 1,000,000,000
              | t | tn | trillion                        x 1,000,000,000,000
    prefix   := $ | US$ | € | £ | ¥ | CODE
    suffix   := CODE | euro | euros | dollar | dollars
    CODE     := three letters; USD, EUR, GBP, JPY in any case, other codes in upper case (CHF)

    $ US$ USD dollar(s) -> USD    € EUR euro(s) -> EUR    £ GBP -> GBP    ¥ JPY -> JPY

    A currency is required (prefix or suffix; both only if they agree); at most one minus sign.
    e.g. $99M, $ 99 M, 99 million USD, USD 99 million, US$1.6m, €50bn, EUR 50bn,
         50 billion euros, £20, ¥1,000, CHF 12.5M, $1,234.56, -$5M, $2.8 trillion, $500K

    rate     := money (/ | per | a | an | every | each) period
              | money (daily | weekly | monthly | quarterly | yearly | annually | pa | p.a.)
    period   := any alias accepted by aicapex.units.normalize_period (mo, yr, annum, ...)
    e.g. $20/month, $20 / mo, $99M/yr, $99M per year, $30B a year, $30B annually, €5M/quarter

Canonical forms: ``[-]``, ``$``/``€``/``£``/``¥`` or ``CODE `` (``CHF 12.5M``), the amount:
the largest scale K/M/B/T not above it when the scaled number has at most 3 decimals (``$1.6M``),
else plain digits with commas and the decimals needed (``$1,234.56``); a rate ``<money>/<per>``.
``€7.000`` (1 to 3 digits, a point and three zeros) is refused: 7 or 7,000?
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from aicapex import figures, units
from aicapex.currencies import CURRENCY_SYMBOLS, ISO_4217
from aicapex.figures import QUALIFIERS, compact_range, kind_of, split_figure, widths_of
from aicapex.values import ParsedValue, format_usd

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


__all__ = [
    "CURRENCY_SYMBOLS",
    "NUMBER",
    "SCALE",
    "CurrencyMismatch",
    "Money",
    "ParsedValue",
    "Rate",
    "format_money",
    "format_usd",
    "parse_money",
    "scaled_decimal",
    "sum_money",
]

_CURRENCY_ALIASES = {
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "¥": "JPY",
}
_SCALE_EXPONENTS = {
    "k": 3,
    "thousand": 3,
    "m": 6,
    "mn": 6,
    "mm": 6,
    "million": 6,
    "b": 9,
    "bn": 9,
    "billion": 9,
    "t": 12,
    "tn": 12,
    "trillion": 12,
}
_SCALE_SUFFIXES = (("T", 12), ("B", 9), ("M", 6), ("K", 3))
_FLAGS = re.IGNORECASE | re.ASCII
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE = rf"(?:(?P<scale>{'|'.join(sorted(_SCALE_EXPONENTS, key=len, reverse=True))})(?![a-z0-9]))"
_MONEY_RE = re.compile(
    rf"(?P<sign>-)? ?(?:(?P<prefix>us\$|[$€£¥]|[a-z]{{3}}) ?)?(?P<sign2>-)?"
    rf"(?P<number>{NUMBER}) ?{SCALE}? ?(?P<suffix>euros?|dollars?|[a-z]{{3}})?",
    _FLAGS,
)
_RATE_RE = re.compile(r"(?P<money>.+?) ?(?:/| (?:per|a|an|every|each) ) ?(?P<per>[a-z.]+)", _FLAGS)
_RATE_ADVERB_RE = re.compile(
    r"(?P<money>.+?) (?P<per>daily|weekly|monthly|quarterly|yearly|annually|pa|p\.a\.)", _FLAGS
)
_CODE_RE = re.compile(r"[A-Z]{3}")


def _money_parts(text: str) -> tuple[str, str | None, str | None] | None:
    """The signed number, scale word and currency of one written figure (a currency or scale
    may be absent: the other end of a range gives it); ``None`` if it is no such figure."""
    match = _MONEY_RE.fullmatch(" ".join(text.split()))
    if match is None or (match["sign"] and match["sign2"]):
        return None
    try:
        prefix, suffix = _currency(match["prefix"]), _currency(match["suffix"])
    except ValueError:
        return None
    if prefix and suffix and prefix != suffix:
        return None
    sign = "-" if match["sign"] or match["sign2"] else ""
    return sign + match["number"], match["scale"], prefix or suffix


class CurrencyMismatch(ValueError):
    """Raised when money in two different currencies is combined or compared."""


def scaled_decimal(number: str, scale: str | None) -> Decimal:
    """Return the exact Decimal for a matched number ("1,234.5") times its scale word."""
    exponent = _SCALE_EXPONENTS[scale.lower()] if scale else 0
    return Decimal(f"{number.replace(',', '')}E{exponent}")


def _currency(token: str | None) -> str | None:
    """Return the currency code for a prefix/suffix token (None if absent); ValueError if bad."""
    if token is None:
        return None
    if token.lower() in _CURRENCY_ALIASES:
        return _CURRENCY_ALIASES[token.lower()]
    if (token.isupper() or token.upper() in CURRENCY_SYMBOLS) and token.upper() in ISO_4217:
        return token.upper()
    raise ValueError(f"currency codes other than USD/EUR/GBP/JPY must be upper case: {token!r}")


@dataclass(frozen=True, slots=True)
class Money(ParsedValue):
    """An exact amount of one currency (`amount` in units of `currency`, e.g. dollars).

    `amount` is canonicalised on construction (no exponent, no trailing zeros), so equal values
    have equal representations. ``+``/``-`` and comparisons need the same currency (else
    CurrencyMismatch); ``*`` takes int/Decimal/Fraction and ``/`` int/Decimal/Fraction. All
    arithmetic is exact, except a quotient that does not terminate in base 10, which is rounded
    half-even to 28 significant digits. ``bool(money)`` is False for zero.
    """

    JSON_DESCRIPTION = (
        "An amount of money with its currency: symbol or ISO code, optional K/M/B/T scale; "
        "a range, a bound, an approximation or a ceiling as reported (see aicapex.figures)."
    )
    JSON_EXAMPLES = (
        "$7M",
        "€50B",
        "US$1.6M",
        "CHF 12.5M",
        "-$5M",
        "$3B to $4B",
        "more than $500M",
        "about $4M",
        "up to $100B",
    )

    amount: Decimal
    currency: str
    qualifier: str = ""
    span: tuple[Decimal, Decimal] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"money amount must be a Decimal, got {self.amount!r}")
        if not self.amount.is_finite():
            raise ValueError(f"money amount must be finite, got {self.amount!r}")
        if not isinstance(self.currency, str) or not _CODE_RE.fullmatch(self.currency):
            raise ValueError(f"currency must be a 3-letter upper-case code, got {self.currency!r}")
        if self.currency not in ISO_4217:
            raise ValueError(f"expected an ISO 4217 currency code, got {self.currency!r}")
        if self.qualifier not in QUALIFIERS:
            raise ValueError(
                f"expected a qualifier among {list(QUALIFIERS)}, got {self.qualifier!r}"
            )
        if (self.qualifier == "range") != (self.span is not None):
            raise ValueError("a range of money has both ends (span), and only a range has them")
        if self.span is not None:
            low, high = (_canonical(x) for x in self.span)
            if not (low.is_finite() and high.is_finite()) or low > high:
                raise ValueError(f"expected a range from low to high, got {low} to {high}")
            object.__setattr__(self, "span", (low, high))
            middle = units.fraction_to_decimal((Fraction(low) + Fraction(high)) / 2)
            object.__setattr__(self, "amount", middle)
        object.__setattr__(self, "amount", _canonical(self.amount))

    @classmethod
    def between(cls, low: Money, high: Money) -> Money:
        """The range from ``low`` to ``high`` (same currency): its base figure is the midpoint."""
        low._same_currency(high, "make a range of")
        if low.amount == high.amount:
            return Money(low.amount, low.currency)
        return Money(low.amount, low.currency, "range", (low.amount, high.amount))

    @property
    def kind(self) -> str:
        """``exact``, ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``."""
        return kind_of(self.qualifier)

    @property
    def exact(self) -> Money:
        """The base figure as exact money (the midpoint of a range, the bound of a bound)."""
        return self if not self.qualifier else Money(self.amount, self.currency)

    def bounds(
        self, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
    ) -> tuple[Money, Money]:
        """The low and high ends (exact money): a range's ends, or the figure widened by the
        qualifier's widths (:data:`aicapex.figures.DEFAULT_WIDTHS`, or ``widths``)."""
        if self.span is not None:
            return Money(self.span[0], self.currency), Money(self.span[1], self.currency)
        if not self.qualifier and not (widths and "" in widths):  # exact: its own ends, cheaply
            return self, self
        lo, hi = widths_of(self.qualifier, widths)
        ends = sorted(Fraction(self.amount) * f for f in (lo, hi))
        return (
            Money(units.fraction_to_decimal(ends[0]), self.currency),
            Money(units.fraction_to_decimal(ends[1]), self.currency),
        )

    @property
    def low(self) -> Money:
        """The low end (default widths; see :meth:`bounds`)."""
        return self.bounds()[0]

    @property
    def high(self) -> Money:
        """The high end (default widths; see :meth:`bounds`)."""
        return self.bounds()[1]

    @classmethod
    def parse(cls, text: str | Money) -> Money:
        """Return the Money written in `text` (see the module grammar); a Money is returned as is.

        Raises ValueError ``expected money like '$7M', got '...'``.
        Strings are parsed once and remembered (values are immutable; ledgers repeat them).
        """
        if type(text) is str and cls is Money:
            return _parse_money(text)
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str | Money) -> Money:
        """Uncached :meth:`parse`."""
        if isinstance(text, Money):
            return text
        error = ValueError(f"expected money like '$7M', got {_found(text)}")
        if not isinstance(text, str):
            raise error
        try:
            qualifier, first, other = split_figure(text)
        except ValueError as exc:
            raise ValueError(
                f"expected money like '$7M' or '$3B to $4B' ({exc}), got {text!r}"
            ) from None
        if other is None:
            parts = _money_parts(first)
            if parts is None or parts[2] is None:
                raise error
            figures.refuse_grouped(text, parts)
            return Money(scaled_decimal(parts[0], parts[1]), parts[2], qualifier)
        a, b = _money_parts(first), _money_parts(other)
        if a is None or b is None:
            raise error
        a = (a[0], a[1] or (b[1] if compact_range(text) else None), a[2])  # '$3-4B': $3B
        figures.refuse_grouped(text, a, b)  # ('$1.000-2.000M' reads as '$1.000M-2.000M')
        currency = a[2] or b[2]
        if a[2] and b[2] and a[2] != b[2]:  # '$5M to €7M'
            raise ValueError(f"expected money like '$3M to $4M', one currency, got {text!r}")
        if currency is None:
            raise error
        low, high = scaled_decimal(a[0], a[1]), scaled_decimal(b[0], b[1])
        if low > high:
            raise ValueError(f"expected a range from low to high like '$3B to $4B', got {text!r}")
        return Money.between(Money(low, currency), Money(high, currency))

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        """Return zero in `currency`."""
        return Money(Decimal(0), currency)

    def to_float(self) -> float:
        """Return the amount (in units of the currency) as a float, for analytic frames."""
        return float(self.amount)

    def __str__(self) -> str:
        """Return the canonical string, e.g. ``$1.6M``, ``-€5K``, ``CHF 12.5M``, ``$1,234.56``,
        ``$3B to $4B``, ``more than $500M``."""
        if self.span is not None:
            low, high = self.bounds()
            return f"{low} to {high}"
        sign = "-" if self.amount < 0 else ""
        symbol = CURRENCY_SYMBOLS.get(self.currency, f"{self.currency} ")
        figure = f"{sign}{symbol}{_format_amount(self.amount.copy_abs())}"
        return f"{self.qualifier} {figure}" if self.qualifier else figure

    def __repr__(self) -> str:
        return f"Money({str(self)!r})"

    def _same_currency(self, other: Money, verb: str) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                f"cannot {verb} {self} and {other}: currencies differ "
                f"({self.currency} vs {other.currency}); convert explicitly first"
            )

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return Money(_sum(self, other), self.currency)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return Money(_sum(self, -other), self.currency)

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __mul__(self, factor: int | Decimal | Fraction) -> Money:
        """Exact product; a positive factor keeps a range (both ends) and a qualifier."""
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal | Fraction):
            return NotImplemented
        f = Fraction(factor)
        product = units.fraction_to_decimal(Fraction(self.amount) * f)
        if f <= 0 or not self.qualifier:
            return Money(product, self.currency)
        span = None
        if self.span is not None:
            ends = (units.fraction_to_decimal(Fraction(e) * f) for e in self.span)
            span = tuple(ends)
        return Money(product, self.currency, self.qualifier, span)  # type: ignore[arg-type]

    __rmul__ = __mul__

    def __truediv__(self, divisor: int | Decimal | Fraction) -> Money:
        """Return this amount divided by `divisor`: exact when the quotient terminates, else
        rounded to 28 significant digits."""
        if isinstance(divisor, bool) or not isinstance(divisor, int | Decimal | Fraction):
            return NotImplemented
        return self * (1 / Fraction(divisor))

    def __lt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "compare")
        return self.amount >= other.amount

    def __bool__(self) -> bool:
        return self.amount != 0


def _canonical(amount: Decimal) -> Decimal:
    """The same number with no exponent and no trailing zeros after the point (exact: works on
    the digits, not through a context): ``7E+6`` -> ``7000000``, ``1.60`` -> ``1.6``."""
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite: checked by the caller
    if exponent > 0:
        return Decimal((sign, digits + (0,) * exponent, 0)) if any(digits) else Decimal(0)
    if exponent == 0:
        return amount if any(digits) or not sign else Decimal(0)
    cut = 0
    while cut < -exponent and len(digits) - cut > 1 and digits[len(digits) - 1 - cut] == 0:
        cut += 1
    if not any(digits):
        return Decimal(0)
    return Decimal((sign, digits[: len(digits) - cut], exponent + cut))


def _sum(left: Money, right: Money) -> Decimal:
    """Return the exact sum of two amounts (currencies already checked)."""
    return units.fraction_to_decimal(Fraction(left.amount) + Fraction(right.amount))


def _format_amount(amount: Decimal) -> str:
    """Return a non-negative canonical amount as ``1.6M`` / ``1,234,567`` / ``0.25``."""
    for suffix, exponent in _SCALE_SUFFIXES:
        if amount >= 10**exponent:
            if (Fraction(amount) / 10 ** (exponent - 3)).denominator == 1:
                scaled = units.fraction_to_decimal(Fraction(amount) / 10**exponent)
                return f"{scaled:,f}{suffix}"
            break
    return f"{amount:,f}"


def parse_money(text: str | Money) -> Money:
    """Return the Money written in `text` (same as :meth:`Money.parse`)."""
    return Money.parse(text)


def format_money(money: Money) -> str:
    """Return the canonical string of `money`, e.g. ``$1.6M`` (same as ``str(money)``)."""
    return str(money)


def sum_money(items: Iterable[Money], currency: str = "USD") -> Money:
    """Return the exact total of `items`, all of which must be in `currency` (zero if empty).

    Raises CurrencyMismatch if any item is in another currency.
    """
    total = Fraction(0)
    expected = Money.zero(currency)
    for item in items:
        expected._same_currency(item, "add")
        total += Fraction(item.amount)
    return Money(units.fraction_to_decimal(total), currency)


@dataclass(frozen=True, slots=True)
class Rate(ParsedValue):
    """`money` per `per`; `per` is normalised to one of day/week/month/quarter/year.

    Periods are pint's: a year is 365.25 days, a month 1/12 year, a quarter 3 months.
    Equality is structural: ``$12/year != $1/month``; compare ``r.per_year()`` for values.
    """

    JSON_DESCRIPTION = "Money per period (day, week, month, quarter or year)."
    JSON_EXAMPLES = ("$99M/year", "$20/month", "€5M/quarter")

    money: Money
    per: str

    def __post_init__(self) -> None:
        if not isinstance(self.money, Money):
            raise TypeError(f"rate money must be a Money, got {self.money!r}")
        object.__setattr__(self, "per", units.normalize_period(self.per))

    @classmethod
    def parse(cls, text: str | Rate) -> Rate:
        """Return the Rate written in `text` (e.g. ``$99M/yr``, ``$30B a year``); a Rate as is.

        Raises ValueError ``expected a rate like '$99M/yr', got '...'``.
        Strings are parsed once and remembered (values are immutable; ledgers repeat them).
        """
        if type(text) is str and cls is Rate:
            return _parse_rate(text)
        return cls._parse(text)

    @classmethod
    def _parse(cls, text: str | Rate) -> Rate:
        """Uncached :meth:`parse`."""
        if isinstance(text, Rate):
            return text
        error = ValueError(f"expected a rate like '$99M/yr', got {_found(text)}")
        if not isinstance(text, str):
            raise error
        clean = " ".join(text.split())
        match = _RATE_RE.fullmatch(clean) or _RATE_ADVERB_RE.fullmatch(clean)
        if match is None:
            raise error
        try:
            return Rate(Money.parse(match["money"]), match["per"])
        except figures.GroupedMoney as exc:  # '€7.000/month': 7 or 7,000 a month?
            raise exc.rate(text, match["per"], error) from None
        except ValueError:
            raise error from None

    def to(self, per: str) -> Rate:
        """Return the same rate expressed per `per` (money amount times the exact period factor).

        Exact when the result terminates in base 10 (always between month, quarter and year);
        otherwise the amount is rounded to 28 significant digits.
        """
        factor = units.period_factor(self.per, per)
        return Rate(self._times(factor), per)

    def per_month(self) -> Money:
        """Return the amount per month (a month is 1/12 year = 30.4375 days)."""
        return self.to("month").money

    def per_year(self) -> Money:
        """Return the amount per year (365.25 days)."""
        return self.to("year").money

    def over(self, months: int | Fraction) -> Money:
        """Return the total amount accrued over `months` months (exact, as for :meth:`to`)."""
        return self._times(units.period_factor(self.per, "month") * Fraction(months))

    def _times(self, factor: Fraction) -> Money:
        return self.money * factor

    def __str__(self) -> str:
        """Return the canonical string ``<money>/<period>``, e.g. ``$99M/year``."""
        return f"{self.money}/{self.per}"

    def __repr__(self) -> str:
        return f"Rate({str(self)!r})"


def _found(value: object) -> str:
    """What an error says was found: text quoted, a bare number as written in plain digits
    with the hint that money needs a currency (YAML reads ``5e6`` as a number)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return repr(value)
    if isinstance(value, float) and math.isfinite(value):  # plain digits: 5000000.0, not 5e+06
        value = Decimal(repr(value))
    shown = format(value, "f") if isinstance(value, Decimal) else str(value)
    return f"the number {shown} (money needs a currency: '$7M', 'EUR 5M')"


@functools.lru_cache(maxsize=1 << 16)
def _parse_money(text: str) -> Money:
    return Money._parse(text)


@functools.lru_cache(maxsize=1 << 14)
def _parse_rate(text: str) -> Rate:
    return Rate._parse(text)
