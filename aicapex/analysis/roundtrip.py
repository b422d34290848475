"""Round trips: the share of a vendor's sales to a customer funded by its own investment in
that customer.

A vendor that invested $20 in a customer that bought $50 of its products over the same window
funded 40% of those purchases itself: ``funded = min(invested, purchases)`` and ``share =
funded / purchases`` (never above 1: investing more than the customer spent funds all of it).
Investments are the ``investment`` legs from vendor to customer; purchases every other leg from
customer to vendor (GPU orders, contracts, cloud bills, expenses; see
:mod:`aicapex.table.legs`), each window (a calendar year by default) and basis (disbursed,
committed, announced) apart. A vendor's total over its customers sums the funded and the
purchases of each (customers it did not invest in count with nothing funded); the rows of window
``all`` sum every window's figures. Money invested in one window funds no purchases of another:
$10 invested in 2024 and purchases of $3 in 2024 and $4 in 2025 are $3 funded by year (the
``all`` rows: $3 of $7, 43%); ``window="all"`` makes all time one window, where the $10 funds all
$7 (100%). Per unit and per GW where the data has them: GPUs the customer
ordered from the vendor (GPU movements) and GW of contracts between them starting in the window
(each contract once: of reports in conflict, the one ``conflicts=`` keeps; none cancelled or
failed).

>>> import aicapex as ac
>>> rt = ac.round_trip(ac.load(ac.bundled_data()), "nvidia")
>>> float(rt.frame.query("customer == 'openai' and basis == 'announced'")["share"].iloc[0])
1.0
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on, check_entity, require_usd
from aicapex.analysis.dealskit import kept_frame, masked
from aicapex.analysis.loops import ledger_legs
from aicapex.analysis.result import Result, record_index
from aicapex.table.columns import is_in
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows
from aicapex.table.frames import ledger_frame
from aicapex.table.legs import BASES, LEG_KINDS, LegCodes, money_legs, window_of

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["ALL", "ROUND_TRIP_COLUMNS", "RoundTrip", "round_trip"]

#: The customer (and the window) of a total row.
ALL = "(all)"

_DTYPES = {
    "vendor": "object",
    "customer": "object",
    "window": "object",
    "window_start": "datetime64[ns]",
    "window_end": "datetime64[ns]",
    "basis": "object",
    "invested_usd": "float64",
    "purchases_usd": "float64",
    "funded_usd": "float64",
    "share": "float64",
    "units": "float64",
    "funded_per_unit_usd": "float64",
    "gw": "float64",
    "funded_per_gw_usd": "float64",
}

#: Columns of :attr:`RoundTrip.frame`.
ROUND_TRIP_COLUMNS = tuple(_DTYPES)
_NUMPY_DTYPES = [np.dtype(d) for d in _DTYPES.values()]


class RoundTrip(Result):
    """The result of :func:`round_trip`: a row per vendor, customer (or :data:`ALL`), window
    and basis."""

    NAME = "round_trip"


def _label(start: np.ndarray, window: str) -> np.ndarray:
    s = pd.DatetimeIndex(start)
    if window == "year":
        return np.asarray(s.strftime("%Y"), dtype=object)
    if window == "month":
        return np.asarray(s.strftime("%Y-%m"), dtype=object)
    if window == "quarter":
        return np.asarray(s.year.astype(str) + "-Q" + s.quarter.astype(str), dtype=object)
    if window == "half":
        return np.asarray(
            s.year.astype(str) + "-H" + ((s.month - 1) // 6 + 1).astype(str), dtype=object
        )
    return np.full(len(s), "all", dtype=object)


#: GPUs ordered and GW contracted, as columns: customer, vendor, start, units, gw.
Extra = dict[str, np.ndarray]


def _units_and_gw(source: object, conflicts: ConflictPolicy, window: str) -> Extra | None:
    """GPUs ordered and GW contracted: a row per order and per contract in GW (customer,
    vendor, window start, units, gw), in that order, not summed (see :func:`_extra_of`);
    None: none. The rows' columns are read and masked, not the frames filtered (a wide
    frame's rows taken cost ~0.3 ms each)."""
    from aicapex.ledger import Ledger
    from aicapex.table.gpus import gpu_movements

    if isinstance(source, Ledger):
        moves = gpu_movements(source, conflicts=conflicts)
        contracts = ledger_frame(source, "compute_contracts")  # read only
    elif isinstance(source, Mapping):
        moves = gpu_movements(source, conflicts=conflicts)
        contracts = source.get("compute_contracts", pd.DataFrame())
    else:
        return None
    parts = []
    ordered = is_in(moves["event"], ("ordered",))  # by its codes
    if ordered.any():
        start, _ = window_of(masked(moves, "date", ordered, "datetime64[ns]"), window)
        units = masked(moves, "units", ordered, "float64")
        parts.append(
            {
                "customer": masked(moves, "entity", ordered, "object"),
                "vendor": masked(moves, "counterparty", ordered, "object"),
                "start": start,
                "units": units,
                "gw": np.zeros(len(units)),
            }
        )
    if not contracts.empty:  # each contract once, and only those not cancelled or failed
        contracts = kept_frame(source, "compute_contracts", conflicts, contracts)
        live = ~is_in(contracts["status"], ("cancelled", "failed"))  # by their codes
        gw = live & is_in(contracts["capacity_unit"], ("GW",))
        if gw.any():
            start, _ = window_of(masked(contracts, "start_start", gw, "datetime64[ns]"), window)
            capacity = masked(contracts, "capacity", gw, "float64")
            parts.append(
                {
                    "customer": masked(contracts, "buyer", gw, "object"),
                    "vendor": masked(contracts, "seller", gw, "object"),
                    "start": start,
                    "units": np.zeros(len(capacity)),
                    "gw": capacity,
                }
            )
    if not parts:
        return None
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _combine(*parts: tuple[np.ndarray, int]) -> np.ndarray:
    """One int64 key per row that orders the rows as their parts do, first part first (each
    part: codes from 0 and how many there can be)."""
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    span = 1
    for codes, size in parts:
        if span * max(size, 1) >= 2**62:  # renumber what is there, in order
            _, key = np.unique(key, return_inverse=True)
            key = key.astype(np.int64)
            span = int(key.max()) + 1 if len(key) else 1
        key = key * max(size, 1) + codes
        span *= max(size, 1)
    return key


def _sums(inverse: np.ndarray, values: np.ndarray, min_count: int = 0) -> np.ndarray:
    """The sums of ``values`` per group (``inverse``: groups 0.. in order, each present; -1: a
    row left out), summed by pandas: its compensated sums in the rows' order, or ``reduceat``
    when the groups are sorted and a column block (a 1-d array, or the columns of a 2-d one
    together) has no NaN. The blocks are those the sums had when they were pandas frames, so
    that every figure stays the same to the last bit."""
    by = pd.Series(inverse)
    if len(inverse) and inverse.min() < 0:
        groups = pd.Index(range(int(inverse.max()) + 1))
        by = pd.Series(pd.Categorical.from_codes(inverse.tolist(), categories=groups))
    if values.ndim == 1:
        one = pd.Series(values).groupby(by, sort=True, observed=True).sum(min_count=min_count)
        return one.to_numpy("float64")
    many = pd.DataFrame(values).groupby(by, sort=True, observed=True).sum(min_count=min_count)
    return many.to_numpy("float64")


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct keys in order, the first row of each and each row's group."""
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return uniq, first, inverse.reshape(-1)


def round_trip(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    vendor: str | None = None,
    *,
    window: str = "year",
    bases: Iterable[str] = BASES,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> RoundTrip:
    """The share of ``vendor``'s sales (every vendor that invested in one of its customers,
    when none is given) funded by its own investment in the buyer; see the module docs.

    Columns: ``vendor``, ``customer`` (:data:`ALL` for the vendor's total), ``window`` (with
    ``window_start``/``window_end``; ``all`` for every window at once), ``basis``,
    ``invested_usd``, ``purchases_usd``, ``funded_usd``, ``share`` (0 to 1; NaN without
    purchases), ``units`` and ``funded_per_unit_usd``, ``gw`` and ``funded_per_gw_usd``.

    Computed on integer codes of the legs (:func:`~aicapex.table.legs.leg_codes`): entities by
    the rank of their names, windows by their start, so that sorting the codes sorts the text."""
    bases = [b for b in BASES if b in set(bases)]
    source = as_known_on(source, known_on)
    flows = as_flows(source, conflicts)
    check_entity(source, vendor, flows)  # an unknown id: KeyError, as every analysis
    legs = ledger_legs(source, flows, conflicts).of_bases(bases)
    if np.isnan(legs.amount_usd).any():
        require_usd(money_legs(flows, legs), "round_trip")
    start, end = window_of(legs.date, window)
    names = legs.names
    n = len(names)
    by_name = np.argsort(names, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[by_name] = np.arange(n)
    w_code, w_starts = pd.factorize(start)
    w_start = np.asarray(w_starts, dtype="datetime64[ns]")
    _, first_leg = np.unique(w_code[w_code >= 0], return_index=True)
    w_end = end[w_code >= 0][first_leg]  # each window's end (its start says it)
    w_rank = np.empty(len(w_start), dtype=np.int64)
    w_rank[np.argsort(w_start, kind="stable")] = np.arange(len(w_start))
    nw = max(len(w_start), 1)
    b_rank = np.argsort(np.argsort(np.asarray(BASES)))  # bases in text order, as pandas sorts
    valid = ~(np.isnat(start) | np.isnat(end))  # pandas drops missing keys
    investment = legs.leg == LEG_KINDS.index("investment")
    # vendor and customer of each leg: the payer of an investment, the payee of a purchase
    seller = np.where(investment, legs.payer, legs.payee)
    buyer = np.where(investment, legs.payee, legs.payer)
    key = _combine(
        (rank[seller], n),
        (rank[buyer], n),
        (np.append(w_rank, 0)[w_code], nw),  # -1 (no window): left out below
        (b_rank[legs.basis], len(BASES)),
    )

    def groups_of(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        uniq, first, inverse = _groups(key[mask & valid])
        at = np.flatnonzero(mask & valid)[first]
        if not valid[mask].all():  # the rows without a window too, as pandas left them out
            inverse, kept = np.full(int(mask.sum()), -1), inverse
            inverse[valid[mask]] = kept
        return uniq, at, _sums(inverse, legs.amount_usd[mask])

    inv_keys, inv_at, invested_by = groups_of(investment)
    pur_keys, pur_at, purchases = groups_of(~investment)
    vendors = np.zeros(n + 1, dtype=bool)
    vendors[legs.payer[inv_at]] = True
    sells = np.zeros(n + 1, dtype=bool)
    sells[legs.payee[pur_at]] = True
    vendors &= sells
    if vendor is not None:
        vendors &= np.append(names == vendor, False)
    kept = vendors[legs.payee[pur_at]]
    pur_keys, pur_at, purchases = pur_keys[kept], pur_at[kept], purchases[kept]
    # the investment of the same vendor, customer, window and basis, if any
    invested = np.zeros(len(pur_keys))
    if len(inv_keys) and len(pur_keys):
        pos = np.minimum(np.searchsorted(inv_keys, pur_keys), len(inv_keys) - 1)
        match = inv_keys[pos] == pur_keys
        invested[match] = invested_by[pos[match]]
    ven, cus = legs.payee[pur_at], legs.payer[pur_at]
    w, b = w_code[pur_at], legs.basis[pur_at]
    funded = np.minimum(invested, purchases)
    units, gw = _extra_of(source, conflicts, window, names, w_start, ven, cus, w)
    values = np.column_stack([invested, purchases, funded, units, gw])

    no_extra = bool(np.isnan(values[:, 3:]).all())

    def totals(*parts: tuple[np.ndarray, int]) -> tuple[np.ndarray, np.ndarray]:
        _, first, inverse = _groups(_combine(*parts))
        # the blocks of the frame these sums came from: each money column (never NaN: summed
        # together, pandas takes the same way for each), units and GW together
        money = _sums(inverse, values[:, :3], min_count=1)
        extra = (
            np.full((len(first), 2), np.nan)  # nothing to sum: NaN (min_count=1)
            if no_extra
            else _sums(inverse, values[:, 3:], min_count=1)
        )
        return first, np.column_stack([money, extra])

    r = len(pur_keys)
    per_w, per_w_sums = totals((rank[ven], n), (w_rank[w], nw), (b_rank[b], len(BASES)))
    each, each_sums = totals((rank[ven], n), (rank[cus], n), (b_rank[b], len(BASES)))
    over, over_sums = totals((rank[ven], n), (b_rank[b], len(BASES)))
    # the totals over every window; with window 'all' the one window is every window already
    # (its rows were listed twice)
    whole = r > 0 and window != "all"
    parts = [(np.arange(r), cus), (per_w, np.full(len(per_w), -1))]
    if whole:
        parts += [(each, cus[each]), (over, np.full(len(over), -1))]
    at = np.concatenate([p[0] for p in parts]).astype(np.int64)
    customer = np.concatenate([p[1] for p in parts]).astype(np.int64)
    sums = np.concatenate([values, per_w_sums, *([each_sums, over_sums] if whole else [])]).reshape(
        -1, 5
    )
    n_window = r + len(per_w)
    is_whole = np.arange(len(at)) >= n_window
    label = _label(w_start, window)
    window_label = np.where(is_whole, "all", label[w[at]] if r else "all").astype(object)
    first_start = w_start[w].min() if r else np.datetime64("NaT", "ns")
    last_end = w_end[w].max() if r else np.datetime64("NaT", "ns")
    row_start = np.where(is_whole, first_start, w_start[w[at]] if r else first_start)
    row_end = np.where(is_whole, last_end, w_end[w[at]] if r else last_end)
    is_all = customer < 0
    order = np.lexsort(  # stable: ties keep the order above
        (
            np.where(is_all, 0, rank[customer]),
            is_all,
            b[at],
            row_start.astype("datetime64[ns]").view(np.int64),
            is_whole | (window == "all"),
            rank[ven[at]],
        )
    )
    invested, purchases, funded, units, gw = sums[order].T
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(purchases > 0, funded / purchases, np.nan)
        per_unit = np.where(units > 0, funded / units, np.nan)
        per_gw = np.where(gw > 0, funded / gw, np.nan)
    who = np.append(names, ALL).astype(object)
    frame = pd.DataFrame(
        {
            "vendor": pd.Series(names[ven[at[order]]], dtype=object),
            "customer": pd.Series(who[customer[order]], dtype=object),
            "window": pd.Series(window_label[order], dtype=object),
            "window_start": row_start[order].astype("datetime64[ns]"),
            "window_end": row_end[order].astype("datetime64[ns]"),
            "basis": pd.Series(np.asarray(BASES, dtype=object)[b[at[order]]], dtype=object),
            "invested_usd": invested,
            "purchases_usd": purchases,
            "funded_usd": funded,
            "share": share,
            "units": units,
            "funded_per_unit_usd": per_unit,
            "gw": gw,
            "funded_per_gw_usd": per_gw,
        }
    )
    if frame.dtypes.tolist() != _NUMPY_DTYPES:  # built of them: no cast (a copy, ~0.3 ms)
        frame = frame.astype(_DTYPES)
    used = _used(flows, legs, ven, cus, vendors, names)
    return RoundTrip(
        frame=frame,
        used_records=functools.partial(record_index, used),
        assumptions=(
            f"windows: {window}; disbursed, committed and announced money apart; ceilings at "
            "their maximum",
            "funded = the smaller of the vendor's investment in the customer and the "
            "customer's purchases from it, in the same window",
        ),
        params={"vendor": vendor, "window": window, "known_on": known_on},
    )


def _extra_of(
    source: object,
    conflicts: ConflictPolicy,
    window: str,
    names: np.ndarray,
    w_start: np.ndarray,
    ven: np.ndarray,
    cus: np.ndarray,
    w: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """GPUs and GW of each row's customer, vendor and window (NaN: none)."""
    units = np.full(len(ven), np.nan)
    gw = np.full(len(ven), np.nan)
    extra = _units_and_gw(source, conflicts, window)
    if extra is None or not len(extra["units"]) or not len(ven):
        return units, gw
    # each (customer, vendor, window) of the result's entities and windows, summed by pandas
    # in the rows' order (as a groupby of the three columns summed them)
    c = pd.Index(names).get_indexer(pd.Index(extra["customer"]))
    v = pd.Index(names).get_indexer(pd.Index(extra["vendor"]))
    at = pd.Index(w_start).get_indexer(pd.Index(extra["start"]))
    known = (c >= 0) & (v >= 0) & (at >= 0)
    n, nw = len(names), max(len(w_start), 1)
    key = (c[known].astype(np.int64) * n + v[known]) * nw + at[known]
    pair = {k: extra[k][known] for k in ("units", "gw")}
    sums = pd.DataFrame(pair, copy=False).groupby(key, sort=False).sum()
    mine = (cus.astype(np.int64) * n + ven) * nw + w
    row = np.where(w >= 0, sums.index.get_indexer(mine), -1)  # -1: none, the NaN appended
    units_of = np.append(sums["units"].to_numpy("float64"), np.nan)
    gw_of = np.append(sums["gw"].to_numpy("float64"), np.nan)
    return units_of[row], gw_of[row]


def _used(
    flows: pd.DataFrame,
    legs: LegCodes,
    ven: np.ndarray,
    cus: np.ndarray,
    vendors: np.ndarray,
    names: np.ndarray,
) -> np.ndarray:
    """The records of the legs between the vendors and customers of the result, either way."""
    n = len(names)
    pairs = ven.astype(np.int64) * n + cus
    if len(ven) and (names == ALL).any():  # an entity named like the total rows
        pairs = np.concatenate([pairs, np.flatnonzero(vendors[:n]) * n + (names == ALL).argmax()])
    known = pd.Index(pd.unique(pairs))
    forth = known.get_indexer(legs.payer.astype(np.int64) * n + legs.payee) >= 0
    back = known.get_indexer(legs.payee.astype(np.int64) * n + legs.payer) >= 0
    rows = legs.rows[forth | back]
    used: np.ndarray = flows["record"].take(rows).to_numpy(object)
    return used
