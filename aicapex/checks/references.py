"""References between records, and fiscal years that belong to someone."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from typing import Any

from aicapex.checks.common import LedgerLike
from aicapex.dates import PartialDate, Precision
from aicapex.errors import Problem, suggest
from aicapex.records import KINDS, Fact, Record

__all__ = ["fiscal_year_problems", "raw_reference_problems", "reference_problems"]


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


def raw_reference_problems(
    failed: Iterable[tuple[str, dict[str, Any]]], ids: dict[str, set[str]], unloaded: Container[str]
) -> Iterator[tuple[int, str, str, str, str]]:
    """The references of records that failed to load (``failed``: each one's kind and mapping
    of fields as written) that no loaded record answers, as ``(position in failed, dotted
    field, expected, found, code)``, so that a load lists them with the records' own problems
    rather than after those are fixed. ``ids``: the loaded records' ids by kind; references to
    ``unloaded`` ids are fine; values that are not text are the records' own problems already."""
    owner = {i: k for k, known in ids.items() for i in known}  # once for all failed records
    for n, (kind, item) in enumerate(failed):
        for path, target in KINDS[kind].REFS:
            for field, value in _walk(item, path.split("."), raw=True):
                if isinstance(value, str) and value not in ids[target] and value not in unloaded:
                    other = owner.get(value)
                    known = sorted(ids[target]) if other is None else []
                    yield n, field, *_reference_texts(value, target, other, known)


def _reference_problem(
    ledger: LedgerLike, record: Record, field: str, value: str, target: str
) -> Problem:
    found = ledger.get(value)
    other = type(found).KIND if found is not None else None
    known = [r.id for r in ledger.records(target)] if found is None else []
    return ledger.problem(record, field, *_reference_texts(value, target, other, known))


def _reference_texts(
    value: str, target: str, other: str | None, known: Iterable[str]
) -> tuple[str, str, str]:
    """``(expected, found, code)`` of a reference ``value`` that is no id of the ``target``
    kind: one of the ``other`` kind's, or of no record (the closest of ``known`` suggested)."""
    if other is not None:
        return (
            f"the id of one of the {target}",
            f"{value!r}, which is one of the {other}",
            "wrong-kind-reference",
        )
    expected = f"the id of one of the {target}{suggest(value, known)}"
    return expected, f"{value!r}, which no record has", "unknown-reference"


def _ref_values(path: str) -> Callable[[Any], list[Any]]:
    """A fast function giving the values at a REFS path (``a``, ``a.*`` or ``a.*.b``)."""
    head, _, rest = path.partition(".")
    if not rest:
        return lambda r: [getattr(r, head)]
    if rest == "*":
        return lambda r: list(getattr(r, head))
    leaf = rest.removeprefix("*.")
    return lambda r: [getattr(item, leaf) for item in getattr(r, head)]


def _walk(
    obj: Any, steps: Sequence[str], prefix: str = "", *, raw: bool = False
) -> Iterator[tuple[str, Any]]:
    """Yield ``(dotted field path, value)`` for a REFS path like ``sources.*.source`` of a
    record, or (``raw``) of a record as written: mappings and lists, where other shapes yield
    nothing (they are the record's own problems)."""
    if not steps:
        yield prefix, obj
        return
    head, rest = steps[0], steps[1:]
    if head == "*":
        if raw and not isinstance(obj, list):
            return
        for i, item in enumerate(obj or ()):
            yield from _walk(item, rest, f"{prefix}.{i}" if prefix else str(i), raw=raw)
    elif not raw or (isinstance(obj, dict) and head in obj):
        value = obj[head] if raw else getattr(obj, head)
        yield from _walk(value, rest, f"{prefix}.{head}" if prefix else head, raw=raw)


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
