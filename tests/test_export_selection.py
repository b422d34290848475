"""The JSON export says how its flows were selected (``flows_selection``): the conflict policy
they were compiled under and the filter that chose the rows; without it a reader could not
tell a filtered export (or one counting every conflicting report) from the whole ledger's."""

from __future__ import annotations

import json

import jsonschema
import pytest

import aicapex as ac
from aicapex.export import export_text
from aicapex.outputs import schema


@pytest.fixture(scope="module")
def led() -> ac.Ledger:
    return ac.load(ac.bundled_data())


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, {"conflicts": "latest", "filter": None}),
        ({"conflicts": "all"}, {"conflicts": "all", "filter": None}),
        (
            {"filter": "entity:stability-ai not:status:committed", "conflicts": "earliest"},
            {"conflicts": "earliest", "filter": "entity:stability-ai not:status:committed"},
        ),
    ],
)
def test_the_document_names_its_selection(
    led: ac.Ledger, kwargs: dict[str, str], expected: dict[str, object]
) -> None:
    doc = json.loads(export_text(led, "json", **kwargs))
    assert doc["flows_selection"] == expected
    jsonschema.validate(doc, schema("export"))


def test_a_filtered_export_holds_only_the_rows_it_names(led: ac.Ledger) -> None:
    """The selection is what chose the rows: every flow of the filtered export is Stability
    AI's, fewer than the whole ledger's."""
    whole = json.loads(export_text(led, "json"))
    doc = json.loads(export_text(led, "json", filter="entity:stability-ai"))
    assert {row["entity"] for row in doc["flows"]} == {"stability-ai"}
    assert 0 < len(doc["flows"]) < len(whole["flows"])
