"""The funding gap: what a company sought, what was committed of it, what arrived.

A round with status ``sought`` is an effort (a lifeline of $95M); rounds naming it with
``effort:`` are what came of it (Intel's $50M). For each effort, :func:`funding_gap` gives the
amount sought, the amounts committed (rounds committed or closed, with their tranches) and
disbursed (closed rounds' money and disbursed tranches), and the shortfall (sought minus
committed). Amounts are in US dollars, base figures with their ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from aicapex.analysis.common import as_known_on, check_entity, record_frame
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flows import as_flows

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["FundingGap", "funding_gap"]


class FundingGap(Result):
    """The result of :func:`funding_gap`: one row per effort (a sought round)."""

    NAME = "funding_gap"


_COLUMNS = {
    "effort": "str",
    "company": "str",
    "date": "datetime64[ns]",
    "sought_usd": "float64",
    "sought_low_usd": "float64",
    "sought_high_usd": "float64",
    "committed_usd": "float64",
    "disbursed_usd": "float64",
    "shortfall_usd": "float64",
    "rounds": "str",
}


def funding_gap(
    source: Ledger | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    *,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
) -> FundingGap:
    """Each funding effort of ``entity`` (or of every company): sought vs committed vs
    disbursed, and the shortfall (see the module docs).

    >>> import aicapex as ac
    >>> g = funding_gap(ac.load(ac.bundled_data()), "stability-ai").frame
    >>> g[["effort", "sought_usd", "committed_usd", "disbursed_usd", "shortfall_usd"]].to_dict("records")
    [{'effort': 'stability-2023-lifeline', 'sought_usd': 95000000.0, 'committed_usd': 50000000.0, 'disbursed_usd': 20000000.0, 'shortfall_usd': 45000000.0}]
    """  # noqa: E501
    source = as_known_on(source, known_on)
    flows = as_flows(source, conflicts)
    check_entity(source, entity, flows)
    frame = record_frame(source, "funding_rounds", "funding_gap")
    rounds, _ = resolve_conflicts(frame, "funding_rounds", conflicts)
    if entity is not None:
        rounds = rounds[(rounds["company"].astype("object") == entity).to_numpy()]
    status = rounds["status"].astype("object")
    efforts = rounds[(status == "sought").to_numpy()]
    funding = flows[
        (flows["kind"] == "funding_rounds").to_numpy() & (flows["direction"] == 1).to_numpy()
    ]
    out, used = _gaps(efforts, rounds, funding)
    return FundingGap(
        out,
        record_index(used),
        (
            "an effort is a round sought; what came of it names it with effort:",
            "committed: the money of committed and closed rounds (tranches committed or "
            "disbursed); disbursed: the money that arrived",
        ),
        params={"entity": entity, "conflicts": conflicts, "known_on": known_on},
    )


def _gaps(
    efforts: pd.DataFrame, rounds: pd.DataFrame, funding: pd.DataFrame
) -> tuple[pd.DataFrame, set[str]]:
    """One row per effort, all at once: the rounds naming each effort, their money moved by
    status, summed by effort (a lookup of round to effort, then bincounts; no scan of the
    rounds or the flows per effort)."""
    effort_ids = efforts["id"].to_numpy(object)
    codes, names = pd.factorize(effort_ids)  # an id listed twice (conflicts="all"): one code
    code_of = {name: i for i, name in enumerate(names)}
    named = rounds["effort"].astype("object").map(code_of)
    came = rounds[named.notna().to_numpy()]
    came_code = named[named.notna()].to_numpy("int64")
    came_ids = came["id"].to_numpy(object)
    live = came["status"].astype("object").isin(["committed", "closed"]).to_numpy()
    effort_of_round = dict(zip(came_ids[live], came_code[live], strict=True))
    moved_to = funding["record"].astype("object").map(effort_of_round)
    mine = moved_to.notna().to_numpy()
    to = moved_to[mine].to_numpy("int64")
    status = funding["status"].to_numpy(object)[mine]
    amount = funding["amount_usd"].to_numpy("float64")[mine]
    n = len(names)
    committed = np.bincount(
        to, weights=np.where(np.isin(status, ["committed", "disbursed"]), amount, 0.0), minlength=n
    )
    disbursed = np.bincount(to, weights=np.where(status == "disbursed", amount, 0.0), minlength=n)
    listed: list[list[str]] = [[] for _ in range(n)]
    for code, rid in zip(came_code, came_ids, strict=True):
        listed[code].append(str(rid))
    rounds_of = np.array([",".join(sorted(r)) for r in listed], dtype=object)
    sought = efforts["amount_usd"].to_numpy("float64")
    out = pd.DataFrame(
        {
            "effort": effort_ids,
            "company": efforts["company"].to_numpy(object),
            "date": efforts["date_end"].to_numpy(),
            "sought_usd": sought,
            "sought_low_usd": efforts["amount_low_usd"].to_numpy("float64"),
            "sought_high_usd": efforts["amount_high_usd"].to_numpy("float64"),
            "committed_usd": committed[codes],
            "disbursed_usd": disbursed[codes],
            "shortfall_usd": sought - committed[codes],
            "rounds": rounds_of[codes],
        },
        columns=list(_COLUMNS),
    ).astype(_COLUMNS)
    used = {str(i) for i in effort_ids} | {str(i) for i in came_ids}
    return out, used
