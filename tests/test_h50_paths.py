"""Paths and limits given to ``load`` and the commands, checked (helper-50's bad-input review):
an empty path is no folder (``aicapex validate ''``, as an unset shell variable gives, validated
the current folder and exited 0), arguments that are no paths are a ``TypeError`` naming them
(not ``'NoneType' object is not iterable``), ``max_bytes`` is a whole number of 1 or more, and a
limit past what one read can ask (``--max-bytes 1e20``) is no traceback."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.limits import TooLarge, read_limited

LEDGER = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
cash_balances:
- {id: c1, company: co, date: 2023-09, amount: $4M, sources: [s1]}
"""


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aicapex", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_load_of_an_empty_path_is_a_problem_not_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "l.yaml").write_text(LEDGER)
    monkeypatch.chdir(tmp_path)  # a ledger in the current folder: '' must not find it
    with pytest.raises(ac.LedgerError) as caught:
        ac.load("")
    (p,) = caught.value.problems
    assert (p.code, p.file, p.found) == ("missing-file", "''", "an empty path")
    assert p.expected == "the path of a ledger file or folder ('.' for the current folder)"
    assert len(ac.load(".")) == 3  # the current folder, said


def test_an_empty_path_among_others_is_listed_with_their_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(LEDGER.replace("$4M", "four"))
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(["", bad])
    assert sorted(p.code for p in caught.value.problems) == ["bad-money", "missing-file"]


def test_a_path_with_a_nul_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(str(tmp_path / "l.yaml\x00"))
    (p,) = caught.value.problems
    assert (p.code, p.expected) == ("missing-file", "a path without NUL characters")


@pytest.mark.parametrize("given", [None, 5, b"l.yaml", [["l.yaml"]], ["l.yaml", None]])
def test_arguments_that_are_no_paths_are_a_type_error_naming_them(given: object) -> None:
    with pytest.raises(TypeError, match=r"^load: expected paths of ledger files or folders"):
        ac.load(given)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("limit", "error"),
    [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("10", TypeError), (True, TypeError)],
)
def test_max_bytes_is_a_whole_number_of_one_or_more(
    tmp_path: Path, limit: object, error: type[Exception]
) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(LEDGER)
    with pytest.raises(error, match=r"^max_bytes: expected a whole number of bytes"):
        ac.load(path, max_bytes=limit)  # type: ignore[arg-type]


def test_a_limit_past_one_read_loads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(LEDGER)
    assert len(ac.load(path, max_bytes=10**20)) == 3  # read(10**20 + 1) overflowed


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 5 << 20])
def test_read_limited_reads_a_file_whole_or_refuses_it(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f"
    data = bytes(i % 251 for i in range(size))
    path.write_bytes(data)
    limit = 100 if size <= 101 else 6 << 20
    if size > limit:
        with pytest.raises(TooLarge):
            read_limited(path, limit)
    else:
        assert read_limited(path, limit) == data
        assert read_limited(path, 10**20) == data


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
@pytest.mark.parametrize(("size", "limit"), [(3 << 20, 4 << 20), (3 << 20, 2 << 20)])
def test_read_limited_reads_a_pipe_in_pieces(tmp_path: Path, size: int, limit: int) -> None:
    # a pipe of 3 MiB: more than one piece of 1 MiB; within a limit of 4 MiB, past one of 2
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    data = bytes(i % 253 for i in range(size))

    def feed() -> None:
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as stream:
            stream.write(data)  # (a broken pipe: the reader stopped at its limit)

    writer = threading.Thread(target=feed)
    writer.start()
    try:
        if size > limit:
            with pytest.raises(TooLarge):
                read_limited(fifo, limit)
        else:
            assert read_limited(fifo, limit) == data
    finally:
        writer.join(timeout=10)


@pytest.mark.parametrize(
    "args",
    [
        ["validate", ""],
        ["validate", "l.yaml", ""],
        ["report", ""],
        ["runway", "", "co"],
        ["flows", ""],
        ["export", "", "--to", "json"],
        ["query", "", "select 1"],
    ],
)
def test_the_commands_refuse_an_empty_path(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "l.yaml").write_text(LEDGER)  # what '' read before: the current folder
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert "expected the path of a file or folder ('.' for the current folder), got ''" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr


def test_the_command_takes_a_limit_past_one_read(tmp_path: Path) -> None:
    (tmp_path / "l.yaml").write_text(LEDGER)
    done = run("validate", "l.yaml", "--max-bytes", "1e20", "-q", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"strict": "yes"}, r"^load: strict: expected True or False, got 'yes'"),
        ({"progress": 5}, r"^load: progress: expected a function \(stage, done, total\), got 5"),
    ],
)
def test_options_of_the_wrong_type_are_a_type_error_naming_them(
    tmp_path: Path, options: dict[str, object], words: str
) -> None:
    # strict='yes' was taken as true; progress=5 failed inside with "'int' object is not
    # callable"
    path = tmp_path / "l.yaml"
    path.write_text(LEDGER)
    with pytest.raises(TypeError, match=words):
        ac.load(path, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["report", "l.yaml", "--plots", ""], "'--plots'"),  # wrote PNGs into the current folder
        (["report", "l.yaml", "--html", ""], "'--html'"),
        (["focus", "bills.csv", "--payer", "co", "--fx", ""], "'--fx'"),  # read the folder
        (["focus", "", "--payer", "co"], "'path'"),
    ],
)
def test_empty_paths_of_options_are_refused(tmp_path: Path, args: list[str], name: str) -> None:
    (tmp_path / "l.yaml").write_text(LEDGER)
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"Invalid value for {name}: expected the path of a file or folder" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.yaml"]  # nothing written


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_is_a_usage_error(tmp_path: Path, query: str) -> None:
    # it printed an empty answer ('0 rows', or {"columns": [], "rows": []}) with exit 0
    (tmp_path / "l.yaml").write_text(LEDGER)
    done = run("query", "l.yaml", query, "--format", "json", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "error: the query is empty; give SQL such as 'select * from flows'" in done.stderr
