"""The cash plot: a company's cash rolled forward from its last balance, the day it runs out
marked, the range of that day as a band; what-ifs as one line each; a Monte Carlo simulation as
a fan of quantiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.runway import Policy, Runway, runway
from aicapex.dates import DateLike
from aicapex.plot.base import (
    COLORS,
    LABEL_SIZE,
    NOTE_SIZE,
    as_days,
    cycle,
    date_axis,
    display_name,
    escape,
    legend,
    money_axis,
    new_figure,
    note,
    style,
)
from aicapex.scenarios.montecarlo import Simulation
from aicapex.scenarios.scenario import Comparison
from aicapex.table.adjust import Adjustment

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from aicapex.ledger import Ledger

__all__ = ["CashLine", "cash", "cash_line"]

#: Months shown after ``as_of`` when the cash lasts longer (or never runs out).
SHOWN_MONTHS = 36

#: The quantiles of a simulation's fan: the outer band, the inner band and the median line.
FAN = ((0.05, 0.95), (0.25, 0.75), 0.5)

#: Marker of a reported balance by the kind of its figure.
_MARKERS = {"exact": "o", "approx": "o", "upper": "v", "lower": "^", "range": "s"}


@dataclass(frozen=True)
class CashLine:
    """The cash of one entity as a line: ``days`` (the first day of each month from the one after
    the balance, and the day after the last), ``cash`` (US dollars then: the starting cash, then
    each month's closing), and the runway it comes from."""

    days: np.ndarray
    cash: np.ndarray
    runway: Runway


def cash_line(r: Runway, entity: str, shown_months: int = SHOWN_MONTHS) -> CashLine:
    """The line of ``entity``'s cash in the runway ``r``: from the month after its balance to the
    month its cash goes below zero (the path stops there), else ``shown_months`` past
    ``as_of``."""
    path = r.explain(entity)
    row = r.frame[(r.frame["entity"].astype("object") == entity).to_numpy()].iloc[0]
    found = path_line(path, row["as_of"], shown_months)
    if found is None:
        start_month = np.datetime64(pd.Timestamp(row["balance_date"]), "M") + 1
        days = np.array([start_month], dtype="datetime64[M]").astype("datetime64[D]")
        return CashLine(days, np.array([float(row["start_cash"])]), r)
    return CashLine(*found, r)


def path_line(
    path: pd.DataFrame, as_of: Any, shown_months: int = SHOWN_MONTHS
) -> tuple[np.ndarray, np.ndarray] | None:
    """The days and the cash of a month-by-month path (``month``, ``opening``, ``closing``,
    as :meth:`Runway.explain <aicapex.analysis.runway.Runway.explain>` gives): the opening cash
    on the first day of the first month, each month's closing on the first day of the next, to
    ``shown_months`` past ``as_of``; ``None`` when no month is left."""
    months = path["month"].to_numpy("datetime64[ns]").astype("datetime64[M]")
    keep = months <= np.datetime64(pd.Timestamp(as_of).date(), "M") + shown_months
    months = months[keep]
    if len(months) == 0:
        return None
    closing = path["closing"].to_numpy("float64")[keep]
    days = np.append(months, months[-1] + 1).astype("datetime64[D]")
    return days, np.concatenate([[float(path["opening"].iloc[0])], closing])


def cash(
    source: Ledger,
    entity: str,
    as_of: DateLike | None = None,
    *,
    policy: Policy = "disbursed",
    scenarios: Mapping[str, Sequence[Adjustment]] | Comparison | None = None,
    simulation: Simulation | None = None,
    simulation_name: str = "simulated",
    shown_months: int = SHOWN_MONTHS,
) -> Figure:
    """``entity``'s cash trajectory from its last balance at ``as_of`` under ``policy`` (see
    :func:`aicapex.analysis.runway.runway`), the day it runs out marked (a dashed line labelled
    ``cash out YYYY-MM-DD``) with the range of that day the reported ranges allow as a band, the
    balances reported (their ranges as error bars; a bound as a triangle) and ``as_of``.

    ``scenarios`` maps names to adjustments (``{"Intel pays in October": [Exclude([...]),
    AddFlow(...)]}``), or a :class:`~aicapex.scenarios.scenario.Comparison` of ``entity``
    (:func:`aicapex.compare`, e.g. of a scenario file's scenarios): one more line each, with its
    own cash-out day; a compared scenario whose cash is the main line's is named in the note
    instead of drawn again.

    ``simulation``: a :class:`~aicapex.scenarios.montecarlo.Simulation` of ``entity``
    (:func:`aicapex.simulate`) drawn as a fan: the cash at the end of each month (drawn on the
    first day of the next, as the line is) between its 5th and 95th percentiles, between its
    25th and 75th, and its median; the runway's percentiles go in the note. Its paths start
    from its own ``as_of`` and policy (the simulation's parameters); ``simulation_name`` names
    them in the legend (say, the scenario simulated). Returns a
    :class:`~matplotlib.figure.Figure`."""
    for result in (simulation, scenarios):
        if isinstance(result, Simulation | Comparison) and result.params.get("entity") != entity:
            raise ValueError(
                f"the {result.NAME} is of {result.params.get('entity')!r}, not of {entity!r}"
            )
    base = runway(source, entity, as_of=as_of, policy=policy)
    fig = new_figure()
    ax = fig.subplots()
    line = cash_line(base, entity, shown_months)
    row = base.frame.iloc[0]
    colours = iter(cycle())
    next(colours)  # the first is the base line's
    ax.axhline(0, color="#444444", linewidth=0.8)
    if simulation is not None:
        _fan(ax, simulation, shown_months, simulation_name)
    _draw(ax, line, "cash (recorded and run-rate flows)", COLORS["cash"])
    same: list[str] = []
    if isinstance(scenarios, Comparison):
        for name in scenarios.frame.index:
            found = path_line(scenarios.path(name), row["as_of"], shown_months)
            if found is None:
                continue
            if np.array_equal(found[0], line.days) and np.allclose(found[1], line.cash):
                same.append(str(name))
                continue
            cash_out = scenarios.frame.loc[name, "cash_out"]
            _other(ax, *found, str(name), next(colours), cash_out)
    else:
        for name, adjustments in (scenarios or {}).items():
            other = runway(source, entity, as_of=as_of, policy=policy, adjust=list(adjustments))
            drawn = cash_line(other, entity, shown_months)
            cash_out = other.frame.iloc[0]["cash_out"]
            _other(ax, drawn.days, drawn.cash, name, next(colours), cash_out)
    _balances(ax, source, entity)
    as_of_day = as_days([row["as_of"]])[0]
    ax.axvline(as_of_day, color="#888888", linestyle=":", linewidth=1)
    ax.annotate(
        escape(f"as of {pd.Timestamp(row['as_of']):%Y-%m-%d}"),
        (as_of_day, 1.0),
        xycoords=("data", "axes fraction"),
        fontsize=NOTE_SIZE,
        color="#555555",
        ha="right",
        va="top",
        rotation=90,
    )
    date_axis(ax)
    money_axis(ax)
    name = display_name(source, entity)
    style(ax, f"{name}: cash and runway ({policy})", "US dollars")
    legend(ax)
    more = [f"as the main line: {', '.join(same)}"] if same else []
    if simulation is not None:
        more.append(f"{simulation_name}: {_simulated(simulation)}")
    note(fig, "\n".join([_summary(base), "; ".join(more)]) if more else _summary(base))
    return fig


def _fan(ax: Axes, simulation: Simulation, shown_months: int, name: str) -> None:
    """A simulation's quantiles of the cash at the end of each month (at most
    ``shown_months`` months): two bands and the median."""
    (a, b), (c, d), mid = FAN
    q = simulation.quantiles((a, b, c, d, mid)).iloc[:shown_months]
    if q.empty:
        return
    days = (q.index.to_numpy("datetime64[ns]").astype("datetime64[M]") + 1).astype("datetime64[D]")
    paths = simulation.summary.paths
    colour = COLORS["cash"]
    ax.fill_between(
        days,
        q.iloc[:, 0].to_numpy("float64"),
        q.iloc[:, 1].to_numpy("float64"),
        color=colour,
        alpha=0.12,
        linewidth=0,
        label=escape(f"{name}, {100 * a:g}th to {100 * b:g}th percentile ({paths:,} paths)"),
    )
    ax.fill_between(
        days,
        q.iloc[:, 2].to_numpy("float64"),
        q.iloc[:, 3].to_numpy("float64"),
        color=colour,
        alpha=0.25,
        linewidth=0,
        label=escape(f"{name}, {100 * c:g}th to {100 * d:g}th percentile"),
    )
    ax.plot(
        days,
        q.iloc[:, 4].to_numpy("float64"),
        color=colour,
        linewidth=1.2,
        linestyle=":",
        label=escape(f"{name}, median"),
    )


def _simulated(simulation: Simulation) -> str:
    months = simulation.months((0.05, 0.5, 0.95))
    text = " / ".join("past the horizon" if not np.isfinite(v) else f"{v:.2f}" for v in months)
    return f"runway {text} months (p5 / p50 / p95)"


def _draw(ax: Axes, line: CashLine, label: str, colour: str) -> None:
    """The main cash line, its cash-out day marked with the range of that day."""
    row = line.runway.frame.iloc[0]
    ax.plot(
        line.days,
        line.cash,
        color=colour,
        linewidth=2,
        linestyle="-",
        marker="o" if len(line.days) < 30 else None,
        markersize=3,
        label=escape(label),
    )
    if pd.isna(row["cash_out"]):
        return
    day = as_days([row["cash_out"]])[0]
    if day > line.days[-1]:
        return  # past the months shown (the note gives the runway)
    early, late = row["cash_out_earliest"], row["cash_out_latest"]
    if not pd.isna(early) and early != late:
        end = as_days([late])[0] if not pd.isna(late) else line.days[-1]
        ax.axvspan(
            as_days([early])[0],
            end,
            color=COLORS["range"],
            alpha=0.5,
            label=escape("cash-out range (reported ranges)"),
        )
    ax.axvline(day, color=COLORS["cash_out"], linestyle="--", linewidth=1.2)
    ax.annotate(
        escape(f"cash out {pd.Timestamp(row['cash_out']):%Y-%m-%d}"),
        (day, 0),
        xytext=(6, 12),
        textcoords="offset points",
        fontsize=LABEL_SIZE,
        color=COLORS["cash_out"],
        fontweight="bold",
    )
    ax.plot([day], [0.0], marker="X", color=colour, markersize=8, linestyle="none")


def _other(
    ax: Axes, days: np.ndarray, values: np.ndarray, label: str, colour: str, cash_out: Any
) -> None:
    """A what-if's cash line (dashed), labelled with its cash-out day, marked where shown."""
    out = (
        "cash lasts past the horizon"
        if pd.isna(cash_out)
        else f"cash out {pd.Timestamp(cash_out):%Y-%m-%d}"
    )
    ax.plot(
        days,
        values,
        color=colour,
        linewidth=1.5,
        linestyle="--",
        marker="o" if len(days) < 30 else None,
        markersize=3,
        label=escape(f"{label}: {out}"),
    )
    if pd.isna(cash_out):
        return
    day = as_days([cash_out])[0]
    if day <= days[-1]:
        ax.plot([day], [0.0], marker="X", color=colour, markersize=6, linestyle="none")


def _balances(ax: Axes, source: Ledger, entity: str) -> None:
    """The cash balances reported for ``entity`` (conflicting ones too), at their last day."""
    frame = source.frame("cash_balances")
    mine = frame[(frame["company"].astype("object") == entity).to_numpy()]
    mine = mine[mine["amount_usd"].notna().to_numpy() & mine["date_end"].notna().to_numpy()]
    labelled = False
    for kind, rows in mine.groupby(mine["amount_kind"].astype("object"), sort=True):
        days = as_days(rows["date_end"])
        amount = rows["amount_usd"].to_numpy("float64")
        low = rows["amount_low_usd"].fillna(rows["amount_usd"]).to_numpy("float64")
        high = rows["amount_high_usd"].fillna(rows["amount_usd"]).to_numpy("float64")
        ax.errorbar(
            days,
            amount,
            yerr=np.vstack([amount - low, high - amount]),
            fmt=_MARKERS.get(str(kind), "o"),
            color="black",
            markersize=6,
            capsize=3,
            linewidth=1,
            label=None if labelled else escape("cash balances reported (ranges, bounds)"),
        )
        labelled = True


def _summary(r: Runway) -> str:
    row = r.frame.iloc[0]
    months = float(row["months"])
    if not np.isfinite(months):
        text = "the cash lasts past the horizon"
    else:
        low, high = float(row["months_low"]), float(row["months_high"])
        span = "" if low == high == months else f" ({low:.2f} to {high:.2f})"
        text = f"runway {months:.2f} months{span} after {pd.Timestamp(row['as_of']):%Y-%m-%d}"
    return f"{text}; from balance {row['balance_record']}; policy {r.policy}"
