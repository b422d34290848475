"""Control: who controls whom, directly and through others.

An entity controls another directly when:

- the other names it in ``controlled_by`` (a parent, a person controlling several companies);
- it holds more than ``threshold`` of the other's shares (default
  :data:`~aicapex.records.CONTROL_THRESHOLD`, more than 50%) at ``as_of``: its position as
  :func:`~aicapex.analysis.ownership.ownership` builds it, on either basis, at the low end of
  its range (``about 55%`` may be 49.5%: not control), or its latest stake is a lower bound at
  the threshold (``more than 50%``);
- a closed stake names it as the controlling holder (``controlling: true``), whatever its
  share.

Control passes on: A controls B, B controls C, so A controls C (through B). Each pair appears
once, by its shortest path. Entities with a controller in common are related parties (for
``related_parties``, later).
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from aicapex.analysis.ownership import holder_positions
from aicapex.analysis.result import Result, record_index
from aicapex.analysis.stakeskit import StakeInputs, percent, stake_inputs, typed_rows
from aicapex.dates import DateLike
from aicapex.errors import suggest
from aicapex.records import CONTROL_THRESHOLD
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["CONTROL_COLUMNS", "Control", "control"]

#: The columns of :func:`control`'s frame and their dtypes.
CONTROL_COLUMNS: dict[str, str] = {
    "controller": "str",
    "controlled": "str",
    "path": "str",
    "how": "str",
    "depth": "int64",
    "share": "float64",
    "records": "str",
}


class Control(Result):
    """The result of :func:`control`: one row per controller and entity it controls."""

    NAME = "control"


Edge = tuple[str, float, list[str]]  # how, share (NaN: none), records


def _direct(inputs: StakeInputs, threshold: float) -> dict[tuple[str, str], Edge]:
    """``(controller, controlled) -> (how, share, records)`` for direct control."""
    edges: dict[tuple[str, str], Edge] = {}
    if inputs.entities is not None:
        ents = inputs.entities
        for eid, by in zip(ents["id"].to_numpy(object), ents["controlled_by"], strict=True):
            if isinstance(by, str) and by:
                for controller in by.split(","):
                    edges[(controller, str(eid))] = ("controlled_by", math.nan, [str(eid)])
    stakes = inputs.stakes
    names = ("holder", "company", "share_low", "share_kind", "controlling", "share", "id")
    read = stakes[[*names, "date_end"]]  # the columns read, not the record's forty
    closed = read[stakes["status"].to_numpy(object) == "closed"]
    for company in sorted(set(closed["company"].to_numpy(object))):
        found = holder_positions(inputs, str(company))
        for holder, h in found.holders.items():
            lows = [s for s in h.share.values() if s is not None and s[0] > threshold]
            if lows:
                best = max(lows, key=lambda s: s[0])
                how = "stake" if (holder, company) not in edges else "controlled_by, stake"
                edges[(holder, str(company))] = (how, best[1], list(h.records))
    latest = closed.sort_values("date_end", kind="stable").drop_duplicates(
        ["holder", "company"], keep="last"
    )
    for holder, company, low, kind, controlling, base, rid in zip(
        *(latest[n] for n in names), strict=True
    ):  # the columns read, not every column's cells (a row as to_dict gives them)
        key = (str(holder), str(company))
        bound = kind == "lower" and float(low) >= threshold  # 'more than 50%'
        named = bool(controlling) if controlling is not pd.NA else False
        if not (named or bound) or (key in edges and not named):
            continue
        how, share, records = edges.get(key, ("", float(base), []))
        word = "controlling holder" if named else "stake"
        how = word if not how else f"{how}, {word}"
        edges[key] = (how, share, [*dict.fromkeys([*records, str(rid)])])
    return edges


def control(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    as_of: DateLike | None = None,
    threshold: float | Decimal = CONTROL_THRESHOLD,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> Control:
    """Who controls whom (see the module docs), for every entity, or the rows naming
    ``entity`` as controller or controlled.

    Columns (:data:`CONTROL_COLUMNS`): ``controller``, ``controlled``, ``path`` (``a > b > c``,
    the controller first), ``how`` (each step: ``controlled_by``, ``stake`` or ``controlling
    holder``, joined by ``>``), ``depth`` (1: direct), ``share`` (a direct stake's share, its
    base figure; NaN otherwise) and ``records``.

    >>> import aicapex as ac
    >>> c = control(ac.load(ac.bundled_data()), "meta")
    >>> list(c.frame["path"])
    ['meta > meta-superintelligence-labs', 'meta > tbd-labs']
    """
    try:  # a bool is no threshold (False would be 0: every holder controlling)
        limit = math.nan if isinstance(threshold, bool) else float(threshold)
    except (TypeError, ValueError):
        limit = math.nan
    if not 0 <= limit < 1:
        raise ValueError(
            f"expected a threshold from 0 to less than 1 (50% is 0.5), got {threshold!r}"
        )
    inputs = stake_inputs(source, None, as_of, conflicts, known_on)
    if entity is not None and inputs.entities is not None:
        known = set(inputs.entities["id"].astype("object"))
        if entity not in known:
            raise KeyError(f"unknown entity {entity!r}{suggest(entity, sorted(known))}")
    edges = _direct(inputs, limit)
    graph: dict[str, list[str]] = {}
    for controller, controlled in edges:
        graph.setdefault(controller, []).append(controlled)
    rows: list[dict[str, Any]] = []
    for root in sorted(graph):
        before: dict[str, str] = {}
        queue = deque([root])
        while queue:
            node = queue.popleft()
            for step in sorted(graph.get(node, ())):
                if step == root or step in before:
                    continue
                before[step] = node
                queue.append(step)
                rows.append(_row(root, step, before, edges))
    if entity is not None:
        rows = [r for r in rows if entity in (r["controller"], r["controlled"])]
    if all(isinstance(r["controller"], str) and isinstance(r["controlled"], str) for r in rows):
        # the rows sorted before the frame is built, as sort_values sorts text (by code
        # point), not the frame after (~0.3 ms)
        rows.sort(key=lambda r: (r["controller"], r["depth"], r["controlled"]))
        frame = typed_rows(rows, CONTROL_COLUMNS)
    else:
        frame = typed_rows(rows, CONTROL_COLUMNS)
        frame = frame.sort_values(["controller", "depth", "controlled"], kind="stable")
    used = {x for r in rows for x in r["records"].split(",") if x}
    return Control(
        frame.reset_index(drop=True),
        record_index(used),
        (
            f"a holder of more than {percent(limit)} of a company's shares (the low end of its "
            "range, on either basis) controls it; so does a holder a stake names as "
            "controlling, and an entity named in controlled_by",
            "control passes on through controlled entities (shortest path shown)",
        ),
        params={
            "entity": entity,
            "as_of": as_of,
            "threshold": limit,
            "conflicts": conflicts,
            "known_on": known_on,
        },
    )


def _row(
    root: str, target: str, before: Mapping[str, str], edges: Mapping[tuple[str, str], Edge]
) -> dict[str, Any]:
    path = [target]
    while path[-1] != root:
        path.append(before[path[-1]])
    path.reverse()
    steps = [edges[pair] for pair in itertools.pairwise(path)]
    return {
        "controller": root,
        "controlled": target,
        "path": " > ".join(path),
        "how": " > ".join(s[0] for s in steps),
        "depth": len(steps),
        "share": steps[0][1] if len(steps) == 1 else math.nan,
        "records": ",".join(dict.fromkeys(x for s in steps for x in s[2])),
    }
