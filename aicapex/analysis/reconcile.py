"""Balances reconcile: cash balances are assertions the flows between them must explain.

As in beancount and hledger, a cash balance asserts what a company held at a date. Where two
balances of one company bracket a period, :func:`reconcile` rolls the first forward by the
flows the runway counts (expenses and revenues, funding that moved, GPU orders' cash when
paid) and compares the result with the second: what the flows explain, and what they do not.
With ranges, the flows explain a balance when the ranges of the expected and the reported cash
overlap.

A gap counts as unexplained when it exceeds :data:`TOLERANCE` of the larger balance and
:data:`MINIMUM` US dollars (documented defaults; ``tolerance=`` and ``minimum=`` change them):
sources round, and months of spending are reported as yearly rates.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.burn import CAPEX_STATUSES
from aicapex.analysis.common import as_known_on, check_entity, record_frame, signed
from aicapex.analysis.result import Result, record_index
from aicapex.dates import DateLike
from aicapex.errors import Problem
from aicapex.table.conflicts import ConflictPolicy, fact_groups, resolved
from aicapex.table.conflicts import resolve as resolve_conflicts
from aicapex.table.flows import as_flows, is_ledger

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "MINIMUM",
    "TOLERANCE",
    "Reconciliation",
    "aside_by_entity",
    "cash_reports",
    "gap_problems",
    "reconcile",
    "span_reports",
]

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
    if conflicts == "all":  # two reports of one balance are not two balances
        balances, _ = span_reports(cash)
    else:
        balances, _ = resolve_conflicts(cash, "cash_balances", conflicts)
    if entity is not None:
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    frame, used = _pairs(balances, _counted(flows), tolerance, minimum)
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
            "flows counted: expenses and revenues (not planned ones), funding disbursed and "
            "GPU orders' cash when paid",
            f"a gap is explained when the ranges overlap or it is within {tolerance:.0%} of the "
            f"larger balance or {minimum:,.0f} USD",
        ),
        warnings,
        params={"entity": entity, "conflicts": conflicts, "known_on": known_on},
    )


def span_reports(balances: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Cash balances under ``conflicts="all"``: a balance is no sum, so each fact reported
    differently keeps one row, its latest report (as ``"latest"``), with ``amount_low_usd``
    and ``amount_high_usd`` spanning every report's (and ``amount_kind`` ``range`` where they
    differ); returns those rows and the ids of the other reports."""
    groups = fact_groups(balances, "cash_balances")
    if groups.empty:
        return balances, []
    kept, aside = resolve_conflicts(balances, "cash_balances", "latest")
    base = balances["amount_usd"].to_numpy("float64")
    ends = [_column(balances, f"amount_{end}_usd", base) for end in ("low", "high")]
    row, group = groups["row"].to_numpy(), groups["group"].to_numpy()
    n = int(group.max()) + 1
    low, high = np.full(n, np.inf), np.full(n, -np.inf)
    np.fmin.at(low, group, np.fmin(ends[0], base)[row])
    np.fmax.at(high, group, np.fmax(ends[1], base)[row])
    group_of = np.full(len(balances), -1)
    group_of[row] = group
    mine = group_of[~balances["id"].astype("object").isin(aside).to_numpy()]
    spans = mine >= 0
    out = kept.copy()
    for column, values in (("amount_low_usd", low), ("amount_high_usd", high)):
        current = _column(out, column, out["amount_usd"].to_numpy("float64"))
        out[column] = np.where(spans, values[np.maximum(mine, 0)], current)
    differ = spans & (out["amount_low_usd"] < out["amount_high_usd"]).to_numpy()
    kind = out["amount_kind"].astype("object") if "amount_kind" in out else "exact"
    out["amount_kind"] = np.where(differ, "range", kind)
    return out, aside


def aside_by_entity(
    source: Any,
    cash_given: Any,
    aside: list[str],
    entities: pd.Index,
    chosen: pd.DataFrame | None = None,
) -> dict[str, list[str]]:
    """The cash reports set aside, by the entity they report on (only ``entities``): each
    runway names its own, never every report of the ledger; with ``chosen`` (each entity's
    balance a runway starts from, indexed by entity), only the other reports of that balance
    (of its day: a report of March set aside says nothing of a runway from June). Reports are
    set aside only from a frame: the ledger's cash balances (``cash_given`` is ``None``) or
    the one given."""
    if not aside:
        return {}
    frame = source.frame("cash_balances") if cash_given is None else cash_given
    ids = frame["id"].to_numpy(object)
    owner = dict(zip(ids, frame["company"].to_numpy(object), strict=True))
    day = dict(zip(ids, frame["date_end"], strict=True)) if "date_end" in frame else {}
    start = {} if chosen is None else dict(zip(chosen.index, chosen["date_end"], strict=True))
    named = {str(e) for e in entities}
    out: dict[str, list[str]] = {}
    for record in aside:
        entity = str(owner.get(record))
        if entity in named and (entity not in start or day.get(record) == start[entity]):
            out.setdefault(entity, []).append(record)
    return out


def _pairs(
    balances: pd.DataFrame, counted: pd.DataFrame, tolerance: float, minimum: float
) -> tuple[pd.DataFrame, set[str]]:
    """The reconciliation frame of ``balances`` (each company's consecutive pairs, by date,
    as written where dates tie) and the ``counted`` flows between them, and the records used.

    All companies at once: each flow falls in the pair whose closing balance is the company's
    first dated on or after it (and whose opening balance is dated before it), found by one
    binary search over (company, date) keys; sums by pair are bincounts."""
    balances = balances.dropna(subset=["date_end", "amount_usd"])
    company = balances["company"].to_numpy(object)
    order = pd.DataFrame({"c": company, "d": balances["date_end"].to_numpy()}).sort_values(
        ["c", "d"], kind="stable"
    )
    take = order.index.to_numpy()
    company = company[take]
    bal_dates = _nanos(balances["date_end"])[take]
    amount = balances["amount_usd"].to_numpy("float64")[take]
    low = _column(balances, "amount_low_usd", amount)[take]
    high = _column(balances, "amount_high_usd", amount)[take]
    ids = balances["id"].to_numpy(object)[take]
    # pair k: balances k-1 and k of one company (k the closing one)
    second = np.flatnonzero(company[1:] == company[:-1]) + 1
    first = second - 1
    flow_days = counted["date"].to_numpy("datetime64[ns]")
    dated = ~np.isnat(flow_days)
    flow_dates = flow_days.view("int64")
    flow_company = counted["entity"].to_numpy(object)
    codes, _ = pd.factorize(np.concatenate([company, flow_company]))
    bal_code, flow_code = codes[: len(company)], codes[len(company) :]
    ranks = np.unique(np.concatenate([bal_dates, flow_dates[dated]]), return_inverse=True)[1]
    width = len(ranks) + 1
    bal_key = bal_code.astype(np.int64) * width + ranks[: len(company)]
    flow_key = flow_code.astype(np.int64) * width
    flow_key[dated] += ranks[len(company) :]
    # codes follow first appearance and balances come first, sorted: bal_key rises
    closing = np.searchsorted(bal_key, flow_key, side="left")
    inside = dated & (closing > 0) & (closing < len(company))
    inside[inside] &= (bal_code[closing[inside]] == flow_code[inside]) & (
        bal_code[closing[inside] - 1] == flow_code[inside]
    )
    pair_of = closing[inside]
    n = len(company)
    sums = {
        col: np.bincount(pair_of, weights=counted[col].to_numpy("float64")[inside], minlength=n)
        for col in ("signed", "signed_low", "signed_high")
    }
    records = counted["record"].to_numpy(object)[inside]
    joined = _joined(pair_of, records, n)
    opening, closing_usd = amount[first], amount[second]
    net = sums["signed"][second]
    net_low, net_high = sums["signed_low"][second], sums["signed_high"][second]
    expected = opening + net
    gap = closing_usd - expected
    overlap = (low[first] + net_low <= high[second]) & (high[first] + net_high >= low[second])
    allowed = np.maximum(minimum, tolerance * np.maximum(np.abs(opening), np.abs(closing_usd)))
    frame = pd.DataFrame(
        {
            "entity": company[second],
            "from_record": ids[first],
            "to_record": ids[second],
            "from_date": bal_dates[first].view("datetime64[ns]"),
            "to_date": bal_dates[second].view("datetime64[ns]"),
            "opening_usd": opening,
            "net_usd": net,
            "net_low_usd": net_low,
            "net_high_usd": net_high,
            "expected_usd": expected,
            "closing_usd": closing_usd,
            "gap_usd": gap,
            "explained": overlap | (np.abs(gap) <= allowed),
            "records": joined[second],
        },
        columns=_COLUMNS,
    ).astype(_DTYPES)
    used = {str(r) for r in records}  # every flow found falls in a pair
    used.update(str(i) for i in ids[first])
    used.update(str(i) for i in ids[second])
    return frame, used


def _nanos(dates: pd.Series) -> np.ndarray:
    """``dates`` as int64 nanoseconds (NaT the smallest int64)."""
    return dates.to_numpy("datetime64[ns]").view("int64")


def _column(frame: pd.DataFrame, name: str, default: np.ndarray) -> np.ndarray:
    """``frame[name]`` as floats, or ``default`` where the frame has no such column."""
    return frame[name].to_numpy("float64") if name in frame.columns else default


def _joined(pair_of: np.ndarray, records: np.ndarray, n: int) -> np.ndarray:
    """For each of ``n`` pairs, its flows' distinct records, sorted, comma-separated."""
    out = np.full(n, "", dtype=object)
    if len(records):
        rows = pd.DataFrame({"pair": pair_of, "record": records.astype(str)})
        rows = rows.drop_duplicates().sort_values(["pair", "record"], kind="stable")
        joined = rows.groupby("pair", sort=True)["record"].agg(",".join)
        out[joined.index.to_numpy()] = joined.to_numpy(object)
    return out


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
    **dict.fromkeys(["entity", "from_record", "to_record", "records"], "str"),
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
    # capital spending when paid, as the runway counts it: GPU orders' cash
    capex = (kind == "gpu_orders") & (flows["category"] == "capex")
    keep |= (capex & flows["status"].isin(CAPEX_STATUSES)).to_numpy()
    return signed(flows[keep])


def cash_reports(
    source: Any,
    cash_given: pd.DataFrame | Mapping[str, float] | None,
    conflicts: ConflictPolicy,
    left_out: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """The cash balances a runway starts from (``cash_given``: a frame, a mapping of entity to
    US dollars, or ``None``: the ledger's) with conflicting reports resolved under
    ``conflicts`` (``"all"``: spanned), and the ids of the reports set aside. ``left_out``:
    ids of reports to leave out first (excluded by a what-if: another report of the same fact,
    set aside before, then stands)."""
    if cash_given is None:
        if not is_ledger(source):
            raise ValueError(
                "runway needs cash balances: pass cash=ledger.frame('cash_balances') "
                "or cash={'entity-id': dollars} with a flows table or frames without them"
            )
        if not left_out and conflicts != "all":  # (resolved once per ledger, for every reader)
            kept, aside = resolved(source, "cash_balances", conflicts)
            return kept, aside
        cash_given = source.frame("cash_balances")
    if isinstance(cash_given, Mapping):
        given = pd.DataFrame(
            {
                "id": [f"cash:{k}" for k in cash_given],
                "company": list(cash_given),
                "date_end": pd.Series(pd.NaT, index=range(len(cash_given)), dtype="datetime64[ns]"),
                "amount_usd": [float(v) for v in cash_given.values()],
                "bound": "exact",
                "reported_start": pd.NaT,
            }
        )
        return given, []
    if left_out:  # (an id naming no cash balance is the what-if's to refuse)
        cash_given = cash_given[~cash_given["id"].astype("object").isin(list(left_out)).to_numpy()]
    if conflicts == "all":  # a cash balance is no sum: one figure per fact, spanning its reports
        return span_reports(cash_given)
    kept, aside = resolve_conflicts(cash_given, "cash_balances", conflicts)
    return kept, aside
