"""Checks across records: what no single record can know about itself.

A record validates its own fields and their consistency (:mod:`aicapex.records`); a ledger also
checks what needs several records: unique ids, references to records of the right kind, and
fiscal years that belong to someone (an ``FY2028`` of a record between two entities whose years
end on different days must say whose it is, with ``fiscal_year_of``). Every check yields
located :class:`~aicapex.errors.Problem`\\ s; :func:`ledger_problems` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from typing import Any, Protocol

from aicapex.dates import PartialDate, Precision
from aicapex.errors import Problem, suggest
from aicapex.records import KINDS, Fact, Record

__all__ = ["LedgerLike", "duplicate_problem", "ledger_problems", "problem_at"]


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


def ledger_problems(ledger: LedgerLike, unloaded: Container[str] = ()) -> Iterator[Problem]:
    """Every problem across the ledger's records (see the module docs)."""
    yield from reference_problems(ledger, unloaded)
    yield from fiscal_year_problems(ledger)


def reference_problems(ledger: LedgerLike, unloaded: Container[str] = ()) -> Iterator[Problem]:
    """Unknown or wrong-kind references; references to ``unloaded`` ids (records whose own
    problems are reported) are not unknown, only not loaded."""
    ids = {kind: {r.id for r in ledger.records(kind)} for kind in KINDS}

    def fine(value: Any, target: str) -> bool:
        if value is None or value in ids[target]:
            return True
        return ledger.get(value) is None and value in unloaded

    for kind in KINDS:
        records = ledger.records(kind)
        for path, target in KINDS[kind].REFS:
            values = _ref_values(path)
            seen = {v for r in records for v in values(r)}
            if all(fine(v, target) for v in seen - ids[target]):
                continue  # the usual case: one set difference per path
            # a bad reference (rare): walk the records to name each one's position
            for record in records:
                for field, value in _walk(record, path.split(".")):
                    if not fine(value, target):
                        yield _reference_problem(ledger, record, field, value, target)


def _reference_problem(
    ledger: LedgerLike, record: Record, field: str, value: str, target: str
) -> Problem:
    found = ledger.get(value)
    if found is not None:
        expected = f"the id of one of the {target}"
        got = f"{value!r}, which is one of the {type(found).KIND}"
        return ledger.problem(record, field, expected, got, "wrong-kind-reference")
    known = [r.id for r in ledger.records(target)]
    expected = f"the id of one of the {target}{suggest(value, known)}"
    got = f"{value!r}, which no record has"
    return ledger.problem(record, field, expected, got, "unknown-reference")


def _ref_values(path: str) -> Callable[[Any], list[Any]]:
    """A fast function giving the values at a REFS path (``a``, ``a.*`` or ``a.*.b``)."""
    head, _, rest = path.partition(".")
    if not rest:
        return lambda r: [getattr(r, head)]
    if rest == "*":
        return lambda r: list(getattr(r, head))
    leaf = rest.removeprefix("*.")
    return lambda r: [getattr(item, leaf) for item in getattr(r, head)]


def _walk(obj: Any, steps: Sequence[str], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted field path, value)`` for a REFS path like ``sources.*.source``."""
    if not steps:
        yield prefix, obj
        return
    head, rest = steps[0], steps[1:]
    if head == "*":
        for i, item in enumerate(obj or ()):
            yield from _walk(item, rest, f"{prefix}.{i}" if prefix else str(i))
    else:
        yield from _walk(getattr(obj, head), rest, f"{prefix}.{head}" if prefix else head)


def _fiscal_dates(obj: Any, prefix: str = "") -> Iterator[tuple[str, PartialDate]]:
    """``(dotted field, date)`` for every fiscal-year date of a record, nested items included."""
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        path = f"{prefix}{name}"
        if isinstance(value, PartialDate):
            if value.precision is Precision.FISCAL_YEAR:
                yield path, value
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if hasattr(type(item), "model_fields"):
                    yield from _fiscal_dates(item, f"{path}.{i}.")


def fiscal_year_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """A fiscal-year date (``FY2028``) on a record between entities whose fiscal years end on
    different days, without ``fiscal_year_of``: whose year is it?"""
    for kind, cls in KINDS.items():
        if not issubclass(cls, Fact) or len(cls.PARTIES) < 2:
            continue
        for record in ledger.records(kind):
            assert isinstance(record, Fact)
            if record.fiscal_year_of is not None:
                continue
            parties = record.parties()
            ends = {p: ledger.fiscal_year_end(p) for p in parties}
            if len(set(ends.values())) < 2:
                continue
            for field, date in _fiscal_dates(record):
                years = ", ".join(f"{p}'s ends on {end}" for p, end in ends.items())
                yield ledger.problem(
                    record,
                    field,
                    f"fiscal_year_of: the entity whose fiscal year {date} is ({years})",
                    f"{date} without fiscal_year_of",
                    "fiscal-year-owner",
                )
