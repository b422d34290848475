"""Checks across records: what no single record can know about itself.

A record validates its own fields and their consistency (:mod:`aicapex.records`); a ledger also
checks what needs several records, or what is best said once for all records of a kind:

- :mod:`~aicapex.checks.references`: references to records of the right kind (and a warning
  for ids that differ only in case, ``Stability-AI`` beside ``stability-ai``), and fiscal years
  that belong to someone (an ``FY2028`` of a record between two entities whose years end on
  different days must say whose it is, with ``fiscal_year_of``), and dates before the
  fiscal-year date they follow in the owner's years (``until``, a GPU order's deliveries);
- :mod:`~aicapex.checks.cycles`: chains of references that loop (``controlled_by``,
  ``included_in``, ``translation_of``);
- :mod:`~aicapex.checks.facts`: one entity on both sides of a record, contradicting bounds of one
  fact from one source, exchange rates that are no exchange;
- :mod:`~aicapex.checks.stakes`: holdings of one company above 100% at one date, and entities
  controlling each other through stakes;
- :mod:`~aicapex.checks.deals`: revenue shares of another company's revenue, and customers'
  shares of one revenue record above 100%;
- :mod:`~aicapex.checks.contracts`: compute contracts' ramp steps in their owner's fiscal years
  (a step outside the contract, a fiscal-year step over another step's months);
- :mod:`~aicapex.checks.gpus`: GPU reallocations against the orders they name (another SKU,
  more units than the order; a warning for units passed on that the ledger does not show held);
- :mod:`~aicapex.checks.plausible`: warnings, for what is implausible but real (a tranche before
  its round, a prepaid bill, money without an exchange rate).

Every check yields located :class:`~aicapex.errors.Problem`\\ s (errors, or warnings by their
code); :func:`ledger_problems` runs them all.
"""

from __future__ import annotations

from collections.abc import Container, Iterator

from aicapex.checks.common import LedgerLike, duplicate_problem, problem_at
from aicapex.checks.contracts import ramp_problems
from aicapex.checks.cycles import cycle_problems
from aicapex.checks.deals import revenue_share_problems
from aicapex.checks.facts import fact_problems
from aicapex.checks.gpus import gpu_problems
from aicapex.checks.plausible import warning_problems
from aicapex.checks.references import (
    case_variant_problems,
    fiscal_year_problems,
    reference_problems,
    until_problems,
)
from aicapex.checks.stakes import stake_problems
from aicapex.errors import Problem

__all__ = [
    "LedgerLike",
    "case_variant_problems",
    "cycle_problems",
    "duplicate_problem",
    "fact_problems",
    "fiscal_year_problems",
    "gpu_problems",
    "ledger_problems",
    "problem_at",
    "ramp_problems",
    "reference_problems",
    "revenue_share_problems",
    "stake_problems",
    "until_problems",
    "warning_problems",
]


def ledger_problems(ledger: LedgerLike, unloaded: Container[str] = ()) -> Iterator[Problem]:
    """Every problem across the ledger's records, errors and warnings (see the module docs)."""
    yield from reference_problems(ledger, unloaded)  # and case_variant_problems
    yield from fiscal_year_problems(ledger)
    yield from until_problems(ledger)
    yield from fact_problems(ledger)
    yield from cycle_problems(ledger)
    yield from stake_problems(ledger)
    yield from revenue_share_problems(ledger)
    yield from ramp_problems(ledger)
    yield from gpu_problems(ledger)
    yield from warning_problems(ledger)
