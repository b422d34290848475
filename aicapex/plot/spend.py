"""Spending plots: monthly burn by category against revenue, and revenue against compute per
period."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from aicapex.analysis.burn import BURN_CATEGORIES
from aicapex.analysis.burn import burn as burn_of
from aicapex.analysis.gap import compute_gap as gap_of
from aicapex.dates import DateLike
from aicapex.plot.base import (
    COLORS,
    NOTE_SIZE,
    as_days,
    date_axis,
    display_name,
    escape,
    legend,
    money_axis,
    new_figure,
    note,
    style,
)
from aicapex.values import format_usd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from aicapex.ledger import Ledger

__all__ = ["burn", "compute_gap"]


def burn(
    source: Ledger, entity: str, start: DateLike | None = None, end: DateLike | None = None
) -> Figure:
    """``entity``'s spending each month stacked by category (:data:`~aicapex.analysis.burn
    .BURN_CATEGORIES`, and capital spending hatched apart), revenue as a line against it, the
    range of the spending reported as error bars (from :func:`aicapex.analysis.burn.burn`).
    Categories never spent are left out of the legend."""
    b = burn_of(source, entity, start, end).frame
    if b.empty or not (b["gross_burn"].any() or b["revenue"].any() or b["capex"].any()):
        raise ValueError(f"no expenses or revenues of {entity!r} to plot")
    fig = new_figure()
    ax = fig.subplots()
    days = as_days(b["month"])
    width = np.timedelta64(24, "D")
    bottom = np.zeros(len(b))
    for category in (*BURN_CATEGORIES, "capex"):
        values = b[category].to_numpy("float64")
        if not values.any():
            continue
        label = "capital spending (GPU orders paid)" if category == "capex" else category
        ax.bar(
            days,
            values,
            width=width,
            bottom=bottom,
            align="edge",
            color=COLORS[category],
            hatch="//" if category == "capex" else None,
            edgecolor="white",
            linewidth=0.5,
            label=escape(label),
        )
        bottom = bottom + values
    gross = b["gross_burn"].to_numpy("float64")
    low, high = b["gross_burn_low"].to_numpy("float64"), b["gross_burn_high"].to_numpy("float64")
    if (low != gross).any() or (high != gross).any():
        ax.errorbar(
            days + width // 2,
            gross,
            yerr=np.vstack([gross - low, high - gross]),
            fmt="none",
            ecolor="black",
            elinewidth=0.8,
            capsize=2,
            label=escape("range of the spending reported"),
        )
    ax.plot(
        days + width // 2,
        b["revenue"].to_numpy("float64"),
        color=COLORS["revenue"],
        marker="o",
        markersize=4,
        linewidth=2,
        label=escape("revenue"),
    )
    date_axis(ax)
    money_axis(ax)
    style(ax, f"{display_name(source, entity)}: monthly spending and revenue", "US dollars a month")
    legend(ax)
    mean = float(b["net_burn"].mean())
    first, last = (f"{b['month'].iloc[i]:%Y-%m}" for i in (0, -1))
    note(fig, f"net burn {format_usd(mean)} a month on average, {first} to {last}")
    return fig


def compute_gap(
    source: Ledger, entity: str, period: DateLike | None = None, freq: str | None = "Q"
) -> Figure:
    """``entity``'s revenue and compute spending side by side per period (``freq``: ``"M"``,
    ``"Q"``, ``"Y"``; ``None``: the whole ``period`` at once), the ranges reported as error
    bars and compute as a multiple of revenue above each pair (from
    :func:`aicapex.analysis.gap.compute_gap`)."""
    g = gap_of(source, entity, period, freq=freq).frame
    if g.empty or not (g["revenue_usd"].any() or g["compute_usd"].any()):
        raise ValueError(f"no revenue or compute spending of {entity!r} to plot")
    fig = new_figure()
    ax = fig.subplots()
    x = np.arange(len(g), dtype=float)
    width = 0.38
    for offset, column in ((-width / 2, "revenue"), (width / 2, "compute")):
        values = g[f"{column}_usd"].to_numpy("float64")
        low = g[f"{column}_low_usd"].to_numpy("float64")
        high = g[f"{column}_high_usd"].to_numpy("float64")
        ranged = (low != values).any() or (high != values).any()
        ax.bar(
            x + offset,
            values,
            width=width,
            color=COLORS[column],
            label=escape(column),
            yerr=np.vstack([values - low, high - values]) if ranged else None,
            error_kw={"elinewidth": 0.8, "capsize": 3},
        )
    tops = np.fmax(
        g["revenue_high_usd"].to_numpy("float64"), g["compute_high_usd"].to_numpy("float64")
    )
    for xi, top, ratio in zip(x, tops, g["ratio"].to_numpy("float64"), strict=True):
        text = "no revenue" if not np.isfinite(ratio) else f"compute {ratio:.1f}x revenue"
        ax.annotate(
            escape(text),
            (xi, top),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=NOTE_SIZE,
        )
    ax.set_xticks(x, [escape(p) for p in g["period"].astype("object")])
    money_axis(ax)
    ax.margins(y=0.15)
    style(ax, f"{display_name(source, entity)}: revenue against compute spending", "US dollars")
    legend(ax)
    total = g[["revenue_usd", "compute_usd"]].sum()
    note(
        fig,
        f"over all periods: revenue {format_usd(total['revenue_usd'])}, compute "
        f"{format_usd(total['compute_usd'])}",
    )
    return fig
