"""Reallocations of GPUs between buyers: each move with its counterpart, units, dates, delay
and value.

A reallocation moves units, not money. When two reallocations are given in exchange for each
other (``exchanged_for``: Tesla's 12,000 H100 to X now, X's later 12,000 to Tesla), each side's
net units are the units it got back less those it gave (0 for an even swap), and the side that
gave first waits: its **delay** runs from the date its own units were due (the deliveries of its
order the reallocation took, weighted over their units; without any, the reallocation's date,
and the row says so) to the date the replacement units arrive (the deliveries its counterpart
took, weighted over their units; without any, the counterpart's date). Actual deliveries are
used where the records have them, else scheduled ones. Dates known only to a span give the
delay's ends: ``delay_days_low`` from the earliest arrival to the latest due date,
``delay_days_high`` the reverse; ``delay_days`` is between the middles of the spans.

The **value** of the moved units is their number times a unit price: the order's own (its total
over its quantity, or its unit price; a bound stays a bound: "more than $500M" for 12,000 H100
is at least $41,667 a unit; a count of "10,000 to 12,000" for $330M is $30,000 a unit, $27,500
to $33,000 a unit at the value's ends), else the latest price of the SKU implied by other
records (:func:`aicapex.analysis.unitprices.gpu_prices`), and ``price_basis`` says which. A
move of a count not exact takes its ends too: "10,000 to 12,000" moved at $30,000 a unit is
$330M, $300M to $360M at the value's ends (a ``range``).

>>> import aicapex as ac
>>> r = ac.reallocations(ac.load(ac.bundled_data()))
>>> sorted(set(r.frame["net_units"]))
[0]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on
from aicapex.analysis.dealskit import kept_frame, masked
from aicapex.analysis.fleet import check_party, check_statuses, movements_of
from aicapex.analysis.loops import typed_columns
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.unitprices import Part, price_rows, unrated
from aicapex.records import GPUReallocation
from aicapex.table.bulkcols import count_ends
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.endedorders import counted_status
from aicapex.table.flows import is_ledger
from aicapex.table.frames import ledger_frame
from aicapex.table.gpus import kept_orders

if TYPE_CHECKING:
    from aicapex.ledger import Ledger


__all__ = ["REALLOCATION_COLUMNS", "Reallocations", "reallocations"]

#: Days in an average month (a year of 365.25 days over 12).
_MONTH_DAYS = 30.4375

_DTYPES = {
    "reallocation": "object",
    "date": "datetime64[ns]",
    "from_entity": "object",
    "to_entity": "object",
    "sku": "object",
    "units": "int64",
    "order": "object",
    "counterpart": "object",
    "units_back": "int64",
    "net_units": "int64",
    "due": "datetime64[ns]",
    "due_basis": "object",
    "replaced": "datetime64[ns]",
    "replaced_basis": "object",
    "delay_days": "float64",
    "delay_days_low": "float64",
    "delay_days_high": "float64",
    "delay_months": "float64",
    "value_usd": "float64",
    "value_low_usd": "float64",
    "value_high_usd": "float64",
    "value_figure": "object",
    "price_basis": "object",
    "price_record": "object",
    "reason": "object",
}

#: Columns of :attr:`Reallocations.frame`.
REALLOCATION_COLUMNS = tuple(_DTYPES)


class Reallocations(Result):
    """The result of :func:`reallocations`: a row per reallocation."""

    NAME = "reallocations"


def _taken(moves: pd.DataFrame) -> pd.DataFrame:
    """Per reallocation: the deliveries it took (actual ones where there are, else scheduled),
    their units and unit-weighted earliest and latest days (as day numbers)."""
    took = moves["via"].notna().to_numpy()  # the columns read on these rows, not the frame's
    if not took.any():
        return pd.DataFrame(
            {"units": [], "earliest": [], "latest": [], "event": []}, index=pd.Index([])
        )
    early, late = (
        masked(moves, c, took, "datetime64[D]").astype(np.int64).astype(float)
        for c in ("earliest", "latest")
    )
    u = masked(moves, "units", took, "float64")
    # groups of (via, event) in the order they first come (as groupby(sort=False) has them),
    # summed by bincount: whole units and day numbers, exact as floats
    via, vias = pd.factorize(masked(moves, "via", took, "object"))
    event, events = pd.factorize(masked(moves, "event", took, "object"))
    group, pairs = pd.factorize(via.astype(np.int64) * len(events) + event)
    sums = [np.bincount(group, weights=w) for w in (u, u * early, u * late)]
    g_via, g_event = pairs // len(events), pairs % len(events)
    # per reallocation (by id), its delivered group where it has one, else its last other
    rank = (np.asarray(events, dtype=object)[g_event] == "delivered").astype(np.int64)
    by_id = np.argsort(np.argsort(np.asarray(vias, dtype=object), kind="stable"))
    order = np.lexsort((rank, by_id[g_via]))
    last = order[np.r_[g_via[order][1:] != g_via[order][:-1], True]]
    return pd.DataFrame(
        {
            "units": sums[0][last],
            "earliest": sums[1][last] / sums[0][last],
            "latest": sums[2][last] / sums[0][last],
            "event": np.asarray(events, dtype=object)[g_event[last]],
        },
        index=pd.Index(np.asarray(vias, dtype=object)[g_via[last]]),
    )


def _days(values: np.ndarray) -> np.ndarray:
    """Day numbers (since 1970-01-01, NaN for none) as datetime64[ns]."""
    days = np.round(np.nan_to_num(values)).astype(np.int64).astype("datetime64[D]")
    out: np.ndarray = np.where(np.isnan(values), np.datetime64("NaT", "D"), days)
    return out.astype("datetime64[ns]")


def _unit_prices(
    moves: pd.DataFrame, sku: np.ndarray, orders: pd.DataFrame, prices: Part
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per reallocation (of SKU ``sku``): unit price (USD), its low and high ends, figure kind,
    basis, record. ``prices``: :func:`~aicapex.analysis.unitprices.price_rows` of purchases
    (read as arrays: the reallocations and prices are few, a frame per lookup cost more)."""
    n = len(moves)
    unit, low, high = (np.full(n, np.nan) for _ in range(3))
    figure = np.full(n, None, dtype=object)
    basis = np.full(n, None, dtype=object)
    record = np.full(n, None, dtype=object)
    # each order's own price: its last row (as drop_duplicates(keep="last") keeps it)
    said = prices["basis"]
    own = {r: i for i, (r, b) in enumerate(zip(prices["record"], said, strict=True)) if b in _OWN}
    ref = moves["order"].to_numpy(object)  # read once as an array, not a Series indexed
    row = np.array([own.get(r, -1) for r in ref], dtype=np.int64)
    hit = row >= 0
    if hit.any():
        rows = row[hit]
        unit[hit] = prices["unit_usd"][rows]
        low[hit] = prices["unit_low_usd"][rows]
        high[hit] = prices["unit_high_usd"][rows]
        figure[hit] = prices["figure"][rows]
        basis[hit] = ["the order's " + str(b).replace("order ", "") for b in said[rows]]
        record[hit] = ref[hit]
    # an order priced in a currency without an exchange rate: its price is unknown in dollars,
    # not another order's
    if not orders.empty:
        said_of = unrated(orders, ("total", "unit_price"))  # looked up as map looks up
        at = said_of.index.get_indexer(pd.Index(ref))  # -1: none (the None appended)
        no_rate = np.append(said_of.to_numpy(object), np.array([None], dtype=object))[at]
        dollarless = ~hit & pd.notna(no_rate)
        basis[dollarless] = [f"the order's {t}: no exchange rate" for t in no_rate[dollarless]]
        record[dollarless] = ref[dollarless]
        hit = hit | dollarless
    purchase = ~np.isnan(prices["unit_usd"])
    p_sku, p_day = prices["sku"][purchase], prices["date"][purchase]
    day = moves["date_start"].to_numpy("datetime64[ns]")
    # reallocations without a priced order: the SKU's last price (in the prices' order) dated
    # by the move, else its last price at all
    chosen = _implied(sku, day, np.flatnonzero(~hit), p_sku, p_day)
    if len(chosen):
        at, picked = chosen[:, 0], chosen[:, 1]
        for name, out in (("unit_usd", unit), ("unit_low_usd", low), ("unit_high_usd", high)):
            out[at] = prices[name][purchase][picked]
        figure[at] = prices["figure"][purchase][picked]
        record[at] = prices["record"][purchase][picked]
        kinds = said[purchase][picked]
        basis[at] = [f"implied price of {s} ({b})" for s, b in zip(sku[at], kinds, strict=True)]
    return unit, low, high, figure, basis, record


#: The bases of an order's own price (:func:`~aicapex.analysis.unitprices.gpu_prices`).
_OWN = frozenset({"order total", "order unit price"})


def _implied(
    sku: np.ndarray, day: np.ndarray, misses: np.ndarray, p_sku: np.ndarray, p_day: np.ndarray
) -> np.ndarray:
    """(move, price row) pairs: for each move of ``misses``, the last price row (of SKUs
    ``p_sku`` and days ``p_day``) of its SKU dated on or before its day, else the SKU's last
    row; moves of a SKU without prices are left out. One sort per SKU: the rows by date, the
    latest position so far along them (a running maximum), and a binary search of each move's
    day."""
    pairs: list[np.ndarray] = []
    if not len(misses) or not len(p_sku):
        return np.empty((0, 2), dtype=np.int64)
    for name in dict.fromkeys(sku[misses]):
        if not isinstance(name, str):
            continue  # a move of no known SKU has no implied price
        rows = np.flatnonzero(p_sku == name)
        if not len(rows):
            continue
        order = rows[np.argsort(p_day[rows], kind="stable")]  # NaT last
        latest = np.maximum.accumulate(order)
        mine = misses[sku[misses] == name]
        k = np.searchsorted(p_day[order], day[mine], side="right")
        k = np.minimum(k, int((~np.isnat(p_day[order])).sum()))
        k[np.isnat(day[mine])] = 0
        chosen = np.where(k > 0, latest[np.maximum(k - 1, 0)], rows[-1])
        pairs.append(np.column_stack([mine, chosen]))
    return np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)


def _count_ends(
    source: object, frame: pd.DataFrame, units: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each move's count's low and high ends ('10,000 to 12,000' moved: the value's ends over
    them): a table's ``quantity_low``/``quantity_high``, a ledger's records' at its widths,
    else the count itself."""
    if "quantity_low" in frame and "quantity_high" in frame:
        return tuple(  # type: ignore[return-value]
            frame[f"quantity_{e}"].to_numpy("float64", na_value=np.nan) for e in ("low", "high")
        )
    few, many = units.astype("float64"), units.astype("float64")
    if is_ledger(source):
        for i, move_id in enumerate(frame["id"].astype("object")):
            record = source.get(str(move_id))
            if isinstance(record, GPUReallocation):
                few[i], many[i] = count_ends(record.quantity, source.widths)
    return few, many


def _missing(value: Any) -> bool:
    """Whether a cell is missing (None, NaN, NA), as ``isna`` finds it."""
    return bool(pd.isna(value))


def _of_statuses(
    frame: pd.DataFrame,
    orders: pd.DataFrame,
    deliveries: pd.DataFrame | None,
    statuses: tuple[str, ...],
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The reallocations of ``frame`` whose order is of ``statuses`` or not in ``orders`` (none
    named, or not recorded), and the assumption naming the others, if any. An order cancelled
    after some units came counts as delivered (:func:`~aicapex.table.endedorders.counted_status`,
    as the GPU movements table counts it)."""
    if orders.empty:
        return frame, ()
    # each order's status (its first row's), looked up in a dict: the moves are few
    status: dict[Any, Any] = {}
    for oid, st in zip(
        orders["id"].to_numpy(object), counted_status(orders, deliveries), strict=True
    ):
        status.setdefault(oid, st)
    wanted = set(statuses)
    their = (status.get(o, np.nan) for o in frame["order"].to_numpy(object))
    keep = np.array([_missing(s) or s in wanted for s in their], dtype=np.bool_)
    if keep.all():
        return frame, ()
    ids = list(frame["id"].to_numpy(object)[~keep])
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    note = (
        f"{len(ids)} reallocation{'s' if len(ids) > 1 else ''} of orders of other statuses "
        f"left out ({shown})"
    )
    return frame[keep], (note,)


def reallocations(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    statuses: Iterable[str] = ("committed", "delivered"),
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Reallocations:
    """Each reallocation (those involving ``entity`` when given) with its counterpart, units,
    dates, delay and value (see the module docs). Columns: ``reallocation``, ``date``,
    ``from_entity``, ``to_entity``, ``sku``, ``units``, ``order``, ``counterpart`` (the
    reallocation given in exchange), ``units_back`` and ``net_units`` (for ``from_entity``),
    ``due``/``due_basis``, ``replaced``/``replaced_basis``, ``delay_days`` (with ``_low``,
    ``_high``) and ``delay_months``, ``value_usd`` (with ``_low``, ``_high``),
    ``value_figure``, ``price_basis``, ``price_record``, ``reason``.

    Reallocations count when their order is of ``statuses`` (or they name no order the ledger
    holds), as :func:`~aicapex.analysis.fleet.gpu_fleet` counts them: the others are left out
    and the assumptions name them. Orders' own prices are those of ``statuses`` too."""
    from aicapex.ledger import Ledger

    statuses = check_statuses(statuses)
    check_party(source, entity)  # an unknown id: KeyError, as gpu_fleet
    source = as_known_on(source, known_on)
    if isinstance(source, Ledger):
        # the ledger's own frames, read only (not a copy each: ~50 us)
        frame = ledger_frame(source, "gpu_reallocations")
        orders = ledger_frame(source, "gpu_orders")
        deliveries: pd.DataFrame | None = ledger_frame(source, "deliveries")
    else:
        frame = source.get("gpu_reallocations", pd.DataFrame())
        orders = source.get("gpu_orders", pd.DataFrame())
        deliveries = source.get("deliveries")
    params = {"entity": entity, "statuses": statuses, "known_on": known_on}
    left_out: tuple[str, ...] = ()
    if not frame.empty:
        frame = kept_frame(source, "gpu_reallocations", conflicts, frame)
        if not orders.empty:  # a move naming a report set aside is of the kept one
            frame = kept_orders(orders, frame, conflicts)[1]
        frame, left_out = _of_statuses(frame, orders, deliveries, statuses)
    if frame.empty:
        empty = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _DTYPES.items()})
        return Reallocations(frame=empty, assumptions=left_out, params=params)
    frame = frame.reset_index(drop=True)
    moves = movements_of(source, conflicts)
    taken = _taken(moves)
    # the counterpart: named by either side (the first naming a reallocation answers for it);
    # only a reallocation of the frame; looked up in dicts over the few reallocations
    ids = pd.Series(frame["id"].to_numpy(object), dtype=object)
    exchanged = frame["exchanged_for"].to_numpy(object)
    back: dict[Any, Any] = {}
    for rid, other in zip(ids.to_numpy(), exchanged, strict=True):
        if not _missing(other):
            back.setdefault(other, rid)
    named = set(ids.to_numpy())
    said = (
        o if not _missing(o) else back.get(r, np.nan) for r, o in zip(ids, exchanged, strict=True)
    )
    counterpart = pd.Series(
        [c if not _missing(c) and c in named else np.nan for c in said], dtype=object
    )
    units = frame["quantity"].to_numpy("int64", na_value=0)
    qty = dict(zip(ids.to_numpy(), units.tolist(), strict=True))
    units_back = np.array([qty.get(c, 0) for c in counterpart], dtype=np.int64)
    own_start = frame["date_start"].to_numpy("datetime64[D]").astype(np.int64).astype(float)
    own_end = frame["date_end"].to_numpy("datetime64[D]").astype(np.int64).astype(float)
    span = pd.Index(ids.to_numpy())  # each reallocation's own days, by id
    # the taken deliveries' columns, and a last row of none (a position of -1: no id)
    took = {
        c: np.append(taken[c].to_numpy("float64"), np.nan) for c in ("units", "earliest", "latest")
    }
    event = np.append(taken["event"].to_numpy(object), [None])

    def side(who: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        at = taken.index.get_indexer(pd.Index(who.to_numpy()))  # as reindex: -1 for none
        own = span.get_indexer(pd.Index(who.to_numpy()))
        has = ~np.isnan(took["units"][at])
        early = np.where(has, took["earliest"][at], np.append(own_start, np.nan)[own])
        late = np.where(has, took["latest"][at], np.append(own_end, np.nan)[own])
        basis = np.full(len(who), None, dtype=object)
        basis[who.notna().to_numpy()] = "reallocation date"
        basis[has] = event[at][has] + " deliveries"
        return early, late, basis

    due_early, due_late, due_basis = side(ids)
    rep_early, rep_late, rep_basis = side(counterpart)
    no_back = counterpart.isna().to_numpy()
    rep_early[no_back] = np.nan
    rep_late[no_back] = np.nan
    rep_basis[no_back] = None
    delay = (rep_early + rep_late) / 2 - (due_early + due_late) / 2
    order_ids = pd.Index(orders["id"].astype("object")) if not orders.empty else pd.Index([])
    of = order_ids.get_indexer(pd.Index(frame["order"].astype("object")))
    order_sku = np.full(len(frame), None, dtype=object)
    if len(orders):
        order_sku[of >= 0] = orders["sku"].to_numpy(object)[of[of >= 0]]
    own_sku = frame["sku"].to_numpy(object)
    sku = np.where(pd.isna(own_sku), order_sku, own_sku)
    few, many = _count_ends(source, frame, units)
    spread = few != many
    prices = price_rows(source, statuses, conflicts, leases=False)[0]  # purchases' prices
    unit, low, high, figure, basis, record = _unit_prices(frame, sku, orders, prices)
    columns = {
        "reallocation": ids.to_numpy(),
        "date": frame["date_start"].to_numpy("datetime64[ns]"),
        "from_entity": frame["from_entity"].to_numpy(object),
        "to_entity": frame["to_entity"].to_numpy(object),
        "sku": sku,
        "units": units,
        "order": frame["order"].to_numpy(object),
        "counterpart": counterpart.to_numpy(),
        "units_back": units_back,
        "net_units": np.where(no_back, -units, units_back - units),
        "due": _days((due_early + due_late) / 2),
        "due_basis": due_basis,
        "replaced": _days((rep_early + rep_late) / 2),
        "replaced_basis": rep_basis,
        "delay_days": delay,
        "delay_days_low": rep_early - due_late,
        "delay_days_high": rep_late - due_early,
        "delay_months": delay / _MONTH_DAYS,
        "value_usd": unit * units,
        "value_low_usd": low * few,
        "value_high_usd": high * many,
        "value_figure": np.where(spread & (figure == "exact"), "range", figure),
        "price_basis": basis,
        "price_record": record,
        "reason": frame["reason"].to_numpy(object),
    }
    out = typed_columns(columns, _DTYPES)  # the text columns not inferred as text first
    if entity is not None:
        mine = (out["from_entity"] == entity) | (out["to_entity"] == entity)
        out = out[mine.to_numpy()].reset_index(drop=True)
    # the columns read once as arrays, not Series dropped, matched and indexed (~0.5 ms)
    read = {c: out[c].to_numpy(object) for c in ("reallocation", "order", "price_record")}
    bases = out["price_basis"].to_numpy(object)
    used = [
        *read["reallocation"],
        *(x for c in ("order", "price_record") for x in read[c] if not _missing(x)),
    ]
    no_rate = [isinstance(b, str) and b.endswith(": no exchange rate") for b in bases]
    warnings = tuple(
        f"{r}: no value in US dollars ({b})"
        for r, b, hit in zip(read["reallocation"], bases, no_rate, strict=True)
        if hit
    )
    return Reallocations(
        frame=out,
        used_records=record_index(used),
        assumptions=(
            f"reallocations of orders of status {', '.join(statuses)} (or of no order)",
            *left_out,
            "delay: from the date the moved units were due to their first buyer (the "
            "deliveries the reallocation took, else its own date) to the arrival of the units "
            "given back (the deliveries the counterpart took, else its date), weighted over "
            "the units; low and high from the ends of the spans the dates are known to",
            "value: the units times the order's unit price, else the latest implied price of "
            "the SKU (price_basis says which); a bound stays a bound",
        ),
        warnings=warnings,
        params=params,
    )
