"""``runwayrows.counted_frame`` with columns (built in one frame of the columns' arrays and the
signed figures) gives the frame of the frames' route, ``signed(select_rows(...))`` checked by
``require_usd``: values to the bit, dtypes, columns and index; the same error for a flow
without US dollars; on ledgers' flows and on random rows (missing ends, signed zeros, both
directions, every row or none kept)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.common import require_usd, signed
from aicapex.analysis.runwayrows import counted_frame, select_rows

COLUMNS = (
    "entity", "date", "month", "kind", "category", "status", "record", "currency",
    "direction", "amount_usd", "low_usd", "high_usd",
)  # fmt: skip
FEWER = ("date", "month", "kind", "record", "direction", "amount_usd", "low_usd", "high_usd")


def _former_select(frame: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> pd.DataFrame:
    """select_rows as it was: iloc by positions."""
    at = [int(frame.columns.get_loc(c)) for c in columns]
    return frame.iloc[:, at] if rows.all() else frame.iloc[np.flatnonzero(rows), at]


def _reference(flows: pd.DataFrame, keep: np.ndarray, columns: tuple[str, ...]) -> pd.DataFrame:
    counted = _former_select(flows, keep, columns)
    require_usd(counted, "runway")
    return signed(counted)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.dtypes) == list(b.dtypes)
    pd.testing.assert_index_equal(a.index, b.index, exact=True)
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if x.dtype == np.float64:
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), c


def _keeps(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    return [np.ones(n, bool), np.zeros(n, bool), rng.random(n) < 0.5, rng.random(n) < 0.9]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_ledger_flows(storage: str, path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    with pd.option_context("mode.string_storage", storage):
        flows = ac.load(path or ac.bundled_data()).flows()
        priced = flows[flows["amount_usd"].notna().to_numpy()].reset_index(drop=True)
        rng = np.random.default_rng(len(flows))
        for keep in _keeps(rng, len(priced)):
            for columns in (COLUMNS, FEWER):
                _same(counted_frame(priced, keep, columns), _reference(priced, keep, columns))
                every = np.resize(keep, len(flows))  # (the rows unpriced too)
                _same(select_rows(flows, every, columns), _former_select(flows, every, columns))


@pytest.mark.parametrize("seed", range(30))
def test_random_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    flows = ac.load(ac.bundled_data()).flows()
    n = len(flows)
    usd = rng.normal(size=n) * 10.0 ** rng.integers(-2, 14, n)
    usd[rng.random(n) < 0.05] = -0.0
    low = np.where(rng.random(n) < 0.5, np.nan, usd * 0.8)
    high = np.where(rng.random(n) < 0.5, np.nan, usd * 1.25)
    varied = flows.assign(
        amount_usd=usd,
        low_usd=low,
        high_usd=high,
        direction=np.where(rng.random(n) < 0.5, 1, -1).astype(flows["direction"].dtype),
    )
    varied.index = pd.RangeIndex(7, 7 + n) if seed % 2 else pd.Index(rng.permutation(n))
    for keep in _keeps(rng, n):
        _same(counted_frame(varied, keep, COLUMNS), _reference(varied, keep, COLUMNS))
        _same(select_rows(varied, keep, FEWER), _former_select(varied, keep, FEWER))
    unpriced = varied.assign(amount_usd=np.where(rng.random(n) < 0.1, np.nan, usd))
    keep = np.ones(n, bool)
    if unpriced["amount_usd"].isna().any():
        with pytest.raises(ValueError, match="needs US-dollar amounts") as expected:
            _reference(unpriced, keep, COLUMNS)
        with pytest.raises(ValueError, match="needs US-dollar amounts") as got:
            counted_frame(unpriced, keep, COLUMNS)
        assert str(got.value) == str(expected.value)


# -- same_rows: a categorical column's categories and codes read from the Categorical ------

from aicapex.analysis.runwayrows import _named, same_rows  # noqa: E402


def _former_same_named(x: pd.Series, y: pd.Series) -> bool:
    cx, cy = x.cat.categories, y.cat.categories
    if cx.dtype == cy.dtype:
        at = cy.get_indexer(cx)
        at = np.append(np.where(at < 0, -2, at), -1)
        return bool(np.array_equal(at[x.cat.codes.to_numpy()], y.cat.codes.to_numpy()))
    named = zip(_named(x), _named(y), strict=True)
    return all(type(i) is type(j) and i == j for i, j in named)


def _former_same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    if not (a.index.equals(b.index) and list(a.columns) == list(b.columns)):
        return False
    for (_, x), (_, y) in zip(a.items(), b.items(), strict=True):
        if isinstance(x.dtype, pd.CategoricalDtype) and isinstance(y.dtype, pd.CategoricalDtype):
            if not _former_same_named(x, y):
                return False
        elif x.dtype != y.dtype or not x.equals(y):
            return False
    return True


@pytest.mark.parametrize("seed", range(40))
def test_same_rows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 8))
    names = ["a", "b", "c", None]
    values = [names[i] for i in rng.integers(0, 4, n)]
    other = list(values)
    if n and seed % 3 == 0:
        other[int(rng.integers(0, n))] = names[int(rng.integers(0, 4))]
    cats = ["a", "b", "c", "d"]
    shuffled = [cats[i] for i in rng.permutation(4)]

    def frame(vals: list, categories: list) -> pd.DataFrame:
        return pd.DataFrame(
            {"k": pd.Categorical(vals, categories=categories), "x": np.arange(n, dtype=float)}
        )

    a = frame(values, cats)
    for b in (
        frame(other, cats),
        frame(other, shuffled),
        frame(other, [*cats[:3], "z"]),
        frame(values, cats),
        a.astype({"k": "object"}),
    ):
        assert same_rows(a, b) == _former_same_rows(a, b)
        assert same_rows(b, a) == _former_same_rows(b, a)


# -- stream_flows: the moved rows' entities, kinds and statuses as looked up already ---------

from aicapex.analysis.reconcile import cash_reports  # noqa: E402
from aicapex.analysis.runwaykit import (  # noqa: E402
    _COUNTED_COLUMNS,
    _LATER_COLUMNS,
    SPEND_COLUMNS,
    balance_grid,
    stream_flows,
)
from aicapex.analysis.runwayrows import counted_rows, flow_lookups, spend_rows  # noqa: E402


@pytest.mark.parametrize("path", [None, "/tmp/gl/ledger-400-all.yaml"])
@pytest.mark.parametrize("policy", ["disbursed", "committed"])
def test_stream_flows_looked(path: str | None, policy: str) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    flows = led.flows()
    flows = flows[flows["amount_usd"].notna().to_numpy()].reset_index(drop=True)
    balances, _ = cash_reports(led, None, "latest")
    grid = balance_grid(balances, None, "2024-06", 60)
    kind, status, planned, where = flow_lookups(flows, grid.entities)
    keep = counted_rows(kind, status, planned, where, policy)
    counted = counted_frame(flows, keep, tuple(c for c in _COUNTED_COLUMNS if c in flows))
    e_idx = where[keep]
    after = counted["date"].to_numpy("datetime64[ns]") > grid.balance_day[e_idx]
    later = after & ~(counted["month"].to_numpy("datetime64[ns]") <= grid.balance_month[e_idx])
    moved = select_rows(counted, later, _LATER_COLUMNS)
    assert len(moved) > 0
    spend = select_rows(flows, spend_rows(kind, planned, where), SPEND_COLUMNS)
    args = (moved, spend, grid.entities, grid.months, grid.active, None)
    looked = (e_idx[later], kind[keep][later], status[keep][later])
    quick, _, gross = stream_flows(*args, looked=looked)
    former, _, gross_former = stream_flows(*args)
    assert np.array_equal(quick.view(np.int64), former.view(np.int64))
    assert np.array_equal(gross.cells, gross_former.cells)


# -- committed_before: every flow's kind, status and entity as looked up already ------------

from aicapex.analysis.inbalance import committed_before  # noqa: E402


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_committed_before_looked(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    flows = led.flows()
    balances, _ = cash_reports(led, None, "latest")
    some = 0
    for when in ("2022-01", "2023-10", "2024-06", "2026"):
        try:
            grid = balance_grid(balances, None, when, 12)
        except ValueError:
            continue
        looked = flow_lookups(flows, grid.entities)
        args = (flows, grid.entities, grid.balance_day, grid.chosen)
        quick, former = committed_before(*args, looked), committed_before(*args)
        pd.testing.assert_frame_equal(quick.rows, former.rows, check_exact=True)
        for policy in ("disbursed", "committed"):
            assert quick.sentences(policy) == former.sentences(policy)
        some += len(former.rows)
    if path is not None:
        assert some > 0
