"""Several scenarios files read at once: every file's problems, and the scenarios of one entity
named alike in two files, in one :class:`~aicapex.errors.LedgerError`.

A scenario's name says which what-if a row of a comparison or of the report is: two files of one
entity defining the same name (``base`` in each) is a ``duplicate-id`` problem located at the
later definition and naming both (``'cut' in a.scenarios.yaml:6 and in b.scenarios.yaml:9``).
The same file named twice (``--file a --file a``, or through a link) is read once, as a ledger
file named twice is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from aicapex.errors import LedgerError, Problem
from aicapex.limits import MAX_BYTES
from aicapex.scenarios.files import ScenarioFile, read_scenarios

__all__ = ["read_scenario_files"]


def read_scenario_files(
    paths: Iterable[str | os.PathLike[str]], ledger: Any = None, *, max_bytes: int = MAX_BYTES
) -> list[ScenarioFile]:
    """:func:`~aicapex.scenarios.files.read_scenarios` of each of ``paths`` (each file once, as
    first named), and no scenario name twice among one entity's files. Raises
    :class:`~aicapex.errors.LedgerError` listing the problems of every file at once (a file
    with problems is left out of the names compared: they are checked once it reads)."""
    once: dict[str, str | os.PathLike[str]] = {}
    for path in paths:
        once.setdefault(os.path.realpath(path), path)
    problems: list[Problem] = []
    read: list[ScenarioFile] = []
    for path in once.values():
        try:
            read.append(read_scenarios(path, ledger, max_bytes=max_bytes))
        except LedgerError as exc:
            problems.extend(exc.problems)
    problems.extend(_named_twice(read))
    if problems:
        raise LedgerError(problems)
    return read


def _named_twice(files: Iterable[ScenarioFile]) -> list[Problem]:
    """A ``duplicate-id`` problem for each scenario name that two files of one entity define,
    at its second definition, naming every one (file and line)."""
    where: dict[tuple[str, str], list[tuple[ScenarioFile, int]]] = {}
    for f in files:
        for i, scenario in enumerate(f.scenarios):
            where.setdefault((f.entity, scenario.name), []).append((f, i))
    problems = []
    for (entity, name), places in where.items():
        if len(places) < 2:
            continue
        shown = [f"{f.path}:{f.lines.get(name) or 1}" for f, _ in places]
        listed = ", in ".join(shown[:-1]) + f" and in {shown[-1]}"
        second, i = places[1]
        problems.append(
            Problem(
                f"a scenario name used once among the scenarios files of {entity!r}",
                f"{name!r} in {listed}",
                file=second.path,
                line=second.lines.get(name) or 1,
                kind="scenarios",
                index=i,
                record_id=name,
                field="name",
                code="duplicate-id",
            )
        )
    return problems
