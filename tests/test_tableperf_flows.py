"""Quicker routes of the flows' columns (aicapex.table.columns): a few texts coded in Python
with their categorical dtype made once per texts (coded_category, union_codes). Each must give
what the general route gives (pandas' Index of the labels, sorted_codes, a dtype made each
time): the same codes in the same integer type and equal dtypes with the same categories'
dtype, on random labels and codes under either text storage, and the flows of real ledgers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.table import columns
from aicapex.table.flows import flows

ROOT = Path(__file__).resolve().parents[1]


def _general(patch: pytest.MonkeyPatch) -> None:
    """The general routes only: no label list is taken as a few texts, no dtype kept."""
    patch.setattr(columns, "_few_texts", lambda labels: None)
    patch.setattr(
        columns,
        "_str_categories",
        lambda t: pd.CategoricalDtype(pd.Index(list(t), dtype=columns._STR)),
    )


def same_categorical(got: pd.Categorical, want: pd.Categorical) -> None:
    assert got.dtype == want.dtype
    assert got.categories.dtype == want.categories.dtype
    assert got.categories.tolist() == want.categories.tolist()
    assert got.codes.dtype == want.codes.dtype
    assert got.codes.tolist() == want.codes.tolist()


def _labels(rnd: random.Random) -> Any:
    words = [f"s{i}" for i in range(rnd.choice([1, 3, 40, 200, 600]))] + ["b", "a", "é", "Z"]
    labels: list[Any] = [rnd.choice(words) for _ in range(rnd.choice([0, 1, 4, 30, 700]))]
    if labels and rnd.random() < 0.4:
        labels[rnd.randrange(len(labels))] = None
    if rnd.random() < 0.1:
        labels = [None] * len(labels)
    how = rnd.choice(["list", "array", "index", "strings"])
    if how == "array":
        return np.array(labels, dtype=object)
    if how == "index":
        return pd.Index(labels)
    if how == "strings" and all(t is not None for t in labels):
        return pd.Index(labels, dtype="string")
    return labels


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(40))
def test_coded_category_of_a_few_texts_is_the_general_route(seed: int, storage: str) -> None:
    rnd = random.Random(seed)
    with pd.option_context("mode.string_storage", storage):
        for _ in range(5):
            labels = _labels(rnd)
            n = rnd.choice([0, 1, 5, 50])
            codes = np.array(
                [rnd.randrange(-1, len(labels)) for _ in range(n)] if len(labels) else [-1] * n
            )
            codes = (
                codes.astype(rnd.choice([np.int8, np.int64, np.intp]))
                if len(labels) < 100
                else codes
            )
            got = columns.coded_category(codes, labels)
            with pytest.MonkeyPatch.context() as patch:
                _general(patch)
                want = columns.coded_category(codes, labels)
            same_categorical(got, want)
            cells = [None if c < 0 else list(labels)[c] for c in codes.tolist()]
            if any(c is not None for c in cells):  # as pandas makes it from the cells
                same_categorical(got, pd.Categorical(cells))


@pytest.mark.parametrize("seed", range(20))
def test_union_of_a_few_texts_is_the_general_route(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(5):
        parts = []
        for _ in range(rnd.randint(1, 4)):
            labels = [t for t in _labels(rnd) if t is not None] or ["x"]
            codes = np.array(
                [rnd.randrange(-1, len(labels)) for _ in range(rnd.choice([0, 3, 20]))]
            )
            parts.append(columns.coded_category(codes.astype(np.int64), labels))
        got = columns.union(parts)
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            want = columns.union(parts)
        same_categorical(got, want)


def test_code_types_are_the_narrowest() -> None:
    for n, kind in [(0, np.int8), (126, np.int8), (127, np.int16), (32766, np.int16)]:
        assert columns._code_type(n) is kind
    assert columns._code_type(32767) is np.int32
    assert columns._code_type(2**31) is np.int64


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_flows_of_the_bundled_ledger_are_those_of_the_general_routes(storage: str) -> None:
    with pd.option_context("mode.string_storage", storage):
        got = flows(ac.load(ROOT / "data"))
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            want = flows(ac.load(ROOT / "data"))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        for name in got:
            if isinstance(got[name].dtype, pd.CategoricalDtype):
                same_categorical(got[name].array, want[name].array)
