"""Quicker routes of the flows' columns (aicapex.table.columns): a few texts coded in Python
with their categorical dtype made once per texts (coded_category, union_codes), first sources
of a few rows numbered in Python, and notna, equals and day_numbers from a column's array
rather than by a Series of the result. Each must give
what the general route gives (pandas' Index of the labels, sorted_codes, a dtype made each
time): the same codes in the same integer type and equal dtypes with the same categories'
dtype, on random labels and codes under either text storage, and the flows of real ledgers."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.table import columns, contractrows, funding
from aicapex.table.flowrows import day_numbers, texts_of
from aicapex.table.flows import flows

ROOT = Path(__file__).resolve().parents[1]


def _general(patch: pytest.MonkeyPatch) -> None:
    """The general routes only: no label list is taken as a few texts, no dtype kept."""
    patch.setattr(columns, "_few_texts", lambda labels: None)
    patch.setattr(
        columns,
        "_str_categories",
        lambda t: pd.CategoricalDtype(pd.Index(list(t), dtype=columns._STR)),
    )


def same_categorical(got: pd.Categorical, want: pd.Categorical) -> None:
    assert got.dtype == want.dtype
    assert got.categories.dtype == want.categories.dtype
    assert got.categories.tolist() == want.categories.tolist()
    assert got.codes.dtype == want.codes.dtype
    assert got.codes.tolist() == want.codes.tolist()


def _labels(rnd: random.Random) -> Any:
    words = [f"s{i}" for i in range(rnd.choice([1, 3, 40, 200, 600]))] + ["b", "a", "é", "Z"]
    labels: list[Any] = [rnd.choice(words) for _ in range(rnd.choice([0, 1, 4, 30, 700]))]
    if labels and rnd.random() < 0.4:
        labels[rnd.randrange(len(labels))] = None
    if rnd.random() < 0.1:
        labels = [None] * len(labels)
    how = rnd.choice(["list", "array", "index", "strings"])
    if how == "array":
        return np.array(labels, dtype=object)
    if how == "index":
        return pd.Index(labels)
    if how == "strings" and all(t is not None for t in labels):
        return pd.Index(labels, dtype="string")
    return labels


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(40))
def test_coded_category_of_a_few_texts_is_the_general_route(seed: int, storage: str) -> None:
    rnd = random.Random(seed)
    with pd.option_context("mode.string_storage", storage):
        for _ in range(5):
            labels = _labels(rnd)
            n = rnd.choice([0, 1, 5, 50])
            codes = np.array(
                [rnd.randrange(-1, len(labels)) for _ in range(n)] if len(labels) else [-1] * n
            )
            codes = (
                codes.astype(rnd.choice([np.int8, np.int64, np.intp]))
                if len(labels) < 100
                else codes
            )
            got = columns.coded_category(codes, labels)
            with pytest.MonkeyPatch.context() as patch:
                _general(patch)
                want = columns.coded_category(codes, labels)
            same_categorical(got, want)
            cells = [None if c < 0 else list(labels)[c] for c in codes.tolist()]
            if any(c is not None for c in cells):  # as pandas makes it from the cells
                same_categorical(got, pd.Categorical(cells))


@pytest.mark.parametrize("seed", range(20))
def test_union_of_a_few_texts_is_the_general_route(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(5):
        parts = []
        for _ in range(rnd.randint(1, 4)):
            labels = [t for t in _labels(rnd) if t is not None] or ["x"]
            codes = np.array(
                [rnd.randrange(-1, len(labels)) for _ in range(rnd.choice([0, 3, 20]))]
            )
            parts.append(columns.coded_category(codes.astype(np.int64), labels))
        got = columns.union(parts)
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            want = columns.union(parts)
        same_categorical(got, want)


def test_code_types_are_the_narrowest() -> None:
    for n, kind in [(0, np.int8), (126, np.int8), (127, np.int16), (32766, np.int16)]:
        assert columns._code_type(n) is kind
    assert columns._code_type(32767) is np.int32
    assert columns._code_type(2**31) is np.int64


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
def test_flows_of_the_bundled_ledger_are_those_of_the_general_routes(storage: str) -> None:
    with pd.option_context("mode.string_storage", storage):
        got = flows(ac.load(ROOT / "data"))
        with pytest.MonkeyPatch.context() as patch:
            _general(patch)
            want = flows(ac.load(ROOT / "data"))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        for name in got:
            if isinstance(got[name].dtype, pd.CategoricalDtype):
                same_categorical(got[name].array, want[name].array)


def _random_column(rnd: random.Random, n: int) -> pd.Series:
    """A column of a random type (texts, categories, floats, integers, booleans, naive or
    zoned datetimes, objects), some values missing."""
    how = rnd.choice(
        ["category", "string", "str", "object", "float", "Int64", "boolean", "dt", "tz"]
    )
    words = [rnd.choice(["day", "USD", "actual", "s1,s2", "s2", "", None]) for _ in range(n)]
    if how in ("category", "string", "str"):
        return pd.Series(words, dtype=how)
    if how == "object":
        return pd.Series(
            [np.nan if w is None and rnd.random() < 0.5 else w for w in words], dtype=object
        )
    if how == "float":
        return pd.Series([rnd.choice([0.0, -1.5, 2.0, np.nan]) for _ in range(n)], dtype="float64")
    if how == "Int64":
        return pd.Series([rnd.choice([1, 0, None]) for _ in range(n)], dtype="Int64")
    if how == "boolean":
        return pd.Series([rnd.choice([True, False, None]) for _ in range(n)], dtype="boolean")
    picks = ["1969-12-31T23:59", "2024-02-29T13:00", "1900-01-01T00:00", "NaT"]
    stamps = pd.DatetimeIndex([rnd.choice(picks) for _ in range(n)], dtype="datetime64[ns]")
    return pd.Series(stamps.tz_localize("Asia/Tokyo") if how == "tz" else stamps)


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(40))
def test_column_helpers_are_the_series_operations(seed: int, storage: str) -> None:
    rnd = random.Random(seed)
    with pd.option_context("mode.string_storage", storage):
        for n in (0, 1, 6, 40):
            col = _random_column(rnd, n)
            assert columns.notna(col).tolist() == col.notna().to_numpy().tolist()
            assert columns.notna(col).dtype == np.bool_
            for value in ("day", "USD", ""):
                try:
                    want = (col == value).to_numpy(dtype=bool)
                except (TypeError, ValueError) as error:  # (missing texts of 'string')
                    with pytest.raises(type(error)):
                        columns.equals(col, value)
                    continue
                assert columns.equals(col, value).tolist() == want.tolist()
            if col.dtype.kind == "M" or isinstance(col.dtype, pd.DatetimeTZDtype):
                got, want_days = day_numbers(col), col.to_numpy("datetime64[D]")
                assert got.dtype == want_days.dtype
                assert got.view("i8").tolist() == want_days.view("i8").tolist()


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(30))
def test_first_sources_of_a_few_rows_are_those_of_factorize(seed: int, storage: str) -> None:
    rnd = random.Random(seed)
    with pd.option_context("mode.string_storage", storage):
        for n in (0, 1, 5, 60):
            cells = [rnd.choice(["s1", "s2,s1", "s3, s1", "", None]) for _ in range(n)]
            how = rnd.choice(["string", "str", "object"])
            sources = pd.Series(cells, dtype=how)
            if how == "object" and n:
                sources[0] = np.nan
            got = columns.first_source(sources)
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(columns, "_FEW_TEXTS", -1)  # factorize, labels through pandas
                want = columns.first_source(sources)
            same_categorical(got, want)


@pytest.mark.parametrize("storage", ["python", "pyarrow"])
@pytest.mark.parametrize("seed", range(20))
def test_texts_of_pieces_are_their_concatenation(seed: int, storage: str) -> None:
    """Text columns of one dtype joined directly are what pd.concat of their Series gives;
    other mixes go through pd.concat as before."""
    rnd = random.Random(seed)
    with pd.option_context("mode.string_storage", storage):
        parts: list[Any] = []
        for _ in range(rnd.randint(1, 5)):
            texts = [rnd.choice(["r1", "r2", None]) for _ in range(rnd.randint(1, 6))]
            dtype = "str" if rnd.random() < 0.8 else rnd.choice(["string", "object"])
            part: Any = pd.Series(texts, dtype=dtype)
            parts.append(part if rnd.random() < 0.5 else part.array)
        got = texts_of(parts)
        series = [p if isinstance(p, pd.Series) else pd.Series(p, copy=False) for p in parts]
        want = pd.concat(series, ignore_index=True).array
        assert type(got) is type(want)
        assert got.dtype == want.dtype
        pd.testing.assert_extension_array_equal(got, want)


def _same_pieces(got: list[Any], want: list[Any]) -> None:
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        assert list(a) == list(b)
        for name in a:
            x, y = (
                pd.Series(a[name]).reset_index(drop=True),
                pd.Series(b[name]).reset_index(drop=True),
            )
            pd.testing.assert_series_equal(x, y, check_exact=True, check_names=False)


@pytest.mark.parametrize("which", ["data", "ledger-400"])
def test_contracts_and_rounds_of_every_row_are_those_of_their_rows_taken(which: str) -> None:
    """Contracts all flat and rounds all live are read from their frame as it is, not from a
    copy of its rows: the same pieces (whatever the frame's index); a categorical status is
    mapped by its categories as the objects' map does."""
    path = ROOT / "data" if which == "data" else Path("/tmp/gl/ledger-400-all.yaml")
    if not path.exists():
        pytest.skip("no generated ledger here (benchmarks/gen_ledger.py makes it)")
    ledger = ac.load(path)
    contracts = ledger.frame("compute_contracts")
    status = contractrows.contract_status(contracts)
    objects = contracts.assign(status=contracts["status"].astype("object"))
    assert status.tolist() == contractrows.contract_status(objects).tolist()
    flat = ~pd.isna(status) & (
        columns.notna(contracts["rate"]) | columns.notna(contracts["total_value"])
    )
    rows = contracts[flat].reset_index(drop=True)
    every = np.ones(len(rows), dtype=bool)
    _same_pieces(
        [contractrows._flat(rows, status[flat])], [contractrows._flat(rows[every], status[flat])]
    )
    rounds, tranches = ledger.frame("funding_rounds"), ledger.frame("tranches")
    investments = ledger.frame("investments")
    live = rounds[columns.is_in(rounds["status"], ("closed", "committed", "announced"))]
    relabelled = live.set_axis([f"x{i}" for i in range(len(live))][::-1])
    _same_pieces(
        funding.funding_pieces(relabelled, tranches, investments),
        funding.funding_pieces(live.reset_index(drop=True), tranches, investments),
    )
