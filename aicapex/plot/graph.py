"""The money graph: who pays whom, how much and how firmly, with the loops money can go round
highlighted.

Edges are the money legs of the flows table (:mod:`aicapex.table.legs`: each movement once, from
payer to payee; money from ``undisclosed`` left out), summed per payer, payee and basis
(disbursed, committed, announced). An edge's width grows with its amount (its area with the
square root, so a $100B edge does not hide a $10M one), its line says its basis (solid
disbursed, dashed committed, dotted announced) and its label gives both. Edges that carry money
round a loop (the maximum circulation of :func:`aicapex.analysis.loops.cycles` over the span
drawn, each basis apart) are red.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of
from aicapex.analysis.loops import cycles
from aicapex.dates import DateLike, PartialDate
from aicapex.plot.base import (
    COLORS,
    LABEL_SIZE,
    NOTE_SIZE,
    compact_usd,
    display_name,
    escape,
    new_figure,
    note,
)
from aicapex.table.flows import as_flows
from aicapex.table.legs import BASES, money_legs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from aicapex.ledger import Ledger

__all__ = ["LINESTYLES", "flows", "graph_edges"]

#: The line of an edge by its basis.
LINESTYLES: dict[str, Literal["-", "--", ":"]] = {
    "disbursed": "-",
    "committed": "--",
    "announced": ":",
}

#: The widest edge, in points.
MAX_WIDTH = 7.0


def graph_edges(
    source: Ledger,
    entities: Iterable[str] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    bases: Sequence[str] = BASES,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The edges the money graph draws and the loops among them.

    Edges: a row per ``payer``, ``payee`` and ``basis`` with ``amount_usd``, ``low_usd``,
    ``high_usd``, ``kinds`` (the legs' kinds, comma-separated), ``records`` and ``in_loop``
    (the money that can have gone round through it, ``loop_usd``, is above zero). Loops: the rows
    of :func:`~aicapex.analysis.loops.cycles` (window ``all``) over the same legs. ``entities``
    keeps the legs with one of them on either side; ``start``/``end`` the legs dated within."""
    flows = as_flows(source)
    date = flows["date"].to_numpy("datetime64[ns]")
    keep = np.ones(len(flows), dtype=bool)
    if start is not None:
        keep &= date >= day_of(start)
    if end is not None:
        keep &= date <= day_of(end, end=True)
    flows = flows[keep]
    legs = money_legs(flows)
    legs = legs[legs["basis"].isin(list(bases)).to_numpy()]
    if entities is not None:
        chosen = list(entities)
        near = legs["payer"].isin(chosen).to_numpy() | legs["payee"].isin(chosen).to_numpy()
        legs = legs[near]
    legs = legs[legs["amount_usd"].notna().to_numpy()]
    keys = ["payer", "payee", "basis"]
    legs = legs.assign(**{k: legs[k].astype("object") for k in keys})
    grouped = legs.groupby(keys, sort=True)
    edges = grouped[["amount_usd", "low_usd", "high_usd"]].sum().reset_index()
    edges["kinds"] = grouped["leg"].agg(lambda v: ",".join(sorted(set(map(str, v))))).to_numpy()
    edges["records"] = (
        grouped["record"].agg(lambda v: ",".join(sorted(set(map(str, v))))).to_numpy()
    )
    loops = cycles(flows, window="all", bases=bases)
    carried = loops.edges
    if entities is not None and not carried.empty:
        # loops among the legs kept only: the circulation of the kept edges alone
        pairs = set(zip(edges["payer"], edges["payee"], edges["basis"], strict=True))
        mine = [
            (p, q, b) in pairs
            for p, q, b in zip(carried["payer"], carried["payee"], carried["basis"], strict=True)
        ]
        carried = carried[np.asarray(mine, dtype=bool)]
    flow = (
        carried.groupby(["payer", "payee", "basis"])["flow_usd"].sum()
        if not carried.empty
        else pd.Series(dtype="float64")
    )
    index = pd.MultiIndex.from_frame(edges[keys]) if len(edges) else None
    edges["loop_usd"] = (
        flow.reindex(index).fillna(0.0).to_numpy("float64") if index is not None else []
    )
    edges["in_loop"] = edges["loop_usd"].to_numpy("float64") > 0
    frame = loops.frame
    if entities is not None:
        chosen_set = set(chosen)
        frame = frame[
            frame["path"].map(lambda p: bool(chosen_set & set(str(p).split(" > ")))).to_numpy()
        ]
    return edges, frame.reset_index(drop=True)


def _layout(nodes: list[str], edges: pd.DataFrame) -> dict[str, np.ndarray]:
    """Node positions on a circle (deterministic, readable for the few dozen entities a story
    has): the connected groups together, largest first, each from its busiest entity outward."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(zip(edges["payer"], edges["payee"], strict=True))
    order: list[str] = []
    groups = sorted(nx.connected_components(g), key=lambda c: (-len(c), min(c)))
    for group in groups:
        hub = max(sorted(group), key=lambda n: g.degree(n))
        order += [n for n in nx.bfs_tree(g, hub) if n in group]
    angles = np.pi / 2 - 2 * np.pi * np.arange(len(order)) / max(len(order), 1)
    return {n: np.array([math.cos(a), math.sin(a)]) for n, a in zip(order, angles, strict=True)}


def _offsets(count: int) -> list[float]:
    """Curvatures of ``count`` edges between one pair, centred on straight."""
    if count == 1:
        return [0.0]
    step = 0.5 if count == 2 else 0.3
    return [step * (k - (count - 1) / 2) for k in range(count)]


#: A node's radius (the layout is a circle of radius 1).
NODE = 0.075


def _curve(a: np.ndarray, b: np.ndarray, bend: float) -> np.ndarray:
    """Points of the quadratic curve from ``a`` to ``b`` bent by ``bend`` (matplotlib's arc3
    rule), between the two nodes' rims."""
    control = (a + b) / 2 + bend * np.array([b[1] - a[1], a[0] - b[0]])
    t = np.linspace(0.0, 1.0, 101)[:, None]
    points = (1 - t) ** 2 * a + 2 * (1 - t) * t * control + t**2 * b
    outside = (np.hypot(*(points - a).T) > NODE) & (np.hypot(*(points - b).T) > NODE)
    out: np.ndarray = points[outside] if outside.sum() >= 2 else points
    return out


def flows(
    source: Ledger,
    entities: Iterable[str] | None = None,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    bases: Sequence[str] = BASES,
    title: str | None = None,
) -> Figure:
    """The money graph of ``source`` (the legs touching ``entities`` when given; dated between
    ``start`` and ``end``): a node per entity, an edge per payer, payee and basis, width by
    amount, labelled ``$X basis``, loops in red (see the module docs). Each edge is a line
    labelled ``payer > payee basis`` (its arrow head apart)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyArrowPatch

    edges, loops = graph_edges(source, entities, start=start, end=end, bases=bases)
    if edges.empty:
        raise ValueError("no money between two named entities to draw")
    nodes = sorted(set(edges["payer"]) | set(edges["payee"]))
    pos = _layout(nodes, edges)
    fig = new_figure(9.0, 6.5)
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_aspect("equal")
    biggest = float(edges["amount_usd"].max()) or 1.0
    pair = [tuple(sorted(p)) for p in zip(edges["payer"], edges["payee"], strict=True)]
    for key, rows in edges.groupby(pd.Series(pair, index=edges.index), sort=False):
        offsets = _offsets(len(rows))
        for rad, row in zip(offsets, rows.to_dict("records"), strict=True):
            a, b = pos[row["payer"]], pos[row["payee"]]
            bend = rad if (row["payer"], row["payee"]) == key else -rad
            width = 0.8 + (MAX_WIDTH - 0.8) * math.sqrt(max(row["amount_usd"], 0.0) / biggest)
            colour = COLORS["loop"] if row["in_loop"] else COLORS["edge"]
            points = _curve(a, b, bend)
            ax.plot(
                points[:-3, 0],
                points[:-3, 1],
                color=colour,
                linewidth=width,
                linestyle=LINESTYLES.get(row["basis"], "-"),
                alpha=0.85,
                solid_capstyle="butt",
                dash_capstyle="round",
                label=escape(f"{row['payer']} > {row['payee']} {row['basis']}"),
            )
            ax.add_patch(
                FancyArrowPatch(
                    tuple(points[-4]),
                    tuple(points[-1]),
                    arrowstyle="-|>",
                    mutation_scale=8 + 2.2 * width,
                    color=colour,
                    linewidth=0,
                    shrinkA=0,
                    shrinkB=0,
                )
            )
            middle = points[len(points) // 2]
            ax.text(
                middle[0],
                middle[1],
                escape(f"{compact_usd(row['amount_usd'])} {row['basis']}"),
                fontsize=NOTE_SIZE,
                ha="center",
                va="center",
                color=colour,
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    for n in nodes:
        ax.add_patch(
            Circle(tuple(pos[n]), NODE, facecolor="#f0f0f0", edgecolor="#444444", zorder=3)
        )
        x, y = pos[n] * (1 + NODE / np.hypot(*pos[n]) * 1.6)
        ax.text(
            x,
            y,
            escape(display_name(source, n)),
            fontsize=LABEL_SIZE,
            ha="left" if x > 0.05 else "right" if x < -0.05 else "center",
            va="bottom" if y > 0.05 else "top" if y < -0.05 else "center",
            zorder=4,
            fontweight="bold",
        )
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.3, 1.3)
    handles = [
        Line2D([], [], color=COLORS["edge"], linestyle=LINESTYLES[b], linewidth=2, label=b)
        for b in bases
    ]
    handles.append(
        Line2D([], [], color=COLORS["loop"], linewidth=2, label=escape("money that can go round"))
    )
    fig.legend(handles=handles, loc="outside right upper", fontsize=NOTE_SIZE, frameon=False)
    span = f" ({_when(start)} to {_when(end)})" if start or end else ""
    ax.set_title(escape(title or f"Money between entities{span}"), fontsize=12, loc="left")
    note(fig, _loops_text(loops))
    return fig


def _loops_text(loops: pd.DataFrame) -> str:
    if loops.empty:
        return "no loop: no money can have gone round"
    parts = [
        f"{row['path']} ({row['basis']}, at most {compact_usd(row['amount_usd'])})"
        for row in loops.sort_values("amount_usd", ascending=False).head(3).to_dict("records")
    ]
    more = f" and {len(loops) - 3} more" if len(loops) > 3 else ""
    return "loops: " + "; ".join(parts) + more


def _when(value: DateLike | None) -> str:
    """A date of the title as written (``2025-09``), a day for dates and timestamps, ``...``
    for none."""
    if value is None:
        return "..."
    if isinstance(value, str | int | PartialDate):
        return str(value)
    return f"{pd.Timestamp(value):%Y-%m-%d}"
