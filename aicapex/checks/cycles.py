"""Chains of references that loop back: an entity controlling itself through others, a record
included in itself through others, a source that is a translation of itself.

A record naming itself directly is its own check where the record can see it (``controlled_by``
and ``included_in``: :mod:`aicapex.records`); here are the loops through other records, and a
source translating itself (no other record can tell it apart from a loop). Each loop is reported
once, at the first of its records in the ledger's order, naming the whole chain.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from aicapex.checks.common import LedgerLike
from aicapex.errors import Problem
from aicapex.records import Entity, Record, Source

__all__ = ["cycle_problems", "find_cycles"]

#: Kinds and their fields that chain records of the same kind, and whether a record naming
#: itself is reported here (the record's own checks report it otherwise).
CHAINS: tuple[tuple[str, str, bool], ...] = (
    ("entities", "controlled_by", False),
    ("revenues", "included_in", False),
    ("expenses", "included_in", False),
    ("sources", "translation_of", True),
)


def find_cycles(edges: Mapping[str, Sequence[str]], *, self_loops: bool) -> list[list[str]]:
    """The loops of a directed graph (``id -> ids it names``), each once, as the list of its
    ids from the first one met in ``edges``' order. Iterative (no recursion limit); linear."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []
    for root in edges:
        if root in state:
            continue
        path: list[str] = [root]
        state[root] = 1
        stack: list[Iterator[str]] = [iter(edges.get(root, ()))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                state[path.pop()] = 2
                continue
            seen = state.get(step)
            if seen == 1:
                loop = path[path.index(step) :]
                if len(loop) > 1 or self_loops:
                    cycles.append(loop)
            elif seen is None and step in edges:
                state[step] = 1
                path.append(step)
                stack.append(iter(edges[step]))
    return cycles


def cycle_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """A problem for each loop of ``controlled_by``, ``included_in`` or ``translation_of``."""
    for kind, field, self_loops in CHAINS:
        records = ledger.records(kind)
        edges: dict[str, Sequence[str]] = {}
        for record in records:
            value = getattr(record, field, None)
            if value:
                edges[record.id] = (value,) if isinstance(value, str) else value
        if not edges:
            continue
        by_id = {r.id: r for r in records}
        for loop in find_cycles(edges, self_loops=self_loops):
            first = by_id[loop[0]]
            yield _problem(ledger, first, kind, field, loop)


def _problem(ledger: LedgerLike, record: Record, kind: str, field: str, loop: list[str]) -> Problem:
    chain = " -> ".join(repr(i) for i in [*loop, loop[0]])
    names = {
        "controlled_by": "controllers that do not lead back to the entity itself",
        "included_in": f"a record of the {kind} that does not include this one, in the end",
        "translation_of": "the id of an original source, not of a translation of this one",
    }
    where = field
    value = getattr(record, field)
    if isinstance(record, Entity) and not isinstance(value, str):
        where = f"{field}.{list(value).index(loop[1 % len(loop)])}"
    elif isinstance(record, Source) and len(loop) == 1:
        chain = f"{record.id!r}, itself"
    return ledger.problem(record, where, names[field], f"a loop: {chain}", "reference-cycle")
