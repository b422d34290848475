"""Every JSON output validates against its schema (aicapex.outputs), on the bundled data and on
ledgers of other shapes: several companies with different dates, a company without a cash
balance, money in euros with and without an exchange rate, a range of cash, an empty ledger.

Beyond the schemas: amounts in US dollars are rounded to the cent and months to two decimals
(and the text report shows the same months); ``as_of`` is always set when there is data; an
absent answer is ``null`` beside a reason; a figure from one record carries it as written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.outputs import OUTPUTS, OUTPUTS_VERSION, schema

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed")

LedgerText = Callable[..., Path]

#: Three companies: one with cash in euros (and a rate), one without a cash balance, one whose
#: money is in pounds without a rate; a range of cash; a round in euros.
VARIED = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: euro-ai, name: Euro AI, type: company}
- {id: nocash-ai, name: No Cash AI, type: company}
- {id: pound-ai, name: Pound AI, type: company}
- {id: cloudco, name: CloudCo, type: cloud_provider}
- {id: fund, name: Fund, type: investor}
fx_rates:
- {id: eur-2023, currency: EUR, date: 2023-01-01, usd: 1.1}
funding_rounds:
- {id: euro-seed, company: euro-ai, date: 2023-02, amount: €7M, status: closed,
   investors: [{investor: fund}], sources: [s1]}
- {id: nocash-a, company: nocash-ai, date: 2022-06, amount: about $30M, status: closed,
   sources: [s1]}
cash_balances:
- {id: euro-cash, company: euro-ai, date: 2023-09, amount: €3M to €4M, sources: [s1]}
- {id: pound-cash, company: pound-ai, date: 2023-06, amount: £2M, sources: [s1]}
- {id: euro-cash-06, company: euro-ai, date: 2023-06, amount: about €5M, sources: [s1]}
expenses:
- {id: euro-pay, company: euro-ai, category: payroll, rate: €500K/month, date: 2023-01,
   sources: [s1]}
- {id: nocash-compute, company: nocash-ai, category: compute, amount: $1.234567M,
   date: 2023-03, sources: [s1]}
- {id: pound-pay, company: pound-ai, category: payroll, amount: £1M, date: 2023-05,
   sources: [s1]}
revenues:
- {id: euro-rev, company: euro-ai, rate: €100K/month, date: 2023-01, sources: [s1]}
cloud_bills:
- {id: nocash-bill, payer: nocash-ai, provider: cloudco, period: 2023-02, billed: "$333,333.33",
   sources: [s1]}
"""


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def varied(ledger_text: LedgerText) -> Path:
    return ledger_text(VARIED)


def check(name: str, data: Any) -> None:
    """``data`` is valid under the output schema ``name`` (every error listed)."""
    s = schema(name)
    validator = jsonschema.validators.validator_for(s)(s)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def numbers(data: Any, path: str = "") -> Iterator[tuple[str, str, float]]:
    """Every float in ``data``: (path, key, value)."""
    if isinstance(data, dict):
        for k, v in data.items():
            if isinstance(v, float):
                yield f"{path}/{k}", str(k), v
            else:
                yield from numbers(v, f"{path}/{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from numbers(v, f"{path}/{i}")


#: Keys in US dollars (besides ``*_usd``) in the report and the runway path.
DOLLARS = {
    "amount",
    "balance",
    "start_cash",
    "burn_after",
    "total",
    "total_low",
    "total_high",
    "outstanding",
    "revenue",
    "compute",
    "gap",
    "opening",
    "inflows",
    "outflows",
    "net",
    "closing",
}


def assert_rounded(data: Any) -> None:
    """Dollars to the cent, months to two decimals."""
    for path, key, value in numbers(data):
        dollars = (
            key in DOLLARS or key.endswith("_usd") or key.startswith("monthly_") or "by_" in path
        )
        if dollars or key == "months" or key.startswith("months_"):
            assert round(value, 2) == value, f"{path} = {value!r} is not rounded to 2 places"


def run_json(runner: CliRunner, args: list[str]) -> Any:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the schemas themselves ------------------------------------------------------------------


@pytest.mark.parametrize("name", OUTPUTS)
def test_each_schema_is_a_valid_versioned_schema(name: str) -> None:
    s = schema(name)
    jsonschema.validators.validator_for(s).check_schema(s)
    assert s["$id"] == f"urn:aicapex:output:{name}:{OUTPUTS_VERSION}"
    assert "as_of" in s["properties"] or name == "export"


def test_an_unknown_output_is_named(runner: CliRunner) -> None:
    with pytest.raises(KeyError, match="one of report"):
        schema("reports")
    result = runner.invoke(app, ["schema", "--output", "reports"])
    assert result.exit_code == 2


@pytest.mark.parametrize("name", OUTPUTS)
def test_the_command_prints_each_schema(runner: CliRunner, name: str) -> None:
    assert run_json(runner, ["schema", "--output", name]) == schema(name)


def test_schemas_are_copies() -> None:
    schema("report")["properties"].clear()
    assert schema("report")["properties"]


# --- every output, on the bundled data and on varied ledgers ---------------------------------


@pytest.mark.parametrize("source", ["bundled", "varied"])
def test_report_json(runner: CliRunner, varied: Path, source: str) -> None:
    args = ["report"] + ([str(varied)] if source == "varied" else [])
    data = run_json(runner, [*args, "--format", "json"])
    check("report", data)
    assert_rounded(data)
    assert data["as_of"] is not None
    for company in data["companies"]:
        assert company["as_of"] is not None
        for section, value in company.items():
            if value is None:
                assert company["reasons"].get(section), f"{company['id']}: {section} without why"
        for section in company["reasons"]:
            assert company[section] is None
    if source == "bundled":  # every later section's schema has rows to check
        later = ["ownership", "scenarios", "fleet", "reallocations", "loops", "round_trip"]
        for section in [*later, "related_parties"]:
            assert any(c[section] for c in data["companies"]), section


def test_report_sections_have_schemas() -> None:
    """Every section the report builds is described (no section passes unchecked)."""
    from aicapex.report import SECTIONS

    company = schema("report")["properties"]["companies"]["items"]
    assert {s.name for s in SECTIONS} <= set(company["properties"])


def test_report_json_on_varied_shapes(runner: CliRunner, varied: Path) -> None:
    data = run_json(runner, ["report", str(varied), "--format", "json"])
    by_id = {c["id"]: c for c in data["companies"]}
    # the latest company date is the report's
    assert data["as_of"] == max(c["as_of"] for c in by_id.values())
    # no cash balance: cash and runway are null, and say why
    nocash = by_id["nocash-ai"]
    assert nocash["cash"] is None
    assert nocash["runway"] is None
    assert nocash["reasons"]["runway"].startswith("no cash balance at or before")
    # money in pounds without a rate: the dollar sections say which records lack one
    pound = by_id["pound-ai"]
    assert pound["runway"] is None
    assert "GBP" in pound["reasons"]["runway"]
    # euros with a rate: dollars, and the figure as written with its currency
    euro = by_id["euro-ai"]
    cash = euro["cash"]
    assert (cash["written"], cash["currency"], cash["bound"]) == ("€3M to €4M", "EUR", "range")
    assert cash["amount"] == pytest.approx(3.5e6 * 1.1)
    (seed,) = euro["funding"]["rounds"]
    assert (seed["written"], seed["currency"]) == ("€7M", "EUR")
    assert seed["amount"] == pytest.approx(7e6 * 1.1)
    assert euro["funding"]["by_status"] == {"closed": seed["amount"]}
    # a round written "about $30M" is kept as written
    assert by_id["nocash-ai"]["funding"]["rounds"][0]["written"] == "about $30M"


def test_report_months_agree_with_the_table(runner: CliRunner) -> None:
    data = run_json(runner, ["report", "--format", "json"])
    table = runner.invoke(app, ["report"]).stdout
    for company in data["companies"]:
        for r in (company["runway"] or {}).values():
            if r["months"] is not None:
                assert f"{r['months']:.2f} months" in table


def test_report_of_an_empty_ledger(ledger_text: LedgerText) -> None:
    from aicapex.report import report

    data = report(ac.load(ledger_text("sources: []\n")))
    check("report", data)
    assert data["companies"] == []
    assert data["as_of"] is None


def test_report_as_asked(bundled: ac.Ledger) -> None:
    from aicapex.report import report

    data = report(bundled, as_of="2023-06")
    check("report", data)
    assert data["as_of"] == "2023-06"
    assert data["as_of_rule"] == "as asked"


@pytest.mark.parametrize("as_of", [None, "2023-12", "2026-06"])
def test_runway_json(runner: CliRunner, as_of: str | None) -> None:
    args = ["runway", str(ac.bundled_data()), "stability-ai", "--format", "json"]
    data = run_json(runner, args + (["--as-of", as_of] if as_of else []))
    check("runway", data)
    assert_rounded(data)
    assert data["as_of"] == (as_of or "2023-10-31")
    assert data["runs_out"] is (data["months"] is not None)


def test_analysis_results(bundled: ac.Ledger, ledger_text: LedgerText) -> None:
    varied = ac.load(ledger_text(VARIED))
    results = [
        ac.burn(bundled, "stability-ai", "2023-01", "2023-12"),
        ac.burn(varied, "euro-ai", "2023-01", "2023-12"),
        ac.burn(varied, "nocash-ai", "2023-01", "2023-12"),
        ac.compute_gap(bundled, "stability-ai", period="2023"),
        ac.compute_gap(varied, "nocash-ai", period="2023"),
        ac.arrears(bundled, as_of="2023-10-31"),
        ac.arrears(varied, as_of="2023-12-31"),
        ac.runway(bundled),
        ac.funding_gap(bundled),
        ac.reconcile(varied),  # euro-ai's balances of June and September
    ]
    for r in results:
        data = json.loads(r.to_json())
        check("result", data)
        assert_rounded(data)
        assert data["as_of"], f"{r.NAME}: no as_of"
        assert data["rows"], f"{r.NAME}: no rows to check"
        assert math.isfinite(sum(v for *_, v in numbers(data)))


def test_an_absent_runway_says_why(ledger_text: LedgerText) -> None:
    varied = ac.load(ledger_text(VARIED))
    with pytest.raises(ValueError, match="no cash balance"):
        ac.runway(varied, "nocash-ai")


@pytest.mark.parametrize("source", ["bundled", "varied"])
def test_flows_json(runner: CliRunner, varied: Path, source: str) -> None:
    path = str(ac.bundled_data() if source == "bundled" else varied)
    data = run_json(runner, ["flows", path, "--format", "json"])
    check("flows", data)
    assert_rounded(data)
    led = ac.load(path)
    assert data["as_of"] == f"{led.flows()['date'].max():%Y-%m-%d}"
    # the original amounts and currencies stay beside the dollars
    assert {r["currency"] for r in data["rows"]} >= {"USD"}
    empty = run_json(runner, ["flows", path, "-f", "entity:nobody", "--format", "json"])
    check("flows", empty)
    assert empty["rows"] == []
    assert empty["as_of"] == f"{led.span()[1]:%Y-%m-%d}"


def test_validate_json(runner: CliRunner, varied: Path) -> None:
    for args in (["validate", "--json"], ["validate", str(varied), "--json"]):
        data = run_json(runner, args)
        check("summary", data)
        assert data["as_of"] == data["span"][1]


def test_export_json(runner: CliRunner, varied: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    result = runner.invoke(app, ["export", str(varied), "--to", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    check("export", data)
    assert_rounded(data["flows"])


def test_query_json(runner: CliRunner, varied: Path) -> None:
    pytest.importorskip("duckdb", reason="DuckDB is not installed (the sql extra)")
    query = "select entity, sum(amount_usd) as amount_usd from flows group by 1 order by 1"
    data = run_json(runner, ["query", str(varied), query, "--format", "json"])
    check("query", data)
    assert_rounded(data)
    assert data["columns"] == ["entity", "amount_usd"]
    assert data["as_of"] == f"{ac.load(varied).span()[1]:%Y-%m-%d}"


def test_focus_json(runner: CliRunner, shared_data: Path) -> None:
    path = shared_data / "focus" / "focus_sample.csv"
    result = runner.invoke(app, ["focus", str(path), "--payer", "acme", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    check("focus", data)
    assert data["as_of"] is not None
    for bill in data["bills"]:
        assert all(round(v, 2) == v for k, v in bill.items() if k.endswith("_usd") and v)
