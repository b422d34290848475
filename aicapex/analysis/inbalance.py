"""Committed money dated on or before a runway's cash balance: said, never dropped silently.

A runway starts from a cash balance and counts money moved after it (what moved before is in
the balance). A funding tranche (or a primary purchase of shares outside a round) still
``committed`` but dated on or before the balance is ambiguous: the runway cannot know whether
the money arrived (then it is in the balance, and the status is out of date) or not (then it
may still come). It is not added, under any policy, and each runway says so, one sentence per
tranche naming its record: under policy ``committed`` (which counts committed money on its
dates) it is assumed already in the balance; under the others only money disbursed counts, and
if it arrived it is in the balance. The sentences start with the entity's id and a colon, as
every assumption of one entity does (the report shows them in that entity's runway).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aicapex.values import format_usd

__all__ = ["CommittedBefore", "committed_before"]

#: The kinds of flows whose committed money a runway counts under policy ``committed``.
_MONEY_RAISED = ("funding_rounds", "stakes")


@dataclass(frozen=True, eq=False)
class CommittedBefore:
    """The committed money of each runway's entity dated on or before its cash balance: one
    row per entity, record, date and direction (``entity``, ``kind``, ``record``, ``date``,
    ``amount_usd``, ``direction``, ``balance_date``, ``balance_record``)."""

    rows: pd.DataFrame

    def sentences(self, policy: str) -> list[str]:
        """One assumption per row, in the words of ``policy``."""
        out = []
        columns: list[list[Any]] = [self.rows[c].tolist() for c in _COLUMNS]
        for entity, kind, record, day, usd, direction, balance, balance_id in zip(
            *columns, strict=True
        ):
            dated = not pd.isna(day)
            when = f"on {_day(day)}" if dated else "without a date"
            order = "on the date of" if dated and day == balance else "before"
            money_in = direction > 0
            if not money_in:
                what = f"investment of {record}"
            elif kind == "funding_rounds":
                what = f"tranche of {record}"
            else:
                what = f"purchase of shares {record}"
            head = (
                f"{entity}: {what} ({format_usd(usd)}) committed {when}, {order} the cash "
                f"balance of {_day(balance)} ({balance_id}): "
            )
            out.append(head + _tail(policy, money_in))
        return out


def _tail(policy: str, money_in: bool) -> str:
    """What a runway under ``policy`` does with committed money before its balance."""
    if policy == "committed":
        if money_in:
            return "assumed already in the balance, not added"
        return "assumed already paid out of the balance, not taken"
    if money_in:
        return (
            f"not added (policy {policy!r} counts only money disbursed; if it arrived, it is in "
            "the balance)"
        )
    return (
        f"not taken (policy {policy!r} counts only money disbursed; if it was paid, it is out "
        "of the balance)"
    )


def committed_before(
    flows: pd.DataFrame, entities: pd.Index, balance_day: np.ndarray, chosen: pd.DataFrame
) -> CommittedBefore:
    """The committed money raised (rounds' tranches, purchases of shares outside rounds) of
    ``entities`` dated on or before their balance (``balance_day``, datetime64[ns] by entity;
    ``chosen``: each entity's balance, with ``id``), as :class:`CommittedBefore`."""
    # kind and status first (categories: quick on a big table), then the entities of those
    committed = (flows["status"] == "committed").to_numpy()
    mask = flows["kind"].isin(_MONEY_RAISED).to_numpy() & committed
    if not mask.any() or not len(entities):
        return CommittedBefore(pd.DataFrame(columns=_COLUMNS))
    rows = flows[mask]
    at = entities.get_indexer(pd.Index(rows["entity"].astype("object")))
    day = rows["date"].to_numpy("datetime64[ns]")
    balance = np.asarray(balance_day, dtype="datetime64[ns]")[np.maximum(at, 0)]
    before = (at >= 0) & (np.isnat(day) | (day <= balance))  # what the runway takes as in
    if not before.any():
        return CommittedBefore(pd.DataFrame(columns=_COLUMNS))
    found = pd.DataFrame(
        {
            "entity": rows["entity"].astype("object").to_numpy()[before],
            "kind": rows["kind"].astype("object").to_numpy()[before],
            "record": _ids(rows)[before],
            "date": day[before],
            "direction": rows["direction"].to_numpy()[before],
            "amount_usd": rows["amount_usd"].to_numpy("float64")[before],
            "balance_date": balance[before],
            "balance_record": chosen["id"].astype("object").to_numpy()[at[before]],
        }
    )
    keys = ["entity", "record", "date", "direction", "kind", "balance_date", "balance_record"]
    # one tranche paid by several investors is one sentence, its whole amount
    summed = found.groupby(keys, sort=True, dropna=False, observed=True)["amount_usd"].sum(
        min_count=1
    )
    return CommittedBefore(summed.reset_index()[_COLUMNS])


_COLUMNS = [
    "entity",
    "kind",
    "record",
    "date",
    "amount_usd",
    "direction",
    "balance_date",
    "balance_record",
]


def _ids(rows: pd.DataFrame) -> np.ndarray:
    """The rows' record ids (a flows table of one's own may have none: ``(no id)``)."""
    if "record" not in rows:
        return np.full(len(rows), "(no id)", dtype=object)
    return rows["record"].astype("object").fillna("(no id)").to_numpy()


def _day(value: object) -> str:
    """A day as ``YYYY-MM-DD``."""
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]
