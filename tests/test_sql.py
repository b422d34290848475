"""SQL over a ledger (aicapex.export.sql) and the ``aicapex query`` command.

Results are compared with the ledger's own frames and flows, computed with pandas.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export.sql import VIEWS, SQLError

duckdb = pytest.importorskip(
    "duckdb", reason="duckdb is not installed (pip install 'aicapex[sql]')"
)

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme-ai, name: Acme AI, type: company}
- {id: euro-ai, name: Euro AI, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: google-cloud, name: Google Cloud, type: cloud_provider}
fx_rates:
- {id: eur-2023, currency: EUR, date: 2023-01-01, usd: 1.1}
funding_rounds:
- id: acme-seed
  company: acme-ai
  date: 2023-03
  amount: $100M
  investors: [{investor: fund-a, amount: $30M}]
  tranches:
  - {amount: $60M, status: disbursed, date: 2023-04}
  - {amount: $40M, status: committed, date: 2024-01}
- {id: euro-a, company: euro-ai, date: 2023-06-15, amount: €20.5M}
cloud_bills:
- id: acme-gc-2023-07
  payer: acme-ai
  provider: google-cloud
  period: 2023-07
  billed: $1,234,567.89
  payments: [{date: 2023-08-15, amount: "$1,000,000"}]
expenses:
- {id: euro-payroll, company: euro-ai, category: payroll, rate: "€100,000.01/month", date: 2023-07,
   until: 2023-12, basis: actual, note: "=1+1"}
"""


@pytest.fixture
def led(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


@pytest.fixture(params=["bundled", "led"])
def ledger(request: pytest.FixtureRequest) -> ac.Ledger:
    value: ac.Ledger = request.getfixturevalue(request.param)
    return value


def test_the_example_of_the_issue(ledger: ac.Ledger) -> None:
    got = ac.sql(ledger, "select entity, sum(amount_usd) from flows group by 1 order by 1")
    flows = ledger.flows()
    want = flows.groupby(flows["entity"].astype(str))["amount_usd"].sum().sort_index()
    assert got["entity"].tolist() == want.index.tolist()
    assert got.iloc[:, 1].tolist() == pytest.approx(want.tolist())


def test_cents_sums_are_exact_integers(ledger: ac.Ledger) -> None:
    got = ac.sql(
        ledger,
        "select record, sum(cents) as cents, count(*) as n from flows group by record order by 1",
    )
    flows = ledger.flows()
    want = flows.groupby(flows["record"].astype(str))["cents"].sum().sort_index()
    assert got["cents"].dtype == "Int64"
    assert dict(zip(got["record"], got["cents"].tolist(), strict=True)) == {
        k: int(v) for k, v in want.items()
    }


def test_every_frame_is_a_view(ledger: ac.Ledger) -> None:
    for name in VIEWS:
        frame = ledger.flows() if name == "flows" else ledger.frame(name)
        got = ac.sql(ledger, f"select * from {name}")
        assert len(got) == len(frame), name
        assert [c for c in got.columns if not c.endswith("_cents")] == list(frame.columns), name


def test_views_have_plain_text_timestamps_and_cents(led: ac.Ledger) -> None:
    types = ac.sql(
        led,
        "select column_name, column_type from (describe select * from flows)",
    )
    kinds = dict(zip(types["column_name"], types["column_type"], strict=True))
    assert kinds["entity"] == "VARCHAR"
    assert kinds["record"] == "VARCHAR"
    assert kinds["date"] == "TIMESTAMP"
    assert kinds["cents"] == "BIGINT"
    assert kinds["direction"] == "TINYINT"
    got = ac.sql(
        led,
        "select r.id, r.amount_cents, sum(t.amount_cents) as tranches "
        "from funding_rounds r join tranches t on t.round = r.id group by all",
    )
    assert got.to_dict("records") == [
        {"id": "acme-seed", "amount_cents": 10_000_000_000, "tranches": 10_000_000_000}
    ]
    rate = ac.sql(led, "select rate, rate_cents, rate_currency from expenses")
    assert rate.to_dict("records") == [
        {"rate": 100000.01, "rate_cents": 10_000_001, "rate_currency": "EUR"}
    ]
    monthly = ac.sql(
        led,
        "select strftime(month, '%Y-%m') as m, sum(direction * cents) as net from flows "
        "where entity = 'euro-ai' and month >= '2023-07-01' group by 1 order by 1",
    )
    assert monthly["net"].tolist() == [-10_000_001] * 6


def test_tables_by_name(led: ac.Ledger) -> None:
    flows = ac.filter_flows(led.flows(), "entity:acme-ai")
    got = ac.sql({"flows": flows}, "select count(*) as n from flows")
    assert got["n"].tolist() == [len(flows)]


def test_bad_sql_is_a_one_line_error(led: ac.Ledger) -> None:
    cases = {
        "selec 1": "syntax error",
        "select * from fundings": "no view named 'fundings' (did you mean 'funding_rounds'?)",
        "select nope from flows": 'Referenced column "nope" not found',
        "select 'a'::int": "Could not convert string 'a'",
    }
    for query, message in cases.items():
        with pytest.raises(SQLError) as caught:
            ac.sql(led, query)
        assert message in str(caught.value), query
        assert "\n" not in str(caught.value)


def test_no_files_unless_asked(led: ac.Ledger, tmp_path: Path) -> None:
    secret = tmp_path / "x.csv"
    secret.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(SQLError, match="disabled"):
        ac.sql(led, f"select * from read_csv('{secret}')")
    got = ac.sql(led, f"select * from read_csv('{secret}')", external_access=True)
    assert got["a"].tolist() == [1]


def test_columns_named_alike_get_numbers(led: ac.Ledger) -> None:
    got = ac.sql(led, "select 1 as a, 2 as a, 3 as a_1")
    assert got.columns[0] == "a"
    assert len(set(got.columns)) == 3
    assert got.iloc[0].tolist() == [1, 2, 3]


def test_without_duckdb_the_error_names_the_extra(
    led: ac.Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(ImportError, match=r"pip install 'aicapex\[sql\]'"):
        ac.sql(led, "select 1")


def test_without_pyarrow_views_are_pandas_frames(
    led: ac.Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    got = ac.sql(led, "select record, sum(cents) as c from flows group by 1 order by 1")
    flows = led.flows()
    want = flows.groupby(flows["record"].astype(str))["cents"].sum().sort_index()
    assert got["c"].tolist() == want.tolist()
    kinds = ac.sql(led, "select column_name, column_type from (describe select * from tranches)")
    types = dict(zip(kinds["column_name"], kinds["column_type"], strict=True))
    assert types["round"] == "VARCHAR"
    assert types["date_start"].startswith("TIMESTAMP")
    assert types["amount_cents"] == "BIGINT"


# -- aicapex query -----------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


QUERY = "select entity, sum(cents) as cents, min(date) as first from flows group by 1 order by 1"


def test_query_formats(runner: CliRunner, ledger_text: LedgerText, led: ac.Ledger) -> None:
    path = ledger_text(LEDGER, name="cli.yaml")
    flows = led.flows()
    want = flows.groupby(flows["entity"].astype(str))["cents"].sum().sort_index()
    result = runner.invoke(app, ["query", str(path), QUERY, "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    rows = document["rows"]
    assert document["as_of"] == f"{led.span()[1]:%Y-%m-%d}"  # the last day of the ledger
    assert document["columns"] == list(rows[0])
    assert [r["cents"] for r in rows] == want.tolist()
    assert (
        rows[0]["first"] == f"{flows['date'][flows['entity'] == rows[0]['entity']].min():%Y-%m-%d}"
    )
    result = runner.invoke(app, ["query", str(path), QUERY, "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(pd.io.common.StringIO(result.stdout))
    assert table["cents"].tolist() == want.tolist()
    result = runner.invoke(app, ["query", str(path), QUERY])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["entity", "cents", "first"]
    assert lines[-1] == f"{len(want)} rows"
    formula = runner.invoke(
        app, ["query", str(path), "select note from expenses", "--format", "csv"]
    )
    assert formula.stdout.splitlines() == ["note", "'=1+1"]


def test_query_errors(
    runner: CliRunner, ledger_text: LedgerText, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = ledger_text(LEDGER)
    result = runner.invoke(app, ["query", str(path), "select * from nowhere"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: SQL: no view named 'nowhere'")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.output
    monkeypatch.setitem(sys.modules, "duckdb", None)
    result = runner.invoke(app, ["query", str(path), "select 1"])
    assert result.exit_code == 1
    assert "pip install 'aicapex[sql]'" in result.stderr


def test_duplicate_names_are_numbered_after_the_first() -> None:
    from aicapex.export.sql import _unique_names

    frame = pd.DataFrame([[1, 2, 3, 4]], columns=["a", "a", "a_1", "a"])
    assert list(_unique_names(frame).columns) == ["a", "a_2", "a_1", "a_3"]
