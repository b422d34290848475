"""Committed money dated on or before a runway's cash balance: said, never dropped silently.

A runway starts from a cash balance and counts money moved after it (what moved before is in
the balance). A funding tranche (or a primary purchase of shares outside a round) still
``committed`` but dated on or before the balance is ambiguous: the runway cannot know whether
the money arrived (then it is in the balance, and the status is out of date) or not (then it
may still come). It is not added, under any policy, and each runway says so, one sentence per
tranche naming its record: under policy ``committed`` (which counts committed money on its
dates) it is assumed already in the balance; under the others only money disbursed counts, and
if it arrived it is in the balance. An investor's committed money out for such a tranche or
purchase (its ``investment`` row) is said the same way, for the investor's runway: not taken.
The sentences start with the entity's id and a colon, as every assumption of one entity does
(the report shows them in that entity's runway), and say the amount as written: in its currency
(``€6M, no exchange rate`` without a rate to US dollars, ``€6M, $6.60M`` with one), a range as
its ends (``$1 to $6M``; an approximation or a bound as the range its width gives).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aicapex.analysis.common import filled
from aicapex.analysis.runwayrows import COUNTED_KINDS, COUNTED_STATUSES, Lookups
from aicapex.money import Money
from aicapex.table.columns import positions
from aicapex.values import format_usd

__all__ = ["CommittedBefore", "committed_before"]

#: The kinds of flows whose committed money a runway counts under policy ``committed``.
_MONEY_RAISED = ("funding_rounds", "stakes")
_RAISED = pd.Index(_MONEY_RAISED)
#: Money raised and committed, as :func:`~aicapex.analysis.runwayrows.flow_lookups` says it.
_ROUNDS, _STAKES = (int(COUNTED_KINDS.get_loc(k)) for k in _MONEY_RAISED)  # type: ignore[arg-type]
_COMMITTED = int(COUNTED_STATUSES.get_loc("committed"))  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class CommittedBefore:
    """The committed money of each runway's entity dated on or before its cash balance: one
    row per entity, record, date, direction and currency (``entity``, ``kind``, ``record``,
    ``date``, ``amount_usd``, ``direction``, ``balance_date``, ``balance_record``, and the
    amount as written: ``amount`` in ``currency``, ``low_usd`` and ``high_usd`` its ends)."""

    rows: pd.DataFrame

    def sentences(self, policy: str) -> list[str]:
        """One assumption per row, in the words of ``policy``."""
        if not len(self.rows):
            return []
        out = []
        columns: list[list[Any]] = [self.rows[c].tolist() for c in _COLUMNS]
        for entity, kind, record, day, usd, direction, balance, balance_id, *written in zip(
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
            said = _amount_words(usd, *written)
            head = (
                f"{entity}: {what} ({said}) committed {when}, {order} the cash balance of "
                f"{_day(balance)} ({balance_id}): "
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
    flows: pd.DataFrame,
    entities: pd.Index,
    balance_day: np.ndarray,
    chosen: pd.DataFrame,
    looked: Lookups | None = None,
) -> CommittedBefore:
    """The committed money of ``entities`` dated on or before their balance (``balance_day``,
    datetime64[ns] by entity; ``chosen``: each entity's balance, with ``id``), as
    :class:`CommittedBefore`: money raised (rounds' tranches, purchases of shares outside
    rounds: direction +1) and money invested (an investor's ``investment`` rows for those:
    direction -1). ``looked``: :func:`~aicapex.analysis.runwayrows.flow_lookups` of ``flows``
    and ``entities``, if found already (a runway looks every flow up once)."""
    # kind and status first (categories: looked up once each), then the entities of those,
    # read at their positions (the rows and their other columns only when some are before)
    if looked is None:
        committed = (flows["status"] == "committed").to_numpy()
        mask = (positions(flows["kind"], _RAISED, narrow=True) >= 0) & committed
    else:  # (kinds and statuses as positions among the runway's)
        kind = looked[0]
        mask = ((kind == _ROUNDS) | (kind == _STAKES)) & (looked[1] == _COMMITTED)
    if not mask.any() or not len(entities):
        return CommittedBefore(_none())
    at_rows = np.flatnonzero(mask)
    where = positions(flows["entity"], entities) if looked is None else looked[3]
    at = where[at_rows]
    day = flows["date"].to_numpy("datetime64[ns]")[at_rows]
    balance = np.asarray(balance_day, dtype="datetime64[ns]")[np.maximum(at, 0)]
    before = (at >= 0) & (np.isnat(day) | (day <= balance))  # what the runway takes as in
    if not before.any():
        return CommittedBefore(_none())
    rows = flows.iloc[at_rows]
    usd = rows["amount_usd"].to_numpy("float64")
    found = pd.DataFrame(
        {
            "entity": rows["entity"].to_numpy(object)[before],
            "kind": rows["kind"].to_numpy(object)[before],
            "record": _ids(rows)[before],
            "date": day[before],
            "direction": rows["direction"].to_numpy()[before],
            "amount_usd": usd[before],
            "amount": rows["amount"].to_numpy("float64")[before],
            "currency": _currencies(rows)[before],
            # an exact row's ends are its figure (NaN: none given)
            "low_usd": filled(rows["low_usd"], rows["amount_usd"])[before],
            "high_usd": filled(rows["high_usd"], rows["amount_usd"])[before],
            "balance_date": balance[before],
            "balance_record": chosen["id"].to_numpy(object)[at[before]],
        }
    )
    keys = [
        "entity",
        "record",
        "date",
        "direction",
        "kind",
        "balance_date",
        "balance_record",
        "currency",
    ]
    # one tranche paid by several investors is one sentence, its whole amount
    summed = found.groupby(keys, sort=True, dropna=False, observed=True)[_SUMMED].sum(min_count=1)
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
    "amount",
    "currency",
    "low_usd",
    "high_usd",
]

#: The figures of a sentence, summed over the payers of one tranche.
_SUMMED = ["amount_usd", "amount", "low_usd", "high_usd"]


def _none() -> pd.DataFrame:
    """No row: ``pd.DataFrame(columns=_COLUMNS)`` (object columns), built as one block."""
    return pd.DataFrame(np.empty((0, len(_COLUMNS)), dtype=object), columns=_COLUMNS)


def _amount_words(usd: float, amount: float, currency: object, low: float, high: float) -> str:
    """Money as written: in its currency, a range as its ends, with its US dollars when it is
    in another currency (``€6M, $6.60M``; ``€6M, no exchange rate`` without a rate); US dollars
    of an unknown currency as :func:`format_usd` says them."""
    known = isinstance(currency, str) and amount == amount
    if usd != usd:  # NaN: no exchange rate
        return f"{_money(amount, currency)}, no exchange rate" if known else format_usd(usd)
    low, high = (usd if v != v else v for v in (low, high))
    ranged = abs(high - low) >= 0.005
    dollars = f"{_money(low, 'USD')} to {_money(high, 'USD')}" if ranged else format_usd(usd)
    if not known or currency == "USD":
        return dollars
    factor = amount / usd if usd else 1.0
    if ranged and usd:
        return f"{_money(low * factor, currency)} to {_money(high * factor, currency)}, {dollars}"
    return f"{_money(amount, currency)}, {dollars}"


def _money(value: float, currency: object) -> str:
    """``value`` of ``currency`` as money is written, to the cent (``€6M``, ``$1``); a flows
    table of one's own with a currency no money has (``usd``) as ``6,000,000.00 usd``."""
    try:
        return str(Money(Decimal(f"{value:.2f}"), str(currency)))
    except ValueError:
        return f"{value:,.2f} {currency}"


def _currencies(rows: pd.DataFrame) -> np.ndarray:
    """The rows' currencies (a flows table of one's own may have none: None, said in dollars)."""
    if "currency" not in rows:
        return np.full(len(rows), None, dtype=object)
    return rows["currency"].to_numpy(object)


def _ids(rows: pd.DataFrame) -> np.ndarray:
    """The rows' record ids (a flows table of one's own may have none: ``(no id)``)."""
    if "record" not in rows:
        return np.full(len(rows), "(no id)", dtype=object)
    return rows["record"].astype("object").fillna("(no id)").to_numpy()


def _day(value: object) -> str:
    """A day as ``YYYY-MM-DD``."""
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]
