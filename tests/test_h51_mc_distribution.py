"""Simulation.distribution(): its rows are every path, summing to 1. With ``as_of`` within a
month, the paths run to the end of the horizon's month, past ``horizon`` months after
``as_of``: those running out there were in no row (rows of 0 to ``horizon``, then the paths
that never run out), so the probabilities summed to 0.87.

Gamma: $6M of cash at the end of February 2024, opex '$0.9M to $1.1M' a month (sampled uniform,
once per path: ``o``). From March 1 the cash lasts ``6 / o`` months (5.45 to 6.67): every path
runs out by the end of September. From ``as_of`` 2024-03-15 (15/31 of March gone) it is
``6 / o - 15/31`` months; the horizon of 6 months ends with September: 6 + 16/31 = 6.516 months
after ``as_of``. The paths running out 6 months or more after ``as_of``: ``6 / o >= 6 + 15/31``,
``o <= 0.92537``: (0.92537 - 0.9) / 0.2 = 12.7% of them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: src-a, outlet: Test, title: A, date: 2024-04}
entities:
- {id: gamma, name: Gamma, type: company}
cash_balances:
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-02, amount: $6M}
expenses:
- {id: gamma-opex, sources: [src-a], company: gamma, category: opex,
   rate: $0.9M to $1.1M/month, date: 2023-12, until: 2024-02}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51mc") / "gamma.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_the_rows_within_a_month_sum_to_one(led: ac.Ledger) -> None:
    mc = ac.simulate(led, "gamma", n=20_000, seed=5, as_of="2024-03-15", horizon=6)
    dist = mc.distribution()
    assert dist["probability"].sum() == pytest.approx(1.0, abs=1e-12)  # got 0.873
    assert mc.reach == pytest.approx(6 + 16 / 31)
    tail = dist.iloc[-1]
    assert tail["from"] == pytest.approx(6 + 16 / 31)
    assert math.isinf(tail["to"])
    assert tail["probability"] == 0.0  # every path runs out by the end of September
    last = dist.iloc[-2]
    assert (last["from"], last["to"]) == pytest.approx((6.0, 6 + 16 / 31))
    assert last["probability"] == pytest.approx((0.92537 - 0.9) / 0.2, abs=0.01)
    assert mc.to_dict()["cash_out_within_horizon"] == 1.0


@pytest.mark.parametrize("width", [0.5, 1.0, 2.5])
def test_at_a_months_end_the_rows_end_at_the_horizon(led: ac.Ledger, width: float) -> None:
    """From the end of March: 6 / o - 1 months (4.45 to 5.67); a horizon of 5 months (to the
    end of August) leaves the paths with ``6 / o > 6`` (o < 1: half) past it."""
    mc = ac.simulate(led, "gamma", n=20_000, seed=5, as_of="2024-03", horizon=5)
    dist = mc.distribution(width)
    assert mc.reach == 5.0
    assert dist["probability"].sum() == pytest.approx(1.0, abs=1e-12)
    assert dist.iloc[-1]["from"] == 5.0
    assert dist.iloc[-1]["probability"] == pytest.approx(0.5, abs=0.015)
    assert dist.iloc[-2]["to"] == 5.0


def test_cash_quantiles_at_the_ends_are_the_paths_extremes(led: ac.Ledger) -> None:
    """The cash at the end of April is 6 - 2 x o: $3.8M to $4.2M. Quantile 0 read the lowest
    edge of the histogram's bins (the range widened by a quarter on each side): $3.7M, below
    every path; it is now the lowest path's bin (bins 1.5 x $0.4M / 1000 = $600 wide)."""
    mc = ac.simulate(led, "gamma", n=20_000, seed=5, as_of="2024-03", horizon=6)
    april = mc.quantiles((0.0, 0.5, 1.0)).loc["2024-04-01"]
    assert april["p0"] == pytest.approx(3.8e6, abs=1_000)  # got 3.7e6
    assert april["p50"] == pytest.approx(4.0e6, abs=10_000)
    assert april["p100"] == pytest.approx(4.2e6, abs=1_000)


@pytest.mark.parametrize("block_size", [1, 3, 50])
def test_small_blocks_give_the_same_cash_quantiles(led: ac.Ledger, block_size: int) -> None:
    """The cash bins were fixed by the first block: of 1 path, every other path fell in the
    end bins and the 5th, 50th and 95th percentiles of April's cash were one path's. By hand
    (6 - 2 x o, o uniform $0.9M-$1.1M): 6 - 2 x 1.09 = 3.82, 4.0 and 6 - 2 x 0.91 = 4.18."""
    mc = ac.simulate(
        led, "gamma", n=4_000, seed=5, as_of="2024-03", horizon=6, block_size=block_size
    )
    april = mc.quantiles().loc["2024-04-01"]
    assert april.tolist() == pytest.approx([3.82e6, 4.0e6, 4.18e6], abs=0.015e6)
