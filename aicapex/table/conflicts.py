"""Conflicting reports: records of one fact from sources that disagree, and which one to use.

Two records report the same fact when they are of the same kind and have equal fact keys
(``Record.FACT_KEY``: the same entity and period, such as a company's cash in October 2023).
They are in conflict when they come from different sources: records that share a cited source
are distinct facts of one report (two compute expenses of one year) and are all kept, and so are
records citing no source. Records ``included_in`` another are parts of it, never in conflict.

Both reports are always kept in the ledger; :func:`conflicts` lists them and :func:`resolve`
picks, for computations, the report to use:

- ``"latest"`` (default): the report published latest: the one whose ``reported`` date (its own,
  else its latest cited source's) starts latest; a date known only to the year counts from its
  first day;
- ``"earliest"``: the one published first;
- ``"all"``: keep every record (counts conflicting figures twice).

Everything works on record frames (``Ledger.frame(kind)`` or bulk tables), vectorised where it
matters: only fact groups citing several sources are examined one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["ConflictPolicy", "conflicts", "fact_groups", "resolve"]

ConflictPolicy = Literal["latest", "earliest", "all"]
POLICIES: tuple[str, ...] = ("latest", "earliest", "all")


def _kinds() -> dict[str, Any]:
    """The record kinds (imported on first use: a flows table alone never needs pydantic)."""
    from aicapex.records import KINDS

    return KINDS


def _key_columns(frame: pd.DataFrame, kind: str) -> list[str]:
    cols: list[str] = []
    for name in _kinds()[kind].FACT_KEY:
        cols.extend([f"{name}_start", f"{name}_end"] if f"{name}_start" in frame else [name])
    return cols


def _components(sources: list[str]) -> list[int]:
    """Label records so that records sharing a cited source share a label."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    cited = [[s for s in text.split(",") if s] for text in sources]
    for ids in cited:
        for other in ids[1:]:
            parent[find(other)] = find(ids[0])
    roots: dict[str, int] = {}
    return [roots.setdefault(find(ids[0]), len(roots)) for ids in cited]


def fact_groups(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The conflicting records of a frame of ``kind``: one row per record in conflict, with
    ``row`` (its position in ``frame``), ``group`` (a number per fact) and ``report`` (a number
    per set of records that share sources, within the group). Empty when nothing conflicts."""
    empty = pd.DataFrame({"row": [], "group": [], "report": []}, dtype="int64")
    cls = _kinds().get(kind)
    if cls is None or not cls.FACT_KEY or len(frame) < 2:
        return empty
    sources = frame["sources"]
    if sources.nunique(dropna=True) - int((sources == "").any()) < 2:
        return empty  # fewer than two cited source lists: nothing can conflict (bulk tables)
    cols = _key_columns(frame, kind)
    cited = frame["sources"].astype("object").fillna("").to_numpy()
    keep = cited != ""  # uncited records conflict with nothing
    if "included_in" in frame:
        keep &= frame["included_in"].isna().to_numpy()
    keys = frame[cols]
    window = getattr(cls, "FACT_WINDOW", None)
    if window is not None:  # one more key: the cluster of dates within the window
        keys = keys.assign(_cluster=_date_clusters(frame, cols, *window))
        cols = [*cols, "_cluster"]
    keep &= keys.duplicated(keep=False).to_numpy()  # a fact reported once is never in conflict
    if not keep.any():
        return empty
    rows = np.flatnonzero(keep)
    group = keys.iloc[rows].groupby(cols, sort=False, dropna=False, observed=True).ngroup()
    view = pd.DataFrame({"row": rows, "group": group.to_numpy(), "sources": cited[rows]})
    view = view[view.groupby("group")["sources"].transform("nunique").to_numpy() > 1]
    if view.empty:
        return empty
    # records citing one source each: a report per distinct source (vectorised); groups where a
    # record cites several sources are joined into reports by shared sources, one by one
    several = view["sources"].str.contains(",", regex=False).to_numpy()
    tangled = view["group"].isin(view["group"][several]).to_numpy()
    simple = view[~tangled]
    parts = [
        simple.assign(report=simple.groupby(["group", "sources"], sort=False).ngroup().to_numpy())
    ]
    for _, members in view[tangled].groupby("group", sort=False):
        parts.append(members.assign(report=_components(list(members["sources"]))))
    out = pd.concat(parts, ignore_index=True)[["row", "group", "report"]].astype("int64")
    # only facts with two reports or more are in conflict
    reports = out.groupby("group")["report"].transform("nunique").to_numpy()
    out = out[reports > 1].sort_values(["group", "row"], kind="stable", ignore_index=True)
    out["group"] = pd.factorize(out["group"])[0]
    return out


def resolve(
    frame: pd.DataFrame, kind: str, policy: ConflictPolicy = "latest"
) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``frame`` to compute with under ``policy``, and the ids of the records set
    aside (the other reports of facts in conflict)."""
    if policy not in POLICIES:
        raise ValueError(f"expected a conflict policy among {POLICIES}, got {policy!r}")
    if policy == "all":
        return frame, []
    groups = fact_groups(frame, kind)
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


def _date_clusters(frame: pd.DataFrame, cols: list[str], field: str, days: int) -> np.ndarray:
    """For each record, a number for its cluster of ``field`` dates among the records with the
    same other key values: dates whose starts lie within ``days`` of the previous one in date
    order belong to one cluster (two reports of one round, "March 2021" and "May 2021")."""
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


#: The fields besides the figures whose differences make reports of one fact conflict.
_COMPARED = ("status", "date", "end", "until", "tranches")


def _value_text(record: Any) -> str:
    """The figure a record reports, as text (``$4M``, ``less than $4M``, ``quantity 12,000``),
    with what else reports of one fact may disagree on: ``status``, ``date`` (for facts matched
    within a date window), ``end``, ``until`` and ``tranches``."""
    parts = []
    for name in (
        "amount",
        "rate",
        "billed",
        "outstanding",
        "total_value",
        "total",
        "quantity",
        "price",
        "one_off",
        "usd",
        "post_money",
        "pre_money",
        "capacity",
        "share",
        "shares",
        "paid",
        "price_per_share",
        # deal structures (issue 11)
        "basic",
        "diluted",
        "exercise_price",
        "shares_offered",
        "proceeds",
        "value",
        "combined_value",
        "acquirer_holders",
        "target_holders",
    ):
        value = getattr(record, name, None)
        if value is None or isinstance(value, bool):  # a stake's `diluted` is no figure
            continue
        text = f"{value:,}" if isinstance(value, int) else str(value)
        parts.append(text if name in ("amount", "rate") else f"{name} {text}")
    window = getattr(type(record), "FACT_WINDOW", None)
    for name in _COMPARED:
        value = getattr(record, name, None)
        if value is None or value == () or (name == "date" and window is None):
            continue
        if name == "tranches":
            value = ", ".join(f"{t.amount} {t.status.value}" for t in value)
        parts.append(f"{name} {getattr(value, 'value', value)}")
    return "; ".join(parts)


def conflicts(ledger: Ledger) -> pd.DataFrame:
    """Records of the ledger reporting the same fact from different sources, one row each:
    ``group`` (a number per fact), ``kind``, ``key`` (the fact, as text), ``id``, ``value`` (the
    figure reported, as text), ``sources``, ``reported`` and ``differs`` (whether the figures of
    the group differ)."""
    rows: list[dict[str, Any]] = []
    offset = 0
    from aicapex.table.frames import frame

    for kind, cls in _kinds().items():
        if not cls.FACT_KEY or len(ledger.records(kind)) < 2:
            continue
        records = ledger.records(kind)
        groups = fact_groups(frame(ledger, kind), kind)
        for _, members in groups.groupby("group", sort=True):
            group_number = offset + int(members["group"].iloc[0])
            chosen = [records[i] for i in members["row"]]
            values = [_value_text(r) for r in chosen]
            first = chosen[0]
            key = ", ".join(
                f"{f}={getattr(first, f)}" for f in cls.FACT_KEY if getattr(first, f) is not None
            )
            for r, value in zip(chosen, values, strict=True):
                reported = ledger.reported(r)
                rows.append(
                    {
                        "group": group_number,
                        "kind": kind,
                        "key": key,
                        "id": r.id,
                        "value": value,
                        "sources": ",".join(c.source for c in getattr(r, "sources", ())),
                        "reported": str(reported) if reported is not None else None,
                        "differs": len(set(values)) > 1,
                    }
                )
        offset += int(groups["group"].max()) + 1 if not groups.empty else 0
    dtypes = {
        "group": "int64",
        "kind": "category",
        "key": "string",
        "id": "category",
        "value": "string",
        "sources": "string",
        "reported": "string",
        "differs": "bool",
    }
    return pd.DataFrame(
        {n: pd.Series([row[n] for row in rows], dtype=d) for n, d in dtypes.items()}
    )
