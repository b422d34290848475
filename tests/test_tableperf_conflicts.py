"""Fact groups of small frames take quicker routes (aicapex.table.conflicts): keys compared as
tuples of Python values rather than factorized column by column, the cited lists counted in a
set, and frames where no key's records cite two lists of sources left before their date windows
are examined. Each must give what the NumPy routes give (the reference: every route of large
frames, the windows always examined) on every kind of real ledgers and on random frames of
every column type a key has (categories, texts, booleans, dates, objects with NaN and None)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.records import KINDS
from aicapex.table import conflicts
from aicapex.table.flows import FLOW_KINDS
from aicapex.table.frames import FRAME_KINDS
from aicapex.table.frames import ledger_frame as frame_of

ROOT = Path(__file__).resolve().parents[1]


def reference_groups(frame: pd.DataFrame, kind: str) -> tuple[np.ndarray, ...]:
    """``_fact_groups`` by the routes of large frames, every window examined."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(conflicts, "_FEW_ROWS", -1)  # (and so the windows always examined)
        return conflicts._fact_groups(frame, kind)


def assert_same(frame: pd.DataFrame, kind: str) -> int:
    got, want = conflicts._fact_groups(frame, kind), reference_groups(frame, kind)
    assert len(got) == len(want) == 3
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype == np.int64
        assert a.tolist() == b.tolist()
    cols = conflicts._key_columns(frame, kind) if kind in KINDS else []
    if cols and len(frame):
        ngroup = frame[cols].groupby(cols, sort=False, dropna=False, observed=True).ngroup()
        assert conflicts.key_groups(frame, cols).tolist() == ngroup.tolist()
    return len(got[0])


@pytest.mark.parametrize("which", ["data", "ledger-400"])
def test_every_kind_of_real_ledgers(which: str) -> None:
    path = ROOT / "data"
    if which != "data":
        path = Path("/tmp/gl/ledger-400-all.yaml")
        if not path.exists():
            pytest.skip("no generated ledger here (benchmarks/gen_ledger.py makes it)")
    ledger = ac.load(path)
    found = sum(assert_same(ledger.frame(kind), kind) for kind in KINDS)
    assert which != "data" or found > 0  # the bundled ledger has conflicts


_STARTS = pd.DatetimeIndex(["2023-01-01", "2023-01-20", "2023-06-01", "2023-07-15", "NaT"])


def _column(rnd: random.Random, n: int, name: str) -> Any:
    """A key column of random values, of a random type, some missing."""
    if name.endswith(("_start", "_end")):
        return pd.DatetimeIndex([rnd.choice(_STARTS) for _ in range(n)]).astype("datetime64[ns]")
    words = ["a", "b", "c", None]
    values: list[Any] = [rnd.choice(words) for _ in range(n)]
    how = rnd.choice(["category", "object", "string", "str", "boolean", "nan", "float"])
    if how == "boolean":
        return pd.array([rnd.choice([True, False, None]) for _ in range(n)], dtype="boolean")
    if how == "nan":  # objects, missing as NaN or None
        return np.array([rnd.choice([np.nan, None]) if v is None else v for v in values], object)
    if how == "float":
        return np.array([rnd.choice([0.0, -0.0, 1.5, np.nan]) for _ in range(n)])
    if how == "object":
        return np.array(values, dtype=object)
    return pd.Series(values, dtype=how).array


def _random_frame(rnd: random.Random, n: int, kind: str) -> pd.DataFrame:
    cols = conflicts._key_columns(pd.DataFrame(columns=_all_columns(kind)), kind)
    data: dict[str, Any] = {"id": [f"r{i}" for i in range(n)]}
    for col in dict.fromkeys([*cols, "date_start", "date_end"]):
        data[col] = _column(rnd, n, col)
    pool = ["s1", "s2", "s3", ""] + (["s1,s2", "s3,s1"] if rnd.random() < 0.5 else [])
    if rnd.random() < 0.2:
        pool = ["s1", ""]  # one cited list
    data["sources"] = pd.Series(
        [rnd.choice(pool) if rnd.random() < 0.9 else None for _ in range(n)],
        dtype=rnd.choice(["string", "str", "object"]),
    ).array
    data["reported_start"] = pd.DatetimeIndex([rnd.choice(_STARTS) for _ in range(n)]).astype(
        "datetime64[ns]"
    )
    if rnd.random() < 0.4:
        data["included_in"] = pd.array([rnd.choice(["r0", None, None]) for _ in range(n)], "str")
    if kind == "stakes" and rnd.random() < 0.7:
        picks = [rnd.choice(["primary", "secondary", None]) for _ in range(n)]
        data["purchase"] = pd.Categorical(picks)
        data["seller"] = pd.array([rnd.choice(["x", None, None]) for _ in range(n)], "str")
    if kind == "funding_rounds" and rnd.random() < 0.7:
        data["series"] = pd.array([rnd.choice(["A", "a ", "B", None]) for _ in range(n)], "str")
    if kind == "funding_rounds" and rnd.random() < 0.7:  # efforts (sought) and rounds
        data["effort"] = pd.array([rnd.choice(["e1", None, None]) for _ in range(n)], "str")
        picks = [rnd.choice(["sought", "closed", "announced", None]) for _ in range(n)]
        data["status"] = pd.Categorical(picks) if rnd.random() < 0.7 else np.array(picks, object)
    if kind == "stakes" and rnd.random() < 0.5:
        data["round"] = pd.Categorical([rnd.choice(["r1", None, None]) for _ in range(n)])
    return pd.DataFrame(data)


def _all_columns(kind: str) -> list[str]:
    cols: list[str] = []
    for name in KINDS[kind].FACT_KEY:
        cols += [f"{name}_start", f"{name}_end"] if name in ("date", "period", "start") else [name]
    return cols


@pytest.mark.parametrize(
    "kind", ["cash_balances", "funding_rounds", "cloud_bills", "stakes", "gpu_orders"]
)
@pytest.mark.parametrize("seed", range(10))
def test_random_frames(kind: str, seed: int) -> None:
    rnd = random.Random(seed)
    for n in (2, 3, 7, 25, 120, 600):  # (600: beyond the few rows compared in Python)
        assert_same(_random_frame(rnd, n, kind), kind)


def reference_stake_sides(frame: pd.DataFrame) -> np.ndarray:
    side = np.zeros(len(frame), dtype=np.int64)
    if "purchase" in frame:
        purchase = frame["purchase"].to_numpy(dtype=object)
        side[purchase == "primary"] = 1
        side[purchase == "secondary"] = 2
    if "round" in frame:
        side[(side == 0) & frame["round"].notna().to_numpy()] = 1
    if "seller" in frame:
        side[frame["seller"].notna().to_numpy()] = 2
    return side


def reference_effort_sides(frame: pd.DataFrame) -> np.ndarray:
    named = None if "effort" not in frame else ~pd.isna(frame["effort"].array)
    if named is None or not named.any() or "status" not in frame:
        return np.zeros(len(frame), dtype=np.int64)
    company = frame["company"].astype("object")
    linked = company.isin(company[named]).to_numpy()
    sought = frame["status"].to_numpy(dtype=object) == "sought"
    out: np.ndarray = np.where(linked, np.where(sought, 1, 2), 0).astype(np.int64)
    return out


@pytest.mark.parametrize("seed", range(30))
def test_sides_are_those_of_the_object_comparisons(seed: int) -> None:
    """Sides of stakes and rounds read from categorical codes equal the comparisons of their
    values as objects (companies and statuses categorical or not, missing or absent)."""
    rnd = random.Random(seed)
    for n in (2, 5, 30):
        stakes = _random_frame(rnd, n, "stakes")
        assert conflicts._stake_sides(stakes).tolist() == reference_stake_sides(stakes).tolist()
        rounds = _random_frame(rnd, n, "funding_rounds")
        if rnd.random() < 0.3 and "status" in rounds:  # a status no round has
            rounds["status"] = pd.Categorical(["closed"] * n)
        got, want = conflicts._effort_sides(rounds), reference_effort_sides(rounds)
        assert got.dtype == want.dtype
        assert got.tolist() == want.tolist()


@pytest.mark.parametrize("which", ["data", "ledger-400"])
def test_the_flows_read_the_ledgers_own_frames_and_leave_them_as_they_were(which: str) -> None:
    """The flows read the ledger's own resolved frames (conflicts.resolved_frame, not copies):
    they equal the flows of copies of them, and every frame and resolved frame is afterwards
    what a fresh ledger gives; frames handed out are still copies of their own."""
    path = ROOT / "data" if which == "data" else Path("/tmp/gl/ledger-400-all.yaml")
    if not path.exists():
        pytest.skip("no generated ledger here (benchmarks/gen_ledger.py makes it)")
    ledger, fresh = ac.load(path), ac.load(path)
    policies: tuple[conflicts.ConflictPolicy, ...] = ("latest", "earliest", "all")
    for policy in policies:
        got = ac.flows(ledger, conflicts=policy)
        copies = {k: conflicts.resolved(fresh, k, policy)[0] for k in FLOW_KINDS}
        copies["fx_rates"] = fresh.frame("fx_rates")  # (rows over months at their own rates)
        pd.testing.assert_frame_equal(got, ac.flows(copies, conflicts="all"), check_exact=True)
    for kind in FRAME_KINDS:
        pd.testing.assert_frame_equal(ledger.frame(kind), fresh.frame(kind), check_exact=True)
        for policy in policies:
            kept, aside = conflicts.resolved(ledger, kind, policy)
            want, want_aside = conflicts.resolved(fresh, kind, policy)
            pd.testing.assert_frame_equal(kept, want, check_exact=True)
            assert aside == want_aside
            own, _ = conflicts.resolved_frame(ledger, kind, policy)
            assert kept is not own
            assert ledger.frame(kind) is not frame_of(ledger, kind)
    frame = ledger.frame("expenses")
    frame["amount"] = 0.0  # a frame handed out is the caller's: the ledger's stays
    assert not (ledger.frame("expenses")["amount"].fillna(1) == 0.0).all()
