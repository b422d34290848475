"""The quicker paths of the flows' building blocks give what the general ones give.

- ``key_groups`` (:mod:`aicapex.table.conflicts`) numbers a categorical column by its codes
  (not hashed again) and multiplies the columns' numbers together, numbering them again only
  before they could overflow: the same numbers as ``groupby(cols, sort=False, dropna=False)
  .ngroup()`` on categoricals with unused categories and missing values, on dates and texts,
  and on keys of many wide columns (the renumbering path).
- ``empty_flows`` (:mod:`aicapex.table.flowrows`) copies one frame built once: each call is a
  frame of its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicapex.table.conflicts import key_groups


def _ngroup(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    if not cols:
        return np.zeros(len(frame), dtype=np.int64)
    groups = frame[cols].groupby(cols, sort=False, dropna=False, observed=True).ngroup()
    return groups.to_numpy(np.int64)


@pytest.mark.parametrize("n", [0, 1, 2, 7, 60])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_key_groups_of_categoricals_dates_and_texts_are_pandas_groups(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    names = np.array(["a", "b", "c", None], dtype=object)
    company = pd.Categorical(
        names[rng.integers(0, 4, n)], categories=["z", "c", "a", "b", "unused"]
    )
    days = np.array(["2023-01-01", "2023-02-01", "NaT"], dtype="datetime64[ns]")
    frame = pd.DataFrame(
        {
            "company": company,
            "date_start": days[rng.integers(0, 3, n)],
            "series": pd.array(names[rng.integers(0, 4, n)], dtype="string"),
            "instrument": pd.Categorical(names[rng.integers(0, 4, n)]),
        }
    )
    for cols in (["company"], ["company", "date_start"], list(frame.columns), []):
        assert key_groups(frame, cols).tolist() == _ngroup(frame, cols).tolist()


def test_key_groups_of_many_wide_columns_are_numbered_again_not_overflowed() -> None:
    # five columns of 65,535 distinct values each: 65,536 ** 5 ids would wrap around int64,
    # where the first column's number times 65,536 ** 4 is 0: rows differing only there
    # would make one key
    n = 65_535
    values = np.arange(n)
    frame = pd.DataFrame({f"c{i}": values for i in range(5)})
    frame.loc[n] = [1, 0, 0, 0, 0]  # row 0 but for its first column: another key
    cols = list(frame.columns)
    got = key_groups(frame, cols)
    assert got.tolist() == _ngroup(frame, cols).tolist()
    assert got[0] != got[n]
    assert got.max() + 1 == n + 1


def test_empty_flows_are_new_frames_each_call() -> None:
    # built once and copied (shallow, copy-on-write): changing one changes no other
    from aicapex.table.flowrows import FLOW_COLUMNS, empty_flows

    first = empty_flows()
    first["extra"] = 1
    first["entity"] = first["entity"].astype("object")
    first.attrs["note"] = "changed"
    second = empty_flows()
    assert list(second.columns) == list(FLOW_COLUMNS)
    assert {c: str(t) for c, t in second.dtypes.items()} == FLOW_COLUMNS
    assert second.attrs == {}
    assert second is not empty_flows()
