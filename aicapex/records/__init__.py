"""The record kinds of a ledger: pydantic v2 models, frozen, ``extra="forbid"``, fields described.

Each kind is one top-level key of a ledger file (plural snake_case, see :data:`KINDS`). Records know
nothing of files or analysis: they validate their own fields and their internal consistency (a
payment above its bill, tranches above their round, a delivery before its order). References to
other records (entity ids, source ids, order ids) are declared in ``REFS`` and resolved by the
:class:`~aicapex.ledger.Ledger`.

Money fields take strings as people write them (``$7M``, ``€50bn``), rates ``$99M/yr``, capacity
``4.5 GW`` or ``12,000 H100``, dates the precision the source gives (``2023-10``, ``Q3 2023``,
``FY2025``); see :mod:`aicapex.money` and :mod:`aicapex.dates`.

The kinds live in modules by domain: :mod:`~aicapex.records.base` (what all share),
:mod:`~aicapex.records.parties` (sources, entities), :mod:`~aicapex.records.funding`,
:mod:`~aicapex.records.compute` (cloud bills, contracts), :mod:`~aicapex.records.gpus` and
:mod:`~aicapex.records.operating` (revenue, expenses, cash, prices, FX rates) and
:mod:`~aicapex.records.ownership` (stakes: purchases and holdings of shares),
:mod:`~aicapex.records.fleet` (GPU targets, conversion assumptions),
:mod:`~aicapex.records.deals` (warrants and options, share counts, listings, mergers) and
:mod:`~aicapex.records.capex` (vehicles stacked from equity and debt, capex guidance, plans and
actuals).
"""

from __future__ import annotations

from aicapex.records.base import (
    MAX_AMOUNT,
    MAX_GPUS,
    Citation,
    Fact,
    Record,
    RecordCheckError,
)
from aicapex.records.capex import (
    Capex,
    CapexBasis,
    CapexMilestone,
    Piece,
    PieceKind,
    Vehicle,
    VehicleKind,
)
from aicapex.records.compute import (
    Arrangement,
    CloudBill,
    ComputeContract,
    ContractStatus,
    Payment,
    RampStep,
)
from aicapex.records.deals import (
    DealStatus,
    Listing,
    ListingBuyer,
    ListingKind,
    Merger,
    MergerKind,
    SharesOutstanding,
    Vesting,
    VestingStatus,
    Warrant,
    WarrantKind,
)
from aicapex.records.fleet import Assumption, GPUTarget, Measure
from aicapex.records.funding import (
    FundingRound,
    Instrument,
    Participation,
    RoundStatus,
    Tranche,
    TrancheStatus,
)
from aicapex.records.gpus import Delivery, GPUOrder, GPUReallocation, OrderStatus
from aicapex.records.operating import (
    Basis,
    Bound,
    CashBalance,
    Expense,
    ExpenseCategory,
    FxRate,
    Price,
    Revenue,
    RevenueCategory,
)
from aicapex.records.ownership import (
    CONTROL_THRESHOLD,
    INFLUENCE_THRESHOLD,
    PurchaseKind,
    Stake,
    StakeEvent,
    StakeStatus,
)
from aicapex.records.parties import Entity, EntityType, Source

__all__ = [
    "CONTROL_THRESHOLD",
    "FORMAT_KEY",
    "FORMAT_VERSION",
    "INFLUENCE_THRESHOLD",
    "KINDS",
    "MAX_AMOUNT",
    "MAX_GPUS",
    "STATUSES",
    "Arrangement",
    "Assumption",
    "Basis",
    "Bound",
    "Capex",
    "CapexBasis",
    "CapexMilestone",
    "CashBalance",
    "Citation",
    "CloudBill",
    "ComputeContract",
    "ContractStatus",
    "DealStatus",
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
    "GPUTarget",
    "Instrument",
    "Listing",
    "ListingBuyer",
    "ListingKind",
    "Measure",
    "Merger",
    "MergerKind",
    "OrderStatus",
    "Participation",
    "Payment",
    "Piece",
    "PieceKind",
    "Price",
    "PurchaseKind",
    "RampStep",
    "Record",
    "RecordCheckError",
    "Revenue",
    "RevenueCategory",
    "RoundStatus",
    "SharesOutstanding",
    "Source",
    "Stake",
    "StakeEvent",
    "StakeStatus",
    "Tranche",
    "TrancheStatus",
    "Vehicle",
    "VehicleKind",
    "Vesting",
    "VestingStatus",
    "Warrant",
    "WarrantKind",
    "kind_of",
]

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
        Stake,
        GPUTarget,
        Assumption,
        Warrant,
        SharesOutstanding,
        Listing,
        Merger,
        Vehicle,
        Capex,
    )
}


def kind_of(record: Record) -> str:
    """Return the top-level key of ``record``'s kind (``"cloud_bills"`` for a CloudBill)."""
    return type(record).KIND


#: The one status vocabulary, and the statuses each kind takes (existing values stay valid).
#: Flows say which status they come from; each analysis states which statuses it counts (the
#: runway counts money that moved, never talks).
STATUSES: dict[str, tuple[str, ...]] = {
    "funding_rounds": tuple(s.value for s in RoundStatus),
    "tranches": tuple(s.value for s in TrancheStatus),
    "compute_contracts": tuple(s.value for s in ContractStatus),
    "gpu_orders": tuple(s.value for s in OrderStatus),
    "stakes": tuple(s.value for s in StakeStatus),
    "warrants": tuple(s.value for s in DealStatus),
    "listings": tuple(s.value for s in DealStatus),
    "mergers": tuple(s.value for s in DealStatus),
    "vehicles": tuple(s.value for s in DealStatus),
}

#: The top-level key of a ledger file declaring its format version (``aicapex: 1``); optional.
FORMAT_KEY = "aicapex"

#: The ledger file format this version reads and writes (see ``CHANGELOG.md``).
FORMAT_VERSION = 1
