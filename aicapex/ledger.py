"""The :class:`Ledger`: validated records of every kind, their references resolved, and
:func:`load`, which reads ledger files and reports every problem of every file at once.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> led["stability-ai"].name
'Stability AI'
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import reprlib
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import ValidationError

from aicapex.dates import PartialDate
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.files import Locator, atomic_write, dump_yaml, parse_document, read_text
from aicapex.records import KINDS, Entity, Record, RecordCheckError, Source

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Ledger", "Origin", "bundled_data", "load"]

R = TypeVar("R", bound=Record)

LEDGER_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a record was read from: file, kind, position in its list, and line."""

    file: str
    kind: str
    index: int
    line: int | None = None

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}" if self.line else f"{self.file} ({self.kind}[{self.index}])"
        )


class Ledger:
    """Validated records of every kind, ids unique and references resolved.

    Build one with :func:`load`, or from records: ``Ledger([Entity(...), CloudBill(...)])``
    (raises :class:`LedgerError` listing every unknown reference or duplicate id). A ledger is
    immutable; equality compares the records of each kind, whatever their order.
    """

    __slots__ = ("_by_id", "_by_kind", "_origins")

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        origins: Mapping[str, Origin] | None = None,
        _unloaded: Container[str] = (),
    ):
        by_kind: dict[str, list[Record]] = {k: [] for k in KINDS}
        by_id: dict[str, Record] = {}
        problems: list[Problem] = []
        origins = dict(origins or {})
        for record in records:
            kind = getattr(type(record), "KIND", None)  # None: not a record (TypeError below)
            if kind not in by_kind:
                raise TypeError(f"not a ledger record: {record!r}")
            if record.id in by_id:
                problems.append(_duplicate(record, by_id[record.id], origins))
                continue
            by_id[record.id] = record
            by_kind[kind].append(record)
        self._by_kind = {k: tuple(v) for k, v in by_kind.items()}
        self._by_id = by_id
        self._origins = origins
        problems.extend(self._reference_problems(_unloaded))
        if problems:
            raise LedgerError(problems)

    # -- access -----------------------------------------------------------------------------

    def records(self, kind: str) -> tuple[Record, ...]:
        """The records of one kind (``"cloud_bills"``), in the order they were read."""
        try:
            return self._by_kind[kind]
        except KeyError:
            raise KeyError(f"unknown record kind {kind!r}{suggest(kind, KINDS)}") from None

    def of_type(self, cls: type[R]) -> tuple[R, ...]:
        """The records of one class, typed: ``led.of_type(CloudBill)``."""
        return self.records(cls.KIND)  # type: ignore[return-value]

    def __getitem__(self, record_id: str) -> Record:
        try:
            return self._by_id[record_id]
        except KeyError:
            raise KeyError(
                f"no record with id {record_id!r}{suggest(record_id, self._by_id)}"
            ) from None

    def get(self, record_id: str) -> Record | None:
        """The record with that id, or ``None``."""
        return self._by_id.get(record_id)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._by_id

    def __iter__(self) -> Iterator[Record]:
        for records in self._by_kind.values():
            yield from records

    def __len__(self) -> int:
        return len(self._by_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Ledger):
            return NotImplemented
        return self._by_id == other._by_id

    def __hash__(self) -> int:  # pragma: no cover - ledgers are compared, not hashed
        raise TypeError("Ledger is not hashable")

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={len(v)}" for k, v in self._by_kind.items() if v)
        return f"<Ledger {counts or 'empty'}>"

    def origin(self, record_id: str) -> Origin | None:
        """Where the record was read from (``None`` for records built in memory)."""
        return self._origins.get(record_id)

    def counts(self) -> dict[str, int]:
        """Number of records of each kind, in canonical kind order (kinds with none included)."""
        return {k: len(v) for k, v in self._by_kind.items()}

    def span(self) -> tuple[dt.date, dt.date] | None:
        """First and last day covered by the records' main dates (``None`` if there are none)."""
        starts, ends = [], []
        for record in self:
            name = type(record).DATE_FIELD
            value = getattr(record, name) if name else None
            if isinstance(value, PartialDate):
                start, end = value.sort_key()
                starts.append(start)
                ends.append(end)
        return (min(starts), max(ends)) if starts else None

    def summary(self) -> dict[str, Any]:
        """What the ledger holds: ``entities`` (id -> name, by type), ``records`` (count by
        kind, kinds with records only), ``total`` and ``span`` (ISO dates of the first and last
        day covered, or None)."""
        by_type: dict[str, dict[str, str]] = {}
        for e in self.of_type(Entity):
            by_type.setdefault(e.type.value, {})[e.id] = e.name
        span = self.span()
        return {
            "entities": by_type,
            "records": {k: n for k, n in self.counts().items() if n},
            "total": len(self),
            "span": [span[0].isoformat(), span[1].isoformat()] if span else None,
        }

    def reported(self, record: Record) -> PartialDate | None:
        """When the record's fact was reported: its own ``reported`` date, else the latest
        publication date of the sources it cites (``None`` if neither is known)."""
        own = getattr(record, "reported", None)
        if own is not None:
            return own  # type: ignore[no-any-return]
        dates = [
            source.date
            for c in getattr(record, "sources", ())
            if isinstance(source := self._by_id.get(c.source), Source)
        ]
        return max(dates, key=PartialDate.sort_key) if dates else None

    def fiscal_year_end(self, entity_id: str) -> str:
        """The entity's fiscal year end (``MM-DD``); ``12-31`` when unknown."""
        entity = self._by_id.get(entity_id)
        return getattr(entity, "fiscal_year_end", "12-31")

    # -- combining and writing ----------------------------------------------------------------

    def __add__(self, other: Ledger) -> Ledger:
        return Ledger([*self, *other], origins={**self._origins, **other._origins})

    def to_data(self) -> dict[str, list[dict[str, Any]]]:
        """The ledger as plain data (what a ledger file holds): kinds with records, in canonical
        order; fields at their defaults are left out; money, rates and dates as strings."""
        out: dict[str, list[dict[str, Any]]] = {}
        for kind, records in self._by_kind.items():
            if records:
                out[kind] = [r.model_dump(mode="json", exclude_defaults=True) for r in records]
        return out

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the ledger to one file, canonically, through a temporary file and an atomic
        rename. ``.json`` paths get JSON, others YAML. ``load(save(x)) == x``. Returns the path."""
        import json

        target = Path(path)
        data = self.to_data()
        if target.suffix == ".json":
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        else:
            text = dump_yaml(data) if data else "{}\n"
        atomic_write(target, text)
        return target

    # -- analysis-facing views ----------------------------------------------------------------

    def frame(self, kind: str) -> pd.DataFrame:
        """A DataFrame of one record kind (or ``tranches``, ``payments``, ``deliveries``) with a
        stable set of typed columns, even when empty; see :mod:`aicapex.frames`."""
        from aicapex.frames import frame

        return frame(self, kind)

    def flows(self, *, conflicts: Literal["latest", "earliest", "all"] = "latest") -> pd.DataFrame:
        """One tidy table of money movements (see :mod:`aicapex.analysis.flows`): a row per
        movement, recurring rates expanded to months, each row naming the record that made it."""
        from aicapex.analysis.flows import flows

        return flows(self, conflicts=conflicts)

    def conflicts(self) -> pd.DataFrame:
        """Records reporting the same fact (same kind, entity and period), one row per record.

        Columns: ``group`` (a number per fact), ``kind``, ``key`` (the fact, as text), ``id``,
        ``value`` (the figure reported, as text), ``sources``, ``reported``, ``differs`` (whether
        the figures of the group differ). Both records are kept; this only shows them.
        """
        from aicapex.conflicts import conflicts

        return conflicts(self)

    # -- validation -------------------------------------------------------------------------

    def _reference_problems(self, unloaded: Container[str] = ()) -> Iterator[Problem]:
        """Unknown or wrong-kind references; references to ``unloaded`` ids (records whose own
        problems are reported) are not unknown, only not loaded."""
        by_id = self._by_id
        ids = {kind: {r.id for r in records} for kind, records in self._by_kind.items()}

        def fine(value: Any, target: str) -> bool:
            if value is None or value in ids[target]:
                return True
            return value not in by_id and value in unloaded

        for kind, records in self._by_kind.items():
            for path, target in KINDS[kind].REFS:
                values = _ref_values(path)
                seen = {v for r in records for v in values(r)}
                if all(fine(v, target) for v in seen - ids[target]):
                    continue  # the usual case: one set difference per path
                # a bad reference (rare): walk the records to name each one's position
                for record in records:
                    for field, value in _walk(record, path.split(".")):
                        if not fine(value, target):
                            yield self._ref_problem(record, field, value, target, by_id.get(value))

    def _ref_problem(
        self, record: Record, field: str, value: str, target: str, found: Record | None
    ) -> Problem:
        if found is not None:
            expected = f"the id of one of the {target}"
            got = f"{value!r}, which is one of the {type(found).KIND}"
        else:
            ids = [r.id for r in self._by_kind[target]]
            expected = f"the id of one of the {target}{suggest(value, ids)}"
            got = f"{value!r}, which no record has"
        return _problem_at(self._origins, record, field, expected, got)


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


def _problem_at(
    origins: Mapping[str, Origin], record: Record, field: str, expected: str, found: str
) -> Problem:
    origin = origins.get(record.id)
    return Problem(
        expected,
        found,
        file=origin.file if origin else None,
        line=origin.line if origin else None,
        kind=type(record).KIND,
        index=origin.index if origin else None,
        record_id=record.id,
        field=field,
    )


def _duplicate(record: Record, first: Record, origins: Mapping[str, Origin]) -> Problem:
    where = origins.get(first.id)
    at = f" at {where}" if where else ""
    return _problem_at(
        origins,
        record,
        "id",
        "a unique id",
        f"{record.id!r}, already used by {type(first).KIND}{at}",
    )


# ---------------------------------------------------------------------------------------------
# Loading


def bundled_data() -> Path:
    """The folder of ledger files shipped with aicapex (the repository's ``data/``)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("aicapex's bundled data is missing from this installation")


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str]]:
    files: list[tuple[Path, str]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(
                f
                for f in path.rglob("*")
                if f.suffix in LEDGER_SUFFIXES
                and f.is_file()
                # hidden files and folders (.venv/, .ipynb_checkpoints/) are not ledgers
                and not any(part.startswith(".") for part in f.relative_to(path).parts)
            )
            files.extend((f, str(f)) for f in found)
        else:
            files.append((path, str(p)))
    return files


@overload
def load(*paths: str | os.PathLike[str]) -> Ledger: ...
@overload
def load(*paths: Iterable[str | os.PathLike[str]]) -> Ledger: ...


def load(*paths: Any) -> Ledger:
    """Load ledger files (YAML or JSON), or every such file under a directory, into one
    :class:`Ledger`.

    Every problem of every file is collected first; if there is any, one :class:`LedgerError`
    lists them all (file:line, record kind and index, id, field, expected, found) and nothing is
    loaded. ``load("data/")``, ``load("a.yaml", "b.yaml")`` and ``load(["a.yaml", "b.yaml"])``
    all work.
    """
    flat: list[str | os.PathLike[str]] = []
    for p in paths:
        if isinstance(p, str | os.PathLike):
            flat.append(p)
        else:
            flat.extend(p)
    if not flat:
        raise LedgerError([Problem("at least one ledger file or directory", "none")])
    files = _expand(flat)
    if not files:
        raise LedgerError([Problem("ledger files (.yaml, .yml, .json)", "none", file=str(flat[0]))])
    problems: list[Problem] = []
    records: list[Record] = []
    origins: dict[str, Origin] = {}
    locators: dict[str, Locator] = {}
    unloaded = _Unloaded()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # building many small objects: the cyclic GC only slows this down
    try:
        for path, shown in files:
            _load_file(path, shown, records, origins, problems, locators, unloaded)
    finally:
        if gc_was_enabled:
            gc.enable()
    try:
        ledger = Ledger(records, origins=origins, _unloaded=unloaded)
    except LedgerError as exc:
        problems.extend(exc.problems)
    if problems:
        raise LedgerError(_locate(problems, origins, locators))
    return ledger


class _Unloaded:
    """Ids of records that failed to load (``everything`` once a whole file or kind did): other
    records' references to them are not reported as unknown, since the cause already is."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.everything = False

    def __contains__(self, value: object) -> bool:
        return self.everything or value in self.ids


def _load_file(
    path: Path,
    shown: str,
    records: list[Record],
    origins: dict[str, Origin],
    problems: list[Problem],
    locators: dict[str, Locator],
    unloaded: _Unloaded,
) -> None:
    text, file_problems = read_text(path, shown)
    if text is None:
        problems.extend(file_problems)
        unloaded.everything = True
        return
    data, file_problems = parse_document(text, shown)
    if file_problems:
        problems.extend(file_problems)
        unloaded.everything = True
        return
    locators[shown] = Locator(text)
    if not isinstance(data, dict):
        unloaded.everything = True
        problems.append(
            Problem(
                "a mapping of record kinds such as 'sources:' and 'entities:'",
                f"a {_type_name(data)}",
                file=shown,
                line=locators[shown].line() or 1,
            )
        )
        return
    for kind, items in data.items():
        cls = KINDS.get(kind) if isinstance(kind, str) else None
        if cls is None:
            unloaded.everything = True
            problems.append(
                Problem(
                    f"a record kind (one of {', '.join(KINDS)}){suggest(str(kind), KINDS)}",
                    repr(kind),
                    file=shown,
                    kind=str(kind),
                )
            )
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            unloaded.everything = True
            problems.append(
                Problem(f"a list of {kind}", f"a {_type_name(items)}", file=shown, kind=kind)
            )
            continue
        validate = cls.__pydantic_validator__.validate_python
        for index, item in enumerate(items):
            record_id = item.get("id") if isinstance(item, dict) else None
            rid = record_id if isinstance(record_id, str) else None
            if not isinstance(item, dict):
                problems.append(
                    Problem(
                        f"a record (a mapping of {cls.__name__} fields)",
                        f"a {_type_name(item)} {_show(item)}",
                        file=shown,
                        kind=kind,
                        index=index,
                    )
                )
                continue
            try:
                record = validate(item)
            except ValidationError as exc:
                problems.extend(_from_validation(exc, cls, shown, kind, index, rid))
                if rid is not None:
                    unloaded.ids.add(rid)
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
                        record_id=record.id,
                        field="id",
                    )
                )
                continue
            records.append(record)
            origins[record.id] = Origin(shown, kind, index)


def _type_name(value: object) -> str:
    names = {dict: "mapping", list: "list", str: "string", int: "number", bool: "boolean"}
    return names.get(type(value), type(value).__name__)


def _field_names(cls: type[Any]) -> set[str]:
    names: set[str] = set()
    for name, info in getattr(cls, "model_fields", {}).items():
        names.add(name)
        for arg in _model_args(info.annotation):
            names |= _field_names(arg)
    return names


def _model_args(annotation: Any) -> Iterator[type[Any]]:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _model_args(arg)


def _from_validation(
    exc: ValidationError, cls: type[Record], shown: str, kind: str, index: int, rid: str | None
) -> Iterator[Problem]:
    def problem(field: str | None, expected: str, found: str) -> Problem:
        return Problem(
            expected, found, file=shown, kind=kind, index=index, record_id=rid, field=field
        )

    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or None
        etype = err["type"]
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        if isinstance(error, RecordCheckError):
            for field, expected, found in error.problems:
                yield problem(field, expected, found)
        elif etype == "extra_forbidden":
            name = str(err["loc"][-1])
            hint = suggest(name, _field_names(cls))
            yield problem(loc, f"a field of {kind}{hint}", f"unknown field {name!r}")
        elif etype == "missing":
            yield problem(loc, "a value (this field is required)", "nothing")
        elif error is not None:
            text = str(error)
            expected, sep, found = text.partition(", got ")
            if sep and expected.startswith("expected "):
                yield problem(loc, expected.removeprefix("expected "), found)
            else:
                yield problem(loc, f"a valid value ({text})", _show(err.get("input")))
        elif etype in ("bool_parsing", "bool_type"):
            yield problem(loc, "true or false", _show(err.get("input")))
        elif etype == "enum" and isinstance(err.get("input"), str):
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = suggest(err["input"], choices)
            yield problem(loc, f"{ctx.get('expected')}{hint}", _show(err.get("input")))
        else:
            msg = err["msg"]
            expected = msg.removeprefix("Input should be ").removeprefix("Value should be ")
            if expected == msg and msg[:1].isupper():
                expected = msg[0].lower() + msg[1:]
            yield problem(loc, expected, _show(err.get("input")))


def _show(value: Any) -> str:
    try:
        text = repr(value)
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
