"""Ownership: who holds what share of a company at a date, and the rest as "others".

A holder's position is built from its stakes in date order (:class:`~aicapex.records.Stake`):

- a **holding** (a snapshot as reported) sets the holder's share: it supersedes the holder's
  earlier holdings and purchases (they are in it);
- a **primary purchase** of a share S (new shares: S is the holder's part of the company after
  it) dilutes every other holder by (1 - S) and gives the holder S more (its earlier position
  diluted too); the primary purchases of one round (``round:``) that does not dilute by its
  own figures (below; or a round not among the records read) are one dilution, by the sum of
  their shares, read with the first of them: none dilutes another, whatever their order;
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
(``diluted: true``) are kept apart: ``share_basic`` and ``share_diluted``. A holding or a
secondary purchase known only by its number of shares is read, at its date, as those shares
over the company's count on its basis **in force then**: the later of the count the records
read so far give (a record giving both a share and a number of shares: shares / share; for
fully diluted shares a round's post-money / price per share; new shares counted) and the latest
``share_counts`` record dated by then; a count older than new money or new shares whose number
is not known is not in force. From then on that share is diluted and sold like a percentage,
and at the end, while its number of shares is known, it is read again over the count then in
force (a later ``share_counts`` record holds new shares no record states). Where no count is in
force at its date, a warning says so and the share is read at the end as below (not diluted,
never sold from). A primary purchase known only by its number of new shares (not bought in a
round, or in a round whose closed primary purchases all are and whose own figures count no new
shares) is read at its date as those shares over the count in force plus them (a
``share_counts`` record dated with it holds them; the others diluted by old / (old + new)). New
shares are shares on both bases: a primary purchase giving its number of new shares (with its
share or without; not bought in a round, or in such a round) grows the count in force at its
date on the other basis too, every holder's share on it diluted by old / (old + new) (where
none is in force, a warning says that count is not known); a secondary purchase grows no
count. On a basis without such a share, a holder's share is its number of shares over the
count in force at the end (else the total known, else the company's latest ``share_counts``
record by ``as_of``). A seller's number of shares falls by those sold
(the sale's own, else its share of the count in force; else it is unknown); a named seller
whose share before the sale is not known loses nothing, and a warning says so. Ranges, bounds
and approximations are carried as their ends (``_low``, ``_high``; a dilution uses the base
figure). Conflicting reports of one stake are resolved by ``conflicts=`` (the latest reported,
by default) and shown (``set_aside``), never summed twice. Under ``conflicts="all"`` (keep
every report) they are not added up either: the stake counts once, its base figure the latest
reported's (as under ``"latest"``) and its ``_low`` and ``_high`` the lowest and highest ends
over every report (two reports of one purchase, 5% and 7%: 7%, from 5% to 7%, not 12%; of a
number of shares, each end over the count in force); ``records`` names every report and
``note`` says so. A primary purchase and a secondary purchase of one holder within the same
month are two purchases, both counted (:mod:`aicapex.table.conflicts`).

Only ``closed`` stakes count; announced and committed ones (a promise: "X Corp investors will
hold 25% of xAI") are rows of their own with ``counted`` false. The rest of the company is the
holder ``others``: 100% less the counted shares (unknown when a counted share is).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from aicapex.analysis.positions import BASES, holder_positions
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.stakeskit import (
    AsOf,
    StakeInputs,
    as_of_param,
    as_of_text,
    ends_of,
    percent,
    reports_note,
    share_counts_by,
    stake_inputs,
    typed_rows,
)
from aicapex.dates import DateLike
from aicapex.table.conflicts import ConflictPolicy

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

_NAN3 = (math.nan, math.nan, math.nan)
_BY_SHARES = (
    "a holding or secondary purchase known only by its number of shares is that number over "
    "the company's share count in force at its date, then diluted and sold from as a share "
    "(where no count is in force then, a warning says so)"
)


class Ownership(Result):
    """The result of :func:`ownership`: one row per company and holder (and ``others``)."""

    NAME = "ownership"


def _company_rows(
    inputs: StakeInputs, company: str, counts: Mapping[str, tuple[float, str]] | None = None
) -> tuple[list[dict[str, Any]], list[str], list[str], bool]:
    """The rows of ``company``, the records used, the warnings, and whether a number of shares
    was read as a share at its date; ``counts``: its number of shares on each basis from its
    latest ``share_counts`` record (and that record's id), where the stakes and rounds give
    none."""
    found = holder_positions(inputs, company)
    for basis in BASES:  # the count in force at the end, a later share count's if any
        at_end = found.in_force(inputs.counts_of.get(company, []), basis, None)
        if at_end is not None and found.holders:
            found.totals[basis] = at_end[0]
            found.used += [at_end[1]] if at_end[1] is not None else []
    for basis, (count, rid) in (counts or {}).items():
        if basis not in found.totals and count > 0 and found.holders:
            found.totals[basis] = count
            found.used.append(rid)
    rows: list[dict[str, Any]] = []
    sums = {b: [0.0, 0.0, 0.0] for b in BASES}
    unknown = dict.fromkeys(BASES, False)
    seen = dict.fromkeys(BASES, False)
    for name, h in found.holders.items():
        row: dict[str, Any] = {"company": company, "holder": name, "status": "closed"}
        row["counted"] = True
        for basis in BASES:
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
    return rows, found.used, found.warnings, found.by_shares


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
    for basis in BASES:
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
    low, base, high = ends_of(p)
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
        row["note"] += "; " + reports_note(str(p["id"]), reports, p)
    return row


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
    listed = set(inputs.stakes["company"].to_numpy(object))
    companies = [company] if company is not None else sorted(map(str, listed))
    rows: list[dict[str, Any]] = []
    used: list[str] = []
    warnings: list[str] = []
    counts = share_counts_by(source, as_of, known_on)
    by_shares = False
    for c in companies:
        mine, u, w, b = _company_rows(inputs, str(c), counts.get(str(c)))
        rows += mine
        used += u
        warnings += w
        by_shares = by_shares or b
    aside = sorted({x for r in rows for x in r["set_aside"].split(",") if x})
    if aside:
        warnings.append(
            "reports set aside (the same stakes reported differently; conflicts="
            f"{conflicts!r}): {', '.join(aside)}"
        )
    frame = typed_rows(rows, OWNERSHIP_COLUMNS)
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
            *[_BY_SHARES] * by_shares,
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
