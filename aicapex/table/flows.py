"""One tidy, columnar table of money movements, built from record frames.

Every analysis (burn, runway, compute gap, arrears) runs on this table, so anything that can
produce the record frames (a :class:`~aicapex.ledger.Ledger`, or bulk CSV/Parquet tables read by
:func:`aicapex.table.bulk.read_table`) can feed them. The expansion is vectorised: a million
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
category       category    compute, payroll, opex, tax, other, revenue, funding,
                           investment, lease, purchase, capex
status         category    committed, disbursed, conditional, billed, paid, unpaid,
                           scheduled, announced, estimated
basis          category    actual, expected, estimated, planned
kind           category    the record kind the row comes from
record         category    id of the record that made the row
source         category    first source the record cites
=============  ==========  ===========================================================

Rules:

- Recurring rates (``$99M/yr`` over 2023) and amounts over a span (``$11M`` over 2023) expand to
  monthly rows, tagged with the record that made them; the cents of a record are split so that
  its rows sum exactly to its amount (rates: the monthly rate times the months covered; over a
  span that does not run from a month's first day to a month's last, its days, a month being
  365.25 / 12 days: $1M a month from July 15 to the next July 14 is $12M, not the 13 months
  it touches; a rate dated to one day, without ``until``, is that day's month's). Over whole
  months the rows are even, else by days (:func:`~aicapex.table.flowrows.spread_span`): each
  whole month holds the rate, partial ones the rest by their days (2022-07-15..2023-07-14:
  $543,882.89, 11 x $1M, $447,903.56; an amount: as the rate of its total over its days).
- Timing: a one-off movement dated only to a span (a tranche "in Q4 2023") is placed against the
  company: money in at the last day of the span, money out at the first.
- Funding (:mod:`aicapex.table.funding`): each tranche is a row, ``committed`` until it is
  ``disbursed`` (cancelled tranches make no row); the part of a round's amount not split into
  tranches is one row at the round's date, ``disbursed`` for closed rounds and ``committed`` for
  committed or announced ones. Sought and cancelled rounds move no money. Each investor pays its
  own share: a participation with an amount pays that amount; what no participation accounts
  for comes from the payer ``undisclosed`` (a round naming one investor without an amount: that
  investor pays it all). The same money leaves each named investor: a row with the investor as
  ``entity``, direction -1, category ``investment``.
- Stakes (:mod:`aicapex.table.stakeflows`): a primary purchase outside a round is money into
  the company (category ``equity``) from the holder (``investment``); a secondary purchase never
  reaches the company (money between buyer and seller when the seller is named); a stake
  bought in a round names it and moves nothing (the round counts it).
- Cloud bills: a ``billed`` row when the bill falls due (its due date, else the end of the usage
  period), a ``paid`` row per payment, and for bills known only by what is unpaid, an ``unpaid``
  row at the same date. Bills settle compute expenses: burn and runway count the expenses, not
  the bills again.
- A one-off expense or revenue on a known day moves on that day; rows over months, on their 1st.
- Expenses and revenues with ``basis`` other than ``actual`` have status ``estimated``; those
  ``included_in`` another record make no rows (the other record counts them).
- Compute contracts (:mod:`aicapex.table.contractrows`): signed ones ``scheduled``, announced
  ones ``announced``, ceilings ``conditional``; a rate over start..end or a total spread over
  it; a contract with a ramp by its ramp.
- GPU orders (:mod:`aicapex.table.orderrows`): capital spending, category ``capex``: the
  commitment at the order date (``committed``), and the cash ``paid`` on the order's payments,
  else on its delivery dates in proportion to the units delivered (units scheduled but not
  delivered yet: ``scheduled``). Burn shows capex apart from operating burn; the runway counts
  it when paid.
- Money in another currency: a record's rows over months (expenses, revenues, contracts) are
  each converted at the rate of their own date (a ledger's ``fx_rates``, or an ``fx_rates``
  frame among record frames), not all at the record's first day as its frame is.
- Conflicting reports of one fact (see ``Ledger.conflicts()``) are resolved before expansion by
  ``conflicts=``: ``"latest"`` (default: the latest-reported record), ``"earliest"``, or ``"all"``.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeGuard, cast

import numpy as np
import pandas as pd

from aicapex.table.columns import (
    as_category,
    coded_category,
    equals,
    first_source,
    index_of,
    notna,
    take,
    union_codes,
    where,
)
from aicapex.table.conflicts import ConflictPolicy, resolved_frame
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.contractrows import contract_pieces
from aicapex.table.flowrows import (
    FLOW_COLUMNS,
    Piece,
    as_unit,
    at_their_dates,
    concat_flows,
    date_order,
    day_numbers,
    empty_flows,
    end_factors,
    flow_columns,
    flow_rows,
    month_count,
    piece_rows,
    rate_cents,
    span_days,
    spread_span,
    texts_of,
    to_cents,
    usd_rate,
)
from aicapex.table.funding import funding_pieces
from aicapex.table.orderrows import order_pieces
from aicapex.table.pages import small_pages
from aicapex.table.stakeflows import stake_pieces
from aicapex.table.tablespec import SPECS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "FLOW_COLUMNS",
    "FLOW_KINDS",
    "ConflictPolicy",
    "as_flows",
    "check_source",
    "concat_flows",
    "empty_flows",
    "flow_rows",
    "flows",
    "is_ledger",
    "resolve",
]


#: The record kinds (and nested frames) flows are built from.
FLOW_KINDS = (
    "expenses",
    "revenues",
    "funding_rounds",
    "tranches",
    "investments",
    "cloud_bills",
    "payments",
    "compute_contracts",
    "gpu_orders",
    "stakes",
    "ramps",
    "deliveries",
    "order_payments",
)


def resolve(frame: pd.DataFrame, kind: str, policy: ConflictPolicy = "latest") -> pd.DataFrame:
    """The rows of a record frame to compute with: one report per fact in conflict (see
    :mod:`aicapex.conflicts`), ``"all"`` keeps every record."""
    return resolve_conflicts(frame, kind, policy)[0]


def _bill_rows(bills: pd.DataFrame, field: str, status: str) -> Piece:
    """One row per bill for the amount in ``field`` (``billed``, or ``outstanding`` for bills
    known only by their unpaid part), dated when the bill falls due."""
    return flow_columns(
        date=np.asarray(_due_or_period_end(bills), dtype="datetime64[D]"),
        entity=bills["payer"],  # (the frame's categoricals, as they are)
        direction=-1,
        payer=bills["payer"],
        payee=bills["provider"],
        cents=to_cents(bills[field].to_numpy("float64")),
        currency=bills[f"{field}_currency"],
        rate_usd=usd_rate(bills, field),
        ends=end_factors(bills, field),
        category="compute",
        status=status,
        basis="actual",
        kind="cloud_bills",
        record=bills["id"],
        source=first_source(bills["sources"]),
    )


def _due_or_period_end(bills: pd.DataFrame) -> np.ndarray:
    """When a bill falls due: its due date (its span's last day), else its period's end."""
    due = day_numbers(bills["due_end"])
    return np.where(np.isnat(due), day_numbers(bills["period_end"]), due)


def _flows_of_flowkind(frame: pd.DataFrame, kind: str) -> Piece:
    """Expenses or revenues: amounts spread over their span, rates over date..until."""
    if frame.empty:
        return empty_flows()
    if (included := notna(frame["included_in"])).any():
        frame = frame[~included]
    start = day_numbers(frame["date_start"])
    end_date = day_numbers(frame["date_end"])
    until = day_numbers(frame["until_end"])
    end = np.where(np.isnat(until), end_date, until)
    is_rate = notna(frame["rate"])
    first = as_unit(start, "M")
    n = np.maximum(month_count(first, end), 1)
    # a rate over a span that is not whole months: its days (as compute contracts count them);
    # a rate dated to one day (no `until`) is the rate of that day's month (amounts: no days)
    days = np.zeros(len(frame), dtype=np.int64)
    if is_rate.any():
        s, e = start[is_rate], end[is_rate]
        days[is_rate] = np.where(s == e, 0, span_days(s, e))
    rate = frame["rate"].to_numpy("float64")
    by_rate = rate_cents(rate, frame["rate_per"], n, days)
    amount_cents = to_cents(np.nan_to_num(frame["amount"].to_numpy("float64")))
    total = np.where(is_rate, by_rate, amount_cents).astype(np.int64)
    idx, month, cents = spread_span(total, first, n, start, end, rate, frame["rate_per"])
    # every row one flow (no span to split): idx is every row, in order, and row values are
    # taken as they are
    whole = len(idx) == len(frame)
    rows = _Rows(idx, whole)
    on_a_day = ~is_rate & (n == 1) & equals(frame["date_precision"], "day")
    if whole and on_a_day.all():  # a one-off amount on a known day moves on that day
        date = start  # (and month is its month, first)
    elif on_a_day.any():
        date = np.where(rows(on_a_day), rows(start), as_unit(month, "D"))
        month = np.where(rows(on_a_day), rows(first), month)
    else:
        date = as_unit(month, "D")
    usd_amount = usd_rate(frame, "amount")
    low, high = end_factors(frame, "amount")
    if is_rate.any():
        usd_amount = np.where(is_rate, usd_rate(frame, "rate"), usd_amount)
        rate_low, rate_high = end_factors(frame, "rate")
        low, high = np.where(is_rate, rate_low, low), np.where(is_rate, rate_high, high)
    currency = where(is_rate, frame["rate_currency"], frame["amount_currency"])
    company, counterparty = frame["company"], frame["counterparty"]
    revenue = kind == "revenues"
    actual = equals(frame["basis"], "actual")
    status = coded_category(actual.astype(np.int64), ["estimated", "paid"])
    return flow_columns(
        date=date,
        entity=rows.labels(company),
        direction=1 if revenue else -1,
        payer=rows.labels(counterparty if revenue else company),
        payee=rows.labels(company if revenue else counterparty),
        cents=cents,
        currency=rows.labels(currency),
        rate_usd=rows(usd_amount),
        ends=(rows(low), rows(high)),
        category="revenue" if revenue else rows.labels(frame["category"]),
        status=rows.labels(status),
        basis=rows.labels(frame["basis"]),
        kind=kind,
        record=frame["id"].array if whole else frame["id"].array.take(idx),
        source=rows.labels(first_source(frame["sources"])),
        month=month,
    )


class _Rows:
    """The rows of a record frame each flow comes from (``idx``; ``whole``: every row once,
    in order, so that a column is the flows' column as it is, not a copy of it)."""

    def __init__(self, idx: np.ndarray, whole: bool) -> None:
        self.idx, self.whole = idx, whole

    def __call__(self, values: np.ndarray) -> np.ndarray:
        return values if self.whole else values[self.idx]

    def labels(self, values: pd.Categorical | pd.Series) -> pd.Categorical | pd.Series:
        return values if self.whole else take(values, self.idx)


def _bills(bills: pd.DataFrame, payments: pd.DataFrame) -> list[Piece]:
    """The pieces of the flows of cloud bills and their payments (see the module docs)."""
    if bills.empty:
        return []
    pieces = []
    billed = notna(bills["billed"])
    only = ~billed & notna(bills["outstanding"])
    for rows, field, status in ((billed, "billed", "billed"), (only, "outstanding", "unpaid")):
        if rows.any():  # (every bill: the frame as it is, not a copy of its rows)
            pieces.append(_bill_rows(bills if rows.all() else bills[rows], field, status))
    if not payments.empty:  # each payment's bill (every one is among them: see _compile)
        at = index_of(bills["id"].to_numpy(dtype=object), payments["bill"].to_numpy(dtype=object))
        pieces.append(
            flow_columns(
                date=day_numbers(payments["date_start"]),
                entity=payments["payer"],
                direction=-1,
                payer=payments["payer"],
                payee=take(bills["provider"], at),
                cents=to_cents(payments["amount"].to_numpy("float64")),
                currency=payments["amount_currency"],
                rate_usd=usd_rate(payments, "amount"),
                ends=end_factors(payments, "amount"),
                category="compute",
                status="paid",
                basis="actual",
                kind="cloud_bills",
                record=payments["bill"].to_numpy(dtype=object),
                source=take(first_source(bills["sources"]), at),
            )
        )
    return pieces


def _finish(pieces: list[Piece]) -> pd.DataFrame:
    """The flows table of the pieces: their rows sorted by date (a stable sort: rows of one day
    stay in the order they were made, kind by kind and record by record), tidy categoricals (as
    :func:`concat_flows` makes them), columns in order and typed. Each column is written once,
    each piece's rows straight to their places (not concatenated, then sorted)."""
    pieces = [p for p in pieces if piece_rows(p)]
    if not pieces:
        return empty_flows()
    order = date_order(np.concatenate([np.asarray(p["date"], "datetime64[ns]") for p in pieces]))
    n = len(order)
    sorted_already = bool((order[1:] > order[:-1]).all())
    # where each piece's rows go: a slice of the inverse of the order
    place = np.empty(n, dtype=np.intp)
    place[order] = np.arange(n)
    ends = np.cumsum([0, *(piece_rows(p) for p in pieces)])
    places = [place[a:b] for a, b in itertools.pairwise(ends)]

    def placed(parts: list[np.ndarray], dtype: np.dtype[Any]) -> np.ndarray:
        if sorted_already:
            return np.concatenate(parts).astype(dtype, copy=False)
        out = np.empty(n, dtype=dtype)
        for at, part in zip(places, parts, strict=True):
            out[at] = part
        return out

    columns: dict[str, object] = {}
    done: dict[tuple[Any, ...], pd.Series] = {}  # numeric columns by the pieces' data
    for name in FLOW_COLUMNS:
        parts = [p[name] for p in pieces]
        if isinstance(parts[0].dtype, pd.CategoricalDtype):
            codes, labels = union_codes([as_category(part, len(part)) for part in parts])
            columns[name] = pd.Categorical.from_codes(
                placed(codes, codes[0].dtype), dtype=labels, validate=False
            )
        elif isinstance(parts[0].dtype, pd.StringDtype):
            texts = texts_of(parts)
            columns[name] = texts if sorted_already else texts.take(order)
        else:
            arrays = [np.asarray(part) for part in parts]
            # a column of the same data in every piece as one written already (the ends of
            # exact dollars): that column again, shared (copy-on-write tracks it)
            key = tuple(
                (a.__array_interface__["data"][0], a.shape, a.strides, a.dtype.str) for a in arrays
            )
            if key not in done:
                done[key] = pd.Series(placed(arrays, np.result_type(*arrays)), copy=False)
            columns[name] = done[key]
    out = pd.DataFrame(columns, copy=False)
    for name, dtype in FLOW_COLUMNS.items():  # (each column's dtype is the frame's column's)
        if str(getattr(columns[name], "dtype", None)) != dtype:
            out[name] = out[name].astype(dtype)  # type: ignore[call-overload]
    return out  # (its columns made in order)


@small_pages()
def flows(
    source: Ledger | Mapping[str, pd.DataFrame],
    *,
    conflicts: ConflictPolicy = "latest",
) -> pd.DataFrame:
    """The flows table (see the module docs) of a ledger, or of record frames by kind
    (``{"expenses": frame, ...}``: missing kinds count as empty).

    A ledger's table is compiled once per ``conflicts`` policy and kept with the ledger (ledgers
    are immutable); each call returns a new frame sharing the data (copy-on-write)."""
    if is_ledger(source):
        ledger = source
        built = ledger.memo(
            ("flows", conflicts),
            lambda: at_their_dates(_compile(_frames_of(ledger, conflicts), "all"), ledger),
        )
        return built.copy(deep=False)
    check_source(source)
    frames = cast("Mapping[str, pd.DataFrame]", source)
    return at_their_dates(_compile(frames, conflicts), frames.get("fx_rates"))


def is_ledger(source: object) -> TypeGuard[Ledger]:
    """Whether ``source`` is a :class:`~aicapex.ledger.Ledger`. None can be before the ledger
    module is loaded: tables and flows are told apart from ledgers without loading it (and the
    record models, pydantic, it imports)."""
    module = sys.modules.get("aicapex.ledger")
    return module is not None and isinstance(source, module.Ledger)


def check_source(source: object) -> None:
    """Raise TypeError for a source that is none of a Ledger, record frames by kind and a
    flows table (an analysis given a file's path, say, rather than the ledger loaded from it)."""
    if is_ledger(source) or isinstance(source, pd.DataFrame):
        return
    if isinstance(source, Mapping):
        check_frames(source)
        return
    hint = ": load it first (aicapex.load)" if isinstance(source, str | os.PathLike) else ""
    raise TypeError(
        "expected a Ledger, record frames by kind ({'expenses': frame, ...}) or a flows "
        f"table, got {type(source).__name__} {source!r:.80}{hint}"
    )


def check_frames(frames: Mapping[Any, object]) -> None:
    """Refuse record frames by kind that analyses would misread: a name that is no frame's
    (``KeyError``, with the closest names), a value that is no DataFrame (``TypeError``), a
    frame of a kind the flows read without the columns they read of it (``ValueError`` naming
    the missing ones; ``Ledger.frame`` and ``read_table`` give them all)."""
    for kind, frame in frames.items():
        if not isinstance(kind, str) or (kind not in _LIGHT_KINDS and kind not in _frame_kinds()):
            from aicapex.errors import suggest

            kinds = _frame_kinds()
            raise KeyError(
                f"expected record frames by kind, got {kind!r}{suggest(str(kind), kinds)} "
                f"(kinds: {', '.join(kinds)})"
            )
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(
                f"{kind}: expected a DataFrame of {kind} (Ledger.frame, read_table), got "
                f"{type(frame).__name__} {frame!r:.60}"
            )
        if kind in FLOW_KINDS:
            missing = [c for c in _columns_of(kind) if c not in frame.columns]
            if missing:
                more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
                shown = ", ".join(missing[:6]) + more
                raise ValueError(
                    f"{kind}: expected the columns of a {kind} frame (Ledger.frame, "
                    f"read_table), got a DataFrame without {shown}"
                )


#: Kinds known without the record models (the tables' kinds and the flows'): the bulk path
#: checks its frames without importing pydantic.
_LIGHT_KINDS = frozenset({*SPECS, *FLOW_KINDS})


def _frame_kinds() -> tuple[str, ...]:
    from aicapex.table.frames import FRAME_KINDS

    return FRAME_KINDS


def _columns_of(kind: str) -> list[str]:
    """The columns a frame of ``kind`` has (a table's from its spec, without the models)."""
    spec = SPECS.get(kind)
    if spec is None:
        return [n for n in _EMPTY_FRAMES[kind].columns if n not in _UNREAD]
    extra = ["investors"] if kind == "funding_rounds" else []  # the ids, as frames add them
    names = [name for name, _ in spec.head] + [n for c in spec.columns for n in c.names] + extra
    return [n for n in names if n not in _UNREAD]


#: Columns of record frames the flows never read (a frame without them is taken).
_UNREAD = frozenset(
    {"note", "fiscal_year_of", "reported_start", "reported_end", "reported_precision"}
)


def _frames_of(ledger: Ledger, conflicts: ConflictPolicy) -> dict[str, pd.DataFrame]:
    """The resolved record frames of ``ledger`` the flows read: its own (not copies)."""
    return {k: resolved_frame(ledger, k, conflicts)[0] for k in FLOW_KINDS}


def _compile(frames: Mapping[str, pd.DataFrame], conflicts: ConflictPolicy) -> pd.DataFrame:
    """The flows table of record frames by kind (missing kinds count as empty)."""
    empty = _EMPTY_FRAMES

    def get(kind: str) -> pd.DataFrame:
        frame = frames.get(kind)
        if frame is None:
            return empty[kind]
        return resolve(frame, kind, conflicts)

    def given(*kinds: str) -> bool:
        # a piece whose kinds are all missing has no rows (its empty frames make none): skip it
        return any(frames.get(kind) is not None for kind in kinds)

    pieces = []
    for kind in ("expenses", "revenues"):
        if given(kind):
            pieces.append(_flows_of_flowkind(get(kind), kind))
    if given("funding_rounds", "tranches", "investments"):
        rounds, tranches = get("funding_rounds"), get("tranches")
        investments = get("investments") if "investments" in frames else None
        pieces.extend(funding_pieces(rounds, tranches, investments))
    if given("cloud_bills", "payments"):
        bills = get("cloud_bills")
        payments = get("payments")
        if not payments.empty:
            known = payments["bill"].isin(set(bills["id"].to_numpy(dtype=object).tolist()))
            if not known.all():
                payments = payments[known.to_numpy()]
        pieces.extend(_bills(bills, payments))
    if given("compute_contracts", "ramps"):
        pieces.extend(contract_pieces(get("compute_contracts"), get("ramps")))
    if given("gpu_orders", "deliveries", "order_payments"):
        pieces.extend(order_pieces(get("gpu_orders"), get("deliveries"), get("order_payments")))
    if given("stakes"):
        pieces.extend(stake_pieces(get("stakes")))
    return _finish(pieces)


class _EmptyFrames(dict[str, pd.DataFrame]):
    """Empty, typed frames of any kind, made on demand (once: they are only read)."""

    def __missing__(self, kind: str) -> pd.DataFrame:
        from aicapex.ledger import Ledger
        from aicapex.table.frames import frame

        self[kind] = value = frame(Ledger(), kind)
        return value


_EMPTY_FRAMES = _EmptyFrames()


#: The columns of a flows table the analyses read (``currency``, ``cents`` and ``source`` only
#: describe a row: a table without them is taken).
_READ_COLUMNS = tuple(c for c in FLOW_COLUMNS if c not in ("currency", "cents", "source"))


def as_flows(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    conflicts: ConflictPolicy = "latest",
) -> pd.DataFrame:
    """The flows table of ``source``: a Ledger, record frames by kind, or a flows table
    (returned as is after checking its columns)."""
    if isinstance(source, pd.DataFrame):
        missing = [c for c in _READ_COLUMNS if c not in source.columns]
        if missing:
            raise ValueError(
                "expected a flows table (see aicapex.table.flows), "
                f"got a DataFrame without {missing}"
            )
        return source
    return flows(source, conflicts=conflicts)
