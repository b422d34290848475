"""Sweeps of arguments that are not numbers of the streams: ``delay``'s ``months`` gave a frame
with two 'months' columns (the values swept and the runway's: ``frame['months']`` a frame of
both, the JSON rows one 'months' key); a sweep of every entity (``entity=None``) of a round's
tranches said 'round: expected a round of None', of bills or records 'expected unpaid bills of
None'. Now the values' column is ``delay_months``, a round is its company's, and bills and
records ask for their entity by name.

Beta: $12M at the end of March 2024, payroll $1M and compute $2.6M a month, revenue $0.5M: a
net burn of $3.1M, 12 / 3.1 = 3.871 months. A round of $10M: $4M disbursed in February (in the
balance) and a committed $6M in June. Policy committed: May closes at 5.8, June at 2.7 + 6 =
8.7, then 8.7 / 3.1 months: 5.806 months. The tranche 1 month late (July): July closes at
-0.4 + 6 = 5.6 (a month's flows net whatever their days): 5.806 months; 2 months late
(August): July closes below zero: 3 + 2.7 / 3.1 = 3.871 months. Gamma: $6M at the end of
March, opex $1M a month: 6 months.
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
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: inv-a, name: Inv A, type: investor}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-03, amount: $6M}
expenses:
- {id: beta-payroll, sources: [src-a], company: beta, category: payroll, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-a], company: beta, category: compute, rate: $2.6M/month,
   date: 2024-01, until: 2024-03}
- {id: gamma-opex, sources: [src-a], company: gamma, category: opex, rate: $1M/month,
   date: 2024-01, until: 2024-03}
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
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51sweep") / "two.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_delay_months_swept_is_its_own_column(led: ac.Ledger) -> None:
    result = ac.sweep(
        led, "beta", ac.delay("beta-a"), as_of="2024-03", policy="committed", months=[0, 1, 2]
    )
    frame = result.frame
    assert frame.columns.is_unique
    assert result.parameter == "delay_months"
    assert frame["delay_months"].tolist() == [0, 1, 2]
    assert frame["months"].tolist() == pytest.approx([5.806, 5.806, 3.871], abs=5e-4)
    rows = result.to_dict()["rows"]
    assert [(r["delay_months"], r["months"]) for r in rows] == [(0, 5.81), (1, 5.81), (2, 3.87)]


def test_a_numeric_argument_keeps_its_name(led: ac.Ledger) -> None:
    """Compute x0.5 from April: 1 + 1.3 - 0.5 = $1.8M a month, 12 / 1.8 = 6.667."""
    result = ac.sweep(led, "beta", ac.scale(category="compute", by=1.0), as_of="2024-03", by=[0.5])
    assert result.parameter == "by"
    assert result.frame["months"].tolist() == pytest.approx([12 / 1.8])


def test_a_sweep_of_every_entity_moves_a_rounds_tranches_of_its_company(led: ac.Ledger) -> None:
    """The committed $6M received in April or June, policy disbursed: (12 + 6) / 3.1 = 5.806
    months for beta either way (before its cash runs out); gamma's 6 months unchanged."""
    result = ac.sweep(
        led, None, ac.disburse("beta-a", tranche=1), as_of="2024-03", on=["2024-04", "2024-06"]
    )
    got = {(r.entity, r.on): r.months for r in result.frame.itertuples()}
    assert got == pytest.approx(
        {
            ("beta", "2024-04"): 18 / 3.1,
            ("beta", "2024-06"): 18 / 3.1,
            ("gamma", "2024-04"): 6.0,
            ("gamma", "2024-06"): 6.0,
        }
    )


@pytest.mark.parametrize(
    ("adjustment", "values"),
    [
        (ac.remove("beta-compute"), {"start": ["2024-04"]}),
        (ac.forgive(), {"bills": [None]}),
        (ac.pay(), {"on": ["2024-04"]}),
    ],
    ids=["remove", "forgive", "pay"],
)
def test_a_sweep_of_every_entity_asks_whose_records(
    led: ac.Ledger, adjustment: object, values: dict[str, list[object]]
) -> None:
    with pytest.raises(ac.AdjustmentError, match="expected the entity whose records") as caught:
        ac.sweep(led, None, adjustment, as_of="2024-03", **values)  # type: ignore[arg-type]
    assert caught.value.field == "entity"


def test_a_sweep_of_every_entity_of_one_entitys_record(led: ac.Ledger) -> None:
    """Beta's compute left out from January: its flows and its run rate gone, 1 - 0.5 =
    $0.5M a month: 24 months; from April: it has no flows then (past its records the stream
    goes on at its run rate): 12 / 3.1 = 3.871 months. Gamma: 6 months."""
    result = ac.sweep(
        led,
        None,
        ac.remove("beta-compute", entity="beta"),
        as_of="2024-03",
        start=["2024-01", "2024-04"],
    )
    got = {(r.entity, r.start): r.months for r in result.frame.itertuples()}
    assert got == pytest.approx(
        {
            ("beta", "2024-01"): 24.0,
            ("beta", "2024-04"): 12 / 3.1,
            ("gamma", "2024-01"): 6.0,
            ("gamma", "2024-04"): 6.0,
        }
    )


def test_both_ways_of_sweeping_order_the_rows_by_entity(tmp_path: Path) -> None:
    """A numeric argument (swept all at once) listed the entities as their balances come (zeta
    of February before beta of March), another argument (one scenario per value) by entity:
    both now by entity, then the values as given. Every stream x0.5 from April: beta
    12 / 1.5 = 8 months; zeta's March 6 - 1 = 5, then 5 / 0.5 = 10: 10 months."""
    (tmp_path / "two.yaml").write_text(
        """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
- {id: zeta, name: Zeta, type: company}
cash_balances:
- {id: beta-cash, sources: [src-a], company: beta, date: 2024-03, amount: $12M}
- {id: zeta-cash, sources: [src-a], company: zeta, date: 2024-02, amount: $6M}
expenses:
- {id: beta-opex, sources: [src-a], company: beta, category: opex, rate: $3M/month,
   date: 2024-01, until: 2024-03}
- {id: zeta-opex, sources: [src-a], company: zeta, category: opex, rate: $1M/month,
   date: 2024-01, until: 2024-02}
"""
    )
    two = ac.load(tmp_path / "two.yaml")
    half = ac.scale(by=1.0, start="2024-04")
    numeric = ac.sweep(two, None, half, as_of="2024-03", by=[1.0, 0.5]).frame
    assert numeric["entity"].tolist() == ["beta", "beta", "zeta", "zeta"]
    assert numeric["months"].tolist() == pytest.approx([4.0, 8.0, 5.0, 10.0])
    other = ac.sweep(
        two, None, ac.remove("beta-opex", entity="beta"), as_of="2024-03", start=["2024-05"]
    ).frame
    assert other["entity"].tolist() == ["beta", "zeta"]


def test_a_rate_swept_by_numbers_is_refused(led: ac.Ledger) -> None:
    """add_flow of '$1M/month' of revenue swept by amount=[1e6] added $1M once (a number is
    money once): 13 / 3.1 = 4.19 months, where $1M more revenue a month from April burns
    3.1 - 1 = $2.1M: 12 / 2.1 = 5.71 months. Rates sweep it; numbers sweep a sum."""
    monthly = ac.add_flow(amount="$1M/month", kind="revenues", start="2024-04")
    with pytest.raises(ValueError, match="expected rates"):
        ac.sweep(led, "beta", monthly, as_of="2024-03", amount=[1e6])
    rates = ac.sweep(led, "beta", monthly, as_of="2024-03", amount=["$1M/month", "$2M/month"])
    assert rates.frame["months"].tolist() == pytest.approx([12 / 2.1, 12 / 1.1])
    # a sum swept by numbers is money once: 13 / 3.1 and 14 / 3.1
    once = ac.add_flow(amount="$1M", kind="revenues", start="2024-04")
    sums = ac.sweep(led, "beta", once, as_of="2024-03", amount=[1e6, 2e6])
    assert sums.frame["months"].tolist() == pytest.approx([13 / 3.1, 14 / 3.1])
