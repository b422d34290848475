"""The SQL script export (aicapex.export.sqlscript, ``aicapex export --to sql``).

The script is loaded as it is into SQLite (the standard library's, in memory), DuckDB and, where
its server programs are installed, PostgreSQL; what comes back is compared with the ledger's own
frames and flows: every table's columns and rows, every cell, the sums of exact cents. Where
DuckDB or PostgreSQL is missing, those tests skip and say why.
"""

from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export import FORMATS, SINGLE_FILE, export_text
from aicapex.export.sqlscript import BATCH, ledger_script, quote_text, sql_script
from aicapex.export.tables import TABLE_NAMES, export_columns, iso_dates

LedgerText = Callable[..., Path]

#: Odd values: quotes and unicode in names, titles and quotes, text that looks like SQL or like
#: commands of the sqlite3 and psql shells, line breaks, missing optional fields (a round
#: without an amount), ranges and bounds (a range, a ceiling, 'about', 'more than', a ranged
#: rate), and four currencies with FX rates.
ODD = """
sources:
- {id: s1, outlet: "L'Écho — «Finance»", title: "Who's paying? 資金", date: 2024-04, language: fr}
- {id: s2, outlet: Example, title: "Robert'); DROP TABLE flows;--", date: 2024-05}
entities:
- id: obrien
  name: "O'Brien & Søn ☃"
  type: company
  note: "line one\\nline 'two'\\n.tables\\n\\\\copy\\n-- not a comment; 😀"
- {id: euro-ai, name: "Euro \\"AI\\"", type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: cloud-co, name: Cloud Co, type: cloud_provider}
fx_rates:
- {id: eur-2023, currency: EUR, date: 2023-01-01, usd: 1.1}
- {id: gbp-2023, currency: GBP, date: 2023-01-01, usd: 1.25}
- {id: jpy-2023, currency: JPY, date: 2023-01-01, usd: 0.007}
funding_rounds:
- id: obrien-seed
  company: obrien
  date: 2023-03
  amount: $10M to $12M
  investors: [{investor: fund-a, amount: about $3M}]
  sources: [{source: s1, quote: "l'argent n'était pas « là »"}]
- {id: euro-a, company: euro-ai, date: 2023-06-15, amount: "€20.5M",
   investors: [{investor: fund-a}]}
- {id: euro-b, company: euro-ai, date: 2023-Q4, amount: up to €100M}
- {id: euro-c, company: euro-ai, date: 2024}
cloud_bills:
- id: obrien-bill
  payer: obrien
  provider: cloud-co
  period: 2023-07
  billed: "¥123,456,789"
  payments: [{date: 2023-08-15, amount: "¥100,000,000"}]
  sources: [{source: s2, quote: "it's \\"billed\\""}]
expenses:
- id: euro-pay
  company: euro-ai
  category: payroll
  rate: "€1M to €2M/month"
  date: 2023-07
  until: 2023-12
- {id: obrien-rent, company: obrien, category: opex, amount: "£10,000.33", date: 2023-09-30}
- {id: obrien-more, company: obrien, category: opex, amount: "more than $1M", date: 2023-10}
revenues:
- {id: obrien-rev, company: obrien, amount: "$3,000,000.05", date: 2023}
"""


@pytest.fixture
def odd(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(ODD))


@pytest.fixture(params=["bundled", "odd"])
def ledger(request: pytest.FixtureRequest) -> ac.Ledger:
    led: ac.Ledger = request.getfixturevalue(request.param)
    return led


def _frame(led: ac.Ledger, name: str) -> pd.DataFrame:
    return led.flows() if name == "flows" else led.frame(name)


def _sqlite(script: str) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.executescript(script)
    return con


def _expected_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Each row as SQLite gives it back, from the frame: text as str, dates as ISO text,
    booleans as 0/1, exact cents as int, floats as they are; None where missing or not finite."""
    columns: list[list[Any]] = []
    for _name, type_, source in export_columns(frame):
        column = frame[source]
        if type_ == "cents":
            if source == "amount" and "cents" in frame.columns:
                values: list[Any] = [int(c) for c in frame["cents"]]
            else:
                values = [None if pd.isna(v) else round(float(v) * 100) for v in column]
        elif type_ == "date":
            values = list(iso_dates(column))
        elif type_ == "text":
            values = [None if pd.isna(v) else str(v) for v in column]
        elif type_ == "float":
            values = [float(v) if math.isfinite(v) else None for v in column.astype(float)]
        else:  # int, int8, bool
            values = [None if pd.isna(v) else int(v) for v in column]
        columns.append(values)
    return list(zip(*columns, strict=True)) if columns else []


# -- the script in SQLite ----------------------------------------------------------------------


def test_sql_is_an_export_format() -> None:
    assert "sql" in FORMATS
    assert "sql" in SINGLE_FILE


def test_every_table_has_its_columns_and_every_cell(ledger: ac.Ledger) -> None:
    con = _sqlite(export_text(ledger, "sql"))
    tables = {r[0] for r in con.execute("select name from sqlite_master where type = 'table'")}
    assert tables == set(TABLE_NAMES)
    for name in TABLE_NAMES:
        frame = _frame(ledger, name)
        info = con.execute(f'pragma table_info("{name}")').fetchall()
        assert [r[1] for r in info] == [c for c, _, _ in export_columns(frame)], name
        (count,) = con.execute(f'select count(*) from "{name}"').fetchone()
        assert count == len(frame), name
        rows = con.execute(f'select * from "{name}" order by rowid').fetchall()
        assert rows == _expected_rows(frame), name


def test_cents_sum_to_the_ledgers_own(ledger: ac.Ledger) -> None:
    con = _sqlite(export_text(ledger, "sql"))
    flows = ledger.flows()
    (total,) = con.execute("select sum(cents) from flows").fetchone()
    assert total == int(flows["cents"].sum())
    net = dict(con.execute("select entity, sum(direction * cents) from flows group by entity"))
    signed = flows["direction"].astype("int64") * flows["cents"]
    expected = signed.groupby(flows["entity"].astype(str)).sum()
    assert net == {k: int(v) for k, v in expected.items()}
    for name in TABLE_NAMES:
        frame = _frame(ledger, name)
        for column, type_, source in export_columns(frame):
            if type_ != "cents" or name == "flows":
                continue
            got, nulls = con.execute(
                f'select sum("{column}"), count(*) - count("{column}") from "{name}"'
            ).fetchone()
            money = frame[source].dropna()
            assert got == (sum(round(float(v) * 100) for v in money) if len(money) else None)
            assert nulls == int(frame[source].isna().sum()), (name, column)


def test_odd_text_comes_back_as_it_is(odd: ac.Ledger) -> None:
    con = _sqlite(export_text(odd, "sql"))
    entities = odd.frame("entities")
    got = dict(con.execute("select id, name from entities"))
    assert got == dict(zip(entities["id"].astype(str), entities["name"].astype(str), strict=True))
    (note,) = con.execute("select note from entities where id = 'obrien'").fetchone()
    assert note == odd["obrien"].note
    assert "\n.tables\n" in note
    assert "'" in note
    (title,) = con.execute("select title from sources where id = 's2'").fetchone()
    sources = odd.frame("sources")
    assert title == str(sources.loc[sources["id"] == "s2", "title"].iloc[0])
    assert "DROP TABLE" in title
    (count,) = con.execute("select count(*) from flows").fetchone()
    assert count == len(odd.flows())  # the title's DROP TABLE stayed text
    currencies = {r[0] for r in con.execute("select distinct currency from flows")}
    assert currencies == set(odd.flows()["currency"].astype(str))
    assert {"EUR", "JPY", "GBP", "USD"} <= currencies


def test_the_flows_follow_the_filter(odd: ac.Ledger) -> None:
    script = export_text(odd, "sql", filter="entity:euro-ai")
    assert "-- flows: conflicts latest; filter entity:euro-ai\n" in script
    con = _sqlite(script)
    flows = odd.flows()
    kept = flows[flows["entity"].astype(str) == "euro-ai"]
    assert con.execute("select count(*), sum(cents) from flows").fetchone() == (
        len(kept),
        int(kept["cents"].sum()),
    )
    (rounds,) = con.execute("select count(*) from funding_rounds").fetchone()
    assert rounds == len(odd.frame("funding_rounds"))  # record tables are written whole


def test_the_header_names_the_version_and_the_files(bundled: ac.Ledger) -> None:
    from importlib.metadata import version

    script = export_text(bundled, "sql")
    head, _, _ = script.partition("\nBEGIN;\n")
    assert all(line.startswith("--") for line in head.strip("\n").splitlines())
    assert f"aicapex {version('aicapex')}" in head
    for path, digest in bundled.files.items():
        assert f"--   {Path(path).name}  {digest}\n" in head
    assert str(ac.bundled_data()) not in head  # names relative to their folder
    assert script.rstrip("\n").endswith("\nCOMMIT;")


def test_the_same_ledger_gives_the_same_bytes(
    bundled: ac.Ledger, ledger_text: LedgerText, tmp_path: Path
) -> None:
    one = ac.export(bundled, to="sql", out=tmp_path / "one.sql")[0]
    two = ac.export(ac.load(ac.bundled_data()), to="sql", out=tmp_path / "out" / "two.sql")[0]
    assert one.read_bytes() == two.read_bytes()
    # the same file in another folder: the header names it relative to its folder
    first = ac.load(ledger_text(ODD, name="a/ledger.yaml"))
    second = ac.load(ledger_text(ODD, name="b/c/ledger.yaml"))
    assert export_text(first, "sql").encode() == export_text(second, "sql").encode()


def test_tables_without_rows_are_created(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text("sources:\n- {id: s1, outlet: X, title: Y, date: 2024}\n"))
    script = export_text(led, "sql")
    con = _sqlite(script)
    for name in TABLE_NAMES:
        frame = _frame(led, name)
        assert f'CREATE TABLE "{name}" (' in script
        columns = [r[1] for r in con.execute(f'pragma table_info("{name}")')]
        assert columns == [c for c, _, _ in export_columns(frame)]
        (count,) = con.execute(f'select count(*) from "{name}"').fetchone()
        assert count == len(frame)
        if frame.empty:
            assert f'INSERT INTO "{name}"' not in script
    assert len(led.flows()) == 0


def test_values_types_batches_and_nulls() -> None:
    n = 2 * BATCH + 1
    frame = pd.DataFrame(
        {
            "label": pd.array([f"it's {i}" if i % 7 else None for i in range(n)], dtype="string"),
            "x": [float(i) if i % 5 else (math.nan, math.inf, -math.inf)[i % 3] for i in range(n)],
            "k": pd.array([i if i % 3 else None for i in range(n)], dtype="Int64"),
            "d": pd.array([1 if i % 2 else -1 for i in range(n)], dtype="int8"),
            "ok": pd.array([bool(i % 2) if i % 4 else None for i in range(n)], dtype="boolean"),
            "at": pd.Series(pd.date_range("2023-01-01", periods=n, freq="D")).where(
                pd.Series(range(n)) % 6 != 0
            ),
            "when": pd.Series([pd.Timestamp("2023-01-01 12:30")] * n),
        }
    )
    script = sql_script([("t", frame)])
    assert script.count('INSERT INTO "t"') == 3
    assert "NaN" not in script
    assert "inf" not in script
    types = ("DOUBLE PRECISION", "BIGINT", "SMALLINT", "BOOLEAN", "DATE", "TIMESTAMP")
    for column, type_ in zip(("x", "k", "d", "ok", "at", "when"), types, strict=True):
        assert f'  "{column}" {type_},' in script or f'  "{column}" {type_}\n' in script
    con = _sqlite(script)
    rows = con.execute("select * from t order by rowid").fetchall()
    assert len(rows) == n
    for i, (label, x, k, d, ok, at, when) in enumerate(rows):
        assert label == (f"it's {i}" if i % 7 else None)
        assert x == (float(i) if i % 5 else None)
        assert k == (i if i % 3 else None)
        assert d == (1 if i % 2 else -1)
        assert ok == (int(bool(i % 2)) if i % 4 else None)
        expected_day = (np.datetime64("2023-01-01") + i).astype(str)
        assert at == (expected_day if i % 6 else None)
        assert when == "2023-01-01 12:30:00"
    assert sql_script({"t": frame}) == script  # the same tables, the same text


def test_text_with_a_nul_is_refused(ledger_text: LedgerText) -> None:
    with pytest.raises(ValueError, match="NUL"):
        quote_text("a\x00b")
    led = ac.load(ledger_text('entities:\n- {id: a, name: "A\\0B", type: company}\n'))
    with pytest.raises(ac.LedgerError, match=r"entities\[0\] a: name: .*NUL"):
        export_text(led, "sql")  # the record's field, located (tests/test_bad_input_sweep.py)


def test_batch_size_is_kept(odd: ac.Ledger) -> None:
    script = ledger_script(odd, odd.flows(), batch=2)
    assert script.count('INSERT INTO "flows"') == math.ceil(len(odd.flows()) / 2)
    con = _sqlite(script)
    (total,) = con.execute("select sum(cents) from flows").fetchone()
    assert total == int(odd.flows()["cents"].sum())


# -- DuckDB ------------------------------------------------------------------------------------


def test_duckdb_loads_the_script_as_ac_sql_sees_the_ledger(ledger: ac.Ledger) -> None:
    duckdb = pytest.importorskip(
        "duckdb", reason="duckdb is not installed (pip install 'aicapex[sql]')"
    )
    con = duckdb.connect()
    try:
        con.execute(export_text(ledger, "sql"))
        for name in ("flows", "funding_rounds", "entities", "sources"):
            loaded = con.sql(f'select * from "{name}"').df()
            pd.testing.assert_frame_equal(
                loaded, ac.sql(ledger, f"select * from {name}"), check_dtype=False
            )
        (total,) = con.execute("select sum(cents) from flows").fetchone()
        assert total == int(ledger.flows()["cents"].sum())
    finally:
        con.close()


# -- PostgreSQL --------------------------------------------------------------------------------


def _postgres_commands() -> tuple[list[str], str] | None:
    """How to run the server programs (as this user, or as ``postgres`` under root), or None."""
    if not all(shutil.which(p) for p in ("initdb", "pg_ctl", "psql")):
        return None
    if os.geteuid() != 0:
        return [], ""
    if shutil.which("runuser") is None:
        return None
    try:
        import pwd

        pwd.getpwnam("postgres")
    except (ImportError, KeyError):
        return None
    return ["runuser", "-u", "postgres", "--"], "postgres"


@pytest.fixture(scope="module")
def psql() -> Iterator[Callable[[Path, str], str]]:
    """A throwaway PostgreSQL server on a socket in a temporary folder (under /tmp, which the
    server's user can reach), no TCP port: ``psql(script, query)`` loads the script into a new
    database and returns the query's output."""
    found = _postgres_commands()
    if found is None:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl and psql; as root: runuser)")
    prefix, owner = found
    folder = Path(tempfile.mkdtemp(prefix="aicapex-pg-"))
    if owner:
        shutil.chown(folder, owner)
    data = folder / "data"
    env = {**os.environ, "PGCLIENTENCODING": "UTF8"}

    def run(*command: str) -> str:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
        if done.returncode:
            pytest.fail(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    server = [*prefix, "pg_ctl", "-D", str(data), "-l", str(folder / "log")]
    options = f"-k {folder} -c listen_addresses='' -c fsync=off"
    databases = iter(range(1_000))

    def load_and_query(script: Path, query: str) -> str:
        base = ("psql", "-h", str(folder), "-U", "postgres", "-X", "-q", "-v", "ON_ERROR_STOP=1")
        name = f"db{next(databases)}"
        run(*base, "-c", f"create database {name}")
        run(*base, "-d", name, "-f", str(script))
        return run(*base, "-d", name, "-At", "-c", query)

    try:
        run(*prefix, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        run(*server, "-o", options, "-w", "start")
        yield load_and_query
    finally:
        subprocess.run([*server, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_loads_the_script(
    ledger: ac.Ledger, psql: Callable[[Path, str], str], tmp_path: Path
) -> None:
    script = ac.export(ledger, to="sql", out=tmp_path / "ledger.sql")[0]
    flows = ledger.flows()
    query = "select count(*), coalesce(sum(cents), 0) from flows"
    assert psql(script, query).strip() == f"{len(flows)}|{int(flows['cents'].sum())}"
    counts = " union all ".join(f"select '{n}', count(*) from \"{n}\"" for n in TABLE_NAMES)
    got = dict(line.split("|") for line in psql(script, counts).splitlines())
    assert got == {n: str(len(_frame(ledger, n))) for n in TABLE_NAMES}
    names = psql(script, "select id || '=' || name from entities order by id").splitlines()
    entities = ledger.frame("entities").sort_values("id")
    assert names == [f"{i}={n}" for i, n in zip(entities["id"], entities["name"], strict=True)]


# -- the command -------------------------------------------------------------------------------


def test_the_command_prints_or_writes_the_script(ledger_text: LedgerText, tmp_path: Path) -> None:
    runner = CliRunner()
    path = ledger_text(ODD)
    expected = export_text(ac.load(path), "sql")
    printed = runner.invoke(app, ["export", str(path), "--to", "sql"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == expected
    out = tmp_path / "out" / "ledger.sql"
    written = runner.invoke(app, ["export", str(path), "--to", "sql", "--out", str(out)])
    assert written.exit_code == 0, written.output
    assert written.stdout.strip() == str(out)
    assert out.read_text(encoding="utf-8") == expected
    assert not [p for p in out.parent.iterdir() if p.name != "ledger.sql"]  # no temporary files
    filtered = runner.invoke(app, ["export", str(path), "--to", "sql", "-f", "entity:obrien"])
    assert filtered.exit_code == 0
    assert filtered.stdout == export_text(ac.load(path), "sql", filter="entity:obrien")
    refused = runner.invoke(app, ["export", str(path), "--to", "sql", "--decimal"])
    assert refused.exit_code == 2


def test_the_command_refuses_text_it_cannot_write(ledger_text: LedgerText) -> None:
    path = ledger_text('entities:\n- {id: a, name: "A\\0B", type: company}\n')
    result = CliRunner().invoke(app, ["export", str(path), "--to", "sql"])
    assert result.exit_code == 1
    assert "entities[0] a: name: " in result.stderr
    assert "NUL" in result.stderr
