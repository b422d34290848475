"""GPU reallocations against the orders they name: what the GPU movements table
(:mod:`aicapex.table.gpus`) would otherwise count as units out of nowhere (negative positions
in ``aicapex.gpu_fleet`` and the report).

A reallocation naming an ``order`` moves units of that order. Every reallocation of the order
counts, whatever its date or the order's status (dates are often known only to a month or a
year; ``gpu_fleet`` counts a reallocation when it counts its order, by ``statuses=``, but the
units an order has are its limit whatever the statuses an analysis counts); reports of one
reallocation from different sources (one fact: same order, entities and date) count once (two
outlets reporting one move are one move): as the smallest report for the errors, the largest
for the warning (the report an analysis takes, the latest by default, may be any of them).
Units move from the order's buyer or, passed on, from an entity a reallocation of the order
gave some to. Reports of one order from different sources (same buyer, vendor, SKU and order
date) are one order: a move naming one report and one naming another are checked together,
against the report of the largest count.

- **sku-not-order** (error): a reallocation whose ``sku`` is not its order's, as written (no
  ``sku``: the order's is taken). The units moved are the order's; another model is another
  fleet.
- **reallocated-above-order** (error): reallocations of one order from one entity moving more
  units than the order has plus those reallocations of the order gave that entity (units that
  came back can go out again). Hard claims only, as :mod:`aicapex.checks.facts` reads figures:
  each move at the low end it claims (``10,000 to 12,000``: 10,000; ``more than 12,000``:
  12,000; ``about`` or ``up to``: no claim, 0), the order and the moves in at the high ends
  theirs claim (a range's high end; ``about`` or ``more than``: no limit, nothing refused).
  One reallocation above its order is the case of one. Reported at the entity's last
  reallocation of the order in the ledger, naming the others.
- **reallocated-beyond-held** (warning): an entity passing on more of an order's units than the
  ledger shows it holding, by the base figures the GPU tables count (a range's midpoint, a
  bound itself): a ``from_entity`` that is neither the order's buyer nor given any of its units
  by a reallocation of it (a move passed on whose first move the ledger lacks), or moves out
  above the order (its buyer) plus the moves in, within the figures' ranges (``12,000`` of an
  order of ``10,000 to 12,000``: 11,000). ``gpu_fleet`` then shows the difference as a negative
  position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from aicapex.checks.common import LedgerLike
from aicapex.errors import Problem
from aicapex.records import GPUOrder, GPUReallocation
from aicapex.records.base import claimed_units, count_text

__all__ = ["gpu_problems"]


def gpu_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every problem of this module (see the module docs)."""
    orders = {o.id: o for o in ledger.records("gpu_orders") if isinstance(o, GPUOrder)}
    same = _reports_of_one_order(list(orders.values()))
    by_order: dict[str, list[GPUReallocation]] = {}
    for move in ledger.records("gpu_reallocations"):
        if not isinstance(move, GPUReallocation) or move.order not in orders:
            continue  # no order, or a reference already reported
        order = orders[move.order]
        by_order.setdefault(same.get(order.id, order.id), []).append(move)
        if move.sku is not None and move.sku != order.sku:
            yield ledger.problem(
                move,
                "sku",
                f"the SKU of its order {order.id!r}, {order.sku!r} as written (or no sku: the "
                "order's is taken)",
                repr(move.sku),
                "sku-not-order",
            )
    for order_id, moves in by_order.items():
        yield from _held_problems(ledger, orders[order_id], moves)


def _reports_of_one_order(orders: Sequence[GPUOrder]) -> dict[str, str]:
    """Order id -> the id of the report of its order its moves are checked against, for orders
    reported by several sources (same buyer, vendor, SKU and order date, cited, from different
    sources: one fact, ``Ledger.conflicts()``): the report of the largest count, so that a move
    naming one report and a move passing it on naming another are moves of one order (the GPU
    tables count them so: :func:`aicapex.table.gpus.kept_orders`), checked leniently."""
    facts: dict[tuple[object, ...], list[GPUOrder]] = {}
    for order in orders:
        if order.sources:
            key = (order.buyer, order.vendor, order.sku, order.order_date.sort_key())
            facts.setdefault(key, []).append(order)
    out: dict[str, str] = {}
    for members in facts.values():
        cited = {frozenset(c.source for c in o.sources) for o in members}
        if len(members) < 2 or len(cited) < len(members):
            continue  # one report, or records sharing their sources: orders apart
        high = [claimed_units(o.quantity)[1] for o in members]
        widest = max(
            range(len(members)),
            key=lambda i: (high[i] is None, high[i] or 0, int(members[i].quantity)),
        )
        out.update({o.id: members[widest].id for o in members})
    return out


Total = Callable[[GPUReallocation], int | None]


def _total(moves: Sequence[GPUReallocation], value: Total, least: bool) -> int | None:
    """The units of ``moves`` by ``value`` (``None``: no limit), reports of one reallocation
    from different sources counted once: per fact (entities and date), the moves citing no
    source all, plus the smallest (``least``) or largest sum of the moves citing one source."""
    facts: dict[tuple[object, ...], list[GPUReallocation]] = {}
    for move in moves:
        key = (move.from_entity, move.to_entity, move.date.sort_key())
        facts.setdefault(key, []).append(move)
    total = 0
    for members in facts.values():
        per_source: dict[str, int | None] = {}
        for move in members:
            units = value(move)
            cited = {c.source for c in move.sources}
            if not cited:
                if units is None:
                    return None
                total += units
            for source in cited:
                before = per_source.get(source, 0)
                per_source[source] = None if before is None or units is None else before + units
        if per_source:
            sums = list(per_source.values())
            if least:
                known = [s for s in sums if s is not None]
                total += min(known) if known else 0
            elif any(s is None for s in sums):
                return None
            else:
                total += max(s for s in sums if s is not None)
    return total


def _held_problems(
    ledger: LedgerLike, order: GPUOrder, moves: Sequence[GPUReallocation]
) -> Iterator[Problem]:
    """The entities of ``moves`` (reallocations of ``order``) passing on more of its units than
    they can hold (errors) or than the ledger shows them holding (warnings)."""
    cap = claimed_units(order.quantity)[1]
    outs: dict[str, list[GPUReallocation]] = {}
    ins: dict[str, list[GPUReallocation]] = {}
    for move in moves:
        outs.setdefault(move.from_entity, []).append(move)
        ins.setdefault(move.to_entity, []).append(move)
    for entity, out in outs.items():
        came = ins.get(entity, [])
        low = _total(out, lambda m: claimed_units(m.quantity)[0], least=True)
        high = _total(came, lambda m: claimed_units(m.quantity)[1], least=False)
        assert low is not None
        if cap is not None and high is not None:
            alone = [m for m in out if claimed_units(m.quantity)[0] > cap + high]
            for move in alone:  # above the order by itself, whatever other reports say
                least = claimed_units(move.quantity)[0]
                yield _above(ledger, order, entity, [move], came, least, cap, high)
            if not alone and low > cap + high:
                yield _above(ledger, order, entity, out, came, low, cap, high)
            if alone or low > cap + high:
                continue
        if entity != order.buyer and not came:
            for move in out:
                yield ledger.problem(
                    move,
                    "from_entity",
                    f"an entity holding units of its order {order.id!r}: its buyer "
                    f"{order.buyer!r}, or one a reallocation of it gave some to (gpu_fleet "
                    f"counts its {count_text(move.quantity)} GPUs out of the position of "
                    f"{entity!r}; possible if the move that gave them is missing: this is a "
                    "warning)",
                    repr(entity),
                    "reallocated-beyond-held",
                )
            continue
        # the largest of one move's reports: the one an analysis takes (the latest by default)
        # may be any of them, and a warning is for what an analysis may show
        base = _total(out, _base, least=False)
        held = (int(order.quantity) if entity == order.buyer else 0) + (
            _total(came, _base, least=True) or 0
        )
        if base is not None and base > held:
            yield _beyond(ledger, order, entity, out, came, base, held)


def _base(move: GPUReallocation) -> int:
    """The units of a move as the GPU tables count them (a range's midpoint, a bound)."""
    return int(move.quantity)


def _listed(moves: Sequence[GPUReallocation]) -> str:
    return ", ".join(f"{count_text(m.quantity)} ({m.id})" for m in moves)


def _above(
    ledger: LedgerLike,
    order: GPUOrder,
    entity: str,
    out: Sequence[GPUReallocation],
    came: Sequence[GPUReallocation],
    low: int,
    cap: int,
    high: int,
) -> Problem:
    last, others = out[-1], out[:-1]
    limit = f"the order's {count_text(order.quantity)} GPUs"
    if count_text(order.quantity) != f"{cap:,}":
        limit += f" (at most {cap:,})"
    if came:
        limit += f" and the {high:,} reallocations of it gave {entity!r} ({_listed(came)})"
    if others:
        expected = (
            f"reallocations of {order.id!r} from {entity!r} moving at most {limit} (besides "
            f"{_listed(others)})"
        )
    else:
        expected = f"at most {limit}"
    exact = all(claimed_units(m.quantity)[0] == int(m.quantity) for m in out)
    found = count_text(last.quantity)
    if others:
        found += f", {'' if exact else 'at least '}{low:,} in all"
    elif not exact:
        found += f", at least {low:,}"
    return ledger.problem(last, "quantity", expected, found, "reallocated-above-order")


def _beyond(
    ledger: LedgerLike,
    order: GPUOrder,
    entity: str,
    out: Sequence[GPUReallocation],
    came: Sequence[GPUReallocation],
    base: int,
    held: int,
) -> Problem:
    last, others = out[-1], out[:-1]
    parts = [f"the order's {count_text(order.quantity)}"] if entity == order.buyer else []
    if came:
        parts.append(f"{_listed(came)} given to {entity!r}")
    besides = f" (besides {_listed(others)})" if others else ""
    why = "possible within the figures' ranges"
    if entity != order.buyer:
        why = "possible if a move that gave it units is missing, or within the figures' ranges"
    found = count_text(last.quantity)
    if others:
        found += f", {base:,} in all"
    elif getattr(last.quantity, "span", None) is not None:
        found += f", counted as {base:,}"
    return ledger.problem(
        last,
        "quantity",
        f"reallocations of {order.id!r} from {entity!r} moving at most the {held:,} GPUs it "
        f"holds by the base figures the GPU tables count ({' and '.join(parts)}){besides} "
        f"(gpu_fleet would show {entity!r} {base - held:,} of them short; {why}: this is a "
        "warning)",
        found,
        "reallocated-beyond-held",
    )
