"""Publications and entities: who reports, and who the money moves between."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field, field_validator

from aicapex.dates import PartialDate, parse_fiscal_year_end
from aicapex.records.base import Fact, Record

__all__ = ["Entity", "EntityType", "Source"]


class Source(Record):
    """A publication facts are taken from: an article, a filing, a post."""

    KIND = "sources"
    REFS = (("translation_of", "sources"),)
    DATE_FIELD = "date"

    outlet: str = Field(
        min_length=1, description="Who published it: 'The Register', 'Forbes', 'CNBC'."
    )
    title: str = Field(min_length=1, description="The title of the publication, as published.")
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


#: The id no entity may have: the flows' payer of a round's money that no participation
#: accounts for (:data:`aicapex.table.funding.UNDISCLOSED`).
RESERVED_ID = "undisclosed"


class Entity(Fact):
    """A company, cloud provider, chip vendor, investor or person."""

    KIND = "entities"
    REFS = (*Fact.REFS, ("controlled_by.*", "entities"))

    name: str = Field(
        min_length=1, description="Display name: 'Stability AI', 'Amazon Web Services'."
    )
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

    def fiscal_owner(self) -> str | None:
        """An entity's own dates are in its own fiscal years."""
        return self.fiscal_year_of or self.id

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.id == RESERVED_ID:
            yield (
                "id",
                f"an id other than {RESERVED_ID!r} (the payer of a round's money no "
                "participation accounts for)",
                repr(self.id),
                "invalid-value",
            )
        if self.id in self.controlled_by:
            yield "controlled_by", "an entity other than itself", repr(self.id)
