"""Paths that cannot be written, given to ``export``, ``aicapex export`` and ``Ledger.save``: each
is one ``WriteError`` (``<path>: cannot write: <why>``) or a usage error, never a traceback, and
leaves no file behind.

- ``--out ""`` (an unset variable: ``-o "$OUT"``) wrote 32 tables into the current folder: it is
  now a usage error (exit 2); ``export(..., out="")`` a ValueError.
- A name longer than the system takes (255 bytes) raised a bare ``OSError`` ``[Errno 36] File
  name too long`` from the checks before the write (``Path.is_dir`` raises it).
- ``Ledger.save`` into a folder that does not exist raised ``FileNotFoundError`` naming the
  folder (from the folder's lock), and to a path that is a folder ``IsADirectoryError``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export import export_text
from aicapex.safewrite import TEMP_SUFFIX, WriteError

LedgerText = Callable[..., Path]

SMALL = """
entities:
- {id: acme, name: Acme AI, type: company}
expenses:
- {id: e1, company: acme, category: opex, amount: "$10.05", date: 2024-01-15}
"""

LONG = "x" * 300  # past NAME_MAX (255 bytes) of every common file system


@pytest.fixture
def small(ledger_text: LedgerText) -> Path:
    return ledger_text(SMALL)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(TEMP_SUFFIX))


@pytest.mark.parametrize("to", ["csv", "json"])
def test_an_empty_out_is_a_usage_error(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, to: str
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    result = CliRunner().invoke(app, ["export", str(small), "--to", to, "--out", ""])
    assert result.exit_code == 2, result.output
    assert "--out is empty" in result.output
    assert "Traceback" not in result.output
    assert list(work.iterdir()) == []  # nothing written into the current folder
    with pytest.raises(ValueError, match="empty path"):
        ac.export(ac.load(small), to=to, out="")
    assert list(work.iterdir()) == []


def test_the_current_folder_is_still_written_when_named(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["export", str(small), "--to", "csv", "--out", "."])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "flows.csv").is_file()


@pytest.mark.parametrize(
    ("to", "name"),
    [("json", LONG + ".json"), ("csv", LONG), ("csv", LONG + "/tables"), ("sql", LONG + "/a")],
)
def test_a_name_too_long_is_one_line(small: Path, tmp_path: Path, to: str, name: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / name
    with pytest.raises(WriteError) as info:
        ac.export(ac.load(small), to=to, out=out)
    assert str(info.value).endswith(": cannot write: file name too long")
    assert str(info.value).startswith(f"{folder}/{LONG}")
    result = CliRunner().invoke(app, ["export", str(small), "--to", to, "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("error: ")
    assert "file name too long" in result.output
    assert list(folder.iterdir()) == []  # no temporary file, no folder made


def test_saving_where_no_file_can_be(small: Path, tmp_path: Path) -> None:
    led = ac.load(small)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    cases = {
        tmp_path / "missing" / "x.yaml": f"the folder {tmp_path / 'missing'} does not exist",
        tmp_path / "a-folder": "it is a folder; give the path of a file",
        tmp_path / "a-file" / "x.yaml": f"{tmp_path / 'a-file'} is not a folder",
        tmp_path / (LONG + ".yaml"): "file name too long",
    }
    for path, why in cases.items():
        with pytest.raises(WriteError) as info:
            led.save(path)
        assert str(info.value) == f"{path}: cannot write: {why}"
        assert isinstance(info.value, OSError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "a-folder"]
    assert list((tmp_path / "a-folder").iterdir()) == []
    assert _leftovers(tmp_path) == []
    # and where it can, it still saves: load(save(x)) == x
    assert ac.load(led.save(tmp_path / "a-folder" / "x.yaml")) == led


def test_path_predicates_never_raise(tmp_path: Path) -> None:
    from aicapex.safewrite import is_folder, is_present

    (tmp_path / "f").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling")
    assert is_folder(tmp_path)
    assert not is_folder(tmp_path / "f")
    assert is_present(tmp_path / "f")
    assert is_present(tmp_path / "dangling")
    assert not is_folder(tmp_path / "dangling")
    for odd in (tmp_path / LONG, tmp_path / "f" / "g", tmp_path / "nul\0"):
        assert not is_folder(odd)
        assert not is_present(odd)


def test_a_link_to_nothing_makes_the_folder_it_names(small: Path, tmp_path: Path) -> None:
    """As a single-file export through a link to nothing makes the file it names
    (tests/test_export_writes.py), a folder export makes the folder: it said the link 'is a
    file'."""
    led = ac.load(small)
    links = tmp_path / "links"
    links.mkdir()
    os.symlink(tmp_path / "made" / "tables", links / "tables")
    paths = ac.export(led, to="csv", out=links / "tables")
    assert paths[0] == links / "tables" / "sources.csv"
    assert (links / "tables").is_symlink()  # the link stays a link
    made = sorted(p.name for p in (tmp_path / "made" / "tables").iterdir())
    assert made == sorted(p.name for p in paths)
    assert (tmp_path / "made" / "tables" / "expenses.csv").read_text(encoding="utf-8").count(
        "\n"
    ) == 2  # the header and e1
    # a link to a file is still refused as a file, a loop of links named as one
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a-file", links / "to-file")
    with pytest.raises(ValueError, match="is a file"):
        ac.export(led, to="csv", out=links / "to-file")
    os.symlink(links / "loop-a", links / "loop-b")
    os.symlink(links / "loop-b", links / "loop-a")
    for to in ("csv", "json"):
        with pytest.raises(WriteError) as info:
            ac.export(led, to=to, out=links / "loop-a")
        assert (
            str(info.value)
            == f"{links / 'loop-a'}: cannot write: too many levels of symbolic links"
        )
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "x"
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("to", ["json", "csv", "hledger"])
def test_a_path_given_for_the_ledger_is_a_type_error(small: Path, tmp_path: Path, to: str) -> None:
    """``ac.export("data/", ...)`` raised AttributeError ('str' object has no attribute
    'flows') after making the output folder; as the analyses do, it is a TypeError saying to
    load the ledger first, and nothing is written."""
    out = tmp_path / "out" / "x"
    for given in (str(small), small):
        with pytest.raises(TypeError, match=r"expected a Ledger, got .*load it first"):
            ac.export(given, to=to, out=out)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="expected a Ledger, got dict"):
        export_text({}, "json")  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_sql_of_a_path_is_a_type_error(small: Path) -> None:
    """``ac.sql("data/", "select * from flows")`` said "no view named 'flows' (did you mean
    'flows'?)", and a path holding the word raised "string indices must be integers"."""
    pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'aicapex[sql]')")
    for given in (str(small), small, "my_flows.yaml"):
        with pytest.raises(TypeError, match=r"expected a Ledger or tables by name.*load it first"):
            ac.sql(given, "select * from flows")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"got int 42$"):
        ac.sql(42, "select 1")  # type: ignore[arg-type]
    assert ac.sql({"flows": ac.load(small).flows()}, "select count(*) as n from flows")[
        "n"
    ].tolist() == [1]  # tables by name still work: e1 is one flow row


def test_an_export_into_the_ledger_folder_is_refused(tmp_path: Path) -> None:
    """``aicapex export data/ --to json -o data/export.json`` wrote the document where the
    folder's next load reads it as a ledger file and refuses it (not-a-ledger): the folder no
    longer loaded, not even to export it again. Such an ``--out`` is now a usage error; names
    the loader skips (hidden, scenarios files, other suffixes) and other folders are written."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ledger.yaml").write_text(SMALL, encoding="utf-8")
    runner = CliRunner()
    for out in (folder / "export.json", folder / "sub" / "flows.yaml", folder / "x.yml"):
        for to in ("json", "hledger"):
            result = runner.invoke(app, ["export", str(folder), "--to", to, "--out", str(out)])
            assert result.exit_code == 2, result.output
            assert f"is in the ledger folder {folder}" in result.output
    assert sorted(p.name for p in folder.rglob("*")) == ["ledger.yaml"]
    fine = (
        folder / ".export.json",
        folder / "what.scenarios.json",
        folder / "flows.journal",
        tmp_path / "export.json",
    )
    for out in fine:
        result = runner.invoke(app, ["export", str(folder), "--to", "json", "--out", str(out)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", str(folder), "--to", "csv", "--out", str(folder / "t")])
    assert result.exit_code == 0, result.output
    assert len(ac.load(folder).flows()) == 1  # the folder still loads: e1's one row
    # a ledger given as a file: its folder is not read whole
    result = runner.invoke(
        app,
        ["export", str(folder / "ledger.yaml"), "--to", "json", "--out", str(folder / "e.json")],
    )
    assert result.exit_code == 0, result.output


def test_a_ledger_path_too_long_is_one_line(tmp_path: Path) -> None:
    """The check of the ledger folder above must not raise on a ledger path the system
    refuses (Path.is_dir raises ENAMETOOLONG): one line, exit 1, as ``flows`` and ``validate``
    say it."""
    out = tmp_path / "x.json"
    result = CliRunner().invoke(
        app, ["export", str(tmp_path / LONG), "--to", "json", "--out", str(out)]
    )
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "name too long" in result.output.lower()
    assert not out.exists()


def test_an_export_over_a_file_of_the_ledger_is_refused(small: Path, tmp_path: Path) -> None:
    """``aicapex export ledger.yaml --to sql -o ledger.yaml`` replaced the ledger file with the
    script (atomically, so nothing of it was left): the data was gone. Writing a journal, JSON
    or SQL over a file the ledger was read from is now refused, through a link too; the file is
    left as it was."""
    before = small.read_bytes()
    led = ac.load(small)
    link = tmp_path / "link.yaml"
    os.symlink(small, link)
    for out in (small, link, tmp_path / "." / small.name):
        for to in ("json", "sql", "hledger", "beancount"):
            with pytest.raises(ValueError, match="is a file this ledger was read from"):
                ac.export(led, to=to, out=out)
    result = CliRunner().invoke(app, ["export", str(small), "--to", "sql", "--out", str(small)])
    assert result.exit_code == 1, result.output
    assert "is a file this ledger was read from" in result.output
    assert small.read_bytes() == before
    assert ac.load(small) == led
    # another path is written, and a saved ledger's own file is refused as well
    assert ac.export(led, to="json", out=tmp_path / "other.json")[0].is_file()
    saved = led.save(tmp_path / "saved.yaml")
    with pytest.raises(ValueError, match="read from"):
        ac.export(led, to="json", out=saved)


def test_tables_in_a_folder_named_like_a_ledger_file_are_written(tmp_path: Path) -> None:
    """A folder of tables is never read as a ledger file, whatever its name ends with."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "ledger.yaml").write_text(SMALL, encoding="utf-8")
    out = folder / "tables.json"
    result = CliRunner().invoke(app, ["export", str(folder), "--to", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "flows.csv").is_file()
    assert len(ac.load(folder).flows()) == 1
