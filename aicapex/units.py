"""Exact period and power conversions, and the pint unit registry they are checked against.

Conversions use exact tables (:data:`PER_MONTH`, :data:`GIGAWATTS_PER`): pint stays the
reference (a test keeps the tables equal to it) but out of every hot path, and ``import aicapex``
never loads it. :func:`registry` builds aicapex's own pint registry on demand (for power units
outside the table, and for users); it never replaces pint's global application registry. The
registry uses :class:`fractions.Fraction` magnitudes, so every factor is exact. Definitions on
top of pint's defaults:

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
    "GIGAWATTS_PER",
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
"""The exact factor from an amount per period to an amount per month: a month is 1/12 of a
Julian year of 365.25 days, 30.4375 days, as in pint (a test keeps the table equal to pint)."""

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

GIGAWATTS_PER: dict[str, Fraction] = {
    "W": Fraction(1, 10**9),
    "kW": Fraction(1, 10**6),
    "MW": Fraction(1, 10**3),
    "GW": Fraction(1),
    "TW": Fraction(10**3),
}
"""The exact factor from a power unit to gigawatts (equal to pint's; a test keeps them equal).
Written forms: the symbols in any case (lower-case ``mw`` is a megawatt, never a milliwatt) and
the words ``watt``, ``kilowatt``, ``megawatt``, ``gigawatt``, ``terawatt`` (and plurals)."""

_POWER_WORDS = {
    f"{prefix}watt{plural}": symbol
    for prefix, symbol in (
        ("", "W"),
        ("kilo", "kW"),
        ("mega", "MW"),
        ("giga", "GW"),
        ("tera", "TW"),
    )
    for plural in ("", "s")
}

_DIVISION = Context(prec=28)


@functools.cache
def registry() -> pint.UnitRegistry[Fraction]:
    """Return the application's pint registry (built once, Fraction magnitudes).

    It is not installed as pint's application registry: a library must not change a global
    its users may rely on.
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


def _period_factor(from_period: str, to_period: str) -> Fraction:
    return PER_MONTH[from_period] / PER_MONTH[to_period]


def to_gigawatts(value: Decimal, unit: str) -> Decimal:
    """Return `value` in `unit` (a power unit: W, kW, MW, GW, TW, "megawatts", ...) in gigawatts.

    Exact when the result terminates (always for the SI units); see :func:`fraction_to_decimal`.
    Raises ValueError if `unit` is not a power unit.
    """
    exact = Fraction(value)  # raises on NaN/Infinity
    written = unit.strip()
    symbol = _POWER_SYMBOLS.get(written.lower()) or _POWER_WORDS.get(written.lower(), written)
    if symbol in GIGAWATTS_PER:
        return fraction_to_decimal(exact * GIGAWATTS_PER[symbol])
    import pint  # a rarer power unit: pint knows it

    ureg = registry()
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
