"""The pieces of a runway: each entity's date and balance, the flows it counts (with their
pessimistic and optimistic ends), the arrears it pays, the month-by-month path it shows, and
its inputs stream by stream (:class:`RunwayInputs`, for scenarios and simulations)."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np
import pandas as pd

from aicapex.analysis.arrears import pay_arrears
from aicapex.analysis.burn import BURN_CATEGORIES
from aicapex.analysis.common import (
    filled,
    fraction_of_month,
    months_between,
    same_figures,
)
from aicapex.analysis.inbalance import committed_before
from aicapex.analysis.runrate import (
    REVENUE,
    STREAMS,
    BurnAfter,
    Extrapolation,
    RateLayout,
    extrapolate,
    rate_layout,
)
from aicapex.analysis.runwaygrid import (
    BalanceGrid,
    as_of_of,
    balance_columns,
    balance_grid,
    balance_kinds,
    latest_balances,
)
from aicapex.analysis.runwayresult import Gross, gross_flows, path_frame, records_used
from aicapex.analysis.runwayrows import (
    COUNTED_KINDS,
    COUNTED_STATUSES,
    SPEND_COLUMNS,
    counted_flows,
    counted_frame,
    counted_rows,
    flow_lookups,
    same_rows,
    select_rows,
    spend_flows,
    spend_rows,
)
from aicapex.dates import DateLike
from aicapex.limits import MAX_AMOUNT
from aicapex.table.adjust import ADJUSTMENT_KIND
from aicapex.table.columns import positions

__all__ = [
    "CASH_COLUMNS",
    "HORIZON",
    "INPUT_STREAMS",
    "MAX_HORIZON",
    "SPEND_COLUMNS",
    "BalanceGrid",
    "Gross",
    "RunwayInputs",
    "SpendAhead",
    "as_of_of",
    "as_of_words",
    "balance_columns",
    "balance_grid",
    "balance_kinds",
    "check_cash",
    "check_horizon",
    "collect_inputs",
    "counted_flows",
    "ends_of_spend",
    "gross_flows",
    "latest_balances",
    "path_frame",
    "runway_assumptions",
    "same_rows",
    "spend_aheads",
    "spend_flows",
    "stream_flows",
]


#: Months simulated after ``as_of`` by default (20 years).
HORIZON = 240
#: The most months simulated after ``as_of`` (60 years): from any date a ledger holds (up to
#: 2200), the months stay within the days pandas can hold (to 2262).
MAX_HORIZON = 720


def check_horizon(horizon: object) -> None:
    """Raise ValueError unless ``horizon`` is a whole number of months, 1 to :data:`MAX_HORIZON`."""
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 0 < horizon <= MAX_HORIZON:
        raise ValueError(
            f"expected a horizon of at least 1 month and at most {MAX_HORIZON} months (60 "
            f"years), got {horizon!r}"
        )


#: The columns of a frame of cash balances (``cash=``) the runway reads.
CASH_COLUMNS = ("id", "company", "date_end", "amount_usd", "reported_start")


def check_cash(cash: object) -> None:
    """Raise TypeError or ValueError unless ``cash`` is ``None``, a frame with
    :data:`CASH_COLUMNS`, or a mapping of entity to a finite number of US dollars (at most
    :data:`~aicapex.limits.MAX_AMOUNT` either way, as a record's)."""
    if cash is None:
        return
    if isinstance(cash, Mapping):
        for entity, value in cash.items():
            number = isinstance(value, numbers.Real | Decimal) and not isinstance(value, bool)
            if not number or not -MAX_AMOUNT <= float(value) <= MAX_AMOUNT:
                raise ValueError(
                    f"cash: expected a finite number of US dollars for {entity!r}, at most "
                    f"{MAX_AMOUNT:.0e} either way, got {value!r}"
                )
        return
    if not isinstance(cash, pd.DataFrame):
        raise TypeError(
            "cash: expected a frame like ledger.frame('cash_balances') or a mapping of entity "
            f"to US dollars ({{'entity-id': 4e6}}), got {type(cash).__name__} {cash!r}"
        )
    missing = [c for c in CASH_COLUMNS if c not in cash.columns]
    if missing:
        raise ValueError(
            "cash: expected a frame like ledger.frame('cash_balances'), got one without "
            + ", ".join(missing)
        )


def as_of_words(as_of: DateLike | Mapping[str, DateLike]) -> str:
    return "each entity's date" if isinstance(as_of, Mapping) else str(as_of)


def runway_assumptions(
    as_of: DateLike | Mapping[str, DateLike],
    policy: str,
    counted: pd.DataFrame,
    shared: list[str],
) -> list[str]:
    """A runway's assumptions before those of policy ``arrears`` and of bounded balances."""
    out = [
        f"cash at the start: the last cash balance at or before {as_of_words(as_of)}, rolled "
        "forward month by month from its date",
        f"policy {policy!r}: expenses and revenues (not planned ones) and "
        + (
            "disbursed and committed funding on their dates"
            if policy == "committed"
            else "funding actually disbursed, on its dates"
        ),
        "money in dated only to a span arrives at its last day, money out leaves at its first",
        "ranges: months_low counts the least cash and money in and the most money out the "
        "figures allow (bounds and approximations at their default widths), months_high the "
        "reverse",
    ]
    if (counted["kind"] == "gpu_orders").any():
        out.append(
            "capex: GPU orders paid on their payment dates, else on their delivery dates in "
            "proportion to the units (scheduled units on their scheduled dates)"
        )
    return out + shared


def ends_of_spend(spend: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The expenses and revenues rows with ``amount_usd`` at their pessimistic end (the most
    spending, the least revenue: ``low``) and at their optimistic end (``high``)."""
    base = spend["amount_usd"]
    low, high = filled(spend["low_usd"], base), filled(spend["high_usd"], base)
    figures = base.to_numpy()
    if figures.dtype == np.float64 and same_figures(low, figures) and same_figures(high, figures):
        return {"low": spend, "high": spend}  # exact figures only: both ends are the base
    revenue = (spend["kind"] == "revenues").to_numpy()
    return {
        "low": spend.assign(amount_usd=np.where(revenue, low, high)),
        "high": spend.assign(amount_usd=np.where(revenue, high, low)),
    }


#: The streams of :class:`RunwayInputs`: each spending category and revenue (recorded, then at
#: their run rates), ``burn_after`` (the net burn a number ``burn_after`` assumes), ``funding``
#: (funding received), ``tranches`` (tranches counted before they are disbursed, with policy
#: ``committed``, and tranches a what-if disburses), ``arrears`` (bills paid, with policy
#: ``arrears``) and ``other_flows`` (money of other kinds, and other money adjustments add).
INPUT_STREAMS: tuple[str, ...] = (
    *STREAMS,
    "burn_after",
    "funding",
    "tranches",
    "arrears",
    "other_flows",
)


@dataclass(frozen=True, eq=False)
class RunwayInputs:
    """What a runway rolls forward, before it does, stream by stream (see
    :func:`aicapex.analysis.runway.runway_inputs`). Variants are, in order, the base figures,
    the pessimistic end of every range and the optimistic end (as for ``months_low`` and
    ``months_high``).

    Attributes:
        entities: the entities (``E``), each with its cash balance.
        months: the grid (``M`` first days of months, from the month after the earliest
            balance to ``horizon`` months past the latest ``as_of``).
        start: the starting cash, ``(3, E)`` (US dollars at the end of each balance's month).
        flows: the counted money, signed (+ in), ``(3, E, S, M)`` over :data:`INPUT_STREAMS`.
        counted: ``(E, M)``, the months where running out counts (after each balance).
        assumed: ``(E, M)``, the streams assumed past their records as a bit mask (see
            :func:`~aicapex.analysis.runrate.stream_labels`).
        as_of_col: each entity's ``as_of`` month's column (``-1``: the balance's month).
        as_of_pos: each entity's ``as_of`` in months from the grid's start (fractional).
        start_pos: the end of each entity's balance month, in months from the grid's start.
        balance_day: each entity's balance day (datetime64[ns]).
        frame: per entity, the runway's columns that no flow changes: ``entity``,
            ``balance_record``, ``balance_date``, ``balance_usd``, ``bound``,
            ``last_recorded_month``, ``burn_after``, ``as_of``.
        assumptions: the runway's assumptions, as sentences.
        records: the ids of the records used (balances and counted flows), sorted.
        gross: what the money in and the money out of the path (base figures) are found
            from when it is read (:class:`~aicapex.analysis.runwayresult.Gross`).
    """

    entities: pd.Index
    months: pd.DatetimeIndex
    start: np.ndarray
    flows: np.ndarray
    counted: np.ndarray
    assumed: np.ndarray
    as_of_col: np.ndarray
    as_of_pos: np.ndarray
    start_pos: np.ndarray
    balance_day: np.ndarray
    frame: pd.DataFrame
    assumptions: tuple[str, ...]
    records: pd.Index
    streams: tuple[str, ...] = INPUT_STREAMS
    gross: Gross | None = None


def _counted_streams(
    rows: pd.DataFrame, looked: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Each counted flow's stream (its position in :data:`INPUT_STREAMS`); ``looked``: the
    rows' kinds and statuses (positions in :data:`COUNTED_KINDS` and :data:`COUNTED_STATUSES`),
    if found already."""
    at = {name: i for i, name in enumerate(INPUT_STREAMS)}
    if looked is None:  # looked up once per category
        looked = positions(rows["kind"], COUNTED_KINDS), positions(rows["status"], COUNTED_STATUSES)
    kind, status = looked
    by_name = positions(rows["category"], _STREAM_NAMES)
    burn = (by_name >= 0) & (by_name < len(BURN_CATEGORIES))  # INPUT_STREAMS begins with them
    spending = np.where(burn, by_name, at["other"])
    disbursed = status == 0
    funding = np.where(disbursed, at["funding"], at["tranches"])
    raised = (kind == 2) | (kind == 3)
    revenue = np.full(len(kind), at[REVENUE])
    # adjustments by their category's stream; other kinds (GPU purchases ...) apart
    other = np.where((kind == 4) & (by_name >= 0), by_name, at["other_flows"])
    out: np.ndarray = np.select([kind == 0, kind == 1, raised], [spending, revenue, funding], other)
    return out


_STREAM_NAMES = pd.Index(INPUT_STREAMS)


def _ahead_by_stream(burn_after: BurnAfter, whole: Extrapolation) -> np.ndarray:
    """``whole.net`` (the flows assumed past the records) split by stream, ``(E, S, M)``:
    ``whole.streams`` (each stream's run rate is its own rows'), a net ``burn_after`` apart."""
    n_e, n_m = whole.net.shape
    out = np.zeros((n_e, len(INPUT_STREAMS), n_m))
    if burn_after is not None and not isinstance(burn_after, Mapping):
        out[:, INPUT_STREAMS.index("burn_after")] = whole.net
        return out
    assert whole.streams is not None
    out[:, : len(STREAMS)] = whole.streams
    return out


#: The columns of flows :func:`collect_inputs` reads of the counted ones (``signed`` reads
#: ``direction`` and the amounts; ``require_usd`` names ``currency`` and ``record``).
_COUNTED_COLUMNS = (
    "entity",
    "date",
    "month",
    "kind",
    "category",
    "status",
    "record",
    "currency",
    "direction",
    "amount_usd",
    "low_usd",
    "high_usd",
)
#: The columns of counted flows :func:`stream_flows` reads (spending's first four: entity,
#: month, kind, category).
_LATER_COLUMNS = (*SPEND_COLUMNS[:4], "status", "signed", "signed_low", "signed_high")


def stream_flows(
    later: pd.DataFrame,
    spend: pd.DataFrame,
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    burn_after: BurnAfter,
    layout: RateLayout | None = None,
    aheads: tuple[Extrapolation, ...] | None = None,
    looked: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, Extrapolation, Gross]:
    """The counted flows after each balance (``later``, with ``signed``, ``signed_low`` and
    ``signed_high`` columns) and what each stream of ``spend`` is assumed to move past its
    records, as ``(3, E, S, M)`` over :data:`INPUT_STREAMS`; with the base extrapolation and
    what the path's money in and out are found from (:class:`Gross`, without bills paid).
    ``layout``: ``spend``'s :func:`~aicapex.analysis.runrate.rate_layout`, if found already;
    ``aheads``: its :func:`spend_aheads`, if found already; ``looked``: the rows' entities
    (positions in ``entities``), kinds and statuses (as :func:`_counted_streams` reads them),
    if found already (a runway's builds look every flow up once)."""
    n_e, n_s, n_m = len(entities), len(INPUT_STREAMS), len(months)
    out = np.zeros((3, n_e, n_s, n_m))
    if not len(later):
        e = np.array([], dtype=np.int64)
    elif looked is not None:
        e = looked[0].astype(np.int64, copy=False)
    else:
        e = positions(later["entity"], entities)
    m = months.get_indexer(later["month"]) if len(later) else e  # type: ignore[arg-type]
    ok = (e >= 0) & (m >= 0)
    streams = _counted_streams(later, None if looked is None else looked[1:]) if len(later) else e
    cell = ((e * n_s + streams) * n_m + m)[ok] if len(later) else e
    if aheads is None:
        aheads = spend_aheads(spend, entities, months, active, burn_after, layout)
    whole = None
    base = np.zeros(0)  # the base figures' dollars of the rows at cell
    for v, column in enumerate(("signed", "signed_low", "signed_high")):
        if len(later):
            weights = later[column].to_numpy("float64")[ok]
            if v == 0:
                base = weights
            out[v] = np.bincount(cell, weights=weights, minlength=n_e * n_s * n_m).reshape(
                n_e, n_s, n_m
            )
        ahead = aheads[v]
        whole = ahead if whole is None else whole
        out[v] += _ahead_by_stream(burn_after, ahead)
    assert whole is not None
    return out, whole, Gross((n_e, n_s, n_m), cell, base, whole, INPUT_STREAMS)


def spend_aheads(
    spend: pd.DataFrame,
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    burn_after: BurnAfter,
    layout: RateLayout | None = None,
) -> tuple[Extrapolation, ...]:
    """What each stream of ``spend`` is assumed to move past its records, by stream, at the
    base figures and at the pessimistic and optimistic ends (:func:`ends_of_spend`); ``layout``
    as for :func:`stream_flows`."""
    grid = months.to_numpy()
    spends = {"base": spend, **ends_of_spend(spend)}
    layout = rate_layout(spend, entities) if layout is None else layout  # (the three ends')
    return tuple(
        extrapolate(spends[v], entities, grid, active, burn_after, layout=layout, by_stream=True)
        for v in ("base", "low", "high")
    )


@dataclass(frozen=True, eq=False)
class SpendAhead:
    """The spending :func:`collect_inputs` extrapolated past its records (``spend``: its
    expenses and revenues rows), its layout and the three extrapolations, over ``grid``."""

    grid: BalanceGrid
    burn_after: BurnAfter
    spend: pd.DataFrame
    layout: RateLayout | None
    aheads: tuple[Extrapolation, ...]

    def of(self, grid: BalanceGrid, burn_after: BurnAfter, spend: pd.DataFrame) -> bool:
        """Whether it was found over this grid and ``burn_after`` of the same rows."""
        return self.grid is grid and self.burn_after is burn_after and same_rows(self.spend, spend)


def collect_inputs(
    flows: pd.DataFrame,
    balances: pd.DataFrame,
    entity: str | None,
    as_of: DateLike | None,
    policy: str,
    burn_after: BurnAfter,
    horizon: int,
    notes: list[str],
    shared: dict[str, BalanceGrid | SpendAhead] | None = None,
) -> RunwayInputs:
    """The :class:`RunwayInputs` of adjusted ``flows`` and ``balances`` (as :func:`~aicapex.
    analysis.runway.runway` computes them; ``notes``: assumptions so far). ``shared``: where
    the :class:`BalanceGrid` found last is kept (a scenario setting's builds: their balances
    are most often the same frame), read again for the same frame and arguments."""
    found = shared.get("grid") if shared is not None else None
    if not isinstance(found, BalanceGrid) or not found.of(balances, entity, as_of, horizon):
        found = balance_grid(balances, entity, as_of, horizon)
        if shared is not None:
            shared["grid"] = found
    at, chosen, entities = found.as_of, found.chosen, found.entities  # (as_of None: found)
    end_day, as_of_month, balance_day = found.end_day, found.as_of_month, found.balance_day
    balance_month, grid_start, as_of_col = found.balance_month, found.grid_start, found.as_of_col
    months, active = found.months, found.active
    # every flow's kind, status and entity looked up once (counted flows and spending share it)
    kind, status, planned, where = flow_lookups(flows, entities)
    keep = counted_rows(kind, status, planned, where, policy)
    read = tuple(c for c in _COUNTED_COLUMNS if c in flows)  # (a flows table may lack currency)
    counted = counted_frame(flows, keep, read)  # counted_flows, the columns read below
    e_idx = where[keep]
    added = kind[keep] == COUNTED_KINDS.get_loc(ADJUSTMENT_KIND)
    after = (counted["date"].to_numpy("datetime64[ns]") > balance_day[e_idx]) | added
    in_start = counted["month"].to_numpy("datetime64[ns]") <= balance_month[e_idx]
    spend = select_rows(flows, spend_rows(kind, planned, where), SPEND_COLUMNS)  # spend_flows
    now = after & in_start
    later = after & ~in_start
    moved = select_rows(counted, later, _LATER_COLUMNS)  # only what stream_flows reads
    spent = shared.get("spend") if shared is not None else None
    if isinstance(spent, SpendAhead) and spent.of(found, burn_after, spend):  # (a what-if of
        spend, layout, aheads = spent.spend, spent.layout, spent.aheads  # other money: shared)
    else:
        layout = rate_layout(spend, entities)  # (stream_flows' and the records')
        aheads = spend_aheads(spend, entities, months, active, burn_after, layout)
        if shared is not None:
            shared["spend"] = SpendAhead(found, burn_after, spend, layout, aheads)
    # (the moved rows' entities, kinds and statuses: looked up with every flow's already)
    looked = (e_idx[later], kind[keep][later], status[keep][later])
    by_stream, ahead, gross = stream_flows(
        moved, spend, entities, months, active, burn_after, layout, aheads, looked
    )
    starts = []
    for column, cash in zip(("signed", "signed_low", "signed_high"), found.cash, strict=True):
        start = cash.copy()  # (the balance's figure: found.cash is shared, never changed)
        np.add.at(start, e_idx[now], counted[column].to_numpy()[now])
        starts.append(start)
    start_cash = np.stack(starts)
    looked_up = (kind, status, planned, where)
    before = committed_before(flows, entities, balance_day, chosen, looked_up)
    said = before.sentences(policy)
    notes = [f"policy {policy!r}", *said, *notes, ahead.sentence]
    bills = None
    if policy == "arrears":
        paid_now, paid_later, sentences, bills = pay_arrears(
            flows, at, entities, balance_month, as_of_month
        )
        start_cash -= paid_now
        later = np.flatnonzero(as_of_col >= 0)
        stream = INPUT_STREAMS.index("arrears")
        by_stream[:, later, stream, as_of_col[later]] -= paid_later[:, later]
        gross = replace(gross, paid=(later, as_of_col[later], paid_later[0, later]))
        notes.extend(sentences)
    frame = pd.DataFrame(
        {
            **found.columns,  # (balance_columns)
            "last_recorded_month": ahead.last,
            "burn_after": ahead.burn_after,
            "as_of": end_day.astype("datetime64[ns]"),
        }
    )
    own = after & ~added
    balance_ids = frame["balance_record"].to_numpy(object)
    used = records_used(
        entities, balance_ids, e_idx[own], counted["record"][own], spend, layout, ahead, bills
    )
    return RunwayInputs(
        entities=entities,
        months=months,
        start=start_cash,
        flows=by_stream,
        counted=active,
        assumed=ahead.assumed,
        as_of_col=as_of_col,
        as_of_pos=as_of_col + fraction_of_month(end_day),
        start_pos=(months_between(grid_start, balance_month) + 1).astype(float),
        balance_day=balance_day,
        frame=frame,
        assumptions=tuple(notes),
        records=used.all(),
        gross=gross,
    )
