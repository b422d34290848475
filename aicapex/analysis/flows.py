"""One tidy, columnar table of money movements, built from record frames.

Every analysis (burn, runway, compute gap, arrears) runs on this table, so anything that can
produce the record frames (a :class:`~aicapex.ledger.Ledger`, or bulk CSV/Parquet tables read by
:func:`aicapex.tables.read_table`) can feed them. The expansion is vectorised: a million
records take about a second.

Columns (one row per movement):

=============  ==========  ===========================================================
column         dtype       meaning
=============  ==========  ===========================================================
date           datetime64  when the money moves (see "timing" below)
month          datetime64  first day of that month
entity         category    the company the record is about (whose burn it is)
direction      int8        +1 money in for ``entity``, -1 money out
payer, payee   category    who pays whom (missing when the source does not say)
amount         float64     amount in ``currency``
currency       category    ISO code of the original amount
cents          int64       ``amount`` in exact hundredths of ``currency``
amount_usd     float64     in US dollars (NaN without an FX rate, never guessed)
category       category    compute, payroll, opex, tax, other, revenue, funding, lease,
                           purchase
status         category    committed, disbursed, billed, paid, unpaid, scheduled,
                           estimated
basis          category    actual, expected, estimated, planned
kind           category    the record kind the row comes from
record         category    id of the record that made the row
source         category    first source the record cites
=============  ==========  ===========================================================

Rules:

- Recurring rates (``$99M/yr`` over 2023) and amounts over a span (``$11M`` over 2023) expand to
  monthly rows, tagged with the record that made them; the cents of a record are split so that
  its rows sum exactly to its amount (rates: the monthly rate times the months covered).
- Timing: a one-off movement dated only to a span (a tranche "in Q4 2023") is placed against the
  company: money in at the last day of the span, money out at the first.
- Funding: each tranche is a row, ``committed`` until it is ``disbursed`` (cancelled tranches make
  no row); the part of a round's amount not split into tranches is one row at the round's date,
  ``disbursed`` for closed rounds and ``committed`` for committed or announced ones. Sought and
  cancelled rounds move no money. When a round has one investor, the same money also leaves the
  investor: a row with the investor as ``entity``, direction -1, category ``investment``.
- Cloud bills: a ``billed`` row when the bill falls due (its due date, else the end of the usage
  period), a ``paid`` row per payment, and for bills known only by what is unpaid, an ``unpaid``
  row at the same date. Bills settle compute expenses: burn and runway count the expenses, not
  the bills again.
- A one-off expense or revenue on a known day moves on that day; amounts over a span and rates
  are split over its months (rows dated the first of each month).
- Expenses and revenues with ``basis`` other than ``actual`` have status ``estimated``; those
  ``included_in`` another record make no rows (the other record counts them).
- Conflicting reports of one fact (see ``Ledger.conflicts()``) are resolved before expansion by
  ``conflicts=``: ``"latest"`` (default: the latest-reported record), ``"earliest"``, or ``"all"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.conflicts import ConflictPolicy
from aicapex.conflicts import resolve as resolve_conflicts
from aicapex.tables import _coded_category, _labels, _ranks
from aicapex.units import PER_MONTH

if TYPE_CHECKING:
    from aicapex.dates import PartialDate
    from aicapex.ledger import Ledger

__all__ = ["FLOW_COLUMNS", "FLOW_KINDS", "ConflictPolicy", "empty_flows", "flows", "resolve"]


#: The record kinds (and nested frames) flows are built from.
FLOW_KINDS = (
    "expenses",
    "revenues",
    "funding_rounds",
    "tranches",
    "cloud_bills",
    "payments",
    "compute_contracts",
    "gpu_orders",
)

_CATEGORIES = {
    "entity": None,
    "payer": None,
    "payee": None,
    "currency": None,
    "category": None,
    "status": None,
    "basis": None,
    "kind": None,
    "record": None,
    "source": None,
}

#: Column names and dtypes of a flows table, in order.
FLOW_COLUMNS: dict[str, str] = {
    "date": "datetime64[ns]",
    "month": "datetime64[ns]",
    "entity": "category",
    "direction": "int8",
    "payer": "category",
    "payee": "category",
    "amount": "float64",
    "currency": "category",
    "cents": "int64",
    "amount_usd": "float64",
    "category": "category",
    "status": "category",
    "basis": "category",
    "kind": "category",
    "record": "category",
    "source": "category",
}


def empty_flows() -> pd.DataFrame:
    """A flows table with no rows and every column typed."""
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in FLOW_COLUMNS.items()})


def _months(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whole months from the month of ``a`` to the month of ``b``, inclusive."""
    am = a.astype("datetime64[M]").astype(np.int64)
    bm = b.astype("datetime64[M]").astype(np.int64)
    return (bm - am + 1).astype(np.int64)


def _first_source(sources: pd.Series) -> pd.Categorical:
    """The first source id each row cites (comma-separated ``sources``), split once per
    distinct value."""
    codes, uniques = pd.factorize(sources, use_na_sentinel=True)
    first = [s.split(",")[0] if isinstance(s, str) and s else None for s in uniques]
    return _coded_category(codes, first)


#: The dtype of a flows column with no value (as ``astype("category")`` gives it for Nones).
_NO_VALUES = pd.CategoricalDtype(pd.Index([], dtype=object))

#: A text column as :func:`_rows` takes it (see :func:`_as_category`).
Labels = pd.Categorical | pd.Series | np.ndarray | str


def _as_category(values: Labels, n: int) -> pd.Categorical:
    """A flows column as a categorical of ``n`` rows: a ``str`` is the same value on every row,
    a categorical (or categorical Series) is kept as it is, other values (objects) are
    converted."""
    if isinstance(values, str):
        return _coded_category(np.zeros(n, dtype=np.int64), [values])
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.array  # type: ignore[return-value]
    if isinstance(values, pd.Categorical):
        return values
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return _coded_category(codes, uniques)


def _take(values: pd.Categorical | pd.Series, rows: np.ndarray) -> pd.Categorical:
    """The given rows of a categorical, by its codes (the categories are kept)."""
    cat = _as_category(values, len(values))
    return pd.Categorical.from_codes(np.asarray(cat.codes)[rows], dtype=cat.dtype)


def _union(parts: list[pd.Categorical]) -> pd.Categorical:
    """The parts' rows, in order, as one categorical whose categories are the values present,
    sorted: what ``astype("category")`` of their values gives, without turning them into
    objects."""
    used = [
        np.flatnonzero(np.bincount(p.codes[p.codes >= 0], minlength=len(p.categories)))
        for p in parts
    ]
    present = [p.categories[u] for p, u in zip(parts, used, strict=True) if len(u)]
    n = sum(len(p) for p in parts)
    if not present:
        return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=_NO_VALUES)
    ranks, categories = _ranks(_labels(present[0].append(present[1:])))
    codes = []
    start = 0
    for p, u in zip(parts, used, strict=True):
        lookup = np.full(len(p.categories) + 1, -1, dtype=np.int64)
        lookup[u] = ranks[start : start + len(u)]
        start += len(u)
        codes.append(lookup[p.codes])
    dtype: pd.CategoricalDtype = pd.CategoricalDtype(categories)
    return pd.Categorical.from_codes(np.concatenate(codes), dtype=dtype)


def _where(mask: np.ndarray, a: pd.Series, b: pd.Series) -> pd.Categorical:
    """Row by row, ``a`` where ``mask`` is true and ``b`` elsewhere, as a categorical."""
    if not mask.any():
        return _as_category(b, len(b))
    both = _union([_as_category(a, len(a)), _as_category(b, len(b))])
    codes = np.asarray(both.codes)
    return pd.Categorical.from_codes(
        np.where(mask, codes[: len(a)], codes[len(a) :]), dtype=both.dtype
    )


def resolve(frame: pd.DataFrame, kind: str, policy: ConflictPolicy = "latest") -> pd.DataFrame:
    """The rows of a record frame to compute with: one report per fact in conflict (see
    :mod:`aicapex.conflicts`), ``"all"`` keeps every record."""
    return resolve_conflicts(frame, kind, policy)[0]


def _rows(
    *,
    date: np.ndarray,
    entity: Labels,
    direction: np.ndarray | int,
    payer: Labels,
    payee: Labels,
    cents: np.ndarray,
    currency: Labels,
    rate_usd: np.ndarray,
    category: Labels,
    status: Labels,
    basis: Labels,
    kind: str,
    record: Labels,
    source: Labels,
) -> pd.DataFrame:
    """A piece of the flows table; text columns are categoricals whose categories need not be
    sorted nor all used (see :func:`_concat`). ``date`` may be in days or months."""
    n = len(cents)
    amount = cents / 100.0
    labels = {
        "entity": entity,
        "payer": payer,
        "payee": payee,
        "currency": currency,
        "category": category,
        "status": status,
        "basis": basis,
        "kind": kind,
        "record": record,
        "source": source,
    }
    columns: dict[str, object] = {name: _as_category(v, n) for name, v in labels.items()}
    columns.update(
        {
            "date": date.astype("datetime64[ns]"),
            "month": date.astype("datetime64[M]").astype("datetime64[ns]"),
            "direction": np.broadcast_to(np.asarray(direction, dtype=np.int8), (n,)).copy(),
            "amount": amount,
            "cents": cents.astype(np.int64),
            "amount_usd": amount * rate_usd,
        }
    )
    # copy=False: the columns are new arrays, no need to copy them into blocks
    return pd.DataFrame({name: columns[name] for name in FLOW_COLUMNS}, copy=False)


def _usd_rate(frame: pd.DataFrame, money: str) -> np.ndarray:
    """USD per unit of the original currency, per row (from the frame's ``_usd`` column)."""
    amount = frame[money].to_numpy(dtype="float64")
    usd = frame[f"{money}_usd"].to_numpy(dtype="float64")
    is_usd = (frame[f"{money}_currency"] == "USD").to_numpy(dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(amount != 0, usd / amount, np.where(is_usd, 1.0, np.nan))


def _to_cents(values: np.ndarray) -> np.ndarray:
    return np.rint(values * 100.0).astype(np.int64)


def _spread(
    total_cents: np.ndarray, first: np.ndarray, n: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split each row's cents evenly over ``n`` months from the month ``first``
    (datetime64[M]): returns the row index of each piece, its month (datetime64[M]) and its
    cents (summing exactly)."""
    if (n == 1).all():  # nothing to split
        return np.arange(len(n)), first, total_cents
    idx = np.repeat(np.arange(len(n)), n)
    start = np.cumsum(n) - n
    k = np.arange(len(idx)) - np.repeat(start, n)
    month = first[idx] + k.astype("timedelta64[M]")
    base = total_cents // n
    rem = total_cents - base * n
    cents = base[idx] + (k < rem[idx])
    return idx, month, cents


def _bill_rows(bills: pd.DataFrame, field: str, status: str) -> pd.DataFrame:
    """One row per bill for the amount in ``field`` (``billed``, or ``outstanding`` for bills
    known only by their unpaid part), dated when the bill falls due."""
    return _rows(
        date=np.asarray(_due_or_period_end(bills), dtype="datetime64[D]"),
        entity=bills["payer"].astype("object"),
        direction=-1,
        payer=bills["payer"].astype("object"),
        payee=bills["provider"].astype("object"),
        cents=_to_cents(bills[field].to_numpy("float64")),
        currency=bills[f"{field}_currency"].astype("object"),
        rate_usd=_usd_rate(bills, field),
        category="compute",
        status=status,
        basis="actual",
        kind="cloud_bills",
        record=bills["id"].astype("object"),
        source=_first_source(bills["sources"]),
    )


def _due_or_period_end(bills: pd.DataFrame) -> np.ndarray:
    """When a bill falls due: its due date (the last day of its span), else the end of its
    usage period."""
    due = bills["due_end"].to_numpy("datetime64[D]")
    return np.where(np.isnat(due), bills["period_end"].to_numpy("datetime64[D]"), due)


def _flows_of_flowkind(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Expenses or revenues: amounts spread over their span, rates over date..until."""
    if frame.empty:
        return empty_flows()
    if frame["included_in"].notna().any():
        frame = frame[frame["included_in"].isna()]
    start = frame["date_start"].to_numpy("datetime64[D]")
    end_date = frame["date_end"].to_numpy("datetime64[D]")
    until = frame["until_end"].to_numpy("datetime64[D]")
    end = np.where(np.isnat(until), end_date, until)
    is_rate = frame["rate"].notna().to_numpy()
    first = start.astype("datetime64[M]")
    n = np.maximum(_months(first, end), 1)
    rate_cents = _rate_cents(frame["rate"].to_numpy("float64"), frame["rate_per"], n)
    amount_cents = _to_cents(np.nan_to_num(frame["amount"].to_numpy("float64")))
    total = np.where(is_rate, rate_cents, amount_cents).astype(np.int64)
    idx, month, cents = _spread(total, first, n)
    date = month.astype("datetime64[D]")
    on_a_day = ~is_rate & (frame["date_precision"] == "day").to_numpy(dtype=bool)
    if on_a_day.any():  # a one-off amount on a known day moves on that day
        date = np.where(on_a_day[idx], start[idx], date)
    usd_amount = _usd_rate(frame, "amount")
    if is_rate.any():
        usd_amount = np.where(is_rate, _usd_rate(frame, "rate"), usd_amount)
    currency = _where(is_rate, frame["rate_currency"], frame["amount_currency"])
    company, counterparty = frame["company"], frame["counterparty"]
    revenue = kind == "revenues"
    actual = (frame["basis"] == "actual").to_numpy(dtype=bool)
    status = _coded_category(actual.astype(np.int64), ["estimated", "paid"])
    return _rows(
        date=date,
        entity=_take(company, idx),
        direction=1 if revenue else -1,
        payer=_take(counterparty if revenue else company, idx),
        payee=_take(company if revenue else counterparty, idx),
        cents=cents,
        currency=_take(currency, idx),
        rate_usd=usd_amount[idx],
        category="revenue" if revenue else _take(frame["category"], idx),
        status=_take(status, idx),
        basis=_take(frame["basis"], idx),
        kind=kind,
        record=_take(frame["id"], idx),
        source=_take(_first_source(frame["sources"]), idx),
    )


def _per_month(per: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's exact factor (numerator, denominator) from its period to a month, looked up
    once per distinct period ((0, 1) where there is none)."""
    codes, uniques = pd.factorize(per, use_na_sentinel=True)
    factors = [PER_MONTH.get(p, Fraction(0)) for p in uniques] + [Fraction(0)]
    num = np.array([f.numerator for f in factors], dtype=np.int64)
    den = np.array([f.denominator for f in factors], dtype=np.int64)
    return num[codes], den[codes]


def _rate_cents(rate: np.ndarray, per: pd.Series, months: np.ndarray) -> np.ndarray:
    """Exact cents of each rate over its whole ``months`` (0 where there is no rate); see
    :func:`_exact_rate_cents`."""
    out = np.zeros(len(rate), dtype=np.int64)
    has = ~np.isnan(rate)
    if has.any():
        num, den = _per_month(per[has])
        out[has] = _exact_rate_cents(rate[has], num, den, months[has])
    return out


def _exact_rate_cents(
    rate: np.ndarray, num: np.ndarray, den: np.ndarray, months: np.ndarray
) -> np.ndarray:
    """The monthly rate in cents (``rate`` times ``num / den``) times the months, rounded half
    to even. Integer arithmetic: float products lose cents on halves and on large totals.
    Rates not in whole cents, or too large for int64, are computed row by row with
    fractions."""
    scaled = np.nan_to_num(rate) * 100.0
    whole = np.rint(scaled)
    months = months.astype(np.int64)
    fast = (np.abs(scaled - whole) <= np.abs(scaled) * 1e-14) & (
        np.abs(whole) * num * months < 2.0**62
    )
    product = np.where(fast, whole, 0).astype(np.int64) * num * months
    q, r = np.divmod(product, den)
    out = q + ((2 * r > den) | ((2 * r == den) & (q % 2 == 1)))
    for i in np.flatnonzero(~fast):
        exact = Fraction(repr(float(rate[i]))) * 100 * Fraction(int(num[i]), int(den[i]))
        out[i] = round(exact * int(months[i]))
    total: np.ndarray = out.astype(np.int64)
    return total


def _single_investor(investors: pd.Series) -> pd.Series:
    """The investor of each round that has exactly one (else missing): the known payer."""
    return investors.astype("object").map(
        lambda s: s if isinstance(s, str) and s and "," not in s else None
    )


def _funding(rounds: pd.DataFrame, tranches: pd.DataFrame) -> pd.DataFrame:
    if rounds.empty:
        return empty_flows()
    rounds = rounds.set_index("id", drop=False)
    live = rounds["status"].astype("object").isin(["closed", "committed", "announced"])
    pieces = []
    tr = tranches[tranches["status"].astype("object") != "cancelled"]
    tr = tr[tr["round"].astype("object").isin(rounds.index[live])]
    if not tr.empty:
        parent = rounds.loc[tr["round"].astype("object")]
        end = np.where(
            tr["date_end"].isna(),
            parent["date_end"].to_numpy("datetime64[D]"),
            tr["date_end"].to_numpy("datetime64[D]"),
        )
        investors = _single_investor(parent["investors"])
        pieces.append(
            _rows(
                date=np.asarray(end, dtype="datetime64[D]"),
                entity=tr["company"].astype("object"),
                direction=1,
                payer=investors.to_numpy(),
                payee=tr["company"].astype("object"),
                cents=_to_cents(tr["amount"].to_numpy("float64")),
                currency=tr["amount_currency"].astype("object"),
                rate_usd=_usd_rate(tr, "amount"),
                category="funding",
                status=tr["status"].astype("object"),
                basis="actual",
                kind="funding_rounds",
                record=tr["round"].astype("object"),
                source=_first_source(parent["sources"]),
            )
        )
    # the part of each live round not split into tranches
    split = (
        tranches.groupby(tranches["round"].astype("object"))["amount"].sum()
        if not tranches.empty
        else pd.Series(dtype="float64")
    )
    r = rounds[live & rounds["amount"].notna() & ~rounds["up_to"].fillna(False).astype(bool)]
    rest = r["amount"].to_numpy("float64") - split.reindex(r.index).fillna(0.0).to_numpy("float64")
    r = r[rest > 0.005]
    rest = rest[rest > 0.005]
    if not r.empty:
        investors = _single_investor(r["investors"])
        pieces.append(
            _rows(
                date=r["date_end"].to_numpy("datetime64[D]"),
                entity=r["company"].astype("object"),
                direction=1,
                payer=investors.to_numpy(),
                payee=r["company"].astype("object"),
                cents=_to_cents(rest),
                currency=r["amount_currency"].astype("object"),
                rate_usd=_usd_rate(r, "amount"),
                category="funding",
                status=np.where(r["status"].astype("object") == "closed", "disbursed", "committed"),
                basis="actual",
                kind="funding_rounds",
                record=r["id"].astype("object"),
                source=_first_source(r["sources"]),
            )
        )
    return _investor_side(_concat(pieces))


def _investor_side(company_side: pd.DataFrame) -> pd.DataFrame:
    """Add, for each funding row whose investor is known (a round with one investor), the same
    money leaving that investor: entity the investor, direction -1, category ``investment``."""
    known = company_side["payer"].notna().to_numpy() if not company_side.empty else None
    if known is None or not known.any():
        return company_side
    mirror = company_side[known].copy()
    mirror["entity"] = mirror["payer"].astype("object")
    mirror["direction"] = np.int8(-1)
    mirror["category"] = "investment"
    out = company_side.copy()
    for name in ("entity", "category"):
        out[name] = out[name].astype("object")
    return _concat([out, mirror])


def _bills(bills: pd.DataFrame, payments: pd.DataFrame) -> pd.DataFrame:
    if bills.empty:
        return empty_flows()
    pieces = []
    known = bills[bills["billed"].notna()]
    only = bills[bills["billed"].isna() & bills["outstanding"].notna()]
    for part, field, status in ((known, "billed", "billed"), (only, "outstanding", "unpaid")):
        if not part.empty:
            pieces.append(_bill_rows(part, field, status))
    if not payments.empty:
        parent = bills.set_index("id", drop=False).loc[payments["bill"].astype("object")]
        pieces.append(
            _rows(
                date=payments["date_start"].to_numpy("datetime64[D]"),
                entity=payments["payer"].astype("object"),
                direction=-1,
                payer=payments["payer"].astype("object"),
                payee=parent["provider"].astype("object").to_numpy(),
                cents=_to_cents(payments["amount"].to_numpy("float64")),
                currency=payments["amount_currency"].astype("object"),
                rate_usd=_usd_rate(payments, "amount"),
                category="compute",
                status="paid",
                basis="actual",
                kind="cloud_bills",
                record=payments["bill"].astype("object"),
                source=_first_source(parent["sources"]),
            )
        )
    return _concat(pieces)


_ARRANGEMENT = {
    "lease": "lease",
    "purchase": "purchase",
    "cloud": "compute",
    "colocation": "compute",
    "other": "compute",
}


def _contracts(frame: pd.DataFrame) -> pd.DataFrame:
    """Compute contracts: a rate over start..end (or the total spread over it), scheduled."""
    if frame.empty:
        return empty_flows()
    frame = frame[frame["rate"].notna() | frame["total_value"].notna()]
    if frame.empty:
        return empty_flows()
    start = frame["start_start"].to_numpy("datetime64[D]")
    end = frame["end_end"].to_numpy("datetime64[D]")
    is_rate = frame["rate"].notna().to_numpy()
    # a rate with no end: one year of it; a total with no end: all at the start
    end = np.where(np.isnat(end), np.where(is_rate, start + np.timedelta64(364, "D"), start), end)
    first = start.astype("datetime64[M]")
    n = np.maximum(_months(first, end), 1)
    rate_cents = _rate_cents(frame["rate"].to_numpy("float64"), frame["rate_per"], n)
    total = np.where(
        is_rate, rate_cents, _to_cents(np.nan_to_num(frame["total_value"].to_numpy("float64")))
    )
    idx, month, cents = _spread(total.astype(np.int64), first, n)
    usd = np.where(is_rate, _usd_rate(frame, "rate"), _usd_rate(frame, "total_value"))
    currency = np.where(
        is_rate,
        frame["rate_currency"].astype("object"),
        frame["total_value_currency"].astype("object"),
    )
    buyer = frame["buyer"].astype("object").to_numpy()
    category = frame["arrangement"].astype("object").map(_ARRANGEMENT).to_numpy()
    return _rows(
        date=month,
        entity=buyer[idx],
        direction=-1,
        payer=buyer[idx],
        payee=frame["seller"].astype("object").to_numpy()[idx],
        cents=cents,
        currency=currency[idx],
        rate_usd=usd[idx],
        category=category[idx],
        status="scheduled",
        basis="actual",
        kind="compute_contracts",
        record=frame["id"].astype("object").to_numpy()[idx],
        source=_take(_first_source(frame["sources"]), idx),
    )


def _orders(frame: pd.DataFrame) -> pd.DataFrame:
    """GPU orders with a known value: committed at the order date."""
    if frame.empty:
        return empty_flows()
    total = frame["total"].to_numpy("float64")
    unit = frame["unit_price"].to_numpy("float64") * frame["quantity"].astype("float64").to_numpy()
    value = np.where(np.isnan(total), unit, total)
    has = ~np.isnan(value)
    frame, value = frame[has], value[has]
    if frame.empty:
        return empty_flows()
    use_total = frame["total"].notna().to_numpy()
    usd = np.where(use_total, _usd_rate(frame, "total"), _usd_rate(frame, "unit_price"))
    currency = np.where(
        use_total,
        frame["total_currency"].astype("object"),
        frame["unit_price_currency"].astype("object"),
    )
    return _rows(
        date=frame["order_date_start"].to_numpy("datetime64[D]"),
        entity=frame["buyer"].astype("object"),
        direction=-1,
        payer=frame["buyer"].astype("object"),
        payee=frame["vendor"].astype("object"),
        cents=_to_cents(value),
        currency=currency,
        rate_usd=usd,
        category="purchase",
        status="committed",
        basis="actual",
        kind="gpu_orders",
        record=frame["id"].astype("object"),
        source=_first_source(frame["sources"]),
    )


def _concat(pieces: list[pd.DataFrame]) -> pd.DataFrame:
    """The pieces' rows, in order, with tidy categoricals: each text column's categories are
    the values present, sorted (as ``astype("category")`` of the values gives them)."""
    pieces = [p for p in pieces if not p.empty]
    if not pieces:
        return empty_flows()
    columns: dict[str, object] = {}
    for name in pieces[0].columns:
        parts = [p[name] for p in pieces]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            columns[name] = _union([_as_category(part, len(part)) for part in parts])
        else:
            columns[name] = np.concatenate([part.to_numpy() for part in parts])
    return pd.DataFrame(columns, copy=False)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    """The flows table: rows sorted by date then record (a stable sort), columns in order and
    typed."""
    if out.empty:
        return empty_flows()
    out = out.take(_date_record_order(out)).reset_index(drop=True)
    for name, dtype in FLOW_COLUMNS.items():
        if str(out[name].dtype) != dtype:
            out[name] = out[name].astype(dtype)  # type: ignore[call-overload]
    return out[list(FLOW_COLUMNS)]


def _date_record_order(out: pd.DataFrame) -> np.ndarray:
    """The stable order of the rows by date, then record id (missing ones last). The record
    categories are sorted (see :func:`_concat`), so their codes sort as the ids do."""
    last = np.iinfo(np.int64).max
    dates = out["date"].to_numpy("datetime64[ns]")
    day = np.where(np.isnat(dates), last, dates.view(np.int64))
    record = out["record"]
    if isinstance(record.dtype, pd.CategoricalDtype):
        codes = record.cat.codes.to_numpy(dtype=np.int64)
    else:
        codes = pd.Categorical(record).codes.astype(np.int64)
    codes = np.where(codes < 0, last, codes)
    return np.lexsort((codes, day))


def flows(
    source: Ledger | Mapping[str, pd.DataFrame],
    *,
    conflicts: ConflictPolicy = "latest",
) -> pd.DataFrame:
    """The flows table (see the module docs) of a ledger, or of record frames by kind
    (``{"expenses": frame, ...}``: missing kinds count as empty)."""
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        frames: Mapping[str, pd.DataFrame] = {k: source.frame(k) for k in FLOW_KINDS}
    else:
        frames = source
    empty = _EMPTY_FRAMES

    def get(kind: str) -> pd.DataFrame:
        frame = frames.get(kind)
        if frame is None:
            return empty[kind]
        return resolve(frame, kind, conflicts)

    rounds = get("funding_rounds")
    tranches = get("tranches")
    if not tranches.empty:
        tranches = tranches[
            tranches["round"].astype("object").isin(set(rounds["id"].astype("object")))
        ]
    bills = get("cloud_bills")
    payments = get("payments")
    if not payments.empty:
        payments = payments[
            payments["bill"].astype("object").isin(set(bills["id"].astype("object")))
        ]
    pieces = [
        _flows_of_flowkind(get("expenses"), "expenses"),
        _flows_of_flowkind(get("revenues"), "revenues"),
        _funding(rounds, tranches),
        _bills(bills, payments),
        _contracts(get("compute_contracts")),
        _orders(get("gpu_orders")),
    ]
    return _finish(_concat(pieces))


class _EmptyFrames(dict[str, pd.DataFrame]):
    """Empty, typed frames of any kind, made on demand (once: they are only read)."""

    def __missing__(self, kind: str) -> pd.DataFrame:
        from aicapex.frames import frame
        from aicapex.ledger import Ledger

        self[kind] = value = frame(Ledger(), kind)
        return value


_EMPTY_FRAMES = _EmptyFrames()


def as_flows(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    conflicts: ConflictPolicy = "latest",
) -> pd.DataFrame:
    """The flows table of ``source``: a Ledger, record frames by kind, or a flows table
    (returned as is after checking its columns)."""
    if isinstance(source, pd.DataFrame):
        missing = [
            c
            for c in ("month", "entity", "direction", "amount_usd", "kind", "status")
            if c not in source.columns
        ]
        if missing:
            raise ValueError(
                "expected a flows table (see aicapex.analysis.flows), "
                f"got a DataFrame without {missing}"
            )
        return source
    return flows(source, conflicts=conflicts)


def _calendar_span(value: str | int | PartialDate) -> tuple[dt.date, dt.date]:
    """The span of a date argument; fiscal years are refused: their span depends on an entity's
    fiscal year end, which an analysis of many entities (or of a flows table) does not know."""
    from aicapex.dates import PartialDate, Precision

    date = PartialDate.parse(value)
    if date.precision is Precision.FISCAL_YEAR:
        raise ValueError(
            f"expected calendar dates in an analysis, got the fiscal year {str(date)!r}: its "
            "months depend on the entity's fiscal year end (give them: '2023-07' to '2024-06')"
        )
    return date.sort_key()


def month_of(value: object, *, end: bool = False) -> np.datetime64:
    """First day of the month of ``value`` (a PartialDate, its text, a date or a Timestamp); with
    ``end=True`` the month of the end of a partial date's span ('2023' -> 2023-12-01)."""
    from aicapex.dates import PartialDate

    if isinstance(value, str | int | PartialDate):
        start, stop = _calendar_span(value)
        day = stop if end else start
    else:
        day = pd.Timestamp(value).date()  # type: ignore[arg-type]
    return np.datetime64(day, "M").astype("datetime64[ns]")  # type: ignore[no-any-return]


def day_of(value: object, *, end: bool = False) -> np.datetime64:
    """The first (or with ``end=True`` the last) day of ``value``'s span, as datetime64[ns]."""
    from aicapex.dates import PartialDate

    if isinstance(value, str | int | PartialDate):
        start, stop = _calendar_span(value)
        return np.datetime64(stop if end else start, "ns")
    return np.datetime64(pd.Timestamp(value).to_datetime64(), "ns")  # type: ignore[arg-type,call-overload,no-any-return]


def require_usd(rows: pd.DataFrame, what: str) -> None:
    """Raise ValueError when any row has no US-dollar amount: amounts in other currencies become
    dollars only through the ledger's ``fx_rates``, never silently, and an analysis must not
    drop them either. The message names the currencies and records to add rates for."""
    missing = rows["amount_usd"].isna().to_numpy()
    if not missing.any():
        return
    lost = rows[missing]
    currencies = sorted(set(lost["currency"].astype("object")) - {None})
    records = sorted(set(lost["record"].astype("object")))
    shown = ", ".join(records[:5]) + (f" and {len(records) - 5} more" if len(records) > 5 else "")
    raise ValueError(
        f"{what} needs US-dollar amounts, but {int(missing.sum())} flows in "
        f"{', '.join(currencies) or 'an unknown currency'} have no exchange rate at their date "
        f"(records {shown}): add fx_rates records for them"
    )


def records_in(rows: pd.DataFrame, mask: np.ndarray | None = None) -> list[str]:
    """The distinct record ids of ``rows`` (where ``mask``), in the order of the ``record``
    column's categories; cheap on large tables (works on the categorical codes)."""
    record = rows["record"]
    if not isinstance(record.dtype, pd.CategoricalDtype):
        record = record.astype("category")
    codes = record.cat.codes.to_numpy()
    if mask is not None:
        codes = codes[mask]
    present = np.zeros(len(record.cat.categories) + 1, dtype=bool)
    present[codes] = True  # code -1 (missing) marks the extra last slot
    used: list[str] = record.cat.categories[present[:-1]].tolist()
    return used
