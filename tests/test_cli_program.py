"""The ``aicapex`` program's own settings: they hold in its process only, never in a process
that runs its commands in-process (tests, notebooks through ``CliRunner``), and they change no
output."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from aicapex import cliopts
from aicapex.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"

# runs a command as the program does (its entry point), then reports from inside the process
# which pandas options held and whether pandas was imported at all
_PROBE = """
import atexit, gc, json, os, sys
from aicapex.__main__ import main
def probe():
    pandas = sys.modules.get("pandas")
    storage = pandas.get_option("mode.string_storage") if pandas else None
    state = {"pandas": pandas is not None, "storage": storage}
    state["collector"] = gc.isenabled()
    state["plugins"] = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
    state["frozen"] = gc.get_freeze_count() > 0
    sys.stderr.write("PROBE " + json.dumps(state) + "\\n")
    sys.stderr.flush()
real_exit = os._exit
def exit_with_probe(code):
    probe()
    real_exit(code)
os._exit = exit_with_probe
sys.argv = ["aicapex", *sys.argv[1:]]
main()
"""


def _program(*args: str) -> tuple[dict[str, object], str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=300
    )
    probes = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert probes, done.stderr
    return json.loads(probes[-1][len("PROBE ") :]), done.stdout


def test_the_program_holds_text_as_python_strings() -> None:
    state, out = _program("report", str(DATA), "--format", "json")
    assert state["pandas"] is True
    assert state["storage"] == "python"
    assert json.loads(out)["companies"]


def test_validate_quiet_never_imports_pandas() -> None:
    state, _ = _program("validate", str(DATA), "-q")
    assert state["pandas"] is False
    assert state["storage"] is None


def test_default_validate_reconciles_under_the_program_settings() -> None:
    state, _ = _program("validate", str(DATA))
    assert state["pandas"] is True
    assert state["storage"] == "python"


@pytest.mark.parametrize(
    "args",
    [
        ["report", str(DATA), "--format", "json"],
        ["validate", str(DATA), "-q"],
        ["flows", str(DATA), "--format", "csv"],
        ["runway", str(DATA / "stability_ai.yaml"), "stability-ai", "--format", "json"],
    ],
)
def test_the_program_resumes_the_collector_once_its_ledger_is_read(args: list[str]) -> None:
    """The program starts with the collector paused (its imports build only long-lived
    objects); once the ledger is read, what was built is frozen and the collector runs again
    for what the command builds next."""
    state, _ = _program(*args)
    assert state["collector"] is True
    assert state["frozen"] is True


def test_the_script_and_python_m_run_the_same_entry_point() -> None:
    import tomllib

    scripts = tomllib.loads((DATA.parent / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["aicapex"] == "aicapex.__main__:main"
    done = subprocess.run(
        [sys.executable, "-m", "aicapex", "report", str(DATA), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["companies"]


@pytest.mark.parametrize(
    "args",
    [
        ["report", str(DATA), "--format", "json"],
        ["validate", str(DATA)],
        ["flows", str(DATA), "--format", "csv"],
    ],
)
def test_commands_in_process_leave_the_callers_pandas_options(args: list[str]) -> None:
    before = pd.get_option("mode.string_storage")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert pd.get_option("mode.string_storage") == before
    assert cliopts.PROGRAM is False
    assert gc.isenabled()  # the caller's collector is left as it was


def test_program_pandas_does_nothing_outside_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    before = pd.get_option("mode.string_storage")
    monkeypatch.setattr(cliopts, "PROGRAM", False)
    cliopts.program_pandas()
    assert pd.get_option("mode.string_storage") == before


def test_program_pandas_sets_python_strings_in_the_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cliopts, "PROGRAM", True)
    with pd.option_context("mode.string_storage", "auto"):
        cliopts.program_pandas()
        assert pd.get_option("mode.string_storage") == "python"
        assert pd.Series(["a"]).dtype.storage == "python"  # type: ignore[attr-defined]


def test_report_output_does_not_depend_on_the_string_storage() -> None:
    """The same report JSON from Arrow and from Python strings (the program's setting)."""
    from aicapex.loading import load
    from aicapex.report import report

    outputs = []
    for storage in ("pyarrow", "python"):
        with pd.option_context("mode.string_storage", storage):
            outputs.append(json.dumps(report(load(DATA)), sort_keys=True, default=str))
    assert outputs[0] == outputs[1]


def _param(p: Any) -> tuple[Any, ...]:
    return (p.name, tuple(p.opts), p.required, repr(p.default), getattr(p, "help", None))


def test_the_program_builds_only_the_command_it_runs() -> None:
    """Each command, built alone (as the program runs it), has the options, arguments and help
    it has in the whole application; the program's help and an unknown name get every
    command."""
    import typer

    from aicapex import cli

    whole = typer.main.get_command(cli.app)
    names = sorted(whole.commands)  # type: ignore[attr-defined]
    assert len(names) == len(cli.app.registered_commands) >= 10
    for name in names:
        one = typer.main.get_command(cli.running([name, "--help"]))
        assert sorted(one.commands) == [name]  # type: ignore[attr-defined]
        alone, full = one.commands[name], whole.commands[name]  # type: ignore[attr-defined]
        assert alone.help == full.help
        assert [_param(p) for p in alone.params] == [_param(p) for p in full.params]
    for argv in ([], ["--help"], ["--version"], ["reprot"], ["report-"]):
        assert cli.running(argv) is cli.app


#: the whole application, as the program ran it before it built only the command it runs
_WHOLE = "import sys; sys.argv[0] = 'aicapex'; from aicapex.cli import app; app()"
_PROGRAM = "import sys; sys.argv[0] = 'aicapex'; from aicapex.__main__ import main; main()"


@pytest.mark.parametrize(
    "argv", [["report", "--help"], ["runway", "--help"], ["--help"], ["reprot"], ["report", "-x"]]
)
def test_the_program_prints_the_same_help_and_errors(argv: list[str]) -> None:
    import os

    env = {**os.environ, "COLUMNS": "100"}
    outs = [
        subprocess.run(
            [sys.executable, "-c", code, *argv],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        for code in (_WHOLE, _PROGRAM)
    ]
    assert outs[0].stdout == outs[1].stdout
    # the program words usage errors on one line (cli.main); the words are click's
    assert (outs[0].returncode == 0) == (outs[1].returncode == 0)
    if outs[1].returncode:
        first = outs[0].stderr.strip().splitlines()[-1].removeprefix("Error: ")
        assert first in outs[1].stderr


def test_the_program_loads_no_pydantic_plugins_unless_told() -> None:
    state, _ = _program("validate", str(DATA), "-q")
    assert state["plugins"] == "__all__"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "validate", str(DATA), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "PYDANTIC_DISABLE_PLUGINS": ""},
    )
    probes = [line for line in done.stderr.splitlines() if line.startswith("PROBE ")]
    assert json.loads(probes[-1][len("PROBE ") :])["plugins"] == ""
