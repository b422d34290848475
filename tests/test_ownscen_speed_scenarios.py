"""Speed changes of the scenarios (same results): a comparison's frame is made once from its
scenarios' columns, not a frame per scenario concatenated (the former way is the reference)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import aicapex as ac
from aicapex.scenarios.context import bind_scenario, evaluate, prepare
from aicapex.scenarios.scenario import COMPARE_COLUMNS

LEDGERS = [None, "/tmp/gl/ledger-400-all.yaml"]


def _former_frame(results: list[object], names: list[str]) -> pd.DataFrame:
    """compare's frame as it was built: each scenario's frame, concatenated."""
    frame = pd.concat([r.frame for r in results], ignore_index=True).drop(columns="entity")  # type: ignore[attr-defined]
    frame.index = pd.Index(names, name="scenario")
    frame["months_vs_first"] = frame["months"] - frame["months"].iloc[0]
    return frame[list(COMPARE_COLUMNS)]


@pytest.mark.parametrize("path", LEDGERS)
def test_compare_frame_is_the_scenarios_frames_concatenated(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    rounds = led.frame("funding_rounds")
    entities = sorted(set(led.frame("cash_balances")["company"].astype("object")))[:4]
    compared = 0
    for entity in entities:
        mine = sorted(rounds["id"][(rounds["company"].astype("object") == entity).to_numpy()])
        scenarios = [ac.Scenario("base")]
        scenarios += [
            ac.Scenario(f"d{i}", [ac.disburse(r, on="2023-10")]) for i, r in enumerate(mine[:2])
        ]
        scenarios.append(
            ac.Scenario(
                "add",
                [ac.add_flow(amount="$5M", kind="expenses", category="other", start="2024-02")],
            )
        )
        try:
            setting, book = prepare(led, entity, None)
            bound = [bind_scenario(s.name, s.adjustments, book) for s in scenarios]
            table = ac.compare(led, entity, scenarios)
        except ValueError:
            continue  # (no runway to vary, or an adjustment refused: no frame to compare)
        results = [evaluate(setting, b) for b in bound]
        names = [s.name for s in scenarios]
        pd.testing.assert_frame_equal(table.frame, _former_frame(results, names))
        records = sorted(set().union(*(set(r.records) for r in results)))
        assert list(table.used_records) == records
        compared += 1
    assert compared > 0
