"""References between records (and ids differing only in case), and fiscal years that belong to
someone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping, Sequence
from typing import Any

from aicapex.checks.common import LedgerLike
from aicapex.dates import PartialDate, Precision
from aicapex.errors import Problem, suggest
from aicapex.records import KINDS, Fact, Record
from aicapex.records.base import left_to_owner

__all__ = [
    "case_variant_problems",
    "fiscal_year_problems",
    "raw_reference_problems",
    "reference_problems",
    "unloaded_kinds",
    "until_problems",
]


def reference_problems(ledger: LedgerLike, unloaded: Container[str] = ()) -> Iterator[Problem]:
    """Unknown or wrong-kind references; references to ``unloaded`` ids (records whose own
    problems are reported) are not unknown, only not loaded, unless the kinds of the records
    that failed are known (``unloaded.kinds``, by id) and none is the kind referred to: a wrong
    kind then, reported with the record's own problems. Then the warnings of ids differing
    only in case (:func:`case_variant_problems`, from the same ids)."""
    ids = {kind: {r.id for r in ledger.records(kind)} for kind in KINDS}
    failed = unloaded_kinds(unloaded)

    def fine(value: Any, target: str) -> bool:
        if value is None or value in ids[target]:
            return True
        if ledger.get(value) is not None or value not in unloaded:
            return False
        known = failed.get(value)
        return not known or target in known

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
                        yield _reference_problem(ledger, record, field, value, target, failed)
    yield from case_variant_problems(ledger, ids)  # the same ids, gathered once


def case_variant_problems(
    ledger: LedgerLike, ids: Mapping[str, Collection[str]] | None = None
) -> Iterator[Problem]:
    """Warnings (``case-variant-id``) of ids that differ only in case (``Stability-AI`` beside
    ``stability-ai``, whatever the records' kinds and files): ids are case-sensitive, so both
    load as two records, but one may be the other mistyped. Each record of such a group but
    its first (in file and line order, else kind order) is warned of at its id, naming the
    first's id and place. ``ids``: the ledger's ids by kind, when known already."""
    if ids is None:
        ids = {kind: {r.id for r in ledger.records(kind)} for kind in KINDS}
    every = [i for known in ids.values() for i in known]
    text = "\n".join(every)
    if text == text.lower() or len(set(map(str.lower, every))) == len(every):
        return  # the usual case (ids are ASCII: lower() folds their case)
    clashing = {k for k, n in Counter(map(str.lower, every)).items() if n > 1}
    groups: dict[str, list[Record]] = {}
    for kind in KINDS:
        for record in ledger.records(kind):
            if record.id.lower() in clashing:
                groups.setdefault(record.id.lower(), []).append(record)
    for group in groups.values():
        placed = ledger.locate([ledger.problem(r, "id", "", "") for r in group])
        order = sorted(range(len(group)), key=lambda k: (placed[k].file or "", placed[k].line or 0))
        first, at = group[order[0]], placed[order[0]]
        where = f"{at.kind}[{at.index}]" if at.index is not None else str(at.kind)
        if at.file is not None:
            where += f" at {at.file}:{at.line}" if at.line is not None else f" at {at.file}"
        for k in order[1:]:
            yield ledger.problem(
                group[k],
                "id",
                "an id differing from every other by more than case (ids are "
                "case-sensitive: two records, or one mistyped?)",
                f"{group[k].id!r}, which is {first.id!r} ({where}) but for case",
                "case-variant-id",
            )


def raw_reference_problems(
    failed: Iterable[tuple[str, dict[str, Any]]], ids: dict[str, set[str]], unloaded: Container[str]
) -> Iterator[tuple[int, str, str, str, str]]:
    """The references of records that failed to load (``failed``: each one's kind and mapping
    of fields as written) that no loaded record answers, as ``(position in failed, dotted
    field, expected, found, code)``, so that a load lists them with the records' own problems
    rather than after those are fixed. ``ids``: the loaded records' ids by kind; references to
    ``unloaded`` ids are fine; values that are not text are the records' own problems already."""
    owner = {i: k for k, known in ids.items() for i in known}  # once for all failed records
    kinds = unloaded_kinds(unloaded)
    for n, (kind, item) in enumerate(failed):
        for path, target in KINDS[kind].REFS:
            for field, value in _walk(item, path.split("."), raw=True):
                if not isinstance(value, str) or value in ids[target]:
                    continue
                other = owner.get(value)
                if other is None and value in unloaded:
                    known_kinds = kinds.get(value)
                    if not known_kinds or target in known_kinds:
                        continue  # a record of that kind that failed: its problems are said
                    other = min(known_kinds)
                known = sorted(ids[target]) if other is None else []
                yield n, field, *_reference_texts(value, target, other, known)


def unloaded_kinds(unloaded: Container[str]) -> Mapping[str, set[str]]:
    """The kinds of the records that failed to load, by id (``unloaded.kinds`` where the
    container of their ids has it, as a load's does; else none known)."""
    kinds = getattr(unloaded, "kinds", None)
    return kinds if isinstance(kinds, Mapping) else {}


def _reference_problem(
    ledger: LedgerLike,
    record: Record,
    field: str,
    value: str,
    target: str,
    failed: Mapping[str, set[str]],
) -> Problem:
    found = ledger.get(value)
    other = type(found).KIND if found is not None else None
    if other is None and failed.get(value):  # a record of another kind that failed to load
        other = min(failed[value])
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


def until_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Dates before the fiscal-year date they follow, both read in the record's owner's years:
    an expense's or revenue's ``until`` before its ``date``, a GPU order's deliveries before its
    ``order_date``. A record reads a fiscal year as the calendar year it ends in, so leaves a
    fiscal-year date against another date to this check (``until: 2024-12`` is within
    ``FY2025`` for a year ending June 30)."""
    for kind in ("expenses", "revenues", "gpu_orders"):
        for record in ledger.records(kind):
            assert isinstance(record, Fact)
            pairs = list(_followers(record))
            if not any(Precision.FISCAL_YEAR in (a.precision, b.precision) for _, a, b, _ in pairs):
                continue
            owner = record.fiscal_owner()
            year_end = ledger.fiscal_year_end(owner) if owner else "12-31"
            for field, first, later, expected in pairs:
                fiscal = (first.precision, later.precision)
                if Precision.FISCAL_YEAR not in fiscal:
                    continue
                own = later.sort_key()[1] < first.sort_key()[0]  # what the record read
                left = left_to_owner(first, later)
                if later.span(year_end)[1] < first.span(year_end)[0] and (left or not own):
                    yield ledger.problem(record, field, expected, str(later), "inconsistent")


def _followers(record: Fact) -> Iterator[tuple[str, PartialDate, PartialDate, str]]:
    """``(field, date, later date, expected)`` of the dates of ``record`` that follow another."""
    date, until = getattr(record, "date", None), getattr(record, "until", None)
    if isinstance(date, PartialDate) and isinstance(until, PartialDate):
        yield "until", date, until, f"a date on or after {date}"
    order_date = getattr(record, "order_date", None)
    if isinstance(order_date, PartialDate):
        for name in ("scheduled", "delivered"):
            for i, item in enumerate(getattr(record, name, ())):
                said = f"a date on or after the order {order_date}"
                yield f"{name}.{i}.date", order_date, item.date, said
