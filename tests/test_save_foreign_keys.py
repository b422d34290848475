"""Ledger.save decides whether a file it did not read may be replaced from the file's top-level
keys: a file aicapex saved (record kinds and ``aicapex: 1``, in any order, YAML or JSON) is
replaced; a scenarios file that also starts ``aicapex: 1``, a file of another format version,
a config under an ``aicapex`` key and a ledger without the format entry are refused
(``foreign-file``), each saying what it found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aicapex
from aicapex import Entity, Ledger, LedgerError


def _ledger(tag: str) -> Ledger:
    return Ledger([Entity(id="acme", name=f"Acme {tag}", type="company")])


def _refused(path: Path) -> str:
    before = path.read_bytes()
    with pytest.raises(LedgerError) as info:
        _ledger("new").save(path)
    (problem,) = info.value.problems
    assert (problem.code, problem.file) == ("foreign-file", str(path))
    assert path.read_bytes() == before
    return problem.found


SCENARIOS = """\
aicapex: 1
entity: stability-ai
scenarios:
- name: half
  do: [{scale: {category: compute, by: 0.5}}]
"""


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("x.yaml", SCENARIOS, "not all record kinds (found 'entity', 'scenarios')"),
        ("newer.yaml", "aicapex: 2\nentities: []\n", "another format (aicapex: 2, not 1)"),
        ("notes.yaml", "aicapex: this is my notes file\n", "another format"),
        ("config.yaml", "aicapex:\n  path: x\n", "another format"),
        ("config.json", '{"aicapex": {"path": "x"}}', "another format"),
        ("hand.yaml", "entities:\n- {id: a, name: A, type: company}\n", "without the 'aicapex: 1'"),
        ("plain.json", '{"entities": []}', "without the 'aicapex: 1'"),
        ("list.yaml", "- 1\n- 2\n", "a file holding list"),
        ("broken.yaml", "{aicapex: 1, entities: [\n", "cannot be read"),
    ],
)
def test_refused_with_what_it_found(tmp_path: Path, name: str, text: str, found: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert found in _refused(path)


@pytest.mark.parametrize(
    "text",
    [
        "aicapex: 1\nentities: []\n",
        "entities: []\naicapex: 1\n",  # the format entry after a kind
        "'aicapex': 1\nsources: []\n",
        "---\naicapex: 1\nentities: []\n",
        "{aicapex: 1, entities: []}\n",
        '{"entities": [], "aicapex": 1}',
        "\ufeffaicapex: 1\nentities: []\n",
    ],
)
def test_a_file_aicapex_saves_is_replaced(tmp_path: Path, text: str) -> None:
    path = tmp_path / "out.yaml"
    path.write_text(text, encoding="utf-8")
    _ledger("new").save(path)
    assert aicapex.load(path) == _ledger("new")


def test_an_earlier_save_in_json_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    _ledger("old").save(path)
    assert json.loads(path.read_text(encoding="utf-8"))["aicapex"] == 1
    _ledger("new").save(path)
    assert aicapex.load(path) == _ledger("new")
