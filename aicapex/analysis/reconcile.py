"""Balances reconcile: cash balances are assertions the flows between them must explain.

As in beancount and hledger, a cash balance asserts what a company held at a date. Where two
balances of one company bracket a period, :func:`reconcile` rolls the first forward by the
flows the runway counts (expenses and revenues, funding that moved) and compares the result
with the second: what the flows explain, and what they do not. With ranges, the flows explain
a balance when the ranges of the expected and the reported cash overlap.

A gap counts as unexplained when it exceeds :data:`TOLERANCE` of the larger balance and
:data:`MINIMUM` US dollars (documented defaults; ``tolerance=`` and ``minimum=`` change them):
sources round, and months of spending are reported as yearly rates.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from aicapex.analysis.common import as_known_on, check_entity, record_frame, signed
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike
from aicapex.errors import Problem
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flows import as_flows

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["MINIMUM", "TOLERANCE", "Reconciliation", "gap_problems", "reconcile"]

#: The share of the larger balance a gap may reach and still count as explained.
TOLERANCE = 0.1

#: The US dollars a gap may reach and still count as explained, whatever the balances.
MINIMUM = 100_000.0

_COUNTED_KINDS = ("expenses", "revenues")


class Reconciliation(Result):
    """The result of :func:`reconcile`: one row per pair of consecutive balances."""

    NAME = "reconcile"


def reconcile(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    tolerance: float = TOLERANCE,
    minimum: float = MINIMUM,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Reconciliation:
    """For each company (or ``entity``) and each pair of its consecutive cash balances: the
    opening balance, the net flows between them (base and range), the closing balance the flows
    imply, the closing balance reported, the gap and whether the flows explain it.

    Columns: ``entity``, ``from_record``, ``to_record``, ``from_date``, ``to_date``,
    ``opening_usd``, ``net_usd``, ``net_low_usd``, ``net_high_usd``, ``expected_usd``,
    ``closing_usd``, ``gap_usd`` (reported minus expected), ``explained`` (the ranges overlap,
    or the gap is within the tolerance), ``records`` (the flows' records, comma-separated).

    >>> import aicapex as ac
    >>> r = reconcile(ac.load(ac.bundled_data()))
    >>> len(r.frame)  # one balance a company: nothing to reconcile
    0
    """
    for name, value in (("tolerance", tolerance), ("minimum", minimum)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"{name}: expected a number of 0 or more, got {value!r}")
    source = as_known_on(source, known_on)
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)
    cash = record_frame(source, "cash_balances", "reconcile")
    balances, _ = resolve_conflicts(cash, "cash_balances", conflicts)
    if entity is not None:
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    balances = balances.sort_values(["company", "date_end"], kind="stable")
    counted = _counted(flows)
    rows, used = [], set()
    for company, mine in balances.groupby(balances["company"].astype("object"), sort=True):
        mine = mine.dropna(subset=["date_end", "amount_usd"])
        theirs = counted[(counted["entity"].astype("object") == company).to_numpy()]
        for first, second in zip(mine.itertuples(), mine.iloc[1:].itertuples(), strict=False):
            between = theirs[
                ((theirs["date"] > first.date_end) & (theirs["date"] <= second.date_end)).to_numpy()
            ]
            ids = sorted({str(r) for r in between["record"]})
            used.update(ids)
            used.update({str(first.id), str(second.id)})
            net = float(between["signed"].sum())
            net_low, net_high = (
                float(between["signed_low"].sum()),
                float(between["signed_high"].sum()),
            )
            opening = float(first.amount_usd)  # type: ignore[arg-type]
            closing = float(second.amount_usd)  # type: ignore[arg-type]
            low = float(getattr(second, "amount_low_usd", closing))
            high = float(getattr(second, "amount_high_usd", closing))
            first_low = float(getattr(first, "amount_low_usd", opening))
            first_high = float(getattr(first, "amount_high_usd", opening))
            expected = opening + net
            gap = closing - expected
            overlap = (first_low + net_low) <= high and (first_high + net_high) >= low
            within = abs(gap) <= max(minimum, tolerance * max(abs(opening), abs(closing)))
            rows.append(
                {
                    "entity": str(company),
                    "from_record": str(first.id),
                    "to_record": str(second.id),
                    "from_date": first.date_end,
                    "to_date": second.date_end,
                    "opening_usd": opening,
                    "net_usd": net,
                    "net_low_usd": net_low,
                    "net_high_usd": net_high,
                    "expected_usd": expected,
                    "closing_usd": closing,
                    "gap_usd": gap,
                    "explained": bool(overlap or within),
                    "records": ",".join(ids),
                }
            )
    frame = pd.DataFrame(rows, columns=_COLUMNS).astype(_DTYPES)
    unexplained = frame[~frame["explained"]]
    warnings = tuple(
        f"{r.entity}: the flows between {r.from_record} and {r.to_record} explain "
        f"{r.expected_usd:,.0f} USD, the balance reports {r.closing_usd:,.0f} USD "
        f"(a gap of {r.gap_usd:,.0f} USD)"
        for r in unexplained.itertuples()
    )
    return Reconciliation(
        frame,
        record_index(used),
        (
            "flows counted: expenses and revenues (not planned ones) and funding disbursed",
            f"a gap is explained when the ranges overlap or it is within {tolerance:.0%} of the "
            f"larger balance or {minimum:,.0f} USD",
        ),
        warnings,
        params={"entity": entity, "conflicts": conflicts, "known_on": known_on},
    )


def gap_problems(ledger: Ledger, result: Reconciliation | None = None) -> list[Problem]:
    """The balances the flows do not explain (``result``, else :func:`reconcile` of the whole
    ledger), as warnings located at each closing balance (code ``unreconciled-balance``):
    what ``aicapex validate`` prints."""
    if result is None:
        if sum(1 for _ in ledger.records("cash_balances")) < 2:
            return []  # nothing to reconcile: no flows table built
        result = reconcile(ledger)
    out = []
    for r in result.frame[~result.frame["explained"].to_numpy()].itertuples():
        expected = (
            f"a balance the flows since {r.from_record} explain: {r.expected_usd:,.0f} USD "
            f"({r.opening_usd:,.0f} USD and a net {r.net_usd:+,.0f} USD; ranges and the "
            "tolerance allowed)"
        )
        found = f"{r.closing_usd:,.0f} USD (a gap of {r.gap_usd:+,.0f} USD)"
        closing = ledger.get(str(r.to_record))
        if closing is not None:
            out.append(ledger.problem(closing, "amount", expected, found, "unreconciled-balance"))
    return ledger.locate(out)


_COLUMNS = [
    "entity",
    "from_record",
    "to_record",
    "from_date",
    "to_date",
    "opening_usd",
    "net_usd",
    "net_low_usd",
    "net_high_usd",
    "expected_usd",
    "closing_usd",
    "gap_usd",
    "explained",
    "records",
]
_DTYPES = {
    "from_date": "datetime64[ns]",
    "to_date": "datetime64[ns]",
    **dict.fromkeys(
        ["opening_usd", "net_usd", "net_low_usd", "net_high_usd", "expected_usd", "closing_usd"],
        "float64",
    ),
    "gap_usd": "float64",
    "explained": "bool",
}


def _counted(flows: pd.DataFrame) -> pd.DataFrame:
    """The flows that change a company's cash, signed (base, pessimistic and optimistic)."""
    kind = flows["kind"]
    keep = kind.isin(list(_COUNTED_KINDS)).to_numpy() & (flows["basis"] != "planned").to_numpy()
    money_in = kind.isin(["funding_rounds", "stakes"])  # rounds, and shares bought outside them
    keep |= (money_in & (flows["status"] == "disbursed")).to_numpy()
    return signed(flows[keep])
