"""Operating figures: revenue, expenses, cash balances, list prices and exchange rates."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from aicapex.capacity import Capacity
from aicapex.currencies import ISO_4217
from aicapex.dates import PartialDate
from aicapex.money import Money, Rate
from aicapex.records.base import Check, Fact, left_to_owner, not_huge, positive, rate_total
from aicapex.shares import Share

__all__ = [
    "MAX_FX_USD",
    "Basis",
    "Bound",
    "CashBalance",
    "Expense",
    "ExpenseCategory",
    "FxRate",
    "Price",
    "Revenue",
    "RevenueCategory",
]


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
    PARTIES: ClassVar[tuple[str, ...]] = ("company", "counterparty")
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

    def checks(self) -> Iterator[tuple[str, ...]]:
        if (self.amount is None) == (self.rate is None):
            found = "both" if self.amount is not None else "neither"
            yield "amount", "either an amount or a rate", found
        yield from positive("amount", self.amount)
        if self.rate is not None:
            yield from positive("rate", self.rate.money)
            span = (self.date.sort_key()[0], (self.until or self.date).sort_key()[1])
            yield from rate_total("rate", self.rate, *span)
        if (
            self.until is not None
            and self.until.sort_key()[1] < self.date.sort_key()[0]
            and not left_to_owner(self.date, self.until)
        ):
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
    """Money a company earns: an amount on a date (or over a span), or a rate over a period.

    A revenue record may be a customer's share of another revenue record of the company
    (``share: 40%``, ``of: <revenue id>``, the customer as ``counterparty``): its amount may then
    be left out (:func:`aicapex.customers` derives it, and says so). Like ``included_in``, which
    ``of`` sets when it is not given, it makes no flows of its own: the record it is of counts
    the money.
    """

    KIND = "revenues"
    REFS = (*_Flow.REFS, ("included_in", "revenues"), ("of", "revenues"))
    FACT_KEY = ("company", "category", "date")

    category: RevenueCategory = Field(
        default=RevenueCategory.sales,
        description="sales, subscription, services, compute_resale, licensing or other.",
    )
    share: Share | None = Field(
        default=None,
        description="The share of the revenue record `of` this one is ('40%': a customer's "
        "share of the company's revenue for that period; the customer is `counterparty`).",
    )
    of: str | None = Field(
        default=None,
        description="Id of the revenue record (of the same company) `share` is a share of; it "
        "includes this one (`included_in` defaults to it).",
    )

    @model_validator(mode="before")
    @classmethod
    def _share_is_included(cls, value: Any) -> Any:
        """A share ``of`` a record is part of it: ``included_in`` defaults to ``of``."""
        if (
            isinstance(value, dict)
            and value.get("of") is not None
            and value.get("included_in") is None
        ):
            value = {**value, "included_in": value["of"]}
        return value

    def checks(self) -> Iterator[tuple[str, ...]]:
        # a share of another record (`of`; its share may be the field that failed) needs none
        derived = (
            (self.share, self.of) != (None, None) and self.amount is None and self.rate is None
        )
        for check in super().checks():
            if not (derived and check[0] == "amount" and check[2] == "neither"):
                yield check
        if (self.share is None) != (self.of is None):
            missing = "of" if self.of is None else "share"
            yield Check(missing, "a share and the revenue record it is of, together", "none")
        if self.share is not None and max(self.share.written()) > 1:
            yield Check("share", "a share of at most 100%", str(self.share), "out-of-range")
        if self.of is not None and self.of == self.id:
            yield Check("of", "another revenue record's id", repr(self.id))


class Expense(_Flow):
    """Money a company spends: an amount on a date (or over a span), or a rate over a period."""

    KIND = "expenses"
    REFS = (*_Flow.REFS, ("included_in", "expenses"))
    FACT_KEY = ("company", "category", "counterparty", "date")

    category: ExpenseCategory = Field(description="compute, payroll, opex, tax or other.")


class Bound(Enum):
    """Whether an amount is exact, an upper bound ('less than $4M') or a lower bound: the
    ``bound`` field of cash balances before bounds were written in the amount itself
    (``less than $4M``); old files still load (``upper`` reads as ``at most``, ``lower`` as
    ``at least``)."""

    exact = "exact"
    upper = "upper"
    lower = "lower"


class CashBalance(Fact):
    """Cash a company held at a date: exact, or as reported ('less than $4M', 'about $4M',
    '$3M to $4M'): a balance is an assertion the flows between two balances must explain."""

    KIND = "cash_balances"
    REFS = (*Fact.REFS, ("company", "entities"))
    PARTIES = ("company",)
    FACT_KEY = ("company", "date")
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company.")
    date: PartialDate = Field(description="When it held that cash.")
    amount: Money = Field(
        description="Cash held, as reported: '$4M', 'less than $4M', 'about $4M', '$3M to $4M'."
    )

    @model_validator(mode="before")
    @classmethod
    def _old_bound(cls, value: Any) -> Any:
        """Files before bounds were written in the amount: ``bound: upper`` is ``at most``."""
        if isinstance(value, dict) and "bound" in value:
            value = dict(value)
            raw = value.pop("bound")
            bound = str(getattr(raw, "value", raw))
            word = {"upper": "at most", "lower": "at least"}.get(bound)
            amount = value.get("amount")
            if bound not in ("exact", "upper", "lower"):
                raise ValueError(f"expected bound exact, upper or lower, got {bound!r}")
            if word and isinstance(amount, str):
                value["amount"] = f"{word} {amount}"
        return value

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from not_huge("amount", self.amount)
        if self.amount.amount < 0:
            yield Check("amount", "an amount of zero or more", str(self.amount), "out-of-range")


class Price(Fact):
    """A list price a company charges, e.g. a subscription 'from $20 a month'."""

    KIND = "prices"
    REFS = (*Fact.REFS, ("company", "entities"))
    PARTIES = ("company",)
    FACT_KEY = ("company", "product", "effective")
    DATE_FIELD = "effective"

    company: str = Field(description="Id of the company selling.")
    product: str = Field(description="What is sold: 'Stable Diffusion commercial licence'.")
    price: Rate | None = Field(default=None, description="A recurring price: '$20/month'.")
    one_off: Money | None = Field(default=None, description="A one-off price: '$30,000'.")
    starting_at: bool = Field(default=False, description="True for 'from $20 a month' prices.")
    effective: PartialDate = Field(description="From when the price applies.")
    quantity: Capacity | None = Field(
        default=None,
        description="What the price buys, when it is a quantity of GPUs or power: '10,000 H100' "
        "('$500M, equivalent to a 10k H100 system'); unit prices are implied from it.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        if (self.price is None) == (self.one_off is None):
            yield (
                "price",
                "either a recurring price or a one_off price",
                ("both" if self.price is not None else "neither"),
            )
        if self.price is not None:
            yield from positive("price", self.price.money)
        yield from positive("one_off", self.one_off)


#: The most US dollars one unit of a currency may buy in an exchange rate (a troy ounce of gold
#: is a few thousand).
MAX_FX_USD = 10**6


class FxRate(Fact):
    """An exchange rate: how many US dollars one unit of `currency` buys on `date`.

    The only way amounts in other currencies become USD in frames: never silently.
    """

    KIND = "fx_rates"
    FACT_KEY = ("currency", "date")
    DATE_FIELD = "date"

    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. 'EUR'.")

    @field_validator("currency")
    @classmethod
    def _iso(cls, value: str) -> str:
        if value not in ISO_4217:
            raise ValueError(f"expected an ISO 4217 currency code, got {value!r}")
        return value

    date: PartialDate = Field(description="The day (or period) the rate applies from.")
    usd: Decimal = Field(
        gt=0,
        description="US dollars per one unit of `currency` (at most 1,000,000; a rate above "
        "10 is a warning, but for gold and other metals: written the other way round?).",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.usd > MAX_FX_USD:  # no unit is worth this: through it, €5M was $5e206
            yield (
                "usd",
                f"US dollars per one {self.currency}, at most {MAX_FX_USD:,}",
                f"{self.usd:,}" if self.usd < 10**30 else str(self.usd),
                "out-of-range",
            )
