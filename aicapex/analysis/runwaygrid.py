"""A runway's balances and month grid: each entity's last cash balance at or before its
``as_of``, the columns it gives the runway's table, and the grid of months from the earliest
balance to the horizon (:class:`BalanceGrid`: what the builds of a scenario setting share)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import day_of, filled, month_of, month_starts, months_between
from aicapex.dates import DateLike

__all__ = [
    "BalanceGrid",
    "as_of_of",
    "balance_columns",
    "balance_grid",
    "balance_kinds",
    "ends_of",
    "latest_balances",
]


def as_of_of(
    as_of: DateLike | Mapping[str, DateLike], entities: pd.Index
) -> tuple[np.ndarray, np.ndarray]:
    """Each entity's ``as_of``: its last day and its (last) month, datetime64[ns] arrays."""
    if isinstance(as_of, Mapping):
        days = [day_of(as_of[str(e)], end=True) for e in entities]
        months = [month_of(as_of[str(e)], end=True) for e in entities]
        return np.array(days, dtype="datetime64[ns]"), np.array(months, dtype="datetime64[ns]")
    n = len(entities)
    return (
        np.full(n, day_of(as_of, end=True), dtype="datetime64[ns]"),
        np.full(n, month_of(as_of, end=True), dtype="datetime64[ns]"),
    )


def latest_balances(
    balances: pd.DataFrame, as_of: DateLike | Mapping[str, DateLike]
) -> pd.DataFrame:
    """Each entity's last balance at or before its ``as_of`` (balances without a date count as
    at ``as_of``), indexed by entity; refuses balances without US dollars."""
    dated = balances["date_end"]
    if isinstance(as_of, Mapping):
        ends = {k: day_of(v, end=True) for k, v in as_of.items()}
        end = ends_of(balances["company"], ends)
    else:
        end = np.full(len(balances), day_of(as_of, end=True), dtype="datetime64[ns]")
    day = dated.to_numpy("datetime64[ns]")
    known = np.flatnonzero(np.isnat(day) | (day <= end))
    # by date, then report date, missing ones first (NaT is int64's least), stably; then each
    # company's last (pandas' sort, group-by and tail cost more on a few rows)
    reported = balances["reported_start"].to_numpy("datetime64[ns]")[known].view(np.int64)
    known = known[np.lexsort((reported, day[known].view(np.int64)))]
    company, _ = pd.factorize(balances["company"].to_numpy(object)[known])  # missing: -1
    lasts = np.sort(len(known) - 1 - np.unique(company[::-1], return_index=True)[1])
    chosen = balances.iloc[known[lasts[company[lasts] >= 0]]]
    index = pd.Index(chosen["company"].to_numpy(object), dtype=object, name="company")
    chosen = chosen.set_axis(index)
    no_rate = chosen["amount_usd"].isna().to_numpy()
    if no_rate.any():
        ids, codes = chosen["id"].astype("object")[no_rate], chosen["amount_currency"][no_rate]
        verb, whose = ("has", "its") if len(ids) == 1 else ("have", "their")
        raise ValueError(
            f"runway needs US-dollar cash balances, but {', '.join(ids)} {verb} no exchange "
            f"rate at {whose} date: add fx_rates records for {', '.join(sorted(set(codes)))}"
        )
    return chosen


_NAT = np.datetime64("NaT", "ns")


def ends_of(company: pd.Series, ends: dict[Any, np.datetime64]) -> np.ndarray:
    """``company.astype("object").map(ends)`` as datetime64[ns] (missing: NaT), looked up in
    the dict for text companies and text keys (``Series.map`` costs 0.8 ms on a few rows)."""
    if (
        ends
        and all(type(k) is str for k in ends)
        and isinstance(company.dtype, pd.CategoricalDtype)
    ):
        names = company.cat.categories.tolist()
        if all(type(n) is str for n in names):
            found = [ends.get(n, _NAT) for n in names]
            found.append(_NAT)  # code -1: missing
            return np.array(found, dtype="datetime64[ns]")[company.cat.codes.to_numpy()]
    out: np.ndarray = company.astype("object").map(ends).to_numpy("datetime64[ns]")
    return out


def balance_kinds(chosen: pd.DataFrame) -> pd.Series:
    """The kind of each chosen balance's figure (exact, approx, upper, lower, range)."""
    if "amount_kind" in chosen:
        return chosen["amount_kind"]
    return pd.Series("exact", chosen.index)


def balance_columns(entities: pd.Index, chosen: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of a runway's per-entity table that each entity's chosen balance gives:
    ``entity``, ``balance_record``, ``balance_date``, ``balance_usd`` and ``bound``."""
    return {
        "entity": entities.to_numpy(),
        "balance_record": chosen["id"].to_numpy(object),
        "balance_date": chosen["date_end"].to_numpy("datetime64[ns]"),
        "balance_usd": chosen["amount_usd"].to_numpy("float64"),
        "bound": balance_kinds(chosen).to_numpy(object),
    }


@dataclass(frozen=True, eq=False)
class BalanceGrid:
    """What :func:`collect_inputs` finds of the balances alone (``key``: the balances frame,
    the entity, ``as_of`` and the horizon it was found of): the balance chosen of each entity,
    their days and months, the month grid, the months counted, the per-entity columns the
    balances give and the three starting figures before any flow (base, low, high)."""

    key: tuple[pd.DataFrame, str | None, DateLike | Mapping[str, DateLike] | None, int]
    as_of: DateLike | Mapping[str, DateLike]
    chosen: pd.DataFrame
    entities: pd.Index
    end_day: np.ndarray
    as_of_month: np.ndarray
    balance_day: np.ndarray
    balance_month: np.ndarray
    grid_start: np.datetime64
    as_of_col: np.ndarray
    months: pd.DatetimeIndex
    active: np.ndarray
    columns: dict[str, np.ndarray]
    cash: tuple[np.ndarray, ...]

    def of(self, balances: pd.DataFrame, entity: str | None, as_of: object, horizon: int) -> bool:
        """Whether it was found of these arguments (the same frame, not an equal one)."""
        frame, *rest = self.key
        return frame is balances and rest == [entity, as_of, horizon]


def balance_grid(
    balances: pd.DataFrame,
    entity: str | None,
    as_of: DateLike | Mapping[str, DateLike] | None,
    horizon: int,
) -> BalanceGrid:
    """The :class:`BalanceGrid` of ``balances`` (``entity``'s, if given) at ``as_of`` (``None``:
    the latest balance's day) over ``horizon`` months."""
    key = (balances, entity, as_of, horizon)
    if entity is not None:
        balances = balances[balances["company"].to_numpy(object) == entity]
    if as_of is None:
        if not balances["date_end"].notna().any():
            raise ValueError("runway inputs need as_of when the cash balances have no dates")
        as_of = pd.Timestamp(balances["date_end"].max()).date().isoformat()
    chosen = latest_balances(balances, as_of)
    if entity is not None and chosen.empty:
        at = "per entity" if isinstance(as_of, Mapping) else str(as_of)
        raise ValueError(f"no cash balance of {entity!r} at or before {at}")
    entities = pd.Index(chosen.index, dtype="object")
    end_day, as_of_month = as_of_of(as_of, entities)
    balance_day = chosen["date_end"].to_numpy("datetime64[ns]")
    balance_day = np.where(np.isnat(balance_day), end_day, balance_day)
    balance_month = balance_day.astype("datetime64[M]").astype("datetime64[ns]")
    first_month = balance_month.min() if len(entities) else np.datetime64("2000-01", "ns")
    grid_start = (first_month.astype("datetime64[M]") + 1).astype("datetime64[ns]")
    as_of_col = months_between(grid_start, as_of_month)
    periods = max(int(as_of_col.max()) + 1, 0) + horizon if len(entities) else horizon
    months = month_starts(grid_start, periods)
    cash = tuple(
        filled(chosen[balance] if balance in chosen else chosen["amount_usd"], chosen["amount_usd"])
        for balance in ("amount_usd", "amount_low_usd", "amount_high_usd")
    )
    return BalanceGrid(
        key, as_of, chosen, entities, end_day, as_of_month, balance_day, balance_month,
        grid_start, as_of_col, months, months.to_numpy()[None, :] > balance_month[:, None],
        balance_columns(entities, chosen), cash,
    )  # fmt: skip
