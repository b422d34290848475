"""Every export of any ledger tests/test_ledger.py's strategy makes (every kind it makes, odd
ids and text, ranges and bounds, other currencies): the JSON document's ``ledger`` loads back as
the same ledger; CSV tables read back cell for cell; the SQL script loads into SQLite and DuckDB
with every row and the flows' exact cents; the journals are accepted by hledger (``check
--strict``) and bean-check, and each account's balance is what the flows give by hand. The
expected balances are derived here from the flow rows by the rule docs/export.md states (not by
``aicapex.export.journal.postings``, which shares the journal's code). Where a tool is missing,
its part is skipped (the test says which in its output)."""

from __future__ import annotations

import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_export import _expected_cells, _read_csv, _same
from test_ledger import ledgers

import aicapex as ac
from aicapex.export import export_text
from aicapex.export.journal import account_names
from aicapex.export.tables import TABLE_NAMES, export_columns
from aicapex.ledger import Ledger


def _tool(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


HLEDGER, BEAN_CHECK = _tool("hledger"), _tool("bean-check")

_SIDE = {
    "funding": "Equity:Funding",
    "investment": "Assets:Investments",
    "revenue": "Income:Revenue",
}


def _component(text: str) -> str:
    """The documented rule: split at non-alphanumerics, capitalise each piece, join."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", text) if p)


def _by_hand(flows: pd.DataFrame) -> Counter[tuple[str, str]]:
    """Each account's balance in cents per currency, row by row from the flows."""
    ids = {str(v) for c in ("entity", "payer", "payee") for v in flows[c].dropna()}
    names = account_names(ids)
    for i, name in names.items():  # names follow the rule, plain unless they collide
        assert name == _component(i) or name.startswith(_component(i) + "-")
    out: Counter[tuple[str, str]] = Counter()
    for row in flows.itertuples(index=False):
        moved = int(row.direction) * int(row.cents)  # what the entity's cash receives
        who = names[str(row.entity)]
        counter = row.payer if int(row.direction) > 0 else row.payee
        them = names[str(counter)] if isinstance(counter, str) else "Unknown"
        category = str(row.category)
        side = _SIDE.get(category) or (
            f"{'Income' if int(row.direction) > 0 else 'Expenses'}:{_component(category)}"
        )
        # a row without a currency (a round without an amount: its tranches' currency is lost
        # by the flows today) is written in XXX, ISO 4217's "no currency"
        currency = row.currency if isinstance(row.currency, str) else "XXX"
        out[(f"Assets:Cash:{who}", currency)] += moved
        out[(f"{side}:{who}:{them}", currency)] -= moved
    return Counter({k: v for k, v in out.items() if v})


def _hledger_balances(journal: Path) -> Counter[tuple[str, str]]:
    text = subprocess.run(
        [str(HLEDGER), "-f", str(journal), "bal", "--flat", "-N", "-O", "csv"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out: Counter[tuple[str, str]] = Counter()
    for account, amounts in pd.read_csv(io.StringIO(text), dtype=str).itertuples(index=False):
        for part in str(amounts).split(","):
            number, currency = part.strip().rsplit(" ", 1)
            whole, _, cents = number.partition(".")
            value = abs(int(whole)) * 100 + int((cents + "00")[:2])
            out[(account, currency)] += -value if number.startswith("-") else value
    return Counter({k: v for k, v in out.items() if v})


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _check(led: Ledger, folder: Path) -> None:
    flows = led.flows()
    # JSON: the ledger part loads back as the same ledger, a flow row per row
    document = json.loads(export_text(led, "json"))
    (folder / "ledger.json").write_text(json.dumps(document["ledger"]), encoding="utf-8")
    assert ac.load(folder / "ledger.json") == led
    assert len(document["flows"]) == len(flows)
    # CSV: every table cell for cell (one empty cell for missing and empty text)
    ac.export(led, to="csv", out=folder / "csv", decimal=True)
    for name in TABLE_NAMES:
        frame = flows if name == "flows" else led.frame(name)
        types = {n: t for n, t, _ in export_columns(frame, decimal=True)}
        got = _read_csv(folder / "csv" / f"{name}.csv", types)
        want = _expected_cells(frame, True)
        for column in types:
            _same(got[column], [None if v == "" else v for v in want[column]], name)
    # SQL: every row, the exact net cents (text with a NUL is refused, as documented)
    try:
        script, refused = export_text(led, "sql"), ""
    except ValueError as exc:  # text with a NUL, as documented (PostgreSQL cannot hold it)
        script, refused = None, str(exc)
    if script is None:
        assert "NUL character" in refused
        assert _has_nul(led.to_data())
    else:
        net = int((flows["direction"].astype("int64") * flows["cents"]).sum())
        con = sqlite3.connect(":memory:")
        con.executescript(script)
        for name in TABLE_NAMES:
            frame = flows if name == "flows" else led.frame(name)
            assert con.execute(f'select count(*) from "{name}"').fetchone()[0] == len(frame)
        assert (
            con.execute("select coalesce(sum(direction * cents), 0) from flows").fetchone()[0]
            == net
        )
        try:
            import duckdb
        except ImportError:
            pass
        else:
            d = duckdb.connect()
            d.execute(script)
            assert d.execute("select count(*) from flows").fetchone()[0] == len(flows)
            assert (
                d.execute("select coalesce(sum(direction * cents), 0) from flows").fetchone()[0]
                == net
            )
    # journals: accepted by the tools, balances as the flows give them by hand
    want = _by_hand(flows)
    if HLEDGER is not None:
        journal = ac.export(led, to="hledger", out=folder / "flows.journal")[0]
        done = subprocess.run(
            [HLEDGER, "-f", str(journal), "check", "--strict"], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert _hledger_balances(journal) == want
    if BEAN_CHECK is not None:
        book = ac.export(led, to="beancount", out=folder / "flows.beancount")[0]
        done = subprocess.run([BEAN_CHECK, str(book)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ledgers())
def test_every_export_of_any_ledger(led: Ledger) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _check(led, Path(folder))


def test_every_export_of_the_bundled_ledger(bundled: Ledger, tmp_path: Path) -> None:
    _check(bundled, tmp_path)


def test_balances_by_hand_of_a_small_ledger(tmp_path: Path) -> None:
    """The rule itself, on four rows worked by hand: acme raises $10M from fund (fund's side
    is a row of its own), pays aws €1,234.56 for compute and 'unknown' (an entity) $5, and
    pays $7 to no one named."""
    path = tmp_path / "small.yaml"
    path.write_text(
        """
entities:
- {id: acme, name: Acme, type: company}
- {id: fund, name: Fund, type: investor}
- {id: aws, name: AWS, type: cloud_provider}
- {id: unknown, name: Unknown Ltd, type: company}
fx_rates:
- {id: eur, currency: EUR, date: 2020-01-01, usd: 1.1}
funding_rounds:
- {id: r1, company: acme, date: 2023-03-15, amount: $10M, investors: [{investor: fund}]}
expenses:
- {id: e1, company: acme, counterparty: aws, category: compute, amount: "€1,234.56",
   date: 2024-01-15}
- {id: e2, company: acme, counterparty: unknown, category: opex, amount: $5, date: 2024-01-16}
- {id: e3, company: acme, category: opex, amount: $7, date: 2024-01-17}
""",
        encoding="utf-8",
    )
    led = ac.load(path)
    unknown = account_names(["unknown"])["unknown"]  # Unknown-<8 hex digits>: it collides
    assert re.fullmatch(r"Unknown-[0-9a-f]{8}", unknown)
    want = Counter(
        {
            ("Assets:Cash:Acme", "USD"): 1_000_000_000 - 500 - 700,  # $10M in, $5 and $7 out
            ("Assets:Cash:Acme", "EUR"): -123456,
            ("Equity:Funding:Acme:Fund", "USD"): -1_000_000_000,
            ("Assets:Cash:Fund", "USD"): -1_000_000_000,  # the fund's own books
            ("Assets:Investments:Fund:Acme", "USD"): 1_000_000_000,
            ("Expenses:Compute:Acme:Aws", "EUR"): 123456,
            (f"Expenses:Opex:Acme:{unknown}", "USD"): 500,
            ("Expenses:Opex:Acme:Unknown", "USD"): 700,  # no counterparty named
        }
    )
    assert _by_hand(led.flows()) == want
    if HLEDGER is None:
        pytest.skip("hledger is not installed (apt-get install hledger)")
    journal = ac.export(led, to="hledger", out=tmp_path / "small.journal")[0]
    assert _hledger_balances(journal) == want


def test_every_export_of_the_deal_kinds_and_odd_text(ledger_text: Any, tmp_path: Path) -> None:
    """The kinds the strategy does not make (warrants, share counts, listings, mergers,
    vehicles, capex: tests/test_deals.py's ledger), odd text (tests/test_export_sql.py's) and
    Windows line ends (tests/test_review5_export_sql_shells.py's), through every export."""
    from test_deals import DEALS, ENTITIES
    from test_export_sql import ODD
    from test_review5_export_sql_shells import CRLF

    for i, text in enumerate((ENTITIES + DEALS, ODD, CRLF)):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        _check(ac.load(ledger_text(text, name=f"case{i}.yaml")), folder)
