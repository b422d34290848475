"""A bulk CSV/TSV table's problems name the line their row starts on in the file.

pandas skips blank lines (and lines of spaces) and a quoted cell may hold line breaks, so row
``i`` is on line ``i + 2`` only in a file with neither: each test writes the file's text and
finds the line of a row by counting the line breaks before it. A file that is not UTF-8 is a
located problem (``not-utf8``), not a traceback nor a problem without a line.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from aicapex import LedgerError, read_table
from aicapex.errors import CODES, Problem
from aicapex.table.tablefile import RowLines
from aicapex.table.tablewarnings import TableWarning

SEPS = {"csv": ",", "tsv": "\t"}


def _line(text: str, start: str) -> int:
    """The 1-based line of ``text`` where the first line starting with ``start`` begins."""
    at = 0 if text.startswith(start) else text.index("\n" + start) + 1
    return text.count("\n", 0, at) + 1


def _table(tmp_path: Path, fmt: str, lines: list[str], end: str = "\n", name: str = "t") -> Path:
    """A table file of ``lines`` (cells separated by ``|``, written with the format's
    separator), each ended by ``end``."""
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(end.join(line.replace("|", SEPS[fmt]) for line in lines).encode() + b"\n")
    return path


def _problems(path: Path, kind: str = "expenses", **kw: object) -> list[Problem]:
    with pytest.raises(LedgerError) as info:
        read_table(path, kind, **kw)  # type: ignore[arg-type]
    return list(info.value.problems)


def _where(p: Problem) -> tuple[object, ...]:
    return (p.line, p.index, p.record_id, p.field)


HEADER = "id|date|company|category|amount|note"


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_blank_lines_between_rows_count(tmp_path: Path, fmt: str, end: str) -> None:
    """Two blank lines and a line of spaces before the bad row: pandas reads it as row 2,
    on line 7 of the file (the old code said 4, the header plus two)."""
    lines = [
        HEADER,
        "e1|2024-03|acme|compute|$5M|",
        "",
        "e2|2024-03|acme|compute|$5M|",
        "",
        "   ",
        "e3|2024-03|acme|compute|lots|",
    ]
    path = _table(tmp_path, fmt, lines, end)
    (problem,) = _problems(path)
    text = path.read_bytes().decode()
    assert _line(text, "e3") == 7
    assert _where(problem) == (7, 2, "e3", "amount")
    assert problem.code == "bad-money"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_blank_lines_before_the_header_count(tmp_path: Path, fmt: str) -> None:
    """Three blank lines before the header: row 1 is on line 6 (the old code said 3)."""
    lines = ["", "", "", HEADER, "e1|2024-03|acme|compute|$5M|", "e2|2024-13|acme|compute|$5M|"]
    path = _table(tmp_path, fmt, lines)
    (problem,) = _problems(path)
    assert _line(path.read_text(), "e2") == 6
    assert _where(problem) == (6, 1, "e2", "date")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_quoted_cell_of_several_lines_counts(tmp_path: Path, fmt: str) -> None:
    """A note of three lines (two line breaks in its quotes) in row 0: row 1 starts on line 5,
    and its own multi-line note does not move its start (the old code said 3)."""
    lines = [
        HEADER,
        'e1|2024-03|acme|compute|$5M|"first line',
        "second line",
        'third line"',
        'e2|2024-03|acme|compute|-$5M|"a note',
        'over two lines"',
        "e3|2024-03|acme|compute|$5M|",
    ]
    path = _table(tmp_path, fmt, lines)
    (problem,) = _problems(path)
    assert _line(path.read_text(), "e2") == 5
    assert _where(problem) == (5, 1, "e2", "amount")


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_several_bad_rows_each_at_its_line(tmp_path: Path, fmt: str) -> None:
    """Bad rows after a blank line before the header, a multi-line cell and blank lines: each
    problem at the line its row starts on, its index the row's place in the table."""
    lines = [
        "",
        HEADER,
        "b0|2024-13|acme|compute|$5M|",  # row 0, line 3: a bad date
        'b1|2024-03|acme|compute|$5M|"two',
        'lines"',
        "",
        "b2|2024-03|acme|food|$5M|",  # row 2, line 7: a bad category
        "b3|2024-03|acme|compute|$5M|",
        "",
        "",
        "b4|2024-03|acme|compute|lots|",  # row 4, line 11: a bad amount
    ]
    path = _table(tmp_path, fmt, lines)
    problems = _problems(path)
    text = path.read_text()
    assert [_line(text, rid) for rid in ("b0", "b2", "b4")] == [3, 7, 11]
    assert sorted(_where(p) for p in problems) == [
        (3, 0, "b0", "date"),
        (7, 2, "b2", "category"),
        (11, 4, "b4", "amount"),
    ]


def test_a_warning_names_the_line_of_its_row(tmp_path: Path) -> None:
    """A money range 1,666,667 times wide ($3 to $5M): a TableWarning at the line its row
    starts on, after a blank line and a note of two lines (line 6, not 3)."""
    lines = [
        HEADER,
        'e1|2024-03|acme|compute|$5M|"a note',
        'of two lines"',
        "",
        "",
        "e2|2024-03|acme|compute|$3 to $5M|",
    ]
    path = _table(tmp_path, "csv", lines)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_table(path, "expenses")
    (warning,) = [w.message for w in caught if isinstance(w.message, TableWarning)]
    assert _line(path.read_text(), "e2") == 6
    assert _where(warning.problem) == (6, 1, "e2", "amount")
    assert warning.problem.code == "implausible-figure"
    assert f"{path}:6: warning: expenses[1] e2: amount: " in str(warning)


def test_rules_across_two_tables_name_the_lines_of_both(tmp_path: Path) -> None:
    """``parents=``: tranches over their round at the round's line in the rounds' table (after
    a blank line: line 4, not 3), a tranche naming no round at its line in the tranches' table
    (after a multi-line condition and a blank line: line 6, not 3)."""
    rounds = _table(
        tmp_path,
        "csv",
        ["id|date|company|amount", "f1|2024-01|acme|$10M", "", "f2|2024-01|acme|$10M"],
        name="rounds",
    )
    tranches = [
        "round|company|amount|status|condition",
        'f2|acme|$8M|committed|"on a milestone,',
        'reached"',
        "",
        "f2|acme|$4M|committed|",
        "f9|acme|$1M|committed|",
    ]
    items = _table(tmp_path, "csv", tranches, name="tranches")
    problems = _problems(items, "tranches", parents=rounds)
    assert _line(rounds.read_text(), "f2") == 4
    assert _line(items.read_text(), "f9") == 6
    over = [p for p in problems if p.file == str(rounds)]
    alone = [p for p in problems if p.file == str(items)]
    assert [(p.line, p.index, p.record_id, p.field) for p in over] == [(4, 1, "f2", "tranches")]
    assert [(p.line, p.index, p.record_id) for p in alone] == [(6, 2, "f9")]


def test_a_file_not_utf8_is_refused_at_its_line_and_record(tmp_path: Path) -> None:
    """A Windows-1252 'é' (byte 0xE9) in row 1's company, after a blank line and a note of two
    lines: the byte's line (5), row, record and column, not pandas' 'position 3' unlocated."""
    text = (
        "id,date,company,category,amount,note\n"
        'e1,2024-03,acme,compute,$5M,"two\nlines"\n'
        "\n"
        "e2,2024-03,caf\xe9,compute,$5M,\n"
    )
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("cp1252"))
    (problem,) = _problems(path)
    assert _line(text, "e2") == 5
    assert (problem.file, problem.code) == (str(path), "not-utf8")
    assert _where(problem) == (5, 1, "e2", "company")
    assert "not-utf8" in CODES
    assert "UTF-8" in problem.expected
    assert problem.found.startswith("the byte 0xE9 at line 5, in company: caf\\xe9")


@pytest.mark.parametrize(
    ("data", "line", "found"),
    [
        (b"id,d\xe9te,company\ne1,2024-03,acme\n", 1, "the byte 0xE9 at line 1, in the header"),
        ("id,company\n".encode("utf-16"), 1, "UTF-16 text (its byte order mark, 0xFFFE)"),
    ],
)
def test_a_header_not_utf8_is_refused_at_line_one(
    tmp_path: Path, data: bytes, line: int, found: str
) -> None:
    path = tmp_path / "t.tsv"
    path.write_bytes(data.replace(b",", b"\t") if not data.startswith(b"\xff") else data)
    (problem,) = _problems(path)
    assert (problem.line, problem.index, problem.record_id, problem.code) == (
        line,
        None,
        None,
        "not-utf8",
    )
    assert problem.found.startswith(found)


def test_row_lines_are_found_only_when_asked(tmp_path: Path) -> None:
    """The map reads the file on its first call only: a file changed after it was asked keeps
    the lines it had; rows past the table have none."""
    path = tmp_path / "t.csv"
    path.write_text("\nid\na\n\nb\n")
    lines = RowLines(path, ",", 2)
    path.write_text("id\na\nb\n")  # before the first call: the lines are this file's
    assert [lines.line_of(i) for i in (0, 1, 2)] == [2, 3, None]
    path.write_text("\nid\na\n\nb\n")
    assert [lines.line_of(i) for i in (0, 1)] == [2, 3]
    fresh = RowLines(path, ",", 2)
    assert [fresh.line_of(i) for i in (0, 1, 2, -1)] == [3, 5, None, None]
