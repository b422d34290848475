"""DataFrames of ledger records, with a stable set of typed columns even when empty.

Columns follow the record's fields, in field order:

============================  =============================================================
field type                    columns
============================  =============================================================
id, references, enums         ``name`` (category)
text                          ``name`` (string)
whole numbers                 ``name`` (Int64)
``Money``                     ``name`` (float64, in its own currency), ``name_currency``
                              (category), ``name_usd`` (float64; NaN when the currency has
                              no rate in the ledger's ``fx_rates`` at or before the record's date)
``Rate``                      ``name`` (float64 per ``name_per``), ``name_per``, ``name_currency``,
                              ``name_usd`` (per ``name_per``), ``name_usd_per_month`` (float64)
``Capacity``                  ``name`` (float64), ``name_unit``, ``name_sku`` (category)
``Share``, ``ShareCount``     ``name`` (float64: a fraction, or a number of shares),
                              ``name_kind`` (category), ``name_low``, ``name_high`` (float64)
``PartialDate``               ``name_start``, ``name_end`` (datetime64[ns], inclusive days),
                              ``name_precision`` (category)
lists of ids or names         ``name`` (string, comma-separated)
``sources``                   ``sources`` (string: cited source ids, comma-separated)
============================  =============================================================

Nested lists get frames of their own: ``tranches`` (of funding rounds), ``payments`` (of cloud
bills), ``deliveries`` (of GPU orders, scheduled and delivered), ``order_payments`` (of GPU
orders), ``ramps`` (of compute contracts), ``investments`` (investors' parts in rounds),
``vesting`` (warrants' tranches), ``listing_buyers``, ``pieces`` (vehicles' equity and debt) and
``capex_milestones``; each row names its parent record. An item converts to dollars at its own
date, else its record's; so do the sums of items a record's frame adds (``disbursed_usd``...).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import operator
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, get_args, get_origin

import numpy as np
import pandas as pd
from pydantic import BaseModel

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate, Precision
from aicapex.errors import suggest
from aicapex.fx import FxTable
from aicapex.money import Money, Rate
from aicapex.records import KINDS, CloudBill, Fact, FxRate, Record, TrancheStatus
from aicapex.shares import Share, ShareCount
from aicapex.table.bulkcols import count_ends
from aicapex.table.tablespec import CAPACITY, DATE, MONEY, RATE, SHARE, Field, field_columns
from aicapex.table.typedcols import BLANK_DTYPES, blank_column, day_column, named_dtype
from aicapex.units import period_factor

if TYPE_CHECKING:
    from collections.abc import Mapping
    from fractions import Fraction

    from aicapex.ledger import Ledger

__all__ = [
    "FRAME_KINDS",
    "SUBFRAMES",
    "Column",
    "RowContext",
    "columns_of",
    "frame",
    "ledger_frame",
    "ledger_fx",
    "subframe_model",
    "unwrap",
]

#: Frames of nested lists: name -> (parent kind, field holding the list, parent id column).
SUBFRAMES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "tranches": ("funding_rounds", ("tranches",), "round"),
    "investments": ("funding_rounds", ("investors",), "round"),
    "payments": ("cloud_bills", ("payments",), "bill"),
    "deliveries": ("gpu_orders", ("scheduled", "delivered"), "order"),
    "order_payments": ("gpu_orders", ("payments",), "order"),
    "ramps": ("compute_contracts", ("ramp",), "contract"),
    "vesting": ("warrants", ("vesting",), "warrant"),
    "listing_buyers": ("listings", ("buyers",), "listing"),
    "pieces": ("vehicles", ("pieces",), "vehicle_record"),
    "capex_milestones": ("capex", ("milestones",), "plan"),
}

#: Every name :func:`frame` accepts.
FRAME_KINDS: tuple[str, ...] = (*KINDS, *SUBFRAMES)

_DATETIME = "datetime64[ns]"
_FEW = 256  # rows under which a date column is converted by numpy


def unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is a tuple of it) for ``X``, ``X | None``, ``tuple[X, ...]``."""
    args = [a for a in get_args(annotation) if a is not type(None)]
    origin = get_origin(annotation)
    if origin is tuple:
        return args[0], True
    if args and origin is not None and len(args) == 1:
        return unwrap(args[0])
    return annotation, False


class Column:
    """How one field becomes columns: names, dtypes, and a function of (value, ctx) -> cells."""

    __slots__ = ("dtypes", "field", "names", "plain", "to_cells")

    def __init__(
        self,
        field: str,
        names: list[str],
        dtypes: list[str],
        to_cells: Callable[[Any, RowContext], tuple[Any, ...]],
        plain: Callable[[Any], Any] | None = None,
    ) -> None:
        self.field, self.names, self.dtypes, self.to_cells = field, names, dtypes, to_cells
        #: for a one-cell column, the value's cell (``None`` stays ``None``) without a context
        self.plain = plain


class RowContext:
    """Per-row context: the record's date (for FX) and the ledger's FX table."""

    __slots__ = ("date", "fx", "fye", "reported", "widths")

    def __init__(
        self,
        fx: FxTable,
        date: dt.date | None = None,
        fye: str = "12-31",
        reported: PartialDate | None = None,
        widths: Mapping[str, tuple[Fraction, Fraction]] | None = None,
    ) -> None:
        self.fx, self.date, self.fye, self.reported = fx, date, fye, reported
        self.widths = widths


def ledger_fx(ledger: Ledger) -> FxTable:
    """The ledger's ``fx_rates`` as an :class:`~aicapex.fx.FxTable` (built once per ledger)."""

    def build() -> FxTable:
        rates = ledger.of_type(FxRate)
        return FxTable((r.currency, r.date.start(), float(r.usd)) for r in rates)

    return ledger.memo("fx", build)


def _spec_column(
    name: str, kind: str, cells: Callable[[Any, RowContext], tuple[Any, ...]]
) -> Column:
    """A field of ``kind`` (:mod:`aicapex.table.tablespec`) as the columns that module names
    for it (bulk tables build the same columns from the same names)."""
    spec = field_columns(Field(name, kind), frozenset())
    assert spec is not None  # only nested lists have no columns of their own
    return Column(name, list(spec.names), list(spec.dtypes), cells)


def _floats(
    money: Money, widths: Mapping[str, tuple[Fraction, Fraction]] | None
) -> tuple[float, float, float]:
    """``money``'s amount and its low and high ends (:meth:`Money.bounds`) as floats: an exact
    figure is its own ends (one conversion, not three)."""
    amount = float(money.amount)
    low, high = money.bounds(widths)
    if low is money and high is money:
        return amount, amount, amount
    return amount, float(low.amount), float(high.amount)


def _money_col(name: str) -> Column:
    def cells(v: Money | None, ctx: RowContext) -> tuple[Any, ...]:
        if v is None:
            return (np.nan, None, np.nan, None, np.nan, np.nan)
        currency = v.currency
        rate = 1.0 if currency == "USD" else ctx.fx.rate(currency, ctx.date)
        amount, low, high = _floats(v, ctx.widths)
        return (amount, currency, amount * rate, v.kind, low * rate, high * rate)

    return _spec_column(name, MONEY, cells)


def _rate_col(name: str) -> Column:
    def cells(v: Rate | None, ctx: RowContext) -> tuple[Any, ...]:
        if v is None:
            return (np.nan, None, None, np.nan, np.nan, None, np.nan, np.nan)
        money, per = v.money, v.per
        # per month: the exact product (as Rate.to), without a Rate of it; a month is itself
        monthly = money if per == "month" else money * period_factor(per, "month")
        currency = money.currency
        rate = 1.0 if currency == "USD" else ctx.fx.rate(currency, ctx.date)
        amount = float(money.amount)
        per_month, low, high = _floats(monthly, ctx.widths)
        return (
            amount,
            per,
            currency,
            amount * rate,
            per_month * rate,
            money.kind,
            low * rate,
            high * rate,
        )

    return _spec_column(name, RATE, cells)


def _capacity_col(name: str) -> Column:
    def cells(v: Capacity | None, ctx: RowContext) -> tuple[Any, ...]:
        if v is None:
            return (np.nan, None, None, None, np.nan, np.nan)
        low, high = v.bounds(ctx.widths)
        return (float(v.value), v.unit, v.sku, v.kind, float(low), float(high))

    return _spec_column(name, CAPACITY, cells)


def _share_col(name: str) -> Column:
    """A share (a fraction) or a number of shares: the base figure, its kind and its ends."""

    def cells(v: Share | ShareCount | None, ctx: RowContext) -> tuple[Any, ...]:
        if v is None:
            return (np.nan, None, np.nan, np.nan)
        low, high = v.bounds(ctx.widths)
        return (v.to_float(), v.kind, float(low), float(high))

    return _spec_column(name, SHARE, cells)


def _date_col(name: str) -> Column:
    def cells(v: PartialDate | None, ctx: RowContext) -> tuple[Any, ...]:
        if v is None and name == "reported":
            v = ctx.reported  # the record's own, else its latest cited source's date
        if v is None:
            return (None, None, None)
        start, end = _span_of(v, ctx.fye if v.precision is Precision.FISCAL_YEAR else "12-31")
        return (start, end, v.precision.value)

    return _spec_column(name, DATE, cells)


@functools.lru_cache(maxsize=1 << 16)
def _span_of(date: PartialDate, fye: str) -> tuple[dt.date, dt.date]:
    """``date.span(fye)``, remembered: frames ask for the same few dates and year ends again."""
    return date.span(fye)


def _same(value: Any) -> Any:
    """A plain column's cell when it is the value itself (its column is filled without a
    second pass)."""
    return value


def _plain_col(name: str, dtype: str, convert: Callable[[Any], Any] = _same) -> Column:
    return Column(
        name, [name], [dtype], lambda v, ctx: (None if v is None else convert(v),), convert
    )


@functools.cache
def columns_of(cls: type[BaseModel], refs: frozenset[str]) -> tuple[Column, ...]:
    cols: list[Column] = []
    base = ("note", "sources", "reported", "fiscal_year_of")
    names = [n for n in cls.model_fields if n not in base] + [
        n for n in base if n in cls.model_fields
    ]
    for name in names:
        info = cls.model_fields[name]
        inner, many = unwrap(info.annotation)
        if name == "sources":
            cols.append(_plain_col(name, "string", lambda v: ",".join(c.source for c in v)))
        elif many:
            if inner is str:
                cols.append(_plain_col(name, "string", ",".join))
            continue  # nested records: frames of their own
        elif inner is Money:
            cols.append(_money_col(name))
        elif inner is Rate:
            cols.append(_rate_col(name))
        elif inner is Capacity:
            cols.append(_capacity_col(name))
        elif inner is Share or inner is ShareCount:
            cols.append(_share_col(name))
        elif inner is PartialDate:
            cols.append(_date_col(name))
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            cols.append(_plain_col(name, "category", lambda v: v.value))
        elif inner is bool:
            cols.append(_plain_col(name, "boolean"))
        elif inner is int:
            cols.append(_plain_col(name, "Int64"))
        elif inner is Decimal:
            cols.append(_plain_col(name, "float64", float))
        elif name == "id":
            cols.append(_plain_col(name, "str"))
        elif name in refs:
            cols.append(_plain_col(name, "category"))
        else:
            cols.append(_plain_col(name, "string"))
    return tuple(cols)


def _typed(data: dict[str, list[Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    """``pd.DataFrame({name: array})`` of each column's new array, without its checks and copies
    (6 ms less over a report's ~400 columns, most empty; tests/test_tableperf_frames.py)."""
    size = len(next(iter(data.values()), []))
    arrays = [_array(values, dtypes[name]) for name, values in data.items()]
    return _FROM_ARRAYS(arrays, pd.Index(list(data)), pd.RangeIndex(size), verify_integrity=False)


def _public(arrays: list[Any], columns: pd.Index, index: pd.Index, **_: bool) -> pd.DataFrame:
    return pd.DataFrame(dict(zip(columns, arrays, strict=True)), index, copy=False)


#: pandas' own (private) constructor of a frame from new arrays; the public one where it is gone
_FROM_ARRAYS: Callable[..., pd.DataFrame] = getattr(pd.DataFrame, "_from_arrays", _public)


def _array(values: list[Any], dtype: str) -> Any:
    """``pd.Series(values, dtype=dtype).array``'s data, by the quickest route for ``dtype``."""
    if dtype in BLANK_DTYPES and all(v is None for v in values):  # (most optional fields)
        return blank_column(dtype, len(values))
    if dtype == _DATETIME:
        if len(values) <= _FEW and all(v is None or type(v) is dt.date for v in values):
            return day_column(values)  # quicker than to_datetime for a few days (not many)
        return pd.to_datetime(values).astype(_DATETIME).array
    if dtype == "float64":
        return np.asarray(values, dtype="float64")
    if dtype == "category":
        return _category(values)
    named = named_dtype(dtype)  # pd.array(values, dtype=dtype), without reading its name
    return named.construct_array_type()._from_sequence(values, dtype=named)


#: The dtype pandas gives a category column of missing values only (float64 categories).
_NO_CATEGORIES = pd.CategoricalDtype(pd.Index([], dtype="float64"))
#: ... and of no values at all (object categories).
_EMPTY_CATEGORIES = pd.CategoricalDtype(pd.Index([], dtype="object"))


def _category(values: list[Any]) -> pd.Categorical:
    """``pd.Categorical(values)``, from codes when the values are strings (or ``None``): the
    same categories (sorted), codes and dtype, without pandas' inference, which cost more than
    the column on small frames."""
    if not values:  # an empty frame's column: pandas' object categories
        return pd.Categorical.from_codes(np.array([], np.int8), dtype=_EMPTY_CATEGORIES)
    present = {v for v in values if v is not None}
    if not present:  # every value missing: pandas' float64 categories, no codes
        codes = np.full(len(values), -1, np.int8)  # (valid codes: not checked)
        return pd.Categorical.from_codes(codes, dtype=_NO_CATEGORIES, validate=False)
    if any(type(v) is not str for v in present):
        return pd.Categorical(values)
    categories = sorted(present)
    code = {c: i for i, c in enumerate(categories)}
    codes = np.array([-1 if v is None else code[v] for v in values], dtype=np.int64)
    storage, few = pd.get_option("mode.string_storage"), len(categories) <= 64  # (str follows)
    dtype = _FEW_DTYPES(tuple(categories), storage) if few else _str_dtype(categories)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)  # (valid codes)


def _str_dtype(categories: Iterable[str]) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(pd.Index(list(categories), dtype="str"))


#: The dtypes of few categories, made once per text storage (a ledger's frames repeat them).
_FEW_DTYPES = functools.lru_cache(1024)(lambda categories, storage: _str_dtype(categories))


def _entity_field(cls: type[Record]) -> str | None:
    """The field naming a kind's main party (its first ``PARTIES`` field), if any."""
    parties: tuple[str, ...] = getattr(cls, "PARTIES", ())
    return parties[0] if parties else None


def _fill(
    cols: tuple[Column, ...],
    objects: Iterable[Any],
    ctxs: Iterable[RowContext],
    data: dict[str, list[Any]],
) -> None:
    """Append the cells of ``objects`` (one row each) to ``data``, a column at a time."""
    rows = list(zip(objects, ctxs, strict=True))
    if not rows:
        return
    objs = [obj for obj, _ in rows]
    for c in cols:
        field, to_cells, plain = c.field, c.to_cells, c.plain
        if plain is not None:  # one cell, no context: no tuple per row
            values = list(map(operator.attrgetter(field), objs))
            if plain is not _same:
                values = [None if v is None else plain(v) for v in values]
            data[c.names[0]].extend(values)
            continue
        cells = [to_cells(getattr(obj, field), ctx) for obj, ctx in rows]
        for n, column in zip(c.names, zip(*cells, strict=True), strict=True):
            data[n].extend(column)


def _record_ctxs(ledger: Ledger, records: Iterable[Any], fx: FxTable) -> list[RowContext]:
    """Each record's row context: its date's first day (under its fiscal year end), that year
    end, when it was reported, the ledger's widths (what is the same for all looked up once:
    per class its date field, per owner its fiscal year end)."""
    widths, year_end = ledger.widths, ledger.fiscal_year_end
    records = list(records)
    reported = ledger.reported_all(records)
    classes: dict[type, tuple[str | None, bool]] = {}
    year_ends: dict[str | None, str] = {None: "12-31"}
    out = []
    for record, when in zip(records, reported, strict=True):
        cls = type(record)
        known = classes.get(cls)
        if known is None:
            known = classes[cls] = (cls.DATE_FIELD or None, issubclass(cls, Fact))
        field, fact = known
        owner = record.fiscal_owner() if fact else None
        fye = year_ends.get(owner)
        if fye is None:
            fye = year_ends[owner] = year_end(owner)  # type: ignore[arg-type]
        date = getattr(record, field) if field else None
        start = _span_of(date, fye)[0] if isinstance(date, PartialDate) else None
        out.append(RowContext(fx, start, fye, when, widths))
    return out


def frame(ledger: Ledger, kind: str) -> pd.DataFrame:
    """A DataFrame of one record kind (or nested list) of ``ledger``; see the module docs.
    Built once per ledger and kind (ledgers are immutable); each call returns a new frame
    sharing the data (copy-on-write: changing it leaves the ledger's copy as it was)."""
    return ledger_frame(ledger, kind).copy(deep=False)


def ledger_frame(ledger: Ledger, kind: str) -> pd.DataFrame:
    """The ledger's own frame of ``kind``, not a copy: for this package's builders, which only
    read it (a copy of a wide frame costs 45 us)."""
    if kind not in FRAME_KINDS:
        raise KeyError(f"unknown frame {kind!r}{suggest(kind, FRAME_KINDS)}; one of {FRAME_KINDS}")
    return ledger.memo(("frame", kind), lambda: _build(ledger, kind))


def _build(ledger: Ledger, kind: str) -> pd.DataFrame:
    if kind in SUBFRAMES:
        return _subframe(ledger, kind)
    cls = KINDS[kind]
    refs = frozenset(p for p, _ in cls.REFS if "." not in p)
    cols = columns_of(cls, refs)
    extra = _EXTRAS.get(kind, {})
    data: dict[str, list[Any]] = {n: [] for n in [*(n for c in cols for n in c.names), *extra]}
    dtypes = {n: d for c in cols for n, d in zip(c.names, c.dtypes, strict=True)}
    dtypes.update({n: d for n, (d, _) in extra.items()})
    fx = ledger_fx(ledger)
    records = ledger.records(kind)
    ctxs = _record_ctxs(ledger, records, fx)
    _fill(cols, records, ctxs, data)
    for name, (_, fn) in extra.items():
        data[name] = [fn(r, c) for r, c in zip(records, ctxs, strict=True)]
    return _typed(data, dtypes)


def subframe_model(name: str) -> tuple[Any, dict[str, str]]:
    """The model a nested frame ``name`` holds rows of, and its head columns with their dtypes:
    the parent's id, the parent's main party and, for deliveries, their status."""
    parent_kind, fields, parent_col = SUBFRAMES[name]
    parent_cls = KINDS[parent_kind]
    item_cls = unwrap(parent_cls.model_fields[fields[0]].annotation)[0]
    ent = _entity_field(parent_cls)
    head = {parent_col: "category"}
    if ent:
        head[ent] = "category"
    if len(fields) > 1:
        head["status"] = "category"
    return item_cls, head


def _subframe(ledger: Ledger, name: str) -> pd.DataFrame:
    parent_kind, fields, parent_col = SUBFRAMES[name]
    item_cls, head = subframe_model(name)
    ent = _entity_field(KINDS[parent_kind])
    cols = columns_of(item_cls, frozenset({"investor"}))
    dtypes = {**head, **{n: d for c in cols for n, d in zip(c.names, c.dtypes, strict=True)}}
    data: dict[str, list[Any]] = {n: [] for n in [*head, *(n for c in cols for n in c.names)]}
    fx = ledger_fx(ledger)
    all_items: list[Any] = []
    item_ctxs: list[RowContext] = []
    parents = ledger.records(parent_kind)
    for record, ctx in zip(parents, _record_ctxs(ledger, parents, fx), strict=True):
        for field in fields:
            items = getattr(record, field)
            for _item in items:
                data[parent_col].append(record.id)
                if ent:
                    data[ent].append(getattr(record, ent))
                if len(fields) > 1:
                    data["status"].append(field)
            all_items.extend(items)
            item_ctxs.extend(
                RowContext(fx, _item_day(item, ctx), ctx.fye, widths=ctx.widths) for item in items
            )
    _fill(cols, all_items, item_ctxs, data)
    return _typed(data, dtypes)


# -- derived columns of some kinds: name -> (dtype, function of (record, ctx)) ---------------


def _item_day(item: Any, ctx: RowContext) -> dt.date | None:
    """The day an item of a nested list converts at: its own date's, else its record's."""
    date = getattr(item, "date", None)
    return _span_of(date, ctx.fye)[0] if date else ctx.date


def _items_usd(items: Iterable[Any], ctx: RowContext) -> float:
    """The sum of items' amounts in US dollars, each at its own date (:func:`_item_day`)."""
    usd, day = ctx.fx.usd, _item_day
    return float(sum(usd(float(i.amount.amount), i.amount.currency, day(i, ctx)) for i in items))


def _tranche_total(status: TrancheStatus) -> Callable[[Any, RowContext], float]:
    return lambda r, ctx: _items_usd((t for t in r.tranches if t.status is status), ctx)


def _unpaid_usd(r: Any, ctx: RowContext) -> float:
    bill: CloudBill = r
    unpaid = bill.unpaid  # once: an exact sum of the payments
    return ctx.fx.usd(float(unpaid.amount), unpaid.currency, ctx.date)


_EXTRAS: dict[str, dict[str, tuple[str, Callable[[Any, RowContext], Any]]]] = {
    "funding_rounds": {
        "investors": ("string", lambda r, c: ",".join(p.investor for p in r.investors)),
        "committed_usd": ("float64", _tranche_total(TrancheStatus.committed)),
        "disbursed_usd": ("float64", _tranche_total(TrancheStatus.disbursed)),
        "cancelled_usd": ("float64", _tranche_total(TrancheStatus.cancelled)),
    },
    "cloud_bills": {
        "paid_usd": ("float64", lambda r, c: _items_usd(r.payments, c)),
        "unpaid_usd": ("float64", _unpaid_usd),
    },
    "gpu_orders": {
        "scheduled_quantity": ("Int64", lambda r, c: sum(d.quantity for d in r.scheduled)),
        "delivered_quantity": ("Int64", lambda r, c: sum(d.quantity for d in r.delivered)),
        "quantity_low": ("Int64", lambda r, c: count_ends(r.quantity, c.widths)[0]),
        "quantity_high": ("Int64", lambda r, c: count_ends(r.quantity, c.widths)[1]),
    },
}
