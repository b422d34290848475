"""Ramp steps of compute contracts in their owner's fiscal years.

A contract checks its own ramp (:class:`~aicapex.records.ComputeContract`): steps within its
start and end, steps apart from each other. A fiscal-year step (``FY2025``) is compared there
only with other fiscal-year steps and never found after the end, nor another step before a
fiscal-year start (``2024-05`` is in ``FY2025`` for a year ending March 31), because where a
fiscal year falls depends on its owner's year end, which the record does not know (``FY2025``
runs from July 2024 to June 2025 for a year ending June 30). The ledger knows it: the contract's
:meth:`~aicapex.records.base.Fact.fiscal_owner` (``fiscal_year_of``, else its buyer) and that
entity's ``fiscal_year_end``. Here, for contracts with a fiscal-year step, every date taken in
that owner's years (the contract's ``start`` and ``end`` too, when they are fiscal years),
what the record's own check missed:

- a step ending before the start, or starting after the end (``inconsistent``): ``FY2025``
  of a contract from 2025-08, ``2025-H2`` of a contract ending in ``FY2025``;
- a fiscal-year step and another step over the same months (``FY2025`` and ``2024-H2`` for a
  year ending June 30: the money of July to December 2024 would count twice; ``inconsistent``),
  reported at the later step (by first day, then place in the ramp), naming the earlier.

The texts are the record's own checks' texts, so a problem reads the same wherever it is found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from aicapex.checks.common import LedgerLike
from aicapex.dates import PartialDate, Precision, parse_fiscal_year_end
from aicapex.errors import Problem
from aicapex.records import ComputeContract
from aicapex.records.base import left_to_owner

__all__ = ["ramp_problems"]


def ramp_problems(ledger: LedgerLike) -> Iterator[Problem]:
    """Every problem of this module (see the module docs)."""
    for contract in ledger.records("compute_contracts"):
        if not isinstance(contract, ComputeContract) or not any(
            _fiscal(date) for date in (contract.start, contract.end, *_periods(contract))
        ):
            continue
        owner = contract.fiscal_owner()
        year_end = parse_fiscal_year_end(ledger.fiscal_year_end(owner) if owner else "12-31")
        for field, expected, found in _ramp_checks(contract, year_end):
            yield ledger.problem(contract, field, expected, found, "inconsistent")


def _periods(contract: ComputeContract) -> list[PartialDate]:
    return [step.period for step in contract.ramp]


def _fiscal(date: PartialDate | None) -> bool:
    return date is not None and date.precision is Precision.FISCAL_YEAR


def _ramp_checks(
    contract: ComputeContract, year_end: tuple[int, int]
) -> Iterator[tuple[str, str, str]]:
    """``(field, expected, found)`` of the ramp's dates in ``year_end``'s years that the
    record's own check, which reads fiscal years as calendar years or leaves them out, misses."""
    spans = [period.span(year_end) for period in _periods(contract)]
    start, own_start = contract.start.span(year_end)[0], contract.start.sort_key()[0]
    ends = None
    if contract.end is not None:  # in the owner's years, and as the record reads it
        ends = contract.end.span(year_end)[1], contract.end.sort_key()[1]
    for i, period in enumerate(_periods(contract)):
        (first, last), (own_first, own_last) = spans[i], period.sort_key()
        left = left_to_owner(contract.start, period)  # what the record leaves to this check
        if last < start and (left or not own_last < own_start):
            said = f"a period on or after the start {contract.start}"
            yield f"ramp.{i}.period", said, str(period)
        if ends is not None and first > ends[0] and (_fiscal(period) or own_first <= ends[1]):
            said = f"a period starting on or before the end {contract.end}"
            yield f"ramp.{i}.period", said, str(period)
    yield from _mixed_overlaps(contract, spans)


def _mixed_overlaps(
    contract: ComputeContract, spans: list[tuple[dt.date, dt.date]]
) -> Iterator[tuple[str, str, str]]:
    """A step over the months of an earlier step of the other side (fiscal-year steps against
    the others: each side among itself is the record's own check), once per step."""
    ramp = contract.ramp
    order = sorted(range(len(ramp)), key=lambda k: (spans[k][0], k))
    for at, i in enumerate(order):
        side = _fiscal(ramp[i].period)
        for j in order[:at]:
            if _fiscal(ramp[j].period) != side and spans[i][0] <= spans[j][1]:
                yield (
                    f"ramp.{i}.period",
                    f"a period apart from the other steps' (ramp.{j}.period is {ramp[j].period})",
                    str(ramp[i].period),
                )
                break
