"""An analysis given a ledger and an entity the ledger does not hold says so (KeyError, with the
closest id), whichever analysis it is: reallocations and contract terms returned an empty
result for a typo, while gpu_fleet and the money analyses refused it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

DATA = Path(__file__).resolve().parent.parent / "data"

ANALYSES: dict[str, Callable[[ac.Ledger, str], Any]] = {
    "burn": lambda led, e: ac.burn(led, e),
    "runway": lambda led, e: ac.runway(led, e, as_of="2024-06"),
    "arrears": lambda led, e: ac.arrears(led, as_of="2024-06", entity=e),
    "compute_gap": lambda led, e: ac.compute_gap(led, e),
    "gpu_fleet": lambda led, e: ac.gpu_fleet(led, e),
    "reallocations": lambda led, e: ac.reallocations(led, e),
    "contract_terms": lambda led, e: ac.contract_terms(led, e),
}


@pytest.fixture(scope="module")
def ledger() -> ac.Ledger:
    return ac.load(DATA)


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_a_typo_of_an_entity_is_refused_with_the_closest_id(ledger: ac.Ledger, name: str) -> None:
    with pytest.raises(KeyError, match="unknown entity 'tesl' \\(did you mean 'tesla'\\?\\)"):
        ANALYSES[name](ledger, "tesl")


@pytest.mark.parametrize("name", ["reallocations", "contract_terms", "gpu_fleet"])
def test_a_known_entity_without_records_of_the_kind_is_an_empty_answer(
    ledger: ac.Ledger, name: str
) -> None:
    result = ANALYSES[name](ledger, "stability-ai")
    assert result.frame.empty
