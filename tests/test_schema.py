"""Tests for aicapex.schema: the JSON Schema of a ledger file agrees with what load accepts."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

import aicapex
from aicapex import KINDS
from aicapex.files import parse_document
from aicapex.schema import SCHEMA_ID


def test_the_schema_is_json_with_every_kind() -> None:
    schema = aicapex.json_schema()
    assert isinstance(schema, dict)
    assert json.loads(json.dumps(schema)) == schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {*KINDS, "aicapex"}
    for kind, cls in KINDS.items():
        assert cls.__name__ in schema["$defs"], kind
        assert schema["properties"][kind]["description"]
    assert aicapex.json_schema() == schema  # the same every time


def test_record_definitions_forbid_extra_fields_and_describe_fields() -> None:
    defs = aicapex.json_schema()["$defs"]
    for cls in KINDS.values():
        definition = defs[cls.__name__]
        assert definition["additionalProperties"] is False
        assert set(definition["properties"]) == set(cls.model_fields)
        assert all(p.get("description") for p in definition["properties"].values()), cls


def file_data(path: Path) -> Any:
    """A ledger file's data as load reads it (dates stay strings, numbers are exact)."""
    data, problems = parse_document(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    return data


def validator() -> Any:
    jsonschema = pytest.importorskip(
        "jsonschema", reason="jsonschema is not installed: ledger files are not validated"
    )
    schema = aicapex.json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def messages(data: Any) -> list[str]:
    return [e.message for e in validator().iter_errors(data)]


def test_the_bundled_ledger_validates(ledger_files: list[Path]) -> None:
    for path in ledger_files:
        assert messages(file_data(path)) == [], path


def test_a_saved_ledger_validates(bundled: aicapex.Ledger, tmp_path: Path) -> None:
    for name in ("saved.yaml", "saved.json"):
        assert messages(file_data(bundled.save(tmp_path / name))) == []


def test_an_unknown_field_does_not_validate() -> None:
    path = aicapex.bundled_data() / "stability_ai.yaml"
    data = file_data(path)
    data["cloud_bills"][0]["bogus"] = "x"
    assert any("bogus" in m for m in messages(data))
    data = file_data(path)
    data["cloud_billz"] = []
    assert any("cloud_billz" in m for m in messages(data))


def test_what_load_accepts_the_schema_accepts(ledger_text) -> None:
    path = ledger_text(
        """
        sources:
        - id: s1
          outlet: The Register
          title: A title
          date: 2024-04
        entities:
        - id: xai
          name: xAI
          type: company
          sources: [s1]
        - id: nvidia
          name: Nvidia
          type: chip_vendor
        gpu_orders:
        - id: o1
          buyer: xai
          vendor: nvidia
          sku: H100
          quantity: 100,000
          order_date: 2024
          scheduled:
          - date: 2024-H2
            quantity: 50000
        fx_rates:
        - id: eur
          currency: EUR
          date: 2024-01-02
          usd: 1.0956
        """
    )
    aicapex.load(path)  # loads
    assert messages(file_data(path)) == []


def test_what_load_refuses_the_schema_refuses() -> None:
    def data(text: str) -> Any:
        parsed, problems = parse_document(textwrap.dedent(text), "x.yaml")
        assert problems == []
        return parsed

    assert messages(data("entities:\n- id: e\n  name: E\n  type: compnay\n"))
    assert messages(data("entities:\n- name: E\n  type: company\n"))  # no id
    assert messages(data("sources:\n- id: s\n  outlet: o\n  title: t\n  date: 2024\n  x: 1\n"))
