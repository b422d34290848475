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
    rows = []
    used: set[str] = set()
    for effort in efforts.to_dict("records"):
        came = rounds[(rounds["effort"].astype("object") == effort["id"]).to_numpy()]
        live = came[came["status"].astype("object").isin(["committed", "closed"]).to_numpy()]
        mine = funding[funding["record"].astype("object").isin(list(live["id"])).to_numpy()]
        moved = mine["status"].astype("object")
        committed = float(
            mine.loc[moved.isin(["committed", "disbursed"]).to_numpy(), "amount_usd"].sum()
        )
        disbursed = float(mine.loc[(moved == "disbursed").to_numpy(), "amount_usd"].sum())
        sought = float(effort["amount_usd"])
        used.update([str(effort["id"]), *map(str, came["id"])])
        rows.append(
            {
                "effort": str(effort["id"]),
                "company": str(effort["company"]),
                "date": effort["date_end"],
                "sought_usd": sought,
                "sought_low_usd": float(effort["amount_low_usd"]),
                "sought_high_usd": float(effort["amount_high_usd"]),
                "committed_usd": committed,
                "disbursed_usd": disbursed,
                "shortfall_usd": sought - committed,
                "rounds": ",".join(sorted(map(str, came["id"]))),
            }
        )
    out = pd.DataFrame(rows, columns=list(_COLUMNS)).astype(_COLUMNS)
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
