"""Memory pages of the bulk path: numpy's huge-page hint off while a bulk call runs.

numpy asks the kernel for transparent huge pages (``madvise(MADV_HUGEPAGE)``) on every array of
4 MiB or more. Where the kernel honours the hint by compacting memory when a page is first
touched (Linux's ``transparent_hugepage/defrag`` set to ``madvise``, a common default), a
process that makes many short-lived arrays of a million rows spends much of its time in the
kernel: reading three tables of a million flows, compiling the flows and the runway of 2,000
companies took 0.8-1.2 s of system time with the hint and 0.4 s without, for the same result
(``benchmarks/README.md``). :func:`small_pages` turns the hint off for the duration of a call
and restores what was set before, so arrays the caller makes are left alone:

>>> import numpy as np
>>> from aicapex.table.pages import small_pages
>>> with small_pages():
...     total = float(np.ones(1_000_000).sum())
>>> total
1000000.0

The hint is left as it is when the environment sets ``NUMPY_MADVISE_HUGEPAGE`` (numpy's own
switch: the user's choice) or ``AICAPEX_HUGEPAGES=1``, and where numpy has no such switch.
The switch is process-wide: a thread allocating while another runs a bulk call gets the
other's setting (the hint changes speed, never results).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module

__all__ = ["small_pages"]


def _switch() -> Callable[[bool], bool] | None:
    """numpy's switch of the huge-page hint (it returns the previous setting), or ``None``
    where the environment decides or numpy has none."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ or os.environ.get("AICAPEX_HUGEPAGES") == "1":
        return None
    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            found = getattr(import_module(name), "_set_madvise_hugepage", None)
        except ImportError:
            continue
        if callable(found):
            switch: Callable[[bool], bool] = found
            return switch
    return None


@contextmanager
def small_pages() -> Iterator[None]:
    """Run the block (or, as a decorator, the function) without numpy's huge-page hint, then
    restore the hint as it was (nested uses restore in turn)."""
    switch = _switch()
    if switch is None:
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)
