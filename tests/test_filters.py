"""The filter language (aicapex.table.filters) over flows tables and record frames, and the
``aicapex flows`` command.

Expected rows are computed from the columns directly (pandas comparisons), never by the filter
itself; properties: ``X`` and ``not:X`` split the rows in two, a date range is the union of its
months, terms are ANDed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.table.filters import FILTER_KEYS, FilterError, filter_frame, parse_filter

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
- {id: euro-a, company: euro-ai, date: 2023-06-15, amount: €20.5M, investors: [{investor: fund-a}]}
cloud_bills:
- id: acme-gc-2023-07
  payer: acme-ai
  provider: google-cloud
  period: 2023-07
  billed: $1,234,567.89
  payments: [{date: 2023-08-15, amount: "$1,000,000"}]
  sources: [{source: s1}]
expenses:
- {id: euro-payroll, company: euro-ai, category: payroll, rate: "€100K/month", date: 2023-07,
   until: 2024-03, basis: actual}
- {id: acme-opex, company: acme-ai, category: opex, amount: "CHF 5M", date: 2023, basis: expected}
revenues:
- {id: acme-rev, company: acme-ai, amount: $3M, date: 2023, counterparty: google-cloud}
"""


@pytest.fixture
def led(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def text(flows: pd.DataFrame, column: str) -> pd.Series:
    return flows[column].astype("object")


def test_text_terms(led: ac.Ledger) -> None:
    f = led.flows()
    cases = {
        "entity:acme-ai": text(f, "entity") == "acme-ai",
        "ENTITY:ACME-AI": text(f, "entity") == "acme-ai",
        "entity:*-ai": text(f, "entity").isin(["acme-ai", "euro-ai"]),
        "entity:acme-ai,fund-a": text(f, "entity").isin(["acme-ai", "fund-a"]),
        "payer:undisclosed": text(f, "payer") == "undisclosed",
        "payee:google-cloud": text(f, "payee") == "google-cloud",
        "cat:compute": text(f, "category") == "compute",
        "category:payroll": text(f, "category") == "payroll",
        "status:disbursed": text(f, "status") == "disbursed",
        "kind:funding_rounds": text(f, "kind") == "funding_rounds",
        "record:acme-*": text(f, "record").str.startswith("acme-"),
        "currency:eur": text(f, "currency") == "EUR",
        "basis:expected": text(f, "basis") == "expected",
        "source:s1": text(f, "source") == "s1",
        "not:kind:revenues": text(f, "kind") != "revenues",
        "not:payee:*": f["payee"].isna(),
        "entity:acme-ai cat:funding": (text(f, "entity") == "acme-ai")
        & (text(f, "category") == "funding"),
    }
    for query, expected in cases.items():
        got = ac.filter_flows(f, query)
        assert got.index.tolist() == f.index[expected.to_numpy(dtype=bool)].tolist(), query
        assert 0 < len(got) < len(f), query  # each case says something on this ledger


def test_dates_amounts_and_ranges(led: ac.Ledger) -> None:
    f = led.flows()
    day, usd = f["date"], f["amount_usd"]
    cases = {
        "date:2023": day.dt.year == 2023,
        "date:2023-Q3": (day >= "2023-07-01") & (day <= "2023-09-30"),
        "date:2023-h2": (day >= "2023-07-01") & (day <= "2023-12-31"),
        "date:2023-07": (day >= "2023-07-01") & (day <= "2023-07-31"),
        "date:2023-08-15": day == "2023-08-15",
        "date:2023-06..2023-08": (day >= "2023-06-01") & (day <= "2023-08-31"),
        "date:..2023-03": day <= "2023-03-31",
        "date:2024..": day >= "2024-01-01",
        "date:2023..2024": day.dt.year.isin([2023, 2024]),
        "amt:>1M": usd > 1e6,
        "amt:>=$1M": usd >= 1e6,
        "amt:<500K": usd < 5e5,
        "amt:<=110000": usd <= 110_000,
        "amt:=1,000,000": usd == 1e6,
        "amt:1000000": usd == 1e6,
        "amt:>$2.5B": usd > 2.5e9,
    }
    for query, expected in cases.items():
        got = ac.filter_flows(f, query)
        assert got.index.tolist() == f.index[expected.to_numpy(dtype=bool)].tolist(), query


def test_rows_without_a_usd_amount_meet_no_amount_term(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            LEDGER.replace(
                "fx_rates:\n- {id: eur-2023, currency: EUR, date: 2023-01-01, usd: 1.1}\n", ""
            )
        )
    )
    f = led.flows()
    no_rate = f["amount_usd"].isna()
    assert no_rate.any()
    for query in ("amt:>0", "amt:<=0", "amt:>=-1"):
        assert not ac.filter_flows(f, query)["amount_usd"].isna().any()
        assert ac.filter_flows(f, "not:" + query)["amount_usd"].isna().sum() == no_rate.sum()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("entty:acme", "unknown filter key 'entty' in 'entty:acme' (did you mean 'entity'?)"),
        ("categroy:compute", "did you mean 'category'?"),
        ("acme", "expected key:value like entity:nvidia"),
        ("entity:", "entity: needs a value, like entity:nvidia"),
        ("date:soon", "expected a date like 2023, 2023-Q3 or 2023-07"),
        ("date:2024..2023", "the range ends before it starts"),
        ("date:..", "expected a date like"),
        ("date:FY2024", "a fiscal year depends on the company"),
        ("amt:>lots", "expected a comparison with US dollars like amt:>1M"),
        ("amt:>€1M", "amt: compares amount_usd, in US dollars; got EUR"),
        ('entity:"acme', "No closing quotation"),
    ],
)
def test_bad_filters_are_one_line_errors(led: ac.Ledger, query: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        ac.filter_flows(led.flows(), query)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_blank_filters_keep_everything(led: ac.Ledger) -> None:
    f = led.flows()
    for query in (None, "", "   "):
        assert ac.filter_flows(f, query) is f
    assert parse_filter("entity:acme-ai").mask(f).dtype == bool
    assert str(parse_filter(" entity:acme-ai ")) == "entity:acme-ai"


def test_filters_do_not_rely_on_categoricals(led: ac.Ledger) -> None:
    f = led.flows()
    plain = f.astype({c: "str" for c in f.columns if f[c].dtype == "category"})
    objects = f.astype({c: "object" for c in f.columns if f[c].dtype == "category"})
    for query in ("entity:acme-ai not:payee:*", "kind:*s cat:funding,payroll amt:>1M date:2023"):
        want = ac.filter_flows(f, query).index
        assert ac.filter_flows(plain, query).index.equals(want)
        assert ac.filter_flows(objects, query).index.equals(want)


def test_record_frames(led: ac.Ledger) -> None:
    rounds = led.frame("funding_rounds")
    got = filter_frame(rounds, "entity:acme-ai amt:>50M date:2023", "funding_rounds")
    assert got["id"].astype(str).tolist() == ["acme-seed"]
    assert filter_frame(rounds, "currency:eur", "funding_rounds")["id"].tolist() == ["euro-a"]
    assert len(filter_frame(rounds, "kind:expenses", "funding_rounds")) == 0
    tranches = led.frame("tranches")
    got = filter_frame(tranches, "record:acme-seed status:committed", "tranches")
    assert got["amount"].tolist() == [40e6]
    bills = led.frame("cloud_bills")
    assert (
        len(filter_frame(bills, "entity:acme-ai payer:acme-ai amt:>1M date:2023-07", "cloud_bills"))
        == 1
    )
    entities = led.frame("entities")
    assert filter_frame(entities, "entity:fund-*", "entities")["id"].tolist() == ["fund-a"]
    with pytest.raises(FilterError, match="the sources frame has no column for it"):
        filter_frame(led.frame("sources"), "entity:x", "sources")
    with pytest.raises(FilterError, match="payee: the expenses frame has no column"):
        filter_frame(led.frame("expenses"), "payee:x", "expenses")
    with pytest.raises(FilterError, match="did you mean 'tranches'"):
        filter_frame(tranches, "entity:x", "tranche")


# -- properties --------------------------------------------------------------------------------

TERMS = [
    "entity:acme-ai",
    "entity:*ai",
    "payer:undisclosed",
    "payee:*",
    "cat:funding,payroll",
    "status:committed",
    "kind:expenses",
    "record:acme-*",
    "currency:EUR",
    "date:2023-Q3",
    "date:..2023-06",
    "amt:>1M",
    "amt:<=110K",
]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(TERMS), min_size=1, max_size=3), st.sampled_from(TERMS))
def test_a_term_and_its_negation_split_the_rows(
    led: ac.Ledger, terms: list[str], term: str
) -> None:
    f = led.flows()
    base = ac.filter_flows(f, " ".join(terms))
    yes = ac.filter_flows(base, term).index
    no = ac.filter_flows(base, "not:" + term).index
    assert yes.intersection(no).empty
    assert yes.union(no).sort_values().equals(base.index.sort_values())
    # ANDed: the terms one after the other give the same rows
    step = f
    for t in [*terms, term]:
        step = ac.filter_flows(step, t)
    assert step.index.equals(ac.filter_flows(f, " ".join([*terms, term])).index)
    # double negation
    assert ac.filter_flows(base, "not:not:" + term).index.equals(yes)


def _months(first: dt.date, last: dt.date) -> list[str]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dates(dt.date(2022, 6, 1), dt.date(2024, 6, 30)),
    st.integers(0, 20),
)
def test_a_date_range_is_the_union_of_its_months(
    led: ac.Ledger, start: dt.date, length: int
) -> None:
    f = led.flows()
    first = start.replace(day=1)
    last_month = pd.Timestamp(first) + pd.DateOffset(months=length)
    months = _months(first, last_month.date())
    whole = ac.filter_flows(f, f"date:{months[0]}..{months[-1]}").index
    parts = [ac.filter_flows(f, f"date:{m}").index for m in months]
    union = parts[0]
    for p in parts[1:]:
        assert union.intersection(p).empty  # months do not overlap
        union = union.union(p)
    assert whole.sort_values().equals(union.sort_values())
    expected = f["month"].dt.strftime("%Y-%m").isin(months)
    assert whole.tolist() == f.index[expected.to_numpy()].tolist()


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="abcXYZ-_*:, ", min_size=1, max_size=12))
def test_any_text_parses_or_fails_clearly(query: str) -> None:
    try:
        parse_filter(query)
    except FilterError as exc:
        message = str(exc)
    else:
        return
    assert message
    assert "\n" not in message


def test_filter_keys_are_documented() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "filters.md").read_text(encoding="utf-8")
    for key in FILTER_KEYS:
        assert f"`{key}:`" in doc, key


# -- aicapex flows -----------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


def test_flows_command(runner: CliRunner, ledger_text: LedgerText, led: ac.Ledger) -> None:
    path = ledger_text(LEDGER, name="cli.yaml")
    expected = ac.filter_flows(led.flows(), "entity:euro-ai")
    result = runner.invoke(
        app, ["flows", str(path), "--filter", "entity:euro-ai", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    rows = document["rows"]
    assert document["as_of"] == f"{expected['date'].max():%Y-%m-%d}"  # the last flow's day
    assert [r["cents"] for r in rows] == expected["cents"].tolist()
    assert {r["entity"] for r in rows} == {"euro-ai"}
    result = runner.invoke(app, ["flows", str(path), "-f", "entity:euro-ai", "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split(",")[:3] == ["date", "month", "entity"]
    assert len(lines) == 1 + len(expected)
    result = runner.invoke(app, ["flows", str(path), "-f", "record:acme-gc-2023-07"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert out[0].split() == [
        "date",
        "entity",
        "amount",
        "usd",
        "category",
        "status",
        "kind",
        "record",
        "with",
    ]
    assert "-1,234,567.89 USD" in out[1]
    assert "to google-cloud" in out[1]
    assert out[-1] == "2 rows"


def test_flows_command_errors(runner: CliRunner, ledger_text: LedgerText, tmp_path: Path) -> None:
    path = ledger_text(LEDGER)
    result = runner.invoke(app, ["flows", str(path), "-f", "entty:x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown filter key 'entty'")
    assert "did you mean 'entity'?" in result.stderr
    assert "Traceback" not in result.output
    result = runner.invoke(app, ["flows", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    empty = runner.invoke(app, ["flows", str(path), "-f", "entity:nobody"])
    assert empty.exit_code == 0
    assert empty.stdout.splitlines()[-1] == "0 rows"
    assert np.all([line.strip() for line in empty.stdout.splitlines()])
