"""Several scenarios files of one company: ``aicapex scenarios`` ran every file's scenarios
with the first file's date, policy and horizon (a file of policy disbursed showed the figures
of policy committed), while the report ran each file with its own. Files whose settings differ
are now refused (exit 1, naming them); files that agree still make one table. The report's text
names the scenario each row is compared with: its own file's first.

Beta: $12M of cash at the end of March 2024, payroll $1M and compute $3M a month (run rates),
revenue $0.5M: a net burn of $3.5M. A round of $10M: $4M disbursed in February (in the
balance), $6M committed for June 2024. Policy disbursed: 12 / 3.5 = 3.4286
months. Policy committed: June closes at 12 - 3 x 3.5 + 6 = 7.5, then 7.5 / 3.5 = 2.1429 more:
5.1429 months. An unpaid $1.5M bill, paid in May: April 8.5, May 5 - 1.5 = 3.5, then 1 month:
3.0 months (policy disbursed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.report import report

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
- {id: inv-a, name: Inv A, type: investor}
- {id: cloudco, name: CloudCo, type: cloud_provider}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, counterparty: cloudco,
   rate: $3M/month, date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01, until: 2024-03}
funding_rounds:
- id: beta-a
  sources: [src-a]
  company: beta
  date: 2024-02
  status: committed
  amount: $10M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $4M, status: disbursed, date: 2024-02}
  - {amount: $6M, status: committed, date: 2024-06}
cloud_bills:
- {id: beta-bill, sources: [src-a], payer: beta, provider: cloudco, period: 2024-02,
   billed: $1.5M, due: 2024-03-15}
"""

COMMITTED = """\
aicapex: 1
entity: beta
as_of: 2024-03
policy: committed
scenarios:
- name: committed-base
"""

DISBURSED = """\
aicapex: 1
entity: beta
as_of: 2024-03
scenarios:
- name: disbursed-base
- name: pay-may
  adjustments:
  - {do: pay, on: 2024-05}
"""

BURN = 1 + 3 - 0.5


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "beta.yaml").write_text(LEDGER)
    (tmp_path / "a.scenarios.yaml").write_text(COMMITTED)
    (tmp_path / "b.scenarios.yaml").write_text(DISBURSED)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_files_with_different_policies_are_refused(folder: Path) -> None:
    """Got disbursed-base at 5.14 months (policy committed, a.scenarios.yaml's) instead of
    12 / 3.5 = 3.43, exit 0."""
    code, out, err = run("scenarios", str(folder / "beta.yaml"), "beta", "--format", "json")
    assert code == 1
    assert out == ""
    assert "different settings" in err
    assert "policy committed" in err
    assert "a.scenarios.yaml" in err
    assert "b.scenarios.yaml" in err
    assert "Traceback" not in err


def test_one_file_at_a_time_gives_its_own_policy(folder: Path) -> None:
    ledger = str(folder / "beta.yaml")
    code, out, _ = run(
        "scenarios", ledger, "beta", "--file", str(folder / "b.scenarios.yaml"), "--format", "json"
    )
    assert code == 0
    rows = {r["scenario"]: r for r in json.loads(out)["rows"]}
    assert rows["disbursed-base"]["months"] == pytest.approx(12 / BURN, abs=0.005)  # 3.43
    assert rows["pay-may"]["months"] == pytest.approx(3.0, abs=0.005)
    assert rows["pay-may"]["months_vs_first"] == pytest.approx(3.0 - 12 / BURN, abs=0.01)
    code, out, _ = run(
        "scenarios", ledger, "beta", "--file", str(folder / "a.scenarios.yaml"), "--format", "json"
    )
    assert code == 0
    (row,) = json.loads(out)["rows"]
    assert row["months"] == pytest.approx(3 + (12 - 3 * BURN + 6) / BURN, abs=0.005)  # 5.14


def test_files_that_agree_make_one_table(folder: Path) -> None:
    (folder / "a.scenarios.yaml").write_text(COMMITTED.replace("policy: committed\n", ""))
    code, out, _ = run("scenarios", str(folder / "beta.yaml"), "beta", "--format", "json")
    assert code == 0
    months = {r["scenario"]: r["months"] for r in json.loads(out)["rows"]}
    assert months == pytest.approx(
        {"committed-base": 12 / BURN, "disbursed-base": 12 / BURN, "pay-may": 3.0}, abs=0.005
    )


def test_as_of_given_makes_the_files_dates_agree(folder: Path) -> None:
    (folder / "a.scenarios.yaml").write_text(
        COMMITTED.replace("policy: committed\n", "").replace("2024-03", "2024-04")
    )
    ledger = str(folder / "beta.yaml")
    code, _, err = run("scenarios", ledger, "beta")
    assert code == 1
    assert "as_of 2024-04" in err
    code, out, _ = run("scenarios", ledger, "beta", "--as-of", "2024-03", "--format", "json")
    assert code == 0
    assert len(json.loads(out)["rows"]) == 3


def test_the_report_agrees_with_each_file_and_names_the_reference(folder: Path) -> None:
    """The report runs each file with its own policy (from the company's report date, March
    2024); its text said '+0.00 vs the first' of disbursed-base, compared with its own file's
    first (itself), not with committed-base above it."""
    led = ac.load(folder / "beta.yaml")
    data = report(led)
    (company,) = [c for c in data["companies"] if c["scenarios"]]
    months = {r["scenario"]: r["months"] for r in company["scenarios"]}
    assert months == pytest.approx(
        {
            "committed-base": 3 + (12 - 3 * BURN + 6) / BURN,
            "disbursed-base": 12 / BURN,
            "pay-may": 3.0,
        },
        abs=0.005,
    )
    code, out, _ = run("report", str(folder / "beta.yaml"))
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("disbursed-base: 3.43 months, cash out") for line in lines)
    assert any("pay-may: 3.00 months, -0.43 vs disbursed-base" in line for line in lines)
    assert "vs the first" not in out


def test_scenarios_named_alike_in_two_files_name_the_files(folder: Path) -> None:
    """Two files of one company, each with a 'base': 'error: expected scenarios with distinct
    names, got base twice', naming no file."""
    (folder / "a.scenarios.yaml").write_text(
        COMMITTED.replace("policy: committed\n", "").replace("committed-base", "pay-may")
    )
    code, out, err = run("scenarios", str(folder / "beta.yaml"), "beta")
    assert code == 1
    assert out == ""
    assert "'pay-may' in " in err
    assert "a.scenarios.yaml" in err
    assert "b.scenarios.yaml" in err
