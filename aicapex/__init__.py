"""aicapex: a typed, auditable ledger of AI-infrastructure finance.

The flat public API::

    import aicapex as ac
    led = ac.load("data/stability_ai.yaml")   # or several files, or a directory
    led.frame("cloud_bills")                   # pandas DataFrame of one record kind
    led.save("out.yaml")                       # canonical, atomic; load(save(x)) == x
    led.flows()                                # one tidy table of money movements
    ac.burn(led, "stability-ai", "2023-01", "2023-12")
    ac.runway(led, "stability-ai", as_of="2023-10").months
    ac.report(led)                             # the report (``aicapex report``) as plain data

The package is built in floors, each importing only from the floors below
(``docs/architecture.md``): values (:mod:`aicapex.money`, :mod:`aicapex.dates`, ...), records
(:mod:`aicapex.records`), the ledger and loading (:mod:`aicapex.ledger`, :mod:`aicapex.loading`),
the columnar layer (:mod:`aicapex.table`: frames, conflicts, bulk tables, flows, adjustments),
analyses (:mod:`aicapex.analysis`, each returning a :class:`~aicapex.analysis.result.Result`),
the report, and rendering and the CLI. Importing aicapex does not import pandas or pint: they
load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Not lazy: the subpackage aicapex.export and the function share a name, and importing the
# subpackage sets the attribute to it. It is cheap: it imports nothing heavy at module level.
from aicapex.export import export

if TYPE_CHECKING:
    from aicapex.analysis.arrears import AGE_BUCKETS, Arrears, arrears
    from aicapex.analysis.burn import BURN_CATEGORIES, Burn, burn
    from aicapex.analysis.control import Control, control
    from aicapex.analysis.fundgap import FundingGap, funding_gap
    from aicapex.analysis.gap import ComputeGap, compute_gap
    from aicapex.analysis.ownership import Ownership, ownership
    from aicapex.analysis.reconcile import Reconciliation, reconcile
    from aicapex.analysis.result import Result
    from aicapex.analysis.runway import POLICIES, Policy, Runway, runway, runways
    from aicapex.analysis.valuation import Valuation, valuation
    from aicapex.capacity import Capacity
    from aicapex.dates import PartialDate, Precision
    from aicapex.errors import LedgerError, Problem
    from aicapex.export.sql import sql
    from aicapex.ledger import Ledger, Origin
    from aicapex.loading import bundled_data, load
    from aicapex.money import CurrencyMismatch, Money, Rate, format_money, parse_money, sum_money
    from aicapex.records import (
        CONTROL_THRESHOLD,
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
        PurchaseKind,
        Record,
        RecordCheckError,
        Revenue,
        RevenueCategory,
        RoundStatus,
        Source,
        Stake,
        StakeEvent,
        StakeStatus,
        Tranche,
        TrancheStatus,
    )
    from aicapex.reference import format_reference
    from aicapex.report import report
    from aicapex.scenarios import (
        AdjustmentError,
        Comparison,
        Scenario,
        ScenarioFile,
        Simulation,
        Sweep,
        add_flow,
        cancel,
        compare,
        cut_headcount,
        delay,
        disburse,
        dist,
        forgive,
        growth,
        pay,
        read_scenarios,
        remove,
        scale,
        simulate,
        sweep,
    )
    from aicapex.schema import json_schema
    from aicapex.shares import Share, ShareCount
    from aicapex.table.adjust import AddFlow, Adjustment, Exclude
    from aicapex.table.bulk import TABLE_KINDS, read_table
    from aicapex.table.conflicts import ConflictPolicy
    from aicapex.table.filters import filter_flows
    from aicapex.table.flows import FLOW_COLUMNS, flows
    from aicapex.table.focus import FocusImport, read_focus

if TYPE_CHECKING:  # GPUs, contracts and money that goes round
    from aicapex.analysis.contracts import ContractTerms, contract_terms
    from aicapex.analysis.fleet import Fleet, Targets, gpu_fleet, gpu_targets
    from aicapex.analysis.loops import Loops, cycles, flow_graph
    from aicapex.analysis.realloc import Reallocations, reallocations
    from aicapex.analysis.related import RelatedParties, related_parties
    from aicapex.analysis.roundtrip import RoundTrip, round_trip
    from aicapex.analysis.unitprices import GpuPrices, gpu_prices
    from aicapex.records import Assumption, GPUTarget, Measure, RampStep
    from aicapex.table.gpus import GPU_COLUMNS, gpu_movements

__version__ = "0.1.0"

_LAZY = {
    "Capacity": "aicapex.capacity",
    "PartialDate": "aicapex.dates",
    "Precision": "aicapex.dates",
    "LedgerError": "aicapex.errors",
    "Problem": "aicapex.errors",
    "Ledger": "aicapex.ledger",
    "Origin": "aicapex.ledger",
    "bundled_data": "aicapex.loading",
    "load": "aicapex.loading",
    "CurrencyMismatch": "aicapex.money",
    "Money": "aicapex.money",
    "Rate": "aicapex.money",
    "format_money": "aicapex.money",
    "parse_money": "aicapex.money",
    "sum_money": "aicapex.money",
    "KINDS": "aicapex.records",
    "Arrangement": "aicapex.records",
    "Basis": "aicapex.records",
    "Bound": "aicapex.records",
    "CashBalance": "aicapex.records",
    "Citation": "aicapex.records",
    "CloudBill": "aicapex.records",
    "ComputeContract": "aicapex.records",
    "Delivery": "aicapex.records",
    "Entity": "aicapex.records",
    "EntityType": "aicapex.records",
    "Expense": "aicapex.records",
    "ExpenseCategory": "aicapex.records",
    "Fact": "aicapex.records",
    "FundingRound": "aicapex.records",
    "FxRate": "aicapex.records",
    "GPUOrder": "aicapex.records",
    "GPUReallocation": "aicapex.records",
    "Instrument": "aicapex.records",
    "Participation": "aicapex.records",
    "Payment": "aicapex.records",
    "Price": "aicapex.records",
    "Record": "aicapex.records",
    "RecordCheckError": "aicapex.records",
    "Revenue": "aicapex.records",
    "RevenueCategory": "aicapex.records",
    "RoundStatus": "aicapex.records",
    "Source": "aicapex.records",
    "Tranche": "aicapex.records",
    "TrancheStatus": "aicapex.records",
    "CONTROL_THRESHOLD": "aicapex.records",
    "PurchaseKind": "aicapex.records",
    "Stake": "aicapex.records",
    "StakeEvent": "aicapex.records",
    "StakeStatus": "aicapex.records",
    "Share": "aicapex.shares",
    "ShareCount": "aicapex.shares",
    "ownership": "aicapex.analysis.ownership",
    "Ownership": "aicapex.analysis.ownership",
    "valuation": "aicapex.analysis.valuation",
    "Valuation": "aicapex.analysis.valuation",
    "control": "aicapex.analysis.control",
    "Control": "aicapex.analysis.control",
    "json_schema": "aicapex.schema",
    "sql": "aicapex.export.sql",
    "filter_flows": "aicapex.table.filters",
    "format_reference": "aicapex.reference",
    "read_table": "aicapex.table.bulk",
    "TABLE_KINDS": "aicapex.table.bulk",
    "read_focus": "aicapex.table.focus",
    "FocusImport": "aicapex.table.focus",
    "flows": "aicapex.table.flows",
    "FLOW_COLUMNS": "aicapex.table.flows",
    "ConflictPolicy": "aicapex.table.conflicts",
    "Adjustment": "aicapex.table.adjust",
    "AddFlow": "aicapex.table.adjust",
    "Exclude": "aicapex.table.adjust",
    "Result": "aicapex.analysis.result",
    "reconcile": "aicapex.analysis.reconcile",
    "Reconciliation": "aicapex.analysis.reconcile",
    "funding_gap": "aicapex.analysis.fundgap",
    "FundingGap": "aicapex.analysis.fundgap",
    "arrears": "aicapex.analysis.arrears",
    "Arrears": "aicapex.analysis.arrears",
    "AGE_BUCKETS": "aicapex.analysis.arrears",
    "burn": "aicapex.analysis.burn",
    "Burn": "aicapex.analysis.burn",
    "BURN_CATEGORIES": "aicapex.analysis.burn",
    "compute_gap": "aicapex.analysis.gap",
    "ComputeGap": "aicapex.analysis.gap",
    "runway": "aicapex.analysis.runway",
    "runways": "aicapex.analysis.runway",
    "Runway": "aicapex.analysis.runway",
    "POLICIES": "aicapex.analysis.runway",
    "Policy": "aicapex.analysis.runway",
    "AdjustmentError": "aicapex.scenarios",
    "Comparison": "aicapex.scenarios",
    "Scenario": "aicapex.scenarios",
    "ScenarioFile": "aicapex.scenarios",
    "Simulation": "aicapex.scenarios",
    "Sweep": "aicapex.scenarios",
    "dist": "aicapex.scenarios",
    "add_flow": "aicapex.scenarios",
    "cancel": "aicapex.scenarios",
    "compare": "aicapex.scenarios",
    "cut_headcount": "aicapex.scenarios",
    "delay": "aicapex.scenarios",
    "disburse": "aicapex.scenarios",
    "forgive": "aicapex.scenarios",
    "growth": "aicapex.scenarios",
    "pay": "aicapex.scenarios",
    "read_scenarios": "aicapex.scenarios",
    "remove": "aicapex.scenarios",
    "scale": "aicapex.scenarios",
    "simulate": "aicapex.scenarios",
    "sweep": "aicapex.scenarios",
    # the report module, callable as its function (aicapex.callmodule): ac.report(led)
    "report": "aicapex.report",
}


_LAZY.update(
    {
        "Assumption": "aicapex.records",
        "GPUTarget": "aicapex.records",
        "Measure": "aicapex.records",
        "RampStep": "aicapex.records",
        "GPU_COLUMNS": "aicapex.table.gpus",
        "gpu_movements": "aicapex.table.gpus",
        "gpu_fleet": "aicapex.analysis.fleet",
        "gpu_targets": "aicapex.analysis.fleet",
        "Fleet": "aicapex.analysis.fleet",
        "Targets": "aicapex.analysis.fleet",
        "reallocations": "aicapex.analysis.realloc",
        "Reallocations": "aicapex.analysis.realloc",
        "gpu_prices": "aicapex.analysis.unitprices",
        "GpuPrices": "aicapex.analysis.unitprices",
        "contract_terms": "aicapex.analysis.contracts",
        "ContractTerms": "aicapex.analysis.contracts",
        "flow_graph": "aicapex.analysis.loops",
        "cycles": "aicapex.analysis.loops",
        "Loops": "aicapex.analysis.loops",
        "round_trip": "aicapex.analysis.roundtrip",
        "RoundTrip": "aicapex.analysis.roundtrip",
        "related_parties": "aicapex.analysis.related",
        "RelatedParties": "aicapex.analysis.related",
    }
)


def __getattr__(name: str) -> Any:
    """The public names, imported on first use (``import aicapex`` loads no pandas, pydantic
    or YAML parser)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'aicapex' has no attribute {name!r}")
    import importlib

    imported = importlib.import_module(module)
    # a submodule of that name (aicapex.report, callable as its function) is the module itself:
    # aicapex.report.SECTIONS keeps working after ac.report(led)
    value = imported if module == f"{__name__}.{name}" else getattr(imported, name)
    # keep it: importing a subpackage (aicapex.export) set an attribute of the same name
    globals()[name] = value
    return value


__all__ = [
    "AGE_BUCKETS",
    "BURN_CATEGORIES",
    "CONTROL_THRESHOLD",
    "FLOW_COLUMNS",
    "KINDS",
    "POLICIES",
    "TABLE_KINDS",
    "AddFlow",
    "Adjustment",
    "AdjustmentError",
    "Arrangement",
    "Arrears",
    "Basis",
    "Bound",
    "Burn",
    "Capacity",
    "CashBalance",
    "Citation",
    "CloudBill",
    "Comparison",
    "ComputeContract",
    "ComputeGap",
    "ConflictPolicy",
    "Control",
    "CurrencyMismatch",
    "Delivery",
    "Entity",
    "EntityType",
    "Exclude",
    "Expense",
    "ExpenseCategory",
    "Fact",
    "FocusImport",
    "FundingGap",
    "FundingRound",
    "FxRate",
    "GPUOrder",
    "GPUReallocation",
    "Instrument",
    "Ledger",
    "LedgerError",
    "Money",
    "Origin",
    "Ownership",
    "PartialDate",
    "Participation",
    "Payment",
    "Policy",
    "Precision",
    "Price",
    "Problem",
    "PurchaseKind",
    "Rate",
    "Reconciliation",
    "Record",
    "RecordCheckError",
    "Result",
    "Revenue",
    "RevenueCategory",
    "RoundStatus",
    "Runway",
    "Scenario",
    "ScenarioFile",
    "Share",
    "ShareCount",
    "Simulation",
    "Source",
    "Stake",
    "StakeEvent",
    "StakeStatus",
    "Sweep",
    "Tranche",
    "TrancheStatus",
    "Valuation",
    "__version__",
    "add_flow",
    "arrears",
    "bundled_data",
    "burn",
    "cancel",
    "compare",
    "compute_gap",
    "control",
    "cut_headcount",
    "delay",
    "disburse",
    "dist",
    "export",
    "filter_flows",
    "flows",
    "forgive",
    "format_money",
    "format_reference",
    "funding_gap",
    "growth",
    "json_schema",
    "load",
    "ownership",
    "parse_money",
    "pay",
    "read_focus",
    "read_scenarios",
    "read_table",
    "reconcile",
    "remove",
    "report",
    "runway",
    "runways",
    "scale",
    "simulate",
    "sql",
    "sum_money",
    "sweep",
    "valuation",
]

__all__ += [  # GPUs, contracts and money that goes round
    "GPU_COLUMNS",
    "Assumption",
    "ContractTerms",
    "Fleet",
    "GPUTarget",
    "GpuPrices",
    "Loops",
    "Measure",
    "RampStep",
    "Reallocations",
    "RelatedParties",
    "RoundTrip",
    "Targets",
    "contract_terms",
    "cycles",
    "flow_graph",
    "gpu_fleet",
    "gpu_movements",
    "gpu_prices",
    "gpu_targets",
    "reallocations",
    "related_parties",
    "round_trip",
]

if TYPE_CHECKING:  # deal structures
    from aicapex.analysis.capex import CapexResult, capex
    from aicapex.analysis.customers import Customers, customers
    from aicapex.analysis.deals import ListingResult, MergerResult, listing, merger
    from aicapex.analysis.vehicles import CapitalStack, capital_stack
    from aicapex.analysis.warrants import WarrantValue, warrant_value
    from aicapex.records import (
        Capex,
        CapexBasis,
        CapexMilestone,
        DealStatus,
        Listing,
        ListingBuyer,
        ListingKind,
        Merger,
        MergerKind,
        Piece,
        PieceKind,
        SharesOutstanding,
        Vehicle,
        VehicleKind,
        Vesting,
        VestingStatus,
        Warrant,
        WarrantKind,
    )

_LAZY.update(  # deal structures
    {
        "Capex": "aicapex.records",
        "CapexBasis": "aicapex.records",
        "CapexMilestone": "aicapex.records",
        "DealStatus": "aicapex.records",
        "Listing": "aicapex.records",
        "ListingBuyer": "aicapex.records",
        "ListingKind": "aicapex.records",
        "Merger": "aicapex.records",
        "MergerKind": "aicapex.records",
        "Piece": "aicapex.records",
        "PieceKind": "aicapex.records",
        "SharesOutstanding": "aicapex.records",
        "Vehicle": "aicapex.records",
        "VehicleKind": "aicapex.records",
        "Vesting": "aicapex.records",
        "VestingStatus": "aicapex.records",
        "Warrant": "aicapex.records",
        "WarrantKind": "aicapex.records",
        "capex": "aicapex.analysis.capex",
        "CapexResult": "aicapex.analysis.capex",
        "customers": "aicapex.analysis.customers",
        "Customers": "aicapex.analysis.customers",
        "listing": "aicapex.analysis.deals",
        "ListingResult": "aicapex.analysis.deals",
        "merger": "aicapex.analysis.deals",
        "MergerResult": "aicapex.analysis.deals",
        "capital_stack": "aicapex.analysis.vehicles",
        "CapitalStack": "aicapex.analysis.vehicles",
        "warrant_value": "aicapex.analysis.warrants",
        "WarrantValue": "aicapex.analysis.warrants",
    }
)

__all__ += [  # deal structures
    "Capex",
    "CapexBasis",
    "CapexMilestone",
    "CapexResult",
    "CapitalStack",
    "Customers",
    "DealStatus",
    "Listing",
    "ListingBuyer",
    "ListingKind",
    "ListingResult",
    "Merger",
    "MergerKind",
    "MergerResult",
    "Piece",
    "PieceKind",
    "SharesOutstanding",
    "Vehicle",
    "VehicleKind",
    "Vesting",
    "VestingStatus",
    "Warrant",
    "WarrantKind",
    "WarrantValue",
    "capex",
    "capital_stack",
    "customers",
    "listing",
    "merger",
    "warrant_value",
]


def __dir__() -> list[str]:
    """The public names (PEP 562): ``dir(aicapex)`` and tab completion list ``burn``,
    ``runway``, ... before their first use, not the module's own imports."""
    return sorted(set(__all__) | {"__version__"})
