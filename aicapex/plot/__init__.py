"""Pictures of a ledger: each function returns a :class:`matplotlib.figure.Figure`.

- :func:`cash`: a company's cash rolled forward from its last balance, the day it runs out
  marked and its range as a band; what-ifs one line each.
- :func:`burn`: monthly spending stacked by category, against revenue.
- :func:`compute_gap`: revenue against compute spending per period.
- :func:`flows`: the money graph: who pays whom, width by amount, line by basis (disbursed,
  committed, announced), the loops money can go round in red.
- :func:`gpus`: a company's GPUs ordered, delivered and moved, by SKU.
- :func:`ownership`: who holds a company, at each date its holders change (a share the sources
  do not give is drawn as not reported, never guessed).

Figures are built directly (no pyplot, no global ``rcParams``; see :mod:`aicapex.plot.base`),
so they are safe in servers and notebooks alike. Save one with ``fig.savefig("cash.png")``, or
:func:`to_png` and :func:`to_svg`. Matplotlib is the optional extra ``aicapex[plot]``; it is
imported on first use.

>>> import aicapex as ac
>>> from aicapex import plot
>>> fig = plot.cash(ac.load(ac.bundled_data()), "stability-ai", as_of="2023-10")
>>> [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("cash out")]
['cash out 2023-11-11']
"""

from __future__ import annotations

from aicapex.plot.base import INSTALL_HINT, save_png, to_png, to_svg
from aicapex.plot.fleet import gpus
from aicapex.plot.graph import flows
from aicapex.plot.holders import ownership
from aicapex.plot.runway import cash
from aicapex.plot.spend import burn, compute_gap

__all__ = [
    "INSTALL_HINT",
    "burn",
    "cash",
    "compute_gap",
    "flows",
    "gpus",
    "ownership",
    "save_png",
    "to_png",
    "to_svg",
]
