"""Speed changes of the ownership analyses (same results): a record frame's rows are read with
one conversion of the frame to objects, not a Series and a list per column (the former way is
the reference, cell by cell and type by type)."""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.stakeskit import _rows

LEDGERS = [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
KINDS = ("stakes", "funding_rounds", "listings", "share_counts", "entities", "cash_balances")


def _former_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """_rows as it was: each column's cells by Series.tolist, pd.NA as None where the column is
    neither NumPy's nor categorical."""
    if frame.empty:
        return []
    names = [str(c) for c in frame.columns]
    columns = []
    for _, column in frame.items():
        values = column.tolist()
        if not isinstance(column.dtype, np.dtype | pd.CategoricalDtype):
            values = [None if v is pd.NA else v for v in values]
        columns.append(values)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return a is b or bool(a == b)


@pytest.mark.parametrize("path", LEDGERS)
def test_rows_are_the_former_rows_cell_by_cell(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    cells = 0
    for kind in KINDS:
        frame = led.frame(kind)
        for part in (frame, frame.iloc[:0], frame.iloc[::2]):
            got, expected = _rows(part), _former_rows(part)
            assert [list(r) for r in got] == [list(r) for r in expected]
            for g, e in zip(got, expected, strict=True):
                for name in e:
                    assert _same(g[name], e[name]), (kind, name, g[name], e[name])
                    cells += 1
    assert cells > 0


def test_rows_of_nullable_and_missing_values() -> None:
    frame = pd.DataFrame(
        {
            "text": pd.array(["a", None], dtype="string"),
            "flag": pd.array([True, None], dtype="boolean"),
            "count": pd.array([1, None], dtype="Int64"),
            "cat": pd.Categorical(["x", None]),
            "day": pd.to_datetime(["2024-01-02", None]),
            "number": [1.5, np.nan],
            "plain": np.array([None, pd.NA], dtype=object),
        }
    )
    got, expected = _rows(frame), _former_rows(frame)
    for g, e in zip(got, expected, strict=True):
        for name in e:
            assert _same(g[name], e[name]), (name, g[name], e[name])
    assert [got[1][name] for name in ("text", "flag", "count")] == [None, None, None]
    assert got[1]["plain"] is pd.NA  # (an object column's cells as they are)


# -- valuation._agreement: the priced rows read in the frame's order, not a frame sorted again


def _former_agreement(frame: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """valuation._agreement as it was: a frame of the priced rows, sorted by company and date."""
    from aicapex.analysis.valuation import AGREEMENT, WINDOW_DAYS
    from aicapex.money import format_usd

    n = len(frame)
    value, missing = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    notes: list[str] = []
    at = np.flatnonzero(frame["post_money_usd"].notna().to_numpy())
    read = ["company", "date", "record", *(f"post_money{e}_usd" for e in ("", "_low", "_high"))]
    priced = frame[read].iloc[at].assign(_at=at)
    priced = priced.sort_values(["company", "date"], kind="stable")
    company = priced["company"].to_numpy(object)
    day = priced["date"].to_numpy("datetime64[D]").astype("int64")
    gap = np.diff(day, prepend=day[:1])
    new = np.ones(len(priced), dtype=bool)
    new[1:] = (company[1:] != company[:-1]) | (gap[1:] > WINDOW_DAYS)
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], len(priced))[: len(starts)]
    low_all = priced["post_money_low_usd"].to_numpy("float64") * (1 - AGREEMENT)
    high_all = priced["post_money_high_usd"].to_numpy("float64") * (1 + AGREEMENT)
    pos, records = priced["_at"].to_numpy(), priced["record"].to_numpy()
    values = priced["post_money_usd"].to_numpy("float64")
    for a, b in zip(starts, stops, strict=True):
        if b - a < 2:
            continue
        low, high = low_all[a:b], high_all[a:b]
        fits = (low[:, None] <= high[None, :]) & (low[None, :] <= high[:, None])
        days = day[a:b]
        fits |= np.abs(days[:, None] - days[None, :]) > WINDOW_DAYS
        ok = fits.all(axis=1)
        value[pos[a:b]], missing[pos[a:b]] = ok, False
        if not ok.all():
            shown = ", ".join(
                f"{format_usd(v)} ({r})" for r, v in zip(records[a:b], values[a:b], strict=True)
            )
            notes.append(f"{company[a]}: implied valuations of one period disagree: {shown}")
    return pd.Series(pd.arrays.BooleanArray(value, missing), index=frame.index), notes


def _priced_frame(seed: int) -> pd.DataFrame:
    """A valuation-like frame sorted as valuation sorts it: companies, dates (some missing) a
    few days or months apart, and post-money ranges that meet or not."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 30))
    base = rng.choice([1e9, 2e9, 5e9, np.nan], n)
    day = np.datetime64("2023-01-01") + rng.integers(0, 400, n).astype("timedelta64[D]")
    dates = pd.Series(day.astype("datetime64[ns]"))
    dates[rng.random(n) < 0.1] = pd.NaT
    frame = pd.DataFrame(
        {
            "company": pd.array(rng.choice(["a", "b", "c"], n).tolist(), dtype="str"),
            "date": dates,
            "record": pd.array([f"r{i:02d}" for i in rng.permutation(n)], dtype="str"),
            "post_money_usd": base,
            "post_money_low_usd": base * rng.choice([0.5, 0.9, 1.0], n),
            "post_money_high_usd": base * rng.choice([1.0, 1.1, 2.0], n),
        }
    )
    return frame.sort_values(["company", "date", "record"], kind="stable", ignore_index=True)


@pytest.mark.parametrize("seed", range(60))
def test_agreement_is_the_former_on_sorted_frames(seed: int) -> None:
    from aicapex.analysis.valuation import _agreement

    frame = _priced_frame(seed)
    got, notes = _agreement(frame)
    expected, former_notes = _former_agreement(frame)
    pd.testing.assert_series_equal(got, expected)
    assert notes == former_notes


@pytest.mark.parametrize("path", LEDGERS)
def test_valuations_agree_as_before(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    for as_of in (None, "2024-06"):
        frame = ac.valuation(led, as_of=as_of).frame
        got, _ = _former_agreement(frame.drop(columns="agrees"))
        pd.testing.assert_series_equal(frame["agrees"], got, check_names=False)
