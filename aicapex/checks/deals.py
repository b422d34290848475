"""Revenue shares that cannot all be true.

- a revenue record that is a share ``of`` another must be of the same company (a customer's
  share of *its supplier's* revenue): ``inconsistent`` otherwise;
- **customers-above-100**: the shares of one revenue record (each record ``of`` it with a
  ``share``) adding up to more than 100%. Each share counts at its low end (a hard claim:
  ``about 40%`` may be 36%); one customer reported twice counts once, at its smallest share.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicapex.checks.common import LedgerLike
from aicapex.errors import Problem
from aicapex.records import Revenue

__all__ = ["revenue_share_problems"]


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def revenue_share_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every problem of this module (see the module docs)."""
    shares = [r for r in ledger.records("revenues") if isinstance(r, Revenue) and r.of is not None]
    groups: dict[str, dict[str, tuple[Decimal, Revenue]]] = {}
    for record in shares:
        assert record.of is not None
        total = ledger.get(record.of)
        if isinstance(total, Revenue) and total.company != record.company:
            yield ledger.problem(
                record,
                "of",
                f"a revenue record of the company {record.company!r}",
                f"{record.of!r}, revenue of {total.company!r}",
                "inconsistent",
            )
            continue
        if record.share is None:
            continue
        customers = groups.setdefault(record.of, {})
        who = record.counterparty or f"(unnamed: {record.id})"
        low = record.share.low
        if who not in customers or low < customers[who][0]:
            customers[who] = (low, record)
    order = {r.id: i for i, r in enumerate(shares)}
    for of, customers in groups.items():
        share_sum = sum((low for low, _ in customers.values()), Decimal(0))
        if share_sum <= 1 or len(customers) < 2:
            continue  # one share above 100% is its record's own problem
        members = sorted(customers.values(), key=lambda m: order[m[1].id])
        last = members[-1][1]
        others = ", ".join(
            f"{r.counterparty or 'unnamed'} {r.share} ({r.id})" for _, r in members[:-1]
        )
        yield ledger.problem(
            last,
            "share",
            f"customers' shares of {of!r} adding up to at most 100% (besides {others})",
            f"{last.share}, {_percent(share_sum)} in all",
            "customers-above-100",
        )
