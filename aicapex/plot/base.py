"""What every plot shares: a figure built directly, labels escaped, dollars on the axes, and
the figure as PNG or as SVG text fit to inline in HTML.

Plots never use pyplot and never change matplotlib's global ``rcParams``: each builds a
:class:`matplotlib.figure.Figure` of its own and sets its style on its own artists, so plotting
leaves no state behind (figures are freed when dropped; nothing is drawn on a screen). Matplotlib
is imported on first use, so importing :mod:`aicapex.plot` costs nothing without it.

Text from a ledger goes through :func:`escape` before it is a label: matplotlib reads text
between two dollar signs as mathematics (``$5M to $7M`` would lose its dollars).

>>> escape("$5M to $7M")
'\\\\$5M to \\\\$7M'
>>> usd_label(-10e6)
'-\\\\$10.0M'
"""

from __future__ import annotations

import io
import itertools
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aicapex.safewrite import atomic_write_bytes
from aicapex.values import format_usd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from aicapex.ledger import Ledger

__all__ = [
    "COLORS",
    "INSTALL_HINT",
    "compact_usd",
    "date_axis",
    "display_name",
    "escape",
    "money_axis",
    "new_figure",
    "note",
    "save_png",
    "short_usd",
    "to_png",
    "to_svg",
    "usd_label",
]

INSTALL_HINT = "plots need matplotlib: pip install 'aicapex[plot]'"

#: Colours by meaning, the same in every plot (matplotlib's tab10, fixed here).
COLORS: dict[str, str] = {
    "cash": "#1f77b4",
    "compute": "#d62728",
    "payroll": "#9467bd",
    "opex": "#ff7f0e",
    "tax": "#8c564b",
    "other": "#7f7f7f",
    "capex": "#bcbd22",
    "revenue": "#2ca02c",
    "cash_out": "#d62728",
    "range": "#aec7e8",
    "loop": "#d62728",
    "edge": "#7f7f7f",
    "ordered": "#1f77b4",
    "delivered": "#2ca02c",
    "moved": "#ff7f0e",
}

#: Colours of series without a meaning of their own (scenarios, SKUs, holders), in order.
CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")

#: Font sizes (points) set on each artist, never through rcParams.
TITLE_SIZE = 12
LABEL_SIZE = 9
NOTE_SIZE = 8


def cycle() -> Iterable[str]:
    """The series colours, repeated."""
    return itertools.cycle(CYCLE)


def escape(text: object) -> str:
    """``text`` as a matplotlib label shows it verbatim: every ``$`` escaped (matplotlib reads
    text between two dollar signs as mathematics)."""
    return str(text).replace("$", r"\$")


def usd_label(value: float, digits: int = 1) -> str:
    """US dollars for an axis or a label (``\\$11.8M``), escaped for matplotlib."""
    return escape(format_usd(value, digits))


def display_name(source: Ledger, entity: str) -> str:
    """The entity's name in the ledger (its id when it has none)."""
    return str(getattr(source.get(entity), "name", None) or entity)


def new_figure(width: float = 8.0, height: float = 4.5) -> Figure:
    """A new figure of its own (no pyplot, no global state); :data:`INSTALL_HINT` as an
    ImportError without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extra
        raise ImportError(INSTALL_HINT) from exc
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    fig.set_facecolor("white")
    return fig


def compact_usd(value: float) -> str:
    """US dollars as short as an axis or a label needs: ``$25M``, ``$2.5M``, ``$1.2B``,
    ``-$5M``, ``$50K`` (plain text: :func:`short_usd` escapes it for matplotlib)."""
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    scale, unit = (1e9, "B") if v >= 1e9 else (1e6, "M") if v >= 1e5 or v == 0 else (1e3, "K")
    digits = f"{v / scale:,.1f}".rstrip("0").rstrip(".")
    return f"{sign}${digits}{unit}" if v else "$0"


def short_usd(value: float) -> str:
    """:func:`compact_usd`, escaped for matplotlib."""
    return escape(compact_usd(value))


def money_axis(ax: Axes, axis: str = "y") -> None:
    """Dollar tick labels (``$10M``, ``$1.2B``) on ``ax``'s ``axis``."""
    from matplotlib.ticker import FuncFormatter

    formatter = FuncFormatter(lambda v, _pos: short_usd(v))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)
    ax.tick_params(labelsize=LABEL_SIZE)


def date_axis(ax: Axes) -> None:
    """Dates on ``ax``'s x axis, as short as they can be read."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    locator = AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    ax.tick_params(labelsize=LABEL_SIZE)


def style(ax: Axes, title: str, ylabel: str | None = None) -> None:
    """A plot's title (escaped here), its y label, a light grid and no top or right frame."""
    ax.set_title(escape(title), fontsize=TITLE_SIZE, loc="left")
    if ylabel is not None:
        ax.set_ylabel(escape(ylabel), fontsize=LABEL_SIZE)
    ax.grid(True, axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def legend(ax: Axes, **kwargs: Any) -> None:
    """The legend of ``ax``'s labelled artists (labels already escaped), when there are any,
    outside the plot on its right (nothing drawn over)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        figure = ax.get_figure()
        assert figure is not None
        figure.legend(
            handles, labels, loc="outside right upper", fontsize=NOTE_SIZE, frameon=False, **kwargs
        )


def note(fig: Figure, text: str) -> None:
    """A line of small text under the plot (where the figures come from); escaped here."""
    fig.supxlabel(escape(text), x=0.01, ha="left", fontsize=NOTE_SIZE - 1, color="#555555")


def as_days(values: Any) -> np.ndarray:
    """Dates as ``datetime64[D]`` for matplotlib (it reads NumPy dates natively)."""
    return np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")


def to_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (matplotlib's Agg renderer; no date in the file's metadata)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def save_png(fig: Figure, path: str | os.PathLike[str], dpi: int = 100) -> Path:
    """Write the figure to ``path`` as PNG, atomically and durably
    (:func:`aicapex.safewrite.atomic_write_bytes`: :class:`~aicapex.safewrite.WriteError`
    naming the path when it cannot be written)."""
    png = to_png(fig, dpi)
    return atomic_write_bytes(path, lambda out: out.write(png))


_SVG_START = re.compile(r"<svg\b")
_SVG_ID = re.compile(r'\bid="([^"]+)"')


def to_svg(fig: Figure, prefix: str = "") -> str:
    """The figure as an ``<svg>`` element to inline in HTML: no XML declaration or doctype, no
    date, and every id prefixed with ``prefix`` (so several plots in one page keep their clip
    paths and glyphs apart)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    start = _SVG_START.search(text)
    text = text[start.start() :] if start else text
    if prefix:
        ids = set(_SVG_ID.findall(text))

        def rename(match: re.Match[str]) -> str:
            name = match.group(2)
            return f"{match.group(1)}{prefix}{name}" if name in ids else match.group(0)

        text = re.sub(r'(\bid=")([^"]+)(?=")', rename, text)
        text = re.sub(r'((?:href="|url\()#)([^")]+)(?=[")])', rename, text)
    return text
