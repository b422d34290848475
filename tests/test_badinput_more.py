"""More bad input: each case once gave a traceback, a wrong result or a silently lost record,
and must now give a :class:`aicapex.LedgerError` naming where the input is wrong (file, line,
record, field, expected, found), or the right answer."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import CODES

LEDGER = "aicapex: 1\nsources: [{id: s, title: T, outlet: O, date: 2023}]\n"


def _problems(path: Path) -> list[ac.Problem]:
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    problems = list(info.value.problems)
    for p in problems:
        assert p.file == str(path), p
        assert p.code in CODES, p
    return problems


@pytest.mark.parametrize("head", ["aicapex: 1\n", "\x01aicapex: 1\n", " aicapex: 1\n", "\x01"])
def test_a_leading_nul_byte_is_refused_at_line_1_not_read_as_other_text(
    tmp_path: Path, head: str
) -> None:
    # rapidyaml skipped a leading NUL and the character after it: 'icapex' (an unknown kind,
    # without a line), or with '\x01' or a space after it, the ledger loaded as if fine
    path = tmp_path / "nul.yaml"
    path.write_text("\x00" + head + LEDGER.removeprefix("aicapex: 1\n"), encoding="utf-8")
    problems = _problems(path)
    assert [(p.line, p.code, p.found) for p in problems] == [(1, "syntax", "the character U+0000")]


HEADER = "id,payer,provider,period,billed,sources\n"
ROW = "b1,acme,aws,2023-08,$7M,s\n"


def _table_problems(tmp_path: Path, text: str, name: str = "bills.csv") -> list[ac.Problem]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.read_table(path, "cloud_bills")
    for p in info.value.problems:
        assert p.file == str(path), p
        assert p.code in CODES, p
    return list(info.value.problems)


@pytest.mark.parametrize("extra", [",x", ",x,y"])
def test_a_first_row_longer_than_the_header_is_refused_at_its_row(
    tmp_path: Path, extra: str
) -> None:
    # pandas read the extra cells as an index: every value one column right, the id read from
    # the payer column ('acme'), problems named the wrong record and field, or none at all
    ps = _table_problems(tmp_path, HEADER + ROW.strip() + extra + "\n" + ROW.replace("b1", "b2"))
    cells = 6 + extra.count(",")
    assert [(p.line, p.index, p.record_id, p.code) for p in ps] == [(2, 0, "b1", "bad-table")]
    assert ps[0].expected.startswith("6 cells")
    assert ps[0].found == f"{cells} cells"


def test_a_trailing_empty_cell_is_no_shift(tmp_path: Path) -> None:
    # 'b1,...,s,' (a trailing comma, as spreadsheets write): nothing lost, nothing moved
    path = tmp_path / "bills.csv"
    path.write_text(HEADER + ROW.strip() + ",\n", encoding="utf-8")
    frame = ac.read_table(path, "cloud_bills")
    assert list(frame["id"]) == ["b1"]
    assert list(frame["payer"]) == ["acme"]


@pytest.mark.parametrize("name", ["bills.csv", "bills.tsv"])
def test_a_later_row_longer_than_the_header_is_located(tmp_path: Path, name: str) -> None:
    # a quoted line break in row 1: the long row starts on line 4, the second record
    text = HEADER + 'b1,acme,aws,2023-08,"$7\nM",s\n' + ROW.replace("b1", "b2").strip() + ",x\n"
    if name.endswith(".tsv"):
        text = text.replace(",", "\t")
    ps = _table_problems(tmp_path, text, name)
    assert [(p.line, p.index, p.record_id, p.code) for p in ps] == [(4, 1, "b2", "bad-table")]
    assert ("a tab" if name.endswith(".tsv") else "a comma") in ps[0].expected


def test_a_column_named_twice_is_refused_by_its_name(tmp_path: Path) -> None:
    # pandas renamed the second 'id' to 'id.1': 'unknown column id.1' named no real column
    ps = _table_problems(
        tmp_path, "id,id,payer,provider,period,billed\nb1,b2,acme,aws,2023-08,$7M\n"
    )
    assert [(p.line, p.code, p.found) for p in ps] == [(1, "bad-table", "'id' 2 times")]


BILL = (
    "entities:\n- {id: acme, name: Acme, type: company}\n"
    "- {id: aws, name: AWS, type: cloud_provider}\n"
    "cloud_bills:\n- {id: b, payer: acme, provider: aws, period: 2023-08, billed: $7M, "
)


@pytest.mark.parametrize(
    ("fields", "field", "expected"),
    [
        ("payments: null, sources: [s]", "payments", "a list"),
        ("payments: {amount: $1M}, sources: [s]", "payments", "a list"),
        ("sources: s", "sources", "a list"),
        ("payments: [5], sources: [s]", "payments.0", "a mapping of Payment fields"),
        ("sources: [[s]]", "sources.0", "a mapping of Citation fields"),
    ],
)
def test_a_list_or_mapping_of_the_wrong_shape_says_so_in_ledger_words(
    tmp_path: Path, fields: str, field: str, expected: str
) -> None:
    # pydantic's words were shown: 'expected a valid tuple', 'a valid dictionary or instance of
    # Payment'; a ledger has lists and mappings
    path = tmp_path / "bill.yaml"
    path.write_text(LEDGER + BILL + fields + "}\n", encoding="utf-8")
    (p,) = _problems(path)
    assert (p.line, p.kind, p.index, p.record_id, p.field) == (7, "cloud_bills", 0, "b", field)
    assert p.expected.startswith(expected)
    assert "tuple" not in p.expected
    assert "instance" not in p.expected


FOCUS_HEADER = (
    "BilledCost,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,ChargeCategory,"
    "InvoiceIssuerName\n"
)
FOCUS_ROW = "12.5,USD,2024-08-01 00:00:00,2024-09-01 00:00:00,Usage,AWS\n"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (FOCUS_HEADER.replace("BilledCost,", "Cost,") + FOCUS_ROW, "missing-column"),
        (FOCUS_HEADER + FOCUS_ROW.replace("12.5", "12 dollars"), "bad-money"),
        (FOCUS_HEADER + FOCUS_ROW.replace("12.5", "2E15"), "out-of-range"),
        (FOCUS_HEADER + FOCUS_ROW.replace("2024-08-01 00:00:00", "2024-13-01"), "bad-date"),
        (FOCUS_HEADER + FOCUS_ROW.replace("USD", "dollars"), "invalid-value"),
        (FOCUS_HEADER + FOCUS_ROW.replace("Usage", ""), "missing-field"),
        (FOCUS_HEADER + FOCUS_ROW.replace("2024-09-01", "2024-07-01"), "inconsistent"),
        (FOCUS_HEADER + FOCUS_ROW.strip() + ",x\n", "bad-table"),
    ],
)
def test_focus_problems_carry_a_code_of_the_catalogue(tmp_path: Path, text: str, code: str) -> None:
    # every problem of read_focus had the code '' (unclassified), unlike every other input's
    pytest.importorskip("pyarrow")
    path = tmp_path / "focus.csv"
    path.write_text(text, encoding="utf-8")
    try:
        problems = list(ac.read_focus(path, payer="acme").problems)
    except ac.LedgerError as exc:
        problems = list(exc.problems)
    assert problems
    assert {p.code for p in problems} == {code}


@pytest.mark.parametrize(
    ("fields", "field", "found"),
    [
        ("payer: 1.5, billed: $7M, sources: [s]", "payer", "1.5"),
        ("payer: acme, billed: $7M, sources: [s], note: 2.50", "note", "2.50"),
        ("payer: acme, billed: $7M, sources: [s], note: [1.5, 2]", "note", "[1.5, 2]"),
        ("payer: acme, billed: $7M, sources: [s], note: 15", "note", "15"),
        ("payer: acme, billed: $7M, sources: [s], due: 1.50", "due", "1.50"),
    ],
)
def test_a_number_where_text_belongs_is_shown_as_written(
    tmp_path: Path, fields: str, field: str, found: str
) -> None:
    # it read "expected a valid string, got Decimal('1.5')" (a date: "got Decimal('1.50')"):
    # pydantic's words and Python's repr of how the loader holds a file's numbers
    path = tmp_path / "bill.yaml"
    text = BILL.replace("payer: acme, ", "").replace("billed: $7M, ", "")
    path.write_text(LEDGER + text + fields + "}\n", encoding="utf-8")
    (p,) = _problems(path)
    assert (p.line, p.record_id, p.field, p.found) == (7, "b", field, found)
    assert p.expected.startswith("a date" if field == "due" else "text")
    assert "Decimal" not in str(p)


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("scenarios: 5\n", "'scenarios:' as a number"),
        ("scenarios: null\n", "'scenarios:' as nothing (null)"),
        ("scenarios: x\n", "'scenarios:' as text"),
        ("scenarios:\n- 5\n", "a number"),
        ("scenarios:\n- name: a\n  adjustments: 1.5\n", "a number"),
        ("scenarios:\n- name: a\n  adjustments: [null]\n", "nothing (null)"),
        ("scenarios:\n- name: a\n  adjustments: [[x]]\n", "a list"),
    ],
)
def test_a_scenarios_file_names_what_it_found_in_a_files_words(
    tmp_path: Path, body: str, found: str
) -> None:
    # it said Python's type names: "got 'scenarios:' as a int", "a NoneType", "a Decimal"
    from aicapex.scenarios import read_scenarios

    path = tmp_path / "x.scenarios.yaml"
    path.write_text("aicapex: 1\nentity: acme\n" + body, encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        read_scenarios(path)
    (p,) = info.value.problems
    assert p.found == found
    assert p.file == str(path)
    assert p.code in CODES


@pytest.mark.parametrize(
    ("item", "found"),
    [
        ("-\n", "nothing (an empty '- ' item)"),
        ("- 1.5\n", "a number 1.5"),
        ("- 15\n", "a number 15"),
    ],
)
def test_an_item_that_is_no_record_is_named_in_a_files_words(
    tmp_path: Path, item: str, found: str
) -> None:
    # it said 'got a NoneType None' and 'got a Decimal Decimal('1.5')'
    path = tmp_path / "x.yaml"
    path.write_text(LEDGER + "cloud_bills:\n" + item, encoding="utf-8")
    (p,) = _problems(path)
    assert (p.line, p.kind, p.index, p.code, p.found) == (
        4,
        "cloud_bills",
        0,
        "not-a-record",
        found,
    )


def test_report_lists_a_bad_scenarios_file_as_the_scenarios_command_does(tmp_path: Path) -> None:
    # it printed 'error: 1 problem in the ledger:' and the problem: an 'error: ' line that is
    # no error, and the scenarios file called the ledger
    from typer.testing import CliRunner

    from aicapex.cli import app

    ledger = tmp_path / "acme.yaml"
    ledger.write_text(LEDGER + "entities:\n- {id: acme, name: Acme, type: company}\n")
    scenarios = tmp_path / "acme.scenarios.yaml"
    scenarios.write_text("aicapex: 1\nentity: acme\nscenarios: 5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(ledger), "--format", "json"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "1 problem in the scenarios files:"
    assert lines[1].startswith(f"{scenarios}:1: ")
    assert len(lines) == 2


@pytest.mark.parametrize("as_of", [2023.5, 2023.0, "numpy-float", "decimal"])
def test_a_number_that_is_no_year_is_refused_as_a_date_not_read_as_1970(as_of: object) -> None:
    # pandas read a number as nanoseconds since 1970: arrears(as_of=2023.5) was the arrears of
    # 1970-01-01 (none), labelled as of 2023.5
    from decimal import Decimal

    import numpy as np

    value = {"numpy-float": np.float64(2023), "decimal": Decimal("2023")}.get(str(as_of), as_of)
    led = ac.load(ac.bundled_data() / "stability_ai.yaml")
    with pytest.raises(ValueError, match="expected a date like"):
        ac.arrears(led, as_of=value)
    with pytest.raises(ValueError, match="expected a date like"):
        ac.burn(led, "stability-ai", start=value, end="2023-12")


def test_a_numpy_integer_year_is_that_year() -> None:
    # np.int64(2023) (a year from a DataFrame column) was 2,023 nanoseconds after 1970
    import numpy as np

    led = ac.load(ac.bundled_data() / "stability_ai.yaml")
    by_numpy = ac.arrears(led, as_of=np.int64(2023))
    by_int = ac.arrears(led, as_of=2023)
    assert by_numpy.frame.equals(by_int.frame)
    assert len(by_int.frame) > 0


def test_a_byte_order_mark_changes_no_problem(tmp_path: Path) -> None:
    """A table saved with a byte order mark (as spreadsheets write UTF-8): its long row and its
    column named twice are reported as without one (the header's first cell is 'id')."""
    long = HEADER + ROW + ROW.replace("b1", "b2").strip() + ",x\n"
    twice = "id,id,payer,provider,period,billed\nb1,b2,acme,aws,2023-08,$7M\n"
    for text in (long, twice):
        plain = _table_problems(tmp_path, text)
        marked = _table_problems(tmp_path, "\ufeff" + text)
        assert [(p.line, p.index, p.record_id, p.code, p.found) for p in marked] == [
            (p.line, p.index, p.record_id, p.code, p.found) for p in plain
        ]
        assert plain


def test_pandas_other_warnings_reach_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a table listens for pandas' parser warnings only: any other warning pandas gives
    while reading reaches the caller as it was."""
    import warnings

    import pandas as pd

    real = pd.read_csv

    def warns(*args: object, **kwargs: object) -> pd.DataFrame:
        warnings.warn("a warning of pandas", pd.errors.DtypeWarning, stacklevel=2)
        return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(pd, "read_csv", warns)
    path = tmp_path / "bills.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    with pytest.warns(pd.errors.DtypeWarning, match="a warning of pandas"):
        ac.read_table(path, "cloud_bills")


def test_report_names_a_ledger_problem_as_the_ledgers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only problems of scenarios files are headed as theirs: a LedgerError of the ledger met
    while reporting is printed as the ledger's."""
    from typer.testing import CliRunner

    import aicapex.report
    from aicapex.cli import app
    from aicapex.errors import LedgerError, Problem

    ledger = tmp_path / "acme.yaml"
    ledger.write_text(LEDGER + "entities:\n- {id: acme, name: Acme, type: company}\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise LedgerError([Problem("a date", "nothing", file=str(ledger), line=3, code="")])

    monkeypatch.setattr(aicapex.report, "report", refuse)
    result = CliRunner().invoke(app, ["report", str(ledger), "--format", "json"])
    assert result.exit_code == 1
    assert "scenarios" not in result.stderr
    assert f"{ledger}:3" in result.stderr
