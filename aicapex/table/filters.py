"""A small filter language over the flows table and record frames, in the style of hledger's
queries::

    entity:nvidia cat:compute date:2023..2024 amt:>1M status:disbursed not:kind:revenues

A query is terms separated by spaces, all of which a row must meet (they are ANDed). A term is
``key:value``; ``not:`` before a term negates it (``not:kind:revenues``). Values are
case-insensitive; quote a value with spaces (``entity:"google cloud"``).

==================  =====================================================================
key                 matches
==================  =====================================================================
``entity:``         the company the row is about (flows: ``entity``)
``payer:``          who pays (flows: ``payer``; ``undisclosed`` is a payer like any other)
``payee:``          who is paid (flows: ``payee``)
``cat:``            the category (``category:`` too): compute, payroll, revenue, funding, ...
``status:``         committed, disbursed, billed, paid, unpaid, scheduled, estimated
``kind:``           the record kind the row comes from (``funding_rounds``, ``expenses``, ...)
``record:``         the id of the record that made the row
``currency:``       the ISO code of the original amount (``currency:eur``)
``source:``         the first source the record cites
``basis:``          actual, expected, estimated, planned
``date:``           the row's date: in a partial date (``2023``, ``2023-Q3``, ``2023-H2``,
                    ``2023-07``, ``2023-07-15``) or a range of them, both ends included
                    (``2023..2024`` is all of 2023 and 2024; ``..2024`` and ``2023..`` are
                    open); unlike hledger, the end of a range is inclusive
``amt:``            ``amount_usd`` compared with money as people write it: ``amt:>1M``,
                    ``amt:>=$2.5B``, ``amt:<500K``, ``amt:<=0``, ``amt:=20M`` (``=`` to the
                    cent; no operator means ``=``); US dollars only; the money moved,
                    whichever way (``direction`` says which): negative only for a record
                    of a negative amount
==================  =====================================================================

Text terms match the whole value; ``*`` stands for any run of characters (``entity:stab*``,
``record:*-2023-*``) and commas separate alternatives (``entity:nvidia,intel``). A row with no
value (a flow without a ``payee``, a row without a US-dollar amount) meets no term, so ``X`` and
``not:X`` always split the rows in two: ``not:payee:*`` gives the rows with no payee. Unknown
keys and values that cannot be read raise :class:`FilterError` with a suggestion.

Record frames (:func:`filter_frame`) take the same terms, read from the kind's own columns:
``entity:`` is its main party (``company``, ``payer``, ``buyer``; an entity's ``id``),
``record:`` its ``id`` (a nested frame's parent id), ``date:`` the start of its main date,
``amt:`` and ``currency:`` its main money field (``amount``, ``billed``, ``total_value``,
``total`` or ``price``, else its first), ``kind:`` the frame's kind; other keys read the column
of their name, and a frame without one is an error.

>>> import aicapex as ac
>>> flows = ac.load(ac.bundled_data()).flows()
>>> rows = ac.filter_flows(flows, "entity:stability-ai kind:funding_rounds amt:>1M")
>>> sorted(rows["payer"].astype(str).unique())
['intel', 'undisclosed']
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aicapex.dates import PartialDate, Precision
from aicapex.errors import suggest
from aicapex.money import Money, Rate, parse_money
from aicapex.records import KINDS
from aicapex.table.frames import SUBFRAMES, unwrap

__all__ = [
    "FILTER_KEYS",
    "Filter",
    "FilterError",
    "filter_flows",
    "filter_frame",
    "parse_filter",
]

#: Filter keys and the flows column each reads.
FILTER_KEYS: dict[str, str] = {
    "entity": "entity",
    "payer": "payer",
    "payee": "payee",
    "cat": "category",
    "category": "category",
    "status": "status",
    "kind": "kind",
    "record": "record",
    "currency": "currency",
    "source": "source",
    "basis": "basis",
    "date": "date",
    "amt": "amount_usd",
}

_NOT = "not:"
_OPERATORS = (">=", "<=", ">", "<", "=")
_DATE_HINT = "a date like 2023, 2023-Q3 or 2023-07, or a range like 2023..2024"
_AMOUNT_HINT = "a comparison with US dollars like amt:>1M, amt:<=$2.5B or amt:=500K"


class FilterError(ValueError):
    """A filter that cannot be read: an unknown key, a missing or unreadable value, or a key the
    table has no column for. The message is one line and says what was expected."""


@dataclass(frozen=True, slots=True)
class _Text:
    key: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Dates:
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class _Amount:
    operator: str
    value: float


@dataclass(frozen=True, slots=True)
class _Term:
    test: _Text | _Dates | _Amount
    negate: bool
    text: str


@dataclass(frozen=True, slots=True)
class Filter:
    """A parsed query (see the module docs): its terms, ANDed. Build one with
    :func:`parse_filter`; :meth:`mask` tells which rows of a table meet it."""

    terms: tuple[_Term, ...]
    text: str

    def mask(self, table: pd.DataFrame, kind: str | None = None) -> np.ndarray:
        """Which rows of ``table`` meet every term, as a boolean array: a flows table, or
        with ``kind`` a record frame of that kind (see the module docs)."""
        columns = _Columns(table, kind)
        keep = np.ones(len(table), dtype=bool)
        for term in self.terms:
            hit = _evaluate(term.test, columns)
            keep &= ~hit if term.negate else hit
        return keep

    def __str__(self) -> str:
        return self.text


def parse_filter(query: str | Filter | None) -> Filter:
    """The :class:`Filter` of a query such as ``"entity:nvidia amt:>1M not:kind:revenues"``
    (see the module docs); ``None`` or a blank query keeps every row. Raises
    :class:`FilterError` for a term it cannot read."""
    if isinstance(query, Filter):
        return query
    text = (query or "").strip()
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise FilterError(f"filter {text!r}: {exc}") from None
    return Filter(tuple(_parse_term(word) for word in words), text)


def _parse_term(word: str) -> _Term:
    negate = False
    rest = word
    while rest.lower().startswith(_NOT):
        negate, rest = not negate, rest[len(_NOT) :]
    key, colon, value = rest.partition(":")
    key = key.lower()
    if not colon:
        raise FilterError(
            f"filter term {word!r}: expected key:value like entity:nvidia; "
            f"keys: {', '.join(FILTER_KEYS)}"
        )
    if key not in FILTER_KEYS:
        raise FilterError(
            f"unknown filter key {key!r} in {word!r}{suggest(key, FILTER_KEYS)}; "
            f"keys: {', '.join(FILTER_KEYS)}"
        )
    if not value.strip():
        raise FilterError(f"filter term {word!r}: {key}: needs a value, like {key}:{_EXAMPLE[key]}")
    value = value.strip()
    test: _Text | _Dates | _Amount
    if key == "date":
        test = _parse_dates(value, word)
    elif key == "amt":
        test = _parse_amount(value, word)
    else:
        test = _Text(FILTER_KEYS[key], _pattern(value))
    return _Term(test, negate, word)


_EXAMPLE = dict.fromkeys(FILTER_KEYS, "x") | {
    "entity": "nvidia",
    "payer": "undisclosed",
    "payee": "aws",
    "cat": "compute",
    "category": "compute",
    "status": "disbursed",
    "kind": "expenses",
    "currency": "usd",
    "basis": "actual",
    "date": "2023-Q3",
    "amt": ">1M",
}


def _pattern(value: str) -> re.Pattern[str]:
    """The whole-value, case-insensitive pattern of a text value: ``*`` any run of characters,
    commas between alternatives."""
    options = [v.strip() for v in value.split(",") if v.strip()]
    body = "|".join(".*".join(re.escape(part) for part in v.split("*")) for v in options)
    return re.compile(f"(?:{body})", re.IGNORECASE | re.DOTALL)


def _parse_dates(value: str, word: str) -> _Dates:
    def day(text: str, last: bool) -> dt.date:
        try:
            date = PartialDate.parse(text)
        except ValueError:
            raise FilterError(f"filter term {word!r}: expected {_DATE_HINT}") from None
        if date.precision is Precision.FISCAL_YEAR:
            raise FilterError(
                f"filter term {word!r}: a fiscal year depends on the company; "
                "use calendar dates like 2024 or 2023-07..2024-06"
            )
        return date.end() if last else date.start()

    if ".." not in value:
        return _Dates(day(value, False), day(value, True))
    first, _, last = value.partition("..")
    if not first.strip() and not last.strip():
        raise FilterError(f"filter term {word!r}: expected {_DATE_HINT}")
    start = day(first, False) if first.strip() else None
    end = day(last, True) if last.strip() else None
    if start is not None and end is not None and start > end:
        raise FilterError(f"filter term {word!r}: the range ends before it starts")
    return _Dates(start, end)


def _parse_amount(value: str, word: str) -> _Amount:
    operator = next((op for op in _OPERATORS if value.startswith(op)), "=")
    text = value.removeprefix(operator).strip() if value.startswith(operator) else value
    money: Money | None = None
    for candidate in (text, "$" + text, "-$" + text[1:] if text.startswith("-") else ""):
        try:
            money = parse_money(candidate) if candidate else None
        except ValueError:
            continue
        if money is not None:
            break
    if money is None:
        raise FilterError(f"filter term {word!r}: expected {_AMOUNT_HINT}")
    if money.currency != "USD":
        raise FilterError(
            f"filter term {word!r}: amt: compares amount_usd, in US dollars; got {money.currency}"
        )
    return _Amount(operator, float(money.amount))


# -- evaluation --------------------------------------------------------------------------------


class _Columns:
    """The columns a filter reads from a table: a flows table, or a record frame of a kind."""

    def __init__(self, table: pd.DataFrame, kind: str | None) -> None:
        self.table, self.kind = table, kind

    def text(self, name: str) -> pd.Series | str:
        """The text column of a flows column name (the frame's own for record frames), or the
        kind's name for ``kind``."""
        if self.kind is None:
            return self._column(name, name)
        if name == "kind":
            return self.kind
        column = _frame_columns(self.kind).get(name, name)
        return self._column(column, name)

    def dates(self) -> pd.Series:
        column = "date" if self.kind is None else _frame_columns(self.kind).get("date", "")
        return self._column(column, "date")

    def amounts(self) -> pd.Series:
        if self.kind is None:
            return self._column("amount_usd", "amt")
        return self._column(_frame_columns(self.kind).get("amount_usd", ""), "amt")

    def _column(self, column: str, key: str) -> pd.Series:
        if column not in self.table.columns:
            what = "the flows table" if self.kind is None else f"the {self.kind} frame"
            raise FilterError(f"{key}: {what} has no column for it")
        return self.table[column]


def _frame_columns(kind: str) -> dict[str, str]:
    """Flows column name -> the column of a record frame of ``kind`` that a filter reads."""
    if kind in SUBFRAMES:
        parent, fields, parent_column = SUBFRAMES[kind]
        parent_cls = KINDS[parent]
        item = unwrap(parent_cls.model_fields[fields[0]].annotation)[0]
        parties: tuple[str, ...] = getattr(parent_cls, "PARTIES", ())
        out = {"record": parent_column}
        if parties:
            out["entity"] = parties[0]
        if "date" in item.model_fields:
            out["date"] = "date_start"
        money = _first_money(item.model_fields)
    elif kind in KINDS:
        cls = KINDS[kind]
        parties = getattr(cls, "PARTIES", ())
        out = {"record": "id"}
        if parties or kind == "entities":
            out["entity"] = parties[0] if parties else "id"
        if cls.DATE_FIELD:
            out["date"] = f"{cls.DATE_FIELD}_start"
        money = _first_money(cls.model_fields)
    else:
        raise FilterError(f"unknown frame kind {kind!r}{suggest(kind, [*KINDS, *SUBFRAMES])}")
    if money:
        out["amount_usd"] = f"{money}_usd"
        out["currency"] = f"{money}_currency"
    return out


#: The money field ``amt:`` reads, where a kind has one of these; else its first money field.
_MAIN_MONEY = ("amount", "billed", "total_value", "total", "price")


def _first_money(fields: Mapping[str, Any]) -> str | None:
    money = []
    for name, info in fields.items():
        inner, many = unwrap(getattr(info, "annotation", None))
        if not many and inner in (Money, Rate):
            money.append(name)
    return next((m for m in _MAIN_MONEY if m in money), money[0] if money else None)


def _evaluate(test: _Text | _Dates | _Amount, columns: _Columns) -> np.ndarray:
    n = len(columns.table)
    if isinstance(test, _Text):
        column = columns.text(test.key)
        if isinstance(column, str):
            return np.full(n, test.pattern.fullmatch(column) is not None, dtype=bool)
        return _matches(column, test.pattern.fullmatch)
    if isinstance(test, _Dates):
        days = columns.dates().to_numpy("datetime64[D]")
        dated: np.ndarray = ~np.isnat(days)
        if test.start is not None:
            dated &= days >= np.datetime64(test.start, "D")
        if test.end is not None:
            dated &= days <= np.datetime64(test.end, "D")
        return dated
    amount = columns.amounts().to_numpy("float64", na_value=np.nan)
    value = test.value
    with np.errstate(invalid="ignore"):
        if test.operator == "=":
            hit = np.abs(amount - value) < 0.005
        else:
            hit = _COMPARE[test.operator](amount, value)
    out: np.ndarray = hit & ~np.isnan(amount)
    return out


_COMPARE: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">": np.greater,
    ">=": np.greater_equal,
    "<": np.less,
    "<=": np.less_equal,
}


def _matches(column: pd.Series, match: Callable[[str], object]) -> np.ndarray:
    """Which rows' text meets ``match``, testing each distinct value once (missing: never)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    hit = np.array([match(str(u)) is not None for u in uniques] + [False], dtype=bool)
    out: np.ndarray = hit[codes]
    return out


def filter_flows(flows: pd.DataFrame, query: str | Filter | None) -> pd.DataFrame:
    """The rows of a flows table that meet ``query`` (see the module docs), in their order,
    with the table's index::

        ac.filter_flows(led.flows(), "entity:nvidia amt:>1M")
        ac.filter_flows(flows, "cat:compute date:2023..2024 not:status:estimated")

    Keys: ``entity payer payee cat/category status kind record currency source basis date amt``;
    ``not:`` negates a term; ``*`` is a wildcard in text; values are case-insensitive. Raises
    :class:`FilterError` (a ``ValueError``) for an unknown key or a value it cannot read.
    """
    keep = parse_filter(query).mask(flows)
    return flows if keep.all() else flows[keep]


def filter_frame(frame: pd.DataFrame, query: str | Filter | None, kind: str) -> pd.DataFrame:
    """The rows of a record frame of ``kind`` (``ledger.frame(kind)``) that meet ``query``; the
    keys read the kind's own columns (see the module docs)."""
    keep = parse_filter(query).mask(frame, kind)
    return frame if keep.all() else frame[keep]
