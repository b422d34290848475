"""Bad table files that ``read_table`` misread or explained badly, each now one clear problem:
a CSV row with fewer cells than the header (pandas filled the missing cells with nothing, so a
row that lost a comma read its values in the wrong columns), a tab- or semicolon-separated
``.csv`` (one column, and a problem per field missing), and a table exported by ``aicapex
export --to csv|parquet`` (the frame's layout: a problem per column of it)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import CODES

HEADER = "id,company,counterparty,category,amount,date,basis,note"
ROWS = [
    "e1,acme,aws,compute,$5M,2024-01,actual,first",
    "e2,acme,aws,compute,$6M,2024-02,actual,",
    "e3,beta,gcp,compute,$7M,2024-03,actual,third",
]
CELLS = len(HEADER.split(","))  # the header's cells


def _problems(path: Path, kind: str = "expenses") -> list[ac.Problem]:
    with pytest.raises(ac.LedgerError) as info:
        ac.read_table(path, kind)
    for p in info.value.problems:
        assert p.file == str(path), p
        assert p.code in CODES, p
    return list(info.value.problems)


def _write(tmp_path: Path, text: str, name: str = "expenses.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _one_short(problems: list[ac.Problem]) -> ac.Problem:
    (problem,) = problems
    assert problem.code == "bad-table"
    assert problem.expected.startswith(f"{CELLS} cells, as the header has")
    return problem


# --- a row with fewer cells than the header ----------------------------------------------------


@pytest.mark.parametrize("bom", [False, True])
def test_a_row_that_lost_a_comma_is_refused_at_its_line(tmp_path: Path, bom: bool) -> None:
    # 'compute,$6M' lost the comma between them: pandas read '$6M' as nothing and every cell
    # after it one column left (the date as the amount, the basis as the date)
    lost = ROWS[1].replace("compute,$6M", "compute$6M")
    path = _write(tmp_path, "\n".join([HEADER, ROWS[0], lost, ROWS[2]]) + "\n", bom=bom)
    problem = _one_short(_problems(path))
    assert (problem.line, problem.index, problem.record_id) == (3, 1, "e2")
    assert problem.found == f"{len(lost.split(','))} cells"
    assert problem.kind == "expenses"


def test_a_row_two_cells_short_says_how_many(tmp_path: Path) -> None:
    short = ",".join(ROWS[2].split(",")[: CELLS - 2])
    path = _write(tmp_path, "\n".join([HEADER, ROWS[0], ROWS[1], short]) + "\n")
    problem = _one_short(_problems(path))
    assert (problem.line, problem.index, problem.record_id) == (4, 2, "e3")
    assert problem.found == f"{CELLS - 2} cells"
    assert "an empty cell is written as nothing between two commas" in problem.expected


def test_lines_count_quoted_line_breaks_and_rows_skip_blank_lines(tmp_path: Path) -> None:
    # the first row's note holds a comma and a line break (two lines, one row); a blank line,
    # a line of spaces and the file's last empty line are no rows, as pandas reads them
    first = ROWS[0].replace(",first", ',"first, and\nsecond line"')
    short = ",".join(ROWS[2].split(",")[:5])
    text = "\n".join([HEADER, first, "", ROWS[1], "   ", short, ""]) + "\n"
    problem = _one_short(_problems(_write(tmp_path, text)))
    assert problem.line == 7  # header 1, the first row 2-3, blank 4, e2 5, spaces 6
    assert problem.index == 2  # the third row of the table
    assert problem.record_id == "e3"


def test_the_record_id_is_named_only_when_the_row_has_one(tmp_path: Path) -> None:
    header = "company,counterparty,category,amount,date,id"  # the id last: the short row lacks it
    path = _write(tmp_path, f"{header}\nacme,aws,compute,$5M,2024-01,e1\nacme,aws,compute,$6M\n")
    (problem,) = _problems(path)
    assert (problem.line, problem.record_id, problem.found) == (3, None, "4 cells")
    # an empty id cell names no record either
    path = _write(tmp_path, f"{HEADER}\n{ROWS[0]}\n,acme,aws,compute\n")
    assert _one_short(_problems(path)).record_id is None


def test_a_short_row_in_a_tsv_file_is_refused(tmp_path: Path) -> None:
    lines = [HEADER, *ROWS]
    lines[2] = ",".join(ROWS[1].split(",")[:6])
    text = "\n".join(line.replace(",", "\t") for line in lines) + "\n"
    problem = _one_short(_problems(_write(tmp_path, text, "expenses.tsv")))
    assert (problem.line, problem.record_id, problem.found) == (3, "e2", "6 cells")
    assert "between two tabs" in problem.expected


def test_a_short_row_before_a_long_one_is_the_one_named(tmp_path: Path) -> None:
    short = ",".join(ROWS[1].split(",")[:6])
    text = "\n".join([HEADER, ROWS[0], short, ROWS[2] + ",extra"]) + "\n"
    (problem,) = _problems(_write(tmp_path, text))
    assert (problem.line, problem.record_id, problem.found) == (3, "e2", "6 cells")
    # and a long row before a short one
    text = "\n".join([HEADER, ROWS[0] + ",extra", short, ROWS[2]]) + "\n"
    (problem,) = _problems(_write(tmp_path, text))
    assert (problem.line, problem.record_id, problem.found) == (2, "e1", f"{CELLS + 1} cells")


def test_rows_of_every_cell_are_read_as_before(tmp_path: Path) -> None:
    # empty last cells, quoted commas and line breaks, blank lines, a line of spaces, CRLF
    # line ends, a byte order mark: no row is short, and the table is read as pandas reads it
    first = ROWS[0].replace(",first", ',"first, and\nsecond line"')
    text = "\r\n".join([HEADER, first, "", ROWS[1], "  ", ROWS[2], "", ""])
    path = _write(tmp_path, text, bom=True)
    frame = ac.read_table(path, "expenses")
    assert list(frame["id"]) == ["e1", "e2", "e3"]
    assert list(frame["note"].fillna("-")) == ["first, and\nsecond line", "-", "third"]
    assert list(frame["amount"]) == [5e6, 6e6, 7e6]


def test_a_row_of_empty_cells_is_a_row_and_a_short_one_of_them_is_refused(
    tmp_path: Path,
) -> None:
    # ',,,,,,,' has every cell (a row without its values: its problems are the fields');
    # ',,' has three of eight: short
    full = "," * (CELLS - 1)
    problems = _problems(_write(tmp_path, "\n".join([HEADER, ROWS[0], full]) + "\n"))
    assert "missing-field" in {p.code for p in problems}
    assert "bad-table" not in {p.code for p in problems}
    assert {p.line for p in problems} == {3}
    problem = _one_short(_problems(_write(tmp_path, "\n".join([HEADER, ROWS[0], ",,"]) + "\n")))
    assert (problem.line, problem.found, problem.record_id) == (3, "3 cells", None)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_short_row_read_from_a_pipe_is_refused(tmp_path: Path) -> None:
    # a pipe is read into memory first (no size to check): the count reads those bytes
    path = tmp_path / "expenses.csv"
    os.mkfifo(path)
    short = ",".join(ROWS[1].split(",")[:6])
    text = "\n".join([HEADER, ROWS[0], short]) + "\n"

    def write() -> None:
        with open(path, "w", encoding="utf-8") as pipe:
            pipe.write(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        problem = _one_short(_problems(path))
    finally:
        writer.join(timeout=10)
    assert (problem.line, problem.record_id) == (3, "e2")


# --- another separator than the file's name says ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "sep", "expected", "found", "hint"),
    [
        ("expenses.csv", "\t", "comma-separated columns", "tab-separated columns", ".tsv"),
        ("expenses.csv", ";", "comma-separated columns", "semicolon-separated columns", "sep=';'"),
        ("expenses.txt", "\t", "comma-separated columns", "tab-separated columns", ".tsv"),
        ("expenses.tsv", ",", "tab-separated columns", "comma-separated columns", ".csv"),
        ("expenses.tsv", ";", "tab-separated columns", "semicolon-separated columns", "sep=';'"),
    ],
)
def test_a_file_separated_otherwise_is_one_problem_saying_so(
    tmp_path: Path, name: str, sep: str, expected: str, found: str, hint: str
) -> None:
    text = "\n".join(line.replace(",", sep) for line in [HEADER, *ROWS]) + "\n"
    (problem,) = _problems(_write(tmp_path, text, name))
    assert (problem.code, problem.line, problem.kind) == ("bad-table", 1, "expenses")
    assert problem.expected.startswith(expected)
    assert problem.found.startswith(found)
    assert hint in problem.found


def test_a_tab_separated_csv_with_commas_in_its_cells_says_tabs(tmp_path: Path) -> None:
    # '$5,000' in a tab-separated .csv: pandas read that row as longer than the header
    rows = [HEADER, ROWS[0].replace("$5M", "$5,000"), *ROWS[1:]]
    text = "\n".join(line.replace(",", "\t").replace("$5\t000", "$5,000") for line in rows)
    (problem,) = _problems(_write(tmp_path, text + "\n"))
    assert problem.code == "bad-table"
    assert problem.found == "tab-separated columns (name the file .tsv)"


def test_a_cell_holding_a_tab_or_semicolon_is_no_other_separator(tmp_path: Path) -> None:
    rows = [HEADER, ROWS[0].replace("first", '"a\tb; c"'), *ROWS[1:]]
    frame = ac.read_table(_write(tmp_path, "\n".join(rows) + "\n"), "expenses")
    assert frame["note"].iloc[0] == "a\tb; c"


# --- a table exported by aicapex export ---------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[ac.Ledger, Path]:
    led = ac.load(ac.bundled_data())
    out = tmp_path_factory.mktemp("export")
    ac.export(led, to="csv", out=out / "csv")
    ac.export(led, to="parquet", out=out / "parquet")
    return led, out


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("kind", ac.TABLE_KINDS)
def test_an_exported_frame_is_one_problem_naming_its_layout(
    exported: tuple[ac.Ledger, Path], fmt: str, kind: str
) -> None:
    led, out = exported
    path = out / fmt / f"{kind}.{fmt}"
    (problem,) = _problems(path, kind)
    assert (problem.code, problem.kind, problem.line) == ("bad-table", kind, None)
    assert "ledger layout" in problem.expected
    assert "load the ledger it was exported from" in problem.expected
    assert problem.found.startswith("a frame exported by aicapex export")
    # the columns named are the frame's (Ledger.frame(kind)) or its exact cents
    named = problem.found.split("with columns ", 1)[1].removesuffix(", ...").split(", ")
    frame = set(led.frame(kind).columns)
    assert named
    assert all(n in frame or n.removesuffix("_cents") in frame for n in named), named
    assert all(n in set(pd.read_csv(out / "csv" / f"{kind}.csv", nrows=0).columns) for n in named)


def test_a_frame_of_another_kind_is_named_a_frame_too(exported: tuple[ac.Ledger, Path]) -> None:
    _, out = exported
    (problem,) = _problems(out / "csv" / "cloud_bills.csv", "expenses")
    assert problem.found.startswith("a frame exported by aicapex export")


def test_an_exported_flows_table_says_flows_are_outputs(exported: tuple[ac.Ledger, Path]) -> None:
    _, out = exported
    path = out / "csv" / "flows.csv"
    (problem,) = _problems(path, "flows")
    assert problem.code == "bad-table"
    assert problem.found.startswith("'flows' (flows tables are outputs")
    (problem,) = _problems(path, "expenses")
    assert problem.code == "bad-table"
    assert problem.found.startswith("a flows table")


def test_a_ledger_layout_table_with_a_few_other_columns_keeps_its_problems(
    tmp_path: Path,
) -> None:
    # two columns a frame has (a user's dollars and cents) are two unknown columns, as before;
    # a bills table read as expenses is another kind's fields, not a frame
    text = "\n".join([HEADER + ",amount_usd,amount_cents", *(r + ",1,100" for r in ROWS)])
    problems = _problems(_write(tmp_path, text + "\n"))
    assert sorted((p.field, p.code) for p in problems) == [
        ("amount_cents", "unknown-column"),
        ("amount_usd", "unknown-column"),
    ]
    bills = "id,payer,provider,period,billed\nb1,acme,aws,2024-01,$1M\n"
    problems = _problems(_write(tmp_path, bills))
    assert "unknown-column" in {p.code for p in problems}
    assert not any("exported" in p.found for p in problems)
