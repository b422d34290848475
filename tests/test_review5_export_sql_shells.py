"""The SQL script read by the shells the docs name (``sqlite3 ledger.db < ledger.sql``, ``psql
-f ledger.sql``), not only by a library's ``executescript``: the sqlite3 shell reads a script
line by line and drops a carriage return that ends a line, even inside a string literal, so that
text holding ``\\r\\n`` (a title pasted from a Windows document) came back as ``\\n``. The
script now splits such a literal in two, ``'a\\r' || '\\nb'``; the shells (psql kept it
already) and the libraries keep the text whole. Where a shell is missing, its test skips and
says why.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from test_export_sql import psql  # noqa: F401  (the throwaway PostgreSQL server fixture)

import aicapex as ac
from aicapex.export import export_text
from aicapex.export.sqlscript import quote_text, sql_script

LedgerText = Callable[..., Path]

#: Text with Windows line ends (CR LF), a lone CR, a CR at the end, CR CR LF, and quotes.
CRLF = """
sources:
- {id: s1, outlet: "Le Monde\\r\\n", title: "line 1\\r\\nline 2\\r\\n\\r\\nline 4", date: 2024-04}
- {id: s2, outlet: "a\\rb", title: "it's\\r\\r\\n'quoted'\\r\\n", date: 2024-05}
entities:
- {id: acme, name: "Acme\\r\\nAI", type: company, note: "x\\r"}
expenses:
- {id: e1, company: acme, category: opex, amount: "$10.05", date: 2024-01-15,
   note: "-- not a comment\\r\\n;\\r\\n.tables\\r\\n\\\\q"}
"""

SQLITE3 = shutil.which("sqlite3")


@pytest.fixture
def crlf(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(CRLF))


def _texts(led: ac.Ledger) -> dict[str, list[str | None]]:
    """Every text the test reads back, as the ledger's frames hold them."""
    sources = led.frame("sources")
    return {
        "outlet": [str(v) for v in sources["outlet"]],
        "title": [str(v) for v in sources["title"]],
        "name": [str(v) for v in led.frame("entities")["name"]],
        "note": [str(v) for v in led.frame("expenses")["note"]],
    }


def test_quote_text_splits_a_literal_at_each_cr_lf() -> None:
    assert quote_text("a\r\nb") == "'a\r' || '\nb'"
    assert quote_text("it's\r\r\n") == "'it''s\r\r' || '\n'"
    assert quote_text("a\rb\n\r") == "'a\rb\n\r'"  # no CR before a LF: one literal
    # no line of the script ends with a carriage return
    script = sql_script([("t", pd.DataFrame({"x": ["a\r\nb", "\r\n", "c\r"]}))])
    assert not any(line.endswith("\r") for line in script.split("\n"))


def test_python_sqlite_and_duckdb_keep_the_text(crlf: ac.Ledger) -> None:
    script = export_text(crlf, "sql")
    con = sqlite3.connect(":memory:")
    con.executescript(script)
    assert [r[0] for r in con.execute('select title from "sources"')] == _texts(crlf)["title"]
    duckdb = pytest.importorskip("duckdb", reason="duckdb is not installed")
    d = duckdb.connect()
    d.execute(script)
    assert [r[0] for r in d.execute('select note from "expenses"').fetchall()] == _texts(crlf)[
        "note"
    ]


@pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 shell is not installed (apt sqlite3)")
def test_the_sqlite3_shell_keeps_cr_lf(crlf: ac.Ledger, tmp_path: Path) -> None:
    script = ac.export(crlf, to="sql", out=tmp_path / "ledger.sql")[0]
    db = tmp_path / "ledger.db"
    with script.open("rb") as stdin:
        done = subprocess.run(
            [str(SQLITE3), "-bail", str(db)], stdin=stdin, capture_output=True, timeout=60
        )
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    try:
        got = {
            "outlet": [r[0] for r in con.execute('select outlet from "sources"')],
            "title": [r[0] for r in con.execute('select title from "sources"')],
            "name": [r[0] for r in con.execute('select name from "entities"')],
            "note": [r[0] for r in con.execute('select note from "expenses"')],
        }
        (count,) = con.execute('select count(*) from "flows"').fetchone()
    finally:
        con.close()
    assert got == _texts(crlf)
    assert count == len(crlf.flows())


def _marked(text: str) -> str:
    return text.replace("\r", "<CR>").replace("\n", "<LF>")


def test_psql_keeps_cr_lf(
    crlf: ac.Ledger,
    psql: Callable[[Path, str], str],  # noqa: F811
    tmp_path: Path,
) -> None:
    script = ac.export(crlf, to="sql", out=tmp_path / "ledger.sql")[0]
    marked = "replace(replace({}, chr(13), '<CR>'), chr(10), '<LF>')"
    titles = psql(script, f"select {marked.format('title')} from sources order by id")
    assert titles.splitlines() == [_marked(t) for t in _texts(crlf)["title"]]
    note = psql(script, f"select {marked.format('note')} from expenses")
    assert note.splitlines() == [_marked(_texts(crlf)["note"][0])]
