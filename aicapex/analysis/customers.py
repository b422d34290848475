"""Customers: who brings a company its revenue, and what is left unnamed.

A company's revenue record for a period (the **total**) may have parts: revenue records ``of`` it
with a ``share`` (``40%``, a customer as ``counterparty``), or included in it (``included_in``)
with a customer and an amount. Each part's amount is the one reported, else its share of the
total (a derived amount: ``derived`` is true and ``method`` says ``40% of <id>``); its share is
the one reported, else its amount over the total. A part without a ``counterparty`` is a customer
the sources do not name. For each total, a last row (``kind`` ``rest``) gives what no part
accounts for: the total less the parts (amounts and shares).

Reports of one total in conflict count once (``conflicts=``, the latest reported by default,
as in the flows): the parts of a report set aside go with the report kept. A total given as a
rate counts its amount per year (``method`` says so). A part given as a rate
counts a year of it in a total a year, else its calendar months within the total's period
(``$2M/month`` of a total of 2024: $24M). Parts of a total that is
itself left out (``period=``, another company) are left out with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on, calendar_span
from aicapex.analysis.dealskit import typed_frame
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike, PartialDate
from aicapex.errors import suggest
from aicapex.table.conflicts import ConflictPolicy, fact_groups
from aicapex.table.conflicts import resolve as resolve_conflicts

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["CUSTOMER_COLUMNS", "Customers", "customers"]

#: The columns of :func:`customers`'s frame and their dtypes.
CUSTOMER_COLUMNS: dict[str, str] = {
    "company": "str",
    "total": "str",
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",
    "total_usd": "float64",
    "kind": "str",
    "customer": "str",
    "named": "bool",
    "record": "str",
    "share": "float64",
    "share_low": "float64",
    "share_high": "float64",
    "amount_usd": "float64",
    "amount_low_usd": "float64",
    "amount_high_usd": "float64",
    "derived": "bool",
    "method": "str",
}


class Customers(Result):
    """The result of :func:`customers`: one row per customer of each revenue total, and one for
    the rest."""

    NAME = "customers"


def _revenues(source: Any) -> pd.DataFrame:
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        return source.frame("revenues")
    frame = source.get("revenues")
    return Ledger().frame("revenues") if frame is None else frame


def _totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Each revenue record's figure in US dollars per its span (a rate: per year), and its
    period: from its date to its ``until`` (a rate running past its date), else its date's end."""
    rate = frame["rate_usd_per_month"] * 12
    per_year = frame["amount_usd"].isna() & rate.notna()
    return pd.DataFrame(
        {
            "total": frame["id"].astype(str),
            "company": frame["company"].astype("object").astype(str),
            "period_start": frame["date_start"],
            "period_end": frame["until_end"].fillna(frame["date_end"])
            if "until_end" in frame
            else frame["date_end"],
            "total_usd": frame["amount_usd"].where(~per_year, rate),
            "total_low_usd": frame["amount_low_usd"].where(
                ~per_year, frame["rate_low_usd_per_month"] * 12
            ),
            "total_high_usd": frame["amount_high_usd"].where(
                ~per_year, frame["rate_high_usd_per_month"] * 12
            ),
            "per_year": per_year,
        }
    )


def _kept_of(totals: pd.DataFrame, conflicts: ConflictPolicy) -> dict[str, str]:
    """Each revenue total set aside under ``conflicts`` (another report of a fact) -> the id
    of the report kept for that fact."""
    _, aside = resolve_conflicts(totals, "revenues", conflicts)
    if not aside:
        return {}
    dropped, ids = set(aside), totals["id"].to_numpy(object)
    out: dict[str, str] = {}
    for _, members in fact_groups(totals, "revenues").groupby("group", sort=True):
        names = [str(ids[i]) for i in members["row"]]
        kept = [n for n in names if n not in dropped]
        out.update({n: kept[0] for n in names if n in dropped and kept})
    return out


def _months(start: pd.Series, end: pd.Series, rows: pd.DataFrame) -> np.ndarray:
    """The calendar months from ``start`` to ``end`` (each counted whole, both included) within
    the rows' totals' periods (none: 0)."""
    first = np.maximum(
        start.to_numpy("datetime64[M]"), rows["period_start"].to_numpy("datetime64[M]")
    )
    last = np.minimum(end.to_numpy("datetime64[M]"), rows["period_end"].to_numpy("datetime64[M]"))
    count = (last - first).astype("int64") + 1
    out: np.ndarray = np.maximum(count, 0).astype("float64")
    return out


def customers(
    source: Ledger | Mapping[str, pd.DataFrame],
    company: str | None = None,
    period: DateLike | None = None,
    *,
    known_on: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
) -> Customers:
    """Amounts and shares per customer of ``company``'s revenue totals (``None``: every
    company's) whose dates fall within ``period`` (``None``: all), and what is left unnamed (see
    the module docs).

    Columns (:data:`CUSTOMER_COLUMNS`): ``company``, ``total`` (the revenue record the parts
    are of), ``period_start``/``period_end``, ``total_usd``, ``kind`` (customer or rest),
    ``customer`` (``""`` unnamed), ``named``, ``record``, ``share`` (with its ends),
    ``amount_usd`` (with its ends), ``derived`` (the amount from the share) and ``method``.
    """
    source = as_known_on(source, known_on)
    frame = _revenues(source)
    if company is not None:
        from aicapex.ledger import Ledger

        if isinstance(source, Ledger):
            known = {e.id for e in source.records("entities")}
        else:
            known = set(frame["company"].astype("object"))
        if company not in known:
            raise KeyError(f"unknown entity {company!r}{suggest(company, sorted(known))}")
    parent = frame["included_in"].astype("object")
    has_share = frame["share"].notna()
    is_part = parent.notna() & (frame["counterparty"].notna() | has_share)
    # each total once: the parts of a report set aside go with the report kept (as the flows)
    alias = _kept_of(frame[~is_part.to_numpy()], conflicts)
    parent = parent.map(lambda p: alias.get(p, p))
    parts, totals = frame[is_part.to_numpy()], _totals(frame)
    totals = totals[~totals["total"].isin(set(alias)).to_numpy()]
    totals = totals[totals["total"].isin(set(parent[is_part].astype(str))).to_numpy()]
    if company is not None:
        totals = totals[(totals["company"] == company).to_numpy()]
    if period is not None:
        span = calendar_span(period if isinstance(period, str | int | PartialDate) else str(period))
        start, end = (np.datetime64(d, "ns") for d in span)
        totals = totals[
            (totals["period_start"] >= start).to_numpy() & (totals["period_end"] <= end).to_numpy()
        ]
    rows = pd.DataFrame(
        {
            "total": parent[is_part].astype(str),
            "customer": parts["counterparty"].astype("object").fillna("").astype(str),
            "record": parts["id"].astype(str),
            "share_r": parts["share"],
            "share_low_r": parts["share_low"],
            "share_high_r": parts["share_high"],
            "amount_r": parts["amount_usd"],
            "amount_low_r": parts["amount_low_usd"],
            "amount_high_r": parts["amount_high_usd"],
            "rate_r": parts["rate_usd_per_month"],
            "rate_low_r": parts["rate_low_usd_per_month"],
            "rate_high_r": parts["rate_high_usd_per_month"],
            "part_start": parts["date_start"],
            "part_end": parts["until_end"].fillna(parts["date_end"])
            if "until_end" in parts
            else parts["date_end"],
        }
    ).merge(totals, on="total", how="inner")
    # a part given as a rate: a year of it (of a total a year), else its months in the total's
    # period
    months = np.where(
        rows["per_year"].astype(bool), 12.0, _months(rows["part_start"], rows["part_end"], rows)
    )
    by_rate = rows["amount_r"].isna() & rows["rate_r"].notna()
    for side in ("", "_low", "_high"):
        rows[f"amount{side}_r"] = rows[f"amount{side}_r"].where(
            ~by_rate, rows[f"rate{side}_r"] * months
        )
    reported = rows["amount_r"].notna()
    derived = ~reported & rows["share_r"].notna()
    rows["amount_usd"] = rows["amount_r"].where(reported, rows["share_r"] * rows["total_usd"])
    rows["amount_low_usd"] = rows["amount_low_r"].where(
        reported, rows["share_low_r"] * rows["total_low_usd"]
    )
    rows["amount_high_usd"] = rows["amount_high_r"].where(
        reported, rows["share_high_r"] * rows["total_high_usd"]
    )
    implied = rows["share_r"].isna()
    rows["share"] = rows["share_r"].where(~implied, rows["amount_usd"] / rows["total_usd"])
    rows["share_low"] = rows["share_low_r"].where(
        ~implied, rows["amount_low_usd"] / rows["total_high_usd"]
    )
    rows["share_high"] = rows["share_high_r"].where(
        ~implied, rows["amount_high_usd"] / rows["total_low_usd"]
    )
    pct = pd.Series([f"{100 * v:.4g}%" for v in rows["share_r"]], index=rows.index, dtype=object)
    per_year = pd.Series(
        np.where(rows["per_year"].astype(bool), " a year", ""), index=rows.index, dtype=object
    )
    rows["method"] = np.where(
        derived,
        pct + " of " + rows["total"] + per_year,
        np.where(implied, "amount / " + rows["total"], "as reported"),
    )
    rated = pd.Series(
        [
            f"its rate over {m:g} months of " if m != 12 or not y else "its rate a year of "
            for m, y in zip(months, rows["per_year"].astype(bool), strict=True)
        ],
        index=rows.index,
        dtype=object,
    )
    share_words = np.where(implied, "amount / " + rows["total"], "share as reported")
    rows["method"] = np.where(
        by_rate & reported, rated + rows["total"] + "; " + share_words, rows["method"]
    )
    rows = rows.assign(kind="customer", named=rows["customer"] != "", derived=derived)
    sums = rows.groupby("total")[
        ["amount_usd", "amount_low_usd", "amount_high_usd", "share", "share_low", "share_high"]
    ].sum(min_count=1)
    rest = totals.set_index("total").join(sums, how="left").reset_index()
    rest = rest.assign(
        kind="rest",
        customer="",
        named=False,
        record="",
        derived=False,
        method="the total less the customers",
        amount_usd=rest["total_usd"] - rest["amount_usd"].fillna(0),
        # the rest is least when the customers are most: the ends swap
        amount_low_usd=rest["total_low_usd"] - rest["amount_high_usd"].fillna(0),
        amount_high_usd=rest["total_high_usd"] - rest["amount_low_usd"].fillna(0),
        share=1 - rest["share"].fillna(0),
        share_low=1 - rest["share_high"].fillna(0),
        share_high=1 - rest["share_low"].fillna(0),
    )
    out = pd.concat([rows, rest], ignore_index=True) if len(rest) else rows
    out = out.assign(_rest=(out["kind"] == "rest").astype(int))
    out = out.sort_values(
        ["company", "period_start", "total", "_rest", "amount_usd"],
        ascending=[True, True, True, True, False],
        kind="stable",
        ignore_index=True,
    )
    result = typed_frame(out, CUSTOMER_COLUMNS)
    warnings = [
        f"{r['total']}: customers add up to more than the total ({r['amount_usd']:,.0f} USD left)"
        for r in result[(result["kind"] == "rest").to_numpy()].to_dict("records")
        if r["amount_usd"] < 0
    ]
    reason = None
    if company is not None and result.empty:
        reason = f"no revenue of {company!r} with customers' shares or amounts"
    used = [*result["record"][result["record"] != ""], *result["total"]]
    return Customers(
        result,
        record_index(used),
        (
            "a customer's amount is the one reported, else its share of the total",
            "what no customer accounts for is the total less the customers",
        ),
        tuple(warnings),
        reason,
        params={
            "company": company,
            "period": None if period is None else str(period),
            "known_on": None if known_on is None else str(known_on),
            "conflicts": conflicts,
        },
    )
