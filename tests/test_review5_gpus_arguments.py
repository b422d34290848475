"""Bad arguments to the GPU analyses are errors naming the argument, never an empty answer nor
a traceback from inside pandas. ``statuses="committed"`` was read as the statuses 'c', 'o',
'm', ...: no order counted, every figure 0."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# a orders 100 H100 for $3M (committed), 40 delivered in March; 10 move to b in April
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  total: $3M
  order_date: 2024-01
  sources: [s]
  delivered:
  - {date: 2024-03, quantity: 40}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-04, sources: [s]}
gpu_targets:
- {id: t, entity: a, units: 50, by: 2024, sources: [s]}
"""

ANALYSES: dict[str, Callable[..., Any]] = {
    "gpu_fleet": ac.gpu_fleet,
    "gpu_targets": ac.gpu_targets,
    "gpu_prices": ac.gpu_prices,
    "reallocations": ac.reallocations,
}


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


@pytest.mark.parametrize("name", list(ANALYSES))
def test_statuses_as_text_is_a_type_error(ledger: ac.Ledger, name: str) -> None:
    with pytest.raises(TypeError, match=r"statuses as a list .*got 'committed'"):
        ANALYSES[name](ledger, statuses="committed")
    with pytest.raises(TypeError, match="got None"):
        ANALYSES[name](ledger, statuses=None)


@pytest.mark.parametrize("name", list(ANALYSES))
def test_a_misspelt_status_is_a_value_error(ledger: ac.Ledger, name: str) -> None:
    with pytest.raises(ValueError, match=r"got 'comitted' \(did you mean 'committed'\?\)"):
        ANALYSES[name](ledger, statuses=["comitted", "delivered"])
    with pytest.raises(ValueError, match="got 5"):
        ANALYSES[name](ledger, statuses=[5])


def test_the_statuses_as_a_list_count(ledger: ac.Ledger) -> None:
    # by hand: a ordered 100, 40 delivered, 10 moved to b; r1 (April) takes no delivery, the
    # only one being March's, before it: a's position 90, on hand 40; b's 10 and 0
    fleet = ac.gpu_fleet(ledger, freq="Y", statuses=["committed"]).frame.set_index("entity")
    assert fleet.loc["a", ["position", "on_hand"]].tolist() == [90, 40]
    assert fleet.loc["b", ["position", "on_hand"]].tolist() == [10, 0]
    # $3M / 100 = $30,000 a unit; r1 10 x 30,000 = $300,000
    assert ac.gpu_prices(ledger, statuses=("committed",)).frame["unit_usd"].tolist() == [30_000]
    moves = ac.reallocations(ledger, statuses=iter(["committed"])).frame
    assert moves["value_usd"].tolist() == [300_000]
    assert ac.gpu_targets(ledger, statuses=["committed"]).frame["delivered"].tolist() == [40]


@pytest.mark.parametrize("freq", [["M"], None, 5, "m"])
def test_a_bad_freq_is_a_value_error(ledger: ac.Ledger, freq: object) -> None:
    with pytest.raises(ValueError, match="expected freq among"):
        ac.gpu_fleet(ledger, freq=freq)  # type: ignore[arg-type]


def _frames(ledger: ac.Ledger) -> dict[str, Any]:
    kinds = ("gpu_orders", "deliveries", "gpu_reallocations", "gpu_targets", "prices")
    return {k: ledger.frame(k) for k in (*kinds, "compute_contracts", "ramps", "assumptions")}


@pytest.mark.parametrize("name", ["gpu_fleet", "gpu_targets", "reallocations", "contract_terms"])
def test_a_misspelt_entity_of_record_frames_is_a_key_error(ledger: ac.Ledger, name: str) -> None:
    # a ledger's was a KeyError already; record frames gave an empty answer (no 'bb' rows)
    analysis = ANALYSES.get(name) or ac.contract_terms
    frames = _frames(ledger)
    with pytest.raises(KeyError, match=r"unknown entity 'bb' \(did you mean 'b'\?\)"):
        analysis(frames, "bb")
    with pytest.raises(TypeError, match="expected an entity id"):
        analysis(frames, 5)
    analysis(frames, "a")  # a party of the frames: an answer


def test_record_frames_give_the_ledgers_answer_for_an_entity(ledger: ac.Ledger) -> None:
    # b: 10 H100 moved in from a (position 10, nothing delivered: r1 takes no delivery)
    frames = _frames(ledger)
    got = ac.gpu_fleet(frames, "b", freq="Y").frame
    assert got[["position", "on_hand"]].values.tolist() == [[10, 0]]
    assert ac.reallocations(frames, "b").frame["reallocation"].tolist() == ["r1"]
