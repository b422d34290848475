"""Stakes that cannot all be true: holders of more than the whole company, and entities that
control each other.

- **ownership-above-100**: holdings (``event: holding``, status ``closed``) of one company
  reported for one date (the same date as written) and on one basis (``diluted`` or not) whose
  shares add up to more than 100%. Each holder counts once, at the smallest share reported for
  it (two sources disagreeing about one holder are a conflict, not two holders), and ranges,
  bounds and approximations at their low ends (a hard claim: ``about 60%`` may be 54%).
  Purchases are left out: what a holder has after several purchases depends on dilution, which
  ``aicapex.ownership`` computes (and warns about).
- **control-cycle**: an entity controlling, through a stake, an entity that controls it (through
  stakes or ``controlled_by``): A holds 60% of B, B holds 60% of A. A stake gives control when one
  record says so: a share above :data:`~aicapex.records.CONTROL_THRESHOLD` (its low end, or a
  bound at it: ``more than 50%``) or
  ``controlling: true``, and it is the latest stake of that holder in that company (status
  ``closed``). Loops of ``controlled_by`` alone are ``reference-cycle`` problems
  (:mod:`aicapex.checks.cycles`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from aicapex.checks.common import LedgerLike
from aicapex.errors import Problem
from aicapex.records import CONTROL_THRESHOLD, Entity, Stake, StakeEvent, StakeStatus

__all__ = ["control_cycle_problems", "control_edges", "over_owned_problems", "stake_problems"]


def stake_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every problem of this module (see the module docs)."""
    stakes = [s for s in ledger.records("stakes") if isinstance(s, Stake)]
    if not stakes:
        return
    yield from over_owned_problems(ledger, stakes)
    yield from control_cycle_problems(ledger, stakes)


def _percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


def over_owned_problems(ledger: LedgerLike, stakes: Sequence[Stake]) -> Iterator[Problem]:
    """Holdings of one company at one date and on one basis above 100% (see the module docs)."""
    groups: dict[tuple[str, object, bool], dict[str, tuple[Decimal, Stake]]] = {}
    for stake in stakes:
        if (
            stake.event is not StakeEvent.holding
            or stake.status is not StakeStatus.closed
            or stake.share is None
        ):
            continue
        holders = groups.setdefault((stake.company, stake.date.sort_key(), stake.diluted), {})
        low = stake.share.low
        if stake.holder not in holders or low < holders[stake.holder][0]:
            holders[stake.holder] = (low, stake)
    order = {s.id: i for i, s in enumerate(stakes)}
    for (company, _, diluted), holders in groups.items():
        total = sum((low for low, _ in holders.values()), Decimal(0))
        if total <= 1 or len(holders) < 2:
            continue  # one holder above 100% is its own record's problem
        members = sorted(holders.values(), key=lambda m: order[m[1].id])
        last = members[-1][1]
        others = ", ".join(f"{s.holder} {s.share} ({s.id})" for _, s in members[:-1])
        basis = "fully diluted shares" if diluted else "shares outstanding"
        yield ledger.problem(
            last,
            "share",
            f"holdings of {company!r} on {last.date} adding up to at most 100% of its {basis} "
            f"(besides {others})",
            f"{last.share}, {_percent(total)} in all",
            "ownership-above-100",
        )


def control_edges(
    stakes: Sequence[Stake], threshold: Decimal = CONTROL_THRESHOLD
) -> dict[tuple[str, str], Stake]:
    """``(company, holder) -> stake`` for each holder that controls a company by one closed stake
    record, its latest in that company: a share above ``threshold`` (:meth:`Share.exceeds
    <aicapex.shares.Share.exceeds>`), or ``controlling: true``."""
    latest: dict[tuple[str, str], Stake] = {}
    for stake in stakes:
        if stake.status is not StakeStatus.closed:
            continue
        key = (stake.company, stake.holder)
        if key not in latest or stake.date.sort_key() >= latest[key].date.sort_key():
            latest[key] = stake
    return {
        key: s
        for key, s in latest.items()
        if s.controlling or (s.share is not None and s.share.exceeds(threshold))
    }


def _reaches(graph: Mapping[str, Sequence[str]], start: str, goal: str) -> list[str] | None:
    """A path from ``start`` to ``goal`` in ``graph`` (breadth first), or ``None``."""
    before: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == goal:
            path = [node]
            while (back := before[path[-1]]) is not None:
                path.append(back)
            return path[::-1]
        for step in graph.get(node, ()):
            if step not in before:
                before[step] = node
                queue.append(step)
    return None


def control_cycle_problems(ledger: LedgerLike, stakes: Sequence[Stake]) -> Iterator[Problem]:
    """Loops of control that go through a stake (see the module docs)."""
    edges = control_edges(stakes)
    if not edges:
        return
    graph: dict[str, list[str]] = {}  # controlled -> controllers
    for entity in ledger.records("entities"):
        if isinstance(entity, Entity) and entity.controlled_by:
            graph.setdefault(entity.id, []).extend(entity.controlled_by)
    for company, holder in edges:
        graph.setdefault(company, []).append(holder)
    seen: set[frozenset[str]] = set()
    for (company, holder), stake in edges.items():
        path = _reaches(graph, holder, company)
        if path is None:
            continue
        loop = [company, *path]
        nodes = frozenset(loop)
        if nodes in seen:
            continue
        seen.add(nodes)
        chain = " -> ".join(repr(n) for n in loop)
        why = "controlling" if stake.controlling else f"holding {stake.share}"
        yield ledger.problem(
            stake,
            "controlling" if stake.controlling else "share",
            f"control that does not loop back: {holder!r} controls {company!r} ({why}), so "
            f"{company!r} cannot control {holder!r}",
            f"a loop of control: {chain} (each controlled by the next)",
            "control-cycle",
        )
