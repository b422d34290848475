"""A runway of exact figures computes its pessimistic and optimistic ends once: they are the
base figures (``ends_of_spend`` gives the base rows, ``extrapolate_each`` and the runway's
variants reuse the base's sums). Held equal, to the bit, to the runway computed end by end
(``same_figures`` made to answer "different" everywhere), on tables of exact figures, tables
with ranges, the bundled ledger and a generated one; and the path's money in and out, summed
stream by stream (``_stream_sums``), to numpy's sum over the streams."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import aicapex as ac
from aicapex.analysis import runrate, runway, runwaykit
from aicapex.analysis.cash import run_cash, run_variants
from aicapex.analysis.common import same_figures
from aicapex.analysis.runwayresult import _stream_sums

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ("disbursed", "committed", "arrears")


def _bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64).view(np.int64)


def _same_frame(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    for c in a.columns:
        if a[c].dtype == np.float64:
            assert np.array_equal(_bits(a[c].to_numpy()), _bits(b[c].to_numpy())), c


def _end_by_end(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every end computed on its own, as before the base's results were shared."""
    for module in (runrate, runway, runwaykit):
        monkeypatch.setattr(module, "same_figures", lambda a, b: False)


def _runways(source: object, **kw: object) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    got = ac.runways(source, policies=POLICIES, **kw)  # type: ignore[arg-type]
    return {p: (r.frame, r.path) for p, r in got.items()}


def _compare(monkeypatch: pytest.MonkeyPatch, source: object, **kw: object) -> None:
    shared = _runways(source, **kw)
    with monkeypatch.context() as m:
        _end_by_end(m)
        alone = _runways(source, **kw)
    for policy in POLICIES:
        _same_frame(shared[policy][0], alone[policy][0])
        _same_frame(shared[policy][1], alone[policy][1])


def _tables(seed: int, ranges: bool, tmp: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Bulk tables of a few companies: sparse months, both kinds, exact figures (numbers) or
    some ranges and bounds (text)."""
    rng = np.random.default_rng(seed)
    companies = [f"c{i}" for i in range(int(rng.integers(1, 6)))]
    months = pd.period_range("2022-01", "2024-12", freq="M").astype(str).tolist()

    def rows(kind: str, n: int, cats: list[str]) -> pd.DataFrame:
        amount = np.round(rng.lognormal(13, 1.5, n), 2)
        written: list[object] = list(amount)
        if ranges:  # text, its currency written in it: some a range or a bound
            forms = ["${:.4f}M to ${:.4f}M", "up to ${:.4f}M", "${:.4f}M"]
            written = [
                str(rng.choice(forms)).format(a / 1e6, a * 1.3e-6) if rng.random() < 0.4
                else f"${a / 1e6:.4f}M"
                for a in amount
            ]  # fmt: skip
        return pd.DataFrame(
            {
                "id": [f"{kind}-{i}" for i in range(n)],
                "company": rng.choice(companies, n),
                "category": rng.choice(cats, n),
                "amount": written,
                "amount_currency": None if ranges else "USD",
                "date": [
                    f"{m}-{int(d):02d}"
                    for m, d in zip(rng.choice(months, n), rng.integers(1, 29, n), strict=True)
                ],
            }
        )

    expenses = rows("e", int(rng.integers(5, 80)), ["compute", "payroll", "opex", "tax", "other"])
    revenues = rows("r", int(rng.integers(0, 30)), ["sales", "subscription", "other"])
    cash = pd.DataFrame(
        {
            "id": [f"cash-{c}" for c in companies],
            "company": companies,
            "date": rng.choice(months[:20], len(companies)),
            "amount": np.round(rng.lognormal(17, 1, len(companies)), 2),
            "amount_currency": "USD",
        }
    )
    out = []
    for name, frame in (("expenses", expenses), ("revenues", revenues), ("cash_balances", cash)):
        path = tmp / f"{name}-{seed}-{ranges}.csv"
        frame.to_csv(path, index=False)
        out.append(ac.read_table(path, name))
    return out[0], out[1], out[2]


@pytest.mark.parametrize("ranges", [False, True])
@pytest.mark.parametrize("seed", range(12))
def test_tables_shared_ends_are_the_ends_computed_alone(
    seed: int, ranges: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expenses, revenues, cash = _tables(seed, ranges, tmp_path)
    flows = ac.flows({"expenses": expenses, "revenues": revenues})
    for burn_after in (None, 2e5, {"payroll": 1e5}):
        _compare(monkeypatch, flows, cash=cash, as_of="2024-06", burn_after=burn_after)


@pytest.mark.parametrize("seed", range(8))
def test_ends_are_runways_of_each_end(seed: int, tmp_path: Path) -> None:
    """``months_low`` and ``months_high`` are the runways of the flows at their pessimistic and
    optimistic ends (bounded by the base's), computed as tables of exact figures."""
    expenses, revenues, cash = _tables(seed, True, tmp_path)
    flows = ac.flows({"expenses": expenses, "revenues": revenues})
    base = flows["amount_usd"].to_numpy()
    low = np.where(flows["low_usd"].isna(), base, flows["low_usd"])
    high = np.where(flows["high_usd"].isna(), base, flows["high_usd"])
    money_in = flows["direction"].to_numpy() > 0
    for policy in POLICIES:
        got = ac.runway(flows, cash=cash, as_of="2024-06", policy=policy).frame
        months = got["months"].to_numpy()
        for column, amounts, pick in (
            ("months_low", np.where(money_in, low, high), np.minimum),
            ("months_high", np.where(money_in, high, low), np.maximum),
        ):
            end = flows.assign(amount_usd=amounts, low_usd=amounts, high_usd=amounts)
            alone = ac.runway(end, cash=cash, as_of="2024-06", policy=policy).frame
            want = pick(alone["months"].to_numpy(), months)
            assert np.array_equal(_bits(got[column].to_numpy()), _bits(want)), column


def test_exact_figures_share_the_base_rows() -> None:
    """With exact figures only, both ends are the base rows themselves; with a range, not."""
    flows = ac.load(ROOT / "data").flows()
    spend = flows[flows["kind"].isin(["expenses", "revenues"]).to_numpy()]
    exact = spend.assign(low_usd=spend["amount_usd"], high_usd=spend["amount_usd"])
    ends = runwaykit.ends_of_spend(exact)
    assert ends["low"] is exact
    assert ends["high"] is exact
    ranged = runwaykit.ends_of_spend(spend)
    assert ranged["low"] is not spend
    assert not same_figures(
        ranged["low"]["amount_usd"].to_numpy(), ranged["high"]["amount_usd"].to_numpy()
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), "-n", "300", "--kinds",
         "all", "--out", str(out), "--seed", "5"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return out / "ledger-300-all.yaml"


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_ledgers_shared_ends_are_the_ends_computed_alone(
    which: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = ac.load(ROOT / "data" if which == "bundled" else request.getfixturevalue("generated"))
    _compare(monkeypatch, ledger)
    _compare(monkeypatch, ledger, burn_after=1e6)


_floats = st.floats(allow_nan=False, width=64) | st.sampled_from([0.0, -0.0, np.inf, -np.inf])


@settings(max_examples=300, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=3, max_dims=3, min_side=0, max_side=11),
        elements=_floats,
    ),
    st.sampled_from([1.0, -1.0]),
)
def test_stream_sums_are_numpys_sums(streams: np.ndarray, sign: float) -> None:
    with np.errstate(invalid="ignore", over="ignore"):
        want = np.maximum(sign * streams, 0.0).sum(axis=1)
        got = _stream_sums(streams, sign)
    assert got.shape == want.shape
    assert np.array_equal(_bits(got), _bits(want))


@pytest.mark.parametrize("seed", range(40))
def test_stream_sums_of_grids_of_every_shape(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(0, 7)), int(rng.integers(1, 12)), int(rng.choice([1, 2, 9, 400])))
    streams = rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 13, shape)
    streams[rng.random(shape) < 0.4] = 0.0
    for sign in (1.0, -1.0):
        want = np.maximum(sign * streams, 0.0).sum(axis=1)
        assert np.array_equal(_bits(_stream_sums(streams, sign)), _bits(want))


@settings(max_examples=300, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(0, 6), elements=st.floats(allow_nan=True)),
    st.data(),
)
def test_same_figures_is_array_equal_with_nan(a: np.ndarray, data: st.DataObject) -> None:
    b = data.draw(st.sampled_from(["same", "copy", "other", "nan", "zero", "shape"]), label="b")
    if b == "same":
        other = a
    elif b == "copy":
        other = a.copy()
    elif b == "other":
        other = data.draw(hnp.arrays(np.float64, len(a), elements=st.floats(allow_nan=True)))
    elif b == "nan":  # NaN of another payload, where a has one
        other = np.where(np.isnan(a), np.float64("-nan"), a)
    elif b == "zero":  # zeros of the other sign
        other = np.where(a == 0, -a, a)
    else:
        other = np.append(a, 1.0)
    want = a.shape == other.shape and bool(np.array_equal(a, other, equal_nan=True))
    assert same_figures(a, other) is want


@pytest.mark.parametrize("seed", range(20))
def test_variants_equal_to_the_base_are_rolled_once(seed: int) -> None:
    """run_variants of variants marked as the base's (their nets rows unset) gives the paths
    run_cash gives of every variant written out: to the bit, all alike or some apart."""
    rng = np.random.default_rng(seed)
    n_e, n_m = int(rng.integers(1, 6)), int(rng.integers(1, 30))
    base_net = rng.normal(0, 1e6, (n_e, n_m))
    base_start = rng.normal(1e6, 1e6, n_e)
    counted = rng.random((n_e, n_m)) < 0.9
    for alias in ([False, True, True], [False, False, True], [False, True, False]):
        nets = np.full((3, n_e, n_m), np.nan)  # the aliased rows are not read
        starts = [base_start.copy()]
        written = np.empty((3, n_e, n_m))
        for i in range(3):
            net = base_net if alias[i] or i == 0 else base_net * rng.uniform(0.5, 1.5)
            written[i] = net
            if not alias[i]:
                nets[i] = net
            if i:
                starts.append(base_start.copy())
        got = run_variants(starts, nets, counted, list(alias))
        want = run_cash(np.stack(starts), written, counted)
        for name in ("start", "closing", "hit", "first", "position"):
            a, b = np.asarray(getattr(got, name)), np.asarray(getattr(want, name))
            assert a.shape == b.shape, name
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name
