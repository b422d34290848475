"""The command line as a demanding user tries it: exit codes (1 for the input, 2 for usage), one
line per error, options checked, --version, help without placeholders, the report as CSV, a
file given twice, warnings."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex
from aicapex.cli import app
from aicapex.render import REPORT_CSV_COLUMNS
from aicapex.report import report as build_report

ERRORS = Path(__file__).parent / "errors"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as installed: ``python -m aicapex.cli`` (its ``main``, exit codes and all)."""
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


@pytest.mark.parametrize(
    "args",
    [
        ["runway", "data", "stability-ai", "--burn-after", "nan"],
        ["runway", "data", "stability-ai", "--burn-after", "inf"],
        ["runway", "data", "stability-ai", "--burn-after=-2e15"],  # past the limit either way
        ["runway", "data", "stability-ai", "--burn-after", "1e308"],  # overflowed the cash
        ["report", "--format", "xml"],
        ["report", "--as-of", "Octobre"],
        ["report", "--as-of", "FY2023"],  # a fiscal year: analyses refuse it (was exit 1)
        ["runway", "data", "stability-ai", "--known-on", "2023-13"],  # was exit 1
        ["validate", "--max-bytes", "0"],
        ["validate", "--max-bytes", "1e3x"],  # typer's words: "Input should be a valid integer"
        ["validate", "--max-bytes", "2.5"],
        ["runway", "data", "stability-ai", "--burn-after", "abc"],
        ["validate", "--no-such-option"],
        ["runway", "data"],
    ],
    ids=lambda a: " ".join(a),
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str]) -> None:
    result = _run(*args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Value error, " not in lines[0]  # typer's pydantic prefix, not for a reader
    assert "Input should be" not in lines[0]  # pydantic's words, not the program's
    if "--max-bytes" in args or "--burn-after" in args:  # the value given is named
        given = args[args.index("--max-bytes" if "--max-bytes" in args else "--burn-after") + 1]
        assert f"got '{given}'" in lines[0] or f"got {given}" in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "/no/such/ledger.yaml"],
        ["validate", str(ERRORS / "symlink_loop.yaml")],
        ["runway", str(ERRORS / "bad_money.yaml"), "acme"],
        ["summary", str(ERRORS / "too_large.yaml"), "--max-bytes", "100"],
        ["report", str(ERRORS / "nul_byte.yaml")],
        ["runway", str(ERRORS / "no_fx_rate.yaml"), "acme", "--as-of", "2023-12"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_problems_in_the_input_exit_1_one_line_each(args: list[str]) -> None:
    result = _run(*args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines
    assert not any(line.startswith(("╭", "│", "╰")) for line in lines), "no boxed messages"


@pytest.mark.parametrize(
    ("given", "read"), [("1e9", 10**9), ("1_000_000", 10**6), ("1,000", 1000), (" 42 ", 42), (7, 7)]
)
def test_max_bytes_reads_whole_numbers_as_written(given: str | int, read: int) -> None:
    from aicapex.cliopts import positive_bytes

    assert positive_bytes(given) == read


def test_burn_after_reads_numbers_as_written() -> None:
    from aicapex.cli import _burn_after

    assert _burn_after("5e6") == 5e6
    assert _burn_after("1,000,000") == 1e6
    assert _burn_after(0.0) == 0.0


def test_version() -> None:
    result = _run("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("aicapex ")


@pytest.mark.parametrize(
    "command", [[], ["validate"], ["report"], ["runway"], ["summary"], ["export"], ["flows"]]
)
def test_help_has_no_placeholders_for_flags(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    assert "Usage:" in result.output


def test_report_as_csv() -> None:
    result = CliRunner().invoke(app, ["report", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(REPORT_CSV_COLUMNS)
    ledger = aicapex.load(aicapex.bundled_data())
    data = build_report(ledger)
    assert [r["id"] for r in rows] == [c["id"] for c in data["companies"]]
    stability = next(r for r in rows if r["id"] == "stability-ai")
    assert stability["runs_out"] == "true"
    assert float(stability["runway_months"]) == pytest.approx(0.34, abs=0.01)


def test_a_file_and_its_folder_are_read_once(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text("entities:\n- id: acme\n  name: Acme AI\n  type: company\n", "utf-8")
    for paths in ([path, tmp_path], [path, path], [tmp_path, tmp_path / "." / "ledger.yaml"]):
        assert len(aicapex.load(*paths)) == 1
    result = CliRunner().invoke(app, ["validate", str(path), str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_warnings_are_shown_and_strict_refuses_them() -> None:
    path = str(ERRORS / "payment_before_period.yaml")
    runner = CliRunner()
    shown = runner.invoke(app, ["validate", path])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("ok: ")
    assert ": warning: cloud_bills[0]" in shown.stderr
    quiet = runner.invoke(app, ["validate", "-q", path])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    strict = runner.invoke(app, ["validate", "--strict", path])
    assert strict.exit_code == 1
    assert ": warning: cloud_bills[0]" in strict.stderr
    report = runner.invoke(app, ["report", path])
    assert report.exit_code == 0
    assert ": warning: cloud_bills[0]" in report.stderr


def test_a_report_known_on_a_date_keeps_the_scenarios_the_files_hold() -> None:
    """The scenario files were checked against the ledger as known on --known-on: the records
    they name, reported later, were unknown, and the whole report failed (exit 1). Now a
    company whose scenarios cannot run then says why."""
    data = aicapex.bundled_data()
    result = _run("report", str(data), "--known-on", "2024-01", "--format", "json")
    assert result.returncode == 0, result.stderr
    (stability,) = [c for c in json.loads(result.stdout)["companies"] if c["id"] == "stability-ai"]
    assert stability["scenarios"] is None
    assert "stability-2023-intel" in stability["reasons"]["scenarios"]
    later = _run("report", str(data), "--known-on", "2024-06", "--format", "json")
    assert later.returncode == 0, later.stderr


def test_plots_to_a_file_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    """--plots naming a file: the path and why, not Python's "[Errno 17] File exists"; the
    HTML page asked for in the same command is not written either (all drawn, folder made,
    then written)."""
    pytest.importorskip("matplotlib", reason="the plots need matplotlib (extra aicapex[plot])")
    taken = tmp_path / "taken"
    taken.write_text("mine\n")
    page = tmp_path / "report.html"
    result = _run("report", "data", "--plots", str(taken), "--html", str(page))
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {taken}: cannot write: it is a file, not a folder"]
    assert "Errno" not in result.stderr
    assert taken.read_text() == "mine\n"
    assert not page.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no temporary file left


def test_plots_folder_is_written_whole(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the plots need matplotlib (extra aicapex[plot])")
    folder = tmp_path / "new" / "plots"
    result = _run("report", "data", "--plots", str(folder))
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.splitlines()]
    assert printed
    assert all(p.parent == folder for p in printed)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in printed)
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in printed)


@pytest.mark.parametrize("suffix", [".scenarios.yaml", ".scenarios.yml", ".scenarios.json"])
def test_a_scenarios_file_given_as_a_ledger_is_one_problem(tmp_path: Path, suffix: str) -> None:
    """A scenarios file named as a ledger file: one problem saying what it is and where it is
    read, not one 'expected a record kind' per top-level key it holds."""
    import shutil

    from aicapex.errors import LedgerError

    named = tmp_path / f"what-if{suffix}"
    shutil.copy(Path("data/stability_ai.scenarios.yaml"), named)  # never read: its name says it
    with pytest.raises(LedgerError) as caught:
        aicapex.load(named)
    (problem,) = caught.value.problems
    assert problem.code == "not-a-ledger"
    assert problem.file == str(named)
    assert "scenarios file" in problem.found
    assert "aicapex scenarios --file" in problem.expected
    # beside a ledger file it is the same one problem, and the ledger's own are still listed
    bad = tmp_path / "bad.yaml"
    bad.write_text("entities:\n  - id: a\n    name: A\n    kind: nonsense\n")
    with pytest.raises(LedgerError) as both:
        aicapex.load(bad, named)
    assert [p.file for p in both.value.problems].count(str(named)) == 1
    assert any(p.file == str(bad) for p in both.value.problems)
    # in a folder it is left out, as before
    shutil.copy(Path("data/stability_ai.yaml"), tmp_path / "stability_ai.yaml")
    bad.unlink()
    assert aicapex.load(tmp_path).frame("cash_balances").shape[0] > 0


def test_validate_of_a_scenarios_file_is_one_line() -> None:
    result = _run("validate", "data/stability_ai.scenarios.yaml")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr  # the count and the problem
    assert "got a scenarios file" in lines[1]


def test_an_export_document_given_as_a_ledger_is_one_problem_and_its_ledger_loads(
    tmp_path: Path,
) -> None:
    """`aicapex export --to json` writes {format_version, ledger, flows}: given to load, one
    problem saying what it is and how to get its ledger (one 'expected a record kind' per key,
    with "did you mean 'mergers'?" for 'ledger', before); its 'ledger' part loads as the
    ledger it was exported from."""
    import json

    from aicapex.errors import LedgerError

    led = aicapex.load("data")
    document = tmp_path / "export.json"
    aicapex.export(led, to="json", out=document)
    with pytest.raises(LedgerError) as caught:
        aicapex.load(document)
    (problem,) = caught.value.problems
    assert problem.code == "not-a-ledger"
    assert "aicapex export --to json" in problem.found
    assert "'ledger' part" in problem.expected
    part = tmp_path / "ledger.json"
    part.write_text(json.dumps(json.loads(document.read_text())["ledger"]))
    again = aicapex.load(part)
    assert again.to_data() == led.to_data()


def test_validate_json_gives_the_problems_as_json(tmp_path: Path) -> None:
    """`validate --json` of a ledger with problems: exit 1, the text on standard error as
    always, and the problems as JSON on standard output for a program (it printed nothing)."""
    import json

    from aicapex.errors import LedgerError

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entities:\n- {id: co, name: Co, type: company}\nexpenses:\n"
        "- {id: e1, company: co, category: compute, amount: -$5M, date: 2023}\n"
        "- {id: e2, company: nobody, category: compute, amount: $5M, date: 2023}\n"
    )
    result = _run("validate", "--json", str(bad))
    assert result.returncode == 1
    problems = json.loads(result.stdout)["problems"]
    with pytest.raises(LedgerError) as caught:
        aicapex.load(bad)
    assert problems == caught.value.to_dicts()
    assert [(p["record_id"], p["field"], p["line"]) for p in problems] == [
        ("e1", "amount", 4),
        ("e2", "company", 5),
    ]
    assert list(problems[0]) == list(caught.value.to_frame().columns)
    assert "e1" in result.stderr


def test_runway_as_of_a_fiscal_year_is_the_company_s_own() -> None:
    """One company's runway: 'FY2023' is its fiscal year (Stability AI's years are calendar
    years: the same runway as at 2023-12-31, the day the year ends)."""
    fiscal, calendar = (
        _run("runway", "data", "stability-ai", "--as-of", "FY2023"),
        _run("runway", "data", "stability-ai", "--as-of", "2023-12-31"),
    )
    assert fiscal.returncode == calendar.returncode == 0, fiscal.stderr
    assert fiscal.stdout.replace("FY2023", "2023-12-31") == calendar.stdout
