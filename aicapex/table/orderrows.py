"""The money of GPU orders in the flows table: capital spending (category ``capex``).

An order with a known value (its ``total``, else ``unit_price`` times ``quantity``) makes:

- a commitment row at its order date (the start of its span): status ``committed`` for
  committed and delivered orders, ``announced`` for announced ones (rumoured and in-talks
  orders make no rows; cancelled and failed ones: the last point);
- the cash it costs, for committed and delivered orders: its ``payments`` when the order gives
  them (status ``paid``, each on its date); otherwise the order is paid as its units arrive, in
  proportion to them: each actual delivery is ``paid`` on its date, and the scheduled units not
  delivered yet (the latest schedules: deliveries use up the earliest first) are ``scheduled``
  payments on their dates. A delivered order that records no actual delivery is delivered as
  scheduled, else at its order date (:func:`aicapex.table.gpus.implied_deliveries`): ``paid``
  on those dates, in full. Money out dated only to a span leaves at its first day.
- a cancelled or failed order makes no commitment and no scheduled payments, but what it paid
  before it ended is spent: its ``payments``, else its actual deliveries, by units
  (:mod:`aicapex.table.endedorders`).

The commitment and the payments are the same money seen twice (promised, then paid): analyses
count one or the other by status (burn and runway count ``paid`` and ``scheduled`` capex,
never the commitment). The cents of an order's payments by units sum exactly to its value when
every unit is delivered or scheduled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.table.columns import first_source, index_of, take
from aicapex.table.endedorders import ended_orders
from aicapex.table.flowrows import (
    Piece,
    concat_flows,
    end_factors,
    flow_columns,
    to_cents,
    usd_rate,
)
from aicapex.table.gpus import implied_deliveries

__all__ = ["CAPEX", "order_flows", "order_pieces"]

#: The category of GPU orders' money.
CAPEX = "capex"

_COMMITTED = ("committed", "delivered")


def _values(
    orders: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Each order's value (its currency's units), US dollars per unit, currency and the factors
    of its low and high ends."""
    total = orders["total"].to_numpy("float64")
    unit = orders["unit_price"].to_numpy("float64") * orders["quantity"].to_numpy(
        "float64", na_value=np.nan
    )
    use_total = ~np.isnan(total)
    value = np.where(use_total, total, unit)
    usd = np.where(use_total, usd_rate(orders, "total"), usd_rate(orders, "unit_price"))
    total_low, total_high = end_factors(orders, "total")
    unit_low, unit_high = end_factors(orders, "unit_price")
    ends = (np.where(use_total, total_low, unit_low), np.where(use_total, total_high, unit_high))
    currency = np.where(
        use_total,
        orders["total_currency"].to_numpy(dtype=object),
        orders["unit_price_currency"].to_numpy(dtype=object),
    )
    return value, usd, currency, np.asarray(use_total), ends


def _rows(
    orders: pd.DataFrame,
    idx: np.ndarray,
    date: np.ndarray,
    cents: np.ndarray,
    status: np.ndarray | str,
    usd: np.ndarray,
    currency: np.ndarray,
    ends: tuple[np.ndarray, np.ndarray],
    source: pd.Categorical,
) -> Piece:
    buyer = take(orders["buyer"], idx)  # (the frame's categoricals, by their codes)
    return flow_columns(
        date=np.asarray(date, dtype="datetime64[D]"),
        entity=buyer,
        direction=-1,
        payer=buyer,
        payee=take(orders["vendor"], idx),
        cents=np.asarray(cents, dtype=np.int64),
        currency=currency[idx],
        rate_usd=usd[idx],
        ends=(ends[0][idx], ends[1][idx]),
        category=CAPEX,
        status=status,
        basis="actual",
        kind="gpu_orders",
        record=orders["id"].array.take(idx),
        source=pd.Categorical.from_codes(np.asarray(source.codes)[idx], dtype=source.dtype),
    )


def _by_units(
    orders: pd.DataFrame, deliveries: pd.DataFrame, value_cents: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Payments by units for orders without payments: (order position, date, cents, status)
    per delivered or still-scheduled piece."""
    of = index_of(orders["id"].to_numpy(dtype=object), deliveries["order"].to_numpy(dtype=object))
    ok = of >= 0
    d = deliveries[ok]
    of = of[ok]
    delivered = d["status"].to_numpy(dtype=object) == "delivered"
    units = d["quantity"].to_numpy("int64", na_value=0)
    start = d["date_start"].to_numpy("datetime64[D]")
    # scheduled units left once deliveries use up the earliest schedules
    got = np.bincount(of[delivered], weights=units[delivered], minlength=len(orders))
    sched = ~delivered
    s_of, s_units, s_day = of[sched], units[sched], start[sched]
    o = np.lexsort((s_day.astype(np.int64), s_of))
    s_of, s_units, s_day = s_of[o], s_units[o], s_day[o]
    cum = np.cumsum(s_units)
    group_base = pd.Series(cum - s_units).groupby(s_of).transform("first").to_numpy()
    c_end = cum - group_base
    c_start = c_end - s_units
    left = np.clip(c_end - np.maximum(got[s_of], c_start), 0, s_units)
    keep = left > 0
    of_all = np.concatenate([of[delivered], s_of[keep]])
    units_all = np.concatenate([units[delivered], left[keep]])
    day_all = np.concatenate([start[delivered], s_day[keep]])
    status = np.concatenate(
        [
            np.full(int(delivered.sum()), "paid", dtype=object),
            np.full(int(keep.sum()), "scheduled", dtype=object),
        ]
    )
    o = np.lexsort((day_all.astype(np.int64), of_all))
    of_all, units_all, day_all, status = of_all[o], units_all[o], day_all[o], status[o]
    quantity = orders["quantity"].to_numpy("float64", na_value=np.nan)[of_all]
    cum_units = np.cumsum(units_all)
    before = (
        cum_units
        - units_all
        - pd.Series(cum_units - units_all).groupby(of_all).transform("first").to_numpy()
    )
    after = before + units_all
    v = value_cents[of_all].astype(np.float64)
    cents = np.rint(v * np.minimum(after / quantity, 1.0)) - np.rint(
        v * np.minimum(before / quantity, 1.0)
    )
    return of_all, day_all, cents.astype(np.int64), status


def order_flows(
    orders: pd.DataFrame, deliveries: pd.DataFrame, payments: pd.DataFrame
) -> pd.DataFrame:
    """The flows rows of GPU orders (see the module docs)."""
    return concat_flows(order_pieces(orders, deliveries, payments))


def order_pieces(
    orders: pd.DataFrame, deliveries: pd.DataFrame, payments: pd.DataFrame
) -> list[Piece]:
    """:func:`order_flows` in pieces, not yet concatenated (:func:`concat_flows` of them)."""
    if orders.empty:
        return []
    # a delivered order without delivery records: delivered as scheduled, else at its order
    # date (the GPU movements' rule), so paid by those units, in full
    deliveries = implied_deliveries(orders, deliveries)
    value, usd, currency, _, ends = _values(orders)
    status = orders["status"].to_numpy(dtype=object)
    ended = ended_orders(status)
    live = ~np.isnan(value) & (np.isin(status, [*_COMMITTED, "announced"]) | ended)
    if not live.any():
        return []
    orders = orders[live].reset_index(drop=True)
    value, usd, currency = value[live], usd[live], currency[live]
    ends = (ends[0][live], ends[1][live])
    status, ended = status[live], ended[live]
    source = first_source(orders["sources"])
    value_cents = to_cents(value)
    n = len(orders)
    promised = np.flatnonzero(~ended)  # an ended order's promise is gone, not what it paid
    pieces = [
        _rows(
            orders,
            promised,
            orders["order_date_start"].to_numpy("datetime64[D]")[promised],
            value_cents[promised],
            np.where(status[promised] == "announced", "announced", "committed"),
            usd,
            currency,
            ends,
            source,
        )
    ]
    firm = np.isin(status, _COMMITTED) | ended
    ids = orders["id"].to_numpy(dtype=object)
    paid_by_payments = np.zeros(n, dtype=bool)
    if not payments.empty:
        p_of = index_of(ids, payments["order"].to_numpy(dtype=object))
        ok = (p_of >= 0) & firm[np.maximum(p_of, 0)]
        if ok.any():
            pay = payments[ok]
            p_of = p_of[ok]
            paid_by_payments[p_of] = True
            p_ends = end_factors(pay, "amount")
            pieces.append(
                flow_columns(
                    date=pay["date_start"].to_numpy("datetime64[D]"),
                    entity=take(orders["buyer"], p_of),
                    direction=-1,
                    payer=take(orders["buyer"], p_of),
                    payee=take(orders["vendor"], p_of),
                    cents=to_cents(pay["amount"].to_numpy("float64")),
                    currency=pay["amount_currency"],
                    rate_usd=usd_rate(pay, "amount"),
                    ends=p_ends,
                    category=CAPEX,
                    status="paid",
                    basis="actual",
                    kind="gpu_orders",
                    record=ids[p_of],
                    source=pd.Categorical.from_codes(
                        np.asarray(source.codes)[p_of], dtype=source.dtype
                    ),
                )
            )
    by_units = firm & ~paid_by_payments
    has_deliveries = np.zeros(n, dtype=bool)
    if by_units.any() and not deliveries.empty:
        d_of = index_of(ids, deliveries["order"].to_numpy(dtype=object))
        mine = (d_of >= 0) & by_units[np.maximum(d_of, 0)]
        # an ended order pays for the units that came, none of those still scheduled
        actual = deliveries["status"].to_numpy(dtype=object) == "delivered"
        mine &= actual | ~ended[np.maximum(d_of, 0)]
        if mine.any():
            of, day, cents, st = _by_units(orders, deliveries[mine], value_cents)
            has_deliveries[of] = True
            pieces.append(_rows(orders, of, day, cents, st, usd, currency, ends, source))
    at_order = by_units & ~has_deliveries & (status == "delivered")
    if at_order.any():
        idx = np.flatnonzero(at_order)
        pieces.append(
            _rows(
                orders,
                idx,
                orders["order_date_start"].to_numpy("datetime64[D]")[idx],
                value_cents[idx],
                "paid",
                usd,
                currency,
                ends,
                source,
            )
        )
    return pieces
