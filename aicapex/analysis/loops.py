"""Money that goes round: the graph of money between entities, and the loops in it.

The money legs of the flows table (:mod:`aicapex.table.legs`: each movement once, from payer to
payee; the payer ``undisclosed`` is never part of a loop) make a graph per **window** (one
calendar year by default) and per **basis** (disbursed, committed and announced money counted
apart). The amount that can have gone round a set of entities within a window is the
**maximum circulation**: the largest total of money on the graph's edges such that every entity
pays out as much as it receives, each edge carrying at most the sum of its flows in the window
(its capacity).

How it is solved, without enumerating every cycle of a large graph (a bounded search stalls on
dense graphs of thousands of entities): the graph is split into strongly connected components
(NumPy passes over the edges; scipy's sparse graph routines for the rare graph that would take
too many; money can only go round inside one); a component of two entities circulates the
smaller of its two directions (exact, for all such components at once);
a small component (at most :data:`SMALL` legs) is solved by ``networkx.network_simplex`` on
exact cents; a large one by OR-tools' min-cost flow, also in exact cents, when the optional
extra ``aicapex[solvers]`` is installed, else by the HiGHS linear-programming solver
(``scipy.optimize.linprog``, exact within its tolerance).
Loops (simple cycles of at most ``max_length`` entities) are enumerated only inside small
components, to explain the result: each states its legs, their kinds and statuses, the window
and its smallest leg, the most that can have gone round it alone. A large component is one row
naming its entities.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> loops = ac.cycles(led)
>>> bool((loops.frame["path"] == "nvidia > openai > nvidia").any())
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from aicapex.analysis.circulation import (
    SMALL,
    components_of,
    edges_of,
    solve_circulation,
)
from aicapex.analysis.common import DateLike, as_known_on, check_entity, day_of, require_usd
from aicapex.analysis.result import Result, record_index
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows
from aicapex.table.legs import BASES, LEG_KINDS, LegCodes, leg_codes, money_legs, window_of
from aicapex.table.typedcols import named_dtype

if TYPE_CHECKING:
    import networkx as nx

    from aicapex.ledger import Ledger

__all__ = [
    "COMPONENT_COLUMNS",
    "LOOP_COLUMNS",
    "SMALL",
    "Loops",
    "cycles",
    "flow_graph",
    "ledger_legs",
    "typed_columns",
]

#: At most this many loops are listed per component.
MAX_LOOPS = 50

_LOOP_DTYPES = {
    "window": "object",
    "window_start": "datetime64[ns]",
    "window_end": "datetime64[ns]",
    "basis": "object",
    "component": "int64",
    "path": "object",
    "entities": "int64",
    "legs": "object",
    "leg_kinds": "object",
    "statuses": "object",
    "smallest_leg": "object",
    "smallest_leg_usd": "float64",
    "amount_usd": "float64",
    "circulation_usd": "float64",
    "enumerated": "bool",
    "records": "object",
}

_COMPONENT_DTYPES = {
    "window": "object",
    "window_start": "datetime64[ns]",
    "window_end": "datetime64[ns]",
    "basis": "object",
    "component": "int64",
    "members": "object",
    "entities": "int64",
    "legs": "int64",
    "capacity_usd": "float64",
    "circulation_usd": "float64",
    "share": "float64",
    "smallest_leg_usd": "float64",
    "solver": "object",
}

#: Columns of :attr:`Loops.frame` and :attr:`Loops.components`.
LOOP_COLUMNS = tuple(_LOOP_DTYPES)
COMPONENT_COLUMNS = tuple(_COMPONENT_DTYPES)


@dataclass(frozen=True, eq=False, repr=False)
class Loops(Result):
    """The result of :func:`cycles`: ``.frame`` has a row per loop (and per large component),
    ``.components`` a row per strongly connected component with its maximum circulation, and
    ``.edges`` the legs of the components with the circulation each carries."""

    NAME = "cycles"

    components: pd.DataFrame = field(default_factory=pd.DataFrame)
    edges: pd.DataFrame = field(default_factory=pd.DataFrame)


def flow_graph(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> nx.MultiDiGraph:
    """The money between entities as a ``networkx.MultiDiGraph``: a node per entity (with
    ``name`` and ``type`` from a ledger), an edge per money leg from payer to payee (see
    :mod:`aicapex.table.legs`) with ``kind`` (investment, purchase, lease, contract, cloud,
    expense, sale), ``status``, ``basis``, ``amount_usd``, ``low_usd``, ``high_usd``, ``date``
    and ``record``; ``start``/``end`` keep the legs dated within them (an end before the start is
    a ``ValueError``). Meant for exploring a
    ledger; :func:`cycles` works on arrays for large ones."""
    import networkx as nx

    from aicapex.ledger import Ledger

    source = as_known_on(source, known_on)
    legs = money_legs(as_flows(source, conflicts))
    date = legs["date"].to_numpy("datetime64[ns]")
    keep = np.ones(len(legs), dtype=bool)
    if start is not None and end is not None and day_of(end, end=True) < day_of(start):
        raise ValueError(f"expected an end on or after the start ({start!r}), got end={end!r}")
    if start is not None:
        keep &= date >= day_of(start)
    if end is not None:
        keep &= date <= day_of(end, end=True)
    legs = legs[keep]
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    if isinstance(source, Ledger):
        for e in source.records("entities"):
            g.add_node(e.id, name=e.name, type=e.type.value)  # type: ignore[attr-defined]
    for row in legs.itertuples(index=False):
        g.add_edge(
            row.payer,
            row.payee,
            kind=row.leg,
            status=row.status,
            basis=row.basis,
            amount_usd=row.amount_usd,
            low_usd=row.low_usd,
            high_usd=row.high_usd,
            date=row.date,
            record=row.record,
        )
    return g


def _loops_of(
    edges: pd.DataFrame,
    rows: np.ndarray,
    entities: pd.Index,
    max_length: int,
    describe: dict[tuple[int, int, int], tuple[str, str, str, str]],
) -> list[dict[str, Any]]:
    """The simple cycles of one small component, each with its legs. A component of two
    legs (two entities, a leg each way: the circulation's closed form) is its one loop;
    networkx enumerates the others (imported only then: 0.05 s)."""
    u = edges["u"].to_numpy()[rows].tolist()
    v = edges["v"].to_numpy()[rows].tolist()
    cap = edges["capacity_usd"].to_numpy()[rows].tolist()
    capacity = dict(zip(zip(u, v, strict=True), cap, strict=True))
    group = int(edges["group"].to_numpy()[rows[0]])
    found: Iterable[list[int]]
    if len(capacity) == 2:
        found = [[u[0], v[0]]]
    else:
        import networkx as nx

        g = nx.DiGraph()
        g.add_edges_from(capacity)
        found = nx.simple_cycles(g, length_bound=max_length)
    out = []
    for cycle in found:
        first = cycle.index(min(cycle, key=lambda x: str(entities[x])))
        cycle = cycle[first:] + cycle[:first]
        hops = list(zip(cycle, cycle[1:] + cycle[:1], strict=True))
        caps = [capacity[hop] for hop in hops]
        smallest = int(np.argmin(caps))
        texts = [describe[(group, a, b)] for a, b in hops]
        names = [str(entities[x]) for x in cycle]
        a, b = hops[smallest]
        out.append(
            {
                "path": " > ".join([*names, names[0]]),
                "entities": len(cycle),
                "legs": "; ".join(
                    f"{entities[a]} > {entities[b]} {t[0]} {t[1]} ({t[2]})"
                    for (a, b), t in zip(hops, texts, strict=True)
                ),
                "leg_kinds": ",".join(t[0] for t in texts),
                "statuses": ",".join(t[1] for t in texts),
                "smallest_leg": f"{entities[a]} > {entities[b]}",
                "smallest_leg_usd": caps[smallest],
                "amount_usd": caps[smallest],
                "records": ",".join(t[3] for t in texts),
            }
        )
        if len(out) >= MAX_LOOPS:
            break
    return out


def typed_columns(columns: Mapping[str, Any], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """``pd.DataFrame(columns).astype(dtypes)`` (the columns of ``dtypes``, in their order),
    without inferring an object column of text as text first to cast it back: its cells are
    kept, its missing ones NaN, as that cast gives them (other columns as before). The frame
    is built from the columns' arrays on one index (object columns as Series on it), so that
    nothing is aligned."""
    n = len(next(iter(columns.values()))) if columns else 0
    index = pd.RangeIndex(n)
    out: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        values, typed = columns[name], named_dtype(dtype)
        if typed == _OBJECT:
            cells = np.asarray(values, dtype=object)
            if infer_dtype(cells, skipna=True) == "string":
                cells = np.where(pd.isna(cells), np.nan, cells)
            else:
                cells = pd.Series(values).astype(typed).to_numpy()
            out[name] = pd.Series(cells, dtype=object, index=index, copy=False)
            continue
        if isinstance(values, np.ndarray) and values.dtype == typed:
            out[name] = values.copy()  # what the cast gave: a copy of the same values
            continue
        out[name] = pd.Series(values).astype(typed).array
    return pd.DataFrame(out, index=index, copy=False)


_OBJECT = np.dtype(object)


def ledger_legs(source: object, flows: pd.DataFrame, conflicts: ConflictPolicy) -> LegCodes:
    """:func:`~aicapex.table.legs.leg_codes` of ``flows``, the flows of ``source`` under
    ``conflicts`` (``as_flows``): a ledger's computed once (``Ledger.memo``) for the loops,
    round trips and related parties it reads; other sources' each time."""
    from aicapex.ledger import Ledger

    if not isinstance(source, Ledger):
        return leg_codes(flows)

    def read_only() -> LegCodes:  # shared: no reader may write into them
        legs = leg_codes(flows)
        for name in ("rows", "date", "payer", "payee", "names", "amount_usd", "leg", "basis"):
            getattr(legs, name).setflags(write=False)
        return legs

    legs: LegCodes = source.memo(("leg_codes", conflicts), read_only)
    return legs


def cycles(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    window: str = "year",
    bases: Iterable[str] = BASES,
    max_length: int = 6,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Loops:
    """The money loops of ``source`` (those through ``entity`` when given): see the module
    docs. ``window``: ``"year"`` (default), ``"half"``, ``"quarter"``, ``"month"`` or
    ``"all"``; ``bases``: which of disbursed, committed and announced money to look at, each
    apart; ``max_length``: the most entities a listed loop goes through.

    ``.frame``: a row per loop: ``window`` (with ``window_start``/``window_end``), ``basis``,
    ``component``, ``path`` ("a > b > a"), ``entities``, ``legs`` (each leg's kind, status
    and amount), ``leg_kinds``, ``statuses``, ``smallest_leg`` (with ``_usd``),
    ``amount_usd`` (the most that can have gone round the loop alone: its smallest leg; for a
    large component's row, its circulation), ``circulation_usd`` (its component's),
    ``enumerated`` (false for a large component's row) and ``records``.
    """
    bases = [b for b in BASES if b in set(bases)]
    if isinstance(max_length, bool) or not isinstance(max_length, Integral) or max_length < 2:
        raise ValueError(f"expected max_length of 2 or more, got {max_length!r}")
    source = as_known_on(source, known_on)
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)  # an unknown id: KeyError, as every analysis
    legs = ledger_legs(source, flows, conflicts)
    if np.isnan(legs.amount_usd).any():
        require_usd(money_legs(flows, legs), "cycles")
    params = {"entity": entity, "window": window, "bases": ",".join(bases), "known_on": known_on}
    edges, entities = edges_of(legs, window, bases)
    edges["component"] = components_of(edges, len(entities))
    edges = edges[edges["component"].to_numpy() >= 0].reset_index(drop=True)
    flow, solver = solve_circulation(edges)
    edges["flow_usd"] = flow
    edges["solver"] = solver
    if len(edges):  # as text, like the entities (not inferred again from 500,000 strings)
        edges["payer"] = entities.take(edges["u"].to_numpy()).array
        edges["payee"] = entities.take(edges["v"].to_numpy()).array
    else:
        edges["payer"] = edges["payee"] = []
    components = _component_table(edges, entities)
    loops = _loop_table(edges, components, flows, legs, entities, window, max_length)
    if entity is not None:
        has = components["members"].map(lambda m: entity in m.split(","))
        keep = set(components.loc[has.to_numpy(), "component"])
        components = components[has.to_numpy()].reset_index(drop=True)
        through = loops["path"].map(lambda p: entity in p.split(" > "))
        loops = loops[(loops["component"].isin(keep) & through).to_numpy()]
        loops = loops.reset_index(drop=True)
    used = [r for text in loops["records"].dropna() for r in text.split(",") if r]
    return Loops(
        frame=loops,
        used_records=record_index(used),
        assumptions=(
            f"windows: {window}; disbursed, committed and announced money apart",
            "the amount that can have gone round: the maximum circulation, each leg carrying "
            "at most the sum of its flows in the window",
            "the payer 'undisclosed' is never part of a loop; a revenue and the matching "
            "expense of its customer count twice if both are recorded",
        ),
        params=params,
        components=components,
        edges=edges,
    )


def _component_table(edges: pd.DataFrame, entities: pd.Index) -> pd.DataFrame:
    if edges.empty:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _COMPONENT_DTYPES.items()})
    comp = edges["component"].to_numpy(np.int64)
    ids, first, size = np.unique(comp, return_index=True, return_counts=True)
    sums = edges[["capacity_usd", "flow_usd"]].groupby(comp, sort=True).sum()
    capacity = sums["capacity_usd"].to_numpy("float64")
    circulation = sums["flow_usd"].to_numpy("float64")
    carried = edges["flow_usd"].to_numpy() > 0
    cap = edges["capacity_usd"].to_numpy("float64")
    smallest = pd.Series(cap[carried]).groupby(comp[carried]).min().reindex(ids).to_numpy()
    # each component's entities once, in text order: (component, rank of the name) pairs
    names = entities.to_numpy(object)
    n_e = max(len(names), 1)
    by_name = np.argsort(names, kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[by_name] = np.arange(len(names))
    ends = np.unique(
        np.concatenate(
            [
                comp * n_e + rank[edges["u"].to_numpy(np.int64)],
                comp * n_e + rank[edges["v"].to_numpy(np.int64)],
            ]
        )
    )
    cut = np.flatnonzero(np.diff(ends // n_e)) + 1
    members = [",".join(part) for part in np.split(names[by_name[ends % n_e]], cut)]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(capacity > 0, circulation / capacity, np.nan)
    out = {
        "window": edges["window"].take(first).to_numpy(object),
        "window_start": edges["window_start"].to_numpy("datetime64[ns]")[first],
        "window_end": edges["window_end"].to_numpy("datetime64[ns]")[first],
        "basis": edges["basis"].take(first).to_numpy(object),
        "component": ids,
        "members": np.asarray(members, dtype=object),
        "entities": np.array([m.count(",") + 1 for m in members], dtype=np.int64),
        "legs": size.astype(np.int64),
        "capacity_usd": capacity,
        "circulation_usd": circulation,
        "share": share,
        "smallest_leg_usd": smallest,
        "solver": edges["solver"].take(first).to_numpy(object),
    }
    return typed_columns(out, _COMPONENT_DTYPES)


def _loop_table(
    edges: pd.DataFrame,
    components: pd.DataFrame,
    flows: pd.DataFrame,
    legs: LegCodes,
    entities: pd.Index,
    window: str,
    max_length: int,
) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    if not edges.empty:
        small_comp = components.loc[components["legs"] <= SMALL, "component"].to_numpy()
        small = edges["component"].isin(small_comp).to_numpy()
        describe = _describe(edges[small], flows, legs, entities, window)
        # each component's row as a dict, its columns read once (not a .loc per component)
        read = {c: components[c].to_numpy(object) for c in components.columns}
        info = {
            int(comp): dict(zip(read, row, strict=True))
            for comp, row in zip(read["component"], zip(*read.values(), strict=True), strict=True)
        }
        by = pd.Series(np.arange(len(edges))).groupby(edges["component"].to_numpy()).indices
        for comp, idx in by.items():
            meta: dict[Any, Any] = info[int(cast(int, comp))]
            base = {
                "window": meta["window"],
                "window_start": meta["window_start"],
                "window_end": meta["window_end"],
                "basis": meta["basis"],
                "component": int(cast(int, comp)),
                "circulation_usd": float(meta["circulation_usd"]),
            }
            if meta["legs"] <= SMALL:
                for loop in _loops_of(edges, np.asarray(idx), entities, max_length, describe):
                    rows.append({**base, **loop, "enumerated": True})
            else:
                names = meta["members"].split(",")
                shown = ", ".join(names[:5]) + (
                    f" and {len(names) - 5} more" if len(names) > 5 else ""
                )
                rows.append(
                    {
                        **base,
                        "path": f"({len(names)} entities: {shown})",
                        "entities": len(names),
                        "legs": f"{int(meta['legs'])} legs",
                        "leg_kinds": None,
                        "statuses": None,
                        "smallest_leg": None,
                        "smallest_leg_usd": float(meta["smallest_leg_usd"]),
                        "amount_usd": float(meta["circulation_usd"]),
                        "records": None,
                        "enumerated": False,
                    }
                )
    if not rows:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in _LOOP_DTYPES.items()})
    rows.sort(key=_loop_order)  # the rows sorted, not the frame after (~0.4 ms)
    # by column (a frame of the dicts infers each column's dtype alike, then cast)
    return typed_columns({c: [r.get(c, np.nan) for r in rows] for c in LOOP_COLUMNS}, _LOOP_DTYPES)


def _loop_order(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """A loop's place as a stable ``sort_values`` by window start, basis (both missing last)
    and amount (largest first, missing last) places it: the window start is a Timestamp or
    NaT, the basis text or missing, the amount a float (a component's row's)."""
    start, basis, amount = row["window_start"], row["basis"], float(row.get("amount_usd", np.nan))
    no_start, text, no_amount = start is pd.NaT, isinstance(basis, str), amount != amount
    return (
        no_start,
        0 if no_start else start.value,
        not text,
        basis if text else "",
        no_amount,
        0.0 if no_amount else -amount,
    )


def _describe(
    edges: pd.DataFrame, flows: pd.DataFrame, legs: LegCodes, entities: pd.Index, window: str
) -> dict[tuple[int, int, int], tuple[str, str, str, str]]:
    """For each edge of small components: its leg kinds, statuses, amount and records."""
    from aicapex.money import format_usd

    if edges.empty:
        return {}
    n = len(legs.names)
    where = pd.Index(legs.names)
    wanted = where.get_indexer(pd.Index(edges["payer"].to_numpy(object))) * n + where.get_indexer(
        pd.Index(edges["payee"].to_numpy(object))
    )
    mine = legs.take(np.isin(legs.payer * n + legs.payee, wanted))
    start, _ = window_of(mine.date, window)
    if window == "all":
        start = np.full(len(mine), edges["window_start"].iloc[0])
    # the legs by (window start, basis, payer, payee), in the order they first come
    keys = zip(
        start.astype("datetime64[ns]").view(np.int64).tolist(),
        np.asarray(BASES, dtype=object)[mine.basis].tolist(),
        entities.get_indexer(pd.Index(mine.names[mine.payer])).tolist(),
        entities.get_indexer(pd.Index(mine.names[mine.payee])).tolist(),
        strict=True,
    )
    parts: dict[tuple[Any, ...], list[int]] = {}
    for i, key in enumerate(keys):
        parts.setdefault(key, []).append(i)
    leg = np.asarray(LEG_KINDS, dtype=object)[mine.leg]
    # the legs' two columns taken, not a two-column frame of the flows first
    status, record = (flows[c].array.take(mine.rows).to_numpy(object) for c in ("status", "record"))
    out: dict[tuple[int, int, int], tuple[str, str, str, str]] = {}
    starts = edges["window_start"].to_numpy("datetime64[ns]").view(np.int64).tolist()
    group_of = dict(zip(zip(starts, edges["basis"], strict=True), edges["group"], strict=True))
    for (ws, b, u, v), at in parts.items():
        g = group_of.get((ws, b))
        if g is None or ws == np.iinfo(np.int64).min:  # no window (NaT): no group, as groupby
            continue
        out[(int(g), int(u), int(v))] = (
            "+".join(sorted(set(leg[at]))),
            "+".join(sorted(set(status[at]))),
            format_usd(float(np.nansum(mine.amount_usd[at]))),
            ",".join(sorted(set(record[at]))),
        )
    return out
