"""The report's ``as_of`` is never a bare null: ``as_of_rule`` says why there is none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.outputs import schema
from aicapex.report import report

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")

EMPTY = {
    "aicapex": 1,
    "entities": [
        {"id": "b", "name": "B", "type": "company"},
        {"id": "aws", "name": "AWS", "type": "cloud_provider"},
    ],
}

RULE = (
    "each company's latest cash balance, else the latest of the last month of its flows that "
    "happened, the day of its latest stake or priced round and the day of each record of money "
    "promised or planned (its own date, held at the day it was reported: not the months the "
    "money is promised for), else of its latest deal or GPU record; the report's as_of is the "
    "latest of them"
)


def test_a_ledger_without_dated_records(tmp_path: Path) -> None:
    """'"as_of": null' came with the rule for a date, not why there was none."""
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(EMPTY), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] is None
    assert data["companies"] == []
    assert (
        data["as_of_rule"]
        == RULE + "; null: no company has a dated record (a cash balance, a flow)"
    )
    jsonschema.validate(data, schema("report"))


def test_a_dated_ledger_keeps_the_rule() -> None:
    data = report(ac.load(ac.bundled_data()))
    assert data["as_of"] is not None
    assert data["as_of_rule"] == RULE
    assert report(ac.load(ac.bundled_data()), as_of="2023-10")["as_of_rule"] == "as asked"


def test_the_text_report_of_no_company_says_why(tmp_path: Path) -> None:
    """The text report of a ledger without a company to report printed a blank line."""
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(EMPTY), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("no company to report: ")
    assert "cash balance" in result.stdout
