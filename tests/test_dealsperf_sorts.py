"""Shortcuts of the report's dates, fleets, control and related parties: each finds what the
pandas route it replaced finds (a groupby's maxima, a frame sorted by sort_values), on varied
inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.fleet import counted_moves, gpu_fleet
from aicapex.reportdates import _last_months, _latest

KEYS = st.sampled_from(["a", "b", "c", None, np.nan])
DAYS = st.sampled_from(["2024-01-31", "2023-06-30", "2024-12-01", None])


@given(keys=st.lists(KEYS, max_size=12), data=st.data())
def test_latest_is_the_groupby_maximum(keys: list[object], data: st.DataObject) -> None:
    days = data.draw(st.lists(DAYS, min_size=len(keys), max_size=len(keys)))
    frame = pd.DataFrame(
        {"key": pd.Series(keys, dtype=object), "day": pd.to_datetime(pd.Series(days, dtype=object))}
    )
    want = frame.groupby(frame["key"].astype("object"))["day"].max().dropna()
    got = _latest(frame["key"].astype("category"), frame["day"].to_numpy("datetime64[ns]"))
    assert got == {k: np.datetime64(v, "ns") for k, v in want.items()}
    months = _last_months(frame["key"].to_numpy(), frame["day"].to_numpy("datetime64[ns]"))
    assert months == dict(zip(want.index, want.dt.strftime("%Y-%m"), strict=True))


def _ledger() -> ac.Ledger:
    return ac.load(ac.bundled_data())


@given(seed=st.integers(0, 1000))
def test_a_fleet_is_sorted_as_sort_values_sorts_it(seed: int) -> None:
    """Movements in any order, some of an unknown entity: the fleet's rows are sorted by
    entity, SKU and period (missing last), as sort_values sorts them."""
    moves = counted_moves(_ledger(), "latest", ("committed", "delivered"))
    rng = np.random.default_rng(seed)
    moves = moves.iloc[rng.permutation(len(moves))].reset_index(drop=True)
    entity = moves["entity"].astype("object").to_numpy(copy=True)
    entity[rng.random(len(moves)) < 0.2] = None
    moves["entity"] = pd.Categorical(entity)
    for freq in ("M", "Y"):
        frame = gpu_fleet(moves, freq=freq).frame
        want = frame.sort_values(["entity", "sku", "period"], kind="stable", ignore_index=True)
        pd.testing.assert_frame_equal(frame, want)


def test_control_and_related_parties_are_sorted_as_sort_values_sorts_them() -> None:
    ledger = _ledger()
    control = ac.control(ledger, threshold=0.05).frame
    by = ["controller", "depth", "controlled"]
    pd.testing.assert_frame_equal(
        control, control.sort_values(by, kind="stable", ignore_index=True)
    )
    for entity in (None, "xai", "tesla"):
        related = ac.related_parties(ledger, entity).frame
        assert len(related)
        by = ["date", "kind", "record"]
        want = related.sort_values(by, kind="stable", ignore_index=True)
        pd.testing.assert_frame_equal(related, want)
