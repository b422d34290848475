"""Related parties: money, GPUs and contracts between entities under common control.

Two entities are related parties when one controls the other, a third controls both, or one
party controls one of them and has significant influence over the other (a stake of at least
:data:`~aicapex.records.INFLUENCE_THRESHOLD`, 20%: IAS 24.9(b)(vii); Musk controls X and holds
20.5% of Tesla, so Tesla and X are related).
Control comes from ``controlled_by`` (passed on: a parent's parent controls too) and, where the
ledger has stakes, from :func:`aicapex.analysis.control.control` (majority and controlling
stakes). Between related parties, :func:`related_parties` lists every flow (one row per record,
payer and payee, and basis: see :mod:`aicapex.table.legs`), every GPU reallocation, every
compute contract (money or not: xAI using X's data centres) and every GPU order.

>>> import aicapex as ac
>>> rp = ac.related_parties(ac.load(ac.bundled_data()), "tesla")
>>> sorted(set(rp.frame["kind"]))
['reallocation']
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import DateLike, as_known_on, check_entity
from aicapex.analysis.dealskit import kept_frame
from aicapex.analysis.loops import ledger_legs, typed_columns
from aicapex.analysis.result import Result, record_index
from aicapex.records import INFLUENCE_THRESHOLD
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows
from aicapex.table.frames import ledger_frame
from aicapex.table.legs import BASES, LEG_KINDS, LegCodes

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["RELATED_COLUMNS", "RelatedParties", "controllers", "related_parties"]

_DTYPES = {
    "kind": "object",
    "record": "object",
    "date": "datetime64[ns]",
    "from_entity": "object",
    "to_entity": "object",
    "what": "object",
    "basis": "object",
    "amount_usd": "float64",
    "units": "float64",
    "controllers": "object",
    "how": "object",
}

#: Columns of :attr:`RelatedParties.frame`.
RELATED_COLUMNS = tuple(_DTYPES)


@dataclass(frozen=True, eq=False, repr=False)
class RelatedParties(Result):
    """The result of :func:`related_parties`: ``.frame`` a row per item between related
    parties; ``.control`` a row per controller and entity it controls (``how``: the kinds of
    control on the way), and per holder with significant influence and its company (``how``:
    ``significant influence``)."""

    NAME = "related_parties"

    control: pd.DataFrame = field(default_factory=pd.DataFrame)


#: A control pair: controller, controlled and how.
Pair = tuple[Any, Any, str]


def _by_controlled_by(entities: pd.DataFrame) -> list[Pair]:
    """Control from ``controlled_by``, passed on (a controller's controllers control too)."""
    direct: dict[str, set[str]] = {}
    for eid, by in zip(entities["id"].to_numpy(object), entities["controlled_by"], strict=True):
        if isinstance(by, str) and by:
            direct[str(eid)] = set(by.split(","))
    rows: list[Pair] = []
    for eid in direct:
        seen: set[str] = set()
        todo = list(direct[eid])
        while todo:
            c = todo.pop()
            if c in seen or c == eid:
                continue
            seen.add(c)
            todo.extend(direct.get(c, ()))
        rows.extend((c, eid, "controlled_by") for c in seen)
    return rows


def _by_stakes(source: Any, conflicts: ConflictPolicy) -> list[Pair]:
    """Control as :func:`aicapex.analysis.control.control` finds it (stakes and
    ``controlled_by``), when that analysis is there; none otherwise."""
    try:
        module = importlib.import_module("aicapex.analysis.control")
    except ImportError:  # pragma: no cover - control arrives with stakes
        return []
    try:
        found = module.control(source, conflicts=conflicts).frame
    except (KeyError, ValueError, TypeError):
        return []
    columns = (found[c].to_numpy(object) for c in ("controller", "controlled", "how"))
    return list(zip(*columns, strict=True))


def _influence(source: Any, conflicts: ConflictPolicy) -> list[tuple[Any, Any]]:
    """Holders of at least :data:`INFLUENCE_THRESHOLD` of a company (counted stakes, on any
    basis): (holder, company) pairs, read as arrays (a frame of them cost ~1 ms a report)."""
    try:
        module = importlib.import_module("aicapex.analysis.ownership")
        held = module.ownership(source, conflicts=conflicts).frame
    except (ImportError, KeyError, ValueError, TypeError):  # pragma: no cover
        return []
    basic, diluted = (held[c].to_numpy("float64", na_value=np.nan) for c in _SHARES)
    share = np.fmax(basic, diluted)  # the larger, either where one is missing
    holder = held["holder"].to_numpy(object)
    named = (holder != "others") & held["counted"].to_numpy(bool)
    strong = named & (share >= float(INFLUENCE_THRESHOLD))
    return list(zip(holder[strong], held["company"].to_numpy(object)[strong], strict=True))


#: The shares a holder's influence is judged on (the larger counts).
_SHARES = ("share_basic", "share_diluted")


def _grouped(pairs: list[Pair]) -> dict[tuple[Any, Any], str]:
    """Each (controller, controlled) of ``pairs`` once, sorted (as ``groupby`` sorts them;
    missing ids left out), with its kinds of control joined: a dict over the few pairs, not a
    concat, groupby and reset_index (~1.5 ms a report)."""
    kinds: dict[tuple[Any, Any], set[str]] = {}
    for c, e, h in pairs:
        if not (pd.isna(c) or pd.isna(e)):
            kinds.setdefault((c, e), set()).update(h.split(", "))
    return {key: ", ".join(sorted(kinds[key])) for key in sorted(kinds)}


def _control_frame(
    grouped: dict[tuple[Any, Any], str], influence: list[tuple[Any, Any]]
) -> pd.DataFrame:
    """The control pairs then the influence pairs as a frame, typed as concatenating their
    frames typed them: ids as objects, ``how`` inferred (text) when there is control."""
    keys = [*grouped, *influence]
    hows = [*grouped.values(), *["significant influence"] * len(influence)]
    index = pd.RangeIndex(len(keys))

    def ids(side: int) -> pd.Series:
        cells = np.array([k[side] for k in keys], dtype=object)
        return pd.Series(cells, dtype=object, index=index, copy=False)

    how = pd.Series(hows, index=index) if grouped else pd.Series(hows, dtype=object, index=index)
    return pd.DataFrame({"controller": ids(0), "controlled": ids(1), "how": how}, copy=False)


def controllers(pairs: pd.DataFrame) -> dict[str, set[str]]:
    """Each controlled entity's controllers (from a frame of controller, controlled)."""
    out: dict[str, set[str]] = {}
    for c, e in zip(pairs["controller"], pairs["controlled"], strict=True):
        out.setdefault(str(e), set()).add(str(c))
    return out


def _common(
    a: str, b: str, ctrl: dict[str, set[str]], infl: Mapping[str, set[str]] | None = None
) -> str | None:
    """The controllers ``a`` and ``b`` have in common (or the one controlling the other, or a
    controller of one with significant influence over the other), comma-separated; None when
    they are not related."""
    ca, cb = ctrl.get(a, set()), ctrl.get(b, set())
    common = (ca & cb) | ({a} & cb) | ({b} & ca)
    if infl:
        ia, ib = infl.get(a, set()), infl.get(b, set())
        common |= (ca & ib) | (ia & cb)
    return ",".join(sorted(common)) if common else None


#: Columns naming entities in the frames (an entity of frames is one of theirs).
_PARTY_COLUMNS = ("from_entity", "to_entity", "buyer", "seller", "vendor", "company", "investor")
#: No flows: entities of frames are those the frames name.
_NO_FLOWS = pd.DataFrame({"entity": [], "payer": [], "payee": []})


def _sortable(row: Mapping[str, Any]) -> bool:
    """Whether ``row``'s date, kind and record compare in Python as the frame's sort compares
    them: a Timestamp or NaT, and text."""
    date, kind, record = row["date"], row["kind"], row["record"]
    dated = date is pd.NaT or isinstance(date, pd.Timestamp)
    return dated and isinstance(kind, str) and isinstance(record, str)


def _sort_key(row: Mapping[str, Any]) -> tuple[bool, int, str, str]:
    """The order of a row by date (NaT last; as nanoseconds), kind and record."""
    date = row["date"]
    return date is pd.NaT, 0 if date is pd.NaT else int(date.value), row["kind"], row["record"]


def _columns(frame: pd.DataFrame, *names: str) -> Any:
    """The cells of ``names`` row by row, as ``itertuples`` gives them (read as object
    arrays: Timestamps, floats, text; not each Series iterated)."""
    return zip(*(frame[n].to_numpy(object) for n in names), strict=True)


def _leg_groups(flows: pd.DataFrame, legs: LegCodes) -> tuple[Any, ...]:
    """The legs (of :func:`~aicapex.table.legs.money_legs`) grouped by record, payer, payee,
    leg and basis, in the order each group first comes (a missing record's left out): those
    five, the earliest date and the summed amount, as columns; read from the legs' codes, not
    a frame of their text."""
    record = flows["record"].take(legs.rows).to_numpy(object)
    key, _ = pd.factorize(record, use_na_sentinel=True)
    named = key >= 0
    if not named.all():
        legs = legs.take(named)
        record, key = record[named], key[named]
    for code, size in ((legs.payer, len(legs.names)), (legs.leg, 64), (legs.basis, 64)):
        key, _ = pd.factorize(key.astype(np.int64) * (size + 1) + code, use_na_sentinel=True)
    key, _ = pd.factorize(key.astype(np.int64) * (len(legs.names) + 1) + legs.payee)
    first = np.unique(key, return_index=True)[1]  # codes follow the order groups first come
    # the amounts summed by pandas (its compensated sums, as the frame's agg summed them);
    # the earliest day on the codes (NaT: none), not a frame's named aggregation (~0.5 ms)
    amount = pd.Series(legs.amount_usd).groupby(key, sort=False).sum()
    day = np.asarray(legs.date, dtype="datetime64[ns]")
    dated = ~np.isnat(day)
    never = np.iinfo(np.int64).max
    earliest = np.full(len(first), never, dtype=np.int64)
    np.minimum.at(earliest, key[dated], day[dated].view(np.int64))
    date = np.where(earliest == never, np.datetime64("NaT", "ns"), earliest.view("datetime64[ns]"))
    return (
        record[first],
        pd.Series(date, dtype="datetime64[ns]"),  # Timestamps when read, as agg's column
        legs.names[legs.payer[first]],
        legs.names[legs.payee[first]],
        np.asarray(LEG_KINDS, dtype=object)[legs.leg[first]],
        np.asarray(BASES, dtype=object)[legs.basis[first]],
        amount,
    )


def related_parties(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> RelatedParties:
    """Flows, GPU reallocations, compute contracts and GPU orders between related parties
    (those of ``entity`` when given); see the module docs.

    Columns: ``kind`` (flow, reallocation, contract, order), ``record``, ``date``,
    ``from_entity`` (payer, giver, buyer), ``to_entity``, ``what`` (the leg's kind, ``units``,
    the arrangement), ``basis`` (of money: disbursed, committed, announced; of records: their
    status), ``amount_usd``, ``units``, ``controllers`` (in common) and ``how`` (the kind of
    control)."""
    from aicapex.ledger import Ledger

    source = as_known_on(source, known_on)
    if isinstance(source, Ledger):
        frames = {
            k: ledger_frame(source, k)  # read only: the ledger's own, not copies
            for k in ("entities", "gpu_reallocations", "compute_contracts", "gpu_orders")
        }
    else:
        frames = dict(source)
    entities = frames.get("entities", pd.DataFrame({"id": [], "controlled_by": []}))
    parties = [f[c] for f in frames.values() for c in _PARTY_COLUMNS if c in f]
    check_entity(source, entity, _NO_FLOWS, entities["id"], *parties)  # unknown: KeyError
    grouped = _grouped([*_by_controlled_by(entities), *_by_stakes(source, conflicts)])
    ctrl: dict[str, set[str]] = {}
    for c, e in grouped:
        ctrl.setdefault(str(e), set()).add(str(c))
    how_of = {(str(c), str(e)): h for (c, e), h in grouped.items()}
    influence = [pair for pair in _influence(source, conflicts) if pair not in how_of]
    infl: dict[str, set[str]] = {}
    for c, e in influence:
        infl.setdefault(str(e), set()).add(str(c))
        how_of[(str(c), str(e))] = "significant influence"
    control_frame = _control_frame(grouped, influence)
    rows: list[dict[str, Any]] = []

    def add(kind: str, record: Any, date: Any, a: Any, b: Any, **rest: Any) -> None:
        common = _common(str(a), str(b), ctrl, infl)
        if common is None:
            return
        kinds = {
            how_of.get((c, x), "")
            for c in common.split(",")
            for x in (str(a), str(b))
            if (c, x) in how_of
        }
        rows.append(
            {
                "kind": kind,
                "record": record,
                "date": date,
                "from_entity": a,
                "to_entity": b,
                "controllers": common,
                "how": ", ".join(sorted(k for k in kinds if k)),
                **rest,
            }
        )

    if ctrl:
        flows = as_flows(source, conflicts)
        codes = ledger_legs(source, flows, conflicts)
        # the legs between related parties, found on the (payer, payee) pairs' codes
        n, names = len(codes.names), codes.names
        pair = codes.payer.astype(np.int64) * n + codes.payee
        unique = np.unique(pair).tolist()
        related = [
            p
            for p in unique
            if _common(str(names[p // n]), str(names[p % n]), ctrl, infl) is not None
        ]
        g = _leg_groups(flows, codes.take(np.isin(pair, related)))
        for record, date, a, b, leg, basis, amount in zip(*g, strict=True):
            add("flow", record, date, a, b, what=leg, basis=basis, amount_usd=amount,
                units=np.nan)  # fmt: skip
        # each record's columns read, not whole rows (record frames have forty columns)
        moves = frames.get("gpu_reallocations", pd.DataFrame())
        if not moves.empty:
            moves = kept_frame(source, "gpu_reallocations", conflicts, moves)
            for rid, date, a, b, quantity in _columns(
                moves, "id", "date_start", "from_entity", "to_entity", "quantity"
            ):
                add("reallocation", rid, date, a, b, what="units", basis="reallocated",
                    amount_usd=np.nan, units=float(quantity))  # fmt: skip
        contracts = frames.get("compute_contracts", pd.DataFrame())
        if not contracts.empty:
            contracts = kept_frame(source, "compute_contracts", conflicts, contracts)
            for rid, date, a, b, what, status, amount in _columns(
                contracts, "id", "start_start", "buyer", "seller", "arrangement", "status",
                "total_value_usd",
            ):  # fmt: skip
                add("contract", rid, date, a, b, what=what, basis=status, amount_usd=amount,
                    units=np.nan)  # fmt: skip
        orders = frames.get("gpu_orders", pd.DataFrame())
        if not orders.empty:
            orders = kept_frame(source, "gpu_orders", conflicts, orders)
            for rid, date, a, b, sku, status, amount, quantity in _columns(
                orders, "id", "order_date_start", "buyer", "vendor", "sku", "status",
                "total_usd", "quantity",
            ):  # fmt: skip
                add("order", rid, date, a, b, what=sku, basis=status, amount_usd=amount,
                    units=float(quantity))  # fmt: skip
    presorted = bool(rows) and all(_sortable(r) for r in rows)
    if presorted:  # as sort_values sorts them (NaT last), not the frame after (~0.3 ms)
        rows.sort(key=_sort_key)
    if rows:
        # built by column (from dicts a frame infers each column's dtype alike, then cast)
        frame = typed_columns({c: [r[c] for r in rows] for c in RELATED_COLUMNS}, _DTYPES)
    else:
        frame = pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _DTYPES.items()})
    if entity is not None:
        mine = (frame["from_entity"] == entity) | (frame["to_entity"] == entity)
        frame = frame[mine.to_numpy()]
        control_frame = control_frame[
            ((control_frame["controller"] == entity) | (control_frame["controlled"] == entity))
        ]
    if presorted:
        frame = frame if entity is None else frame.reset_index(drop=True)
    else:
        frame = frame.sort_values(["date", "kind", "record"], kind="stable", ignore_index=True)
    return RelatedParties(
        frame=frame,
        used_records=functools.partial(record_index, frame["record"]),
        assumptions=(
            "related: one controls the other, a third controls both, or one party controls one "
            "and has significant influence over the other; control from controlled_by (passed "
            "on) and, where the ledger has stakes, from majority and controlling stakes",
            f"significant influence: a counted stake of {float(INFLUENCE_THRESHOLD):.0%} or more "
            "(IAS 28.5)",
        ),
        params={"entity": entity, "known_on": known_on},
        control=control_frame.reset_index(drop=True),
    )
