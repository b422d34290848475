"""A funding tranche still committed but dated on or before the cash balance a runway starts
from is no longer dropped silently: the runway cannot know whether the money arrived (it is
then in the balance) or not, so it adds nothing and says so, one assumption per tranche naming
its round (under policy 'committed': 'assumed already in the balance, not added').

Beta: $12M at the end of March 2024; payroll $2M and compute $1M a month, revenue $0.5M: a net
burn of $2.5M. Round beta-a: $4M disbursed in January (in the balance, said nothing of), $6M
committed for 2024-02-15 and $3M for March (its last day: the balance's) — both before the
balance, said and not added — and $5M committed for 2024-06-15 (after: added under policy
'committed'). Round beta-b: $2M committed for 2023-11-10 by two investors (one tranche, one
sentence). Gamma: $6M, opex $1M a month, a tranche disbursed in February: nothing to say.

Policy 'disbursed': 12 / 2.5 = 4.8 months. Policy 'committed': April closes at 9.5, May at 7.0,
June at 7.0 - 2.5 + 5 = 9.5, then 9.5 / 2.5 = 3.8 months: 6.8 months (adding the $11M
before the balance would have given 11.2). Beta-a's February tranche disbursed in May by a
scenario: May closes at 7.0 + 6 = 13.0, June at 15.5: 3 + 6.2 = 9.2 months.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-06}
entities:
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: inv-a, name: Inv A, type: investor}
- {id: inv-b, name: Inv B, type: investor}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-03-31, amount: $6M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $2M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: gamma-opex, sources: [src-a], company: gamma, category: opex, rate: $1M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-01, until: 2024-03}
funding_rounds:
- id: beta-a
  sources: [src-a]
  company: beta
  date: 2024-01
  status: committed
  amount: $18M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $4M, status: disbursed, date: 2024-01}
  - {amount: $6M, status: committed, date: 2024-02-15}
  - {amount: $3M, status: committed, date: 2024-03}
  - {amount: $5M, status: committed, date: 2024-06-15}
- id: beta-b
  sources: [src-a]
  company: beta
  date: 2023-11-10
  status: committed
  amount: $2M
  investors: [{investor: inv-a}, {investor: inv-b}]
  tranches:
  - {amount: $2M, status: committed, date: 2023-11-10}
- id: gamma-a
  sources: [src-a]
  company: gamma
  date: 2024-02
  status: committed
  amount: $1M
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $1M, status: disbursed, date: 2024-02}
"""

HEAD = "beta: tranche of "
IN = "assumed already in the balance, not added"
FEB = (
    f"{HEAD}beta-a ($6.00M) committed on 2024-02-15, before the cash balance of 2024-03-31 "
    "(beta-cash): "
)
MARCH = (
    f"{HEAD}beta-a ($3.00M) committed on 2024-03-31, on the date of the cash balance of "
    "2024-03-31 (beta-cash): "
)
NOV = (
    f"{HEAD}beta-b ($2.00M) committed on 2023-11-10, before the cash balance of 2024-03-31 "
    "(beta-cash): "
)


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("committed_before") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def said(assumptions: tuple[str, ...] | list[str]) -> list[str]:
    return [a for a in assumptions if a.startswith(HEAD)]


def test_policy_committed_names_each_tranche_before_the_balance(led: ac.Ledger) -> None:
    r = ac.runway(led, "beta", policy="committed")
    assert r.months == pytest.approx(6.8)  # the $11M before the balance not added
    assert said(r.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]


@pytest.mark.parametrize("policy", ["disbursed", "arrears"])
def test_other_policies_say_it_is_not_added(led: ac.Ledger, policy: str) -> None:
    r = ac.runway(led, "beta", policy=policy)
    assert r.months == pytest.approx(4.8)
    tail = (
        f"not added (policy {policy!r} counts only money disbursed; if it arrived, it is in "
        "the balance)"
    )
    assert said(r.assumptions) == [FEB + tail, MARCH + tail, NOV + tail]


def test_disbursed_and_later_tranches_are_not_named(led: ac.Ledger) -> None:
    r = ac.runway(led, "beta", policy="committed")
    text = " ".join(r.assumptions)
    assert "$4.00M" not in text  # disbursed in January: in the balance, as ever
    assert "$5.00M" not in text  # committed after the balance: added on its date
    gamma = ac.runway(led, "gamma", policy="committed")
    assert gamma.months == pytest.approx(6.0)
    assert not [a for a in gamma.assumptions if "tranche of" in a]


def test_every_entity_at_once_names_each_its_own(led: ac.Ledger) -> None:
    r = ac.runway(led, policy="committed")
    assert dict(zip(r.frame["entity"], r.frame["months"], strict=True)) == pytest.approx(
        {"beta": 6.8, "gamma": 6.0}
    )
    assert said(r.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]
    assert not [a for a in r.assumptions if a.startswith("gamma:")]


def test_a_later_as_of_names_them_from_the_same_balance(led: ac.Ledger) -> None:
    r = ac.runway(led, "beta", as_of="2024-04", policy="committed")
    assert r.months == pytest.approx(5.8)  # a month later: 6.8 - 1
    assert said(r.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]


def test_a_balance_after_every_tranche_names_them_all(led: ac.Ledger, tmp_path: Path) -> None:
    text = LEDGER.replace("date: 2024-03, amount: $12M", "date: 2024-07, amount: $12M")
    path = tmp_path / "later.yaml"
    path.write_text(text)
    r = ac.runway(ac.load(path), "beta", policy="committed")
    june = (
        f"{HEAD}beta-a ($5.00M) committed on 2024-06-15, before the cash balance of 2024-07-31 "
        "(beta-cash): " + IN
    )
    assert len(said(r.assumptions)) == 4
    assert june in r.assumptions
    assert r.months == pytest.approx(12 / 2.5)  # nothing after July: 4.8 months


def test_excluding_the_round_drops_its_sentences(led: ac.Ledger) -> None:
    r = ac.runway(led, "beta", policy="committed", exclude=["beta-a"])
    assert said(r.assumptions) == [NOV + IN]
    assert r.months == pytest.approx(4.8)  # the June $5M left out too


def test_scenarios_say_it_too(led: ac.Ledger) -> None:
    table = ac.compare(led, "beta", [ac.Scenario("plain", [])], policy="committed")
    assert table.frame.loc["plain", "months"] == pytest.approx(6.8)
    assert said(table.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]
    sim = ac.simulate(led, "beta", n=20, seed=1, ranges="base", policy="committed")
    assert list(sim.months()) == pytest.approx([6.8] * 3)
    assert said(sim.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]


def test_a_scenario_disbursing_it_later_no_longer_assumes_it_in(led: ac.Ledger) -> None:
    moved = ac.Scenario("moved", [ac.disburse("beta-a", tranche=1, on="2024-05")])
    table = ac.compare(led, "beta", [moved], policy="committed")
    assert table.frame.loc["moved", "months"] == pytest.approx(9.2)
    assert said(table.assumptions) == [MARCH + IN, NOV + IN]


def test_an_investor_with_a_balance_is_told_of_its_investments(tmp_path: Path) -> None:
    # inv-a's cash: $50M at the end of March; its committed $6M (February) and $3M (March)
    # before that are out of the balance already; the $5M of June leaves: 45M, then nothing.
    text = LEDGER.replace(
        "cash_balances:\n",
        "cash_balances:\n- {id: inv-cash, sources: [src-a], company: inv-a, date: 2024-03, "
        "amount: $50M}\n",
    )
    path = tmp_path / "investor.yaml"
    path.write_text(text)
    r = ac.runway(ac.load(path), "inv-a", policy="committed")
    out = "assumed already paid out of the balance, not taken"
    # inv-a records no expense: only its investments are money out, and that is said
    other = "inv-a: no expense recorded: only GPU orders paid and investments are counted"
    assert sum(a.startswith(other) for a in r.assumptions) == 1
    assert [a for a in r.assumptions if a.startswith("inv-a:") and not a.startswith(other)] == [
        "inv-a: investment of beta-a ($6.00M) committed on 2024-02-15, before the cash "
        f"balance of 2024-03-31 (inv-cash): {out}",
        "inv-a: investment of beta-a ($3.00M) committed on 2024-03-31, on the date of the cash "
        f"balance of 2024-03-31 (inv-cash): {out}",
    ]
    assert r.frame["start_cash"].item() == pytest.approx(50e6)
    assert r.cash_out is None  # $45M after June, no spending


def test_the_report_shows_it_in_the_runway_section(led: ac.Ledger) -> None:
    data = ac.report(led)
    (beta,) = [c for c in data["companies"] if c["id"] == "beta"]
    assert said(beta["runway"]["committed"]["assumptions"]) == [FEB + IN, MARCH + IN, NOV + IN]
    assert len(said(beta["runway"]["disbursed"]["assumptions"])) == 3
    (gamma,) = [c for c in data["companies"] if c["id"] == "gamma"]
    assert not said(gamma["runway"]["committed"]["assumptions"])
    assert not [a for a in gamma["runway"]["committed"]["assumptions"] if "tranche of" in a]


def test_a_committed_purchase_of_shares_before_the_balance(tmp_path: Path) -> None:
    # a primary purchase outside a round is money raised too: committed on 2024-02-20 ($1.5M),
    # before the balance, it is named; a closed one (2024-02-21, $1M) is in the balance, as
    # ever. Months unchanged: 6.8 under 'committed', 4.8 under 'disbursed'.
    text = LEDGER + (
        "stakes:\n"
        "- {id: inv-b-beta, sources: [src-a], holder: inv-b, company: beta, event: purchase,\n"
        "   purchase: primary, status: committed, date: 2024-02-20, paid: $1.5M, shares: 1000}\n"
        "- {id: inv-b-beta-2, sources: [src-a], holder: inv-b, company: beta, event: purchase,\n"
        "   purchase: primary, status: closed, date: 2024-02-21, paid: $1M, shares: 500}\n"
    )
    path = tmp_path / "stakes.yaml"
    path.write_text(text)
    r = ac.runway(ac.load(path), "beta", policy="committed")
    assert r.months == pytest.approx(6.8)
    shares = [a for a in r.assumptions if "purchase of shares" in a]
    assert shares == [
        "beta: purchase of shares inv-b-beta ($1.50M) committed on 2024-02-20, before the cash "
        f"balance of 2024-03-31 (beta-cash): {IN}"
    ]
    assert said(r.assumptions) == [FEB + IN, MARCH + IN, NOV + IN]
