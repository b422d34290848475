"""The plots of a report: which pictures each company gets, and writing them as PNG files.

A company gets a picture when its report has the figures behind it: :func:`~aicapex.plot.cash`
when it has a runway, :func:`~aicapex.plot.burn` when it has a burn, :func:`~aicapex.plot
.compute_gap` when it has a compute gap, :func:`~aicapex.plot.gpus` when it has GPU orders or
reallocations, :func:`~aicapex.plot.ownership` when its ownership section names holders.
The ledger as a whole gets the money graph (:func:`~aicapex.plot.flows`) when
money moves between named entities. A plot that cannot be drawn is skipped with its reason
(never a failed report).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from aicapex.plot.base import to_png
from aicapex.plot.fleet import gpus
from aicapex.plot.graph import flows
from aicapex.plot.holders import ownership
from aicapex.plot.runway import cash
from aicapex.plot.spend import burn, compute_gap
from aicapex.safewrite import atomic_write_files, make_folder
from aicapex.table.legs import money_legs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from aicapex.ledger import Ledger

__all__ = [
    "Picture",
    "company_pictures",
    "draw_pictures",
    "file_name",
    "ledger_pictures",
    "write_pictures",
    "write_pngs",
]


@dataclass(frozen=True)
class Picture:
    """One plot of a report: the ``company`` it is of (``None``: the whole ledger), its
    ``name`` (``cash``, ``burn``, ...), a ``caption``, and the ``figure``, or ``None`` with the
    ``reason`` it could not be drawn."""

    company: str | None
    name: str
    caption: str
    figure: Figure | None
    reason: str | None = None

    @property
    def file(self) -> str:
        """Its PNG file name (:func:`file_name`)."""
        return file_name(self.company, self.name)


def _usable(section: Any) -> Mapping[str, Any] | None:
    """A section of figures (``None`` when it is missing, empty or only a reason)."""
    if isinstance(section, Mapping) and section and "reason" not in section:
        return section
    return None


def _plans(ledger: Ledger, c: Mapping[str, Any]) -> Iterator[tuple[str, str, Callable[[], Any]]]:
    """``(name, caption, draw)`` for each plot the company's report data calls for."""
    company = str(c["id"])
    runway = _usable(c.get("runway"))
    if runway is not None and "disbursed" in runway:
        yield (
            "cash",
            "Cash rolled forward from the last balance (policy disbursed), the cash-out day "
            "marked and its range shaded.",
            lambda: cash(ledger, company, as_of=c.get("as_of")),
        )
    spent = _usable(c.get("burn"))
    if spent is not None:
        yield (
            "burn",
            f"Spending by category and revenue, month by month, {spent['from']} to {spent['to']}.",
            lambda: burn(ledger, company, spent["from"], spent["to"]),
        )
    gap = _usable(c.get("compute_gap"))
    if gap is not None:
        yield (
            "compute_gap",
            f"Revenue against compute spending by quarter of {gap['period']}.",
            lambda: compute_gap(ledger, company, period=gap["period"], freq="Q"),
        )
    owned = _usable(c.get("ownership"))
    if owned is not None and owned.get("holders"):
        yield (
            "ownership",
            f"Who holds it, at each date a stake or a priced round changes its holders, to "
            f"{owned['as_of']}; a share the sources do not give is drawn as not reported.",
            lambda: ownership(ledger, company, as_of=owned["as_of"]),
        )


def _draw(company: str | None, name: str, caption: str, draw: Callable[[], Any]) -> Picture:
    try:
        figure = draw()
    except (ValueError, KeyError) as exc:
        reason = str(exc.args[0]) if exc.args else type(exc).__name__
        return Picture(company, name, caption, None, reason)
    return Picture(company, name, caption, figure)


def company_pictures(ledger: Ledger, data: Mapping[str, Any]) -> Iterator[Picture]:
    """The pictures of every company of a report (:func:`aicapex.report.report`'s ``data``),
    in the report's order, each drawn as it is asked for (figures hold memory: draw, save,
    drop)."""
    for c in data["companies"]:
        company = str(c["id"])
        for name, caption, draw in _plans(ledger, c):
            yield _draw(company, name, caption, draw)
        fleet = _usable(c.get("fleet"))
        if fleet is not None and fleet.get("skus"):  # GPUs the fleet counts (as the plot does)
            yield _draw(
                company,
                "gpus",
                "GPUs ordered, delivered (and scheduled) and moved, month by month.",
                functools.partial(gpus, ledger, company),
            )


def ledger_pictures(ledger: Ledger) -> Iterator[Picture]:
    """The pictures of the whole ledger: the money graph, when money moves between named
    entities."""
    if not money_legs(ledger.flows()).empty:
        yield _draw(
            None,
            "money_graph",
            "Money between entities: width by amount, line by basis (solid disbursed, dashed "
            "committed, dotted announced), in red the money that can have gone round a loop.",
            lambda: flows(ledger),
        )


_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]")


def file_name(company: str | None, name: str) -> str:
    """The PNG file name of a plot: ``stability-ai-cash.png``, or ``money_graph.png`` for the
    whole ledger (characters other than letters, digits and ``. _ + -`` become ``_``).

    >>> file_name("stability-ai", "cash"), file_name("a:b", "burn"), file_name(None, "x")
    ('stability-ai-cash.png', 'a_b-burn.png', 'x.png')
    """
    if company is None:
        return f"{name}.png"
    return f"{_UNSAFE.sub('_', company).lstrip('.') or '_'}-{name}.png"


def draw_pictures(
    ledger: Ledger, data: Mapping[str, Any], dpi: int = 100
) -> tuple[list[tuple[str, bytes]], list[Picture]]:
    """Every picture of a report drawn as PNG: ``(file name, bytes)`` (names by
    :func:`file_name`), and the pictures that could not be drawn. Nothing is written."""
    pngs: list[tuple[str, bytes]] = []
    skipped: list[Picture] = []
    for picture in itertools.chain(ledger_pictures(ledger), company_pictures(ledger, data)):
        if picture.figure is None:
            skipped.append(picture)
            continue
        pngs.append((picture.file, to_png(picture.figure, dpi)))
    return pngs, skipped


def write_pngs(folder: str | os.PathLike[str], pngs: list[tuple[str, bytes]]) -> list[Path]:
    """Write drawn pictures (:func:`draw_pictures`) to ``folder`` (created if needed), together
    and atomically (:func:`aicapex.safewrite.atomic_write_files`: an error leaves the folder's
    old pictures as they were); a folder that cannot be made or written is a
    :class:`~aicapex.safewrite.WriteError` naming it. Returns the paths written."""
    return atomic_write_files(make_folder(folder), [(name, _writer(png)) for name, png in pngs])


def write_pictures(
    ledger: Ledger, data: Mapping[str, Any], folder: str | os.PathLike[str], dpi: int = 100
) -> tuple[list[Path], list[Picture]]:
    """Write every picture of a report to ``folder`` (:func:`draw_pictures`, then
    :func:`write_pngs`: drawn first, so a picture that fails to draw writes nothing); returns
    the paths written and the pictures that could not be drawn."""
    pngs, skipped = draw_pictures(ledger, data, dpi)
    return write_pngs(folder, pngs), skipped


def _writer(png: bytes) -> Callable[[BinaryIO], object]:
    """Writes ``png`` to a file."""
    return lambda out: out.write(png)
