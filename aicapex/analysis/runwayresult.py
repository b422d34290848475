"""The result of a runway (:func:`aicapex.analysis.runway.runway`): the per-entity table, the
month-by-month path (built when first read) and the records each entity used."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.cash import CashPath
from aicapex.analysis.result import Result
from aicapex.analysis.runrate import STREAMS, stream_labels
from aicapex.analysis.used import RecordsUsed
from aicapex.table.columns import labels_at

__all__ = ["RUNWAY_COLUMNS", "Runway", "path_frame"]


#: Columns of :attr:`Runway.frame`, in order.
RUNWAY_COLUMNS = (
    "entity",
    "balance_record",
    "balance_date",
    "balance_usd",
    "bound",
    "start_cash",
    "months",
    "cash_out",
    "months_low",
    "months_high",
    "cash_out_earliest",
    "cash_out_latest",
    "last_recorded_month",
    "burn_after",
    "as_of",
)


@dataclass(frozen=True, eq=False, repr=False)
class Runway(Result):
    """The result of :func:`runway`.

    Attributes:
        frame: one row per entity: ``entity``, ``balance_record``, ``balance_date``,
            ``balance_usd``, ``bound`` (the kind of the cash figure: exact, approx, upper,
            lower, range), ``start_cash`` (USD at the end of the balance's month), ``months``
            (after ``as_of``; float; 0 when the cash ran out before it; inf when it lasts past
            the horizon), ``cash_out`` (the day; NaT if never), ``months_low`` and
            ``months_high`` (the shortest and longest runway the ranges allow),
            ``cash_out_earliest`` and ``cash_out_latest`` (NaT: never, within the horizon),
            ``last_recorded_month``, ``burn_after`` (USD a month assumed past it),
            ``as_of`` (the last day of the entity's ``as_of``).
        path: the month-by-month path of every entity: ``entity``, ``month``, ``opening``,
            ``inflows`` (money in: the month's positive flows, recorded and assumed: revenue,
            at its run rate past its records, funding, money added), ``outflows`` (money out,
            as a positive amount: spending, bills paid with policy ``arrears``), ``net``
            (``inflows - outflows``), ``closing`` (``opening + net``; USD), ``basis``
            (recorded/assumed),
            ``after_as_of``, ``assumed`` (the streams assumed that month, comma-separated);
            from the month after each balance, so the roll-forward shows.
        records: ids of the records used (balances and counted flows), sorted.
        policy, as_of: as asked.
    """

    NAME = "runway"
    MONEY = frozenset({"start_cash", "burn_after"})
    #: The money columns of :meth:`explain`'s path (US dollars).
    PATH_MONEY = frozenset({"opening", "inflows", "outflows", "net", "closing"})

    #: the path (see :attr:`path`), or a function building it when first asked (a report of
    #: many entities reads only the per-entity table)
    path_of: pd.DataFrame | Callable[[], pd.DataFrame] = field(
        default_factory=pd.DataFrame, repr=False
    )
    policy: str = "disbursed"
    as_of: str = ""
    #: the records each entity used (listed on demand: :meth:`records_of`)
    used: RecordsUsed | None = field(default=None, repr=False)

    @functools.cached_property
    def path(self) -> pd.DataFrame:
        """The month-by-month path of every entity (see the class docs): :attr:`path_of`, or
        what it builds when it is a function (called once, on first use)."""
        built = self.path_of
        return built if isinstance(built, pd.DataFrame) else built()

    @property
    def table(self) -> pd.DataFrame:
        """The per-entity table: :attr:`frame` (its name before results had one shape; kept)."""
        return self.frame

    def records_of(self, entity: str) -> list[str]:
        """Ids of the records used for ``entity``, sorted: its cash balance and the records of
        its counted flows after the balance date."""
        if self.used is None or entity not in self.used.entities:
            raise ValueError(f"this runway has no entity {entity!r}")
        return list(self.used.of(entity))

    def _one(self) -> pd.Series:
        if len(self.frame) != 1:
            raise ValueError(
                f"this runway covers {len(self.frame)} entities: use .frame, or runway(..., entity)"
            )
        return self.frame.iloc[0]

    def records_by_entity(self) -> dict[str, list[str]]:
        """:meth:`records_of` for every entity at once (one pass: for reports of many)."""
        return self.used.by_entity() if self.used is not None else {}

    @property
    def months(self) -> float:
        """Months of cash left after ``as_of`` (fractional; ``inf`` past the horizon)."""
        return float(self._one()["months"])

    @property
    def cash_out(self) -> pd.Timestamp | None:
        """The date the cash runs out (``None`` if not within the horizon)."""
        value = self._one()["cash_out"]
        return None if pd.isna(value) else pd.Timestamp(value)

    @property
    def bound(self) -> str:
        """``exact``, or ``upper``/``lower`` when the starting cash (so the runway) is a bound."""
        return str(self._one()["bound"])

    def explain(self, entity: str | None = None) -> pd.DataFrame:
        """The month-by-month path of ``entity`` (or of the only one); its records are
        :meth:`records_of` and the assumptions :attr:`assumptions`."""
        if entity is None:
            entity = str(self._one()["entity"])
        if self.used is None or entity not in self.used.entities:
            raise ValueError(f"this runway has no entity {entity!r}")
        return self.path[(self.path["entity"] == entity).to_numpy()].reset_index(drop=True)

    def rows(self) -> list[dict[str, Any]]:
        """One JSON-ready dict per entity: the frame's columns, ``months`` rounded to two
        decimals (``null`` when the cash outlasts the horizon) and ``runs_out``."""
        out = []
        for row in super().rows():
            row["runs_out"] = row["months"] is not None
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        """:meth:`Result.to_dict` with ``as_of`` and ``policy``; with one entity, its figures
        (``months``, ``runs_out``, ``cash_out``, ...) also at the top level."""
        data = super().to_dict()
        data["as_of"] = self.as_of or Result.as_of.fget(self)  # type: ignore[attr-defined]
        data["policy"] = self.policy
        if len(self.frame) == 1:
            data.update({k: v for k, v in data["rows"][0].items() if k not in data})
        return data


def path_frame(
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    path: CashPath,
    net: np.ndarray,
    assumed: np.ndarray,
    as_of_col: np.ndarray,
    gross: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
) -> pd.DataFrame:
    """The month-by-month path of each entity, from the month after its balance to the month
    its cash runs out (or the horizon). ``gross``: a function giving the money in and the money
    out of each entity and month (``(E, M)``, both positive, their difference ``net``: see
    :func:`~aicapex.analysis.runwaykit.gross_flows`), called here; without it, the inflows and
    outflows are the positive and the negative part of ``net``."""
    n = len(months)
    last = np.where(path.hit, path.first, n - 1)
    keep = active & (np.arange(n)[None, :] <= last[:, None])
    after = np.arange(n)[None, :] > np.asarray(as_of_col)[:, None]
    e_at, m_at = np.nonzero(keep)  # (row by row, as the mask); texts from their few labels
    net_kept, assumed_kept = net[keep], assumed[keep]
    if gross is None:
        inflows, outflows = (
            np.where(net_kept > 0, net_kept, 0.0),
            np.where(net_kept < 0, -net_kept, 0.0),
        )
    else:
        money_in, money_out = gross()
        inflows, outflows = money_in[keep], money_out[keep]
    labels = list(stream_labels(np.arange(1 << len(STREAMS))))
    basis = pd.array(["recorded", "assumed"], dtype="str").take((assumed_kept > 0).astype(int))
    return pd.DataFrame(
        {
            "entity": labels_at(list(entities), e_at),
            "month": months.to_numpy()[m_at],
            "opening": path.opening[keep],
            "inflows": inflows,
            "outflows": outflows,
            "net": net_kept,
            "closing": path.closing[keep],
            "basis": basis,
            "after_as_of": after[keep],
            "assumed": labels_at(labels, assumed_kept),
        }
    )
