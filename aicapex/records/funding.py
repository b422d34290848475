"""Funding: rounds, the investors' parts in them, and tranches."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from pydantic import Field, model_validator

from aicapex.dates import PartialDate
from aicapex.money import Money
from aicapex.records.base import Fact, Model, positive, same_currency_total
from aicapex.records.ownership import adds_up, count_checks
from aicapex.shares import ShareCount

__all__ = [
    "FundingRound",
    "Instrument",
    "Participation",
    "RoundStatus",
    "Tranche",
    "TrancheStatus",
    "post_money_below",
]


class Instrument(StrEnum):
    """The kind of financing."""

    equity = "equity"
    convertible_note = "convertible_note"
    safe = "safe"
    debt = "debt"
    grant = "grant"
    in_kind_compute = "in_kind_compute"
    warrant = "warrant"


class RoundStatus(StrEnum):
    """How far a round got, in the one status vocabulary (:data:`aicapex.records.STATUSES`):
    rumoured, in_talks, sought (asked for, never committed), announced (a letter of intent),
    committed, closed (the money is the company's), cancelled (called off) or failed."""

    rumoured = "rumoured"
    in_talks = "in_talks"
    sought = "sought"
    announced = "announced"
    committed = "committed"
    closed = "closed"
    cancelled = "cancelled"
    failed = "failed"


class TrancheStatus(StrEnum):
    """A tranche is committed (promised), disbursed (money received), cancelled or failed."""

    committed = "committed"
    disbursed = "disbursed"
    cancelled = "cancelled"
    failed = "failed"


class Participation(Model):
    """One investor's part in a round."""

    investor: str = Field(description="Id of the investing entity.")
    amount: Money | None = Field(default=None, description="What this investor put in, if known.")
    lead: bool = Field(default=False, description="Whether this investor led the round.")


class Tranche(Model):
    """A part of a round paid at a date or on a condition."""

    amount: Money = Field(description="Amount of the tranche.")
    status: TrancheStatus = Field(description="committed, disbursed or cancelled.")
    date: PartialDate | None = Field(
        default=None,
        description="When it was (or is to be) disbursed or cancelled; without one (a "
        "condition instead), the flows date it by its round's date (money in: that date's last "
        "day).",
    )
    condition: str | None = Field(
        default=None, description="The condition it depends on, when it is not a date."
    )


class FundingRound(Fact):
    """Money raised (or sought) by a company: equity, notes, debt, grants, compute in kind."""

    KIND = "funding_rounds"
    REFS = (
        *Fact.REFS,
        ("company", "entities"),
        ("investors.*.investor", "entities"),
        ("effort", "funding_rounds"),
    )
    PARTIES = ("company",)
    FACT_KEY = ("company", "instrument")
    #: Reports of one company's rounds of one instrument whose dates start within 120 days of
    #: each other report one round ("March 2021" and "May 2021" by two outlets), unless they
    #: name different series ("Series B", "Series C": two rounds).
    FACT_WINDOW = ("date", 120)
    FACT_SPLIT = "series"
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company raising the money.")
    date: PartialDate = Field(description="When the round was announced, agreed or sought.")
    status: RoundStatus = Field(default=RoundStatus.closed, description="How far the round got.")
    instrument: Instrument | None = Field(
        default=None, description="equity, convertible_note, safe, debt, grant, ... (if known)."
    )
    series: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The round's name as reported ('seed', 'Series C', 'Amazon's second "
        "tranche'): reports of one company's rounds of one instrument dated within 120 days of "
        "each other are one round unless they name different series; a report naming none is "
        "a report of the series named nearest in date.",
    )
    amount: Money | None = Field(
        default=None,
        description="Size of the round, if known; a ceiling is written 'up to $100B' (committed "
        "up to it, never counted as moved by default).",
    )
    pre_money: Money | None = Field(default=None, description="Pre-money valuation.")
    post_money: Money | None = Field(
        default=None,
        description="Post-money valuation; pre_money + amount = post_money within 1% or the "
        "rounding of the figures as written (unless the round has `secondary` parts).",
    )
    price_per_share: Money | None = Field(
        default=None, description="The price of one share in the round ('$54.20')."
    )
    shares_issued: ShareCount | None = Field(
        default=None, description="The number of new shares the round issued ('12.5M')."
    )
    secondary: bool = Field(
        default=False,
        description="Whether the round includes secondary sales (shares sold by existing "
        "holders): its amount then exceeds the new money, and pre + amount = post is not "
        "checked.",
    )
    investors: tuple[Participation, ...] = Field(
        default=(), description="Investors, each with an optional amount."
    )
    effort: str | None = Field(
        default=None,
        description="Id of the sought round this one came of (a lifeline sought at $95M, of "
        "which this $50M was committed): `funding_gap` compares them.",
    )
    tranches: tuple[Tranche, ...] = Field(
        default=(), description="Parts paid at dates or on conditions, each with a status."
    )

    @model_validator(mode="before")
    @classmethod
    def _old_up_to(cls, value: Any) -> Any:
        """Files of format 1 before ceilings: ``up_to: true`` beside an amount is a ceiling."""
        if isinstance(value, dict) and "up_to" in value:
            value = dict(value)
            flag = value.pop("up_to")
            amount = value.get("amount")
            if flag is True and isinstance(amount, str) and not amount.lower().startswith("up to"):
                value["amount"] = f"up to {amount}"
        return value

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.effort == self.id:
            yield "effort", "the id of another round (the one sought)", repr(self.id)
        for name in ("amount", "pre_money", "post_money", "price_per_share"):
            yield from positive(name, getattr(self, name))
        yield from self._valuation_checks()
        yield from count_checks("shares_issued", self.shares_issued)
        for i, t in enumerate(self.tranches):
            yield from positive(f"tranches.{i}.amount", t.amount)
        for i, p in enumerate(self.investors):
            yield from positive(f"investors.{i}.amount", p.amount)
        if self.amount is None or self.amount.amount <= 0:
            return  # a sum cannot be checked against an amount already reported as wrong
        for label, items in (
            ("tranches", [t.amount for t in self.tranches]),
            ("investors", [p.amount for p in self.investors if p.amount is not None]),
        ):
            total = same_currency_total(items)
            if total is None and items:
                yield label, f"amounts in one currency like the round's {self.amount}", "several"
            elif (
                total is not None
                and total.currency == self.amount.currency
                and total.amount > self.amount.amount
            ):
                yield label, f"a total at most the round's {self.amount}", f"a total of {total}"

    def _valuation_checks(self) -> Iterator[tuple[str, ...]]:
        """A post-money of at least the amount, and pre_money + amount = post_money (see
        :mod:`aicapex.records.ownership`), unless the round has secondary parts or a figure is
        missing or not positive."""
        amount, post = self.amount, self.post_money
        if (
            not self.secondary
            and amount is not None
            and post is not None
            and 0 < post.amount < amount.amount
            and post.currency == amount.currency
        ):  # new money buys a part of the company after it: never more than the whole
            yield "post_money", *post_money_below(amount, post)
            return
        figures = (self.pre_money, self.amount, self.post_money)
        if self.secondary or any(f is None or f.amount <= 0 for f in figures):
            return
        pre, amount, post = figures
        assert pre is not None
        assert amount is not None
        assert post is not None
        yield from adds_up("post_money", [pre, amount], post, "pre_money + amount = post_money")


def post_money_below(amount: Money, post: Money) -> tuple[str, str]:
    """``(expected, found)`` of a round's post-money below its amount: the loader's words,
    which :mod:`aicapex.table.exactrules` gives a table's rows too."""
    return f"a post-money valuation of at least the round's {amount}", str(post)
