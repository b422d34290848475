"""The strong components of large graphs by whole-array NumPy passes, against networkx (the
small graphs' way) and scipy (what takes over when the passes cost too much)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicapex.analysis import circulation


def _edges(u: np.ndarray, v: np.ndarray, groups: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(len(u))
    return pd.DataFrame({"u": u, "v": v, "group": rng.integers(0, groups, len(u))})


def _components(
    frame: pd.DataFrame, nodes: int, how: str, monkeypatch: pytest.MonkeyPatch
) -> np.ndarray:
    with monkeypatch.context() as m:
        m.setattr(circulation, "SMALL_GRAPH", 10**9 if how == "networkx" else 0)
        m.setattr(circulation, "SCC_WORK", 0 if how == "scipy" else circulation.SCC_WORK)
        return circulation.components_of(frame, nodes)


@settings(max_examples=60, deadline=None)
@given(
    nodes=st.integers(1, 120),
    density=st.floats(0.0, 4.0),
    ring=st.booleans(),
    groups=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_numpy_components_are_networkx_components(
    nodes: int, density: float, ring: bool, groups: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    m = int(nodes * density)
    u, v = rng.integers(0, nodes, m), rng.integers(0, nodes, m)
    if ring:  # a long cycle through every node, which the colouring crosses one step a pass
        order = rng.permutation(nodes)
        u, v = np.concatenate([u, order]), np.concatenate([v, np.roll(order, 1)])
    keep = u != v
    frame = _edges(u[keep], v[keep], groups).drop_duplicates(ignore_index=True)
    with pytest.MonkeyPatch.context() as mp:
        expected = _components(frame, nodes, "networkx", mp)
        got = _components(frame, nodes, "numpy", mp)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("how", ["numpy", "scipy"])
def test_large_random_graphs_alike(how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    u, v = rng.integers(0, 3000, 9000), rng.integers(0, 3000, 9000)
    keep = u != v
    frame = _edges(u[keep], v[keep], 4).drop_duplicates(ignore_index=True)
    expected = _components(frame, 3000, "networkx", monkeypatch)
    np.testing.assert_array_equal(_components(frame, 3000, how, monkeypatch), expected)


def test_a_long_ring_goes_to_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 nodes in one cycle: the colouring would take 5,000 passes, so scipy takes over."""
    nodes = np.arange(5000)
    frame = _edges(nodes, np.roll(nodes, -1))
    assert (
        circulation._strong_labels_numpy(
            nodes, np.roll(nodes, -1), 5000, circulation.SCC_WORK * 10_000
        )
        is None
    )
    got = _components(frame, 5000, "numpy", monkeypatch)
    np.testing.assert_array_equal(got, np.zeros(5000, dtype=np.int64))
