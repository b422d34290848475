"""Capex: each period's guidance revisions in the order reported against the actual, growth over
the previous period's actual, and a plan's progress.

Rows are capex records, by company and period. For each figure: its low and high ends and its
``midpoint`` (the base figure: a range's midpoint, a bound's figure); guidance of one period is
numbered in the order reported (``revision``: 1, 2, ...), with its change from the revision
before. ``actual_usd`` is the period's actual (the latest reported), ``vs_actual_usd`` the
actual less the figure; ``previous_actual_usd`` is the actual of the company's previous period
of the same length (a year before a year), and ``growth`` the figure over it, less one. A
project's actuals are not the company's: an actual for a project is compared with the actuals of
that project (its ``actual_usd`` is itself, its growth over the project's previous period), and
the company's figures with the company's actuals alone.

A plan's ``progress`` is the actual capex reported for its project (records of the same company
and ``project``) by ``as_of`` over the plan's amount; ``scheduled`` is the plan's latest
milestone by ``as_of`` over the amount (what should have been spent by then; milestones dated
in the company's fiscal years, amounts in another currency compared in US dollars). Without
``as_of`` nothing is left out: ``progress`` counts every actual reported for the project and
``scheduled`` is the last milestone's share, however far in the future it falls (pass ``as_of``
to compare the two at one date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on, day_of
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.records import Capex
from aicapex.table.columns import is_in
from aicapex.table.frames import ledger_frame, ledger_fx
from aicapex.table.typedcols import named_dtype

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["CAPEX_COLUMNS", "CapexResult", "capex", "capex_at"]

#: The columns of :func:`capex`'s frame and their dtypes.
CAPEX_COLUMNS: dict[str, str] = {
    "company": "str",
    "record": "str",
    "basis": "str",
    "period": "str",
    "period_start": "datetime64[ns]",
    "period_end": "datetime64[ns]",
    "project": "str",
    "reported": "datetime64[ns]",
    "revision": "int64",
    "kind": "str",
    "low_usd": "float64",
    "high_usd": "float64",
    "midpoint_usd": "float64",
    "change_usd": "float64",
    "actual_usd": "float64",
    "vs_actual_usd": "float64",
    "previous_actual_usd": "float64",
    "growth": "float64",
    "progress": "float64",
    "scheduled": "float64",
}

_BASES = {"guidance": 0, "plan": 1, "actual": 2}


class CapexResult(Result):
    """The result of :func:`capex`: one row per capex record."""

    NAME = "capex"


def _frame(source: Any) -> pd.DataFrame:
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        return ledger_frame(source, "capex")  # read only: the ledger's own
    frame = source.get("capex")
    return Ledger().frame("capex") if frame is None else frame


def _periods(source: Any, frame: pd.DataFrame) -> pd.Series:
    """Each row's period as written (from the records of a ledger; from the days otherwise)."""
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        written = {r.id: str(r.period) for r in source.of_type(Capex) if r.period is not None}
        ids = frame["id"].astype("object")
        return pd.Series([written.get(i, "") for i in ids], index=frame.index, dtype=object)
    start = frame["period_start"].dt.strftime("%Y-%m-%d")
    end = frame["period_end"].dt.strftime("%Y-%m-%d")
    text: pd.Series = (start + ".." + end).fillna("")
    return text


def _previous_actuals(out: pd.DataFrame, actual: pd.DataFrame) -> pd.Series:
    """The actual of each row's company for the previous period of the same length."""
    result = pd.Series(np.nan, index=out.index)
    if actual.empty:
        return result
    values = np.full(len(out), np.nan)

    def days(frame: pd.DataFrame) -> pd.Series:
        """Each period's length in days, rounded to tens (a year of 365 or 366 is 370)."""
        length = (frame["period_end"] - frame["period_start"]).dt.days.round(-1)
        return length.astype("int64")

    left = out.assign(_row=np.arange(len(out)))
    left = left[left["period_start"].notna().to_numpy()]
    left = left.assign(_len=days(left)).sort_values("period_start")
    a_len = days(actual)
    right = actual.assign(_len=a_len)[["company", "project", "_len", "period_end", "actual_usd"]]
    right = right.rename(columns={"period_end": "_prev_end", "actual_usd": "_prev"})
    right = right.sort_values("_prev_end")
    if left.empty:
        return result
    merged = pd.merge_asof(
        left,
        right,
        left_on="period_start",
        right_on="_prev_end",
        by=["company", "project", "_len"],
        allow_exact_matches=False,
        tolerance=pd.Timedelta(days=1),
    )
    values[merged["_row"].to_numpy("int64")] = merged["_prev"].to_numpy("float64")
    return pd.Series(values, index=out.index)


def _progress(
    source: Any, out: pd.DataFrame, limit: np.ndarray | None
) -> tuple[pd.Series, pd.Series]:
    """Each plan's actual progress and its milestones' scheduled share by ``limit`` (each
    row's: its company's date)."""
    from aicapex.ledger import Ledger

    progress = np.full(len(out), np.nan)
    scheduled = np.full(len(out), np.nan)
    basis = out["basis"].to_numpy(object)
    plans = np.flatnonzero(basis == "plan")
    if len(plans):
        mine = (basis == "actual") & (out["project"] != "").to_numpy()
        spent: dict[Any, float] = {}  # no actual of a project: none spent (not a groupby)
        if mine.any():
            actual = out[mine]
            if limit is not None:
                actual = actual[actual["period_end"].to_numpy("datetime64[ns]") <= limit[mine]]
            latest = actual.sort_values("reported", kind="stable").drop_duplicates(
                ["company", "project", "period_start", "period_end"], keep="last"
            )
            spent = latest.groupby(["company", "project"])["midpoint_usd"].sum().to_dict()
        company, project = (out[c].to_numpy(object)[plans] for c in ("company", "project"))
        found = [spent.get(key, np.nan) for key in zip(company, project, strict=True)]
        midpoint = out["midpoint_usd"].to_numpy("float64")[plans]
        progress[plans] = np.asarray(found, dtype="float64") / midpoint
        if isinstance(source, Ledger):
            records = out["record"].to_numpy(object)
            for i in plans:
                end = None if limit is None else pd.Timestamp(limit[i]).date()
                record = source[str(records[i])]
                assert isinstance(record, Capex)
                scheduled[i] = _scheduled(source, record, end)
    return pd.Series(progress, index=out.index), pd.Series(scheduled, index=out.index)


def _codes(out: pd.DataFrame, names: list[str]) -> np.ndarray:
    """Each row's group of ``out`` grouped by ``names`` (a missing value is a value, as
    ``groupby(dropna=False)`` and ``merge`` take it), numbered in the order groups first come."""
    key = np.zeros(len(out), dtype=np.int64)
    for name in names:
        codes, uniques = pd.factorize(out[name], use_na_sentinel=False)
        key, _ = pd.factorize(key * (len(uniques) + 1) + codes)
        key = key.astype(np.int64)
    return key


def _in_groups(key: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: its place in its group (0, 1, ...: ``cumcount``) and the value of the row
    before it in its group (NaN for the first: ``shift(1)``), rows in their order."""
    n = len(key)
    place, before = np.zeros(n, dtype=np.int64), np.full(n, np.nan)
    if not n:
        return place, before
    order = np.argsort(key, kind="stable")
    k = key[order]
    first = np.r_[True, k[1:] != k[:-1]]
    at = np.arange(n)
    place[order] = at - np.maximum.accumulate(np.where(first, at, 0))
    shifted = np.r_[np.nan, values[order][:-1]]
    shifted[first] = np.nan
    before[order] = shifted
    return place, before


def _scheduled(ledger: Ledger, record: Capex, end: dt.date | None) -> float:
    """The share of a plan its latest milestone by ``end`` (None: the last) says was spent:
    milestones dated in the fiscal years of the record's owner (``FY2025`` of a year ending
    June 30 ends 2025-06-30), amounts in another currency than the plan's compared in US
    dollars at the milestone's date (NaN without a rate). NaN for a plan without milestones."""
    if not record.milestones:
        return float("nan")
    fye = ledger.fiscal_year_end(record.fiscal_owner() or record.company)
    due = [m for m in record.milestones if end is None or m.by.end(fye) <= end]
    if not due:
        return 0.0
    reached, amount = due[-1].amount, record.amount
    if reached.currency == amount.currency:
        return float(reached.amount) / float(amount.amount)
    fx = ledger_fx(ledger)
    day = due[-1].by.end(fye)
    spent = fx.usd(float(reached.amount), reached.currency, day)
    return spent / fx.usd(float(amount.amount), amount.currency, day)


def capex(
    source: Ledger | Mapping[str, pd.DataFrame],
    company: str | None = None,
    *,
    as_of: DateLike | None = None,
    known_on: DateLike | None = None,
) -> CapexResult:
    """The capex of ``company`` (``None``: every company): guidance revisions in the order
    reported against the actual, growth, plans' progress (see the module docs). ``as_of``:
    only what was reported by then (and plans' progress at that date).

    Columns (:data:`CAPEX_COLUMNS`): ``company``, ``record``, ``basis``, ``period`` (as
    written) with ``period_start``/``period_end``, ``project``, ``reported``, ``revision``,
    ``kind`` (of the figure: exact, range, ...), ``low_usd``, ``high_usd``, ``midpoint_usd``,
    ``change_usd``, ``actual_usd``, ``vs_actual_usd``, ``previous_actual_usd``, ``growth``,
    ``progress`` and ``scheduled`` (plans).

    >>> import aicapex as ac
    >>> c = capex(ac.load(ac.bundled_data()), "meta")
    >>> c.frame[["record", "basis", "project", "midpoint_usd"]].values.tolist()
    [['meta-hyperion', 'plan', 'Hyperion data center', 50000000000.0]]
    """
    source = as_known_on(source, known_on)
    frame = _frame(source)
    if company is not None:
        from aicapex.ledger import Ledger

        if not isinstance(company, str):  # as every analysis's entity argument
            raise TypeError(f"expected an entity id (text, such as 'meta'), got {company!r}")
        if isinstance(source, Ledger):
            known = {e.id for e in source.records("entities")}
        else:
            known = set(frame["company"].astype("object"))
        if company not in known:
            raise KeyError(f"unknown entity {company!r}{suggest(company, sorted(known))}")
        frame = frame[(frame["company"].astype("object") == company).to_numpy()]
    limit = day_of(as_of, end=True) if as_of is not None else None
    limits = None if limit is None else {str(c): limit for c in frame["company"].unique()}
    frame_out = _table(source, frame, limits)
    warnings = [
        f"{r}: no figure in US dollars (no exchange rate at its period)"
        for r in frame_out.loc[frame_out["midpoint_usd"].isna().to_numpy(), "record"]
    ]
    reason = None
    if company is not None and frame_out.empty:
        reason = f"no capex records of {company!r}"
    return CapexResult(
        frame_out,
        record_index(frame_out["record"]),
        ASSUMPTIONS,
        tuple(warnings),
        reason,
        params={
            "company": company,
            "as_of": None if as_of is None else str(as_of),
            "known_on": None if known_on is None else str(known_on),
        },
    )


#: What :func:`capex` assumes.
ASSUMPTIONS = (
    "guidance revisions are ordered by the date reported (the record's, else its sources')",
    "a figure's midpoint is its base figure: a range's midpoint, a bound's figure",
    "growth is over the actual of the previous period of the same length",
    "a plan's progress is the actual capex of its project over the plan's amount",
)


def capex_at(ledger: Ledger, dates: Mapping[str, str]) -> CapexResult:
    """The capex of the companies of ``dates`` (company -> its ``as_of``), each as of its own
    date: the rows :func:`capex` gives each with ``as_of=`` its date, for all of them in one
    pass (a company's rows read only its own records). The report's capex section."""
    frame = _frame(ledger)
    frame = frame[is_in(frame["company"], tuple(dates))]  # by its codes
    frame_out = _table(ledger, frame, {c: day_of(d, end=True) for c, d in dates.items()})
    return CapexResult(frame_out, record_index(frame_out["record"]), ASSUMPTIONS)


def _table(
    source: Any, frame: pd.DataFrame, limits: Mapping[str, np.datetime64] | None
) -> pd.DataFrame:
    """The frame of :func:`capex` from the capex records of ``frame``, each company's as of
    its date in ``limits`` (``None``: all of them)."""
    if limits is not None:
        reported = frame["reported_start"].to_numpy("datetime64[ns]")
        mine = _limits(frame["company"], limits)
        frame = frame[np.isnat(reported) | (reported <= mine)]
    out = pd.DataFrame(
        {
            "company": frame["company"].astype("object").astype(str),
            "record": frame["id"].astype(str),
            "basis": frame["basis"].astype("object").astype(str),
            "period": _periods(source, frame),
            "period_start": frame["period_start"],
            "period_end": frame["period_end"],
            "project": frame["project"].astype("object").fillna("").astype(str),
            "reported": frame["reported_start"],
            "kind": frame["amount_kind"].astype("object").astype(str),
            "low_usd": frame["amount_low_usd"],
            "high_usd": frame["amount_high_usd"],
            "midpoint_usd": frame["amount_usd"],
        }
    )
    # sorted by company, period, basis (guidance, plan, actual), date reported and record as
    # sort_values sorts them (missing last: lexsort of the keys' sorted codes), one take
    # rather than a key column assigned, a sort and a drop (~0.5 ms); the columns found
    # after it kept as arrays until the frame is built (_typed), not assigned one by one
    rank = [_BASES.get(b, np.nan) for b in out["basis"].tolist()]
    keys = [_sort_codes(out[c]) for c in ("record", "reported")]
    keys += [np.array(rank, dtype="float64"), *(_sort_codes(out[c]) for c in _FIRST_KEYS)]
    out = out.take(np.lexsort(keys)).reset_index(drop=True)
    fact = ["company", "period_start", "period_end", "basis", "project"]
    midpoint = out["midpoint_usd"].to_numpy("float64")
    place, before = _in_groups(_codes(out, fact), midpoint)
    found: dict[str, np.ndarray] = {"revision": place + 1, "change_usd": midpoint - before}
    # a project's figures are compared with its own actuals, the company's with the company's
    # (a project's $3B actual against the company's $72B gave it a growth of -92%)
    period = ["company", "project", "period_start", "period_end"]
    is_actual = (out["basis"] == "actual").to_numpy() & out["period_start"].notna().to_numpy()
    actual_usd, previous = np.full(len(out), np.nan), np.full(len(out), np.nan)  # no actual
    if is_actual.any():
        actual = out[is_actual].drop_duplicates(period, keep="last")
        actual = actual[[*period, "midpoint_usd"]].rename(columns={"midpoint_usd": "actual_usd"})
        # each row's period's actual (a left merge on the period: missing values match)
        codes = _codes(out, period)
        of_period = np.full(len(out) + 1, np.nan)
        rows = actual.index.to_numpy()  # positions in out (a RangeIndex)
        of_period[codes[rows]] = midpoint[rows]
        actual_usd = of_period[codes]
        previous = _previous_actuals(out, actual).to_numpy()
    found["actual_usd"], found["previous_actual_usd"] = actual_usd, previous
    with np.errstate(divide="ignore", invalid="ignore"):  # as a Series divides: inf, NaN
        found["vs_actual_usd"] = actual_usd - midpoint
        found["growth"] = midpoint / previous - 1
    limit = None if limits is None else _limits(out["company"], limits)
    progress, scheduled = _progress(source, out, limit)
    found["progress"], found["scheduled"] = progress.to_numpy(), scheduled.to_numpy()
    return _typed(out, found)


#: The first keys of the rows' order, in sort_values' order (the last are basis, reported
#: and record).
_FIRST_KEYS = ("period_start", "company")


def _sort_codes(column: pd.Series) -> np.ndarray:
    """Each value's rank among the column's values, missing last: the codes sort_values
    sorts a column of text or dates by (a Categorical's, from the sorted distinct values)."""
    codes, uniques = pd.factorize(column, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _typed(out: pd.DataFrame, found: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """``dealskit.typed_frame(out, CAPEX_COLUMNS)`` with the columns ``found`` (arrays of
    their dtypes) as they are, the others already of their dtype too (most are: a cast only
    copies them), the frame built from their arrays."""
    columns: dict[str, Any] = {}
    for name, dtype in CAPEX_COLUMNS.items():
        if name in found:
            columns[name] = found[name]
            continue
        column, typed = out[name], named_dtype(dtype)
        if column.dtype != typed:
            dated = dtype.startswith("datetime")
            column = (pd.to_datetime(column) if dated else column).astype(typed)
        extension = isinstance(column.dtype, pd.api.extensions.ExtensionDtype)
        columns[name] = column.array if extension else column.to_numpy()
    return pd.DataFrame(columns, index=pd.RangeIndex(len(out)), copy=False)


def _limits(companies: pd.Series, limits: Mapping[str, np.datetime64]) -> np.ndarray:
    """Each row's date: its company's in ``limits``."""
    days = [limits[str(c)] for c in companies.to_numpy(object)]
    return np.array(days, dtype="datetime64[ns]")
