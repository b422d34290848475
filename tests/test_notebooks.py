"""The notebooks (notebooks/*.ipynb) run from top to bottom without errors, read only the
bundled data, open with their question, and are stored without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extra")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extra")

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))

#: The notebooks the project tells its stories with (issue 16).
EXPECTED = {
    "stability_ai.ipynb",
    "circular_deals.ipynb",
    "gpu_allocation.ipynb",
    "meta_scale.ipynb",
}


def _errors(nb: object) -> list[str]:
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells  # type: ignore[attr-defined]
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    assert not _errors(nb)
    printed = "".join(
        o.get("text", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )
    assert "1. " in printed  # the conclusions, printed from the results


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == []
            assert cell.get("execution_count") is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_opens_with_its_question_and_reads_bundled_data(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert "**The question.**" in first.source
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "ac.load(ac.bundled_data())" in code
    assert code.count("ac.load(") == 1  # nothing but the bundled data


def test_there_are_the_notebooks() -> None:
    assert {p.name for p in NOTEBOOKS} >= EXPECTED
