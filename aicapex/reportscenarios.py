"""The report's scenarios: each company's what-ifs, from the ``*.scenarios.yaml`` files beside
its ledger (:mod:`aicapex.scenarios.files`), compared from the company's report date.

A company's section is a list with one row per scenario (the first is the reference):
``scenario``, ``months``, ``months_low``, ``months_high``, ``cash_out``, ``min_cash``,
``cash_at_horizon``, ``months_vs_first``, ``runs_out``, ``explanation`` (its adjustments, in
sentences, and money that comes too late) and ``file``. A company without a scenarios file has
an empty list; one whose scenarios cannot run at its report date (no cash balance by then) has
:class:`Unanswered`: the report gives ``null`` and the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from aicapex.notledger import LEDGER_SUFFIXES, SCENARIO_SUFFIXES

if TYPE_CHECKING:
    from aicapex.ledger import Ledger
    from aicapex.scenarios.files import ScenarioFile

__all__ = ["Unanswered", "scenario_files_of", "scenarios_by_company", "scenarios_section"]


class Unanswered(NamedTuple):
    """A section with no answer for a company, and why (the report shows ``null`` and ``why``
    among the company's reasons)."""

    why: str


def scenario_files_of(ledger: Ledger) -> list[ScenarioFile]:
    """The scenario files beside the files ``ledger`` was read from, read and checked against
    it (problems in any, or a scenario name twice among one company's files, raise one
    :class:`~aicapex.errors.LedgerError` listing them all). A scenarios file found in a folder
    with a ledger file that was not loaded, whose ``entity`` is no entity of the ledger, is
    that other ledger's: it is not read (``aicapex report a.yaml`` beside ``b.yaml`` and
    ``plans.scenarios.yaml`` of ``b``'s company); elsewhere an unknown entity is a problem."""
    paths = set(ledger.files)
    for entity in ledger.records("entities"):
        origin = ledger.origin(entity.id)
        if origin is not None:
            paths.add(origin.file)  # as the user named it
    if not _may_have_scenarios(paths):
        return []  # the scenarios package is not even imported
    from aicapex.scenarios.files import scenario_files
    from aicapex.scenarios.fileset import read_scenario_files

    found = scenario_files(sorted(paths))
    entities = {e.id for e in ledger.records("entities")}
    loaded = {os.path.realpath(f) for f in ledger.files}
    return read_scenario_files([f for f in found if not _elsewhere(f, loaded, entities)], ledger)


def _elsewhere(path: Path, loaded: set[str], entities: set[str]) -> bool:
    """Whether a scenarios file found beside the ledger's files is another ledger's: its folder
    holds a ledger file not loaded, and its entity (read without the ledger) is none of
    ``entities``; ``loaded``: the real paths of the ledger's files. A file that cannot be read
    is not (its problems are reported), nor one whose folder's ledger files were all loaded (an
    unknown entity there is a mistake to report)."""
    from aicapex.errors import LedgerError
    from aicapex.scenarios.files import read_scenarios

    folder = Path(path).parent
    ledgers = [
        f
        for f in folder.iterdir()
        if f.name.endswith(LEDGER_SUFFIXES) and not f.name.endswith(SCENARIO_SUFFIXES)
    ]
    if all(os.path.realpath(f) in loaded for f in ledgers):
        return False
    try:
        entity = read_scenarios(path).entity
    except LedgerError:
        return False
    return entity not in entities


def _may_have_scenarios(paths: Iterable[str]) -> bool:
    """Whether :func:`~aicapex.scenarios.files.scenario_files` may find a file among or beside
    ``paths`` (a quick look that finds at least what it finds: hidden folders included)."""
    for p in paths:
        path = Path(p)
        if path.is_dir():
            places = [path.rglob(f"*{suffix}") for suffix in SCENARIO_SUFFIXES]
        elif path.name.endswith(SCENARIO_SUFFIXES):
            return True
        elif path.parent.is_dir():
            places = [path.parent.glob(f"*{suffix}") for suffix in SCENARIO_SUFFIXES]
        else:
            continue
        if any(next(found, None) is not None for found in places):
            return True
    return False


def scenarios_by_company(files: Iterable[ScenarioFile]) -> dict[str, list[ScenarioFile]]:
    """Scenario files by their entity."""
    out: dict[str, list[ScenarioFile]] = {}
    for f in files:
        out.setdefault(f.entity, []).append(f)
    return out


def scenarios_section(
    ledger: Ledger,
    when: Mapping[str, str | None],
    files: Mapping[str, Sequence[ScenarioFile]],
    refused: Iterable[str] = (),
) -> dict[str, Any]:
    """Each company's scenarios compared from its report date (``when``); companies whose
    money lacks exchange rates (``refused``) are left out."""
    out: dict[str, Any] = {}
    left_out = set(refused)
    for company, mine in files.items():
        if when.get(company) is None or company in left_out:
            continue
        rows: list[dict[str, Any]] = []
        for f in mine:
            try:
                table = f.compare(ledger, as_of=when[company])
            except ValueError as exc:  # no cash balance by the report date: no runway to vary
                out[company] = Unanswered(f"{f.path}: {exc}")
                break
            for row in table.rows():
                row["explanation"] = table.explain(row["scenario"])
                row["file"] = f.path
                rows.append(row)
        else:
            out[company] = rows
    return out
