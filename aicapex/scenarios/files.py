"""Scenario files: ``*.scenarios.yaml``, what-ifs kept beside a ledger, read with located errors.

A scenarios file names its entity and lists scenarios, each a name and adjustments; an
adjustment is a mapping whose ``do`` names it (``scale``, ``add_flow``, ``remove``,
``disburse``, ``cancel``, ``delay``, ``pay``, ``forgive``, ``cut_headcount``, ``growth``) and
whose other keys are its arguments, as in Python::

    aicapex: 1
    entity: stability-ai
    as_of: 2023-10                 # optional: the scenarios' date (default: the latest balance)
    policy: disbursed              # optional: disbursed, committed or arrears
    horizon: 240                   # optional: months simulated after as_of
    scenarios:
    - name: base                   # the first scenario is the reference of comparisons
    - name: intel-20-in-oct
      note: Intel's disbursed $20M received in October 2023.
      based_on: [stability-2023-intel]       # optional: records the what-if comes from
      adjustments:
      - do: disburse
        round: stability-2023-intel
        tranche: 0
        on: 2023-10

Money (``add_flow``'s ``amount``) is written with its currency, as in a ledger (``$20M``,
``9999 USD``, a rate ``$139M/yr``): a bare number is a ``bad-money`` problem, though Python's
``add_flow(amount=9999)`` takes it as US dollars.

Every problem is located like a ledger's (file, line, ``scenarios[i]``, the scenario's name, the
field: ``adjustments.0.tranche``), with a code of :data:`aicapex.errors.CODES`, all at once in
one :class:`~aicapex.errors.LedgerError`. Given the ledger, references are checked too: the
entity, ``based_on`` ids, and every adjustment against the ledger (unknown rounds, tranches,
records, bills, categories the entity has no flows in), with suggestions.

An adjustment's problems are all said too, each at its own argument (``adjustments.0.kind``,
``adjustments.0.start``: :mod:`aicapex.scenarios.fileargs`); what depends on an argument
refused waits until it is fixed: an unknown ``do:`` is its adjustment's one problem (its
arguments are no adjustment's), a ``kind`` refused leaves the ``category`` and the amount's sign
unchecked, a ``start`` refused the ``end`` after it. Against the ledger, an adjustment's first
problem is said (its references hang on its entity, round or record).

``aicapex.load`` skips ``*.scenarios.yaml`` files when it reads a folder: they are no ledgers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aicapex.analysis.runway import HORIZON, MAX_HORIZON, POLICIES
from aicapex.dates import PartialDate, Precision
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.files import Locator, parse_document, read_text
from aicapex.limits import MAX_BYTES, checked_max_bytes
from aicapex.loading import LEDGER_SUFFIXES
from aicapex.notledger import SCENARIO_SUFFIXES
from aicapex.records import FORMAT_KEY, FORMAT_VERSION
from aicapex.scenarios.book import AdjustmentError, Frozen, ScenarioAdjustment
from aicapex.scenarios.context import NoBalance, bind_scenario, prepare
from aicapex.scenarios.fileargs import ADJUSTMENTS, plain, read_adjustment, what_of
from aicapex.scenarios.scenario import Comparison, Scenario, compare

__all__ = [
    "ADJUSTMENTS",
    "SCENARIO_SUFFIXES",
    "ScenarioFile",
    "read_scenarios",
    "scenario_files",
]


#: What a scenarios file is, as its problems say.
SHAPE = "a scenarios file: a mapping with 'entity:' and a list 'scenarios:'"
#: The top-level fields of a scenarios file.
FILE_FIELDS = (FORMAT_KEY, "entity", "as_of", "policy", "horizon", "note", "scenarios")
#: The fields of a scenario.
SCENARIO_FIELDS = ("name", "note", "based_on", "adjustments")


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class ScenarioFile(Frozen):
    """A scenarios file, read: its ``entity``, ``scenarios`` and the run's settings."""

    path: str
    entity: str
    scenarios: tuple[Scenario, ...]
    as_of: str | None = None
    policy: str = "disbursed"
    horizon: int = HORIZON
    note: str | None = None
    based_on: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    lines: Mapping[str, int | None] = field(default_factory=dict)  # of each scenario's name

    def compare(self, source: Any, **kw: Any) -> Comparison:
        """:func:`~aicapex.scenarios.scenario.compare` of the file's scenarios on ``source``
        (keywords override the file's ``as_of``, ``policy`` and ``horizon``)."""
        settings: dict[str, Any] = {
            "as_of": self.as_of,
            "policy": self.policy,
            "horizon": self.horizon,
        }
        settings.update(kw)
        return compare(source, self.entity, self.scenarios, **settings)


def scenario_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The scenario files of ``paths``: those given, those under folders (hidden ones left
    out), and those beside each ledger file given (but not another ledger file's: beside
    ``musk.yaml``, ``stability_ai.scenarios.yaml`` when ``stability_ai.yaml`` is there and not
    given); each once (as first named), sorted. Found ones are files, as a ledger folder's."""
    paths = list(paths)
    given = {os.path.realpath(p) for p in paths}

    def others(f: Path, suffix: str) -> bool:  # the scenarios of a ledger file not given
        twins = (f.with_name(f.name[: -len(suffix)] + s) for s in LEDGER_SUFFIXES)
        return any(t.is_file() and os.path.realpath(t) not in given for t in twins)

    found: set[Path] = set()
    # the folders looked in beside a file (a ledger's files share one: each look found the
    # same, 0.06 ms each)
    beside: set[Path] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for suffix in SCENARIO_SUFFIXES:
                found.update(
                    f
                    for f in path.rglob(f"*{suffix}")
                    if not any(part.startswith(".") for part in f.relative_to(path).parts)
                )
        elif path.name.endswith(SCENARIO_SUFFIXES):
            found.add(path)
        elif path.parent not in beside and path.parent.is_dir():
            beside.add(path.parent)
            for suffix in SCENARIO_SUFFIXES:
                found.update(f for f in path.parent.glob(f"*{suffix}") if not others(f, suffix))
    once: dict[str, Path] = {}
    for f in sorted(found, key=lambda f: (f.is_absolute(), str(f))):
        # a folder or a named pipe found, not named, is no file to read (a pipe waits forever)
        if f.is_file() or os.path.realpath(f) in given or (f.is_symlink() and not f.exists()):
            once.setdefault(os.path.realpath(f), f)
    return sorted(once.values())


class _Reader:
    """Problems of one file, located as they are found."""

    def __init__(self, shown: str, locator: Locator) -> None:
        self.shown, self.locator = shown, locator
        self.problems: list[Problem] = []

    def add(
        self,
        expected: str,
        found: str,
        code: str,
        *path: str | int,
        index: int | None = None,
        name: str | None = None,
        field: str | None = None,
    ) -> None:
        self.problems.append(
            Problem(
                expected,
                found,
                file=self.shown,
                line=self.locator.line(*path) if path else 1,
                kind="scenarios" if index is not None else None,
                index=index,
                record_id=name,
                field=field,
                code=code,
            )
        )


def _adjustment(
    reader: _Reader, item: Any, i: int, name: str | None, j: int
) -> ScenarioAdjustment | None:
    """The adjustment ``j`` of scenario ``i``, or ``None`` with its problems recorded (every
    one: :func:`~aicapex.scenarios.fileargs.read_adjustment`)."""
    adjustment, problems = read_adjustment(item)
    for p in problems:
        path = ("scenarios", i, "adjustments", j, *((p.key,) if p.key and p.at else ()))
        field = f"adjustments.{j}" + (f".{p.key}" if p.key else "")
        reader.add(p.expected, p.found, p.code, *path, index=i, name=name, field=field)
    return adjustment


def _scenario(reader: _Reader, item: Any, i: int, seen: dict[str, int]) -> Scenario | None:
    """Scenario ``i``, or ``None`` with its problems recorded."""
    if not isinstance(item, dict):
        reader.add(
            "a scenario (a mapping with 'name:' and 'adjustments:')",
            what_of(item),
            "not-a-record",
            "scenarios",
            i,
            index=i,
        )
        return None
    name = item.get("name")
    label = name if isinstance(name, str) else None
    for key in item:
        if key not in SCENARIO_FIELDS:
            reader.add(
                f"a field of a scenario ({', '.join(SCENARIO_FIELDS)})"
                + suggest(str(key), SCENARIO_FIELDS),
                f"unknown field {key!r}",
                "unknown-field",
                "scenarios",
                i,
                str(key),
                index=i,
                name=label,
                field=str(key),
            )
    if not isinstance(name, str) or not name.strip():
        found = "nothing" if name is None else repr(name)
        code = "missing-field" if name is None else "invalid-value"
        reader.add("a scenario name (text)", found, code, "scenarios", i, index=i, field="name")
        return None
    if name in seen:
        reader.add(
            "a scenario name used once in the file",
            f"{name!r}, already the name of scenarios[{seen[name]}]",
            "duplicate-id",
            "scenarios",
            i,
            "name",
            index=i,
            name=name,
            field="name",
        )
    seen.setdefault(name, i)
    items = item.get("adjustments") or []
    if not isinstance(items, list):
        reader.add(
            "a list of adjustments",
            what_of(items),
            "not-a-list",
            "scenarios",
            i,
            "adjustments",
            index=i,
            name=name,
            field="adjustments",
        )
        return None
    adjustments = [_adjustment(reader, a, i, name, j) for j, a in enumerate(items)]
    if any(a is None for a in adjustments):
        return None
    note = item.get("note")
    return Scenario(name, adjustments, None if note is None else str(note))


def _top(reader: _Reader, data: dict[str, Any]) -> dict[str, Any]:
    """The file's settings, checked."""
    for key in data:
        if key not in FILE_FIELDS:
            reader.add(
                f"a field of a scenarios file ({', '.join(FILE_FIELDS)})"
                + suggest(str(key), FILE_FIELDS),
                f"unknown field {key!r}",
                "unknown-field",
                str(key),
                field=str(key),
            )
    version = data.get(FORMAT_KEY, FORMAT_VERSION)
    if isinstance(version, bool) or version != FORMAT_VERSION:  # true == 1 in Python
        reader.add(
            f"a scenarios file of format {FORMAT_VERSION} ({FORMAT_KEY}: {FORMAT_VERSION})",
            repr(plain(version)),
            "invalid-value",
            FORMAT_KEY,
            field=FORMAT_KEY,
        )
    entity = data.get("entity")
    if not isinstance(entity, str) or not entity:
        found = "nothing" if entity is None else repr(entity)
        code = "missing-field" if entity is None else "invalid-value"
        what = "the id of the entity the scenarios are about"
        reader.add(what, found, code, "entity", field="entity")
    policy = data.get("policy", "disbursed")
    if policy not in POLICIES:
        reader.add(
            f"a policy among {', '.join(POLICIES)}{suggest(str(policy), POLICIES)}",
            repr(policy),
            "invalid-value",
            "policy",
            field="policy",
        )
    horizon = data.get("horizon", HORIZON)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 0 < horizon <= MAX_HORIZON:
        reader.add(
            f"a horizon in whole months, 1 to {MAX_HORIZON} (60 years)",
            repr(plain(horizon)),
            "invalid-value",
            "horizon",
            field="horizon",
        )
    as_of = data.get("as_of")
    if as_of is not None:
        from aicapex.analysis.common import day_of

        try:  # a fiscal year is the file's entity's, read with the ledger (as the runway)
            if PartialDate.parse(str(as_of)).precision is not Precision.FISCAL_YEAR:
                day_of(str(as_of))
        except ValueError as exc:
            reader.add(
                "a date like '2023-10'", f"{as_of!r} ({exc})", "bad-date", "as_of", field="as_of"
            )
    return {
        "entity": entity,
        "policy": policy,
        "horizon": horizon,
        "as_of": None if as_of is None else str(as_of),
        "note": None if data.get("note") is None else str(data["note"]),
    }


def _check_against(
    reader: _Reader, read: ScenarioFile, ledger: Any, places: list[int] | None = None
) -> None:
    """References of ``read`` checked against ``ledger``: its entity, ``based_on`` ids and
    every adjustment (bound as a comparison binds it). ``places``: each scenario's position in
    the file (when some were not read: the file's own problems)."""
    try:
        try:
            _, book = prepare(
                ledger,
                read.entity,
                read.as_of,
                policy=read.policy,  # type: ignore[arg-type]
                horizon=read.horizon,
            )
        except NoBalance:
            # no balance to start from is no fault of the file (a run says so; the report
            # gives no answer and why, as for a balance after its date): the references are
            # checked all the same (as_of only dates what the adjustments bind to)
            _, book = prepare(
                ledger,
                read.entity,
                "2000-01",
                policy=read.policy,  # type: ignore[arg-type]
                horizon=read.horizon,
            )
    except KeyError:
        known = sorted(e.id for e in ledger.records("entities"))
        reader.add(
            f"an entity of the ledger{suggest(read.entity, known)}",
            repr(read.entity),
            "unknown-reference",
            "entity",
            field="entity",
        )
        return
    except ValueError as exc:
        reader.add(str(exc), "", "invalid-value", "entity", field="entity")
        return
    for n, scenario in enumerate(read.scenarios):
        i = places[n] if places is not None else n
        for k, record in enumerate(read.based_on.get(scenario.name, ())):
            if record not in ledger:
                reader.add(
                    "the id of a record of the ledger" + suggest(record, [r.id for r in ledger]),
                    repr(record),
                    "unknown-reference",
                    "scenarios",
                    i,
                    "based_on",
                    k,
                    index=i,
                    name=scenario.name,
                    field=f"based_on.{k}",
                )
        for j, adjustment in enumerate(scenario.adjustments):
            try:
                bind_scenario(scenario.name, [adjustment], book)
            except AdjustmentError as exc:
                reader.add(
                    exc.expected,
                    exc.found,
                    exc.code,
                    "scenarios",
                    i,
                    "adjustments",
                    j,
                    *((exc.field,) if exc.field else ()),
                    index=i,
                    name=scenario.name,
                    field=f"adjustments.{j}" + (f".{exc.field}" if exc.field else ""),
                )


def read_scenarios(
    path: str | os.PathLike[str], ledger: Any = None, *, max_bytes: int = MAX_BYTES
) -> ScenarioFile:
    """Read a scenarios file (see the module docs); with ``ledger``, check its references too.
    Raises :class:`~aicapex.errors.LedgerError` listing every problem, located."""
    shown = str(path)
    text, problems = read_text(Path(path), shown, checked_max_bytes(max_bytes))
    if text is None:
        raise LedgerError(
            [
                Problem(
                    p.expected.replace("ledger file", "scenarios file"),
                    p.found,
                    file=p.file,
                    line=p.line,
                    code=p.code,
                )
                for p in problems
            ]
        )
    data, problems = parse_document(text, shown)
    if problems:  # an empty file is no scenarios file (parse_document says 'a ledger')
        shape = [replace(p, expected=SHAPE) if p.code == "empty-file" else p for p in problems]
        raise LedgerError(shape)
    reader = _Reader(shown, Locator(text, data))
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), list):
        found = (
            what_of(data)
            if not isinstance(data, dict)
            else "no 'scenarios:' list"
            if "scenarios" not in data
            else f"'scenarios:' as {what_of(data['scenarios'])}"
        )
        reader.add(SHAPE, found, "not-scenarios")
        raise LedgerError(reader.problems)
    settings = _top(reader, data)
    seen: dict[str, int] = {}
    scenarios = [_scenario(reader, s, i, seen) for i, s in enumerate(data["scenarios"])]
    if not scenarios:
        reader.add("at least one scenario", "none", "not-scenarios", "scenarios", field="scenarios")
    based_on = {}
    for i, item in enumerate(data["scenarios"]):
        ids = item.get("based_on") if isinstance(item, dict) else None
        if ids is None or not isinstance(item.get("name"), str):
            continue
        if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
            reader.add(
                "a list of record ids",
                repr(ids),
                "invalid-value",
                "scenarios",
                i,
                "based_on",
                index=i,
                name=item["name"],
                field="based_on",
            )
            continue
        based_on[item["name"]] = tuple(ids)
    # the file's settings read: its scenarios that are read are checked against the ledger
    # with the file's other problems (all at once), else the problems alone
    settled = not any(p.index is None for p in reader.problems)
    if reader.problems and (ledger is None or not settled):
        raise LedgerError(reader.problems)
    read = ScenarioFile(
        shown,
        settings["entity"],
        tuple(s for s in scenarios if s is not None),
        settings["as_of"],
        settings["policy"],
        settings["horizon"],
        settings["note"],
        based_on,
        {s.name: reader.locator.line("scenarios", i, "name") for i, s in enumerate(scenarios) if s},
    )
    if ledger is not None:
        _check_against(reader, read, ledger, [i for i, s in enumerate(scenarios) if s])
        if reader.problems:
            raise LedgerError(reader.problems)
    return read
