"""What the values parsed from text share (money, rates, capacities): their pydantic hooks,
and the one formatter of dollar figures for people."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue
    from pydantic_core import CoreSchema

__all__ = ["ParsedValue", "format_usd"]


class ParsedValue:
    """What values parsed from text share: pydantic validates them with ``cls.parse`` and
    serialises them to their canonical string in JSON mode (the object itself in Python mode);
    their JSON Schema is a string with ``JSON_DESCRIPTION`` and ``JSON_EXAMPLES``."""

    __slots__ = ()

    JSON_DESCRIPTION: ClassVar[str] = ""
    JSON_EXAMPLES: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def parse(cls, text: Any) -> Any:  # pragma: no cover - every subclass defines it
        """Return the value written in ``text``."""
        raise NotImplementedError

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source_type: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """Validate with ``cls.parse``; serialise with ``str`` in JSON mode."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.to_string_ser_schema(when_used="json")
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A string in one of the forms of ``JSON_EXAMPLES``."""
        return {
            "type": "string",
            "description": cls.JSON_DESCRIPTION,
            "examples": list(cls.JSON_EXAMPLES),
        }


def format_usd(value: float | Decimal | None, digits: int = 2) -> str:
    """US dollars for people, in millions or billions: ``$11.83M``, ``-$10.00M``, ``$1.25B``;
    ``n/a`` for none or NaN. The one formatter of dollar figures of the CLI and the library.

    >>> format_usd(-10e6), format_usd(1.25e9), format_usd(None)
    ('-$10.00M', '$1.25B', 'n/a')
    """
    if value is None or value != value:
        return "n/a"
    v = float(value)
    sign = "-" if v < 0 else ""
    v = abs(v)
    if v >= 1e9:
        return f"{sign}${v / 1e9:,.{digits}f}B"
    return f"{sign}${v / 1e6:,.{digits}f}M"
