"""Money legs: the flows table as movements between two known parties, for the graph analyses
(money loops, round trips, related parties).

Each movement of money appears once, from its payer to its payee: the investor's mirror rows of
funding (category ``investment``, the same money seen from the investor) are left out, as are
rows whose payer or payee is missing or :data:`~aicapex.table.funding.UNDISCLOSED` (money from
no one in particular is never part of a loop), rows of one entity to itself and adjustments.
A GPU order's ``scheduled`` payments are left out too: its commitment row counts that money.

Each leg has a **kind** (``investment``, ``purchase``, ``lease``, ``contract``, ``cloud``,
``expense``, ``sale``) and a **basis**, the firmness of the money, counted apart:

==========  =====================================================
basis       flows statuses
==========  =====================================================
disbursed   disbursed, paid (money that moved)
committed   committed, scheduled, billed, unpaid (money promised)
announced   announced, conditional, estimated (money talked of)
==========  =====================================================

A revenue of one entity and the expense of its customer may report the same money twice; the
legs keep both (the records say nothing that would match them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicapex.table.funding import UNDISCLOSED

__all__ = [
    "BASES",
    "LEG_COLUMNS",
    "LEG_KINDS",
    "LegCodes",
    "basis_of",
    "leg_codes",
    "leg_kind",
    "money_legs",
    "window_of",
]

#: The bases of legs, firmest first.
BASES = ("disbursed", "committed", "announced")

_BASIS = {
    "disbursed": "disbursed",
    "paid": "disbursed",
    "committed": "committed",
    "scheduled": "committed",
    "billed": "committed",
    "unpaid": "committed",
    "announced": "announced",
    "conditional": "announced",
    "estimated": "announced",
}

#: Columns of :func:`money_legs`.
LEG_COLUMNS = (
    "date",
    "payer",
    "payee",
    "amount_usd",
    "low_usd",
    "high_usd",
    "currency",
    "leg",
    "basis",
    "status",
    "kind",
    "record",
)


def basis_of(status: pd.Series) -> np.ndarray:
    """The basis of each flows status (``committed`` for statuses the table does not list)."""
    codes, uniques = pd.factorize(status.astype("object"), use_na_sentinel=True)
    lookup = np.array([_BASIS.get(str(u), "committed") for u in uniques] + ["committed"], object)
    out: np.ndarray = lookup[codes]
    return out


def leg_kind(kind: pd.Series, category: pd.Series) -> np.ndarray:
    """The kind of each leg from its flows ``kind`` and ``category``."""
    k = kind.to_numpy(object)
    c = category.to_numpy(object)
    out = np.full(len(k), "contract", dtype=object)
    out[k == "funding_rounds"] = "investment"
    out[k == "stakes"] = "investment"
    out[k == "gpu_orders"] = "purchase"
    contract = k == "compute_contracts"
    out[contract & (c == "lease")] = "lease"
    out[contract & (c == "purchase")] = "purchase"
    out[k == "cloud_bills"] = "cloud"
    out[k == "expenses"] = "expense"
    out[k == "revenues"] = "sale"
    return out


#: The kinds of legs (:func:`leg_kind`), the positions of :attr:`LegCodes.leg`.
LEG_KINDS = ("investment", "purchase", "lease", "contract", "cloud", "expense", "sale")

#: The flows kinds that make legs.
_LEG_FLOW_KINDS = frozenset(
    {"funding_rounds", "stakes", "gpu_orders", "compute_contracts", "cloud_bills", "expenses",
     "revenues"}
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class LegCodes:
    """The money legs of a flows table (the rows :func:`money_legs` keeps, in the same order) as
    arrays of numbers, for the analyses that group them by the million: ``rows`` (positions of
    the legs in the flows table), ``date`` (datetime64[ns]), ``payer`` and ``payee``
    (positions in ``names``, the entities' names, each once), ``amount_usd``, ``leg``
    (positions in :data:`LEG_KINDS`) and ``basis`` (positions in :data:`BASES`)."""

    rows: np.ndarray
    date: np.ndarray
    payer: np.ndarray
    payee: np.ndarray
    names: np.ndarray
    amount_usd: np.ndarray
    leg: np.ndarray
    basis: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    def take(self, keep: np.ndarray) -> LegCodes:
        """The legs where ``keep`` (a boolean mask or positions), the same ``names``."""
        return LegCodes(
            rows=self.rows[keep],
            date=self.date[keep],
            payer=self.payer[keep],
            payee=self.payee[keep],
            names=self.names,
            amount_usd=self.amount_usd[keep],
            leg=self.leg[keep],
            basis=self.basis[keep],
        )

    def of_bases(self, bases: Iterable[str]) -> LegCodes:
        """The legs of the given bases."""
        wanted = np.array([b in set(bases) for b in BASES])
        return self if wanted.all() else self.take(wanted[self.basis])


def _coded(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A column as integer codes (-1: missing) and its distinct values (object)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes = column.cat.codes.to_numpy().astype(np.intp)
        return codes, column.cat.categories.to_numpy(object)
    found, uniques = pd.factorize(column.astype("object"), use_na_sentinel=True)
    return found.astype(np.intp), np.asarray(uniques, dtype=object)


def _hits(column: pd.Series, values: Iterable[str]) -> np.ndarray:
    """Whether each value of ``column`` is among ``values`` (missing: never)."""
    codes, uniques = _coded(column)
    wanted = set(values)
    hit = np.array([u in wanted for u in uniques.tolist()] + [False], dtype=bool)
    found: np.ndarray = hit[codes]
    return found


def leg_codes(flows: pd.DataFrame) -> LegCodes:
    """The legs of a flows table (see the module docs) as :class:`LegCodes`: the work is done
    once per distinct value of each text column, not per row."""
    payer, payer_names = _coded(flows["payer"])
    payee, payee_names = _coded(flows["payee"])
    names = np.asarray(pd.unique(np.concatenate([payer_names, payee_names])), dtype=object)
    where = pd.Index(names)
    to_payer = np.append(where.get_indexer(pd.Index(payer_names, dtype=object)), -1)
    to_payee = np.append(where.get_indexer(pd.Index(payee_names, dtype=object)), -1)
    payer, payee = to_payer[payer], to_payee[payee]
    known = np.append(names != UNDISCLOSED, False)  # -1: missing
    keep = known[payer] & known[payee] & (payer != payee)
    keep &= ~(_hits(flows["category"], ["investment"]) & (flows["direction"] < 0).to_numpy())
    kind, kinds = _coded(flows["kind"])
    keep &= np.append(np.isin(kinds, list(_LEG_FLOW_KINDS)), False)[kind]
    orders = np.append(kinds == "gpu_orders", False)[kind]
    keep &= ~(orders & _hits(flows["status"], ["scheduled"]))
    rows = np.flatnonzero(keep)
    category, categories = _coded(flows["category"])
    ks = np.array([*kinds.tolist(), None], dtype=object)
    cs = np.array([*categories.tolist(), None], dtype=object)
    # every (kind, category) pair's leg at once: one leg_kind call, not one per kind
    pairs = leg_kind(pd.Series(np.repeat(ks, len(cs))), pd.Series(np.tile(cs, len(ks))))
    table = np.array([LEG_KINDS.index(x) for x in pairs], dtype=np.int8).reshape(len(ks), -1)
    status, statuses = _coded(flows["status"])
    basis = np.array(
        [BASES.index(_BASIS.get(str(u), "committed")) for u in statuses.tolist()]
        + [BASES.index("committed")],
        dtype=np.int8,
    )
    return LegCodes(
        rows=rows,
        date=flows["date"].to_numpy("datetime64[ns]")[rows],
        payer=payer[rows],
        payee=payee[rows],
        names=names,
        amount_usd=flows["amount_usd"].to_numpy("float64")[rows],
        leg=table[kind[rows], category[rows]],
        basis=basis[status[rows]],
    )


def money_legs(flows: pd.DataFrame, codes: LegCodes | None = None) -> pd.DataFrame:
    """The legs of a flows table (see the module docs): columns :data:`LEG_COLUMNS`, payer and
    payee as text (``codes``: the table's :func:`leg_codes`, when already at hand)."""
    legs = leg_codes(flows) if codes is None else codes
    rows = flows[["amount_usd", "low_usd", "high_usd", "currency", "status", "kind", "record"]]
    rows = rows.take(legs.rows)
    amount = legs.amount_usd
    return pd.DataFrame(
        {
            "date": legs.date,
            "payer": legs.names[legs.payer],
            "payee": legs.names[legs.payee],
            "amount_usd": amount,
            "low_usd": rows["low_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "high_usd": rows["high_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "currency": rows["currency"].to_numpy(dtype=object),
            "leg": np.asarray(LEG_KINDS, dtype=object)[legs.leg],
            "basis": np.asarray(BASES, dtype=object)[legs.basis],
            "status": rows["status"].to_numpy(dtype=object),
            "kind": rows["kind"].to_numpy(dtype=object),
            "record": rows["record"].to_numpy(dtype=object),
        }
    )


def window_of(dates: np.ndarray, window: str) -> tuple[np.ndarray, np.ndarray]:
    """Each date's window: its first day and its last day (datetime64[ns]). ``window`` is
    ``"year"`` (calendar years, the default of the analyses), ``"half"``, ``"quarter"``,
    ``"month"`` or ``"all"`` (one window from the first date to the last). A missing date
    has no window (NaT, NaT), except in ``"all"``, which holds every money leg."""
    day = np.asarray(dates, dtype="datetime64[ns]")
    if window == "all":
        valid = day[~np.isnat(day)]
        first = valid.min() if len(valid) else np.datetime64("NaT", "ns")
        last = valid.max() if len(valid) else np.datetime64("NaT", "ns")
        lo = np.full(len(day), first.astype("datetime64[D]"), dtype="datetime64[D]")
        hi = np.full(len(day), last.astype("datetime64[D]"), dtype="datetime64[D]")
        return lo.astype("datetime64[ns]"), hi.astype("datetime64[ns]")
    months = {"year": 12, "half": 6, "quarter": 3, "month": 1}.get(window)
    if months is None:
        raise ValueError(f"expected a window among year, half, quarter, month, all; got {window!r}")
    missing = np.isnat(day)
    month = np.where(missing, 0, day.astype("datetime64[M]").astype(np.int64))
    first = month - month % months
    start = first.astype("datetime64[M]").astype("datetime64[ns]")
    end = (first + months).astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    nat = np.datetime64("NaT", "ns")
    return np.where(missing, nat, start), np.where(missing, nat, end.astype("datetime64[ns]"))
