"""Figures as they are reported: exact, approximate, bounded, a range, or a ceiling.

Reporting on AI-infrastructure money is rarely a point figure: "more than $500M of GPUs",
"$3B to $4B on Nvidia hardware", "about $4M", "up to $100B". Money, rates, capacities and GPU
counts keep the precision the source gives: a figure has a **kind**, a **base** figure and a
**low** and **high** end.

========  ======================================  ==========================  ================
kind      written (canonical first)               base                        low .. high
========  ======================================  ==========================  ================
exact     ``$4M``                                 the figure                  X .. X
approx    ``about $4M``, ``~$4M``, ``roughly``,   the figure                  0.9X .. 1.1X
          ``approximately``, ``around``
lower     ``more than $500M``, ``over``,          the bound                   X .. 1.25X
          ``above``, ``> $500M``
lower     ``at least $2.5M``, ``>= $2.5M``,       the bound                   X .. 1.25X
          ``no less than``
upper     ``less than $4M``, ``under``,           the bound                   0.75X .. X
          ``below``, ``< $4M``
upper     ``at most $4M``, ``<= $4M``,            the bound                   0.75X .. X
          ``no more than``
upper     ``just under $30M``, ``just below``     the bound                   0.9X .. X
upper     ``nearly $1B``, ``almost``              the bound                   0.9X .. X
range     ``$3B to $4B``, ``$3–4B``, ``$3B-$4B``, the midpoint                the two ends
          ``between $3B and $4B`` (only the
          compact ``$3–4B`` carries the scale)
ceiling   ``up to $100B``                         the ceiling                 0 .. X
========  ======================================  ==========================  ================

The open ends of bounds and approximations (the widths above, :data:`DEFAULT_WIDTHS`) are
documented defaults; ``Ledger.with_widths({"more than": (1, 1.5)})`` changes them for every
frame, flow and analysis of a ledger, and ``burn``, ``runway``, ``compute_gap`` and ``arrears``
take ``widths=`` to the same effect. A ceiling is a
contractual maximum, not uncertainty: money committed up to it is never counted as moved by
default (a round's part without tranches is ``conditional``, see
:mod:`aicapex.table.funding`). Other figures with a ceiling (an expense, a revenue, a bill)
count at their base, the ceiling, with 0 as their low end: burn and runway ranges reach from
none of it to all of it. Canonical forms: the first written form of each row (``more than $500M``,
``$3B to $4B``); ``save`` writes them, and parsing the canonical form gives the same value.
"""

from __future__ import annotations

import re
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

from aicapex.currencies import CURRENCY_SYMBOLS
from aicapex.units import normalize_period

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_WIDTHS",
    "FIGURE_KINDS",
    "QUALIFIERS",
    "GroupedFigure",
    "GroupedMoney",
    "Widths",
    "checked_widths",
    "compact_range",
    "grouped_message",
    "grouped_whole",
    "kind_of",
    "refuse_grouped",
    "split_figure",
    "widths_of",
]

#: The kinds of figures.
FIGURE_KINDS: tuple[str, ...] = ("exact", "approx", "lower", "upper", "range", "ceiling")

#: Canonical qualifiers and their kinds (``""``: exact; ``"range"``: two ends).
QUALIFIERS: Mapping[str, str] = MappingProxyType(
    {
        "": "exact",
        "about": "approx",
        "more than": "lower",
        "at least": "lower",
        "less than": "upper",
        "at most": "upper",
        "just under": "upper",
        "nearly": "upper",
        "range": "range",
        "up to": "ceiling",
    }
)

#: Each canonical qualifier's default (low, high) factors of the figure written.
DEFAULT_WIDTHS: Mapping[str, tuple[Fraction, Fraction]] = MappingProxyType(
    {
        "": (Fraction(1), Fraction(1)),
        "about": (Fraction(9, 10), Fraction(11, 10)),
        "more than": (Fraction(1), Fraction(5, 4)),
        "at least": (Fraction(1), Fraction(5, 4)),
        "less than": (Fraction(3, 4), Fraction(1)),
        "at most": (Fraction(3, 4), Fraction(1)),
        "just under": (Fraction(9, 10), Fraction(1)),
        "nearly": (Fraction(9, 10), Fraction(1)),
        "up to": (Fraction(0), Fraction(1)),
    }
)

#: Widths of open ends by canonical qualifier: ``{"more than": (1, 1.5)}``.
Widths: TypeAlias = "Mapping[str, tuple[Fraction | float | str, Fraction | float | str]]"


def checked_widths(widths: Widths) -> dict[str, tuple[Fraction, Fraction]]:
    """``widths`` as exact factors, checked: each key a qualifier with open ends (``about``,
    ``more than``, ... not exact figures, ranges or ceilings) and each value ``(low, high)``
    with ``0 <= low <= high``. Raises ValueError naming the key and what was expected."""
    out: dict[str, tuple[Fraction, Fraction]] = {}
    open_ended = [q for q in DEFAULT_WIDTHS if q not in ("", "up to")]
    if not callable(getattr(widths, "items", None)):
        raise TypeError(
            f"widths: expected a mapping of qualifier to (low, high) like {{'about': (0.9, 1.1)}}, "
            f"got {widths!r}"
        )
    for key, value in widths.items():
        if key not in open_ended:
            raise ValueError(
                f"widths: expected a qualifier with open ends ({', '.join(open_ended)}), "
                f"got {key!r}"
            )
        try:
            low, high = (Fraction(str(v)) for v in value)
        except (TypeError, ValueError, ZeroDivisionError):
            raise ValueError(
                f"widths[{key!r}]: expected two factors (low, high) like (1, 1.5), got {value!r}"
            ) from None
        if not 0 <= low <= high:
            raise ValueError(
                f"widths[{key!r}]: expected factors with 0 <= low <= high, got ({low}, {high})"
            )
        out[key] = (low, high)
    return out


# Written forms -> canonical qualifiers (longest first when matched).
_SYNONYMS = {
    "about": "about",
    "approximately": "about",
    "approx.": "about",
    "around": "about",
    "roughly": "about",
    "some": "about",
    "~": "about",
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    ">": "more than",
    "at least": "at least",
    "no less than": "at least",
    ">=": "at least",
    "≥": "at least",
    "less than": "less than",
    "under": "less than",
    "below": "less than",
    "<": "less than",
    "at most": "at most",
    "no more than": "at most",
    "<=": "at most",
    "≤": "at most",
    "just under": "just under",
    "just below": "just under",
    "nearly": "nearly",
    "almost": "nearly",
    "up to": "up to",
}
_QUALIFIER_RE = re.compile(
    r"(?P<q>"
    + "|".join(re.escape(w) for w in sorted(_SYNONYMS, key=len, reverse=True))
    + r")(?:(?<=[a-z.])\s+|(?<![a-z.])\s*)(?P<rest>\S.*)",
    re.IGNORECASE,
)
_BETWEEN_RE = re.compile(r"between\s+(?P<a>\S.*?)\s+and\s+(?P<b>\S.*)", re.IGNORECASE)
_TO_RE = re.compile(r"(?P<a>\S.*?)\s+to\s+(?P<b>\S.*)", re.IGNORECASE)
# a dash between two figures: after a digit or a scale letter (not a leading minus), before a
# digit, a currency or a minus-free figure
_DASH_RE = re.compile(r"(?P<a>.*?[0-9A-Za-z.])\s*[-–—]\s*(?P<b>[0-9$€£¥A-Za-z].*)")


def kind_of(qualifier: str) -> str:
    """The kind of a canonical qualifier (see :data:`QUALIFIERS`)."""
    return QUALIFIERS[qualifier]


def split_figure(text: str) -> tuple[str, str, str | None]:
    """Split a written figure into ``(canonical qualifier, figure, other end)``.

    ``("", "$4M", None)`` for a plain figure, ``("more than", "$500M", None)`` for a bound,
    ``("range", "$3", "4B")`` for a range (the ends as written; the caller completes them).
    Raises ValueError for a qualifier with nothing after it (``"more than"``) or an empty end
    of a range (``"$3–"``).
    """
    clean = " ".join(text.split())
    between = _BETWEEN_RE.fullmatch(clean)
    if between:
        return "range", between["a"], between["b"]
    qualified = _QUALIFIER_RE.fullmatch(clean)
    if qualified:
        rest = qualified["rest"]
        if _TO_RE.fullmatch(rest) or _DASH_RE.fullmatch(rest):
            raise ValueError(f"expected a bound of one figure, got {text!r}")
        return _SYNONYMS[qualified["q"].lower()], rest, None
    if clean.lower() in _SYNONYMS:
        raise ValueError(f"expected a figure after {clean!r}")
    to = _TO_RE.fullmatch(clean)
    if to:
        return "range", to["a"], to["b"]
    dash = _DASH_RE.fullmatch(clean)
    if dash and any(ch.isdigit() for ch in dash["a"]):
        return "range", dash["a"], dash["b"]
    if re.search(r"\d\s*[-–—]\s*$", clean):
        raise ValueError(f"expected the other end of the range, got {text!r}")
    return "", clean, None


def compact_range(text: str) -> bool:
    """Whether ``text`` writes a range in the compact dash form (``$3–4B``), where the low end
    takes the high end's scale; in ``$3 to $4B`` and ``between`` forms each end has its own."""
    clean = " ".join(text.split())
    return not (_BETWEEN_RE.fullmatch(clean) or _TO_RE.fullmatch(clean))


def widths_of(
    qualifier: str, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
) -> tuple[Fraction, Fraction]:
    """The (low, high) factors of a qualifier: ``widths`` where it names the qualifier, else
    :data:`DEFAULT_WIDTHS`."""
    if widths and qualifier in widths:
        low, high = widths[qualifier]
        return Fraction(low), Fraction(high)
    return DEFAULT_WIDTHS[qualifier]


#: A number of 1 to 3 digits, a point and three zeros: ``7.000``.
_GROUPED = re.compile(r"-?[1-9]\d{0,2}\.000")


def grouped_whole(number: str, scale: str | None = None) -> int | None:
    """The whole part of a figure written with a point and three zeros after 1 to 3 digits and
    no scale word (``7.000``: 7), else ``None``: 7 by the decimal point, 7,000 by the thousands
    separator of many languages (the sources' French and German), a thousand times apart.

    >>> grouped_whole("12.000"), grouped_whole("12.000", "M"), grouped_whole("12.5")
    (12, None, None)
    """
    if scale is None and _GROUPED.fullmatch(number):
        return int(number.split(".")[0])
    return None


def grouped_message(whole: int) -> str:
    """Why a figure of :func:`grouped_whole` is refused, for an error message."""
    return (
        f"a point and three zeros: {whole} by the decimal point, {whole * 1000:,} by the "
        "thousands separator of many languages"
    )


class GroupedFigure(ValueError):
    """A count refused as :func:`grouped_whole` finds it (``12.000``); ``whole`` is 12."""

    def __init__(self, message: str, whole: int) -> None:
        super().__init__(message)
        self.whole = whole


class GroupedMoney(ValueError):
    """Money refused as :func:`refuse_grouped` finds it (``€7.000``): ``like``, the figure
    read both ways in its own currency (``('€7,000', '€7')``), and ``why``."""

    def __init__(self, text: str, like: tuple[str, str], why: str) -> None:
        super().__init__(f"expected money like '{like[0]}' or '{like[1]}' ({why}), got {text!r}")
        self.like = like
        self.why = why

    def rate(self, text: str, per: str, other: ValueError) -> ValueError:
        """The refusal of a rate ``text`` whose money this refuses, per ``per`` as written
        (``€7.000/month``: ``'€7,000/month' or '€7/month'``); ``other`` if ``per`` is no
        period."""
        try:
            per = normalize_period(per)
        except ValueError:
            return other
        a, b = self.like
        return ValueError(
            f"expected a rate like '{a}/{per}' or '{b}/{per}' ({self.why}), got {text!r}"
        )


def refuse_grouped(text: str, *ends: tuple[str, str | None, str | None] | None) -> None:
    """Refuse money ``text`` whose figure or range end (``(number, scale word, currency)``) is
    written as :func:`grouped_whole` finds (``€7.000``: :class:`GroupedMoney`, its example in
    the figure's currency and number, ``'€7,000' or '€7'``); ``€7``, ``€7,000`` and
    ``€7.000M`` are read."""
    codes = [end[2] for end in ends if end is not None and end[2]]
    code = codes[0] if codes else "USD"  # none ("1.000 to 2.000"): dollars, as other examples
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} ")
    for end in ends:
        whole = None if end is None else grouped_whole(end[0], end[1])
        if whole is not None:
            sign = "-" if whole < 0 else ""
            like = (f"{sign}{symbol}{abs(whole) * 1000:,}", f"{sign}{symbol}{abs(whole)}")
            why = (
                f"{whole * 1000:,} by the thousands separator of many languages, {whole} by "
                "the decimal point"
            )
            raise GroupedMoney(text, like, why)
