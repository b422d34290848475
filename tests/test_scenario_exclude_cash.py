"""A scenario that leaves out the cash report the runway starts from lets another report of the
same fact stand, as ``runway(exclude=...)`` does: the scenarios resolved the conflicting cash
reports once and left the kept one out of what was left, so 'no cash balance of beta'.

Beta's cash at the end of March 2024 is reported twice: $12M by a source of June 2024 (kept
under conflicts 'latest') and $9M by one of April 2024 (kept under 'earliest'). Payroll $2M
and compute $1M a month, revenue $0.5M: a net burn of $2.5M. From $12M: 12 / 2.5 = 4.8
months; from $9M: 9 / 2.5 = 3.6 months; payroll halved (a burn of $1.5M): 9 / 1.5 = 6 months.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-old, outlet: Test, title: Old, date: 2024-04}
- {id: src-new, outlet: Test, title: New, date: 2024-06}
entities:
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
cash_balances:
- {id: beta-cash-old, sources: [src-old], company: beta, date: 2024-03, amount: $9M}
- {id: beta-cash-new, sources: [src-new], company: beta, date: 2024-03, amount: $12M}
- {id: gamma-cash, sources: [src-old], company: gamma, date: 2024-03, amount: $6M}
expenses:
- {id: beta-payroll, sources: [src-old], company: beta, category: payroll, rate: $2M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-old], company: beta, category: compute, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: gamma-opex, sources: [src-old], company: gamma, category: opex, rate: $1M/month,
   date: 2024-01, until: 2024-03}
revenues:
- {id: beta-rev, sources: [src-old], company: beta, rate: $500K/month, date: 2024-01,
   until: 2024-03}
"""

KEPT, OTHER = "beta-cash-new", "beta-cash-old"


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("scenario_exclude_cash") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def compared(led: ac.Ledger, *adjustments: object, **kw: object) -> ac.Comparison:
    return ac.compare(led, "beta", [ac.Scenario("x", adjustments)], **kw)  # type: ignore[arg-type]


def test_the_runway_falls_back_to_the_other_report(led: ac.Ledger) -> None:
    assert ac.runway(led, "beta").months == pytest.approx(4.8)
    r = ac.runway(led, "beta", exclude=[KEPT])
    assert r.frame["balance_record"].item() == OTHER
    assert r.months == pytest.approx(3.6)


@pytest.mark.parametrize("adjustment", [ac.Exclude([KEPT]), ac.remove(KEPT)])
def test_compare_starts_from_the_other_report(led: ac.Ledger, adjustment: object) -> None:
    table = compared(led, adjustment)
    row = table.frame.loc["x"]
    assert row["months"] == pytest.approx(3.6)
    assert row["months"] == pytest.approx(ac.runway(led, "beta", exclude=[KEPT]).months)
    assert row["cash_out"] == ac.runway(led, "beta", exclude=[KEPT]).frame["cash_out"].item()
    assert OTHER in set(table.used_records)
    assert KEPT not in set(table.used_records)
    # the other report is not 'set aside' any more: it is the start
    assert not any("set aside" in a for a in table.assumptions)


def test_a_plain_scenario_beside_it_keeps_the_kept_report(led: ac.Ledger) -> None:
    table = ac.compare(
        led, "beta", [ac.Scenario("plain", []), ac.Scenario("out", [ac.Exclude([KEPT])])]
    )
    assert table.frame.loc["plain", "months"] == pytest.approx(4.8)
    assert table.frame.loc["out", "months"] == pytest.approx(3.6)
    assert table.frame.loc["out", "months_vs_first"] == pytest.approx(-1.2)
    assert any(f"set aside: {OTHER}" in a for a in table.assumptions)  # the first scenario's


def test_leaving_out_the_report_set_aside_changes_nothing(led: ac.Ledger) -> None:
    assert compared(led, ac.Exclude([OTHER])).frame.loc["x", "months"] == pytest.approx(4.8)


def test_conflicts_earliest_falls_back_to_the_later_report(led: ac.Ledger) -> None:
    assert compared(led, conflicts="earliest").frame.loc["x", "months"] == pytest.approx(3.6)
    out = compared(led, ac.Exclude([OTHER]), conflicts="earliest").frame.loc["x", "months"]
    assert out == pytest.approx(4.8)
    assert out == pytest.approx(
        ac.runway(led, "beta", conflicts="earliest", exclude=[OTHER]).months
    )


def test_conflicts_all_spans_only_the_report_left(led: ac.Ledger) -> None:
    plain = compared(led, conflicts="all").frame.loc["x"]
    assert (plain["months_low"], plain["months_high"]) == pytest.approx((3.6, 4.8))
    row = compared(led, ac.Exclude([KEPT]), conflicts="all").frame.loc["x"]
    assert (row["months"], row["months_low"], row["months_high"]) == pytest.approx((3.6,) * 3)


def test_both_reports_left_out_is_no_cash_balance(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="no cash balance of 'beta'"):
        compared(led, ac.Exclude([KEPT, OTHER]))


def test_simulate_starts_from_the_other_report(led: ac.Ledger) -> None:
    sim = ac.simulate(led, "beta", n=50, seed=3, ranges="base", scenario=[ac.Exclude([KEPT])])
    assert list(sim.months()) == pytest.approx([3.6, 3.6, 3.6])


def test_sweep_with_a_base_leaving_the_report_out(led: ac.Ledger) -> None:
    swept = ac.sweep(
        led, "beta", ac.scale(category="payroll", by=1.0), base=[ac.Exclude([KEPT])], by=[1.0, 0.5]
    )
    assert list(swept.frame["months"]) == pytest.approx([3.6, 6.0])
    # a sweep of a record's argument runs one scenario per value: the same start
    one_by_one = ac.sweep(
        led, "beta", ac.remove("beta-rev"), base=[ac.remove(KEPT)], record=["beta-rev"]
    )
    assert one_by_one.frame["months"].item() == pytest.approx(3.0)  # 9 / (2 + 1)


def test_every_entity_at_once(led: ac.Ledger) -> None:
    swept = ac.sweep(
        led, None, ac.scale("gamma", category="opex", by=1.0), base=[ac.Exclude([KEPT])], by=[0.5]
    )
    months = dict(zip(swept.frame["entity"], swept.frame["months"], strict=True))
    assert months == pytest.approx({"beta": 3.6, "gamma": 12.0})  # 6 / 0.5


def test_a_scenarios_file_removing_the_report(led: ac.Ledger, tmp_path: Path) -> None:
    path = tmp_path / "beta.scenarios.yaml"
    path.write_text(
        "aicapex: 1\nentity: beta\nscenarios:\n- name: other report\n  adjustments:\n"
        f"  - do: remove\n    record: {KEPT}\n"
    )
    table = ac.read_scenarios(path, led).compare(led)
    assert table.frame.loc["other report", "months"] == pytest.approx(3.6)
