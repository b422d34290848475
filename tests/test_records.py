"""Tests for aicapex.records: validation from file data, immutability, descriptions, checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, get_args

import pytest
from pydantic import BaseModel, ValidationError

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate, Precision
from aicapex.money import Money, Rate
from aicapex.records import (
    KINDS,
    Arrangement,
    CashBalance,
    Citation,
    CloudBill,
    ComputeContract,
    Entity,
    EntityType,
    Expense,
    FundingRound,
    FxRate,
    GPUOrder,
    GPUReallocation,
    Price,
    Record,
    RecordCheckError,
    Revenue,
    RoundStatus,
    Source,
    TrancheStatus,
    kind_of,
)

# --- one record of each kind, every value a string as a ledger file gives it ----------------

SAMPLES: dict[str, dict[str, Any]] = {
    "sources": {
        "id": "fr-2024-04-aws",
        "outlet": "Intelligence de données générative",
        "title": "Stability AI serait à court d'argent",
        "date": "2024-04",
        "url": "https://example.org/a",
        "language": "fr",
        "author": "A. Writer",
        "translation_of": "register-2024-04-aws",
    },
    "entities": {
        "id": "stability-ai",
        "name": "Stability AI",
        "type": "company",
        "controlled_by": ["emad"],
        "fiscal_year_end": "06-30",
        "country": "GB",
        "founded": "2019",
        "aliases": ["Stability", "StabilityAI"],
        "sources": ["fr-2024-04-aws"],
    },
    "funding_rounds": {
        "id": "intel-2023",
        "company": "stability-ai",
        "date": "Q4 2023",
        "status": "committed",
        "instrument": "convertible_note",
        "amount": "$50M",
        "pre_money": "$950M",
        "post_money": "$1B",
        "investors": [{"investor": "intel", "amount": "$50M", "lead": "true"}],
        "tranches": [
            {"amount": "$20M", "status": "disbursed", "date": "2024-01"},
            {"amount": "$30M", "status": "committed", "condition": "not disbursed as of April"},
        ],
        "sources": [{"source": "fr-2024-04-aws", "quote": "seulement 20 millions"}],
        "reported": "2024-04-02",
    },
    "cloud_bills": {
        "id": "aws-2023-08",
        "payer": "stability-ai",
        "provider": "aws",
        "period": "2023-08",
        "billed": "$7M",
        "due": "2023-10-31",
        "payments": [{"date": "2023-09-15", "amount": "$2M"}],
        "outstanding": "$5M",
    },
    "compute_contracts": {
        "id": "aws-lease",
        "buyer": "stability-ai",
        "seller": "aws",
        "start": "2024",
        "end": "FY2028",
        "total_value": "$10B",
        "rate": "$2.5B/yr",
        "capacity": "4.5 GW",
        "arrangement": "lease",
        "take_or_pay": "true",
    },
    "gpu_orders": {
        "id": "h100-order",
        "buyer": "stability-ai",
        "vendor": "nvidia",
        "sku": "H100",
        "quantity": "12,000",
        "unit_price": "$30K",
        "total": "$360M",
        "order_date": "2023-03",
        "scheduled": [{"date": "2023-Q3", "quantity": "6,000"}],
        "delivered": [{"date": "2023-09-01", "quantity": "4000"}],
    },
    "gpu_reallocations": {
        "id": "tesla-to-x",
        "order": "h100-order",
        "sku": "H100",
        "from_entity": "tesla",
        "to_entity": "x",
        "quantity": "12,000",
        "date": "2023-12",
        "reason": "X needed them first",
        "exchanged_for": "x-to-tesla",
    },
    "revenues": {
        "id": "revenue-2023",
        "company": "stability-ai",
        "amount": "$11M",
        "date": "2023",
        "basis": "expected",
        "category": "sales",
    },
    "expenses": {
        "id": "compute-2023",
        "company": "stability-ai",
        "counterparty": "aws",
        "rate": "$99M/year",
        "date": "2023",
        "until": "2024-06",
        "category": "compute",
        "included_in": "all-compute",
    },
    "cash_balances": {
        "id": "cash-2023-10",
        "company": "stability-ai",
        "date": "2023-10",
        "amount": "$4M",
        "bound": "upper",
    },
    "prices": {
        "id": "subscription",
        "company": "stability-ai",
        "product": "Stable Diffusion subscription",
        "price": "$20/month",
        "starting_at": "true",
        "effective": "2023-12",
    },
    "fx_rates": {"id": "eur-2024", "currency": "EUR", "date": "2024-01-02", "usd": "1.0956"},
    "stakes": {
        "id": "fund-stake",
        "holder": "fund",
        "company": "stability-ai",
        "date": "2023-06",
        "event": "purchase",
        "purchase": "secondary",
        "seller": "emad",
        "share": "5%",
        "shares": "1M",
        "diluted": "true",
        "price_per_share": "$3",
        "paid": "$3M",
        "status": "closed",
        "condition": "closing in June",
        "controlling": "false",
    },
    "gpu_targets": {
        "id": "xai-100k",
        "entity": "xai",
        "units": "100,000",
        "by": "by end of 2024",
        "set_by": "elon-musk",
    },
    "assumptions": {
        "id": "gpus-per-gw",
        "measure": "gpus_per_gw",
        "gpus": "500,000",
        "sku": "GB200",
        "date": "2025-09",
    },
    "warrants": {
        "id": "chip-warrant",
        "issuer": "chipco",
        "holder": "lab",
        "date": "2025-10",
        "shares": "160M",
        "exercise_price": "$0.01",
        "expiry": "2030-10",
        "vesting": [
            {"shares": "40M", "milestone": "1 GW deployed", "met": "2026-12"},
            {"shares": "40M", "price_hurdle": "$600", "status": "pending"},
        ],
    },
    "share_counts": {"id": "chip-shares", "company": "chipco", "date": "2025-09", "basic": "1.6B"},
    "listings": {
        "id": "cloud-ipo",
        "company": "gpucloud",
        "date": "2025-03-28",
        "price": "$40",
        "shares_offered": "37.5M",
        "primary": "36.6M",
        "secondary": "0.9M",
        "buyers": [{"buyer": "chipco", "amount": "$250M"}],
    },
    "mergers": {
        "id": "lab-social",
        "kind": "share_exchange",
        "acquirer": "lab",
        "target": "social",
        "date": "2025-03",
        "acquirer_value": "$80B",
        "target_value": "$33B",
    },
    "vehicles": {
        "id": "gpu-spv",
        "vehicle": "spv",
        "date": "2025-10",
        "pieces": [{"participant": "fund", "kind": "equity", "amount": "$7.5B"}],
        "buys": "GPUs",
        "lessee": "lab",
        "lease_start": "2026",
        "lease_end": "2030",
    },
    "capex": {
        "id": "meta-2025",
        "company": "meta",
        "basis": "guidance",
        "period": "2025",
        "amount": "$64B to $72B",
    },
}


def test_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_validates_from_strings(kind: str) -> None:
    record = KINDS[kind].model_validate(SAMPLES[kind])
    assert isinstance(record, KINDS[kind])
    assert kind_of(record) == kind == type(record).KIND
    assert record.id == SAMPLES[kind]["id"]


def test_string_values_become_typed_values() -> None:
    entity = Entity.model_validate(SAMPLES["entities"])
    assert entity.type is EntityType.company
    assert entity.founded == PartialDate(Precision.YEAR, 2019)
    assert entity.controlled_by == ("emad",)
    assert entity.sources == (Citation(source="fr-2024-04-aws"),)

    rnd = FundingRound.model_validate(SAMPLES["funding_rounds"])
    assert rnd.date == PartialDate(Precision.QUARTER, 2023, 4)
    assert rnd.status is RoundStatus.committed
    assert rnd.amount == Money(Decimal(50_000_000), "USD")
    assert rnd.investors[0].lead is True
    assert [t.status for t in rnd.tranches] == [TrancheStatus.disbursed, TrancheStatus.committed]
    assert rnd.reported == PartialDate(Precision.DAY, 2024, 4, 2)

    contract = ComputeContract.model_validate(SAMPLES["compute_contracts"])
    assert contract.rate == Rate(Money(Decimal("2.5E9"), "USD"), "year")
    assert contract.capacity == Capacity(Decimal("4.5"), "GW")
    assert contract.arrangement is Arrangement.lease
    assert contract.end == PartialDate(Precision.FISCAL_YEAR, 2028)

    order = GPUOrder.model_validate(SAMPLES["gpu_orders"])
    assert order.quantity == 12_000
    assert [d.quantity for d in order.scheduled + order.delivered] == [6_000, 4_000]

    fx = FxRate.model_validate(SAMPLES["fx_rates"])
    assert fx.usd == Decimal("1.0956")
    assert isinstance(fx.usd, Decimal)

    cash = CashBalance.model_validate(SAMPLES["cash_balances"])
    # a file of before bounds were written in the amount: bound upper is "at most"
    assert cash.amount == Money(Decimal(4_000_000), "USD", "at most")
    assert cash.amount.kind == "upper"


def test_old_ceilings_load_as_ceilings() -> None:
    rnd = FundingRound.model_validate(
        {"id": "r", "company": "e", "date": "2025", "amount": "$100B", "up_to": True}
    )
    assert rnd.amount == Money(Decimal(10**11), "USD", "up to")
    assert rnd.amount.kind == "ceiling"
    assert str(rnd.amount) == "up to $100B"
    plain = FundingRound.model_validate(
        {"id": "r", "company": "e", "date": "2025", "amount": "$1B", "up_to": False}
    )
    assert plain.amount == Money(Decimal(10**9), "USD")


def test_defaults() -> None:
    source = Source.model_validate({"id": "s", "outlet": "o", "title": "t", "date": "2024"})
    assert source.language == "en"
    assert source.note is None
    entity = Entity.model_validate({"id": "e", "name": "E", "type": "company"})
    assert entity.fiscal_year_end == "12-31"
    assert entity.controlled_by == ()
    assert entity.sources == ()
    rnd = FundingRound.model_validate({"id": "r", "company": "e", "date": "2023"})
    assert rnd.status is RoundStatus.closed
    assert rnd.effort is None


def test_strings_are_stripped() -> None:
    source = Source.model_validate({"id": "s", "outlet": "  o  ", "title": "t\n", "date": "2024"})
    assert (source.outlet, source.title) == ("o", "t")


def test_whole_gpu_counts() -> None:
    base = {**SAMPLES["gpu_orders"], "scheduled": [], "delivered": []}
    for written, expected in (("12,000", 12_000), ("12_000", 12_000), (12000, 12_000)):
        assert GPUOrder.model_validate({**base, "quantity": written}).quantity == expected
    assert GPUOrder.model_validate({**base, "quantity": Decimal("12000.0")}).quantity == 12_000
    for bad in ("12.5", Decimal("1.5"), True, "twelve", 0, "-5"):
        with pytest.raises(ValidationError):
            GPUOrder.model_validate({**base, "quantity": bad})


# --- immutability and strictness ----------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_records_are_frozen(kind: str) -> None:
    record = KINDS[kind].model_validate(SAMPLES[kind])
    with pytest.raises(ValidationError, match="frozen"):
        record.id = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        record.note = "changed"  # type: ignore[misc]
    assert hash(record) == hash(KINDS[kind].model_validate(SAMPLES[kind]))


def test_nested_models_are_frozen() -> None:
    rnd = FundingRound.model_validate(SAMPLES["funding_rounds"])
    with pytest.raises(ValidationError, match="frozen"):
        rnd.tranches[0].amount = Money.parse("$1M")  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        rnd.investors[0].lead = False  # type: ignore[misc]


@pytest.mark.parametrize("kind", list(KINDS))
def test_unknown_fields_are_refused(kind: str) -> None:
    with pytest.raises(ValidationError) as info:
        KINDS[kind].model_validate({**SAMPLES[kind], "bogus": "x"})
    assert [e["type"] for e in info.value.errors()] == ["extra_forbidden"]
    assert info.value.errors()[0]["loc"] == ("bogus",)


def test_unknown_fields_in_nested_models_are_refused() -> None:
    data = {**SAMPLES["cloud_bills"], "payments": [{"date": "2023-09", "amount": "$2M", "x": 1}]}
    with pytest.raises(ValidationError) as info:
        CloudBill.model_validate(data)
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [
        ("extra_forbidden", ("payments", 0, "x"))
    ]


@pytest.mark.parametrize("bad_id", ["", "-leading-dash", "has space", "a/b", "é", "x" * 201])
def test_ids_are_checked(bad_id: str) -> None:
    with pytest.raises(ValidationError):
        Source.model_validate({"id": bad_id, "outlet": "o", "title": "t", "date": "2024"})


# --- every field is described -----------------------------------------------------------


def _models(cls: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if cls in seen:
        return
    seen.add(cls)
    for info in cls.model_fields.values():
        for model in _nested(info.annotation):
            _models(model, seen)


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _nested(arg)]


def _all_models() -> list[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    for cls in KINDS.values():
        _models(cls, seen)
    return sorted(seen, key=lambda c: c.__name__)


def test_nested_models_are_found() -> None:
    names = {m.__name__ for m in _all_models()}
    assert {"Citation", "Participation", "Tranche", "Payment", "Delivery"} <= names
    assert {c.__name__ for c in KINDS.values()} <= names


@pytest.mark.parametrize("model", _all_models(), ids=lambda m: m.__name__)
def test_every_field_has_a_description(model: type[BaseModel]) -> None:
    assert model.model_fields
    missing = [n for n, f in model.model_fields.items() if not (f.description or "").strip()]
    assert missing == [], f"{model.__name__}: fields without a description: {missing}"
    assert (model.__doc__ or "").strip(), f"{model.__name__} has no docstring"


# --- consistency checks ------------------------------------------------------------------


def check_problems(cls: type[Record], data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The (field, expected, found) triples of the checks that refuse ``data``."""
    with pytest.raises(ValidationError) as info:
        cls.model_validate(data)
    out: list[tuple[str, str, str]] = []
    for err in info.value.errors():
        error = (err.get("ctx") or {}).get("error")
        assert isinstance(error, RecordCheckError), err
        out.extend(c[:3] for c in error.problems)
    return out


def fields_of(cls: type[Record], data: dict[str, Any]) -> list[str]:
    return [field for field, _, _ in check_problems(cls, data)]


BILL = {"id": "b", "payer": "p", "provider": "aws", "period": "2023-08"}


def test_payments_above_the_bill() -> None:
    data = {
        **BILL,
        "billed": "$7M",
        "payments": [{"date": "2023-09", "amount": "$5M"}, {"date": "2023-10", "amount": "$3M"}],
    }
    [(field, expected, found)] = check_problems(CloudBill, data)
    assert field == "payments"
    assert "$7M" in expected
    assert found == "$8M"
    exact = {**data, "payments": [{"date": "2023-09", "amount": "$7M"}]}
    assert CloudBill.model_validate(exact).unpaid == Money.zero("USD")


def test_payments_in_another_currency() -> None:
    data = {**BILL, "billed": "$7M", "payments": [{"date": "2023-09", "amount": "€1M"}]}
    assert fields_of(CloudBill, data) == ["payments"]


def test_outstanding_must_be_billed_minus_payments() -> None:
    data = {
        **BILL,
        "billed": "$7M",
        "payments": [{"date": "2023-09", "amount": "$2M"}],
        "outstanding": "$4M",
    }
    [(field, expected, found)] = check_problems(CloudBill, data)
    assert (field, found) == ("outstanding", "$4M")
    assert "$5M" in expected
    assert CloudBill.model_validate({**data, "outstanding": "$5M"}).outstanding == Money.parse(
        "$5M"
    )


def test_a_bill_needs_billed_or_outstanding() -> None:
    assert fields_of(CloudBill, BILL) == ["billed"]
    assert fields_of(CloudBill, {**BILL, "outstanding": "-$1M"}) == ["outstanding"]
    assert fields_of(CloudBill, {**BILL, "billed": "$0"}) == ["billed"]


def test_tranches_above_the_round() -> None:
    data = {
        "id": "r",
        "company": "c",
        "date": "2023",
        "amount": "$50M",
        "tranches": [
            {"amount": "$30M", "status": "disbursed"},
            {"amount": "$30M", "status": "committed"},
        ],
    }
    [(field, expected, found)] = check_problems(FundingRound, data)
    assert field == "tranches"
    assert "$50M" in expected
    assert "$60M" in found


def test_investor_amounts_above_the_round() -> None:
    data = {
        "id": "r",
        "company": "c",
        "date": "2023",
        "amount": "$50M",
        "investors": [{"investor": "a", "amount": "$40M"}, {"investor": "b", "amount": "$20M"}],
    }
    assert fields_of(FundingRound, data) == ["investors"]
    mixed = {**data, "investors": [{"investor": "a", "amount": "€1M"}, {"investor": "b"}]}
    assert FundingRound.model_validate(mixed).investors[1].amount is None
    several = {
        **data,
        "investors": [{"investor": "a", "amount": "€1M"}, {"investor": "b", "amount": "$1M"}],
    }
    assert fields_of(FundingRound, several) == ["investors"]


def test_round_amounts_must_be_positive() -> None:
    data = {"id": "r", "company": "c", "date": "2023", "amount": "$0", "post_money": "-$1B"}
    assert fields_of(FundingRound, data) == ["amount", "post_money"]


ORDER = {"id": "o", "buyer": "b", "vendor": "nvidia", "sku": "H100", "order_date": "2023-03"}


def test_delivery_before_the_order() -> None:
    data = {
        **ORDER,
        "quantity": 100,
        "scheduled": [{"date": "2023-02", "quantity": 10}],
        "delivered": [{"date": "2023-03-01", "quantity": 10}, {"date": "2022", "quantity": 5}],
    }
    problems = check_problems(GPUOrder, data)
    assert [f for f, _, _ in problems] == ["scheduled.0.date", "delivered.1.date"]
    assert all("2023-03" in expected for _, expected, _ in problems)
    # a delivery dated by a span that reaches the order date is not before it
    ok = {**data, "scheduled": [{"date": "2023-Q1", "quantity": 10}], "delivered": []}
    assert GPUOrder.model_validate(ok).scheduled[0].date == PartialDate(Precision.QUARTER, 2023, 1)


def test_more_deliveries_than_ordered() -> None:
    data = {
        **ORDER,
        "quantity": "100",
        "delivered": [{"date": "2023-04", "quantity": 60}, {"date": "2023-05", "quantity": 50}],
    }
    [(field, expected, found)] = check_problems(GPUOrder, data)
    assert (field, found) == ("delivered", "110")
    assert "100" in expected
    assert fields_of(GPUOrder, {**data, "scheduled": data["delivered"]}) == [
        "scheduled",
        "delivered",
    ]


FLOW = {"id": "f", "company": "c", "date": "2023"}


@pytest.mark.parametrize(("cls", "extra"), [(Revenue, {}), (Expense, {"category": "compute"})])
def test_amount_xor_rate(cls: type[Record], extra: dict[str, str]) -> None:
    both = {**FLOW, **extra, "amount": "$1M", "rate": "$1M/month"}
    assert check_problems(cls, both) == [("amount", "either an amount or a rate", "both")]
    neither = {**FLOW, **extra}
    assert check_problems(cls, neither) == [("amount", "either an amount or a rate", "neither")]
    assert cls.model_validate({**FLOW, **extra, "amount": "$1M"}).rate is None
    assert cls.model_validate({**FLOW, **extra, "rate": "$1M/month"}).amount is None


@pytest.mark.parametrize(("cls", "extra"), [(Revenue, {}), (Expense, {"category": "compute"})])
def test_until_before_date(cls: type[Record], extra: dict[str, str]) -> None:
    data = {**FLOW, **extra, "rate": "$1M/month", "until": "2022-12"}
    [(field, expected, found)] = check_problems(cls, data)
    assert (field, found) == ("until", "2022-12")
    assert "2023" in expected
    assert cls.model_validate({**data, "until": "2023-01"}).until == PartialDate(
        Precision.MONTH, 2023, 1
    )


@pytest.mark.parametrize(
    ("cls", "data", "field"),
    [
        (Entity, {"id": "e", "name": "E", "type": "company", "controlled_by": ["a", "e"]}, None),
        (
            GPUReallocation,
            {
                "id": "g",
                "from_entity": "a",
                "to_entity": "b",
                "quantity": 1,
                "date": "2023",
                "exchanged_for": "g",
            },
            "exchanged_for",
        ),
        (Revenue, {**FLOW, "amount": "$1M", "included_in": "f"}, "included_in"),
        (
            Expense,
            {**FLOW, "amount": "$1M", "category": "tax", "included_in": "f"},
            "included_in",
        ),
    ],
    ids=["controlled_by", "exchanged_for", "revenue.included_in", "expense.included_in"],
)
def test_self_references(cls: type[Record], data: dict[str, Any], field: str | None) -> None:
    [(found_field, _, found)] = check_problems(cls, data)
    assert found_field == (field or "controlled_by")
    assert found == repr(data["id"])


def test_reallocation_to_the_same_entity() -> None:
    data = {"id": "g", "from_entity": "a", "to_entity": "a", "quantity": 1, "date": "2023"}
    assert fields_of(GPUReallocation, data) == ["to_entity"]


def test_contract_checks() -> None:
    base = {"id": "c", "buyer": "b", "seller": "s", "start": "2024"}
    assert fields_of(ComputeContract, {**base, "end": "2023"}) == ["end"]
    assert fields_of(ComputeContract, {**base, "rate": "-$1M/year"}) == ["rate"]
    assert fields_of(ComputeContract, {**base, "capacity": "0 GW"}) == ["capacity"]


def test_price_needs_one_price() -> None:
    base = {"id": "p", "company": "c", "product": "x", "effective": "2024"}
    assert fields_of(Price, base) == ["price"]
    assert fields_of(Price, {**base, "price": "$20/month", "one_off": "$5"}) == ["price"]


def test_cash_balance_is_not_negative() -> None:
    data = {"id": "c", "company": "c", "date": "2023", "amount": "-$1M"}
    assert fields_of(CashBalance, data) == ["amount"]
    assert CashBalance.model_validate({**data, "amount": "$0"}).amount == Money.zero()


def test_all_problems_of_a_record_are_reported_at_once() -> None:
    data = {
        **ORDER,
        "quantity": 10,
        "unit_price": "$0",
        "delivered": [{"date": "2020", "quantity": 11}],
    }
    assert fields_of(GPUOrder, data) == ["unit_price", "delivered.0.date", "delivered"]


def test_record_check_error_message() -> None:
    error = RecordCheckError([("a", "x", "y"), ("b", "z", "w", "out-of-range")])
    assert str(error) == "a: x, got y; b: z, got w"
    assert [c.code for c in error.problems] == ["inconsistent", "out-of-range"]
    assert [c[:3] for c in error.problems] == [("a", "x", "y"), ("b", "z", "w")]


# --- CloudBill.paid / unpaid ------------------------------------------------------------


def test_paid_and_unpaid_with_payments() -> None:
    bill = CloudBill.model_validate(
        {
            **BILL,
            "billed": "$7M",
            "payments": [
                {"date": "2023-09", "amount": "$2M"},
                {"date": "2023-10", "amount": "$1.5M"},
            ],
        }
    )
    assert bill.paid == Money.parse("$3.5M")
    assert bill.unpaid == Money.parse("$3.5M")


def test_paid_and_unpaid_without_payments() -> None:
    bill = CloudBill.model_validate({**BILL, "billed": "€7M"})
    assert bill.paid == Money.zero("EUR")
    assert bill.unpaid == Money.parse("€7M")


def test_unpaid_falls_back_to_outstanding() -> None:
    bill = CloudBill.model_validate({**BILL, "outstanding": "$1.6M"})
    assert bill.paid is None
    assert bill.unpaid == Money.parse("$1.6M")
    paid_some = CloudBill.model_validate(
        {**BILL, "outstanding": "$1M", "payments": [{"date": "2023-09", "amount": "$1M"}]}
    )
    assert paid_some.paid == Money.parse("$1M")
    assert paid_some.unpaid == Money.parse("$1M")


# --- citations ---------------------------------------------------------------------------


def test_citation_from_a_bare_source_id() -> None:
    assert Citation.model_validate("fr-2024-04-aws") == Citation(source="fr-2024-04-aws")
    revenue = Revenue.model_validate(
        {
            **FLOW,
            "amount": "$11M",
            "sources": [
                "fr-2024-04-aws",
                {"source": "de-2024", "quote": "nur $11 Mio.", "translation": "only $11M"},
            ],
        }
    )
    first, second = revenue.sources
    assert (first.source, first.quote, first.translation) == ("fr-2024-04-aws", None, None)
    assert (second.source, second.quote, second.translation) == (
        "de-2024",
        "nur $11 Mio.",
        "only $11M",
    )


def test_citation_needs_a_source() -> None:
    with pytest.raises(ValidationError):
        Citation.model_validate({"quote": "no source"})
    with pytest.raises(ValidationError):
        Citation.model_validate({"source": "s", "page": 3})


def test_dates_in_python_objects() -> None:
    source = Source(id="s", outlet="o", title="t", date=dt.date(2024, 4, 2))  # type: ignore[arg-type]
    assert source.date == PartialDate(Precision.DAY, 2024, 4, 2)
    assert source.model_dump(mode="json")["date"] == "2024-04-02"
