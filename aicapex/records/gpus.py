"""GPUs: orders with scheduled and actual deliveries, and reallocations between buyers."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from aicapex.dates import PartialDate
from aicapex.money import Money
from aicapex.records.base import (
    MAX_AMOUNT,
    Check,
    Fact,
    GpuCount,
    Model,
    claimed_units,
    count_text,
    left_to_owner,
    positive,
    same_currency_total,
)
from aicapex.records.compute import Payment
from aicapex.records.ownership import multiplies_to
from aicapex.shares import counted_things

__all__ = ["Delivery", "GPUOrder", "GPUReallocation", "OrderStatus"]


class Delivery(Model):
    """GPUs delivered (or scheduled to be) at a date."""

    date: PartialDate = Field(description="When the GPUs arrive (or are scheduled to).")
    quantity: GpuCount = Field(
        description="How many GPUs."
        " A whole number, or as reported: 'about 12,000', 'more than 12,000',"
        " '10,000 to 12,000' (the GPU tables count the base figure: the number, the bound,"
        " a range's midpoint)."
    )


class OrderStatus(StrEnum):
    """How far a GPU order got (of the one status vocabulary)."""

    rumoured = "rumoured"
    in_talks = "in_talks"
    announced = "announced"
    committed = "committed"
    delivered = "delivered"
    cancelled = "cancelled"
    failed = "failed"


class GPUOrder(Fact):
    """An order of GPUs from a vendor, with scheduled and actual deliveries."""

    KIND = "gpu_orders"
    REFS = (*Fact.REFS, ("buyer", "entities"), ("vendor", "entities"))
    PARTIES = ("buyer", "vendor")
    FACT_KEY = ("buyer", "vendor", "sku", "order_date")
    DATE_FIELD = "order_date"

    buyer: str = Field(description="Id of the entity ordering.")
    vendor: str = Field(description="Id of the vendor (chip vendor or reseller).")
    sku: str = Field(description="GPU model: 'H100', 'B200', 'Gaudi2'.")
    quantity: GpuCount = Field(
        description="Number of GPUs ordered."
        " A whole number, or as reported: 'about 12,000', 'more than 12,000',"
        " '10,000 to 12,000' (the GPU tables count the base figure: the number, the bound,"
        " a range's midpoint)."
    )
    unit_price: Money | None = Field(default=None, description="Price per GPU, if known.")
    total: Money | None = Field(default=None, description="Total order value, if known.")
    order_date: PartialDate = Field(description="When the order was placed.")
    status: OrderStatus = Field(
        default=OrderStatus.committed,
        description="rumoured, in_talks, announced, committed (ordered), delivered (all of it), "
        "cancelled or failed (units delivered and payments made before it ended still count).",
    )
    scheduled: tuple[Delivery, ...] = Field(default=(), description="Scheduled deliveries.")
    delivered: tuple[Delivery, ...] = Field(default=(), description="Actual deliveries.")
    payments: tuple[Payment, ...] = Field(
        default=(),
        description="Payments made for the GPUs, when known (else the order is taken as paid "
        "on its delivery dates, in proportion to the units delivered).",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("unit_price", self.unit_price)
        yield from positive("total", self.total)
        if self.unit_price is not None:  # the order's value when it has no total
            value = Money(self.unit_price.amount * self.quantity, self.unit_price.currency)
            if abs(value.amount) > MAX_AMOUNT:
                limit = Money(Decimal(MAX_AMOUNT), value.currency)
                found = f"{self.unit_price} x {self.quantity:,}, {value}"
                yield Check("unit_price", f"an order of at most {limit}", found, "out-of-range")
            elif self.total is not None and self.unit_price.amount > 0 and self.total.amount > 0:
                # both given: the flows pay the total, the prices read the unit price ($30K x
                # 100 with a total of $30M was two orders in one record)
                yield from multiplies_to(
                    "total",
                    self.unit_price,
                    counted_things(self.quantity),
                    self.total,
                    "unit_price x quantity",
                )
        for i, p in enumerate(self.payments):
            yield from positive(f"payments.{i}.amount", p.amount)
        paid = same_currency_total([p.amount for p in self.payments])
        if (
            paid is not None
            and self.total is not None
            and paid.currency == self.total.currency
            and self.total.kind in ("exact", "approx")
            and paid.amount > self.total.amount
        ):
            yield "payments", f"payments totalling at most the order's {self.total}", str(paid)
        order_start = self.order_date.sort_key()[0]
        for name in ("scheduled", "delivered"):
            deliveries: tuple[Delivery, ...] = getattr(self, name)
            for i, d in enumerate(deliveries):
                left = left_to_owner(self.order_date, d.date)
                if d.date.sort_key()[1] < order_start and not left:
                    yield (
                        f"{name}.{i}.date",
                        f"a date on or after the order {self.order_date}",
                        (str(d.date)),
                    )
            # hard claims only (as checks.gpus reads counts): the deliveries at the low ends
            # they claim, the order at its high end ('10,000 to 12,000' ordered, 11,500
            # delivered is possible; 'about 10,000' sets no limit)
            least = sum(claimed_units(d.quantity)[0] for d in deliveries)
            most = claimed_units(self.quantity)[1]
            if most is not None and least > most:
                count = sum(d.quantity for d in deliveries)
                shown = f"{count:,}" if count == least else f"{count:,} (at least {least:,})"
                yield name, f"at most the {count_text(self.quantity)} GPUs ordered", shown


class GPUReallocation(Fact):
    """GPUs meant for one entity sent to another (e.g. Tesla's H100s sent to X)."""

    KIND = "gpu_reallocations"
    REFS = (
        *Fact.REFS,
        ("order", "gpu_orders"),
        ("from_entity", "entities"),
        ("to_entity", "entities"),
        ("exchanged_for", "gpu_reallocations"),
    )
    PARTIES = ("from_entity", "to_entity")
    FACT_KEY = ("from_entity", "to_entity", "date")
    DATE_FIELD = "date"

    order: str | None = Field(
        default=None,
        description="Id of the `GPUOrder` reallocated from. The reallocations of one order from "
        "one entity move at most its GPUs, plus those reallocations of it gave that entity "
        "(sku-not-order, reallocated-above-order; a warning, reallocated-beyond-held, for units "
        "passed on that the ledger does not show the entity holding).",
    )
    sku: str | None = Field(
        default=None,
        description="GPU model, e.g. 'H100'; with an `order`, the order's as written (or none: "
        "the order's is taken).",
    )
    from_entity: str = Field(description="Id of the entity the GPUs were meant for.")
    to_entity: str = Field(description="Id of the entity that got them instead.")
    quantity: GpuCount = Field(
        description="Number of GPUs moved."
        " A whole number, or as reported: 'about 12,000', 'more than 12,000',"
        " '10,000 to 12,000' (the GPU tables count the base figure: the number, the bound,"
        " a range's midpoint)."
    )
    date: PartialDate = Field(description="When the reallocation was decided.")
    reason: str | None = Field(default=None, description="Why, as reported.")
    exchanged_for: str | None = Field(
        default=None, description="Id of the reallocation given in exchange (a swap), if any."
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.from_entity == self.to_entity:
            yield (
                "to_entity",
                f"an entity other than from_entity {self.from_entity!r}",
                repr(self.to_entity),
            )
        if self.exchanged_for == self.id:
            yield "exchanged_for", "another reallocation's id", repr(self.id)
