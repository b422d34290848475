"""The ledger and its flows as one JSON document.

::

    {
      "format_version": 1,            # aicapex.schema.FORMAT_VERSION
      "schema_version": "1.0",        # aicapex.schema.SCHEMA_VERSION
      "ledger": {...},                # Ledger.to_data(): what a ledger file holds
      "flows_selection": {"conflicts": "latest", "filter": null},   # how the flows were chosen
      "flows": [                      # the flows table, a row per movement
        {"date": "2023-07-31", "month": "2023-07-01", "entity": "stability-ai",
         "direction": -1, "payer": "stability-ai", "payee": "aws", "amount": 1000000.0,
         "currency": "USD", "cents": 100000000, "amount_usd": 1000000.0, ...},
        ...
      ]
    }

Flow rows have every column of :data:`aicapex.table.flows.FLOW_COLUMNS`, in order, under the
JSON rule of :func:`aicapex.analysis.result.jsonable`: dates as ISO days, amounts as numbers,
``cents`` as exact integers, missing values and NaN as ``null``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.result import json_decimals
from aicapex.export.tables import iso_dates, plain_value
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "flow_records",
    "flows_document",
    "json_document",
    "json_text",
    "last_day",
    "query_document",
    "table_rows",
]


def _column_values(column: pd.Series, infinite: bool = False) -> list[Any]:
    """A column's cells as JSON values: days as ISO text, NaN and missing as None (infinities
    too, unless ``infinite``), other cells as :func:`aicapex.export.tables.plain_value` gives
    them (a SQL list as a list)."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return list(iso_dates(column))
    if pd.api.types.is_float_dtype(column.dtype):
        values = column.to_numpy("float64", na_value=np.nan)
        finite = ~np.isnan(values) if infinite else np.isfinite(values)
        return [v if ok else None for v, ok in zip(values.tolist(), finite.tolist(), strict=True)]
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
        return list(column.to_numpy("int64").tolist())
    if isinstance(column.dtype, pd.CategoricalDtype):  # each category once, then its codes
        cats = column.cat.categories
        plain = [plain_value(v) for v in cats.astype(object).tolist()] + [None]
        return [plain[c] for c in column.cat.codes.to_numpy().tolist()]
    if isinstance(column.dtype, pd.StringDtype) and not column.hasnans:
        return list(column.astype(object).tolist())  # text is its own JSON value
    return [plain_value(v) for v in column.astype(object).tolist()]


def flow_records(flows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a flows table (or any frame) as JSON-ready dicts, column name -> value: ISO
    days, numbers (US dollars, columns ending in ``_usd``, rounded to the cent), exact integer
    ``cents``, ``None`` for missing values and NaN."""
    names = [str(c) for c in flows.columns]
    columns = [_rounded(str(c), _column_values(flows[c])) for c in flows.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _rounded(name: str, values: list[Any]) -> list[Any]:
    """A column's JSON values, rounded as the JSON rule rounds ``name``'s values."""
    places = json_decimals(name)
    if places is None:
        return values
    return [round(v, places) if isinstance(v, float) else v for v in values]


def last_day(frame: pd.DataFrame, column: str = "date") -> str | None:
    """The last day of ``frame[column]`` as ISO text (``None`` for no rows)."""
    if column not in frame or frame.empty or frame[column].isna().all():
        return None
    return str(pd.Timestamp(frame[column].max()).date().isoformat())


def flows_document(flows: pd.DataFrame, as_of: str | None) -> dict[str, Any]:
    """The flows output (``aicapex flows --format json``): ``as_of`` (the last flow's day,
    else ``as_of``) and the rows."""
    return {"as_of": last_day(flows) or as_of, "rows": flow_records(flows)}


def query_document(frame: pd.DataFrame, as_of: str | None) -> dict[str, Any]:
    """A query's output (``aicapex query --format json``): ``as_of`` (the last day of the
    ledger queried), the column names and the rows."""
    columns, rows = table_rows(frame)
    return {
        "as_of": as_of,
        "columns": columns,
        "rows": [dict(zip(columns, row, strict=True)) for row in rows],
    }


def table_rows(frame: pd.DataFrame, *, infinite: bool = False) -> tuple[list[str], list[list[Any]]]:
    """A frame's column names and its rows as lists of JSON-ready values (see
    :func:`flow_records`), for renderers; ``infinite``: a float column's infinities kept (text
    shows them: ``inf``, ``-inf``), else ``None`` as JSON has them."""
    names = [str(c) for c in frame.columns]
    columns = [_rounded(n, _column_values(frame.iloc[:, i], infinite)) for i, n in enumerate(names)]
    return names, [list(row) for row in zip(*columns, strict=True)]


def json_document(
    ledger: Ledger,
    flows: pd.DataFrame,
    conflicts: str = "latest",
    filter: str | None = None,
) -> dict[str, Any]:
    """The export document (see the module docs): versions, the ledger's data, how its flows
    were selected (``flows_selection``: the conflict policy they were compiled under and the
    filter that selected the rows, ``null`` for none) and the flows."""
    return {
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "ledger": ledger.to_data(),
        "flows_selection": {"conflicts": conflicts, "filter": filter},
        "flows": flow_records(flows),
    }


def json_text(
    ledger: Ledger, flows: pd.DataFrame, conflicts: str = "latest", filter: str | None = None
) -> str:
    """:func:`json_document` as JSON text (UTF-8 characters kept, no NaN): the document, the
    ledger and each list of records indented by two spaces, each record and each flow on one
    line of its own (a diff shows the records that changed)."""
    return "\n".join(_lines(json_document(ledger, flows, conflicts, filter), 0))


def _lines(value: Any, depth: int) -> list[str]:
    """``value`` as lines of JSON text: mappings down to ``depth`` 1 and lists down to 2 laid
    out a member a line, indented; anything else (a record, a flow row) on one line, by the
    C encoder (Python's indenting encoder cost most of the export)."""
    pad = "  " * (depth + 1)
    if isinstance(value, dict) and value and depth <= 1:
        lines = ["{"]
        for i, (key, member) in enumerate(value.items()):
            inner = _lines(member, depth + 1)
            inner[0] = f"{pad}{_one_line(str(key))}: {inner[0]}"
            lines += inner
            lines[-1] += "," if i < len(value) - 1 else ""
        return [*lines, "  " * depth + "}"]
    if isinstance(value, list) and value and depth <= 2:
        items = [f"{pad}{_one_line(item)}," for item in value]
        items[-1] = items[-1][:-1]
        return ["[", *items, "  " * depth + "]"]
    return [_one_line(value)]


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)
