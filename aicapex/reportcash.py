"""The report's cash and runway sections: each company's runway under every policy, from its
own report date (one :func:`~aicapex.analysis.runway.runway` per policy for all companies at
once), and the cash balance the runways start from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from aicapex.analysis.arrears import arrears
from aicapex.analysis.burn import BURN_CATEGORIES, burn
from aicapex.analysis.common import day_of, first_whole_month, fiscal_year_number, month_of
from aicapex.analysis.result import cents as _num
from aicapex.analysis.result import jsonable
from aicapex.analysis.runway import POLICIES, runways
from aicapex.analysis.runwaygrid import ends_of
from aicapex.analysis.runwaykit import balance_kinds, latest_balances
from aicapex.dates import PartialDate, calendar_year, parse_fiscal_year_end
from aicapex.records import Entity
from aicapex.reportdeals import known_by_participations
from aicapex.table.conflicts import resolved

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "BURN_RUN_CELLS",
    "arrears_at",
    "burn_section",
    "cash_section",
    "funding_section",
    "gap_calls",
    "gap_years",
    "in_report_months",
    "known_by_parts",
    "report_gap_years",
    "runway_section",
    "unrated_cash",
    "unrated_flows",
    "written_as",
]


def _months(value: Any) -> float | None:
    """Months rounded to two decimals (``None``: beyond the horizon), as the table shows them."""
    v = jsonable(value)
    return None if v is None else round(float(v), 2)


def _heads(text: str, companies: set[str]) -> list[str]:
    """The companies ``text`` starts with, each followed by ``":"`` (ids may hold ``":"``)."""
    heads = []
    i = text.find(":")
    while i != -1:
        if text[:i] in companies:
            heads.append(text[:i])
        i = text.find(":", i + 1)
    return heads


def unrated_cash(balances: pd.DataFrame, when: Mapping[str, str | None]) -> dict[str, str]:
    """The companies whose runway would start from a cash balance (their last at or before
    their report date ``when``) in a currency without an exchange rate at its date, and why:
    their cash and runway are refused, the rest of their report stands."""
    dated = {c: w for c, w in when.items() if w is not None}
    cash = balances[balances["company"].astype("object").isin(list(dated)).to_numpy()]
    lacking = cash["amount_usd"].isna()
    if not lacking.any():
        return {}
    # the balance each runway starts from, chosen as runway chooses it (without refusing)
    chosen = latest_balances(cash.assign(amount_usd=cash["amount_usd"].fillna(0.0)), dated)
    unrated = chosen[chosen["id"].isin(cash["id"][lacking.to_numpy()]).to_numpy()]
    return {
        str(company): f"its cash balance {row.id} is in {row.amount_currency}, which has no "
        f"exchange rate at its date: add fx_rates records for {row.amount_currency}"
        for company, row in zip(unrated.index, unrated.itertuples(index=False), strict=True)
    }


def gap_years(ledger: Ledger, when: Mapping[str, str | None]) -> dict[str, tuple[str, str]]:
    """Each dated company's year of compute gap: its label and the period to ask
    :func:`~aicapex.analysis.gap.compute_gap` for. The calendar year of its report date
    (``("2024", "2024")``), or, for a company whose fiscal year ends on another day than
    December 31, the fiscal year of its report date's month, named as ``compute_gap`` names it,
    and its months (``("FY2024", "2023-07-01..2024-06-30")`` with a June 30 year end;
    ``("FY2025", "2024-02-01..2025-01-28")`` with a January 28 one: a month belongs to the
    fiscal year its first day falls in)."""
    ends = {
        e.id: parse_fiscal_year_end(e.fiscal_year_end)
        for e in ledger.of_type(Entity)
        if e.fiscal_year_end is not None and e.id in when
    }
    out: dict[str, tuple[str, str]] = {}
    for company, w in when.items():
        if w is None:
            continue
        fye = ends.get(company, (12, 31))
        if fye == (12, 31):
            year = calendar_year(w)
            out[company] = (year, year)
            continue
        # the fiscal year of the report date's month: the year its first day falls in (a year
        # ending January 28 holds January: a report of 2025-01-31 reads FY2025, as
        # compute_gap(freq="FY") splits the months), and that year's months
        last = PartialDate.parse(w).end(fye)
        label = f"FY{fiscal_year_number(last.year, last.month, fye[0]):04d}"
        start, stop = PartialDate.parse(label).span(fye)
        out[company] = (label, f"{first_whole_month(start).isoformat()}..{stop.isoformat()}")
    return out


def report_gap_years(ctx: Any) -> dict[str, tuple[str, str]]:
    """:func:`gap_years` of a report's companies, from their books' dates (``ctx.gap_books``:
    the report date, or the last month of the books when its year has none), once per report."""
    years: dict[str, tuple[str, str]] = ctx.once(
        "gap years", lambda: gap_years(ctx.ledger, ctx.gap_books)
    )
    return years


def gap_calls(
    years: Mapping[str, tuple[str, str]],
) -> list[tuple[str | None, dict[str, list[str]]]]:
    """The calls of :func:`~aicapex.analysis.gap.compute_gap` that give each company its year
    of :func:`gap_years`: ``(None, {year: companies})``, one call by calendar year
    (``freq="Y"``) for all, then ``(days, {label: companies})``, one per fiscal year's days."""
    yearly: dict[str, list[str]] = {}
    fiscal: dict[tuple[str, str], list[str]] = {}
    for c, (label, days) in years.items():
        if label == days:
            yearly.setdefault(label, []).append(c)
        else:
            fiscal.setdefault((days, label), []).append(c)
    calls: list[tuple[str | None, dict[str, list[str]]]] = [(None, yearly)] if yearly else []
    return calls + [(days, {label: c}) for (days, label), c in fiscal.items()]


def fiscal_gap_spans(ledger: Ledger, when: Mapping[str, str | None]) -> dict[str, tuple[str, str]]:
    """The first and last day (ISO) of each company's year of compute gap that is a fiscal year
    (:func:`gap_years`: a year end other than December 31); calendar years are left out."""
    spans: dict[str, tuple[str, str]] = {}
    for company, (_, days) in gap_years(ledger, when).items():
        if ".." in days:  # a fiscal year: "2023-07-01..2024-06-30"
            first, last = days.split("..")
            spans[company] = (first, last)
    return spans


def in_report_months(
    flows: pd.DataFrame, when: Mapping[str, str | None], span: str, ledger: Ledger | None = None
) -> np.ndarray:
    """Which ``flows`` (a boolean array) fall in the months their company's report section
    reads: ``span`` ``"year"`` the calendar year of its report date ``when``, ``"gap year"``
    its year of compute gap (:func:`gap_years`: its fiscal year with one that ends on another
    day than December 31, read from ``ledger``), ``"to date"`` the days up to its end.
    Companies without a report date: none."""
    entity = flows["entity"].astype("object")
    if span == "gap year" and ledger is not None:
        bounds = fiscal_gap_spans(ledger, when)
        firsts = entity.map({c: month_of(a) for c, (a, _) in bounds.items()})
        lasts = entity.map({c: month_of(b, end=True) for c, (_, b) in bounds.items()})
        months = flows["month"].to_numpy("datetime64[ns]")
        fiscal: np.ndarray = (months >= firsts.to_numpy("datetime64[ns]")) & (
            months <= lasts.to_numpy("datetime64[ns]")
        )
        calendar = in_report_months(flows, {c: when[c] for c in when if c not in bounds}, "year")
        either: np.ndarray = fiscal | calendar
        return either
    if span in ("year", "gap year"):
        years = {c: int(calendar_year(w)) for c, w in when.items() if w is not None}
        wanted = entity.map(years).fillna(-1).to_numpy("int64")
        same: np.ndarray = flows["month"].dt.year.to_numpy() == wanted
        return same
    if span != "to date":
        raise ValueError(f"expected a span 'year', 'gap year' or 'to date', got {span!r}")
    ends = {c: day_of(w, end=True) for c, w in when.items() if w is not None}
    end = entity.map(ends).to_numpy("datetime64[ns]")
    by_then: np.ndarray = flows["date"].to_numpy("datetime64[ns]") <= end
    return by_then


def _months_of(months: pd.Series) -> str:
    """The months of ``months``: ``2023-09``, ``2023-07 to 2023-12``, or with gaps ``3 months
    from 2023-01 to 2023-12``."""
    seen = sorted({str(m) for m in months.dt.strftime("%Y-%m")})
    if len(seen) == 1:
        return seen[0]
    first, last = pd.Period(seen[0], "M"), pd.Period(seen[-1], "M")
    span = (last - first).n + 1
    gaps = "" if span == len(seen) else f"{len(seen)} months from "
    return f"{gaps}{seen[0]} to {seen[-1]}"


def unrated_flows(lost: pd.DataFrame, *, every_month: bool = False) -> dict[str, str]:
    """By company, why its flows ``lost`` (amounts without an exchange rate at their date)
    refuse a section: how many, their currencies, and each record with the months lacking a
    rate (``euro-payroll in 2023-07 to 2023-12``). ``every_month``: the section reads every
    month (the runway), said in the reason."""
    out: dict[str, str] = {}
    if lost.empty:  # (most often: no grouping of no rows, 0.4 ms each section)
        return out
    for company, rows in lost.groupby(lost["entity"].astype("object"), sort=True):
        currencies = ", ".join(sorted({str(c) for c in rows["currency"].dropna()}))
        by_record = rows.groupby(rows["record"].astype("object"), sort=True)["month"]
        records = [f"{r} in {_months_of(m)}" for r, m in by_record]
        shown = ", ".join(records[:3]) + (
            f" and {len(records) - 3} more" if len(records) > 3 else ""
        )
        reads = "; the runway counts every month of its flows" if every_month else ""
        out[str(company)] = (
            f"{len(rows)} flow{'s' if len(rows) > 1 else ''} in "
            f"{currencies or 'an unknown currency'} {'have' if len(rows) > 1 else 'has'} no "
            f"exchange rate at {'their' if len(rows) > 1 else 'its'} date ({shown}{reads}): add "
            f"fx_rates records for {'them' if len(rows) > 1 else 'it'}"
        )
    return out


def arrears_at(ctx: Any, flows: pd.DataFrame, dated: Mapping[str, str]) -> pd.DataFrame:
    """The bills of ``flows`` unpaid at each company's date (``arrears(flows, as_of=dated)``'s
    frame), found once per report for the same flows and dates: the arrears section and the
    runway's policy ``arrears`` read them (both the report's flows, when all have rates)."""
    key = f"arrears at {id(flows)} {sorted(dated.items())!r}"
    # (the flows kept with their bills: no other frame takes their id while the report runs)
    kept: tuple[pd.DataFrame, pd.DataFrame] = ctx.once(
        key, lambda: (flows, arrears(flows, as_of=dated).frame)
    )
    return kept[1]


def _runways(ctx: Any) -> dict[str, dict[str, Any]]:
    """Every company's runway under each policy, each from its own report date: the three
    policies for all companies at once (:func:`~aicapex.analysis.runway.runways`)."""
    dated = {c: w for c, w in ctx.when.items() if w is not None and c not in ctx.unpriced}
    cash = ctx.balances[ctx.balances["company"].astype("object").isin(list(dated)).to_numpy()]
    out: dict[str, dict[str, Any]] = {}
    if cash.empty:
        return out
    owed = arrears_at(ctx, ctx.priced, dated)
    every = runways(ctx.priced, as_of=dated, policies=POLICIES, cash=cash, arrears_at=owed)  # type: ignore[arg-type]
    for policy, r in every.items():
        companies = set(r.frame["entity"].astype("object"))
        # an entity's own assumptions start "<entity>:" (ids may hold ":")
        general: list[str] = []
        owned: dict[str, list[str]] = {}
        for a in r.assumptions:
            heads = _heads(a, companies)
            for head in heads:
                owned.setdefault(head, []).append(a)
            if not heads:
                general.append(a)
        by_entity = r.records_by_entity()
        for row in r.rows():
            c = str(row["entity"])
            own = owned.get(c, [])
            out.setdefault(c, {})[policy] = {
                "months": row["months"],
                "months_low": _months(row["months_low"]),
                "months_high": _months(row["months_high"]),
                "runs_out": row["runs_out"],
                "cash_out": row["cash_out"],
                "cash_out_earliest": row["cash_out_earliest"],
                "cash_out_latest": row["cash_out_latest"],
                "bound": row["bound"],
                "balance": _num(row["balance_usd"]),
                "balance_date": row["balance_date"],
                "balance_record": row["balance_record"],
                "start_cash": _num(row["start_cash"]),
                "burn_after": _num(row["burn_after"]),
                "assumptions": [a.replace("each entity's date", dated[c]) for a in general] + own,
                "records": by_entity[c],
            }
    return out


def cash_section(ctx: Any) -> dict[str, Any]:
    """The cash balance each runway starts from: US dollars, and the figure as written. A
    company without a runway (refused for flows without an exchange rate, say) has its
    balance all the same, chosen as the runway chooses it, when that balance has a rate.
    Computed once per report (the runway's reason reads it too)."""
    cash: dict[str, Any] = ctx.once("cash", lambda: _cash_section(ctx))
    return cash


def _cash_section(ctx: Any) -> dict[str, Any]:
    out = {}
    for c, policies in runway_section(ctx).items():
        r = policies.get("disbursed")
        if r:
            out[c] = _cash(ctx.ledger, r["balance"], r["bound"], r["balance_date"], r)
    unrated = unrated_cash(ctx.balances, ctx.when)
    dated = {c: w for c, w in ctx.when.items() if w is not None and c not in out}
    dated = {c: w for c, w in dated.items() if c not in unrated}
    cash = ctx.balances[ctx.balances["company"].astype("object").isin(list(dated)).to_numpy()]
    if cash.empty:
        return out
    chosen = latest_balances(cash, dated)
    kinds = balance_kinds(chosen).astype("object")
    for c, row, kind in zip(chosen.index, chosen.itertuples(index=False), kinds, strict=True):
        record = {"balance_record": str(row.id)}
        out[str(c)] = _cash(ctx.ledger, _num(row.amount_usd), kind, jsonable(row.date_end), record)
    return out


def _cash(ledger: Ledger, usd: Any, bound: Any, date: Any, r: dict[str, Any]) -> dict[str, Any]:
    written, currency = written_as(ledger, r["balance_record"], "amount")
    return {
        "amount": usd,
        "written": written,
        "currency": currency,
        "bound": bound,
        "date": date,
        "record": r["balance_record"],
    }


def written_as(ledger: Ledger, record_id: str | None, name: str) -> tuple[str | None, str | None]:
    """The money field ``name`` of a record as written (``"less than $4M"``) and its currency
    (``None``, ``None`` for no such record or field)."""
    record = ledger.get(record_id) if record_id else None
    value = getattr(record, name, None)
    if value is None:
        return None, None
    return str(value), str(value.currency)


def runway_section(ctx: Any) -> dict[str, dict[str, Any]]:
    """The runways, computed once per report (the cash section reads them too)."""
    runways: dict[str, dict[str, Any]] = ctx.once("runways", lambda: _runways(ctx))
    return runways


#: Tranche statuses that move no money (their part of the round is accounted for, not paid).
_ENDED = ("cancelled", "failed")


def _tranched(ledger: Ledger) -> dict[str, tuple[float, float]]:
    """Each round's tranches in US dollars at their own dates (as the flows price them; NaN
    when one has no rate): those not cancelled or failed, and all of them (rounds with
    tranches only)."""
    tranches = ledger.frame("tranches")
    rounds = tranches["round"].to_numpy(object)
    usd = tranches["amount_usd"].to_numpy("float64")
    live = ~tranches["status"].astype("object").isin(_ENDED).to_numpy()
    frame = pd.DataFrame({"live": np.where(live, usd, 0.0), "every": usd}, index=rounds)
    sums = frame.groupby(level=0, sort=False).sum(min_count=1)
    # a tranche without a rate leaves its sums unknown (NaN), not short of it (the rounds of
    # such tranches found by hand: not a grouping of the frame's gaps and a where)
    lacking = np.isnan(usd)
    unknown_live, unknown_every = set(rounds[lacking & live]), set(rounds[lacking])
    return {
        str(r): (
            np.nan if r in unknown_live else float(a),
            np.nan if r in unknown_every else float(b),
        )
        for r, a, b in zip(sums.index, sums["live"], sums["every"], strict=True)
    }


def known_by_parts(ledger: Ledger) -> dict[str, tuple[float, str, str | None, str]]:
    """Rounds without an amount whose participations or tranches give one, as the flows count
    them: their tranches not cancelled or failed, plus what their participations' sum leaves
    beyond all their tranches (:mod:`aicapex.table.funding`). Each: US dollars (NaN without a
    rate), the amounts as written joined by `` + ``, their currency (``None`` when several)
    and where the amount comes from (``participations`` or ``tranches``)."""
    out = {r: (*v, "participations") for r, v in known_by_participations(ledger).items()}
    for rid, (live, every) in _tranched(ledger).items():
        record = ledger.get(rid)
        if getattr(record, "amount", None) is not None:
            continue
        given = out.get(rid)
        beyond = given[0] - every if given is not None else 0.0
        if given is not None and not beyond <= 0.005:  # NaN: unknown, not the tranches'
            out[rid] = (live + beyond, given[1], given[2], "participations")
            continue
        parts = [t.amount for t in getattr(record, "tranches", ()) if t.status not in _ENDED]
        if parts:
            currencies = {str(money.currency) for money in parts}
            one = currencies.pop() if len(currencies) == 1 else None
            out[rid] = (live, " + ".join(str(money) for money in parts), one, "tranches")
        elif given is not None:  # every tranche cancelled: the flows move nothing
            out[rid] = (0.0, given[1], given[2], "participations")
    return out


def funding_section(ctx: Any) -> dict[str, Any]:
    """Each company's rounds (conflicting reports resolved as the flows resolve them): a row per
    round with its amount in US dollars and as written, and the totals in US dollars by status
    (rounds without an amount or a rate at their date are listed with ``"amount": null``, out
    of the totals). A round without an amount counts, as the flows do, its tranches not
    cancelled or failed and what its participations' amounts leave beyond them
    (:func:`known_by_parts`): ``"amount_from"`` says what it is written as (``round``,
    ``participations``, ``tranches``). ``"bound"``: the kind of figure (``exact``,
    ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``: "up to $100B", none of which
    may come); ``"tranched"``: the round's tranches not cancelled or failed, in US dollars
    (``null`` without any): of a ceiling, the part the flows move (the rest is conditional).
    Rounds dated after a company's report date are left out (as of 2023-09, a round of
    2023-10 was not raised yet)."""
    rounds, _ = resolved(ctx.ledger, "funding_rounds")  # (kept with the ledger: the flows')
    out: dict[str, Any] = {}
    ends = {c: day_of(w, end=True) for c, w in ctx.when.items() if w is not None}
    until = ends_of(rounds["company"], ends)  # (rounds["company"] mapped to ends)
    start_day = rounds["date_start"].to_numpy("datetime64[ns]")
    rounds = rounds[np.isnat(until) | np.isnat(start_day) | (start_day <= until)]
    rounds = rounds.sort_values(["date_start", "id"], kind="stable")
    columns = ["id", "company", "status", "date_start", "amount_usd"]
    known = known_by_parts(ctx.ledger)
    tranched = _tranched(ctx.ledger)
    for rid, company, status, start, usd in rounds[columns].itertuples(index=False):
        mine = out.setdefault(str(company), {"by_status": {}, "rounds": []})
        usd, written, currency, origin = known.get(rid) or (
            usd,
            *written_as(ctx.ledger, rid, "amount"),
            "round",
        )
        value = getattr(record := ctx.ledger.get(str(rid)), "amount", None)
        amount = _num(usd) if written is not None else None
        mine["rounds"].append(
            {
                "id": str(rid),
                "status": str(status),
                "date": str(getattr(record, "date", "")) or jsonable(start),
                "amount": amount,
                "written": written,
                "currency": currency,
                "bound": value.kind if value is not None else None,
                "amount_from": origin if written is not None else None,
                "tranched": _num(tranched[rid][0]) if rid in tranched else None,
            }
        )
        if amount is not None:
            totals = mine["by_status"]
            totals[str(status)] = _num(totals.get(str(status), 0.0) + amount)
    for mine in out.values():
        mine["by_status"] = dict(sorted(mine["by_status"].items()))
    return out


#: The most cells (companies x months) one :func:`burn` of a run of years computes before the
#: run is split into its years: each company reads only its own year, so a run of 8 years
#: over 58,000 companies computed 8 times the cells it read (5.1M rows, 5 s of the 100 MB
#: ledger's report).
BURN_RUN_CELLS = 200_000


def _burn_runs(flows: pd.DataFrame, by_year: dict[str, list[str]]) -> list[pd.DataFrame]:
    """The monthly burn of each company over its own year, one :func:`burn` per run of
    consecutive years (a run whose grid would pass :data:`BURN_RUN_CELLS` cells: one per year),
    each over its companies' rows of their own year (a month's figures depend only on its own
    rows; the trailing means, which depend on the range, are not read)."""
    year_of = {c: int(y) for y, companies in by_year.items() for c in companies}
    codes, names = pd.factorize(flows["entity"])
    wanted = np.array([year_of.get(str(n), -1) for n in names] + [-1], dtype=np.int64)[codes]
    month_year = flows["month"].dt.year.to_numpy()
    mine = wanted == month_year  # (-1 for a company without a year, or no entity: none)
    own, row_year = flows[mine], month_year[mine]
    runs: list[list[str]] = []
    for year in sorted(by_year):
        last = runs[-1][-1] if runs else ""
        if last and int(year) == int(last) + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    pieces: list[list[str]] = []
    for run in runs:
        cells = sum(len(by_year[y]) for y in run) * 12 * len(run)
        pieces.extend([[y] for y in run] if cells > BURN_RUN_CELLS else [run])
    out = []
    for piece in pieces:
        lo, hi = int(piece[0]), int(piece[-1])
        rows = own[(row_year >= lo) & (row_year <= hi)] if len(pieces) > 1 else own
        out.append(burn(rows, None, f"{lo}-01", f"{hi}-12").frame)
    return out


def burn_section(ctx: Any) -> dict[str, Any]:
    """Mean monthly burn over the months of the year with recorded expenses or revenues (months
    with nothing recorded are unknown, not zero): each company's rows of its own report year
    (:meth:`~aicapex.report.Context.years`), grouped once per run of years."""
    out: dict[str, Any] = {}
    values = ["gross_burn", "revenue", "net_burn", "net_burn_low", "net_burn_high"]
    values += list(BURN_CATEGORIES)
    for b in _burn_runs(ctx.priced_in("burn"), ctx.years()):
        for c, row, (first, last, count) in _burn_means(b, values):
            mean = dict(zip(values, row, strict=True))
            out[str(c)] = {
                "from": first,
                "to": last,
                "months": int(count),
                "monthly_gross": _num(mean["gross_burn"]),
                "monthly_revenue": _num(mean["revenue"]),
                "monthly_net": _num(mean["net_burn"]),
                "monthly_net_low": _num(mean["net_burn_low"]),
                "monthly_net_high": _num(mean["net_burn_high"]),
                "by_category": {k: _num(mean[k]) for k in BURN_CATEGORIES},
            }
    return out


def _burn_means(
    burnt: pd.DataFrame, values: list[str]
) -> list[tuple[str, list[float], tuple[str, str, int]]]:
    """Each company's mean of ``values`` over the months of ``burnt`` (a burn's frame) with
    expenses or revenues recorded, and its first and last such month and how many, companies
    sorted. The means are pandas' (its summation) over a frame of these columns alone, grouped
    by an array (no frame of every column taken, no Series key); the months by hand (the burn
    section 8.0 ms, now 6.3)."""
    recorded = ((burnt["gross_burn"] != 0) | (burnt["revenue"] != 0)).to_numpy()
    entity = burnt["entity"].to_numpy(object)[recorded]
    figures = pd.DataFrame({v: burnt[v].to_numpy()[recorded] for v in values})
    means = figures.groupby(entity, sort=True).mean()
    spans = _spans(entity, burnt, recorded)
    return list(zip(means.index.tolist(), means.to_numpy().tolist(), spans, strict=True))


def _spans(
    entity: np.ndarray, burnt: pd.DataFrame, recorded: np.ndarray
) -> list[tuple[str, str, int]]:
    """Each company's first and last month recorded (``YYYY-MM``) and how many, in the order
    a sorted grouping of ``entity`` gives them (``groupby(...)["month"].agg(["min", "max",
    "size"])`` of ``burnt``'s recorded rows: a burn's months are never missing)."""
    month = burnt["month"].to_numpy("datetime64[ns]")[recorded].astype("datetime64[M]")
    codes, names = pd.factorize(entity, sort=True)
    out = []
    for g in range(len(names)):
        mine = month[codes == g]
        out.append((str(mine.min()), str(mine.max()), len(mine)))
    return out
