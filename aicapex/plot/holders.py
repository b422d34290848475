"""The ownership plot: who holds a company, at each date its holders change (from
:func:`aicapex.analysis.ownership.ownership`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of
from aicapex.analysis.ownership import OTHERS
from aicapex.analysis.ownership import ownership as ownership_of
from aicapex.dates import DateLike
from aicapex.plot.base import (
    CYCLE,
    NOTE_SIZE,
    display_name,
    escape,
    legend,
    new_figure,
    note,
    style,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import Formatter

    from aicapex.ledger import Ledger

__all__ = ["ownership", "ownership_dates"]

#: The colour of the rest of the company (``others``) and of shares nobody reported.
_OTHERS = "#d9d9d9"
_UNKNOWN = "#ffffff"


def ownership_dates(
    source: Ledger, company: str, as_of: DateLike | None = None
) -> list[pd.Timestamp]:
    """The days the holders of ``company`` can change, in order: the first day of each of its
    stakes' dates (whatever their status: an announced stake is shown beside the bar) and of
    each closed round that changes the holdings (new money with a post-money valuation, which
    dilutes every holder, or a price per share with a post-money, which gives the fully
    diluted total), to the end of ``as_of`` (``None``: every one).
    :func:`aicapex.analysis.ownership.ownership` counts a record from its first day, so each
    day is a state of its own."""
    stakes = source.frame("stakes")
    stakes = stakes[(stakes["company"].astype("object") == company).to_numpy()]
    rounds = source.frame("funding_rounds")
    rounds = rounds[
        (rounds["company"].astype("object") == company).to_numpy()
        & (rounds["status"].astype("object") == "closed").to_numpy()
    ]
    amount = rounds["amount_usd"].to_numpy("float64")
    post = rounds["post_money_usd"].to_numpy("float64")
    price = rounds["price_per_share_usd"].to_numpy("float64")
    secondary = rounds["secondary"].fillna(False).to_numpy(bool)
    with np.errstate(invalid="ignore"):
        dilutes = (amount > 0) & (amount < post) & ~secondary
        priced = (price > 0) & (post > 0)
    days = {pd.Timestamp(d) for d in stakes["date_start"].dropna()}
    days |= {pd.Timestamp(d) for d in rounds["date_start"][dilutes | priced].dropna()}
    if as_of is not None:
        limit = pd.Timestamp(day_of(as_of, end=True))
        days = {d for d in days if d <= limit}
    return sorted(days)


def ownership(
    source: Ledger,
    company: str,
    as_of: DateLike | None = None,
    *,
    basis: Literal["basic", "diluted"] = "basic",
) -> Figure:
    """``company``'s holders at each date they change: a stacked bar per date, a segment per
    holder (``others``, the rest, in grey) labelled with its share, its range where reported as
    one. A share the sources do not give is an empty, hatched segment saying so, never a guess;
    announced or committed stakes (not counted) are listed under the plot. ``basis``: shares of
    the shares outstanding or of the fully diluted shares. ``as_of``: the last date shown
    (``None``: the latest record).

    >>> import aicapex as ac
    >>> fig = ownership(ac.load(ac.bundled_data()), "tesla")
    >>> [t.get_text() for t in fig.axes[0].texts], [t.get_text() for t in fig.legends[0].texts]
    (['20.5%', '79.5%'], ['Elon Musk', 'others (the rest)'])
    """
    days = ownership_dates(source, company, as_of)
    if not days:
        raise ValueError(f"no stakes of {company!r} to plot")
    column = f"share_{basis}"
    frames = [
        ownership_of(source, company, as_of=d.date().isoformat()).frame.assign(day=d) for d in days
    ]
    table = pd.concat(frames, ignore_index=True)
    counted = table[table["counted"].to_numpy()]
    pending = table[~table["counted"].to_numpy()].drop_duplicates("holder", keep="last")
    holders = [h for h in dict.fromkeys(counted["holder"].astype("object")) if h != OTHERS]
    colours = dict(zip(holders, CYCLE * (len(holders) // len(CYCLE) + 1), strict=False))
    fig = new_figure()
    ax = fig.subplots()
    x = np.arange(len(days), dtype=float)
    labelled: set[str] = set()
    for xi, day in zip(x, days, strict=True):
        rows = counted[(counted["day"] == day).to_numpy()]
        bottom = 0.0
        ordered = sorted(
            rows.itertuples(index=False),
            key=lambda r: (r.holder == OTHERS, math.isnan(float(getattr(r, column)))),
        )
        for row in ordered:
            share = float(getattr(row, column))
            name = str(row.holder)
            if math.isnan(share):
                if bottom < 1.0:
                    _unknown(
                        ax, xi, bottom, name, _holder_label(source, name), "(unknown)" in labelled
                    )
                    labelled.add("(unknown)")
                bottom = 1.0
                continue
            colour = _OTHERS if name == OTHERS else colours[name]
            label = None if name in labelled else escape(_holder_label(source, name))
            labelled.add(name)
            ax.bar(
                xi, share, bottom=bottom, width=0.6, color=colour, edgecolor="white", label=label
            )
            ax.text(
                xi,
                bottom + share / 2,
                escape(_with_range(row, column)),
                ha="center",
                va="center",
                fontsize=NOTE_SIZE,
            )
            bottom += share
        if rows.empty:
            ax.text(
                xi,
                0.5,
                escape("no closed stake reported"),
                ha="center",
                va="center",
                fontsize=NOTE_SIZE,
                color="#555555",
            )
        waiting = table[(table["day"] == day).to_numpy() & ~table["counted"].to_numpy()]
        top = 0.0
        for row in waiting.itertuples(index=False):
            share = float(getattr(row, column))
            if math.isnan(share):
                continue
            ax.bar(
                xi + 0.42,
                share,
                bottom=top,
                width=0.18,
                color="white",
                edgecolor="#555555",
                linestyle="--",
                hatch="..",
                label=None
                if "(pending)" in labelled
                else escape("announced or committed, not counted"),
            )
            labelled.add("(pending)")
            ax.text(
                xi + 0.53,
                top + share / 2,
                escape(f"{_holder_label(source, str(row.holder))} {_with_range(row, column)}"),
                ha="left",
                va="center",
                fontsize=NOTE_SIZE - 1,
            )
            top += share
    ax.set_xticks(x, [f"from {d:%Y-%m-%d}" for d in days])
    ax.set_xlim(-0.6, len(days) - 0.1)
    ax.set_ylim(0, 1.0)
    ax.yaxis.set_major_formatter(_percent())
    basis_text = "fully diluted shares" if basis == "diluted" else "shares outstanding"
    style(ax, f"{display_name(source, company)}: who holds it", f"share of the {basis_text}")
    legend(ax)
    notes = [
        f"not counted ({row.status}): {_holder_label(source, str(row.holder))} "
        f"{_share_text(getattr(row, column))}"
        for row in pending.itertuples(index=False)
    ]
    note(fig, "; ".join(notes) if notes else "every stake shown is closed")
    return fig


def _holder_label(source: Ledger, holder: str) -> str:
    return "others (the rest)" if holder == OTHERS else display_name(source, holder)


def _with_range(row: object, column: str) -> str:
    """``20.5%``, with its range where the share was reported as one."""
    share = float(getattr(row, column))
    low, high = float(getattr(row, f"{column}_low")), float(getattr(row, f"{column}_high"))
    text = f"{100 * share:.3g}%"
    if not (math.isnan(low) or math.isnan(high)) and low != high:
        text += f" ({100 * low:.3g} to {100 * high:.3g}%)"
    return text


def _share_text(value: float) -> str:
    return "share not reported" if math.isnan(value) else f"{100 * value:.3g}%"


def _unknown(ax: Axes, x: float, bottom: float, holder: str, shown: str, seen: bool) -> None:
    """The rest of a bar when ``holder``'s share is not reported: empty, hatched, said so."""
    ax.bar(
        x,
        1.0 - bottom,
        bottom=bottom,
        width=0.6,
        color=_UNKNOWN,
        edgecolor="#888888",
        hatch="//",
        label=None if seen else escape("share not reported"),
    )
    if holder != OTHERS:
        ax.text(
            x,
            bottom + (1.0 - bottom) / 2,
            escape(f"{shown}: share not reported"),
            ha="center",
            va="center",
            fontsize=NOTE_SIZE,
            bbox={"fc": "white", "ec": "none", "alpha": 0.9},
        )


def _percent() -> Formatter:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)
