"""The fields of the kinds a bulk table holds (:data:`aicapex.table.bulk.TABLE_KINDS`), written
out: what :func:`~aicapex.table.bulk.read_table` needs to know of the record models to check a
table's columns and build its frame, so that reading a table imports no record models (pydantic).
``tests/test_tablespec.py`` holds each kind equal to its model (fields, types, defaults, the
frame's columns as ``Ledger.frame`` has them)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BOOL",
    "CAPACITY",
    "DATE",
    "ENUM",
    "INT",
    "ITEMS",
    "MONEY",
    "NESTED_TABLES",
    "PARENT_DATES",
    "PARTIES",
    "RATE",
    "SHARE",
    "SHARE_COUNT",
    "SOURCES",
    "SPECS",
    "TEXT",
    "TEXTS",
    "ColumnSpec",
    "Field",
    "Spec",
    "field_columns",
]

#: The types of fields: money, rates, partial dates, capacities, shares and numbers of shares,
#: enums, flags, whole numbers, text, cited sources, lists of text, nested lists of records.
MONEY, RATE, DATE, CAPACITY, SHARE, SHARE_COUNT = (
    "money",
    "rate",
    "date",
    "capacity",
    "share",
    "share_count",
)
ENUM, BOOL, INT, TEXT, SOURCES, TEXTS, ITEMS = (
    "enum",
    "bool",
    "int",
    "text",
    "sources",
    "texts",
    "items",
)

_DATETIME = "datetime64[ns]"
#: Fields frames put last, in this order (as ``Ledger.frame`` does).
_LAST = ("note", "sources", "reported", "fiscal_year_of")


@dataclass(frozen=True, slots=True)
class Field:
    """A field of a record: its name, type (one of the constants above), whether it is required,
    for enums their values (in order), and the default value of an enum or a flag (a flag's
    missing cells and absent column read as it, as the model fills it in)."""

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | bool | None = None


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """The frame columns of a field: their names and dtypes."""

    field: str
    names: tuple[str, ...]
    dtypes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Spec:
    """A kind's fields (in the model's order), the fields naming other records, the head
    columns of a nested kind (the parent's id and party) and the field dating a record."""

    fields: tuple[Field, ...]
    refs: frozenset[str]
    head: tuple[tuple[str, str], ...] = ()
    date_field: str | None = None

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        """The frame's columns field by field, as ``Ledger.frame`` has them (the fields of
        :data:`_LAST` last; nested lists of records have frames of their own)."""
        by_name = {f.name: f for f in self.fields}
        order = [f for f in self.fields if f.name not in _LAST]
        order += [by_name[n] for n in _LAST if n in by_name]
        return tuple(c for f in order if (c := field_columns(f, self.refs)) is not None)

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The columns a CSV file's reader keeps as text: ids, the head columns, references and
        the fields of text (``007`` is an id, a SKU, a note; read as a number it was ``7``)."""
        text = {f.name for f in self.fields if f.type in (TEXT, SOURCES, TEXTS, ITEMS)}
        return ("id", *(h for h, _ in self.head), *sorted((self.refs | text) - {"id"}))


def field_columns(field: Field, refs: frozenset[str]) -> ColumnSpec | None:
    """The frame columns of ``field`` (``None`` for a nested list: a frame of its own); a
    field of one column named in ``refs`` is a category. Record frames and bulk tables both
    name their columns here."""
    n = field.name
    names: tuple[str, ...]
    dtypes: tuple[str, ...]
    if field.type == ITEMS:
        return None
    if field.type == MONEY:
        names = (n, f"{n}_currency", f"{n}_usd", f"{n}_kind", f"{n}_low_usd", f"{n}_high_usd")
        dtypes = ("float64", "category", "float64", "category", "float64", "float64")
    elif field.type == RATE:
        names = (
            n,
            f"{n}_per",
            f"{n}_currency",
            f"{n}_usd",
            f"{n}_usd_per_month",
            f"{n}_kind",
            f"{n}_low_usd_per_month",
            f"{n}_high_usd_per_month",
        )
        dtypes = ("float64", "category", "category", "float64", "float64", "category", "float64")
        dtypes += ("float64",)
    elif field.type == CAPACITY:
        names = (n, f"{n}_unit", f"{n}_sku", f"{n}_kind", f"{n}_low", f"{n}_high")
        dtypes = ("float64", "category", "category", "category", "float64", "float64")
    elif field.type in (SHARE, SHARE_COUNT):
        names = (n, f"{n}_kind", f"{n}_low", f"{n}_high")
        dtypes = ("float64", "category", "float64", "float64")
    elif field.type == DATE:
        names = (f"{n}_start", f"{n}_end", f"{n}_precision")
        dtypes = (_DATETIME, _DATETIME, "category")
    else:
        names = (n,)
        dtypes = (_plain_dtype(field, refs),)
    return ColumnSpec(n, names, dtypes)


def _plain_dtype(field: Field, refs: frozenset[str]) -> str:
    """The dtype of a field of one column."""
    if field.type in (SOURCES, TEXTS):
        return "string"
    if field.type == ENUM:
        return "category"
    if field.type == BOOL:
        return "boolean"
    if field.type == INT:
        return "Int64"
    if field.name == "id":
        return "str"
    return "category" if field.name in refs else "string"


_BASIS = ("actual", "expected", "estimated", "planned")

#: The fields every fact kind starts with (``aicapex.records.base.Fact``).
_FACT = (
    Field("id", TEXT, required=True),
    Field("note", TEXT),
    Field("sources", SOURCES),
    Field("reported", DATE),
    Field("fiscal_year_of", TEXT),
)

EXPENSES = Spec(
    fields=(
        *_FACT,
        Field("company", TEXT, required=True),
        Field("counterparty", TEXT),
        Field("amount", MONEY),
        Field("rate", RATE),
        Field("date", DATE, required=True),
        Field("until", DATE),
        Field("basis", ENUM, choices=_BASIS, default="actual"),
        Field("included_in", TEXT),
        Field(
            "category", ENUM, required=True, choices=("compute", "payroll", "opex", "tax", "other")
        ),
    ),
    refs=frozenset(["company", "counterparty", "fiscal_year_of", "included_in"]),
    date_field="date",
)

REVENUES = Spec(
    fields=(
        *_FACT,
        Field("company", TEXT, required=True),
        Field("counterparty", TEXT),
        Field("amount", MONEY),
        Field("rate", RATE),
        Field("date", DATE, required=True),
        Field("until", DATE),
        Field("basis", ENUM, choices=_BASIS, default="actual"),
        Field("included_in", TEXT),
        Field(
            "category",
            ENUM,
            choices=("sales", "subscription", "services", "compute_resale", "licensing", "other"),
            default="sales",
        ),
        Field("share", SHARE),
        Field("of", TEXT),
    ),
    refs=frozenset(["company", "counterparty", "fiscal_year_of", "included_in", "of"]),
    date_field="date",
)

CLOUD_BILLS = Spec(
    fields=(
        *_FACT,
        Field("payer", TEXT, required=True),
        Field("provider", TEXT, required=True),
        Field("period", DATE, required=True),
        Field("billed", MONEY),
        Field("due", DATE),
        Field("payments", ITEMS),
        Field("outstanding", MONEY),
    ),
    refs=frozenset(["fiscal_year_of", "payer", "provider"]),
    date_field="period",
)

CASH_BALANCES = Spec(
    fields=(
        *_FACT,
        Field("company", TEXT, required=True),
        Field("date", DATE, required=True),
        Field("amount", MONEY, required=True),
    ),
    refs=frozenset(["company", "fiscal_year_of"]),
    date_field="date",
)

FUNDING_ROUNDS = Spec(
    fields=(
        *_FACT,
        Field("company", TEXT, required=True),
        Field("date", DATE, required=True),
        Field(
            "status",
            ENUM,
            choices=(
                "rumoured",
                "in_talks",
                "sought",
                "announced",
                "committed",
                "closed",
                "cancelled",
                "failed",
            ),
            default="closed",
        ),
        Field(
            "instrument",
            ENUM,
            choices=(
                "equity",
                "convertible_note",
                "safe",
                "debt",
                "grant",
                "in_kind_compute",
                "warrant",
            ),
        ),
        Field("series", TEXT),
        Field("amount", MONEY),
        Field("pre_money", MONEY),
        Field("post_money", MONEY),
        Field("price_per_share", MONEY),
        Field("shares_issued", SHARE_COUNT),
        Field("secondary", BOOL, default=False),
        Field("investors", ITEMS),
        Field("effort", TEXT),
        Field("tranches", ITEMS),
    ),
    refs=frozenset(["company", "effort", "fiscal_year_of"]),
    date_field="date",
)

COMPUTE_CONTRACTS = Spec(
    fields=(
        *_FACT,
        Field("buyer", TEXT, required=True),
        Field("seller", TEXT, required=True),
        Field("start", DATE, required=True),
        Field("end", DATE),
        Field("total_value", MONEY),
        Field("rate", RATE),
        Field("capacity", CAPACITY),
        Field(
            "arrangement",
            ENUM,
            choices=("lease", "purchase", "cloud", "colocation", "other"),
            default="cloud",
        ),
        Field(
            "status",
            ENUM,
            choices=("rumoured", "in_talks", "announced", "signed", "cancelled", "failed"),
            default="signed",
        ),
        Field("take_or_pay", BOOL, default=False),
        Field("ramp", ITEMS),
    ),
    refs=frozenset(["buyer", "fiscal_year_of", "seller"]),
    date_field="start",
)

GPU_ORDERS = Spec(
    fields=(
        *_FACT,
        Field("buyer", TEXT, required=True),
        Field("vendor", TEXT, required=True),
        Field("sku", TEXT, required=True),
        Field("quantity", INT, required=True),
        Field("unit_price", MONEY),
        Field("total", MONEY),
        Field("order_date", DATE, required=True),
        Field(
            "status",
            ENUM,
            choices=(
                "rumoured",
                "in_talks",
                "announced",
                "committed",
                "delivered",
                "cancelled",
                "failed",
            ),
            default="committed",
        ),
        Field("scheduled", ITEMS),
        Field("delivered", ITEMS),
        Field("payments", ITEMS),
    ),
    refs=frozenset(["buyer", "fiscal_year_of", "vendor"]),
    date_field="order_date",
)

GPU_REALLOCATIONS = Spec(
    fields=(
        *_FACT,
        Field("order", TEXT),
        Field("sku", TEXT),
        Field("from_entity", TEXT, required=True),
        Field("to_entity", TEXT, required=True),
        Field("quantity", INT, required=True),
        Field("date", DATE, required=True),
        Field("reason", TEXT),
        Field("exchanged_for", TEXT),
    ),
    refs=frozenset(["exchanged_for", "fiscal_year_of", "from_entity", "order", "to_entity"]),
    date_field="date",
)

TRANCHES = Spec(
    fields=(
        Field("amount", MONEY, required=True),
        Field(
            "status", ENUM, required=True, choices=("committed", "disbursed", "cancelled", "failed")
        ),
        Field("date", DATE),
        Field("condition", TEXT),
    ),
    refs=frozenset([]),
    head=(("round", "category"), ("company", "category")),
)

DELIVERIES = Spec(
    fields=(
        Field("date", DATE, required=True),
        Field("quantity", INT, required=True),
    ),
    refs=frozenset([]),
    head=(("order", "category"), ("buyer", "category"), ("status", "category")),
)

PAYMENTS = Spec(
    fields=(
        Field("date", DATE, required=True),
        Field("amount", MONEY, required=True),
    ),
    refs=frozenset([]),
    head=(("bill", "category"), ("payer", "category")),
)

INVESTMENTS = Spec(
    fields=(
        Field("investor", TEXT, required=True),
        Field("amount", MONEY),
        Field("lead", BOOL, default=False),
    ),
    refs=frozenset([]),
    head=(("round", "category"), ("company", "category")),
)

RAMPS = Spec(
    fields=(
        Field("period", DATE, required=True),
        Field("amount", MONEY),
        Field("rate", RATE),
    ),
    refs=frozenset([]),
    head=(("contract", "category"), ("buyer", "category")),
)

ORDER_PAYMENTS = Spec(
    fields=(
        Field("date", DATE, required=True),
        Field("amount", MONEY, required=True),
    ),
    refs=frozenset([]),
    head=(("order", "category"), ("buyer", "category")),
)


#: The fields of each kind a bulk table holds.
SPECS: dict[str, Spec] = {
    "expenses": EXPENSES,
    "revenues": REVENUES,
    "cloud_bills": CLOUD_BILLS,
    "cash_balances": CASH_BALANCES,
    "funding_rounds": FUNDING_ROUNDS,
    "compute_contracts": COMPUTE_CONTRACTS,
    "gpu_orders": GPU_ORDERS,
    "gpu_reallocations": GPU_REALLOCATIONS,
    "tranches": TRANCHES,
    "deliveries": DELIVERIES,
    "payments": PAYMENTS,
    "investments": INVESTMENTS,
    "ramps": RAMPS,
    "order_payments": ORDER_PAYMENTS,
}

#: The nested lists of the kinds a table holds (fields of type :data:`ITEMS`), by kind: the
#: table kind holding their items, one row each (as ``Ledger.frame`` has them). A table of the
#: parent kind has no column of them (but a round's ``investors``, as ids).
NESTED_TABLES: dict[str, dict[str, str]] = {
    "cloud_bills": {"payments": "payments"},
    "funding_rounds": {"investors": "investments", "tranches": "tranches"},
    "compute_contracts": {"ramp": "ramps"},
    "gpu_orders": {
        "scheduled": "deliveries",
        "delivered": "deliveries",
        "payments": "order_payments",
    },
}

#: The optional column of a nested table naming its parent record's date, as the parent's table
#: writes it (the parent's id column and its date field): ``Ledger.frame`` converts an item's
#: other currencies at its own date if it has one, else at its parent's date, which a table of
#: items knows only from this column (without it, such amounts have NaN ``_usd``). The items of
#: the other nested tables have a date of their own (required) or no money.
PARENT_DATES: dict[str, str] = {
    "tranches": "round_date",
    "investments": "round_date",
    "ramps": "contract_start",
}

#: The fields naming a kind's parties, the default owner of its fiscal years first (as the
#: record models' ``PARTIES``; a test holds them equal): fiscal-year owners and the
#: same-party rule of bulk tables.
PARTIES: dict[str, tuple[str, ...]] = {
    "expenses": ("company", "counterparty"),
    "revenues": ("company", "counterparty"),
    "cloud_bills": ("payer", "provider"),
    "cash_balances": ("company",),
    "funding_rounds": ("company",),
    "compute_contracts": ("buyer", "seller"),
    "gpu_orders": ("buyer", "vendor"),
    "gpu_reallocations": ("from_entity", "to_entity"),
}
