"""Loading ledger files: :func:`load` reads YAML or JSON files (or folders of them) into one
:class:`~aicapex.ledger.Ledger`, turning every parse and validation failure into a located
:class:`~aicapex.errors.Problem`, and reports every problem of every file at once.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> led["stability-ai"].name
'Stability AI'
"""

from __future__ import annotations

import gc
import itertools
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, overload

from pydantic import ValidationError

from aicapex.checks.facts import raw_same_party_problems
from aicapex.checks.references import raw_reference_problems
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.files import Locator, parse_document, read_hashed
from aicapex.ledger import Ledger, Origin
from aicapex.limits import ID_MAX, MAX_BYTES, checked_max_bytes
from aicapex.loadproblems import show_value, type_name, validation_problems
from aicapex.notledger import (
    LEDGER_SUFFIXES,
    SCENARIO_SUFFIXES,
    export_document_problem,
    scenarios_file_problem,
)
from aicapex.records import FORMAT_KEY, FORMAT_VERSION, KINDS, Record
from aicapex.scalars import scalar_findings

__all__ = ["LEDGER_SUFFIXES", "bundled_data", "load"]


def bundled_data() -> Path:
    """The folder of ledger files shipped with aicapex (the repository's ``data/``)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("aicapex's bundled data is missing from this installation")


def _flat(paths: Iterable[Any]) -> list[str | os.PathLike[str]]:
    """The paths given to :func:`load`, lists of them flattened; anything else is a
    ``TypeError`` naming it (not one from deep inside: ``'NoneType' object is not iterable``)."""
    flat: list[str | os.PathLike[str]] = []
    for p in paths:
        if isinstance(p, str | os.PathLike):
            flat.append(p)
            continue
        if isinstance(p, bytes | bytearray) or not isinstance(p, Iterable):
            raise TypeError(_NOT_PATHS.format(p))
        for q in p:
            if not isinstance(q, str | os.PathLike):
                raise TypeError(_NOT_PATHS.format(q))
            flat.append(q)
    return flat


_NOT_PATHS = "load: expected paths of ledger files or folders (text or os.PathLike), got {!r}"


def _path_problem(path: str | os.PathLike[str]) -> Problem | None:
    """The problem of a path that names no file: an empty one (``''`` is not the current
    folder: a script's unset variable would load whatever is there), or one holding a NUL."""
    text = os.fspath(path)
    if text == "":
        return Problem(
            "the path of a ledger file or folder ('.' for the current folder)",
            "an empty path",
            file="''",
            code="missing-file",
        )
    if "\x00" in str(text):
        return Problem(
            "a path without NUL characters", repr(text), file=repr(text), code="missing-file"
        )
    return None


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    """The files to read: files as given, ledger files under folders (sorted; hidden ones and
    scenario files, ``*.scenarios.yaml``, left out), each once (a file given twice, or a file
    and its folder, is read once)."""
    files: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(path: Path, shown: str) -> None:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            files.append((path, shown))

    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(
                f
                for f in path.rglob("*")
                if f.suffix in LEDGER_SUFFIXES
                # what-ifs beside a ledger (aicapex.scenarios.files) are no ledger files
                and not f.name.endswith(SCENARIO_SUFFIXES)
                # a link to nothing or a link loop is read, and said unreadable
                and (f.is_file() or (f.is_symlink() and not f.exists()))
                # hidden files and folders (.venv/, .ipynb_checkpoints/) are not ledgers
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            for f in found:
                add(f, str(f))
        else:
            add(path, str(p))
    return files


@overload
def load(
    *paths: str | os.PathLike[str],
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Ledger: ...
@overload
def load(
    *paths: Iterable[str | os.PathLike[str]],
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Ledger: ...


def load(
    *paths: Any,
    max_bytes: int = MAX_BYTES,
    strict: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Ledger:
    """Load ledger files (YAML or JSON), or every such file under a directory, into one
    :class:`Ledger`.

    Every problem of every file is collected first; if there is any error, one
    :class:`LedgerError` lists them all (file:line, record kind and index, id, field, expected,
    found) and nothing is loaded. Warnings (implausible but real: a prepaid bill) do not stop a
    load: they are kept, located, in ``Ledger.warnings``; ``strict=True`` refuses them too.
    ``load("data/")``, ``load("a.yaml", "b.yaml")`` and ``load(["a.yaml", "b.yaml"])`` all work;
    a file given twice is read once. A folder's ``*.scenarios.yaml`` files are left out (they
    are what-ifs: :func:`aicapex.scenarios.read_scenarios`); one given by name is refused, as
    no ledger file (``not-a-ledger``). Files larger than ``max_bytes``
    (1 GB by default) are refused before they are read.

    ``progress(stage, done, total)`` is called as each stage starts: ``reading FILE`` for
    each file (reading, parsing and validating its records), then ``checking across records``
    (references, conflicts, cross-record checks): ``done`` of ``total`` stages.
    """
    flat = _flat(paths)
    checked_max_bytes(max_bytes)
    if not isinstance(strict, bool):
        raise TypeError(f"load: strict: expected True or False, got {strict!r}")
    if progress is not None and not callable(progress):
        raise TypeError(
            f"load: progress: expected a function (stage, done, total), got {progress!r}"
        )
    if not flat:
        raise LedgerError(
            [Problem("at least one ledger file or directory", "none", code="not-a-ledger")]
        )
    refused = [_path_problem(p) for p in flat]
    unusable = [p for p in refused if p is not None]
    kept = [path for path, p in zip(flat, refused, strict=True) if p is None]
    files = _expand(kept)
    if not files:
        if kept:  # folders without ledger files
            none = "ledger files (.yaml, .yml, .json)"
            unusable.append(Problem(none, "none", file=str(kept[0]), code="not-a-ledger"))
        raise LedgerError(unusable)
    problems: list[Problem] = list(unusable)
    records: list[Record] = []
    origins: dict[str, Origin] = {}
    locators: dict[str, Locator] = {}
    hashes: dict[str, str] = {}
    unloaded = _Unloaded()
    seen: dict[str, Origin] = {}  # every record's id as written, loaded or not: its first place
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building many small objects: the cyclic GC only slows this down
    step = progress or (lambda _stage, _done, _total: None)
    try:
        for i, (path, shown) in enumerate(files):
            step(f"reading {shown}", i, len(files) + 1)
            if path.name.endswith(SCENARIO_SUFFIXES):  # given by name: one problem, not one
                problems.append(scenarios_file_problem(shown))  # per top-level key it holds
                continue
            read = _Read(path, shown, max_bytes, hashes)
            _load_file(read, records, origins, problems, locators, unloaded, seen)
    finally:
        if gc_was_enabled:
            gc.enable()
    step("checking across records", len(files), len(files) + 1)
    try:
        ledger = Ledger(
            records,
            origins=origins,
            unloaded=unloaded,
            files=hashes,
            locate=lambda found: _locate(found, origins, locators),
        )
    except LedgerError as exc:
        problems.extend(exc.problems)
    if unloaded.raw and not unloaded.everything:  # all at once: their references too
        ids: dict[str, set[str]] = {kind: set() for kind in KINDS}
        for record in records:
            ids[type(record).KIND].add(record.id)
        failed = [(kind, item) for _, kind, _, _, item in unloaded.raw]
        raw = itertools.chain(
            raw_reference_problems(failed, ids, unloaded), raw_same_party_problems(failed)
        )
        for n, field, expected, found, code in raw:
            shown, kind, index, rid, _ = unloaded.raw[n]
            where = (shown, None, kind, index, rid, field)
            problems.append(Problem(expected, found, *where, code=code))
    if problems:
        raise LedgerError(_locate(problems, origins, locators))
    if strict and ledger.warnings:
        raise LedgerError(ledger.warnings)
    return ledger


class _Read:
    """One file to read: its path, its name as given, the size limit, and where its hash
    goes."""

    __slots__ = ("hashes", "max_bytes", "path", "shown")

    def __init__(self, path: Path, shown: str, max_bytes: int, hashes: dict[str, str]) -> None:
        self.path, self.shown, self.max_bytes, self.hashes = path, shown, max_bytes, hashes


class _Unloaded:
    """Ids of records that failed to load (``everything`` once a whole file or kind did): other
    records' references to them are not reported as unknown, since the cause already is."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.failed_kinds: dict[str, set[str]] = {}  # the kinds of the failed records by id
        self.everything = False
        self.raw: list[tuple[str, str, int, str | None, dict[str, Any]]] = []  # as written

    def __contains__(self, value: object) -> bool:
        return self.everything or value in self.ids

    @property
    def kinds(self) -> dict[str, set[str]]:
        """The kinds of the records that failed, by id (a reference to one of another kind is
        a wrong kind); none once a whole file failed (its records' kinds are unknown)."""
        return {} if self.everything else self.failed_kinds

    def add(self, rid: str, kind: str) -> None:
        """Note that the record ``rid`` of ``kind`` failed to load."""
        self.ids.add(rid)
        self.failed_kinds.setdefault(rid.strip(), set()).add(kind)


def _load_file(
    read: _Read,
    records: list[Record],
    origins: dict[str, Origin],
    problems: list[Problem],
    locators: dict[str, Locator],
    unloaded: _Unloaded,
    seen: dict[str, Origin],
) -> None:
    shown = read.shown
    text, digest, file_problems = read_hashed(read.path, shown, read.max_bytes)
    if text is None or digest is None:
        problems.extend(file_problems)
        unloaded.everything = True
        return
    read.hashes[os.path.realpath(read.path)] = digest
    data, file_problems = parse_document(text, shown)
    problems.extend(file_problems)
    if data is None:
        unloaded.everything = True
        return
    locators[shown] = Locator(text, data)
    exported = export_document_problem(data, shown)
    if exported is not None:
        problems.append(exported)
        unloaded.everything = True
        return
    if not isinstance(data, dict):
        unloaded.everything = True
        problems.append(
            Problem(
                "a mapping of record kinds such as 'sources:' and 'entities:'",
                f"a {type_name(data)}",
                file=shown,
                line=locators[shown].line() or 1,
                code="not-a-ledger",
            )
        )
        return
    for kind, items in data.items():
        if kind == FORMAT_KEY:
            if isinstance(items, bool) or items != FORMAT_VERSION:  # true == 1 in Python
                problems.append(
                    Problem(
                        f"a ledger of format {FORMAT_VERSION} (aicapex: {FORMAT_VERSION}), the "
                        "one this version of aicapex reads",
                        repr(items),
                        file=shown,
                        kind=FORMAT_KEY,
                        code="invalid-value",
                    )
                )
                unloaded.everything = True
            continue
        cls = KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            unloaded.everything = True
            problems.append(
                Problem(
                    f"a record kind (one of {', '.join(KINDS)}){suggest(str(kind), KINDS)}",
                    show_value(kind),
                    file=shown,
                    kind=str(kind) if len(str(kind)) <= ID_MAX else None,
                    code="unknown-kind",
                )
            )
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            unloaded.everything = True
            problems.append(
                Problem(
                    f"a list of {kind}",
                    f"a {type_name(items)}",
                    file=shown,
                    kind=kind,
                    code="not-a-list",
                )
            )
            continue
        validate = cls.__pydantic_validator__.validate_python
        for index, item in enumerate(items):
            record_id = item.get("id") if isinstance(item, dict) else None
            rid = (
                record_id
                if isinstance(record_id, str)
                and len(record_id) <= ID_MAX
                and record_id.isprintable()  # named in one-line messages
                else None
            )
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        f"a record (a mapping of {cls.__name__} fields)",
                        "nothing (an empty '- ' item)"
                        if item is None
                        else f"a {type_name(item)} {show_value(item)}",
                        file=shown,
                        kind=kind,
                        index=index,
                        code="not-a-record",
                    )
                )
                continue
            # an id used before (by a record that loaded or not) is reported with the record's
            # own problems, not once they are fixed; the record is not loaded
            duplicate = _duplicate_problem(rid, shown, kind, index, seen, locators)
            if duplicate is not None:
                problems.append(duplicate)
            findings = scalar_findings(item, cls)
            if findings:  # values past their limits: reported, the record not validated
                for field, expected, found, code in findings:
                    problems.append(
                        Problem(
                            expected,
                            found,
                            file=shown,
                            kind=kind,
                            index=index,
                            record_id=rid,
                            field=field or None,
                            code=code,
                        )
                    )
                if rid is not None:
                    unloaded.add(rid, kind)
                continue
            try:
                record = validate(item)
            except ValidationError as exc:
                problems.extend(validation_problems(exc, cls, shown, kind, index, rid, item))
                if rid is not None:
                    unloaded.add(rid, kind)
                unloaded.raw.append((shown, kind, index, rid, item))
                continue
            if duplicate is not None:
                continue
            if rid is None:  # an id the raw check could not name (a long or odd one, stripped)
                duplicate = _duplicate_problem(record.id, shown, kind, index, seen, locators)
                if duplicate is not None:
                    problems.append(duplicate)
                    continue
            records.append(record)
            origins[record.id] = Origin(shown, kind, index)


def _duplicate_problem(
    rid: str | None,
    shown: str,
    kind: str,
    index: int,
    seen: dict[str, Origin],
    locators: Mapping[str, Locator],
) -> Problem | None:
    """The problem of a record whose id ``rid`` (as written, surrounding spaces aside, as the
    models strip them) an earlier record of the load has, whether that one loaded or not;
    ``None`` (and the place noted) for an id seen first."""
    if rid is None:
        return None
    key = rid.strip()
    first = seen.get(key)
    if first is None:
        seen[key] = Origin(shown, kind, index)
        return None
    first_line = locators[first.file].line(first.kind, first.index)
    at = f"{first.file}:{first_line}" if first_line else first.file
    return Problem(
        "a unique id",
        f"{key!r}, already used by {first.kind}[{first.index}] at {at}",
        file=shown,
        kind=kind,
        index=index,
        code="duplicate-id",
        record_id=key,
        field="id",
    )


def _locate(
    problems: list[Problem], origins: Mapping[str, Origin], locators: Mapping[str, Locator]
) -> list[Problem]:
    """Fill in line numbers from the files' texts (parsed only now, and only if needed)."""
    out = []
    for p in problems:
        locator = locators.get(p.file or "")
        if p.line is None and locator is not None:
            path: list[str | int] = []
            if p.kind is not None:
                path.append(p.kind)
                if p.index is not None:
                    path.append(p.index)
                    if p.field:
                        path.extend(int(s) if s.isdigit() else s for s in p.field.split("."))
            p = p.located(p.file, locator.line(*path))
        out.append(p)
    return out
