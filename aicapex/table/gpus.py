"""GPU movements: one tidy table of units, as the flows table is one of money.

Built from the frames of ``gpu_orders``, their ``deliveries`` and ``gpu_reallocations``
(a :class:`~aicapex.ledger.Ledger`'s, kept with it per conflict policy, or record frames by
kind). One row per movement of units:

=============  ==========  ===========================================================
column         dtype       meaning
=============  ==========  ===========================================================
date           datetime64  when the units move (see "timing" below)
month          datetime64  first day of that month
earliest       datetime64  first day of the span the source dates it to
latest         datetime64  last day of that span
entity         category    whose units they are (the buyer, or whom a reallocation gave them)
counterparty   category    the vendor (orders, deliveries) or the other side of a reallocation
sku            category    GPU model (``H100``); missing when no record says
event          category    ordered, scheduled, delivered, moved_in, moved_out
units          int64       whole GPUs, signed: moved_out is negative, every other event positive
status         category    the order's status (committed, delivered, cancelled, ...);
                           ``reallocated`` for moves
order          str         id of the order the units are of (missing for moves without one)
via            str         id of the reallocation that gave a delivery to its entity, if any
record         str         id of the record that made the row (the order or the reallocation)
source         category    first source the record cites
=============  ==========  ===========================================================

Rules:

- An order is ``ordered`` by its buyer at its order date (the start of its span); its scheduled
  and actual deliveries are ``scheduled`` and ``delivered`` rows at their dates (units arrive
  at the last day of the span a source gives: "2024-01..2024-06" is June 30). Orders of every
  status make rows; analyses say which statuses they count (by default committed and delivered).
- A reallocation moves units between buyers, not money: a ``moved_out`` row (negative) for the
  entity the units were meant for and a ``moved_in`` row for the one that got them, at the
  reallocation's date (the start of its span). Units are conserved: the sum of ``units`` over
  all entities never changes by a reallocation.
- A reallocation of an order takes that order's earliest deliveries dated on or after it (each
  of ``scheduled`` and ``delivered`` apart), up to its quantity, that no earlier reallocation
  of the order took: those delivery rows are the recipient's (``via`` names the reallocation),
  split where a delivery is only partly taken. The other deliveries stay the buyer's. A
  reallocation of an order from someone other than its buyer (X passing on to xAI units that
  Tesla's order gave X) takes, in date order, the earliest of those delivery rows its
  ``from_entity`` holds dated on or after it; one from an entity holding none of the order's
  units takes none (its moved rows still count).
- An order of status ``delivered`` (all of it) that records no actual delivery is delivered
  as scheduled, else all its units at its order date (a schedule short of the quantity: the
  rest at its last date), as the flows pay it.
- An order cancelled or failed after some units arrived keeps them, as a delivered order of
  those units (:mod:`aicapex.table.endedorders`); the rest keeps the order's status.
- Conflicting reports of one order or reallocation are resolved as for the flows
  (``conflicts=``); deliveries of orders set aside are left out, and a reallocation naming a
  report set aside is of the kept report of that order (:func:`kept_orders`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.table.columns import as_category, first_source, take, union
from aicapex.table.conflicts import ConflictPolicy, fact_groups
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.endedorders import at_least_delivered, keep_what_happened

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "EVENTS",
    "GPU_COLUMNS",
    "GPU_KINDS",
    "empty_movements",
    "gpu_movements",
    "implied_deliveries",
    "kept_orders",
]

#: Column names and dtypes of the GPU movements table, in order.
GPU_COLUMNS: dict[str, str] = {
    "date": "datetime64[ns]",
    "month": "datetime64[ns]",
    "earliest": "datetime64[ns]",
    "latest": "datetime64[ns]",
    "entity": "category",
    "counterparty": "category",
    "sku": "category",
    "event": "category",
    "units": "int64",
    "status": "category",
    "order": "str",
    "via": "str",
    "record": "str",
    "source": "category",
}

#: The events of the table.
EVENTS = ("ordered", "scheduled", "delivered", "moved_in", "moved_out")

#: The record kinds (and nested frames) the table is built from.
GPU_KINDS = ("gpu_orders", "deliveries", "gpu_reallocations")

_TEXT = ("order", "via", "record")
_LABELS = ("entity", "counterparty", "sku", "event", "status", "source")

#: Rows of the table as columns by name (see :func:`_piece`).
Piece = dict[str, Any]


def empty_movements() -> pd.DataFrame:
    """A GPU movements table with no rows and every column typed."""
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in GPU_COLUMNS.items()})


def _ns(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[ns]")


def _texts(values: np.ndarray | pd.Series | str | None, n: int) -> np.ndarray:
    if values is None or isinstance(values, str):
        return np.full(n, values, dtype=object)
    return np.asarray(values, dtype=object)


def _piece(
    *,
    date: np.ndarray,
    earliest: np.ndarray,
    latest: np.ndarray,
    units: np.ndarray,
    labels: Mapping[str, pd.Categorical | pd.Series | np.ndarray | str],
    texts: Mapping[str, np.ndarray | pd.Series | str | None],
) -> Piece:
    """Rows of the table as columns: labels as given, texts as objects (see :func:`_concat`)."""
    n = len(units)
    columns: Piece = {
        "date": _ns(date),
        "month": _ns(date).astype("datetime64[M]").astype("datetime64[ns]"),
        "earliest": _ns(earliest),
        "latest": _ns(latest),
        "units": np.asarray(units, dtype=np.int64),
    }
    columns.update({name: labels[name] for name in _LABELS})
    columns.update({name: _texts(texts.get(name), n) for name in _TEXT})
    return columns


def _concat(pieces: list[Piece]) -> pd.DataFrame:
    """The pieces' rows, sorted by date (stable), typed, with tidy categoricals (each column
    typed once, not each piece's)."""
    pieces = [p for p in pieces if len(p["units"])]
    if not pieces:
        return empty_movements()
    columns: dict[str, Any] = {}
    for name, dtype in GPU_COLUMNS.items():
        if dtype == "category":
            columns[name] = union([as_category(p[name], len(p["units"])) for p in pieces])
        elif dtype == "str":
            columns[name] = pd.array(np.concatenate([p[name] for p in pieces]), dtype="str")
        else:
            columns[name] = np.concatenate([p[name] for p in pieces])
    day = columns["date"]  # sorted as columns, the frame built once (not taken, re-indexed)
    key = np.where(np.isnat(day), np.iinfo(np.int64).max, day.view(np.int64))
    order = np.argsort(key, kind="stable")
    return pd.DataFrame({name: c.take(order) for name, c in columns.items()}, copy=False)


def _orders(orders: pd.DataFrame) -> Piece:
    start = orders["order_date_start"].to_numpy("datetime64[ns]")
    return _piece(
        date=start,
        earliest=start,
        latest=orders["order_date_end"].to_numpy("datetime64[ns]"),
        units=orders["quantity"].to_numpy("int64", na_value=0),
        labels={
            "entity": orders["buyer"],
            "counterparty": orders["vendor"],
            "sku": orders["sku"].to_numpy(object),
            "event": "ordered",
            "status": orders["status"],
            "source": first_source(orders["sources"]),
        },
        texts={"order": orders["id"].to_numpy(object), "record": orders["id"].to_numpy(object)},
    )


def _deliveries(orders: pd.DataFrame, deliveries: pd.DataFrame, moves: pd.DataFrame) -> Piece:
    """Delivery rows, each the buyer's or, where a reallocation took it, the recipient's (None:
    the buyer's own, filled in by the caller)."""
    ids = pd.Index(orders["id"].astype("object"))
    parent = ids.get_indexer(deliveries["order"].astype("object"))
    keep = parent >= 0
    if not keep.all():
        deliveries, parent = deliveries[keep], parent[keep]
    if deliveries.empty:
        return {"units": np.array([], dtype=np.int64)}
    event = deliveries["status"].to_numpy(object)
    latest = deliveries["date_end"].to_numpy("datetime64[ns]")
    earliest = deliveries["date_start"].to_numpy("datetime64[ns]")
    units = deliveries["quantity"].to_numpy("int64", na_value=0)
    chained = _chained(moves, ids, orders["buyer"].to_numpy(object))
    holder, via, d_idx, pieces = _take_deliveries(
        ids, parent, event, latest, units, moves[~chained] if chained.any() else moves
    )
    if chained.any():
        holder, via, d_idx, pieces = _pass_on(
            (holder, via, d_idx, pieces), parent, event, latest, ids, moves[chained]
        )
    order_of = parent[d_idx]
    return _piece(
        date=latest[d_idx],
        earliest=earliest[d_idx],
        latest=latest[d_idx],
        units=pieces,
        labels={
            "entity": holder,
            "counterparty": take(orders["vendor"], order_of),
            "sku": orders["sku"].to_numpy(object)[order_of],
            "event": event[d_idx],
            "status": take(orders["status"], order_of),
            "source": take(first_source(orders["sources"]), order_of),
        },
        texts={
            "order": ids.to_numpy(object)[order_of],
            "via": via,
            "record": ids.to_numpy(object)[order_of],
        },
    )


def _take_deliveries(
    ids: pd.Index,
    parent: np.ndarray,
    event: np.ndarray,
    latest: np.ndarray,
    units: np.ndarray,
    moves: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Who holds each delivery's units: returns, per piece, the holder, the reallocation that
    gave it (None: the buyer's own), the delivery it is of and its units.

    Each order's deliveries of one event (scheduled or delivered) lie on one line of units, in
    date order; each reallocation of the order claims, in its own date order, the earliest
    units of deliveries dated on or after it not claimed before (``start_k = max(pos_k,
    end_k-1)``, a running maximum); the line is then cut at every delivery and claim boundary.
    """
    n = len(parent)
    ev_code = (event == "delivered").astype(np.int64)
    group_key = parent.astype(np.int64) * 2 + ev_code
    day = latest.astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((day, group_key))
    g, d, u = group_key[order], day[order], units[order]
    # global unit line: groups one after another
    ends = np.cumsum(u)
    starts = ends - u
    # g is sorted: each group starts where the key changes (np.unique would sort it again)
    group_first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]]) if n else np.array([], np.int64)
    group_ids = g[group_first]
    group_start = starts[group_first]
    group_end = np.r_[starts[group_first[1:]], ends[-1] if n else 0]
    owner = np.full(n, None, dtype=object)  # None: the buyer's own (the caller fills them in)
    line = (g << 20) + (d + (1 << 19))  # (group, day) as one sorted int64 key
    if moves.empty or moves["order"].isna().all():
        return owner, np.full(n, None, dtype=object), order, u
    m_order = ids.get_indexer(pd.Index(moves["order"].astype("object")))
    has = m_order >= 0
    m_order = m_order[has]
    claims_start, claims_end, claim_to, claim_id = [], [], [], []
    # the moves of an order: their columns' rows taken, then cast (not the frame filtered)
    cells = {c: moves[c].array[has] for c in ("date_start", "quantity", "to_entity", "id")}
    m_day = cells["date_start"].to_numpy("datetime64[D]").astype(np.int64)
    m_qty = cells["quantity"].to_numpy("int64", na_value=0)
    m_to, m_id = (cells[c].to_numpy(object) for c in ("to_entity", "id"))
    for code in (0, 1):
        key = m_order.astype(np.int64) * 2 + code
        gi = np.searchsorted(group_ids, key)
        gi_ok = (gi < len(group_ids)) & (group_ids[np.minimum(gi, len(group_ids) - 1)] == key)
        if not gi_ok.any():
            continue
        k_key, k_day, k_qty = key[gi_ok], m_day[gi_ok], m_qty[gi_ok]
        k_to, k_id = m_to[gi_ok], m_id[gi_ok]
        k_g = gi[gi_ok]
        o = np.lexsort((k_day, k_key))
        k_key, k_day, k_qty, k_to, k_id, k_g = (
            a[o] for a in (k_key, k_day, k_qty, k_to, k_id, k_g)
        )
        # position on the line of the first delivery of the group on or after the move's day
        pos_i = np.searchsorted(line, (k_key << 20) + (k_day + (1 << 19)), side="left")
        pos = np.where(pos_i < n, starts[np.minimum(pos_i, n - 1)], ends[-1])
        pos = np.minimum(pos, group_end[k_g])
        pos = np.maximum(pos, group_start[k_g])
        prefix = np.cumsum(k_qty) - k_qty
        firsts = np.flatnonzero(np.r_[True, k_key[1:] != k_key[:-1]])  # groups (k_key sorted)
        after = np.r_[firsts[1:], len(k_key)]
        q_before = prefix - np.repeat(prefix[firsts], after - firsts)  # claimed before, in group
        start = pos - q_before  # its running maximum per group (NumPy: a groupby op ~0.2 ms)
        for a, b in zip(firsts, after, strict=True):
            start[a:b] = np.maximum.accumulate(start[a:b]) + q_before[a:b]
        end = np.minimum(start + k_qty, group_end[k_g])
        ok = end > start
        claims_start.append(start[ok])
        claims_end.append(end[ok])
        claim_to.append(k_to[ok])
        claim_id.append(k_id[ok])
    if not claims_start:
        return owner, np.full(n, None, dtype=object), order, u
    cs, ce = np.concatenate(claims_start), np.concatenate(claims_end)
    if not len(cs):  # every claim fell past its deliveries
        return owner, np.full(n, None, dtype=object), order, u
    ct, cid = np.concatenate(claim_to), np.concatenate(claim_id)
    o = np.argsort(cs, kind="stable")
    cs, ce, ct, cid = cs[o], ce[o], ct[o], cid[o]
    cuts = np.sort(np.concatenate([starts, ends, cs, ce]))
    cuts = cuts[np.r_[True, cuts[1:] != cuts[:-1]]] if len(cuts) else cuts  # the distinct ones
    lo, hi = cuts[:-1], cuts[1:]
    # each piece: the delivery it lies in (none: a gap, impossible) and the claim, if any
    deliv = np.searchsorted(ends, lo, side="right")
    inside = deliv < n
    lo, hi, deliv = lo[inside], hi[inside], deliv[inside]
    c = np.searchsorted(cs, lo, side="right") - 1
    claimed = (c >= 0) & (lo < ce[np.maximum(c, 0)])
    holder = np.full(len(lo), None, dtype=object)
    via = np.full(len(lo), None, dtype=object)
    holder[claimed] = ct[c[claimed]]
    via[claimed] = cid[c[claimed]]
    return holder, via, order[deliv], hi - lo


def _chained(moves: pd.DataFrame, ids: pd.Index, buyers: np.ndarray) -> np.ndarray:
    """Which reallocations are of an order and from someone other than its buyer."""
    if moves.empty or "order" not in moves:
        return np.zeros(len(moves), dtype=bool)
    of = ids.get_indexer(pd.Index(moves["order"].astype("object")))
    buyer_of = np.concatenate([buyers, np.array([None], dtype=object)])[of]  # -1: None
    return np.asarray((of >= 0) & (moves["from_entity"].to_numpy(object) != buyer_of))


Pieces = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _pass_on(
    pieces: Pieces,
    parent: np.ndarray,
    event: np.ndarray,
    latest: np.ndarray,
    ids: pd.Index,
    moves: pd.DataFrame,
) -> Pieces:
    """The pieces (holder, via, delivery, units; see :func:`_take_deliveries`) once each
    reallocation of ``moves`` (of an order, from someone other than its buyer), in date order,
    has taken the earliest pieces of its order (scheduled and delivered apart) its
    ``from_entity`` holds dated on or after it, up to its quantity; the last piece taken is
    split where only part of it is needed."""
    holder, via, d_idx, units = (np.array(a, copy=True) for a in pieces)
    m_order = ids.get_indexer(pd.Index(moves["order"].astype("object")))
    m_day = moves["date_start"].to_numpy("datetime64[D]")
    m_qty = moves["quantity"].to_numpy("int64", na_value=0)
    m_from = moves["from_entity"].to_numpy(object)
    m_to = moves["to_entity"].to_numpy(object)
    m_id = moves["id"].to_numpy(object)
    day = latest.astype("datetime64[D]")
    for k in np.argsort(m_day, kind="stable"):
        for delivered in (False, True):
            mine = np.flatnonzero(
                (parent[d_idx] == m_order[k])
                & ((event[d_idx] == "delivered") == delivered)
                & (day[d_idx] >= m_day[k])
                & (holder == m_from[k])
            )
            before = np.cumsum(units[mine]) - units[mine]
            take = mine[before < m_qty[k]]
            if not len(take):
                continue
            last = take[-1]
            over = int(before[len(take) - 1] + units[last] - m_qty[k])
            if over > 0:  # the rest of the last piece stays with from_entity
                holder = np.insert(holder, last + 1, holder[last])
                via = np.insert(via, last + 1, via[last])
                d_idx = np.insert(d_idx, last + 1, d_idx[last])
                units = np.insert(units, last + 1, over)
                units[last] -= over
            holder[take] = m_to[k]
            via[take] = m_id[k]
    return holder, via, d_idx, units


def _moves(moves: pd.DataFrame, orders: pd.DataFrame) -> list[Piece]:
    """Two rows per reallocation: moved_out (negative) and moved_in."""
    ids = pd.Index(orders["id"].astype("object"))
    of = ids.get_indexer(moves["order"].astype("object"))
    # the order's SKU; none (-1: the None appended) for no order, even when there are no orders
    skus = orders["sku"].to_numpy(object)
    order_sku = np.concatenate([skus, np.array([None], dtype=object)])[of]
    own = moves["sku"].to_numpy(object)
    sku = np.where(pd.isna(own), order_sku, own)
    start = moves["date_start"].to_numpy("datetime64[ns]")
    end = moves["date_end"].to_numpy("datetime64[ns]")
    qty = moves["quantity"].to_numpy("int64", na_value=0)
    src = first_source(moves["sources"])
    order = moves["order"].to_numpy(object)
    record = moves["id"].to_numpy(object)
    out = []
    for event, who, other, sign in (
        ("moved_out", "from_entity", "to_entity", -1),
        ("moved_in", "to_entity", "from_entity", 1),
    ):
        out.append(
            _piece(
                date=start,
                earliest=start,
                latest=end,
                units=sign * qty,
                labels={
                    "entity": moves[who],
                    "counterparty": moves[other],
                    "sku": sku,
                    "event": event,
                    "status": "reallocated",
                    "source": src,
                },
                texts={"order": order, "record": record},
            )
        )
    return out


def kept_orders(
    orders: pd.DataFrame, moves: pd.DataFrame, conflicts: ConflictPolicy
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The orders kept under ``conflicts``, and ``moves`` with each ``order`` that names a
    report set aside naming instead the kept report of the same fact (the first kept record
    of its group): a move of an order is of the fact, whichever report it names."""
    kept = resolve_conflicts(orders, "gpu_orders", conflicts)[0]
    if len(kept) == len(orders) or moves.empty or "order" not in moves:
        return kept, moves
    groups = fact_groups(orders, "gpu_orders")
    ids = orders["id"].to_numpy(object)
    kept_ids = set(kept["id"].astype("object"))
    first: dict[int, str] = {}
    for row, group in zip(groups["row"], groups["group"], strict=True):
        if ids[row] in kept_ids:
            first.setdefault(int(group), str(ids[row]))
    to = {
        str(ids[row]): first[int(group)]
        for row, group in zip(groups["row"], groups["group"], strict=True)
        if ids[row] not in kept_ids and int(group) in first
    }
    named = moves["order"].astype("object")
    if not named.isin(list(to)).any():
        return kept, moves
    return kept, moves.assign(order=named.map(lambda o: to.get(o, o)).astype("object"))


def implied_deliveries(orders: pd.DataFrame, deliveries: pd.DataFrame | None) -> pd.DataFrame:
    """``deliveries`` with those of orders of status ``delivered`` (all of it) that record no
    actual delivery: their scheduled deliveries as delivered, else all their units at their
    order date (the units of a schedule short of the quantity at its last date)."""
    columns = ["order", "buyer", "status", "date_start", "date_end", "quantity"]
    if deliveries is None or deliveries.empty:
        kinds = {"date_start": "datetime64[ns]", "date_end": "datetime64[ns]", "quantity": "Int64"}
        deliveries = pd.DataFrame({c: pd.Series([], dtype=kinds.get(c, object)) for c in columns})
    ids = orders["id"].to_numpy(object)
    of = deliveries["order"].astype("object")
    actual = deliveries["status"].to_numpy(object) == "delivered"
    need = (orders["status"].to_numpy(object) == "delivered") & ~np.isin(ids, of[actual].unique())
    if not need.any():
        return deliveries
    sched = deliveries[~actual & of.isin(ids[need]).to_numpy()]
    qty = orders["quantity"].to_numpy("int64", na_value=0)[need]
    got = sched.groupby(sched["order"].astype("object"))["quantity"].sum()
    rest = qty - got.reindex(ids[need]).fillna(0).to_numpy("int64")
    last = sched.sort_values("date_end").drop_duplicates("order", keep="last")
    last = last.set_index(last["order"].astype("object")).reindex(ids[need])
    start = orders["order_date_start"].to_numpy("datetime64[ns]")[need]
    end = orders["order_date_end"].to_numpy("datetime64[ns]")[need]
    has = last["date_end"].notna().to_numpy()
    extra = pd.DataFrame(
        {
            "order": ids[need],
            "buyer": orders["buyer"].to_numpy(object)[need],
            "status": "delivered",
            "date_start": np.where(has, last["date_start"].to_numpy("datetime64[ns]"), start),
            "date_end": np.where(has, last["date_end"].to_numpy("datetime64[ns]"), end),
            "quantity": rest,
        }
    )[rest > 0]
    parts = [deliveries[columns], sched[columns].assign(status="delivered"), extra]
    out = pd.concat([p.astype({"order": object, "status": object}) for p in parts])
    typed: pd.DataFrame = out.astype({"quantity": "Int64"}).reset_index(drop=True)
    return typed


def _compile(frames: Mapping[str, pd.DataFrame], conflicts: ConflictPolicy) -> pd.DataFrame:
    orders = frames.get("gpu_orders")
    moves = frames.get("gpu_reallocations")
    deliveries = frames.get("deliveries")
    pieces: list[Piece] = []
    if moves is not None and not moves.empty:
        moves = resolve_conflicts(moves, "gpu_reallocations", conflicts)[0]
    if orders is not None and not orders.empty:
        orders, taken = kept_orders(orders, pd.DataFrame() if moves is None else moves, conflicts)
        moves = taken if moves is not None else None
    has_orders = orders is not None and not orders.empty
    if has_orders:
        assert orders is not None
        pieces.append(_orders(orders))
    if moves is not None and not moves.empty:
        empty_orders = orders if orders is not None else pd.DataFrame({"id": [], "sku": []})
        pieces += _moves(moves, empty_orders)
    if has_orders:
        assert orders is not None
        deliveries = implied_deliveries(orders, deliveries)
    if has_orders and deliveries is not None and not deliveries.empty:
        assert orders is not None
        taken = moves if moves is not None else pd.DataFrame()
        rows = _deliveries(orders, deliveries, taken)
        own = pd.isna(rows["entity"]) if len(rows["units"]) else np.zeros(0, dtype=bool)
        if own.any():  # deliveries no reallocation took: the buyer's
            ids = pd.Index(orders["id"].astype("object"))
            buyer = orders["buyer"].to_numpy(object)
            of = ids.get_indexer(pd.Index(rows["order"], dtype=object))
            rows["entity"] = np.where(own, buyer[np.maximum(of, 0)], rows["entity"])
        pieces.append(rows)
    return keep_what_happened(at_least_delivered(_concat(pieces)))


def gpu_movements(
    source: Ledger | Mapping[str, pd.DataFrame], *, conflicts: ConflictPolicy = "latest"
) -> pd.DataFrame:
    """The GPU movements table (see the module docs) of a ledger, or of record frames by kind
    (``{"gpu_orders": ..., "deliveries": ..., "gpu_reallocations": ...}``; missing kinds count
    as empty). A ledger's table is built once per policy and kept with it (``Ledger.memo``);
    each call returns a new frame sharing the data."""
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        ledger = source

        def build() -> pd.DataFrame:  # the ledger's own frames: _compile only reads them
            from aicapex.table.frames import ledger_frame

            return _compile({k: ledger_frame(ledger, k) for k in GPU_KINDS}, conflicts)

        built = ledger.memo(("gpu_movements", conflicts), build)
        return built.copy(deep=False)
    return _compile(source, conflicts)
