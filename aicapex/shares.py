"""Shares of a company, parsed from what people write: a share (``35%``) and a number of shares
(``12.5M``); and the rounding of a figure as written.

Grammar (case-insensitive; any run of whitespace counts as one optional space; ``number`` and
``scale`` as for money, see :mod:`aicapex.money`)::

    share   := number (% | percent | per cent)          35%, 20.5%, 20.5 percent
    shares  := number [scale] [share | shares]          12.5M, 12,500,000, 1.2 billion shares

Both take the forms of reported figures (:mod:`aicapex.figures`): ranges (``30-35%``,
``30% to 35%``, ``between 30% and 35%``, ``10M to 12M``), bounds (``more than 50%``,
``at least 10M``), approximations (``about 49%``) and ceilings (``up to 25%``). A share is an
exact :class:`~decimal.Decimal` fraction (``20.5%`` is ``0.205``); a number of shares is whole
(``12.5M`` is 12,500,000; ``12.5`` shares is refused).

Canonical forms: ``35%``, ``30% to 35%``, ``more than 50%``; ``12.5M``, ``12,345,678``,
``10M to 12M`` (the largest scale K/M/B/T with at most three decimals, as for money).

>>> Share.parse("20.5%").value, str(Share.parse("30-35%")), Share.parse("more than 50%").kind
(Decimal('0.205'), '30% to 35%', 'lower')
>>> ShareCount.parse("12.5M").count, str(ShareCount.parse("12500000"))
(Decimal('12500000'), '12.5M')
>>> written_unit(Decimal("1E9")), written_unit(Decimal("1250000000")), written_unit(Decimal(950))
(Decimal('1E+9'), Decimal('1E+7'), Decimal('1'))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from aicapex import units
from aicapex.figures import (
    QUALIFIERS,
    GroupedFigure,
    compact_range,
    grouped_message,
    grouped_whole,
    kind_of,
    split_figure,
    widths_of,
)
from aicapex.money import NUMBER, SCALE, scaled_decimal
from aicapex.values import ParsedValue

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["MAX_TEXT", "Share", "ShareCount", "counted_things", "written_unit"]

#: The longest text a share or a number of shares may be written in.
MAX_TEXT = 100

_FLAGS = re.IGNORECASE | re.ASCII
_PERCENT_RE = re.compile(rf"(?P<number>{NUMBER}) ?(?P<unit>%|percent|per ?cent)?", _FLAGS)
_COUNT_RE = re.compile(rf"(?P<number>{NUMBER}) ?{SCALE}? ?(?:shares?)?", _FLAGS)
# '30%-35%': the low end's '%' before a dash would hide the range from split_figure
_PERCENT_DASH_RE = re.compile(r"%(?=\s*[-–—]\s*\d)")
_SCALES = (("T", 12), ("B", 9), ("M", 6), ("K", 3))


def _plain(value: Decimal) -> Decimal:
    """``value`` without exponent nor trailing zeros after the point (``5E+1`` -> ``50``)."""
    if value == 0:
        return Decimal(0)
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    assert isinstance(exponent, int)
    # a whole number through int (exact at any size): quantize works within the context's 28
    # digits and refuses 1e28 and more (decimal.InvalidOperation)
    return Decimal(int(normal)) if exponent > 0 else normal


def _digits(value: Decimal) -> str:
    """A non-negative plain decimal as text, without exponent: ``50``, ``20.5``."""
    return f"{_plain(value):f}"


def _check_figure(qualifier: str, span: tuple[Decimal, Decimal] | None) -> None:
    if qualifier not in QUALIFIERS or (qualifier == "range") != (span is not None):
        raise ValueError(f"expected a qualifier among {list(QUALIFIERS)}, got {qualifier!r}")
    if span is not None and span[0] > span[1]:
        raise ValueError(f"expected a range from low to high, got {span[0]} to {span[1]}")


def _bounds(
    base: Decimal,
    qualifier: str,
    span: tuple[Decimal, Decimal] | None,
    widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None,
) -> tuple[Decimal, Decimal]:
    if span is not None:
        return span
    lo, hi = widths_of(qualifier, widths)
    ends = sorted(Fraction(base) * f for f in (lo, hi))
    return units.fraction_to_decimal(ends[0]), units.fraction_to_decimal(ends[1])


def _text_of(value: Any, example: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected {example}, got {value!r}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"expected {example} of at most {MAX_TEXT} characters, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Share(ParsedValue):
    """A share of a company as a fraction (``value``: ``0.35`` for 35%), exact, with the
    precision reported: a range, a bound, an approximation or a ceiling (:mod:`aicapex.figures`).
    Shares above 100% parse (the record holding one says they are out of range)."""

    JSON_DESCRIPTION = (
        "A share of a company as a percentage: '35%', '20.5%'; a range, a bound, an "
        "approximation or a ceiling as reported (see aicapex.figures)."
    )
    JSON_EXAMPLES = ("35%", "20.5%", "30% to 35%", "30-35%", "more than 50%", "about 49%")

    value: Decimal
    qualifier: str = ""
    span: tuple[Decimal, Decimal] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal) or not self.value.is_finite() or self.value < 0:
            raise ValueError(f"a share is a finite fraction of zero or more, got {self.value!r}")
        _check_figure(self.qualifier, self.span)
        if self.span is not None:
            low, high = (_plain(e) for e in self.span)
            object.__setattr__(self, "span", (low, high))
            middle = units.fraction_to_decimal((Fraction(low) + Fraction(high)) / 2)
            object.__setattr__(self, "value", middle)
        object.__setattr__(self, "value", _plain(self.value))

    @classmethod
    def parse(cls, text: Any) -> Share:
        """The share written in ``text`` (``35%``, ``30-35%``, ``more than 50%``); a Share is
        returned as is. Raises ValueError ``expected a share like '35%', got ...``."""
        if isinstance(text, Share):
            return text
        example = "a share like '35%'"
        clean = _PERCENT_DASH_RE.sub("", _text_of(text, example))
        error = ValueError(f"expected {example} or '30% to 35%', got {text!r}")
        try:
            qualifier, first, other = split_figure(clean)
        except ValueError:
            raise error from None
        if other is None:
            number, unit = cls._one(first, error)
            if unit is None:
                raise error
            return Share(number, qualifier)
        (low, _), (high, high_unit) = cls._one(first, error), cls._one(other, error)
        if high_unit is None or low > high:
            raise error
        return Share(low) if low == high else Share(low, "range", (low, high))

    @staticmethod
    def _one(part: str, error: ValueError) -> tuple[Decimal, str | None]:
        match = _PERCENT_RE.fullmatch(" ".join(part.split()))
        if match is None:
            raise error
        return Decimal(match["number"].replace(",", "")).scaleb(-2), match["unit"]

    @property
    def kind(self) -> str:
        """``exact``, ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``."""
        return kind_of(self.qualifier)

    @property
    def percent(self) -> Decimal:
        """The base figure in percent (``35`` for 35%)."""
        return _plain(self.value.scaleb(2))

    def written(self) -> tuple[Decimal, ...]:
        """The figures written: the two ends of a range, else the one figure (fractions)."""
        return self.span if self.span is not None else (self.value,)

    def bounds(
        self, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
    ) -> tuple[Decimal, Decimal]:
        """The low and high ends (fractions; see :mod:`aicapex.figures`), the high end at most
        the whole company (100%) unless the figure itself is above it."""
        low, high = _bounds(self.value, self.qualifier, self.span, widths)
        return low, max(min(high, Decimal(1)), max(self.written()))

    @property
    def low(self) -> Decimal:
        """The low end (default widths)."""
        return self.bounds()[0]

    @property
    def high(self) -> Decimal:
        """The high end (default widths)."""
        return self.bounds()[1]

    def exceeds(self, threshold: Decimal) -> bool:
        """Whether the share is above ``threshold`` whatever its precision: its low end is above
        it, or it is a lower bound at it (``more than 50%`` exceeds 50%; so does ``at least 50%``,
        a tie read as control: sources write it of majority holders)."""
        low = self.low
        return low > threshold or (self.kind == "lower" and low >= threshold)

    def to_float(self) -> float:
        """The base figure as a float fraction."""
        return float(self.value)

    def __str__(self) -> str:
        """``35%``, ``30% to 35%``, ``more than 50%``."""
        if self.span is not None:
            return " to ".join(f"{_digits(e.scaleb(2))}%" for e in self.span)
        figure = f"{_digits(self.value.scaleb(2))}%"
        return f"{self.qualifier} {figure}" if self.qualifier else figure

    def __repr__(self) -> str:
        return f"Share({str(self)!r})"


def _grouped(whole: int, text: Any) -> GroupedFigure:
    """The refusal of a number of shares written with a point and three zeros."""
    return GroupedFigure(
        f"expected a whole number of shares like '{whole * 1000:,}' or '{whole}', got "
        f"{text!r} ({grouped_message(whole)})",
        whole,
    )


@dataclass(frozen=True, slots=True)
class ShareCount(ParsedValue):
    """A whole number of shares (``count``), with the precision reported: a range, a bound, an
    approximation or a ceiling (:mod:`aicapex.figures`)."""

    JSON_DESCRIPTION = (
        "A whole number of shares: '12.5M', '12,500,000', '1.2 billion shares'; a range, a "
        "bound, an approximation or a ceiling as reported (see aicapex.figures)."
    )
    JSON_EXAMPLES = ("12.5M", "12,500,000", "10M to 12M", "about 3B")

    count: Decimal
    qualifier: str = ""
    span: tuple[Decimal, Decimal] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.count, Decimal) or not self.count.is_finite() or self.count < 0:
            raise ValueError(f"a number of shares is finite, zero or more, got {self.count!r}")
        _check_figure(self.qualifier, self.span)
        ends = self.span if self.span is not None else (self.count,)
        if any(e != e.to_integral_value() for e in ends):
            raise ValueError(f"expected a whole number of shares, got {self.count!r}")
        if self.span is not None:
            low, high = (_plain(e) for e in self.span)
            object.__setattr__(self, "span", (low, high))
            middle = units.fraction_to_decimal((Fraction(low) + Fraction(high)) / 2)
            object.__setattr__(self, "count", middle)
        object.__setattr__(self, "count", _plain(self.count))

    @classmethod
    def parse(cls, text: Any) -> ShareCount:
        """The number of shares written in ``text`` (``12.5M``, ``12,500,000``, an int); a
        ShareCount is returned as is. Raises ValueError ``expected a whole number of shares like
        '12.5M', got ...``."""
        if isinstance(text, ShareCount):
            return text
        example = "a whole number of shares like '12.5M'"
        error = ValueError(f"expected {example}, got {text!r}")
        if isinstance(text, bool):
            raise error
        if isinstance(text, int | Decimal | float):
            number = Decimal(repr(text)) if isinstance(text, float) else Decimal(text)
            if not number.is_finite() or number < 0 or number != number.to_integral_value():
                raise error
            # a YAML or JSON number keeps its digits: 12.000 unquoted is '12.000' quoted
            whole = grouped_whole(str(text)) if isinstance(text, Decimal) else None
            if whole is not None:
                raise _grouped(whole, text)
            return ShareCount(number)
        clean = _text_of(text, example)
        try:
            qualifier, first, other = split_figure(clean)
        except ValueError:
            raise error from None
        ends = [
            None if p is None else _COUNT_RE.fullmatch(" ".join(p.split())) for p in (first, other)
        ]
        high_end = ends[1]
        # the low end of '1.000-2.000M' borrows the high end's scale (1.000M, as '€7.000M' reads)
        borrowed = high_end["scale"] if high_end is not None and compact_range(clean) else None
        for end, scale in zip(ends, (borrowed, None), strict=True):  # '12.000': 12 or 12,000?
            whole = None if end is None else grouped_whole(end["number"], end["scale"] or scale)
            if whole is not None:
                raise _grouped(whole, text)
        if other is None:
            return cls._made(cls._one(first, None, error), qualifier, None, error)
        high_match = cls._match(other, error)
        high = scaled_decimal(high_match["number"], high_match["scale"])
        borrowed = high_match["scale"] if compact_range(clean) else None
        low = cls._one(first, borrowed, error)
        if low > high:
            raise error
        if low == high:
            return cls._made(low, "", None, error)
        return cls._made(low, "range", (low, high), error)

    @staticmethod
    def _made(
        count: Decimal, qualifier: str, span: tuple[Decimal, Decimal] | None, error: ValueError
    ) -> ShareCount:
        try:
            return ShareCount(count, qualifier, span)
        except ValueError:
            raise error from None

    @staticmethod
    def _match(part: str, error: ValueError) -> re.Match[str]:
        match = _COUNT_RE.fullmatch(" ".join(part.split()))
        if match is None:
            raise error
        return match

    @classmethod
    def _one(cls, part: str, borrowed: str | None, error: ValueError) -> Decimal:
        match = cls._match(part, error)
        return scaled_decimal(match["number"], match["scale"] or borrowed)

    @property
    def kind(self) -> str:
        """``exact``, ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``."""
        return kind_of(self.qualifier)

    def written(self) -> tuple[Decimal, ...]:
        """The figures written: the two ends of a range, else the one figure."""
        return self.span if self.span is not None else (self.count,)

    def bounds(
        self, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
    ) -> tuple[Decimal, Decimal]:
        """The low and high ends (see :mod:`aicapex.figures`)."""
        return _bounds(self.count, self.qualifier, self.span, widths)

    def to_float(self) -> float:
        """The base figure as a float."""
        return float(self.count)

    def __str__(self) -> str:
        """``12.5M``, ``12,345,678``, ``10M to 12M``, ``about 3B``."""
        if self.span is not None:
            return " to ".join(_count_text(e) for e in self.span)
        figure = _count_text(self.count)
        return f"{self.qualifier} {figure}" if self.qualifier else figure

    def __repr__(self) -> str:
        return f"ShareCount({str(self)!r})"


def _count_text(count: Decimal) -> str:
    """``12.5M``, ``12,345,678``, ``950`` (the canonical form of a number of shares)."""
    for suffix, exponent in _SCALES:
        if count >= 10**exponent:
            if (Fraction(count) / 10 ** (exponent - 3)).denominator == 1:
                return f"{_digits(count.scaleb(-exponent))}{suffix}"
            break
    return f"{_plain(count):,f}"


def written_unit(amount: Decimal) -> Decimal:
    """The unit of the last digit of ``amount`` in its canonical written form (money's and
    shares' canonical forms: the largest scale K/M/B/T with at most three decimals, else plain
    digits): ``$1B`` is written to the billion (``1E+9``), ``$1.25B`` to ten million, ``$950M``
    to the million, ``$1,234.56`` to the cent. Half of it is the rounding of a figure as
    written: ``$1B`` may be anything from $0.5B to $1.5B."""
    value = abs(amount)
    if value == 0:
        return Decimal(1)
    for _, exponent in _SCALES:
        if value >= 10**exponent:
            if (Fraction(value) / 10 ** (exponent - 3)).denominator == 1:
                scaled_exp = _plain(value.scaleb(-exponent)).as_tuple().exponent
                assert isinstance(scaled_exp, int)
                return Decimal(1).scaleb(exponent + min(scaled_exp, 0))
            break
    exp = _plain(value).as_tuple().exponent
    assert isinstance(exp, int)
    return Decimal(1).scaleb(min(exp, 0))


def counted_things(count: Any) -> ShareCount:
    """A count of things (GPUs) with the precision reported (a range, a bound: a
    :class:`~aicapex.records.base.GpuUnits`, or an int) as a :class:`ShareCount`, which
    :func:`~aicapex.records.ownership.multiplies_to` reads: the loader's and the bulk tables'
    checks of unit price x quantity alike."""
    span = getattr(count, "span", None)
    if span is not None:
        return ShareCount(Decimal(span[0]), "range", (Decimal(span[0]), Decimal(span[1])))
    return ShareCount(Decimal(int(count)), getattr(count, "qualifier", ""))
