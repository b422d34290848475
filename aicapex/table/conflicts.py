"""Conflicting reports: records of one fact from sources that disagree, and which one to use.

Two records report the same fact when they are of the same kind and have equal fact keys
(``Record.FACT_KEY``: the same entity and period, such as a company's cash in October 2023).
They are in conflict when they come from different sources: records that share a cited source
are distinct facts of one report (two compute expenses of one year) and are all kept, and so are
records citing no source. Records ``included_in`` another are parts of it, never in conflict.

Stakes (``FACT_WINDOW``: dates within 31 days) tell two transactions apart: where the reports
of one holder's purchases of one company within the window hold both a **primary** purchase (new
shares: ``purchase: primary``, or bought in a funding round, ``round:``) and a **secondary** one
(existing shares: ``purchase: secondary``, or a ``seller`` named), the primary and the secondary
are two facts (buying in a round and buying from a founder the same month are two purchases,
both counted); a purchase of unstated kind then goes with the primaries (ownership counts it as
new shares). Where the window holds one kind only, every report of it is one fact as before: two
outlets reporting one secondary purchase with different figures still conflict.

Both reports are always kept in the ledger; :func:`conflicts` lists them and :func:`resolve`
picks, for computations, the report to use:

- ``"latest"`` (default): the report published latest: the one whose ``reported`` date (its own,
  else its latest cited source's) starts latest; a date known only to the year counts from its
  first day;
- ``"earliest"``: the one published first;
- ``"all"``: keep every record (the flows count conflicting figures twice; ownership does not
  add them up: the reports of one stake become one stake whose share spans them all, see
  :mod:`aicapex.analysis.ownership`).

Everything works on record frames (``Ledger.frame(kind)`` or bulk tables), vectorised where it
matters: only fact groups citing several sources are examined one by one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aicapex.errors import folded
from aicapex.table.columns import equals

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["ConflictPolicy", "conflicts", "fact_groups", "resolve", "resolved", "resolved_frame"]

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


def _first_seen(values: np.ndarray) -> np.ndarray:
    """Each value's number, the distinct values numbered in order of first appearance (a few
    integers in Python: factorize cost 20 us)."""
    if values.dtype.kind in "iu" and len(values) <= _FEW_ROWS:
        numbers: dict[int, int] = {}
        return np.array([numbers.setdefault(v, len(numbers)) for v in values.tolist()], np.intp)
    codes: np.ndarray = pd.factorize(values)[0]
    return codes


#: Up to how many rows a frame's keys and sources are compared in Python (beyond: by NumPy).
_FEW_ROWS = 512


def key_groups(frame: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """A number per distinct key (the values of ``cols``) of each row, in order of first
    appearance; missing values are equal to each other (``groupby(cols, sort=False,
    dropna=False).ngroup()``, without pandas' cost on a few rows)."""
    if cols and len(frame) <= _FEW_ROWS:  # each row's key as a tuple (no factorize: 10 us a column)
        numbers: dict[tuple[Any, ...], int] = {}
        keys = zip(*(_cells(frame[col].array) for col in cols), strict=True)
        return np.array([numbers.setdefault(k, len(numbers)) for k in keys], dtype=np.int64)
    ids = np.zeros(len(frame), dtype=np.int64)
    span = 1  # the number of distinct ids the columns so far could make
    for col in cols:
        values = frame[col].array
        if isinstance(values, pd.Categorical):  # its codes number its values (missing: -1)
            codes, width = values.codes.astype(np.int64), len(values.categories)
        else:
            codes, uniques = pd.factorize(values)  # missing: -1
            width = len(uniques)
        if span * (width + 1) >= 2**62:  # numbered again, before they could overflow
            ids = _first_seen(ids)
            span = len(ids)
        ids = ids * (width + 1) + (codes + 1)
        span *= width + 1
    return _first_seen(ids)


def _cells(values: Any) -> list[Any]:
    """A column's values as Python objects equal where ``pd.factorize`` finds them equal (missing
    ones too): a categorical's codes, datetimes' integers (NaT the least), texts and booleans
    with ``None`` for missing; other columns, the codes ``pd.factorize`` gives."""
    if isinstance(values, pd.Categorical):
        return values.codes.tolist()
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "mM":
        return np.asarray(values).view(np.int64).tolist()  # type: ignore[no-any-return]
    if isinstance(values.dtype, pd.StringDtype | pd.BooleanDtype):
        return values.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[no-any-return]
    return pd.factorize(values)[0].tolist()  # type: ignore[no-any-return]


def _cite_two_lists(key: np.ndarray, cited: np.ndarray, keep: np.ndarray) -> bool:
    """Whether the kept records of some key cite two different lists of sources: if none do,
    nothing conflicts, however the key is split further (by dates, sides, names)."""
    first: dict[int, object] = {}
    pairs = zip(key[keep].tolist(), cited[keep].tolist(), strict=True)
    return any(first.setdefault(k, t) != t for k, t in pairs)


def _cited_lists(sources: pd.Series) -> int:
    """How many distinct lists of sources are cited (missing and empty ones not counted)."""
    _, lists = pd.factorize(sources, use_na_sentinel=True)
    return int((np.asarray(lists, dtype=object) != "").sum())


def fact_groups(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The conflicting records of a frame of ``kind``: one row per record in conflict, with
    ``row`` (its position in ``frame``), ``group`` (a number per fact) and ``report`` (a number
    per set of records that share sources, within the group). Empty when nothing conflicts."""
    row, group, report = _fact_groups(frame, kind)
    return pd.DataFrame({"row": row, "group": group, "report": report}, copy=False)


#: :func:`_fact_groups` of a frame where nothing conflicts (read-only: shared).
_NONE = (np.empty(0, dtype=np.int64),) * 3
_NONE[0].flags.writeable = False


def _fact_groups(frame: pd.DataFrame, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`fact_groups` as its columns (int64 arrays: ``row``, ``group``, ``report``)."""
    empty = _NONE
    if len(frame) < 2:
        return empty
    cited = None  # fewer than two cited source lists: nothing can conflict (bulk tables)
    if "sources" in frame:
        if len(frame) <= _FEW_ROWS:  # (a set of a few texts, not factorize: 20 us)
            cited = frame["sources"].to_numpy(dtype=object, na_value="")
            if len(set(cited.tolist()) - {""}) < 2:
                return empty
        elif _cited_lists(frame["sources"]) < 2:
            return empty
    cls = _kinds().get(kind)  # (after the checks above: tables alone load no record models)
    if cls is None or not cls.FACT_KEY:
        return empty
    if cited is None:
        cited = frame["sources"].to_numpy(dtype=object, na_value="")
    cols = _key_columns(frame, kind)
    keep = cited != ""  # uncited records conflict with nothing
    if "included_in" in frame:
        keep &= frame["included_in"].isna().to_numpy()
    key = key_groups(frame, cols)
    if len(frame) <= _FEW_ROWS and not _cite_two_lists(key, cited, keep):
        return empty  # (most frames: their windows not examined; large ones go on in NumPy)
    window = getattr(cls, "FACT_WINDOW", None)
    if window is not None:  # one more key: the cluster of dates within the window
        field, days = window
        start = frame[f"{field}_start"].to_numpy("datetime64[D]").astype(np.int64)
        clusters = _date_clusters(start, key, days)
        base, key = key, _first_seen(key * (int(clusters.max()) + 1) + clusters)
        sides_of = _SIDES.get(kind)
        if sides_of is not None:
            key = _split_sides(start, base, key, sides_of(frame), days)
        split = getattr(cls, "FACT_SPLIT", None)
        if split is not None and split in frame:  # compared as folded (case, spaces aside)
            names = frame[split]
            named = ~pd.isna(names.array)
            if named.any():
                names = names.astype("object")
                folded_names = names.where(~named, names.map(folded, na_action="ignore"))
                key = _split_named(start, key, folded_names, days)
    keep &= np.bincount(key)[key] > 1  # a fact reported once is never in conflict
    if not keep.any():
        return empty
    rows = np.flatnonzero(keep)
    group = _first_seen(key[rows])
    sources = cited[rows]
    source = _first_seen(sources)
    # facts whose records cite one list of sources are no conflict
    pairs = np.unique(group * (int(source.max()) + 1) + source)
    lists = np.bincount(pairs // (int(source.max()) + 1), minlength=int(group.max()) + 1)
    mixed = lists[group] > 1
    rows, group, sources, source = rows[mixed], group[mixed], sources[mixed], source[mixed]
    if not len(rows):
        return empty
    # records citing one source each: a report per distinct source (vectorised); groups where a
    # record cites several sources are joined into reports by shared sources, one by one
    several = np.fromiter(("," in text for text in sources), dtype=bool, count=len(sources))
    tangled = np.isin(group, group[several])
    report = np.empty(len(rows), dtype=np.int64)
    simple = ~tangled
    report[simple] = _first_seen(group[simple] * (int(source.max()) + 1) + source[simple])
    tangled_groups = pd.unique(group[tangled])
    for g in tangled_groups:
        members = np.flatnonzero(group == g)
        report[members] = _components(list(sources[members]))
    # only facts with two reports or more are in conflict
    width = int(report.max()) + 1
    distinct = np.bincount(
        np.unique(group * width + report) // width, minlength=int(group.max()) + 1
    )
    ok = distinct[group] > 1
    rows, group, report = rows[ok], group[ok], report[ok]
    order = np.lexsort((rows, group))
    # the facts renumbered in order (their first rows' order)
    columns = (rows[order], _first_seen(group[order]), report[order])
    return tuple(np.asarray(c, dtype=np.int64) for c in columns)  # type: ignore[return-value]


def resolve(
    frame: pd.DataFrame, kind: str, policy: ConflictPolicy = "latest"
) -> tuple[pd.DataFrame, list[str]]:
    """The rows of ``frame`` to compute with under ``policy``, and the ids of the records set
    aside (the other reports of facts in conflict)."""
    if policy not in POLICIES:
        raise ValueError(f"expected a conflict policy among {POLICIES}, got {policy!r}")
    if policy == "all":
        return frame, []
    return _resolved(frame, _fact_groups(frame, kind), policy)


def resolved(
    ledger: Ledger, kind: str, policy: ConflictPolicy = "latest"
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`resolve` of the ledger's frame of ``kind`` (``Ledger.frame``), found once per
    ledger, kind and policy (its fact groups once per kind: :func:`conflicts` shares them);
    each call returns a new frame sharing the data (copy-on-write) and a new list."""
    kept, aside = resolved_frame(ledger, kind, policy)
    return kept.copy(deep=False), list(aside)


def resolved_frame(
    ledger: Ledger, kind: str, policy: ConflictPolicy = "latest"
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`resolved` as the ledger keeps it, not a copy: for this package's builders, which
    only read it (copies of wide frames cost 45 us each)."""
    if policy not in POLICIES:
        raise ValueError(f"expected a conflict policy among {POLICIES}, got {policy!r}")
    from aicapex.table.frames import ledger_frame

    def build() -> tuple[pd.DataFrame, list[str]]:
        if policy == "all":
            return ledger_frame(ledger, kind), []
        return _resolved(ledger_frame(ledger, kind), _ledger_groups(ledger, kind), policy)

    kept: tuple[pd.DataFrame, list[str]] = ledger.memo(("resolved", kind, policy), build)
    return kept


def _ledger_groups(ledger: Ledger, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_fact_groups` of the ledger's frame of ``kind``, found once per ledger."""
    from aicapex.table.frames import ledger_frame

    def build() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return _fact_groups(ledger_frame(ledger, kind), kind)

    return ledger.memo(("fact groups", kind), build)


def _resolved(
    frame: pd.DataFrame, groups: tuple[np.ndarray, np.ndarray, np.ndarray], policy: str
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`resolve` of ``frame`` under ``policy`` (not ``"all"``), its fact groups given."""
    row, group, report = groups
    if not len(row):
        return frame, []
    # each report's date: the latest of its records' (NaT: before any date)
    when = frame["reported_start"].to_numpy("datetime64[ns]")[row].view(np.int64)
    width = int(report.max()) + 1
    pairs, pair_of = np.unique(group * width + report, return_inverse=True)
    latest = np.full(len(pairs), np.iinfo(np.int64).min)
    np.maximum.at(latest, pair_of, when)
    # per fact, the report published latest (earliest), the lowest numbered on a tie
    rank = latest if policy == "earliest" else ~latest  # ~: decreasing, without overflow
    order = np.lexsort((pairs % width, rank, pairs // width))
    firsts = order[np.unique(pairs[order] // width, return_index=True)[1]]
    chosen = np.zeros(len(pairs), dtype=bool)
    chosen[firsts] = True
    dropped = np.unique(row[~chosen[pair_of]])
    mask = np.ones(len(frame), dtype=bool)
    mask[dropped] = False
    aside = [str(i) for i in frame["id"].to_numpy(dtype=object)[dropped]]
    return frame[mask], aside


def _stake_sides(frame: pd.DataFrame) -> np.ndarray:
    """Each stake's side of a purchase: 1 primary (``purchase: primary``, else bought in a
    round), 2 secondary (``purchase: secondary``, or a seller named), 0 not stated (and
    holdings); columns a frame lacks state nothing."""
    side = np.zeros(len(frame), dtype=np.int64)
    if "purchase" in frame:
        purchase = frame["purchase"]
        side[equals(purchase, "primary")] = 1
        side[equals(purchase, "secondary")] = 2
    if "round" in frame:
        side[(side == 0) & frame["round"].notna().to_numpy()] = 1
    if "seller" in frame:
        side[frame["seller"].notna().to_numpy()] = 2
    return side


def _effort_sides(frame: pd.DataFrame) -> np.ndarray:
    """Each round's side where a round of its company names its effort (``effort:``): 1 an
    effort (status ``sought``), 2 a round (what came of one: never a report of the effort);
    0 for companies without such a link."""
    named = None if "effort" not in frame else ~pd.isna(frame["effort"].array)
    if named is None or not named.any() or "status" not in frame:  # no company linked
        return np.zeros(len(frame), dtype=np.int64)
    company = frame["company"]
    if isinstance(company.dtype, pd.CategoricalDtype):  # by its codes (missing: -1, as NaN)
        codes = company.cat.codes.to_numpy()
        linked = np.isin(codes, codes[named])
    else:
        company = company.astype("object")
        linked = company.isin(company[named]).to_numpy()
    sought = equals(frame["status"], "sought")
    out: np.ndarray = np.where(linked, np.where(sought, 1, 2), 0).astype(np.int64)
    return out


#: Kinds whose reports within one date window may be two transactions: a side per record.
_SIDES = {"stakes": _stake_sides, "funding_rounds": _effort_sides}


def _split_sides(
    start: np.ndarray, base: np.ndarray, key: np.ndarray, side: np.ndarray, days: int
) -> np.ndarray:
    """``key`` (``base``, the key without dates, with the date cluster) with the clusters that
    hold both a primary (1) and a secondary (2) record split by side (a record of unstated side,
    0, with the primaries), each side's dates clustered again: two transactions, not two reports
    of one."""
    found = np.zeros((int(key.max()) + 1, 3), dtype=bool)
    found[key, side] = True
    mixed = found[key, 1] & found[key, 2]
    if not mixed.any():
        return key
    base = _first_seen(base * 3 + np.where(mixed, np.maximum(side, 1), 0))
    clusters = _date_clusters(start, base, days)
    return _first_seen(base * (int(clusters.max()) + 1) + clusters)


def _split_named(start: np.ndarray, key: np.ndarray, names: pd.Series, days: int) -> np.ndarray:
    """``key`` with each fact whose records name two or more different ``names`` (a round's
    ``series``) split into one fact per name, each with its dates clustered again, a record
    naming none joining the one named nearest in date (the first in order of a tie); a fact
    naming one or none stays whole (a report naming no series is a report of the one named)."""
    codes = pd.factorize(names)[0]  # missing: -1
    named = codes >= 0
    if not named.any():
        return key
    width = int(codes.max()) + 1
    pairs = np.unique(key[named] * width + codes[named])
    several = np.bincount(pairs // width, minlength=int(key.max()) + 1) > 1
    mixed = several[key]
    if not mixed.any():
        return key
    lonely = np.flatnonzero(mixed & ~named)
    if len(lonely):
        codes = codes.copy()
        for i in lonely:  # a report naming no series: one of the series nearest in date
            near = np.flatnonzero((key == key[i]) & named)
            codes[i] = codes[near[np.argmin(np.abs(start[near] - start[i]))]]
    base = _first_seen(key * (width + 1) + np.where(mixed, codes + 1, 0))
    clusters = _date_clusters(start, base, days)
    return _first_seen(base * (int(clusters.max()) + 1) + clusters)


def _date_clusters(start: np.ndarray, key: np.ndarray, days: int) -> np.ndarray:
    """For each record, a number for its cluster of dates (``start``, each record's first day
    as a day number) among the records with the same other key values (``key``: a number per
    key): dates whose starts lie within ``days`` of the previous one in date order belong to one
    cluster (two reports of one round, "March 2021" and "May 2021")."""
    group = key
    order = np.lexsort((start, group))
    new = np.ones(len(start), dtype=bool)
    if len(start) > 1:
        same = group[order][1:] == group[order][:-1]
        close = (start[order][1:] - start[order][:-1]) <= days
        new[1:] = ~(same & close)
    clusters = np.empty(len(start), dtype=np.int64)
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
    for kind, cls in _kinds().items():
        if not cls.FACT_KEY or len(ledger.records(kind)) < 2:
            continue
        records = ledger.records(kind)
        # each fact's rows, in order (the groups come numbered 0, 1... in their rows' order)
        row, group, _ = _ledger_groups(ledger, kind)
        facts = int(group.max()) + 1 if len(group) else 0
        for number in range(facts):
            group_number = offset + number
            chosen = [records[i] for i in row[group == number].tolist()]
            values = [_value_text(r) for r in chosen]
            first = chosen[0]
            key = ", ".join(
                f"{f}={getattr(first, f)}" for f in cls.FACT_KEY if getattr(first, f) is not None
            )
            if cls.FACT_SPLIT:  # the name a report of the fact gives (the first may give none)
                name = next((v for r in chosen if (v := getattr(r, cls.FACT_SPLIT))), None)
                key += f", {cls.FACT_SPLIT}={name}" if name is not None else ""
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
        offset += facts
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
