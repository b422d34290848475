"""A company of the ledger without a cash balance: its scenarios have no runway to vary, and say
so. Before: with ``as_of``, compare/simulate/sweep raised KeyError "unknown entity 'zeta' (did
you mean 'beta'?)" for an entity the ledger has (one without flows); without ``as_of``, a
scenarios file of it was a problem 'entity: expected scenarios need as_of when the cash
balances have no dates', which made the whole report fail (exit 1) instead of giving the
company's scenarios no answer and the reason, as a balance after the report date does.

Beta: $12M at the end of March 2024, payroll $1M a month: 12 months. Zeta: no cash balance;
opex of $1M in January 2024 (in the second ledger only).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.errors import LedgerError
from aicapex.report import report

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
- {id: zeta, name: Zeta, type: company}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
"""

ZETA_FLOWS = """\
- {id: zeta-opex, sources: [src-a], company: zeta, category: opex, amount: $1M, date: 2024-01}
"""

ZETA_FILE = """\
aicapex: 1
entity: zeta
scenarios:
- name: base
- name: leaner
  adjustments:
  - {do: scale, by: 0.5}
"""

BETA_FILE = """\
aicapex: 1
entity: beta
scenarios:
- name: base
- name: cut
  adjustments:
  - {do: cut_headcount, share: 0.5}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "two.yaml").write_text(LEDGER)
    (tmp_path / "zeta.scenarios.yaml").write_text(ZETA_FILE)
    (tmp_path / "beta.scenarios.yaml").write_text(BETA_FILE)
    return tmp_path


@pytest.mark.parametrize(
    "run",
    [
        lambda led: ac.compare(led, "zeta", [ac.Scenario("b")], as_of="2024-03"),
        lambda led: ac.simulate(led, "zeta", n=10, as_of="2024-03"),
        lambda led: ac.sweep(
            led, "zeta", ac.add_flow(amount=1.0, start="2024-04"), as_of="2024-03", amount=[1.0]
        ),
    ],
    ids=["compare", "simulate", "sweep"],
)
def test_a_known_entity_without_a_balance_is_no_unknown_entity(folder: Path, run: object) -> None:
    led = ac.load(folder / "two.yaml")
    with pytest.raises(ValueError, match="no cash balance of 'zeta' at or before 2024-03"):
        run(led)  # type: ignore[operator]
    # the plain runway says the same
    with pytest.raises(ValueError, match="no cash balance of 'zeta' at or before 2024-03"):
        ac.runway(led, "zeta", as_of="2024-03")


def test_without_as_of_it_says_there_is_no_balance(folder: Path) -> None:
    led = ac.load(folder / "two.yaml")
    with pytest.raises(ValueError, match="no cash balance of 'zeta' to start the scenarios"):
        ac.compare(led, "zeta", [ac.Scenario("b")])
    with pytest.raises(KeyError, match="unknown entity 'zeto'"):
        ac.compare(led, "zeto", [ac.Scenario("b")], as_of="2024-03")


def test_its_file_is_read_and_still_checked(folder: Path) -> None:
    led = ac.load(folder / "two.yaml")
    read = ac.read_scenarios(folder / "zeta.scenarios.yaml", led)
    assert [s.name for s in read.scenarios] == ["base", "leaner"]
    bad = folder / "bad.scenarios.yaml"
    bad.write_text(ZETA_FILE.replace("{do: scale, by: 0.5}", "{do: pay, bills: [nope]}"))
    with pytest.raises(LedgerError) as caught:
        ac.read_scenarios(bad, led)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (7, "adjustments.0.bills")


def test_the_report_gives_its_scenarios_no_answer_and_why(folder: Path) -> None:
    """Zeta's report date is its last flow's month (January 2024): no balance by then. Beta's
    scenarios are as by hand: 12 months; payroll halved from April: 12 / 0.5 = 24."""
    ledger = folder / "two.yaml"
    ledger.write_text(LEDGER + ZETA_FLOWS)
    data = report(ac.load(ledger))
    companies = {c["id"]: c for c in data["companies"]}
    assert companies["zeta"]["scenarios"] is None
    assert "no cash balance of 'zeta'" in companies["zeta"]["reasons"]["scenarios"]
    months = {r["scenario"]: r["months"] for r in companies["beta"]["scenarios"]}
    assert months == pytest.approx({"base": 12.0, "cut": 24.0})
    result = CliRunner().invoke(app, ["report", str(ledger)])
    assert result.exit_code == 0
    assert "n/a: " in result.stdout
