"""Three gaps in bad input, each now a located problem (or a run that works), not silence.

1. An id that differs from a ledger's only in case (``BETA`` for ``beta``, ``CLOUD-CO`` for
   ``cloud-co``) was refused with no suggestion: the close-match search compared letters as
   written, and ``'BETA'`` shares no letter with ``'beta'``. Ids stay case-sensitive (the record
   is still refused); the hint now folds case, spaces, underscores and hyphens.
2. Two scenarios files of one company naming a scenario alike: ``aicapex scenarios`` said
   "named alike in several files" with no line and no code, after stopping at the first file
   with a problem (the others' problems unsaid); the report ran both files and printed two rows
   of one name. Now one ``duplicate-id`` problem at the second definition names both files and
   lines, with every other file's problems, in the scenarios command and the report alike. The
   same file named twice is read once (as a ledger file named twice is).
3. A folder or a named pipe found beside a ledger under a scenarios name
   (``x.scenarios.yaml/``, ``mkfifo s.scenarios.yaml``) stopped the report ("expected a
   scenarios file, got a directory") or made it wait forever for a writer, though the ledger
   loader skips both in a folder. Found ones are now skipped likewise; named ones are still
   read (a pipe with a writer, as ``<(cat x.yaml)`` gives, works; a folder is a located
   problem).

The ledger: Beta has $12M of cash at the end of March 2024, payroll $1M and compute $3M a month,
revenue $0.5M a month: a net burn of $3.5M, 12 / 3.5 = 3.43 months. Compute halved from April:
a burn of 1 + 1.5 - 0.5 = $2M, 12 / 2 = 6.00 months. Gamma: $6M, payroll $2M a month: 3.00
months.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.analysis.runway import runway
from aicapex.cli import app
from aicapex.errors import suggest
from aicapex.scenarios import read_scenarios, scenario_files
from aicapex.scenarios.fileset import read_scenario_files

PARTIES = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: cloud-co, name: CloudCo, type: cloud_provider}
"""

MONEY = """\
aicapex: 1
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-03, amount: $6M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, counterparty: cloud-co,
   rate: $3M/month, date: 2024-01, until: 2024-03}
- {id: gamma-payroll, sources: [src-a], company: gamma, category: payroll, rate: $2M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01,
   until: 2024-03}
"""

BETA = """\
aicapex: 1
entity: beta
as_of: 2024-03
scenarios:
- name: base
- name: half-compute
  adjustments:
  - {do: scale, category: compute, by: 0.5, start: 2024-04}
"""

BETA_MORE = """\
aicapex: 1
entity: beta
as_of: 2024-03
scenarios:
- name: reported
  note: the same as base, under another name
- name: half-compute
  note: defined again
  adjustments:
  - {do: scale, category: compute, by: 0.5, start: 2024-04}
"""

GAMMA = """\
aicapex: 1
entity: gamma
as_of: 2024-03
scenarios:
- name: base
- name: half-compute
  adjustments:
  - {do: scale, category: payroll, by: 0.5, start: 2024-04}
"""

BURN = 1 + 3 - 0.5


def line_of(path: Path, text: str, after: str = "") -> int:
    """The line of ``path`` (from 1) holding ``text``, the first after a line holding
    ``after``."""
    lines = path.read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "parties.yaml").write_text(PARTIES)
    (tmp_path / "money.yaml").write_text(MONEY)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


# 1. ids differing in case: the id meant is suggested; the reference is still refused


def test_suggest_folds_case_spaces_underscores_and_hyphens() -> None:
    ids = ["beta", "cloud-co", "stability-ai"]
    assert suggest("BETA", ids) == " (did you mean 'beta'?)"  # was '' (no letter in common)
    assert suggest("STABILITY-AI", ids) == " (did you mean 'stability-ai'?)"  # was ''
    assert suggest("CLOUD_CO", ids) == " (did you mean 'cloud-co'?)"  # was ''
    assert suggest(" Stability AI ", ids) == " (did you mean 'stability-ai'?)"
    assert suggest("STABILTY-AI", ids) == " (did you mean 'stability-ai'?)"  # a typo, in caps
    assert suggest("zeta-corp", ids) == ""  # nothing close: no suggestion
    # two ids folding alike (ids are case-sensitive): the first given of them
    assert suggest("acme", ["Acme", "ACME"]) == " (did you mean 'Acme'?)"


def test_a_reference_in_capitals_is_refused_with_the_id_suggested(folder: Path) -> None:
    (folder / "more.yaml").write_text(
        "aicapex: 1\n"
        "cash_balances:\n"
        "- {id: beta-cash-2, sources: [src-a], company: BETA, date: 2024-02, amount: $13M}\n"
        "expenses:\n"
        "- {id: beta-gpu, sources: [src-a], company: Beta, category: compute,\n"
        "   counterparty: CLOUD-CO, amount: $1M, date: 2024-02}\n"
    )
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(folder)
    found = {(p.record_id, p.field): p for p in caught.value.problems}
    assert set(found) == {
        ("beta-cash-2", "company"),
        ("beta-gpu", "company"),
        ("beta-gpu", "counterparty"),
    }
    for (_, field), p in found.items():
        assert p.code == "unknown-reference"  # ids stay case-sensitive
        assert p.file == str(folder / "more.yaml")
        meant = "cloud-co" if field == "counterparty" else "beta"
        assert f"(did you mean '{meant}'?)" in p.expected
    assert found[("beta-cash-2", "company")].line == 3
    assert found[("beta-gpu", "counterparty")].line == 6


def test_the_cli_suggests_the_entity_given_in_capitals(folder: Path) -> None:
    code, out, err = run("runway", str(folder), "BETA")
    assert (code, out) == (1, "")
    assert "unknown entity 'BETA' (did you mean 'beta'?)" in err  # was no suggestion
    (folder / "beta.scenarios.yaml").write_text(BETA)
    code, out, err = run("scenarios", str(folder), "GAMMA")
    assert (code, out) == (1, "")
    assert "unknown entity 'GAMMA' (did you mean 'gamma'?)" in err


def test_a_scenarios_file_naming_its_entity_in_capitals(folder: Path) -> None:
    path = folder / "beta.scenarios.yaml"
    path.write_text(BETA.replace("entity: beta", "entity: BETA"))
    with pytest.raises(ac.LedgerError) as caught:
        read_scenarios(path, ac.load(folder))
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), 2, "entity")
    assert problem.code == "unknown-reference"
    assert "(did you mean 'beta'?)" in problem.expected


def test_analyses_suggest_the_entity_given_in_capitals(folder: Path) -> None:
    ledger = ac.load(folder)
    with pytest.raises(KeyError, match=r"did you mean 'gamma'"):
        runway(ledger, "GAMMA")
    result = runway(ledger)  # every company: Beta 12 / 3.5, Gamma 6 / 2
    months = dict(zip(result.frame["entity"], result.frame["months"], strict=True))
    assert months == pytest.approx({"beta": 12 / BURN, "gamma": 3.0}, abs=0.005)
    for method in (result.explain, result.records_of):  # no suggestion at all before
        with pytest.raises(ValueError, match=r"no entity 'BETA' \(did you mean 'beta'\?\)"):
            method("BETA")


# 2. one scenario name in two files of one company


def test_a_name_in_two_files_is_one_located_problem(folder: Path) -> None:
    a, b = folder / "a.scenarios.yaml", folder / "b.scenarios.yaml"
    a.write_text(BETA)
    b.write_text(BETA_MORE)
    with pytest.raises(ac.LedgerError) as caught:
        read_scenario_files([a, b], ac.load(folder))
    [problem] = caught.value.problems
    first, second = line_of(a, "name: half-compute"), line_of(b, "name: half-compute")
    assert (first, second) == (6, 7)
    assert (problem.file, problem.line) == (str(b), second)
    assert (problem.kind, problem.index, problem.record_id, problem.field) == (
        "scenarios",
        1,
        "half-compute",
        "name",
    )
    assert problem.code == "duplicate-id"
    assert problem.found == f"'half-compute' in {a}:{first} and in {b}:{second}"
    assert "'beta'" in problem.expected


def test_the_scenarios_command_and_the_report_say_it_located(folder: Path) -> None:
    a, b = folder / "a.scenarios.yaml", folder / "b.scenarios.yaml"
    a.write_text(BETA)
    b.write_text(BETA_MORE)
    where = f"{b}:7: scenarios[1] half-compute: name: "
    code, out, err = run("scenarios", str(folder), "beta")
    assert (code, out) == (1, "")
    assert err.startswith("1 problem in the scenarios files:\n" + where)
    assert f"in {a}:6 and in {b}:7" in err
    code, out, err = run("report", str(folder))  # ran both files, two rows 'half-compute'
    assert (code, out) == (1, "")
    assert err.startswith("1 problem in the scenarios files:\n" + where)
    with pytest.raises(ac.LedgerError) as caught:
        ac.report(ac.load(folder))
    assert [(p.file, p.line, p.code) for p in caught.value.problems] == [
        (str(b), 7, "duplicate-id")
    ]


def test_every_files_problems_at_once(folder: Path) -> None:
    """Four files: an unknown field in one, a bad policy in another, a name twice across two
    others: three problems (the command stopped at the first file's). A file with problems is
    left out of the names compared (its names are checked once it reads)."""
    a, b, c, d = (folder / f"{x}.scenarios.yaml" for x in "abcd")
    a.write_text(BETA.replace("- name: base", "- name: base\n  notes: misspelt"))
    b.write_text(BETA)
    c.write_text(BETA_MORE)
    d.write_text(GAMMA.replace("as_of: 2024-03", "as_of: 2024-03\npolicy: paid-out"))
    code, out, err = run("scenarios", str(folder), "beta")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == "3 problems in the scenarios files:"
    assert lines[1].startswith(f"{a}:6: scenarios[0] base: notes: ")  # in file order
    assert lines[2].startswith(f"{c}:7: scenarios[1] half-compute: name: ")
    assert lines[2].endswith(f"got 'half-compute' in {b}:6 and in {c}:7")
    assert lines[3].startswith(f"{d}:4: policy: ")
    assert len(lines) == 4


def test_one_name_for_two_companies_is_no_problem(folder: Path) -> None:
    (folder / "beta.scenarios.yaml").write_text(BETA)
    (folder / "gamma.scenarios.yaml").write_text(GAMMA)
    files = read_scenario_files(scenario_files([folder]), ac.load(folder))
    assert [(f.entity, [s.name for s in f.scenarios]) for f in files] == [
        ("beta", ["base", "half-compute"]),
        ("gamma", ["base", "half-compute"]),
    ]
    code, out, _ = run("scenarios", str(folder), "gamma", "--format", "json")
    assert code == 0
    months = {r["scenario"]: r["months"] for r in json.loads(out)["rows"]}
    assert months == pytest.approx({"base": 3.0, "half-compute": 6.0}, abs=0.005)  # 6 / 1


def test_one_file_named_twice_is_read_once(folder: Path) -> None:
    """``--file a --file a`` said every scenario was 'named alike in several files'."""
    path = folder / "beta.scenarios.yaml"
    path.write_text(BETA)
    ledger = str(folder)
    code, out, err = run(
        "scenarios", ledger, "beta", "--file", str(path), "--file", str(path), "--format", "json"
    )
    assert code == 0, err
    rows = json.loads(out)["rows"]
    assert [r["scenario"] for r in rows] == ["base", "half-compute"]
    assert [r["months"] for r in rows] == pytest.approx([12 / BURN, 12 / 2], abs=0.005)
    assert [str(f.path) for f in read_scenario_files([path, folder / "." / path.name])] == [
        str(path)
    ]


# 3. folders and named pipes where a file is expected


def test_a_folder_named_like_scenarios_beside_the_ledger_is_skipped(folder: Path) -> None:
    (folder / "beta.scenarios.yaml").write_text(BETA)
    (folder / "old.scenarios.yaml").mkdir()  # stopped the report: 'got a directory'
    assert scenario_files([folder]) == [folder / "beta.scenarios.yaml"]
    assert scenario_files([folder / "money.yaml"]) == [folder / "beta.scenarios.yaml"]
    data = ac.report(ac.load(folder))
    [beta] = [c for c in data["companies"] if c["id"] == "beta"]
    months = {r["scenario"]: r["months"] for r in beta["scenarios"]}
    assert months == pytest.approx({"base": 12 / BURN, "half-compute": 6.0}, abs=0.005)
    # named, a folder is a located problem, not a traceback
    with pytest.raises(ac.LedgerError) as caught:
        read_scenario_files([folder / "old.scenarios.yaml"])
    [problem] = caught.value.problems
    assert (problem.file, problem.found, problem.code) == (
        str(folder / "old.scenarios.yaml"),
        "a directory",
        "unreadable-file",
    )
    code, _, err = run(
        "scenarios", str(folder), "beta", "--file", str(folder / "old.scenarios.yaml")
    )
    assert code == 1
    assert "old.scenarios.yaml: expected a scenarios file, got a directory" in err
    assert "Traceback" not in err


mkfifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@mkfifo
def test_a_named_pipe_beside_the_ledger_is_not_read(folder: Path) -> None:
    """A pipe with no writer, found by the folder scan, made the report wait forever (the
    ledger loader skips it)."""
    (folder / "beta.scenarios.yaml").write_text(BETA)
    os.mkfifo(folder / "stale.scenarios.yaml")
    os.mkfifo(folder / "stale.yaml")
    assert scenario_files([folder]) == [folder / "beta.scenarios.yaml"]
    assert scenario_files([folder / "money.yaml"]) == [folder / "beta.scenarios.yaml"]
    # named, it is read (as a shell's <(cat file) is)
    assert scenario_files([folder / "stale.scenarios.yaml"]) == [folder / "stale.scenarios.yaml"]
    data = ac.report(ac.load(folder))  # both pipes skipped: nothing waits
    [beta] = [c for c in data["companies"] if c["id"] == "beta"]
    assert [r["scenario"] for r in beta["scenarios"]] == ["base", "half-compute"]


def write_later(pipe: Path, text: str) -> threading.Thread:
    """A writer of ``text`` into ``pipe`` (opening blocks until a reader opens it)."""

    def write() -> None:
        with open(pipe, "w", encoding="utf-8") as out:
            out.write(text)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


@mkfifo
def test_named_pipes_with_a_writer_are_read(tmp_path: Path) -> None:
    """``aicapex validate <(cat ledger.yaml)``: a pipe named with a writer is read, ledger and
    scenarios file alike."""
    ledger_pipe, scenarios_pipe = tmp_path / "ledger-pipe", tmp_path / "scenarios-pipe"
    os.mkfifo(ledger_pipe)
    os.mkfifo(scenarios_pipe)
    writer = write_later(ledger_pipe, PARTIES + MONEY.removeprefix("aicapex: 1\n"))
    ledger = ac.load(ledger_pipe)
    writer.join(timeout=10)
    assert {e.id for e in ledger.records("entities")} == {"beta", "gamma", "cloud-co"}
    writer = write_later(scenarios_pipe, BETA)
    [read] = read_scenario_files([scenarios_pipe], ledger)
    writer.join(timeout=10)
    assert (read.entity, [s.name for s in read.scenarios]) == ("beta", ["base", "half-compute"])
    assert read.lines == {"base": 5, "half-compute": 6}
