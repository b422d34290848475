"""The report's sections on GPUs and money that goes round: fleets, reallocations, loops,
round-trip shares and related-party items, per company (see :mod:`aicapex.report`).

Each builder takes the report's context (the ledger, its flows, the companies and their report
dates) and returns company id -> JSON-ready data; companies with nothing to show are left out.
Every analysis runs once for the whole ledger.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of
from aicapex.analysis.fleet import COUNTED, counted_moves, gpu_fleet, gpu_targets
from aicapex.analysis.loops import cycles
from aicapex.analysis.realloc import reallocations
from aicapex.analysis.related import related_parties
from aicapex.analysis.result import cents as _num
from aicapex.analysis.result import jsonable
from aicapex.analysis.roundtrip import ALL, round_trip
from aicapex.table.columns import is_in
from aicapex.table.frames import ledger_frame

__all__ = ["fleets", "gpu_companies", "loops", "realloc_section", "related", "round_trips"]


def _int(value: Any) -> int | None:
    v = jsonable(value)
    return None if v is None else int(v)


#: A fleet's columns each company and SKU totals over its periods, in the report's order.
_TOTALS = ("ordered", "scheduled", "delivered", "moved_in", "moved_out")


def _dates(ctx: Any) -> dict[str, np.datetime64]:
    """Each company's report date (its last day); companies without one are left out."""
    return {str(c): day_of(w, end=True) for c, w in ctx.when.items() if w is not None}


def _until(ctx: Any, companies: pd.Series | np.ndarray) -> np.ndarray:
    """The report date of each row's company (NaT: none), looked up in a dict (a Series of
    the dates reindexed by the rows cost ~0.4 ms a call; the rows are few)."""
    days, nat = _dates(ctx), np.datetime64("NaT", "ns")
    rows = companies.to_numpy(object) if isinstance(companies, pd.Series) else companies
    return np.array([days.get(c, nat) for c in rows], dtype="datetime64[ns]")


def fleets(ctx: Any) -> dict[str, Any]:
    """Per company: units per SKU (totals, and position and on hand at the end) and its GPU
    targets against what was delivered, each as of the company's report date (what moved after
    it is left out, as the other sections leave out what came after)."""
    companies = set(ctx.when)
    # the orders counted, of the whole table (a move's order may be dated after a company's
    # date), then each company's rows up to its date
    moves = counted_moves(ctx.ledger, "latest", COUNTED)
    until = _until(ctx, moves["entity"])
    day = moves["date"].to_numpy("datetime64[ns]")
    mine = is_in(moves["entity"], tuple(companies))  # by its codes
    keep = mine & (np.isnat(until) | (day <= until))
    fleet = gpu_fleet(moves[keep], freq="Y", statuses=COUNTED).frame
    out: dict[str, Any] = {}
    # per company and SKU at once: the totals, and the last period's row (the group's last);
    # the fleet is sorted by entity, SKU and period: each group's rows come together
    entity, sku = (fleet[k].to_numpy(object) for k in ("entity", "sku"))
    new = np.ones(len(fleet) + 1, dtype=bool)  # where a group starts, and the end
    new[1:-1] = (entity[1:] != entity[:-1]) | (sku[1:] != sku[:-1])
    first, end = np.flatnonzero(new[:-1]), np.flatnonzero(new[1:])
    sums = [np.add.reduceat(fleet[k].to_numpy("int64"), first) for k in _TOTALS]
    # through the fleet's last year, or the company's report date when that year ends after
    # it (the counts stop there: "through 2024-01-31", not "through 2024")
    period = fleet["period"].to_numpy("datetime64[ns]")[end]
    cap = _until(ctx, entity[first])
    one_day = np.timedelta64(1, "D")
    year_end = (period.astype("datetime64[Y]") + 1).astype("datetime64[ns]") - one_day
    capped = ~np.isnat(cap) & (year_end > cap)
    # each group's year as text (never NaT: a fleet's periods are dates), not an Index's
    # strftime
    years = np.datetime_as_string(np.where(capped, cap, period), unit="Y").tolist()
    totals = zip(*sums, strict=True)
    ends = zip(*(fleet[k].to_numpy()[end] for k in ("position", "on_hand")), years, strict=True)
    groups = zip(entity[first], sku[first], strict=True)
    for (company, model), counts, (position, on_hand, through), at_date in zip(
        groups, totals, ends, capped, strict=True
    ):
        through = str(ctx.when[str(company)]) if at_date else through
        out.setdefault(str(company), {"skus": {}, "targets": []})["skus"][str(model)] = {
            **{k: int(v) for k, v in zip(_TOTALS, counts, strict=True)},
            "position": int(position),
            "on_hand": int(on_hand),
            "through": through,
        }
    targets = ledger_frame(ctx.ledger, "gpu_targets")  # read only
    aiming = set(targets["entity"].to_numpy(object)) & companies if len(targets) else set()
    # one gpu_targets for every company, each as of its own report date
    dated = {company: ctx.when[company] for company in aiming}
    rows = [
        row for row in gpu_targets(ctx.ledger, as_of=dated).rows() if str(row["entity"]) in aiming
    ]
    for row in rows:
        company = str(row["entity"])
        out.setdefault(company, {"skus": {}, "targets": []})["targets"].append(
            {
                "target": row["target"],
                "sku": row["sku"],
                "units": row["units"],
                "by": row["by"],
                "delivered": row["delivered"],
                "expected": row["expected"],
                "gap": row["gap"],
                "met": row["met"],
            }
        )
    return out


def realloc_section(ctx: Any) -> dict[str, Any]:
    """Per company: the reallocations it gave or got, with counterpart, delay and value."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in reallocations(ctx.ledger).rows():
        item = {
            "reallocation": row["reallocation"],
            "date": row["date"],
            "from": row["from_entity"],
            "to": row["to_entity"],
            "sku": row["sku"],
            "units": row["units"],
            "counterpart": row["counterpart"],
            "net_units": row["net_units"],
            "delay_months": _num(row["delay_months"]),
            "delay_days_low": _num(row["delay_days_low"]),
            "delay_days_high": _num(row["delay_days_high"]),
            "value": _num(row["value_usd"]),
            "value_low": _num(row["value_low_usd"]),
            "value_high": _num(row["value_high_usd"]),
            "value_figure": row["value_figure"],
            "price_basis": row["price_basis"],
        }
        for company in {row["from_entity"], row["to_entity"]} & ctx.when.keys():
            out.setdefault(str(company), []).append(item)
    return out


def _source(ctx: Any) -> Any:
    """The ledger, or the flows of companies with dollars when some have none."""
    return ctx.priced if ctx.unpriced else ctx.ledger


def loops(ctx: Any) -> dict[str, Any]:
    """Per company: the money loops through it, largest first."""
    found = ctx.once("cycles", lambda: cycles(_source(ctx))).frame
    out: dict[str, list[dict[str, Any]]] = {}
    cells = [found[c].to_numpy(object) for c in _LOOPS]  # read once, not to_dict's rows
    for values in zip(*cells, strict=True):
        row = dict(zip(_LOOPS, values, strict=True))
        members = set(str(row["path"]).split(" > ")) if row["enumerated"] else set()
        for company in members & ctx.when.keys():
            out.setdefault(company, []).append(
                {
                    "window": row["window"],
                    "basis": row["basis"],
                    "path": row["path"],
                    "legs": row["legs"],
                    "amount": _num(row["amount_usd"]),
                    "smallest_leg": row["smallest_leg"],
                    "circulation": _num(row["circulation_usd"]),
                }
            )
    return out


#: The columns of :func:`~aicapex.analysis.loops.cycles` a report shows.
_LOOPS = (
    "window",
    "basis",
    "path",
    "legs",
    "amount_usd",
    "smallest_leg",
    "circulation_usd",
    "enumerated",
)


def round_trips(ctx: Any) -> dict[str, Any]:
    """Per company, as customer or vendor: the share of purchases its vendor funded, by
    window and basis, where the vendor invested in it."""
    frame = round_trip(_source(ctx)).frame
    # the columns read once and the rows picked as arrays, not the frame filtered twice and
    # made into dicts (~0.8 ms)
    cells = {c: frame[c].to_numpy(object) for c in _ROUND_TRIP}
    invested = frame["invested_usd"].to_numpy("float64")
    keep = (cells["customer"] != ALL) & (cells["window"] != "all") & (invested > 0)
    out: dict[str, list[dict[str, Any]]] = {}
    for values in zip(*(cells[c][keep] for c in _ROUND_TRIP), strict=True):
        row = dict(zip(_ROUND_TRIP, values, strict=True))
        item = {
            "vendor": row["vendor"],
            "customer": row["customer"],
            "window": row["window"],
            "basis": row["basis"],
            "invested": _num(row["invested_usd"]),
            "purchases": _num(row["purchases_usd"]),
            "funded": _num(row["funded_usd"]),
            "share": _num(row["share"]),
        }
        for company in {row["vendor"], row["customer"]} & ctx.when.keys():
            out.setdefault(str(company), []).append(item)
    return out


#: The columns of :func:`~aicapex.analysis.roundtrip.round_trip` a report shows.
_ROUND_TRIP = (
    "vendor",
    "customer",
    "window",
    "basis",
    "invested_usd",
    "purchases_usd",
    "funded_usd",
    "share",
)


def related(ctx: Any) -> dict[str, Any]:
    """Per company: flows, reallocations, contracts and orders with related parties."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in related_parties(ctx.ledger).rows():
        item = {
            "kind": row["kind"],
            "record": row["record"],
            "date": row["date"],
            "from": row["from_entity"],
            "to": row["to_entity"],
            "what": row["what"],
            "basis": row["basis"],
            "amount": _num(row["amount_usd"]),
            "units": _int(row["units"]),
            "controllers": row["controllers"],
        }
        for company in {row["from_entity"], row["to_entity"]} & ctx.when.keys():
            out.setdefault(str(company), []).append(item)
    return out


def gpu_companies(ledger: Any) -> list[tuple[str, str]]:
    """``(party, last day)`` of each GPU order, reallocation and target: a company that only
    orders, receives or aims for GPUs (no money, no stakes) has a report of its fleet."""
    out: list[tuple[str, str]] = []
    for kind, parties, day in (
        ("gpu_orders", ("buyer",), "order_date_end"),
        ("gpu_reallocations", ("from_entity", "to_entity"), "date_end"),
        ("gpu_targets", ("entity",), "by_end"),
    ):
        frame = ledger_frame(ledger, kind)  # read only: the ledger's own
        if frame.empty:
            continue
        values = frame[day].to_numpy("datetime64[ns]")  # a day's text, None for no day
        days = np.datetime_as_string(values, unit="D").astype(object)
        days[np.isnat(values)] = None
        for party in parties:
            pairs = zip(frame[party].to_numpy(object), days.tolist(), strict=True)
            out += [(str(p), str(d)) for p, d in pairs if isinstance(p, str) and isinstance(d, str)]
    return out
