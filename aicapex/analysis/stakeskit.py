"""What the ownership analyses share: the stakes and rounds to read (conflicts resolved, only
what happened by ``as_of``), and the reports set aside.

Under ``conflicts="all"`` every report is kept (valuations show each), but positions never add
up two reports of one stake: :meth:`StakeInputs.positions_of` gives each stake once, the report
published latest (as ``"latest"`` picks it) with its share's ends widened to span every report
(``share_low`` the lowest low, ``share_high`` the highest high; so are ``shares_low`` and
``shares_high``, for a stake reported by its number of shares) and the other reports' ids
(``reports``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on, day_of
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.money import format_usd
from aicapex.table.conflicts import ConflictPolicy, fact_groups
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flows import is_ledger
from aicapex.table.typedcols import named_dtype

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "AsOf",
    "Ends",
    "StakeInputs",
    "alike",
    "as_of_param",
    "as_of_text",
    "ends_of",
    "percent",
    "purchase_kind",
    "reports_note",
    "round_money",
    "rounds_by_id",
    "rows_by_company",
    "share_counts_by",
    "share_of_shares",
    "stake_inputs",
    "stake_money",
    "typed_rows",
]

#: A date for every company, or one per company (``{company: date}``; a company not named, or
#: named with ``None``, by its latest record).
AsOf: TypeAlias = "DateLike | Mapping[str, DateLike | None] | None"

#: A share's ends: low, base, high.
Ends: TypeAlias = "tuple[float, float, float]"

#: Record frames the ownership analyses read.
KINDS = ("stakes", "funding_rounds", "entities", "listings", "share_counts")

#: Record kinds read for the new shares they state or the shares counted before them (conflicts
#: resolved as the stakes, but under ``"all"`` by the latest report: a dilution counts once).
_ISSUE_KINDS = ("listings", "share_counts")


#: What :func:`stake_inputs` remembers per conflict policy: the stakes and rounds resolved, the
#: reports set aside, and the listings and share counts resolved.
Resolved: TypeAlias = (
    "tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]], dict[str, pd.DataFrame]]"
)


@dataclass(frozen=True, eq=False, repr=False)  # frames, not compared nor shown: 0.2 ms of import
class StakeInputs:
    """The stakes and rounds an ownership analysis reads (conflicts resolved, only those dated
    by ``as_of``), the ids of reports set aside with the id each was set aside for, the
    entities' names and controllers (``None`` for record frames without entities), and the
    stakes and rounds as rows by company (read once: analyses walk them company by company)."""

    stakes: pd.DataFrame
    rounds: pd.DataFrame
    aside: dict[str, list[str]]
    entities: pd.DataFrame | None
    limit: np.datetime64 | None
    stakes_of: dict[str, list[dict[str, Any]]]
    rounds_of: dict[str, list[dict[str, Any]]]
    #: Under ``conflicts="all"``: the stakes by company, the reports of one stake as one
    #: (``None``: as ``stakes_of``; see the module docs).
    merged_of: dict[str, list[dict[str, Any]]] | None = field(default=None)
    #: Listings and share counts by company (dated by ``as_of``): new shares of an IPO, and the
    #: company's shares counted before new ones.
    listings_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    counts_of: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def positions_of(self, company: str) -> list[dict[str, Any]]:
        """The stakes of ``company`` to build positions from: each stake once."""
        source = self.stakes_of if self.merged_of is None else self.merged_of
        return source.get(company, [])


def _frame(source: Any, kind: str) -> pd.DataFrame:
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        return source.frame(kind)
    frame = source.get(kind)
    if frame is None:
        return Ledger().frame(kind)
    return frame  # type: ignore[no-any-return]


def stake_inputs(
    source: Ledger | Mapping[str, pd.DataFrame],
    company: str | None,
    as_of: AsOf,
    conflicts: ConflictPolicy,
    known_on: DateLike | None,
) -> StakeInputs:
    """The inputs of an ownership analysis of ``company`` (``None``: every company) as it stood
    at ``as_of`` (``None``: all records): records dated (their dates' first day) by the end of
    ``as_of``; a mapping gives each company its own ``as_of``. Raises KeyError for an unknown
    ``company``."""
    from aicapex.ledger import Ledger

    source = as_known_on(source, known_on)
    # frames read where used (a ledger's inputs are kept: a second call reads none, 0.4 ms)
    if company is not None:
        if isinstance(source, Ledger):
            known = set(_frame(source, "entities")["id"].astype("object"))
        else:
            known = set(_frame(source, "stakes")["company"].astype("object")) | set(
                _frame(source, "funding_rounds")["company"].astype("object")
            )
        if company not in known:
            raise KeyError(f"unknown entity {company!r}{suggest(company, sorted(map(str, known)))}")

    def entities() -> pd.DataFrame | None:  # (record frames may have none)
        given = isinstance(source, Ledger) or "entities" in source
        return _frame(source, "entities") if given else None

    def resolved() -> Resolved:
        stakes_all, rounds_all = _frame(source, "stakes"), _frame(source, "funding_rounds")
        stakes, aside_s = resolve_conflicts(stakes_all, "stakes", conflicts)
        rounds, aside_r = resolve_conflicts(rounds_all, "funding_rounds", conflicts)
        aside = _set_aside(stakes_all, "stakes", aside_s)
        aside.update(_set_aside(rounds_all, "funding_rounds", aside_r))
        once: ConflictPolicy = "latest" if conflicts == "all" else conflicts
        others = {k: resolve_conflicts(_frame(source, k), k, once)[0] for k in _ISSUE_KINDS}
        return stakes, rounds, aside, others

    if isinstance(source, Ledger):  # ownership, valuation and control read the same: once
        key = _as_of_key(as_of)

        def rows() -> tuple[list[dict[str, Any]], ...]:  # every date's and company's rows
            stakes, rounds, _, others = source.memo(("stake_inputs", conflicts), resolved)
            return tuple(_rows(f) for f in (stakes, rounds, *(others[k] for k in _ISSUE_KINDS)))

        def dated() -> StakeInputs:
            stakes, rounds, kept, others = source.memo(("stake_inputs", conflicts), resolved)
            read = source.memo(("stake_rows", conflicts), rows)
            args = (dict(kept), others, entities(), as_of, company, conflicts, read)
            return _dated(stakes, rounds, *args)

        if key is None:
            return dated()
        inputs = source.memo(("stake_inputs", conflicts, company, key), dated)
        return _fresh(inputs)  # the report asks for the same inputs up to four times
    stakes, rounds, aside, others = resolved()
    return _dated(stakes, rounds, aside, others, entities(), as_of, company, conflicts)


def _as_of_key(as_of: AsOf) -> tuple[Any, ...] | None:
    """``as_of`` as a key of the ledger's memo (``None``: not hashable)."""
    items = tuple(sorted(as_of.items(), key=str)) if isinstance(as_of, Mapping) else (as_of,)
    try:
        hash(items)
    except TypeError:
        return None
    return ("map" if isinstance(as_of, Mapping) else "one", items)


def _fresh(inputs: StakeInputs) -> StakeInputs:
    """A copy of remembered inputs its caller may change without changing them: frames
    copied on write, the mappings copied (their rows are read, never written)."""
    return StakeInputs(
        inputs.stakes.copy(deep=False),
        inputs.rounds.copy(deep=False),
        {k: list(v) for k, v in inputs.aside.items()},
        None if inputs.entities is None else inputs.entities.copy(deep=False),
        inputs.limit,
        {k: list(v) for k, v in inputs.stakes_of.items()},
        {k: list(v) for k, v in inputs.rounds_of.items()},
        None if inputs.merged_of is None else {k: list(v) for k, v in inputs.merged_of.items()},
        {k: list(v) for k, v in inputs.listings_of.items()},
        {k: list(v) for k, v in inputs.counts_of.items()},
    )


def _dated(
    stakes: pd.DataFrame,
    rounds: pd.DataFrame,
    aside: dict[str, list[str]],
    others: Mapping[str, pd.DataFrame],
    entities: pd.DataFrame | None,
    as_of: AsOf,
    company: str | None,
    conflicts: ConflictPolicy,
    rows: Sequence[list[dict[str, Any]]] | None = None,
) -> StakeInputs:
    """The inputs dated by ``as_of`` and of ``company`` (see :func:`stake_inputs`); ``rows``:
    the rows of the four frames (stakes, rounds, listings, share counts) undated, as
    :func:`_rows` reads them (read once for every date and company), else read here."""
    limit = None if as_of is None or isinstance(as_of, Mapping) else day_of(as_of, end=True)
    frames = (stakes, rounds, *(others[k] for k in _ISSUE_KINDS))
    keep = [_dated_rows(f, as_of, company) for f in frames]
    pairs = zip(frames, keep, strict=True)
    stakes, rounds, listings, counts = (f if k is None else f[k] for f, k in pairs)
    if rows is None:
        by = [rows_by_company(f) for f in (stakes, rounds, listings, counts)]
    else:
        read = zip(rows, keep, strict=True)
        by = [_by_company(r if k is None else compress(r, k)) for r, k in read]
    return StakeInputs(
        stakes,
        rounds,
        aside,
        entities,
        limit,
        by[0],
        by[1],
        _one_per_stake(stakes) if conflicts == "all" else None,
        by[2],
        by[3],
    )


def _dated_rows(frame: pd.DataFrame, as_of: AsOf, company: str | None) -> np.ndarray | None:
    """Which rows of ``frame`` are dated (their dates' first day) by the end of ``as_of`` (a
    mapping: each company's own) and of ``company`` when given; ``None``: every row."""
    keep = None
    if isinstance(as_of, Mapping):
        keep = _by_each(frame, as_of)
    elif as_of is not None:
        keep = frame["date_start"].to_numpy("datetime64[ns]") <= day_of(as_of, end=True)
    if company is not None:
        mine = (frame["company"].astype("object") == company).to_numpy()
        keep = mine if keep is None else keep & mine
    return keep


def _one_per_stake(stakes: pd.DataFrame) -> dict[str, list[dict[str, Any]]] | None:
    """The stakes by company with the reports of one stake as one (see the module docs);
    ``None`` when no stake is reported twice."""
    groups = fact_groups(stakes, "stakes")
    if groups.empty:
        return None
    kept, aside = resolve_conflicts(stakes, "stakes", "latest")
    dropped = set(aside)
    ids = stakes["id"].to_numpy(object)
    spans: dict[str, tuple[dict[str, float], list[str]]] = {}
    ends = {
        f"{name}_{end}": stakes[f"{name}_{end}"].to_numpy("float64")
        for name in ("share", "shares")  # a share, or a number of shares, reported
        for end in ("low", "high")
    }
    for _, members in groups.groupby("group", sort=True):
        rows = members["row"].to_numpy()
        names = [str(ids[i]) for i in rows]
        span = {
            k: float((np.fmin if k.endswith("low") else np.fmax).reduce(v[rows]))
            for k, v in ends.items()
        }
        for name in names:
            if name not in dropped:
                spans[name] = (span, [n for n in names if n in dropped])
    out = rows_by_company(kept)
    for rows_of in out.values():
        for i, row in enumerate(rows_of):
            found = spans.get(str(row["id"]))
            if found is not None:
                widened = {
                    k: float((np.fmin if k.endswith("low") else np.fmax)(row[k], v))
                    for k, v in found[0].items()
                }
                rows_of[i] = {**row, **widened, "reports": found[1]}
    return out


def _by_each(frame: pd.DataFrame, as_of: Mapping[str, DateLike | None]) -> np.ndarray | None:
    """Which rows are dated by their own company's ``as_of`` (every row of a company not named
    or named with ``None``); ``None``: every row (no company has a date)."""
    limits = {c: day_of(d, end=True) for c, d in as_of.items() if d is not None}
    if not limits:
        return None
    codes, companies = pd.factorize(frame["company"].to_numpy(object))
    nat = np.datetime64("NaT", "ns")  # no limit (and the last: a row without a company)
    per = np.array([*(limits.get(c, nat) for c in companies), nat], dtype="datetime64[ns]")
    limit = per[codes]
    start = frame["date_start"].to_numpy("datetime64[ns]")
    keep: np.ndarray = np.isnat(limit) | (start <= limit)
    return keep


def as_of_text(as_of: AsOf, company: str | None) -> str:
    """``as_of`` for sentences about ``company``: its date, else ``the latest record``."""
    day = as_of.get(company) if isinstance(as_of, Mapping) and company else as_of
    return "the latest record" if day is None or isinstance(day, Mapping) else str(day)


def as_of_param(as_of: AsOf) -> object:
    """``as_of`` for a result's parameters (JSON-ready: a mapping's dates as text)."""
    if isinstance(as_of, Mapping):
        return {str(c): None if d is None else str(d) for c, d in as_of.items()}
    return as_of


def rows_by_company(frame: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The rows of a record frame as dicts (categories as plain values), by company, in the
    frame's order: one conversion for every company."""
    return _by_company(_rows(frame))


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a record frame as dicts, in its order, with its cells as
    ``DataFrame.to_dict`` gives them: Python scalars, categories as their values, ``None`` for
    a nullable column's missing values. The frame is converted to objects at once (a Series
    and a list per column cost twice as much: 1.9 ms of a report's stakes and rounds)."""
    if frame.empty:
        return []
    names = [str(c) for c in frame.columns]
    rows = [dict(zip(names, row, strict=True)) for row in frame.to_numpy(object).tolist()]
    kept = (np.dtype, pd.CategoricalDtype)  # (columns that hold no pd.NA)
    nullable = [n for n, d in zip(names, frame.dtypes, strict=True) if not isinstance(d, kept)]
    for row in rows if nullable else ():
        for name in nullable:
            if row[name] is pd.NA:
                row[name] = None
    return rows


def _by_company(rows: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Rows by their ``company``, in their order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(str(row["company"]), []).append(row)
    return out


def typed_rows(rows: Sequence[Mapping[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """A frame of ``rows`` with exactly the columns of ``dtypes`` (a row without one: missing),
    as ``pd.DataFrame(rows, columns=...).astype(...)`` gives it (dates by ``pd.to_datetime``,
    as nanoseconds), a column at a time: text and floats made so from their values."""
    columns: dict[str, Any] = {}
    for name, dtype in dtypes.items():
        values = [row.get(name, np.nan) for row in rows]
        if dtype in ("float64", "str"):
            text = dtype == "str"
            columns[name] = pd.array(values, dtype="str") if text else np.array(values, float)
            continue
        column, typed = pd.Series(values), named_dtype(dtype)
        dated = dtype.startswith("datetime64")
        columns[name] = (pd.to_datetime(column) if dated else column).astype(typed).array
    return pd.DataFrame(columns, index=pd.RangeIndex(len(rows)), copy=False)


def _set_aside(frame: pd.DataFrame, kind: str, aside: list[str]) -> dict[str, list[str]]:
    """Each kept record of a fact in conflict -> the ids of the other reports set aside."""
    if not aside:
        return {}
    groups = fact_groups(frame, kind)
    ids = frame["id"].to_numpy(object)
    out: dict[str, list[str]] = {}
    dropped = set(aside)
    for _, members in groups.groupby("group", sort=True):
        names = [str(ids[i]) for i in members["row"]]
        kept = [n for n in names if n not in dropped]
        for k in kept:
            out[k] = [n for n in names if n in dropped]
    return out


def alike(row: Mapping[str, Any], *names: str) -> tuple[float, ...]:
    """The money figures ``names`` of a record row in one unit: as written when they share a
    currency (a ratio of them needs no exchange rate: ``€20M`` of ``€100M`` is 20% without
    one), else in US dollars (NaN without a rate); a figure not given is NaN."""
    currencies = {row.get(f"{n}_currency") for n in names}
    if len(currencies) == 1 and isinstance(next(iter(currencies)), str):
        return tuple(float(row[n]) for n in names)
    return tuple(float(row[f"{n}_usd"]) for n in names)


def percent(value: float) -> str:
    """A fraction as a percentage for sentences: ``20.5%``; ``n/a`` for NaN."""
    if value != value:
        return "n/a"
    return f"{100 * value:.4g}%"


def ends_of(row: Mapping[str, Any]) -> Ends:
    """A stake's share as its ends (low, base, high)."""
    return (float(row["share_low"]), float(row["share"]), float(row["share_high"]))


def share_of_shares(
    row: Mapping[str, Any], basis: str, count: tuple[float, str, bool] | None, *, primary: bool
) -> tuple[Ends, str]:
    """A purchase's share from its number of shares (``shares`` and its ends) over the
    company's count on ``basis`` at its date, ``count`` (``(shares, record, before)``,
    ``before`` when counted before it: a primary purchase's own new shares are then added,
    shares / (count + shares)), and the assumption saying so. Without a count (or a number of
    shares): NaN ends and what is missing (the share bought, and the count)."""
    shares = float(row["shares"])
    if not shares > 0:
        return (math.nan, math.nan, math.nan), "the share bought"
    if count is None:
        return (math.nan, math.nan, math.nan), (
            f"the share bought (or the company's {basis} share count at its date, for its "
            f"{shares:,.0f} shares)"
        )
    total, record, before = count
    new = shares if before and primary else 0.0
    low, high = float(row["shares_low"]), float(row["shares_high"])
    low, high = (shares if math.isnan(low) else low), (shares if math.isnan(high) else high)
    ends = (low / (total + new), shares / (total + new), high / (total + new))
    whose = f"{total:,.0f} {basis} shares ({record})"
    if new:
        whose = f"{total + new:,.0f} {basis} shares after it ({record}'s {total:,.0f} and its own)"
    return ends, f"{row['id']}: the share bought is its {shares:,.0f} shares of {whose}: " + (
        percent(ends[1])
    )


def purchase_kind(row: Mapping[str, Any]) -> str:
    """A purchase's kind: ``purchase:`` as written, else ``secondary`` when a seller is named,
    else ``primary`` when bought in a funding round (``round:``; docs/ownership.md), else
    ``purchase`` (not stated)."""
    if isinstance(row["purchase"], str):
        return row["purchase"]
    if isinstance(row.get("seller"), str):
        return "secondary"
    return "primary" if isinstance(row["round"], str) else "purchase"


def round_money(row: Mapping[str, Any] | None) -> tuple[float, str]:
    """A funding round's new money in US dollars and where it comes from (NaN and ``""``
    when unknown: no round, a cancelled or failed one, no figure): its amount (a range's base,
    a ceiling's top), else the sum of its live tranches (committed and disbursed); with
    ``secondary`` parts its amount is not all new money: its post-money less its pre-money,
    both reported."""
    if row is None or row["status"] in ("cancelled", "failed"):
        return math.nan, ""
    if bool(row["secondary"]):
        post, pre = float(row["post_money_usd"]), float(row["pre_money_usd"])
        if post > 0 and pre > 0:
            return post - pre, "post-money less pre-money"
        return math.nan, ""
    amount = float(row["amount_usd"])
    if amount > 0:
        return amount, "amount"
    tranches = float(row.get("committed_usd", 0.0)) + float(row.get("disbursed_usd", 0.0))
    return (tranches, "tranches") if tranches > 0 else (math.nan, "")


def rounds_by_id(
    rounds: Sequence[Mapping[str, Any]], aside: Mapping[str, Sequence[str]]
) -> dict[str, Mapping[str, Any]]:
    """The rounds read by id, each also by the ids of its other reports set aside (``aside``:
    :attr:`StakeInputs.aside`): a stake may name any report of its round."""
    out = {str(r["id"]): r for r in rounds}
    for rid, row in list(out.items()):
        out.update(dict.fromkeys(aside.get(rid, ()), row))
    return out


def stake_money(
    row: Mapping[str, Any], kind: str, bought: float, rounds: Mapping[str, Mapping[str, Any]]
) -> tuple[float, str]:
    """The new money a purchase of ``kind`` that cost ``bought`` brings into the company (its
    pre-money valuation is its post-money less it) and the assumption made (``""``: none).
    None for a secondary purchase or one of unknown kind; for a primary purchase bought in a
    round (``rounds``: the rounds read, :func:`rounds_by_id`), the round's new money
    (:func:`round_money`: the round's other purchases are new money too), else (the round gives
    none, or is not among the records read) its own money only, an assumption; else its own
    money."""
    if kind != "primary":
        return 0.0, ""
    own, name = (bought if bought > 0 else 0.0), row["round"]
    if not isinstance(name, str):
        return own, ""
    found = rounds.get(name)
    new, whence = round_money(found)
    if whence == "tranches":
        return new, (
            f"{row['id']}: the new money of {name} is the sum of its tranches, "
            f"{format_usd(new)} (it gives no amount)"
        )
    if whence:
        return new, ""
    why = "is not among the records read" if found is None else "gives no new money"
    return own, (
        f"{row['id']}: its pre-money valuation is its post-money less its own "
        f"{format_usd(own)} only ({name} {why}: the round's other new money is not counted)"
    )


def reports_note(rid: str, reports: Sequence[str], row: Mapping[str, Any]) -> str:
    """What a note says of a stake reported several times under ``conflicts="all"``."""
    low, high = float(row["share_low"]), float(row["share_high"])
    span = "" if math.isnan(low) else f": {percent(low)} to {percent(high)}"
    low, high = float(row.get("shares_low", math.nan)), float(row.get("shares_high", math.nan))
    if not span and not math.isnan(low):
        span = f": {low:,.0f} to {high:,.0f} shares"
    return f"{', '.join([rid, *reports])} report one stake, counted once{span}"


def share_counts_by(
    source: Ledger | Mapping[str, pd.DataFrame], as_of: AsOf, known_on: DateLike | None
) -> dict[str, dict[str, tuple[float, str]]]:
    """Each company's number of shares on each basis (``basic``, ``diluted``) from its latest
    ``share_counts`` record dated (its date's first day) by the end of its ``as_of``, with the
    record's id; conflicting reports of one count resolved as the stakes' (the latest)."""
    source = as_known_on(source, known_on)
    if is_ledger(source):
        frame = source.frame("share_counts")
    elif isinstance(source, Mapping) and "share_counts" in source:
        frame = source["share_counts"]
    else:
        return {}
    if frame.empty:
        return {}
    frame, _ = resolve_conflicts(frame, "share_counts", "latest")
    start = frame["date_start"].to_numpy("datetime64[ns]")
    company = frame["company"].to_numpy(object)
    if isinstance(as_of, Mapping):
        limits = [as_of.get(str(c)) for c in company]
        keep = [d is None or s <= day_of(d, end=True) for d, s in zip(limits, start, strict=True)]
        frame = frame[np.asarray(keep, dtype=bool)]
    elif as_of is not None:
        frame = frame[start <= day_of(as_of, end=True)]
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for row in frame.sort_values("date_end", kind="stable").to_dict("records"):
        for basis in ("basic", "diluted"):
            count = float(row[basis])
            if not math.isnan(count):  # a later record replaces an earlier one
                out.setdefault(str(row["company"]), {})[basis] = (count, str(row["id"]))
    return out
