"""Findings of a user trial (USER-TRIAL helper, 2026-12-04), pinned as strict xfails.

Each test states the figure expected by hand from its records; each is marked
``xfail(strict=True)`` while the library gives another one, so that the fix unmarks it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Wire, title: Trial, date: 2024-09}
entities:
- {id: co, name: Co, type: company}
"""


def _ledger(tmp_path: Path, body: str, name: str = "co.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100"})


def test_a_full_month_of_a_rate_is_the_rate(tmp_path: Path) -> None:
    # $1M a month from 2024-01-16 through March: February and March are whole months
    # of the rate, $1,000,000 each; January has 16 of its 31 days.
    path = _ledger(
        tmp_path,
        """expenses:
- {id: e1, company: co, category: opex, rate: $1M/month, date: 2024-01-16, until: 2024-03,
   sources: [s1]}
""",
    )
    flows = ac.load(path).flows()
    by_month = flows.groupby(flows["month"].dt.strftime("%Y-%m"))["amount_usd"].sum()
    assert by_month["2024-02"] == pytest.approx(1_000_000.0, abs=0.01)
    assert by_month["2024-03"] == pytest.approx(1_000_000.0, abs=0.01)
    assert by_month["2024-01"] < 600_000.0


SCEN_BODY = """cash_balances:
- {id: c1, company: co, date: 2024-01-31, amount: $12M, sources: [s1]}
expenses:
- {id: e1, company: co, category: payroll, rate: $1M/month, date: 2024-01, until: 2024-12,
   sources: [s1]}
"""


def test_csv_booleans_are_written_alike(tmp_path: Path, runner: CliRunner) -> None:
    path = _ledger(tmp_path, SCEN_BODY)
    scen = tmp_path / "s.yaml"
    scen.write_text(
        "aicapex: 1\nentity: co\nas_of: 2024-01\nscenarios:\n- name: base\n",
        encoding="utf-8",
    )
    report = runner.invoke(app, ["report", str(path), "--format", "csv"])
    assert report.exit_code == 0, report.output
    # 12M at $1M a month: 12 months, runs out: report csv says 'true'
    assert ",true," in report.output.splitlines()[1]
    runway = runner.invoke(
        app, ["runway", str(path), "co", "--as-of", "2024-01", "--format", "csv"]
    )
    scenarios = runner.invoke(
        app, ["scenarios", str(path), "co", "--file", str(scen), "--format", "csv"]
    )
    assert runway.exit_code == 0, runway.output
    assert scenarios.exit_code == 0, scenarios.output
    assert "True" not in runway.output
    assert "True" not in scenarios.output


def test_report_of_a_file_is_not_stopped_by_another_ledgers_scenarios(
    tmp_path: Path, runner: CliRunner
) -> None:
    path = _ledger(tmp_path, SCEN_BODY)
    # the folder holds the other ledger too (as the trial's did): the scenarios may be its own
    _ledger(tmp_path, "- {id: other, name: Other, type: company}\n", name="b.yaml")
    (tmp_path / "other.scenarios.yaml").write_text(
        "aicapex: 1\nentity: other\nscenarios:\n- name: base\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["report", str(path)])
    assert result.exit_code == 0, result.output


def test_compute_gap_says_why_it_has_no_answer(tmp_path: Path) -> None:
    path = _ledger(
        tmp_path,
        """expenses:
- {id: e1, company: co, category: compute, amount: $24M, date: 2024, sources: [s1]}
""",
    )
    gap = ac.compute_gap(ac.load(path), "co", period="2025")
    assert len(gap.frame) == 0
    assert gap.reason  # README: .reason says why there is no answer


def test_report_fleet_period_matches_its_counts(tmp_path: Path) -> None:
    path = _ledger(
        tmp_path,
        """- {id: nv, name: Nvidia, type: chip_vendor}
cash_balances:
- {id: c1, company: co, date: 2024-01-31, amount: $100M, sources: [s1]}
gpu_orders:
- id: g1
  buyer: co
  vendor: nv
  sku: H100
  quantity: 1000
  unit_price: $30,000
  order_date: 2024-01
  status: cancelled
  scheduled: [{date: 2024-03, quantity: 500}, {date: 2024-06, quantity: 500}]
  delivered: [{date: 2024-03-20, quantity: 400}]
  sources: [s1]
""",
    )
    report = ac.report(ac.load(path))
    (company,) = [c for c in report["companies"] if c["id"] == "co"]
    h100 = company["fleet"]["skus"]["H100"]
    # 'through 2024' must count the 400 delivered in March 2024, or name the month it stops at
    assert not (h100["through"] == "2024" and h100["delivered"] == 0), h100


def test_valuation_of_a_stake_bought_in_a_round_has_new_money(tmp_path: Path) -> None:
    # r1 raised $20M at $100M post-money ($80M pre); i1 paid $15M of it for 15%:
    # $15M / 15% = $100M post-money, and the pre-money is below it (new money came in).
    path = _ledger(
        tmp_path,
        """- {id: i1, name: I1, type: investor}
stakes:
- {id: i1-buy, holder: i1, company: co, date: 2024-03, event: purchase, round: r1,
   share: 15%, paid: $15M, sources: [s1]}
funding_rounds:
- {id: r1, company: co, date: 2024-03, amount: $20M, post_money: $100M,
   investors: [{investor: i1, amount: $15M}], sources: [s1]}
""",
    )
    frame = ac.valuation(ac.load(path), "co").frame.set_index("record")
    assert frame.loc["i1-buy", "post_money_usd"] == pytest.approx(100e6)
    assert frame.loc["r1", "pre_money_usd"] == pytest.approx(80e6)
    assert frame.loc["i1-buy", "pre_money_usd"] < 100e6


def test_report_funding_counts_rounds_by_as_of(tmp_path: Path, runner: CliRunner) -> None:
    # a $100M round closed in 2022-10, a ceiling "up to $50M" of 2023-10 with $50M of
    # tranches: as of 2023-09 only the first was raised.
    path = _ledger(
        tmp_path,
        """- {id: i1, name: I1, type: investor}
funding_rounds:
- {id: r1, company: co, date: 2022-10, amount: $100M, investors: [{investor: i1}],
   sources: [s1]}
- id: r2
  company: co
  date: 2023-10
  status: committed
  amount: up to $50M
  investors: [{investor: i1}]
  tranches:
  - {amount: $20M, status: disbursed, date: 2023-12}
  - {amount: $30M, status: committed, date: 2024-03}
  sources: [s1]
""",
    )
    result = runner.invoke(app, ["report", str(path), "--as-of", "2023-09", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    (row,) = [
        dict(zip(header.split(","), r.split(","), strict=False))
        for r in rows
        if r.startswith("co,")
    ]
    assert float(row["funding_usd"]) == pytest.approx(100e6)
