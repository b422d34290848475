"""What simulations keep between calls changes no result: the runway's inputs kept with a
ledger (tests/test_simulate.py) and the block's work arrays kept per thread
(:func:`aicapex.scenarios.paths.kept_workspace`)."""

from __future__ import annotations

import numpy as np
import pytest

import aicapex as ac
from aicapex.scenarios import paths

ENTITY, AS_OF = "stability-ai", "2023-10"


def summary_of(mc: object) -> list[object]:
    s = mc.summary  # type: ignore[attr-defined]
    return [s.paths, s.never, s.months_min, s.months_max, s.months_hist, s.days_hist, s.cash_hist]


def assert_same(a: list[object], b: list[object]) -> None:
    for x, y in zip(a, b, strict=True):
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y)
        else:
            assert x == y


def test_a_kept_workspace_gives_what_a_fresh_one_gives(
    bundled: ac.Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulations of other horizons, block sizes and numbers of paths in turn, each on the
    workspace the one before left, equal the same simulations on fresh workspaces."""
    runs = [
        {"n": 25_000, "horizon": 24, "block_size": 10_000},
        {"n": 7_000, "horizon": 24, "block_size": 10_000},  # a smaller block: the kept one fits
        {"n": 12_000, "horizon": 36, "block_size": 4_000},  # other months: a new one
        {"n": 25_000, "horizon": 24, "block_size": 10_000},
    ]
    drivers = {"compute": ac.dist.lognormal(0, 0.2), "revenue_growth": ac.dist.normal(0.03, 0.02)}
    kept = [
        summary_of(ac.simulate(bundled, ENTITY, seed=3, as_of=AS_OF, **run, **drivers))  # type: ignore[arg-type]
        for run in runs
    ]
    monkeypatch.setattr(paths, "KEPT_WORKSPACE_BYTES", 0)  # nothing kept: fresh arrays
    monkeypatch.setattr(paths, "_kept", type(paths._kept)())
    for run, expected in zip(runs, kept, strict=True):
        fresh = ac.simulate(bundled, ENTITY, seed=3, as_of=AS_OF, **run, **drivers)  # type: ignore[arg-type]
        assert_same(summary_of(fresh), expected)
    assert getattr(paths._kept, "workspace", None) is None


def test_one_workspace_a_thread_at_most_a_bound(bundled: ac.Ledger) -> None:
    ac.simulate(bundled, ENTITY, n=100, horizon=12, seed=1, as_of=AS_OF)
    ws = paths.kept_workspace(100, 13, (0, 12))
    assert ws is paths.kept_workspace(50, 13, (0, 12))  # it fits: the same arrays
    assert ws.nbytes <= paths.KEPT_WORKSPACE_BYTES
    # a month of paths past the bound (33 bytes a path: four 8-byte arrays and a flag): made,
    # not kept (np.empty: no page is touched)
    huge = paths.kept_workspace(paths.KEPT_WORKSPACE_BYTES // 33 + 1, 1, (0, 1))
    assert huge.nbytes > paths.KEPT_WORKSPACE_BYTES
    assert paths._kept.workspace is ws
