"""cycles' loop rows sorted in Python (_loop_order): the order a stable sort_values by window
start, basis (missing last) and amount (largest first, missing last) gives."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from aicapex.analysis.loops import _loop_order


@pytest.mark.parametrize("seed", range(40))
def test_loop_order_is_sort_values_order(seed: int) -> None:
    rnd = random.Random(seed)
    starts = [pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01"), pd.NaT]
    bases = ["announced", "committed", "disbursed", np.nan]
    amounts = [1.0, 2.5, 0.0, -0.0, 1e12, float("inf"), np.nan]
    rows = [
        {
            "window_start": rnd.choice(starts),
            "basis": rnd.choice(bases),
            "amount_usd": rnd.choice(amounts),
            "n": i,
        }
        for i in range(rnd.randint(0, 30))
    ]
    frame = pd.DataFrame(
        {
            "window_start": pd.Series([r["window_start"] for r in rows], dtype="datetime64[ns]"),
            "basis": pd.Series([r["basis"] for r in rows], dtype=object),
            "amount_usd": pd.Series([r["amount_usd"] for r in rows], dtype="float64"),
            "n": pd.Series([r["n"] for r in rows], dtype="int64"),
        }
    )
    expected = frame.sort_values(
        ["window_start", "basis", "amount_usd"], ascending=[True, True, False], kind="stable"
    )["n"].tolist()
    assert [r["n"] for r in sorted(rows, key=_loop_order)] == expected
