"""Listings and mergers: what a listing raised and for whom, and who holds what of a combined
company.

:func:`listing`: each IPO or direct listing's gross proceeds (as reported, else its price times
the shares offered; not given, the shares offered are its primary and secondary shares), split
into primary (new shares: the money reaches the company) and secondary (sold by holders) by
their shares; when only one of the two is reported, the other is the rest of the shares
offered. Named buyers' shares and money at the listing price (one from the
other) are in ``.buyers``.

:func:`merger`: each side's holders' share of the combined company: as reported; the rest of the
other side's (a share exchange or a merger: the two sides hold it all); or each side's value
over both (``acquirer_value``, ``target_value``). The combined value is the one reported, else
the sum of the sides' values; each side's implied value is its share of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from aicapex.analysis.dealskit import (
    aside_warning,
    deal_ledger,
    dollars,
    named_and_kept,
    typed_frame,
)
from aicapex.analysis.result import Result, json_rows, record_index
from aicapex.dates import DateLike
from aicapex.records import Listing, Merger, MergerKind
from aicapex.table.conflicts import ConflictPolicy

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = [
    "BUYER_COLUMNS",
    "LISTING_COLUMNS",
    "MERGER_COLUMNS",
    "ListingResult",
    "MergerResult",
    "listing",
    "merger",
]

#: The columns of :func:`listing`'s frame and their dtypes.
LISTING_COLUMNS: dict[str, str] = {
    "company": "str",
    "listing": "str",
    "kind": "str",
    "status": "str",
    "date": "datetime64[ns]",
    "exchange": "str",
    "ticker": "str",
    "price_usd": "float64",
    "shares_offered": "float64",
    "primary_shares": "float64",
    "secondary_shares": "float64",
    "split_method": "str",
    "gross_proceeds_usd": "float64",
    "gross_proceeds_low_usd": "float64",
    "gross_proceeds_high_usd": "float64",
    "proceeds_method": "str",
    "primary_proceeds_usd": "float64",
    "secondary_proceeds_usd": "float64",
    "buyers": "int64",
    "buyers_shares": "float64",
    "buyers_usd": "float64",
}

#: The columns of :func:`listing`'s ``buyers`` frame.
BUYER_COLUMNS: dict[str, str] = {
    "company": "str",
    "listing": "str",
    "buyer": "str",
    "shares": "float64",
    "amount_usd": "float64",
    "method": "str",
    "share_of_offering": "float64",
}

#: The columns of :func:`merger`'s frame and their dtypes.
MERGER_COLUMNS: dict[str, str] = {
    "merger": "str",
    "kind": "str",
    "status": "str",
    "date": "datetime64[ns]",
    "result": "str",
    "side": "str",
    "entity": "str",
    "holders_share": "float64",
    "share_low": "float64",
    "share_high": "float64",
    "method": "str",
    "side_value_usd": "float64",
    "combined_value_usd": "float64",
    "combined_method": "str",
    "implied_value_usd": "float64",
    "deal_value_usd": "float64",
}


@dataclass(frozen=True, eq=False)
class ListingResult(Result):
    """The result of :func:`listing`: one row per listing, and its named buyers in
    :attr:`buyers` (``to_dict()["buyers"]``)."""

    NAME = "listing"

    buyers: pd.DataFrame = field(default_factory=lambda: typed_frame([], BUYER_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """As :meth:`Result.to_dict`, with ``buyers``: the named buyers' rows."""
        out = super().to_dict()
        out["buyers"] = json_rows(self.buyers)
        return out


class MergerResult(Result):
    """The result of :func:`merger`: one row per side of each merger."""

    NAME = "merger"


def _count(value: Any) -> float:
    return math.nan if value is None else float(value.count)


def _split(x: Listing) -> tuple[float, float, str]:
    offered, primary, secondary = (
        _count(getattr(x, n)) for n in ("shares_offered", "primary", "secondary")
    )
    if x.kind.value == "direct_listing" and primary != primary:
        primary = 0.0
    if primary == primary and secondary == secondary:
        return primary, secondary, "reported"
    if offered == offered and primary == primary:
        return primary, offered - primary, "secondary: the rest of the shares offered"
    if offered == offered and secondary == secondary:
        return offered - secondary, secondary, "primary: the rest of the shares offered"
    return primary, secondary, ""


def _listing_row(ledger: Ledger, x: Listing, buyers: list[dict[str, Any]]) -> dict[str, Any]:
    price, price_low, price_high = dollars(ledger, x, x.price, x.date)
    offered = _count(x.shares_offered)
    primary, secondary, split = _split(x)
    low = high = offered
    if x.shares_offered is not None:
        low, high = (float(e) for e in x.shares_offered.bounds())
    elif x.primary is not None and x.secondary is not None:  # the shares sold: both parts
        offered = primary + secondary
        ends = [[float(e) for e in n.bounds()] for n in (x.primary, x.secondary)]
        low, high = ends[0][0] + ends[1][0], ends[0][1] + ends[1][1]
    reported = dollars(ledger, x, x.proceeds, x.date)
    if x.proceeds is not None:
        gross, method = reported, "reported"
    elif price == price and offered == offered:
        gross = (price * offered, price_low * low, price_high * high)
        method = "price x shares offered"
    else:
        gross, method = (math.nan,) * 3, ""
    unit = gross[0] / offered if offered == offered and offered > 0 else price
    mine = []
    for b in x.buyers:
        shares, amount = _count(b.shares), dollars(ledger, x, b.amount, x.date)[0]
        how = "reported"
        if shares != shares and amount == amount and price == price:
            shares, how = amount / price, "shares: amount / price"
        elif amount != amount and shares == shares and price == price:
            amount, how = shares * price, "amount: shares x price"
        mine.append(
            {
                "company": x.company,
                "listing": x.id,
                "buyer": b.buyer,
                "shares": shares,
                "amount_usd": amount,
                "method": how,
                "share_of_offering": shares / offered if offered == offered else math.nan,
            }
        )
    buyers.extend(mine)
    return {
        "company": x.company,
        "listing": x.id,
        "kind": x.kind.value,
        "status": x.status.value,
        "date": x.date.sort_key()[0],
        "exchange": x.exchange or "",
        "ticker": x.ticker or "",
        "price_usd": price,
        "shares_offered": offered,
        "primary_shares": primary,
        "secondary_shares": secondary,
        "split_method": split,
        "gross_proceeds_usd": gross[0],
        "gross_proceeds_low_usd": gross[1],
        "gross_proceeds_high_usd": gross[2],
        "proceeds_method": method,
        "primary_proceeds_usd": primary * unit,
        "secondary_proceeds_usd": secondary * unit,
        "buyers": len(mine),
        "buyers_shares": sum(b["shares"] for b in mine) if mine else 0.0,
        "buyers_usd": sum(b["amount_usd"] for b in mine) if mine else 0.0,
    }


def listing(
    source: Ledger,
    company: str | None = None,
    *,
    known_on: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
) -> ListingResult:
    """Each listing of ``company`` (a company, a listing's id, or ``None`` for all): its gross
    proceeds, primary and secondary, and the shares bought by named holders at the listing
    price (see the module docs).

    Columns (:data:`LISTING_COLUMNS`): ``company``, ``listing``, ``kind``, ``status``, ``date``,
    ``exchange``, ``ticker``, ``price_usd``, ``shares_offered``, ``primary_shares``,
    ``secondary_shares`` and how they were split (``split_method``), ``gross_proceeds_usd``
    (with its ends) and ``proceeds_method``, ``primary_proceeds_usd`` (to the company),
    ``secondary_proceeds_usd`` (to the selling holders), ``buyers``, ``buyers_shares``,
    ``buyers_usd``. ``.buyers`` (:data:`BUYER_COLUMNS`): one row per named buyer. Reports of
    one listing in conflict count once (``conflicts=``: the latest reported by default; the
    others are named in the warnings), unless named by id.
    """
    ledger = deal_ledger(source, known_on, "listing")
    named, aside = named_and_kept(ledger, "listings", company, ("company",), conflicts)
    found = [x for x in named if isinstance(x, Listing)]
    buyers: list[dict[str, Any]] = []
    rows = [_listing_row(ledger, x, buyers) for x in found]
    frame = typed_frame(rows, LISTING_COLUMNS).sort_values(["company", "date"], ignore_index=True)
    warnings = [
        f"{r['listing']}: neither the proceeds nor the price and shares offered are reported"
        for r in rows
        if r["proceeds_method"] == ""
    ] + aside_warning(aside, conflicts)
    reason = f"no listing of {company!r}" if company is not None and not rows else None
    return ListingResult(
        frame,
        record_index([x.id for x in found]),
        (
            "primary proceeds reach the company, secondary ones the selling holders",
            "proceeds split by shares at the listing's price (gross: before fees)",
        ),
        tuple(warnings),
        reason,
        params={
            "company": company,
            "known_on": None if known_on is None else str(known_on),
            "conflicts": conflicts,
        },
        buyers=typed_frame(buyers, BUYER_COLUMNS),
    )


# -- mergers ------------------------------------------------------------------------------


def _shares(m: Merger, ledger: Ledger) -> tuple[list[tuple[float, float, float]], list[str]]:
    """Each side's holders' share (base, low, high) and how it was found."""
    a, t = m.acquirer_holders, m.target_holders
    nan = (math.nan,) * 3
    if a is not None and t is not None:
        (a_low, a_high), (t_low, t_high) = a.bounds(), t.bounds()
        sides = [
            (a.to_float(), float(a_low), float(a_high)),
            (t.to_float(), float(t_low), float(t_high)),
        ]
        return sides, ["reported", "reported"]
    together = m.kind is not MergerKind.acquisition
    if together and (a is not None or t is not None):
        known = a if a is not None else t
        assert known is not None
        low, high = (float(e) for e in known.bounds())
        mine = (known.to_float(), low, high)
        rest = (1 - known.to_float(), 1 - high, 1 - low)
        other = "the rest of the other side's (the two sides hold it all)"
        if a is not None:
            return [mine, rest], ["reported", other]
        return [rest, mine], [other, "reported"]
    av = dollars(ledger, m, m.acquirer_value, m.date)
    tv = dollars(ledger, m, m.target_value, m.date)
    if together and av[0] == av[0] and tv[0] == tv[0]:
        how = "its value over both sides' values"
        return [
            (av[0] / (av[0] + tv[0]), av[1] / (av[1] + tv[2]), av[2] / (av[2] + tv[1])),
            (tv[0] / (av[0] + tv[0]), tv[1] / (tv[1] + av[2]), tv[2] / (tv[2] + av[1])),
        ], [how, how]
    return [nan, nan], ["", ""]


def _merger_rows(ledger: Ledger, m: Merger) -> list[dict[str, Any]]:
    shares, methods = _shares(m, ledger)
    values = [dollars(ledger, m, v, m.date)[0] for v in (m.acquirer_value, m.target_value)]
    combined = dollars(ledger, m, m.combined_value, m.date)[0]
    how = "reported" if combined == combined else ""
    if combined != combined and all(v == v for v in values):
        combined, how = sum(values), "the sum of the sides' values"
    head = {
        "merger": m.id,
        "kind": m.kind.value,
        "status": m.status.value,
        "date": m.date.sort_key()[0],
        "result": m.result or m.acquirer,
        "combined_value_usd": combined,
        "combined_method": how,
        "deal_value_usd": dollars(ledger, m, m.value, m.date)[0],
    }
    rows = []
    for side, entity, share, method, value in zip(
        ("acquirer", "target"), (m.acquirer, m.target), shares, methods, values, strict=True
    ):
        rows.append(
            {
                **head,
                "side": side,
                "entity": entity,
                "holders_share": share[0],
                "share_low": share[1],
                "share_high": share[2],
                "method": method,
                "side_value_usd": value,
                "implied_value_usd": share[0] * combined,
            }
        )
    return rows


def merger(
    source: Ledger,
    name: str | None = None,
    *,
    known_on: DateLike | None = None,
    conflicts: ConflictPolicy = "latest",
) -> MergerResult:
    """Each side's holders' share of the combined company of each merger ``name`` names (a
    merger's id, an entity: its mergers as acquirer, target or result, or ``None`` for all; see
    the module docs).

    Columns (:data:`MERGER_COLUMNS`): ``merger``, ``kind``, ``status``, ``date``, ``result``,
    ``side`` (acquirer or target), ``entity``, ``holders_share`` (with ``share_low`` and
    ``share_high``) and its ``method``, ``side_value_usd``, ``combined_value_usd`` and its
    ``combined_method``, ``implied_value_usd`` (the side's share of the combined value),
    ``deal_value_usd``. Reports of one merger in conflict count once (``conflicts=``: the
    latest reported by default; the others are named in the warnings), unless named by id.

    >>> import aicapex as ac
    >>> m = merger(ac.load(ac.bundled_data()), "x-corp")
    >>> m.frame[["side", "entity", "deal_value_usd"]].values.tolist()
    [['acquirer', 'elon-musk', 44000000000.0], ['target', 'x-corp', 44000000000.0]]
    >>> m.warnings[0].endswith("neither side's holders' share nor both sides' values are reported")
    True
    """
    ledger = deal_ledger(source, known_on, "merger")
    fields = ("acquirer", "target", "result")
    named, aside = named_and_kept(ledger, "mergers", name, fields, conflicts)
    found = [m for m in named if isinstance(m, Merger)]
    rows = [row for m in found for row in _merger_rows(ledger, m)]
    frame = typed_frame(rows, MERGER_COLUMNS)
    warnings = sorted(
        {
            f"{r['merger']}: neither side's holders' share nor both sides' values are reported"
            for r in rows
            if r["method"] == ""
        }
    ) + aside_warning(aside, conflicts)
    reason = f"no merger of {name!r}" if name is not None and not rows else None
    return MergerResult(
        frame,
        record_index([m.id for m in found]),
        (
            "in a share exchange or a merger the two sides' holders hold all of the combined "
            "company",
        ),
        tuple(warnings),
        reason,
        params={
            "name": name,
            "known_on": None if known_on is None else str(known_on),
            "conflicts": conflicts,
        },
    )
