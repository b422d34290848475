"""What every record shares: the model configuration, ids, citations, consistency checks."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, ClassVar, NamedTuple

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from aicapex.dates import PartialDate, Precision
from aicapex.figures import QUALIFIERS, GroupedFigure, grouped_message, widths_of
from aicapex.limits import MAX_AMOUNT as LIMIT_AMOUNT
from aicapex.money import Money, Rate
from aicapex.units import PER_MONTH

__all__ = [
    "ID_PATTERN",
    "MAX_AMOUNT",
    "MAX_GPUS",
    "Check",
    "Citation",
    "Fact",
    "GpuCount",
    "GpuUnits",
    "Model",
    "Record",
    "RecordCheckError",
    "RecordId",
    "claimed_units",
    "count_text",
    "left_to_owner",
    "not_huge",
    "positive",
    "rate_total",
    "same_currency_total",
]

#: The largest amount a record may hold: :data:`aicapex.limits.MAX_AMOUNT` (a quadrillion).
MAX_AMOUNT = LIMIT_AMOUNT

#: The largest number of GPUs a record may hold.
MAX_GPUS = 10**9

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:+-]*$"

RecordId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=200,
        description="Unique id of the record across the whole ledger: letters, digits, . _ : + -.",
    ),
]


class GpuUnits(int):
    """A whole number of GPUs as reported: an ``int`` (the base figure: the number written, a
    bound itself, a range's midpoint rounded down) that keeps its ``qualifier`` (``about``,
    ``more than``, ``range``, ``up to`` ...: :mod:`aicapex.figures`) and ``span`` (a range's
    ends). Arithmetic and comparisons use the base figure; :meth:`bounds` gives the ends;
    ``str`` writes it back as reported (``about 12,000``, ``10,000 to 12,000``).

    >>> n = GpuUnits.parse("10,000 to 12,000")
    >>> int(n), n.bounds(), str(n)
    (11000, (10000, 12000), '10,000 to 12,000')
    >>> GpuUnits.parse("more than 12,000").bounds()
    (12000, 15000)
    """

    qualifier: str
    span: tuple[int, int] | None

    def __new__(
        cls, value: int, qualifier: str = "", span: tuple[int, int] | None = None
    ) -> GpuUnits:
        obj = super().__new__(cls, value)
        obj.qualifier, obj.span = qualifier, span
        return obj

    @classmethod
    def parse(cls, text: str) -> GpuUnits:
        """GPUs written with a qualifier or as a range (``about 12,000``, ``10,000-12,000``).
        Raises ValueError for what is not a whole number of GPUs."""
        from aicapex.shares import ShareCount

        try:
            count = ShareCount.parse(text)
        except GroupedFigure as exc:  # 'about 12.000': 12 or 12,000?
            whole = exc.whole
            raise ValueError(
                f"expected a whole number of GPUs like {whole * 1000:,} or {whole}, got "
                f"{text!r} ({grouped_message(whole)})"
            ) from None
        except ValueError:
            raise ValueError(f"expected a whole number of GPUs like 12,000, got {text!r}") from None
        if count.span is not None:
            low, high = (int(e) for e in count.span)
            return cls((low + high) // 2, "range", (low, high))
        return cls(int(count.count), count.qualifier)

    def bounds(
        self, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
    ) -> tuple[int, int]:
        """The low and high ends, whole GPUs (open ends at :data:`aicapex.figures.DEFAULT_WIDTHS`
        or ``widths``; the low end rounded up, the high end down)."""
        if self.span is not None:
            return self.span
        lo, hi = widths_of(self.qualifier, widths)
        return math.ceil(Fraction(int(self)) * lo), math.floor(Fraction(int(self)) * hi)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GpuUnits):
            return (int(self), self.qualifier, self.span) == (
                int(other),
                other.qualifier,
                other.span,
            )
        return int.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = int.__hash__

    def __str__(self) -> str:
        if self.span is not None:
            return f"{self.span[0]:,} to {self.span[1]:,}"
        return f"{self.qualifier} {int(self):,}" if self.qualifier else f"{int(self):,}"

    def __repr__(self) -> str:
        return f"GpuUnits({str(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (GpuUnits, (int(self), self.qualifier, self.span))


#: A number written with an exponent (``1e4``, ``1.2E+4``): YAML's core schema reads it so.
_EXPONENT = re.compile(r"[0-9]+(?:\.[0-9]*)?[eE]\+?[0-9]+")


def whole_count(value: object) -> object:
    """Accept ``12,000`` or ``12000`` or an int, or a count as reported (``about 12,000``,
    ``10,000 to 12,000``: :class:`GpuUnits`); reject fractions with a clear message."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number of GPUs, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # JSON numbers; NaN and Infinity included
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(f"expected a whole number of GPUs, got {value}")
        _not_grouped(value, str(value))
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if text.isdigit():
            return int(text)
        ranged = any(c in text[1:] for c in "-–—") or any(c in text for c in "~<>")
        exponent = _EXPONENT.fullmatch(text) is not None  # '1e4', as YAML reads it unquoted
        if ranged or (any(c.isalpha() for c in text) and not exponent):
            return GpuUnits.parse(value)  # a qualifier or a range
        try:
            number = Decimal(text)
        except ArithmeticError:
            raise ValueError(
                f"expected a whole number of GPUs like 12,000, got {value!r}"
            ) from None
        if number.is_finite() and number == number.to_integral_value():
            _not_grouped(number, repr(value))
            return int(number)
        raise ValueError(f"expected a whole number of GPUs, got {value!r}")
    raise ValueError(f"expected a whole number of GPUs, got {value!r}")


def _not_grouped(number: Decimal, shown: str) -> None:
    """Refuse a count written with a point and three zeros after 1 to 3 digits (``12.000``):
    a decimal point makes it 12, the thousands separator of many languages 12,000; no count
    of GPUs is written with decimals, so it is either, silently, a thousand times off."""
    if number.as_tuple().exponent == -3 and 1 <= number < 1000:
        whole = int(number)
        raise ValueError(
            f"expected a whole number of GPUs like {whole * 1000:,} or {whole}, got {shown} "
            f"({grouped_message(whole)})"
        )


def count_text(count: int) -> str:
    """A count as reported (``about 12,000``, ``10,000 to 12,000``), a plain one with thousands
    separators (``12,000``)."""
    return str(count) if isinstance(count, GpuUnits) else f"{int(count):,}"


def claimed_units(count: int) -> tuple[int, int | None]:
    """The hard range ``(low, high)`` of GPUs a count claims (``high`` ``None``: no upper
    limit): an exact count itself, a range its ends, a lower bound (``more than``) the bound and
    no limit, an upper bound or ceiling (``at most``, ``up to``) 0 and the bound, an
    approximation 0 and no limit.

    >>> from aicapex.records.base import GpuUnits
    >>> claimed_units(GpuUnits.parse("10,000 to 12,000")), claimed_units(12_000)
    ((10000, 12000), (12000, 12000))
    """
    span = getattr(count, "span", None)
    if span is not None:
        return int(span[0]), int(span[1])
    kind = QUALIFIERS.get(getattr(count, "qualifier", ""), "approx")
    n = int(count)
    if kind == "exact":
        return n, n
    if kind == "lower":
        return n, None
    if kind in ("upper", "ceiling"):
        return 0, n
    return 0, None


def _write_count(value: int) -> int | str:
    """A count as written: the number, or the figure as reported (``about 12,000``)."""
    if isinstance(value, GpuUnits) and (value.qualifier or value.span is not None):
        return str(value)
    return int(value)


def _units(value: object, handler: ValidatorFunctionWrapHandler) -> int:
    """Read a count (:func:`whole_count`), check it as an int, keep what was reported."""
    read = whole_count(value)
    plain = isinstance(value, str) and value.strip().lstrip("+-").isdigit()
    # text the int check reads itself keeps its form in errors ('-5'); other counts as numbers
    checked: int = handler(value if plain else int(read) if isinstance(read, int) else read)
    if isinstance(read, GpuUnits) and (read.qualifier or read.span is not None):
        return GpuUnits(checked, read.qualifier, read.span)
    return checked


GpuCount = Annotated[
    int,
    Field(gt=0, le=MAX_GPUS),
    WrapValidator(_units),
    PlainSerializer(_write_count),
    WithJsonSchema(  # files may write counts as text: 12,000, about 12,000, 10,000 to 12,000
        {
            "anyOf": [
                {"type": "integer", "exclusiveMinimum": 0, "maximum": MAX_GPUS},
                {
                    "type": "string",
                    "minLength": 1,
                    "description": "a whole number of GPUs as reported: 12,000; about 12,000; "
                    "more than 12,000; 10,000 to 12,000",
                },
            ]
        }
    ),
]


class Check(NamedTuple):
    """One finding of a record's checks: the field, what was expected and found, and the code
    (``inconsistent`` for fields that contradict each other, ``out-of-range`` for a value
    outside its range; see :data:`aicapex.errors.CODES`)."""

    field: str
    expected: str
    found: str
    code: str = "inconsistent"


class RecordCheckError(ValueError):
    r"""Raised by a record's consistency checks; carries :class:`Check`\ s (plain
    ``(field, expected, found)`` triples are taken as ``inconsistent``)."""

    def __init__(self, problems: Iterable[tuple[str, ...]]) -> None:
        self.problems: list[Check] = [Check(*p) for p in problems]
        super().__init__(
            "; ".join(f"{c.field}: {c.expected}, got {c.found}" for c in self.problems)
        )


class Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=False,
        # validators are built on a kind's first validation, not on import: read_table and
        # the analyses of frames read the fields only (0.04-0.05 s of import)
        defer_build=True,
    )


class Citation(Model):
    """Where a fact comes from: a source id and the sentence quoted from it.

    In a ledger file a citation is written either as a mapping or as a bare source id.
    """

    source: str = Field(description="Id of the `Source` record (publication) cited.")
    quote: str | None = Field(
        default=None,
        description="The sentence the fact comes from, verbatim, in the source's language.",
    )
    translation: str | None = Field(
        default=None, description="English translation of the quote, when it is not in English."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value: Any) -> Any:
        return {"source": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The mapping, or a bare source id (which the JSON Schema must accept too)."""
        mapping = handler.resolve_ref_schema(handler(core_schema))
        bare = {"type": "string", "description": "Id of the `Source` cited, without a quote."}
        return {"anyOf": [bare, dict(mapping)]}


class Record(Model):
    """Fields every record has."""

    KIND: ClassVar[str] = ""
    #: Dotted paths (``*`` for each item of a list) of fields that name other records, and the
    #: kind they must name.
    REFS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Fields that together identify the fact a record reports (same kind, entity and period);
    #: records with equal keys are listed by ``Ledger.conflicts()``. Empty: never in conflict.
    FACT_KEY: ClassVar[tuple[str, ...]] = ()
    #: ``(date field, days)``: records whose other key fields agree report one fact when their
    #: dates start within ``days`` of each other (a date window instead of an equal date).
    FACT_WINDOW: ClassVar[tuple[str, int] | None] = None
    #: A field naming the fact (a round's ``series``), for kinds of a ``FACT_WINDOW``: reports
    #: in one window that name two or more different values are reports of as many facts, a
    #: report naming none joining the one named nearest in date; a report naming none joins
    #: the window's one named value. ``None``: no such field.
    FACT_SPLIT: ClassVar[str | None] = None
    #: The field holding the record's main date (used for FX conversion and sorting).
    DATE_FIELD: ClassVar[str | None] = None

    id: RecordId
    note: str | None = Field(default=None, description="Free text: caveats, context, conflicts.")

    def checks(self) -> Iterator[tuple[str, ...]]:
        """Yield a :class:`Check` (or a ``(field, expected, found)`` triple) for every internal
        inconsistency (none by default)."""
        return iter(())

    @model_validator(mode="after")
    def _run_checks(self) -> Record:
        problems = list(self.checks())
        if problems:
            raise RecordCheckError(problems)
        return self


class Fact(Record):
    """A record that reports something a source said: it cites sources and when they said it."""

    REFS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("sources.*.source", "sources"),
        ("fiscal_year_of", "entities"),
    )
    #: The fields naming the entities the fact is between, the default owner of its fiscal
    #: years first (a contract's ``FY2028`` is its buyer's unless ``fiscal_year_of`` says).
    PARTIES: ClassVar[tuple[str, ...]] = ()

    sources: tuple[Citation, ...] = Field(
        default=(), description="Citations: the sources this fact comes from, each with its quote."
    )
    reported: PartialDate | None = Field(
        default=None,
        description="When the source reported the fact (defaults to the cited source's date).",
    )
    fiscal_year_of: str | None = Field(
        default=None,
        description="Id of the entity whose fiscal years the record's `FY` dates are (default: "
        "the first of its parties, see each kind); required when the parties' years end on "
        "different days.",
    )

    def fiscal_owner(self) -> str | None:
        """The entity whose fiscal years this record's ``FY`` dates are: ``fiscal_year_of``,
        else its first party (``None`` for records of no entity)."""
        if self.fiscal_year_of is not None:
            return self.fiscal_year_of
        return next((v for f in self.PARTIES if (v := getattr(self, f)) is not None), None)

    def parties(self) -> tuple[str, ...]:
        """The entities the fact is between (its ``PARTIES`` fields that are set)."""
        return tuple(v for f in self.PARTIES if (v := getattr(self, f)) is not None)


def left_to_owner(first: PartialDate, later: PartialDate) -> bool:
    """Whether a record leaves ``later`` against ``first`` (a date that must follow it) to the
    ledger: ``first`` a fiscal year and ``later`` not. A record reads a fiscal year as the
    calendar year it ends in, which may start after ``later`` where the owner's year does not
    (``2024-05`` is in ``FY2025`` for a year ending March 31); the ledger reads it in its owner's
    years (:mod:`aicapex.checks.contracts`, :func:`aicapex.checks.references.until_problems`)."""
    return first.precision is Precision.FISCAL_YEAR and later.precision is not Precision.FISCAL_YEAR


def positive(field: str, money: Money | None) -> Iterator[Check]:
    """A positive amount of at most :data:`MAX_AMOUNT` (when there is one)."""
    if money is not None and money.amount <= 0:
        yield Check(field, "a positive amount", str(money), "out-of-range")
    yield from not_huge(field, money)


def not_huge(field: str, money: Money | None) -> Iterator[Check]:
    """An amount of at most :data:`MAX_AMOUNT` either way (when there is one)."""
    if money is not None and abs(money.amount) > MAX_AMOUNT:
        limit = Money(Decimal(MAX_AMOUNT), money.currency)
        yield Check(field, f"an amount of at most {limit}", str(money), "out-of-range")


def rate_total(field: str, rate: Rate | None, first: dt.date, last: dt.date) -> Iterator[Check]:
    """A rate adding up to at most :data:`MAX_AMOUNT` over the months from ``first`` to ``last``
    (the flows spread it over them, in exact cents: a larger total would overflow them)."""
    if rate is None:
        return
    months = max((last.year - first.year) * 12 + last.month - first.month + 1, 1)
    monthly = PER_MONTH[rate.per]
    total = abs(rate.money.amount) * monthly.numerator / monthly.denominator * months
    if total > MAX_AMOUNT:
        limit = Money(Decimal(MAX_AMOUNT), rate.money.currency)
        found = f"{rate} over {months:,} months, {Money(Decimal(int(total)), limit.currency)}"
        expected = f"a rate adding up to at most {limit} over its span"
        yield Check(field, expected, found, "out-of-range")


def same_currency_total(items: list[Money]) -> Money | None:
    if not items:
        return None
    total = items[0]
    for m in items[1:]:
        if m.currency != total.currency:
            return None
        total = total + m
    return total
