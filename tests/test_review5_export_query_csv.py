"""``aicapex query --format csv`` writes the columns the query selected, the same as
``--format json`` and the table: a result with a float ``x`` and a text ``x_currency`` got a
``x_cents`` column the query never asked for (the CSV export's rule for record tables), computed
from the float (``select 0.004 as price, 'EUR' as price_currency`` printed ``price_cents`` 0).
The export's tables keep their added cents (``flows --format csv`` is still ``flows.csv``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export.tables import csv_text

pytest.importorskip("duckdb", reason="duckdb is not installed (pip install 'aicapex[sql]')")

LedgerText = Callable[..., Path]

LEDGER = """
entities:
- {id: acme, name: Acme AI, type: company}
- {id: fund, name: Fund, type: investor}
fx_rates:
- {id: eur, currency: EUR, date: 2023-01-01, usd: 1.1}
funding_rounds:
- {id: r1, company: acme, date: 2023-03-15, amount: "€2.5M", investors: [{investor: fund}]}
expenses:
- {id: e1, company: acme, category: opex, amount: "$10.05", date: 2024-01-15}
"""

QUERIES = [
    # a float named like a money column beside its currency: no price_cents
    "select 0.004::double as price, 'EUR' as price_currency",
    # a record view: amount_cents is selected once, where the query put it
    "select id, amount_cents, amount, amount_currency from funding_rounds",
    "select * from funding_rounds",
    "select amount, currency, cents, amount_usd from flows order by date",
]


def _run(runner: CliRunner, path: Path, query: str, fmt: str) -> str:
    result = runner.invoke(app, ["query", str(path), query, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("query", QUERIES)
def test_csv_has_the_columns_json_has(ledger_text: LedgerText, query: str) -> None:
    path = ledger_text(LEDGER)
    runner = CliRunner()
    document = json.loads(_run(runner, path, query, "json"))
    rows = list(csv.reader(io.StringIO(_run(runner, path, query, "csv"), newline="")))
    assert rows[0] == document["columns"]
    assert len(rows) - 1 == len(document["rows"])
    assert rows[0] == list(ac.sql(ac.load(path), query).columns)


def test_the_selected_cells_by_hand(ledger_text: LedgerText) -> None:
    path = ledger_text(LEDGER)
    text = _run(CliRunner(), path, QUERIES[0], "csv")
    assert text == "price,price_currency\n0.004,EUR\n"
    text = _run(CliRunner(), path, QUERIES[1], "csv")
    # €2.5M is 250,000,000 euro cents
    assert text == "id,amount_cents,amount,amount_currency\nr1,250000000,2500000.0,EUR\n"


def test_exported_tables_keep_their_added_cents(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LEDGER))
    header = csv_text(led.frame("funding_rounds")).split("\n", 1)[0].split(",")
    at = header.index("amount_currency")
    assert header[at + 1] == "amount_cents"
    flows = csv_text(led.flows()).split("\n", 1)[0]
    result = CliRunner().invoke(app, ["flows", str(ledger_text(LEDGER)), "--format", "csv"])
    assert result.stdout.split("\n", 1)[0] == flows
