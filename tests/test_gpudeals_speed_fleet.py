"""fleet._counted_rows read by codes (is_in) and an Index of the orders: the rows the
former Series route (cast to objects, map, isin) kept, for categorical and object columns,
missing statuses and orders, and orders with more than one ordered row."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from aicapex.analysis.fleet import _counted_rows


def _former(moves: pd.DataFrame, statuses: tuple[str, ...]) -> np.ndarray:
    status = moves["status"].astype("object")
    keep = status.isin(statuses).to_numpy(copy=True)
    moved = (status == "reallocated").to_numpy()
    if not moved.any():
        return keep
    order = moves["order"].astype("object")
    ordered = (moves["event"] == "ordered").to_numpy()
    of = pd.Series(status.to_numpy()[ordered], index=order.to_numpy()[ordered])
    their = order[moved].map(of[~of.index.duplicated()]).to_numpy()
    keep[moved] = pd.isna(their) | pd.Series(their).isin(statuses).to_numpy()
    return keep


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("dtype", ["category", "object"])
def test_counted_rows_as_the_series_route(seed: int, dtype: str) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(0, 25)
    statuses = ["committed", "delivered", "announced", "cancelled", "reallocated", np.nan]
    events = ["ordered", "delivered", "scheduled", "moved_in", "moved_out"]
    orders = ["o1", "o2", "o3", "o4", np.nan]
    moves = pd.DataFrame(
        {
            "status": pd.Series([rnd.choice(statuses) for _ in range(n)], dtype=dtype),
            "event": pd.Series([rnd.choice(events) for _ in range(n)], dtype=dtype),
            "order": pd.Series([rnd.choice(orders) for _ in range(n)], dtype=object),
        }
    )
    for wanted in (("committed", "delivered"), ("announced",)):
        got = _counted_rows(moves, wanted)
        assert got.dtype == bool
        assert np.array_equal(got, _former(moves, wanted))
