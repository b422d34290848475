"""Runway: from the last cash balance, how many months until the cash runs out, and when.

The computation, for every entity at once (vectorised over an entities x months grid):

1. **Start**: the last cash balance at or before ``as_of`` (its span's last day: "October 2023"
   means October 31). Conflicting balances follow ``conflicts`` (default: the latest reported).
   A bound ("less than $4M") is used as the figure and the result says so: the runway is then
   itself a bound. Counted flows between the balance and the end of ``as_of`` are added.
2. **Policy** decides which money counts besides expenses and revenues:
   ``"disbursed"`` (default): only funding actually received, on its dates;
   ``"committed"``: committed but undisbursed tranches also arrive on their dates;
   ``"arrears"``: as ``"disbursed"``, and every bill unpaid at ``as_of`` is paid at once.
3. **Forward**, month by month from the month after ``as_of``: recorded monthly net flows
   (expenses, revenues and funding as above; ``planned`` figures are left out). Past the last
   month with recorded expenses or revenues, the net burn continues at ``burn_after`` US dollars
   a month: by default the trailing 12-month mean net burn up to that month.
4. **Cash-out**: the first month the cash goes below zero; ``months`` is fractional (the part of
   that month the remaining cash lasts, at that month's burn) and ``cash_out`` the date.

Scenarios: ``exclude`` leaves records out (by id), and ``extra_flows`` adds movements
(``[("2023-10", 20e6, "Intel's tranche received")]``; USD, positive in, negative out) on their
month, those in or before the ``as_of`` month to the starting cash. Together they move a record:
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

from aicapex.analysis.burn import burn_flows, monthly_matrix, positions, trailing
from aicapex.analysis.flows import ConflictPolicy, as_flows, day_of, month_of, resolve

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
            ``as_of``), ``months`` (float; inf when the cash lasts past the horizon),
            ``cash_out`` (date; NaT if never), ``last_recorded_month``, ``burn_after`` (USD a
            month assumed past it).
        path: the month-by-month path of every entity: ``entity``, ``month``, ``opening``,
            ``inflows``, ``outflows``, ``net``, ``closing`` (USD), ``basis`` (recorded/assumed).
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
) -> pd.DataFrame:
    from aicapex.ledger import Ledger

    if cash is None:
        if not isinstance(source, Ledger):
            raise ValueError(
                "runway needs cash balances: pass cash=ledger.frame('cash_balances') "
                "or cash={'entity-id': dollars} with a flows table"
            )
        cash = source.frame("cash_balances")
    if isinstance(cash, Mapping):
        return pd.DataFrame(
            {
                "id": [f"cash:{k}" for k in cash],
                "company": list(cash),
                "date_end": pd.NaT,
                "amount_usd": [float(v) for v in cash.values()],
                "bound": "exact",
                "reported_start": pd.NaT,
            }
        )
    return resolve(cash, "cash_balances", conflicts)


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
    """Months of cash left and the cash-out date, for ``entity`` or every entity with a cash
    balance (see the module docs for the method). ``as_of`` is a partial date (``"2023-10"``);
    ``None`` means the date of the latest cash balance. ``horizon`` caps the months simulated.

    >>> import aicapex as ac
    >>> r = ac.runway(ac.load(ac.bundled_data()), "stability-ai", as_of="2023-10")
    >>> round(r.months, 2)
    0.34
    """
    if policy not in POLICIES:
        raise ValueError(f"expected a policy among {POLICIES}, got {policy!r}")
    flows = as_flows(source, conflicts)
    balances = _balances(source, cash, conflicts)
    excluded = sorted(set(exclude))
    if excluded:
        flows = flows[~flows["record"].astype("object").isin(excluded).to_numpy()]
        balances = balances[~balances["id"].astype("object").isin(excluded).to_numpy()]
    if entity is not None:
        balances = balances[(balances["company"].astype("object") == entity).to_numpy()]
    if as_of is None:
        if balances["date_end"].notna().any():
            as_of = pd.Timestamp(balances["date_end"].max()).date().isoformat()
        else:
            raise ValueError("runway needs as_of when the cash balances have no dates")
    as_of_text = str(as_of)
    end_day = day_of(as_of, end=True)
    as_of_month = month_of(as_of, end=True)
    known = balances[(balances["date_end"].isna() | (balances["date_end"] <= end_day)).to_numpy()]
    known = known.sort_values(["date_end", "reported_start"], na_position="first", kind="stable")
    chosen = known.groupby(known["company"].astype("object"), sort=True).tail(1)
    if entity is not None and chosen.empty:
        raise ValueError(f"no cash balance of {entity!r} at or before {as_of_text}")
    chosen = chosen.set_index(chosen["company"].astype("object"))
    entities = pd.Index(chosen.index, dtype="object")
    start_day = chosen["date_end"].fillna(pd.Timestamp(end_day)).to_numpy("datetime64[ns]")

    counted = burn_flows(flows)
    statuses = ["disbursed"] + (["committed"] if policy == "committed" else [])
    funding = flows[
        ((flows["kind"] == "funding_rounds") & flows["status"].isin(statuses)).to_numpy()
    ]
    counted = pd.concat([counted, funding]) if not funding.empty else counted
    of_entities = positions(counted["entity"], entities) >= 0
    counted = counted[of_entities & counted["amount_usd"].notna().to_numpy()]
    counted = counted.assign(
        signed=counted["amount_usd"].to_numpy() * counted["direction"].to_numpy()
    )

    # 1. start: balance + counted flows after it, up to the end of as_of (+ extra flows so far)
    e_idx = positions(counted["entity"], entities)
    after_balance = counted["date"].to_numpy("datetime64[ns]") > start_day[e_idx]
    in_window = after_balance & (counted["date"].to_numpy("datetime64[ns]") <= end_day)
    start_cash = chosen["amount_usd"].to_numpy("float64").copy()
    np.add.at(start_cash, e_idx[in_window], counted["signed"].to_numpy()[in_window])
    extras = [(month_of(d), float(a), str(label)) for d, a, label in extra_flows]
    assumptions = [
        f"cash at the start: the last cash balance at or before {as_of_text} "
        f"(conflicting reports: {conflicts})",
        f"policy {policy!r}: expenses and revenues (not planned ones) and "
        + (
            "disbursed and committed funding on their dates"
            if policy == "committed"
            else "funding actually disbursed, on its dates"
        ),
        "money in dated only to a span arrives at its last day, money out leaves at its first",
    ]
    if excluded:
        assumptions.append(f"records left out: {', '.join(excluded)}")
    if entity is None and extras:
        raise ValueError("extra_flows apply to one entity: pass entity=")
    for d, a, label in extras:
        if d <= as_of_month:
            start_cash += a
        assumptions.append(f"extra flow {label!r}: {a:,.0f} USD in {str(d)[:7]}")
    if policy == "arrears":
        from aicapex.analysis.arrears import arrears

        owed = arrears(flows, as_of=as_of).groupby("payer", observed=True)["outstanding_usd"].sum()
        start_cash -= owed.reindex(entities).fillna(0.0).to_numpy()
        assumptions.append(f"policy 'arrears': bills unpaid at {as_of_text} are paid at once")
    for row in chosen.itertuples():
        if row.bound != "exact":
            word = "at most" if row.bound == "upper" else "at least"
            assumptions.append(
                f"{row.company}: the starting cash is a bound ({word} {row.amount_usd:,.0f} USD, "
                f"{row.id}), so the runway is {word} the figure given"
            )

    # 2. forward grid
    months = pd.date_range(as_of_month + np.timedelta64(1, "D"), periods=horizon, freq="MS")
    # flows after as_of but still in its month (as_of "2023-10-15", money in on the 20th) count
    # in the first month simulated
    grid_month = counted["month"].to_numpy("datetime64[ns]")
    if len(months):
        late = (counted["date"].to_numpy("datetime64[ns]") > end_day) & (grid_month < months[0])
        grid_month = np.where(late, months.to_numpy()[0], grid_month)
    recorded = monthly_matrix(counted.assign(month=grid_month), entities, months)
    spend = burn_flows(flows)
    spend = spend[positions(spend["entity"], entities) >= 0]
    last_m = _last_month(spend, entities)
    if burn_after is None:
        burn_after_v = _trailing_net(spend, entities, last_m)
        assumptions.append(
            "past the last recorded month, net burn continues at the trailing 12-month mean"
        )
    else:
        burn_after_v = np.full(len(entities), float(burn_after))
        assumptions.append(
            f"past the last recorded month, net burn is {burn_after:,.0f} USD a month"
        )
    assumed = months.to_numpy()[None, :] > last_m[:, None]
    assumed |= np.isnat(last_m)[:, None]
    net = recorded - np.where(assumed, burn_after_v[:, None], 0.0)
    for d, a, _ in extras:
        j = months.get_indexer([d])[0]  # type: ignore[arg-type]
        if j >= 0:
            net[:, j] += a
    closing = start_cash[:, None] + np.cumsum(net, axis=1)
    opening = np.concatenate([start_cash[:, None], closing[:, :-1]], axis=1)

    # 3. cash-out
    below = closing < 0
    hit = below.any(axis=1)
    first = np.where(hit, below.argmax(axis=1), 0)
    rows = np.arange(len(entities))
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.clip(opening[rows, first] / -net[rows, first], 0.0, 1.0)
    months_left = np.where(hit, first + frac, np.inf)
    months_left = np.where(start_cash < 0, 0.0, months_left)
    month_start = months.to_numpy()[first]
    days = (month_start.astype("datetime64[M]") + 1).astype("datetime64[D]") - month_start.astype(
        "datetime64[D]"
    )
    cash_out = month_start + (frac * days.astype(np.int64) * 86400e9).astype("timedelta64[ns]")
    cash_out = np.where(start_cash < 0, np.datetime64(end_day, "ns"), cash_out)  # type: ignore[call-overload]
    cash_out = np.where(hit | (start_cash < 0), cash_out, np.datetime64("NaT"))

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
    shown = np.minimum(np.where(hit, first + 1, horizon), horizon)
    keep = np.arange(horizon)[None, :] < shown[:, None]
    e_rep = np.repeat(entities.to_numpy(), horizon).reshape(len(entities), horizon)
    m_rep = np.broadcast_to(months.to_numpy(), (len(entities), horizon))
    path = pd.DataFrame(
        {
            "entity": e_rep[keep],
            "month": m_rep[keep],
            "opening": opening[keep],
            "inflows": np.where(net > 0, net, 0.0)[keep],
            "outflows": np.where(net < 0, -net, 0.0)[keep],
            "net": net[keep],
            "closing": closing[keep],
            "basis": np.where(assumed, "assumed", "recorded")[keep],
        }
    )
    used = _RecordsUsed.of(e_idx[after_balance], counted["record"][after_balance])
    return Runway(table, path, tuple(assumptions), used, policy, as_of_text, entity)


def _last_month(spend: pd.DataFrame, entities: pd.Index) -> np.ndarray:
    """The last month with flows of each entity (NaT if none)."""
    # NaT is the smallest datetime64 as int64: the maximum over an entity's months skips it
    last = np.full(len(entities), np.datetime64("NaT", "ns").view(np.int64))
    months = spend["month"].to_numpy("datetime64[ns]").view(np.int64)
    np.maximum.at(last, positions(spend["entity"], entities), months)
    return last.view("datetime64[ns]")


def _trailing_net(spend: pd.DataFrame, entities: pd.Index, last: np.ndarray) -> np.ndarray:
    """Trailing 12-month mean net burn of each entity, ending at its last recorded month."""
    if spend.empty:
        return np.zeros(len(entities))
    lo, hi = spend["month"].min(), spend["month"].max()
    months = pd.date_range(lo, hi, freq="MS")
    signed = spend.assign(signed=-(spend["amount_usd"].to_numpy() * spend["direction"].to_numpy()))
    net = monthly_matrix(signed, entities, months)
    means = trailing(net, 12)
    j = months.get_indexer(pd.DatetimeIndex(last))
    out = np.where(j >= 0, means[np.arange(len(entities)), np.maximum(j, 0)], 0.0)
    return np.asarray(out, dtype="float64")
