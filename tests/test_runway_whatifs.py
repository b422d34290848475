"""Tests for the runway's what-if sugar (``exclude=``, ``extra_flows=``) and its path's money
in and money out. Expected figures are derived from the records."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

import aicapex as ac
from aicapex.analysis.runway import runway

ENTITY = "stability-ai"
AS_OF = "2023-10"
INTEL = "stability-2023-intel"


def _raised_here(exc: BaseException) -> None:
    """The error comes from an argument check of aicapex, not from pandas or Python inside."""
    frames = traceback.extract_tb(exc.__traceback__)
    assert "/aicapex/" in frames[-1].filename, frames[-1]


# --- exclude= ------------------------------------------------------------------------------


def test_exclude_as_text_is_one_id(bundled: ac.Ledger) -> None:
    """``exclude="stability-2023-intel"`` was split into its characters (3.72 months, "records
    left out: -, 0, 2, 3, a, b, ..."); one id as text is that id, as with ``Exclude``."""
    moved = [("2023-10", 20e6, "Intel tranche")]
    listed = runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL], extra_flows=moved)
    text = runway(bundled, ENTITY, as_of=AS_OF, exclude=INTEL, extra_flows=moved)
    assert text.months == listed.months
    assert round(text.months, 2) == 2.03
    assert f"records left out: {INTEL}" in text.assumptions
    assert not any("records left out: -" in a for a in text.assumptions)
    # each id once, sorted, however often and in whatever order given
    twice = runway(bundled, ENTITY, as_of=AS_OF, exclude=(i for i in [INTEL, INTEL]))
    assert f"records left out: {INTEL}" in twice.assumptions


@pytest.mark.parametrize("exclude", [5, [1], ["a", None], 2.5])
def test_exclude_of_no_ids_names_the_argument(bundled: ac.Ledger, exclude: Any) -> None:
    with pytest.raises(TypeError, match=r"^exclude: expected a record id or a list") as info:
        runway(bundled, ENTITY, as_of=AS_OF, exclude=exclude)
    assert repr(exclude) in str(info.value)
    _raised_here(info.value)
