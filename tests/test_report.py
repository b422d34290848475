"""The report (aicapex.report) and the `aicapex report` / `aicapex runway` commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.ledger import Ledger
from aicapex.report import STAGES, report

LedgerText = Callable[..., Path]

TWO_COMPANIES = """
sources:
- id: s
  outlet: Test
  title: Test
  date: 2024-01
entities:
- id: alpha
  name: Alpha
  type: company
- id: beta
  name: Beta
  type: company
- id: cloud
  name: Cloud
  type: cloud_provider
expenses:
- id: alpha-compute
  company: alpha
  category: compute
  rate: $1M/month
  date: 2023
- id: beta-payroll
  company: beta
  category: payroll
  rate: $2M/month
  date: 2024
revenues:
- id: alpha-sales
  company: alpha
  amount: $6M
  date: 2023
cash_balances:
- id: alpha-cash
  company: alpha
  date: 2023-06
  amount: $3M
- id: beta-cash
  company: beta
  date: 2024-03
  amount: $9M
cloud_bills:
- id: alpha-bill
  payer: alpha
  provider: cloud
  period: 2023-05
  billed: $1M
  payments:
  - date: 2023-06-10
    amount: $0.4M
"""


def test_bundled_report_matches_the_analyses(bundled: Ledger) -> None:
    data = report(bundled)
    (company,) = [c for c in data["companies"] if c["id"] == "stability-ai"]
    r = ac.runway(bundled, "stability-ai", as_of=company["as_of"])
    assert company["runway"]["disbursed"]["months"] == pytest.approx(r.months, abs=0.01)
    assert company["runway"]["disbursed"]["records"] == list(r.records)
    gap = ac.compute_gap(bundled, "stability-ai", period="2023").frame
    assert company["compute_gap"]["ratio"] == pytest.approx(float(gap["ratio"].iloc[0]))
    owed = ac.arrears(bundled, as_of=company["as_of"]).frame["outstanding_usd"].sum()
    assert company["arrears"]["total"] == pytest.approx(owed)
    b = ac.burn(bundled, "stability-ai", "2023-01", "2023-12").frame
    assert company["burn"]["monthly_net"] == pytest.approx(b["net_burn"].mean(), abs=0.01)
    assert company["cash"]["record"] == r.frame["balance_record"].iloc[0]
    assert company["conflicts"], "the two October 2023 cash reports are a conflict"
    json.dumps(data)  # JSON-ready


def test_companies_with_different_dates_are_each_reported_at_their_own(
    ledger_text: LedgerText,
) -> None:
    led = ac.load(ledger_text(TWO_COMPANIES))
    data = report(led)
    by_id = {c["id"]: c for c in data["companies"]}
    assert set(by_id) == {"alpha", "beta"}
    alpha, beta = by_id["alpha"], by_id["beta"]
    assert alpha["as_of"] == "2023-06-30"
    assert beta["as_of"] == "2024-03-31"
    # alpha: $1M/month out, $0.5M/month in, from $3M at the end of June 2023
    assert alpha["runway"]["disbursed"]["months"] == pytest.approx(3 / 0.5, abs=1e-6)
    # beta: $2M/month out from $9M at the end of March 2024
    assert beta["runway"]["disbursed"]["months"] == pytest.approx(9 / 2, abs=1e-6)
    assert alpha["arrears"]["total"] == pytest.approx(0.6e6)
    assert beta["arrears"]["total"] == 0
    assert alpha["burn"]["from"] == "2023-01"
    assert beta["burn"]["from"] == "2024-01"
    assert alpha["compute_gap"]["ratio"] == pytest.approx(12 / 6)
    # beta: payroll only, neither compute nor revenue: no gap, and the reason (it was a row of
    # zeros saying "compute $0.00M = no revenue; no compute spending recorded")
    assert beta["compute_gap"] is None
    assert beta["reasons"]["compute_gap"] == "no compute spending or revenue recorded in 2024"


def test_a_gap_of_compute_without_revenue_is_infinite_and_of_neither_undefined(
    ledger_text: LedgerText,
) -> None:
    """compute / revenue: inf (None in JSON) with compute and no revenue; NaN with neither."""
    text = TWO_COMPANIES.replace("category: payroll", "category: compute", 1)
    by_id = {c["id"]: c for c in report(ac.load(ledger_text(text)))["companies"]}
    assert by_id["beta"]["compute_gap"]["ratio"] is None  # JSON has no infinity
    assert by_id["beta"]["compute_gap"]["compute"] == pytest.approx(24e6)
    led = ac.load(ledger_text(TWO_COMPANIES))
    quarters = ac.compute_gap(led, None, period="2024", freq="Q").frame
    beta = quarters[quarters["entity"] == "beta"]
    assert len(beta) == 4
    assert beta["ratio"].isna().all()  # 0 / 0: no figure, not infinity
    assert beta[["ratio_low", "ratio_high", "coverage"]].isna().all().all()
    with_compute = ac.compute_gap(ac.load(ledger_text(text)), "beta", period="2024").frame
    assert np.isinf(with_compute["ratio"]).all()


def test_each_runway_names_only_its_own_unpaid_bills(ledger_text: LedgerText) -> None:
    """Policy ``arrears`` pays every company's unpaid bills: each company's runway names its
    own bills, never another's (one sentence listing every bill of the ledger, copied into
    every company, made the report grow with companies x bills)."""
    text = (
        TWO_COMPANIES
        + """\
- id: beta-bill-1
  payer: beta
  provider: cloud
  period: 2024-01
  billed: $2M
- id: beta-bill-2
  payer: beta
  provider: cloud
  period: 2024-02
  billed: $1M
"""
    )
    led = ac.load(ledger_text(text))
    by_id = {c["id"]: c for c in report(led)["companies"]}
    bills = {b.id: b.payer for b in led.of_type(ac.records.CloudBill)}
    for company in ("alpha", "beta"):
        said = " ".join(by_id[company]["runway"]["arrears"]["assumptions"])
        own = {b for b, payer in bills.items() if payer == company}
        assert all(b in said for b in own), (company, said)
        assert not any(b in said for b in set(bills) - own), (company, said)
        single = ac.runway(led, company, as_of=by_id[company]["as_of"], policy="arrears")
        assert [a for a in single.assumptions if a.startswith(f"{company}:")] == [
            a
            for a in by_id[company]["runway"]["arrears"]["assumptions"]
            if a.startswith(f"{company}:")
        ]


def test_each_runway_names_only_its_own_conflicting_cash_reports(
    ledger_text: LedgerText,
) -> None:
    """Conflicting cash reports set aside are named in the runway of the company they report
    on, not in every company's."""
    text = TWO_COMPANIES.replace(
        "cash_balances:\n",
        """cash_balances:
- id: alpha-cash-early
  company: alpha
  date: 2023-06
  amount: $2M
  sources: [early]
- id: beta-cash-early
  company: beta
  date: 2024-03
  amount: $8M
  sources: [early]
""",
    ).replace(
        "sources:\n- id: s\n",
        "sources:\n- id: early\n  outlet: Old\n  title: Old\n  date: 2020-01\n- id: s\n",
    )
    text = text.replace("  amount: $3M\n", "  amount: $3M\n  sources: [s]\n").replace(
        "  amount: $9M\n", "  amount: $9M\n  sources: [s]\n"
    )
    led = ac.load(ledger_text(text))
    by_id = {c["id"]: c for c in report(led)["companies"]}
    set_aside = {"alpha": "alpha-cash-early", "beta": "beta-cash-early"}
    for company, own in set_aside.items():
        other = set(set_aside.values()) - {own}
        for policy, r in by_id[company]["runway"].items():
            said = " ".join(r["assumptions"])
            assert own in said, (company, policy, said)
            assert not any(o in said for o in other), (company, policy, said)
        single = ac.runway(led, company, as_of=by_id[company]["as_of"])
        assert [a for a in single.assumptions if "set aside" in a] == [
            f"{company}: conflicting cash reports set aside (latest report used): {own}"
        ]


def test_as_of_applies_to_every_company(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(TWO_COMPANIES))
    data = report(led, as_of="2024-03")
    by_id = {c["id"]: c for c in data["companies"]}
    assert data["as_of"] == "2024-03"
    assert {c["as_of"] for c in by_id.values()} == {"2024-03"}
    # alpha's June 2023 balance ran out long before March 2024: the runway is zero
    assert by_id["alpha"]["runway"]["disbursed"]["months"] == 0


def test_progress_goes_through_every_stage(bundled: Ledger) -> None:
    seen: list[tuple[str, int, int]] = []
    report(bundled, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert [s for s, _, _ in seen[: len(STAGES)]] == list(STAGES)
    assert seen[-1][1] == seen[-1][2] == len(STAGES)


def test_report_command_table_and_json() -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["report"])
    assert table.exit_code == 0, table.output
    assert "Stability AI" in table.output
    assert "runway" in table.output
    assert "0.34 months" in table.output
    as_json = runner.invoke(app, ["report", "--format", "json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)  # warnings, if any, go to standard error
    assert set(data) == {"report_version", "as_of", "as_of_rule", "companies", "records"}
    company = next(c for c in data["companies"] if c["id"] == "stability-ai")
    assert set(company) >= {
        "id",
        "name",
        "as_of",
        "reasons",
        "cash",
        "burn",
        "runway",
        "compute_gap",
        "arrears",
        "funding",
        "conflicts",
    }
    assert set(company["runway"]) == {"disbursed", "committed", "arrears"}


def test_runway_command_formats(bundled: Ledger) -> None:
    path = str(ac.bundled_data())
    runner = CliRunner()
    expected = ac.runway(bundled, "stability-ai", as_of="2023-10").months
    table = runner.invoke(app, ["runway", path, "stability-ai", "--as-of", "2023-10"])
    assert table.exit_code == 0, table.output
    assert f"{expected:.2f} months" in table.output
    as_json = runner.invoke(
        app, ["runway", path, "stability-ai", "--as-of", "2023-10", "--format", "json"]
    )
    data = json.loads(as_json.output)
    assert data["rows"][0]["months"] == data["months"] == round(expected, 2)
    assert data["runs_out"] is True
    assert {"as_of", "policy", "rows", "assumptions", "records", "path"} <= set(data)
    csv = runner.invoke(
        app,
        [
            "runway",
            path,
            "stability-ai",
            "--as-of",
            "2023-10",
            "--format",
            "csv",
            "--policy",
            "committed",
        ],
    )
    assert csv.exit_code == 0
    header = "entity,month,opening,inflows,outflows,net,closing,basis,after_as_of,assumed"
    assert csv.output.splitlines()[0] == header


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "hopeful"], "--policy must be one of"),
        (["--as-of", "2019-01"], "no cash balance"),
    ],
)
def test_runway_command_errors(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["runway", str(ac.bundled_data()), "stability-ai", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_runway_command_unknown_entity() -> None:
    result = CliRunner().invoke(app, ["runway", str(ac.bundled_data()), "stabilty-ai"])
    assert result.exit_code == 1
    assert "unknown entity 'stabilty-ai' (did you mean 'stability-ai'?)" in result.output


def test_the_report_says_which_what_ifs_come_too_late(bundled: Ledger) -> None:
    """Cuts that start, and money that arrives, after the cash runs out are said to change
    nothing: the bundled cut-compute plan starts in 2024-01, after 2023-11-11."""
    from aicapex.render import render_report

    text = render_report(report(bundled))
    late = [line.strip() for line in text.splitlines() if "after the cash runs out" in line]
    assert any(line.startswith("cut-compute: stability-ai: compute x0.7") for line in late)
    assert any(line.startswith("gpu-resale:") for line in late)


CONFLICTS = """
sources:
- {id: s1, outlet: One, title: First, date: 2024-01}
- {id: s2, outlet: Two, title: Second, date: 2024-02}
entities:
- {id: alpha, name: Alpha, type: company}
- {id: beta, name: Beta, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
cash_balances:
- {id: a-cash-1, company: alpha, date: 2023-10, amount: $4M, sources: [s1]}
- {id: a-cash-2, company: alpha, date: 2023-10, amount: $5M, sources: [s2]}
- {id: b-cash-1, company: beta, date: 2023-09, amount: $2M, sources: [s2]}
- {id: b-cash-2, company: beta, date: 2023-09, amount: $3M, sources: [s1]}
- {id: b-cash-3, company: beta, date: 2023-09, amount: $3.5M, sources: [s1]}
funding_rounds:
- {id: a-round-1, company: alpha, date: 2023-03, amount: $10M, status: closed, sources: [s1]}
- {id: a-round-2, company: alpha, date: 2023-03, amount: $12M, status: closed, sources: [s2]}
expenses:
- {id: a-opex, company: alpha, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
- {id: b-opex, company: beta, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
cloud_bills:
- {id: b-bill-1, payer: beta, provider: cloud, period: 2023-08, billed: $1M, sources: [s1]}
- {id: b-bill-2, payer: beta, provider: cloud, period: 2023-08, billed: $1.2M, sources: [s2]}
"""


def test_conflicts_section_groups_each_company_s_conflicts(ledger_text: LedgerText) -> None:
    """Every conflict group of the ledger's table goes to the company its records name (as
    company or payer): groups in their table order, reports in the table's order, nothing
    lost or added."""
    led = ac.load(ledger_text(CONFLICTS))
    table = led.conflicts()
    companies = {c["id"]: c for c in report(led)["companies"]}
    expected: dict[str, list[list[str]]] = {}
    for _, group in table.groupby("group", sort=True):
        record = led.get(str(group["id"].iloc[0]))
        owner = getattr(record, "company", None) or getattr(record, "payer", None)
        expected.setdefault(str(owner), []).append([str(i) for i in group["id"]])
    assert len(expected["alpha"]) == 2  # cash, round
    assert len(expected["beta"]) == 2  # cash, bill
    for company, groups in expected.items():
        got = companies[company]["conflicts"]
        assert [[r["id"] for r in g["reports"]] for g in got] == groups
        for g in got:
            rows = table[table["id"].astype("object").isin([r["id"] for r in g["reports"]])]
            assert g["kind"] == str(rows["kind"].iloc[0])
            assert g["fact"] == str(rows["key"].iloc[0])
            assert [r["value"] for r in g["reports"]] == [str(v) for v in rows["value"]]


YEARS = """
sources:
- {id: s1, outlet: One, title: First, date: 2025-01}
entities:
- {id: early, name: Early, type: company}
- {id: late, name: Late, type: company}
- {id: gap, name: Gap, type: company}
expenses:
- {id: e-2023, company: early, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
- {id: e-2024, company: early, category: opex, rate: $5M/month, date: 2024-H1, sources: [s1]}
- {id: l-2023, company: late, category: compute, rate: $2M/month, date: 2023, sources: [s1]}
- {id: l-2024, company: late, category: compute, amount: $9M, date: 2024-03, sources: [s1]}
- {id: g-2021, company: gap, category: payroll, amount: $4M, date: 2021-05, sources: [s1]}
revenues:
- {id: l-sales, company: late, category: sales, amount: $1M, date: 2024-07, sources: [s1]}
cash_balances:
- {id: e-cash, company: early, date: 2023-12-31, amount: $10M, sources: [s1]}
- {id: l-cash, company: late, date: 2024-09-30, amount: $10M, sources: [s1]}
- {id: g-cash, company: gap, date: 2021-06-30, amount: $10M, sources: [s1]}
"""


def test_burn_section_is_each_company_s_own_report_year(ledger_text: LedgerText) -> None:
    """Each company's burn is the mean of its recorded months in the year of its own report
    date (2023, 2024 and 2021: a run of consecutive years and a year apart), from ac.burn."""
    led = ac.load(ledger_text(YEARS))
    companies = {c["id"]: c for c in report(led)["companies"]}
    for company, year in (("early", 2023), ("late", 2024), ("gap", 2021)):
        b = ac.burn(led, company, f"{year}-01", f"{year}-12").frame
        b = b[(b["gross_burn"] != 0) | (b["revenue"] != 0)]
        got = companies[company]["burn"]
        assert got["months"] == len(b)
        assert got["from"] == b["month"].min().strftime("%Y-%m")
        assert got["monthly_gross"] == pytest.approx(b["gross_burn"].mean(), abs=0.01)
        assert got["monthly_net"] == pytest.approx(b["net_burn"].mean(), abs=0.01)
    assert companies["early"]["burn"]["monthly_gross"] == pytest.approx(1e6)  # not its 2024
    assert companies["late"]["burn"]["months"] == 2  # March's purchase, July's sale


@pytest.mark.parametrize(
    ("bill_currency", "expense_currency"), [("€", "$"), ("$", "€"), ("€", "€"), ("$", "$")]
)
def test_money_without_a_rate_refuses_only_the_sections_that_read_it(
    ledger_text: LedgerText, bill_currency: str, expense_currency: str
) -> None:
    """A bill in euros without an exchange rate refuses alpha's arrears (and its runway:
    policy ``arrears`` pays the bills), not its burn or compute gap, which never read bills; an
    expense in euros refuses burn, compute gap and runway, not arrears. Neither refuses its
    cash, a balance in dollars (the runway's refusal blanked it). Beta,
    whose money all has dollars, is reported in full either way (it was: one unpriced bill
    blanked every dollar section of its company)."""
    text = (
        TWO_COMPANIES.replace("billed: $1M", f"billed: {bill_currency}1M")
        .replace("amount: $0.4M", f"amount: {bill_currency}0.4M")
        .replace("rate: $1M/month", f"rate: {expense_currency}1M/month")
    )
    led = ac.load(ledger_text(text))
    by_id = {c["id"]: c for c in report(led)["companies"]}
    alpha, beta = by_id["alpha"], by_id["beta"]
    bill_unpriced, expense_unpriced = bill_currency == "€", expense_currency == "€"
    refused = set()
    if bill_unpriced:
        refused |= {"arrears", "runway"}
    if expense_unpriced:
        refused |= {"burn", "compute_gap", "runway"}
    for section in ("cash", "burn", "runway", "compute_gap", "arrears"):
        if section in refused:
            assert alpha[section] is None, section
            assert "EUR" in alpha["reasons"][section], alpha["reasons"]
            assert "no exchange rate" in alpha["reasons"][section]
        else:
            assert alpha[section] is not None, (section, alpha["reasons"])
            assert section not in alpha["reasons"]
        if section == "compute_gap":  # beta has payroll only: no gap, for that reason alone
            assert beta["reasons"][section].startswith("no compute spending or revenue")
        else:
            assert beta[section] is not None, (section, beta["reasons"])
    # what is answered is what the analyses give for alpha's own records
    if not expense_unpriced:
        b = ac.burn(led, "alpha", "2023-01", "2023-12").frame
        assert alpha["burn"]["monthly_net"] == pytest.approx(b["net_burn"].mean(), abs=0.01)
        gap = ac.compute_gap(led, "alpha", period="2023").frame
        assert alpha["compute_gap"]["ratio"] == pytest.approx(float(gap["ratio"].iloc[0]))
    if not bill_unpriced:
        owed = ac.arrears(led, as_of=alpha["as_of"], entity="alpha").frame
        assert alpha["arrears"]["total"] == pytest.approx(float(owed["outstanding_usd"].sum()))
        assert alpha["arrears"]["total"] == pytest.approx(0.6e6)
    assert beta["runway"]["disbursed"]["months"] == pytest.approx(9 / 2, abs=1e-6)


def test_the_burn_line_says_when_it_is_the_mean_of_some_months(ledger_text: LedgerText) -> None:
    """The report's burn is the mean of the months with records: with months between them
    without any, the line says how many months that is (it read as the span's mean)."""
    from aicapex.render import render_report

    text = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: alpha, name: Alpha, type: company}
- {id: beta, name: Beta, type: company}
expenses:
- {id: a-jan, company: alpha, category: compute, amount: $1M, date: 2023-01}
- {id: a-oct, company: alpha, category: compute, amount: $3M, date: 2023-10}
- {id: b-pay, company: beta, category: payroll, rate: $5M/month, date: 2023}
cash_balances:
- {id: a-cash, company: alpha, date: 2023-10, amount: $10M}
- {id: b-cash, company: beta, date: 2023-12, amount: $10M}
"""
    data = report(ac.load(ledger_text(text)))
    by_id = {c["id"]: c for c in data["companies"]}
    assert by_id["alpha"]["burn"]["months"] == 2
    lines = render_report(data).splitlines()
    burns = [line for line in lines if line.startswith("burn")]
    (alpha,) = [line for line in burns if line.startswith("burn           $2.00M")]
    assert alpha.endswith("the 2 months with records from 2023-01 to 2023-10)")
    (beta,) = [line for line in burns if line.startswith("burn           $5.00M")]
    assert beta.endswith("; 2023-01 to 2023-12)")  # every month has records: the span


def test_funding_totals_say_where_ceilings_are(ledger_text: LedgerText) -> None:
    """'up to $100M' is a ceiling (none of it may come): a status total made of ceilings only
    reads 'up to', one with ceilings in it says how much of it they are."""
    from aicapex.render import render_report

    text = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
funding_rounds:
- {id: a-1, company: a, date: 2023-01, amount: $1B, status: closed}
- {id: a-2, company: a, date: 2023-06, amount: up to $100M, status: closed}
- {id: a-3, company: a, date: 2023-09, amount: up to $2B, status: announced}
- {id: b-1, company: b, date: 2023-03, amount: about $50M, status: closed}
"""
    data = report(ac.load(ledger_text(text)))
    lines = [line for line in render_report(data).splitlines() if line.startswith("funding")]
    by_company = {c["id"]: c["funding"]["by_status"] for c in data["companies"]}
    assert by_company["a"] == {"announced": 2e9, "closed": 1.1e9}  # the figures stay the base
    (a_line,) = [line for line in lines if "announced" in line]
    assert a_line.endswith("announced up to $2.00B, closed $1.10B (up to $100.00M of it)")
    assert any(line.endswith("closed $50.00M") for line in lines)  # about: no ceiling
    bounds = {r["id"]: r["bound"] for c in data["companies"] for r in c["funding"]["rounds"]}
    assert bounds == {"a-1": "exact", "a-2": "ceiling", "a-3": "ceiling", "b-1": "approx"}


def test_funding_ceilings_come_from_the_figure_kind_not_its_words(
    ledger_text: LedgerText,
) -> None:
    """The text reads each round's ``bound`` in the report data (which a program may have
    translated or filtered), not the words written: a translated ceiling is still a ceiling,
    and words 'up to' on a figure of another bound are not one."""
    from aicapex.render import render_report

    text = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: a, name: A, type: company}
funding_rounds:
- {id: a-1, company: a, date: 2023-01, amount: up to $3B, status: committed}
- {id: a-2, company: a, date: 2023-06, amount: $1B, status: committed}
"""
    data = report(ac.load(ledger_text(text)))
    rounds = {r["id"]: r for r in data["companies"][0]["funding"]["rounds"]}
    assert (rounds["a-1"]["bound"], rounds["a-2"]["bound"]) == ("ceiling", "exact")

    def line() -> str:
        text = render_report(data).splitlines()
        (found,) = [x for x in text if x.startswith("funding")]
        return found

    assert line().endswith("committed $4.00B (up to $3.00B of it)")
    rounds["a-1"]["written"] = "bis zu 3 Mrd. $"  # translated: still the ceiling it is
    rounds["a-2"]["written"] = "up to $1B"  # words alone make no ceiling
    assert line().endswith("committed $4.00B (up to $3.00B of it)")
    rounds["a-2"]["bound"] = "ceiling"
    assert line().endswith("committed up to $4.00B")


def test_a_company_with_gpus_and_no_money_has_a_report(ledger_text: LedgerText) -> None:
    """A company that only receives reallocated GPUs (no money, no stakes) is reported, dated
    by its latest GPU record (it was left out of the report)."""
    text = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-06}
entities:
- {id: tesla, name: Tesla, type: company}
- {id: x-corp, name: X Corp, type: company}
- {id: nvidia, name: Nvidia, type: company}
gpu_orders:
- id: o1
  buyer: tesla
  vendor: nvidia
  sku: H100
  quantity: 1000
  order_date: 2023-11
  delivered:
  - {date: 2024-01-15, quantity: 1000}
gpu_reallocations:
- {id: r1, order: o1, from_entity: tesla, to_entity: x-corp, sku: H100, quantity: 300,
   date: 2024-02}
"""
    by_id = {c["id"]: c for c in report(ac.load(ledger_text(text)))["companies"]}
    assert set(by_id) == {"tesla", "x-corp"}  # nvidia sells: no order, reallocation or target
    assert by_id["x-corp"]["as_of"] == "2024-02-29"
    assert by_id["x-corp"]["fleet"] is not None


def test_warrants_granted_after_the_report_date_are_not_listed(ledger_text: LedgerText) -> None:
    """A company's report lists the warrants granted by its report date (one granted in March
    was listed as of January, '0 vested, 10M pending')."""
    text = """
sources:
- {id: s, outlet: T, title: T, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: va, name: VA, type: investor}
funding_rounds:
- {id: r1, company: co, date: 2023-01-15, amount: $100M, post_money: $1B, price_per_share: $10}
warrants:
- {id: w1, issuer: co, holder: va, date: 2023-03, shares: 10M, exercise_price: $4}
"""
    led = ac.load(ledger_text(text))
    cases = (("2023-01", []), ("2023-02-28", []), ("2023-03", ["w1"]), ("2024", ["w1"]))
    for as_of, listed in cases:
        (co,) = [c for c in report(led, as_of=as_of)["companies"] if c["id"] == "co"]
        assert [w["warrant"] for w in co["warrants"] or []] == listed, as_of
