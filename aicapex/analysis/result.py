"""One result shape for every analysis, and one JSON rule.

Every analysis returns a :class:`Result` (or a subclass such as
:class:`~aicapex.analysis.runway.Runway`):

- ``.frame``: the answer, a DataFrame with a stable set of typed columns (empty, not missing,
  when there is nothing to show);
- ``.records``: a ``pd.Index`` of the ids of the records the answer used, sorted;
- ``.assumptions`` and ``.warnings``: tuples of sentences;
- ``.reason``: why there is no answer, when there is none (``None`` otherwise);
- ``.params``: the arguments as asked (``entity``, ``as_of``, ...), as text;
- ``.to_dict()`` / ``.to_json()``: the result as JSON-ready data under :func:`jsonable`'s rule.

The JSON rule: numbers are JSON numbers (NumPy scalars become Python ones); NaN and infinities
are ``null`` (the fields beside say why: a runway that never runs out within the horizon is
``"months": null`` with ``"runs_out": false``); days are ISO dates (``"2023-10-31"``); every
other value is text. Amounts in US dollars (columns ending in ``_usd``, and those a result
declares in ``MONEY``) are rounded to the cent and months (``months``, ``months_*``) to two
decimals, as the text tables show them; other numbers (ratios, shares) keep their precision.
Every result says what date it is as of (``"as_of"``: the date asked, else the last day it
covers); a result that cannot be computed has ``"reason"``.

>>> import aicapex as ac
>>> b = ac.burn(ac.load(ac.bundled_data()), "stability-ai", "2023-01", "2023-12")
>>> b.to_dict()["analysis"], len(b.frame), list(b.records[:1])
('burn', 12, ['stability-compute-2023'])
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

__all__ = [
    "Result",
    "cents",
    "json_decimals",
    "json_rows",
    "jsonable",
    "record_index",
]


def jsonable(value: Any) -> Any:
    """``value`` under the JSON rule (see the module docs): numbers, ``None`` for NaN and
    infinities and missing values, ISO dates for days, lists for sequences, text otherwise."""
    kind = type(value)  # the common cases first (reports ask for tens of thousands of cells)
    if kind is float:
        return None if math.isnan(value) or math.isinf(value) else value
    if kind is str or kind is int:
        return value
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, pd.Timestamp | np.datetime64 | dt.datetime):
        return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | pd.Index | np.ndarray):
        return [jsonable(v) for v in value]
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def cents(value: Any) -> float | None:
    """A JSON-ready number rounded to the cent (``None`` for NaN, infinities and missing
    values): how the report writes US dollars.

    >>> cents(1234.5678), cents(float("nan"))
    (1234.57, None)
    """
    v = jsonable(value)
    return None if v is None else round(float(v), 2)


def json_decimals(column: str, money: Iterable[str] = ()) -> int | None:
    """The decimals a column keeps in JSON: 2 for amounts in US dollars (a name ending in
    ``_usd``, holding ``_usd_``, or among ``money``) and for months (``months``, ``months_*``),
    ``None`` (all) otherwise.

    >>> json_decimals("balance_usd"), json_decimals("months_low"), json_decimals("ratio")
    (2, 2, None)
    """
    if column.endswith("_usd") or "_usd_" in column or column in money:
        return 2
    if column == "months" or column.startswith("months_"):
        return 2
    return None


def json_rows(frame: pd.DataFrame, money: Iterable[str] = ()) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts under the JSON rule, amounts and months rounded (see
    :func:`json_decimals`; ``money``: more columns in US dollars)."""
    money = frozenset(money)
    columns = [str(c) for c in frame.columns]
    if not columns:
        return [{} for _ in range(len(frame))]
    # (items: each column as a Series, 8 us; iloc[:, i] cost 20 us)
    cells = [
        _json_column(column, json_decimals(c, money))
        for c, (_, column) in zip(columns, frame.items(), strict=True)
    ]
    return [dict(zip(columns, row, strict=True)) for row in zip(*cells, strict=True)]


def _json_column(column: pd.Series, places: int | None) -> list[Any]:
    """One column's cells under the JSON rule (floats rounded to ``places``): the same values
    as :func:`jsonable` cell by cell, a column at a time for the common numpy dtypes."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "O"
    if kind == "f":
        return [
            None if math.isnan(v) or math.isinf(v) else v if places is None else round(v, places)
            for v in column.to_numpy().tolist()
        ]
    if kind in "biu":
        return column.to_numpy().tolist()
    if kind == "M":
        days = np.datetime_as_string(column.to_numpy().astype("datetime64[D]")).tolist()
        return [None if d == "NaT" else d for d in days]
    values = [jsonable(v) for v in column.tolist()]
    if places is None:
        return values
    return [round(v, places) if isinstance(v, float) else v for v in values]


def record_index(ids: Iterable[Any]) -> pd.Index:
    """The distinct record ids of ``ids`` (missing ones dropped), sorted, as a text Index."""
    if (
        isinstance(ids, pd.Index)
        and ids.name == "record"
        and ids.is_unique
        and ids.is_monotonic_increasing
    ):
        return ids  # already one (records_in gives them so)
    array_like = isinstance(ids, pd.Index | pd.Series | np.ndarray | pd.Categorical)
    values = pd.Series(ids if array_like else list(ids), dtype=object).dropna().unique()
    index: pd.Index = pd.Index(np.sort(values.astype(str)), dtype=object, name="record")
    return index


@dataclass(frozen=True, eq=False)
class Result:
    """The answer of an analysis; see the module docs.

    Attributes:
        frame: the answer as a DataFrame.
        used_records: the ids of the records used (a ``pd.Index``), or a function listing them
            when first asked (large results list them lazily); read them as :attr:`records`.
        assumptions: every assumption used, as sentences.
        warnings: what the user should know about the answer, as sentences.
        reason: why there is no answer (``None`` when there is one).
        params: the arguments as asked, as text (``entity``, ``as_of``, ``period``, ...).
    """

    #: The analysis's name, the ``"analysis"`` key of :meth:`to_dict`.
    NAME: ClassVar[str] = "result"
    #: Columns in US dollars whose names do not end in ``_usd`` (rounded to the cent in JSON).
    MONEY: ClassVar[frozenset[str]] = frozenset()
    #: Whether every float column is in US dollars (a burn's are).
    ALL_MONEY: ClassVar[bool] = False
    #: Parameters that name the last day a result covers, first found first (its ``as_of``).
    AS_OF: ClassVar[tuple[str, ...]] = ("as_of", "end", "to", "period", "known_on")

    frame: pd.DataFrame
    used_records: pd.Index | Callable[[], pd.Index] = field(
        default_factory=lambda: record_index(()), repr=False
    )
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    reason: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @functools.cached_property
    def records(self) -> pd.Index:
        """Ids of the records used, sorted (a ``pd.Index`` named ``record``): ``used_records``,
        or what it lists when it is a function (called once, on first use)."""
        used = self.used_records
        return used if isinstance(used, pd.Index) else used()

    def __len__(self) -> int:
        """The number of rows of :attr:`frame`."""
        return len(self.frame)

    def __getitem__(self, key: Any) -> Any:
        """``result[column]`` is ``result.frame[column]`` (a shorthand)."""
        return self.frame[key]

    def rows(self) -> list[dict[str, Any]]:
        """The frame's rows as JSON-ready dicts (column name -> value under the JSON rule,
        amounts in US dollars rounded to the cent and months to two decimals)."""
        money = self.MONEY
        if self.ALL_MONEY:
            frame = self.frame
            money = frozenset(str(c) for c in frame.columns if frame[c].dtype == "float64")
        return json_rows(self.frame, money)

    @property
    def as_of(self) -> str | None:
        """The date the result is as of: the first of the parameters :attr:`AS_OF` that is set
        (the date asked), else the last day of a date column of the frame, else ``None`` (an
        empty result of an analysis that takes no date)."""
        for name in self.AS_OF:
            value = self.params.get(name)
            if value is not None and str(value):
                return str(value)
        last = None
        for name in self.frame.columns:
            column = self.frame[name]
            if pd.api.types.is_datetime64_any_dtype(column.dtype) and column.notna().any():
                day = column.max()
                last = day if last is None or day > last else last
        return None if last is None else str(jsonable(last))

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data with stable keys: ``analysis``, the ``params``,
        ``as_of``, ``rows`` (the frame's rows), ``records``, ``assumptions``, ``warnings``,
        ``reason``."""
        return {
            "analysis": self.NAME,
            **{k: jsonable(v) for k, v in self.params.items()},
            "as_of": self.as_of,
            "rows": self.rows(),
            "records": [str(r) for r in self.records],
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "reason": self.reason,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (``allow_nan=False``: the rule leaves no NaN)."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def __repr__(self) -> str:
        head = f"<{type(self).__name__} {self.NAME}: {len(self.frame)} rows, "
        head += f"{len(self.records)} records"
        if self.reason:
            head += f"; no answer: {self.reason}"
        return head + ">\n" + self.frame.to_string(max_rows=20)

    def _repr_html_(self) -> str:
        """Notebooks show the frame, with the records' count and the assumptions below."""
        notes = "".join(f"<li>{_escape(a)}</li>" for a in (*self.assumptions, *self.warnings))
        reason = f"<p>No answer: {_escape(self.reason)}</p>" if self.reason else ""
        html: str = self.frame.to_html(max_rows=30)
        return f"{reason}{html}<p>{len(self.records)} records used</p><ul>{notes}</ul>"


def _escape(text: str) -> str:
    import html

    return html.escape(text)
