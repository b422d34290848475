"""The one pint unit registry of aicapex, plus exact period and power conversions.

pint is imported lazily, inside :func:`registry`, so ``import aicapex`` stays light.
The registry uses :class:`fractions.Fraction` magnitudes, so every factor is exact.
Application definitions on top of pint's defaults:

* ``quarter = 3 * month`` (this replaces pint's avoirdupois ``quarter`` of 28 lb),
* ``half_year = 6 * month``,
* ``gpu = [gpu]`` with aliases ``gpus`` and ``GPU``.

pint's ``month`` is a twelfth of a Julian year (365.25 days), i.e. 30.4375 days.
"""

from __future__ import annotations

import functools
from decimal import Context, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pint

__all__ = [
    "PERIODS",
    "PER_MONTH",
    "fraction_to_decimal",
    "normalize_period",
    "period_factor",
    "registry",
    "to_gigawatts",
]

PERIODS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
"""Canonical period names, shortest first."""

PER_MONTH: dict[str, Fraction] = {
    "day": Fraction(487, 16),
    "week": Fraction(487, 112),
    "month": Fraction(1),
    "quarter": Fraction(1, 3),
    "year": Fraction(1, 12),
}
"""The exact factor from an amount per period to an amount per month, for vectorised code that
must not load pint: equal to ``period_factor(per, "month")`` (a month is 30.4375 days; a test
keeps them equal)."""

_PERIOD_ALIASES: dict[str, tuple[str, ...]] = {
    "day": ("d", "day", "days", "daily"),
    "week": ("wk", "week", "weeks", "weekly"),
    "month": ("mo", "mon", "month", "months", "monthly"),
    "quarter": ("q", "qtr", "quarter", "quarters", "quarterly"),
    "year": ("y", "yr", "year", "years", "yearly", "annum", "annual", "annually", "pa", "p.a."),
}
_PERIOD_BY_ALIAS = {alias: name for name, aliases in _PERIOD_ALIASES.items() for alias in aliases}

# Power units as people write them; lower-case "mw" means megawatt here, never milliwatt.
_POWER_SYMBOLS = {"w": "W", "kw": "kW", "mw": "MW", "gw": "GW", "tw": "TW"}

_DIVISION = Context(prec=28)


@functools.cache
def registry() -> pint.UnitRegistry[Fraction]:
    """Return the application's pint registry (built once, Fraction magnitudes).

    The registry is also installed as pint's application registry.
    """
    import pint

    # "ignore": redefining pint's mass unit ``quarter`` as a fiscal quarter is deliberate.
    ureg: pint.UnitRegistry[Fraction] = pint.UnitRegistry(
        non_int_type=Fraction, on_redefinition="ignore"
    )
    ureg.define("quarter = 3 * month")
    ureg.define("half_year = 6 * month")
    ureg.define("gpu = [gpu] = _ = gpus = GPU")
    # pint caches dimensionalities at construction; rebuild so the new ``quarter`` is [time].
    ureg._build_cache()
    pint.set_application_registry(ureg)  # type: ignore[no-untyped-call]  # pint: untyped
    return ureg


def normalize_period(text: str) -> str:
    """Return the canonical period name (one of :data:`PERIODS`) for an alias such as "yr".

    Accepted (case-insensitive): d/day/days/daily, wk/week/weeks/weekly,
    mo/mon/month/months/monthly, q/qtr/quarter/quarters/quarterly,
    y/yr/year/years/yearly/annum/annual/annually/pa/p.a.
    """
    name = _PERIOD_BY_ALIAS.get(text.strip().lower()) if isinstance(text, str) else None
    if name is None:
        raise ValueError(f"expected a period such as 'month' or 'year', got {text!r}")
    return name


def period_factor(from_period: str, to_period: str) -> Fraction:
    """Return the exact factor f such that an amount per `from_period` is amount*f per `to_period`.

    For example ``period_factor("year", "month") == Fraction(1, 12)`` and
    ``period_factor("day", "month") == Fraction(487, 16)`` (a month is 30.4375 days).
    """
    return _period_factor(normalize_period(from_period), normalize_period(to_period))


@functools.cache
def _period_factor(from_period: str, to_period: str) -> Fraction:
    quantity = registry().Quantity(Fraction(1), f"1 / {from_period}")
    return Fraction(quantity.to(f"1 / {to_period}").magnitude)


def to_gigawatts(value: Decimal, unit: str) -> Decimal:
    """Return `value` in `unit` (a power unit: W, kW, MW, GW, TW, "megawatts", ...) in gigawatts.

    Exact when the result terminates (always for the SI units); see :func:`fraction_to_decimal`.
    Raises ValueError if `unit` is not a power unit.
    """
    import pint

    exact = Fraction(value)  # raises on NaN/Infinity
    ureg = registry()
    symbol = _POWER_SYMBOLS.get(unit.strip().lower(), unit.strip())
    try:
        # A single unit word only: pint would otherwise evaluate expressions like "MW**2".
        if not symbol.isalpha() or not symbol.isascii():
            raise ValueError
        if ureg.parse_units(symbol).dimensionality != ureg.watt.dimensionality:
            raise ValueError
        magnitude = ureg.Quantity(exact, symbol).to("GW").magnitude
    except (ValueError, pint.PintError):
        raise ValueError(f"expected a power unit such as 'MW' or 'GW', got {unit!r}") from None
    return fraction_to_decimal(Fraction(magnitude))


def fraction_to_decimal(value: Fraction) -> Decimal:
    """Return `value` as a canonical Decimal (no exponent, no trailing zeros after the point).

    Exact when the fraction terminates in base 10 (denominator of the form 2**a * 5**b);
    otherwise rounded half-even to 28 significant digits.
    """
    numerator, denominator = value.numerator, value.denominator
    rest, twos, fives = denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        rounded = _DIVISION.divide(Decimal(numerator), Decimal(denominator))
        return fraction_to_decimal(Fraction(rounded))
    places = max(twos, fives)
    return Decimal(f"{numerator * (10**places // denominator)}E-{places}")
