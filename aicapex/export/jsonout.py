"""The ledger and its flows as one JSON document.

::

    {
      "format_version": 1,            # aicapex.schema.FORMAT_VERSION
      "schema_version": "1.0",        # aicapex.schema.SCHEMA_VERSION
      "ledger": {...},                # Ledger.to_data(): what a ledger file holds
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

from aicapex.export.tables import is_missing, iso_dates
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["flow_records", "json_document", "json_text", "table_rows"]


def _column_values(column: pd.Series) -> list[Any]:
    """A column's cells as JSON values: days as ISO text, NaN and missing as None."""
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return list(iso_dates(column))
    if pd.api.types.is_float_dtype(column.dtype):
        values = column.to_numpy("float64", na_value=np.nan)
        finite = np.isfinite(values)
        return [v if ok else None for v, ok in zip(values.tolist(), finite.tolist(), strict=True)]
    if pd.api.types.is_integer_dtype(column.dtype) and not column.hasnans:
        return list(column.to_numpy("int64").tolist())
    return [None if is_missing(v) else _plain(v) for v in column.astype(object).tolist()]


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value if isinstance(value, int | float | bool | str) else str(value)


def flow_records(flows: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a flows table (or any frame) as JSON-ready dicts, column name -> value: ISO
    days, numbers, exact integer ``cents``, ``None`` for missing values and NaN."""
    names = [str(c) for c in flows.columns]
    columns = [_column_values(flows[c]) for c in flows.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def table_rows(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    """A frame's column names and its rows as lists of JSON-ready values (see
    :func:`flow_records`), for renderers."""
    columns = [_column_values(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return [str(c) for c in frame.columns], [list(row) for row in zip(*columns, strict=True)]


def json_document(ledger: Ledger, flows: pd.DataFrame) -> dict[str, Any]:
    """The export document (see the module docs): versions, the ledger's data and the flows."""
    return {
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "ledger": ledger.to_data(),
        "flows": flow_records(flows),
    }


def json_text(ledger: Ledger, flows: pd.DataFrame) -> str:
    """:func:`json_document` as JSON text (indented, UTF-8 characters kept, no NaN)."""
    return json.dumps(json_document(ledger, flows), indent=2, ensure_ascii=False, allow_nan=False)
