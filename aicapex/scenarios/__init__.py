"""Scenarios: what-ifs, sweeps and Monte Carlo simulations of a runway.

- :class:`Scenario`: a named, composable list of adjustments of the flows (never of the
  ledger): :func:`scale`, :func:`add_flow`, :func:`remove`, :func:`disburse`, :func:`cancel`,
  :func:`delay`, :func:`pay`, :func:`forgive`, :func:`cut_headcount`, :func:`growth` (and the
  flows-table adjustments ``Exclude`` and ``AddFlow``).
- :func:`compare`: scenarios side by side, one row each; :func:`sweep`: one adjustment's value
  varied (vectorised over values and entities); :func:`simulate`: Monte Carlo paths of cash,
  drivers drawn from :mod:`~aicapex.scenarios.dist` and reported ranges sampled.
- Scenario files (``*.scenarios.yaml``): :func:`read_scenarios`.

``compare``, ``sweep`` and ``simulate`` take ``executor=`` (any
:class:`concurrent.futures.Executor`, a Dask client's ``get_executor()`` included) and give the
same results with or without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aicapex.scenarios.adjust import add_flow, cut_headcount, growth, scale
from aicapex.scenarios.bills import forgive, pay, remove
from aicapex.scenarios.book import AdjustmentError
from aicapex.scenarios.files import ScenarioFile, read_scenarios, scenario_files
from aicapex.scenarios.rounds import cancel, delay, disburse
from aicapex.scenarios.scenario import Comparison, Scenario, Sweep, compare, sweep

if TYPE_CHECKING:
    from aicapex.scenarios import dist
    from aicapex.scenarios.montecarlo import Simulation, simulate

#: The simulations' names, imported on first use: a report's scenarios files (what-ifs) need
#: neither the distributions nor the Monte Carlo paths (5 ms of python -X importtime).
_LATER = {"dist": "aicapex.scenarios.dist", "Simulation": "aicapex.scenarios.montecarlo"}
_LATER["simulate"] = _LATER["Simulation"]


def __getattr__(name: str) -> Any:
    """:data:`_LATER`'s names, imported when first asked for."""
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    imported = importlib.import_module(module)
    value = imported if module == f"{__name__}.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


__all__ = [
    "AdjustmentError",
    "Comparison",
    "Scenario",
    "ScenarioFile",
    "Simulation",
    "Sweep",
    "add_flow",
    "cancel",
    "compare",
    "cut_headcount",
    "delay",
    "disburse",
    "dist",
    "forgive",
    "growth",
    "pay",
    "read_scenarios",
    "remove",
    "scale",
    "scenario_files",
    "simulate",
    "sweep",
]
