"""Adjustments that changed nothing while the explanation said they did: one naming another
entity than the one the scenarios run for, and a cash balance 'removed' in a window of months.
Both are errors now, naming the field; the right ones give the hand figures.

Beta (EUR): EUR 10M of cash at the end of March 2024 (EUR at $1.20 then: $12M); payroll EUR 1M a
month January to March (at $1.10, $1.10, $1.20: its run rate $1.1333M), compute '$2M to $4M' in
March ($3M, its run rate), revenue $0.5M a month: a net burn of 1.1333 + 3 - 0.5 = $3.6333M,
12 / 3.6333 = 3.3028 months. Gamma: $6M of cash at the end of February 2024 (a conflicting
'$5M to $7M' set aside), opex 'about $1M' a month.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
- {id: src-b, outlet: Test, title: B, date: 2024-05}
entities:
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
fx_rates:
- {id: fx-eur-1, sources: [src-a], currency: EUR, date: 2024-01, usd: 1.1}
- {id: fx-eur-2, sources: [src-a], currency: EUR, date: 2024-03, usd: 1.2}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: €10M}
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-02, amount: $5M to $7M}
- {id: gamma-cash-b, sources: [src-b], company: gamma, date: 2024-02, amount: $6M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: €1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, amount: $2M to $4M,
   date: 2024-03}
- {id: gamma-opex, sources: [src-a], company: gamma, category: opex, rate: about $1M/month,
   date: 2023-12, until: 2024-02}
revenues:
- {id: beta-rev, sources: [src-a], company: beta, rate: $500K/month, date: 2024-02, until: 2024-03}
"""

BURN = 1.1e6 * 2 / 3 + 1.2e6 / 3 + 3e6 - 0.5e6


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51silent") / "two.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def months(led: ac.Ledger, *adjustments: object) -> float:
    table = ac.compare(led, "beta", [ac.Scenario("x", adjustments)], as_of="2024-03")
    return float(table.frame.loc["x", "months"])


@pytest.mark.parametrize(
    "adjustment",
    [
        ac.scale("gamma", by=2),
        ac.add_flow("gamma", amount=-5e6, start="2024-04"),
        ac.cut_headcount("gamma", share=0.5),
        ac.growth("gamma", rate=0.1, category="opex"),
        ac.remove("gamma-opex", entity="gamma"),
    ],
    ids=["scale", "add_flow", "cut_headcount", "growth", "remove"],
)
def test_an_adjustment_of_another_entity_is_refused(led: ac.Ledger, adjustment: object) -> None:
    """Beta's comparison with gamma's opex doubled gave beta's 3.30 months, the explanation
    saying 'gamma: every category x2': only beta's runway is run."""
    with pytest.raises(ac.AdjustmentError, match="expected beta") as caught:
        months(led, adjustment)
    assert caught.value.field == "entity"
    assert caught.value.found == "'gamma'"


def test_the_scenarios_entity_named_gives_the_hand_figures(led: ac.Ledger) -> None:
    assert months(led) == pytest.approx(12e6 / BURN)  # 3.3028
    # every stream of beta doubled: 12 / 7.2667
    assert months(led, ac.scale("beta", by=2)) == pytest.approx(12e6 / (2 * BURN))
    # gamma's own comparison, opex doubled from April: March (after the balance) 6 - 1 = 5,
    # then 5 / 2 = 2.5 months
    gamma = ac.compare(
        led, "gamma", [ac.Scenario("x", [ac.scale("gamma", by=2, start="2024-04")])], "2024-03"
    )
    assert float(gamma.frame.loc["x", "months"]) == pytest.approx(2.5)


def test_a_sweep_of_every_entity_still_takes_one_entitys_adjustment(led: ac.Ledger) -> None:
    """sweep(entity=None) runs every entity: gamma's opex doubled from April halves its months
    after March (2.5 months), beta's stay 3.3028."""
    frame = ac.sweep(led, None, ac.scale("gamma", by=1.0, start="2024-04"), as_of="2024-03", by=[2])
    got = frame.frame.set_index("entity")["months"]
    assert got["gamma"] == pytest.approx(2.5)
    assert got["beta"] == pytest.approx(12e6 / BURN)


@pytest.mark.parametrize("window", [{"start": "2024-01"}, {"end": "2024-02"}])
def test_a_cash_balance_removed_in_a_window_is_refused(
    led: ac.Ledger, window: dict[str, str]
) -> None:
    """remove('beta-cash', start='2024-01') left the balance in (3.30 months) while the
    explanation said 'records left out from 2024-01: beta-cash'."""
    key = next(iter(window))
    with pytest.raises(ac.AdjustmentError, match="cash balance") as caught:
        months(led, ac.remove("beta-cash", **window))  # type: ignore[arg-type]
    assert caught.value.field == key


def test_a_record_removed_in_a_window(led: ac.Ledger) -> None:
    """A flow record in a window is still taken: beta's compute left out (its run rate goes
    with it): 1.1333 - 0.5 = $0.6333M a month, 12 / 0.6333 = 18.95 months."""
    assert months(led, ac.remove("beta-compute")) == pytest.approx(12e6 / (BURN - 3e6))
    # left out from April on: March's $3M stays (in the balance) and so does its run rate
    assert months(led, ac.remove("beta-compute", start="2024-04")) == pytest.approx(12e6 / BURN)


@pytest.mark.parametrize(
    "adjustment",
    [
        ac.AddFlow("gamma", "2024-05", 5e6, "gamma's money"),
        ac.Exclude(["gamma-opex"]),
        ac.Exclude(["beta-compute", "gamma-cash"]),
    ],
    ids=["AddFlow", "Exclude", "Exclude-one-of-two"],
)
def test_a_flows_table_adjustment_of_another_entity_is_refused(
    led: ac.Ledger, adjustment: object
) -> None:
    """ac.AddFlow('gamma', ...) in beta's comparison gave beta's 3.30 months, the explanation
    saying 'added flow ... (gamma)'."""
    with pytest.raises(ac.AdjustmentError, match=r"expected (records of )?beta") as caught:
        months(led, adjustment)
    assert caught.value.field in ("entity", "records")


def test_flows_table_adjustments_of_the_entity(led: ac.Ledger) -> None:
    """$5M in May: April 12 - 3.6333 = 8.3667, May 4.7333 + 5 = 9.7333, then 2.6789 months:
    4.6789; beta's compute left out: 12 / 0.6333 = 18.95 (as the runway's adjust=)."""
    added = ac.AddFlow("beta", "2024-05", 5e6, "x")
    assert months(led, added) == pytest.approx(2 + (12e6 - 2 * BURN + 5e6) / BURN)
    assert months(led, ac.Exclude(["beta-compute"])) == pytest.approx(12e6 / (BURN - 3e6))
    plain = ac.runway(led, "beta", as_of="2024-03", adjust=[added])
    assert months(led, added) == float(plain.months)
    # a sweep of every entity takes gamma's: its opex left out and $5M in: never runs out
    swept = ac.sweep(
        led,
        None,
        ac.scale(by=1.0),
        base=[ac.AddFlow("gamma", "2024-05", 5e6, "x"), ac.Exclude(["gamma-opex"])],
        as_of="2024-03",
        by=[1.0],
    ).frame.set_index("entity")["months"]
    assert swept["gamma"] == float("inf")
    assert swept["beta"] == pytest.approx(12e6 / BURN)


def test_a_record_removed_in_months_it_has_no_flows_says_so(led: ac.Ledger) -> None:
    """beta-payroll runs January to March: left out from May, nothing goes (its run rate goes
    on: 3.30 months) and the explanation said only 'records left out from 2024-05'; it now
    says nothing is left out, and how to stop the stream (payroll x0 from May: April at 3.6333,
    then 2.5 a month: 1 + 8.3667 / 2.5 = 4.3467 months)."""
    table = ac.compare(
        led,
        "beta",
        [
            ac.Scenario("late", [ac.remove("beta-payroll", start="2024-05")]),
            ac.Scenario("stop", [ac.scale(category="payroll", by=0, start="2024-05")]),
        ],
        as_of="2024-03",
    )
    assert table.frame.loc["late", "months"] == pytest.approx(12e6 / BURN)
    assert any("nothing is left out" in line for line in table.explain("late"))
    assert table.frame.loc["stop", "months"] == pytest.approx(1 + (12e6 - BURN) / 2.5e6)


def test_a_factor_that_ends_by_the_balance_says_so(led: ac.Ledger) -> None:
    """Compute x0.5 to March (beta's balance is March 31): those months are in the $12M, the
    runway is 3.30 months as without it, and the explanation said only 'compute x0.5 to
    2024-03'. To April: April burns 3.6333 - 1.5 = 2.1333, then 3.6333: 1 + 9.8667 / 3.6333
    = 3.7156 months, no note."""
    table = ac.compare(
        led,
        "beta",
        [
            ac.Scenario("march", [ac.scale(category="compute", by=0.5, end="2024-03")]),
            ac.Scenario("april", [ac.scale(category="compute", by=0.5, end="2024-04")]),
        ],
        as_of="2024-03",
    )
    assert table.frame.loc["march", "months"] == pytest.approx(12e6 / BURN)
    assert any("so it changes nothing" in line for line in table.explain("march"))
    assert table.frame.loc["april", "months"] == pytest.approx(1 + (12e6 - BURN + 1.5e6) / BURN)
    assert not any("changes nothing" in line for line in table.explain("april"))


def test_add_flow_takes_the_ledgers_widths(led: ac.Ledger) -> None:
    """'about $3M' of funding in April with the ledger's 'about' at 50% to 150%
    (Ledger.with_widths): its ends $1.5M and $4.5M, as the ledger's own figures would have
    them (they were the default 90% to 110%: $2.7M and $3.3M). Months: 15 / 3.6333; the
    pessimistic end (compute $4M): 13.5 / 4.6333 = 2.914; the optimistic end (compute $2M):
    16.5 / 2.6333 = 6.266."""
    wide = led.with_widths({"about": (0.5, 1.5)})
    funding = ac.add_flow(amount="about $3M", kind="funding", start="2024-04")
    row = ac.compare(wide, "beta", [ac.Scenario("x", [funding])], as_of="2024-03").frame.loc["x"]
    assert row["months"] == pytest.approx(15e6 / BURN)
    assert row["months_low"] == pytest.approx(13.5e6 / (BURN + 1e6))
    assert row["months_high"] == pytest.approx(16.5e6 / (BURN - 1e6))
