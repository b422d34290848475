"""Capital stacks: who put what into a joint venture or special-purpose vehicle, and what its
lessee pays.

Each piece's share of its kind (equity or debt) and of the whole is its amount over the sum of
the amounts reported (the whole is the stated ``total`` when the vehicle has one). A piece
without an amount has no share, and the vehicle's shares are then of what is known (a warning
says so). The lease's annual payment is ``lease_payment`` per year, else ``lease_total`` over the
lease's years (whole months from its start to its end).
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any

import numpy as np

from aicapex.analysis.dealskit import (
    aside_warning,
    deal_ledger,
    dollars,
    kept_records,
    named_and_kept,
    yearly,
)
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.stakeskit import typed_rows
from aicapex.dates import DateLike, PartialDate
from aicapex.records import Vehicle
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["STACK_COLUMNS", "CapitalStack", "capital_stack", "lease_months"]

#: The columns of :func:`capital_stack`'s frame and their dtypes.
STACK_COLUMNS: dict[str, str] = {
    "record": "str",
    "vehicle": "str",
    "kind": "str",
    "status": "str",
    "date": "datetime64[ns]",
    "participant": "str",
    "piece": "str",
    "amount_usd": "float64",
    "amount_low_usd": "float64",
    "amount_high_usd": "float64",
    "share_of_kind": "float64",
    "share_of_total": "float64",
    "total_usd": "float64",
    "total_method": "str",
    "buys": "str",
    "seller": "str",
    "lessee": "str",
    "lease_start": "datetime64[ns]",
    "lease_end": "datetime64[ns]",
    "lease_months": "float64",
    "lease_annual_usd": "float64",
    "lease_total_usd": "float64",
    "lease_method": "str",
}


class CapitalStack(Result):
    """The result of :func:`capital_stack`: one row per piece of each vehicle (one row with no
    piece for a vehicle whose pieces are not reported)."""

    NAME = "capital_stack"


def lease_months(start: PartialDate | None, end: PartialDate | None) -> float:
    """Whole months from the month ``start`` begins to the month ``end`` ends, both counted
    (NaN without both): ``2026`` to ``2030`` is 60.

    >>> lease_months(PartialDate.parse("2026"), PartialDate.parse("2030"))
    60.0
    """
    if start is None or end is None:
        return math.nan
    first, last = start.sort_key()[0], end.sort_key()[1]
    return float((last.year - first.year) * 12 + last.month - first.month + 1)


def _lease(ledger: Ledger, v: Vehicle) -> dict[str, Any]:
    months = lease_months(v.lease_start, v.lease_end)
    annual = yearly(ledger, v, v.lease_payment, v.lease_start or v.date)[0]
    total = dollars(ledger, v, v.lease_total, v.lease_start or v.date)[0]
    method = "lease_payment per year" if annual == annual else ""
    if annual != annual and total == total and months == months:
        annual, method = total / (months / 12), "lease_total over the lease's years"
    if total != total and annual == annual and months == months:
        total = annual * months / 12
    return {
        "lessee": v.lessee or "",
        "lease_start": v.lease_start.sort_key()[0] if v.lease_start else None,
        "lease_end": v.lease_end.sort_key()[1] if v.lease_end else None,
        "lease_months": months,
        "lease_annual_usd": annual,
        "lease_total_usd": total,
        "lease_method": method,
    }


def _rows(ledger: Ledger, v: Vehicle) -> list[dict[str, Any]]:
    head = {
        "record": v.id,
        "vehicle": v.vehicle,
        "kind": v.kind.value,
        "status": v.status.value,
        "date": v.date.sort_key()[0],
        "buys": v.buys or "",
        "seller": v.seller or "",
        **_lease(ledger, v),
    }
    total = dollars(ledger, v, v.total, v.date)[0]
    head["total_usd"] = total
    head["total_method"] = "reported" if total == total else "the sum of the pieces"
    if not v.pieces:
        head["total_method"] = "reported" if total == total else ""
        return [{**head, "participant": "", "piece": ""}]
    rows = []
    for p in v.pieces:
        amount = dollars(ledger, v, p.amount, v.date)
        rows.append(
            {
                **head,
                "participant": p.participant or "undisclosed",
                "piece": p.kind.value,
                "amount_usd": amount[0],
                "amount_low_usd": amount[1],
                "amount_high_usd": amount[2],
            }
        )
    return rows


def _sums(keys: list[Any], values: list[float]) -> dict[Any, float]:
    """Each key's sum of ``values`` as ``groupby(keys, sort=False).sum()`` finds it, to the last
    bit: when every key's rows come together and no value is NaN, ``np.add.reduceat`` over
    them (pandas' route then); else each key's compensated (Kahan) sum in row order, NaN
    skipped, 0 for none (its Cython route)."""
    codes: dict[Any, int] = {}
    ids = [codes.setdefault(k, len(codes)) for k in keys]
    array = np.array(values, dtype="float64")
    if all(a <= b for a, b in itertools.pairwise(ids)) and not np.isnan(array).any():
        starts = np.flatnonzero(np.r_[True, np.diff(ids) != 0]) if ids else np.zeros(0, int)
        found = np.add.reduceat(array, starts).tolist() if ids else []
        return dict(zip(codes, found, strict=True))
    totals = dict.fromkeys(codes, 0.0)
    compensation = dict.fromkeys(codes, 0.0)
    for key, value in zip(keys, values, strict=True):
        if value != value:
            continue
        y = value - compensation[key]
        t = totals[key] + y
        c = t - totals[key] - y
        compensation[key] = 0.0 if c != c else c  # an infinity: none (as pandas)
        totals[key] = t
    return totals


def _shares(rows: list[dict[str, Any]]) -> list[str]:
    """Each piece's ``share_of_kind`` and ``share_of_total`` (of the stated total, else the
    amounts' sum; NaN when not above 0) set in ``rows``, and the warnings of pieces without an
    amount and vehicles without pieces: what groupby transforms of their frame gave, in Python
    (the pieces are few; two transforms, three casts and two filters cost ~1 ms)."""
    nan = math.nan
    amount = [float(nan if (a := r.get("amount_usd", nan)) is None else a) for r in rows]
    kinds = _sums([(r["record"], r["piece"]) for r in rows], amount)
    records = _sums([r["record"] for r in rows], amount)
    for row, value in zip(rows, amount, strict=True):
        stated = float(nan if (t := row["total_usd"]) is None else t)
        whole = records[row["record"]] if stated != stated else stated
        row["total_usd"] = whole if whole > 0 else nan
        of_kind = kinds[(row["record"], row["piece"])]
        row["share_of_kind"] = value / of_kind if of_kind > 0 else nan
        row["share_of_total"] = value / row["total_usd"]
    unknown = [r["record"] for r, a in zip(rows, amount, strict=True) if r["piece"] and a != a]
    bare = [r["record"] for r in rows if r["piece"] == ""]
    return [
        *(
            f"{r}: a piece without an amount (shares are of the amounts reported)"
            for r in dict.fromkeys(unknown)
        ),
        *(f"{r}: no equity or debt pieces reported" for r in bare),
    ]


def capital_stack(
    source: Ledger,
    vehicle: str | None = None,
    *,
    known_on: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
) -> CapitalStack:
    """Each participant's share of equity, of debt and of the whole of each vehicle ``vehicle``
    names (a vehicles record's id, an entity: the vehicle itself, a participant, its seller or
    lessee, or ``None`` for all), and the lease's annual payments where given (see the module
    docs).

    Columns (:data:`STACK_COLUMNS`): ``record``, ``vehicle``, ``kind``, ``status``, ``date``,
    ``participant`` (``undisclosed`` when not named), ``piece`` (equity or debt),
    ``amount_usd`` (and its ends), ``share_of_kind``, ``share_of_total``, ``total_usd`` and
    ``total_method``, ``buys``, ``seller``, ``lessee``, ``lease_start``, ``lease_end``,
    ``lease_months``, ``lease_annual_usd``, ``lease_total_usd`` and ``lease_method``. Reports
    of one vehicle in conflict count once (``conflicts=``: the latest reported by default; the
    others are named in the warnings), unless named by id.

    >>> import aicapex as ac
    >>> capital_stack(ac.load(ac.bundled_data()), "openai").warnings
    ('nvidia-leasing-entity-2025: no equity or debt pieces reported',)
    """
    ledger = deal_ledger(source, known_on, "capital_stack")
    if vehicle is None or vehicle not in ledger or ledger[vehicle].KIND == "vehicles":
        fields = ("vehicle", "lessee", "seller")
        found, aside = named_and_kept(ledger, "vehicles", vehicle, fields, conflicts)
    else:  # an entity: its vehicles, as the vehicle, lessee, seller or a participant
        found = [
            v
            for v in ledger.records("vehicles")
            if isinstance(v, Vehicle)
            and (
                vehicle in (v.vehicle, v.lessee, v.seller)
                or any(p.participant == vehicle for p in v.pieces)
            )
        ]
        found, aside = kept_records(ledger, "vehicles", found, conflicts)
    rows = [row for v in found if isinstance(v, Vehicle) for row in _rows(ledger, v)]
    warnings = _shares(rows)
    frame = typed_rows(rows, STACK_COLUMNS)  # as typed_frame builds it, a column at a time
    warnings += aside_warning(aside, conflicts)
    reason = f"no vehicle of {vehicle!r}" if vehicle is not None and not rows else None
    return CapitalStack(
        frame,
        record_index([v.id for v in found]),
        (
            "each piece's share is its amount over the amounts reported (or the stated total)",
            "a lease's annual payment is its rate per year, else its total over its years",
        ),
        tuple(warnings),
        reason,
        params={
            "vehicle": vehicle,
            "known_on": None if known_on is None else str(known_on),
            "conflicts": conflicts,
        },
    )
