"""A field named by a number (``2023: $5M`` in a record, a year written as a key) is located on
its own line: the field ``2023`` was looked up as the list index 2023, which no mapping has, so
the problem was put on the record's first line (YAML: the key read as the number 2023; JSON and
quoted YAML keys: the text '2023')."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

RECORD = "entities:\n- id: acme\n  name: Acme\n\n  type: company\n  {key}: $5M\n"


@pytest.mark.parametrize("key", ["2023", "'2023'", '"2023"'])
def test_a_number_key_in_a_yaml_record_is_located_on_its_line(tmp_path: Path, key: str) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(RECORD.format(key=key))
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.record_id, problem.field) == (6, "acme", "2023")
    assert (problem.code, problem.found) == ("unknown-field", "unknown field '2023'")


def test_a_number_key_in_a_json_record_is_located_on_its_line(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    path.write_text(
        '{"entities": [{"id": "acme", "name": "Acme", "type": "company",\n'
        '  "note": "x",\n'
        '  "2023": "$5M"}]}\n'
    )
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (3, "2023")


def test_a_list_item_is_still_located_by_its_index(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "entities:\n- id: acme\n  name: Acme\n  type: company\n"
        "- id: aws\n  name: AWS\n  type: cloud_provider\n"
        "cloud_bills:\n- id: b1\n  payer: acme\n  provider: aws\n  period: 2023-08\n"
        "  billed: $7M\n  payments:\n  - date: 2023-09\n    amount: $1M\n"
        "  - date: 2023-10\n    amount: $9M\n"
    )
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.record_id, problem.field) == (14, "b1", "payments")
