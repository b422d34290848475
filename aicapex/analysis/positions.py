"""Positions: each holder's share of one company as its stakes, rounds and listings are read
in date order, the rules of :mod:`aicapex.analysis.ownership` (which shows them, with the
others' part) and :mod:`aicapex.analysis.control` (which reads who holds more than half)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aicapex.analysis.stakeskit import (
    Ends,
    StakeInputs,
    alike,
    ends_of,
    percent,
    reports_note,
)

__all__ = ["BASES", "Holder", "Positions", "holder_positions"]

#: The two bases of a share: of the shares outstanding and of the fully diluted shares.
BASES = ("basic", "diluted")
_NAN3 = (math.nan, math.nan, math.nan)


def _scale(ends: Ends | None, factor: float) -> Ends | None:
    """A share's ends times ``factor`` (``None``: no share)."""
    return None if ends is None else (ends[0] * factor, ends[1] * factor, ends[2] * factor)


def _plus(a: Ends | None, b: Ends) -> Ends:
    """Two shares' ends added (``None``: nothing)."""
    a = a or (0.0, 0.0, 0.0)
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])


def _money_dilution(row: Mapping[str, Any]) -> float | None:
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


def _count_in_force(
    counts: Sequence[Mapping[str, Any]],
    basis: str,
    at: Any,
    total: tuple[float, Any] | None,
    moved: Any,
) -> tuple[float, str | None] | None:
    """A company's number of shares on ``basis`` (``basic``, ``diluted``) in force on the day
    ``at`` (``None``: the last day read): the later of ``total`` (a count the stakes and rounds
    gave, and the day of the record giving it) and the latest of its ``counts`` (``share_counts``
    rows) dated (their first day) by ``at``, with the id of that ``share_counts`` record
    (``None`` for ``total``).
    ``None`` when neither is known, or when the later is dated before ``moved`` (the day the
    count last changed by a number not known: new money, new shares not counted)."""
    best: tuple[Any, float, str | None] | None = None
    if total is not None and total[0] > 0:
        best = (total[1], total[0], None)
    for c in counts:
        count = float(c[basis])
        dated = at is None or c["date_start"] <= at
        if dated and count > 0 and (best is None or c["date_end"] > best[0]):
            best = (c["date_end"], count, str(c["id"]))
    if best is None or (moved is not None and best[0] < moved):
        return None
    return best[1], best[2]


@dataclass(eq=False, repr=False)  # never compared nor shown: 0.15 ms less import (generated)
class Holder:
    """One holder's position in one company as the events are read: its share on each basis
    (``None``: no record on that basis), its number of shares and its records."""

    share: dict[str, Ends | None] = field(default_factory=lambda: dict.fromkeys(BASES))
    shares: float = math.nan
    records: list[str] = field(default_factory=list)
    since: Any = None
    date: Any = None
    notes: list[str] = field(default_factory=list)
    #: The bases its share was read on from its number of shares (all it holds).
    read: set[str] = field(default_factory=set)


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


@dataclass(eq=False, repr=False)  # never compared nor shown: 0.15 ms less import (generated)
class Positions:
    """What :func:`holder_positions` finds for one company."""

    holders: dict[str, Holder]
    pending: list[dict[str, Any]]
    totals: dict[str, float]
    used: list[str]
    warnings: list[str]
    #: The last day of the record that gave each total (to compare with share counts).
    counted: dict[str, Any] = field(default_factory=dict)
    bought: set[Any] = field(default_factory=set)  #: rounds closed stakes were bought in
    #: ``(round, basis)``: the shares its primary purchases bought together, until the first
    #: of them dilutes the earlier holders by their sum (a round not diluting by its figures).
    together: dict[tuple[str, str], float] = field(default_factory=dict)
    #: The first day of the latest event that changed each count by a number not known.
    moved: dict[str, Any] = field(default_factory=dict)
    #: Rounds whose new shares only their purchases' numbers of shares give (every closed
    #: primary purchase in it gives its number of shares, none its share, and the round's own
    #: figures give no dilution, new shares or count): each purchase grows the counts.
    by_number: set[str] = field(default_factory=set)
    by_shares: bool = False  #: a number of shares was read as a share at its record's date

    def in_force(
        self, counts: list[dict[str, Any]], basis: str, at: Any
    ) -> tuple[float, str | None] | None:
        """The count on ``basis`` in force on the day ``at`` and the share count record read
        (:func:`_count_in_force`), ``None`` when not known."""
        known = None
        if basis in self.totals and basis in self.counted:
            known = (self.totals[basis], self.counted[basis])
        return _count_in_force(counts, basis, at, known, self.moved.get(basis))

    def mark_moved(self, row: Mapping[str, Any], before: Mapping[str, Any]) -> None:
        """``row`` changed the counts: those it did not set (``before``: each basis's total
        and its day before it) changed by a number not known."""
        for basis in BASES:
            if (self.totals.get(basis), self.counted.get(basis)) == before[basis]:
                self.moved[basis] = row["date_start"]


def holder_positions(inputs: StakeInputs, company: str) -> Positions:
    """Each holder's position in ``company`` (see the module docs), the stakes not counted
    (announced, committed), the company's total number of shares on each basis where known,
    the records used and the warnings."""
    closed = [r for r in inputs.positions_of(company) if r["status"] == "closed"]
    out = Positions({}, [], {}, [], [], bought={r["round"] for r in closed})
    numbers: dict[str, bool] = {}
    for r in closed:  # a round's purchases: one dilution, whatever their order
        if (key := _round_key(r)) is not None:
            bought = float(r["share"])
            out.together[key] = out.together.get(key, 0.0) + (0.0 if math.isnan(bought) else bought)
            by_number = math.isnan(bought) and float(r["shares"]) > 0
            numbers[key[0]] = numbers.get(key[0], True) and by_number
    out.by_number = {k for k, v in numbers.items() if v}
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
        _stake_event(out, company, row, diluting, counts)
    for h in out.holders.values():
        for basis in sorted(h.read):
            _read_again(out, h, basis, counts)
    return out


def _read_again(out: Positions, h: Holder, basis: str, counts: list[dict[str, Any]]) -> None:
    """A share read from the holder's number of shares (still known), read again over the
    count in force at the end: a later count holds new shares no record states."""
    ends, found = h.share[basis], out.in_force(counts, basis, None)
    if ends is None or not ends[1] > 0 or math.isnan(h.shares) or found is None:
        return
    total, record = found
    if abs(h.shares / total - ends[1]) > 1e-12 * ends[1]:
        h.share[basis] = _scale(ends, h.shares / total / ends[1])
        out.used += [record] if record is not None else []
        by = record or "the count the stakes and rounds give"
        h.notes.append(f"{basis} share: {h.shares:,.0f} of {total:,.0f} shares ({by})")


def _counts_now(out: Positions) -> dict[str, Any]:
    return {b: (out.totals.get(b), out.counted.get(b)) for b in BASES}


def _round_event(
    out: Positions, row: Mapping[str, Any], diluting: set[str], counts: list[dict[str, Any]]
) -> None:
    rid = str(row["id"])
    price, post = alike(row, "price_per_share", "post_money")
    issued = float(row["shares_issued"]) if row["status"] == "closed" else math.nan
    d, before = _money_dilution(row), _counts_now(out)
    if d is None and math.isnan(issued) and row["status"] == "closed" and not row["secondary"]:
        # no valuation: the new shares its money bought at its price per share
        amount, each = alike(row, "amount", "price_per_share")
        if amount > 0 and each > 0 and row.get("amount_kind") != "ceiling":
            issued = amount / each
    if d is not None:  # its stakes bought then add their shares (none dilutes another)
        for h in out.holders.values():
            for basis in BASES:
                h.share[basis] = _scale(h.share[basis], 1.0 - d)
        diluting.add(rid)
        if out.holders:
            out.used.append(rid)
    # new shares: the counts grow (and the holders are diluted, unless the money did it)
    company, money_did = str(row["company"]), d is not None
    if issued > 0 and _new_shares(out, company, row, issued, counts, dilute=not money_did):
        diluting.add(rid)
    if price > 0 and post > 0 and row["status"] == "closed":
        out.totals["diluted"] = post / price  # fully diluted shares after the round
        out.counted["diluted"] = row["date_end"]
        out.used.append(rid)
    if d is not None or issued > 0:
        out.mark_moved(row, before)
    if d is not None or issued > 0 or (price > 0 and post > 0 and row["status"] == "closed"):
        out.by_number.discard(rid)  # its own figures count its new shares (or move the count)


def _listing_event(
    out: Positions, company: str, row: Mapping[str, Any], counts: list[dict[str, Any]]
) -> None:
    """A trading IPO's new shares (``primary``, else ``shares_offered`` less ``secondary``)."""
    if row["status"] != "closed" or row["kind"] != "ipo":
        return
    new, before = float(row["primary"]), _counts_now(out)
    if math.isnan(new):
        new = float(row["shares_offered"]) - float(row["secondary"])
    if new > 0:
        _new_shares(out, company, row, new, counts, dilute=True)
    elif math.isnan(new) and out.holders:
        out.warnings.append(
            f"{company}: {row['id']} does not say how many new shares it issued (primary): "
            "the holders are not diluted by it"
        )
    if new != 0:  # new shares, or not known how many
        out.mark_moved(row, before)


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
    for basis in BASES:
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


def _round_key(row: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(round, basis)`` of a primary purchase bought in a round (``round:``), else ``None``."""
    if row["event"] != "purchase" or row["purchase"] == "secondary":
        return None
    if not isinstance(row["round"], str):
        return None
    return row["round"], "diluted" if bool(row["diluted"]) else "basic"


def _stake_event(
    out: Positions,
    company: str,
    row: Mapping[str, Any],
    diluting: set[str],
    counts: list[dict[str, Any]],
) -> None:
    rid = str(row["id"])
    basis = "diluted" if bool(row["diluted"]) else "basic"
    name = str(row["holder"])
    h = out.holders.setdefault(name, Holder())
    h.records.append(rid)
    reports = row.get("reports") or []
    if reports:  # conflicts="all": the other reports of this stake, its range spans them
        h.records.extend(reports)
        h.notes.append(reports_note(rid, reports, row))
    h.since = row["date_start"] if h.since is None else h.since
    h.date = row["date_end"]
    s = ends_of(row)
    count = float(row["shares"])
    secondary = row["purchase"] == "secondary"
    key = _round_key(row)
    # new shares of a known number, not counted by a round's own figures: the counts grow
    grow = count > 0 and row["event"] == "purchase" and not secondary
    grow = grow and (key is None or key[0] in out.by_number)
    if math.isnan(s[1]) and grow:
        s = _new_by_shares(out, row, basis, counts, h)
    rest = BASES[basis == "basic"]  # new shares are of the other basis's too
    grown = grow and _grow_rest(out, row, rest, counts, h)
    counting = s[1] > 0 and not math.isnan(count)  # the stake gives the count after it
    if counting:
        out.totals[basis] = count / s[1]
        out.counted[basis] = row["date_end"]
    if math.isnan(s[1]) and not math.isnan(count) and (row["event"] == "holding" or secondary):
        s = _by_shares(out, company, row, basis, counts, h)
    if row["event"] == "holding":
        h.share[basis] = s
        h.shares = count if not math.isnan(count) else h.shares
        known = math.isnan(float(row["share"])) and not math.isnan(s[1])
        h.read = h.read | {basis} if known else h.read - {basis}
        return
    if not math.isnan(count):
        h.shares = count + (0.0 if math.isnan(h.shares) else h.shares)
    elif not math.isnan(h.shares):  # bought a number of shares not reported
        h.shares += _shares_of(out, counts, basis, row, s[1]) if secondary else math.nan
    who = rid
    dilution = None if secondary or (key is not None and key[0] in diluting) else s[1]
    if key is not None and dilution is not None and not grow:  # the round's first: all of them
        dilution, who = out.together.pop(key, None), f"the purchases in {key[0]}"
    if dilution is not None:
        dilution = 0.0 if math.isnan(dilution) else dilution  # new shares: the others have less
        for other in out.holders.values():
            other.share[basis] = _scale(other.share[basis], 1.0 - dilution)
        if not counting:  # new shares, how many not known
            out.moved[basis] = row["date_start"]
        held = [n for n, o in out.holders.items() if o.share[rest] is not None]
        if dilution > 0 and held and not grown:
            why = "how many they are of that basis"
            why = f"the company's {rest} share count at its date" if grow else why
            out.warnings.append(
                f"{company}: {who} bought new shares ({percent(dilution)} of its {basis} "
                f"shares): the {rest} shares of {', '.join(held)} are not diluted by them "
                f"({why} is not known)"
            )
    if math.isnan(s[1]):
        lacking = (
            ""
            if not grow
            else (
                f", nor the company's {basis} share count at its date for its {count:,.0f} shares"
            )
        )
        h.notes.append(f"the share bought is not reported ({rid}{lacking})")
        if secondary and isinstance(row["seller"], str):
            out.warnings.append(
                f"{company}: the share {row['seller']} sold in {rid} is not known: nothing is "
                f"taken from {row['seller']}"
            )
        prior = h.share[basis] or (0.0, 0.0, 0.0)
        h.share[basis] = (prior[0], math.nan, math.nan)  # at least what it had
        return
    h.share[basis] = _plus(h.share[basis], s)
    seller = row["seller"] if isinstance(row["seller"], str) else None
    if secondary and seller is not None:
        _sale(out, company, row, basis, seller, s, counts)


def _by_shares(
    out: Positions,
    company: str,
    row: Mapping[str, Any],
    basis: str,
    counts: list[dict[str, Any]],
    h: Holder,
) -> Ends:
    """The share of a stake reported only by its number of shares: its shares (each end) over
    the company's count on ``basis`` in force at its date; NaN and a warning when none is."""
    rid, count, day = str(row["id"]), float(row["shares"]), f"{row['date_end']:%Y-%m-%d}"
    found = out.in_force(counts, basis, row["date_end"])
    if found is None:
        out.warnings.append(
            f"{company}: {rid} gives {row['holder']} {count:,.0f} shares, but no {basis} share "
            f"count is known at its date ({day}; none by then, or none since the count last "
            "changed): its share is its shares over the latest count known at the end, not "
            "changed by the rounds and sales after it"
        )
        out.by_shares = True
        return _NAN3
    total, record = found
    out.used += [record] if record is not None else []
    out.by_shares = True
    h.notes.append(
        f"{basis} share by {day}: {count:,.0f} of {total:,.0f} shares "
        f"({record or 'the count the stakes and rounds give'})"
    )
    low, high = float(row["shares_low"]), float(row["shares_high"])
    low, high = (count if math.isnan(low) else low), (count if math.isnan(high) else high)
    return (low / total, count / total, high / total)


def _count_before(
    out: Positions, counts: list[dict[str, Any]], basis: str, row: Mapping[str, Any]
) -> tuple[float, str | None, bool] | None:
    """The count on ``basis`` before a primary purchase's new shares (``row``), the
    ``share_counts`` record read and whether it holds them: the count in force at its date,
    less its shares when that record is dated with it (ending on or after its first day)."""
    found = out.in_force(counts, basis, row["date_end"])
    if found is None:
        return None
    (total, record), new = found, float(row["shares"])
    held = record is not None and total > new
    held = held and any(
        str(c["id"]) == record and c["date_end"] >= row["date_start"] for c in counts
    )
    out.used += [record] if record is not None else []
    return (total - new if held else total), record, held


def _new_by_shares(
    out: Positions, row: Mapping[str, Any], basis: str, counts: list[dict[str, Any]], h: Holder
) -> Ends:
    """The share of a primary purchase reported only by its number of new shares (not bought
    in a round, or in a round of ``by_number``): those over the count on ``basis`` before them
    plus them (:func:`_count_before`; NaN when no count is in force)."""
    found = _count_before(out, counts, basis, row)
    if found is None:
        return _NAN3
    (old, record, held), count = found, float(row["shares"])
    low, high = float(row["shares_low"]), float(row["shares_high"])
    low, high = (count if math.isnan(low) else low), (count if math.isnan(high) else high)
    after, day = old + count, f"{row['date_end']:%Y-%m-%d}"
    of = f"{record or 'the count the stakes and rounds give'}: {old:,.0f}, and them"
    h.notes.append(
        f"{basis} share bought by {day}: {count:,.0f} new shares of {after:,.0f} "
        f"({f'{record}, dated with it: them included' if held else of})"
    )
    return (low / after, count / after, high / after)


def _grow_rest(
    out: Positions, row: Mapping[str, Any], rest: str, counts: list[dict[str, Any]], h: Holder
) -> bool:
    """A primary purchase's new shares (their number known) on the basis ``rest`` it is not
    reported on: the count before them (:func:`_count_before`) grows by them, every holder
    diluted by old / (old + new) and the buyer's share on it (if any) given them. Whether a
    count was in force."""
    found = _count_before(out, counts, rest, row)
    if found is None:
        return False
    (old, _, _), new = found, float(row["shares"])
    for other in out.holders.values():
        other.share[rest] = _scale(other.share[rest], old / (old + new))
    if h.share[rest] is not None:  # its new shares of that basis too (else read at the end)
        low, high = float(row["shares_low"]), float(row["shares_high"])
        low, high = (new if math.isnan(low) else low), (new if math.isnan(high) else high)
        h.share[rest] = _plus(
            h.share[rest], (low / (old + new), new / (old + new), high / (old + new))
        )
    out.totals[rest], out.counted[rest] = old + new, row["date_end"]
    return True


def _shares_of(
    out: Positions, counts: list[dict[str, Any]], basis: str, row: Mapping[str, Any], s: float
) -> float:
    """The number of shares a share ``s`` sold at ``row`` stood for (NaN: count not known)."""
    found = out.in_force(counts, basis, row["date_end"])
    return math.nan if found is None else float(s * found[0])


def _sale(
    out: Positions,
    company: str,
    row: Mapping[str, Any],
    basis: str,
    seller: str,
    s: Ends,
    counts: list[dict[str, Any]],
) -> None:
    """A secondary sale takes the share ``s`` (and its number of shares) from the seller."""
    rid = str(row["id"])
    h = out.holders.get(seller)
    sold = None if h is None else h.share[basis]
    if h is None or sold is None:
        out.warnings.append(
            f"{company}: {rid} names {seller} as the seller, but {seller}'s {basis} share "
            f"before it is not known: the {percent(s[1])} sold is taken from no holder named"
        )
        return
    left = (max(sold[0] - s[2], 0.0), sold[1] - s[1], sold[2] - s[0])
    h.share[basis] = left
    if left[1] < -1e-9:
        out.warnings.append(
            f"{company}: {seller} sold {percent(s[1])} in {rid}, more than the "
            f"{percent(sold[1])} it was known to hold"
        )
    if not math.isnan(h.shares):
        count = float(row["shares"])
        h.shares -= count if not math.isnan(count) else _shares_of(out, counts, basis, row, s[1])
        if math.isnan(h.shares):
            h.notes.append(f"its number of shares after {rid} is not known (how many it sold)")
