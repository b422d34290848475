"""Dates with the precision the source gives.

A news source may date an event to the day, the month, a quarter, a half, a year or a
company's fiscal year. A `PartialDate` keeps that precision; computations use the span
(first day, last day, both inclusive) that it covers.

`PartialDate.parse` accepts the following forms (case-insensitive, surrounding whitespace
ignored; years always have four digits, 1900..2200):

| Precision     | Canonical    | Also accepted                                               |
|---------------|--------------|-------------------------------------------------------------|
| `day`         | `2023-10-31` | `2023-1-5`, `31 October 2023`, `October 31, 2023`,          |
|               |              | `Oct 31 2023`, `Oct. 31st, 2023`                            |
| `month`       | `2023-10`    | `2023-1`, `October 2023`, `Oct 2023`, `Oct. 2023`,          |
|               |              | `october, 2023`                                             |
| `quarter`     | `2023-Q3`    | `2023Q3`, `2023 Q3`, `Q3 2023`, `Q3-2023`                   |
| `half`        | `2023-H2`    | `2023H2`, `2023 H2`, `H2 2026`, `H2-2026`                   |
| `year`        | `2023`       |                                                             |
| `fiscal_year` | `FY2025`     | `FY 2025`                                                   |

Besides strings, `parse` takes a `datetime.date` (day precision), a `datetime.datetime`
with no time of day (day precision) and an `int` (year precision, as YAML gives bare
years). Month names are English, full or abbreviated (`Sep` and `Sept` both work). Two-digit
years (`3Q23`, `FY25`) and other orders (`2H 2026`) are rejected.

A fiscal year is named by the calendar year in which it ends: with a fiscal year end of
June 30, `FY2025` is 2024-07-01..2025-06-30.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias

from dateutil.relativedelta import relativedelta

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import core_schema

__all__ = [
    "DateLike",
    "FiscalYearEnd",
    "PartialDate",
    "Precision",
    "calendar_year",
    "parse_fiscal_year_end",
]

FiscalYearEnd: TypeAlias = str | tuple[int, int]
"""A fiscal year end as `(month, day)` or as an `"MM-DD"` string such as `"06-30"`."""

DateLike: TypeAlias = "str | int | PartialDate | dt.date"
"""A date argument: a partial date (its text, a year or a PartialDate) or a day (a
``datetime.date``, or a ``datetime``/pandas ``Timestamp`` with no time of day)."""

MIN_YEAR = 1900
"""The earliest year a `PartialDate` may have."""

MAX_YEAR = 2200
"""The latest year a `PartialDate` may have."""


class Precision(StrEnum):
    """How precisely a source dates something; the value is the lower-case name."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    THIRD = "third"
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"
    RANGE = "range"


_EXPECTED = (
    "expected a date like '2023-10-31', '2023-10', 'Q3 2023', 'H2 2026', '2023', 'FY2025', "
    "'mid-2024', 'end of 2024' or '2021..2024'"
)

_FLAGS = re.IGNORECASE | re.ASCII
_ORDINAL = r"(?:st|nd|rd|th)?"
# Tried in order; `name` is an English month name, `part` a month, quarter or half number.
_FORMS: tuple[tuple[re.Pattern[str], Precision], ...] = tuple(
    (re.compile(pattern, _FLAGS), precision)
    for pattern, precision in (
        (r"(?P<year>\d{4})-(?P<part>\d{1,2})-(?P<day>\d{1,2})", Precision.DAY),
        (
            rf"(?P<day>\d{{1,2}}){_ORDINAL}\s+(?P<name>[a-z]+)\.?,?\s+(?P<year>\d{{4}})",
            Precision.DAY,
        ),
        (
            rf"(?P<name>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})",
            Precision.DAY,
        ),
        (r"(?P<year>\d{4})-(?P<part>\d{1,2})", Precision.MONTH),
        (r"(?P<name>[a-z]+)\.?,?\s+(?P<year>\d{4})", Precision.MONTH),
        (r"(?P<year>\d{4})[\s-]?q(?P<part>[1-4])", Precision.QUARTER),
        (r"q(?P<part>[1-4])[\s-](?P<year>\d{4})", Precision.QUARTER),
        (r"(?P<year>\d{4})[\s-]?h(?P<part>[12])", Precision.HALF),
        (r"h(?P<part>[12])[\s-](?P<year>\d{4})", Precision.HALF),
        (r"(?P<year>\d{4})", Precision.YEAR),
        (r"fy\s*(?P<year>\d{4})", Precision.FISCAL_YEAR),
    )
)


@functools.cache
def _month_number(name: str) -> int | None:
    """1-12 for a month's name or abbreviation ('Oct', 'Sept', 'october'), per dateutil;
    imported on first use, as dateutil's parser module is slow to import."""
    from dateutil.parser import parserinfo

    month: int | None = parserinfo().month(name)
    return month


_FISCAL_YEAR_END_FORM = re.compile(r"(\d{1,2})-(\d{1,2})", re.ASCII)

# Months covered by each calendar precision; `part` counts these blocks from January.
_MONTHS_COVERED = {
    Precision.MONTH: 1,
    Precision.QUARTER: 3,
    Precision.THIRD: 4,
    Precision.HALF: 6,
    Precision.YEAR: 12,
}


def parse_fiscal_year_end(value: FiscalYearEnd) -> tuple[int, int]:
    """Return a fiscal year end as a `(month, day)` pair.

    Accepts a `(month, day)` tuple or an `"MM-DD"` string (`"06-30"`, `"6-30"`). February 29
    is allowed and means the last day of February. Raises `ValueError` on anything else.
    """
    known = _FISCAL_YEAR_ENDS.get(value) if type(value) is str else None
    if known is not None:  # every span asks again: the few ends in use are remembered
        return known
    pair = _parse_fiscal_year_end(value)
    if type(value) is str and len(_FISCAL_YEAR_ENDS) < 1024:
        _FISCAL_YEAR_ENDS[value] = pair
    return pair


#: Fiscal year ends already parsed from text (at most 1,024 kept).
_FISCAL_YEAR_ENDS: dict[str, tuple[int, int]] = {}


def _parse_fiscal_year_end(value: FiscalYearEnd) -> tuple[int, int]:
    pair: tuple[int, int] | None = None
    if isinstance(value, str):
        match = _FISCAL_YEAR_END_FORM.fullmatch(value.strip())
        if match:
            pair = (int(match[1]), int(match[2]))
    elif (
        isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
    ):
        pair = (value[0], value[1])
    if pair is None:
        raise ValueError(f"expected a fiscal year end like '06-30' or (6, 30), got {value!r}")
    try:
        dt.date(2000, *pair)  # 2000 is a leap year, so (2, 29) passes
    except ValueError:
        raise ValueError(f"no such fiscal year end: {value!r}") from None
    return pair


_THIRDS = ("early", "mid", "late")
_MARKS = ("", "start", "end", "by")


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A date known to a given precision: a day, month, quarter, half, year or fiscal year.

    `part` is the month (1-12) for month and day precision, the quarter (1-4), the half
    (1-2), and 0 otherwise; `day` is the day of the month for day precision and 0 otherwise.
    A fiscal year `FY2025` is the fiscal year that ends in calendar 2025; its span depends on
    the company's fiscal year end, passed to `span`.

    Equality is structural (`2023` and `FY2025` differ even when their spans agree). There is
    deliberately no `<`: spans can overlap; sort with `key=PartialDate.sort_key`.
    """

    precision: Precision
    year: int
    part: int = 0
    day: int = 0
    mark: str = ""
    ends: tuple[PartialDate, PartialDate] | None = None

    def __post_init__(self) -> None:
        """Check the fields; raise `ValueError` (or `TypeError`) if they name no date."""
        if not isinstance(self.precision, Precision):
            object.__setattr__(self, "precision", Precision(self.precision))
        if self.mark not in _MARKS:
            raise ValueError(f"mark must be one of {_MARKS}, got {self.mark!r}")
        if self.mark and self.precision is not Precision.MONTH:
            raise ValueError(f"a {self.mark!r} mark needs month precision, got {self.precision}")
        if (self.precision is Precision.RANGE) != (self.ends is not None):
            raise ValueError("a range of dates has two ends, and only a range has them")
        if self.ends is not None:
            first, last = self.ends
            if first.precision is Precision.RANGE or last.precision is Precision.RANGE:
                raise ValueError("the ends of a range of dates are dates, not ranges")
            if last.sort_key()[1] < first.sort_key()[0]:
                raise ValueError(f"expected a range from the earlier date, got {first}..{last}")
            object.__setattr__(self, "year", first.year)
            return
        for name in ("year", "part", "day"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"PartialDate.{name} must be an int, got {value!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"year must be in {MIN_YEAR}..{MAX_YEAR}, got {self.year}")
        precision = self.precision
        if precision is Precision.DAY:
            try:
                dt.date(self.year, self.part, self.day)
            except ValueError:
                raise ValueError(
                    f"no such day: '{self.year:04d}-{self.part:02d}-{self.day:02d}'"
                ) from None
            return
        if self.day != 0:
            raise ValueError(f"day must be 0 for {precision} precision, got {self.day}")
        limits = {Precision.MONTH: 12, Precision.QUARTER: 4, Precision.HALF: 2, Precision.THIRD: 3}
        limit = limits.get(precision, 0)
        if limit and not 1 <= self.part <= limit:
            raise ValueError(f"{precision} must be in 1..{limit}, got {self.part}")
        if not limit and self.part != 0:
            raise ValueError(f"part must be 0 for {precision} precision, got {self.part}")

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Return the `PartialDate` that `value` denotes.

        `value` may be a `PartialDate` (returned as is), a `datetime.date` (day precision),
        a `datetime.datetime` with no time of day, an `int` year, or a string in one of the
        forms in this module's docstring. Raises `ValueError` otherwise. Strings are parsed once
        and remembered (dates are immutable; ledgers repeat them).
        """
        if type(value) is str and cls is PartialDate:
            return _parse_text(value)
        return cls._parse(value)

    @classmethod
    def _parse(cls, value: object) -> PartialDate:
        """Return the `PartialDate` that `value` denotes (uncached).

        `value` may be a `PartialDate` (returned as is), a `datetime.date` (day precision),
        a `datetime.datetime` with no time of day, an `int` year, or a string in one of the
        forms in this module's docstring. Raises `ValueError` otherwise.
        """
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            if value.time() != dt.time():
                raise ValueError(f"expected a date without a time of day, got {value!r}")
            value = value.date()
        if isinstance(value, dt.date):
            return cls(Precision.DAY, value.year, value.month, value.day)
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(Precision.YEAR, value)
            except ValueError as exc:
                raise ValueError(f"{_EXPECTED}, got {value!r} ({exc})") from None
        if isinstance(value, str):
            text = " ".join(value.split())
            special = _parse_special(cls, text, value)
            if special is not None:
                return special
            for pattern, precision in _FORMS:
                match = pattern.fullmatch(text)
                if match is None:
                    continue
                fields = match.groupdict()
                if fields.get("name") is not None:
                    month = _month_number(fields["name"])
                    if month is None:
                        continue
                    fields["part"] = str(month)
                year, part, day = (int(fields.get(key) or 0) for key in ("year", "part", "day"))
                if precision is Precision.DAY:
                    try:
                        dt.date(year, part, day)
                    except ValueError:
                        raise ValueError(f"no such day: {value!r}") from None
                try:
                    return cls(precision, year, part, day)
                except ValueError as exc:  # a month 13, a year 1066: say what was written
                    raise ValueError(f"{_EXPECTED}, got {value!r} ({exc})") from None
        raise ValueError(f"{_EXPECTED}, got {value!r}")

    def __str__(self) -> str:
        """Return the canonical form: `2023-10-31`, `2023-10`, `2023-Q3`, `2023-H2`, `2023`,
        `FY2025`, `early 2023`, `mid-2024`, `late 2022`, `end of 2024`, `by end of 2024`,
        `start of 2025`, `2021..2024`."""
        if self.ends is not None:
            return f"{self.ends[0]}..{self.ends[1]}"
        if self.mark:
            words = {"start": "start of", "end": "end of", "by": "by end of"}[self.mark]
            return f"{words} {self.year:04d}"
        match self.precision:
            case Precision.THIRD:
                word = _THIRDS[self.part - 1]
                return f"mid-{self.year:04d}" if word == "mid" else f"{word} {self.year:04d}"
            case Precision.DAY:
                return f"{self.year:04d}-{self.part:02d}-{self.day:02d}"
            case Precision.MONTH:
                return f"{self.year:04d}-{self.part:02d}"
            case Precision.QUARTER:
                return f"{self.year:04d}-Q{self.part}"
            case Precision.HALF:
                return f"{self.year:04d}-H{self.part}"
            case Precision.YEAR:
                return f"{self.year:04d}"
            case Precision.FISCAL_YEAR:
                return f"FY{self.year:04d}"
            case _:  # pragma: no cover - ranges are written above
                raise AssertionError(self.precision)

    def __repr__(self) -> str:
        """Return `PartialDate('<canonical form>')`, e.g. `PartialDate('2023-Q3')`."""
        return f"PartialDate({str(self)!r})"

    @property
    def is_exact(self) -> bool:
        """Return whether this is a single day (day precision)."""
        return self.precision is Precision.DAY

    def span(self, fiscal_year_end: FiscalYearEnd = (12, 31)) -> tuple[dt.date, dt.date]:
        """Return the first and last day covered, both inclusive.

        `fiscal_year_end` (`(month, day)` or `"MM-DD"`) only changes the span of a fiscal
        year, which ends on that month and day in its named year: `FY2025` with `(6, 30)` is
        2024-07-01..2025-06-30. A February 29 end means the last day of February. The
        argument is validated for every precision. Spans are computed once and remembered.
        """
        return _span(self, parse_fiscal_year_end(fiscal_year_end))

    def _span(self, end_month: int, end_day: int) -> tuple[dt.date, dt.date]:
        if self.ends is not None:
            first = self.ends[0]._span(end_month, end_day)[0]
            return first, self.ends[1]._span(end_month, end_day)[1]
        if self.precision is Precision.DAY:
            day = dt.date(self.year, self.part, self.day)
            return day, day
        if self.precision is Precision.FISCAL_YEAR:
            year_end = relativedelta(month=end_month, day=end_day)
            previous_end = dt.date(self.year - 1, 1, 1) + year_end
            return previous_end + dt.timedelta(days=1), dt.date(self.year, 1, 1) + year_end
        months = _MONTHS_COVERED[self.precision]
        first = dt.date(self.year, (max(self.part, 1) - 1) * months + 1, 1)
        return first, first + relativedelta(months=months - 1, day=31)

    def start(self, fiscal_year_end: FiscalYearEnd = (12, 31)) -> dt.date:
        """Return the first day covered (see `span`)."""
        return self.span(fiscal_year_end)[0]

    def end(self, fiscal_year_end: FiscalYearEnd = (12, 31)) -> dt.date:
        """Return the last day covered (see `span`)."""
        return self.span(fiscal_year_end)[1]

    def month_starts(self, fiscal_year_end: FiscalYearEnd = (12, 31)) -> list[dt.date]:
        """Return the first day of each calendar month the span touches, in order.

        A day gives its one month; a fiscal year that does not end on a month's last day
        touches thirteen months.
        """
        first, last = self.span(fiscal_year_end)
        count = (last.year - first.year) * 12 + last.month - first.month + 1
        month_one = first.replace(day=1)
        return [month_one + relativedelta(months=i) for i in range(count)]

    def contains(self, other: dt.date, fiscal_year_end: FiscalYearEnd = (12, 31)) -> bool:
        """Return whether the day `other` (a date, or a datetime's date) lies in the span."""
        if isinstance(other, dt.datetime):
            other = other.date()
        first, last = self.span(fiscal_year_end)
        return first <= other <= last

    def sort_key(self) -> tuple[dt.date, dt.date]:
        """Return `(start, end)` under a December 31 fiscal year end, for sorting."""
        return _span(self, (12, 31))

    def to_yaml_value(self) -> dt.date | int | str:
        """Return the value to write to YAML: a `datetime.date` for a day, an `int` for a year,
        else the canonical string. `PartialDate.parse` turns it back into this `PartialDate`."""
        if self.precision is Precision.DAY:
            return dt.date(self.year, self.part, self.day)
        if self.precision is Precision.YEAR:
            return self.year
        return str(self)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Return a pydantic core schema: validate with `parse`, serialize to the canonical string.

        The string is used in Python mode too: pydantic turns any dataclass instance a
        serializer returns into a dict of its fields (pydantic issue #12774), which `parse`
        would not take back, whereas the string round-trips in both modes. (pydantic is
        imported here, when a model first uses dates: the analyses of tables never do.)
        """
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Return the JSON schema: a string (or integer year) in one of the accepted forms."""
        return {
            "anyOf": [{"type": "string"}, {"type": "integer"}],
            "description": (
                "A date at the precision the source gives: a day, month, quarter, half, "
                "calendar year or fiscal year."
            ),
            "examples": ["2023-10-31", "2023-10", "2023-Q3", "H2 2026", "2023", "FY2025"],
        }


_THIRD_RE = re.compile(r"(?P<word>early|mid|late)[\s-]*(?P<year>\d{4})", _FLAGS)
_MARK_RE = re.compile(
    r"(?P<by>by\s+)?(?:the\s+)?(?P<word>start|beginning|end)\s+of\s+(?P<year>\d{4})", _FLAGS
)
_RANGE_RE = re.compile(r"(?P<a>\S.*?)\s*(?:\.\.|–|—|\s+to\s+)\s*(?P<b>\S.*)", _FLAGS)
_YEARS_RE = re.compile(r"(?P<a>\d{4})\s*-\s*(?P<b>\d{4})", _FLAGS)


def _parse_special(cls: type[PartialDate], text: str, value: str) -> PartialDate | None:
    """The forms beyond one calendar period: thirds of a year, the start or end of a year,
    ranges of dates. ``None`` when ``text`` is none of them."""
    third = _THIRD_RE.fullmatch(text)
    if third:
        part = _THIRDS.index(third["word"].lower()) + 1
        return _checked(cls, value, Precision.THIRD, int(third["year"]), part)
    mark = _MARK_RE.fullmatch(text)
    if mark:
        end = mark["word"].lower() == "end"
        if mark["by"] and not end:
            raise ValueError(f"{_EXPECTED}, got {value!r} ('by the start of' is no date form)")
        word = "by" if mark["by"] else ("end" if end else "start")
        return _checked(cls, value, Precision.MONTH, int(mark["year"]), 12 if end else 1, word)
    years = _YEARS_RE.fullmatch(text) or _RANGE_RE.fullmatch(text)
    if years:
        try:
            first, last = PartialDate.parse(years["a"]), PartialDate.parse(years["b"])
        except ValueError:
            raise ValueError(f"{_EXPECTED}, got {value!r} (a range of two dates)") from None
        if first == last:
            return first
        try:
            return cls(Precision.RANGE, first.year, ends=(first, last))
        except ValueError as exc:
            raise ValueError(f"{_EXPECTED}, got {value!r} ({exc})") from None
    return None


def _checked(
    cls: type[PartialDate], value: str, precision: Precision, year: int, part: int, mark: str = ""
) -> PartialDate:
    try:
        return cls(precision, year, part, 0, mark)
    except ValueError as exc:
        raise ValueError(f"{_EXPECTED}, got {value!r} ({exc})") from None


@functools.lru_cache(maxsize=1 << 16)
def _parse_text(text: str) -> PartialDate:
    return PartialDate._parse(text)


@functools.lru_cache(maxsize=1 << 16)
def _span(date: PartialDate, fiscal_year_end: tuple[int, int]) -> tuple[dt.date, dt.date]:
    return date._span(*fiscal_year_end)


def calendar_year(text: str) -> str:
    """The calendar year a date's span ends in, four digits ('2023-10': 2023; 'Q3 2023', 'late
    2099', 'end of 2024', 'FY2025' in calendar years; a range '2021..2024': 2024, the end, as
    a runway as of it starts from its end). Text that is no date raises :class:`ValueError`
    with the parser's words."""
    head = text[:4]
    if head.isdigit() and ".." not in text:  # ISO text: its own year, without parsing
        return head
    return f"{PartialDate.parse(text).end().year:04d}"
