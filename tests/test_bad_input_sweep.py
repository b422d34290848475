"""Findings of a mutation sweep of the bundled ledgers and the tests' ledgers (every command on
each mutated ledger, in fresh processes): each test is the smallest ledger that showed one.

JSON written by ``json.dumps`` (its default ``ensure_ascii``) has a character past U+FFFF as
the escapes of a UTF-16 surrogate pair ('\\ud83d\\ude80' for a rocket). libyaml refuses such an
escape, and the locator composed JSON files with it: a JSON ledger holding one emoji anywhere
lost the line of every problem ('e.json: cash_balances[1] ...: amount: ...', no line).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.export import export_text

LEDGER = {
    "aicapex": 1,
    "sources": [{"id": "src-a", "outlet": "Test", "title": "A", "date": "2024-04"}],
    "entities": [
        {"id": "beta", "name": "Beta \U0001f680", "type": "company"},
        {"id": "gamma", "name": "Gamma", "type": "company"},
    ],
    "cash_balances": [
        {
            "id": "beta-cash",
            "sources": ["src-a"],
            "company": "beta",
            "date": "2024-03",
            "amount": "$12M",
        },
        {
            "id": "gamma-cash",
            "sources": ["src-a"],
            "company": "gamma",
            "date": "2024-03",
            "amount": "12 GPU",
        },
    ],
}


def _line_of(text: str, needle: str) -> int:
    """1-based line of the only line of ``text`` holding ``needle``."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture
def emoji_json(tmp_path: Path) -> Path:
    path = tmp_path / "e.json"
    path.write_text(json.dumps(LEDGER, indent=1), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert "\\ud83d\\ude80" in text  # the escapes json.dumps writes for the rocket
    return path


def test_a_json_ledger_with_an_emoji_locates_its_problems(emoji_json: Path) -> None:
    text = emoji_json.read_text(encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.load(emoji_json)
    (problem,) = info.value.problems
    assert (problem.code, problem.kind, problem.index, problem.record_id, problem.field) == (
        "bad-money",
        "cash_balances",
        1,
        "gamma-cash",
        "amount",
    )
    assert problem.line == _line_of(text, '"12 GPU"')
    # counted: 1 "{", 2 aicapex, 3-10 sources, 11-22 entities, 23 "cash_balances", 24-32
    # beta-cash (its sources list on three lines), 33-40 gamma-cash: amount is its last line
    assert problem.line == 40


def test_a_json_ledger_with_an_emoji_locates_its_problems_on_the_command_line(
    emoji_json: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aicapex", "validate", "--json", str(emoji_json)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    (problem,) = json.loads(done.stdout)["problems"]
    assert (problem["code"], problem["field"], problem["line"]) == ("bad-money", "amount", 40)


def test_a_lone_half_of_a_pair_in_json_is_located_at_its_field(tmp_path: Path) -> None:
    """'\\ud800' alone is no character: json.loads reads it, the record refuses the text, at
    its line (the other problems of the file keep theirs)."""
    ledger = json.loads(json.dumps(LEDGER))
    ledger["entities"][1]["name"] = "Gam\ud800ma"
    path = tmp_path / "lone.json"
    path.write_text(json.dumps(ledger, indent=1), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    found = {(p.kind, p.index, p.field): p.line for p in info.value.problems}
    assert found == {
        ("entities", 1, "name"): _line_of(text, "Gam\\ud800ma"),
        ("cash_balances", 1, "amount"): _line_of(text, '"12 GPU"'),
    }


NO_ENTITIES = """\
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme, type: company}
"""


@pytest.mark.parametrize("as_of", ["FY2024", "2024-06"])
def test_runway_of_an_unknown_entity_says_so_whatever_the_as_of(tmp_path: Path, as_of: str) -> None:
    """`aicapex runway LEDGER acne --as-of FY2024` said 'expected calendar dates in an analysis,
    got the fiscal year 'FY2024' ... (name one entity of a ledger ...)': the entity named was
    looked up only after the fiscal year was, and not found, it was as if none was named."""
    path = tmp_path / "l.yaml"
    path.write_text(NO_ENTITIES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "aicapex", "runway", str(path), "acne", "--as-of", as_of],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (
        1,
        "error: unknown entity 'acne' (did you mean 'acme'?)\n",
    )


EUR_CASH = """\
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-12}
entities:
- {id: a, name: A, type: company}
fx_rates:
- {id: fx2, currency: EUR, date: 2024-07, usd: 1.2, sources: [s1]}
expenses:
- {id: e1, company: a, category: payroll, rate: $1M/month, date: 2024-07, sources: [s1]}
cash_balances:
- {id: c0, company: a, date: 2024-01, amount: $5M, sources: [s1]}
- id: c1
  company: a
  date: 2024-06-30
  amount: €20M
  sources: [s1]
"""


def test_runway_refusing_a_balance_without_a_rate_says_where_it_is(tmp_path: Path) -> None:
    """A euro balance of 2024-06-30 before the first EUR rate (2024-07) loads with a warning;
    the runway, which needs it in dollars, said only 'error: runway needs US-dollar cash
    balances, but c1 have no exchange rate at their date' (no file, no line): it now prints
    first the warnings on the records it names, located (c1's amount: line 15)."""
    path = tmp_path / "l.yaml"
    path.write_text(EUR_CASH, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "aicapex", "runway", str(path), "a"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) == 2, done.stderr
    assert lines[0].startswith(f"{path}:15: warning: cash_balances[1] c1: amount: expected an ")
    assert "EUR" in lines[0]
    assert lines[1].startswith("error: runway needs US-dollar cash balances, but c1 ")


NUL_TEXT = """\
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-12}
entities:
- {id: a, name: A, type: company}
- id: b
  name: "B\\0"
  type: cloud_provider
cash_balances:
- id: c0
  company: a
  date: 2024-01
  amount: $5M
  sources: [s1]
  note: "x\\0y"
"""


def test_sql_export_of_text_with_a_nul_names_every_record_and_line(tmp_path: Path) -> None:
    """YAML writes a NUL as "\\0" and the ledger loads it (validate: ok); SQL text cannot hold
    one, and `export --to sql` said only 'error: entities.name: text holding a NUL character
    (U+0000) cannot be SQL text: 'B\\x00'' (the first one, no file or line). Now both, each at
    its field's line (name: line 7, note: line 15), and no file is written."""
    path = tmp_path / "l.yaml"
    path.write_text(NUL_TEXT, encoding="utf-8")
    led = ac.load(path)
    assert led["b"].name == "B\x00"  # type: ignore[attr-defined]
    with pytest.raises(ac.LedgerError) as info:
        export_text(led, "sql")
    found = [(p.line, p.kind, p.record_id, p.field, p.code) for p in info.value.problems]
    assert found == [
        (7, "entities", "b", "name", "invalid-value"),
        (15, "cash_balances", "c0", "note", "invalid-value"),
    ]
    out = tmp_path / "x.sql"
    done = subprocess.run(
        [sys.executable, "-m", "aicapex", "export", str(path), "--to", "sql", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{path}:7: entities[1] b: name: expected text without a NUL" in done.stderr
    assert f"{path}:15: cash_balances[0] c0: note: expected text without a NUL" in done.stderr
    assert not out.exists()
