"""A module callable as its main function: ``aicapex.report(ledger)`` is
``aicapex.report.report(ledger)``.

A package attribute and a submodule of one name collide: importing ``aicapex.report`` sets the
package's ``report`` to the module, whatever the facade gave. Making the module itself callable
as its function keeps ``ac.report(led)`` working in either order.

>>> import sys, types
>>> mod = types.ModuleType("demo")
>>> sys.modules["demo"] = mod
>>> make_callable("demo", lambda x: x * 2)
>>> mod(21)
42
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["make_callable"]


def make_callable(name: str, function: Callable[..., Any]) -> None:
    """Make the module ``name`` (imported) callable: calling it calls ``function``."""

    class CallableModule(types.ModuleType):
        __doc__ = sys.modules[name].__doc__

        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)

    sys.modules[name].__class__ = CallableModule
