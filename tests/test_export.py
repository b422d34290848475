"""Exports (aicapex.export): JSON, CSV and Parquet tables, hledger and beancount journals.

Round trips compare what is read back with the frames and the flows of the ledger itself: tables
cell by cell (money to the exact cent), the JSON document's cents per record, and the journals'
balances per account and month, as the real tools (hledger, bean-check, bean-query) compute
them, with aicapex's own from the flows' cents. The tools are not installed by the tests: where
they are missing, those tests skip.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.export import export_text
from aicapex.export.journal import UNKNOWN, account_names, component, postings
from aicapex.export.tables import (
    TABLE_NAMES,
    escape_formula,
    export_columns,
    write_atomically,
)
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION

LedgerText = Callable[..., Path]

#: Several companies and investors, three currencies with FX rates, undisclosed payers, tranches
#: (committed and disbursed), a bill with a payment, a rate over months, cents that do not split
#: evenly, ids whose account names collide (fund-a, fund_a; the entity 'unknown'), and text a
#: spreadsheet would run as a formula.
RICH = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
- {id: s2, outlet: "=cmd|' /C calc'!A0", title: "@SUM(1+1)", date: 2024-05}
entities:
- {id: acme-ai, name: Acme AI, type: company, note: "=HYPERLINK(\\"http://x\\", \\"click\\")"}
- {id: euro-ai, name: "+Euro AI", type: company, note: "'quoted already"}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund_a, name: "-Fund A bis", type: investor}
- {id: google-cloud, name: Google Cloud, type: cloud_provider}
- {id: unknown, name: Unknown Ltd, type: company}
fx_rates:
- {id: eur-2023, currency: EUR, date: 2023-01-01, usd: 1.1}
- {id: gbp-2023, currency: GBP, date: 2023-01-01, usd: 1.25}
funding_rounds:
- id: acme-seed
  company: acme-ai
  date: 2023-03
  amount: $100M
  investors: [{investor: fund-a, amount: $30M}, {investor: fund_a}]
  tranches:
  - {amount: $60M, status: disbursed, date: 2023-04}
  - {amount: $40M, status: committed, date: 2024-01}
  sources: [{source: s2}]
- {id: euro-a, company: euro-ai, date: 2023-06-15, amount: €20.5M, investors: [{investor: fund-a}]}
- id: euro-b
  company: euro-ai
  date: 2023-Q4
  status: announced
  amount: €7.77M
  investors: [{investor: fund_a}]
- id: euro-c
  company: euro-ai
  date: 2023-11
  amount: €1.01M
  investors: [{investor: fund-a}, {investor: fund_a}]
cloud_bills:
- id: acme-gc-2023-07
  payer: acme-ai
  provider: google-cloud
  period: 2023-07
  billed: $1,234,567.89
  payments: [{date: 2023-08-15, amount: "$1,000,000"}]
  sources: [{source: s1}]
expenses:
- id: euro-payroll
  company: euro-ai
  category: payroll
  rate: "€100,000.01/month"
  date: 2023-07
  until: 2023-12
  basis: actual
- id: acme-rent
  company: acme-ai
  category: opex
  amount: "£10,000.33"
  date: 2023-09-30
  counterparty: unknown
revenues:
- id: acme-rev
  company: acme-ai
  amount: "$3,000,000.05"
  date: 2023
  counterparty: google-cloud
  note: "-1 risky +cell"
"""


def _tool(name: str) -> str | None:
    """A command on PATH, or installed beside this Python (a virtualenv's bin)."""
    return shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))


HLEDGER, BEAN_CHECK, BEAN_QUERY = _tool("hledger"), _tool("bean-check"), _tool("bean-query")
needs_hledger = pytest.mark.skipif(
    HLEDGER is None, reason="hledger is not installed (apt-get install hledger)"
)
needs_beancount = pytest.mark.skipif(
    BEAN_CHECK is None or BEAN_QUERY is None,
    reason="bean-check/bean-query are not installed (pip install beancount beanquery)",
)


@pytest.fixture
def rich(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(RICH))


@pytest.fixture(params=["bundled", "rich"])
def ledger(request: pytest.FixtureRequest) -> ac.Ledger:
    led: ac.Ledger = request.getfixturevalue(request.param)
    return led


def _frame(led: ac.Ledger, name: str) -> pd.DataFrame:
    return led.flows() if name == "flows" else led.frame(name)


# -- JSON --------------------------------------------------------------------------------------


def test_json_has_the_versions_the_ledger_and_exact_flows(
    ledger: ac.Ledger, tmp_path: Path
) -> None:
    path = ac.export(ledger, to="json", out=tmp_path / "out" / "ledger.json")[0]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["schema_version"] == SCHEMA_VERSION
    # the ledger part is a ledger file: it loads back as the same ledger
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(doc["ledger"]), encoding="utf-8")
    assert ac.load(copy) == ledger
    flows = ledger.flows()
    rows = doc["flows"]
    assert len(rows) == len(flows)
    assert all(list(r) == list(flows.columns) for r in rows)
    assert all(type(r["cents"]) is int for r in rows)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]) for r in rows)
    by_record: dict[str, int] = defaultdict(int)
    for r in rows:
        by_record[r["record"]] += r["cents"]
    expected = flows.groupby(flows["record"].astype(str))["cents"].sum()
    assert by_record == {k: int(v) for k, v in expected.items()}
    assert [r["amount"] for r in rows] == flows["amount"].tolist()


def test_json_flows_follow_the_filter(rich: ac.Ledger) -> None:
    doc = json.loads(export_text(rich, "json", filter="entity:euro-ai"))
    assert {r["entity"] for r in doc["flows"]} == {"euro-ai"}
    assert doc["ledger"] == json.loads(json.dumps(rich.to_data()))


# -- CSV and Parquet ---------------------------------------------------------------------------


def _expected_cells(frame: pd.DataFrame, decimal: bool) -> dict[str, list[Any]]:
    """What each exported column holds, from the frame: None where missing."""
    out: dict[str, list[Any]] = {}
    for name, type_, source in export_columns(frame, decimal=decimal):
        column = frame[source]
        if type_ in ("cents", "decimal"):
            if source == "amount" and "cents" in frame.columns:
                cents = [int(c) for c in frame["cents"]]
            else:
                cents = [None if pd.isna(v) else round(float(v) * 100) for v in column]
            out[name] = (
                cents
                if type_ == "cents"
                else [None if c is None else Decimal(c).scaleb(-2) for c in cents]
            )
        elif type_ == "date":
            out[name] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in column]
        elif type_ == "text":
            out[name] = [None if pd.isna(v) else str(v) for v in column.astype(object)]
        elif type_ == "float":
            out[name] = [None if pd.isna(v) else float(v) for v in column]
        elif type_ == "bool":
            out[name] = [None if pd.isna(v) else bool(v) for v in column.astype(object)]
        else:
            out[name] = [None if pd.isna(v) else int(v) for v in column.astype(object)]
    return out


def _read_csv(path: Path, types: dict[str, str]) -> dict[str, list[Any]]:
    """A CSV table read back by the documented rules: drop one leading quote of text cells."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    assert header == list(types)
    out: dict[str, list[Any]] = {}
    for i, name in enumerate(header):
        cells = [row[i] for row in body]
        kind = types[name]
        if kind == "text":
            out[name] = [(c[1:] if c.startswith("'") else c) or None for c in cells]
        elif kind == "date":
            out[name] = [dt.date.fromisoformat(c) if c else None for c in cells]
        elif kind == "float":
            out[name] = [float(c) if c else None for c in cells]
        elif kind == "bool":
            out[name] = [{"true": True, "false": False, "": None}[c] for c in cells]
        elif kind == "decimal":
            out[name] = [Decimal(c) if c else None for c in cells]
        else:
            out[name] = [int(c) if c else None for c in cells]
    return out


def _same(got: list[Any], want: list[Any], name: str) -> None:
    assert len(got) == len(want), name
    for g, w in zip(got, want, strict=True):
        if isinstance(w, Decimal):
            assert g == w, name
            assert str(g) == str(w), name  # to the cent
        else:
            assert g == w, name


@pytest.mark.parametrize("decimal", [False, True])
def test_csv_tables_read_back_equal_the_frames(
    ledger: ac.Ledger, tmp_path: Path, decimal: bool
) -> None:
    paths = ac.export(ledger, to="csv", out=tmp_path / "tables", decimal=decimal)
    assert [p.name for p in paths] == [f"{n}.csv" for n in TABLE_NAMES]
    for name in TABLE_NAMES:
        frame = _frame(ledger, name)
        types = {n: t for n, t, _ in export_columns(frame, decimal=decimal)}
        got = _read_csv(tmp_path / "tables" / f"{name}.csv", types)
        want = _expected_cells(frame, decimal)
        for column in types:
            # CSV has one empty cell for both missing and empty text
            expected = [None if v == "" else v for v in want[column]]
            _same(got[column], expected, f"{name}.{column}")


@pytest.mark.parametrize("decimal", [False, True])
def test_parquet_tables_read_back_equal_the_frames(
    ledger: ac.Ledger, tmp_path: Path, decimal: bool
) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed")
    import pyarrow as pa

    ac.export(ledger, to="parquet", out=tmp_path, decimal=decimal)
    arrow = {
        "text": pa.string(),
        "float": pa.float64(),
        "int": pa.int64(),
        "int8": pa.int8(),
        "bool": pa.bool_(),
        "date": pa.timestamp("us"),
        "cents": pa.int64(),
        "decimal": pa.decimal128(38, 2),
    }
    for name in TABLE_NAMES:
        frame = _frame(ledger, name)
        table = pq.read_table(tmp_path / f"{name}.parquet")
        columns = export_columns(frame, decimal=decimal)
        assert table.column_names == [n for n, _, _ in columns]
        assert [table.schema.field(n).type for n, _, _ in columns] == [
            arrow[t] for _, t, _ in columns
        ]
        meta = table.schema.metadata
        assert meta[b"aicapex.kind"] == name.encode()
        assert meta[b"aicapex.schema_version"] == SCHEMA_VERSION.encode()
        want = _expected_cells(frame, decimal)
        for column, type_, _ in columns:
            values = table.column(column).to_pylist()
            if type_ == "date":
                values = [None if v is None else v.date() for v in values]
            _same(values, want[column], f"{name}.{column}")


def test_money_columns_get_exact_cents_beside_their_currency(rich: ac.Ledger) -> None:
    names = [n for n, _, _ in export_columns(rich.frame("expenses"), decimal=True)]
    for money in ("amount", "rate"):
        at = names.index(f"{money}_currency")
        assert names[at + 1 : at + 3] == [f"{money}_cents", f"{money}_decimal"]
    flows = [n for n, _, _ in export_columns(rich.flows(), decimal=True)]
    assert flows[flows.index("cents") + 1] == "amount_decimal"
    assert "amount_usd_cents" not in names  # conversions stay floats


def test_columns_are_stable_when_tables_are_empty(tmp_path: Path, bundled: ac.Ledger) -> None:
    empty = ac.Ledger()
    ac.export(empty, to="csv", out=tmp_path / "empty")
    for name in TABLE_NAMES:
        with (tmp_path / "empty" / f"{name}.csv").open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert header == [n for n, _, _ in export_columns(_frame(bundled, name))], name


def test_csv_escapes_formulas_in_text_only(rich: ac.Ledger, tmp_path: Path) -> None:
    ac.export(rich, to="csv", out=tmp_path)

    def column(table: str, name: str) -> list[str]:
        with (tmp_path / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            return [row[name] for row in csv.DictReader(f)]

    assert column("entities", "note")[:2] == [
        '\'=HYPERLINK("http://x", "click")',
        "''quoted already",
    ]
    assert column("entities", "name")[1:4] == ["'+Euro AI", "Fund A", "'-Fund A bis"]
    assert column("sources", "outlet")[1] == "'=cmd|' /C calc'!A0"
    assert column("sources", "title")[1] == "'@SUM(1+1)"
    assert column("revenues", "note") == ["'-1 risky +cell"]
    # negative numbers in number columns are numbers
    assert "-1" in column("flows", "direction")
    text = (tmp_path / "flows.csv").read_text(encoding="utf-8")
    assert "'-" not in text


def test_escape_formula() -> None:
    for text in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'x"):
        assert escape_formula(text) == "'" + text
    for text in ("", "a=b", "1-2", "stability-ai", " =x"):
        assert escape_formula(text) == text


def test_writes_are_atomic(tmp_path: Path) -> None:
    target = tmp_path / "t.csv"
    target.write_text("old\n", encoding="utf-8")

    def fail(out: Any) -> None:
        out.write(b"half of a ")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(target, fail)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["t.csv"]  # no temporary file left behind
    write_atomically(target, lambda out: out.write(b"new\n"))
    assert target.read_text(encoding="utf-8") == "new\n"


def test_out_must_be_of_the_right_sort(rich: ac.Ledger, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is a folder"):
        ac.export(rich, to="hledger", out=tmp_path)
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="is a file"):
        ac.export(rich, to="csv", out=tmp_path / "f")
    with pytest.raises(ValueError, match="did you mean 'parquet'"):
        ac.export(rich, to="parket", out=tmp_path / "x")
    with pytest.raises(ValueError, match="decimal"):
        ac.export(rich, to="json", out=tmp_path / "x.json", decimal=True)
    with pytest.raises(TypeError):
        ac.export(rich, to="json")  # type: ignore[call-arg]


def test_parquet_without_pyarrow_names_the_extra(
    rich: ac.Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"aicapex\[parquet\]"):
        ac.export(rich, to="parquet", out=tmp_path / "p")
    assert not (tmp_path / "p").exists()


# -- account names -----------------------------------------------------------------------------

COMPONENT = re.compile(r"[A-Z0-9][A-Za-z0-9-]*")


def test_account_names_follow_the_rule() -> None:
    names = account_names(["stability-ai", "google-cloud", "aws", "3m", "x.ai", "open_ai"])
    assert names == {
        "stability-ai": "StabilityAi",
        "google-cloud": "GoogleCloud",
        "aws": "Aws",
        "3m": "3m",
        "x.ai": "XAi",
        "open_ai": "OpenAi",
    }
    assert component("in_kind_compute") == "InKindCompute"


def test_colliding_ids_get_distinct_names() -> None:
    ids = ["stability-ai", "stability_ai", "stability.ai", "stabilityAi", "unknown", "aws"]
    names = account_names(ids)
    assert len(set(names.values())) == len(ids)
    assert names["aws"] == "Aws"
    for i in ids[:5]:
        assert re.fullmatch(rf"{component(i)}-[0-9a-f]{{8}}", names[i]), names[i]
    assert UNKNOWN not in names.values()
    assert all(COMPONENT.fullmatch(n) for n in names.values())
    shuffled = ids[:]
    random.Random(1).shuffle(shuffled)
    assert account_names(shuffled) == names


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:+-]{0,12}", fullmatch=True), max_size=30))
def test_account_names_are_distinct_valid_and_plain_unless_they_collide(ids: list[str]) -> None:
    names = account_names(ids)
    assert set(names) == set(ids)
    assert len(set(names.values())) == len(names)
    assert all(COMPONENT.fullmatch(n) for n in names.values())
    natural = [component(i) for i in set(ids)]
    for i, name in names.items():
        if natural.count(component(i)) == 1 and component(i) != UNKNOWN:
            assert name == component(i)


# -- journals, checked by the real tools -------------------------------------------------------


def _expected_balances(flows: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    """Each account's cents per month and currency, from the flows by the documented rule."""
    ids = {str(v) for c in ("entity", "payer", "payee") for v in flows[c].dropna().astype(str)}
    names = account_names(ids)
    out: dict[tuple[str, str, str], int] = defaultdict(int)
    for r in flows.astype(
        dict.fromkeys(("entity", "payer", "payee", "category"), "object")
    ).itertuples():
        who = names[r.entity]
        other = r.payer if r.direction > 0 else r.payee
        them = UNKNOWN if pd.isna(other) else names[other]
        side = {
            "funding": "Equity:Funding",
            "investment": "Assets:Investments",
            "revenue": "Income:Revenue",
        }.get(r.category, f"{'Income' if r.direction > 0 else 'Expenses'}:{component(r.category)}")
        month = f"{r.month:%Y-%m}"
        out[(f"Assets:Cash:{who}", month, str(r.currency))] += r.direction * r.cents
        out[(f"{side}:{who}:{them}", month, str(r.currency))] -= r.direction * r.cents
    return {k: v for k, v in out.items() if v}


def _cents(text: str) -> int:
    value = Decimal(text.strip())
    assert value == value.quantize(Decimal("0.01"))
    return int(value * 100)


def _flows_variants(led: ac.Ledger) -> list[pd.DataFrame]:
    return [led.flows(), ac.filter_flows(led.flows(), "not:status:committed,scheduled")]


def test_cash_accounts_are_the_flows_net_per_entity_and_month(ledger: ac.Ledger) -> None:
    flows = ledger.flows()
    post = postings(flows)
    assert len(post) == 2 * len(flows)
    assert (post.groupby("row")["cents"].sum() == 0).all()  # every transaction balances
    cash = post[post["account"].str.startswith("Assets:Cash:")]
    names = account_names(
        {str(v) for c in ("entity", "payer", "payee") for v in flows[c].dropna().astype(str)}
    )
    got = cash.groupby(["account", "month", "currency"])["cents"].sum()
    net = flows.assign(net=flows["direction"].astype("int64") * flows["cents"])
    want = net.groupby(
        [
            net["entity"].astype(str).map(lambda e: f"Assets:Cash:{names[e]}"),
            "month",
            net["currency"].astype(str),
        ]
    )["net"].sum()
    assert got.to_dict() == want.to_dict()


@needs_hledger
def test_hledger_reads_the_journal_and_balances_to_the_cent(
    ledger: ac.Ledger, tmp_path: Path
) -> None:
    assert HLEDGER is not None
    for i, flows in enumerate(_flows_variants(ledger)):
        path = tmp_path / f"flows{i}.journal"
        from aicapex.export.journal import hledger_journal

        path.write_text(hledger_journal(flows), encoding="utf-8")
        check = subprocess.run(
            [HLEDGER, "-f", str(path), "check", "-s", "ordereddates"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert check.returncode == 0, check.stderr
        report = subprocess.run(
            [
                HLEDGER,
                "-f",
                str(path),
                "balance",
                "-M",
                "--flat",
                "-N",
                "-O",
                "csv",
                "--layout=bare",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        rows = list(csv.reader(report.splitlines()))
        months = rows[0][2:]
        got = {
            (account, month, commodity): _cents(value)
            for account, commodity, *values in rows[1:]
            for month, value in zip(months, values, strict=True)
            if _cents(value)
        }
        assert got == _expected_balances(flows)


@needs_hledger
def test_hledger_tags_name_the_record(rich: ac.Ledger, tmp_path: Path) -> None:
    assert HLEDGER is not None
    path = ac.export(rich, to="hledger", out=tmp_path / "f.journal")[0]
    flows = rich.flows()
    for record in ("acme-seed", "euro-payroll"):
        report = subprocess.run(
            [HLEDGER, "-f", str(path), "register", f"tag:record={record}", "-O", "csv"],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        rows = list(csv.DictReader(report.splitlines()))
        assert len(rows) == 2 * int((flows["record"] == record).sum())
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[2] == "decimal-mark ."
    assert "source:s2" in text
    assert "," not in "".join(line.split(";")[0] for line in text.splitlines()[3:])


@needs_beancount
def test_beancount_checks_and_balances_to_the_cent(ledger: ac.Ledger, tmp_path: Path) -> None:
    assert BEAN_CHECK is not None
    assert BEAN_QUERY is not None
    from aicapex.export.journal import beancount_journal

    for i, flows in enumerate(_flows_variants(ledger)):
        path = tmp_path / f"flows{i}.beancount"
        path.write_text(beancount_journal(flows), encoding="utf-8")
        check = subprocess.run(
            [BEAN_CHECK, str(path)], capture_output=True, text=True, check=False, timeout=120
        )
        assert check.returncode == 0, check.stdout + check.stderr
        query = (
            "SELECT account, year(date) AS y, month(date) AS m, currency, sum(number) AS n "
            "GROUP BY account, y, m, currency"
        )
        report = subprocess.run(
            [BEAN_QUERY, "-f", "csv", str(path), query],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        got = {
            (r["account"], f"{int(r['y']):04d}-{int(r['m']):02d}", r["currency"]): _cents(r["n"])
            for r in csv.DictReader(report.splitlines())
            if _cents(r["n"])
        }
        assert got == _expected_balances(flows)


@needs_beancount
def test_beancount_metadata_names_the_record(rich: ac.Ledger, tmp_path: Path) -> None:
    assert BEAN_QUERY is not None
    path = ac.export(rich, to="beancount", out=tmp_path / "f.beancount")[0]
    report = subprocess.run(
        [
            BEAN_QUERY,
            "-f",
            "csv",
            str(path),
            "SELECT entry_meta('record') AS r, entry_meta('source') AS s, count(*) AS n "
            "GROUP BY r, s",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    got = {
        (r["r"].strip(), r["s"].strip()): int(r["n"]) for r in csv.DictReader(report.splitlines())
    }
    flows = rich.flows()
    want: dict[tuple[str, str], int] = defaultdict(int)
    pairs = zip(flows["record"].astype(object), flows["source"].astype(object), strict=True)
    for record, source in pairs:
        want[(str(record), "" if pd.isna(source) else str(source))] += 2  # two postings a row
    assert got == want


def test_journals_write_exact_amounts_with_a_dot(rich: ac.Ledger) -> None:
    from aicapex.export.journal import beancount_journal, hledger_journal

    flows = rich.flows()
    for text in (hledger_journal(flows), beancount_journal(flows)):
        for amount in ("1234567.89 USD", "-1234567.89 USD", "100000.01 EUR", "-10000.33 GBP"):
            assert amount in text
        assert not re.search(r"\d,\d{3}", text.split("\n\n", 3)[-1].replace("; ", ""))
    bean = beancount_journal(flows)
    assert '  record: "acme-seed"' in bean
    assert '  source: "s2"' in bean
    for account in re.findall(r"^\d{4}-\d\d-\d\d open (\S+)$", bean, flags=re.M):
        assert all(COMPONENT.fullmatch(part) for part in account.split(":")), account
    assert "Equity:Funding:AcmeAi:Undisclosed" in bean
    assert re.search(r"Equity:Funding:EuroAi:FundA-[0-9a-f]{8}", bean)  # fund-a and fund_a
    assert re.search(r"Expenses:Opex:AcmeAi:Unknown-[0-9a-f]{8}", bean)  # the entity 'unknown'
    assert "Expenses:Payroll:EuroAi:Unknown\n" in bean or "Expenses:Payroll:EuroAi:Unknown " in bean


def test_an_empty_ledger_makes_empty_journals(tmp_path: Path) -> None:
    for to in ("hledger", "beancount", "json"):
        path = ac.export(ac.Ledger(), to=to, out=tmp_path / f"empty.{to}")[0]
        assert path.read_text(encoding="utf-8")


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


def test_cli_export_single_files_to_stdout_or_a_file(
    runner: CliRunner, ledger_text: LedgerText, tmp_path: Path, rich: ac.Ledger
) -> None:
    path = ledger_text(RICH, name="cli.yaml")
    result = runner.invoke(app, ["export", str(path), "--to", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["flows"]) == len(rich.flows())
    result = runner.invoke(
        app,
        [
            "export",
            str(path),
            "--to",
            "beancount",
            "-f",
            "entity:euro-ai",
            "-o",
            str(tmp_path / "e.beancount"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "e.beancount")
    assert "AcmeAi" not in (tmp_path / "e.beancount").read_text(encoding="utf-8")
    result = runner.invoke(app, ["export", str(path), "--to", "hledger"])
    assert result.stdout.startswith("; aicapex flows journal")


def test_cli_export_tables(runner: CliRunner, ledger_text: LedgerText, tmp_path: Path) -> None:
    path = ledger_text(RICH, name="cli.yaml")
    result = runner.invoke(
        app, ["export", str(path), "--to", "csv", "--out", str(tmp_path / "t"), "--decimal"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(tmp_path / "t" / f"{n}.csv") for n in TABLE_NAMES]
    assert "amount_decimal" in (tmp_path / "t" / "flows.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--to", "csv"], 2, "--out FOLDER is required for csv"),
        (["--to", "json", "--decimal"], 2, "--decimal is for csv and parquet"),
        (["--to", "json", "-f", "entty:x"], 2, "did you mean 'entity'?"),
        (["--to", "jsn"], 2, ""),
    ],
)
def test_cli_export_usage_errors(
    runner: CliRunner, ledger_text: LedgerText, args: list[str], code: int, message: str
) -> None:
    path = ledger_text(RICH)
    result = runner.invoke(app, ["export", str(path), *args])
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_cli_export_input_problems_exit_1(
    runner: CliRunner, ledger_text: LedgerText, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["export", str(tmp_path / "missing.yaml"), "--to", "json"])
    assert result.exit_code == 1
    path = ledger_text(RICH)
    result = runner.invoke(app, ["export", str(path), "--to", "json", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.splitlines()) == 1


def test_flows_columns_in_exports_do_not_rely_on_categoricals(rich: ac.Ledger) -> None:
    """The flows' text columns may become plain strings: the exports give the same text."""
    flows = rich.flows()
    plain = flows.astype({c: "str" for c in flows.columns if flows[c].dtype == "category"})
    assert plain["payee"].isna().sum() == flows["payee"].isna().sum() > 0
    from aicapex.export.journal import hledger_journal
    from aicapex.export.tables import csv_text

    assert hledger_journal(plain) == hledger_journal(flows)
    assert csv_text(plain) == csv_text(flows)
    assert np.array_equal(postings(plain)["cents"], postings(flows)["cents"])
