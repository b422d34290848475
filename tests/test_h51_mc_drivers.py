"""Monte Carlo drivers keep the meaning of the scenario adjustments they mirror: a multiplier
of a stream is 0 or more (``scale`` refuses ``by=-1``), revenue growth above -1 (``growth``
refuses ``rate=-1``), a delay 0 or more. A fixed driver outside is refused; a distribution's
draws below are held at the lowest (the stream stops). Before, ``compute=-1`` turned spending
into money in (the runway never ran out), ``normal(1, 2)`` did so on a third of the paths, and
a growth of -3 made revenue change sign month by month.

Beta: $12M at the end of March 2024; payroll $1M, compute $3M and revenue $0.5M a month: a net
burn of $3.5M, 12 / 3.5 = 3.43 months; compute stopped: 12 / 0.5 = 24 months.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: beta, name: Beta, type: company}
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
    path: Path = tmp_path_factory.mktemp("h51drivers") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def simulate(led: ac.Ledger, **drivers: Any) -> ac.Simulation:
    return ac.simulate(
        led, "beta", n=4_000, seed=2, ranges="base", as_of="2024-03", horizon=36, **drivers
    )


@pytest.mark.parametrize(
    ("drivers", "expected"),
    [
        ({"compute": -1.0}, "a multiplier of 0 or more"),
        ({"revenue": ac.dist.normal(-0.5, 0)}, "a multiplier of 0 or more"),
        ({"revenue_growth": -3.0}, "a monthly rate above -1"),
        ({"revenue_growth": -1}, "a monthly rate above -1"),
        ({"disbursement_delay": -2}, "months of 0 or more"),
    ],
)
def test_a_fixed_driver_out_of_its_range_is_refused(
    led: ac.Ledger, drivers: dict[str, Any], expected: str
) -> None:
    """compute=-1 gave a runway that never ran out (spending as money in)."""
    with pytest.raises(ValueError, match=expected):
        simulate(led, **drivers)


def test_draws_below_zero_stop_the_stream(led: ac.Ledger) -> None:
    """normal(1, 2): P(draw < 0) = P(z < -0.5) = 30.9% of the paths have no compute from
    April: 24 months, the longest, and the 95th percentile (got inf: those paths never ran
    out, their spending turned into money in)."""
    mc = simulate(led, compute=ac.dist.normal(1, 2))
    assert mc.to_dict()["cash_out_within_horizon"] == 1.0
    assert mc.months((0.95, 1.0)).tolist() == pytest.approx([24.0, 24.0])
    assert mc.distribution(width=1)["probability"].iloc[24] == pytest.approx(0.309, abs=0.03)
    assert "a draw below 0 counts as it" in " ".join(mc.assumptions)


def test_fixed_drivers_at_their_lowest(led: ac.Ledger) -> None:
    """compute x0 from April: 12 / 0.5 = 24 months; revenue growth of -0.5 a month: the
    revenue halves each month from April (0.25, 0.125, ...)."""
    assert simulate(led, compute=0.0).months().tolist() == pytest.approx([24.0] * 3)
    table = ac.compare(
        led, "beta", [ac.Scenario("g", [ac.growth(rate=-0.5)])], as_of="2024-03", horizon=36
    )
    grown = simulate(led, revenue_growth=-0.5).months().tolist()
    assert grown == pytest.approx([table.frame["months"].iloc[0]] * 3)


@pytest.mark.parametrize("tasks", [-1, 0, 1.5, "x", True])
def test_tasks_of_one_or_more(led: ac.Ledger, tasks: object) -> None:
    """tasks=-1 with an executor ran the first block alone (1,000 paths of 3,000, no word);
    1.5 and 'x' raised TypeError from inside."""
    from concurrent.futures import ThreadPoolExecutor

    kw: dict[str, Any] = {"n": 3_000, "block_size": 1_000, "seed": 1, "tasks": tasks}
    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match="tasks of 1 or more"):
        ac.simulate(led, "beta", executor=pool, **kw)


def test_tasks_do_not_change_the_result(led: ac.Ledger) -> None:
    from concurrent.futures import ThreadPoolExecutor

    kw: dict[str, Any] = {"n": 3_000, "block_size": 1_000, "seed": 1, "as_of": "2024-03"}
    alone = ac.simulate(led, "beta", compute=ac.dist.lognormal(0, 0.2), **kw)
    with ThreadPoolExecutor(2) as pool:
        for tasks in (1, 2, 5):
            run = ac.simulate(
                led, "beta", compute=ac.dist.lognormal(0, 0.2), executor=pool, tasks=tasks, **kw
            )
            assert run.summary.paths == 3_000
            assert run.months().equals(alone.months())


def test_a_path_of_no_scenario_says_so(led: ac.Ledger) -> None:
    table = ac.compare(led, "beta", [ac.Scenario("base")], as_of="2024-03")
    with pytest.raises(KeyError, match="no scenario 'nope' in this comparison"):
        table.path("nope")
