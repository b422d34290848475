"""The record kinds of a ledger: pydantic v2 models, frozen, ``extra="forbid"``, fields described.

Each kind is one top-level key of a ledger file (plural snake_case, see :data:`KINDS`). Records know
nothing of files or analysis: they validate their own fields and their internal consistency (a
payment above its bill, tranches above their round, a delivery before its order). References to
other records (entity ids, source ids, order ids) are declared in ``REFS`` and resolved by the
:class:`~aicapex.ledger.Ledger`.

Money fields take strings as people write them (``$7M``, ``€50bn``), rates ``$99M/yr``, capacity
``4.5 GW`` or ``12,000 H100``, dates the precision the source gives (``2023-10``, ``Q3 2023``,
``FY2025``); see :mod:`aicapex.money` and :mod:`aicapex.dates`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from aicapex.dates import PartialDate, parse_fiscal_year_end
from aicapex.money import Capacity, Money, Rate

__all__ = [
    "KINDS",
    "Arrangement",
    "Basis",
    "Bound",
    "CashBalance",
    "Citation",
    "CloudBill",
    "ComputeContract",
    "Delivery",
    "Entity",
    "EntityType",
    "Expense",
    "ExpenseCategory",
    "Fact",
    "FundingRound",
    "FxRate",
    "GPUOrder",
    "GPUReallocation",
    "Instrument",
    "Participation",
    "Payment",
    "Price",
    "Record",
    "RecordCheckError",
    "Revenue",
    "RevenueCategory",
    "RoundStatus",
    "Source",
    "Tranche",
    "TrancheStatus",
    "kind_of",
]

#: The largest amount a record may hold (a quadrillion): larger ones are typos, and they would
#: overflow the exact integer cents analyses compute with.
MAX_AMOUNT = 10**15

#: The largest number of GPUs a record may hold.
MAX_GPUS = 10**9

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:+-]*$"

RecordId = Annotated[
    str,
    Field(
        pattern=ID_PATTERN,
        min_length=1,
        max_length=200,
        description="Unique id of the record across the whole ledger: letters, digits, . _ : + -.",
    ),
]


def _whole_count(value: object) -> object:
    """Accept ``12,000`` or ``12000`` or an int; reject fractions with a clear message."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number of GPUs, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float):  # JSON numbers; NaN and Infinity included
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValueError(f"expected a whole number of GPUs, got {value}")
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "")
        if text.isdigit():
            return int(text)
        try:
            number = Decimal(text)
        except ArithmeticError:
            raise ValueError(
                f"expected a whole number of GPUs like 12,000, got {value!r}"
            ) from None
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
        raise ValueError(f"expected a whole number of GPUs, got {value!r}")
    raise ValueError(f"expected a whole number of GPUs, got {value!r}")


GpuCount = Annotated[
    int,
    BeforeValidator(_whole_count),
    Field(gt=0, le=MAX_GPUS),
    WithJsonSchema(  # files may write counts as text: 12,000
        {
            "anyOf": [
                {"type": "integer", "exclusiveMinimum": 0, "maximum": MAX_GPUS},
                {"type": "string", "pattern": r"^\s*[0-9][0-9,_]*\s*$"},
            ]
        }
    ),
]


class RecordCheckError(ValueError):
    """Raised by a record's consistency checks; carries ``(field, expected, found)`` triples."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{f}: {e}, got {g}" for f, e, g in problems))


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_enum_values=False,
        validate_default=False,
    )


class Citation(_Model):
    """Where a fact comes from: a source id and the sentence quoted from it.

    In a ledger file a citation is written either as a mapping or as a bare source id.
    """

    source: str = Field(description="Id of the `Source` record (publication) cited.")
    quote: str | None = Field(
        default=None,
        description="The sentence the fact comes from, verbatim, in the source's language.",
    )
    translation: str | None = Field(
        default=None, description="English translation of the quote, when it is not in English."
    )

    @model_validator(mode="before")
    @classmethod
    def _from_id(cls, value: Any) -> Any:
        return {"source": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The mapping, or a bare source id (which the JSON Schema must accept too)."""
        mapping = handler.resolve_ref_schema(handler(core_schema))
        bare = {"type": "string", "description": "Id of the `Source` cited, without a quote."}
        return {"anyOf": [bare, dict(mapping)]}


class Record(_Model):
    """Fields every record has."""

    KIND: ClassVar[str] = ""
    #: Dotted paths (``*`` for each item of a list) of fields that name other records, and the
    #: kind they must name.
    REFS: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: Fields that together identify the fact a record reports (same kind, entity and period);
    #: records with equal keys are listed by ``Ledger.conflicts()``. Empty: never in conflict.
    FACT_KEY: ClassVar[tuple[str, ...]] = ()
    #: The field holding the record's main date (used for FX conversion and sorting).
    DATE_FIELD: ClassVar[str | None] = None

    id: RecordId
    note: str | None = Field(default=None, description="Free text: caveats, context, conflicts.")

    def checks(self) -> Iterator[tuple[str, str, str]]:
        """Yield ``(field, expected, found)`` for every internal inconsistency (none by default)."""
        return iter(())

    @model_validator(mode="after")
    def _run_checks(self) -> Record:
        problems = list(self.checks())
        if problems:
            raise RecordCheckError(problems)
        return self


class Fact(Record):
    """A record that reports something a source said: it cites sources and when they said it."""

    REFS: ClassVar[tuple[tuple[str, str], ...]] = (("sources.*.source", "sources"),)

    sources: tuple[Citation, ...] = Field(
        default=(), description="Citations: the sources this fact comes from, each with its quote."
    )
    reported: PartialDate | None = Field(
        default=None,
        description="When the source reported the fact (defaults to the cited source's date).",
    )


# ---------------------------------------------------------------------------------------------
# Publications and entities


class Source(Record):
    """A publication facts are taken from: an article, a filing, a post."""

    KIND = "sources"
    REFS = (("translation_of", "sources"),)
    DATE_FIELD = "date"

    outlet: str = Field(description="Who published it: 'The Register', 'Forbes', 'CNBC'.")
    title: str = Field(description="The title of the publication, as published.")
    date: PartialDate = Field(description="Publication date, at the precision known.")
    url: str | None = Field(default=None, description="Address of the publication, if known.")
    language: str = Field(
        default="en",
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$",
        description="Language of the text quoted from it (BCP 47: 'en', 'fr', 'de').",
    )
    author: str | None = Field(default=None, description="Author(s), if known.")
    translation_of: str | None = Field(
        default=None, description="Id of the original `Source` when this text is a translation."
    )


class EntityType(StrEnum):
    """What an entity is."""

    company = "company"
    cloud_provider = "cloud_provider"
    chip_vendor = "chip_vendor"
    investor = "investor"
    person = "person"
    government = "government"
    other = "other"


class Entity(Fact):
    """A company, cloud provider, chip vendor, investor or person."""

    KIND = "entities"
    REFS = (*Fact.REFS, ("controlled_by.*", "entities"))

    name: str = Field(description="Display name: 'Stability AI', 'Amazon Web Services'.")
    type: EntityType = Field(description="What it is: company, cloud_provider, chip_vendor, ...")
    controlled_by: tuple[str, ...] = Field(
        default=(),
        description="Ids of entities in control of this one (a parent, or a person controlling "
        "several companies): entities with a controller in common are related parties.",
    )
    fiscal_year_end: str = Field(
        default="12-31",
        pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$",
        description="Month and day its fiscal year ends, MM-DD; FY2025 ends on that day of 2025.",
    )
    country: str | None = Field(default=None, description="Country of incorporation (ISO code).")

    @field_validator("fiscal_year_end")
    @classmethod
    def _real_day(cls, value: str) -> str:
        try:  # '02-30' matches the pattern but is no day of the year
            parse_fiscal_year_end(value)
        except ValueError:
            raise ValueError(f"expected a day of the year as MM-DD, got {value!r}") from None
        return value

    founded: PartialDate | None = Field(default=None, description="When it was founded.")
    aliases: tuple[str, ...] = Field(default=(), description="Other names sources use for it.")

    def checks(self) -> Iterator[tuple[str, str, str]]:
        if self.id in self.controlled_by:
            yield "controlled_by", "an entity other than itself", repr(self.id)


# ---------------------------------------------------------------------------------------------
# Funding


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
    """How far a round got: sought (asked for, never committed), announced, committed, closed,
    or cancelled (committed or planned, then called off)."""

    sought = "sought"
    announced = "announced"
    committed = "committed"
    closed = "closed"
    cancelled = "cancelled"


class TrancheStatus(StrEnum):
    """A tranche is committed (promised), disbursed (money received) or cancelled."""

    committed = "committed"
    disbursed = "disbursed"
    cancelled = "cancelled"


class Participation(_Model):
    """One investor's part in a round."""

    investor: str = Field(description="Id of the investing entity.")
    amount: Money | None = Field(default=None, description="What this investor put in, if known.")
    lead: bool = Field(default=False, description="Whether this investor led the round.")


class Tranche(_Model):
    """A part of a round paid at a date or on a condition."""

    amount: Money = Field(description="Amount of the tranche.")
    status: TrancheStatus = Field(description="committed, disbursed or cancelled.")
    date: PartialDate | None = Field(
        default=None, description="When it was (or is to be) disbursed or cancelled."
    )
    condition: str | None = Field(
        default=None, description="The condition it depends on, when it is not a date."
    )


def _positive(field: str, money: Money | None) -> Iterator[tuple[str, str, str]]:
    if money is not None and money.amount <= 0:
        yield field, "a positive amount", str(money)
    yield from _not_huge(field, money)


def _not_huge(field: str, money: Money | None) -> Iterator[tuple[str, str, str]]:
    if money is not None and abs(money.amount) > MAX_AMOUNT:
        yield (
            field,
            f"an amount of at most {Money(Decimal(MAX_AMOUNT), money.currency)}",
            str(money),
        )


def _same_currency_total(items: list[Money]) -> Money | None:
    if not items:
        return None
    total = items[0]
    for m in items[1:]:
        if m.currency != total.currency:
            return None
        total = total + m
    return total


class FundingRound(Fact):
    """Money raised (or sought) by a company: equity, notes, debt, grants, compute in kind."""

    KIND = "funding_rounds"
    REFS = (*Fact.REFS, ("company", "entities"), ("investors.*.investor", "entities"))
    FACT_KEY = ("company", "date", "instrument")
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company raising the money.")
    date: PartialDate = Field(description="When the round was announced, agreed or sought.")
    status: RoundStatus = Field(default=RoundStatus.closed, description="How far the round got.")
    instrument: Instrument | None = Field(
        default=None, description="equity, convertible_note, safe, debt, grant, ... (if known)."
    )
    amount: Money | None = Field(default=None, description="Size of the round, if known.")
    up_to: bool = Field(
        default=False, description="True when `amount` is a ceiling ('up to $100B'), not a sum."
    )
    pre_money: Money | None = Field(default=None, description="Pre-money valuation.")
    post_money: Money | None = Field(default=None, description="Post-money valuation.")
    investors: tuple[Participation, ...] = Field(
        default=(), description="Investors, each with an optional amount."
    )
    tranches: tuple[Tranche, ...] = Field(
        default=(), description="Parts paid at dates or on conditions, each with a status."
    )

    def checks(self) -> Iterator[tuple[str, str, str]]:
        for name in ("amount", "pre_money", "post_money"):
            yield from _positive(name, getattr(self, name))
        for i, t in enumerate(self.tranches):
            yield from _positive(f"tranches.{i}.amount", t.amount)
        for i, p in enumerate(self.investors):
            yield from _positive(f"investors.{i}.amount", p.amount)
        if self.amount is None or self.amount.amount <= 0:
            return  # a sum cannot be checked against an amount already reported as wrong
        for label, items in (
            ("tranches", [t.amount for t in self.tranches]),
            ("investors", [p.amount for p in self.investors if p.amount is not None]),
        ):
            total = _same_currency_total(items)
            if total is None and items:
                yield label, f"amounts in one currency like the round's {self.amount}", "several"
            elif (
                total is not None
                and total.currency == self.amount.currency
                and total.amount > self.amount.amount
            ):
                yield label, f"a total at most the round's {self.amount}", f"a total of {total}"


# ---------------------------------------------------------------------------------------------
# Cloud bills and contracts


class Payment(_Model):
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
        total = _same_currency_total([p.amount for p in self.payments])
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

    def checks(self) -> Iterator[tuple[str, str, str]]:
        yield from _positive("billed", self.billed)
        for i, p in enumerate(self.payments):
            yield from _positive(f"payments.{i}.amount", p.amount)
        yield from _not_huge("outstanding", self.outstanding)
        if self.outstanding is not None and self.outstanding.amount < 0:
            yield "outstanding", "an amount of zero or more", str(self.outstanding)
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


class ComputeContract(Fact):
    """A multi-year compute deal: cloud commitment, lease, capacity purchase."""

    KIND = "compute_contracts"
    REFS = (*Fact.REFS, ("buyer", "entities"), ("seller", "entities"))
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
    take_or_pay: bool = Field(
        default=False, description="True when the buyer pays whether or not it uses the capacity."
    )

    def checks(self) -> Iterator[tuple[str, str, str]]:
        yield from _positive("total_value", self.total_value)
        if self.rate is not None:
            yield from _positive("rate", self.rate.money)
        if self.capacity is not None and self.capacity.value <= 0:
            yield "capacity", "a positive capacity", str(self.capacity)
        if self.end is not None and self.end.sort_key()[1] < self.start.sort_key()[0]:
            yield "end", f"a date on or after the start {self.start}", str(self.end)


# ---------------------------------------------------------------------------------------------
# GPUs


class Delivery(_Model):
    """GPUs delivered (or scheduled to be) at a date."""

    date: PartialDate = Field(description="When the GPUs arrive (or are scheduled to).")
    quantity: GpuCount = Field(description="How many GPUs, a whole number.")


class GPUOrder(Fact):
    """An order of GPUs from a vendor, with scheduled and actual deliveries."""

    KIND = "gpu_orders"
    REFS = (*Fact.REFS, ("buyer", "entities"), ("vendor", "entities"))
    FACT_KEY = ("buyer", "vendor", "sku", "order_date")
    DATE_FIELD = "order_date"

    buyer: str = Field(description="Id of the entity ordering.")
    vendor: str = Field(description="Id of the vendor (chip vendor or reseller).")
    sku: str = Field(description="GPU model: 'H100', 'B200', 'Gaudi2'.")
    quantity: GpuCount = Field(description="Number of GPUs ordered, a whole number.")
    unit_price: Money | None = Field(default=None, description="Price per GPU, if known.")
    total: Money | None = Field(default=None, description="Total order value, if known.")
    order_date: PartialDate = Field(description="When the order was placed.")
    scheduled: tuple[Delivery, ...] = Field(default=(), description="Scheduled deliveries.")
    delivered: tuple[Delivery, ...] = Field(default=(), description="Actual deliveries.")

    def checks(self) -> Iterator[tuple[str, str, str]]:
        yield from _positive("unit_price", self.unit_price)
        yield from _positive("total", self.total)
        order_start = self.order_date.sort_key()[0]
        for name in ("scheduled", "delivered"):
            deliveries: tuple[Delivery, ...] = getattr(self, name)
            for i, d in enumerate(deliveries):
                if d.date.sort_key()[1] < order_start:
                    yield (
                        f"{name}.{i}.date",
                        f"a date on or after the order {self.order_date}",
                        (str(d.date)),
                    )
            count = sum(d.quantity for d in deliveries)
            if count > self.quantity:
                yield name, f"at most the {self.quantity:,} GPUs ordered", f"{count:,}"


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
    FACT_KEY = ("from_entity", "to_entity", "date")
    DATE_FIELD = "date"

    order: str | None = Field(default=None, description="Id of the `GPUOrder` reallocated from.")
    sku: str | None = Field(default=None, description="GPU model, e.g. 'H100'.")
    from_entity: str = Field(description="Id of the entity the GPUs were meant for.")
    to_entity: str = Field(description="Id of the entity that got them instead.")
    quantity: GpuCount = Field(description="Number of GPUs moved, a whole number.")
    date: PartialDate = Field(description="When the reallocation was decided.")
    reason: str | None = Field(default=None, description="Why, as reported.")
    exchanged_for: str | None = Field(
        default=None, description="Id of the reallocation given in exchange (a swap), if any."
    )

    def checks(self) -> Iterator[tuple[str, str, str]]:
        if self.from_entity == self.to_entity:
            yield (
                "to_entity",
                f"an entity other than from_entity {self.from_entity!r}",
                repr(self.to_entity),
            )
        if self.exchanged_for == self.id:
            yield "exchanged_for", "another reallocation's id", repr(self.id)


# ---------------------------------------------------------------------------------------------
# Revenue, expenses, cash


class Basis(StrEnum):
    """Whether a figure is actual, expected (a forecast by the company), estimated (by others)
    or planned."""

    actual = "actual"
    expected = "expected"
    estimated = "estimated"
    planned = "planned"


class _Flow(Fact):
    """Shared fields of revenue and expenses: an amount on a date, or a rate over a period."""

    REFS: ClassVar[tuple[tuple[str, str], ...]] = (
        *Fact.REFS,
        ("company", "entities"),
        ("counterparty", "entities"),
    )
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company earning or spending.")
    counterparty: str | None = Field(
        default=None, description="Id of the customer or supplier, if known."
    )
    amount: Money | None = Field(
        default=None,
        description="An amount on `date`; when `date` is a span (a month, a year) it is the total "
        "over that span. Give either amount or rate.",
    )
    rate: Rate | None = Field(
        default=None, description="A recurring rate ('$99M/yr') over `date` through `until`."
    )
    date: PartialDate = Field(description="The date, or the span covered (e.g. 2023).")
    until: PartialDate | None = Field(
        default=None, description="For rates running past `date`: the last period covered."
    )
    basis: Basis = Field(
        default=Basis.actual, description="actual, expected, estimated or planned."
    )
    included_in: str | None = Field(
        default=None,
        description="Id of a record of the same kind whose amount already includes this one "
        "(so it is not added twice).",
    )

    def checks(self) -> Iterator[tuple[str, str, str]]:
        if (self.amount is None) == (self.rate is None):
            found = "both" if self.amount is not None else "neither"
            yield "amount", "either an amount or a rate", found
        yield from _positive("amount", self.amount)
        if self.rate is not None:
            yield from _positive("rate", self.rate.money)
        if self.until is not None and self.until.sort_key()[1] < self.date.sort_key()[0]:
            yield "until", f"a date on or after {self.date}", str(self.until)
        if self.included_in == self.id:
            yield "included_in", "another record's id", repr(self.id)


class RevenueCategory(StrEnum):
    """What revenue is from."""

    sales = "sales"
    subscription = "subscription"
    services = "services"
    compute_resale = "compute_resale"
    licensing = "licensing"
    other = "other"


class ExpenseCategory(StrEnum):
    """What money is spent on."""

    compute = "compute"
    payroll = "payroll"
    opex = "opex"
    tax = "tax"
    other = "other"


class Revenue(_Flow):
    """Money a company earns: an amount on a date (or over a span), or a rate over a period."""

    KIND = "revenues"
    REFS = (*_Flow.REFS, ("included_in", "revenues"))
    FACT_KEY = ("company", "category", "date")

    category: RevenueCategory = Field(
        default=RevenueCategory.sales,
        description="sales, subscription, services, compute_resale, licensing or other.",
    )


class Expense(_Flow):
    """Money a company spends: an amount on a date (or over a span), or a rate over a period."""

    KIND = "expenses"
    REFS = (*_Flow.REFS, ("included_in", "expenses"))
    FACT_KEY = ("company", "category", "counterparty", "date")

    category: ExpenseCategory = Field(description="compute, payroll, opex, tax or other.")


class Bound(Enum):
    """Whether an amount is exact, an upper bound ('less than $4M') or a lower bound."""

    exact = "exact"
    upper = "upper"
    lower = "lower"


class CashBalance(Fact):
    """Cash a company held at a date: exact, or bounded ('less than $4M')."""

    KIND = "cash_balances"
    REFS = (*Fact.REFS, ("company", "entities"))
    FACT_KEY = ("company", "date")
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company.")
    date: PartialDate = Field(description="When it held that cash.")
    amount: Money = Field(description="Cash held (or its bound).")
    bound: Bound = Field(
        default=Bound.exact,
        description="exact, upper ('less than $4M': at most amount) or lower ('at least').",
    )

    def checks(self) -> Iterator[tuple[str, str, str]]:
        yield from _not_huge("amount", self.amount)
        if self.amount.amount < 0:
            yield "amount", "an amount of zero or more", str(self.amount)


class Price(Fact):
    """A list price a company charges, e.g. a subscription 'from $20 a month'."""

    KIND = "prices"
    REFS = (*Fact.REFS, ("company", "entities"))
    FACT_KEY = ("company", "product", "effective")
    DATE_FIELD = "effective"

    company: str = Field(description="Id of the company selling.")
    product: str = Field(description="What is sold: 'Stable Diffusion commercial licence'.")
    price: Rate | None = Field(default=None, description="A recurring price: '$20/month'.")
    one_off: Money | None = Field(default=None, description="A one-off price: '$30,000'.")
    starting_at: bool = Field(default=False, description="True for 'from $20 a month' prices.")
    effective: PartialDate = Field(description="From when the price applies.")

    def checks(self) -> Iterator[tuple[str, str, str]]:
        if (self.price is None) == (self.one_off is None):
            yield (
                "price",
                "either a recurring price or a one_off price",
                ("both" if self.price is not None else "neither"),
            )
        if self.price is not None:
            yield from _positive("price", self.price.money)
        yield from _positive("one_off", self.one_off)


class FxRate(Fact):
    """An exchange rate: how many US dollars one unit of `currency` buys on `date`.

    The only way amounts in other currencies become USD in frames: never silently.
    """

    KIND = "fx_rates"
    FACT_KEY = ("currency", "date")
    DATE_FIELD = "date"

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. 'EUR'.")
    date: PartialDate = Field(description="The day (or period) the rate applies from.")
    usd: Decimal = Field(gt=0, description="US dollars per one unit of `currency`.")


#: Record kinds by their top-level key in a ledger file, in canonical file order.
KINDS: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (
        Source,
        Entity,
        FundingRound,
        CloudBill,
        ComputeContract,
        GPUOrder,
        GPUReallocation,
        Revenue,
        Expense,
        CashBalance,
        Price,
        FxRate,
    )
}


def kind_of(record: Record) -> str:
    """Return the top-level key of ``record``'s kind (``"cloud_bills"`` for a CloudBill)."""
    return type(record).KIND
