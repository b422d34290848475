"""The scenario adjustment ``remove`` of a whole record that reports a fact another record
reports too leaves it out before the conflicts are resolved, as ``ac.Exclude`` does: the other
report stands (it removed the fact whole: 4.667 months; the reviewer's finding 10/11), and
removing the report the policy set aside is accepted and said (it was 'expected a record with
flows of co'). A remove in a window of the kept report keeps leaving out its flows there; a
window of the report set aside is an error saying why.

The reviewer's ledger, figures by hand. Co: cash $11M at the end of January 2024; payroll €1M a
month over FY2024 (July 2023 to June 2024); compute reported for March 2024 as €3M (ex2, source
sa, 2024-02-01) and €1M (ex3, sb, 2024-02-10): 'latest' keeps ex3. Euro at $1.0 from 2023-07-01,
$2.0 from 2024-04-01. A funding round on 2024-02-15 reported as €6M (r1, sa) and €12M (r2, sb):
one fact, 'latest' keeps r2. From the end of January:

- Feb: payroll $1M; Mar: payroll $1M + compute $1M; Apr to Jun: payroll €1M = $2M + compute at
  its mean over the months it has records ($1M) = $3M; from July payroll at its trailing
  12-month mean ((9 x $1M + 3 x $2M) / 12 = $1.25M) + compute $1M = $2.25M.
- no round: Feb 10, Mar 8, Apr 5, May 2, Jun 2 - 3 < 0: 4 + 2/3 = 4.667 months (the old
  ``remove("r2")``);
- r1's $6M (r2 left out): Feb 11 + 6 - 1 = 16, Mar 14, Apr 11, May 8, Jun 5, then 5 / 2.25 =
  2.222: 7.222 months;
- r2's $12M (as reported, or r1 removed): Feb 22, Mar 20, Jun 11, 11 / 2.25 = 4.889: 9.889.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: sa, outlet: A, title: A, date: 2024-02-01}
- {id: sb, outlet: B, title: B, date: 2024-02-10}
entities:
- {id: co, name: Co, type: company, fiscal_year_end: 06-30}
- {id: vc, name: VC, type: investor}
fx_rates:
- {id: fx1, currency: EUR, date: 2023-07-01, usd: 1.0, sources: [sa]}
- {id: fx2, currency: EUR, date: 2024-04-01, usd: 2.0, sources: [sa]}
cash_balances:
- {id: cb, company: co, date: 2024-01-31, amount: $11M, sources: [sa]}
expenses:
- {id: ex, company: co, category: payroll, rate: €1M/month, date: FY2024, sources: [sa]}
- {id: ex2, company: co, category: compute, amount: €3M, date: 2024-03, sources: [sa]}
- {id: ex3, company: co, category: compute, amount: €1M, date: 2024-03, sources: [sb]}
funding_rounds:
"""
R1 = "- {id: r1, company: co, date: 2024-02-15, amount: €6M, sources: [sa]}\n"
R2 = "- {id: r2, company: co, date: 2024-02-15, amount: €12M, sources: [sb]}\n"

NO_ROUND, R1_ONLY, R2_ONLY = 4 + 2 / 3, 5 + 5 / 2.25, 5 + 11 / 2.25


def _load(tmp: Path, text: str, name: str = "co") -> ac.Ledger:
    path = tmp / f"{name}.yaml"
    path.write_text(text)
    return ac.load(path)


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    return _load(tmp_path_factory.mktemp("remove_conflicting"), LEDGER + R1 + R2)


def _months(led: ac.Ledger, *adjustments: object, **kw: object) -> float:
    table = ac.compare(led, "co", [ac.Scenario("x", list(adjustments))], as_of="2024-01", **kw)
    return float(table.frame.loc["x", "months"])


def test_the_ledger_as_reported(led: ac.Ledger) -> None:
    assert _months(led) == pytest.approx(R2_ONLY)


def test_removing_the_kept_report_lets_the_other_stand(led: ac.Ledger) -> None:
    """The reviewer's case: r2 removed, r1's €6M counts (was 4.667, the round gone)."""
    table = ac.compare(
        led,
        "co",
        [ac.Scenario("rm", [ac.remove("r2")]), ac.Scenario("ex", [ac.Exclude(["r2"])])],
        as_of="2024-01",
    )
    assert table.frame["months"].to_dict() == pytest.approx({"rm": R1_ONLY, "ex": R1_ONLY})
    said = " ".join(table.explanations["rm"])
    assert "r2 left out before conflicts were resolved" in said
    assert "(r1)" in said


def test_removing_the_set_aside_report_is_accepted_and_said(led: ac.Ledger) -> None:
    """r1 was 'expected a record with flows of co': now nothing changes, and it is said."""
    table = ac.compare(led, "co", [ac.Scenario("rm", [ac.remove("r1")])], as_of="2024-01")
    assert float(table.frame.loc["rm", "months"]) == pytest.approx(R2_ONLY)
    said = " ".join(table.explanations["rm"])
    assert "r1 was set aside by conflicts='latest' already" in said
    assert "removing it changes nothing" in said


def test_removing_both_reports_removes_the_round(led: ac.Ledger) -> None:
    assert _months(led, ac.remove("r1"), ac.remove("r2")) == pytest.approx(NO_ROUND)


def test_a_scenarios_file(led: ac.Ledger, tmp_path: Path) -> None:
    path = tmp_path / "co.scenarios.yaml"
    path.write_text(
        "aicapex: 1\nentity: co\nas_of: 2024-01\nscenarios:\n"
        "- name: no r2\n  adjustments:\n  - do: remove\n    record: r2\n"
        "- name: no r1\n  adjustments:\n  - do: remove\n    record: r1\n"
    )
    table = ac.read_scenarios(path, led).compare(led)
    months = table.frame["months"].to_dict()
    assert months == pytest.approx({"no r2": R1_ONLY, "no r1": R2_ONLY})


def test_a_window_of_the_set_aside_report_says_why(led: ac.Ledger) -> None:
    """r1 has no flows in any month (set aside): the error names the report counted."""
    with pytest.raises(ac.AdjustmentError, match=r"set aside by conflicts='latest' \(r2 "):
        _months(led, ac.remove("r1", start="2024-02"))


def test_a_window_of_the_kept_report_leaves_its_flows_out(led: ac.Ledger) -> None:
    """Today's behaviour (a guard): r2's February flow goes, r1 does not stand in."""
    assert _months(led, ac.remove("r2", start="2024-02")) == pytest.approx(NO_ROUND)


def test_a_record_not_in_conflict_is_removed_as_before(tmp_path: Path) -> None:
    """A guard: r1 alone, removed: no round (4.667). With conflicts='all' every report counts
    (nothing to resolve again: r2's flows go): r1's $6M, and compute both ex2 and ex3, $4M in
    March and its mean, $4M a month, after: Feb 16, Mar 16 - 1 - 4 = 11, Apr 11 - 2 - 4 = 5,
    May 5 - 6 < 0: 3 + 5/6 = 3.833 months."""
    alone = _load(tmp_path, LEDGER + R1)
    assert _months(alone, ac.remove("r1")) == pytest.approx(NO_ROUND)
    both = _load(tmp_path, LEDGER + R1 + R2, "both")
    assert _months(both, ac.remove("r2"), conflicts="all") == pytest.approx(3 + 5 / 6)
