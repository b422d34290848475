"""The run rates past the records (aicapex.analysis.runrate.extrapolate) add up stream by
stream: the net assumed each month is the streams' flows summed in stream order, to the last
bit, and the streams assumed are those with a flow that month (found without the entities x
streams x months cube the streams are)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aicapex.analysis.common import _entities_of
from aicapex.analysis.runrate import STREAMS, _stream_of, extrapolate, stream_extrapolation

CATEGORIES = ["compute", "payroll", "opex", "tax", "other", "licensing"]

row = st.tuples(
    st.integers(0, 3),  # entity
    st.integers(0, 23),  # month
    st.sampled_from(CATEGORIES),
    st.booleans(),  # revenue
    st.floats(0.01, 1e9, allow_nan=False),
)


@settings(max_examples=150, deadline=None)
@example(  # tax between two records (months 0 and 2) flows at its run rate with burn_after 0
    rows=[(0, 0, "compute", False, 1.0), (0, 0, "tax", False, 1.0), (0, 2, "tax", False, 1.0)],
    months=1,
    start=1,
    active_seed=0,
    given_rate=0.0,
)
@given(
    rows=st.lists(row, min_size=1, max_size=40),
    months=st.integers(1, 40),
    start=st.integers(-3, 30),
    active_seed=st.integers(0, 2**32 - 1),
    given_rate=st.one_of(st.none(), st.floats(0, 1e6)),
)
def test_net_is_the_streams_summed_in_order(
    rows: list[tuple[int, int, str, bool, float]],
    months: int,
    start: int,
    active_seed: int,
    given_rate: float | None,
) -> None:
    entities = pd.Index([f"e{i}" for i in range(4)], dtype="object")
    base = np.datetime64("2020-01", "M")
    spend = pd.DataFrame(
        {
            "entity": pd.Categorical([entities[r[0]] for r in rows]),
            "month": np.array([base + r[1] for r in rows]).astype("datetime64[ns]"),
            "kind": pd.Categorical(["revenues" if r[3] else "expenses" for r in rows]),
            "category": pd.Categorical([r[2] for r in rows]),
            "amount_usd": [r[4] for r in rows],
        }
    )
    grid = (base + start + np.arange(months)).astype("datetime64[ns]")
    active = np.random.default_rng(active_seed).random((len(entities), months)) < 0.8
    burn_after = None if given_rate is None else {"tax": given_rate}
    out = extrapolate(spend, entities, grid, active, burn_after, by_stream=True)
    assert out.streams is not None
    expected = np.zeros((len(entities), months))
    for s in range(len(STREAMS)):
        expected = expected + out.streams[:, s, :]
    np.testing.assert_array_equal(out.net, expected)
    bits = (1 << np.arange(len(STREAMS)))[None, :, None]
    flowing = (out.streams != 0) * bits
    # a stream assumed at a zero rate (burn_after 0) has no flow but is assumed all the same;
    # where it flows (between two of its records, at its run rate) its bit counts as any
    tax = STREAMS.index("tax")
    silent = (given_rate == 0) & (out.streams[:, tax, :] == 0)
    assumed = np.where(silent, out.assumed & ~(1 << tax), out.assumed)
    np.testing.assert_array_equal(assumed, flowing.sum(axis=1))
    assert out.assumed.dtype == np.int64
    # nothing is assumed outside the active months
    assert not (out.assumed[~active]).any()
    assert not (out.net[~active]).any()


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(row, min_size=0, max_size=40),
    months=st.integers(1, 40),
    start=st.integers(-3, 30),
    active_seed=st.integers(0, 2**32 - 1),
    given=st.dictionaries(st.sampled_from(STREAMS), st.floats(0, 1e6), max_size=3),
    none=st.booleans(),
)
def test_stream_extrapolation_is_extrapolate_by_stream(
    rows: list[tuple[int, int, str, bool, float]],
    months: int,
    start: int,
    active_seed: int,
    given: dict[str, float],
    none: bool,
) -> None:
    """A runway's path reads the streams alone: the same arrays, to the bit, as extrapolate
    gives with the net (gaps between records, streams given past their records, none)."""
    entities = pd.Index([f"e{i}" for i in range(4)], dtype="object")
    base = np.datetime64("2020-01", "M")
    spend = pd.DataFrame(
        {
            "entity": pd.Categorical([entities[r[0]] for r in rows]),
            "month": np.array([base + r[1] for r in rows], dtype="datetime64[M]").astype(
                "datetime64[ns]"
            ),
            "kind": pd.Categorical(["revenues" if r[3] else "expenses" for r in rows]),
            "category": pd.Categorical([r[2] for r in rows]),
            "amount_usd": np.array([r[4] for r in rows], dtype=np.float64),
        }
    )
    grid = (base + start + np.arange(months)).astype("datetime64[ns]")
    active = np.random.default_rng(active_seed).random((len(entities), months)) < 0.8
    burn_after = None if none else given
    want = extrapolate(spend, entities, grid, active, burn_after, by_stream=True).streams
    got = stream_extrapolation(spend, entities, grid, active, burn_after)
    assert want is not None
    assert got.shape == want.shape
    assert np.array_equal(got.view(np.int64), want.view(np.int64))


@pytest.mark.parametrize("seed", range(40))
def test_streams_of_categoricals_are_those_of_texts(seed: int) -> None:
    """Each row's stream read through the categoricals' tables (unknown categories and missing
    ones: ``other``; revenues: ``revenue``, whatever their category) is the one read from the
    texts; and the entities spending are the same set either way."""
    rng = np.random.default_rng(seed)
    categories = ["compute", "payroll", "opex", "tax", "other", "licensing", "sales", None]
    kinds = ["expenses", "revenues", "gpu_orders", None]
    n = int(rng.integers(0, 60))
    category = [categories[i] for i in rng.integers(0, len(categories), n)]
    kind = [kinds[i] for i in rng.integers(0, len(kinds), n)]
    coded = pd.DataFrame({"category": pd.Categorical(category), "kind": pd.Categorical(kind)})
    texts = pd.DataFrame(
        {"category": pd.Series(category, dtype=object), "kind": pd.Series(kind, dtype=object)}
    )
    got, want = _stream_of(coded), _stream_of(texts)
    assert got.dtype == want.dtype == np.int64
    assert got.tolist() == want.tolist()
    entity = [f"e{i}" for i in rng.integers(0, 5, n)]
    rows = rng.random(n) < 0.5
    assert _entities_of(pd.Series(pd.Categorical(entity)), rows) == _entities_of(
        pd.Series(entity, dtype=object), rows
    )
