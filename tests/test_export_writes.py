"""Where exports are written: paths that are not plain new files, and paths that cannot be
written. A write keeps what is at the path (a symbolic link stays a link, a named pipe or a
device is written into, never replaced by a regular file); a path that cannot be written is one
line naming it (never a temporary file) and why, exit status 1, nothing left behind."""

from __future__ import annotations

import errno
import importlib
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export import export_text
from aicapex.files import atomic_write
from aicapex.safewrite import TEMP_SUFFIX, WriteError

LEDGER = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme.ai, name: "Acmé \\"Quote\\" AI", type: company}
- {id: cloud:x, name: Cloud X, type: company}
expenses:
- {id: exp+1, company: acme.ai, counterparty: cloud:x, amount: $1.5M, date: 2023-10,
   category: compute, sources: [s1]}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "in" / "ledger.yaml"
    path.parent.mkdir()
    path.write_text("aicapex: 1\n" + LEDGER, encoding="utf-8")
    return path


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith((TEMP_SUFFIX, ".tmp"))]


def _read_fifo(path: Path, got: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as stream:
            got.append(stream.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize("to", ["json", "hledger"])
def test_a_named_pipe_is_written_into_not_replaced(ledger: Path, tmp_path: Path, to: str) -> None:
    """``--out /dev/stdout`` (or a named pipe, or /dev/null) was replaced by a regular file
    (os.replace over it: as root, /dev/null itself)."""
    led = ac.load(ledger)
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = _read_fifo(pipe, got)
    ac.export(led, to=to, out=pipe)
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert got == [export_text(led, to).encode("utf-8")]
    assert _temps(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_the_command_does_not_print_the_path_into_a_stream_it_wrote(
    runner: CliRunner, ledger: Path, tmp_path: Path
) -> None:
    """``aicapex export ... --out /dev/stdout | hledger -f - bal``: the path written is not
    echoed after the journal (a line '/dev/stdout' is no journal)."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = _read_fifo(pipe, got)
    result = runner.invoke(app, ["export", str(ledger), "--to", "hledger", "--out", str(pipe)])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert got == [export_text(ac.load(ledger), "hledger").encode("utf-8")]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_a_symbolic_link_stays_a_link(ledger: Path, tmp_path: Path) -> None:
    real = tmp_path / "real" / "ledger.json"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    os.chmod(real, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    led = ac.load(ledger)
    assert ac.export(led, to="json", out=link) == [link]
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == export_text(led, "json")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert _temps(tmp_path) == []
    atomic_write(link, "text\n")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "text\n"


def test_a_dangling_link_makes_the_file_it_names(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "made.txt")
    atomic_write(link, "x\n")
    assert link.is_symlink()
    assert (tmp_path / "made.txt").read_text(encoding="utf-8") == "x\n"


def test_saving_a_ledger_through_a_link_keeps_the_link(ledger: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    ac.load(ledger).save(link)
    assert link.is_symlink()
    assert ac.load(real).to_data() == ac.load(ledger).to_data()


@pytest.mark.parametrize("to", ["json", "sql", "beancount", "csv", "parquet"])
def test_a_parent_that_is_a_file_is_named(
    runner: CliRunner, ledger: Path, tmp_path: Path, to: str
) -> None:
    """It was '[Errno 17] File exists: ...' (or 'Not a directory'), naming neither the path
    asked for nor what was wrong with it."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file\n", encoding="utf-8")
    out = blocker / "sub" / ("x" if to in ("csv", "parquet") else f"x.{to}")
    result = runner.invoke(app, ["export", str(ledger), "--to", to, "--out", str(out)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert "cannot write" in lines[0]
    assert f"{blocker} is not a folder" in lines[0]
    assert blocker.read_text(encoding="utf-8") == "a file\n"


def _refuse_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating a file in ``folder`` fails as in a read-only folder (the tests may run as root,
    whom permissions do not stop)."""
    real_open = os.open

    def guarded(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(os.fsdecode(path)).parent == folder and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return int(real_open(path, flags, *args, **kwargs))

    monkeypatch.setattr(os, "open", guarded)


@pytest.mark.parametrize("to", ["json", "hledger", "sql", "csv", "parquet"])
def test_a_folder_that_refuses_files_is_named_not_the_temporary_file(
    runner: CliRunner, ledger: Path, tmp_path: Path, to: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It was '[Errno 13] Permission denied: 'ro/.x.json.12546.438a947c.aicapex-tmp'': the
    name of a temporary file the user never asked for."""
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "flows.csv").write_text("old\n", encoding="utf-8")
    (folder / "x.json").write_text("old\n", encoding="utf-8")
    tables = to in ("csv", "parquet")
    out = folder if tables else folder / "x.json"
    _refuse_in(folder, monkeypatch)
    result = runner.invoke(app, ["export", str(ledger), "--to", to, "--out", str(out)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    first = "sources.csv" if to == "csv" else "sources.parquet" if tables else "x.json"
    assert result.stderr == f"error: {folder / first}: cannot write: permission denied\n"
    assert (folder / "x.json").read_text(encoding="utf-8") == "old\n"
    assert (folder / "flows.csv").read_text(encoding="utf-8") == "old\n"
    assert _temps(folder) == []
    with pytest.raises(WriteError) as caught:
        ac.export(ac.load(ledger), to=to, out=out)
    assert isinstance(caught.value, OSError)
    assert caught.value.path == folder / first


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes in read-only folders"
)
def test_a_read_only_folder(runner: CliRunner, ledger: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        for to, out in (("json", folder / "x.json"), ("csv", folder / "t"), ("csv", folder)):
            result = runner.invoke(app, ["export", str(ledger), "--to", to, "--out", str(out)])
            assert result.exit_code == 1
            assert "cannot write: permission denied" in result.stderr
            assert ".tmp" not in result.stderr
            assert TEMP_SUFFIX not in result.stderr
    finally:
        os.chmod(folder, 0o755)


def test_a_full_device_is_an_error_naming_it(
    ledger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A disk that fills up mid-write leaves the old file and no temporary file."""
    target = tmp_path / "x.sql"
    target.write_text("old\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteError, match=r"x\.sql: cannot write: no space left on device"):
        ac.export(ac.load(ledger), to="sql", out=target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["in", "x.sql"]


def test_a_folder_as_a_table_file_is_named(ledger: Path, tmp_path: Path) -> None:
    (tmp_path / "t" / "flows.csv").mkdir(parents=True)
    with pytest.raises(WriteError, match=r"flows\.csv: cannot write: it is a folder"):
        ac.export(ac.load(ledger), to="csv", out=tmp_path / "t")


@pytest.mark.parametrize("to", ["csv", "parquet"])
def test_an_error_in_one_table_leaves_every_old_table(
    ledger: Path, tmp_path: Path, to: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables were replaced one by one: an error making the fifth left four new tables beside
    the old others (expenses.csv of one ledger, flows.csv of another)."""
    tables = importlib.import_module("aicapex.export.tables")

    folder = tmp_path / "t"
    ac.export(ac.load(ledger), to=to, out=folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert len(before) == len(tables.TABLE_NAMES)
    bigger = ac.load(ledger) + ac.Ledger([ac.Entity(id="zeta", name="Zeta", type="company")])
    make = tables.csv_text if to == "csv" else tables.arrow_table
    calls: list[int] = []

    def failing(frame: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("a table that cannot be made")
        return make(frame, **kwargs)

    monkeypatch.setattr(tables, "csv_text" if to == "csv" else "arrow_table", failing)
    with pytest.raises(RuntimeError, match="cannot be made"):
        ac.export(bigger, to=to, out=folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    monkeypatch.undo()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    real_fsync = os.fsync
    synced: list[int] = []

    def full_at_the_third(fd: int) -> None:
        synced.append(fd)
        if len(synced) == 3:
            full(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_at_the_third)
    with pytest.raises(WriteError, match="no space left on device"):
        ac.export(bigger, to=to, out=folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    monkeypatch.undo()
    ac.export(bigger, to=to, out=folder)
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(after) == set(before)
    assert after[f"entities.{to}"] != before[f"entities.{to}"]
