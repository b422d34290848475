"""Ledger text in what the commands print: escaped in text for a terminal (the table formats of
``validate``, ``summary``, ``report``, ``query``, ``runway``), exact in JSON and CSV.

A name holding an escape sequence (``ESC [31m``), a NUL, a line break, a carriage return or a
line separator was printed raw: the terminal obeyed it (red text, a faked line of output)."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from aicapex.cli import app
from aicapex.rendertext import ESCAPED_CATEGORIES, terminal_data, terminal_text

#: A company's name with a NUL, a line break, an escape sequence, a carriage return, a tab,
#: line and paragraph separators, a right-to-left override, a C1 control (CSI) and DEL; and
#: ordinary text around them.
BAD = "nul \x00 x\ny \x1b[31mred\r\tz \u2028 \u2029 \u202e \x9b \x7f Zoë 中 🚀"
SHOWN = "nul \\x00 x\\ny \\x1b[31mred\\r\\tz \\u2028 \\u2029 \\u202e \\x9b \\x7f Zoë 中 🚀"
#: A provider's name that would set the terminal window's title.
TITLE = "AWS\x1b]0;pwned\x07"
TITLE_SHOWN = "AWS\\x1b]0;pwned\\x07"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    data = {
        "aicapex": 1,
        "entities": [
            {"id": "b", "name": BAD, "type": "company"},
            {"id": "aws", "name": TITLE, "type": "cloud_provider"},
        ],
        "cash_balances": [{"id": "cb", "company": "b", "date": "2023-06", "amount": "$5M"}],
        "cloud_bills": [
            {"id": "bill", "payer": "b", "provider": "aws", "period": "2023-05"}
            | {"outstanding": "$1M"}
        ],
    }
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _raw(text: str) -> list[str]:
    """The characters of ``text`` a terminal would obey (its line breaks aside)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ESCAPED_CATEGORIES]


def _run(runner: CliRunner, *args: str) -> str:
    # color=True: click strips ANSI sequences when it believes the output is no terminal,
    # which hid the raw ESC from the test; a terminal gets it.
    result = runner.invoke(app, list(args), color=True)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_rule() -> None:
    assert terminal_text(BAD) == SHOWN
    assert terminal_text("\x00\x1f\x80\xad\ufeff\u200b\U000e0041") == (
        "\\x00\\x1f\\x80\\xad\\ufeff\\u200b\\U000e0041"
    )
    assert terminal_text("\ud800") == "\\ud800"  # half a surrogate pair: not even encodable
    ordinary = "Zoë Ångström, 中文, 日本語\u3000テキスト, 🚀, 👩\u200d💻, क्\u200dष, a\xa0b, \\n"
    assert terminal_text(ordinary) == ordinary
    assert terminal_data({"k\n": ["a\x1b", 1.5, None, {"x": "\r"}]}) == {
        "k\\n": ["a\\x1b", 1.5, None, {"x": "\\r"}]
    }


@given(st.text())
def test_nothing_a_terminal_obeys_is_left(text: str) -> None:
    shown = terminal_text(text)
    assert not _raw(shown)
    assert "\n" not in shown
    if not _raw(text) and "\n" not in text:
        assert shown == text


@pytest.mark.parametrize("command", [["validate"], ["summary"]])
def test_summary_text(runner: CliRunner, ledger: Path, command: list[str]) -> None:
    out = _run(runner, *command, str(ledger))
    assert not _raw(out)
    assert f"companies (1): {SHOWN}" in out.splitlines()[1]
    assert f"cloud providers (1): {TITLE_SHOWN}" in out.splitlines()


def test_report_text(runner: CliRunner, ledger: Path) -> None:
    out = _run(runner, "report", str(ledger))
    assert not _raw(out)
    assert out.splitlines()[0] == f"== {SHOWN} (b), as of 2023-06-30"


def test_query_table(runner: CliRunner, ledger: Path) -> None:
    query = 'select name, 1 as "one\nline" from entities order by id desc'
    out = _run(runner, "query", str(ledger), query)
    assert not _raw(out)
    lines = out.splitlines()
    assert lines[0].split() == ["name", "one\\nline"]
    assert lines[1].startswith(SHOWN)
    assert lines[2].startswith(TITLE_SHOWN)
    assert lines[3] == "2 rows"


def test_runway_text(runner: CliRunner, ledger: Path) -> None:
    # (b records a bill and no expense: a runway needs a burn given)
    out = _run(runner, "runway", str(ledger), "b", "--burn-after", "1000000")
    assert not _raw(out)


def test_json_and_csv_keep_the_exact_text(runner: CliRunner, ledger: Path) -> None:
    query = "select name from entities order by id desc"
    out = _run(runner, "query", str(ledger), query, "--format", "json")
    assert [r["name"] for r in json.loads(out)["rows"]] == [BAD, TITLE]
    out = _run(runner, "query", str(ledger), query, "--format", "csv")
    assert [r["name"] for r in csv.DictReader(io.StringIO(out, newline=""))] == [BAD, TITLE]
    report = json.loads(_run(runner, "report", str(ledger), "--format", "json"))
    assert report["companies"][0]["name"] == BAD
    summary = json.loads(_run(runner, "validate", str(ledger), "--json"))
    assert summary["entities"]["company"] == {"b": BAD}
    out = _run(runner, "report", str(ledger), "--format", "csv")
    assert [r["name"] for r in csv.DictReader(io.StringIO(out, newline=""))] == [BAD]
