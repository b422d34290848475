"""The money of compute contracts in the flows table.

- Only live contracts schedule money: ``signed`` ones (status ``scheduled``) and ``announced``
  ones (status ``announced``); rumoured, in-talks, cancelled and failed contracts make no rows.
  A contract whose total or rate is a ceiling (``up to $100B``) is ``conditional``: a
  contractual maximum, never counted as moved by default.
- A flat contract: its rate over start..end (a rate with no end: one year of it, the twelve
  months from its start's), or its total over start..end (a total with no end: all at the
  start); rows on the first day of each month, in exact cents. A rate counts whole months over
  a span from a month's first day to a month's last, else the span's days over 365.25 / 12
  (July 15 to the next July 14: 11.99 months); a span off month boundaries is split by its
  days, as expenses are (:func:`~aicapex.table.flowrows.spread_span`: each whole month the
  rate, the partial first and last months the rest by their days); else evenly.
- A contract with a ``ramp`` is scheduled by its ramp alone: each step's amount spread over its
  period, or its rate over the period (its months, or its days as above); its total or flat
  rate, if also given, is not scheduled again (:func:`aicapex.analysis.contracts.
  contract_terms` compares them).
- Categories by arrangement: ``lease``, ``purchase``, and ``compute`` for cloud, colocation and
  other arrangements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.table.columns import first_source, index_of, notna, take
from aicapex.table.flowrows import (
    Piece,
    concat_flows,
    day_numbers,
    end_factors,
    flow_columns,
    month_count,
    rate_cents,
    span_days,
    spread_span,
    to_cents,
    usd_rate,
)

__all__ = ["ARRANGEMENT_CATEGORY", "contract_flows", "contract_pieces", "contract_status"]

#: The flows category of each arrangement.
ARRANGEMENT_CATEGORY = {
    "lease": "lease",
    "purchase": "purchase",
    "cloud": "compute",
    "colocation": "compute",
    "other": "compute",
}

_LIVE = {"signed": "scheduled", "announced": "announced"}


def contract_status(frame: pd.DataFrame) -> np.ndarray:
    """Each contract's flows status: ``scheduled`` (signed), ``announced``, ``conditional``
    (a ceiling), or None (no money: rumoured, in talks, cancelled, failed)."""
    given = frame["status"]
    if isinstance(given.dtype, pd.CategoricalDtype):  # each category mapped once (missing: None)
        labels = [_LIVE.get(c) for c in given.cat.categories.tolist()]
        status = np.array([*labels, None], dtype=object)[given.cat.codes.to_numpy()]
    else:
        status = given.astype("object").map(_LIVE).to_numpy(object, copy=True)
    ceiling = np.zeros(len(frame), dtype=bool)
    for name in ("total_value", "rate"):
        column = f"{name}_kind"
        if column in frame:
            ceiling |= frame[column].to_numpy(dtype=object) == "ceiling"
    live = ~pd.isna(status)
    status[live & ceiling] = "conditional"
    status[~live] = None
    return status


def _rows(
    frame: pd.DataFrame,
    idx: np.ndarray,
    month: np.ndarray,
    cents: np.ndarray,
    usd: np.ndarray,
    ends: tuple[np.ndarray, np.ndarray],
    currency: np.ndarray,
    status: np.ndarray,
) -> Piece:
    buyer = take(frame["buyer"], idx)  # (the frame's categoricals, by their codes)
    category = frame["arrangement"].astype("object").map(ARRANGEMENT_CATEGORY).to_numpy()
    return flow_columns(
        date=month,
        entity=buyer,
        direction=-1,
        payer=buyer,
        payee=take(frame["seller"], idx),
        cents=cents,
        currency=currency[idx],
        rate_usd=usd[idx],
        ends=(ends[0][idx], ends[1][idx]),
        category=category[idx],
        status=status[idx],
        basis="actual",
        kind="compute_contracts",
        record=frame["id"].array.take(idx),
        source=take(first_source(frame["sources"]), idx),
    )


def _flat(frame: pd.DataFrame, status: np.ndarray) -> Piece:
    frame = frame.reset_index(drop=True)
    start = day_numbers(frame["start_start"])
    end = day_numbers(frame["end_end"])
    is_rate = notna(frame["rate"])
    first = start.astype("datetime64[M]")
    # a rate with no end: one year of it, the twelve months from its start's
    open_rate = np.isnat(end) & is_rate
    year_end = (first + 12).astype("datetime64[D]") - np.timedelta64(1, "D")
    end = np.where(np.isnat(end), np.where(is_rate, year_end, start), end)
    n = np.maximum(month_count(first, end), 1)
    days = np.where(open_rate, 0, span_days(start, end))  # a span within months: its days
    by_rate = rate_cents(frame["rate"].to_numpy("float64"), frame["rate_per"], n, days)
    total = np.where(
        is_rate, by_rate, to_cents(np.nan_to_num(frame["total_value"].to_numpy("float64")))
    )
    # by days where the span is off month boundaries (a rate with no end: its whole months)
    span_start = np.where(open_rate, first.astype("datetime64[D]"), start)
    rate = np.where(is_rate, frame["rate"].to_numpy("float64"), np.nan)
    idx, month, cents = spread_span(
        total.astype(np.int64), first, n, span_start, end, rate, frame["rate_per"]
    )
    usd = np.where(is_rate, usd_rate(frame, "rate"), usd_rate(frame, "total_value"))
    ends = tuple(
        np.where(is_rate, r, t)
        for r, t in zip(end_factors(frame, "rate"), end_factors(frame, "total_value"), strict=True)
    )
    currency = np.where(
        is_rate,
        frame["rate_currency"].to_numpy(dtype=object),
        frame["total_value_currency"].to_numpy(dtype=object),
    )
    return _rows(frame, idx, month, cents, usd, ends, currency, status)  # type: ignore[arg-type]


def _ramped(frame: pd.DataFrame, ramps: pd.DataFrame, status: np.ndarray) -> Piece:
    """One piece per ramp step: its amount spread over its period, or its rate over it."""
    of = index_of(frame["id"].to_numpy(dtype=object), ramps["contract"].to_numpy(dtype=object))
    ok = of >= 0
    steps, of = ramps[ok].reset_index(drop=True), of[ok]
    start = day_numbers(steps["period_start"])
    end = day_numbers(steps["period_end"])
    first = start.astype("datetime64[M]")
    n = np.maximum(month_count(first, end), 1)
    is_rate = notna(steps["rate"])
    by_rate = rate_cents(
        steps["rate"].to_numpy("float64"), steps["rate_per"], n, span_days(start, end)
    )
    total = np.where(is_rate, by_rate, to_cents(np.nan_to_num(steps["amount"].to_numpy("float64"))))
    rate = np.where(is_rate, steps["rate"].to_numpy("float64"), np.nan)
    idx, month, cents = spread_span(
        total.astype(np.int64), first, n, start, end, rate, steps["rate_per"]
    )
    usd = np.where(is_rate, usd_rate(steps, "rate"), usd_rate(steps, "amount"))
    ends = tuple(
        np.where(is_rate, r, t)
        for r, t in zip(end_factors(steps, "rate"), end_factors(steps, "amount"), strict=True)
    )
    currency = np.where(
        is_rate,
        steps["rate_currency"].to_numpy(dtype=object),
        steps["amount_currency"].to_numpy(dtype=object),
    )
    # the rows name their contract: index the contract columns by each step's contract
    parent = frame.iloc[of].reset_index(drop=True)
    return _rows(
        parent,
        idx,
        month,
        cents,
        usd,
        ends,  # type: ignore[arg-type]
        currency,
        status[of],
    )


def contract_flows(frame: pd.DataFrame, ramps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The flows rows of compute contracts (see the module docs); ``ramps`` is the ``ramps``
    frame (none: no contract has a ramp)."""
    return concat_flows(contract_pieces(frame, ramps))


def contract_pieces(frame: pd.DataFrame, ramps: pd.DataFrame | None = None) -> list[Piece]:
    """:func:`contract_flows` in pieces, not yet concatenated (:func:`concat_flows` of them)."""
    if frame.empty:
        return []
    status = contract_status(frame)
    live = ~pd.isna(status)
    ramped = np.zeros(len(frame), dtype=bool)
    if ramps is not None and not ramps.empty:
        with_ramp = set(ramps["contract"].to_numpy(dtype=object).tolist())
        ramped = frame["id"].isin(with_ramp).to_numpy()
    valued = notna(frame["rate"]) | notna(frame["total_value"])
    pieces = []
    flat = live & valued & ~ramped
    if flat.any():  # (every row: the frame as it is, not a copy of its rows; _flat renumbers)
        pieces.append(_flat(frame if flat.all() else frame[flat], status[flat]))
    ramp_rows = live & ramped
    if ramp_rows.any() and ramps is not None:
        pieces.append(_ramped(frame[ramp_rows].reset_index(drop=True), ramps, status[ramp_rows]))
    return pieces
