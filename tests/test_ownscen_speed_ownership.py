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
