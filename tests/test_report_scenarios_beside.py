"""Scenarios files beside a ledger file: one written for another ledger of its folder that was
not loaded (its entity is none of this ledger's) is not read, and the report runs (it exited 1
on it); one for this ledger is read; in a folder whose ledger files were all loaded, an unknown
entity is a located problem, worded once (it said "expected an entity of the ledger, not
'cox' (did you mean 'co'?), got 'cox'")."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aicapex.cli import app

LEDGER = """sources:
- {id: s1, outlet: T, title: T, date: 2024-06-01}
entities:
- {id: co, name: Co, type: company}
cash_balances:
- {id: c1, company: co, date: 2024-01-31, amount: $12M, sources: [s1]}
expenses:
- {id: e1, company: co, category: payroll, rate: $1M/month, date: 2024-01, until: 2024-12,
   sources: [s1]}
"""


OTHER = """entities:
- {id: stab, name: Stab, type: company}
cash_balances:
- {id: stab-cash, company: stab, date: 2024-01-31, amount: $12M, sources: [s1]}
expenses:
- {id: stab-pay, company: stab, category: payroll, rate: $1M/month, date: 2024-01,
   until: 2024-12, sources: [s1]}
"""


def _folder(tmp_path: Path, entity: str, *, other_ledger: bool = False) -> Path:
    (tmp_path / "mine.yaml").write_text(LEDGER, encoding="utf-8")
    if other_ledger:  # another ledger of the folder, not loaded: the scenarios may be its own
        (tmp_path / "stab.yaml").write_text(OTHER, encoding="utf-8")
    (tmp_path / "plans.scenarios.yaml").write_text(
        f"aicapex: 1\nentity: {entity}\nscenarios:\n- name: base\n- name: more\n"
        "  adjustments:\n  - {do: add_flow, amount: $6M, start: 2024-02, kind: funding}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_another_ledgers_scenarios_beside_a_file_are_not_read(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "stab", other_ledger=True)
    result = CliRunner().invoke(app, ["report", str(folder / "mine.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"scenarios": []' in result.stdout


def test_this_ledgers_scenarios_beside_a_file_are_read(tmp_path: Path) -> None:
    """$12M at $1M a month from 2024-01-31: 12 months; $6M more in February: 18."""
    folder = _folder(tmp_path, "co")
    result = CliRunner().invoke(app, ["report", str(folder / "mine.yaml"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    text = CliRunner().invoke(app, ["report", str(folder / "mine.yaml")]).stdout
    assert "more" in text
    assert "18.00 months" in text


def test_an_unknown_entity_beside_the_ledgers_loaded_is_a_problem(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "cox")
    for given in (folder, folder / "mine.yaml"):
        result = CliRunner().invoke(app, ["report", str(given)])
        assert result.exit_code == 1
        assert (
            "plans.scenarios.yaml:2: entity: expected an entity of the ledger "
            "(did you mean 'co'?), got 'cox'"
        ) in result.output


def test_all_ledgers_of_the_folder_read_every_scenarios_file(tmp_path: Path) -> None:
    """The folder given: stab.yaml is loaded too, and its company's scenarios are read."""
    folder = _folder(tmp_path, "stab", other_ledger=True)
    result = CliRunner().invoke(app, ["report", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"scenario": "more"' in result.stdout
