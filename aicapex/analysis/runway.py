"""Runway: from the last cash balance, how many months until the cash runs out, and when.

The computation, for every entity at once (vectorised over an entities x months grid, rolled
forward by the cash engine :mod:`aicapex.analysis.cash`):

1. **Start**: the last cash balance at or before ``as_of`` (its span's last day: "October 2023"
   means October 31); conflicting balances follow ``conflicts`` (default: the latest reported;
   those set aside are named). A bound ("less than $4M") is the figure: the runway is a bound.
2. **Policy** decides which money counts besides expenses and revenues:
   ``"disbursed"`` (default): only funding actually received, on its dates (rounds, and
   primary purchases of shares outside rounds; secondary purchases never reach the company);
   ``"committed"``: committed but undisbursed tranches also arrive on their dates;
   ``"arrears"``: as ``"disbursed"``, and every bill fallen due (its due date, else the end of
   its usage period) and unpaid at ``as_of`` is paid then.
3. **Month by month from the balance** (so an ``as_of`` later than the balance rolls the cash
   forward): recorded monthly net flows (expenses, revenues and funding as above; ``planned``
   figures are left out). A month without records is not a month without spending: each
   spending category, and revenue as one stream, continues past its own last record at its own
   run rate (the mean of its months with a record among the 12 up to that record), and so
   does a month without a record between two of the stream's (see
   :mod:`aicapex.analysis.runrate`).
   ``burn_after`` overrides: a number is the whole net burn a month past the entity's last
   record (before it, a stream past its own records still goes on at its run rate); a mapping
   (``{"compute": 5e6}``) a stream's monthly amount.
   Capital spending counts when paid: GPU orders' cash on their payment dates, else on their
   delivery dates in proportion to the units (units scheduled, not delivered yet: on their
   scheduled dates); it is never extrapolated past the records.
   A month's flows net whatever their days (money out on the 1st, in on the 31st): the cash
   runs out in a month only if the month's closing cash is below zero.
4. **Cash-out**: in the first month below zero, the day the remaining cash lasts to at that
   month's burn (``cash_out``); ``months`` from the end of ``as_of`` to it (0 if before it).

What-ifs are adjustments of the flows (:mod:`aicapex.table.adjust`), passed as ``adjust=[...]``;
``exclude=`` and ``extra_flows=`` are sugar for them. ``exclude=`` leaves records out, by id
(one id as text, or a list of ids): their flows and their cash balances. A record reporting
a fact another source reports too (funding rounds, expenses, bills, cash balances ...) is left
out before the conflicts are resolved: another report of the fact stands (one set aside by
``conflicts`` already changes nothing, and the assumptions say so). Every id must name a
record with flows or a cash balance (or a report set aside as conflicting); any other id
(a typo, or a record without money: an entity, a source) is a ValueError naming it, with the
closest id: leaving it out would change nothing while the assumptions said it was left out. An
id whose flows the runway does not count anyway (planned, another entity's, dated before the
balance) is taken, and changes nothing. ``extra_flows=`` adds money: a list of (month,
amount, label) tuples, ``[("2023-10", 20e6, "label")]``, the amount a number of US dollars or
exact US-dollar money text (``"$20M"``, ``"-$5M"``), positive in, negative out, on its month
(those in or before the balance's month go to the starting cash); money in another currency,
a bound or a range, and any other shape (one tuple not in a list) are errors naming
``extra_flows``. Together they move a record: ``exclude=["stability-2023-intel"],
extra_flows=[("2023-10", 20e6, "Intel's tranche")]``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aicapex.analysis.arrears import pay_arrears
from aicapex.analysis.cash import run_variants
from aicapex.analysis.common import (
    as_known_on,
    as_widened,
    cell_sums,
    check_entity,
    date_at,
    day_of,
    fraction_of_month,
    grid_cells,
    in_calendar,
    months_between,
    same_figures,
    widths_param,
    with_spending,
)
from aicapex.analysis.inbalance import committed_before
from aicapex.analysis.reconcile import aside_by_entity, cash_reports
from aicapex.analysis.runrate import BurnAfter, check_burn_after, extrapolate_each, rate_layout
from aicapex.analysis.runwaygrid import balance_grid
from aicapex.analysis.runwaykit import (
    HORIZON,
    MAX_HORIZON,
    RunwayInputs,
    balance_kinds,
    check_cash,
    check_horizon,
    collect_inputs,
    ends_of_spend,
    gross_flows,
    path_frame,
    runway_assumptions,
)
from aicapex.analysis.runwayresult import RUNWAY_COLUMNS, Runway, bound_notes, records_used
from aicapex.analysis.runwayrows import counted_frame, counted_rows, flow_lookups, spend_flows
from aicapex.dates import DateLike
from aicapex.figures import Widths
from aicapex.table.adjust import (
    ADJUSTMENT_KIND,
    Adjustment,
    ExtraFlow,
    Reports,
    apply,
    conflict_reports,
    excluded,
    refiled,
    reported_later,
    what_ifs,
)
from aicapex.table.conflicts import ConflictPolicy
from aicapex.table.flows import as_flows
from aicapex.table.pages import small_pages

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "HORIZON",
    "MAX_HORIZON",
    "POLICIES",
    "RUNWAY_COLUMNS",
    "Policy",
    "Runway",
    "RunwayInputs",
    "check_horizon",
    "inputs_after",
    "runway",
    "runway_inputs",
    "runways",
]

Policy = Literal["disbursed", "committed", "arrears"]
POLICIES: tuple[str, ...] = ("disbursed", "committed", "arrears")
_SPANNED = (
    "of one date spanned (conflicts 'all': the latest report is the figure, months_low and "
    "months_high span every report): "
)


def runway(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    as_of: DateLike | Mapping[str, DateLike] | None = None,
    *,
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    adjust: Sequence[Adjustment] = (),
    extra_flows: Iterable[ExtraFlow] = (),
    exclude: str | Iterable[str] = (),
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
) -> Runway:
    """Months of cash left after ``as_of`` and the cash-out date, for ``entity`` or every entity
    with a cash balance (see the module docs for the method). ``as_of`` is a partial date
    (``"2023-10"``), or a mapping of entity to its own date (every entity at once, each from its
    date: the entities it names); ``None`` means the date of the latest cash balance.
    ``horizon`` is how many months after ``as_of`` are simulated. ``cash`` replaces the
    ledger's cash balances (a frame like ``ledger.frame("cash_balances")``, or
    ``{"entity": dollars}`` at ``as_of``).

    >>> import aicapex as ac
    >>> r = ac.runway(ac.load(ac.bundled_data()), "stability-ai", as_of="2023-10")
    >>> round(r.months, 2)
    0.34
    """
    return runways(
        source,
        entity,
        as_of,
        policies=(policy,),
        burn_after=burn_after,
        adjust=adjust,
        extra_flows=extra_flows,
        exclude=exclude,
        cash=cash,
        horizon=horizon,
        conflicts=conflicts,
        known_on=known_on,
        widths=widths,
    )[policy]


#: The columns of counted flows a policy's runway reads (``signed`` reads ``direction`` and
#: the amounts; ``require_usd`` names ``currency`` and ``record``): not every column copied.
_POLICY_READS = (
    "date", "month", "kind", "record", "currency", "direction", "amount_usd", "low_usd",
    "high_usd",
)  # fmt: skip


@small_pages()
def runways(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    as_of: DateLike | Mapping[str, DateLike] | None = None,
    *,
    policies: Sequence[Policy] = ("disbursed", "committed", "arrears"),
    burn_after: BurnAfter = None,
    adjust: Sequence[Adjustment] = (),
    extra_flows: Iterable[ExtraFlow] = (),
    exclude: str | Iterable[str] = (),
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
    arrears_at: pd.DataFrame | None = None,
) -> dict[str, Runway]:
    """:func:`runway` under each of ``policies`` (policy -> its runway, as :func:`runway`
    gives), sharing what no policy changes (balances, grid, spending past the records: a report
    reads three policies per company). Other arguments as for :func:`runway`; ``arrears_at``:
    the bills of policy ``arrears`` found already (``arrears(...).frame``; what-ifs: unread).

    >>> import aicapex as ac
    >>> both = ac.runways(ac.load(ac.bundled_data()), "stability-ai", as_of="2023-10",
    ...                   policies=("disbursed", "arrears"))
    >>> both["arrears"].months <= both["disbursed"].months
    True
    """
    if isinstance(policies, str):  # its letters are no policies
        raise TypeError(f"policies: expected a list of policies, got {policies!r} (use policy=)")
    if not policies:
        raise ValueError(f"expected at least one policy among {POLICIES}, got none")
    for policy in policies:
        if policy not in POLICIES:
            raise ValueError(f"expected a policy among {POLICIES}, got {policy!r}")
    reported = source  # (as given: records reported after known_on too)
    source, cash = _checked(source, cash, policies[0], horizon, burn_after, known_on, widths)
    if not isinstance(as_of, Mapping):  # a fiscal year of one entity: the end of its own
        as_of = in_calendar(as_of, source, entity, end=True)  # type: ignore[assignment]
    if isinstance(as_of, Mapping):
        for when in as_of.values():
            day_of(when)  # a bad date fails here, before any work
    elif as_of is not None:
        day_of(as_of)
    flows = as_flows(source, conflicts)
    changes = what_ifs(adjust, exclude, extra_flows, entity)
    # reports left out before conflicts are resolved: another report of the fact stands
    gone = excluded(changes)
    every, aside = cash_reports(source, cash, conflicts)  # (ids the what-ifs may name)
    balances, kept_aside = cash_reports(source, cash, conflicts, gone) if gone else (every, aside)
    if entity is not None:
        check_entity(source, entity, flows, balances["company"])
    reports = conflict_reports(source, conflicts, changes)
    flows, refiled_ids, refiled_notes = refiled(flows, reports, changes)
    known = [*aside, *every["id"].astype("object"), *refiled_ids]
    unknown = [i for i in gone if known_on is not None and i not in source and i in reported]
    known += unknown  # records reported after known_on: nothing to leave out, said
    refiled_notes += [f"{i} left out: not reported by {known_on}" for i in unknown]
    on_record = flows  # (what is spent on record: before the what-ifs)
    unread = reported_later(reported, source)  # (a typo of one is suggested, and said)
    flows, balances, described = apply(changes, flows, balances, known, unread)
    aside = kept_aside
    if entity is not None:
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    if isinstance(as_of, Mapping):
        balances = balances[balances["company"].astype("object").isin(list(as_of)).to_numpy()]
    elif as_of is None:
        if balances.empty:
            raise ValueError(
                "no cash balance"
                + (f" of {entity!r}" if entity is not None else "")
                + (f" reported by {known_on}" if known_on is not None else "")
                + ": a runway starts from one (add a cash_balances record)"
            )
        if not balances["date_end"].notna().any():
            raise ValueError(
                "runway needs as_of when the cash balances have no dates"
                + (f" (no cash balance of {entity!r})" if entity is not None else "")
            )
        as_of = pd.Timestamp(balances["date_end"].max()).date().isoformat()
    as_of_text = "per entity" if isinstance(as_of, Mapping) else str(as_of)
    balances, unrun = with_spending(on_record, balances, burn_after, entity)
    # the balances chosen and the grid: every month after the earliest balance's month,
    # through horizon months past as_of (found as a scenario's builds find them)
    grid = balance_grid(balances, entity, as_of, horizon)
    chosen, entities, end_day = grid.chosen, grid.entities, grid.end_day
    as_of_month, as_of_col = grid.as_of_month, grid.as_of_col  # col -1: as_of a balance's month
    balance_day, balance_month, grid_start = grid.balance_day, grid.balance_month, grid.grid_start
    months, active = grid.months, grid.active

    # what no policy changes: the balances and the spending past the records, at the base
    # figures and at the pessimistic (low) and optimistic (high) ends of every range
    variants = (
        ("base", "signed", "amount_usd"),
        ("low", "signed_low", "amount_low_usd"),
        ("high", "signed_high", "amount_high_usd"),
    )
    looked = flow_lookups(flows, entities)  # each flow's kind, status and entity, once
    spend = spend_flows(flows, entities, looked)
    spends = {"base": spend, **ends_of_spend(spend)}
    layout = rate_layout(spend, entities)  # the three ends share where each row falls
    aheads = extrapolate_each(
        [spends[v] for v, _, _ in variants], entities, months.to_numpy(), active, burn_after, layout
    )
    ahead = aheads[0]
    balance_cash = grid.cash  # (base, low, high: the variants' order)
    kinds = balance_kinds(chosen)
    shared_notes = [
        *(
            f"{who}: conflicting cash reports "
            + (f"set aside ({conflicts} report used): " if conflicts != "all" else _SPANNED)
            + ", ".join(ids)
            for who, ids in sorted(aside_by_entity(source, cash, aside, entities, chosen).items())
        ),
        *described,
        *refiled_notes,
        ahead.sentence,
        *unrun,
    ]
    grossing = (spend, entities, months, active, burn_after, layout)  # for the path's gross
    in_balance = committed_before(flows, entities, balance_day, chosen, looked)  # said only
    bounds, columns = bound_notes(chosen, kinds), grid.columns  # (shared)
    out: dict[str, Runway] = {}
    read = tuple(c for c in _POLICY_READS if c in flows)  # (a flows table may lack currency)
    for policy in policies:
        keep = counted_rows(*looked, policy)  # (counted_flows, the columns read below)
        counted, e_idx = counted_frame(flows, keep, read), looked[3][keep]
        month = counted["month"].to_numpy("datetime64[ns]")
        added = (counted["kind"] == ADJUSTMENT_KIND).to_numpy()
        # moved money dated after the balance counts; adjustments count whenever they are dated
        after = (counted["date"].to_numpy("datetime64[ns]") > balance_day[e_idx]) | added
        in_start = month <= balance_month[e_idx]
        # 1. start: the balance, and what moved after it within its month
        now = after & in_start
        # the cells of the later rows, found once for the three variants' sums
        cells = np.where(after & ~in_start, grid_cells(e_idx, counted["month"], months), -1)
        starts: list[np.ndarray] = []
        nets = np.empty((len(variants), len(entities), len(months)))
        base_signed, alias = counted["signed"].to_numpy(), []  # (variants equal to the base)
        for i, ((_, signed, _), cash_v, ahead_v) in enumerate(
            zip(variants, balance_cash, aheads, strict=True)
        ):
            values = counted[signed].to_numpy()
            same = i and ahead_v is aheads[0] and same_figures(values, base_signed)
            alias.append(bool(same and same_figures(cash_v, balance_cash[0])))
            if alias[-1]:  # exact figures: the base's sums (its nets row unset: not read)
                starts.append(starts[0].copy())
                continue
            start = cash_v.copy()
            np.add.at(start, e_idx[now], values[now])
            recorded = cell_sums(cells, values, (len(entities), len(months)))
            starts.append(start)
            np.add(recorded, ahead_v.net, out=nets[i])
        assumptions = runway_assumptions(as_of, policy, counted, in_balance.sentences(policy))
        assumptions.extend(shared_notes)
        paid, bills = None, None  # policy arrears: what it pays in as_of's month, which bills
        if policy == "arrears":
            paid_now, paid_later, sentences, bills = pay_arrears(
                flows, as_of, entities, balance_month, as_of_month, None if changes else arrears_at
            )
            later = as_of_col >= 0
            # the base figures' bills for the path; each variant pays its own end of them
            paid = (np.flatnonzero(later), as_of_col[later], paid_later[0, later])
            nets[1:][alias[1:]], alias = nets[0], [False] * len(alias)  # each pays its own end
            for start, variant_net, now_v, later_v in zip(
                starts, nets, paid_now, paid_later, strict=True
            ):
                start -= now_v
                variant_net[paid[0], paid[1]] -= later_v[later]
            assumptions.extend(sentences)
        # the path's money in and out (its net's parts), found only when the path is read
        values = counted["signed"].to_numpy()
        gross = functools.partial(gross_flows, cells, values, *grossing, paid)
        assumptions.extend(bounds)

        # 3. the paths and the cash-out points, in months since the grid's start (base, low, high)
        paths = run_variants(starts, nets, active, alias)
        broke = np.stack(starts) < 0  # out of cash at the balance already
        start_pos = (months_between(grid_start, balance_month) + 1).astype(float)
        out_pos = np.where(broke, start_pos, paths.position)
        as_of_pos = as_of_col + fraction_of_month(end_day)
        # each entity's own horizon (as on a grid of its own): not the latest as_of's
        runs_out = (paths.hit & (out_pos < np.maximum(as_of_col + 1, start_pos) + horizon)) | broke
        left = np.where(runs_out, np.maximum(out_pos - as_of_pos, 0.0), np.inf)
        out_day = date_at(grid_start, np.where(runs_out, out_pos, 0.0))
        out_day = np.where(broke, balance_day.astype("datetime64[D]"), out_day)
        out_day = np.where(runs_out, out_day, np.datetime64("NaT")).astype("datetime64[ns]")
        months_left, cash_out = left[0], out_day[0]
        frame = pd.DataFrame(
            {
                **columns,
                "start_cash": starts[0],
                "months": months_left,
                "cash_out": cash_out,
                "months_low": np.minimum(left[1], months_left),
                "months_high": np.maximum(left[2], months_left),
                "cash_out_earliest": np.minimum(out_day[1], cash_out),
                "cash_out_latest": np.where(
                    np.isnat(out_day[2]) | np.isnat(cash_out),
                    np.datetime64("NaT"),
                    np.maximum(out_day[2], cash_out),
                ),
                "last_recorded_month": ahead.last,
                "burn_after": ahead.burn_after,
                "as_of": end_day.astype("datetime64[ns]"),
            }
        )
        own = slice(None) if (after & ~added).all() else after & ~added  # often all: no copy
        used = records_used(
            entities, frame["balance_record"].to_numpy(object), e_idx[own],
            counted["record"][own], spend, layout, ahead, bills,
        )  # fmt: skip
        out[policy] = Runway(
            frame=frame,
            used_records=used.all,
            assumptions=tuple(assumptions),
            params={
                "entity": entity,
                "as_of": as_of_text,
                "policy": policy,
                "known_on": known_on,
                "widths": widths_param(widths),
            },
            path_of=functools.partial(
                path_frame,
                entities,
                months,
                active,
                paths[0],
                nets[0],
                ahead.assumed,
                as_of_col,
                gross,
            ),
            policy=policy,
            as_of=as_of_text,
            used=used,
        )
    return out


def _checked(
    source: Any,
    cash: Any,
    policy: Any,
    horizon: Any,
    burn_after: Any,
    known_on: DateLike | None,
    widths: Widths | None,
) -> tuple[Any, Any]:
    """The arguments :func:`runway` and :func:`runway_inputs` share, checked; the source and
    the cash as known on ``known_on`` at ``widths``."""
    own = source.get("cash_balances") if isinstance(source, Mapping) else None
    cash = own if cash is None and isinstance(own, pd.DataFrame) else cash  # frames' own
    check_cash(cash)
    source = as_known_on(as_widened(source, widths), known_on)
    if known_on is not None and isinstance(cash, pd.DataFrame):
        cash = as_known_on({"cash_balances": cash}, known_on)["cash_balances"]
    if policy not in POLICIES:
        raise ValueError(f"expected a policy among {POLICIES}, got {policy!r}")
    check_horizon(horizon)
    check_burn_after(burn_after)
    return source, cash


def runway_inputs(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    as_of: DateLike | None = None,
    *,
    policy: Policy = "disbursed",
    burn_after: BurnAfter = None,
    adjust: Sequence[Adjustment] = (),
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    horizon: int = HORIZON,
    conflicts: ConflictPolicy = "latest",
    known_on: DateLike | None = None,
    widths: Widths | None = None,
) -> RunwayInputs:
    """What :func:`runway` rolls forward, before it does: each entity's starting cash and its
    counted money month by month, stream by stream, at the base figures and both ends of the
    ranges (a :class:`~aicapex.analysis.runwaykit.RunwayInputs`). Rolled forward by the cash
    engine, the streams' sum gives :func:`runway`'s months; scenarios and simulations
    (:mod:`aicapex.scenarios`) change the streams first. Arguments as for :func:`runway`.
    """
    source, cash = _checked(source, cash, policy, horizon, burn_after, known_on, widths)
    as_of = in_calendar(as_of, source, entity, end=True)  # type: ignore[assignment]
    if as_of is not None:
        day_of(as_of)
    flows = as_flows(source, conflicts)
    balances, aside = cash_reports(source, cash, conflicts)
    if entity is not None:
        check_entity(source, entity, flows, balances["company"])
    reports = conflict_reports(source, conflicts, adjust)
    return inputs_after(
        flows, balances, aside, adjust, entity, as_of, policy, burn_after, horizon, conflicts,
        reports,
    )  # fmt: skip


def inputs_after(
    flows: pd.DataFrame,
    balances: pd.DataFrame,
    aside: Sequence[str],
    adjust: Sequence[Adjustment],
    entity: str | None,
    as_of: DateLike | None,
    policy: str,
    burn_after: BurnAfter,
    horizon: int,
    conflicts: ConflictPolicy = "latest",
    reports: Reports | None = None,
    spending: tuple[pd.DataFrame, tuple[str, ...]] | None = None,
    shared: dict[str, Any] | None = None,
) -> RunwayInputs:
    """:func:`runway_inputs` once its arguments are checked and the cash balances resolved
    (``aside``: those set aside, or spanned with ``conflicts="all"``): the adjustments applied,
    then the inputs collected (scenarios resolve the cash once and come here for each what-if);
    ``reports``: the records in conflict an exclusion leaves out before they are resolved
    (:func:`~aicapex.table.adjust.refiled`); ``spending``: ``with_spending`` of ``flows`` and
    ``balances``, if found (no record refiled); ``shared``: :func:`collect_inputs`' own."""
    flows, refiled_ids, refiled_notes = refiled(flows, reports, adjust)
    balances, unrun = spending or with_spending(flows, balances, burn_after, entity)
    flows, kept, described = apply(list(adjust), flows, balances, [*aside, *refiled_ids])
    told = "conflicting cash report " + ("set aside: " if conflicts != "all" else _SPANNED)
    notes = [*(f"{told}{a}" for a in aside), *described, *refiled_notes, *unrun]
    return collect_inputs(flows, kept, entity, as_of, policy, burn_after, horizon, notes, shared)
