"""Conflict groups and their resolution in NumPy give what the pandas group-bys gave.

``fact_groups`` and ``resolve`` (:mod:`aicapex.table.conflicts`) number keys, sources and
reports with ``pandas.factorize`` instead of ``groupby(...).ngroup()``, ``transform("nunique")``
and a merge (pandas' cost on a few rows was most of a first simulation's fixed cost). The
reference below is the pandas code as it stood (commit 2b0afb1); both must give the same rows,
groups, reports and records set aside on every kind of the bundled ledger, on generated ledgers
and on random frames with missing keys, tangled sources, uncited and included records, dates
within a fact window and ties of reported dates.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.records import KINDS
from aicapex.table.conflicts import _components, _key_columns, fact_groups, resolve


def _reference_clusters(frame: pd.DataFrame, cols: list[str], field: str, days: int) -> np.ndarray:
    start = frame[f"{field}_start"].to_numpy("datetime64[D]").astype(np.int64)
    group = frame[cols].groupby(cols, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    order = np.lexsort((start, group))
    new = np.ones(len(frame), dtype=bool)
    if len(frame) > 1:
        same = group[order][1:] == group[order][:-1]
        close = (start[order][1:] - start[order][:-1]) <= days
        new[1:] = ~(same & close)
    clusters = np.empty(len(frame), dtype=np.int64)
    clusters[order] = np.cumsum(new)
    return clusters


def reference_fact_groups(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """``fact_groups`` as pandas group-bys computed it."""
    empty = pd.DataFrame({"row": [], "group": [], "report": []}, dtype="int64")
    cls = KINDS.get(kind)
    if cls is None or not cls.FACT_KEY or len(frame) < 2:
        return empty
    sources = frame["sources"]
    if sources.nunique(dropna=True) - int((sources == "").any()) < 2:
        return empty
    cols = _key_columns(frame, kind)
    cited = frame["sources"].astype("object").fillna("").to_numpy()
    keep = cited != ""
    if "included_in" in frame:
        keep &= frame["included_in"].isna().to_numpy()
    keys = frame[cols]
    window = getattr(cls, "FACT_WINDOW", None)
    if window is not None:
        keys = keys.assign(_cluster=_reference_clusters(frame, cols, *window))
        cols = [*cols, "_cluster"]
    keep &= keys.duplicated(keep=False).to_numpy()
    if not keep.any():
        return empty
    rows = np.flatnonzero(keep)
    group = keys.iloc[rows].groupby(cols, sort=False, dropna=False, observed=True).ngroup()
    view = pd.DataFrame({"row": rows, "group": group.to_numpy(), "sources": cited[rows]})
    view = view[view.groupby("group")["sources"].transform("nunique").to_numpy() > 1]
    if view.empty:
        return empty
    several = view["sources"].str.contains(",", regex=False).to_numpy()
    tangled = view["group"].isin(view["group"][several]).to_numpy()
    simple = view[~tangled]
    parts = [
        simple.assign(report=simple.groupby(["group", "sources"], sort=False).ngroup().to_numpy())
    ]
    for _, members in view[tangled].groupby("group", sort=False):
        parts.append(members.assign(report=_components(list(members["sources"]))))
    out = pd.concat(parts, ignore_index=True)[["row", "group", "report"]].astype("int64")
    reports = out.groupby("group")["report"].transform("nunique").to_numpy()
    out = out[reports > 1].sort_values(["group", "row"], kind="stable", ignore_index=True)
    out["group"] = pd.factorize(out["group"])[0]
    return out


def reference_resolve(frame: pd.DataFrame, kind: str, policy: str) -> tuple[pd.DataFrame, list]:
    """``resolve`` as pandas group-bys and a merge computed it."""
    if policy == "all":
        return frame, []
    groups = reference_fact_groups(frame, kind)
    if groups.empty:
        return frame, []
    reported = frame["reported_start"].to_numpy("datetime64[ns]")[groups["row"].to_numpy()]
    when = pd.Series(reported).astype("int64").where(~np.isnat(reported), np.iinfo(np.int64).min)
    per_report = groups.assign(when=when.to_numpy())
    latest = per_report.groupby(["group", "report"], sort=True)["when"].max().reset_index()
    order = latest.sort_values(
        ["group", "when", "report"], ascending=[True, policy == "earliest", True], kind="stable"
    )
    chosen = order.drop_duplicates("group", keep="first")[["group", "report"]]
    keep = per_report.merge(chosen, on=["group", "report"], how="inner")["row"]
    dropped = np.setdiff1d(groups["row"].to_numpy(), keep.to_numpy())
    mask = np.ones(len(frame), dtype=bool)
    mask[dropped] = False
    aside = [str(i) for i in frame["id"].astype("object").to_numpy()[dropped]]
    return frame[mask], aside


def assert_same(frame: pd.DataFrame, kind: str) -> int:
    """Both implementations agree on ``frame``; the number of records in conflict."""
    expected = reference_fact_groups(frame, kind)
    got = fact_groups(frame, kind)
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)
    for policy in ("latest", "earliest", "all"):
        kept, aside = resolve(frame, kind, policy)  # type: ignore[arg-type]
        kept_ref, aside_ref = reference_resolve(frame, kind, policy)
        pd.testing.assert_frame_equal(kept, kept_ref)
        assert aside == aside_ref
    return len(got)


def test_every_kind_of_the_bundled_ledger(bundled: ac.Ledger) -> None:
    found = sum(assert_same(bundled.frame(kind), kind) for kind in KINDS)
    assert found > 0  # the bundled ledger has conflicts: both paths were exercised


def _random_frame(rnd: random.Random, n: int, kind: str) -> pd.DataFrame:
    """``n`` records of ``kind``'s key columns: few companies (some missing), few dates (some
    missing, some within a window of each other), sources single, shared, several or none;
    reported dates with ties and gaps; some records included in others."""
    companies = ["a", "b", "c", None]
    starts = pd.to_datetime(["2023-01-01", "2023-02-15", "2023-06-01", None])
    pool = ["s1", "s2", "s3", "s4", ""]
    if rnd.random() < 0.5:  # records citing several sources: reports joined by shared sources
        pool += ["s1,s2", "s3,s1", "s4,s5"]
    reported = pd.to_datetime(["2024-01-01", "2024-03-01", "2024-03-01", None])
    data: dict[str, object] = {"id": [f"r{i}" for i in range(n)]}
    columns = _key_columns(pd.DataFrame(columns=_all_columns(kind)), kind)
    for col in dict.fromkeys([*columns, "date_start", "date_end"]):  # windows read date_start
        if col.endswith(("_start", "_end")):
            picks = [starts[rnd.randrange(len(starts))] for _ in range(n)]
            data[col] = pd.DatetimeIndex(picks).astype("datetime64[ns]")
        else:
            values = [rnd.choice(companies) for _ in range(n)]
            data[col] = pd.Series(values, dtype="category" if rnd.random() < 0.5 else object)
    data["sources"] = pd.Series(
        [rnd.choice(pool) if rnd.random() < 0.9 else None for _ in range(n)], dtype="string"
    )
    data["reported_start"] = pd.DatetimeIndex(
        [reported[rnd.randrange(len(reported))] for _ in range(n)]
    ).astype("datetime64[ns]")
    if rnd.random() < 0.5:
        data["included_in"] = pd.Series(
            [("r0" if rnd.random() < 0.1 else None) for _ in range(n)], dtype="string"
        )
    return pd.DataFrame({k: (list(v) if isinstance(v, pd.Series) else v) for k, v in data.items()})


def _all_columns(kind: str) -> list[str]:
    cols: list[str] = []
    for name in KINDS[kind].FACT_KEY:
        cols += [f"{name}_start", f"{name}_end"] if name in ("date", "period", "start") else [name]
    return cols


@pytest.mark.parametrize("kind", ["cash_balances", "funding_rounds", "cloud_bills", "stakes"])
@pytest.mark.parametrize("seed", range(8))
def test_random_frames(kind: str, seed: int) -> None:
    rnd = random.Random(seed)
    for n in (2, 3, 7, 25, 120):
        assert_same(_random_frame(rnd, n, kind), kind)


def test_generated_ledgers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ledgers with several companies reporting one balance from two sources."""
    for seed in range(3):
        rnd = random.Random(seed)
        lines = [
            "sources:",
            "- {id: s1, outlet: A, title: First, date: 2024-01}",
            "- {id: s2, outlet: B, title: Second, date: 2024-03}",
            "- {id: s3, outlet: C, title: Third, date: 2024-03}",
            "entities:",
        ]
        lines += [f"- {{id: c{i}, name: C{i}, type: company}}" for i in range(6)]
        lines.append("cash_balances:")
        for i in range(6):
            for k, src in enumerate(rnd.sample(["s1", "s2", "s3", "s1, s2"], rnd.randint(1, 3))):
                lines.append(
                    f"- {{id: c{i}-cash-{k}, company: c{i}, date: 2023-{rnd.randint(9, 10)}, "
                    f"amount: ${rnd.randint(1, 9)}M, sources: [{src}]}}"
                )
        path = tmp_path / f"ledger{seed}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        led = ac.load(path)
        assert_same(led.frame("cash_balances"), "cash_balances")
