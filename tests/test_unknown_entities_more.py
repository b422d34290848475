"""cycles, round_trip and related_parties refuse an entity the data does not know, as burn,
runway and the other analyses do: a misspelt id ('nvidai') returned an empty result, read as
"no loops", and an id that is not text (5) did the same."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest

import aicapex as ac

ANALYSES: list[Callable[..., ac.Result]] = [ac.cycles, ac.round_trip, ac.related_parties]


@pytest.mark.parametrize("analysis", ANALYSES)
def test_a_misspelt_id_is_a_key_error(
    bundled: ac.Ledger, analysis: Callable[..., ac.Result]
) -> None:
    with pytest.raises(KeyError, match=r"unknown entity 'nvidai' \(did you mean 'nvidia'\?\)"):
        analysis(bundled, "nvidai")
    with pytest.raises(TypeError, match="expected an entity id"):
        analysis(bundled, 5)


def test_known_ids_still_answer(bundled: ac.Ledger) -> None:
    # the bundled loop: nvidia > openai > nvidia (announced, up to $100B); x-corp and tesla
    # are related through elon-musk
    assert len(ac.cycles(bundled, "openai").frame) == len(ac.cycles(bundled).frame) >= 1
    assert not ac.round_trip(bundled, "nvidia").frame.empty
    assert not ac.related_parties(bundled, "tesla").frame.empty


def test_frames_know_the_entities_they_name(bundled: ac.Ledger) -> None:
    flows = bundled.flows()
    assert len(ac.cycles(flows, "openai").frame) >= 1
    with pytest.raises(KeyError):
        ac.cycles(flows, "nvidai")
    frames = {k: bundled.frame(k) for k in ("entities", "gpu_reallocations", "gpu_orders")}
    assert isinstance(ac.related_parties(frames, "tesla").frame, pd.DataFrame)
    with pytest.raises(KeyError):
        ac.related_parties(frames, "tesal")
