"""compute_gap's quick route (``gap._figures``: the figures from the columns' arrays at the
kept rows; the frame built once) gives what the frames' route gave: ``_figures_of_rows`` of
the rows' frame, and the whole frame as the former code set it a column at a time; on
ledgers' flows and varied flows (missing ends, other spending, many years, fiscal years,
one period), values to the bit."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.gap import _figures, _figures_of_rows, compute_gap


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.dtypes) == list(b.dtypes)
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if x.dtype == np.float64:
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), c


def _ratio(compute: pd.Series, revenue: pd.Series) -> np.ndarray:
    c, r = compute.to_numpy("float64"), revenue.to_numpy("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 0, c / r, np.where(c > 0, np.inf, np.nan))


def _former_frame(rows_frame: pd.DataFrame) -> pd.DataFrame:
    """The former tail: the sums, then a column set at a time and the columns reordered."""
    figures = list(rows_frame.columns[2:])
    out = rows_frame.groupby(["entity", "period"], sort=True, as_index=False)[figures].sum()
    out["gap_usd"] = out["compute_usd"] - out["revenue_usd"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = _ratio(out["compute_usd"], out["revenue_usd"])
        out["coverage"] = np.where(
            out["compute_usd"] > 0, out["revenue_usd"] / out["compute_usd"], np.nan
        )
        out["ratio_low"] = _ratio(out["compute_low_usd"], out["revenue_high_usd"])
        out["ratio_high"] = _ratio(out["compute_high_usd"], out["revenue_low_usd"])
    columns = ["entity", "period", "revenue_usd", "compute_usd", "gap_usd", "ratio", "coverage"]
    return out[[*columns, *(c for c in out.columns if c not in columns)]]


def _burn_mask(flows: pd.DataFrame) -> np.ndarray:
    keep = flows["kind"].isin(["expenses", "revenues"]).to_numpy().copy()
    return keep & (flows["basis"] != "planned").to_numpy()


def _check(flows: pd.DataFrame, keep: np.ndarray) -> None:
    for code, fiscal in ((None, None), ("Y", None), ("FY", (6, 30)), ("FY", (1, 28))):
        quick = _figures(flows, keep, code, fiscal, "2023")
        slow = _figures_of_rows(flows[keep], code, fiscal, "2023")
        assert quick is not None
        _same(quick, slow)


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_ledgers(storage: str, path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    with pd.option_context("mode.string_storage", storage):
        led = ac.load(path or ac.bundled_data())
        flows = led.flows()
        priced = flows[flows["amount_usd"].notna().to_numpy()].reset_index(drop=True)
        _check(priced, _burn_mask(priced))
        rows = priced[_burn_mask(priced)]
        for freq, period in (("Y", None), (None, "2023"), (None, None)):
            got = compute_gap(priced, None, period=period, freq=freq)
            label = period if period is not None else "all"
            former = _former_frame(
                _figures_of_rows(
                    rows if period is None else rows[rows["month"].dt.year.to_numpy() == 2023],
                    "Y" if freq else None,
                    None,
                    label,
                )
            )
            _same(got.frame, former)


@pytest.mark.parametrize("seed", range(25))
def test_varied_flows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    flows = ac.load(ac.bundled_data()).flows()
    n = len(flows)
    usd = rng.normal(size=n) * 10.0 ** rng.integers(-2, 13, n)
    usd[rng.random(n) < 0.05] = -0.0
    days = np.datetime64("1969-06-01") + rng.integers(0, 40000, n).astype("timedelta64[D]")
    varied = flows.assign(
        amount_usd=usd,
        low_usd=np.where(rng.random(n) < 0.5, np.nan, usd * 0.7),
        high_usd=np.where(rng.random(n) < 0.5, np.nan, usd * 1.3),
        month=days.astype("datetime64[M]").astype("datetime64[ns]"),
        category=pd.Categorical(
            np.array(["compute", "salaries", "other", None], dtype=object)[rng.integers(0, 4, n)]
        ),
    )
    keep = _burn_mask(varied) & (rng.random(n) < 0.9)
    _check(varied, keep)
    frame = _figures(varied, keep, "Y", None, "all")
    assert frame is not None
    got = compute_gap(varied, None, freq="Y")
    _same(got.frame, _former_frame(_figures_of_rows(varied[_burn_mask(varied)], "Y", None, "")))
