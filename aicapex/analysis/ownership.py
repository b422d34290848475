"""Ownership: who holds what share of a company at a date, and the rest as "others".

A holder's position is built from its stakes in date order (:class:`~aicapex.records.Stake`):

- a **holding** (a snapshot as reported) sets the holder's share: it supersedes the holder's
  earlier holdings and purchases (they are in it);
- a **primary purchase** of a share S (new shares: S is the holder's part of the company after
  it) dilutes every other holder by (1 - S) and gives the holder S more (its earlier position
  diluted too);
- a **secondary purchase** adds S to the buyer and, when the seller is named, takes it from the
  seller; nobody is diluted;
- a **funding round** with an amount and a post-money valuation (closed, without secondary
  parts; the post-money as reported, else pre-money + amount) dilutes every holder by
  (1 - amount / post-money); stakes bought in it (``round:``) then add their shares without
  diluting anyone again;
- **new shares** stated by a closed round without those figures (``shares_issued``, else its
  amount / its price per share, in its own currency) or by a trading IPO (``listings``: its
  ``primary`` shares, else ``shares_offered`` less ``secondary``) dilute every holder by old /
  (old + new) on each basis whose count before them is known (the latest of a stake giving a
  share and a number of shares, a round's post-money / price per share, or a ``share_counts``
  record dated before them), and add to that count; on a basis whose count is not known nobody
  is diluted (but by the stakes bought in it, else a warning says so). A listing's secondary
  shares are sold by holders it does not name: nobody's share changes. A round diluting by its
  money adds its ``shares_issued`` to the counts known, once.

Shares of the shares outstanding (``diluted: false``) and of the fully diluted shares
(``diluted: true``) are kept apart: ``share_basic`` and ``share_diluted``. A holder known only by
its number of shares gets a share when the company's total is known on that basis (a record
giving both a share and a number of shares: shares / share; for fully diluted shares also a
round's post-money / price per share; else the company's latest ``share_counts`` record by
``as_of``, ``basic`` or ``diluted``). Ranges, bounds and approximations are carried as their
ends (``_low``, ``_high``; a dilution uses the base figure). Conflicting reports of one stake
are resolved by ``conflicts=`` (the latest reported, by default) and shown (``set_aside``),
never summed twice. Under ``conflicts="all"`` (keep every report) they are not added up either:
the stake counts once, its base figure the latest reported's (as under ``"latest"``) and its
``_low`` and ``_high`` the lowest and highest ends over every report (two reports of one
purchase, 5% and 7%: 7%, from 5% to 7%, not 12%); ``records`` names every report and ``note``
says so. A primary purchase and a secondary purchase of one holder within the same month are two
purchases, both counted (:mod:`aicapex.table.conflicts`).

Only ``closed`` stakes count; announced and committed ones (a promise: "X Corp investors will
hold 25% of xAI") are rows of their own with ``counted`` false. The rest of the company is the
holder ``others``: 100% less the counted shares (unknown when a counted share is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on, day_of
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.stakeskit import (
    AsOf,
    StakeInputs,
    alike,
    as_of_param,
    as_of_text,
    percent,
    stake_inputs,
)
from aicapex.dates import DateLike
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flows import is_ledger

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["OTHERS", "OWNERSHIP_COLUMNS", "Ownership", "holder_positions", "ownership"]

#: The holder standing for everyone not named: 100% less the named holders' shares.
OTHERS = "others"

#: The columns of :func:`ownership`'s frame and their dtypes.
OWNERSHIP_COLUMNS: dict[str, str] = {
    "company": "str",
    "holder": "str",
    "status": "str",
    "counted": "bool",
    "share_basic": "float64",
    "share_basic_low": "float64",
    "share_basic_high": "float64",
    "share_diluted": "float64",
    "share_diluted_low": "float64",
    "share_diluted_high": "float64",
    "shares": "float64",
    "since": "datetime64[ns]",
    "date": "datetime64[ns]",
    "records": "str",
    "set_aside": "str",
    "note": "str",
}

_BASES = ("basic", "diluted")
_NAN3 = (math.nan, math.nan, math.nan)


class Ownership(Result):
    """The result of :func:`ownership`: one row per company and holder (and ``others``)."""

    NAME = "ownership"


Ends = tuple[float, float, float]


@dataclass
class _Holder:
    """One holder's position in one company as the events are read: its share on each basis
    (``None``: no record on that basis), its number of shares and its records."""

    share: dict[str, Ends | None] = field(default_factory=lambda: dict.fromkeys(_BASES))
    shares: float = math.nan
    records: list[str] = field(default_factory=list)
    since: Any = None
    date: Any = None
    notes: list[str] = field(default_factory=list)


def _ends(row: Mapping[str, Any]) -> Ends:
    return (float(row["share_low"]), float(row["share"]), float(row["share_high"]))


def _scale(ends: Ends | None, factor: float) -> Ends | None:
    return None if ends is None else (ends[0] * factor, ends[1] * factor, ends[2] * factor)


def _plus(a: Ends | None, b: Ends) -> Ends:
    a = a or (0.0, 0.0, 0.0)
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _events(inputs: StakeInputs, company: str) -> list[tuple[Any, ...]]:
    """The company's rounds and stakes in date order: ``(start, end, order, kind, row)``; a
    stake bought in a round and dated before it (``2021-01`` beside the round's ``2021-01-15``)
    comes right after its round (the round counts its dilution once)."""
    events: list[tuple[Any, ...]] = []
    dates: dict[str, tuple[Any, Any]] = {}
    for i, row in enumerate(inputs.rounds_of.get(company, [])):
        events.append((row["date_start"], row["date_end"], 0, i, "round", row))
        dates[str(row["id"])] = (row["date_start"], row["date_end"])
    for i, row in enumerate(inputs.listings_of.get(company, [])):
        events.append((row["date_start"], row["date_end"], 0, i, "listing", row))
    for i, row in enumerate(inputs.positions_of(company)):
        when = (row["date_start"], row["date_end"])
        bought_in = dates.get(row["round"]) if isinstance(row["round"], str) else None
        when = max(when, bought_in) if bought_in is not None else when
        events.append((*when, 1, i, "stake", row))
    events.sort(key=lambda e: e[:4])
    return events


def _dilution(row: Mapping[str, Any]) -> float | None:
    """The part of the company a closed round's new money bought (amount / post-money; the
    post-money as reported, else pre-money + amount; a ratio, in the round's own currency
    when its figures share one)."""
    amount, post = alike(row, "amount", "post_money")
    if math.isnan(post):
        amount, pre = alike(row, "amount", "pre_money")
        post = pre + amount
    if row["status"] != "closed" or bool(row["secondary"]) or not (0 < amount < post):
        return None
    return amount / post


@dataclass
class Positions:
    """What :func:`holder_positions` finds for one company."""

    holders: dict[str, _Holder]
    pending: list[dict[str, Any]]
    totals: dict[str, float]
    used: list[str]
    warnings: list[str]
    #: The last day of the record that gave each total (to compare with share counts).
    counted: dict[str, Any] = field(default_factory=dict)
    bought: set[Any] = field(default_factory=set)  #: rounds closed stakes were bought in


def holder_positions(inputs: StakeInputs, company: str) -> Positions:
    """Each holder's position in ``company`` (see the module docs), the stakes not counted
    (announced, committed), the company's total number of shares on each basis where known,
    the records used and the warnings."""
    closed = [r for r in inputs.positions_of(company) if r["status"] == "closed"]
    out = Positions({}, [], {}, [], [], bought={r["round"] for r in closed})
    diluting: set[str] = set()  # rounds that diluted every holder
    counts = inputs.counts_of.get(company, [])
    for *_, kind, row in _events(inputs, company):
        rid = str(row["id"])
        if kind == "round":
            _round_event(out, row, diluting, counts)
            continue
        if kind == "listing":
            _listing_event(out, company, row, counts)
            continue
        status = str(row["status"])
        if status not in ("closed", "committed", "announced"):
            continue
        out.used += [rid, *(row.get("reports") or [])]
        if status != "closed":
            out.pending.append(row)
            continue
        _stake_event(out, company, row, diluting)
    return out


def _round_event(
    out: Positions, row: Mapping[str, Any], diluting: set[str], counts: list[dict[str, Any]]
) -> None:
    rid = str(row["id"])
    price, post = alike(row, "price_per_share", "post_money")
    issued = float(row["shares_issued"]) if row["status"] == "closed" else math.nan
    d = _dilution(row)
    if d is None and math.isnan(issued) and row["status"] == "closed" and not row["secondary"]:
        # no valuation: the new shares its money bought at its price per share
        amount, each = alike(row, "amount", "price_per_share")
        if amount > 0 and each > 0 and row.get("amount_kind") != "ceiling":
            issued = amount / each
    if d is not None and out.holders:
        for h in out.holders.values():
            for basis in _BASES:
                h.share[basis] = _scale(h.share[basis], 1.0 - d)
        diluting.add(rid)
        out.used.append(rid)
    # new shares: the counts grow (and the holders are diluted, unless the money did it)
    company, money_did = str(row["company"]), d is not None
    if issued > 0 and _new_shares(out, company, row, issued, counts, dilute=not money_did):
        diluting.add(rid)
    if price > 0 and post > 0 and row["status"] == "closed":
        out.totals["diluted"] = post / price  # fully diluted shares after the round
        out.counted["diluted"] = row["date_end"]
        out.used.append(rid)


def _listing_event(
    out: Positions, company: str, row: Mapping[str, Any], counts: list[dict[str, Any]]
) -> None:
    """A trading IPO's new shares (``primary``, else ``shares_offered`` less ``secondary``)."""
    if row["status"] != "closed" or row["kind"] != "ipo":
        return
    new = float(row["primary"])
    if math.isnan(new):
        new = float(row["shares_offered"]) - float(row["secondary"])
    if new > 0:
        _new_shares(out, company, row, new, counts, dilute=True)
    elif math.isnan(new) and out.holders:
        out.warnings.append(
            f"{company}: {row['id']} does not say how many new shares it issued (primary): "
            "the holders are not diluted by it"
        )


def _new_shares(
    out: Positions,
    company: str,
    row: Mapping[str, Any],
    new: float,
    counts: list[dict[str, Any]],
    *,
    dilute: bool,
) -> bool:
    """``new`` shares issued by ``row``: on each basis whose count before them is known (the
    later of the total known and a share count dated before ``row``), every holder diluted
    by old / (old + new) when ``dilute``, and the count grown by ``new``; a warning for a
    basis whose holders cannot be diluted. Whether any holder was diluted."""
    rid, diluted = str(row["id"]), False
    for basis in _BASES:
        old = out.totals.get(basis)
        before = [
            c
            for c in counts
            if c["date_end"] < row["date_start"] and not math.isnan(float(c[basis]))
        ]
        if before:  # the share count dated latest before the event, if later than the total
            c = max(before, key=lambda c: c["date_end"])
            if old is None or c["date_end"] > out.counted.get(basis, c["date_end"]):
                old = float(c[basis])
                out.used.append(str(c["id"]))
        held = any(h.share[basis] is not None for h in out.holders.values())
        if old is None or not old > 0:
            if dilute and held and rid not in out.bought:
                out.warnings.append(
                    f"{company}: {rid} issued {new:,.0f} new shares, but its {basis} shares "
                    "before them are not known: the holders' shares on that basis are not "
                    "diluted by them"
                )
            continue
        if dilute and held:
            for h in out.holders.values():
                h.share[basis] = _scale(h.share[basis], old / (old + new))
            diluted = True
        out.totals[basis] = old + new
        out.counted[basis] = row["date_end"]
        out.used.append(rid)
    return diluted


def _stake_event(out: Positions, company: str, row: Mapping[str, Any], diluting: set[str]) -> None:
    rid = str(row["id"])
    basis = "diluted" if bool(row["diluted"]) else "basic"
    name = str(row["holder"])
    h = out.holders.setdefault(name, _Holder())
    h.records.append(rid)
    reports = row.get("reports") or []
    if reports:  # conflicts="all": the other reports of this stake, its range spans them
        h.records.extend(reports)
        h.notes.append(_reports_note(rid, reports, row))
    h.since = row["date_start"] if h.since is None else h.since
    h.date = row["date_end"]
    s = _ends(row)
    count = float(row["shares"])
    if s[1] > 0 and not math.isnan(count):
        out.totals[basis] = count / s[1]
        out.counted[basis] = row["date_end"]
    if row["event"] == "holding":
        h.share[basis] = s
        h.shares = count if not math.isnan(count) else h.shares
        return
    if not math.isnan(count):
        h.shares = count + (0.0 if math.isnan(h.shares) else h.shares)
    secondary = row["purchase"] == "secondary"
    if not secondary and not (isinstance(row["round"], str) and row["round"] in diluting):
        dilution = 0.0 if math.isnan(s[1]) else s[1]  # new shares: everyone else has less
        for other in out.holders.values():
            other.share[basis] = _scale(other.share[basis], 1.0 - dilution)
    if math.isnan(s[1]):
        h.notes.append(f"the share bought is not reported ({rid})")
        prior = h.share[basis] or (0.0, 0.0, 0.0)
        h.share[basis] = (prior[0], math.nan, math.nan)  # at least what it had
        return
    h.share[basis] = _plus(h.share[basis], s)
    seller = row["seller"] if isinstance(row["seller"], str) else None
    if secondary and seller is not None and seller in out.holders:
        sold = out.holders[seller].share[basis]
        if sold is not None:
            left = (max(sold[0] - s[2], 0.0), sold[1] - s[1], sold[2] - s[0])
            out.holders[seller].share[basis] = left
            if left[1] < -1e-9:
                out.warnings.append(
                    f"{company}: {seller} sold {percent(s[1])} in {rid}, more than the "
                    f"{percent(sold[1])} it was known to hold"
                )


def _reports_note(rid: str, reports: list[str], row: Mapping[str, Any]) -> str:
    """What a note says of a stake reported several times under ``conflicts="all"``."""
    low, high = float(row["share_low"]), float(row["share_high"])
    span = "" if math.isnan(low) else f": {percent(low)} to {percent(high)}"
    return f"{', '.join([rid, *reports])} report one stake, counted once{span}"


def _company_rows(
    inputs: StakeInputs, company: str, counts: Mapping[str, tuple[float, str]] | None = None
) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The rows of ``company``; ``counts``: its number of shares on each basis from its latest
    ``share_counts`` record (and that record's id), where the stakes and rounds give none."""
    found = holder_positions(inputs, company)
    for basis, (count, rid) in (counts or {}).items():
        if basis not in found.totals and count > 0 and found.holders:
            found.totals[basis] = count
            found.used.append(rid)
    rows: list[dict[str, Any]] = []
    sums = {b: [0.0, 0.0, 0.0] for b in _BASES}
    unknown = dict.fromkeys(_BASES, False)
    seen = dict.fromkeys(_BASES, False)
    for name, h in found.holders.items():
        row: dict[str, Any] = {"company": company, "holder": name, "status": "closed"}
        row["counted"] = True
        for basis in _BASES:
            ends = h.share[basis]
            total = found.totals.get(basis)
            if (ends is None or math.isnan(ends[1])) and total and not math.isnan(h.shares):
                ends = (h.shares / total,) * 3
                h.notes.append(f"{basis} share: {h.shares:,.0f} of {total:,.0f} shares")
            ends = ends if ends is not None else _NAN3
            row[f"share_{basis}_low"], row[f"share_{basis}"], row[f"share_{basis}_high"] = ends
            # a named holder without a share on this basis leaves the rest unknown on it
            unknown[basis] = unknown[basis] or math.isnan(ends[1])
            if h.share[basis] is not None or not math.isnan(ends[1]):
                seen[basis] = True
                for i in range(3):
                    sums[basis][i] += 0.0 if math.isnan(ends[i]) else ends[i]
        row["shares"] = h.shares
        row["since"], row["date"] = h.since, h.date
        row["records"] = ",".join(h.records)
        row["set_aside"] = ",".join(x for r in h.records for x in inputs.aside.get(r, []))
        row["note"] = "; ".join(h.notes)
        rows.append(row)
    rows += [_pending_row(company, p, inputs) for p in found.pending]
    if found.holders:
        rows.append(_others(company, sums, unknown, seen, found.warnings))
    return rows, found.used, found.warnings


def _others(
    company: str,
    sums: dict[str, list[float]],
    unknown: dict[str, bool],
    seen: dict[str, bool],
    warnings: list[str],
) -> dict[str, Any]:
    """The row of everyone not named: 100% less the named holders (unknown when a named
    holder's share is)."""
    others: dict[str, Any] = {"company": company, "holder": OTHERS, "status": "closed"}
    others.update(counted=True, shares=math.nan, since=None, date=None, records="")
    others.update(set_aside="", note="100% less the holders named")
    for basis in _BASES:
        low, base, high = sums[basis]
        if base > 1 + 1e-9:
            warnings.append(
                f"{company}: the holders named add up to {percent(base)} of its {basis} shares, "
                "above 100% (stale holdings, or shares of different dates)"
            )
        if unknown[basis] or not seen[basis]:
            values = _NAN3
        else:
            values = (max(1 - high, 0.0), max(1 - base, 0.0), max(1 - low, 0.0))
        others[f"share_{basis}_low"], others[f"share_{basis}"] = values[0], values[1]
        others[f"share_{basis}_high"] = values[2]
    return others


def _pending_row(company: str, p: Mapping[str, Any], inputs: StakeInputs) -> dict[str, Any]:
    basis = "diluted" if bool(p["diluted"]) else "basic"
    other = "basic" if basis == "diluted" else "diluted"
    row: dict[str, Any] = {"company": company, "holder": str(p["holder"]), "status": p["status"]}
    row["counted"] = False
    low, base, high = _ends(p)
    row.update({f"share_{basis}_low": low, f"share_{basis}": base, f"share_{basis}_high": high})
    row.update(
        dict.fromkeys([f"share_{other}_low", f"share_{other}", f"share_{other}_high"], math.nan)
    )
    row.update(shares=float(p["shares"]), since=p["date_start"], date=p["date_end"])
    reports = p.get("reports") or []
    row.update(records=",".join([str(p["id"]), *reports]))
    row.update(set_aside=",".join(inputs.aside.get(str(p["id"]), [])))
    condition = p.get("condition")
    row["note"] = f"{p['status']}: {condition}" if isinstance(condition, str) else str(p["status"])
    if reports:
        row["note"] += "; " + _reports_note(str(p["id"]), reports, p)
    return row


def _share_counts(
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
    company = frame["company"].astype("object").to_numpy()
    if isinstance(as_of, Mapping):
        limits = [as_of.get(str(c)) for c in company]
        keep = [d is None or s <= day_of(d, end=True) for d, s in zip(limits, start, strict=True)]
        frame = frame[np.asarray(keep, dtype=bool)]
    elif as_of is not None:
        frame = frame[start <= day_of(as_of, end=True)]
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for row in frame.sort_values("date_end", kind="stable").to_dict("records"):
        for basis in _BASES:
            count = float(row[basis])
            if not math.isnan(count):  # a later record replaces an earlier one
                out.setdefault(str(row["company"]), {})[basis] = (count, str(row["id"]))
    return out


def ownership(
    source: Ledger | Mapping[str, pd.DataFrame],
    company: str | None = None,
    *,
    as_of: AsOf = None,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Ownership:
    """Who holds ``company`` (``None``: every company with stakes) at ``as_of`` (``None``: by
    its latest record; ``{company: date}``: each company at its own date); see the module
    docs.

    ``source`` is a Ledger or record frames by kind (``stakes``, and ``funding_rounds`` for
    dilutions). Columns (:data:`OWNERSHIP_COLUMNS`): ``company``, ``holder`` (``others`` for
    the rest), ``status``, ``counted``, ``share_basic``/``_low``/``_high`` (fractions of the
    shares outstanding), ``share_diluted``/``_low``/``_high`` (of the fully diluted shares),
    ``shares`` (a number of shares), ``since`` and ``date`` (the holder's first and latest
    record), ``records``, ``set_aside`` (reports of the same stakes not used) and ``note``.

    >>> import aicapex as ac
    >>> o = ownership(ac.load(ac.bundled_data()), "tesla")
    >>> o.frame[["holder", "share_basic"]].to_dict("records")
    [{'holder': 'elon-musk', 'share_basic': 0.205}, {'holder': 'others', 'share_basic': 0.795}]
    """
    inputs = stake_inputs(source, company, as_of, conflicts, known_on)
    listed = set(inputs.stakes["company"].astype("object"))
    companies = [company] if company is not None else sorted(map(str, listed))
    rows: list[dict[str, Any]] = []
    used: list[str] = []
    warnings: list[str] = []
    counts = _share_counts(source, as_of, known_on)
    for c in companies:
        mine, u, w = _company_rows(inputs, str(c), counts.get(str(c)))
        rows += mine
        used += u
        warnings += w
    aside = sorted({x for r in rows for x in r["set_aside"].split(",") if x})
    if aside:
        warnings.append(
            "reports set aside (the same stakes reported differently; conflicts="
            f"{conflicts!r}): {', '.join(aside)}"
        )
    frame = pd.DataFrame(rows, columns=list(OWNERSHIP_COLUMNS))
    frame = frame.astype({k: v for k, v in OWNERSHIP_COLUMNS.items() if k not in ("since", "date")})
    for name in ("since", "date"):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[ns]")
    reason = None
    if company is not None and frame.empty:
        reason = f"no stakes of {company!r} by {as_of_text(as_of, company)}"
    return Ownership(
        frame,
        record_index(used),
        (
            "a later holding supersedes the holder's earlier holdings and purchases",
            "a primary purchase of S dilutes the other holders by 1 - S; a closed round with an "
            "amount and a post-money valuation dilutes every holder by 1 - amount/post-money",
            "a secondary purchase moves shares from the seller (when named) to the buyer",
            "only closed stakes count; announced and committed ones are shown, not counted",
        ),
        tuple(warnings),
        reason,
        params={
            "company": company,
            "as_of": as_of_param(as_of),
            "conflicts": conflicts,
            "known_on": known_on,
        },
    )
