"""The ``aicapex`` command: validate, summary, schema, help; in process and as the console script.

The bundled data may grow: expected outputs are computed from ``aicapex.load`` rather than
written out, so these tests check what the command prints, not what the data holds.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aicapex
from aicapex.cli import app
from aicapex.files import parse_document

ERRORS = Path(__file__).parent / "errors"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


@pytest.fixture(scope="module")
def summary() -> dict[str, Any]:
    return aicapex.load(aicapex.bundled_data()).summary()


def _check_summary_text(text: str, summary: dict[str, Any]) -> None:
    lines = text.splitlines()
    start, end = summary["span"]
    assert lines[0] == f"{summary['total']} records, covering {start} to {end}"
    companies = summary["entities"]["company"]
    assert f"companies ({len(companies)}): " + ", ".join(sorted(companies.values())) in lines
    assert "records by kind:" in lines
    by_kind = lines[lines.index("records by kind:") + 1 :]
    assert [line.split() for line in by_kind] == [
        [k, str(n)] for k, n in summary["records"].items()
    ]


def test_validate_bundled_data(runner: CliRunner, summary: dict[str, Any]) -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 0, result.output
    warnings = aicapex.load(aicapex.bundled_data()).warnings
    assert result.stderr.splitlines() == [str(w) for w in warnings]  # exit 0 all the same
    assert result.stdout.startswith("ok: ")
    _check_summary_text(result.stdout.removeprefix("ok: "), summary)


def test_validate_given_paths(runner: CliRunner, summary: dict[str, Any]) -> None:
    folder = aicapex.bundled_data()
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    _check_summary_text(result.stdout.removeprefix("ok: "), summary)
    one_file = sorted(folder.glob("*.yaml"))[0]
    result = runner.invoke(app, ["validate", str(one_file)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: ")


def test_validate_json(runner: CliRunner, summary: dict[str, Any]) -> None:
    result = runner.invoke(app, ["validate", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"as_of", "entities", "records", "total", "span"}
    assert data["as_of"] == data["span"][1]
    assert data == json.loads(json.dumps(summary))
    assert data["total"] == sum(data["records"].values())
    assert data["records"]["entities"] == sum(len(v) for v in data["entities"].values())


def test_validate_quiet_prints_nothing(runner: CliRunner) -> None:
    for flag in ("-q", "--quiet"):
        result = runner.invoke(app, ["validate", flag])
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
        assert result.stderr == ""


def test_validate_quiet_still_reports_problems(runner: CliRunner) -> None:
    path = str(ERRORS / "bad_money.yaml")
    result = runner.invoke(app, ["validate", "-q", path])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{path}:15: cloud_bills[0] acme-aws-2023-08: billed: " in result.stderr


def test_validate_bad_file_lists_every_problem_on_stderr(runner: CliRunner) -> None:
    folder = ERRORS / "two_bad_files"
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "2 problems in the ledger:"
    assert lines[1].startswith(f"{folder / 'a.yaml'}:15: ")
    assert lines[2].startswith(f"{folder / 'b.yaml'}:5: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_summary_command(runner: CliRunner, summary: dict[str, Any]) -> None:
    result = runner.invoke(app, ["summary"])
    assert result.exit_code == 0, result.output
    _check_summary_text(result.stdout, summary)


def test_schema_lists_every_kind(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {*aicapex.KINDS, "aicapex"}
    assert schema["additionalProperties"] is False


def test_schema_validates_the_bundled_ledger_file(
    runner: CliRunner, ledger_files: list[Path]
) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")
    schema = json.loads(runner.invoke(app, ["schema"]).stdout)
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator = validator_cls(schema)
    for path in ledger_files:
        data, problems = parse_document(path.read_text(encoding="utf-8"), str(path))
        assert problems == []
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert errors == [], path
    # ... and refuses what load refuses for its structure.
    for name in ("unknown_kind.yaml", "unknown_field.yaml", "kind_not_list.yaml"):
        text = (ERRORS / name).read_text(encoding="utf-8")
        data, _ = parse_document(text, name)
        assert not validator.is_valid(data), name


def test_no_arguments_shows_help(runner: CliRunner) -> None:
    result = runner.invoke(app, [])
    assert result.exit_code in (0, 2)  # click >= 8.2 exits 2 for no_args_is_help
    assert "Usage:" in result.output
    for command in ("validate", "summary", "schema"):
        assert command in result.output


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["validate", "--no-such-option"])
    assert result.exit_code == 2


def test_installed_console_script() -> None:
    script = shutil.which("aicapex", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip(f"no 'aicapex' console script next to {sys.executable} (not pip-installed)")
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1"}
    ok = subprocess.run(
        [script, "validate", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert set(json.loads(ok.stdout)) == {"as_of", "entities", "records", "total", "span"}
    bad = subprocess.run(
        [script, "validate", str(ERRORS / "bad_date.yaml")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert "period: expected a date like" in bad.stderr


BALANCES = """
sources:
- {{id: s, outlet: Example, title: A report, date: 2024-06}}
entities:
- {{id: acme, name: Acme AI, type: company}}
- {{id: bolt, name: Bolt AI, type: company}}
cash_balances:
- {{id: acme-jan, company: acme, date: 2024-01, amount: $10M, sources: [s]}}
- {{id: acme-apr, company: acme, date: 2024-04, amount: {closing}, sources: [s]}}
- {{id: bolt-jan, company: bolt, date: 2024-01, amount: $5M, sources: [s]}}
expenses:
- {{id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2024, sources: [s]}}
"""


@pytest.mark.parametrize(
    ("closing", "explained"),
    # $10M at the end of January less $1M a month for February to April: $7M expected
    [("$7M", True), ("about $7.5M", True), ("$7.6M", True), ("$20M", False), ("$1M", False)],
)
def test_validate_warns_of_balances_the_flows_do_not_explain(
    runner: CliRunner, tmp_path: Path, closing: str, explained: bool
) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(BALANCES.format(closing=closing), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    if explained:  # within 10% of the larger balance, or the ranges overlap
        assert warnings == []
    else:
        line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "acme-apr" in t)
        (warning,) = warnings
        assert warning.startswith(f"{path}:{line}: warning: cash_balances[1] acme-apr: amount:")
        gap = aicapex.money.Money.parse(closing).amount - 7_000_000
        assert f"a gap of {gap:+,.0f} USD" in warning
        assert "7,000,000 USD" in warning
    strict = runner.invoke(app, ["validate", str(path), "--strict"])
    assert strict.exit_code == (0 if explained else 1)
    # quiet: nothing printed, nothing computed
    quiet = runner.invoke(app, ["validate", str(path), "-q"])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_json_output_is_one_line_for_programs_and_indented_at_a_terminal(
    runner: CliRunner, summary: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON goes compact to a pipe or file (the C encoder), indented to a terminal: the same
    data either way."""
    from aicapex.cliopts import echo_json

    piped = runner.invoke(app, ["validate", "--json"])
    assert piped.exit_code == 0, piped.output
    assert piped.stdout.count("\n") == 1  # one line and its newline
    assert json.loads(piped.stdout) == summary

    class Terminal:
        def __init__(self) -> None:
            self.text = ""

        def isatty(self) -> bool:
            return True

        def write(self, text: str) -> int:
            self.text += text
            return len(text)

        def flush(self) -> None:
            pass

    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    echo_json(summary)
    assert terminal.text == json.dumps(summary, indent=2) + "\n"
    with pytest.raises(ValueError, match="Out of range float"):
        echo_json({"x": float("nan")})
    echo_json({"x": float("nan")}, allow_nan=True)
    assert terminal.text.endswith('"x": NaN\n}\n')
