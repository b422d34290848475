"""Implied valuations: what each priced event says a company is worth, and whether they agree.

Each priced event gives a post-money valuation (in US dollars, with the ends of its ranges):

- a funding round: its ``post_money`` as reported, else ``pre_money + amount`` (the pre-money
  as reported, else the post-money less the amount; a round with ``secondary`` parts brings
  an unknown part of its amount as new money: neither is derived); and, when its
  ``price_per_share`` and the company's fully diluted shares are known, the price times those
  shares (a second row, so that the two can be compared; counted before the round, they give
  the pre-money, and the post-money adds the amount, else the price times ``shares_issued``,
  else it is unknown);
- a purchase of shares: the price paid over the share bought (a stake of S bought for P implies
  P / S; its ends are P's low end over S's high end, and the reverse), or the price per share
  times the company's shares on the stake's basis when they are known (the share of a purchase
  reported by its number of shares only: those shares over them, an assumption listed; see
  docs/ownership.md). A primary purchase's (or one in a round, ``round:``) pre-money valuation is
  the post-money less its round's new money, else its own (an assumption listed when in a round:
  ``stakeskit.stake_money``); a secondary purchase, or one of unknown kind, brings none.

The company's shares on a basis come from a stake giving both a share and a number of shares
(shares / share), a ``share_counts`` record, and for fully diluted shares from a round's
post-money / price per share, grown on both bases by a primary purchase's new shares (their
number, not bought in a round); the latest known at the event's date is used.

When a figure is missing (the share Meta bought of Scale AI is not reported), the row says
what is missing (``missing``), the result's warnings too, and its ``reason`` when no event of
the company is priced. ``assume_share=`` is a documented scenario input: a share (``"49%"``,
``0.49``) for every purchase whose share is missing, or a mapping of record ids to shares; the
rows it prices are marked ``assumed``.

Cancelled and failed rounds and purchases imply nothing. Events of one company dated within
:data:`WINDOW_DAYS` of each other are compared: a row
``agrees`` when its range, widened by 1%, meets every other priced row's of its window
(``<NA>`` alone).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.result import Result, record_index
from aicapex.analysis.stakeskit import (
    AsOf,
    StakeInputs,
    alike,
    as_of_param,
    as_of_text,
    percent,
    purchase_kind,
    rounds_by_id,
    share_of_shares,
    stake_inputs,
    stake_money,
    typed_rows,
)
from aicapex.dates import DateLike
from aicapex.money import format_usd
from aicapex.shares import Share
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["VALUATION_COLUMNS", "WINDOW_DAYS", "Valuation", "valuation"]

#: Events of one company dated within this many days of each other are compared.
WINDOW_DAYS = 31

#: Statuses of rounds and purchases that never happened: they imply no valuation.
_VOID = ("cancelled", "failed")

#: The relative tolerance of implied valuations that agree.
AGREEMENT = 0.01

#: The columns of :func:`valuation`'s frame and their dtypes.
VALUATION_COLUMNS: dict[str, str] = {
    "company": "str",
    "record": "str",
    "kind": "str",
    "event": "str",
    "holder": "str",
    "date": "datetime64[ns]",
    "status": "str",
    "method": "str",
    "paid_usd": "float64",
    "share": "float64",
    "share_low": "float64",
    "share_high": "float64",
    "price_per_share_usd": "float64",
    "shares_total": "float64",
    "pre_money_usd": "float64",
    "post_money_usd": "float64",
    "post_money_low_usd": "float64",
    "post_money_high_usd": "float64",
    "assumed": "bool",
    "missing": "str",
    "agrees": "boolean",
}

_ROW_COLUMNS = {k: v for k, v in VALUATION_COLUMNS.items() if k != "agrees"}  # (found sorted)
AssumedShare = Share | str | float | Decimal | Mapping[str, Share | str | float | Decimal]


class Valuation(Result):
    """The result of :func:`valuation`: one row per priced event (or method)."""

    NAME = "valuation"


def _as_share(value: Share | str | float | Decimal) -> float:
    """A scenario's share as a fraction (``"49%"``, ``0.49``); ValueError outside (0, 1]."""
    share = Share.parse(value).to_float() if isinstance(value, str | Share) else float(value)
    if not 0 < share <= 1:
        raise ValueError(f"expected an assumed share above 0% and at most 100%, got {value!r}")
    return share


def _assumed(assume: AssumedShare | None, record: str) -> float | None:
    if assume is None:
        return None
    if isinstance(assume, Mapping):
        return None if assume.get(record) is None else _as_share(assume[record])
    return _as_share(assume)


Total = tuple[Any, Any, str, float, str, str]


def _totals(
    stakes: list[dict[str, Any]], rounds: list[dict[str, Any]], counts: list[dict[str, Any]]
) -> list[Total]:
    """``(start, end, basis, shares, record, round)`` for each record that gives the company's
    total number of shares on a basis, in date order (``round``: the round a stake was bought
    in, or the round itself): stakes, rounds and ``share_counts``."""
    out: list[Total] = []
    for row in counts:
        for basis in ("basic", "diluted"):
            if float(row[basis]) > 0:
                out.append(
                    (
                        row["date_start"],
                        row["date_end"],
                        basis,
                        float(row[basis]),
                        str(row["id"]),
                        "",
                    )
                )
    for row in stakes:
        share, count = float(row["share"]), float(row["shares"])
        if share > 0 and count > 0 and row["status"] == "closed":
            basis = "diluted" if bool(row["diluted"]) else "basic"
            in_round = row["round"] if isinstance(row["round"], str) else ""
            out.append(
                (row["date_start"], row["date_end"], basis, count / share, str(row["id"]), in_round)
            )
    for row in rounds:
        if row["status"] in _VOID:
            continue
        price, post = alike(row, "price_per_share", "post_money")  # a count: no rate needed
        if price > 0 and post > 0:
            rid = str(row["id"])
            out.append((row["date_start"], row["date_end"], "diluted", post / price, rid, rid))
    out.sort(key=lambda t: (t[1], t[0]))
    return _grown(out, stakes)


def _grown(out: list[Total], stakes: list[dict[str, Any]]) -> list[Total]:
    """``out`` with the counts grown by each closed primary purchase not bought in a round
    that gives its number of new shares: on each basis (on the other one only when it gives its
    share: shares / share is then the count on its own), the latest count dated before it plus
    them (new shares are shares on both bases; docs/ownership.md)."""
    new = [
        r
        for r in stakes
        if r["event"] == "purchase"
        and r["purchase"] != "secondary"
        and r["status"] == "closed"
        and float(r["shares"]) > 0
        and not isinstance(r["round"], str)
    ]
    on = {b: [x for x in out if x[2] == b] for b in ("basic", "diluted")}  # in date order
    for row in sorted(new, key=lambda r: (r["date_end"], r["date_start"])):
        mine = "diluted" if bool(row["diluted"]) else "basic"
        for basis, known in on.items():
            i = bisect.bisect_left(known, row["date_start"], key=lambda x: x[1])
            if i and not (basis == mine and float(row["share"]) > 0):  # the latest before it
                count = known[i - 1][3] + float(row["shares"])
                grown = (row["date_start"], row["date_end"], basis, count, str(row["id"]), "")
                bisect.insort(known, grown, key=lambda x: (x[1], x[0]))
    return sorted(on["basic"] + on["diluted"], key=lambda t: (t[1], t[0]))


def _total_at(
    totals: list[Total], event: Mapping[Any, Any], basis: str, skip: str, in_round: str
) -> tuple[float, str, bool] | None:
    """The company's latest known shares on ``basis`` at an event (not from the record
    ``skip``): ``(shares, record, before)``, ``before`` when they were counted before the event
    (the event's new shares not in them)."""
    found = None
    for _, end, b, count, rid, rnd in totals:
        if end <= event["date_end"] and b == basis and rid != skip:
            before = end < event["date_start"] and not (in_round and rnd == in_round)
            found = (count, rid, before)
    return found


def _priced(
    head: dict[str, Any],
    method: str,
    total: tuple[float, str, bool],
    price: tuple[float, float, float],
    new: float,
) -> dict[str, Any]:
    """The row of a price per share (base, low and high) times the company's shares: the
    post-money valuation when the shares include the event's, else the pre-money one (plus
    ``new``, the money the event brings in); the ends of the price give the post-money's."""
    value, low, high = (p * total[0] for p in price)
    pre, post = (value, value + new) if total[2] else (value - new, value)
    if total[2]:
        low, high = low + new, high + new
    when = "before" if total[2] else "after"
    return _row(
        **head,
        method=f"{method} {when} it ({total[1]})",
        shares_total=total[0],
        pre_money_usd=pre,
        post_money_usd=post,
        post_money_low_usd=low,
        post_money_high_usd=high,
    )


def _price_of(row: Mapping[str, Any]) -> tuple[float, float, float]:
    """A record's price per share in US dollars: its base figure and its ends."""
    base, low, high = (float(row[f"price_per_share{e}_usd"]) for e in ("", "_low", "_high"))
    return base, low, high


def _row(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(VALUATION_COLUMNS, math.nan)
    row.update(holder="", missing="", assumed=False, agrees=pd.NA, shares_total=math.nan)
    return row | values


def _no_rate(row: Mapping[str, Any], names: tuple[str, ...]) -> str:
    """What is missing to price ``row`` in US dollars: the exchange rates of its figures
    ``names`` given in another currency without one at its date (``""``: none missing)."""
    lacking = sorted(
        {
            str(row[f"{n}_currency"])
            for n in names
            if float(row[n]) > 0 and math.isnan(float(row[f"{n}_usd"]))
        }
    )
    if not lacking:
        return ""
    return f"an exchange rate of {', '.join(lacking)} to US dollars (fx_rates)"


def _round_rows(
    rounds: list[dict[str, Any]], totals: list[Total], used: list[str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for r in rounds:
        if r["status"] in _VOID:  # never happened: no valuation, no share count
            continue
        rid, company = str(r["id"]), str(r["company"])
        head: dict[str, Any] = {"company": company, "record": rid, "kind": "funding_rounds"}
        head["event"] = "round"
        head.update(date=r["date_end"], status=str(r["status"]), paid_usd=float(r["amount_usd"]))
        before = len(rows)
        head["price_per_share_usd"] = float(r["price_per_share_usd"])
        post, pre, amount = (float(r[f"{n}_usd"]) for n in ("post_money", "pre_money", "amount"))
        if bool(r["secondary"]):  # its amount holds shares sold by holders: new money unknown
            amount = math.nan
        if post > 0:
            low, high = float(r["post_money_low_usd"]), float(r["post_money_high_usd"])
            pre = pre if pre > 0 else post - amount
            rows.append(
                _row(
                    **head,
                    method="post-money as reported",
                    pre_money_usd=pre,
                    post_money_usd=post,
                    post_money_low_usd=low,
                    post_money_high_usd=high,
                )
            )
            used.append(rid)
        elif pre > 0 and amount > 0:
            low = float(r["pre_money_low_usd"]) + float(r["amount_low_usd"])
            high = float(r["pre_money_high_usd"]) + float(r["amount_high_usd"])
            rows.append(
                _row(
                    **head,
                    method="pre-money + amount",
                    pre_money_usd=pre,
                    post_money_usd=pre + amount,
                    post_money_low_usd=low,
                    post_money_high_usd=high,
                )
            )
            used.append(rid)
        elif pre > 0 and bool(r["secondary"]):
            what = "the new money of the round (its amount includes secondary sales)"
            rows.append(_row(**head, method="pre-money + amount", pre_money_usd=pre, missing=what))
            used.append(rid)
        price = float(r["price_per_share_usd"])
        if price > 0:
            total = _total_at(totals, r, "diluted", rid, rid)
            method = "price per share x fully diluted shares"
            if total is None and not (post > 0 or (pre > 0 and amount > 0)):
                rows.append(
                    _row(**head, method=method, missing="the number of fully diluted shares")
                )
            elif total is not None:
                # the new money: the amount, else the price x the shares issued, else unknown
                # (the pre-money is known, the post-money is not: not the pre-money)
                issued = float(r["shares_issued"])
                new = amount if amount > 0 else price * issued if issued > 0 else math.nan
                row = _priced(head, method, total, _price_of(r), new)
                if math.isnan(new):
                    row["missing"] = "the round's amount"
                rows.append(row)
                used.extend([rid, total[1]])
        no_rate = _no_rate(r, ("post_money", "pre_money", "price_per_share"))
        if len(rows) == before and no_rate:  # priced only in a currency without a rate
            rows.append(_row(**head, method="no exchange rate", missing=no_rate))
            used.append(rid)
    return rows


def _stake_rows(
    stakes: list[dict[str, Any]],
    rounds: Mapping[str, Mapping[str, Any]],
    totals: list[Total],
    assume: AssumedShare | None,
    used: list[str],
    said: list[str],
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s in stakes:
        if s["event"] != "purchase" or s["status"] in _VOID:
            continue
        rid = str(s["id"])
        paid, price = float(s["paid_usd"]), float(s["price_per_share_usd"])
        no_rate = _no_rate(s, ("paid", "price_per_share"))
        if not (paid > 0 or price > 0 or no_rate):
            continue
        kind, mine = purchase_kind(s), len(rows)  # bought in a round: primary
        head: dict[str, Any] = {"company": str(s["company"]), "record": rid, "kind": "stakes"}
        head["event"] = kind
        head.update(holder=str(s["holder"]), date=s["date_end"], status=str(s["status"]))
        head.update(paid_usd=paid, price_per_share_usd=price)
        if not (paid > 0 or price > 0):  # priced only in a currency without a rate
            rows.append(_row(**head, method="no exchange rate", missing=no_rate))
            used.append(rid)
            continue
        share = (float(s["share_low"]), float(s["share"]), float(s["share_high"]))
        bought = paid if paid > 0 else price * float(s["shares"])
        money_in, note = stake_money(s, kind, bought, rounds)
        basis, lacking = "diluted" if bool(s["diluted"]) else "basic", "the share bought"
        in_round = s["round"] if isinstance(s["round"], str) else ""
        if paid > 0:
            method = "paid / share bought"
            assumed = False
            if not share[1] > 0:
                guess = _assumed(assume, rid)
                if guess is not None:
                    share, assumed, method = (guess,) * 3, True, "paid / assumed share"
            if not share[1] > 0:  # its number of shares over the company's count, if known
                count = _total_at(totals, s, basis, rid, in_round)
                share, lacking = share_of_shares(s, basis, count, primary=kind == "primary")
                if share[1] > 0 and count is not None:
                    said.append(lacking)
                    method, lacking = f"paid / its shares of {count[1]}", ""
                    used.append(count[1])
            if share[1] > 0:
                post = paid / share[1]
                low = float(s["paid_low_usd"]) / share[2]
                high = float(s["paid_high_usd"]) / share[0] if share[0] > 0 else math.inf
                rows.append(
                    _row(
                        **head,
                        method=method,
                        share=share[1],
                        share_low=share[0],
                        share_high=share[2],
                        assumed=assumed,
                        post_money_usd=post,
                        post_money_low_usd=low,
                        post_money_high_usd=high,
                        pre_money_usd=post - money_in,
                    )
                )
            else:
                rows.append(_row(**head, method=method, missing=lacking))
            used.append(rid)
        if price > 0:
            # with a price paid, the stake's own shares / share would only repeat paid / share
            # (without a share, its own count is the one it grew: the count before it is read)
            own = paid > 0 or not float(s["share"]) > 0
            total = _total_at(totals, s, basis, rid if own else "", in_round)
            method = f"price per share x {basis} shares"
            if total is not None:
                row = _priced(head, method, total, _price_of(s), money_in)
                row.update(share=share[1], share_low=share[0], share_high=share[2])
                rows.append(row)
                used.extend([rid, total[1]])
            elif not paid > 0:
                rows.append(_row(**head, method=method, missing=f"the number of {basis} shares"))
                used.append(rid)
        said += [note] if note and any(r["pre_money_usd"] >= 0 for r in rows[mine:]) else []
    return rows


def _agreement(frame: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Whether each row agrees with the other priced rows of its company within the window.

    The priced rows (in the frame's order: by company, date and record) fall into clusters (a
    new one where the company changes or more than :data:`WINDOW_DAYS` pass); only clusters of
    two rows or more are compared, pair by pair, on the columns' arrays (0.6 ms less than a
    frame of the priced rows sorted again)."""
    n = len(frame)
    value, missing = np.zeros(n, dtype=bool), np.ones(n, dtype=bool)
    notes: list[str] = []
    pos = np.flatnonzero(~np.isnan(values := frame["post_money_usd"].to_numpy("float64")))
    values = values[pos]
    company = frame["company"].to_numpy(object)[pos]
    day = frame["date"].to_numpy("datetime64[D]")[pos].astype("int64")
    gap = np.diff(day, prepend=day[:1])
    new = np.ones(len(pos), dtype=bool)
    new[1:] = (company[1:] != company[:-1]) | (gap[1:] > WINDOW_DAYS)
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], len(pos))[: len(starts)]
    low_all = frame["post_money_low_usd"].to_numpy("float64")[pos] * (1 - AGREEMENT)
    high_all = frame["post_money_high_usd"].to_numpy("float64")[pos] * (1 + AGREEMENT)
    records = frame["record"].to_numpy()[pos]
    for a, b in zip(starts, stops, strict=True):
        if b - a < 2:
            continue
        low, high = low_all[a:b], high_all[a:b]
        fits = (low[:, None] <= high[None, :]) & (low[None, :] <= high[:, None])
        # a cluster chains events a window apart: only those within a window are compared
        days = day[a:b]
        fits |= np.abs(days[:, None] - days[None, :]) > WINDOW_DAYS
        ok = fits.all(axis=1)  # a row fits itself: low <= high
        value[pos[a:b]], missing[pos[a:b]] = ok, False
        if not ok.all():
            shown = ", ".join(
                f"{format_usd(v)} ({r})" for r, v in zip(records[a:b], values[a:b], strict=True)
            )
            notes.append(f"{company[a]}: implied valuations of one period disagree: {shown}")
    agrees = pd.Series(pd.arrays.BooleanArray(value, missing), index=frame.index)
    return agrees, notes


def _missing_words(frame: pd.DataFrame) -> list[str]:
    """What each row lacks, in words (its columns read as lists: no frame of those rows)."""
    out: list[str] = []
    cells = [frame[c].tolist() for c in ("company", "record", "missing", "holder", "paid_usd")]
    for company, record, lacking, holder, paid_usd in zip(*cells, strict=True):
        if lacking == "":
            continue
        paid = f" ({format_usd(paid_usd)} paid by {holder})" if holder else ""
        hint = "; give assume_share= to see what a share would imply" * ("share bought" in lacking)
        out.append(f"{company}: {lacking} is not reported for {record}" + paid + hint)
    return out


def valuation(
    source: Ledger | Mapping[str, pd.DataFrame],
    company: str | None = None,
    *,
    as_of: AsOf = None,
    assume_share: AssumedShare | None = None,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Valuation:
    """The implied valuation of every priced event of ``company`` (``None``: every company)
    dated by ``as_of`` (``{company: date}``: each company's own date; see the module docs), in
    US dollars.

    Columns (:data:`VALUATION_COLUMNS`): ``company``, ``record``, ``kind``, ``event`` (round,
    primary, secondary or purchase), ``holder``, ``date``, ``status``, ``method``, ``paid_usd``,
    ``share``/``_low``/``_high`` (the share bought), ``price_per_share_usd``, ``shares_total``
    (the company's shares used), ``pre_money_usd``, ``post_money_usd``/``_low_usd``/``_high_usd``,
    ``assumed`` (priced with ``assume_share``), ``missing`` (what the sources lack) and
    ``agrees``.

    >>> import aicapex as ac
    >>> v = valuation(ac.load(ac.bundled_data()), "scale-ai")
    >>> v.frame[["record", "missing"]].to_dict("records")
    [{'record': 'meta-scale-ai-2025', 'missing': 'the share bought'}]
    >>> v.reason is not None
    True
    >>> valuation(ac.load(ac.bundled_data()), "scale-ai", assume_share="49%").frame["post_money_usd"].round(-8).tolist()
    [29200000000.0]
    """  # noqa: E501
    inputs: StakeInputs = stake_inputs(source, company, as_of, conflicts, known_on)
    used: list[str] = []
    said: list[str] = []  # assumptions: shares bought read from shares, new money of rounds
    rows: list[dict[str, Any]] = []
    for c in sorted(set(inputs.stakes_of) | set(inputs.rounds_of)):
        mine_s, mine_r = inputs.stakes_of.get(c, []), inputs.rounds_of.get(c, [])
        totals = _totals(mine_s, mine_r, inputs.counts_of.get(c, []))
        rows += _round_rows(mine_r, totals, used)
        rounds = rounds_by_id(mine_r, inputs.aside)  # by the ids of all their reports
        rows += _stake_rows(mine_s, rounds, totals, assume_share, used, said)
    frame = typed_rows(rows, _ROW_COLUMNS)  # ('agrees', the last column, found once sorted)
    frame = frame.sort_values(["company", "date", "record"], kind="stable", ignore_index=True)
    frame["agrees"], notes = _agreement(frame)
    missing = _missing_words(frame)
    reason = None
    if company is not None and not frame["post_money_usd"].notna().any():
        why = "; ".join(missing) if missing else "no priced event (a round's valuation or price, "
        why += "" if missing else "or a purchase's price) by " + as_of_text(as_of, company)
        reason = f"no implied valuation of {company!r}: {why}"
    assumed = frame["assumed"].to_numpy().any()
    assumptions = [
        "a stake of share S bought for P implies a post-money valuation of P / S",
        "a round's price per share times the fully diluted shares is its post-money valuation",
        f"implied valuations agree when their ranges, widened by {percent(AGREEMENT)}, meet "
        f"(events within {WINDOW_DAYS} days of each other)",
    ]
    assumptions += said
    if assumed:
        assumptions.append(f"scenario: the shares missing from the sources are {assume_share!r}")
    return Valuation(
        frame,
        record_index(used),
        tuple(assumptions),
        tuple(missing + notes),
        reason,
        params={
            "company": company,
            "as_of": as_of_param(as_of),
            "assume_share": None if assume_share is None else str(assume_share),
            "conflicts": conflicts,
            "known_on": known_on,
        },
    )
