"""Adjustments: what-ifs as transformations of the flows table (the scenario seam).

An adjustment never changes a ledger: it takes the flows table (and the cash balances frame)
an analysis is about to use and returns changed copies, and says in a sentence what it did.
Analyses take a list of them (``adjust=[...]``); the runway's ``exclude=`` and ``extra_flows=``
are sugar for :class:`Exclude` and :class:`AddFlow`. Scenarios (:mod:`aicapex.scenarios`) name
and compose them.

Rows an adjustment adds have ``kind`` ``"adjustment"``, status ``"disbursed"`` and the
adjustment's label as ``record``: analyses that count moved money (the runway) count them; burn
and the compute gap, which count expenses and revenues, do not.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> r = ac.runway(led, "stability-ai", as_of="2023-10",
...               adjust=[Exclude(["stability-2023-intel"]),
...                       AddFlow("stability-ai", "2023-10", 20e6, "Intel tranche")])
>>> round(r.months, 2)
2.03
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from aicapex.dates import DateLike, PartialDate, Precision
from aicapex.limits import MAX_AMOUNT
from aicapex.table.flowrows import concat_flows, flow_rows

__all__ = ["ADJUSTMENT_KIND", "AddFlow", "Adjustment", "Exclude", "apply"]

#: The ``kind`` of flows rows added by an adjustment.
ADJUSTMENT_KIND = "adjustment"


@runtime_checkable
class Adjustment(Protocol):
    """What an adjustment does: change the flows table and the cash balances, and say so."""

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with the adjustment applied (a new frame)."""
        ...

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The cash balances frame with the adjustment applied (a new frame, or the same)."""
        ...

    def describe(self) -> str:
        """One sentence saying what the adjustment does."""
        ...


@dataclass(frozen=True)
class Exclude:
    """Leave records out (by id): their flows and their cash balances."""

    records: Sequence[str]

    def __post_init__(self) -> None:
        """One id may be given as text; anything but ids is a TypeError naming it."""
        records: object = self.records
        if isinstance(records, str):
            records = (records,)  # not its characters
        ids = tuple(records) if isinstance(records, Iterable) else None
        if ids is None or not all(isinstance(r, str) for r in ids):
            raise TypeError(f"Exclude: expected record ids (text), got {self.records!r}")
        object.__setattr__(self, "records", ids)

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows rows of other records."""
        return flows[~flows["record"].astype("object").isin(list(self.records)).to_numpy()]

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances of other records."""
        return balances[~balances["id"].astype("object").isin(list(self.records)).to_numpy()]

    def describe(self) -> str:
        """``records left out: a, b``."""
        return f"records left out: {', '.join(sorted(self.records))}"


@dataclass(frozen=True)
class AddFlow:
    """Add one movement of US dollars for ``entity`` in the month of ``date`` (positive in,
    negative out). A movement dated in or before the month of the entity's cash balance is
    added to the starting cash by the runway."""

    entity: str
    date: DateLike
    amount_usd: float
    label: str = "added flow"
    category: str = "other"

    def __post_init__(self) -> None:
        """Check the texts, the date and the amount up front (a wrong type is a TypeError
        naming the argument, not an error from inside the flows table)."""
        for name in ("entity", "label", "category"):
            value = getattr(self, name)
            if not isinstance(value, str):
                raise TypeError(f"AddFlow: expected {name} as text, got {value!r}")
        date = PartialDate.parse(self.date)
        if date.precision is Precision.FISCAL_YEAR:
            # as an analysis's dates: a fiscal year's months depend on whose year it is
            raise ValueError(
                f"AddFlow: expected a calendar date, got the fiscal year {str(date)!r}: its "
                "months depend on the entity's fiscal year end (give a month: '2024-06')"
            )
        amount = self.amount_usd
        if isinstance(amount, bool) or not isinstance(amount, numbers.Real | Decimal):
            raise TypeError(
                f"AddFlow: expected amount_usd as a number of US dollars, got {amount!r}"
            )
        # as a record's amounts: larger ones overflow the exact cents of the flows
        if not math.isfinite(amount) or abs(float(amount)) > MAX_AMOUNT:
            raise ValueError(
                "expected a finite amount of US dollars, at most "
                f"{MAX_AMOUNT:.0e} either way, got {self.amount_usd!r}"
            )

    def flows(self, flows: pd.DataFrame) -> pd.DataFrame:
        """The flows table with one more row (the movement, on the first day of its month)."""
        start = PartialDate.parse(self.date).sort_key()[0]
        cents = round(abs(float(self.amount_usd)) * 100)
        added = flow_rows(
            date=np.array([np.datetime64(start.replace(day=1), "D")]),
            entity=self.entity,
            direction=1 if self.amount_usd >= 0 else -1,
            payer=np.array([None], dtype=object),
            payee=np.array([None], dtype=object),
            cents=np.array([cents], dtype=np.int64),
            currency="USD",
            rate_usd=np.ones(1),
            category=self.category,
            status="disbursed",
            basis="actual",
            kind=ADJUSTMENT_KIND,
            record=self.label,
            source=np.array([None], dtype=object),
        )
        return concat_flows([flows, added])

    def balances(self, balances: pd.DataFrame) -> pd.DataFrame:
        """The balances, unchanged."""
        return balances

    def describe(self) -> str:
        """``added flow 'label': 20,000,000 USD in 2023-10``."""
        month = str(PartialDate.parse(self.date).sort_key()[0])[:7]
        return f"added flow {self.label!r}: {self.amount_usd:,.0f} USD in {month} ({self.entity})"


def apply(
    adjustments: Iterable[Adjustment], flows: pd.DataFrame, balances: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Apply ``adjustments`` in order; returns the flows, the balances and their descriptions."""
    described = []
    for adjustment in adjustments:
        if not isinstance(adjustment, Adjustment):
            raise TypeError(
                f"expected an adjustment (flows, balances, describe), got {adjustment!r}"
            )
        flows = adjustment.flows(flows)
        balances = adjustment.balances(balances)
        described.append(adjustment.describe())
    return flows, balances, described
