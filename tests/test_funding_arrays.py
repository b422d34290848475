"""The funding flows' legs are arrays, not frames, and their helpers read arrays: each gives
what the pandas code it replaced gave.

- ``_split_cents`` (:mod:`aicapex.table.funding`): each piece's rounding left over on its
  largest share, the first of a tie, missing shares last (the pandas group-by sum and
  ``sort_values(["piece", "share"], ascending=[True, False], kind="stable")
  .drop_duplicates("piece")`` it replaced), on legs given as arrays or as a frame;
- ``is_in`` (:mod:`aicapex.table.columns`): ``Series.isin(...).to_numpy()``, a categorical
  read by its codes (unused and missing categories, none, one or several matching);
- ``index_of``: ``pd.Index(ids).get_indexer(values)``, a few texts by a dict (missing values,
  values not among the ids, ids that repeat refused as pandas refuses them, other ids).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicapex.table.columns import index_of, is_in
from aicapex.table.funding import _split_cents


def _reference_split_cents(legs: pd.DataFrame) -> np.ndarray:
    """``_split_cents`` as pandas computed it (commit d896b21)."""
    piece = legs["piece"].to_numpy()
    total = legs["cents"].to_numpy(np.int64)
    cents: np.ndarray = np.rint(total * legs["share"].to_numpy("float64")).astype(np.int64)
    left = total - pd.Series(cents).groupby(piece).transform("sum").to_numpy()
    order = legs.assign(i=np.arange(len(legs))).sort_values(
        ["piece", "share"], ascending=[True, False], kind="stable"
    )
    top = order.drop_duplicates("piece")["i"].to_numpy()
    cents[top] += left[top]
    return cents


@pytest.mark.parametrize("seed", range(12))
def test_split_cents_is_the_pandas_split(seed: int) -> None:
    rng = np.random.default_rng(seed)
    pieces = int(rng.integers(1, 6))
    payers = rng.integers(1, 5, pieces)
    piece = np.repeat(np.arange(pieces), payers)
    totals = rng.integers(-(10**9), 10**12, pieces)
    totals[rng.random(pieces) < 0.2] = 0
    # shares: thirds and sevenths (rounding left over), ties, a missing one now and then
    share = rng.choice([1 / 3, 1 / 7, 2 / 7, 0.5, 0.25, 1.0, 0.0, np.nan], size=len(piece))
    legs = pd.DataFrame({"piece": piece, "cents": totals[piece], "share": share})
    arrays = {name: legs[name].to_numpy() for name in legs.columns}
    with np.errstate(invalid="ignore"):  # (a missing share's cents: no figure, in both)
        want = _reference_split_cents(legs)
        assert _split_cents(legs).tolist() == want.tolist()
        assert _split_cents(arrays).tolist() == want.tolist()


def test_split_cents_by_hand() -> None:
    # $1.00 in thirds: 33 + 33 + 33 = 99, the cent left on the first of the tied largest
    legs = {"piece": np.array([0, 0, 0]), "cents": np.array([100] * 3), "share": np.full(3, 1 / 3)}
    assert _split_cents(legs).tolist() == [34, 33, 33]
    # 1/7 and 6/7 of 10 cents: 1 + 9 = 10 (none left); of 11: 2 + 9 = 11
    legs = {"piece": np.array([0, 0]), "cents": np.array([11, 11]), "share": np.array([1, 6]) / 7}
    assert _split_cents(legs).tolist() == [2, 9]
    empty = {"piece": np.array([], int), "cents": np.array([], int), "share": np.array([])}
    assert _split_cents(empty).tolist() == []


@pytest.mark.parametrize(
    "values",
    [("closed",), ("closed", "committed", "announced"), ("gone",), (), ("cancelled", "failed")],
)
def test_is_in_is_series_isin(values: tuple[str, ...]) -> None:
    rows = ["closed", None, "sought", "committed", "closed", "announced", "failed"]
    categories = ["announced", "cancelled", "closed", "committed", "failed", "sought", "x"]
    columns = [
        pd.Series(pd.Categorical(rows, categories=categories)),
        pd.Series(pd.Categorical(rows)),
        pd.Series(pd.Categorical([None, None])),
        pd.Series(pd.Categorical([], categories=["closed"])),
        pd.Series(rows, dtype="str"),
        pd.Series(rows, dtype=object),
    ]
    for column in columns:
        got = is_in(column, values)
        assert got.dtype == bool
        assert got.tolist() == column.isin(values).to_numpy().tolist()


def test_index_of_is_get_indexer() -> None:
    ids = np.array(["r1", "r2", "r3"], dtype=object)
    values = np.array(["r3", None, np.nan, "r9", "r1", np.str_("r2"), "r3"], dtype=object)
    want = pd.Index(ids).get_indexer(values)
    got = index_of(ids, values)
    assert got.dtype == want.dtype
    assert got.tolist() == want.tolist() == [2, -1, -1, -1, 0, 1, 2]
    assert index_of(ids, np.array([], dtype=object)).tolist() == []
    # ids that are not texts, and many ids: by the Index
    assert index_of(np.array([3, 1]), np.array([1, 2])).tolist() == [1, -1]
    many = np.array([f"r{i}" for i in range(2000)], dtype=object)
    assert index_of(many, np.array(["r1999", "x"], dtype=object)).tolist() == [1999, -1]
    # ids that repeat: refused, as pandas refuses them
    twice = np.array(["r1", "r1"], dtype=object)
    with pytest.raises(pd.errors.InvalidIndexError):
        pd.Index(twice).get_indexer(values)
    with pytest.raises(pd.errors.InvalidIndexError):
        index_of(twice, values)
