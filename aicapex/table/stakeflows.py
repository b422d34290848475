"""Stake flows: the money of purchases of shares outside funding rounds.

Who gets the money of a purchase depends on whose shares were bought:

- a **primary** purchase (new shares) is money into the company: a row with the company as
  ``entity`` (direction +1, category ``equity``, the holder as payer) and the same money leaving
  the holder (direction -1, category ``investment``);
- a **secondary** purchase (shares bought from existing holders) never reaches the company: it
  is money between the buyer and the seller when the seller is named (the buyer's row, category
  ``investment``, and the seller's, direction +1, category ``divestment``); when no seller is
  named the buyer's money still leaves it: its row only, paid to the payee ``undisclosed``
  (:data:`~aicapex.table.funding.UNDISCLOSED`, as a round's unnamed payer: never an entity of
  the runway or the report, never part of a money loop);
- a purchase whose kind is not reported moves nothing (the money is not known to have reached
  the company), nor does a stake bought in a funding round (``round:``: the round's flows count
  it once), nor a holding (a snapshot).

The amount is ``paid``, else ``price_per_share`` times ``shares`` (its ends the ends of both:
``$2`` a share for ``10M to 12M`` shares is $20M to $24M). Closed purchases are
``disbursed``, committed and announced ones ``committed``; the others move nothing. Rows are
dated at the last day of the purchase's date (as a round's money is), kind ``stakes``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.table.columns import first_source, notna
from aicapex.table.flowrows import (
    Piece,
    concat_flows,
    day_numbers,
    end_factors,
    flow_columns,
    usd_rate,
)
from aicapex.table.funding import UNDISCLOSED

__all__ = ["stake_flows", "stake_pieces"]

_STATUS = {"closed": "disbursed", "committed": "committed", "announced": "committed"}


def stake_flows(stakes: pd.DataFrame) -> pd.DataFrame:
    """The flows rows of a ``stakes`` frame (see the module docs)."""
    return concat_flows(stake_pieces(stakes))


def stake_pieces(stakes: pd.DataFrame) -> list[Piece]:
    """:func:`stake_flows` in pieces, not yet concatenated (:func:`concat_flows` of them)."""
    if stakes.empty:
        return []
    purchase = stakes["purchase"].to_numpy(dtype=object)
    status = stakes["status"].astype("object").map(_STATUS)
    paid = stakes["paid"].to_numpy("float64")
    by_price = stakes["price_per_share"].to_numpy("float64") * stakes["shares"].to_numpy("float64")
    use_paid = ~np.isnan(paid)
    amount = np.where(use_paid, paid, by_price)
    live = (
        (stakes["event"].to_numpy(dtype=object) == "purchase")
        & ~notna(stakes["round"])
        & notna(status)
        & ~np.isnan(amount)
    )
    primary = live & (purchase == "primary")
    sold = live & (purchase == "secondary")
    named = notna(stakes["seller"])
    pieces: list[Piece] = []
    for mask, payee_col, side in (
        (primary, "company", "equity"),
        (sold & named, "seller", "divestment"),
        (sold & ~named, None, "divestment"),  # the buyer's row only: no seller to credit
    ):
        if not mask.any():
            continue
        rows = stakes[mask]
        paid_here = use_paid[mask]
        rate = np.where(paid_here, usd_rate(rows, "paid"), usd_rate(rows, "price_per_share"))
        # by price: the ends of the price times those of the number of shares
        count = rows["shares"].to_numpy("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            counted = [
                np.nan_to_num(rows[f"shares_{end}"].to_numpy("float64") / count, nan=1.0)
                for end in ("low", "high")
            ]
        ends = [
            np.where(paid_here, a, b * n)
            for a, b, n in zip(
                end_factors(rows, "paid"),
                end_factors(rows, "price_per_share"),
                counted,
                strict=True,
            )
        ]
        currency = np.where(
            paid_here,
            rows["paid_currency"].to_numpy(dtype=object),
            rows["price_per_share_currency"].to_numpy(dtype=object),
        )
        holder = rows["holder"].to_numpy(dtype=object)
        if payee_col is None:
            payee = np.full(len(rows), UNDISCLOSED, dtype=object)
            legs = [(holder, -1, "investment")]
        else:
            payee = rows[payee_col].to_numpy(dtype=object)
            legs = [(payee, 1, side), (holder, -1, "investment")]
        for entity, direction, category in legs:
            pieces.append(
                flow_columns(
                    date=day_numbers(rows["date_end"]),
                    entity=entity,
                    direction=direction,
                    payer=holder,
                    payee=payee,
                    cents=np.rint(amount[mask] * 100.0).astype(np.int64),
                    currency=currency,
                    rate_usd=rate,
                    ends=(ends[0], ends[1]),
                    category=category,
                    status=status[mask].to_numpy(object),
                    basis="actual",
                    kind="stakes",
                    record=rows["id"].to_numpy(dtype=object),
                    source=first_source(rows["sources"]),
                )
            )
    return pieces
