"""Shortcuts of the deal analyses: a vehicle's sums are pandas' groupby sums to the last bit,
and capex's rows come in the order sort_values gives them, on varied inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from aicapex.analysis.capex import _BASES, _sort_codes
from aicapex.analysis.vehicles import _sums

AMOUNTS = st.one_of(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.sampled_from([0.1, 1e16, -1e16, 3.3, math.nan]),
)


@given(
    values=st.lists(AMOUNTS, max_size=12),
    keys=st.lists(st.sampled_from("ab"), max_size=12),
    together=st.booleans(),
)
def test_sums_are_the_groupby_sums(values: list[float], keys: list[str], together: bool) -> None:
    """Groups whose rows come together or not, with NaN or not: pandas sums them two ways
    (reduceat, compensated sums); each key's sum is its, to the last bit."""
    keys = (keys + ["a"] * len(values))[: len(values)]
    if together:
        keys = sorted(keys)
    frame = pd.DataFrame({"key": keys, "value": np.array(values, dtype="float64")})
    want = frame.groupby("key", sort=False)["value"].transform("sum").tolist()
    sums = _sums(keys, values)
    assert [sums[k] for k in keys] == want  # the same bits (no NaN: min_count 0)


DAYS = st.sampled_from(["2024-01-01", "2023-01-01", None])


@given(
    companies=st.lists(st.sampled_from(["meta", "tesla", None]), min_size=1, max_size=8),
    data=st.data(),
)
def test_capex_rows_sort_as_sort_values(companies: list[str | None], data: st.DataObject) -> None:
    n = len(companies)
    draw = data.draw
    frame = pd.DataFrame(
        {
            "company": pd.Series(companies, dtype="str"),
            "period_start": pd.to_datetime(pd.Series(draw(st.lists(DAYS, min_size=n, max_size=n)))),
            "basis": pd.Series(
                draw(st.lists(st.sampled_from([*_BASES, "other"]), min_size=n, max_size=n)),
                dtype="str",
            ),
            "reported": pd.to_datetime(pd.Series(draw(st.lists(DAYS, min_size=n, max_size=n)))),
            "record": pd.Series([f"r{i % 3}" for i in range(n)], dtype="str"),
        }
    )
    rank = np.array([_BASES.get(b, np.nan) for b in frame["basis"].tolist()], dtype="float64")
    keys = [_sort_codes(frame[c]) for c in ("record", "reported")]
    keys += [rank, _sort_codes(frame["period_start"]), _sort_codes(frame["company"])]
    got = frame.take(np.lexsort(keys)).reset_index(drop=True)
    keyed = frame.assign(_basis=frame["basis"].map(_BASES))
    want = keyed.sort_values(
        ["company", "period_start", "_basis", "reported", "record"],
        kind="stable",
        na_position="last",
        ignore_index=True,
    ).drop(columns="_basis")
    pd.testing.assert_frame_equal(got, want)
