"""aicapex: a typed, auditable ledger of AI-infrastructure finance.

The flat public API::

    import aicapex as ac
    led = ac.load("data/stability_ai.yaml")   # or several files, or a directory
    led.frame("cloud_bills")                   # pandas DataFrame of one record kind
    led.save("out.yaml")                       # canonical, atomic; load(save(x)) == x
    led.flows()                                # one tidy table of money movements
    ac.burn(led, "stability-ai", "2023-01", "2023-12")
    ac.runway(led, "stability-ai", as_of="2023-10").months

Records (:mod:`aicapex.records`), money and units (:mod:`aicapex.money`, :mod:`aicapex.units`),
dates (:mod:`aicapex.dates`), files (:mod:`aicapex.files`), the ledger (:mod:`aicapex.ledger`),
frames (:mod:`aicapex.frames`) and the JSON Schema (:mod:`aicapex.schema`). Importing aicapex does
not import pandas or pint: they load on first use. The report the CLI prints is
:func:`aicapex.report.report`; conflicting reports are :meth:`Ledger.conflicts`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aicapex.dates import PartialDate, Precision
from aicapex.errors import LedgerError, Problem
from aicapex.ledger import Ledger, Origin, bundled_data, load
from aicapex.money import (
    Capacity,
    CurrencyMismatch,
    Money,
    Rate,
    format_money,
    parse_money,
    sum_money,
)
from aicapex.records import (
    KINDS,
    Arrangement,
    Basis,
    Bound,
    CashBalance,
    Citation,
    CloudBill,
    ComputeContract,
    Delivery,
    Entity,
    EntityType,
    Expense,
    ExpenseCategory,
    Fact,
    FundingRound,
    FxRate,
    GPUOrder,
    GPUReallocation,
    Instrument,
    Participation,
    Payment,
    Price,
    Record,
    RecordCheckError,
    Revenue,
    RevenueCategory,
    RoundStatus,
    Source,
    Tranche,
    TrancheStatus,
)

if TYPE_CHECKING:
    from aicapex.analysis.arrears import AGE_BUCKETS, arrears
    from aicapex.analysis.burn import BURN_CATEGORIES, burn
    from aicapex.analysis.flows import FLOW_COLUMNS, flows
    from aicapex.analysis.gap import compute_gap
    from aicapex.analysis.runway import POLICIES, Policy, Runway, runway
    from aicapex.conflicts import ConflictPolicy
    from aicapex.reference import format_reference
    from aicapex.schema import json_schema
    from aicapex.tables import TABLE_KINDS, read_table

__version__ = "0.1.0"

_LAZY = {
    "json_schema": "aicapex.schema",
    "arrears": "aicapex.analysis.arrears",
    "burn": "aicapex.analysis.burn",
    "flows": "aicapex.analysis.flows",
    "compute_gap": "aicapex.analysis.gap",
    "runway": "aicapex.analysis.runway",
    "Runway": "aicapex.analysis.runway",
    "read_table": "aicapex.tables",
    "TABLE_KINDS": "aicapex.tables",
    "AGE_BUCKETS": "aicapex.analysis.arrears",
    "BURN_CATEGORIES": "aicapex.analysis.burn",
    "FLOW_COLUMNS": "aicapex.analysis.flows",
    "POLICIES": "aicapex.analysis.runway",
    "Policy": "aicapex.analysis.runway",
    "ConflictPolicy": "aicapex.conflicts",
    "format_reference": "aicapex.reference",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aicapex' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "AGE_BUCKETS",
    "BURN_CATEGORIES",
    "FLOW_COLUMNS",
    "KINDS",
    "POLICIES",
    "TABLE_KINDS",
    "Arrangement",
    "Basis",
    "Bound",
    "Capacity",
    "CashBalance",
    "Citation",
    "CloudBill",
    "ComputeContract",
    "ConflictPolicy",
    "CurrencyMismatch",
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
    "Ledger",
    "LedgerError",
    "Money",
    "Origin",
    "PartialDate",
    "Participation",
    "Payment",
    "Policy",
    "Precision",
    "Price",
    "Problem",
    "Rate",
    "Record",
    "RecordCheckError",
    "Revenue",
    "RevenueCategory",
    "RoundStatus",
    "Runway",
    "Source",
    "Tranche",
    "TrancheStatus",
    "__version__",
    "arrears",
    "bundled_data",
    "burn",
    "compute_gap",
    "flows",
    "format_money",
    "format_reference",
    "json_schema",
    "load",
    "parse_money",
    "read_table",
    "runway",
    "sum_money",
]
