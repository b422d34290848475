"""A contract's ramp steps against the contract and each other, held across two bulk tables
(``read_table(ramps, "ramps", parents=contracts)``), as a ledger holds them: the contract's own
check (:class:`~aicapex.records.ComputeContract`: days under a December 31 year end, fiscal-year
steps never after the end and compared for overlaps among themselves) and the ledger's
(:mod:`aicapex.checks.contracts`: every date in its owner's fiscal years). A table's frame spans
a fiscal year by its owner's year end when read with a ledger (``fx=``), else as the calendar
year, as the frames of records do; the same problems, texts and places as the loader's.

Also the day and place helpers the other rules between records and items share
(:mod:`aicapex.table.tablerules`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.dates import PartialDate
from aicapex.table.bulkcols import MAX_PROBLEMS
from aicapex.table.columns import parse_unique
from aicapex.table.datecols import date_value

__all__ = [
    "FISCAL",
    "Found",
    "Frames",
    "calendar_days",
    "date_text",
    "item_places",
    "parse_cell_date",
    "ramp_spans",
]

#: A table as read and the frame made of it.
Frames = tuple[pd.DataFrame, pd.DataFrame]
#: Problems of records: each one's row in the parents' table, field, expected and found texts.
Found = list[tuple[int, str, str, str]]

#: The precision of a fiscal-year date in a frame's ``<name>_precision`` column.
FISCAL = "fiscal_year"


def ramp_spans(items: Frames, parents: Frames, pos: np.ndarray, found: Found) -> Found:
    """``found`` (the contracts' steps ending before they start, by calendar days) with the
    ramp's other problems (see the module docs): the contract's own, steps starting after it
    ends and steps whose periods overlap (each contract's steps by their first day, then their
    place in its ramp; a step starting on or before the last day those before it reach overlaps
    the step that reached it); then, for contracts without any, as the ledger finds them once
    its records are valid, those of their owner's years."""
    raw, frame = items
    praw, pframe = parents
    first, last = calendar_days(raw, frame, "period", 0), calendar_days(raw, frame, "period", 1)
    known = np.flatnonzero((pos >= 0) & ~np.isnat(first) & ~np.isnat(last))
    place = item_places(pos, None)
    fiscal = np.asarray(frame["period_precision"] == FISCAL, dtype=bool)
    ends = _days(pframe, "end_end") if "end" in praw else np.full(len(pframe), np.nan, "M8[ns]")
    own_ends = calendar_days(praw, pframe, "end", 1) if "end" in praw else ends
    late = known[(first[known] > own_ends[pos[known]]) & ~fiscal[known]]  # NaT (no end): never
    found = found + _at(raw, praw, pos, place, late, "a period starting on or before the end")
    # each side among itself (the record's check)
    rows = known[np.lexsort((place[known], first[known], fiscal[known], pos[known]))]
    if len(rows) > 1:
        group = pos[rows].astype(np.int64) * 2 + fiscal[rows]
        start, end = first[rows].view(np.int64), last[rows].view(np.int64)
        opens = np.r_[True, group[1:] != group[:-1]]
        reach = pd.Series(end).groupby(group).cummax().to_numpy()
        raised = opens | (end > np.r_[0, reach[:-1]])
        holder = np.maximum.accumulate(np.where(raised, np.arange(len(rows)), 0))
        over = np.flatnonzero(~opens & (start <= np.r_[0, reach[:-1]]))[:MAX_PROBLEMS]
        for k in over.tolist():
            r, h = int(rows[k]), int(rows[holder[k - 1]])
            other = f"ramp.{place[h]}.period is {date_text(raw, 'period', h)}"
            said = f"a period apart from the other steps' ({other})"
            period = date_text(raw, "period", r)
            found.append((int(pos[r]), f"ramp.{place[r]}.period", said, period))
    # in the owner's years: contracts whose ramp the record's check took
    valid = known[~np.isin(pos[known], [f[0] for f in found])]
    own_first, own_last = _days(frame, "period_start"), _days(frame, "period_end")
    if "start" in praw:
        starts = _days(pframe, "start_start")[pos[valid]]
        # what the record's check left: a fiscal-year start against another step
        left = np.asarray(pframe["start_precision"] == FISCAL, dtype=bool)[pos[valid]]
        left &= ~fiscal[valid]
        before = (own_last[valid] < starts) & (
            left | ~(last[valid] < calendar_days(praw, pframe, "start", 0)[pos[valid]])
        )
        said = "a period on or after the start"
        found += _at(raw, praw, pos, place, valid[before], said, "start")
    after = valid[own_first[valid] > ends[pos[valid]]]
    found += _at(raw, praw, pos, place, after, "a period starting on or before the end")
    mine = valid[np.lexsort((place[valid], first[valid], fiscal[valid], pos[valid]))]
    found += _mixed(raw, pos, mine, fiscal, place, (own_first, own_last))
    return found


def _at(
    raw: pd.DataFrame,
    praw: pd.DataFrame,
    pos: np.ndarray,
    place: np.ndarray,
    rows: np.ndarray,
    expected: str,
    field: str = "end",
) -> Found:
    """The problems of ``rows`` (steps; the first :data:`MAX_PROBLEMS`, by contract):
    ``<expected> <the contract's field>``."""
    out: Found = []
    for r in rows[np.lexsort((rows, pos[rows]))][:MAX_PROBLEMS].tolist():
        i = int(pos[r])
        said = f"{expected} {date_text(praw, field, i)}"
        out.append((i, f"ramp.{place[r]}.period", said, date_text(raw, "period", r)))
    return out


def _mixed(
    raw: pd.DataFrame,
    pos: np.ndarray,
    rows: np.ndarray,
    fiscal: np.ndarray,
    place: np.ndarray,
    spans: tuple[np.ndarray, np.ndarray],
) -> Found:
    """Steps over the months of an earlier step of the other side (fiscal years against the
    others), in the owner's years, once per step, for contracts with steps of both sides."""
    both = pd.Series(fiscal[rows]).groupby(pos[rows]).agg(["min", "max"])
    mixed = both.index[(both["min"] != both["max"]).to_numpy()]
    found: Found = []
    for contract in mixed.tolist():
        mine = rows[pos[rows] == contract]
        mine = mine[np.lexsort((place[mine], spans[0][mine]))]
        for at, r in enumerate(mine.tolist()):
            for h in mine[:at].tolist():
                if fiscal[h] != fiscal[r] and spans[0][r] <= spans[1][h]:
                    other = f"ramp.{place[h]}.period is {date_text(raw, 'period', h)}"
                    said = f"a period apart from the other steps' ({other})"
                    period = date_text(raw, "period", r)
                    found.append((int(contract), f"ramp.{place[r]}.period", said, period))
                    break
        if len(found) >= MAX_PROBLEMS:
            break
    return found[:MAX_PROBLEMS]


def _days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A frame's day column as it spans its dates (fiscal years by their owner's year end)."""
    return np.array(frame[column], dtype="datetime64[ns]")


def item_places(pos: np.ndarray, status: np.ndarray | None) -> np.ndarray:
    """Each item's index in its record's list (of its ``status``: scheduled or delivered), the
    items in table order, as a ledger file nests them (-1 for an item of no record)."""
    key = pos.astype(np.int64) * 2
    if status is not None:
        key += status == "delivered"
    order = np.argsort(key, kind="stable")
    ranked = key[order]
    at = np.arange(len(ranked))
    first = np.maximum.accumulate(np.where(np.r_[True, ranked[1:] != ranked[:-1]], at, 0))
    place = np.empty(len(pos), dtype=np.int64)
    place[order] = at - first
    return np.where(pos >= 0, place, -1)


def calendar_days(raw: pd.DataFrame, frame: pd.DataFrame, name: str, side: int) -> np.ndarray:
    """The first (``side`` 0) or last (1) day of each date of column ``name``, under a
    December 31 year end as ``PartialDate.sort_key`` has them: the frame's, but for fiscal
    years, which a frame spans by their owner's year end (each distinct cell read once)."""
    days = _days(frame, f"{name}_{('start', 'end')[side]}")
    fiscal = np.flatnonzero(np.asarray(frame[f"{name}_precision"] == FISCAL, dtype=bool))
    if len(fiscal):
        codes, parsed, _ = parse_unique(raw[name].iloc[fiscal], parse_cell_date)
        keys = [np.datetime64(p.sort_key()[side], "ns") for p in parsed]
        days[fiscal] = np.array([*keys, np.datetime64("NaT", "ns")], dtype="datetime64[ns]")[codes]
    return days


def parse_cell_date(value: object) -> PartialDate:
    """A date cell as records read it."""
    return PartialDate.parse(date_value(value))


def date_text(raw: pd.DataFrame, name: str, i: int) -> str:
    """The date at row ``i`` of column ``name`` as records write it (``2024-Q3``, ``FY2025``)."""
    value = raw[name].iloc[i]
    return str(parse_cell_date(value.item() if isinstance(value, np.generic) else value))
