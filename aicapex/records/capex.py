"""Building and financing infrastructure: vehicles (joint ventures and special-purpose vehicles
stacked from equity and debt) and capex (guidance, plans and actuals).

- a **vehicle** is an entity its participants fund with equity and debt pieces (``$4B equity``,
  ``$6B debt``) to buy something (GPUs, a data center) and, often, lease it to one company for
  years; pieces that do not add up to its stated ``total`` are ``parts-not-total``;
- a **capex** record is a company's capital spending for a period: the ``guidance`` it gives
  (revised each quarter: each revision is a record of its own, ordered by the date reported), a
  ``plan`` (a project: ``$50B`` for a data center, with milestones: ``$200M of it by end of
  2025``) or the ``actual`` spending reported. A milestone above the plan, or milestones falling
  over time, are ``inconsistent``.

Like deals, these records state what was reported; they make no rows of the flows table (the
money a company pays for GPUs is its GPU orders' and expenses'): the analyses
:func:`aicapex.capital_stack` and :func:`aicapex.capex` read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field

from aicapex.dates import PartialDate
from aicapex.money import Money, Rate
from aicapex.records.base import Check, Fact, Model, positive
from aicapex.records.deals import DealStatus
from aicapex.records.ownership import adds_up

__all__ = [
    "Capex",
    "CapexBasis",
    "CapexMilestone",
    "Piece",
    "PieceKind",
    "Vehicle",
    "VehicleKind",
]


# -- vehicles ---------------------------------------------------------------------------------


class VehicleKind(StrEnum):
    """A ``joint_venture`` (partners owning and running it together) or a special-purpose
    vehicle (``spv``: set up to buy and lease assets, financed apart from its sponsors)."""

    joint_venture = "joint_venture"
    spv = "spv"


class PieceKind(StrEnum):
    """``equity`` (ownership of the vehicle) or ``debt`` (loans and bonds it owes)."""

    equity = "equity"
    debt = "debt"


class Piece(Model):
    """One participant's piece of a vehicle's capital."""

    participant: str | None = Field(
        default=None, description="Id of the entity putting it in (none: not named)."
    )
    kind: PieceKind = Field(description="equity or debt.")
    amount: Money | None = Field(
        default=None, description="What it puts in ('$4B'; none: not reported)."
    )


class Vehicle(Fact):
    """A joint venture or special-purpose vehicle: its participants' equity and debt pieces,
    what it buys and to whom it leases it, for how long."""

    KIND = "vehicles"
    REFS = (
        *Fact.REFS,
        ("vehicle", "entities"),
        ("lessee", "entities"),
        ("seller", "entities"),
        ("pieces.*.participant", "entities"),
    )
    PARTIES = ("vehicle", "lessee")
    FACT_KEY = ("vehicle",)
    DATE_FIELD = "date"

    vehicle: str = Field(description="Id of the vehicle (an entity of its own).")
    kind: VehicleKind = Field(default=VehicleKind.spv, description="joint_venture or spv.")
    date: PartialDate = Field(description="When it was set up, agreed or reported.")
    pieces: tuple[Piece, ...] = Field(
        default=(), description="Its capital: each participant's equity or debt piece."
    )
    total: Money | None = Field(
        default=None, description="Its capital in all, as reported ('$10B')."
    )
    buys: str | None = Field(
        default=None,
        max_length=500,
        description="What it buys, as reported ('Nvidia GPUs', 'the Abilene data center').",
    )
    seller: str | None = Field(
        default=None, description="Id of the entity it buys from, when named."
    )
    lessee: str | None = Field(
        default=None, description="Id of the company it leases what it buys to, if any."
    )
    lease_start: PartialDate | None = Field(default=None, description="When the lease starts.")
    lease_end: PartialDate | None = Field(default=None, description="When the lease ends.")
    lease_payment: Rate | None = Field(
        default=None, description="What the lessee pays, as a rate ('$2B/yr')."
    )
    lease_total: Money | None = Field(
        default=None, description="What the lessee pays over the whole lease ('$10B')."
    )
    status: DealStatus = Field(
        default=DealStatus.closed,
        description="rumoured, in_talks, announced, signed, closed, cancelled or failed.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("total", self.total)
        yield from positive("lease_total", self.lease_total)
        if self.lease_payment is not None:
            yield from positive("lease_payment", self.lease_payment.money)
        for i, piece in enumerate(self.pieces):
            yield from positive(f"pieces.{i}.amount", piece.amount)
            if piece.participant is not None and piece.participant == self.vehicle:
                yield Check(
                    f"pieces.{i}.participant",
                    f"a participant other than the vehicle {self.vehicle!r}",
                    repr(piece.participant),
                    "same-party",
                )
        start, end = self.lease_start, self.lease_end
        if start and end and end.sort_key()[1] < start.sort_key()[0]:
            yield Check(
                "lease_end",
                f"a date on or after the start {self.lease_start}",
                str(self.lease_end),
            )
        if (self.lease_start or self.lease_end or self.lease_payment) and self.lessee is None:
            yield Check("lessee", "the lessee of a lease", "none")
        amounts = [p.amount for p in self.pieces]
        if self.total is not None and amounts and all(a is not None for a in amounts):
            label = " + ".join(f"{p.kind.value} {p.amount}" for p in self.pieces)
            parts = [a for a in amounts if a is not None]
            for check in adds_up("total", parts, self.total, f"the pieces ({label}) = the total"):
                yield check._replace(code="parts-not-total")


# -- capex --------------------------------------------------------------------------------------


class CapexBasis(StrEnum):
    """What a capex figure is: the company's ``guidance`` for a period, a ``plan`` (a project
    with a budget) or the ``actual`` spending reported."""

    guidance = "guidance"
    plan = "plan"
    actual = "actual"


class CapexMilestone(Model):
    """A step of a capex plan: the amount spent by a date, cumulative ('$200M of it by end of
    2025')."""

    by: PartialDate = Field(description="The date ('by end of 2025').")
    amount: Money = Field(description="The amount spent by then, of the plan's ('$200M').")


class Capex(Fact):
    """A company's capital spending: guidance, a plan, or the actual figure, for a period."""

    KIND = "capex"
    REFS = (*Fact.REFS, ("company", "entities"))
    PARTIES = ("company",)
    #: Guidance revised every quarter is a series of reports, each kept: never in conflict.
    FACT_KEY = ()
    DATE_FIELD = "period"

    company: str = Field(description="Id of the company spending.")
    basis: CapexBasis = Field(description="guidance, plan or actual.")
    period: PartialDate | None = Field(
        default=None,
        description="The period it covers ('2025', 'FY2026', '2025..2027'); required for "
        "guidance and actuals; none for a plan reported without one.",
    )
    amount: Money = Field(description="The amount: '$64B to $72B', 'about $10B', 'at least $600B'.")
    project: str | None = Field(
        default=None,
        max_length=200,
        description="The project a plan (or the actual spending on it) is for ('Hyperion data "
        "center').",
    )
    milestones: tuple[CapexMilestone, ...] = Field(
        default=(),
        description="For plans: the amount spent by each date, cumulative, in date order.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("amount", self.amount)
        if self.period is None and self.basis is not CapexBasis.plan:
            yield Check("period", f"the period of the {self.basis.value} figure", "none")
        top = self.amount.high.amount
        previous: CapexMilestone | None = None
        for i, step in enumerate(self.milestones):
            yield from positive(f"milestones.{i}.amount", step.amount)
            same = step.amount.currency == self.amount.currency
            if same and step.amount.low.amount > top:
                yield Check(
                    f"milestones.{i}.amount",
                    f"at most the plan's {self.amount} (milestones are cumulative)",
                    str(step.amount),
                )
            if previous is not None:
                if step.by.sort_key()[1] < previous.by.sort_key()[0]:
                    yield Check(f"milestones.{i}.by", f"on or after {previous.by}", str(step.by))
                elif (
                    step.amount.currency == previous.amount.currency
                    and step.amount.amount < previous.amount.amount
                ):
                    yield Check(
                        f"milestones.{i}.amount",
                        f"at least {previous.amount} by {previous.by} (milestones are cumulative)",
                        str(step.amount),
                    )
            previous = step
