"""Arrears: bills outstanding at a date, per payer and provider, with age buckets.

A bill is in arrears at ``as_of`` once it has fallen due (its due date, else the end of its
usage period) and for what is unpaid then: billed minus the payments made by ``as_of`` (or, for
bills known only by their unpaid part, that part). Ages count days past due at ``as_of``: buckets
``0-30``, ``31-60``, ``61-90`` and ``90+`` days.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import (
    DateLike,
    as_known_on,
    as_widened,
    check_entity,
    day_of,
    require_usd,
    widths_param,
)
from aicapex.analysis.result import Result, record_index
from aicapex.figures import Widths
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["AGE_BUCKETS", "Arrears", "arrears", "pay_arrears"]

_ASSUMPTIONS = (
    "a bill falls due at its due date, else at the end of its usage period; what is unpaid is "
    "billed minus the payments made by as_of",
    "ages count days past due at as_of",
)

#: The columns of the flows :func:`arrears` reads of the bills' rows (``require_usd`` names
#: ``currency`` and ``record``).
_READ = (
    "payer", "payee", "date", "status", "amount", "currency", "amount_usd", "low_usd",
    "high_usd", "record",
)  # fmt: skip

#: Age buckets (days past due at ``as_of``: since the bill fell due, at its due date, else at the
#: end of its usage period), each a column of :func:`arrears`.
AGE_BUCKETS = ("0-30", "31-60", "61-90", "90+")


#: The columns of :func:`arrears`' frame, in order.
_COLUMNS = (
    "payer",
    "provider",
    "outstanding_usd",
    "bills",
    "oldest",
    *AGE_BUCKETS,
    "records",
    "outstanding_low_usd",
    "outstanding_high_usd",
)


class Arrears(Result):
    """The result of :func:`arrears`: ``.frame`` has a row per payer and provider."""

    NAME = "arrears"
    MONEY = frozenset(AGE_BUCKETS)


def arrears(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    as_of: DateLike | Mapping[str, DateLike],
    entity: str | None = None,
    *,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
) -> Arrears:
    """Outstanding bills at the end of ``as_of`` (a partial date: ``"2023-10-31"``, ``"2023-10"``),
    for the payer ``entity`` or every payer; ``as_of`` may also map each payer to its own date
    (payers it does not name are left out).

    Returns an :class:`Arrears` whose ``.frame`` has one row per payer and provider with
    unpaid bills: ``payer``, ``provider``, ``outstanding_usd`` (US dollars), ``bills`` (how
    many), ``oldest`` (the earliest date an unpaid bill fell due), one column per
    :data:`AGE_BUCKETS` (USD), and ``records`` (ids, comma-separated).

    >>> import aicapex as ac
    >>> a = ac.arrears(ac.load(ac.bundled_data()), as_of="2023-10-31")
    >>> round(float(a.frame["outstanding_usd"].sum()) / 1e6, 1)
    9.6
    """
    dates = as_of.values() if isinstance(as_of, Mapping) else (as_of,)
    if any(d is None for d in dates):  # NaT: every bill would be left out, silently
        raise ValueError(
            f"arrears needs as_of: a date (like '2023-10-31') or a date for each payer, got "
            f"{as_of!r}"
        )
    source = as_known_on(as_widened(source, widths), known_on)
    ends = (
        {k: day_of(v, end=True) for k, v in as_of.items()} if isinstance(as_of, Mapping) else None
    )
    end = day_of(as_of, end=True) if not isinstance(as_of, Mapping) else None
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)
    bills = np.flatnonzero((flows["kind"] == "cloud_bills").to_numpy())
    read = [int(flows.columns.get_loc(c)) for c in _READ if c in flows]  # type: ignore[arg-type]
    rows: pd.DataFrame = flows.iloc[bills, read]
    found = _plain_bills(rows, ends, end, entity)
    out, records = found if found is not None else _bills_frame(rows, ends, end, entity)
    params = {
        "entity": entity,
        "as_of": as_of,
        "conflicts": conflicts,
        "known_on": known_on,
        "widths": widths_param(widths),
    }
    return Arrears(out, records, _ASSUMPTIONS, params=params)


def _bills_frame(
    rows: pd.DataFrame,
    ends: dict[str, np.datetime64] | None,
    end: np.datetime64 | None,
    entity: str | None,
) -> tuple[pd.DataFrame, pd.Index]:
    """:func:`arrears`' frame and records of the cloud bills' ``rows`` (``ends``: each payer's
    last day, else ``end`` for all), in pandas: any columns a flows table may hold."""
    if ends is not None:
        row_end = rows["payer"].astype("object").map(ends).to_numpy("datetime64[ns]")
    else:
        row_end = np.full(len(rows), end, dtype="datetime64[ns]")
    rows = rows[rows["date"].to_numpy("datetime64[ns]") <= row_end]
    if entity is not None:
        rows = rows[(rows["payer"].astype("object") == entity).to_numpy()]
    require_usd(rows, "arrears")
    status = rows["status"].astype("object")
    paid = (status == "paid").to_numpy()
    sign = np.where(paid, -1.0, 1.0)
    usd = rows["amount_usd"]
    base = usd.to_numpy("float64")
    low, high = rows["low_usd"].fillna(usd).to_numpy(), rows["high_usd"].fillna(usd).to_numpy()
    # a bill is settled in its own currency: payments count at the bill's rate, not theirs
    # (paid in full is nothing owed, whatever the dollar did between billing and payment)
    to_bill = _at_bill_rate(rows, paid)
    base, low, high = base * to_bill, low * to_bill, high * to_bill
    owing = pd.DataFrame(  # (a frame of the three figures alone: not the rows' every column)
        {
            "owed": base * sign,
            # the least owed: the least billed, the most paid; the most owed: the reverse
            "owed_low": np.where(paid, -high, low),
            "owed_high": np.where(paid, -low, high),
        },
        index=rows.index,
    )
    billed = rows[~paid]
    record = rows["record"].astype("object")
    # one grouping per frame: the bills' sums, and their payer, provider and date (billed rows)
    sums = owing.groupby(record).sum()
    firsts = billed[["payer", "payee"]].groupby(record[~paid]).first()
    per_bill = pd.DataFrame(
        {
            "owed": sums["owed"],
            "owed_low": sums["owed_low"].clip(lower=0.0),
            "owed_high": sums["owed_high"].clip(lower=0.0),
            "payer": firsts["payer"].astype("object"),
            "provider": firsts["payee"].astype("object"),
            "date": billed["date"].groupby(record[~paid]).min(),
        }
    ).dropna(subset=["payer"])
    per_bill = per_bill[per_bill["owed"] > 0.005]
    if ends is not None:
        bill_end = per_bill["payer"].map(ends).to_numpy("datetime64[D]")
    else:
        bill_end = np.full(len(per_bill), end, dtype="datetime64[D]")
    age = (bill_end - per_bill["date"].to_numpy("datetime64[D]")).astype(np.int64)
    bucket = np.select([age <= 30, age <= 60, age <= 90], list(AGE_BUCKETS[:3]), AGE_BUCKETS[3])
    records = record_index(per_bill.index)
    if per_bill.empty:
        return _none_owed(), records
    # each age bucket's money owed: NaN elsewhere (a sum skips it, as a sum of the bucket's
    # rows alone: what a pivot of the buckets gave), in one grouping with the totals
    owed = per_bill["owed"].to_numpy("float64")
    by_age = {b: np.where(bucket == b, owed, np.nan) for b in AGE_BUCKETS}
    figures = pd.DataFrame(
        {
            "owed": owed,
            "owed_low": per_bill["owed_low"].to_numpy("float64"),
            "owed_high": per_bill["owed_high"].to_numpy("float64"),
            "date": per_bill["date"].array,
            **by_age,
        },
        index=per_bill.index,
    )
    grouped = figures.groupby([per_bill["payer"], per_bill["provider"]], sort=True)
    sums = grouped[["owed", "owed_low", "owed_high", *AGE_BUCKETS]].sum()
    # each group's bills, in the order of their ids (the bills are sorted by id: grouped)
    ids = per_bill.index.to_numpy(object)
    at = grouped.indices
    out = pd.DataFrame(
        {
            "outstanding_usd": sums["owed"],
            "outstanding_low_usd": sums["owed_low"],
            "outstanding_high_usd": sums["owed_high"],
            "bills": grouped.size(),
            "oldest": grouped["date"].min(),
            "records": [",".join(str(i) for i in ids[at[key]]) for key in sums.index],
            **{b: sums[b] for b in AGE_BUCKETS},
        }
    ).reset_index()
    return out[list(_COLUMNS)], records


_NS = np.dtype("datetime64[ns]")
_NAT = np.datetime64("NaT", "ns")
_MONEY = ("amount", "amount_usd", "low_usd", "high_usd")


def _plain_bills(
    rows: pd.DataFrame,
    ends: dict[str, np.datetime64] | None,
    end: np.datetime64 | None,
    entity: str | None,
) -> tuple[pd.DataFrame, pd.Index] | None:
    """:func:`_bills_frame` in Python and NumPy, the same frame and records, for the flows a
    ledger gives (text ids, payers, providers and statuses; float money; days in
    datetime64[ns]; each payer's date named by its text id): a report's few bills grouped by
    hand, not by pandas' groupings, maps, clips and frames (8.4 ms of the report, now 2.6).
    The sums stay pandas' own (its summation). ``None`` for other flows tables, and when no
    bill is owed though some fell due (the pandas route then answers).
    tests/test_cashperf_arrears.py holds it to the pandas route."""
    if any(c not in rows for c in _READ if c != "currency"):
        return None
    if rows["date"].dtype != _NS or any(rows[c].dtype != np.float64 for c in _MONEY):
        return None
    if ends is not None and not (ends and all(type(k) is str for k in ends)):
        return None
    if (entity is not None and type(entity) is not str) or not rows.index.is_unique:
        return None
    texts = [_texts(rows[c]) for c in ("payer", "payee", "status", "record")]
    if any(t is None for t in texts):
        return None
    payer, payee, status, record = (t or [] for t in texts)
    days = rows["date"].to_numpy()
    if ends is not None:
        row_end = np.array([_NAT if p is None else ends.get(p, _NAT) for p in payer], _NS)
    else:
        row_end = np.full(len(rows), end, dtype=_NS)
    keep = days <= row_end
    if entity is not None:
        keep &= np.array([p == entity for p in payer], dtype=bool)
    at = np.flatnonzero(keep)
    if not len(at):
        return _none_owed(), pd.Index([], dtype=object, name="record")
    usd = rows["amount_usd"].to_numpy()[at]
    if np.isnan(usd).any():
        require_usd(rows.iloc[at], "arrears")  # raises, naming them
    kept = at.tolist()
    ids = [record[i] for i in kept]
    paid = np.array([status[i] == "paid" for i in kept], dtype=bool)
    low, high = (rows[c].to_numpy()[at] for c in ("low_usd", "high_usd"))
    low, high = np.where(np.isnan(low), usd, low), np.where(np.isnan(high), usd, high)
    # (_at_bill_rate: payments at the rate of their bill's first billed row)
    amount = rows["amount"].to_numpy()[at]
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(amount != 0, usd / amount, np.nan)
    bill_rate: dict[str | None, float] = {}
    for r, p, x in zip(ids, paid.tolist(), rate.tolist(), strict=True):
        if not p and r not in bill_rate:
            bill_rate[r] = x
    wanted = np.array([bill_rate.get(r, np.nan) for r in ids], dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = wanted / rate
    to_bill = np.where(np.isfinite(factor) & paid, factor, 1.0)
    base, low, high = usd * to_bill, low * to_bill, high * to_bill
    owing = pd.DataFrame(
        {
            "owed": base * np.where(paid, -1.0, 1.0),
            "owed_low": np.where(paid, -high, low),
            "owed_high": np.where(paid, -low, high),
        }
    )
    sums = owing.groupby(np.array(ids, dtype=object)).sum()  # (a missing id: left out)
    # each bill's first payer and provider (billed rows, in order; missing ones skipped)
    # and the first day it fell due
    at_bill = {r: g for g, r in enumerate(sums.index.tolist())}
    n = len(at_bill)
    first: list[list[str | None]] = [[None] * n, [None] * n]
    due: list[int | None] = [None] * n
    for i, r, p, d in zip(kept, ids, paid.tolist(), days[at].view(np.int64).tolist(), strict=True):
        if p or r is None:
            continue
        g = at_bill[r]
        for j, who in enumerate((payer[i], payee[i])):
            if first[j][g] is None and who is not None:
                first[j][g] = who
        was = due[g]
        if was is None or d < was:
            due[g] = d
    owed3 = sums.to_numpy()
    bill = [g for g in range(n) if first[0][g] is not None and owed3[g, 0] > 0.005]
    if not bill:
        return None
    bill_payer = [str(first[0][g]) for g in bill]
    bill_day = np.array([due[g] for g in bill], dtype=np.int64).view(_NS)
    if ends is not None:
        bill_end = np.array([ends.get(p, _NAT) for p in bill_payer], _NS).astype("datetime64[D]")
    else:
        bill_end = np.full(len(bill), end, dtype="datetime64[D]")
    age = (bill_end - bill_day.astype("datetime64[D]")).astype(np.int64)
    bucket = np.select([age <= 30, age <= 60, age <= 90], list(AGE_BUCKETS[:3]), AGE_BUCKETS[3])
    owed = owed3[bill, 0]
    figures = pd.DataFrame(
        {
            "owed": owed,
            "owed_low": [_clipped(x) for x in owed3[bill, 1].tolist()],
            "owed_high": [_clipped(x) for x in owed3[bill, 2].tolist()],
            **{b: np.where(bucket == b, owed, np.nan) for b in AGE_BUCKETS},
        }
    )
    provider = [first[1][g] for g in bill]
    by_pair = figures.groupby(
        [np.array(bill_payer, dtype=object), np.array(provider, dtype=object)], sort=True
    ).sum()  # (a missing provider: left out)
    if by_pair.empty:
        return None
    members: dict[tuple[str, str], list[int]] = {}
    for k, pair in enumerate(zip(bill_payer, provider, strict=True)):
        members.setdefault(pair, []).append(k)  # type: ignore[arg-type]
    pairs = by_pair.index.tolist()
    groups = [members[pair] for pair in pairs]
    bill_ids = [sums.index[g] for g in bill]
    day_ns = bill_day.view(np.int64)
    figures_out = by_pair.to_numpy()
    out = pd.DataFrame(
        {
            "payer": [p for p, _ in pairs],
            "provider": [q for _, q in pairs],
            "outstanding_usd": figures_out[:, 0],
            "bills": np.array([len(m) for m in groups], dtype=np.int64),
            "oldest": np.array([min(day_ns[m]) for m in groups], dtype=np.int64).view(_NS),
            **{b: figures_out[:, 3 + k] for k, b in enumerate(AGE_BUCKETS)},
            "records": [",".join(str(bill_ids[j]) for j in m) for m in groups],
            "outstanding_low_usd": figures_out[:, 1],
            "outstanding_high_usd": figures_out[:, 2],
        }
    )
    return out, pd.Index(bill_ids, name="record")


def _clipped(x: float) -> float:
    """``Series.clip(lower=0.0)`` of one figure: NaN and -0.0 kept."""
    return x if x != x or x >= 0.0 else 0.0


def _texts(column: pd.Series) -> list[str | None] | None:
    """A column's values as a list, each a ``str`` or ``None`` (missing); ``None`` when one is
    neither (a categorical's categories read once)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        names = column.cat.categories.tolist()
        if not all(type(n) is str for n in names):
            return None
        return [names[c] if c >= 0 else None for c in column.cat.codes.tolist()]
    out: list[str | None] = []
    for v in column.to_numpy(object).tolist():
        if type(v) is str:
            out.append(v)
        elif v is None or v is pd.NA or (type(v) is float and v != v):
            out.append(None)
        else:
            return None
    return out


def _none_owed() -> pd.DataFrame:
    """:func:`arrears`' frame without a row."""
    out = pd.DataFrame({c: pd.Series(dtype="object") for c in _COLUMNS})
    typed: pd.DataFrame = out.astype(
        {
            "outstanding_usd": "float64",
            "outstanding_low_usd": "float64",
            "outstanding_high_usd": "float64",
            "bills": "int64",
            "oldest": "datetime64[ns]",
            **dict.fromkeys(AGE_BUCKETS, "float64"),
        }
    )
    return typed


def pay_arrears(
    flows: pd.DataFrame,
    as_of: DateLike | Mapping[str, DateLike],
    entities: pd.Index,
    balance_month: np.ndarray,
    as_of_month: np.ndarray,
    owed: pd.DataFrame | None = None,
) -> tuple[np.ndarray, np.ndarray, list[str], dict[str, list[str]]]:
    """The runway's policy ``arrears``: every bill fallen due and unpaid at ``as_of`` is paid
    then (a bill due after ``as_of`` is not). Returns
    what each entity pays out of its starting cash and what it pays in ``as_of``'s month, each
    ``(3, E)``: at the base figures, at the pessimistic end of the ranges (the most owed:
    ``outstanding_high_usd``) and at the optimistic end (the least owed), as the runway's
    variants; the assumptions: the rule, then one sentence per entity that pays, naming its
    bills (``"<entity>: ..."``: a report of many entities gives each its own); and the ids of
    the bills each payer pays. ``owed``: ``arrears(flows, as_of=as_of).frame``, if found
    already (a report reads it too)."""
    owed_table = arrears(flows, as_of=as_of).frame if owed is None else owed
    owed_v = _owed_by_payer(owed_table, entities)
    due_now = (as_of_month > balance_month)[None, :]
    bills: dict[str, list[str]] = {}
    for payer, records in zip(
        owed_table["payer"].astype("object"), owed_table["records"].astype("object"), strict=True
    ):
        bills.setdefault(str(payer), []).extend(str(records).split(","))
    paying = sorted(set(bills) & {str(e) for e in entities})
    when_words = "each entity's date" if isinstance(as_of, Mapping) else str(as_of)
    sentences = [
        f"policy 'arrears': bills due and unpaid at {when_words} are paid at once"
        + ("" if paying else " (none)")
    ]
    for payer in paying:
        when = as_of[payer] if isinstance(as_of, Mapping) else as_of
        sentences.append(
            f"{payer}: bills due and unpaid at {when} paid at once ({', '.join(bills[payer])})"
        )
    return np.where(due_now, 0.0, owed_v), np.where(due_now, owed_v, 0.0), sentences, bills


#: The figures a payer pays, by variant (base, pessimistic: the most owed, optimistic).
_OWED = ["outstanding_usd", "outstanding_high_usd", "outstanding_low_usd"]


def _owed_by_payer(owed_table: pd.DataFrame, entities: pd.Index) -> np.ndarray:
    """Each entity's sum of :data:`_OWED` over its bills (0 for none), ``(3, E)``. The three
    columns summed in one grouping, then looked up by payer (not three groupings, each
    reindexed and filled: pay_arrears 1.5 ms, now 1.1); one by one when a figure is missing
    (pandas then sums a column with gaps apart from the others)."""
    figures = owed_table[_OWED]
    payer = owed_table["payer"]
    if isinstance(payer.dtype, pd.CategoricalDtype) or np.isnan(figures.to_numpy("float64")).any():
        by_payer = owed_table.groupby("payer", observed=True)
        return np.stack(
            [
                by_payer[column].sum().reindex(entities).fillna(0.0).to_numpy("float64")
                for column in _OWED
            ]
        )
    sums = figures.groupby(payer.to_numpy()).sum()  # (the payers sorted, as by the column)
    found = dict(zip(sums.index.tolist(), sums.to_numpy("float64").tolist(), strict=True))
    none = [0.0] * len(_OWED)
    out = np.array([found.get(e, none) for e in entities.tolist()], dtype=np.float64)
    out = np.where(np.isnan(out), 0.0, out)  # (fillna: a sum of infinities of both signs)
    return np.ascontiguousarray(out.T).reshape(len(_OWED), len(entities))


def _at_bill_rate(rows: pd.DataFrame, paid: np.ndarray) -> np.ndarray:
    """Per row of cloud bills, the factor that takes its dollars to the rate of its bill's
    billed (or unpaid) row: 1 for those rows, for dollars, and for payments of a bill with no
    such row by then; payments are in the bill's currency (a record check)."""
    amount = rows["amount"].to_numpy("float64")
    usd = rows["amount_usd"].to_numpy("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(amount != 0, usd / amount, np.nan)
    record = rows["record"].to_numpy(object)
    bill_rate = pd.Series(rate[~paid], index=record[~paid])
    bill_rate = bill_rate[~bill_rate.index.duplicated()]
    wanted = pd.Series(record).map(bill_rate).to_numpy("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = wanted / rate
    return np.where(np.isfinite(factor) & paid, factor, 1.0)
