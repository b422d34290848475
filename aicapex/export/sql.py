"""SQL over a ledger, through DuckDB (the optional extra: ``pip install 'aicapex[sql]'``).

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> totals = ac.sql(led, "select entity, sum(cents) as cents from flows group by entity")
>>> int(totals["cents"].sum()) == int(led.flows()["cents"].sum())
True

The query sees one view per table of the CSV/Parquet export (:mod:`aicapex.export.tables`):
``flows`` and every record frame by kind (``funding_rounds``, ``cloud_bills``, ``expenses``,
..., and the nested ``tranches``, ``investments``, ``payments``, ``deliveries``), with the same
columns: ids and other text as plain strings (``VARCHAR``), dates as ``TIMESTAMP``, money with
exact ``<money>_cents`` (the flows' ``cents``) beside its currency. Only the views a query names
are built. By default the query cannot read or write files nor load extensions
(``external_access=True`` allows it).
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aicapex.errors import suggest
from aicapex.export.tables import (
    TABLE_NAMES,
    arrow_table,
    export_columns,
    money_cents,
    text_values,
)

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["VIEWS", "SQLError", "sql"]

#: The views a query may name.
VIEWS: tuple[str, ...] = TABLE_NAMES

_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NO_TABLE = re.compile(r"Table with name (\S+) does not exist")


class SQLError(ValueError):
    """A query DuckDB refused (bad syntax, an unknown view or column, a failed conversion);
    the message is one line."""


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise ImportError("SQL needs DuckDB: pip install 'aicapex[sql]'") from None
    return duckdb


def _pandas_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The view as a pandas frame, for DuckDB without pyarrow: the export's columns, text as
    plain strings."""
    columns: dict[str, Any] = {}
    for name, type_, source in export_columns(frame):
        if type_ == "text":
            columns[name] = pd.Series(text_values(frame[source]), dtype=object)
        elif type_ == "cents":
            cents, valid = money_cents(frame, source)
            exact = pd.array(cents, dtype="Int64")
            exact[~valid] = pd.NA
            columns[name] = exact
        elif type_ == "date":
            columns[name] = frame[source].to_numpy("datetime64[us]")
        else:
            columns[name] = frame[source].to_numpy()
    return pd.DataFrame(columns, index=pd.RangeIndex(len(frame)))


def _view(frame: pd.DataFrame, name: str) -> Any:
    if importlib.util.find_spec("pyarrow") is None:
        return _pandas_view(frame)
    return arrow_table(frame, kind=name)


def _one_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines()]
    kept = [line for line in lines if line and not line.startswith("LINE ") and set(line) != {"^"}]
    text = " ".join(kept)
    missing = _NO_TABLE.search(text)
    if missing:
        name = missing.group(1).strip("!\"'")
        return f"no view named {name!r}{suggest(name, VIEWS)}; views: {', '.join(VIEWS)}"
    return text


def sql(
    source: Ledger | Mapping[str, pd.DataFrame],
    query: str,
    *,
    conflicts: Literal["latest", "earliest", "all"] = "latest",
    external_access: bool = False,
) -> pd.DataFrame:
    """The result of a SQL query over a ledger, as a DataFrame::

        ac.sql(led, "select entity, sum(amount_usd) from flows group by 1")
        ac.sql(led, "select r.id, sum(t.amount_cents) from funding_rounds r "
                    "join tranches t on t.round = r.id group by 1")

    Views: ``flows`` (compiled under ``conflicts``) and each record frame by kind name (see the
    module docs). ``source`` may also be tables by name (``{"flows": some_flows}``). Columns
    named alike get ``_1``, ``_2``, ... after the first; integer sums (of cents) come back as
    exact integers (``Int64``, or Python ``int`` past 64 bits), never floats. Raises
    ImportError naming the extra when DuckDB is not installed, TypeError for a ``source`` of
    another sort (a path: load it first), and :class:`SQLError` (one line) for a query DuckDB
    refuses."""
    duckdb = _duckdb()
    from aicapex.ledger import Ledger

    if not isinstance(source, Ledger | Mapping):
        hint = ": load it first (aicapex.load)" if isinstance(source, str | os.PathLike) else ""
        raise TypeError(
            "expected a Ledger or tables by name ({'flows': frame, ...}), got "
            f"{type(source).__name__} {source!r:.80}{hint}"
        )
    wanted = {w.lower() for w in _WORDS.findall(query)}
    con = duckdb.connect(config={"enable_external_access": bool(external_access)})
    try:
        for name in VIEWS:
            if name not in wanted:
                continue
            if isinstance(source, Ledger):
                frame = source.flows(conflicts=conflicts) if name == "flows" else source.frame(name)
            elif name in source:
                frame = source[name]
            else:
                continue
            con.register(name, _view(frame, name))
        result = con.sql(query)
        if result is None:  # a statement with no result (set, create, ...)
            return pd.DataFrame()
        huge = [i for i, t in enumerate(result.types) if str(t) in _HUGE]
        if huge:  # pandas would get floats: the exact digits instead, read back below
            result = result.project(
                ", ".join(
                    (f"CAST(#{i + 1} AS VARCHAR)" if i in huge else f"#{i + 1}")
                    + f" AS {_quote(name)}"
                    for i, name in enumerate(result.columns)
                )
            )
        out: pd.DataFrame = result.df()
    except duckdb.Error as exc:
        raise SQLError(_one_line(exc)) from None
    finally:
        con.close()
    return _exact_sums(_unique_names(out), huge)


#: DuckDB's 128-bit integer types (the sum of BIGINTs), which pandas gets as floats.
_HUGE = frozenset({"HUGEINT", "UHUGEINT"})


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unique_names(out: pd.DataFrame) -> pd.DataFrame:
    """Columns named alike (``select 1 as a, 2 as a``) get ``_1``, ``_2``, ... after the
    first, so that each can be named."""
    names = [str(c) for c in out.columns]
    if len(set(names)) == len(names):
        return out
    taken = set(names)
    unique: list[str] = []
    for name in names:
        if name not in unique:
            unique.append(name)
            continue
        n = 1
        while f"{name}_{n}" in taken:
            n += 1
        taken.add(f"{name}_{n}")
        unique.append(f"{name}_{n}")
    return out.set_axis(unique, axis=1)


def _exact_sums(out: pd.DataFrame, huge: list[int]) -> pd.DataFrame:
    """The 128-bit integer columns (sums of cents), read as the exact digits DuckDB wrote,
    become integers again: ``Int64`` where every value fits 64 bits, else Python ``int``s (an
    object column), never floats (a sum of cents past 2**53 lost its last digits)."""
    for i in huge:
        numbers = [None if v is None or v is pd.NA else int(v) for v in out.iloc[:, i].tolist()]
        if all(n is None or -(2**63) <= n < 2**63 for n in numbers):
            out.isetitem(i, pd.array(numbers, dtype="Int64"))
        else:
            out.isetitem(i, np.array(numbers, dtype=object))
    return out
