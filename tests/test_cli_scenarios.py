"""``aicapex scenarios PATH ENTITY``: the bundled what-ifs as a table, JSON (valid under the
``scenarios`` output schema) and CSV, with figures derived from the records; an unknown entity
and bad scenarios files are one-line, located errors with exit code 1 and no traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.outputs import schema
from aicapex.scenarios import scenario_files

LedgerText = Callable[..., Path]

ENTITY = "stability-ai"
AS_OF = "2023-10"
INTEL = "stability-2023-intel"
NAMES = ["base", "intel-20-in-oct", "intel-50-in-oct", "cut-compute", "gpu-resale"]
COLUMNS = [
    "scenario",
    "months",
    "months_low",
    "months_high",
    "runs_out",
    "cash_out",
    "min_cash",
    "cash_at_horizon",
    "months_vs_first",
]

SMALL = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: fund, name: A fund, type: investor}
funding_rounds:
- id: acme-round
  company: acme
  date: 2023-08
  status: committed
  amount: $5M
  sources: [s1]
  investors: [{investor: fund}]
  tranches:
  - {amount: $2M, status: disbursed, date: 2023-08-15}
  - {amount: $3M, status: committed, date: 2023-12-15}
expenses:
- {id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
cash_balances:
- {id: acme-cash, company: acme, date: 2023-10-10, amount: $6M, sources: [s1]}
"""


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def usd(money: ac.Money) -> float:
    return float(money.amount)


@pytest.fixture(scope="module")
def figures(bundled: ac.Ledger) -> dict[str, float]:
    """Stability AI's cash in October 2023, its net burn a month and Intel's tranches."""
    compute = usd(bundled["stability-compute-2023"].rate.per_month())  # type: ignore[attr-defined]
    opex = usd(bundled["stability-payroll-opex-2023"].rate.per_month())  # type: ignore[attr-defined]
    revenue = usd(bundled["stability-revenue-2023"].amount) / 12  # type: ignore[attr-defined]
    tranches = [usd(t.amount) for t in bundled[INTEL].tranches]  # type: ignore[attr-defined]
    return {
        "cash": usd(bundled["stability-cash-2023-10"].amount),  # type: ignore[attr-defined]
        "burn": compute + opex - revenue,
        "first": tranches[0],
        "all": sum(tranches),
    }


def invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["scenarios", *args])


def errors_of(stderr: str) -> list[str]:
    """The lines of standard error that are not the ledger's warnings."""
    return [line for line in stderr.splitlines() if ": warning: " not in line]


def run_process(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as installed: ``python -m aicapex.cli`` (exit codes and all)."""
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "aicapex.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_json_is_valid_and_derived_from_the_records(
    runner: CliRunner, bundled: ac.Ledger, figures: dict[str, float]
) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")
    result = invoke(runner, "data", ENTITY, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    s = schema("scenarios")
    errors = list(jsonschema.validators.validator_for(s)(s).iter_errors(data))
    assert not errors, [e.message for e in errors]
    # the same schema, printed by ``aicapex schema``
    printed = runner.invoke(app, ["schema", "--output", "scenarios"])
    assert printed.exit_code == 0
    assert json.loads(printed.stdout) == s
    rows = {r["scenario"]: r for r in data["rows"]}
    assert [r["scenario"] for r in data["rows"]] == NAMES
    assert (data["analysis"], data["entity"], data["as_of"]) == ("scenarios", ENTITY, AS_OF)
    cash, burn = figures["cash"], figures["burn"]
    assert rows["intel-20-in-oct"]["months"] == round((cash + figures["first"]) / burn, 2)
    assert rows["intel-50-in-oct"]["months"] == round((cash + figures["all"]) / burn, 2)
    gained = rows["intel-50-in-oct"]["months"] - rows["intel-20-in-oct"]["months"]
    assert gained == pytest.approx((figures["all"] - figures["first"]) / burn, abs=0.01)
    assert rows["base"]["months_vs_first"] == 0
    # the API's result, as JSON, is what the command printed
    (path,) = scenario_files([ac.bundled_data()])
    read = ac.read_scenarios(path, bundled)
    table = ac.compare(bundled, ENTITY, read.scenarios, as_of=AS_OF, policy=read.policy)  # type: ignore[arg-type]
    assert json.loads(table.to_json()) == data
    assert data["explanations"]["gpu-resale"][-1].endswith("so it does not extend the runway")


def test_csv_has_a_row_per_scenario(runner: CliRunner, figures: dict[str, float]) -> None:
    result = invoke(runner, "data", ENTITY, "--as-of", AS_OF, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == COLUMNS
    assert [r["scenario"] for r in rows] == NAMES
    as_json = json.loads(
        invoke(runner, "data", ENTITY, "--as-of", AS_OF, "--format", "json").stdout
    )
    for row, expected in zip(rows, as_json["rows"], strict=True):
        for column in ("months", "months_low", "months_high", "min_cash", "cash_at_horizon"):
            assert float(row[column]) == expected[column]
        assert row["cash_out"] == expected["cash_out"]
    intel20 = rows[1]
    assert float(intel20["months"]) == round(
        (figures["cash"] + figures["first"]) / figures["burn"], 2
    )


def test_table_shows_each_scenario_and_its_explanation(
    runner: CliRunner, figures: dict[str, float]
) -> None:
    result = invoke(runner, "data", ENTITY, "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{ENTITY}: scenarios from {AS_OF}")
    intel50 = round((figures["cash"] + figures["all"]) / figures["burn"], 2)
    line = next(x for x in out.splitlines() if x.startswith("intel-50-in-oct "))
    assert f"{intel50:.2f}" in line
    for name in NAMES:
        assert f"\n{name}: " in out  # its explanation
    assert "arrives after the cash runs out" in out


def test_the_scenarios_appear_in_the_report(runner: CliRunner) -> None:
    result = runner.invoke(app, ["report", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    for name in NAMES[1:]:
        assert name in result.stdout


@pytest.mark.parametrize("entity", ["stabilty-ai", "nobody"])
def test_an_unknown_entity_is_one_line(runner: CliRunner, entity: str) -> None:
    result = invoke(runner, "data", entity, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = errors_of(result.stderr)
    assert line.startswith(f"error: unknown entity {entity!r}")
    if entity == "stabilty-ai":
        assert line.endswith("(did you mean 'stability-ai'?)")


def test_an_entity_without_scenarios(ledger_text: LedgerText, runner: CliRunner) -> None:
    folder = ledger_text(SMALL).parent
    (folder / "acme.scenarios.yaml").write_text(
        "aicapex: 1\nentity: acme\nscenarios:\n- name: base\n", encoding="utf-8"
    )
    result = invoke(runner, str(folder), "fund")
    assert result.exit_code == 1
    (line,) = errors_of(result.stderr)
    assert line.startswith("error: no scenarios of 'fund'")
    assert "(scenarios of: acme)" in line
    ok = invoke(runner, str(folder), "acme", "--format", "json")
    assert ok.exit_code == 0, ok.output
    (row,) = json.loads(ok.stdout)["rows"]
    assert row["scenario"] == "base"


BAD_FILES = [
    # (text, line, words)
    ("aicapex: 1\nentity: acme\nscenarios: 3\n", 1, "expected a scenarios file"),
    (
        "aicapex: 1\nentity: acme\nscenarios:\n- name: x\n  adjustments:\n  - do: explode\n",
        6,
        "explode",
    ),
    (
        "aicapex: 1\nentity: acme\nscenarios:\n- name: x\n  adjustments:\n"
        "  - {do: disburse, round: acme-rond, on: 2023-10}\n",
        6,
        "acme-round",
    ),
]


@pytest.mark.parametrize(("text", "line", "words"), BAD_FILES)
def test_a_bad_scenarios_file_is_located(
    ledger_text: LedgerText, runner: CliRunner, text: str, line: int, words: str
) -> None:
    folder = ledger_text(SMALL).parent
    bad = folder / "acme.scenarios.yaml"
    bad.write_text(text, encoding="utf-8")
    result = invoke(runner, str(folder), "acme", "--as-of", AS_OF)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    head, *problems = errors_of(result.stderr)
    assert (
        head == f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in the scenarios files:"
    )
    assert problems[0].startswith(f"{bad}:{line}:"), problems
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_scenarios_file_from_the_installed_command(ledger_text: LedgerText) -> None:
    folder = ledger_text(SMALL).parent
    bad = folder / "other.yaml.scenarios.yaml"
    bad.write_text("aicapex: 1\nentity: acme\nscenarios:\n- name: x\n  adjustments: [{do: 3}]\n")
    result = run_process("scenarios", str(folder / "ledger.yaml"), "acme", "--file", str(bad))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[1].startswith(f"{bad}:5:"), result.stderr
    missing = run_process("scenarios", str(folder), "acme", "--file", str(folder / "none.yaml"))
    assert missing.returncode == 1, missing.stderr
    assert "Traceback" not in missing.stderr
    assert errors_of(missing.stderr)[1:] == [
        f"{folder / 'none.yaml'}: expected an existing scenarios file, got no such file"
    ]
