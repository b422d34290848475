"""Maximum circulation: money legs summed into edges per window and basis, strongly connected
components, and the solvers (closed form for two entities, network simplex for small
components, for large ones OR-tools' min-cost flow in exact cents when the optional extra
``aicapex[solvers]`` is installed, else HiGHS linear programming). See
:mod:`aicapex.analysis.loops`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from aicapex.table.legs import BASES, LegCodes, window_of

__all__ = [
    "MAX_SIMPLEX",
    "SCC_WORK",
    "SMALL",
    "SMALL_GRAPH",
    "components_of",
    "edges_of",
    "large_solver",
    "solve_circulation",
]

#: When there are more small components than this, they are solved together by HiGHS (one
#: block-diagonal program) rather than one network simplex each.
MAX_SIMPLEX = 200

#: Components with at most this many legs are solved by network simplex and their loops
#: enumerated; larger ones go to HiGHS and are summarised.
SMALL = 60


def _window_label(start: np.ndarray, window: str) -> np.ndarray:
    s = pd.DatetimeIndex(start)
    if window == "year":
        return np.asarray(s.strftime("%Y"), dtype=object)
    if window == "all":
        return np.full(len(s), "all", dtype=object)
    if window == "quarter":
        return np.asarray(s.year.astype(str) + "-Q" + s.quarter.astype(str), dtype=object)
    if window == "half":
        return np.asarray(
            s.year.astype(str) + "-H" + ((s.month - 1) // 6 + 1).astype(str), dtype=object
        )
    return np.asarray(s.strftime("%Y-%m"), dtype=object)


def edges_of(
    legs: LegCodes, window: str = "year", bases: Iterable[str] = BASES
) -> tuple[pd.DataFrame, pd.Index]:
    """The legs (:func:`~aicapex.table.legs.leg_codes`) summed into edges: one row per window,
    basis, payer and payee with ``capacity_usd`` (the sum of their amounts), ``window``,
    ``window_start``, ``window_end``, ``u`` and ``v`` (positions of payer and payee in the
    entity index returned: the entities in order of first appearance, payers first) and ``n``
    (legs)."""
    bases = list(bases)
    legs = legs.of_bases(bases)
    # the entities in order of first appearance among payers, then payees
    seen = pd.unique(np.concatenate([legs.payer, legs.payee]))
    entities = pd.Index(legs.names[seen])
    position = np.zeros(len(legs.names), dtype=np.int64)
    position[seen] = np.arange(len(seen))
    start, end = window_of(legs.date, window)
    u = position[legs.payer]
    v = position[legs.payee]
    b = np.array([bases.index(x) if x in bases else -1 for x in BASES], np.int64)[legs.basis]
    w_codes, w_starts = pd.factorize(start)
    key = ((w_codes.astype(np.int64) * len(bases) + b) * len(entities) + u) * len(entities) + v
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    capacity = np.bincount(inverse, weights=legs.amount_usd)
    count = np.bincount(inverse)
    n_e = len(entities)
    vv = uniq % n_e
    uu = uniq // n_e % n_e
    bb = uniq // (n_e * n_e) % len(bases)
    ww = uniq // (n_e * n_e * len(bases))
    w_start, w_end = start[first], end[first]
    label: Any
    basis: Any
    if len(key) and (w_codes >= 0).all():  # each label made once, as text like the rows'
        label = pd.Index(_window_label(np.asarray(w_starts, "datetime64[ns]"), window)).take(ww)
        basis = pd.Index(np.asarray(bases, dtype=object)).take(bb)
        label, basis = label.array, basis.array
    else:
        label = _window_label(w_start, window) if len(key) else np.array([], dtype=object)
        basis = np.asarray(bases, dtype=object)[bb]
    edges = pd.DataFrame(
        {
            "window": label,
            "window_start": w_start,
            "window_end": w_end,
            "basis": basis,
            "u": uu,
            "v": vv,
            "capacity_usd": capacity,
            "n": count,
            "group": ww * len(bases) + bb,
        }
    )
    return edges, entities


def _ranks(values: np.ndarray) -> tuple[int, np.ndarray]:
    """How many distinct integers ``values`` holds and each one's rank among them (what
    ``np.unique(values, return_inverse=True)`` gives), by a table of the range when it is not
    much wider than the values are many, else by sorting."""
    if not len(values):
        return 0, np.array([], dtype=np.intp)
    low = int(values.min())
    span = int(values.max()) - low + 1
    if span > 4 * len(values) + 1024:
        uniq, inverse = np.unique(values, return_inverse=True)
        return len(uniq), inverse.reshape(-1)
    seen = np.zeros(span, dtype=bool)
    seen[values - low] = True
    rank = np.cumsum(seen, dtype=np.intp) - 1
    return int(rank[-1]) + 1, rank[values - low]


def components_of(edges: pd.DataFrame, n_entities: int) -> np.ndarray:
    """Each edge's strongly connected component (-1: an edge no money can go round)."""
    if edges.empty:
        return np.array([], dtype=np.int64)
    node_u = edges["group"].to_numpy(np.int64) * n_entities + edges["u"].to_numpy(np.int64)
    node_v = edges["group"].to_numpy(np.int64) * n_entities + edges["v"].to_numpy(np.int64)
    n_nodes, inv = _ranks(np.concatenate([node_u, node_v]))
    a, b = inv[: len(edges)], inv[len(edges) :]
    label = _strong_labels(a, b, n_nodes)
    same = label[a] == label[b]
    out = np.where(same, label[a], -1)
    # number the components 0.. in order of first appearance
    kept = out[same]
    if len(kept):
        _, first = np.unique(kept, return_index=True)
        order = np.argsort(first)
        remap = np.full(label.max() + 1, -1, dtype=np.int64)
        remap[np.unique(kept)[order]] = np.arange(len(order))
        out = np.where(same, remap[np.maximum(out, 0)], -1)
    return out.astype(np.int64)


#: Graphs with at most this many edges find their components with networkx; others with
#: NumPy (:func:`_strong_labels_numpy`), or scipy's sparse routines (0.3 s to import) when
#: that takes too long. 0: every graph with NumPy, so that networkx (0.15 to 0.3 s to
#: import) is loaded only where a component has loops to enumerate; the tests compare the
#: two ways.
SMALL_GRAPH = 0

#: How much work NumPy may spend on the strong components of a large graph before scipy
#: takes over: passes over the remaining edges (and an eighth of the nodes), per edge and
#: node of the graph. The generated benchmark graphs take 1 to 18.
SCC_WORK = 48


def _strong_labels(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Each node's strongly connected component label (nodes 0..n-1, edges a[i] -> b[i])."""
    if len(a) <= SMALL_GRAPH:
        import networkx as nx

        g = nx.DiGraph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(a.tolist(), b.tolist(), strict=True))
        label = np.empty(n, dtype=np.int64)
        for i, members in enumerate(nx.strongly_connected_components(g)):
            label[list(members)] = i
        return label
    found = _strong_labels_numpy(a, b, n, SCC_WORK * (len(a) + n))
    if found is not None:
        return found
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    graph = csr_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, found = connected_components(graph, directed=True, connection="strong")
    return np.asarray(found, dtype=np.int64)


def _strong_labels_numpy(a: np.ndarray, b: np.ndarray, n: int, budget: int) -> np.ndarray | None:
    """The strong components by whole-array passes (None when they cost more than
    ``budget``: edges and an eighth of the nodes, summed over the passes).

    Trim: a node that no remaining edge enters or leaves is a component alone. Colour: each
    remaining node takes the largest node that reaches it (passes until nothing changes); a
    colour's root, the node it is named after, reaches every node of the colour, so the nodes
    of a colour that reach its root (passes backwards along edges within the colour) are the
    root's component. Those are set aside and the rest starts again."""
    label = np.full(n, -1, dtype=np.int64)
    open_ = np.ones(n, dtype=bool)  # not in a component yet
    ids = np.arange(n, dtype=np.int64)
    ea, eb = a, b
    labelled = 0
    spent = 0

    def settle(done: np.ndarray, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        nonlocal labelled
        label[done] = labelled + names
        labelled += int(names.max()) + 1 if len(names) else 0
        open_[done] = False
        keep = open_[ea] & open_[eb]
        return ea[keep], eb[keep]

    while True:
        while True:  # trim
            spent += len(ea) + n // 8
            lone = open_ & ~(
                (np.bincount(ea, minlength=n) > 0) & (np.bincount(eb, minlength=n) > 0)
            )
            if not lone.any():
                break
            ea, eb = settle(lone, np.arange(int(lone.sum())))
            if spent > budget:
                return None
        if not open_.any():
            return label
        color = np.where(open_, ids, -1)
        while True:  # colour
            spent += len(ea) + n // 8
            if spent > budget:
                return None
            new = color.copy()
            np.maximum.at(new, eb, color[ea])
            if np.array_equal(new, color):
                break
            color = new
        within = color[ea] == color[eb]
        sa, sb = ea[within], eb[within]
        found = open_ & (color == ids)
        while True:  # what reaches each root within its colour
            spent += len(sa) + n // 8
            if spent > budget:
                return None
            new = found.copy()
            new[sa[found[sb]]] = True
            if np.array_equal(new, found):
                break
            found = new
        _, rank = np.unique(color[found], return_inverse=True)
        ea, eb = settle(found, rank.reshape(-1))


def _highs(u: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The maximum circulation of one graph (or several apart) by linear programming."""
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix

    nodes, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    m = len(u)
    rows = np.concatenate([inv[:m], inv[m:]])
    cols = np.concatenate([np.arange(m), np.arange(m)])
    data = np.concatenate([np.ones(m), -np.ones(m)])
    a_eq = csr_matrix((data, (rows, cols)), shape=(len(nodes), m))
    scale = float(cap.max()) if m and cap.max() > 0 else 1.0
    result = linprog(
        -np.ones(m),
        A_eq=a_eq,
        b_eq=np.zeros(len(nodes)),
        bounds=np.column_stack([np.zeros(m), cap / scale]),
        method="highs",
    )
    if result.status != 0:  # pragma: no cover - a circulation always exists (zero)
        return np.zeros(m)
    flow: np.ndarray = np.clip(result.x * scale, 0.0, cap)
    return flow


def _min_cost_flow(u: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The maximum circulation of one graph (or several apart) as a min-cost circulation of
    cost -1 per cent carried, in exact cents (OR-tools' cost-scaling solver)."""
    from ortools.graph.python import min_cost_flow

    _, inv = _ranks(np.concatenate([u, v]))
    m = len(u)
    cents = np.rint(cap * 100.0).astype(np.int64)
    solver = min_cost_flow.SimpleMinCostFlow()
    arcs = solver.add_arcs_with_capacity_and_unit_cost(
        inv[:m].astype(np.int32), inv[m:].astype(np.int32), cents, np.full(m, -1, np.int64)
    )
    if solver.solve() != solver.OPTIMAL:  # pragma: no cover - zero is always a circulation
        return _highs(u, v, cap)
    carried: np.ndarray = np.minimum(solver.flows(arcs) / 100.0, cap)
    return carried


def large_solver() -> str:
    """The solver of large components here: ``min-cost flow`` (OR-tools installed) or
    ``highs``."""
    try:
        import ortools.graph.python.min_cost_flow  # noqa: F401
    except ImportError:
        return "highs"
    return "min-cost flow"


def _simplex(u: np.ndarray, v: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """The maximum circulation of a small graph by network simplex, in exact cents."""
    import networkx as nx

    g = nx.DiGraph()
    cents = np.rint(cap * 100.0).astype(np.int64)
    for a, b, c in zip(u.tolist(), v.tolist(), cents.tolist(), strict=True):
        g.add_edge(a, b, capacity=c, weight=-1)
    _, flow = nx.network_simplex(g)
    out: np.ndarray = np.array(
        [flow[a][b] for a, b in zip(u.tolist(), v.tolist(), strict=True)], dtype=np.float64
    )
    carried: np.ndarray = np.minimum(out / 100.0, cap)
    return carried


def solve_circulation(edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The flow each edge carries in the maximum circulation of its component, and the solver
    of each edge's component (``closed form``, ``network simplex``, ``min-cost flow`` or
    ``highs``: :func:`large_solver`). ``edges`` has
    ``component`` (-1: none), ``u``, ``v`` (unique per component) and ``capacity_usd``."""
    n = len(edges)
    flow = np.zeros(n)
    solver = np.full(n, None, dtype=object)
    comp = edges["component"].to_numpy(np.int64)
    inside = comp >= 0
    if not inside.any():
        return flow, solver
    cap = edges["capacity_usd"].to_numpy("float64")
    size = np.bincount(comp[inside])
    legs = np.zeros(n, dtype=np.int64)
    legs[inside] = size[comp[inside]]
    # two entities, two edges: the smaller direction goes round
    pair = inside & (legs == 2)
    if pair.any():
        smaller = pd.Series(cap[pair]).groupby(comp[pair]).transform("min").to_numpy()
        flow[pair] = smaller
        solver[pair] = "closed form"
    small = inside & (legs > 2) & (legs <= SMALL)
    large = inside & (legs > SMALL)
    small_ids = np.unique(comp[small])
    batched = np.zeros(n, dtype=bool)
    if len(small_ids) > MAX_SIMPLEX:
        batched = small
        small = np.zeros(n, dtype=bool)
    u_all = edges["u"].to_numpy(np.int64)
    v_all = edges["v"].to_numpy(np.int64)
    name = large_solver() if (batched.any() or large.any()) else "highs"  # OR-tools: 0.1 s import
    solve = _min_cost_flow if name == "min-cost flow" else _highs
    if small.any():
        order = np.flatnonzero(small)
        by = pd.Series(order).groupby(comp[order]).indices
        for idx in by.values():
            rows = order[idx]
            flow[rows] = _simplex(u_all[rows], v_all[rows], cap[rows])
            solver[rows] = "network simplex"
    if batched.any():
        rows = np.flatnonzero(batched)
        offset = comp[rows] * (max(u_all.max(), v_all.max()) + 1)
        flow[rows] = solve(u_all[rows] + offset, v_all[rows] + offset, cap[rows])
        solver[rows] = name
    if large.any():
        order = np.flatnonzero(large)
        by = pd.Series(order).groupby(comp[order]).indices
        for idx in by.values():
            rows = order[idx]
            flow[rows] = solve(u_all[rows], v_all[rows], cap[rows])
            solver[rows] = name
    return flow, solver
