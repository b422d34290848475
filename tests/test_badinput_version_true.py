"""``aicapex: true`` is no format version: YAML's true is Python's True, which equals 1, so a
ledger or scenarios file saying ``aicapex: true`` loaded as a file of format 1. A scenarios file
whose ``entity`` is not an id was located on line 1, not on the line of its ``entity:``."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

ENTITY = "entities:\n- id: acme\n  name: Acme\n  type: company\n"


@pytest.mark.parametrize("version", ["true", "false"])
def test_a_ledger_of_version_true_is_refused_at_its_line(tmp_path: Path, version: str) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(f"{ENTITY}aicapex: {version}\n")
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.kind, problem.code) == (5, "aicapex", "invalid-value")
    assert problem.found == repr(version == "true")
    assert problem.expected.startswith("a ledger of format 1 (aicapex: 1)")


def test_a_ledger_of_version_1_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(f"aicapex: 1\n{ENTITY}")
    assert [r.id for r in ac.load(path).records("entities")] == ["acme"]


def test_a_scenarios_file_of_version_true_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "acme.scenarios.yaml"
    path.write_text("aicapex: true\nentity: acme\nscenarios:\n- name: base\n")
    with pytest.raises(LedgerError) as caught:
        ac.read_scenarios(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field, problem.found) == (1, "aicapex", "True")


@pytest.mark.parametrize(("value", "found"), [("5", "5"), ("true", "True"), ("[acme]", "['acme']")])
def test_a_scenarios_entity_that_is_no_id_is_located_on_its_line(
    tmp_path: Path, value: str, found: str
) -> None:
    path = tmp_path / "acme.scenarios.yaml"
    path.write_text(f"aicapex: 1\n\n# the company\nentity: {value}\nscenarios:\n- name: base\n")
    with pytest.raises(LedgerError) as caught:
        ac.read_scenarios(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field, problem.found) == (4, "entity", found)
    assert problem.code == "invalid-value"
