"""Runway: from the last cash balance, how many months until the cash runs out, and when.

The computation, for every entity at once (vectorised over an entities x months grid):

1. **Start**: the last cash balance at or before ``as_of`` (its span's last day: "October 2023"
   means October 31). Conflicting balances follow ``conflicts`` (default: the latest reported;
   the records set aside are named). A bound ("less than $4M") is used as the figure and the
   result says so: the runway is then itself a bound.
2. **Policy** decides which money counts besides expenses and revenues:
   ``"disbursed"`` (default): only funding actually received, on its dates;
   ``"committed"``: committed but undisbursed tranches also arrive on their dates;
   ``"arrears"``: as ``"disbursed"``, and every bill unpaid at ``as_of`` is paid then.
3. **Month by month from the balance** (so an ``as_of`` later than the balance rolls the cash
   forward): recorded monthly net flows (expenses, revenues and funding as above; ``planned``
   figures are left out). Past the last month with recorded expenses or revenues, the net burn
   continues at ``burn_after`` US dollars a month: by default the mean net burn of the 12 months
   up to that month (counting only months since the entity's first record).
4. **Cash-out**: the first month the cash goes below zero, at the part of it the remaining cash
   lasts at that month's burn: ``cash_out`` is that day and ``months`` the months from the end of
   ``as_of`` to it (0 if it came before ``as_of``).

Scenarios: ``exclude`` leaves records out (by id), and ``extra_flows`` adds movements
(``[("2023-10", 20e6, "Intel's tranche received")]``; USD, positive in, negative out) on their
month, those in or before the balance's month to the starting cash. Together they move a record:
``exclude=["stability-2023-intel"], extra_flows=[("2023-10", 20e6, "Intel's tranche in October")]``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from aicapex.analysis.burn import burn_flows, monthly_matrix, positions
from aicapex.analysis.flows import ConflictPolicy, as_flows, day_of, month_of, require_usd
from aicapex.conflicts import resolve as resolve_conflicts
from aicapex.errors import suggest

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["POLICIES", "Policy", "Runway", "runway"]

Policy = Literal["disbursed", "committed", "arrears"]
POLICIES: tuple[str, ...] = ("disbursed", "committed", "arrears")

ExtraFlow = tuple[object, float, str]


@dataclass(frozen=True)
class Runway:
    """The result of :func:`runway`.

    Attributes:
        table: one row per entity: ``entity``, ``balance_record``, ``balance_date``,
            ``balance_usd``, ``bound`` (exact/upper/lower), ``start_cash`` (USD at the end of
            the balance's month), ``months`` (after ``as_of``; float; 0 when the cash ran out
            before it; inf when it lasts past the horizon), ``cash_out`` (the day; NaT if
            never), ``last_recorded_month``, ``burn_after`` (USD a
            month assumed past it).
        path: the month-by-month path of every entity: ``entity``, ``month``, ``opening``,
            ``inflows``, ``outflows``, ``net``, ``closing`` (USD), ``basis`` (recorded/assumed),
            ``after_as_of``; from the month after each balance, so the roll-forward shows.
        assumptions: every assumption used, as sentences.
        records: ids of the records the result used (balances and flows), sorted; computed on
            first access (see also :meth:`records_of`).
        policy, as_of: as asked.
    """

    table: pd.DataFrame
    path: pd.DataFrame
    assumptions: tuple[str, ...]
    _used: _RecordsUsed = field(repr=False, compare=False)
    policy: str
    as_of: str
    _entity: str | None = field(default=None, repr=False)

    @functools.cached_property
    def records(self) -> tuple[str, ...]:
        """Ids of the records the result used (balances and flows), sorted."""
        balances = self.table["balance_record"].astype("object")
        return tuple(sorted(set(balances) | set(self._used.records())))

    def records_of(self, entity: str) -> list[str]:
        """Ids of the records used for ``entity``, sorted: its cash balance and the records of
        its counted flows after the balance date."""
        rows = np.flatnonzero((self.table["entity"] == entity).to_numpy())
        if not len(rows):
            raise ValueError(f"this runway has no entity {entity!r}")
        balance = str(self.table["balance_record"].iloc[rows[0]])
        return sorted({balance} | set(self._used.records(rows[0])))

    def _one(self) -> pd.Series:
        if len(self.table) != 1:
            raise ValueError(
                f"this runway covers {len(self.table)} entities: use .table, or runway(..., entity)"
            )
        return self.table.iloc[0]

    @property
    def months(self) -> float:
        """Months of cash left after ``as_of`` (fractional; ``inf`` past the horizon)."""
        return float(self._one()["months"])

    @property
    def cash_out(self) -> pd.Timestamp | None:
        """The date the cash runs out (``None`` if not within the horizon)."""
        value = self._one()["cash_out"]
        return None if pd.isna(value) else pd.Timestamp(value)

    @property
    def bound(self) -> str:
        """``exact``, or ``upper``/``lower`` when the starting cash (so the runway) is a bound."""
        return str(self._one()["bound"])

    def explain(self, entity: str | None = None) -> pd.DataFrame:
        """The month-by-month path (of ``entity``, or of the only one), with the assumptions in
        ``.attrs["assumptions"]`` and the records used for that entity in ``.attrs["records"]``
        (see :meth:`records_of`)."""
        if entity is None:
            entity = str(self._one()["entity"])
        out = self.path[(self.path["entity"] == entity).to_numpy()].reset_index(drop=True)
        out.attrs["assumptions"] = list(self.assumptions)
        out.attrs["records"] = self.records_of(entity)
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary with stable keys: ``as_of``, ``policy``, ``entities`` (one dict
        per entity: the columns of ``table``), ``assumptions``, ``records``."""
        rows = []
        for row in self.table.to_dict("records"):
            rows.append({k: _jsonable(v) for k, v in row.items()})
        return {
            "as_of": self.as_of,
            "policy": self.policy,
            "entities": rows,
            "assumptions": list(self.assumptions),
            "records": list(self.records),
        }


@dataclass(frozen=True)
class _RecordsUsed:
    """The records of the flows a runway counted after each entity's balance, kept as codes
    (one row per flow) so that the ids are only listed when asked for."""

    entity: np.ndarray  # position of each flow's entity in the runway's table
    code: np.ndarray  # position of each flow's record in ``ids``
    ids: pd.Index  # the distinct record ids

    @classmethod
    def of(cls, entity: np.ndarray, record: pd.Series) -> _RecordsUsed:
        """From each counted flow's entity position and its ``record`` column."""
        code, ids = pd.factorize(record)
        return cls(np.asarray(entity), np.asarray(code), pd.Index(ids))

    def records(self, entity: int | None = None) -> list[str]:
        """Distinct ids of the records used (for the entity at position ``entity``, or all)."""
        codes = self.code if entity is None else self.code[self.entity == entity]
        return [str(r) for r in self.ids[np.unique(codes[codes >= 0])]]


def _jsonable(value: Any) -> Any:
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()
    if isinstance(value, float | np.floating):
        v = float(value)
        return None if math.isnan(v) else ("inf" if math.isinf(v) else v)
    if value is None or value is pd.NaT:
        return None
    return value if isinstance(value, str | int | bool) else str(value)


def _balances(
    source: Any, cash: pd.DataFrame | Mapping[str, float] | None, conflicts: ConflictPolicy
) -> tuple[pd.DataFrame, list[str]]:
    from aicapex.ledger import Ledger

    if cash is None:
        if not isinstance(source, Ledger):
            raise ValueError(
                "runway needs cash balances: pass cash=ledger.frame('cash_balances') "
                "or cash={'entity-id': dollars} with a flows table"
            )
        cash = source.frame("cash_balances")
    if isinstance(cash, Mapping):
        given = pd.DataFrame(
            {
                "id": [f"cash:{k}" for k in cash],
                "company": list(cash),
                "date_end": pd.NaT,
                "amount_usd": [float(v) for v in cash.values()],
                "bound": "exact",
                "reported_start": pd.NaT,
            }
        )
        return given, []
    return resolve_conflicts(cash, "cash_balances", conflicts)


def runway(
    source: Ledger | pd.DataFrame | Mapping[str, pd.DataFrame],
    entity: str | None = None,
    as_of: object = None,
    *,
    policy: Policy = "disbursed",
    burn_after: float | None = None,
    extra_flows: Iterable[ExtraFlow] = (),
    exclude: Iterable[str] = (),
    cash: pd.DataFrame | Mapping[str, float] | None = None,
    horizon: int = 240,
    conflicts: ConflictPolicy = "latest",
) -> Runway:
    """Months of cash left after ``as_of`` and the cash-out date, for ``entity`` or every entity
    with a cash balance (see the module docs for the method). ``as_of`` is a partial date
    (``"2023-10"``); ``None`` means the date of the latest cash balance. ``horizon`` is how many
    months after ``as_of`` are simulated.

    >>> import aicapex as ac
    >>> r = ac.runway(ac.load(ac.bundled_data()), "stability-ai", as_of="2023-10")
    >>> round(r.months, 2)
    0.34
    """
    if policy not in POLICIES:
        raise ValueError(f"expected a policy among {POLICIES}, got {policy!r}")
    if horizon < 1:
        raise ValueError(f"expected a horizon of at least 1 month, got {horizon!r}")
    flows = as_flows(source, conflicts)
    balances, aside = _balances(source, cash, conflicts)
    excluded = sorted(set(exclude))
    if excluded:
        flows = flows[~flows["record"].astype("object").isin(excluded).to_numpy()]
        balances = balances[~balances["id"].astype("object").isin(excluded).to_numpy()]
    extras = [(month_of(d), float(a), str(label)) for d, a, label in extra_flows]
    if entity is None and extras:
        raise ValueError("extra_flows apply to one entity: pass entity=")
    if entity is not None:
        _check_entity(source, entity, balances, flows)
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    if as_of is None:
        if not balances["date_end"].notna().any():
            raise ValueError(
                "runway needs as_of when the cash balances have no dates"
                + (f" (no cash balance of {entity!r})" if entity is not None else "")
            )
        as_of = pd.Timestamp(balances["date_end"].max()).date().isoformat()
    as_of_text = str(as_of)
    end_day = day_of(as_of, end=True)
    as_of_month = month_of(as_of, end=True)
    known = balances[(balances["date_end"].isna() | (balances["date_end"] <= end_day)).to_numpy()]
    known = known.sort_values(["date_end", "reported_start"], na_position="first", kind="stable")
    chosen = known.groupby(known["company"].astype("object"), sort=True).tail(1)
    if entity is not None and chosen.empty:
        raise ValueError(f"no cash balance of {entity!r} at or before {as_of_text}")
    chosen = chosen.set_index(chosen["company"].astype("object"))
    no_rate = chosen["amount_usd"].isna().to_numpy()
    if no_rate.any():
        raise ValueError(
            "runway needs US-dollar cash balances, but "
            f"{', '.join(chosen['id'].astype('object')[no_rate])} have no exchange rate at their "
            "date: add fx_rates records for them"
        )
    entities = pd.Index(chosen.index, dtype="object")
    balance_day = chosen["date_end"].fillna(pd.Timestamp(end_day)).to_numpy("datetime64[ns]")
    balance_month = balance_day.astype("datetime64[M]").astype("datetime64[ns]")

    counted = _counted(flows, policy, entities)
    e_idx = positions(counted["entity"], entities)
    when = counted["date"].to_numpy("datetime64[ns]")
    after = when > balance_day[e_idx]
    in_balance_month = counted["month"].to_numpy("datetime64[ns]") == balance_month[e_idx]

    # the grid: every month after the earliest balance's month, through horizon months past as_of
    first_month = balance_month.min() if len(entities) else as_of_month
    grid_start = (first_month.astype("datetime64[M]") + 1).astype("datetime64[ns]")
    as_of_col = _months_between(grid_start, as_of_month)  # -1 when as_of is a balance's month
    months = pd.date_range(grid_start, periods=max(as_of_col + 1, 0) + horizon, freq="MS")
    active = months.to_numpy()[None, :] > balance_month[:, None]  # after each entity's balance

    # 1. start: the balance, and what moved after it within its month
    start_cash = chosen["amount_usd"].to_numpy("float64").copy()
    now = after & in_balance_month
    np.add.at(start_cash, e_idx[now], counted["signed"].to_numpy()[now])
    later = counted[after & ~in_balance_month]
    recorded = monthly_matrix(later, entities, months)

    assumptions = [
        f"cash at the start: the last cash balance at or before {as_of_text}, rolled forward "
        "month by month from its date",
        f"policy {policy!r}: expenses and revenues (not planned ones) and "
        + (
            "disbursed and committed funding on their dates"
            if policy == "committed"
            else "funding actually disbursed, on its dates"
        ),
        "money in dated only to a span arrives at its last day, money out leaves at its first",
    ]
    if aside:
        assumptions.append(
            f"conflicting cash reports set aside ({conflicts} report used): {', '.join(aside)}"
        )
    if excluded:
        assumptions.append(f"records left out: {', '.join(excluded)}")

    # 2. past the last recorded month, the burn goes on
    spend = burn_flows(flows)
    spend = spend[positions(spend["entity"], entities) >= 0]
    last_m = _last_month(spend, entities)
    if burn_after is None:
        burn_after_v = _trailing_net(spend, entities, last_m)
        assumptions.append(
            "past the last recorded month, net burn continues at the trailing 12-month mean "
            "(over the months the entity has records)"
        )
    else:
        burn_after_v = np.full(len(entities), float(burn_after))
        assumptions.append(
            f"past the last recorded month, net burn is {burn_after:,.0f} USD a month"
        )
    assumed = active & ((months.to_numpy()[None, :] > last_m[:, None]) | np.isnat(last_m)[:, None])
    net = recorded - np.where(assumed, burn_after_v[:, None], 0.0)

    for d, a, label in extras:
        if d <= balance_month[0]:
            start_cash += a
        else:
            net[:, _months_between(grid_start, d)] += a
        assumptions.append(f"extra flow {label!r}: {a:,.0f} USD in {str(d)[:7]}")
    if policy == "arrears":
        from aicapex.analysis.arrears import arrears

        owed_table = arrears(flows, as_of=as_of)
        owed = owed_table.groupby("payer", observed=True)["outstanding_usd"].sum()
        owed_v = owed.reindex(entities).fillna(0.0).to_numpy()
        due_now = as_of_month > balance_month
        start_cash -= np.where(due_now, 0.0, owed_v)
        if as_of_col >= 0:
            net[:, as_of_col] -= np.where(due_now, owed_v, 0.0)
        bills = ", ".join(owed_table["records"]) or "none"
        assumptions.append(
            f"policy 'arrears': bills unpaid at {as_of_text} are paid at once ({bills})"
        )
    for row in chosen.itertuples():
        if row.bound != "exact":
            word = "at most" if row.bound == "upper" else "at least"
            assumptions.append(
                f"{row.company}: the starting cash is a bound ({word} {row.amount_usd:,.0f} USD, "
                f"{row.id}), so the runway is {word} the figure given"
            )

    # 3. the path and the cash-out point, in months since the grid's start
    closing = start_cash[:, None] + np.cumsum(net, axis=1)
    opening = np.concatenate([start_cash[:, None], closing[:, :-1]], axis=1)
    below = (closing < 0) & active
    hit = below.any(axis=1)
    first = np.where(hit, below.argmax(axis=1), 0)
    rows = np.arange(len(entities))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.nan_to_num(np.clip(opening[rows, first] / -net[rows, first], 0.0, 1.0))
    broke = start_cash < 0  # out of cash at the balance already
    start_pos = np.array([_months_between(grid_start, m) + 1 for m in balance_month], dtype=float)
    out_pos = np.where(broke, start_pos, first + frac)
    as_of_pos = as_of_col + _fraction_of_month(end_day)
    months_left = np.where(hit | broke, np.maximum(out_pos - as_of_pos, 0.0), np.inf)
    cash_out = _date_at(grid_start, out_pos)
    cash_out = np.where(broke, balance_day.astype("datetime64[D]"), cash_out)
    cash_out = np.where(hit | broke, cash_out, np.datetime64("NaT"))

    table = pd.DataFrame(
        {
            "entity": entities.to_numpy(),
            "balance_record": chosen["id"].astype("object").to_numpy(),
            "balance_date": chosen["date_end"].to_numpy("datetime64[ns]"),
            "balance_usd": chosen["amount_usd"].to_numpy("float64"),
            "bound": chosen["bound"].astype("object").to_numpy(),
            "start_cash": start_cash,
            "months": months_left,
            "cash_out": cash_out.astype("datetime64[ns]"),
            "last_recorded_month": last_m,
            "burn_after": burn_after_v,
        }
    )
    path = _path(entities, months, active, hit, first, opening, net, closing, assumed, as_of_col)
    used = _RecordsUsed.of(e_idx[after], counted["record"][after])
    return Runway(table, path, tuple(assumptions), used, policy, as_of_text, entity)


def _check_entity(source: Any, entity: str, balances: pd.DataFrame, flows: pd.DataFrame) -> None:
    """Raise KeyError, with a suggestion, for an entity the data does not know."""
    from aicapex.ledger import Ledger

    if isinstance(source, Ledger):
        known: set[str] = {e.id for e in source.records("entities")}
    else:
        known = set(balances["company"].astype("object")) | set(flows["entity"].astype("object"))
    if entity not in known:
        raise KeyError(f"unknown entity {entity!r}{suggest(entity, sorted(known))}")


def _counted(flows: pd.DataFrame, policy: str, entities: pd.Index) -> pd.DataFrame:
    """The flows the runway counts, with a ``signed`` USD column (+ in, - out)."""
    counted = burn_flows(flows)
    statuses = ["disbursed"] + (["committed"] if policy == "committed" else [])
    funding = flows[
        ((flows["kind"] == "funding_rounds") & flows["status"].isin(statuses)).to_numpy()
    ]
    counted = pd.concat([counted, funding]) if not funding.empty else counted
    counted = counted[positions(counted["entity"], entities) >= 0]
    require_usd(counted, "runway")
    return counted.assign(signed=counted["amount_usd"].to_numpy() * counted["direction"].to_numpy())


def _months_between(start: np.datetime64, month: np.datetime64) -> int:
    """Whole months from the month of ``start`` to the month of ``month``."""
    a, b = np.asarray([start, month]).astype("datetime64[M]").astype(np.int64)
    return int(b - a)


def _fraction_of_month(day: np.datetime64) -> float:
    """How far through its month ``day`` ends: 1.0 for a month's last day."""
    d = np.asarray(day).astype("datetime64[D]")
    first = d.astype("datetime64[M]").astype("datetime64[D]")
    days = ((d.astype("datetime64[M]") + 1).astype("datetime64[D]") - first).astype(int)
    return float(((d - first).astype(int) + 1) / days)


def _date_at(grid_start: np.datetime64, position: np.ndarray) -> np.ndarray:
    """The day at a fractional position in months since ``grid_start`` (datetime64[D])."""
    whole = np.floor(position).astype(np.int64)
    month = np.asarray(grid_start).astype("datetime64[M]") + whole.astype("timedelta64[M]")
    first = month.astype("datetime64[D]")
    days = ((month + 1).astype("datetime64[D]") - first).astype(np.int64)
    offset = np.floor((position - whole) * days).astype(np.int64)
    out: np.ndarray = first + np.minimum(offset, days - 1).astype("timedelta64[D]")
    return out


def _path(
    entities: pd.Index,
    months: pd.DatetimeIndex,
    active: np.ndarray,
    hit: np.ndarray,
    first: np.ndarray,
    opening: np.ndarray,
    net: np.ndarray,
    closing: np.ndarray,
    assumed: np.ndarray,
    as_of_col: int,
) -> pd.DataFrame:
    """The month-by-month path of each entity, from the month after its balance to the month
    its cash runs out (or the horizon)."""
    n = len(months)
    last = np.where(hit, first, n - 1)
    keep = active & (np.arange(n)[None, :] <= last[:, None])
    e_rep = np.repeat(entities.to_numpy(), n).reshape(len(entities), n)
    m_rep = np.broadcast_to(months.to_numpy(), (len(entities), n))
    after = np.broadcast_to(np.arange(n)[None, :] > as_of_col, (len(entities), n))
    return pd.DataFrame(
        {
            "entity": e_rep[keep],
            "month": m_rep[keep],
            "opening": opening[keep],
            "inflows": np.where(net > 0, net, 0.0)[keep],
            "outflows": np.where(net < 0, -net, 0.0)[keep],
            "net": net[keep],
            "closing": closing[keep],
            "basis": np.where(assumed, "assumed", "recorded")[keep],
            "after_as_of": after[keep],
        }
    )


def _last_month(spend: pd.DataFrame, entities: pd.Index) -> np.ndarray:
    """The last month with flows of each entity (NaT if none)."""
    # NaT is the smallest datetime64 as int64: the maximum over an entity's months skips it
    last = np.full(len(entities), np.datetime64("NaT", "ns").view(np.int64))
    months = spend["month"].to_numpy("datetime64[ns]").view(np.int64)
    np.maximum.at(last, positions(spend["entity"], entities), months)
    return last.view("datetime64[ns]")


def _trailing_net(spend: pd.DataFrame, entities: pd.Index, last: np.ndarray) -> np.ndarray:
    """Mean net burn of each entity over the 12 months up to its last recorded month, counting
    only months from its first recorded month (an entity's history starts with its records)."""
    if spend.empty:
        return np.zeros(len(entities))
    lo, hi = spend["month"].min(), spend["month"].max()
    months = pd.date_range(lo, hi, freq="MS")
    signed = spend.assign(signed=-(spend["amount_usd"].to_numpy() * spend["direction"].to_numpy()))
    net = monthly_matrix(signed, entities, months)
    csum = np.cumsum(net, axis=1)
    rows = np.arange(len(entities))
    end = months.get_indexer(pd.DatetimeIndex(last))
    # each entity's first month with a non-zero net: where its history starts
    begin = np.where((net != 0).any(axis=1), (net != 0).argmax(axis=1), 0)
    begin = np.maximum(begin, end - 11)
    total = csum[rows, np.maximum(end, 0)] - np.where(
        begin > 0, csum[rows, np.maximum(begin - 1, 0)], 0.0
    )
    count = np.maximum(end - begin + 1, 1)
    return np.where((end >= 0) & (begin >= 0), total / count, 0.0).astype("float64")
