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
import os
import re
import reprlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, overload

from pydantic import ValidationError

from aicapex.checks.references import raw_reference_problems
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.files import Locator, parse_document, read_hashed
from aicapex.ledger import Ledger, Origin
from aicapex.limits import MAX_BYTES, SCALAR_LIMITS
from aicapex.notledger import SCENARIO_SUFFIXES, export_document_problem, scenarios_file_problem
from aicapex.records import FORMAT_KEY, FORMAT_VERSION, KINDS, Record, RecordCheckError
from aicapex.scalars import scalar_findings

__all__ = ["LEDGER_SUFFIXES", "bundled_data", "load"]

LEDGER_SUFFIXES = (".yaml", ".yml", ".json")
"""File name endings read as ledger files."""


def bundled_data() -> Path:
    """The folder of ledger files shipped with aicapex (the repository's ``data/``)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("aicapex's bundled data is missing from this installation")


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
    flat: list[str | os.PathLike[str]] = []
    for p in paths:
        if isinstance(p, str | os.PathLike):
            flat.append(p)
        else:
            flat.extend(p)
    if not flat:
        raise LedgerError(
            [Problem("at least one ledger file or directory", "none", code="not-a-ledger")]
        )
    files = _expand(flat)
    if not files:
        raise LedgerError(
            [
                Problem(
                    "ledger files (.yaml, .yml, .json)",
                    "none",
                    file=str(flat[0]),
                    code="not-a-ledger",
                )
            ]
        )
    problems: list[Problem] = []
    records: list[Record] = []
    origins: dict[str, Origin] = {}
    locators: dict[str, Locator] = {}
    hashes: dict[str, str] = {}
    unloaded = _Unloaded()
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
            _load_file(read, records, origins, problems, locators, unloaded)
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
        for n, field, expected, found, code in raw_reference_problems(failed, ids, unloaded):
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
        self.everything = False
        self.raw: list[tuple[str, str, int, str | None, dict[str, Any]]] = []  # as written

    def __contains__(self, value: object) -> bool:
        return self.everything or value in self.ids


def _load_file(
    read: _Read,
    records: list[Record],
    origins: dict[str, Origin],
    problems: list[Problem],
    locators: dict[str, Locator],
    unloaded: _Unloaded,
) -> None:
    shown = read.shown
    text, digest, file_problems = read_hashed(read.path, shown, read.max_bytes)
    if text is None or digest is None:
        problems.extend(file_problems)
        unloaded.everything = True
        return
    read.hashes[os.path.realpath(read.path)] = digest
    data, file_problems = parse_document(text, shown)
    if file_problems:
        problems.extend(file_problems)
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
                f"a {_type_name(data)}",
                file=shown,
                line=locators[shown].line() or 1,
                code="not-a-ledger",
            )
        )
        return
    for kind, items in data.items():
        if kind == FORMAT_KEY:
            if items != FORMAT_VERSION:
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
                    _show(kind),
                    file=shown,
                    kind=str(kind) if len(str(kind)) <= _ID_MAX else None,
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
                    f"a {_type_name(items)}",
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
                and len(record_id) <= _ID_MAX
                and record_id.isprintable()  # named in one-line messages
                else None
            )
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        f"a record (a mapping of {cls.__name__} fields)",
                        "nothing (an empty '- ' item)"
                        if item is None
                        else f"a {_type_name(item)} {_show(item)}",
                        file=shown,
                        kind=kind,
                        index=index,
                        code="not-a-record",
                    )
                )
                continue
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
                    unloaded.ids.add(rid)
                continue
            try:
                record = validate(item)
            except ValidationError as exc:
                problems.extend(_from_validation(exc, cls, shown, kind, index, rid))
                if rid is not None:
                    unloaded.ids.add(rid)
                unloaded.raw.append((shown, kind, index, rid, item))
                continue
            first = origins.get(record.id)
            if first is not None:
                first_line = locators[first.file].line(first.kind, first.index)
                at = f"{first.file}:{first_line}" if first_line else first.file
                problems.append(
                    Problem(
                        "a unique id",
                        f"{record.id!r}, already used by {first.kind}[{first.index}] at {at}",
                        file=shown,
                        kind=kind,
                        index=index,
                        code="duplicate-id",
                        record_id=record.id,
                        field="id",
                    )
                )
                continue
            records.append(record)
            origins[record.id] = Origin(shown, kind, index)


def _type_name(value: object) -> str:
    names = {dict: "mapping", list: "list", str: "string", bool: "boolean", type(None): "null"}
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    return "number" if number else names.get(type(value), type(value).__name__)


def _field_hint(cls: type[Any], loc: tuple[Any, ...]) -> str:
    """A hint for the unknown field at ``loc``: the closest field of the model it is in, else
    the nested list it belongs in (``amount`` of a contract: its ``ramp``'s)."""
    model, name = cls, str(loc[-1])
    for step in loc[:-1]:  # field names (and list places) down to the field's model
        if (info := getattr(model, "model_fields", {}).get(str(step))) is not None:
            model = next(_model_args(info.annotation), model)
    fields = getattr(model, "model_fields", {})
    inner = [
        f for f, i in fields.items() for m in _model_args(i.annotation) if name in m.model_fields
    ]
    return suggest(name, fields) or (f" ({name!r} goes in {inner[0]})" if inner else "")


def _model_args(annotation: Any) -> Iterator[type[Any]]:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _model_args(arg)


#: pydantic error types -> problem codes (others: ``invalid-value``).
_PYDANTIC_CODES = {
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
    "greater_than": "out-of-range",
    "greater_than_equal": "out-of-range",
    "less_than": "out-of-range",
    "less_than_equal": "out-of-range",
    "string_too_long": "too-long",
    "string_too_short": "out-of-range",
    "too_long": "out-of-range",
    "too_short": "out-of-range",
}

#: What our value parsers say they expect -> problem codes.
_PARSER_CODES = (
    ("money like", "bad-money"),
    ("a rate like", "bad-rate"),
    ("a date", "bad-date"),
    ("no such day", "bad-date"),
    ("a capacity like", "bad-capacity"),
    ("whole number of GPUs", "bad-capacity"),
    ("a share like", "bad-share"),
    ("number of shares like", "bad-share"),
    ("currency", "bad-money"),
)


def _parser_code(text: str) -> str:
    return next((code for words, code in _PARSER_CODES if words in text), "invalid-value")


def _from_validation(
    exc: ValidationError, cls: type[Record], shown: str, kind: str, index: int, rid: str | None
) -> Iterator[Problem]:
    def problem(field: str | None, expected: str, found: str, code: str) -> Problem:
        if len(found) > _FOUND_MAX:  # a message never repeats a page of input
            found = f"{found[:_FOUND_MAX]}... ({len(found):,} characters)"
        return Problem(
            expected,
            found,
            file=shown,
            kind=kind,
            index=index,
            record_id=rid,
            field=field,
            code=code,
        )

    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or None
        etype = err["type"]
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        code = _PYDANTIC_CODES.get(etype, "invalid-value")
        if isinstance(error, RecordCheckError):
            for check in error.problems:
                yield problem(check.field, check.expected, check.found, check.code)
        elif etype == "extra_forbidden":
            name = str(err["loc"][-1])
            hint = _field_hint(cls, tuple(err["loc"]))
            yield problem(loc, f"a field of {kind}{hint}", f"unknown field {name!r}", code)
        elif etype == "missing":
            yield problem(loc, "a value (this field is required)", "nothing", code)
        elif error is not None:
            text = str(error)
            expected, sep, found = text.partition(", got ")
            if sep and expected.startswith("expected "):
                value = err.get("input")  # a parser's repr of a file's number: as written
                if isinstance(value, Decimal) and found.startswith(repr(value)):
                    found = str(value) + found.removeprefix(repr(value))
                yield problem(loc, expected.removeprefix("expected "), found, _parser_code(text))
            else:
                found = _show(err.get("input"))
                yield problem(loc, f"a valid value ({text})", found, _parser_code(text))
        elif etype in ("bool_parsing", "bool_type"):
            yield problem(loc, "true or false", _show(err.get("input")), code)
        elif etype == "string_type":  # not pydantic's 'a valid string'
            found = _show(err.get("input"))
            yield problem(loc, "text (a number or date in quotes: '2023')", found, code)
        elif etype in ("tuple_type", "list_type"):  # not pydantic's 'a valid tuple'
            yield problem(
                loc, "a list (items on '- ' lines, or [a, b])", _show(err.get("input")), code
            )
        elif etype in ("model_type", "dict_type"):  # not 'a valid dictionary or instance of X'
            fields = f" of {ctx['class_name']} fields" if ctx.get("class_name") else ""
            yield problem(loc, f"a mapping{fields} (field: value)", _show(err.get("input")), code)
        elif etype == "enum" and isinstance(err.get("input"), str):
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = suggest(err["input"], choices)
            yield problem(loc, f"{ctx.get('expected')}{hint}", _show(err.get("input")), code)
        else:
            msg = err["msg"]
            expected = msg.removeprefix("Input should be ").removeprefix("Value should be ")
            if expected == msg and msg[:1].isupper():
                expected = msg[0].lower() + msg[1:]
            yield problem(loc, expected, _show(err.get("input")), code)


#: The longest id shown as a problem's record id.
_ID_MAX = SCALAR_LIMITS["id"][0]

#: The longest text a problem's ``found`` repeats.
_FOUND_MAX = 200


class _Written(str):
    """A number as the file writes it: its repr is its text (``1.5``, not ``Decimal('1.5')``)."""

    def __repr__(self) -> str:
        return str(self)


def _written(value: Any, depth: int = 0) -> Any:
    """``value`` with its decimals (how files' numbers are read) shown as written."""
    if isinstance(value, Decimal):
        return _Written(value)
    if depth > 20:
        return value
    if isinstance(value, list | tuple):
        return [_written(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _written(v, depth + 1) for k, v in value.items()}
    return value


def _show(value: Any) -> str:
    try:
        text = repr(_written(value))
    except RecursionError:  # lists nested thousands deep: show the first levels only
        text = reprlib.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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
