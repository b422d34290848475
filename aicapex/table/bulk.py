"""Bulk tables: read a CSV or Parquet table of one record kind, validated column-wise.

For millions of rows (cloud bills, expenses), records one by one are too slow; a table is checked
a column at a time (vectorised) and becomes exactly the frame ``Ledger.frame(kind)`` would give
for the same records, so :func:`aicapex.analysis.flows.flows` and every analysis accept it:

>>> import aicapex as ac                                         # doctest: +SKIP
>>> bills = ac.read_table("bills.parquet", "cloud_bills")        # doctest: +SKIP
>>> ac.arrears({"cloud_bills": bills}, as_of="2024-09")          # doctest: +SKIP

Columns are the record's field names. Money is either text as in ledger files (``$7M``) or a
number with a ``<field>_currency`` column (ISO codes); rates are text (``$99M/yr``) or a number with
``<field>_per`` and ``<field>_currency``. Dates are text in any form ledger files take, or dates.
Shares are text with a percent sign (``12.5%``): a bare number (``0.125`` or ``12.5``) is
ambiguous and refused, its problem saying how to write it (:mod:`aicapex.table.sharecols`).
``sources`` holds cited source ids, comma-separated. A record's nested lists (a contract's ramp,
a bill's payments) are tables of their own (:data:`TABLE_KINDS`). Problems are reported all at
once, with the line the row starts on in a CSV file (blank lines and a quoted cell's line breaks
counted: :class:`~aicapex.table.tablefile.RowLines`) or its row number in Parquet.
References to other records are not resolved (the table stands alone); amounts in other
currencies get ``_usd`` values only through ``fx`` (a ledger holding ``fx_rates``), at the row's
date (a nested item without one: at its parent's, from the optional column of
:data:`~aicapex.table.tablespec.PARENT_DATES`). The columns and the rules are described in
``docs/tables.md``.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.errors import LedgerError, Problem, suggest
from aicapex.limits import MAX_BYTES, TooLarge, check_size, checked_max_bytes, read_limited
from aicapex.shares import Share, ShareCount
from aicapex.table.bulkcols import (
    MAX_PROBLEMS,
    Located,
    Said,
    bool_rows,
    capacity_columns,
    count_column,
    enum_column,
    flag_column,
    source_column,
)
from aicapex.table.columns import constant_category, to_category
from aicapex.table.datecols import cited_reported, date_columns
from aicapex.table.figurerules import counts_as_written, grouped_words, order_totals
from aicapex.table.fiscalcols import dating, fiscal_dates, money_columns, parent_owners
from aicapex.table.idcols import id_column, reference_column, text_column
from aicapex.table.nestedcols import investor_lists, nested_cells, nested_columns
from aicapex.table.pages import small_pages
from aicapex.table.rowrules import range_checks, row_rules
from aicapex.table.sharecols import share_columns
from aicapex.table.tablefile import (
    RowLines,
    exported_layout,
    nonfinite_rows,
    read_csv_cells,
    read_parquet_cells,
)
from aicapex.table.tablerules import PARENTS, PARENTS_EXPECTED, parent_rules
from aicapex.table.tablespec import (
    BOOL,
    CAPACITY,
    DATE,
    ENUM,
    INT,
    ITEMS,
    MONEY,
    PARENT_DATES,
    RATE,
    SHARE,
    SHARE_COUNT,
    SOURCES,
    SPECS,
    TEXTS,
    ColumnSpec,
    Field,
    Spec,
)
from aicapex.table.tablewarnings import table_warnings, warn
from aicapex.table.typedcols import blank_strings

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["TABLE_KINDS", "read_table"]

TRANCHE_TOTALS = ("committed", "disbursed", "cancelled")
DELIVERIES = ("scheduled", "delivered")

TABLE_KINDS = (
    "expenses",
    "revenues",
    "cloud_bills",
    "cash_balances",
    "funding_rounds",
    "compute_contracts",
    "gpu_orders",
    "gpu_reallocations",
    "tranches",
    "deliveries",
    "payments",
    "investments",
    "ramps",
    "order_payments",
)
"""Kinds a bulk table can hold: record kinds without nested lists, funding rounds (one row per
round; ``investors`` as comma-separated ids; tranches in a ``tranches`` table naming their
``round`` and ``company``), compute contracts (a ramp in a ``ramps`` table, one row per step
naming its ``contract`` and ``buyer``), GPU orders (deliveries in a ``deliveries`` table
naming their ``order``, ``buyer`` and ``status``: scheduled or delivered; payments in an
``order_payments`` table naming their ``order`` and ``buyer``), GPU reallocations, and a cloud
bill's ``payments`` (naming their ``bill`` and ``payer``) or a round's ``investments`` (naming
their ``round`` and ``company``) in tables of their own. A column of a nested list in its
parent's table is refused at each row holding something (:mod:`aicapex.table.nestedcols`)."""


@small_pages()
def read_table(
    path: str | os.PathLike[str],
    kind: str,
    *,
    fx: Ledger | None = None,
    max_bytes: int = MAX_BYTES,
    parents: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV or Parquet table of one record ``kind`` (see :data:`TABLE_KINDS`), validate it
    column-wise and return the frame ``Ledger.frame(kind)`` would give for the same records.

    Raises :class:`LedgerError` listing every problem (up to 200) with its row: amounts that are
    not finite (``inf``, or NaN written as such), ids and references that are not text (integers
    in Parquet). A file larger than ``max_bytes`` (1 GB by default) is refused before it is read.
    ``parents``: the table of the records a table of items (tranches, investments, payments,
    order_payments, deliveries, ramps; :data:`~aicapex.table.tablerules.PARENTS`) belongs to,
    read and checked too, and the rules between a record and its items held across both tables
    as the loader holds them on records (:mod:`aicapex.table.tablerules`): their problems at the
    parents' rows (an item naming no record, or another party than its record's, at its row);
    refused for tables of records: a ``gpu_reallocations`` table is not checked against the
    orders it names (``sku-not-order`` and the other load checks: ``docs/tables.md``).
    ``fx``: a ledger the table belongs with: its exchange rates convert other currencies, its
    entities' fiscal year ends date fiscal-year cells (a row's owner: its ``fiscal_year_of``,
    else its kind's first party; see :mod:`aicapex.table.fiscalcols`). Without one, a fiscal
    year is a calendar year.
    """
    _arguments(path, kind, fx, parents, max_bytes)
    _known(kind, path)
    if parents is None:
        raw, shown, csv = _read(path, kind, max_bytes)
        read = _validate(raw, kind, shown, csv, fx)
        warn(_warned(kind, raw, read, shown, csv, fx))  # the loader's warnings, once read
        return read
    if kind not in PARENTS:
        found = f"parents given for a table of {kind}"
        raise LedgerError([Problem(PARENTS_EXPECTED, found, file=str(path), code="bad-table")])
    problems: list[Problem] = []
    frames: list[tuple[pd.DataFrame, pd.DataFrame, str, RowLines | None]] = []
    reads: dict[str, tuple[pd.DataFrame, str, RowLines | None]] = {}
    for where, what in ((path, kind), (parents, PARENTS[kind].kind)):
        try:
            reads[what] = _read(where, what, max_bytes)
        except LedgerError as exc:  # both tables' problems at once
            problems += exc.problems
    column, mine = PARENTS[kind].column, reads[kind][0] if kind in reads else pd.DataFrame()
    # the records with items: their own rules wait for the items
    named = {str(v) for v in mine[column].dropna().unique()} if column in mine else set()
    # each item's fiscal years its record's: its fiscal_year_of, else its first party
    theirs = reads[PARENTS[kind].kind][0] if PARENTS[kind].kind in reads else None
    owners = parent_owners(kind, mine, theirs, column) if theirs is not None and fx else None
    for what, (raw, shown, csv) in reads.items():
        try:
            owned = owners if what == kind else None
            frames.append((raw, _validate(raw, what, shown, csv, fx, named, owned), shown, csv))
        except LedgerError as exc:
            problems += exc.problems
    if problems:
        raise LedgerError(problems[:MAX_PROBLEMS])
    (raw, items, shown, csv), (praw, frame, pshown, pcsv) = frames
    chk = Located(pshown, PARENTS[kind].kind, praw["id"], pcsv)
    own = Located(shown, kind, raw[PARENTS[kind].column], csv)  # an item's record: its parent
    parent_rules(kind, (raw, items), (praw, frame), chk, own, fx)
    chk.problems += own.problems
    if chk.problems:
        raise LedgerError(chk.problems)
    warn(_warned(kind, raw, items, shown, csv, fx) + _warned(PARENTS[kind].kind, *frames[1], fx))
    return items


def _warned(
    kind: str,
    raw: pd.DataFrame,
    frame: pd.DataFrame,
    shown: str,
    csv: RowLines | None,
    fx: Ledger | None,
) -> list[Problem]:
    """The loader's warnings on a table read (:mod:`aicapex.table.tablewarnings`)."""
    ids = raw.get(PARENTS[kind].column if kind in PARENTS else "id")
    return table_warnings(kind, raw, frame, Located(shown, kind, ids, csv), fx)


def _arguments(path: Any, kind: Any, fx: Any, parents: Any, max_bytes: Any) -> None:
    """Refuse arguments of the wrong type with a ``TypeError`` naming the argument."""
    for name, value in (("path", path), ("parents", parents)):
        if not isinstance(value, str | os.PathLike) and (name == "path" or value is not None):
            raise TypeError(f"{name}: expected a file path (str or os.PathLike), got {value!r}")
    if not isinstance(kind, str):
        raise TypeError(f"kind: expected a record kind's name (str), got {kind!r}")
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError(f"max_bytes: expected a number of bytes (int), got {max_bytes!r}")
    checked_max_bytes(max_bytes)  # 1 or more, as ac.load takes it
    if fx is not None:
        from aicapex.ledger import Ledger  # loaded already when one is given

        if not isinstance(fx, Ledger):
            raise TypeError(
                "fx: expected a Ledger (its exchange rates and fiscal year ends), "
                f"got {type(fx).__name__}"
            )


def _known(kind: str, path: str | os.PathLike[str]) -> None:
    """Refuse a kind no table holds (the record models only then: its message names them)."""
    if kind in TABLE_KINDS:
        return
    from aicapex.records import KINDS
    from aicapex.table.frames import SUBFRAMES

    found = repr(kind)
    if kind == "flows":  # an exported flows.csv: what records give, read with pandas
        expected = f"a kind a flat table can hold: {', '.join(TABLE_KINDS)}"
        found += " (flows tables are outputs: load the ledger, or read the file with pandas)"
    elif kind not in KINDS and kind not in SUBFRAMES:
        expected = f"a record kind{suggest(kind, [*KINDS, *SUBFRAMES])}"
    else:
        expected = f"a kind a flat table can hold: {', '.join(TABLE_KINDS)}"
    raise LedgerError([Problem(expected, found, file=str(path), code="bad-table")])


def _read(
    path: str | os.PathLike[str], kind: str, max_bytes: int
) -> tuple[pd.DataFrame, str, RowLines | None]:
    """The table at ``path`` as read (ids as text), its name as shown and, for a CSV file, the
    lines of its rows (``None``: Parquet)."""
    p = Path(path)
    shown = str(path)
    csv = p.suffix.lower() in (".csv", ".tsv", ".txt")
    spec = SPECS[kind]
    refs = spec.text_columns  # ids, references and text: '007' is no number
    try:
        source: Any = p if check_size(p, max_bytes) else io.BytesIO(read_limited(p, max_bytes))
        if p.suffix.lower() == ".parquet":
            raw = read_parquet_cells(source, kind)
        elif csv:
            sep, text = "\t" if p.suffix.lower() == ".tsv" else ",", dict.fromkeys(refs, "string")
            raw = read_csv_cells(source, sep, text, shown, kind)  # ids are text, even '12'
            raw = counts_as_written(source, raw, kind, sep)  # '12.000' GPUs: not 12.0
        else:
            expected = "a .csv, .tsv or .parquet file"
            bad = Problem(expected, repr(p.suffix), file=shown, code="bad-table")
            raise LedgerError([bad])
    except TooLarge as exc:
        raise LedgerError([exc.problem(shown, "table file")]) from None
    except FileNotFoundError:
        missing = Problem("an existing table file", "no such file", file=shown, code="missing-file")
        raise LedgerError([missing]) from None
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, LedgerError):
            raise
        raise LedgerError(
            [
                Problem(
                    "a readable CSV or Parquet table",
                    str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                    file=shown,
                    code="bad-table",
                )
            ]
        ) from None
    money = [f.name for f in spec.fields if f.type in (MONEY, RATE)]
    if isinstance(source, io.BytesIO):
        source.seek(0)
    sep = "\t" if p.suffix.lower() == ".tsv" else ","
    nonfinite_rows(source, raw, money, csv, sep)
    return raw, shown, RowLines(source, sep, len(raw)) if csv else None


def _validate(
    raw: pd.DataFrame,
    kind: str,
    shown: str,
    csv: RowLines | None,
    fx: Ledger | None,
    with_items: set[str] | frozenset[str] = frozenset(),
    owners: pd.Series | None = None,
) -> pd.DataFrame:
    spec = SPECS[kind]
    head = dict(spec.head)
    refs = spec.refs | ({"investor"} if kind == "investments" else set())  # an entity's id
    cols = Spec(spec.fields, refs).columns
    fields = {f.name: f for f in spec.fields}
    n = len(raw)
    ids = raw.get(PARENTS[kind].column if kind in PARENTS else "id")
    chk = Located(shown, kind, ids, csv)
    allowed = set(fields) | set(head) | ({"investors"} if kind == "funding_rounds" else set())
    allowed |= {PARENT_DATES[kind]} if kind in PARENT_DATES else set()
    for c in cols:
        if c.field in fields:
            inner = fields[c.field].type
            if inner in (MONEY, RATE):
                allowed |= {f"{c.field}_currency", f"{c.field}_per"}
            elif inner == CAPACITY:
                allowed |= {f"{c.field}_unit", f"{c.field}_sku"}
    if (exported := exported_layout(raw.columns, allowed, cols, shown, kind)) is not None:
        raise LedgerError([exported])  # one problem, not one per column of the frame's
    for name in raw.columns:
        if name not in allowed:
            # one column naming several fields: the file is separated by another character
            other = [c for c in ";\t|" if c in str(name)] if len(raw.columns) == 1 else []
            hint = suggest(str(name), fields)
            if other:
                hint = f" (this header is separated by {other[0]!r}: a .csv by ',', a .tsv by tabs)"
            found = f"unknown column {name!r}"
            if csv is not None and (at := re.fullmatch(r"Unnamed: (\d+)", str(name))):
                why = ": an index? (pandas: to_csv(index=False))" if at[1] == "0" else ""
                found = f"a column without a name in the header (column {int(at[1]) + 1}{why})"
            chk.column(str(name), f"a field of {kind}{hint}", found, "unknown-column")
    required = [f.name for f in spec.fields if f.required] + list(head)
    for name in required:
        if name not in raw.columns:
            chk.column(
                name, "a column (this field is required)", "no such column", "missing-column"
            )
    # list cells only in the columns of lists: nested lists are refused but a round's investors
    many = {f.name for f in spec.fields if f.type in (SOURCES, TEXTS, ITEMS)}
    nested_cells(raw, chk, many - {"sources"})
    if chk.problems:
        raise LedgerError(chk.problems)
    nested_columns(raw, chk, kind)  # a ramp, tranches, payments: tables of their own
    if kind == "funding_rounds":
        raw = investor_lists(raw, chk)
    for name in ("investors", "sources"):  # lists of ids: text, as id columns ('1.5', 'True')
        if name in raw:
            text_column(raw[name], chk, name)

    out: dict[str, Any] = {}
    dtypes: dict[str, str] = dict(head)
    present: dict[str, np.ndarray] = {}
    blank: dict[str, pd.Series] = {}  # the missing values of absent columns, by dtype
    raw = cited_reported(raw, fx) if "reported" in fields else raw  # the sources' dates
    dated = dating(kind, raw, fx, owners)  # each row's fiscal year end: its owner's, in fx
    if kind in PARENT_DATES and PARENT_DATES[kind] in raw:  # read for FX only: not a column
        date_columns(raw[PARENT_DATES[kind]], chk, PARENT_DATES[kind])  # of the frame
    for name in head:
        col = raw[name]
        chk.rows(col.isna().to_numpy(), name, "a value (this column names the record)", None)
        if name == "status":
            out[name] = enum_column(col, chk, name, ["scheduled", "delivered"], None)
        elif text_column(col, chk, name):  # the id of the record holding the item
            out[name] = reference_column(col, chk, name)
    for c in cols:
        name = c.field
        dtypes.update(zip(c.names, c.dtypes, strict=True))
        info = fields[name]
        inner = info.type
        if name not in raw.columns:
            out.update(_absent(c, info, n, blank))
            present[name] = np.zeros(n, dtype=bool)
            continue
        col = raw[name]
        missing = col.isna().to_numpy()
        present[name] = ~missing
        if info.required:
            chk.rows(missing, name, "a value (this field is required)", None, "missing-field")
        if inner in _NUMBERS and (bools := bool_rows(col)) is not None:
            _refuse_bools(col, bools, chk, name, inner)
            col = col.astype("object").where(~bools)  # the other rows read as they are
            raw = raw.assign(**{name: col})
        if inner in (MONEY, RATE):
            out.update(money_columns(raw, name, chk, dated, fx, rate=inner == RATE))
        elif inner == DATE:
            out.update(date_columns(col, chk, name))
        elif inner == CAPACITY:
            out.update(capacity_columns(raw, name, chk))
        elif inner in (SHARE, SHARE_COUNT):
            out.update(share_columns(col, chk, name, Share if inner == SHARE else ShareCount))
        elif inner == ENUM:
            out[name] = enum_column(col, chk, name, list(info.choices), _text(info.default))
        elif name == "sources":
            out[name] = source_column(col)
        elif name == "quantity":  # a number of GPUs (the kinds' only whole numbers)
            out[name], out["quantity_low"], out["quantity_high"] = count_column(col, chk, name)
        elif inner == BOOL:
            out[name] = flag_column(col, chk, name, _flag(info.default))
        elif (name == "id" or name in refs) and not text_column(col, chk, name):
            continue  # reported: ids are text
        elif c.dtypes in (("category",), ("string",)) and not text_column(col, chk, name, "text"):
            continue  # reported: free text is text (a sku of 100, True, bytes)
        elif name == "id":
            out[name] = id_column(col, chk)
        elif name in refs and c.dtypes == ("category",):
            out[name] = reference_column(col, chk, name)
        elif c.dtypes == ("category",):
            out[name] = to_category(col)
        elif c.dtypes == ("string",) and isinstance(col.dtype, pd.StringDtype):
            out[name] = col.astype("string").array
        else:
            values = col.astype("object").to_numpy()
            out[name] = np.where(missing, None, values)  # type: ignore[call-overload]
    range_checks(kind, out, present, chk, raw, with_items)
    row_rules(kind, out, raw, chk, present)
    if kind == "gpu_orders":  # unit_price x quantity = total
        order_totals(out, raw, chk)
    fiscal_dates(kind, raw, out, chk, dated, fx)  # fiscal years after the rules, as records
    grouped_words(chk, raw, kind)  # '12.000' refused in the loader's words
    if chk.problems:
        raise LedgerError(chk.problems)
    extras = _extras(kind, out, n, raw)
    dtypes.update({k: v for k, (v, _) in extras.items()})
    out.update({k: col for k, (_, col) in extras.items()})
    # copy=False: the columns are new arrays, no need to copy them into blocks
    return pd.DataFrame(
        {name: _as(out[name], dtypes[name]) for name in dtypes},
        index=pd.RangeIndex(n),
        copy=False,
    )


#: The types of fields holding numbers (a table may give them as numbers): never booleans.
_NUMBERS = (MONEY, RATE, CAPACITY, SHARE, SHARE_COUNT, INT)


def _refuse_bools(col: pd.Series, bools: np.ndarray, chk: Located, name: str, inner: str) -> None:
    """A problem at each row of ``col`` holding true or false (``bools``) in a field of
    numbers, saying what the field takes and that a boolean was found."""
    expected, code = {
        MONEY: (f"money like '$7M' (or a number, with a {name}_currency column)", "bad-money"),
        RATE: (
            f"a rate like '$99M/yr' (or a number, with {name}_per and {name}_currency columns)",
            "bad-rate",
        ),
        CAPACITY: (
            f"a capacity like '12,000 H100' or '4.5 GW' (or a number, with a {name}_unit column)",
            "bad-capacity",
        ),
        SHARE: ("a share like '35%'", "bad-share"),
        SHARE_COUNT: ("a whole number of shares like '12.5M'", "bad-share"),
        INT: ("a whole number of GPUs like 12,000", "bad-capacity"),
    }[inner]
    found = np.full(len(col), None, dtype=object)
    for i in np.flatnonzero(bools)[:MAX_PROBLEMS]:
        found[i] = Said(f"{bool(col.iloc[i])} (a boolean, not a number)")
    chk.rows(bools, name, expected, found, code)


def _absent(c: ColumnSpec, info: Field, n: int, blank: dict[str, pd.Series]) -> dict[str, Any]:
    """The columns of a field the table has no column for: missing values, or the field's
    default, as the record path gives them. The float and date columns of missing values are
    one column each (``blank``, by dtype) shared by every absent field: the frame's columns
    share it as views do, copied on write (pandas' copy-on-write tracks the references)."""
    out: dict[str, Any] = {}
    for name, dtype in zip(c.names, c.dtypes, strict=True):
        if dtype == "float64" or dtype.startswith("datetime64"):
            if dtype not in blank:
                value = np.nan if dtype == "float64" else np.datetime64("NaT", "ns")
                blank[dtype] = pd.Series(np.full(n, value), copy=False)
            out[name] = blank[dtype]
        elif dtype == "category":
            out[name] = constant_category(None, n)
        elif dtype == "string":
            out[name] = blank_strings(n, None)
        else:
            out[name] = np.full(n, None, dtype=object)
    if info.type == ENUM and isinstance(info.default, str):
        out[c.field] = constant_category(info.default, n)
    elif info.type == BOOL and isinstance(info.default, bool):  # every row the model's default
        out[c.field] = pd.arrays.BooleanArray(np.full(n, info.default), np.zeros(n, dtype=bool))
    elif c.field == "sources":
        out[c.field] = blank_strings(n, "")
    return out


def _text(default: str | bool | None) -> str | None:
    """An enum's default (text), or none."""
    return default if isinstance(default, str) else None


def _flag(default: str | bool | None) -> bool | None:
    """A flag's default (true or false), or none."""
    return default if isinstance(default, bool) else None


def _as(values: Any, dtype: str) -> pd.Series:
    """A column of the frame: arrays built typed pass as they are, copied only if read-only
    (views of the table read), so that the frame can be changed like any other."""
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return pd.Series(values, copy=False)
    if isinstance(values, pd.Series) and str(values.dtype) == dtype:
        return values  # a column shared (see _absent): the same Series, its references known
    if dtype.startswith("datetime64") or dtype == "float64":
        array = np.asarray(values, dtype="datetime64[ns]" if dtype != "float64" else dtype)
        return pd.Series(array if array.flags.writeable else array.copy(), copy=False)
    if dtype == "category":
        # from a list, as frames.py: an all-missing column gets Ledger.frame's (empty) dtype
        return pd.Series(list(values), dtype=dtype)
    return pd.Series(values, dtype=dtype)


def _extras(
    kind: str, out: dict[str, Any], n: int, raw: pd.DataFrame
) -> dict[str, tuple[str, Any]]:
    """The derived columns ``Ledger.frame`` adds to some kinds. A table has no nested lists:
    a round's tranche totals and an order's delivered quantities are unknown here (NaN, NA);
    the tranches and deliveries tables hold them."""
    if kind == "funding_rounds":
        names = raw["investors"] if "investors" in raw else pd.Series([""] * n)
        cleaned = (
            names.astype("object")
            .fillna("")
            .map(lambda text: ",".join(x.strip() for x in str(text).split(",") if x.strip()))
        )
        unknown = {f"{s}_usd": ("float64", np.full(n, np.nan)) for s in TRANCHE_TOTALS}
        return {"investors": ("string", cleaned.astype("string").array), **unknown}
    if kind == "gpu_orders":  # the count's ends: read with it (count_column)
        blank = {f"{s}_quantity": pd.array([pd.NA] * n, dtype="Int64") for s in DELIVERIES}
        ends = {f"quantity_{e}": out[f"quantity_{e}"] for e in ("low", "high")}
        return {k: ("Int64", v) for k, v in {**blank, **ends}.items()}
    if kind != "cloud_bills":
        return {}
    # a table of bills holds no payments (they are a table of their own): what was paid is
    # unknown, and what is unpaid too unless a bill gives only its outstanding part
    billed = np.asarray(out["billed_usd"], dtype="float64")
    outstanding = np.asarray(out["outstanding_usd"], dtype="float64")
    return {
        "paid_usd": ("float64", np.full(n, np.nan)),
        "unpaid_usd": ("float64", np.where(np.isnan(billed), outstanding, np.nan)),
    }
