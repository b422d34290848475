"""``aicapex scenarios`` refusing to run at a scenarios file's ``as_of`` (no cash balance by
then) says the date is the file's and which file: it said only 'no cash balance of 'acme' at or
before 2023-01', a date the command line never gave."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aicapex.cli import app

LEDGER = """\
entities:
- {id: acme, name: Acme, type: company}
cash_balances:
- {id: acme-cash, company: acme, date: 2023-06, amount: $4M}
expenses:
- {id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2023-01}
"""


def _run(tmp_path: Path, as_of: str, *args: str) -> tuple[int, str]:
    (tmp_path / "acme.yaml").write_text(LEDGER)
    scenarios = tmp_path / "acme.scenarios.yaml"
    scenarios.write_text(f"aicapex: 1\nentity: acme\nas_of: {as_of}\nscenarios:\n- name: base\n")
    result = CliRunner().invoke(app, ["scenarios", str(tmp_path), "acme", *args])
    return result.exit_code, result.stderr


def test_an_as_of_before_any_balance_is_said_as_the_files(tmp_path: Path) -> None:
    code, err = _run(tmp_path, "2023-01")
    path = tmp_path / "acme.scenarios.yaml"
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"error: no cash balance of 'acme' at or before 2023-01 (as_of: 2023-01 in {path})"
    )


def test_an_as_of_given_on_the_command_line_is_not_the_files(tmp_path: Path) -> None:
    code, err = _run(tmp_path, "2023-08", "--as-of", "2023-02")
    assert code == 1
    assert err.strip().splitlines()[-1] == "error: no cash balance of 'acme' at or before 2023-02"


def test_a_file_as_of_after_the_balance_runs(tmp_path: Path) -> None:
    code, _ = _run(tmp_path, "2023-08")
    assert code == 0
