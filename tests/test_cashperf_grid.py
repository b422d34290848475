"""The runway grid's quick routes give what the pandas calls they replace give:
``runwaygrid.ends_of`` is ``Series.map`` of each company's last day, ``common.filled``
is ``fillna(...).to_numpy("float64")`` and ``runwayresult.bound_notes`` words the bounded
balances as the rows' tuples did; on varied companies (missing ones, unknown ones, other
dtypes), figures (missing, signed zeros) and kinds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aicapex.analysis.common import day_of, filled
from aicapex.analysis.runwaygrid import ends_of
from aicapex.analysis.runwayresult import bound_notes

NAMES = ["acme", "beta", "zeta", "omega"]


def _companies(rng: np.random.Generator, n: int, kind: str) -> pd.Series:
    values: list[object] = [NAMES[i] for i in rng.integers(0, len(NAMES), n)]
    for i in np.flatnonzero(rng.random(n) < 0.2):
        values[i] = None
    if kind == "category":
        return pd.Series(pd.Categorical(values, categories=[*NAMES, "unused"]))
    if kind == "str":
        return pd.Series(values, dtype="str")
    return pd.Series(values, dtype=object)


@pytest.mark.parametrize("kind", ["category", "str", "object"])
@pytest.mark.parametrize("seed", range(15))
def testends_of_is_map(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    company = _companies(rng, int(rng.integers(0, 12)), kind)
    months = ["2023-01", "2023-10", "2024-06-15", "2025"]
    asked = {NAMES[i]: months[i % 4] for i in range(int(rng.integers(1, 4)))}
    ends = {k: day_of(v, end=True) for k, v in asked.items()}
    expected = company.astype("object").map(ends).to_numpy("datetime64[ns]")
    got = ends_of(company, ends)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected, equal_nan=True)


@pytest.mark.parametrize("seed", range(15))
def test_filled_is_fillna(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 8))
    index = pd.Index([f"e{i}" for i in range(n)], name="company")
    base = pd.Series(rng.normal(size=n) * 1e6, index=index)
    base[rng.random(n) < 0.2] = np.nan
    values = pd.Series(np.where(rng.random(n) < 0.5, np.nan, base * 0.9), index=index)
    values[rng.random(n) < 0.2] = -0.0
    for v in (values, base, values.astype("Float64")):
        expected = v.fillna(base).to_numpy("float64")
        got = filled(v, base)
        assert got.dtype == expected.dtype
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))


def _reference_notes(chosen: pd.DataFrame, kinds: pd.Series) -> list[str]:
    """bound_notes as the rows' tuples gave it."""
    out = []
    bounded = kinds.isin(["upper", "lower"]).to_numpy()
    for row, kind in zip(
        chosen[bounded].itertuples(), kinds[bounded].astype("object"), strict=True
    ):
        if kind in ("upper", "lower"):
            word = "at most" if kind == "upper" else "at least"
            out.append(
                f"{row.company}: the starting cash is a bound ({word} {row.amount_usd:,.0f} USD, "
                f"{row.id}), so the runway is {word} the figure given"
            )
    return out


@pytest.mark.parametrize("seed", range(20))
def test_bound_notes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 6))
    kinds_all = np.array(["exact", "approx", "upper", "lower", "range"])
    chosen = pd.DataFrame(
        {
            "id": pd.Series([f"cash-{i}" for i in range(n)], dtype="str"),
            "company": pd.Categorical([NAMES[i % 4] for i in range(n)]),
            "amount_usd": rng.normal(size=n) * 10.0 ** rng.integers(0, 12, n),
            "amount_kind": pd.Categorical(kinds_all[rng.integers(0, 5, n)]),
        },
        index=pd.Index([NAMES[i % 4] for i in range(n)], dtype=object, name="company"),
    )
    if n:
        chosen.loc[chosen.index[0], "amount_usd"] = np.nan if seed % 3 == 0 else -0.0
    kinds = chosen["amount_kind"]
    assert bound_notes(chosen, kinds) == _reference_notes(chosen, kinds)
    exact = pd.Series("exact", chosen.index)
    assert bound_notes(chosen, exact) == _reference_notes(chosen, exact) == []


# -- reportcash._tranched: rounds with a tranche without a rate found by hand ---------------

import os  # noqa: E402

import aicapex as ac  # noqa: E402
from aicapex.reportcash import _ENDED, _tranched  # noqa: E402


def _former_tranched(tranches: pd.DataFrame) -> dict[str, tuple[float, float]]:
    rounds = tranches["round"].astype("object").to_numpy()
    usd = tranches["amount_usd"].to_numpy("float64")
    live = ~tranches["status"].astype("object").isin(_ENDED).to_numpy()
    frame = pd.DataFrame({"live": np.where(live, usd, 0.0), "every": usd}, index=rounds)
    sums = frame.groupby(level=0, sort=False).sum(min_count=1)
    unknown = frame.isna().groupby(level=0, sort=False).any()
    sums = sums.where(~unknown)
    return {
        str(r): (float(a), float(b))
        for r, a, b in zip(sums.index, sums["live"], sums["every"], strict=True)
    }


class _Frames:
    """A ledger's frames, its tranches replaced."""

    def __init__(self, tranches: pd.DataFrame) -> None:
        self.tranches = tranches

    def frame(self, kind: str) -> pd.DataFrame:
        assert kind == "tranches"
        return self.tranches


def _bits(d: dict[str, tuple[float, float]]) -> dict[str, bytes]:
    return {k: np.array(v, dtype=np.float64).tobytes() for k, v in d.items()}


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_tranched(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    tranches = ac.load(path or ac.bundled_data()).frame("tranches")
    rng = np.random.default_rng(5)
    for seed in range(6):
        t = tranches.copy()
        n = len(t)
        if seed:
            usd = t["amount_usd"].to_numpy("float64").copy()
            usd[rng.random(n) < 0.2] = np.nan
            t["amount_usd"] = usd
            t = t.iloc[rng.permutation(n)]
        got = _tranched(_Frames(t))  # type: ignore[arg-type]
        expected = _former_tranched(t)
        assert list(got) == list(expected)
        assert _bits(got) == _bits(expected)


# -- cash_reports of a ledger: its balances as resolved once per ledger ---------------------

from aicapex.analysis.reconcile import cash_reports  # noqa: E402
from aicapex.table.conflicts import resolve as resolve_conflicts  # noqa: E402


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
@pytest.mark.parametrize("policy", ["latest", "earliest"])
def test_cash_reports_of_a_ledger(path: str | None, policy: str) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    for _ in range(2):  # (kept with the ledger the second time)
        kept, aside = cash_reports(led, None, policy)  # type: ignore[arg-type]
        expected, expected_aside = resolve_conflicts(
            led.frame("cash_balances"), "cash_balances", policy
        )  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(kept, expected, check_exact=True)
        assert aside == expected_aside
    with pytest.raises(ValueError, match="conflict policy"):
        cash_reports(led, None, "newest")  # type: ignore[arg-type]
