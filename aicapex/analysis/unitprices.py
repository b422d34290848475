"""Unit prices of GPUs implied by the records, and the conversions between GPUs and power.

Where a unit price comes from, per row of :func:`gpu_prices` (``basis``):

- ``order total``: an order's total over its quantity ("more than $500M" for 12,000 H100 is at
  least $41,667 a unit: the figure's kind carries over, a bound stays a bound). Only orders of
  the statuses counted (``statuses=``, by default ``committed`` and ``delivered``, as
  :func:`~aicapex.analysis.fleet.gpu_fleet` counts them): a cancelled, failed or rumoured
  order's price is no price paid. ``unit_usd`` is over the base figure the GPU tables count (a
  range's midpoint: "10,000 to 12,000" GPUs for $330M is $30,000 a unit); ``unit_low_usd`` is
  the total's low end over the count's high end and ``unit_high_usd`` its high end over the
  count's low end (the order frame's ``quantity_low``/``quantity_high``: a range's ends, an
  open figure's at the ledger's widths), so $330M over "10,000 to 12,000" is $27,500 to
  $33,000 a unit, a ``range`` figure (an exact total over a count that is not exact); a count
  whose low end is 0 (``up to 12,000``) gives no high end (NaN: a ``lower`` figure);
- ``order unit price``: an order's own unit price;
- ``priced quantity``: a price record with a ``quantity`` of GPUs ("$500M, equivalent to a 10k
  H100 system"): its one-off price over the units;
- ``lease``: a compute contract leasing (or renting) a number of GPUs: its annual run rate
  (its rate, else its ramp's yearly mean, else its total over its term, as
  :func:`~aicapex.analysis.contracts.contract_terms` takes it) over the units is a price per
  unit-year, and per unit-hour over 8,766 hours (a year of
  365.25 days): "$2.0B for 16,000 GPUs over 5 years" is $25,000 a unit-year, about $2.85 a
  unit-hour.

GPUs and gigawatts convert only through ``assumptions`` records (:func:`conversion`), never
silently: a result that converts names the record it used.

>>> import aicapex as ac
>>> p = ac.gpu_prices(ac.load(ac.bundled_data()), "H100")
>>> sorted(set(p.frame["basis"]))[:1]
['order total']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from aicapex.analysis.common import DateLike, as_known_on, check_sku
from aicapex.analysis.dealskit import kept_frame, masked
from aicapex.analysis.fleet import check_statuses
from aicapex.analysis.result import Result, record_index
from aicapex.money import format_usd
from aicapex.table.columns import is_in
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.endedorders import counted_status
from aicapex.table.flowrows import month_count, span_days
from aicapex.table.frames import ledger_frame

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "HOURS_PER_YEAR",
    "PRICE_COLUMNS",
    "GpuPrices",
    "conversion",
    "conversions",
    "gpu_prices",
    "price_rows",
    "ramp_totals",
    "unrated",
]

#: Hours in a year of 365.25 days.
HOURS_PER_YEAR = 8766.0

_DTYPES = {
    "sku": "object",
    "date": "datetime64[ns]",
    "basis": "object",
    "record": "object",
    "entity": "object",
    "counterparty": "object",
    "units": "float64",
    "total_usd": "float64",
    "unit_usd": "float64",
    "unit_low_usd": "float64",
    "unit_high_usd": "float64",
    "figure": "object",
    "per_unit_year_usd": "float64",
    "per_unit_hour_usd": "float64",
}

#: Columns of :attr:`GpuPrices.frame`.
PRICE_COLUMNS = tuple(_DTYPES)


class GpuPrices(Result):
    """The result of :func:`gpu_prices`: a row per record that prices GPUs."""

    NAME = "gpu_prices"


def _frames(source: Any, kinds: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        return {k: ledger_frame(source, k) for k in kinds}  # read only: not copies
    return {k: source[k] for k in kinds if k in source}


#: Rows of :func:`gpu_prices` as columns by name (typed as its frame has them; see :func:`_part`).
Part = dict[str, np.ndarray]


def _part(columns: Mapping[str, Any], keep: np.ndarray | None = None) -> Part:
    """The rows ``keep`` of ``columns`` (arrays, or scalars for every row) as
    ``pd.DataFrame(columns)[keep].astype(_DTYPES)`` has them: text is inferred as text by that
    frame, so its missing cells are NaN once cast back (other object columns keep None). Parts
    are joined and sorted as arrays, one frame built at the end (:func:`price_rows`): a frame
    per kind, their concatenation, cast and sort cost ~4 ms of the report's ~8 ms of prices."""
    n = len(columns["units"])
    out: Part = {}
    for name, dtype in _DTYPES.items():
        value = columns[name]
        if dtype == "object":
            cells = np.full(n, value, dtype=object) if np.ndim(value) == 0 else value
            cells = np.asarray(cells, dtype=object)
            if infer_dtype(cells, skipna=True) == "string":
                cells = np.where(pd.isna(cells), np.nan, cells)
        elif np.ndim(value) == 0:
            cells = np.full(n, value, dtype=dtype)
        else:
            cells = np.asarray(value, dtype=dtype)
        out[name] = cells if keep is None else cells[keep]
    return out


def _from_orders(orders: pd.DataFrame) -> Part:
    if orders.empty:
        return {}
    qty = orders["quantity"].to_numpy("float64", na_value=np.nan)
    # the count's ends (frames built before they were columns: the count itself)
    few, many = (
        orders[f"quantity_{e}"].to_numpy("float64", na_value=np.nan)
        if f"quantity_{e}" in orders
        else qty
        for e in ("low", "high")
    )
    total = orders["total_usd"].to_numpy("float64")
    by_total = ~np.isnan(total)
    unit = np.where(by_total, total / qty, orders["unit_price_usd"].to_numpy("float64"))
    with np.errstate(divide="ignore", invalid="ignore"):  # a low end of 0: no high end
        over_few = np.where(few > 0, orders["total_high_usd"].to_numpy("float64") / few, np.nan)
    low = np.where(
        by_total,
        orders["total_low_usd"].to_numpy("float64") / many,
        orders["unit_price_low_usd"].to_numpy("float64"),
    )
    high = np.where(by_total, over_few, orders["unit_price_high_usd"].to_numpy("float64"))
    total_kind = orders["total_kind"].to_numpy(object)
    spread = by_total & (few != many) & (total_kind == "exact")  # an exact sum over a range
    figure = np.where(
        by_total,
        np.where(spread, np.where(np.isnan(high), "lower", "range"), total_kind),
        orders["unit_price_kind"].astype("object"),
    )
    keep = ~np.isnan(unit)
    return _part(
        {
            "sku": orders["sku"].to_numpy(object),
            "date": orders["order_date_start"].to_numpy("datetime64[ns]"),
            "basis": np.where(by_total, "order total", "order unit price"),
            "record": orders["id"].to_numpy(object),
            "entity": orders["buyer"].to_numpy(object),
            "counterparty": orders["vendor"].to_numpy(object),
            "units": qty,
            "total_usd": np.where(by_total, total, unit * qty),
            "unit_usd": unit,
            "unit_low_usd": low,
            "unit_high_usd": high,
            "figure": figure,
            "per_unit_year_usd": np.nan,
            "per_unit_hour_usd": np.nan,
        },
        keep,
    )


def _from_prices(prices: pd.DataFrame) -> Part:
    if prices.empty or "quantity" not in prices:
        return {}
    gpus = is_in(prices["quantity_unit"], ("gpu",))  # by its codes
    priced = gpus & prices["one_off_usd"].notna().to_numpy() & (prices["quantity"] > 0).to_numpy()
    qty = masked(prices, "quantity", priced, "float64")
    one_off = masked(prices, "one_off_usd", priced, "float64")
    return _part(
        {
            "sku": masked(prices, "quantity_sku", priced, "object"),
            "date": masked(prices, "effective_start", priced, "datetime64[ns]"),
            "basis": "priced quantity",
            "record": masked(prices, "id", priced, "object"),
            "entity": masked(prices, "company", priced, "object"),
            "counterparty": None,
            "units": qty,
            "total_usd": one_off,
            "unit_usd": one_off / qty,
            "unit_low_usd": masked(prices, "one_off_low_usd", priced, "float64") / qty,
            "unit_high_usd": masked(prices, "one_off_high_usd", priced, "float64") / qty,
            "figure": masked(prices, "one_off_kind", priced, "object"),
            "per_unit_year_usd": np.nan,
            "per_unit_hour_usd": np.nan,
        }
    )


def _months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Months from each ``start`` day to each ``end`` day (both counted): whole months when the
    span runs from a month's first day to a month's last, else days over 365.25 / 12 (July 15
    to the next July 14 is 11.99 months, not the 13 calendar months it touches)."""
    days = span_days(start, end)  # 0 for whole months (and spans without an end)
    counted = month_count(start.astype("datetime64[M]"), end)
    months: np.ndarray = np.where(days > 0, days / (365.25 / 12.0), counted.astype("float64"))
    months[np.isnat(start) | np.isnat(end)] = np.nan
    return months


def annual_run_rate(contracts: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each contract's US dollars a year (its rate; else its total over its term) and its term
    in years (NaN without an end): whole months over 12 when it runs from a month's first day
    to a month's last, else days over 365.25."""
    start = contracts["start_start"].to_numpy("datetime64[D]")
    end = contracts["end_end"].to_numpy("datetime64[D]")
    term = np.where(np.isnat(end), np.nan, _months(start, end) / 12.0)
    rate = contracts["rate_usd_per_month"].to_numpy("float64") * 12.0
    by_total = contracts["total_value_usd"].to_numpy("float64") / term
    return np.where(np.isnan(rate), by_total, rate), term


def ramp_totals(ramps: pd.DataFrame) -> pd.DataFrame:
    """Per contract with a ramp (the index): its steps' ``sum`` (USD; a rate step is its rate
    over the step's months: whole ones from a month's first day to a month's last, else days
    over 365.25 / 12), their ``yearly`` mean (the sum over the steps' months, times 12),
    ``text`` and ``kind`` (the steps' figure kind when they share one, else ``mixed``)."""
    if ramps.empty:
        return pd.DataFrame(
            {"sum": [], "yearly": [], "text": [], "kind": []}, index=pd.Index([], dtype=object)
        )
    start = ramps["period_start"].to_numpy("datetime64[D]")
    end = ramps["period_end"].to_numpy("datetime64[D]")
    months = _months(start, end)
    by_rate = ramps["rate_usd_per_month"].to_numpy("float64") * months
    is_rate = ramps["rate"].notna().to_numpy()
    amount = np.where(is_rate, by_rate, ramps["amount_usd"].to_numpy("float64"))
    kind = np.where(
        is_rate, ramps["rate_kind"].astype("object"), ramps["amount_kind"].astype("object")
    )
    text = [
        f"{p}: {format_usd(a)}"
        for p, a in zip(ramps["period_start"].dt.strftime("%Y-%m"), amount, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "contract": ramps["contract"].to_numpy(object),
            "amount": amount,
            "months": months,
            "text": text,
            "kind": kind,
        }
    )
    g = frame.groupby("contract", sort=False)
    kinds = g["kind"].agg(lambda k: k.iloc[0] if k.nunique(dropna=False) == 1 else "mixed")
    # a step without dollars (no exchange rate) leaves the sum unknown, not smaller
    total = g["amount"].sum(min_count=1).where(g["amount"].count() == g.size())
    return pd.DataFrame(
        {
            "sum": total,
            "yearly": total / g["months"].sum() * 12.0,
            "text": g["text"].agg("; ".join),
            "kind": kinds,
        }
    )


def _from_leases(contracts: pd.DataFrame, ramps: pd.DataFrame) -> Part:
    if contracts.empty:
        return {}
    gpus = is_in(contracts["capacity_unit"], ("gpu",))
    c = contracts[gpus & (contracts["capacity"] > 0).to_numpy()]
    if c.empty:
        return {}
    yearly, term = annual_run_rate(c)
    # the run rate as contract_terms takes it: the rate, else the ramp's yearly mean, else the
    # total over the term (a lease priced only by its ramp had no price)
    ramp = ramp_totals(ramps).reindex(c["id"].to_numpy(object))
    rated = c["rate_usd_per_month"].notna().to_numpy()
    by_ramp = ~rated & ramp["sum"].notna().to_numpy()
    yearly = np.where(by_ramp, ramp["yearly"].to_numpy("float64"), yearly)
    units = c["capacity"].to_numpy("float64")
    keep = ~np.isnan(yearly)
    per_year = yearly / units
    stated = c["total_value_usd"].to_numpy("float64")
    total = np.where(
        ~np.isnan(stated),
        stated,
        np.where(by_ramp, ramp["sum"].to_numpy("float64"), yearly * term),
    )
    figure = np.where(
        c["rate"].notna(),
        c["rate_kind"].astype("object"),
        np.where(by_ramp, ramp["kind"].to_numpy(object), c["total_value_kind"].astype("object")),
    )
    return _part(
        {
            "sku": c["capacity_sku"].to_numpy(object),
            "date": c["start_start"].to_numpy("datetime64[ns]"),
            "basis": "lease",
            "record": c["id"].to_numpy(object),
            "entity": c["buyer"].to_numpy(object),
            "counterparty": c["seller"].to_numpy(object),
            "units": units,
            "total_usd": total,
            "unit_usd": np.nan,
            "unit_low_usd": np.nan,
            "unit_high_usd": np.nan,
            "figure": figure,
            "per_unit_year_usd": per_year,
            "per_unit_hour_usd": per_year / HOURS_PER_YEAR,
        },
        keep,
    )


def gpu_prices(
    source: Ledger | Mapping[str, pd.DataFrame],
    sku: str | None = None,
    *,
    statuses: Iterable[str] = ("committed", "delivered"),
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> GpuPrices:
    """Unit prices of GPUs per SKU and date, one row per record that gives one (see the module
    docs for the bases), sorted by SKU and date. Orders count when of ``statuses`` (by default
    committed and delivered: a cancelled order's price was never paid).

    Columns: ``sku``, ``date``, ``basis``, ``record``, ``entity`` (the buyer or seller that
    priced them), ``counterparty``, ``units``, ``total_usd``, ``unit_usd`` (a purchase price per
    unit) with ``unit_low_usd``/``unit_high_usd`` and ``figure`` (the kind of the figure it comes
    from: exact, lower, range, ...), ``per_unit_year_usd`` and ``per_unit_hour_usd`` (leases).
    """
    statuses = check_statuses(statuses)
    kinds = ("gpu_orders", "prices", "compute_contracts")
    source, reported = as_known_on(source, known_on), source  # checks the source first
    if sku is not None:  # SKUs of every record, whenever known: a misspelt one is an error
        every = _frames(reported, kinds)  # the SKUs of orders, priced quantities and leases
        columns = (
            ("gpu_orders", "sku"),
            ("prices", "quantity_sku"),
            ("compute_contracts", "capacity_sku"),
        )
        check_sku(sku, *(every[k][c] for k, c in columns if k in every and c in every[k]))
    found, warnings = price_rows(source, statuses, conflicts, sku)
    at = pd.RangeIndex(len(found["units"]))  # object columns as Series: not inferred again
    typed = {
        c: pd.Series(v, at, object, copy=False) if v.dtype == object else v
        for c, v in found.items()
    }
    out = pd.DataFrame(typed, index=at, copy=False)
    return GpuPrices(
        frame=out,
        used_records=record_index(out["record"]),
        assumptions=(
            "unit prices from orders' totals over their quantities, their unit prices, and "
            "prices of quantities of GPUs; a bound or range of money stays one (unit_low/high)",
            f"orders of status {', '.join(statuses)}; an order's total over the base figure "
            "of its count the GPU tables count (a range's midpoint), unit_low/high over the "
            "count's high and low ends",
            "leases: the annual run rate (the rate, else the ramp's yearly mean, else the "
            "total over the term) over the "
            f"units; per unit-hour over {HOURS_PER_YEAR:,.0f} hours a year",
        ),
        warnings=tuple(warnings),
        params={"sku": sku, "statuses": statuses, "known_on": known_on},
    )


def price_rows(
    source: Ledger | Mapping[str, pd.DataFrame],
    statuses: tuple[str, ...],
    conflicts: ConflictPolicy,
    sku: str | None = None,
    *,
    leases: bool = True,
) -> tuple[Part, list[str]]:
    """The rows of :func:`gpu_prices` (of checked ``statuses``, of ``source`` as known) as
    columns, sorted by SKU, date and record (stable, missing values last, as ``sort_values``
    sorts them), and its warnings. Without ``leases``: the rows that price a purchase (orders
    and priced quantities: a lease has no unit price; the others keep their order), and no
    warnings."""
    kinds = ("gpu_orders", "prices", *(("compute_contracts", "ramps") if leases else ()))
    frames = _frames(source, (*kinds, "deliveries"))
    parts = []
    warnings: list[str] = []
    ramps = frames.get("ramps", pd.DataFrame())
    deliveries = frames.get("deliveries")
    builders = (
        ("gpu_orders", _from_orders),
        ("prices", _from_prices),
        ("compute_contracts", lambda kept: _from_leases(kept, ramps)),
    )
    for kind, build in builders[: 3 if leases else 2]:
        frame = frames.get(kind)
        if frame is not None and not frame.empty:
            kept = kept_frame(source, kind, conflicts, frame)
            if kind == "gpu_orders":  # conflicts resolved among all reports, as the fleet does
                # an order cancelled after some units came: their price was paid
                status = counted_status(kept, deliveries)
                kept = kept[np.isin(status, statuses)]
            parts.append(build(kept))
            if leases:
                warnings += _unrated_warnings(kind, kept, sku)
    parts = [p for p in parts if len(p) and len(p["units"])]
    if parts:
        out = {c: np.concatenate([p[c] for p in parts]) for c in _DTYPES}
    else:
        out = {c: np.array([], dtype=d) for c, d in _DTYPES.items()}
    if sku is not None:
        mine = out["sku"] == sku
        out = {c: v[mine] for c, v in out.items()}
    labels = []
    for key in ("record", "date", "sku"):  # as lexsort_indexer: sorted codes, missing last
        codes, uniques = pd.factorize(out[key], sort=True)
        labels.append(np.where(codes < 0, len(uniques), codes))
    order = np.lexsort(labels)
    return {c: v[order] for c, v in out.items()}, warnings


#: The money fields that price GPUs, per record kind, and the SKU column of the kind.
_PRICED = {
    "gpu_orders": (("total", "unit_price"), "sku"),
    "prices": (("one_off",), "quantity_sku"),
    "compute_contracts": (("rate", "total_value"), "capacity_sku"),
}


def unrated(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.Series:
    """Per record of ``frame`` (indexed by id): ``'<field> in <currency>'`` when a price is
    written (one of ``fields``) but none of them has a figure in US dollars (no exchange rate
    at its date), else None. Such a record's price is unknown in dollars: not to be replaced by
    another record's."""
    text = _unrated_text(frame, fields)
    return pd.Series(text, index=pd.Index(frame["id"].to_numpy(object)), dtype=object)


def _unrated_text(frame: pd.DataFrame, fields: tuple[str, ...]) -> np.ndarray:
    """:func:`unrated`'s values, row by row (None: priced in dollars, or no price)."""
    n = len(frame)
    written = np.zeros(n, dtype=bool)
    in_usd = np.zeros(n, dtype=bool)
    text = np.full(n, None, dtype=object)
    for field in fields:
        if field not in frame or f"{field}_usd" not in frame:
            continue
        given = frame[field].notna().to_numpy()
        usd = frame[f"{field}_usd"].notna().to_numpy()
        first = given & ~usd & ~written
        if first.any():  # the currencies read only where a figure lacks dollars
            currency = frame[f"{field}_currency"].to_numpy(object)
            text[first] = [f"{field} in {c}" for c in currency[first]]
        written |= given
        in_usd |= given & usd
    text[in_usd | ~written] = None
    return text


def _unrated_warnings(kind: str, frame: pd.DataFrame, sku: str | None) -> list[str]:
    """A warning per record of ``frame`` whose price has no figure in US dollars."""
    fields, sku_column = _PRICED[kind]
    text = _unrated_text(frame, fields)
    found = ~pd.isna(text)
    if not found.any():
        return []
    # leases and priced quantities of GPUs only; of the SKU asked for
    for kind_of, unit in (("compute_contracts", "capacity_unit"), ("prices", "quantity_unit")):
        if kind == kind_of and unit in frame:
            found &= (frame[unit].astype("object") == "gpu").to_numpy()
    if sku is not None and sku_column in frame:
        found &= (frame[sku_column].astype("object") == sku).to_numpy()
    ids = frame["id"].to_numpy(object)
    return [
        f"{record}: no price in US dollars (its {what} has no exchange rate at its date)"
        for record, what in zip(ids[found], text[found], strict=True)
    ]


def conversions(
    assumptions: pd.DataFrame,
    measure: str,
    dates: np.ndarray,
    skus: np.ndarray,
    entities: np.ndarray,
) -> list[tuple[float, str] | None]:
    """The factor of ``measure`` (``gpus_per_gw`` or ``usd_per_gw``) for many dates (NaT: the
    latest), each with a SKU and an entity: of those dated on or before it and naming its
    entity and SKU or none, the best fit (entity and SKU, entity, SKU, neither), then the
    latest, then the last in the ledger; ``(factor, record id)`` or None. The factors' columns
    are read once, each question asked of them with NumPy (the factors are few)."""
    out: list[tuple[float, str] | None] = [None] * len(dates)
    if assumptions.empty or not len(dates):
        return out
    a = assumptions[(assumptions["measure"].astype("object") == measure).to_numpy()]
    if a.empty:
        return out
    start = a["date_start"].to_numpy("datetime64[ns]")
    entity = a["entity"].to_numpy(object)
    sku = a["sku"].to_numpy(object)
    any_entity, any_sku = pd.isna(entity), pd.isna(sku)
    entity = np.where(any_entity, "", entity)  # compared only where given ('' is no id)
    sku = np.where(any_sku, "", sku)
    column = a["gpus"] if measure == "gpus_per_gw" else a["money_usd"]
    values = column.to_numpy(object)
    ids = a["id"].astype(str).to_numpy()
    order = np.arange(len(a))
    for i, (day, s, e) in enumerate(zip(dates, skus, entities, strict=True)):
        ok = np.ones(len(a), dtype=bool) if pd.isna(day) else start <= day
        same_e = np.zeros(len(a), dtype=bool) if pd.isna(e) else ~any_entity & (entity == e)
        same_s = np.zeros(len(a), dtype=bool) if pd.isna(s) else ~any_sku & (sku == s)
        ok &= (any_entity | same_e) & (any_sku | same_s)
        if not ok.any():
            continue
        rank = same_e.astype(int) * 2 + same_s.astype(int)
        # the best fit, then the latest, then the last of the ledger (as a stable sort's last)
        best = order[ok][np.lexsort((order[ok], start[ok], rank[ok]))[-1]]
        if not pd.isna(values[best]):
            out[i] = float(values[best]), str(ids[best])
    return out


def conversion(
    assumptions: pd.DataFrame,
    measure: str,
    date: np.datetime64 | None = None,
    *,
    sku: str | None = None,
    entity: str | None = None,
) -> tuple[float, str] | None:
    """The factor of ``measure`` (``gpus_per_gw`` or ``usd_per_gw``) that applies at ``date``
    (the latest dated on or before it; without a date, the latest), preferring one of the
    entity and SKU; returns ``(factor, record id)``, or None when the ledger has none (one
    question of :func:`conversions`, which holds the rule)."""
    day = np.datetime64("NaT", "ns") if date is None or pd.isna(date) else date
    asked = np.array([day], dtype="datetime64[ns]")
    one = np.array([sku], dtype=object), np.array([entity], dtype=object)
    return conversions(assumptions, measure, asked, *one)[0]
