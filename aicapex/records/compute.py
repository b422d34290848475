"""Compute bought as a service: cloud bills (with payments) and compute contracts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate, Precision
from aicapex.money import Money, Rate
from aicapex.records.base import (
    Check,
    Fact,
    Model,
    left_to_owner,
    not_huge,
    positive,
    rate_total,
    same_currency_total,
)

__all__ = [
    "Arrangement",
    "CloudBill",
    "ComputeContract",
    "ContractStatus",
    "Payment",
    "RampStep",
]


class Payment(Model):
    """A payment made against a bill."""

    date: PartialDate = Field(description="When it was paid.")
    amount: Money = Field(description="How much was paid.")


class CloudBill(Fact):
    """A cloud provider's bill for a usage period, with the payments made against it.

    Give ``billed`` (and ``payments``) when the bill is known; when a source only reports what is
    unpaid ("underpaid by $1M", "debts reached $1.6M"), give ``outstanding``.
    """

    KIND = "cloud_bills"
    REFS = (*Fact.REFS, ("payer", "entities"), ("provider", "entities"))
    PARTIES = ("payer", "provider")
    FACT_KEY = ("payer", "provider", "period")
    DATE_FIELD = "period"

    payer: str = Field(description="Id of the entity billed.")
    provider: str = Field(description="Id of the cloud provider billing.")
    period: PartialDate = Field(description="The usage period billed (e.g. 2023-08).")
    billed: Money | None = Field(default=None, description="Amount billed, if known.")
    due: PartialDate | None = Field(default=None, description="When payment is due.")
    payments: tuple[Payment, ...] = Field(default=(), description="Payments made against it.")
    outstanding: Money | None = Field(
        default=None,
        description="Amount reported unpaid; must equal billed minus payments when both are given.",
    )

    @property
    def paid(self) -> Money | None:
        """Sum of the payments (``None`` when there are none and nothing was billed)."""
        currency = self.billed.currency if self.billed else None
        total = same_currency_total([p.amount for p in self.payments])
        if total is None:
            return Money.zero(currency) if currency else None
        return total

    @property
    def unpaid(self) -> Money:
        """What remains to be paid: billed minus payments, else the reported outstanding."""
        if self.billed is not None:
            paid = self.paid
            return self.billed - paid if paid is not None else self.billed
        assert self.outstanding is not None
        return self.outstanding

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("billed", self.billed)
        for i, p in enumerate(self.payments):
            yield from positive(f"payments.{i}.amount", p.amount)
        yield from not_huge("outstanding", self.outstanding)
        if self.outstanding is not None and self.outstanding.amount < 0:
            yield Check(
                "outstanding", "an amount of zero or more", str(self.outstanding), "out-of-range"
            )
        if self.billed is None and self.outstanding is None:
            yield (
                "billed",
                "an amount billed (or, if only the unpaid part is known, outstanding)",
                ("neither"),
            )
            return
        if self.billed is None or self.billed.amount <= 0:
            return  # payments cannot be checked against a bill already reported as wrong
        amounts = [p.amount for p in self.payments]
        if any(a.currency != self.billed.currency for a in amounts):
            yield "payments", f"payments in the bill's currency {self.billed.currency}", "another"
            return
        paid = sum((a.amount for a in amounts), Decimal(0))
        if paid > self.billed.amount:
            yield (
                "payments",
                f"payments totalling at most the bill's {self.billed}",
                str(Money(paid, self.billed.currency)),
            )
        elif self.outstanding is not None:
            expected = Money(self.billed.amount - paid, self.billed.currency)
            if self.outstanding != expected:
                yield "outstanding", f"billed minus payments = {expected}", str(self.outstanding)


class Arrangement(StrEnum):
    """How compute is obtained: leased, bought, rented as cloud, colocated, or other."""

    lease = "lease"
    purchase = "purchase"
    cloud = "cloud"
    colocation = "colocation"
    other = "other"


class ContractStatus(StrEnum):
    """How far a compute contract got (of the one status vocabulary)."""

    rumoured = "rumoured"
    in_talks = "in_talks"
    announced = "announced"
    signed = "signed"
    cancelled = "cancelled"
    failed = "failed"


class RampStep(Model):
    """One period of a contract's ramp: an amount over the period, or a rate during it."""

    period: PartialDate = Field(
        description="The period, e.g. a year: '2027'. Within the contract (ending on or after "
        "its start, starting on or before its end) and apart from the other steps' periods."
    )
    amount: Money | None = Field(default=None, description="The total paid over the period.")
    rate: Rate | None = Field(default=None, description="The rate paid during the period.")


class ComputeContract(Fact):
    """A multi-year compute deal: cloud commitment, lease, capacity purchase."""

    KIND = "compute_contracts"
    REFS = (*Fact.REFS, ("buyer", "entities"), ("seller", "entities"))
    PARTIES = ("buyer", "seller")
    FACT_KEY = ("buyer", "seller", "start")
    DATE_FIELD = "start"

    buyer: str = Field(description="Id of the entity buying or leasing compute.")
    seller: str = Field(description="Id of the entity providing it.")
    start: PartialDate = Field(description="When the contract starts.")
    end: PartialDate | None = Field(default=None, description="When it ends, if known.")
    total_value: Money | None = Field(default=None, description="Total contract value.")
    rate: Rate | None = Field(default=None, description="Contract rate, e.g. '$30B/year'.")
    capacity: Capacity | None = Field(
        default=None, description="Capacity contracted: '4.5 GW' or '12,000 H100'."
    )
    arrangement: Arrangement = Field(
        default=Arrangement.cloud, description="lease, purchase, cloud, colocation or other."
    )
    status: ContractStatus = Field(
        default=ContractStatus.signed,
        description="rumoured, in_talks, announced (a letter of intent), signed, cancelled or "
        "failed; only signed contracts schedule money by default.",
    )
    take_or_pay: bool = Field(
        default=False, description="True when the buyer pays whether or not it uses the capacity."
    )
    ramp: tuple[RampStep, ...] = Field(
        default=(),
        description="A ramp: yearly amounts (or a rate per period). A contract with a ramp "
        "schedules its money by it; its total or flat rate, if also given, is compared with it.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("total_value", self.total_value)
        if self.rate is not None:
            yield from positive("rate", self.rate.money)
            first = self.start.sort_key()[0]  # a rate without an end: a year, as flows count it
            last = self.end.sort_key()[1] if self.end else first + dt.timedelta(days=364)
            yield from rate_total("rate", self.rate, first, last)
        if self.capacity is not None and self.capacity.value <= 0:
            yield "capacity", "a positive capacity", str(self.capacity)
        if self.end is not None and self.end.sort_key()[1] < self.start.sort_key()[0]:
            yield "end", f"a date on or after the start {self.start}", str(self.end)
        for i, step in enumerate(self.ramp):
            if (step.amount is None) == (step.rate is None):
                found = "both" if step.amount is not None else "neither"
                yield f"ramp.{i}.amount", "either an amount or a rate", found
            yield from positive(f"ramp.{i}.amount", step.amount)
            if step.rate is not None:
                yield from positive(f"ramp.{i}.rate", step.rate.money)
                yield from rate_total(f"ramp.{i}.rate", step.rate, *step.period.sort_key())
            if step.period.sort_key()[1] < self.start.sort_key()[0] and not left_to_owner(
                self.start, step.period
            ):
                yield (
                    f"ramp.{i}.period",
                    f"a period on or after the start {self.start}",
                    str(step.period),
                )
            if (
                self.end is not None
                and step.period.precision is not Precision.FISCAL_YEAR  # its owner's year
                and step.period.sort_key()[0] > self.end.sort_key()[1]
            ):
                yield (
                    f"ramp.{i}.period",
                    f"a period starting on or before the end {self.end}",
                    str(step.period),
                )
        yield from _overlaps(self.ramp)


def _overlaps(ramp: tuple[RampStep, ...]) -> Iterator[tuple[str, ...]]:
    """Steps whose period overlaps another's (each step's money would count twice): the steps
    taken by their first day (then their place in the ramp), each that starts on or before the
    last day reached by those before it, naming the step that reached it. Fiscal-year steps are
    compared among themselves, other steps among themselves: where a fiscal year falls depends
    on its owner's year end, which a record does not know (``FY2025`` and ``2025-H2`` are apart
    for a year ending June 30)."""
    spans = [step.period.sort_key() for step in ramp]
    reach: dict[bool, dt.date] = {}
    holder: dict[bool, int] = {}
    for i in sorted(range(len(ramp)), key=lambda k: (spans[k][0], k)):
        first, last = spans[i]
        side = ramp[i].period.precision is Precision.FISCAL_YEAR
        if side in reach and first <= reach[side]:
            yield (
                f"ramp.{i}.period",
                f"a period apart from the other steps' (ramp.{holder[side]}.period is "
                f"{ramp[holder[side]].period})",
                str(ramp[i].period),
            )
        if side not in reach or last > reach[side]:
            reach[side], holder[side] = last, i
