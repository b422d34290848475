"""Tests for aicapex.simulate: Monte Carlo runways.

Expected figures come from the records: the deterministic runway of the same ledger
(:func:`aicapex.runway`, and its inputs rolled forward by the cash engine) and the equivalent
what-if (:func:`aicapex.compare`). The ledgers: the bundled Stability AI ledger (ranges on its
cash and spending) and a small ledger of three companies written here (one runs out, one pays a
late bill, one never runs out; a committed tranche; a figure given as "about").
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.cash import run_cash
from aicapex.analysis.runway import runway_inputs
from aicapex.scenarios import montecarlo
from aicapex.scenarios.montecarlo import DRIVERS, Simulation
from aicapex.scenarios.paths import CASH_BINS

LedgerText = Callable[..., Path]

ENTITY = "stability-ai"
AS_OF = "2023-10"


#: The issue's drivers.
DRIVEN = {
    "revenue_growth": ac.dist.normal(0.05, 0.03),
    "compute": ac.dist.lognormal(0, 0.2),
    "disbursement_delay": ac.dist.choice([0, 1, 3], p=[0.5, 0.3, 0.2]),
}

#: Every driver with no variance and no effect.
NEUTRAL = {
    "revenue_growth": ac.dist.fixed(0.0),
    "compute": 1.0,
    "payroll": ac.dist.fixed(1.0),
    "opex": ac.dist.normal(1.0, 0.0),
    "revenue": ac.dist.uniform(1.0, 1.0),
    "disbursement_delay": ac.dist.choice([0]),
}


@pytest.fixture(scope="module")
def driven(bundled: ac.Ledger) -> Simulation:
    """The issue's simulation (fewer paths), with ranges sampled and every driver drawn."""
    return ac.simulate(bundled, ENTITY, n=20_000, horizon=24, seed=1, as_of=AS_OF, **DRIVEN)


def summary_arrays(mc: Simulation) -> dict[str, object]:
    return {f.name: getattr(mc.summary, f.name) for f in dataclasses.fields(mc.summary)}


def assert_same(a: Simulation, b: Simulation, same_blocks: bool = True) -> None:
    """Two simulations with identical results (bit for bit; the per-block sums too when
    ``same_blocks``)."""
    left, right = summary_arrays(a), summary_arrays(b)
    assert left.keys() == right.keys()
    for name, value in left.items():
        if name == "months_sums" and not same_blocks:
            assert a.summary.months_mean == pytest.approx(b.summary.months_mean, rel=1e-12)
        elif isinstance(value, np.ndarray):
            np.testing.assert_array_equal(value, right[name], err_msg=name)
        else:
            assert value == right[name], name
    pd.testing.assert_frame_equal(a.frame(), b.frame())
    pd.testing.assert_series_equal(a.months(), b.months())
    if same_blocks:
        assert a.summary.months_mean == b.summary.months_mean


# -- reproducible ------------------------------------------------------------------------------


def test_a_seed_gives_the_same_paths_however_blocks_are_spread(bundled: ac.Ledger) -> None:
    args = dict(n=23_456, horizon=36, seed=7, as_of=AS_OF, block_size=2_000, **DRIVEN)
    local = ac.simulate(bundled, ENTITY, **args)  # type: ignore[arg-type]
    for tasks in (1, 2, 5, 64):
        assert_same(local, ac.simulate(bundled, ENTITY, tasks=tasks, **args))  # type: ignore[arg-type]
    with ThreadPoolExecutor(2) as pool:
        threaded = ac.simulate(bundled, ENTITY, executor=pool, **args)  # type: ignore[arg-type]
        assert_same(local, threaded)
        assert_same(local, ac.simulate(bundled, ENTITY, executor=pool, tasks=3, **args))  # type: ignore[arg-type]
    assert local.summary.paths == 23_456
    assert local.params["seed"] == 7
    assert "23,456 paths in blocks of 2,000 from seed 7" in local.assumptions


def test_the_block_size_is_part_of_the_seed(bundled: ac.Ledger) -> None:
    """One stream per block: another block size draws other paths (the same distribution),
    a fixed one gives the same paths on any number of workers. Without variance, no change."""
    args = dict(n=20_000, horizon=24, seed=3, as_of=AS_OF, **DRIVEN)
    small = ac.simulate(bundled, ENTITY, block_size=1_000, **args)  # type: ignore[arg-type]
    large = ac.simulate(bundled, ENTITY, block_size=20_000, **args)  # type: ignore[arg-type]
    assert not np.array_equal(small.summary.months_hist, large.summary.months_hist)
    # the same distribution: medians within sampling error (a few hundredths of a month)
    assert small.months()["p50"] == pytest.approx(large.months()["p50"], abs=0.02)
    base = dict(n=5_000, horizon=24, seed=3, as_of=AS_OF, ranges="base", **NEUTRAL)
    assert_same(
        ac.simulate(bundled, ENTITY, block_size=100, **base),  # type: ignore[arg-type]
        ac.simulate(bundled, ENTITY, block_size=5_000, **base),  # type: ignore[arg-type]
        same_blocks=False,
    )


def test_seeds_differ_and_none_draws_fresh_entropy(bundled: ac.Ledger) -> None:
    one = ac.simulate(bundled, ENTITY, n=5_000, horizon=12, seed=1, as_of=AS_OF, **DRIVEN)
    two = ac.simulate(bundled, ENTITY, n=5_000, horizon=12, seed=2, as_of=AS_OF, **DRIVEN)
    assert not np.array_equal(one.summary.months_hist, two.summary.months_hist)
    fresh = ac.simulate(bundled, ENTITY, n=1_000, horizon=12, as_of=AS_OF, **DRIVEN)
    again = ac.simulate(
        bundled, ENTITY, n=1_000, horizon=12, as_of=AS_OF, seed=fresh.params["seed"], **DRIVEN
    )
    assert_same(fresh, again)  # the entropy reported reproduces the run


# -- without variance, the deterministic runway ---------------------------------------------------


def closing_cash(led: ac.Ledger, entity: str, as_of: str, horizon: int) -> pd.Series:
    """The deterministic cash at the end of each month after ``as_of``, rolled forward by the
    cash engine from the runway's inputs."""
    inputs = runway_inputs(led, entity, as_of, horizon=horizon)
    path = run_cash(inputs.start, inputs.flows.sum(axis=2), inputs.counted)
    col = int(inputs.as_of_col[0])
    months = pd.DatetimeIndex(inputs.months[col + 1 : col + horizon + 1])
    return pd.Series(path.closing[0, 0, col + 1 : col + horizon + 1], index=months)


@pytest.mark.parametrize(
    ("which", "entity", "as_of"),
    [
        ("bundled", ENTITY, "2023-10"),
        ("bundled", ENTITY, "2023-12"),
        ("companies", "acme", "2023-10"),
        ("companies", "bolt", "2023-10"),
        ("companies", "cole", "2023-10"),
        ("companies", "acme", "2023-12"),
    ],
)
def test_base_ranges_and_fixed_drivers_give_the_runway(
    request: pytest.FixtureRequest, which: str, entity: str, as_of: str
) -> None:
    led = request.getfixturevalue(which)
    horizon = 30
    r = ac.runway(led, entity, as_of=as_of, horizon=horizon)
    mc = ac.simulate(
        led, entity, n=3_000, horizon=horizon, seed=5, ranges="base", as_of=as_of,
        block_size=1_000, **NEUTRAL,
    )  # fmt: skip
    expected = float(r.frame["months"].iloc[0])
    for value in mc.months([0.0, 0.05, 0.5, 0.95, 1.0]):
        assert value == pytest.approx(expected, rel=1e-12) or value == expected == math.inf
    # month by month: every quantile of the cash is the deterministic cash
    closing = closing_cash(led, entity, as_of, horizon)
    frame = mc.frame()
    assert list(frame["month"]) == list(closing.index)
    assert len(frame) == horizon
    for column in ("p5", "p50", "p95"):
        np.testing.assert_allclose(frame[column], closing, rtol=1e-9, atol=1e-3)
    # ... and the runway's own path, over the months it shows
    path = r.path.set_index("month")["closing"]
    path = path[path.index.isin(frame["month"])]  # none when out of cash before as_of
    shown = frame.set_index("month").loc[path.index, "p50"]
    np.testing.assert_allclose(shown, path, rtol=1e-9, atol=1e-3)
    # the cash runs out on the runway's day, on every path
    day = r.frame["cash_out"].iloc[0]
    if pd.isna(day):
        assert mc.summary.never == mc.summary.paths
        assert (frame["cash_out_by_end"] == 0).all()
    else:
        assert mc.cash_out_probability(by=day.date().isoformat()) == 1.0
        before = (day - pd.Timedelta(days=1)).date().isoformat()
        assert mc.cash_out_probability(by=before) == 0.0


def test_fixed_drivers_are_the_equivalent_what_if(companies: ac.Ledger) -> None:
    """A fixed multiplier is ``scale`` from the month after ``as_of``; a fixed growth is
    ``growth`` counted from ``as_of``'s month."""
    as_of, after = "2023-10", "2023-11"
    for entity, drivers, adjustments in [
        ("acme", {"compute": 1.5}, [ac.scale("acme", category="compute", by=1.5, start=after)]),
        ("acme", {"opex": 0.5, "payroll": 2.0}, [
            ac.scale("acme", category="opex", by=0.5, start=after),
            ac.scale("acme", category="payroll", by=2.0, start=after),
        ]),
        ("acme", {"revenue_growth": 0.3}, [ac.growth("acme", rate=0.3, start=after)]),
        ("bolt", {"compute": ac.dist.fixed(0.25)}, [
            ac.scale("bolt", category="compute", by=0.25, start=after)
        ]),
    ]:  # fmt: skip
        table = ac.compare(
            companies, entity, [ac.Scenario("what-if", adjustments)], as_of=as_of, horizon=24
        )
        mc = ac.simulate(
            companies, entity, n=500, horizon=24, seed=1, ranges="base", as_of=as_of, **drivers
        )
        expected = float(table.frame["months"].iloc[0])
        assert mc.months()["p50"] == pytest.approx(expected, rel=1e-12), (entity, drivers)
        assert mc.frame()["p50"].iloc[-1] == pytest.approx(
            table.frame["cash_at_horizon"].iloc[0], rel=1e-9
        )


def test_a_committed_tranche_delayed(companies: ac.Ledger) -> None:
    """Under policy 'committed', acme's $3M tranche of December 2023 counts; a delay of
    ``d`` months moves it ``d`` months later: the paths split by the choice's probabilities."""
    as_of = "2023-10"
    common = {"horizon": 24, "as_of": as_of, "policy": "committed", "ranges": "base"}
    on_time = ac.simulate(companies, "acme", n=200, seed=1, **common)  # type: ignore[arg-type]
    late = [
        ac.simulate(companies, "acme", n=200, seed=1, disbursement_delay=d, **common)  # type: ignore[arg-type]
        for d in (0, 1, 3)
    ]
    assert late[0].months()["p50"] == pytest.approx(on_time.months()["p50"])
    mixed = ac.simulate(
        companies,
        "acme",
        n=40_000,
        seed=2,
        disbursement_delay=ac.dist.choice([0, 1, 3], p=[0.5, 0.3, 0.2]),
        **common,  # type: ignore[arg-type]
    )
    shares = mixed.distribution(width=0.01)
    for sim, p in zip(late, (0.5, 0.3, 0.2), strict=True):
        months = sim.months()["p50"]
        if math.isinf(months):
            share = mixed.summary.never / mixed.summary.paths
        else:
            at = shares[(shares["from"] <= months) & (months < shares["to"])]
            share = float(at["probability"].sum())
        assert share == pytest.approx(p, abs=0.01) or share >= p  # paths may coincide


# -- ranges ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("which", "entity"), [("bundled", ENTITY), ("companies", "acme")])
def test_sampled_ranges_stay_within_the_runway_s_range(
    request: pytest.FixtureRequest, which: str, entity: str
) -> None:
    led = request.getfixturevalue(which)
    r = ac.runway(led, entity, as_of=AS_OF, horizon=24).frame.iloc[0]
    mc = ac.simulate(led, entity, n=20_000, horizon=24, seed=11, as_of=AS_OF)
    low, median, high = mc.months([0.0, 0.5, 1.0])
    assert r["months_low"] - 1e-9 <= low < high <= r["months_high"] + 1e-9
    assert low < median < high  # the ranges are sampled: the paths differ
    assert "ranges: each stream's figures" in " ".join(mc.assumptions)


# -- results -----------------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 6, 30)),
    days=st.integers(min_value=0, max_value=800),
)
def test_cash_out_probability_never_decreases_with_the_date(
    driven: Simulation, first: date, days: int
) -> None:
    a = pd.Timestamp(first)
    b = a + pd.Timedelta(days=days)
    pa = driven.cash_out_probability(by=a.date().isoformat())
    pb = driven.cash_out_probability(by=b.date().isoformat())
    assert 0.0 <= pa <= pb <= 1.0
    # a month as given means its end
    month = a.strftime("%Y-%m")
    end = (a + pd.offsets.MonthEnd(0)).date().isoformat()
    assert driven.cash_out_probability(by=month) == driven.cash_out_probability(by=end)


def test_the_frame(driven: Simulation) -> None:
    frame = driven.frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == [
        "month", "p5", "p50", "p95", "cash_out_in_month", "cash_out_by_end",
    ]  # fmt: skip
    assert len(frame) == 24
    assert frame["month"].iloc[0] == pd.Timestamp("2023-11-01")
    assert (np.diff(frame["cash_out_by_end"]) >= 0).all()
    assert (frame["cash_out_in_month"] >= 0).all()
    np.testing.assert_allclose(frame["cash_out_in_month"].cumsum(), frame["cash_out_by_end"])
    assert driven.frame.equals(frame)  # ``mc.frame`` and ``mc.frame()`` alike
    dist = driven.distribution()
    assert dist["probability"].sum() == pytest.approx(1.0)
    assert dist["to"].iloc[-1] == math.inf
    data = driven.to_dict()
    assert data["paths"] == 20_000
    assert set(data["months"]) == {"p5", "p50", "p95"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_quantiles_are_ordered_at_every_month(bundled: ac.Ledger, seed: int) -> None:
    mc = ac.simulate(bundled, ENTITY, n=10_000, horizon=36, seed=seed, as_of="2023-12", **DRIVEN)
    levels = [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0]
    q = mc.quantiles(levels)
    assert list(q.columns) == ["p0", "p1", "p5", "p25", "p50", "p75", "p95", "p99", "p100"]
    assert len(q) == 36
    assert (np.diff(q.to_numpy(), axis=1) >= 0).all()
    frame = mc.frame()
    assert (frame["p5"] <= frame["p50"]).all()
    assert (frame["p50"] <= frame["p95"]).all()
    months = mc.months(levels).to_numpy()
    assert (np.diff(months) >= 0).all()
    with pytest.raises(ValueError, match="between 0 and 1"):
        mc.quantiles([1.5])


def test_drivers_move_the_runway_the_right_way(bundled: ac.Ledger, companies: ac.Ledger) -> None:
    common = {"n": 5_000, "horizon": 24, "seed": 4, "as_of": AS_OF}
    plain = ac.simulate(bundled, ENTITY, **common).months()["p50"]  # type: ignore[arg-type]
    dearer = ac.simulate(bundled, ENTITY, compute=1.3, **common).months()["p50"]  # type: ignore[arg-type]
    growing = ac.simulate(companies, "acme", revenue_growth=0.5, **common).months()["p50"]  # type: ignore[arg-type]
    assert dearer < plain
    assert growing > ac.simulate(companies, "acme", **common).months()["p50"]  # type: ignore[arg-type]


# -- drivers documented and checked --------------------------------------------------------------


def test_drivers_are_documented() -> None:
    docs = montecarlo.__doc__ or ""
    for name in DRIVERS:
        assert f"``{name}``" in docs, name
    assert set(DRIVERS) == {
        "revenue_growth", "disbursement_delay", "compute", "payroll", "opex", "tax", "other",
        "revenue",
    }  # fmt: skip
    for name in ("normal", "lognormal", "uniform", "triangular", "choice", "fixed"):
        assert callable(getattr(ac.dist, name))


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"comptue": ac.dist.fixed(1)}, ValueError, "'comptue'.*did you mean 'compute'"),
        ({"growth": 0.1}, ValueError, "'growth'"),
        ({"compute": "lognormal"}, TypeError, "distribution.* for compute, got 'lognormal'"),
        ({"opex": True}, TypeError, "for opex, got True"),
        ({"n": 0}, ValueError, "number of paths of 1 or more, got 0"),
        ({"n": 2.5}, ValueError, "number of paths"),
        ({"block_size": 0}, ValueError, "block of 1 path or more"),
        ({"ranges": "low"}, ValueError, "ranges 'sample' or 'base', got 'low'"),
        ({"horizon": 0}, ValueError, "horizon of at least 1 month"),
    ],
)
def test_bad_arguments_are_clear_errors(
    bundled: ac.Ledger, kwargs: dict[str, object], error: type[Exception], words: str
) -> None:
    args: dict[str, object] = {"n": 10, "horizon": 12, "seed": 1, "as_of": AS_OF, **kwargs}
    with pytest.raises(error, match=words):
        ac.simulate(bundled, ENTITY, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: ac.dist.normal(0, -1), "standard deviation of 0 or more"),
        (lambda: ac.dist.lognormal(0, -0.1), "sigma of 0 or more"),
        (lambda: ac.dist.uniform(2, 1), "low <= high"),
        (lambda: ac.dist.triangular(0, 3, 2), "low <= mode <= high"),
        (lambda: ac.dist.choice([]), "at least one value"),
        (lambda: ac.dist.choice([0, 1], p=[0.5, 0.2]), "p"),
        (lambda: ac.dist.normal(math.nan, 1), "finite number for mean"),
    ],
)
def test_bad_distributions_are_clear_errors(make: Callable[[], object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        make()


def test_a_driver_with_nothing_to_act_on_is_a_warning(bundled: ac.Ledger) -> None:
    mc = ac.simulate(bundled, ENTITY, n=100, horizon=12, seed=1, as_of=AS_OF, **DRIVEN)
    (note,) = mc.warnings
    assert note.startswith("disbursement_delay")
    assert "no tranches money" in note


def test_unknown_entity(bundled: ac.Ledger) -> None:
    with pytest.raises(
        KeyError, match=r"unknown entity 'stabilty-ai'.*did you mean 'stability-ai'"
    ):
        ac.simulate(bundled, "stabilty-ai", n=10, seed=1, as_of=AS_OF)


# -- memory bounded by a block -------------------------------------------------------------------


def test_the_result_holds_summaries_not_paths(bundled: ac.Ledger) -> None:
    """The result's arrays are the same size for 2,000 paths as for 60,000: histograms of
    fixed bins, never paths x months."""
    horizon = 60
    small = ac.simulate(
        bundled, ENTITY, n=2_000, horizon=horizon, seed=1, as_of=AS_OF, block_size=1_000, **DRIVEN
    )
    large = ac.simulate(
        bundled, ENTITY, n=60_000, horizon=horizon, seed=1, as_of=AS_OF, block_size=1_000, **DRIVEN
    )

    def sizes(mc: Simulation) -> dict[str, int]:
        out = {}
        for f in dataclasses.fields(mc.summary):
            value = getattr(mc.summary, f.name)
            if isinstance(value, np.ndarray):
                out[f.name] = value.nbytes
        out["edges"] = sum(e.nbytes for e in mc.edges)
        out["frame"] = int(mc.frame().memory_usage(deep=True).sum())
        return out

    a, b = sizes(small), sizes(large)
    for name in a:
        if name == "months_sums":  # one float per block
            continue
        assert a[name] == b[name], name
    assert len(large.summary.months_sums) == 60
    assert large.summary.cash_hist.shape == (horizon, CASH_BINS)
    total = sum(v for k, v in b.items() if k != "months_sums")
    assert total < 60_000 * horizon * 8 / 4  # well under one float per path and month


# -- a Dask cluster ------------------------------------------------------------------------------


def test_the_same_result_on_a_dask_cluster(bundled: ac.Ledger, companies: ac.Ledger) -> None:
    """simulate, compare and sweep on a 2-worker LocalCluster through ``get_executor()``."""
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'aicapex[dask]')"
    )
    args = dict(n=30_000, horizon=24, seed=9, as_of=AS_OF, block_size=4_000, **DRIVEN)
    local = ac.simulate(bundled, ENTITY, **args)  # type: ignore[arg-type]
    scenarios = [
        ac.Scenario("base"),
        ac.Scenario("intel", [ac.disburse("stability-2023-intel", on=AS_OF)]),
        ac.Scenario("cuts", [ac.scale(category="compute", by=0.5)]),
    ]
    table = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF)
    values = [0.0, 0.5, 1.0, 2.0]
    swept = ac.sweep(companies, None, ac.scale(category="opex"), by=values, as_of=AS_OF)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        pool = client.get_executor()
        on_dask = ac.simulate(bundled, ENTITY, executor=pool, **args)  # type: ignore[arg-type]
        table_on_dask = ac.compare(bundled, ENTITY, scenarios, as_of=AS_OF, executor=pool)
        swept_on_dask = ac.sweep(
            companies, None, ac.scale(category="opex"), by=values, as_of=AS_OF, executor=pool
        )
    assert_same(local, on_dask)
    pd.testing.assert_frame_equal(table.frame, table_on_dask.frame)
    assert table.explanations == table_on_dask.explanations
    pd.testing.assert_frame_equal(swept.frame, swept_on_dask.frame)


def test_the_runway_s_inputs_are_kept_with_the_ledger(bundled: ac.Ledger) -> None:
    """The inputs of one entity and date are computed once per ledger (read-only): a second
    simulation, with other drivers, gives what a freshly loaded ledger gives."""
    args = {"n": 3_000, "horizon": 24, "seed": 5, "as_of": AS_OF}
    ac.simulate(bundled, ENTITY, **args)  # type: ignore[arg-type]
    again = ac.simulate(bundled, ENTITY, compute=1.2, **args)  # type: ignore[arg-type]
    fresh = ac.simulate(ac.load(ac.bundled_data()), ENTITY, compute=1.2, **args)  # type: ignore[arg-type]
    assert_same(again, fresh)
    assert again.assumptions == fresh.assumptions
    assert list(again.records) == list(fresh.records)
    # other arguments are other inputs
    committed = ac.simulate(bundled, ENTITY, policy="committed", **args)  # type: ignore[arg-type]
    assert committed.months()["p50"] > again.months()["p50"]


@pytest.mark.parametrize("seed", [-1, "x", 1.5, True])
def test_a_seed_that_is_not_a_whole_number_is_refused(bundled: ac.Ledger, seed: object) -> None:
    """A seed is a whole number of 0 or more (NumPy's own error came from inside a block)."""
    with pytest.raises(ValueError, match="expected a seed"):
        ac.simulate(bundled, "stability-ai", n=10, horizon=6, seed=seed, as_of="2023-10")  # type: ignore[arg-type]
    assert ac.simulate(bundled, "stability-ai", n=10, horizon=6, seed=np.int64(3), as_of="2023-10")


@pytest.mark.parametrize(
    "driver",
    [
        {"compute": ac.dist.normal(1e308, 1)},
        {"compute": ac.dist.lognormal(700, 1)},
        {"revenue": ac.dist.uniform(0, 1e308)},
        {"revenue": ac.dist.normal(-1e308, 1)},
        {"revenue_growth": ac.dist.normal(1e10, 1)},
        {"disbursement_delay": ac.dist.uniform(0, 1e308)},
    ],
)
def test_huge_draws_are_held_at_the_largest_factor(bundled: ac.Ledger, driver: dict) -> None:
    """Draws past MAX_FACTOR (a trillionfold) are held there, as scenarios' factors are: the
    paths stay finite, without NumPy's overflow warnings, and spending that large runs out."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mc = ac.simulate(bundled, "stability-ai", 300, seed=3, as_of="2023-10", **driver)
    probability = mc.cash_out_probability(by="2028-12")
    assert 0.0 <= probability <= 1.0
    if "compute" in driver:
        assert probability == 1.0
