"""The GPU plot: a company's units ordered, delivered (and scheduled) and moved over time, by
SKU (from :func:`aicapex.analysis.fleet.gpu_fleet` and the GPU movements table)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from aicapex.analysis.fleet import gpu_fleet
from aicapex.plot.base import (
    COLORS,
    NOTE_SIZE,
    as_days,
    date_axis,
    display_name,
    escape,
    legend,
    new_figure,
    note,
    style,
)
from aicapex.table.gpus import gpu_movements

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter

    from aicapex.ledger import Ledger

__all__ = ["gpus"]

#: Line styles of SKUs, in order of first appearance.
_SKU_STYLES = ("-", "--", "-.", ":")


def gpus(
    source: Ledger,
    entity: str,
    *,
    statuses: Iterable[str] = ("committed", "delivered"),
) -> Figure:
    """``entity``'s GPUs month by month, each SKU in its own line style: units ordered
    (cumulative), delivered (cumulative; scheduled deliveries dotted beyond), its position
    (ordered and received less moved out) and each reallocation marked with its units and
    counterparty (``+12,000 H100 from tesla``). Orders of ``statuses`` count (reallocations
    always)."""
    statuses = tuple(statuses)
    fleet = gpu_fleet(source, entity, freq="M", statuses=statuses).frame
    if fleet.empty:
        raise ValueError(f"no GPU orders or reallocations of {entity!r} to plot")
    fig = new_figure()
    ax = fig.subplots()
    for sku, style_ in zip(sorted(set(fleet["sku"])), _SKU_STYLES * 4, strict=False):
        rows = fleet[(fleet["sku"] == sku).to_numpy()]
        # each month's figure is its end: a step at the month's first day shows it from then
        months = rows["period"].to_numpy("datetime64[M]")
        days = np.append(months, months[-1] + 1).astype("datetime64[D]")  # the last month's end
        ordered = _with_last(np.cumsum(rows["ordered"].to_numpy()))
        delivered = _with_last(rows["on_hand"].to_numpy())
        coming = delivered + _with_last(np.cumsum(rows["scheduled"].to_numpy()))
        position = _with_last(rows["position"].to_numpy())
        tag = f" ({sku})"
        ax.step(
            days,
            ordered,
            where="post",
            color=COLORS["ordered"],
            linestyle=style_,
            linewidth=2,
            label=escape(f"ordered{tag}"),
        )
        ax.step(
            days,
            delivered,
            where="post",
            color=COLORS["delivered"],
            linestyle=style_,
            linewidth=2,
            label=escape(f"delivered{tag}"),
        )
        if (coming != delivered).any():
            ax.step(
                days,
                coming,
                where="post",
                color=COLORS["delivered"],
                linestyle=":",
                linewidth=1.5,
                label=escape(f"delivered or scheduled{tag}"),
            )
        ax.step(
            days,
            position,
            where="post",
            color="#333333",
            linestyle=style_,
            linewidth=1,
            label=escape(f"position (ordered + in - out){tag}"),
        )
    middle = fleet["period"].min() + (fleet["period"].max() - fleet["period"].min()) / 2
    _moves(ax, source, entity, as_days([middle])[0])
    date_axis(ax)
    ax.yaxis.set_major_formatter(_units_formatter())
    ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
    style(ax, f"{display_name(source, entity)}: GPUs ordered, delivered and moved", "GPUs")
    legend(ax)
    moved = int(fleet["moved_in"].sum()), int(fleet["moved_out"].sum())
    note(
        fig,
        f"orders of status {', '.join(statuses)}; {moved[0]:,} units moved in and {moved[1]:,} "
        "out by reallocation",
    )
    return fig


def _with_last(values: np.ndarray) -> np.ndarray:
    """``values`` with its last repeated: the steps' value through the end of the last month."""
    return np.append(values, values[-1])


def _moves(ax: Axes, source: Ledger, entity: str, middle: np.datetime64) -> None:
    """Each reallocation in or out of ``entity``: a dashed line at its date, its units and
    counterparty written beside it (on the left of the line past the ``middle`` of the plot)."""
    moves = gpu_movements(source)
    mine = moves[
        (moves["entity"].astype("object") == entity).to_numpy()
        & moves["event"].isin(["moved_in", "moved_out"]).to_numpy()
    ]
    if mine.empty:
        return
    rows = (
        mine.assign(
            event=mine["event"].astype("object"),
            counterparty=mine["counterparty"].astype("object").fillna("?"),
            sku=mine["sku"].astype("object").fillna("GPUs"),
        )
        .groupby(["date", "event", "counterparty", "sku"], sort=True)["units"]
        .sum()
        .reset_index()
    )
    for i, row in enumerate(rows.to_dict("records")):
        incoming = row["event"] == "moved_in"
        day = as_days([row["date"]])[0]
        text = (
            f"+{int(row['units']):,} {row['sku']} from {row['counterparty']}"
            if incoming
            else f"-{abs(int(row['units'])):,} {row['sku']} to {row['counterparty']}"
        )
        ax.axvline(day, color=COLORS["moved"], linewidth=1, linestyle="--")
        ax.annotate(
            escape(text),
            (day, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if day > middle else 4, -12 - 12 * i),
            textcoords="offset points",
            ha="right" if day > middle else "left",
            fontsize=NOTE_SIZE,
            color=COLORS["moved"],
            fontweight="bold",
        )


def _units_formatter() -> Formatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")
