"""GPU fleets: units ordered, scheduled, delivered and moved, per entity, SKU and period; and
targets against what was delivered.

Both read the GPU movements table (:mod:`aicapex.table.gpus`), which a ledger builds once. Units
are whole GPUs. By default only orders that are ``committed`` or ``delivered`` count
(``statuses=`` changes it), and with them the units moved of them: a reallocation counts when
its order does, or when it names no order the table holds. A reallocation of an order not
counted (announced, cancelled, ...) moves units nobody was counted holding: counted, it would
take them out of its ``from_entity``'s position (a negative one) and give them to its
``to_entity``; left out, the result's assumptions say how many were.

>>> import aicapex as ac
>>> fleet = ac.gpu_fleet(ac.load(ac.bundled_data()), "tesla", freq="Y")
>>> list(fleet.frame.columns[:5])
['entity', 'sku', 'period', 'ordered', 'scheduled']
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on, check_entity, check_sku, day_of
from aicapex.analysis.result import Result
from aicapex.errors import suggest
from aicapex.table.columns import is_in, records_in
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import is_ledger
from aicapex.table.frames import ledger_frame
from aicapex.table.gpus import GPU_COLUMNS, gpu_movements
from aicapex.table.tablespec import SPECS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "COUNTED",
    "FLEET_COLUMNS",
    "FREQUENCIES",
    "TARGET_COLUMNS",
    "Fleet",
    "Targets",
    "check_statuses",
    "gpu_fleet",
    "gpu_targets",
    "movements_of",
    "reported_skus",
]

#: Periods :func:`gpu_fleet` groups by: month, quarter, year.
FREQUENCIES = {"M": "M", "Q": "Q", "Y": "Y"}

#: The events of the table, the columns of :func:`gpu_fleet` in order.
_EVENTS = ("ordered", "scheduled", "delivered", "moved_in", "moved_out")

#: Columns of :attr:`Fleet.frame`.
FLEET_COLUMNS = (
    "entity",
    "sku",
    "period",
    *_EVENTS,
    "position",
    "on_hand",
)

#: Columns of :attr:`Targets.frame`.
TARGET_COLUMNS = (
    "target",
    "entity",
    "sku",
    "units",
    "by",
    "set_by",
    "delivered",
    "expected",
    "position",
    "gap",
    "share",
    "met",
)

#: The order statuses the GPU analyses count unless told otherwise (``statuses=``).
COUNTED = ("committed", "delivered")

#: No flows: an entity is checked against the ledger's entities (or the frames' parties).
_NO_FLOWS = pd.DataFrame({"entity": [], "payer": [], "payee": []})

#: The SKU label of units no record names a model for.
UNKNOWN_SKU = "unknown"

Source = "Ledger | pd.DataFrame | Mapping[str, pd.DataFrame]"


class Fleet(Result):
    """The result of :func:`gpu_fleet`: a row per entity, SKU and period."""

    NAME = "gpu_fleet"


class Targets(Result):
    """The result of :func:`gpu_targets`: a row per target."""

    NAME = "gpu_targets"


def check_statuses(statuses: object) -> tuple[str, ...]:
    """``statuses`` as a tuple of GPU order statuses. A text (``"committed"``: one status is
    ``["committed"]``) or anything not iterable is a TypeError, a status orders do not have a
    ValueError naming it: either read as a list would have counted no order, silently."""
    shown = "such as ['committed', 'delivered']"
    if isinstance(statuses, str | bytes) or not isinstance(statuses, Iterable):
        raise TypeError(
            f"expected statuses as a list of GPU order statuses, {shown}, got {statuses!r}"
        )
    out = tuple(statuses)
    # the statuses of the kind's spec (held equal to the model's): no pydantic for tables
    allowed = list(next(f for f in SPECS["gpu_orders"].fields if f.name == "status").choices)
    for status in out:
        if not isinstance(status, str) or status not in allowed:
            hint = suggest(status, allowed) if isinstance(status, str) else ""
            raise ValueError(
                f"expected GPU order statuses among {', '.join(allowed)}, got {status!r}{hint}"
            )
    return tuple(str(s) for s in out)


def check_party(source: object, entity: str | None, *columns: str) -> None:
    """:func:`~aicapex.analysis.common.check_entity` for the GPU analyses: an ``entity`` a
    ledger has no entity record of, or that no row of record frames names in ``columns``
    (``"kind.column"``, or a column of a GPU movements table), is a KeyError (a misspelt id
    was an empty answer from frames); one that is not text a TypeError. Read before
    ``known_on``: an entity known only later is an empty answer, not an error."""
    if entity is None:
        return
    if is_ledger(source) or not isinstance(entity, str):
        check_entity(source, entity, _NO_FLOWS)
        return
    seen: list[pd.Series] = []
    for name in columns:
        kind, _, column = name.rpartition(".")
        frame = source if isinstance(source, pd.DataFrame) else None
        if kind and isinstance(source, Mapping):
            frame = source.get(kind)
        if isinstance(frame, pd.DataFrame) and column in frame:
            seen.append(frame[column].astype("object"))
    if isinstance(source, Mapping) and not isinstance(source, pd.DataFrame):
        seen += [
            movements_of(source, "all")[c].astype("object") for c in ("entity", "counterparty")
        ]
    check_entity(source, entity, _NO_FLOWS, *seen)


def movements_of(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    conflicts: ConflictPolicy = "latest",
) -> pd.DataFrame:
    """The GPU movements table of ``source``: a ledger, record frames by kind, or the table
    itself (returned as is after checking its columns)."""
    if isinstance(source, pd.DataFrame):
        missing = [c for c in GPU_COLUMNS if c not in source.columns]
        if missing:
            raise ValueError(
                f"expected a GPU movements table (see aicapex.table.gpus), got one without "
                f"{missing}"
            )
        return source
    return gpu_movements(source, conflicts=conflicts)


def reported_skus(source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame]) -> set[str]:
    """The SKUs every report names: those of ``movements_of(source, "all")``. Of a ledger,
    read from its orders and reallocations without building that table (each row of it is of
    an order's SKU or of a reallocation's own: a delivery is of its order's, a reallocation
    naming none of its order's, and no report is set aside under ``"all"``)."""
    from aicapex.ledger import Ledger

    if not isinstance(source, Ledger):
        return set(movements_of(source, "all")["sku"].dropna().astype(str))
    out: set[str] = set()
    for kind in ("gpu_orders", "gpu_reallocations"):  # each column's cells, not a concat
        skus = ledger_frame(source, kind)["sku"].to_numpy(object)
        out.update(str(s) for s in skus[~pd.isna(skus)])
    return out


def counted(moves: pd.DataFrame, statuses: Iterable[str]) -> pd.DataFrame:
    """The rows of orders of ``statuses`` (their deliveries, whoever holds them, included) and
    the reallocations of those orders or of none the table holds (see the module docs)."""
    keep = _counted_rows(moves, tuple(statuses))
    return moves if keep.all() else moves[keep]


def counted_moves(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    conflicts: ConflictPolicy,
    statuses: Iterable[str],
) -> pd.DataFrame:
    """``counted(movements_of(source, conflicts), statuses)``: a ledger's found once per
    policy and statuses (``Ledger.memo``; the fleet and the targets read the same), each call
    a new frame sharing the data."""
    from aicapex.ledger import Ledger

    if not isinstance(source, Ledger):
        return counted(movements_of(source, conflicts), statuses)
    ledger, wanted = source, tuple(statuses)
    found: pd.DataFrame = ledger.memo(
        ("counted_moves", conflicts, wanted),
        lambda: counted(movements_of(ledger, conflicts), wanted),
    )
    return found.copy(deep=False)


def _counted_rows(moves: pd.DataFrame, statuses: tuple[str, ...]) -> np.ndarray:
    """Which rows of ``moves`` (a whole GPU movements table) :func:`counted` keeps."""
    status = moves["status"]  # read by its codes (is_in), not cast to objects (~0.4 ms)
    keep = np.array(is_in(status, statuses), dtype=bool)  # a copy: written below
    moved = is_in(status, ("reallocated",))
    if not moved.any():
        return keep
    ordered = is_in(moves["event"], ("ordered",))
    order = moves["order"].to_numpy(object)
    # each order's status (its first ordered row's) counted, or missing: its moves count
    fine = (keep | status.isna().to_numpy())[ordered]
    ids = pd.Index(order[ordered])
    first = ~ids.duplicated()
    at = ids[first].get_indexer(order[moved])  # -1: no order of the table, counted
    keep[moved] = np.append(fine[first], True)[at]
    return keep


def _left_out(moves: pd.DataFrame, rows: np.ndarray) -> tuple[str, ...]:
    """The assumption naming the reallocations of ``rows`` of ``moves`` that are not counted
    (of orders of other statuses), if any."""
    out = rows & (moves["status"].to_numpy(object) == "reallocated")
    ids = list(dict.fromkeys(moves["record"].to_numpy(object)[out]))
    if not ids:
        return ()
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return (
        f"{len(ids)} reallocation{'s' if len(ids) > 1 else ''} of orders of other statuses "
        f"left out ({shown}): units no entity is counted holding",
    )


def _every_report(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    moves: pd.DataFrame,
    conflicts: ConflictPolicy,
) -> tuple[str, ...]:
    """The assumption naming the records of ``moves`` (counted under ``conflicts="all"``) that
    the default policy sets aside as other reports of one fact, if any: their units add to
    those of the fact's other reports."""
    if conflicts != "all" or isinstance(source, pd.DataFrame) or moves.empty:
        return ()
    kept = movements_of(source, "latest")["record"].astype("object")
    ids = list(dict.fromkeys(moves["record"].to_numpy(object)))
    extra = [i for i in ids if i not in set(kept.to_numpy())]
    if not extra:
        return ()
    shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
    n = len(extra)
    return (
        f"conflicts='all': {n} record{'s' if n > 1 else ''} reporting a fact another record "
        f"reports ({shown}) counted as well: an order or move two sources report counts once "
        "per report (see Ledger.conflicts())",
    )


def _period(dates: pd.Series, freq: str) -> np.ndarray:
    """First day of each date's period (datetime64[ns])."""
    month = dates.to_numpy("datetime64[M]")
    if freq == "M":
        return month.astype("datetime64[ns]")
    year = month.astype("datetime64[Y]")
    if freq == "Y":
        return year.astype("datetime64[ns]")
    offset = (month - year.astype("datetime64[M]")).astype(np.int64) // 3 * 3
    quarter: np.ndarray = year.astype("datetime64[M]") + offset.astype("timedelta64[M]")
    return quarter.astype("datetime64[ns]")


def _empty_fleet() -> pd.DataFrame:
    data: dict[str, pd.Series] = {
        "entity": pd.Series([], dtype="object"),
        "sku": pd.Series([], dtype="object"),
        "period": pd.Series([], dtype="datetime64[ns]"),
    }
    for name in FLEET_COLUMNS[3:]:
        data[name] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def gpu_fleet(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    freq: str = "M",
    *,
    sku: str | None = None,
    statuses: Iterable[str] = ("committed", "delivered"),
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Fleet:
    """Units per entity, SKU and period (``freq``: ``"M"``, ``"Q"`` or ``"Y"``), from the first
    period with a movement to the last, every period in between.

    Columns: ``entity``, ``sku`` (``unknown`` where no record names it), ``period`` (its first
    day), ``ordered``, ``scheduled``, ``delivered``, ``moved_in``, ``moved_out`` (units in the
    period; moved_out as a positive count), ``position`` (units ordered or received by
    reallocation less those moved out, cumulative: what the entity is owed or holds) and
    ``on_hand`` (units delivered to it, cumulative, reallocated deliveries to whoever got them).

    Orders count when of ``statuses``, reallocations when their order does (or they name no
    order): a reallocation of an order not counted is left out, and the assumptions name it.
    A position below zero is units moved out that the records do not show the entity holding:
    a load refuses reallocations of an order above its units or of another SKU, and warns of
    the rest (``reallocated-beyond-held``: :mod:`aicapex.checks.gpus`); moves dated before the
    units came also show one.

    ``conflicts``: how conflicting reports of one order or move are resolved (see
    ``Ledger.conflicts()``): ``"latest"`` (default) and ``"earliest"`` count one report of each;
    ``"all"`` counts every report, so an order two outlets report is counted twice (an audit
    of what was reported, as the flows' ``"all"``), never a fleet.
    """
    if not isinstance(freq, str) or freq not in FREQUENCIES:
        raise ValueError(f"expected freq among {list(FREQUENCIES)}, got {freq!r}")
    statuses = check_statuses(statuses)
    check_party(source, entity, "entity", "counterparty")
    source, reported = as_known_on(source, known_on), source  # checks the source first
    if sku is not None:  # SKUs of every report, whenever known: a misspelt one is an error
        check_sku(sku, pd.Series(sorted(reported_skus(reported)), dtype=object))
    moves = movements_of(source, conflicts)
    wanted = np.ones(len(moves), dtype=bool)
    if entity is not None:
        wanted &= (moves["entity"] == entity).to_numpy()
    if sku is not None:
        wanted &= (moves["sku"] == sku).to_numpy()
    keep = _counted_rows(moves, statuses)  # of the whole table: an order's status is its row's
    left_out = _left_out(moves, wanted & ~keep)
    if not (wanted & keep).all():  # the table itself when every row counts (a copy: ~0.3 ms)
        moves = moves[wanted & keep]
    params = {"entity": entity, "freq": freq, "sku": sku, "known_on": known_on}
    assumptions = (
        f"orders of status {', '.join(statuses)} and the reallocations of them (or of no order)",
        *left_out,
        *_every_report(source, moves, conflicts),
        "units arrive at the last day of the span a delivery is dated to; orders and "
        "reallocations count from the first day of theirs",
        "a reallocation of an order takes the order's earliest deliveries on or after it",
    )
    if moves.empty:
        return Fleet(frame=_empty_fleet(), assumptions=assumptions, params=params)
    period = _period(moves["date"], freq)
    sku_col = moves["sku"].astype("object").fillna(UNKNOWN_SKU).to_numpy()
    keys = pd.MultiIndex.from_arrays(
        [moves["entity"].to_numpy(object), sku_col], names=["entity", "sku"]
    )
    group, uniq = pd.factorize(keys)
    periods, p_idx = np.unique(period, return_inverse=True)
    all_periods = pd.date_range(
        periods.min(), periods.max(), freq={"M": "MS", "Q": "QS", "Y": "YS"}[freq]
    )
    p_pos = all_periods.get_indexer(pd.DatetimeIndex(periods))[p_idx]
    n_g, n_p = len(uniq), len(all_periods)
    cell = group * n_p + p_pos
    units = moves["units"].to_numpy("int64")
    event = moves["event"].to_numpy(object)
    data: dict[str, np.ndarray] = {}
    for name in _EVENTS:
        mine = event == name
        sums = np.bincount(cell[mine], weights=units[mine], minlength=n_g * n_p)
        data[name] = np.abs(sums).astype(np.int64).reshape(n_g, n_p)
    position = np.cumsum(data["ordered"] + data["moved_in"] - data["moved_out"], axis=1)
    on_hand = np.cumsum(data["delivered"], axis=1)
    ent = np.asarray(uniq.get_level_values(0), dtype=object)
    sk = np.asarray(uniq.get_level_values(1), dtype=object)
    # sorted by entity, SKU and period as sort_values sorts them (missing last): the groups
    # by their sorted codes, each group's periods already in order (not a sort of the frame)
    ranks = [pd.factorize(v, sort=True) for v in (sk, ent)]
    by = np.lexsort([np.where(c < 0, len(u), c) for c, u in ranks])
    frame = pd.DataFrame(
        {
            "entity": np.repeat(ent[by], n_p),
            "sku": np.repeat(sk[by], n_p),
            "period": np.tile(all_periods.to_numpy(), n_g),
            **{name: data[name][by].ravel() for name in _EVENTS},
            "position": position[by].ravel(),
            "on_hand": on_hand[by].ravel(),
        }
    )
    return Fleet(
        frame=frame,
        used_records=functools.partial(records_in, moves),
        assumptions=assumptions,
        params=params,
    )


def _empty_targets() -> pd.DataFrame:
    texts = dict.fromkeys(("target", "entity", "sku", "set_by"), "object")
    others = {"by": "datetime64[ns]", "share": "float64", "met": "bool"}
    dtypes = dict.fromkeys(TARGET_COLUMNS, "int64") | texts | others  # counts: int64
    return pd.DataFrame({c: pd.Series([], dtype=dtypes[c]) for c in TARGET_COLUMNS})


def _expected(event: np.ndarray, units: np.ndarray, order: np.ndarray) -> int:
    """Units delivered plus those scheduled and not delivered: per order, the larger of its
    delivered and its scheduled units (deliveries fill the schedule, not add to it)."""
    keep = np.isin(event, ["delivered", "scheduled"])
    if not keep.any():
        return 0
    codes, _ = pd.factorize(order[keep], use_na_sentinel=False)
    delivered = np.bincount(codes, weights=np.where(event[keep] == "delivered", units[keep], 0))
    scheduled = np.bincount(codes, weights=np.where(event[keep] == "scheduled", units[keep], 0))
    return int(np.maximum(delivered, scheduled).sum())


def gpu_targets(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    as_of: DateLike | Mapping[str, DateLike | None] | None = None,
    statuses: Iterable[str] = ("committed", "delivered"),
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Targets:
    """Each GPU target against the units the entity had by its date.

    ``source`` is a ledger or record frames holding ``gpu_targets`` (and the GPU kinds).
    Columns: ``target`` (its id), ``entity``, ``sku`` (none: any GPU), ``units``, ``by`` (the
    last day of the target's date), ``set_by``, ``delivered`` (units delivered to the entity by
    then, of that SKU or any), ``expected`` (delivered plus the units scheduled by then and
    not delivered by then: per order, the larger of its delivered and scheduled units, as
    deliveries fill a schedule rather than add to it), ``position``
    (ordered or received less moved out, by then), ``gap`` (units less delivered, at least 0),
    ``share`` (delivered over units) and ``met``. ``as_of`` caps the date deliveries count to
    (what was known to be there by then), a target's without a date too; ``by`` stays the
    target's own date; a mapping gives each entity its own (an entity it leaves out, or maps
    to ``None``: no cap). Orders and reallocations count as in :func:`gpu_fleet`.
    """
    from aicapex.ledger import Ledger

    check_party(source, entity, "gpu_targets.entity")
    source, reported = as_known_on(source, known_on), source  # checks the source first
    skus = reported_skus(reported)  # every report's
    if isinstance(source, Ledger):
        targets = ledger_frame(source, "gpu_targets")  # read only
    else:
        targets = source.get("gpu_targets", pd.DataFrame())
    statuses = check_statuses(statuses)
    moves = counted_moves(source, conflicts, statuses)
    params = {"entity": entity, "as_of": as_of, "known_on": known_on}
    if entity is not None and not targets.empty:
        targets = targets[(targets["entity"].astype("object") == entity).to_numpy()]
    if targets.empty:
        return Targets(frame=_empty_targets(), params=params)
    by = targets["by_end"].to_numpy("datetime64[ns]")
    until = by  # the day deliveries count to: the target's, else (none) every one
    if isinstance(as_of, Mapping):  # each entity its own cap, once per distinct date
        days = {str(w): day_of(w, end=True) for w in set(as_of.values()) if w is not None}
        nat = np.datetime64("NaT", "ns")
        caps: np.ndarray = np.array(
            [days.get(str(as_of.get(e)), nat) for e in targets["entity"].astype("object")],
            dtype="datetime64[ns]",
        )
        capped = ~np.isnat(caps)
        until = np.where(capped & (np.isnat(by) | (caps < by)), caps, by)
    elif as_of is not None:  # as_of caps it, a target without a date too (min with NaT: NaT)
        cap = day_of(as_of, end=True)
        until = np.where(np.isnat(by), cap, np.minimum(by, cap))
    m_entity = moves["entity"].to_numpy(object)
    m_sku = moves["sku"].to_numpy(object)
    m_date = moves["date"].to_numpy("datetime64[ns]")
    m_units = moves["units"].to_numpy("int64")
    m_event = moves["event"].to_numpy(object)
    m_order = moves["order"].to_numpy(object)
    out: dict[str, list[int]] = {"delivered": [], "expected": [], "position": []}
    used: list[np.ndarray] = []
    # one pass per target over the entity's rows (targets are few)
    for who, model, day in zip(
        targets["entity"].to_numpy(object), targets["sku"], until, strict=True
    ):
        mine = m_entity == who
        if not np.isnat(day):  # a target with no date counts every delivery
            mine &= m_date <= day
        if not pd.isna(model):
            mine &= m_sku == model
        used.append(mine)
        ev, u = m_event[mine], m_units[mine]
        out["delivered"].append(int(u[ev == "delivered"].sum()))
        out["expected"].append(_expected(ev, u, m_order[mine]))
        out["position"].append(int(u[np.isin(ev, ["ordered", "moved_in", "moved_out"])].sum()))
    units = targets["units"].to_numpy("int64", na_value=0)
    delivered = np.array(out["delivered"], dtype=np.int64)
    frame = pd.DataFrame(
        {
            "target": targets["id"].to_numpy(object),
            "entity": targets["entity"].to_numpy(object),
            "sku": targets["sku"].to_numpy(object),
            "units": units,
            "by": by,
            "set_by": targets["set_by"].to_numpy(object),
            "delivered": delivered,
            "expected": np.array(out["expected"], dtype=np.int64),
            "position": np.array(out["position"], dtype=np.int64),
            "gap": np.maximum(units - delivered, 0),
            "share": delivered / np.where(units > 0, units, 1),
            "met": delivered >= units,
        }
    )
    any_used = np.logical_or.reduce(used) if used else np.zeros(len(moves), dtype=bool)
    ids = targets["id"].to_numpy(object)  # the targets and the rows counted, when read
    return Targets(
        frame=frame,
        used_records=lambda: pd.Index(
            sorted({*ids, *records_in(moves, any_used)}), dtype=object, name="record"
        ),
        assumptions=(
            "delivered: units delivered to the entity by the target's date (reallocated "
            "deliveries count for whoever got them); expected adds the units scheduled by "
            "then that were not delivered by then (per order, the larger of the two)",
            f"orders of status {', '.join(statuses)} and the reallocations of them (or of no "
            "order)",
            # the rows taken only when every report counts (else it names none: ~0.6 ms)
            *(_every_report(source, moves[any_used], conflicts) if conflicts == "all" else ()),
        ),
        warnings=_unknown_skus(frame, skus),
        params=params,
    )


def _unknown_skus(frame: pd.DataFrame, skus: set[str]) -> tuple[str, ...]:
    """A warning per target of a SKU no GPU order or reallocation names (a misspelt 'h100'
    counts no unit of 'H100': delivered 0, read as short)."""
    out = []
    for target, sku in zip(frame["target"], frame["sku"], strict=True):
        if isinstance(sku, str) and sku not in skus:
            hint = suggest(sku, sorted(skus))
            out.append(
                f"{target}: no GPU order or reallocation of SKU {sku!r}{hint}: nothing counts "
                "toward it"
            )
    return tuple(out)
