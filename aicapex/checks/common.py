"""What every check shares: the ledger as the checks read it, and problems at records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from aicapex.errors import Problem
from aicapex.records import Record

__all__ = ["LedgerLike", "duplicate_problem", "problem_at"]


class LedgerLike(Protocol):
    """What the checks read of a ledger."""

    def records(self, kind: str) -> tuple[Record, ...]:
        """The records of one kind."""
        ...

    def get(self, record_id: str) -> Record | None:
        """The record with that id, or ``None``."""
        ...

    def fiscal_year_end(self, entity_id: str) -> str:
        """An entity's fiscal year end, ``MM-DD``."""
        ...

    def problem(
        self, record: Record, field: str | None, expected: str, found: str, code: str = ""
    ) -> Problem:
        """A problem located at ``record`` (and ``field``)."""
        ...

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` with the lines of the fields they name, where read from files."""
        ...


def problem_at(
    origin: Any, record: Record, field: str | None, expected: str, found: str, code: str = ""
) -> Problem:
    """A problem located at ``record``: its file, line and index from ``origin`` (an
    :class:`~aicapex.ledger.Origin`, or ``None`` for records built in memory)."""
    return Problem(
        expected,
        found,
        file=getattr(origin, "file", None),
        line=getattr(origin, "line", None),
        kind=type(record).KIND,
        index=getattr(origin, "index", None),
        record_id=record.id,
        field=field,
        code=code,
    )


def duplicate_problem(record: Record, first: Record, origins: Mapping[str, Any]) -> Problem:
    """The problem of a second record with the id of ``first``."""
    where = origins.get(first.id)
    at = f" at {where}" if where else ""
    return problem_at(
        origins.get(record.id),
        record,
        "id",
        "a unique id",
        f"{record.id!r}, already used by {type(first).KIND}{at}",
        "duplicate-id",
    )
