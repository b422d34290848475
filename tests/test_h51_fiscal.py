"""Scenarios from a fiscal year of their entity (``as_of="FY2024"``), as the runway takes it
(e891f85): compare, sweep and simulate refused it ('expected calendar dates in an analysis,
got the fiscal year') while ``ac.runway(led, "beta", as_of="FY2024")`` answered.

Beta, fiscal years ending June 30: $12M at the end of March 2024; payroll $1M, compute $3M
and revenue $0.5M a month: $3.5M a month. FY2024 ends 2024-06-30: 12 - 3 x 3.5 = $1.5M left,
1.5 / 3.5 = 0.4286 months; compute halved from FY2025's first month (July): 1.5 / 2 = 0.75.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company, fiscal_year_end: 06-30}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, rate: $3M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01, until: 2024-03}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51fiscal") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_a_fiscal_year_as_of(led: ac.Ledger) -> None:
    runway = float(ac.runway(led, "beta", as_of="FY2024").frame["months"].iloc[0])
    table = ac.compare(
        led,
        "beta",
        [
            ac.Scenario("base"),
            ac.Scenario("half", [ac.scale(category="compute", by=0.5, start="2024-07")]),
        ],
        as_of="FY2024",
    )
    assert runway == pytest.approx(1.5 / 3.5)
    assert table.frame.loc["base", "months"] == pytest.approx(1.5 / 3.5)
    assert table.frame.loc["half", "months"] == pytest.approx(1.5 / 2.0)
    assert table.params["as_of"] == "2024-06-30"
    swept = ac.sweep(led, "beta", ac.scale(category="compute", by=1.0), as_of="FY2024", by=[1])
    assert swept.frame["months"].tolist() == pytest.approx([1.5 / 3.5])
    mc = ac.simulate(led, "beta", n=10, ranges="base", as_of="FY2024", horizon=12)
    assert mc.months().tolist() == pytest.approx([1.5 / 3.5] * 3)


def test_a_fiscal_year_in_a_file_and_on_the_command_line(tmp_path: Path) -> None:
    """A scenarios file names one entity, so its as_of may be that entity's fiscal year: it
    was refused as a bad date ('expected calendar dates'), and --as-of FY2024 was a usage
    error (exit 2) while 'aicapex runway --as-of FY2024' answered."""
    import json

    from typer.testing import CliRunner

    from aicapex.cli import app

    (tmp_path / "beta.yaml").write_text(LEDGER)
    scenarios = tmp_path / "beta.scenarios.yaml"
    scenarios.write_text("aicapex: 1\nentity: beta\nas_of: FY2024\nscenarios:\n- name: base\n")
    assert ac.read_scenarios(scenarios).as_of == "FY2024"
    ledger = str(tmp_path / "beta.yaml")
    for extra in ([], ["--as-of", "FY2024"]):
        result = CliRunner().invoke(app, ["scenarios", ledger, "beta", "--format", "json", *extra])
        assert result.exit_code == 0, result.stderr
        (row,) = json.loads(result.stdout)["rows"]
        assert row["months"] == pytest.approx(1.5 / 3.5, abs=0.005)
    scenarios.write_text(scenarios.read_text().replace("FY2024", "FY20x4"))
    result = CliRunner().invoke(app, ["scenarios", ledger, "beta"])
    assert result.exit_code == 1
    assert "as_of" in result.stderr
