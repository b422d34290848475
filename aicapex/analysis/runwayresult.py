"""The result of a runway (:func:`aicapex.analysis.runway.runway`): the per-entity table, the
month-by-month path (built when first read), its money in and money out, and the records each
entity used."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.cash import CashPath
from aicapex.analysis.common import cell_sums
from aicapex.analysis.result import Result
from aicapex.analysis.runrate import (
    STREAMS,
    BurnAfter,
    Extrapolation,
    RateLayout,
    extrapolate,
    stream_extrapolation,
    stream_labels,
)
from aicapex.analysis.used import RecordsUsed
from aicapex.errors import suggest
from aicapex.table.pages import small_pages
from aicapex.table.typedcols import labels_at

__all__ = [
    "RUNWAY_COLUMNS",
    "Gross",
    "Runway",
    "bound_notes",
    "gross_flows",
    "gross_sums",
    "path_frame",
    "rate_rows",
    "records_used",
]


#: Columns of :attr:`Runway.frame`, in order.
RUNWAY_COLUMNS = (
    "entity",
    "balance_record",
    "balance_date",
    "balance_usd",
    "bound",
    "start_cash",
    "months",
    "cash_out",
    "months_low",
    "months_high",
    "cash_out_earliest",
    "cash_out_latest",
    "last_recorded_month",
    "burn_after",
    "as_of",
)


@dataclass(frozen=True, eq=False, repr=False)
class Runway(Result):
    """The result of :func:`runway`.

    Attributes:
        frame: one row per entity: ``entity``, ``balance_record``, ``balance_date``,
            ``balance_usd``, ``bound`` (the kind of the cash figure: exact, approx, upper,
            lower, range), ``start_cash`` (USD at the end of the balance's month), ``months``
            (after ``as_of``; float; 0 when the cash ran out before it; inf when it lasts past
            the horizon), ``cash_out`` (the day; NaT if never), ``months_low`` and
            ``months_high`` (the shortest and longest runway the ranges allow),
            ``cash_out_earliest`` and ``cash_out_latest`` (NaT: never, within the horizon),
            ``last_recorded_month``, ``burn_after`` (USD a month assumed past it),
            ``as_of`` (the last day of the entity's ``as_of``).
        path: the month-by-month path of every entity: ``entity``, ``month``, ``opening``,
            ``inflows`` (money in: the month's positive flows, recorded and assumed: revenue,
            at its run rate past its records, funding, money added), ``outflows`` (money out,
            as a positive amount: spending, bills paid with policy ``arrears``), ``net``
            (``inflows - outflows``), ``closing`` (``opening + net``; USD), ``basis``
            (recorded/assumed),
            ``after_as_of``, ``assumed`` (the streams assumed that month, comma-separated);
            from the month after each balance, so the roll-forward shows.
        records: ids of the records used (balances and counted flows), sorted.
        policy, as_of: as asked.
    """

    NAME = "runway"
    MONEY = frozenset({"start_cash", "burn_after"})
    #: The money columns of :meth:`explain`'s path (US dollars).
    PATH_MONEY = frozenset({"opening", "inflows", "outflows", "net", "closing"})

    #: the path (see :attr:`path`), or a function building it when first asked (a report of
    #: many entities reads only the per-entity table)
    path_of: pd.DataFrame | Callable[[], pd.DataFrame] = field(
        default_factory=pd.DataFrame, repr=False
    )
    policy: str = "disbursed"
    as_of: str = ""
    #: the records each entity used (listed on demand: :meth:`records_of`)
    used: RecordsUsed | None = field(default=None, repr=False)

    @functools.cached_property
    def path(self) -> pd.DataFrame:
        """The month-by-month path of every entity (see the class docs): :attr:`path_of`, or
        what it builds when it is a function (called once, on first use)."""
        built = self.path_of
        if isinstance(built, pd.DataFrame):
            return built
        with small_pages():  # (a bulk call's arrays: see aicapex.table.pages)
            return built()

    @property
    def table(self) -> pd.DataFrame:
        """The per-entity table: :attr:`frame` (its name before results had one shape; kept)."""
        return self.frame

    def records_of(self, entity: str) -> list[str]:
        """Ids of the records used for ``entity``, sorted: its cash balance and the records of
        its counted flows after the balance date."""
        if self.used is None or entity not in self.used.entities:
            raise ValueError(f"this runway has no entity {entity!r}{self._hint(entity)}")
        return list(self.used.of(entity))

    def _hint(self, entity: object) -> str:
        """The closest entity id of this runway to a misspelt ``entity`` (``STABILITY-AI``)."""
        known = [] if self.used is None else [str(e) for e in self.used.entities]
        return suggest(entity, known) if isinstance(entity, str) else ""

    def _one(self) -> pd.Series:
        if len(self.frame) != 1:
            raise ValueError(
                f"this runway covers {len(self.frame)} entities: use .frame, or runway(..., entity)"
            )
        return self.frame.iloc[0]

    def records_by_entity(self) -> dict[str, list[str]]:
        """:meth:`records_of` for every entity at once (one pass: for reports of many)."""
        return self.used.by_entity() if self.used is not None else {}

    @property
    def months(self) -> float:
        """Months of cash left after ``as_of`` (fractional; ``inf`` past the horizon)."""
        return float(self._one()["months"])

    @property
    def cash_out(self) -> pd.Timestamp | None:
        """The date the cash runs out (``None`` if not within the horizon)."""
        value = self._one()["cash_out"]
        return None if pd.isna(value) else pd.Timestamp(value)

    @property
    def bound(self) -> str:
        """``exact``, or ``upper``/``lower`` when the starting cash (so the runway) is a bound."""
        return str(self._one()["bound"])

    def explain(self, entity: str | None = None) -> pd.DataFrame:
        """The month-by-month path of ``entity`` (or of the only one); its records are
        :meth:`records_of` and the assumptions :attr:`assumptions`."""
        if entity is None:
            entity = str(self._one()["entity"])
        if self.used is None or entity not in self.used.entities:
            raise ValueError(f"this runway has no entity {entity!r}{self._hint(entity)}")
        return self.path[(self.path["entity"] == entity).to_numpy()].reset_index(drop=True)

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per entity: the frame's columns, ``months`` rounded to two
        decimals (``null`` when the cash outlasts the horizon) and ``runs_out``."""
        out = []
        for row in super().rows():
            row["runs_out"] = row["months"] is not None
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """:meth:`Result.to_dict` with ``as_of`` and ``policy``; with one entity, its figures
        (``months``, ``runs_out``, ``cash_out``, ...) also at the top level."""
        data = super().to_dict()
        data["as_of"] = self.as_of or Result.as_of.fget(self)  # type: ignore[attr-defined]
        data["policy"] = self.policy
        if len(self.frame) == 1:
            data.update({k: v for k, v in data["rows"][0].items() if k not in data})
        return data


def records_used(
    entities: pd.Index,
    balances: np.ndarray,
    entity: np.ndarray,
    record: pd.Series,
    spend: pd.DataFrame,
    layout: RateLayout | None,
    ahead: Extrapolation,
    bills: dict[str, list[str]] | None = None,
) -> RecordsUsed:
    """The records a runway used, per entity: its cash balance (``balances``), its counted
    flows (each at ``entity``, by ``record``), the records of ``spend`` (its expenses and
    revenues, laid out by ``layout``) whose run rate ``ahead`` assumes past their stream's last
    record, and the bills policy ``arrears`` pays (``bills``: ids by entity)."""
    rows, at = rate_rows(layout, ahead.rated)
    entities_of, records_of = [entity], [record]
    if len(rows):
        entities_of.append(at)
        records_of.append(spend["record"].iloc[rows])
    paid = [(i, b) for i, e in enumerate(entities) for b in (bills or {}).get(str(e), ())]
    if paid:
        entities_of.append(np.array([i for i, _ in paid], dtype=np.int64))
        records_of.append(pd.Series([b for _, b in paid], dtype=object))
    if len(entities_of) == 1:
        return RecordsUsed(entities, balances, entity, record)
    return RecordsUsed(
        entities,
        balances,
        np.concatenate(entities_of),
        pd.concat([r.reset_index(drop=True) for r in records_of], ignore_index=True),
    )


def rate_rows(layout: RateLayout | None, rated: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the spending table ``layout`` is of whose run rate is assumed (``rated``,
    :attr:`Extrapolation.rated`): each ``rated`` stream's rows within its run rate's window.
    Returns their positions in that table and their entities' positions."""
    none = np.zeros(0, dtype=np.int64)
    if layout is None or rated is None or not rated.any():
        return none, none
    n_s = layout.shape[1]
    stream_cell, month = layout.stream_cell, layout.month
    keep = rated.ravel()[stream_cell]
    keep &= month >= layout.begin.ravel()[stream_cell]
    keep &= month <= layout.last_i.ravel()[stream_cell]
    rows = np.flatnonzero(keep)
    if layout.rows is not None:
        rows = np.flatnonzero(layout.rows)[rows]
    return rows, stream_cell[keep] // n_s


def path_frame(
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    path: CashPath,
    net: np.ndarray,
    assumed: np.ndarray,
    as_of_col: np.ndarray,
    gross: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """The month-by-month path of each entity, from the month after its balance to the month
    its cash runs out (or the horizon). ``gross``: a function giving the money in and the money
    out of each entity and month (``(E, M)``, both positive, their difference ``net``: see
    :func:`gross_flows`), called here; without it, the inflows and
    outflows are the positive and the negative part of ``net``."""
    n = len(months)
    last = np.where(path.hit, path.first, n - 1)
    keep = active & (np.arange(n)[None, :] <= last[:, None])
    after = np.arange(n)[None, :] > np.asarray(as_of_col)[:, None]
    e_at, m_at = np.nonzero(keep)  # (row by row, as the mask); texts from their few labels
    net_kept, assumed_kept = net[keep], assumed[keep]
    if gross is None:
        inflows, outflows = (
            np.where(net_kept > 0, net_kept, 0.0),
            np.where(net_kept < 0, -net_kept, 0.0),
        )
    else:
        money_in, money_out = gross()
        inflows, outflows = money_in[keep], money_out[keep]
    labels = list(stream_labels(np.arange(1 << len(STREAMS))))
    basis = pd.array(["recorded", "assumed"], dtype="str").take((assumed_kept > 0).astype(int))
    return pd.DataFrame(
        {
            "entity": labels_at(list(entities), e_at),
            "month": months.to_numpy()[m_at],
            "opening": path.opening[keep],
            "inflows": inflows,
            "outflows": outflows,
            "net": net_kept,
            "closing": path.closing[keep],
            "basis": basis,
            "after_as_of": after[keep],
            "assumed": labels_at(labels, assumed_kept),
        }
    )


#: A policy ``arrears``' bills paid in each entity's ``as_of`` month: the entities' rows, their
#: months' columns and the dollars paid there.
Paid = tuple[np.ndarray, np.ndarray, np.ndarray]


def gross_flows(
    cells: np.ndarray,
    values: np.ndarray,
    spend: pd.DataFrame,
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    burn_after: BurnAfter,
    layout: RateLayout | None,
    paid: Paid | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The money in and the money out of each entity and month (``(E, M)`` each, both
    positive) of a runway's path, whose difference is its net: the counted flows' signed
    ``values`` at their :func:`~aicapex.analysis.common.grid_cells` ``cells`` (positive ones in,
    negative ones out), each stream of ``spend`` assumed past its records (revenue in, spending
    out: :func:`~aicapex.analysis.runrate.extrapolate` stream by stream; a net ``burn_after``
    as its sign has it) and ``paid``: policy ``arrears``' bills, out."""
    grid, shape = months.to_numpy(), (len(entities), len(months))
    if burn_after is not None and not isinstance(burn_after, Mapping):  # no stream carries it
        net = extrapolate(spend, entities, grid, active, burn_after, layout=layout).net
        return gross_sums(cells, values, shape, net, paid)
    streams = stream_extrapolation(spend, entities, grid, active, burn_after, layout=layout)
    return gross_sums(cells, values, shape, streams, paid)


def gross_sums(
    cells: np.ndarray,
    values: np.ndarray,
    shape: tuple[int, int],
    ahead: np.ndarray,
    paid: Paid | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`gross_flows` once what is assumed past the records is known: ``ahead``, each
    stream's flow (``(E, S, M)``: :attr:`~aicapex.analysis.runrate.Extrapolation.streams`) or,
    with a net ``burn_after`` that no stream carries, the net flow (``(E, M)``)."""
    # (float: bincount of no rows gives integers)
    inflows = cell_sums(cells, np.maximum(values, 0.0), shape).astype(np.float64)
    outflows = cell_sums(cells, np.maximum(-values, 0.0), shape).astype(np.float64)
    if ahead.ndim == 2:  # a net burn_after
        inflows += np.maximum(ahead, 0.0)
        outflows += np.maximum(-ahead, 0.0)
    else:
        inflows += _stream_sums(ahead, 1.0)
        outflows += _stream_sums(ahead, -1.0)
    if paid is not None:
        outflows[paid[0], paid[1]] += paid[2]
    return inflows, outflows


def _stream_sums(streams: np.ndarray, sign: float) -> np.ndarray:
    """``np.maximum(sign * streams, 0.0).sum(axis=1)`` of ``(E, S, M)`` ``streams``, the same
    sums to the bit (numpy adds the slices of a middle axis one after the other), one stream at
    a time: no temporary of every entity, stream and month (two, 31 MB each, at 2,000
    entities and 27 years of months). A grid of one month is summed as numpy sums it there
    (a contiguous run of streams: pairwise)."""
    if streams.shape[2] == 1:
        small: np.ndarray = np.maximum(sign * streams, 0.0).sum(axis=1)
        return small
    total = np.zeros(streams.shape[::2])
    part = np.empty_like(total)
    for s in range(streams.shape[1]):
        np.multiply(streams[:, s, :], sign, out=part)
        total += np.maximum(part, 0.0, out=part)
    return total


@dataclass(frozen=True, eq=False)
class Gross:
    """What the money in and the money out of a path are found from, kept with a runway's inputs
    (:class:`~aicapex.analysis.runwaykit.RunwayInputs`) and read only when a path is: the counted
    flows after each balance's month by their cells of ``shape`` ``(E, S, M)`` (entity, stream of
    ``streams``, month) and their signed dollars (base figures), what is assumed past the
    records (``ahead``: the base figures' extrapolation, by stream; a net ``burn_after`` in
    stream ``burn_after``) and ``paid``: policy ``arrears``' bills, out, in stream
    ``arrears``. ``streams`` begins with :data:`~aicapex.analysis.runrate.STREAMS`."""

    shape: tuple[int, int, int]
    cells: np.ndarray
    values: np.ndarray
    ahead: Extrapolation
    streams: tuple[str, ...]
    paid: Paid | None = None

    def __eq__(self, other: object) -> bool:
        """The same flows, extrapolation and bills: array by array (missing values alike)."""
        if not isinstance(other, Gross):
            return NotImplemented
        mine, theirs = (
            (g.shape, g.streams, g.cells, g.values, *vars(g.ahead).values(), *(g.paid or ()))
            for g in (self, other)
        )
        return len(mine) == len(theirs) and all(
            _same(a, b) for a, b in zip(mine, theirs, strict=True)
        )

    __hash__ = None  # type: ignore[assignment]  # (equal by value, arrays: not hashable)

    def totals(self) -> tuple[np.ndarray, np.ndarray]:
        """The money in and the money out of each entity and month, ``(E, M)`` each: the
        runway's (:func:`gross_flows` of the same flows: the same sums, to the bit)."""
        n_e, n_s, n_m = self.shape
        cells = self.cells // (n_s * n_m) * n_m + self.cells % n_m
        ahead = self.ahead.net if self.ahead.streams is None else self.ahead.streams
        return gross_sums(cells, self.values, (n_e, n_m), ahead, self.paid)

    def by_stream(self) -> tuple[np.ndarray, np.ndarray]:
        """The money in and the money out of each entity, stream and month, ``(E, S, M)`` each
        (new arrays); summed over the streams, :meth:`totals` (to the rounding)."""
        size = int(np.prod(self.shape))
        money_in, money_out = (
            np.bincount(self.cells, np.maximum(sign * self.values, 0.0), minlength=size)
            .astype(np.float64)
            .reshape(self.shape)
            for sign in (1.0, -1.0)
        )
        ahead = self.ahead
        if ahead.streams is None:  # a net burn_after
            at = self.streams.index("burn_after")
            money_in[:, at] += np.maximum(ahead.net, 0.0)
            money_out[:, at] += np.maximum(-ahead.net, 0.0)
        else:
            money_in[:, : len(STREAMS)] += np.maximum(ahead.streams, 0.0)
            money_out[:, : len(STREAMS)] += np.maximum(-ahead.streams, 0.0)
        if self.paid is not None:
            rows, columns, dollars = self.paid
            money_out[rows, self.streams.index("arrears"), columns] += dollars
        return money_in, money_out


def _same(a: object, b: object) -> bool:
    """``a`` and ``b`` equal: arrays of one shape and type, element by element (missing values
    alike), anything else by ``==``."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        missing = a.dtype.kind in "fcmM"
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=missing)
    return type(a) is type(b) and bool(a == b)


def bound_notes(chosen: pd.DataFrame, kinds: pd.Series) -> list[str]:
    """A sentence per starting balance of a runway that is a bound ("less than $4M")."""
    out = []
    bounded = np.flatnonzero(kinds.isin(["upper", "lower"]).to_numpy())  # only these rows
    # (their columns' values at those rows: itertuples costs 1 ms on a few rows)
    company, usd, ids = (
        chosen[c].to_numpy(object)[bounded] for c in ("company", "amount_usd", "id")
    )
    for who, amount, record, kind in zip(
        company, usd, ids, kinds.iloc[bounded].astype("object"), strict=True
    ):
        if kind in ("upper", "lower"):
            word = "at most" if kind == "upper" else "at least"
            out.append(
                f"{who}: the starting cash is a bound ({word} {amount:,.0f} USD, "
                f"{record}), so the runway is {word} the figure given"
            )
    return out
