"""A few texts are ordered in Python (:func:`aicapex.table.columns.sorted_codes` and
:func:`~aicapex.table.columns.union_codes`, up to ``_FEW_TEXTS`` of them), not by pandas'
argsort: the same codes and categories (values, dtype, name) as the general path, and as
pandas makes a categorical of the values (code point order: accents, capitals, the empty text).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicapex.table import columns
from aicapex.table.columns import sorted_codes, union, union_codes
from aicapex.table.typedcols import BLANK_DTYPES, blank_column

WORDS = ["b", "a", "é", "Z", "", "ß", "zz", "a b", "😀", "e", "É", "aa"]


def _general(monkeypatch: pytest.MonkeyPatch, fn, *args):  # type: ignore[no-untyped-def]
    with monkeypatch.context() as m:
        m.setattr(columns, "_FEW_TEXTS", -1)  # every input the general way
        return fn(*args)


def _index(values: list[str], dtype: str, name: str | None) -> pd.Index:
    return pd.Index(np.array(values, dtype=object), dtype=dtype, name=name)


@pytest.mark.parametrize("dtype", ["str", "object", "string"])
@pytest.mark.parametrize("n", [0, 1, 2, 9, 40])
@pytest.mark.parametrize("seed", [0, 1])
def test_sorted_codes_of_a_few_texts_are_the_general_ones(
    monkeypatch: pytest.MonkeyPatch, dtype: str, n: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    values = _index([WORDS[i] for i in rng.integers(0, len(WORDS), n)], dtype, "record")
    ranks, categories = sorted_codes(values)
    want_ranks, want_categories = _general(monkeypatch, sorted_codes, values)
    assert ranks.dtype == want_ranks.dtype == np.int64
    assert ranks.tolist() == want_ranks.tolist()
    pd.testing.assert_index_equal(categories, want_categories, exact=True)
    # as pandas orders them: its categorical of the values
    cat = pd.Categorical(values.tolist())
    assert categories.tolist() == cat.categories.tolist()
    assert ranks.tolist() == cat.codes.tolist()


def test_sorted_codes_of_numbers_or_mixed_values_are_left_to_pandas() -> None:
    ranks, categories = sorted_codes(pd.Index([3, 1, 3]))
    assert ranks.tolist() == [1, 0, 1]
    assert categories.tolist() == [1, 3]
    ranks, categories = sorted_codes(pd.Index(["b", 1, "a"], dtype=object))
    mixed = pd.Categorical(["b", 1, "a"])
    assert ranks.tolist() == mixed.codes.tolist()
    assert categories.tolist() == mixed.categories.tolist()


def _part(rng: np.random.Generator, n: int, kind: str) -> pd.Categorical:
    """A categorical of ``n`` rows over a few of WORDS, with unused categories, in the order
    given (not sorted) and missing rows; ``kind``: its categories' dtype."""
    labels = list(rng.choice(WORDS, size=int(rng.integers(1, 6)), replace=False))
    codes = rng.integers(-1, len(labels), n)
    dtype = pd.CategoricalDtype(_index(labels, kind, None))
    return pd.Categorical.from_codes(codes, dtype=dtype)


@pytest.mark.parametrize("kind", ["str", "object"])
@pytest.mark.parametrize("sizes", [[0], [1], [3, 0, 2], [5, 7, 1, 4], [0, 0]])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_union_codes_of_a_few_texts_are_the_general_ones(
    monkeypatch: pytest.MonkeyPatch, kind: str, sizes: list[int], seed: int
) -> None:
    rng = np.random.default_rng(seed)
    parts = [_part(rng, n, kind) for n in sizes]
    codes, dtype = union_codes(parts)
    want_codes, want_dtype = _general(monkeypatch, union_codes, parts)
    assert dtype == want_dtype
    pd.testing.assert_index_equal(dtype.categories, want_dtype.categories, exact=True)
    for got, want in zip(codes, want_codes, strict=True):
        assert got.dtype == want.dtype
        assert got.tolist() == want.tolist()
    # as pandas makes the categorical of the rows' values
    rows = [v for p in parts for v in p.tolist()]
    got_union = union(parts)
    want_union = pd.Series(rows, dtype=object).astype("category").array
    if got_union.notna().any():
        assert got_union.categories.tolist() == want_union.categories.tolist()
        assert got_union.categories.dtype == "str"
    assert [None if pd.isna(v) else v for v in got_union.tolist()] == [
        None if pd.isna(v) else v for v in rows
    ]


def test_union_codes_of_mixed_categories_are_left_to_pandas(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parts = [pd.Categorical(["b", "a"]), pd.Categorical([2, 1])]
    codes, dtype = union_codes(parts)
    want_codes, want_dtype = _general(monkeypatch, union_codes, parts)
    assert dtype == want_dtype
    assert [c.tolist() for c in codes] == [c.tolist() for c in want_codes]


def test_constant_categories_of_texts_keep_their_own_value() -> None:
    # the dtype of one text is made once per process: each value keeps its own
    for value, n in [("actual", 3), ("compute", 1), ("actual", 2), ("é", 4), ("", 1), ("a", 0)]:
        got = columns.constant_category(value, n)
        want = columns.coded_category(np.zeros(n, dtype=np.int64), [value])
        assert got.dtype == want.dtype
        assert got.categories.tolist() == ([value] if n else [])
        pd.testing.assert_index_equal(got.categories, want.categories, exact=True)
        assert got.tolist() == [value] * n


@pytest.mark.parametrize("dtype", sorted(BLANK_DTYPES))
@pytest.mark.parametrize("n", [0, 1, 5])
def test_a_blank_column_is_pandas_column_of_nones(dtype: str, n: int) -> None:
    # record frames make the columns of optional fields no record gives from buffers
    got = blank_column(dtype, n)
    want = pd.Series([None] * n, dtype=dtype).array
    assert got.dtype == want.dtype
    assert len(got) == n
    pd.testing.assert_extension_array_equal(pd.array(got), pd.array(want))
    if dtype == "string":  # the same Arrow text (type, one chunk)
        assert got._pa_array.type == want._pa_array.type
        assert got._pa_array.num_chunks == want._pa_array.num_chunks == 1
    elif dtype in ("Int64", "boolean"):  # the same masked values, as pandas makes them
        assert got._data.tolist() == want._data.tolist()
        assert got._mask.all()


def _sorted_part(
    rng: np.random.Generator, n: int, words: list[str], missing: bool
) -> pd.Categorical:
    """A categorical whose categories are ``words`` as given (sorted, every one used when
    ``n`` allows: its codes may be the union's already), some rows missing if ``missing``."""
    codes = np.resize(np.arange(len(words)), n)
    rng.shuffle(codes)
    if missing and n:
        codes[rng.random(n) < 0.3] = -1
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.Index(words)))


@pytest.mark.parametrize("seed", range(20))
def test_union_of_constant_and_already_sorted_parts_is_pandas_categorical(seed: int) -> None:
    """Parts of one category (a constant column: present, or every row missing) and parts
    whose codes are the union's already (read as they are) give pandas' categorical of the
    rows' values, and the parts keep their codes."""
    rng = np.random.default_rng(seed)
    pool = sorted(rng.choice(WORDS, size=4, replace=False).tolist())
    shapes = [
        (int(rng.integers(0, 6)), pool[: int(rng.integers(1, 5))], bool(rng.random() < 0.5))
        for _ in range(int(rng.integers(1, 4)))
    ]
    parts = [_sorted_part(rng, n, words, missing) for n, words, missing in shapes]
    before = [p.codes.copy() for p in parts]
    codes, dtype = union_codes(parts)
    rows = [v for p in parts for v in p.tolist()]
    want = pd.Series(rows, dtype=object).astype("category").array
    got = pd.Categorical.from_codes(np.concatenate(codes), dtype=dtype) if rows else None
    if got is not None and want.notna().any():
        assert got.categories.tolist() == want.categories.tolist()
        assert [None if pd.isna(v) else v for v in got.tolist()] == [
            None if pd.isna(v) else v for v in rows
        ]
    for part, kept in zip(parts, before, strict=True):
        assert part.codes.tolist() == kept.tolist()
