"""Record frames are built column by column by quicker routes than pandas' own constructors
(aicapex.table.frames._typed): each frame must equal the reference construction, a Series per
column of its dtype (``pd.DataFrame({name: pd.Series(values, dtype=dtype)})``), in values,
dtypes, index, column labels and block layout, under either text storage, for the frames of
real ledgers (bundled, generated of every kind, empty) and of random cells. (Columns without
a value are built from buffers, as before: not the subject here.)"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.table import frames
from aicapex.table.typedcols import BLANK_DTYPES, blank_column, day_column, named_dtype

ROOT = Path(__file__).resolve().parents[1]


def reference(data: dict[str, list[Any]], dtypes: dict[str, str]) -> pd.DataFrame:
    size = len(next(iter(data.values()), []))
    columns = {n: _reference_array(v, dtypes[n]) for n, v in data.items()}
    return pd.DataFrame(columns, index=pd.RangeIndex(size))


def _reference_array(values: list[Any], dtype: str) -> Any:
    """A column as pandas builds it from its cells, but for a column without a value, which
    frames build from its buffers (text without a value: Arrow's, whatever the storage)."""
    if dtype in BLANK_DTYPES and all(v is None for v in values):
        return blank_column(dtype, len(values))
    return pd.Series(values, dtype=dtype).array


def layout(frame: pd.DataFrame) -> list[tuple[str, str, list[int]]]:
    """The frame's blocks: dtype, array type and columns (in any order)."""
    return sorted(
        (str(b.dtype), type(b.values).__name__, b.mgr_locs.as_array.tolist())
        for b in frame._mgr.blocks
    )


def check(data: dict[str, list[Any]], dtypes: dict[str, str]) -> None:
    got, want = frames._typed(data, dtypes), reference(data, dtypes)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_column_type=True)
    assert layout(got) == layout(want)
    assert [type(got[c].array) for c in got] == [type(want[c].array) for c in want]
    for name in got:  # codes in the same narrow type, categories of the same dtype
        if isinstance(got[name].dtype, pd.CategoricalDtype):
            assert got[name].cat.codes.dtype == want[name].cat.codes.dtype
            assert got[name].cat.categories.dtype == want[name].cat.categories.dtype


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of every kind, made by benchmarks/gen_ledger.py."""
    out = tmp_path_factory.mktemp("gen")
    script = ROOT / "benchmarks" / "gen_ledger.py"
    done = subprocess.run(
        [sys.executable, str(script), "-n", "300", "--kinds", "all", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out / "ledger-300-all.yaml"


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("which", ["bundled", "generated", "empty"])
def test_frames_of_ledgers_are_the_reference_construction(
    which: str, storage: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[dict[str, list[Any]], dict[str, str]]] = []
    typed = frames._typed

    def keep(data: dict[str, list[Any]], dtypes: dict[str, str]) -> pd.DataFrame:
        seen.append((data, dtypes))
        return typed(data, dtypes)

    monkeypatch.setattr(frames, "_typed", keep)
    with pd.option_context("mode.string_storage", storage):
        if which == "empty":
            ledger = ac.Ledger()
        else:
            path = ROOT / "data" if which == "bundled" else request.getfixturevalue(which)
            ledger = ac.load(path)
        for kind in frames.FRAME_KINDS:
            frames.frame(ledger, kind)
        monkeypatch.setattr(frames, "_typed", typed)
        assert len(seen) == len(frames.FRAME_KINDS)
        for data, dtypes in seen:
            check(data, dtypes)


def _cells(rng: np.random.Generator, dtype: str, n: int) -> list[Any]:
    missing = rng.random(n) < rng.choice([0.0, 0.3, 1.0])
    if dtype == "datetime64[ns]":
        days = rng.integers(-30000, 100000, n)
        values: list[Any] = [dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days]
    elif dtype == "float64":
        values = rng.normal(0, 1e9, n).tolist()
    elif dtype == "Int64":
        values = rng.integers(-(10**12), 10**12, n).tolist()
    elif dtype == "boolean":
        values = (rng.random(n) < 0.5).tolist()
    else:  # texts: few distinct (categories) or many
        words = [f"w{i}" for i in range(int(rng.choice([1, 3, 70, 300])))]
        values = [words[int(i)] for i in rng.integers(0, len(words), n)]
    return [None if m else v for v, m in zip(values, missing, strict=True)]


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(12))
def test_frames_of_random_cells_are_the_reference_construction(seed: int, storage: str) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.choice([0, 1, 2, 7, 255, 256, 257, 600]))  # (dates: numpy up to 256 rows)
    kinds = ["category", "string", "str", "Int64", "boolean", "float64", "datetime64[ns]"]
    dtypes = {f"c{i}": str(rng.choice(kinds)) for i in range(int(rng.integers(1, 30)))}
    with pd.option_context("mode.string_storage", storage):
        check({name: _cells(rng, dtype, n) for name, dtype in dtypes.items()}, dtypes)


def test_day_column_is_numpys_reading_of_dates() -> None:
    days: list[dt.date | None] = [dt.date(1, 1, 1), dt.date(1677, 9, 21), dt.date(2262, 4, 12)]
    days += [dt.date(9999, 12, 31)]
    days += [None, dt.date(2024, 2, 29), dt.date(1969, 12, 31)]
    want = np.array(days, "datetime64[D]").astype("datetime64[ns]")
    assert day_column(days).dtype == want.dtype
    assert day_column(days).view("i8").tolist() == want.view("i8").tolist()  # (overflow too)
    assert day_column([]).dtype == np.dtype("datetime64[ns]")


def test_named_dtypes_follow_the_text_options() -> None:
    for storage in ("python", "pyarrow"):
        with pd.option_context("mode.string_storage", storage):
            for name in ("string", "str", "Int64", "boolean"):
                assert named_dtype(name) == pd.api.types.pandas_dtype(name)
                assert repr(named_dtype(name)) == repr(pd.api.types.pandas_dtype(name))


def test_frames_without_pandas_private_constructor_are_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where pandas no longer has ``DataFrame._from_arrays``, the frames are built by the public
    constructor: the same values, dtypes and columns."""
    from aicapex.loading import bundled_data, load
    from aicapex.table import frames

    fast = {k: frames.frame(load(bundled_data()), k) for k in frames.FRAME_KINDS}
    monkeypatch.setattr(frames, "_FROM_ARRAYS", frames._public)
    slow = {k: frames.frame(load(bundled_data()), k) for k in frames.FRAME_KINDS}
    for kind, built in fast.items():
        pd.testing.assert_frame_equal(built, slow[kind], check_exact=True)
