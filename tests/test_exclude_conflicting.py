"""``exclude=`` of a record that reports a fact another source reports too leaves that report
out before the conflicts are resolved: another report of the fact stands, for every kind with
conflicts (a funding round, an expense), as it did for cash reports; a report the policy set
aside already changes nothing, is accepted and said (it was 'no flows or cash balance with that
id', and excluding the kept report removed the fact whole).

Figures by hand. Acme: cash $11M at the end of January 2024 (one report), payroll $5M a month
January to June 2024. Its Series B (equity, 2024-02-15) is reported by two outlets: acme-b1
$6M (src-a, 2024-02-01), acme-b2 $12M (src-b, 2024-02-10): one fact; 'latest' keeps acme-b2,
'earliest' acme-b1. From the end of January (January's payroll is before the balance):

- $12M counted: Feb 11 - 5 + 12 = 18, Mar 13, Apr 8, May 3, Jun 3 - 5 < 0: 4 + 3/5 = 4.6 months;
- $6M counted: Feb 12, Mar 7, Apr 2, May 2 - 5 < 0: 3 + 2/5 = 3.4 months;
- no round: Feb 6, Mar 1, Apr 1 - 5 < 0: 2 + 1/5 = 2.2 months (the old code's figure with
  acme-b2 excluded);
- both ('all'): Feb 11 - 5 + 18 = 24, Mar 19, Apr 14, May 9, Jun 4, July (payroll at its run
  rate, $5M) 4 - 5 < 0: 5 + 4/5 = 5.8 months.

Beta: cash at the end of January 2024 reported $20M (src-b, later) and $14M (src-a); payroll
$5M a month and compute reported $3M a month (src-b) and $1M a month (src-a), January to June.
'latest': $20M and a burn of 5 + 3 = 8: Feb 12, Mar 4, Apr 4 - 8 < 0: 2 + 4/8 = 2.5 months.
Compute $3M left out: the $1M report stands, a burn of 6: Feb 14, Mar 8, Apr 2, May 2 - 6 < 0:
3 + 2/6 = 3.333 months (the old code dropped compute: a burn of 5, 20 / 5 = 4 months). Cash
$20M left out: $14M at a burn of 8: Feb 6, Mar 6 - 8 < 0: 1 + 6/8 = 1.75 months (a guard: cash
reports already worked so).

Gamma: cash $10.5M at the end of January 2024, payroll $1M a month January to June; its AWS
bill for January 2024 reported as $6M billed, $2M paid on 2024-01-25 (src-b, kept) and as $4M
billed, $1M paid on 2024-01-20 (src-a). Policy 'arrears' pays what is unpaid at as_of (January)
then: $4M: 10.5 - 4 = 6.5, Feb 5.5, Mar 4.5, Apr 3.5, May 2.5, Jun 1.5, Jul 0.5 (payroll at its
run rate), Aug -0.5: 6 + 0.5 = 6.5 months; $3M (src-a's report): 7.5 months (the old code, the
bill gone: 10.5).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-cash, outlet: Wire, title: Cash, date: 2024-01-31}
- {id: src-a, outlet: Wire, title: First, date: 2024-02-01}
- {id: src-b, outlet: Post, title: Second, date: 2024-02-10}
entities:
- {id: acme, name: Acme, type: company}
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: aws, name: AWS, type: cloud_provider}
cash_balances:
- {id: acme-cash, sources: [src-cash], company: acme, date: 2024-01, amount: $11M}
- {id: beta-cash-a, sources: [src-a], company: beta, date: 2024-01, amount: $14M}
- {id: beta-cash-b, sources: [src-b], company: beta, date: 2024-01, amount: $20M}
- {id: gamma-cash, sources: [src-cash], company: gamma, date: 2024-01, amount: $10.5M}
cloud_bills:
- {id: gamma-aws-a, sources: [src-a], payer: gamma, provider: aws, period: 2024-01, billed: $4M,
   payments: [{date: 2024-01-20, amount: $1M}]}
- {id: gamma-aws-b, sources: [src-b], payer: gamma, provider: aws, period: 2024-01, billed: $6M,
   payments: [{date: 2024-01-25, amount: $2M}]}
expenses:
- {id: acme-payroll, sources: [src-cash], company: acme, category: payroll, rate: $5M/month,
   date: 2024-01, until: 2024-06}
- {id: beta-payroll, sources: [src-cash], company: beta, category: payroll, rate: $5M/month,
   date: 2024-01, until: 2024-06}
- {id: gamma-payroll, sources: [src-cash], company: gamma, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-06}
- {id: beta-compute-a, sources: [src-a], company: beta, category: compute, rate: $1M/month,
   date: 2024-01, until: 2024-06}
- {id: beta-compute-b, sources: [src-b], company: beta, category: compute, rate: $3M/month,
   date: 2024-01, until: 2024-06}
funding_rounds:
- {id: acme-b1, sources: [src-a], company: acme, date: 2024-02-15, status: closed,
   instrument: equity, series: Series B, amount: $6M}
- {id: acme-b2, sources: [src-b], company: acme, date: 2024-02-15, status: closed,
   instrument: equity, series: Series B, amount: $12M}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("exclude_conflicting") / "acme.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, entity: str, **kw: object) -> float:
    return float(ac.runway(led, entity, as_of="2024-01", **kw).months)  # type: ignore[arg-type]


def test_the_ledger_holds_the_conflicts(led: ac.Ledger) -> None:  # the setting (a guard)
    groups = led.conflicts().groupby("group")["id"].apply(lambda s: sorted(map(str, s)))
    assert sorted(groups) == [
        ["acme-b1", "acme-b2"],
        ["beta-cash-a", "beta-cash-b"],
        ["beta-compute-a", "beta-compute-b"],
        ["gamma-aws-a", "gamma-aws-b"],
    ]
    assert months(led, "acme") == pytest.approx(4.6)
    assert months(led, "beta") == pytest.approx(2.5)


def test_excluding_the_kept_round_counts_the_other_report(led: ac.Ledger) -> None:
    r = ac.runway(led, "acme", as_of="2024-01", exclude=["acme-b2"])
    assert r.months == pytest.approx(3.4)  # not 2.2: the $6M report stands
    assert "acme-b1" in set(r.records)
    assert "acme-b2" not in set(r.records)
    said = "acme-b1, another report of the same fact, counted instead"
    assert any(said in a for a in r.assumptions)


def test_excluding_the_set_aside_round_changes_nothing_and_says_so(led: ac.Ledger) -> None:
    r = ac.runway(led, "acme", as_of="2024-01", exclude="acme-b1")
    assert r.months == pytest.approx(4.6)
    assert "acme-b1 left out: it was set aside by conflicts='latest' already" in r.assumptions


def test_excluding_both_reports_leaves_no_round(led: ac.Ledger) -> None:
    assert months(led, "acme", exclude=["acme-b1", "acme-b2"]) == pytest.approx(2.2)


def test_earliest(led: ac.Ledger) -> None:
    assert months(led, "acme", conflicts="earliest") == pytest.approx(3.4)
    assert months(led, "acme", conflicts="earliest", exclude=["acme-b1"]) == pytest.approx(4.6)
    r = ac.runway(led, "acme", as_of="2024-01", conflicts="earliest", exclude=["acme-b2"])
    assert r.months == pytest.approx(3.4)
    assert "acme-b2 left out: it was set aside by conflicts='earliest' already" in r.assumptions


def test_all_counts_both_and_leaves_one_out(led: ac.Ledger) -> None:  # a guard
    assert months(led, "acme", conflicts="all") == pytest.approx(5.8)
    assert months(led, "acme", conflicts="all", exclude=["acme-b2"]) == pytest.approx(3.4)
    assert months(led, "acme", conflicts="all", exclude=["acme-b1"]) == pytest.approx(4.6)


def test_an_expense_reported_twice(led: ac.Ledger) -> None:
    assert months(led, "beta", exclude=["beta-compute-b"]) == pytest.approx(20 / 6)
    r = ac.runway(led, "beta", as_of="2024-01", exclude=["beta-compute-a"])
    assert r.months == pytest.approx(2.5)
    assert "beta-compute-a left out: it was set aside by conflicts='latest' already" in (
        r.assumptions
    )


def test_a_bill_reported_twice(led: ac.Ledger) -> None:
    assert months(led, "gamma", policy="arrears") == pytest.approx(6.5)
    assert months(led, "gamma", policy="arrears", exclude=["gamma-aws-b"]) == pytest.approx(7.5)
    assert months(led, "gamma", policy="arrears", exclude=["gamma-aws-a"]) == pytest.approx(6.5)


def test_a_cash_balance_reported_twice(led: ac.Ledger) -> None:  # a guard
    assert months(led, "beta", exclude=["beta-cash-b"]) == pytest.approx(1.75)
    assert months(led, "beta", exclude=["beta-cash-a"]) == pytest.approx(2.5)


def test_record_frames_as_the_source(led: ac.Ledger) -> None:
    kinds = ("cash_balances", "expenses", "funding_rounds", "tranches", "investments")
    frames = {k: led.frame(k) for k in kinds}
    assert months(frames, "acme", exclude=["acme-b2"]) == pytest.approx(3.4)  # type: ignore[arg-type]
    assert months(frames, "acme", exclude=["acme-b1"]) == pytest.approx(4.6)  # type: ignore[arg-type]


def test_the_ledgers_flows_stay_as_they_were(led: ac.Ledger) -> None:  # a guard
    months(led, "acme", exclude=["acme-b2"])
    records = set(led.flows()["record"].astype("object"))
    assert "acme-b2" in records
    assert "acme-b1" not in records


def test_a_typo_is_still_refused(led: ac.Ledger) -> None:  # a guard
    with pytest.raises(ValueError, match="acme-b3"):
        months(led, "acme", exclude=["acme-b3"])


def test_compare_with_a_scenario_excluding_a_report(led: ac.Ledger) -> None:
    table = ac.compare(
        led,
        "acme",
        [
            ac.Scenario("kept out", [ac.Exclude(["acme-b2"])]),
            ac.Scenario("aside out", [ac.Exclude(["acme-b1"])]),
        ],
        as_of="2024-01",
    )
    assert table.frame.loc["kept out", "months"] == pytest.approx(3.4)
    assert table.frame.loc["aside out", "months"] == pytest.approx(4.6)
    beta = ac.compare(
        led, "beta", [ac.Scenario("x", [ac.Exclude(["beta-compute-b"])])], as_of="2024-01"
    )
    assert beta.frame.loc["x", "months"] == pytest.approx(20 / 6)


def test_compare_with_cash_given_as_dollars(led: ac.Ledger) -> None:
    table = ac.compare(
        led,
        "acme",
        [ac.Scenario("kept out", [ac.Exclude(["acme-b2"])])],
        as_of="2024-01",
        cash={"acme": 11e6},
    )
    # the dollars are the cash at as_of: the same start as the ledger's balance
    assert table.frame.loc["kept out", "months"] == pytest.approx(3.4)


@pytest.mark.parametrize(("left_out", "february"), [("acme-b2", 12e6), ("acme-b1", 18e6)])
def test_simulate_with_a_scenario_excluding_a_report(
    led: ac.Ledger, left_out: str, february: float
) -> None:
    # the cash at the end of February: 11 - 5 + 6 (acme-b1 stands) or + 12 (acme-b2 kept)
    s = ac.simulate(
        led, "acme", n=20, seed=1, ranges="base", horizon=12, as_of="2024-01",
        scenario=ac.Scenario("x", [ac.Exclude([left_out])]),
    )  # fmt: skip
    row = s.frame[s.frame["month"] == "2024-02-01"]
    assert row["p50"].item() == pytest.approx(february)


def test_compare_with_record_frames(led: ac.Ledger) -> None:
    kinds = ("cash_balances", "expenses", "funding_rounds", "tranches", "investments")
    frames = {k: led.frame(k) for k in kinds}
    table = ac.compare(
        frames,  # type: ignore[arg-type]
        "acme",
        [ac.Scenario("plain", []), ac.Scenario("kept out", [ac.Exclude(["acme-b2"])])],
        as_of="2024-01",
    )
    assert table.frame.loc["plain", "months"] == pytest.approx(4.6)
    assert table.frame.loc["kept out", "months"] == pytest.approx(3.4)
