"""Funding flows: the money of funding rounds, leg by leg, each investor paying its own share.

A live round (``closed``, ``committed`` or ``announced``) moves money in pieces: each tranche that
is not cancelled or failed (``committed`` until ``disbursed``, on its date, else the round's),
and the part of the round's amount no tranche accounts for (at the round's date: ``disbursed``
for closed rounds, ``committed`` otherwise). Sought, rumoured, in-talks, cancelled and failed
rounds move nothing. A ceiling (``up to $100B``) is a contractual maximum: its untranched part is
``conditional`` (never counted as moved by default; the runway counts only disbursed money,
and committed money when asked).

Who pays each piece (the round's payer shares):

- a participation with an amount pays that amount's share of the round (``$150M`` of a ``$900M``
  round: one sixth of every piece);
- what no participation accounts for comes from the payer :data:`UNDISCLOSED` (never an entity of
  the runway or the report, never part of a money loop);
- a round naming exactly one investor, without an amount, is paid by that investor;
- several investors without amounts never get an invented split: ``undisclosed`` pays;
- nor does a participation whose amount has no exchange rate to the round's currency (``€50M``
  of a ``$100M`` round without a euro rate): ``undisclosed`` pays the round, its investor
  nothing known (never the whole round). A participation may be in another currency than its
  round's, but the participations of a round with an amount are in one currency among
  themselves: the loader refuses ``€50M`` beside ``$20M`` in a ``$100M`` round ("amounts in
  one currency", the same for its tranches).

A round without an amount whose participations have amounts moves the sum of those amounts (in
US dollars when they are in several currencies, each through its rate).
Pieces are split between payers in exact cents (the largest share takes the leftover cent). For
each piece a named investor pays, the same money leaves it: a row with the investor as
``entity``, direction -1 and category ``investment``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from aicapex.table.columns import constant_category, first_source, index_of, is_in, notna, take
from aicapex.table.flowrows import (
    Piece,
    concat_flows,
    day_numbers,
    end_factors,
    flow_columns,
    to_cents,
    usd_rate,
)

__all__ = ["UNDISCLOSED", "funding_flows", "funding_pieces", "payer_shares"]

#: The payer of the money no participation of a round accounts for.
UNDISCLOSED = "undisclosed"

_LIVE = ("closed", "committed", "announced")

#: A missing text, as a value of an object array (``np.where(mask, texts, _NO_TEXT)``).
_NO_TEXT = np.array(None, dtype=object)


def payer_shares(rounds: pd.DataFrame, investments: pd.DataFrame | None) -> pd.DataFrame:
    """Who pays what part of each round: one row per round and payer with ``round``, ``payer``
    and ``share`` (the shares of a round sum to 1), plus ``known`` (the round's amount when the
    round gives none: the sum of its participations' amounts; NaN otherwise). ``investments``
    is the ``investments`` frame; without it, the rounds' ``investors`` column (ids, comma-
    separated) names the investors, without amounts."""
    shares = _payer_shares(rounds, investments)[0]
    columns: dict[str, Any] = {n: shares[n] for n in ("round", "payer", "share", "known")}
    columns["known_currency"] = pd.Series(shares["known_currency"], dtype=object)
    return pd.DataFrame({**columns, "known_rate_usd": shares["known_rate_usd"]})


class _Known(NamedTuple):
    """By round (in the rounds' order), the money of a round known by its participations (a
    round without an amount): their sum, its currency and US dollars per unit of it (NaN,
    None and NaN for other rounds)."""

    amount: np.ndarray
    currency: np.ndarray
    rate_usd: np.ndarray


def _payer_shares(
    rounds: pd.DataFrame, investments: pd.DataFrame | None
) -> tuple[dict[str, np.ndarray], np.ndarray, _Known]:
    """:func:`payer_shares` (its columns' arrays), the position of each row's round among
    ``rounds`` and the money of the rounds known by their participations."""
    ids = rounds["id"].to_numpy(dtype=object)
    n = len(ids)
    if investments is None:
        names = rounds["investors"].astype("object").fillna("")
        of = np.repeat(ids, names.str.count(",").to_numpy() + (names != "").to_numpy())
        investor = np.array([x for text in names for x in text.split(",") if x], dtype=object)
        every = index_of(ids, of)
        amount = np.full(len(every), np.nan)
        written = np.zeros(len(every), dtype=bool)
    else:
        # each participation's round by its position among the rounds (-1: none of them)
        every = index_of(ids, investments["round"].to_numpy(dtype=object))
        investor = investments["investor"].to_numpy(dtype=object)
        amount = _in_round_currency(rounds, investments, every)
        written = notna(investments["amount"])
    mine = every >= 0
    at, investor, amount, written = every[mine], investor[mine], amount[mine], written[mine]
    # an amount written in a currency without a rate to the round's: the split is unknown
    unsplit = np.bincount(at[written & np.isnan(amount)], minlength=n) > 0
    round_amount = rounds["amount"].to_numpy("float64")
    count = np.bincount(at, minlength=n)
    known_sum = _sum_by(at, amount, n, min_count=1)
    total = np.where(np.isnan(round_amount), known_sum, round_amount)
    has_amounts = known_sum > 0  # (NaN: none)
    # rounds whose participations give no amount: one named investor pays, else undisclosed
    sole = ~has_amounts[at] & ((count == 1) & ~unsplit)[at]
    nobody = np.flatnonzero(~has_amounts & ((count != 1) | unsplit))
    # rounds with amounts: each its own, the rest undisclosed
    paying = has_amounts[at] & ~np.isnan(amount)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = amount[paying] / total[at[paying]]
    with_amounts = np.flatnonzero(has_amounts)
    rest = 1.0 - _sum_by(at[paying], share, n)[with_amounts]
    left = rest > 1e-12
    # the rows: sole investors, rounds nobody named pays, investors paying, the rest
    where = np.concatenate([at[sole], nobody, at[paying], with_amounts[left]])
    payer = np.full(len(where), UNDISCLOSED, dtype=object)
    payer[: sole.sum()] = investor[sole]
    payer[sole.sum() + len(nobody) : len(where) - left.sum()] = investor[paying]
    ones = np.ones(int(sole.sum()) + len(nobody))
    out = {"round": ids[where], "payer": payer, "share": np.concatenate([ones, share, rest[left]])}
    # the money of a round known by its participations
    known = np.where(np.isnan(round_amount), known_sum, np.nan)
    unknown = np.isnan(known)
    if investments is not None:
        currency, rate = _participations_money(investments, every, n)
    else:
        currency, rate = np.full(n, None, dtype=object), np.full(n, np.nan)
    money = _Known(known, np.where(unknown, _NO_TEXT, currency), np.where(unknown, np.nan, rate))
    out["known"] = money.amount[where]
    out["known_currency"] = money.currency[where]
    out["known_rate_usd"] = money.rate_usd[where]
    return out, where, money


def _sum_by(at: np.ndarray, values: np.ndarray, n: int, min_count: int = 0) -> np.ndarray:
    """The sums of ``values`` by position ``at`` (0 to n - 1), as pandas sums a group (missing
    values skipped, compensated; NaN with fewer than ``min_count`` values), NaN at positions
    with no value."""
    out = np.full(n, np.nan)
    if len(at):
        sums = pd.Series(values).groupby(at).sum(min_count=min_count)
        out[sums.index.to_numpy()] = sums.to_numpy("float64")
    return out


def _participations_money(
    investments: pd.DataFrame, at: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """By round (``at``: each participation's round's position, -1 for none), the currency its
    participations' amounts are in (missing when they differ) and US dollars per unit of it
    (NaN without a rate for every one of them); NaN for rounds without amounts."""
    given = notna(investments["amount"]) & (at >= 0)
    at = at[given]
    currency = investments["amount_currency"].to_numpy(dtype=object)[given]
    usd = investments["amount_usd"].to_numpy("float64")[given]
    codes, uniques = pd.factorize(currency)  # missing: -1
    width = len(uniques) + 1
    pairs = np.unique(at[codes >= 0] * width + codes[codes >= 0])
    one = np.bincount(pairs // width, minlength=n) == 1
    priced = np.bincount(at[np.isnan(usd)], minlength=n) == 0
    amount = investments["amount"].to_numpy("float64")[given]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(one & priced, _sum_by(at, usd, n) / _sum_by(at, amount, n), np.nan)
    # amounts in several currencies, each with a rate: counted in US dollars
    rate = np.where(one | ~priced, rate, 1.0)
    first = np.full(n, np.nan, dtype=object)  # (missing texts NaN, as pandas' str has them)
    named = np.flatnonzero(codes >= 0)  # the first currency each round's amounts name
    rounds, firsts = np.unique(at[named], return_index=True)
    first[rounds] = currency[named[firsts]]
    out = np.where(one | ~priced, np.where(one, first, np.nan), "USD").astype(object)
    some = np.bincount(at, minlength=n) > 0
    return np.where(some, out, np.nan), np.where(some, rate, np.nan)


def _in_round_currency(
    rounds: pd.DataFrame, investments: pd.DataFrame, at: np.ndarray
) -> np.ndarray:
    """Each participation's amount in its round's currency (through US dollars when the
    currencies differ; NaN without a rate, and for participations in none of ``rounds``:
    ``at``, each one's round's position, -1 for none)."""
    of = np.maximum(at, 0)
    out_of = at < 0
    round_amount = rounds["amount"].to_numpy("float64")
    round_currency = rounds["amount_currency"].to_numpy(dtype=object)[of]
    currency = investments["amount_currency"].to_numpy(dtype=object)
    same = currency == np.where(out_of, np.nan, round_currency)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_usd = (round_amount / rounds["amount_usd"].to_numpy("float64"))[of]
    usd = investments["amount_usd"].to_numpy("float64")
    converted = usd * np.where(out_of, np.nan, per_usd)
    amount = investments["amount"].to_numpy("float64")
    no_round_amount = np.isnan(round_amount)[of] & ~out_of
    # a round known by its participations in several currencies: each in US dollars (the
    # round's money is then counted in dollars; see _participations_money)
    given = ~np.isnan(amount)
    n = len(rounds)
    codes, uniques = pd.factorize(np.where(given, currency, _NO_TEXT))  # missing: -1
    width = len(uniques) + 1
    named = (codes >= 0) & ~out_of
    pairs = np.unique(at[named] * width + codes[named])
    mixed = (np.bincount(pairs // width, minlength=n) > 1)[of]
    priced = (np.bincount(at[given & np.isnan(usd) & ~out_of], minlength=n) == 0)[of]
    in_usd = no_round_amount & mixed & priced
    out: np.ndarray = np.where(in_usd, usd, np.where(same | no_round_amount, amount, converted))
    out[out_of] = np.nan
    return out


def funding_flows(
    rounds: pd.DataFrame, tranches: pd.DataFrame, investments: pd.DataFrame | None
) -> pd.DataFrame:
    """The flows rows of funding rounds (see the module docs)."""
    return concat_flows(funding_pieces(rounds, tranches, investments))


def funding_pieces(
    rounds: pd.DataFrame, tranches: pd.DataFrame, investments: pd.DataFrame | None
) -> list[Piece]:
    """:func:`funding_flows` in pieces, not yet concatenated (:func:`concat_flows` of them): the
    companies' rows, then the investors' (none when no named investor pays)."""
    if rounds.empty:
        return []
    live_rows = is_in(rounds["status"], _LIVE)  # (every round live: the frame as it is)
    live = rounds if live_rows.all() else rounds[live_rows]
    if live.empty:
        return []
    shares, where, known = _payer_shares(live, investments)
    pieces = _pieces(live, tranches, known)
    if not len(pieces["at"]):
        return []
    legs = _legs(pieces, shares, where, len(live))
    legs["cents"] = _split_cents(legs)
    paid = legs["cents"] != 0
    legs = {name: column[paid] for name, column in legs.items()}
    legs["low"], legs["high"] = _payers_ends(legs, investments, live["id"].to_numpy(dtype=object))
    at = legs["at"]  # each leg's round's position among the live rounds
    company = take(live["company"], at)
    company_side = flow_columns(
        date=legs["date"],
        entity=company,
        direction=1,
        payer=legs["payer"],
        payee=company,
        cents=legs["cents"],
        currency=_currencies(live, at, known, tranches),
        rate_usd=legs["rate_usd"],
        ends=(legs["low"], legs["high"]),
        category="funding",
        status=legs["status"],
        basis="actual",
        kind="funding_rounds",
        record=legs["round"],
        source=take(first_source(live["sources"]), at),
    )
    named = legs["payer"] != UNDISCLOSED
    if not named.any():
        return [company_side]
    mirror = {name: column[named] for name, column in company_side.items()}
    mirror["entity"] = mirror["payer"]
    mirror["direction"] = np.full(int(named.sum()), -1, dtype=np.int8)
    mirror["category"] = constant_category("investment", int(named.sum()))
    return [company_side, mirror]


def _currencies(
    rounds: pd.DataFrame, at: np.ndarray, known: _Known, tranches: pd.DataFrame
) -> np.ndarray:
    """Each leg's currency (``at``: its round's position among ``rounds``): its round's, or for
    a round without an amount, its participations', else its tranches' (a round's tranches
    share one currency)."""
    own = rounds["amount_currency"].to_numpy(dtype=object)
    out: np.ndarray = np.where(pd.isna(own), known.currency, own)[at]
    if pd.isna(out).any() and not tranches.empty:
        ids = rounds["id"].to_numpy(dtype=object)
        of = index_of(ids, tranches["round"].to_numpy(dtype=object))
        given = np.flatnonzero(notna(tranches["amount_currency"]) & (of >= 0))
        first = np.full(len(rounds), np.nan, dtype=object)
        found, firsts = np.unique(of[given], return_index=True)
        first[found] = tranches["amount_currency"].to_numpy(dtype=object)[given[firsts]]
        out = np.where(pd.isna(out), first[at], out)
    return out


def _pieces(rounds: pd.DataFrame, tranches: pd.DataFrame, known: _Known) -> dict[str, np.ndarray]:
    """The money of each live round: one row per tranche (not cancelled) and one for the part of
    the round no tranche accounts for, with ``round`` (``at``: its position among ``rounds``),
    ``date``, ``status``, ``cents`` and ``rate_usd`` (US dollars per unit of the round's
    currency)."""
    n = len(rounds)
    ids = rounds["id"].to_numpy(dtype=object)
    round_amount = rounds["amount"].to_numpy("float64")
    given = ~np.isnan(round_amount)
    # a round without an amount, known by its participations: their sum, their dollars per unit
    amount = np.where(given, round_amount, known.amount)
    rate = np.where(given, usd_rate(rounds, "amount"), known.rate_usd)
    round_low, round_high = end_factors(rounds, "amount")
    ceiling = rounds["amount_kind"].to_numpy(dtype=object) == "ceiling"
    round_end = day_numbers(rounds["date_end"])
    parts = []
    tranched = np.zeros(n)
    if not tranches.empty:
        of = index_of(ids, tranches["round"].to_numpy(dtype=object))
        tr, of = tranches[of >= 0], of[of >= 0]
        split = _sum_by(of, tr["amount"].to_numpy("float64"), n)
        tranched = np.where(np.isnan(split), 0.0, split)
        # cancelled and failed tranches move nothing (their money is accounted for: not rest)
        status = tr["status"].to_numpy(dtype=object)
        moving = ~is_in(tr["status"], ("cancelled", "failed"))
        tr, of = tr[moving], of[moving]
        own = day_numbers(tr["date_end"])
        low, high = end_factors(tr, "amount")
        parts.append(
            {
                "at": of,
                "date": np.where(np.isnat(own), round_end[of], own),
                "status": status[moving],
                "cents": to_cents(tr["amount"].to_numpy("float64")),
                "rate_usd": usd_rate(tr, "amount"),
                "low": low,
                "high": high,
                "rest": np.zeros(len(tr), dtype=bool),
            }
        )
    rest = amount - tranched
    keep = np.nan_to_num(rest) > 0.005
    # the ends of the rest: the round's ends less the tranches (the ends are the round's, not
    # the rest's: of $3.2B to $3.4B with a $1B tranche, $2.2B to $2.4B are left)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_low = np.maximum(amount * round_low - tranched, 0.0) / rest
        rest_high = np.maximum(amount * round_high - tranched, 0.0) / rest
    ranged = tranched > 0
    closed = rounds["status"].to_numpy(dtype=object) == "closed"
    parts.append(
        {
            "at": np.flatnonzero(keep),
            "date": round_end[keep],
            "status": np.where(ceiling, "conditional", np.where(closed, "disbursed", "committed"))[
                keep
            ].astype(object),
            "cents": to_cents(rest[keep]),
            "rate_usd": rate[keep],
            "low": np.where(ranged, rest_low, round_low)[keep],
            "high": np.where(ranged, rest_high, round_high)[keep],
            "rest": ~ceiling[keep],
        }
    )
    out = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    out["round"] = ids[out["at"]]
    out["piece"] = np.arange(len(out["at"]))
    return out


def _legs(
    pieces: dict[str, np.ndarray], shares: dict[str, np.ndarray], where: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    """The pieces, each once per payer of its round (``where``: the position of each share's
    round among the ``n`` rounds), in order (a piece's legs in the order of its round's
    shares), with each leg's ``payer`` and ``share``: the inner join of the two on the round."""
    order = np.argsort(where, kind="stable")
    count = np.bincount(where, minlength=n)
    start = np.cumsum(count) - count
    at = pieces["at"]
    repeats = count[at]
    piece = np.repeat(np.arange(len(at)), repeats)
    k = np.arange(len(piece)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
    share = order[start[at][piece] + k]
    legs = {name: column[piece] for name, column in pieces.items()}
    legs["payer"] = shares["payer"][share]
    legs["share"] = shares["share"][share]
    return legs


def _payers_ends(
    legs: Mapping[str, np.ndarray], investments: pd.DataFrame | None, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The ends of each leg over its amount (factors). A piece's ends are its own, shared by its
    payers, except in the part of a round no tranche accounts for (not a ceiling): an investor
    paying its participation has that participation's ends (``$1B`` of a ``$3.2B to $3.4B``
    round is $1B, not $0.97B to $1.03B), and ``undisclosed`` the rest of the piece's ends.
    (``ids``: the rounds' ids, by the positions ``legs["at"]``.)"""
    low = np.array(legs["low"], dtype="float64")
    high = np.array(legs["high"], dtype="float64")
    if investments is None or investments.empty:
        return low, high
    # first, whether an investor paying a rest has a participation with an amount in its round
    rest = np.asarray(legs["rest"], dtype=bool)
    payer = np.asarray(legs["payer"], dtype=object)
    given = notna(investments["amount"])
    of = index_of(ids, investments["round"].to_numpy(dtype=object)[given])
    investor = investments["investor"].to_numpy(dtype=object)[given]
    codes = pd.factorize(np.concatenate([payer, investor]))[0] + 1  # missing: 0
    width = int(codes.max(initial=0)) + 1
    pairs = np.asarray(legs["at"]) * width + codes[: len(payer)]
    if not (rest & (payer != UNDISCLOSED) & np.isin(pairs, of * width + codes[len(payer) :])).any():
        return low, high
    inv = investments[given]
    by = inv.groupby([inv["round"].astype("object"), inv["investor"].astype("object")], sort=False)[
        ["amount_usd", "amount_low_usd", "amount_high_usd"]
    ].sum(min_count=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        own_low = (by["amount_low_usd"] / by["amount_usd"]).fillna(1.0)
        own_high = (by["amount_high_usd"] / by["amount_usd"]).fillna(1.0)
    key = pd.MultiIndex.from_arrays(
        [np.asarray(legs["round"], dtype=object), np.asarray(legs["payer"], dtype=object)]
    )
    named = rest & (payer != UNDISCLOSED) & key.isin(by.index)
    if not named.any():
        return low, high
    undisclosed = rest & (payer == UNDISCLOSED)
    cents = np.asarray(legs["cents"], dtype="float64")
    piece = np.asarray(legs["piece"])
    whole_low = pd.Series(cents * low).groupby(piece).transform("sum").to_numpy()
    whole_high = pd.Series(cents * high).groupby(piece).transform("sum").to_numpy()
    low[named] = own_low.reindex(key[named]).to_numpy("float64")
    high[named] = own_high.reindex(key[named]).to_numpy("float64")
    others = ~undisclosed
    known_low = pd.Series(np.where(others, cents * low, 0.0)).groupby(piece).transform("sum")
    known_high = pd.Series(np.where(others, cents * high, 0.0)).groupby(piece).transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        left_low = np.maximum(whole_low - known_low.to_numpy(), 0.0) / cents
        left_high = np.maximum(whole_high - known_high.to_numpy(), 0.0) / cents
    low[undisclosed] = np.minimum(left_low[undisclosed], 1.0)
    high[undisclosed] = np.maximum(left_high[undisclosed], 1.0)
    return low, high


def _split_cents(legs: Mapping[str, Any]) -> np.ndarray:
    """Each leg's cents: its share of its piece, rounded, with what rounding left over (a cent or
    two, either way) on the piece's largest share (the first of a tie), so that each piece's
    legs sum exactly to it. (``legs``: columns by name, arrays or a frame's.)"""
    piece = np.asarray(legs["piece"], dtype=np.int64)
    total = np.asarray(legs["cents"], dtype=np.int64)
    share = np.asarray(legs["share"], dtype="float64")
    cents: np.ndarray = np.rint(total * share).astype(np.int64)
    if not len(piece):
        return cents
    sums = np.zeros(int(piece.max()) + 1, dtype=np.int64)
    np.add.at(sums, piece, cents)  # (exact, in cents)
    left = total - sums[piece]
    # by piece, the largest share first (missing shares last; a tie in the legs' order)
    order = np.lexsort((-share, piece))
    top = order[np.unique(piece[order], return_index=True)[1]]
    cents[top] += left[top]
    return cents
