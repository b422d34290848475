"""Scenarios under ``conflicts="all"``: conflicting cash reports of one date are one balance
whose ends span every report, as the runway has it (``analysis.reconcile.span_reports``). The
scenarios (compare, sweep, simulate) kept the latest report with its own ends alone: their
``months_low`` and ``months_high`` were narrower than the runway's of the same ledger.

Gamma: two reports of its cash at the end of February 2024, '$5M to $7M' (reported April) and
'$6M' (reported May, the latest); opex 'about $1M' a month (90% to 110%). Under "all" the
balance is $6M, $5M to $7M. From the end of March: the base, 6 - 1 = 5, then 5 months; the
pessimistic end, 5 - 1.1 = 3.9, then 3.9 / 1.1 = 3.545 months; the optimistic end,
7 - 0.9 = 6.1, then 6.1 / 0.9 = 6.778 months (the latest report alone: 4.9 / 1.1 = 4.455 and
5.1 / 0.9 = 5.667).
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
- {id: gamma, name: Gamma, type: company}
cash_balances:
- {id: gamma-cash, sources: [src-a], company: gamma, date: 2024-02, amount: $5M to $7M}
- {id: gamma-cash-b, sources: [src-b], company: gamma, date: 2024-02, amount: $6M}
expenses:
- {id: gamma-opex, sources: [src-a], company: gamma, category: opex, rate: about $1M/month,
   date: 2023-12, until: 2024-02}
"""

SPANNED = (5.0, 3.9 / 1.1, 6.1 / 0.9)
LATEST = (5.0, 4.9 / 1.1, 5.1 / 0.9)


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("h51all") / "gamma.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def figures(frame: object) -> tuple[float, float, float]:
    row = frame.iloc[0]  # type: ignore[attr-defined]
    return float(row["months"]), float(row["months_low"]), float(row["months_high"])


@pytest.mark.parametrize(("conflicts", "expected"), [("all", SPANNED), ("latest", LATEST)])
def test_compare_spans_the_reports_as_the_runway(
    led: ac.Ledger, conflicts: str, expected: tuple[float, float, float]
) -> None:
    runway = ac.runway(led, "gamma", as_of="2024-03", conflicts=conflicts)  # type: ignore[arg-type]
    table = ac.compare(
        led,
        "gamma",
        [ac.Scenario("base")],
        as_of="2024-03",
        conflicts=conflicts,  # type: ignore[arg-type]
    )
    assert figures(runway.frame) == pytest.approx(expected)
    assert figures(table.frame) == pytest.approx(expected)  # got 4.455 and 5.667 under all
    swept = ac.sweep(
        led,
        "gamma",
        ac.add_flow(amount=0.0, start="2024-04"),
        as_of="2024-03",
        conflicts=conflicts,  # type: ignore[arg-type]
        amount=[0.0],
    )
    assert figures(swept.frame) == pytest.approx(expected)


def test_simulate_draws_the_cash_between_every_reports_ends(led: ac.Ledger) -> None:
    """The starting cash drawn uniform from $5M to $7M (not $6M, the latest report alone) and
    the opex from $0.9M to $1.1M: the shortest paths near 3.545 months, the longest near 6.778
    (got about 4.45 and 5.67)."""
    mc = ac.simulate(led, "gamma", n=20_000, seed=3, as_of="2024-03", conflicts="all", horizon=24)
    low, high = mc.months((0.0, 1.0)).tolist()
    assert low == pytest.approx(SPANNED[1], abs=0.05)
    assert high == pytest.approx(SPANNED[2], abs=0.05)
