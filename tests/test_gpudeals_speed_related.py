"""related_parties' control pairs grouped and framed from lists (not a concat, groupby and
reset_index of frames): the same frame, dtypes included, as the frames gave."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from aicapex.analysis.related import _control_frame, _grouped

_COLUMNS = ["controller", "controlled", "how"]


def _reference(by: list[Any], stakes: list[Any], influence: list[Any]) -> pd.DataFrame:
    """The frames' route: controlled_by's rows as a frame, stakes' columns as objects, grouped
    and joined, then the influence pairs' frame concatenated."""
    pairs = pd.DataFrame([dict(zip(_COLUMNS, r, strict=True)) for r in by], columns=_COLUMNS)
    if stakes:
        found = pd.DataFrame(stakes, columns=_COLUMNS)
        found = pd.DataFrame({c: found[c].astype("object") for c in _COLUMNS})
        pairs = pd.concat([pairs, found], ignore_index=True)
    how = pairs.groupby(["controller", "controlled"], sort=True)["how"].agg(
        lambda h: ", ".join(sorted(set(", ".join(h).split(", "))))
    )
    frame = how.reset_index()
    held = pd.DataFrame(influence, columns=["holder", "company"])
    strong = pd.DataFrame(
        {
            "controller": held["holder"].astype("object"),
            "controlled": held["company"].astype("object"),
            "how": "significant influence",
        },
        columns=_COLUMNS,
    )
    return pd.concat([frame, strong], ignore_index=True).reset_index(drop=True)


_BY = [("musk", "x", "controlled_by"), ("musk", "xai", "controlled_by")]
_STAKES = [("musk", "x", "stake"), ("a", "b", "controlled_by, stake"), ("a", "b", "stake")]
_INFL = [("musk", "tesla"), ("z", "b")]


@pytest.mark.parametrize("by", [[], _BY])
@pytest.mark.parametrize("stakes", [[], _STAKES])
@pytest.mark.parametrize("influence", [[], _INFL])
def test_control_frame_as_the_frames_gave_it(by: Any, stakes: Any, influence: Any) -> None:
    got = _control_frame(_grouped([*by, *stakes]), influence)
    pd.testing.assert_frame_equal(got, _reference(by, stakes, influence), check_exact=True)


def test_grouped_sorted_and_joined() -> None:
    got = _grouped([("b", "y", "stake"), ("a", "z", "x"), ("b", "y", "controlled_by, stake")])
    assert got == {("a", "z"): "x", ("b", "y"): "controlled_by, stake"}
    assert list(got) == [("a", "z"), ("b", "y")]
