"""The report's ownership section: holders and implied valuations of the companies that have
stakes or priced rounds (:func:`aicapex.ownership`, :func:`aicapex.valuation`), as JSON-ready
data per company. Amounts are US dollars rounded to the cent, shares fractions (``0.205``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.ownership import ownership
from aicapex.analysis.result import cents as _num
from aicapex.analysis.valuation import valuation
from aicapex.ledger import Ledger

__all__ = ["owned_companies", "ownership_section"]


def owned_companies(ledger: Ledger) -> dict[str, str]:
    """Companies with stakes or priced rounds (their ownership and implied valuations), and
    the last day of the latest of those records (a fiscal year by its owner's year end, as the
    frames span it: ``FY2025`` of a year ending June 30 ends on 2025-06-30). Found once per
    ledger (the report's dates and its ownership section read them); a new dict each call."""
    return dict(ledger.memo(("owned_companies",), lambda: _owned(ledger)))


def _owned(ledger: Ledger) -> dict[str, str]:
    """:func:`owned_companies` of ``ledger``, found."""
    stakes, rounds = ledger.frame("stakes"), ledger.frame("funding_rounds")
    priced = np.zeros(len(rounds), dtype=bool)
    for figure in ("pre_money", "post_money", "price_per_share"):
        priced |= rounds[figure].notna().to_numpy()
    parts = [(stakes, np.ones(len(stakes), dtype=bool)), (rounds, priced)]
    company = np.concatenate([f["company"].to_numpy(object)[r] for f, r in parts])
    day = np.concatenate([f["date_end"].to_numpy("datetime64[ns]")[r] for f, r in parts])
    day = day.view(np.int64)
    # each company's latest day (NaT, the least int64, only where it has no other), by name
    codes, names = pd.factorize(company, sort=True)
    latest = np.full(len(names), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(latest, codes[codes >= 0], day[codes >= 0])
    has = latest != np.iinfo(np.int64).min
    days = np.datetime_as_string(latest[has].view("datetime64[ns]"), unit="D").tolist()
    return dict(zip(map(str, np.asarray(names, dtype=object)[has]), days, strict=True))


def ownership_section(ledger: Ledger, when: Mapping[str, str | None]) -> dict[str, Any]:
    """Each company's holders and implied valuations at its report date ``when[company]``
    (``None``: by its latest records): one ownership and one valuation for all of them, each
    company at its own date. Companies without stakes or priced events get ``{}``."""
    owned = owned_companies(ledger)
    out: dict[str, Any] = {c: {} for c in when}
    dated = {c: day for c, day in when.items() if c in owned}
    if not dated:
        return out
    held = ownership(ledger, as_of=dated)  # one pass: each company at its own report date
    valued = valuation(ledger, as_of=dated)
    held_by: dict[str, list[dict[str, Any]]] = {}
    for row in held.rows():  # one conversion for every company
        held_by.setdefault(str(row["company"]), []).append(_holder(row))
    valued_by: dict[str, list[dict[str, Any]]] = {}
    for row in valued.rows():
        valued_by.setdefault(str(row["company"]), []).append(_value(row))
    notes_of: dict[str, list[str]] = {}  # each warning under the companies it starts with
    for w in (*held.warnings, *valued.warnings):
        for i, ch in enumerate(w):  # an id may hold colons: each prefix ending at one
            if ch == ":" and w[:i] in dated:
                notes_of.setdefault(w[:i], []).append(w)
    for company, day in dated.items():
        holders, values = held_by.get(company), valued_by.get(company)
        if holders is None and values is None:
            continue
        notes = notes_of.get(company, [])
        out[company] = {
            "as_of": day,
            "holders": holders or [],
            "valuations": values or [],
            "warnings": notes,
        }
    return out


def _holder(row: dict[str, Any]) -> dict[str, Any]:
    """A holder of the ownership section: its share on the basis known (basic first)."""
    diluted_only = row["share_basic"] is None and row["share_diluted"] is not None
    basis = "diluted" if diluted_only else "basic"
    return {
        "holder": row["holder"],
        "status": row["status"],
        "counted": row["counted"],
        "basis": basis,
        "share": row[f"share_{basis}"],
        "share_low": row[f"share_{basis}_low"],
        "share_high": row[f"share_{basis}_high"],
        "shares": row["shares"],
        "records": row["records"],
        "note": row["note"],
    }


def _value(row: dict[str, Any]) -> dict[str, Any]:
    """An implied valuation of the ownership section (US dollars)."""
    return {
        "record": row["record"],
        "date": row["date"],
        "method": row["method"],
        "post_money": _num(row["post_money_usd"]),
        "post_money_low": _num(row["post_money_low_usd"]),
        "post_money_high": _num(row["post_money_high_usd"]),
        "pre_money": _num(row["pre_money_usd"]),
        "missing": row["missing"] or None,
        "agrees": row["agrees"],
        "assumed": row["assumed"],
    }
