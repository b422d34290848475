"""An end before its start is refused where a caller gives both, rather than read as an empty
range: a burn of no months, a scaling, a growth or an added flow that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.scenarios.book import AdjustmentError

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def ledger() -> ac.Ledger:
    return ac.load(DATA / "stability_ai.yaml")


@pytest.mark.parametrize(
    ("start", "end"), [("2024-01", "2023-12"), ("2023", "2022"), ("Q2 2023", "2023-03")]
)
def test_burn_refuses_an_end_before_its_start(ledger: ac.Ledger, start: str, end: str) -> None:
    with pytest.raises(ValueError, match="expected an end on or after the start") as caught:
        ac.burn(ledger, "stability-ai", start, end)
    assert repr(end) in str(caught.value)


@pytest.mark.parametrize(("start", "end"), [("2023-06", "2023-06"), ("2023", "2023-01")])
def test_burn_of_one_month_is_a_range(ledger: ac.Ledger, start: str, end: str) -> None:
    """An end in the start's month (or a year's first month) is one month, not an error."""
    frame = ac.burn(ledger, "stability-ai", start, end).frame
    assert len(frame) == 1


@pytest.mark.parametrize(
    "make",
    [
        lambda: ac.scale(category="compute", by=0.5, start="2024-03", end="2024-01"),
        lambda: ac.growth(rate=0.1, start="2024", end="2023"),
        lambda: ac.add_flow(amount=5e6, start="2024-05", end="2024-04"),
    ],
    ids=["scale", "growth", "add_flow"],
)
def test_adjustments_refuse_an_end_before_their_start(make: object) -> None:
    with pytest.raises(AdjustmentError, match="end: expected a month on or after the start"):
        make()  # type: ignore[operator]


def test_adjustments_take_an_end_alone_or_equal_to_the_start() -> None:
    assert ac.scale(by=0.5, end="2024-03").end == "2024-03"
    same = ac.scale(by=0.5, start="2024-03", end="2024-03")
    assert (same.start, same.end) == ("2024-03", "2024-03")


def test_a_scenarios_file_says_where(tmp_path: Path) -> None:
    (tmp_path / "stability_ai.yaml").write_bytes((DATA / "stability_ai.yaml").read_bytes())
    lines = [
        "aicapex: 1",
        "entity: stability-ai",
        "as_of: 2023-10",
        "scenarios:",
        "- name: backwards",
        "  adjustments:",
        "  - do: scale",
        "    category: compute",
        "    by: 0.5",
        "    start: 2024-03",
        "    end: 2024-01",
    ]
    path = tmp_path / "s.scenarios.yaml"
    path.write_text("\n".join(lines) + "\n")
    led = ac.load(tmp_path)
    with pytest.raises(ac.LedgerError) as caught:
        ac.read_scenarios(path, led)
    (problem,) = caught.value.problems
    assert problem.line == 11  # the end's line
    assert "on or after the start" in problem.expected or "on or after the start" in str(problem)


def test_flow_graph_refuses_an_end_before_its_start(ledger: ac.Ledger) -> None:
    pytest.importorskip("networkx", reason="flow_graph builds a networkx graph")
    with pytest.raises(ValueError, match="expected an end on or after the start"):
        ac.flow_graph(ledger, start="2024", end="2023-06")
    assert ac.flow_graph(ledger, start="2023-06", end="2023-06").number_of_nodes() > 0
