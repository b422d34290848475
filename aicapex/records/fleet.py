"""GPU targets and the assumptions that convert GPUs and power.

A target is a number of GPUs an entity is to have by a date ("100,000 chips for xAI by the end of
2024"); analyses compare it with the units delivered. An assumption is a dated, sourced
conversion factor (GPUs per gigawatt, dollars of systems per gigawatt): the only way GPUs and GW
convert into each other in aicapex. Analyses never convert silently: a result that used one
names its record.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field

from aicapex.dates import PartialDate
from aicapex.money import Money
from aicapex.records.base import Fact, GpuCount, positive

__all__ = ["Assumption", "GPUTarget", "Measure"]


class GPUTarget(Fact):
    """GPUs an entity is to have by a date: a mandate, a plan or a promise."""

    KIND = "gpu_targets"
    REFS = (*Fact.REFS, ("entity", "entities"), ("set_by", "entities"))
    PARTIES = ("entity",)
    FACT_KEY = ("entity", "sku", "by")
    DATE_FIELD = "by"

    entity: str = Field(description="Id of the entity the GPUs are for.")
    sku: str | None = Field(
        default=None, description="GPU model the target counts ('H100'); none: any GPU."
    )
    units: GpuCount = Field(description="How many GPUs, a whole number.")
    by: PartialDate | None = Field(
        default=None,
        description="The date they are to be there by: 'by end of 2024' (none: not reported, "
        "as for 'soon').",
    )
    set_by: str | None = Field(
        default=None, description="Id of the entity (or person) that set the target, if known."
    )


class Measure(StrEnum):
    """What a conversion factor converts."""

    gpus_per_gw = "gpus_per_gw"
    usd_per_gw = "usd_per_gw"


class Assumption(Fact):
    """A dated, sourced conversion factor: GPUs per gigawatt, or money of systems per gigawatt.

    ``measure: gpus_per_gw`` with ``gpus`` (how many GPUs a gigawatt powers), or
    ``measure: usd_per_gw`` with ``money`` (what the systems of a gigawatt cost). ``sku`` and
    ``entity`` narrow where it applies; analyses use the latest one dated on or before the
    figure they convert and name it.
    """

    KIND = "assumptions"
    REFS = (*Fact.REFS, ("entity", "entities"))
    PARTIES = ("entity",)
    FACT_KEY = ("measure", "entity", "sku", "date")
    DATE_FIELD = "date"

    measure: Measure = Field(description="gpus_per_gw or usd_per_gw.")
    gpus: GpuCount | None = Field(
        default=None, description="For gpus_per_gw: GPUs per gigawatt, a whole number."
    )
    money: Money | None = Field(
        default=None, description="For usd_per_gw: money of systems per gigawatt ('$50B')."
    )
    sku: str | None = Field(default=None, description="GPU model it applies to; none: any.")
    entity: str | None = Field(
        default=None, description="Id of the entity it applies to; none: any."
    )
    date: PartialDate = Field(description="From when the factor applies (as reported).")

    def checks(self) -> Iterator[tuple[str, ...]]:
        want = "gpus" if self.measure is Measure.gpus_per_gw else "money"
        other = "money" if want == "gpus" else "gpus"
        if getattr(self, want) is None:
            yield want, f"the factor of {self.measure.value} in {want}", "none"
        if getattr(self, other) is not None:
            yield other, f"no {other} for {self.measure.value} (the factor is in {want})", other
        yield from positive("money", self.money)
