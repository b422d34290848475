"""The nested lists of a bulk table's kind: never silently left out.

A record's nested lists (a contract's ``ramp``, a round's ``tranches``, a bill's or an order's
``payments``, an order's ``scheduled`` and ``delivered`` batches) are tables of their own
(:data:`aicapex.table.tablespec.NESTED_TABLES`): one row per item naming its record, as
``Ledger.frame`` has them. A column of one of them in the parent's table (text in a CSV file, a
list in Parquet) would be read as nothing: a ramped contract scheduled by its flat total, a bill
unpaid. Every row holding something there is a problem (``wrong-column-type``) naming the table
its items go in; empty cells (missing, ``[]``, an empty list) hold nothing to lose.

A round's ``investors`` are the one nested list a table holds: investor ids, comma-separated
text, or (Parquet) a list of ids; participations with amounts go in an ``investments`` table.
A list, mapping or array in a cell of any other column is refused too (:func:`nested_cells`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.tablespec import NESTED_TABLES, SPECS

__all__ = ["investor_lists", "nested_cells", "nested_columns"]

_LISTS = (list, tuple, np.ndarray, dict, set)


def nested_cells(raw: pd.DataFrame, chk: Located, lists: set[str]) -> None:
    """Report the cells that hold lists, mappings or arrays (Parquet's nested types): every
    cell of a table is one value, except in the columns of ``lists``."""
    for name in raw.columns:
        col = raw[name]
        if name in lists or col.dtype != object:
            continue
        if pd.api.types.infer_dtype(col, skipna=True) != "mixed":
            continue
        nested = col.map(lambda v: isinstance(v, list | tuple | dict | set | np.ndarray))
        chk.rows(
            nested.to_numpy(dtype=bool),
            str(name),
            "one value (text, a number or a date), not a list or mapping",
            col,
            "wrong-column-type",
        )


def nested_columns(raw: pd.DataFrame, chk: Located, kind: str) -> None:
    """A problem at each row of ``raw`` holding something in a column of a nested list of
    ``kind`` (but a round's ``investors``): what table its items go in, and what was found."""
    for name, table in NESTED_TABLES.get(kind, {}).items():
        if name not in raw.columns or (kind, name) == ("funding_rounds", "investors"):
            continue
        col = raw[name]
        held = np.array(col.notna().to_numpy(), dtype=bool)  # written below: a copy
        if (col.dtype == object or isinstance(col.dtype, pd.StringDtype)) and held.any():
            held &= ~col.map(_empty).to_numpy(dtype=bool)
        if not held.any():
            continue
        spec = SPECS[table]
        heads = [h if h != "status" else f"status {name}" for h, _ in spec.head]
        columns = ", ".join([*heads, *(f.name for f in spec.fields)])
        expected = (
            f"no {name} column ({kind} tables hold no nested lists): a table of kind "
            f"{table!r} holds them, one row each ({columns})"
        )
        chk.rows(held, name, expected, _found(col, held), "wrong-column-type")


def investor_lists(raw: pd.DataFrame, chk: Located) -> pd.DataFrame:
    """``raw`` with a round's ``investors`` as text: lists of ids (Parquet) joined by commas;
    lists of anything else (participations with amounts) reported at their rows."""
    col = raw.get("investors")
    if col is None or col.dtype != object:
        return raw
    lists = col.map(lambda v: isinstance(v, _LISTS)).to_numpy(dtype=bool)
    if not lists.any():
        return raw
    values = col.to_numpy(dtype=object).copy()
    bad = np.zeros(len(col), dtype=bool)
    for i in np.flatnonzero(lists):
        items = list(values[i]) if not isinstance(values[i], dict) else [values[i]]
        if all(isinstance(x, str) for x in items):
            values[i] = ",".join(items)
        else:
            bad[i] = True
            values[i] = None
    expected = (
        "investor ids, comma-separated ('x, y') or a list of ids; participations with amounts "
        "go in a table of kind 'investments' (round, company, investor, amount, lead)"
    )
    chk.rows(bad, "investors", expected, _found(col, bad), "wrong-column-type")
    return raw.assign(investors=pd.Series(values, index=raw.index, dtype=object))


def _empty(value: Any) -> bool:
    """Whether a cell of a nested column holds nothing (missing, ``[]``, an empty list)."""
    if isinstance(value, _LISTS):
        return len(value) == 0
    if isinstance(value, str):
        return value.strip() in ("", "[]")
    return bool(pd.isna(value)) if np.ndim(value) == 0 else False


def _found(col: pd.Series, mask: np.ndarray) -> np.ndarray:
    """What the rows of ``mask`` hold, for a problem: text as written, lists by their length."""
    found = np.full(len(col), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
        value = col.iloc[i]
        if isinstance(value, _LISTS):
            n = len(value)
            found[i] = Said(f"a list of {n} item{'s' if n != 1 else ''}")
        else:
            found[i] = value
    return found
