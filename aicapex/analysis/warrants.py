"""What warrants and options are worth: the shares vested by a date, their value at a share
price, the cost of exercising them and the stake they would be fully diluted.

A tranche is vested at ``as_of`` when its condition was ``met`` by then (or it is written
``vested`` with no date); ``pending`` and ``lapsed`` tranches are not. A warrant without a
schedule is taken as exercisable in full from its grant (an assumption the result states). Without
``as_of`` every tranche met by the latest record counts.

A ``cancelled`` or ``failed`` warrant gives nothing: no vested shares, no value, no stake.

The share price is the one given (``price=``: ``"$250"`` or a number of US dollars), else the
latest price per share of the issuer reported by ``as_of``: a listing's price, a stake's or a
funding round's price per share; the ``price_source`` column says which. A listing or a round
that did not happen, or not yet (rumoured, in talks, sought, cancelled, failed), gives no
price. The stake is the
warrant's shares over the issuer's latest fully diluted shares (``share_counts``: the count is
taken to include the warrant), else over its basic shares plus the warrant's (a cancelled or
failed warrant's: none).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from aicapex.analysis.common import day_of
from aicapex.analysis.dealskit import (
    aside_warning,
    deal_ledger,
    dollars,
    kept_records,
    named_and_kept,
    typed_frame,
)
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike, PartialDate
from aicapex.money import Money
from aicapex.records import (
    FundingRound,
    Listing,
    SharesOutstanding,
    Stake,
    Vesting,
    VestingStatus,
    Warrant,
)
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["WARRANT_COLUMNS", "WarrantValue", "value_rows", "warrant_value"]

#: The columns of :func:`warrant_value`'s frame and their dtypes.
WARRANT_COLUMNS: dict[str, str] = {
    "warrant": "str",
    "issuer": "str",
    "holder": "str",
    "instrument": "str",
    "status": "str",
    "date": "datetime64[ns]",
    "shares": "float64",
    "tranches": "int64",
    "tranches_vested": "int64",
    "vested_shares": "float64",
    "vested_low": "float64",
    "vested_high": "float64",
    "pending_shares": "float64",
    "lapsed_shares": "float64",
    "hurdles_reached_shares": "float64",
    "expired": "bool",
    "exercise_price_usd": "float64",
    "price_usd": "float64",
    "price_source": "str",
    "vested_value_usd": "float64",
    "exercise_cost_usd": "float64",
    "intrinsic_value_usd": "float64",
    "full_intrinsic_value_usd": "float64",
    "diluted_shares": "float64",
    "diluted_source": "str",
    "stake": "float64",
    "stake_vested": "float64",
}


class WarrantValue(Result):
    """The result of :func:`warrant_value`: one row per warrant or option."""

    NAME = "warrant_value"


def _price_given(price: Money | str | float | None) -> float | None:
    if price is None:
        return None
    if isinstance(price, bool):  # True is 1 to Python, never a price
        raise ValueError(f"expected a positive share price, got {price!r}")
    if isinstance(price, int | float):
        value = float(price)
    else:
        money = Money.parse(price)
        if money.currency != "USD":
            raise ValueError(f"expected a share price in US dollars, got {money}")
        value = float(money.amount)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a positive share price, got {price!r}")
    return value


def _by(date: PartialDate | None, limit: dt.date | None) -> bool:
    """Whether ``date`` starts by ``limit`` (``None``: no limit)."""
    return date is not None and (limit is None or date.sort_key()[0] <= limit)


def _vested(tranche: Vesting, limit: dt.date | None) -> bool:
    state = tranche.state()
    if state is VestingStatus.lapsed:
        return False
    if tranche.met is not None:
        return _by(tranche.met, limit)
    return state is VestingStatus.vested


#: Ordinal days: ``None`` (no limit) is after every date.
_NO_LIMIT = dt.date.max.toordinal()


def _latest(
    issuers: list[str],
    starts: list[int],
    ranks: np.ndarray,
    queries: list[tuple[str, int]],
) -> np.ndarray:
    """For each query ``(issuer, limit)``: the index of the issuer's candidate of highest rank
    among those starting by the limit (-1: none), for every query at once: candidates sorted by
    issuer and start, the best rank so far along each issuer's run (a running maximum), and each
    query's last candidate started by its limit (``searchsorted``)."""
    found = np.full(len(queries), -1, dtype=np.int64)
    if not issuers or not queries:
        return found
    codes = {issuer: i for i, issuer in enumerate(dict.fromkeys(issuers))}
    code = np.array([codes[i] for i in issuers], dtype=np.int64)
    start = np.array(starts, dtype=np.int64)
    order = np.lexsort((start, code))
    span = _NO_LIMIT + 1
    keys = code[order] * span + start[order]
    top = len(ranks)
    best = np.maximum.accumulate(ranks[order] + code[order] * top) - code[order] * top
    by_rank = np.empty(top, dtype=np.int64)
    by_rank[ranks] = np.arange(top)
    q_code = np.array([codes.get(i, -1) for i, _ in queries], dtype=np.int64)
    q_keys = q_code * span + np.array([d for _, d in queries], dtype=np.int64)
    pos = np.searchsorted(keys, q_keys, side="right") - 1
    ok = (q_code >= 0) & (pos >= 0)
    ok[ok] = code[order][pos[ok]] == q_code[ok]
    found[ok] = by_rank[best[pos[ok]]]
    return found


#: Statuses of listings and rounds whose price is no share price: they did not happen (yet).
_NO_PRICE = frozenset({"rumoured", "in_talks", "sought", "cancelled", "failed"})

#: Statuses of warrants that give nothing.
_VOID = frozenset({"cancelled", "failed"})


def _day(limit: dt.date | None) -> int:
    return _NO_LIMIT if limit is None else limit.toordinal()


def _latest_prices(
    ledger: Ledger, queries: list[tuple[str, dt.date | None]]
) -> list[tuple[float, str, str] | None]:
    """Each ``(issuer, limit)``'s latest price per share by the limit: ``(usd, source text,
    record id)``: a listing's price, a closed stake's or a round's price per share, the latest
    by the last day of its date (the first of them, in that order, on a tie); prices without
    US dollars left out."""
    wanted = {issuer for issuer, _ in queries}
    found: list[tuple[str, int, int, float, str, str]] = []  # issuer, start, end, usd, text, id
    for x in _kept(ledger, Listing, "listings"):
        if x.company in wanted and x.price and x.status.value not in _NO_PRICE:
            usd = dollars(ledger, x, x.price, x.date)[0]
            found.append((x.company, *_ends(x.date), usd, f"listing price ({x.id})", x.id))
    for s in _kept(ledger, Stake, "stakes"):
        if s.status.value == "closed" and s.company in wanted and s.price_per_share:
            usd = dollars(ledger, s, s.price_per_share, s.date)[0]
            text = f"stake price per share ({s.id})"
            found.append((s.company, *_ends(s.date), usd, text, s.id))
    for r in _kept(ledger, FundingRound, "funding_rounds"):
        if r.company in wanted and r.price_per_share and r.status.value not in _NO_PRICE:
            usd = dollars(ledger, r, r.price_per_share, r.date)[0]
            text = f"round price per share ({r.id})"
            found.append((r.company, *_ends(r.date), usd, text, r.id))
    found = [f for f in found if f[3] == f[3]]
    # the highest rank: the latest end, then the first found
    ends = np.array([f[2] for f in found], dtype=np.int64)
    ranks = _ranks(np.lexsort((-np.arange(len(found)), ends)))
    picks = _latest(
        [f[0] for f in found], [f[1] for f in found], ranks, [(i, _day(d)) for i, d in queries]
    )
    return [None if k < 0 else (found[k][3], found[k][4], found[k][5]) for k in picks]


_R = TypeVar("_R")


def _kept(ledger: Ledger, model: type[_R], kind: str) -> list[_R]:
    """The records of ``kind``, the other reports of facts in conflict set aside (the latest
    reported counts, as in the flows)."""
    records = [r for r in ledger.records(kind) if isinstance(r, model)]
    return kept_records(ledger, kind, records)[0]


def _ends(date: PartialDate) -> tuple[int, int]:
    first, last = date.sort_key()[:2]
    return first.toordinal(), last.toordinal()


def _ranks(order: np.ndarray) -> np.ndarray:
    """The rank of each item from the order that sorts them (lowest first)."""
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


def _diluted_counts(
    ledger: Ledger, queries: list[tuple[str, dt.date | None, float]]
) -> list[tuple[float, str, str] | None]:
    """Each ``(issuer, limit, shares)``'s latest fully diluted shares by the limit, else its
    latest basic shares + the warrant's (the latest by the last day of the count's date, the
    last in the ledger on a tie)."""
    wanted = {issuer for issuer, _, _ in queries}
    counts = [r for r in _kept(ledger, SharesOutstanding, "share_counts") if r.company in wanted]
    asked = [(i, _day(d)) for i, d, _ in queries]
    picks = []
    for field in ("diluted", "basic"):
        mine = [r for r in counts if getattr(r, field) is not None]
        spans = [_ends(r.date) for r in mine]
        ranks = _ranks(np.lexsort((np.arange(len(mine)), np.array([e for _, e in spans]))))
        chosen = _latest([r.company for r in mine], [b for b, _ in spans], ranks, asked)
        picks.append([None if k < 0 else mine[k] for k in chosen])
    out: list[tuple[float, str, str] | None] = []
    for (_, _, shares), diluted, basic in zip(queries, *picks, strict=True):
        if diluted is not None and diluted.diluted is not None:
            text = f"fully diluted shares ({diluted.id})"
            out.append((float(diluted.diluted.count), text, diluted.id))
        elif basic is not None and basic.basic is not None:
            text = f"basic shares + the warrant's ({basic.id})"
            out.append((float(basic.basic.count) + shares, text, basic.id))
        else:
            out.append(None)
    return out


def _alive(w: Warrant) -> float:
    """The shares ``w`` gives the right to buy: none when it is cancelled or failed."""
    return 0.0 if w.status.value in _VOID else float(w.shares.count)


def _row(
    w: Warrant,
    ledger: Ledger,
    limit: dt.date | None,
    found: tuple[float | None, str, str] | None,
    diluted: tuple[float, str, str] | None,
) -> dict[str, Any]:
    shares = float(w.shares.count)
    flags = [
        "vested" if _vested(t, limit) else t.state().value if t.met is None else "pending"
        for t in w.vesting
    ]
    vested = [t for t, f in zip(w.vesting, flags, strict=True) if f == "vested"]
    lapsed = [t for t, f in zip(w.vesting, flags, strict=True) if f == "lapsed"]
    pending = [t for t, f in zip(w.vesting, flags, strict=True) if f not in ("vested", "lapsed")]
    if w.vesting:
        v_shares = sum(float(t.shares.count) for t in vested)
        v_low = sum(float(t.shares.bounds()[0]) for t in vested)
        v_high = sum(float(t.shares.bounds()[1]) for t in vested)
    else:  # no schedule reported: exercisable from the grant
        v_shares = shares if _by(w.date, limit) else 0.0
        v_low, v_high = (float(e) * (v_shares > 0) for e in w.shares.bounds())
    lapsed_shares = sum(float(t.shares.count) for t in lapsed)
    void = w.status.value in _VOID  # cancelled or failed: nothing vests, nothing is worth
    if void:
        v_shares = v_low = v_high = 0.0
    # no exercise price reported: unknown, not zero (the cost and the intrinsic value too)
    exercise = (
        dollars(ledger, w, w.exercise_price, w.date)[0]
        if w.exercise_price is not None
        else math.nan
    )
    row: dict[str, Any] = {
        "warrant": w.id,
        "issuer": w.issuer,
        "holder": w.holder,
        "instrument": w.instrument.value,
        "status": w.status.value,
        "date": w.date.sort_key()[0],
        "shares": shares,
        "tranches": len(w.vesting),
        "tranches_vested": len(vested),
        "vested_shares": v_shares,
        "vested_low": v_low,
        "vested_high": v_high,
        "pending_shares": sum(float(t.shares.count) for t in pending),
        "lapsed_shares": lapsed_shares,
        "expired": bool(limit and w.expiry and w.expiry.sort_key()[1] < limit),
        "exercise_price_usd": exercise,
        "price_source": "",
        "diluted_source": "",
        "records": [w.id],
    }
    p = math.nan
    if found is not None and found[0] is not None:
        p, row["price_source"] = found[0], found[1]
        if found[2]:
            row["records"].append(found[2])
    hurdles = [
        t
        for t in pending
        if t.price_hurdle is not None
        and p == p
        and dollars(ledger, w, t.price_hurdle, w.date)[0] <= p
    ]
    gain = max(p - exercise, 0.0) if p == p and exercise == exercise else math.nan
    # an expired (or cancelled) warrant can no longer be exercised
    gain = 0.0 if row["expired"] or void else gain
    row.update(
        price_usd=p,
        hurdles_reached_shares=sum(float(t.shares.count) for t in hurdles),
        vested_value_usd=v_shares * p,
        exercise_cost_usd=v_shares * exercise,
        intrinsic_value_usd=v_shares * gain,
        full_intrinsic_value_usd=(shares - lapsed_shares) * gain,
    )
    total = math.nan
    if diluted is not None:
        total, row["diluted_source"] = diluted[0], diluted[1]
        row["records"].append(diluted[2])
    stake = _alive(w) / total
    row.update(diluted_shares=total, stake=stake, stake_vested=v_shares / total)
    return row


def value_rows(
    ledger: Ledger, queries: list[tuple[Warrant, dt.date | None]], price: float | None = None
) -> list[dict[str, Any]]:
    """The row of each ``(warrant, limit)`` (the columns of :func:`warrant_value` and the
    records used, ``"records"``), at the share ``price`` given or the issuers' latest prices by
    each limit: one pass over the prices and share counts for all the queries (the report asks
    for each warrant at its issuer's and its holder's report dates)."""
    prices: list[tuple[float | None, str, str] | None]
    if price is not None:
        prices = [(price, "given", "")] * len(queries)
    else:
        prices = list(_latest_prices(ledger, [(w.issuer, limit) for w, limit in queries]))
    counts = _diluted_counts(ledger, [(w.issuer, limit, _alive(w)) for w, limit in queries])
    return [
        _row(w, ledger, limit, found, diluted)
        for (w, limit), found, diluted in zip(queries, prices, counts, strict=True)
    ]


def warrant_value(
    source: Ledger,
    name: str | None = None,
    *,
    as_of: DateLike | None = None,
    price: Money | str | float | None = None,
    known_on: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
) -> WarrantValue:
    """The vested shares, value, exercise cost and fully diluted stake of warrants and options
    (see the module docs): ``name`` a warrant's id, an entity (its warrants as issuer or
    holder), or ``None`` for all.

    Columns (:data:`WARRANT_COLUMNS`): the warrant's ``issuer``, ``holder``, ``instrument``,
    ``status``, grant ``date`` and ``shares``; ``tranches`` and ``tranches_vested``;
    ``vested_shares`` (with ``vested_low``/``vested_high``, the ends of ranges),
    ``pending_shares``, ``lapsed_shares``, ``hurdles_reached_shares`` (pending tranches whose
    price hurdle the price reaches: their other conditions may still be unmet), ``expired``;
    ``exercise_price_usd`` (NaN when not reported: the cost and intrinsic values are then NaN too),
    ``price_usd`` and ``price_source``; ``vested_value_usd`` (vested x
    price), ``exercise_cost_usd`` (vested x exercise price), ``intrinsic_value_usd`` (vested x
    the price above the exercise price; 0 once ``expired``), ``full_intrinsic_value_usd`` (every
    share not lapsed);
    ``diluted_shares`` and ``diluted_source``; ``stake`` (all its shares, fully diluted) and
    ``stake_vested``. Reports of one warrant in conflict count once (``conflicts=``: the
    latest reported by default; the others are named in the warnings), unless named by id.

    >>> from aicapex import Entity, Ledger, Warrant
    >>> led = Ledger([
    ...     Entity(id="chipco", name="ChipCo", type="company"),
    ...     Entity(id="lab", name="Lab", type="company"),
    ...     Warrant(id="w", issuer="chipco", holder="lab", date="2025-10", shares="160M",
    ...             exercise_price="$0.01", vesting=[
    ...                 {"shares": "40M", "milestone": "1 GW deployed", "met": "2026-06"},
    ...                 {"shares": "120M", "price_hurdle": "$600"}])])
    >>> row = warrant_value(led, "w", as_of="2026-12", price="$250").rows()[0]
    >>> row["vested_shares"], row["pending_shares"], row["intrinsic_value_usd"]
    (40000000.0, 120000000.0, 9999600000.0)
    """
    ledger = deal_ledger(source, known_on, "warrant_value")
    warrants, aside = named_and_kept(ledger, "warrants", name, ("issuer", "holder"), conflicts)
    limit = day_of(as_of, end=True).astype("datetime64[D]").item() if as_of is not None else None
    given = _price_given(price)
    rows = value_rows(ledger, [(w, limit) for w in warrants if isinstance(w, Warrant)], given)
    used = [rid for row in rows for rid in row.pop("records")]
    frame = typed_frame(rows, WARRANT_COLUMNS)
    warnings = []
    for row in rows:
        if row["price_source"] == "":
            warnings.append(
                f"{row['warrant']}: no share price of {row['issuer']!r} by "
                f"{as_of or 'the latest record'}: give price= to value it"
            )
        if row["status"] in _VOID:
            warnings.append(f"{row['warrant']}: {row['status']}: it gives no shares and no value")
        if row["expired"]:
            warnings.append(f"{row['warrant']}: expired by {as_of}: its intrinsic value is nothing")
        if math.isnan(row["exercise_price_usd"]):
            warnings.append(
                f"{row['warrant']}: no exercise price reported: its exercise cost and intrinsic "
                "value are unknown"
            )
        if row["diluted_source"] == "":
            warnings.append(
                f"{row['warrant']}: no share count of {row['issuer']!r}: the stake is unknown"
            )
    warnings += aside_warning(aside, conflicts)
    assumptions = [
        "a tranche vests when its condition was met by as_of (lapsed tranches never do)",
        "the intrinsic value is the vested shares times the share price above the exercise price",
        "a fully diluted share count includes the warrant's shares; a basic count does not",
        "an expired warrant (expiry before as_of) has no intrinsic value",
    ]
    if any(r["tranches"] == 0 for r in rows):
        assumptions.append("a warrant without a vesting schedule is exercisable from its grant")
    reason = None
    if name is not None and not rows:
        reason = f"no warrants or options of {name!r}"
    return WarrantValue(
        frame,
        record_index(used),
        tuple(assumptions),
        tuple(warnings),
        reason,
        params={
            "name": name,
            "as_of": None if as_of is None else str(as_of),
            "price": None if price is None else str(price),
            "known_on": None if known_on is None else str(known_on),
            "conflicts": conflicts,
        },
    )
