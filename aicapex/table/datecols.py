"""The date columns of bulk tables: each distinct date read once, as ``PartialDate.parse`` reads
it; days written the ISO way (``2024-03-15``, most of a large table's dates) read all at once."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.dates import MAX_YEAR, MIN_YEAR, PartialDate, Precision
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.columns import coded_category, factorize, parse_unique

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["cited_reported", "date_columns", "date_value", "first_days", "fiscal_spans"]

#: A day written the ISO way, ASCII digits only: ``PartialDate.parse`` reads it as that day
#: when the day exists and its year is within MIN_YEAR..MAX_YEAR.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def date_value(value: Any) -> Any:
    """A cell of a date column as PartialDate.parse takes it: a year read as a float (CSV columns
    of years with blanks) or as a NumPy integer (a Parquet column of nullable Int64 years)
    becomes an int, a Timestamp its day."""
    if isinstance(value, np.integer) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    return value.date() if hasattr(value, "date") else value


def date_columns(col: pd.Series, chk: Located, field: str) -> dict[str, Any]:
    """The ``_start``, ``_end`` (datetime64[ns]) and ``_precision`` (categorical) columns of a
    date column: each distinct value is parsed once and its span spread to its rows."""
    if pd.api.types.is_datetime64_any_dtype(col):
        if getattr(col.dt, "tz", None) is not None:  # the day on its clock, not in UTC
            col = col.dt.tz_localize(None)
        years = col.dt.year.to_numpy(dtype="float64", na_value=np.nan)
        out = (years < MIN_YEAR) | (years > MAX_YEAR)  # nanoseconds overflow past 2262
        if out.any():
            found = np.full(len(col), None, dtype=object)
            for i in np.flatnonzero(out)[:MAX_PROBLEMS]:
                found[i] = Said(
                    f"{str(col.iloc[i].date())!r} (year must be in {MIN_YEAR}..{MAX_YEAR})"
                )
            chk.rows(out, field, f"a date in the years {MIN_YEAR} to {MAX_YEAR}", found, "bad-date")
            col = col.where(~out)
        days = col.dt.normalize()
        day = np.where(col.isna().to_numpy(), -1, 0)
        return {
            f"{field}_start": days.to_numpy("datetime64[ns]"),
            f"{field}_end": days.to_numpy("datetime64[ns]"),
            f"{field}_precision": coded_category(day, [Precision.DAY.value]),
        }
    codes, uniques = factorize(col)
    start, end, precision, bad = _spans(list(uniques))
    chk.rows(
        bad[codes],
        field,
        "a date like '2023-10-31', '2023-10', 'Q3 2023' or '2023'",
        col,
        "bad-date",
    )
    first = start[codes]
    spans: dict[str, Any] = {f"{field}_start": first, f"{field}_end": None}
    if np.array_equal(start.view(np.int64), end.view(np.int64)):
        # every date a day (or none): its first and last days are one column, shared by the
        # two (pandas' copy-on-write tracks the references: writing one copies it)
        spans[f"{field}_start"] = spans[f"{field}_end"] = pd.Series(first, copy=False)
    else:
        spans[f"{field}_end"] = end[codes]
    return {**spans, f"{field}_precision": coded_category(codes, precision)}


def first_days(
    raw: pd.DataFrame,
    rows: np.ndarray,
    names: tuple[str, ...],
    year_ends: np.ndarray | None = None,
) -> np.ndarray:
    """The first day (datetime64[D]) of the date of each of ``rows``, from the first of the
    columns ``names`` the table has that dates it (each distinct date read once); NaT where
    none does (or where a date is bad: reported by :func:`date_columns`). A fiscal year begins
    after the year end of its row (``year_ends``, each row's of the table; none: 12-31)."""
    days = np.full(len(rows), np.datetime64("NaT"), dtype="datetime64[D]")
    for name in names:
        undated = np.flatnonzero(np.isnat(days))
        if name not in raw or not len(undated):
            continue
        cells = raw[name].iloc[rows[undated]]
        codes, parsed, _ = parse_unique(cells, lambda v: PartialDate.parse(date_value(v)))
        firsts = [
            np.datetime64(p.sort_key()[0], "D") if p else np.datetime64("NaT") for p in parsed
        ]
        days[undated] = np.array([*firsts, np.datetime64("NaT")], dtype="datetime64[D]")[codes]
        fiscal = [p is not None and p.precision is Precision.FISCAL_YEAR for p in parsed]
        at = np.flatnonzero(np.array([*fiscal, False], dtype=bool)[codes])
        if year_ends is not None and len(at):
            spans = fiscal_spans(cells.iloc[at], year_ends[rows[undated[at]]])
            days[undated[at]] = spans[0].astype("datetime64[D]")
    return days


def fiscal_spans(cells: pd.Series, year_ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and last days (datetime64[ns]) of fiscal-year ``cells`` under each one's year
    end (``MM-DD``): each distinct (date, year end) read once."""
    values, value_at = pd.factorize(cells.to_numpy(dtype=object))
    ends, end_at = pd.factorize(np.asarray(year_ends, dtype=object))
    pairs, which = np.unique(values * len(end_at) + ends, return_inverse=True)
    start = np.empty(len(pairs), dtype="datetime64[ns]")
    end = np.empty(len(pairs), dtype="datetime64[ns]")
    for i, pair in enumerate(pairs):
        date = PartialDate.parse(date_value(value_at[pair // len(end_at)]))
        first, last = date.span(str(end_at[pair % len(end_at)]))
        start[i], end[i] = np.datetime64(first, "ns"), np.datetime64(last, "ns")
    which = which.reshape(-1)
    return start[which], end[which]


def _spans(
    values: list[Any],
) -> tuple[np.ndarray, np.ndarray, list[str | None], np.ndarray]:
    """The first and last days (datetime64[ns]) and the precision of each distinct value, and
    which ones are no date; one more slot at the end (NaT, NaT, not bad) for missing cells."""
    n = len(values)
    nat = np.datetime64("NaT", "ns")
    start = np.full(n + 1, nat)
    end = np.full(n + 1, nat)
    precision: list[str | None] = [None] * n
    bad = np.zeros(n + 1, dtype=bool)
    iso = np.array([type(v) is str and _ISO_DAY.fullmatch(v) is not None for v in values])
    at = np.flatnonzero(iso) if n else np.zeros(0, dtype=np.intp)
    if len(at):
        texts = pd.Series([values[i] for i in at], dtype=object)
        days = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce").to_numpy("datetime64[ns]")
        years = texts.str.slice(0, 4).astype(np.int64).to_numpy()
        ok = ~np.isnat(days) & (years >= MIN_YEAR) & (years <= MAX_YEAR)
        start[at[ok]] = end[at[ok]] = days[ok]
        for i in at[ok]:
            precision[i] = Precision.DAY.value
        iso[at[~ok]] = False  # no such day, or a year out of range: said as parse says it
    for i in np.flatnonzero(~iso) if n else ():
        try:
            parsed = PartialDate.parse(date_value(values[i]))
        except (ValueError, TypeError, ArithmeticError):
            bad[i] = True
            continue
        first, last = parsed.sort_key()
        start[i], end[i] = np.datetime64(first, "ns"), np.datetime64(last, "ns")
        precision[i] = parsed.precision.value
    return start, end, precision, bad


def cited_reported(raw: pd.DataFrame, ledger: Ledger | None) -> pd.DataFrame:
    """``raw`` (a table with ``sources``) with the ``reported`` date of each row that has none,
    citing sources ``ledger`` holds, taken from them as ``Ledger.reported`` takes a record's:
    the latest of their publication dates (the date of the one, when one is cited), written
    as the source writes it. Conflicting reports of one fact then resolve to the same latest
    report as the records' (a table read with the ledger of its sources). A source dated by a
    fiscal year (``FY2025``) gives none: read as written, the row's fiscal-year rules (whose
    year, ``fiscal-year-owner``) would hold it as the row's own cell, which the loader does not."""
    if ledger is None or "sources" not in raw:
        return raw
    held = ((s.id, getattr(s, "date", None)) for s in ledger.records("sources"))
    dates = {i: d for i, d in held if d is not None and d.precision != Precision.FISCAL_YEAR}
    if not dates:
        return raw
    codes, uniques = pd.factorize(raw["sources"].astype("object"), use_na_sentinel=True)
    said: list[str | None] = []
    for cell in uniques:
        cited = [x.strip() for x in str(cell).split(",") if x.strip()]
        found = [dates[c] for c in cited if c in dates] if len(cited) > 1 else []
        one = dates.get(cited[0]) if len(cited) == 1 else None
        latest = max(found, key=PartialDate.sort_key) if found else one
        said.append(str(latest) if latest is not None else None)
    fill = np.array([*said, None], dtype=object)[codes]
    own = raw["reported"] if "reported" in raw else pd.Series(None, index=raw.index, dtype=object)
    given = np.array([v is not None for v in fill], dtype=bool) & own.isna().to_numpy()
    if not given.any():
        return raw
    values = own.to_numpy(dtype=object, copy=True)
    values[given] = fill[given]
    return raw.assign(reported=pd.Series(values, index=raw.index, dtype=object))
