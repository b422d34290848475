"""The :class:`Ledger`: validated records of every kind, ids unique and references resolved.

Ledgers are immutable; what is derived from one (record frames, the flows table) is computed
once and kept with it (:meth:`Ledger.memo`). Reading files is :mod:`aicapex.loading`.

>>> import aicapex as ac
>>> led = ac.load(ac.bundled_data())
>>> led["stability-ai"].name
'Stability AI'
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Container, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from aicapex.checks import duplicate_problem, ledger_problems, problem_at
from aicapex.dates import PartialDate, Precision
from aicapex.errors import LedgerError, Problem, suggest
from aicapex.figures import Widths, checked_widths
from aicapex.files import dump_yaml, parse_document
from aicapex.notledger import ledger_name_problem
from aicapex.records import FORMAT_KEY, FORMAT_VERSION, KINDS, Entity, Fact, Record, Source
from aicapex.safewrite import WriteRefused, guarded_write, is_folder

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Ledger", "Origin"]

T = TypeVar("T")

R = TypeVar("R", bound=Record)

#: Kinds kept whatever their date by :meth:`Ledger.known_on` (they say who and where, not what).
_TIMELESS = frozenset({"sources", "entities"})


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

    __slots__ = (
        "_by_id",
        "_by_kind",
        "_files",
        "_locate",
        "_memo",
        "_origins",
        "_warnings",
        "_widths",
    )

    def __init__(
        self,
        records: Iterable[Record] = (),
        *,
        origins: Mapping[str, Origin] | None = None,
        unloaded: Container[str] = (),
        files: Mapping[str, str] | None = None,
        locate: Callable[[list[Problem]], list[Problem]] | None = None,
    ):
        """``origins``: where each record was read from (by id); ``unloaded``: ids of records
        that failed to load, whose problems are reported elsewhere (references to them are not
        reported as unknown); ``files``: the SHA-256 of each file read (by resolved path), which
        :meth:`save` checks before overwriting one; ``locate``: gives problems their lines
        (:func:`~aicapex.loading.load` passes it). Errors raise :class:`LedgerError`; warnings
        are kept (:attr:`warnings`)."""
        by_kind: dict[str, list[Record]] = {k: [] for k in KINDS}
        by_id: dict[str, Record] = {}
        problems: list[Problem] = []
        origins = dict(origins or {})
        for record in records:
            kind = getattr(type(record), "KIND", None)  # None: not a record (TypeError below)
            if kind not in by_kind:
                raise TypeError(f"not a ledger record: {record!r}")
            if record.id in by_id:
                problems.append(duplicate_problem(record, by_id[record.id], origins))
                continue
            by_id[record.id] = record
            by_kind[kind].append(record)
        self._by_kind = {k: tuple(v) for k, v in by_kind.items()}
        self._by_id = by_id
        self._origins = origins
        self._memo: dict[Hashable, Any] = {}
        self._locate = locate  # before the checks: a warning may name another record's line
        warnings: list[Problem] = []
        for p in ledger_problems(self, unloaded):
            (warnings if p.is_warning else problems).append(p)
        if problems:
            raise LedgerError(problems)
        if warnings and locate is not None:
            warnings = locate(warnings)
        self._warnings = tuple(sorted(warnings, key=_problem_order))
        self._files = dict(files or {})
        self._widths: dict[str, tuple[Fraction, Fraction]] | None = None

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

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """What is implausible but real in the ledger (a prepaid bill, money without an
        exchange rate): located problems of severity ``warning``, in file and line order. They
        do not stop a load; ``load(..., strict=True)`` and ``validate --strict`` refuse them."""
        return self._warnings

    @property
    def files(self) -> Mapping[str, str]:
        """The files this ledger was read from or saved to (resolved paths) and the SHA-256 of
        their content then: :meth:`save` refuses to overwrite one that changed since."""
        return MappingProxyType(self._files)

    def origin(self, record_id: str) -> Origin | None:
        """Where the record was read from (``None`` for records built in memory)."""
        return self._origins.get(record_id)

    def counts(self) -> dict[str, int]:
        """Number of records of each kind, in canonical kind order (kinds with none included)."""
        return {k: len(v) for k, v in self._by_kind.items()}

    def span(self) -> tuple[dt.date, dt.date] | None:
        """First and last day covered by the records' dates: each kind's main date and its other
        dates of the same fact (``until``, ``end``, ``due``, deliveries, tranches, payments);
        not ``reported`` nor ``founded``. A fiscal year is its owner's (``FY2024`` of a year
        ending June 30: July 2023 to June 2024). ``None`` if there are none."""
        starts, ends = [], []
        for record in self:
            for value in _dates_of(record):
                if value.precision is Precision.FISCAL_YEAR and isinstance(record, Fact):
                    owner = record.fiscal_owner()
                    start, end = value.span(self.fiscal_year_end(owner) if owner else "12-31")
                else:
                    start, end = value.sort_key()
                starts.append(start)
                ends.append(end)
        return (min(starts), max(ends)) if starts else None

    def summary(self) -> dict[str, Any]:
        """What the ledger holds: ``as_of`` (the last day covered), ``entities`` (id -> name,
        by type), ``records`` (count by kind, kinds with records only), ``total`` and ``span``
        (ISO dates of the first and last day covered, or None for an empty ledger)."""
        by_type: dict[str, dict[str, str]] = {}
        for e in self.of_type(Entity):
            by_type.setdefault(e.type.value, {})[e.id] = e.name
        span = self.span()
        return {
            "as_of": span[1].isoformat() if span else None,
            "entities": by_type,
            "records": {k: n for k, n in self.counts().items() if n},
            "total": len(self),
            "span": [span[0].isoformat(), span[1].isoformat()] if span else None,
        }

    def reported(self, record: Record) -> PartialDate | None:
        """When the record's fact was reported: its own ``reported`` date, else the latest
        publication date of the sources it cites (``None`` if neither is known)."""
        return _reported(record, self.memo("source dates", self._source_dates))

    def reported_all(self, records: Iterable[Record]) -> list[PartialDate | None]:
        """:meth:`reported` of each of ``records``, in order (the sources' dates looked up
        once: frames ask it of every record)."""
        dates = self.memo("source dates", self._source_dates)
        return [_reported(record, dates) for record in records]

    def _source_dates(self) -> dict[str, PartialDate]:
        """Each source's publication date, by source id."""
        return {s.id: s.date for s in self.of_type(Source)}

    def problem(
        self, record: Record, field: str | None, expected: str, found: str, code: str = ""
    ) -> Problem:
        """A :class:`Problem` located at ``record`` (its file, line and index where it was read
        from) and ``field``, of ``code`` (see :data:`aicapex.errors.CODES`)."""
        return problem_at(self._origins.get(record.id), record, field, expected, found, code)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its locator (a closure over the files' text): a copy elsewhere
        locates problems by record and index, not line."""
        state = {name: getattr(self, name) for name in self.__slots__}
        state["_locate"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` of this ledger's records with the lines of the fields they name, where
        the ledger was read from files (as loading locates its own)."""
        return self._locate(problems) if self._locate is not None and problems else problems

    def _first_reported(self, record: Record) -> PartialDate | None:
        """When a fact was first reported: its own date, else its earliest cited source's."""
        if type(record).KIND in _TIMELESS:
            return None
        own: PartialDate | None = getattr(record, "reported", None)
        if own is not None:
            return own
        dates = [
            source.date
            for c in getattr(record, "sources", ())
            if isinstance(source := self._by_id.get(c.source), Source)
        ]
        return min(dates, key=PartialDate.sort_key) if dates else None

    def fiscal_year_end(self, entity_id: str) -> str:
        """The entity's fiscal year end (``MM-DD``); ``12-31`` when unknown."""
        entity = self._by_id.get(entity_id)
        return getattr(entity, "fiscal_year_end", "12-31")

    # -- combining and writing ----------------------------------------------------------------

    def __add__(self, other: Ledger) -> Ledger:
        return Ledger(
            [*self, *other],
            origins={**self._origins, **other._origins},
            files={**self._files, **other._files},
        )

    def to_data(self) -> dict[str, list[dict[str, Any]]]:
        """The ledger as plain data (what a ledger file holds): kinds with records, in canonical
        order; fields at their defaults are left out; money, rates and dates as strings."""
        out: dict[str, list[dict[str, Any]]] = {}
        for kind, records in self._by_kind.items():
            if records:
                out[kind] = [r.model_dump(mode="json", exclude_defaults=True) for r in records]
        return out

    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the ledger to one file, canonically: ``.json`` paths get JSON, ``.yaml`` and
        ``.yml`` ones YAML; any other name, or a scenarios file's (``*.scenarios.yaml``: a
        folder's load leaves it out), is refused (``invalid-value``) as ``load`` would not read
        it back. ``load(save(x)) == x``. Returns the path.

        Safe: atomic and durable (a temporary file in the same folder, flushed to disk, renamed
        over the file, the folder flushed; a crash at any moment leaves the old file or the new
        one, and the next save removes the temporary files of killed ones), one save at a time
        per folder across processes. Refused (:class:`LedgerError`, code ``file-changed``,
        ``hand-comments`` or ``foreign-file``) unless ``overwrite=True``: overwriting a file
        that changed since this ledger was read from it (or saved to it), overwriting a file
        with comments a person wrote (the canonical text has none), and overwriting a file this
        ledger did not read that is no ledger file (its first entry is not ``aicapex: 1``:
        notes, a table, a configuration named by mistake; an earlier save is one). Of two
        processes saving over a file both read, the second is refused rather than losing the
        first one's save. A path that cannot be written (its folder missing, a folder, a name
        too long) is :class:`aicapex.safewrite.WriteError`, an ``OSError``: ``<path>: cannot
        write: <why>``.
        """
        import json

        target = Path(path)
        misnamed = ledger_name_problem(target.name, str(path))
        if misnamed is not None and not is_folder(target):  # a folder: the write says so
            raise LedgerError([misnamed])
        data = self.to_data()
        if target.suffix == ".json":
            text = json.dumps({FORMAT_KEY: FORMAT_VERSION, **data}, indent=2, ensure_ascii=False)
            text += "\n"
        else:
            text = f"{FORMAT_KEY}: {FORMAT_VERSION}\n\n" + (dump_yaml(data) if data else "")
        key = os.path.realpath(target)
        try:
            digest = guarded_write(
                target,
                text,
                expected=self._files.get(key),
                overwrite=overwrite,
                check_comments=target.suffix != ".json",
                own_kind=_not_ledger,
            )
        except WriteRefused as exc:
            problem = Problem(exc.expected, exc.found, file=str(path), line=exc.line, code=exc.code)
            raise LedgerError([problem]) from None
        self._files[key] = digest  # bookkeeping: this ledger's own save is no one else's change
        return target

    @property
    def widths(self) -> Mapping[str, tuple[Fraction, Fraction]] | None:
        """The open-end widths its frames and flows use (``None``: the documented defaults,
        :data:`aicapex.figures.DEFAULT_WIDTHS`); see :meth:`with_widths`."""
        return None if self._widths is None else MappingProxyType(self._widths)

    def with_widths(self, widths: Widths | None) -> Ledger:
        """This ledger with other widths for the open ends of its figures (``{"more than": (1,
        1.5)}``: "more than $500M" spans $500M to $750M), the others kept at their defaults;
        its frames, flows and every analysis of it use them. The records are shared; ``None``
        gives the defaults back. Raises ValueError for an unknown qualifier or bad factors.

        >>> import aicapex as ac
        >>> led = ac.load(ac.bundled_data())
        >>> wide = led.with_widths({"less than": (0.5, 1)})
        >>> cash = wide.frame("cash_balances")
        >>> float(cash.loc[cash["id"] == "stability-cash-2023-10-upper", "amount_low_usd"].iloc[0])
        2000000.0
        """
        checked = None if widths is None else checked_widths(widths)
        if checked == self._widths or (checked is not None and not checked and not self._widths):
            return self
        new = object.__new__(Ledger)
        for name in self.__slots__:
            object.__setattr__(new, name, getattr(self, name))
        object.__setattr__(new, "_memo", {})
        object.__setattr__(new, "_widths", checked or None)
        return new

    def known_on(self, when: PartialDate | str | int) -> Ledger:
        """The ledger as it could have been read on ``when``: sources and entities, and the
        facts reported on or before it (a fact's own ``reported`` date, else its earliest cited
        source's, starting by the end of ``when``; facts with no date are kept). Built once per
        date and kept with this ledger."""
        date = PartialDate.parse(when)
        limit = date.sort_key()[1]

        def build() -> Ledger:
            kept, dropped = [], set()
            for record in self:
                reported = self._first_reported(record)
                if reported is None or reported.sort_key()[0] <= limit:
                    kept.append(record)
                else:
                    dropped.add(record.id)
            origins = {k: v for k, v in self._origins.items() if k not in dropped}
            return Ledger(kept, origins=origins, unloaded=dropped).with_widths(self.widths)

        return self.memo(("known_on", str(date)), build)

    # -- analysis-facing views: documented doors to aicapex.table ----------------------------

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value ``build()`` gives, computed once per ``key`` and kept with this ledger
        (ledgers are immutable, so derived values never go stale)."""
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def frame(self, kind: str) -> pd.DataFrame:
        """A DataFrame of one record kind (or ``tranches``, ``payments``, ``deliveries``,
        ``investments``) with a stable set of typed columns, even when empty; see
        :mod:`aicapex.table.frames`. Built once per ledger; each call returns a fresh frame."""
        from aicapex.table.frames import frame

        return frame(self, kind)

    def flows(self, *, conflicts: Literal["latest", "earliest", "all"] = "latest") -> pd.DataFrame:
        """One tidy table of money movements (see :mod:`aicapex.table.flows`): a row per
        movement, recurring rates expanded to months, each row naming the record that made it.
        Built once per ledger and policy; each call returns a fresh frame."""
        from aicapex.table.flows import flows

        return flows(self, conflicts=conflicts)

    def conflicts(self) -> pd.DataFrame:
        """Records reporting the same fact (same kind, entity and period), one row per record.

        Columns: ``group`` (a number per fact), ``kind``, ``key`` (the fact, as text), ``id``,
        ``value`` (the figure reported, as text), ``sources``, ``reported``, ``differs`` (whether
        the figures of the group differ). Both records are kept; this only shows them. See
        :mod:`aicapex.table.conflicts`.
        """
        from aicapex.table.conflicts import conflicts

        return conflicts(self)


def _problem_order(p: Problem) -> tuple[str, int, str]:
    return (p.file or "", p.line if p.line is not None else 1 << 30, p.field or "")


_NOT_SPANNED = frozenset({"reported", "founded"})


def _dates_of(obj: Any) -> Iterator[PartialDate]:
    """The dates of a record (nested items included) that say when its fact happened."""
    for name in type(obj).model_fields:
        if name in _NOT_SPANNED:
            continue
        value = getattr(obj, name)
        if isinstance(value, PartialDate):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if hasattr(type(item), "model_fields"):
                    yield from _dates_of(item)


def _reported(record: Record, dates: Mapping[str, PartialDate]) -> PartialDate | None:
    """:meth:`Ledger.reported` of ``record``, the sources' dates given."""
    own = getattr(record, "reported", None)
    if own is not None:
        return own  # type: ignore[no-any-return]
    cited = getattr(record, "sources", ())
    if not cited:
        return None
    if len(cited) == 1:  # most records cite one source
        return dates.get(cited[0].source)
    found = [d for c in cited if (d := dates.get(c.source)) is not None]
    return max(found, key=PartialDate.sort_key) if found else None


#: A top-level key of a block-style YAML file and its value on the line: at a line's start (not
#: a comment, a list item, a directive, a document marker or an indented line), quoted or not.
_TOP_KEY = re.compile(
    r"^(?![\s#%-]|\.\.\.)([\"']?)([^\n:\"'#]+?)\1[ \t]*:(?:[ \t]+([^\n#]*?))?[ \t]*(?:#.*)?$",
    re.MULTILINE,
)


def _not_ledger(text: str) -> str | None:
    """Why ``text`` is no ledger file a save may replace, as a problem's ``found`` (``None``:
    it is one): the top-level keys of a file aicapex saves are record kinds and the format key
    ``aicapex: 1`` (anywhere among them). A scenarios file (``aicapex: 1``, ``entity:``), notes,
    a table, a config or a file of another format version are none; nor is a ledger without the
    format key, written by hand or by another program (its work is not replaced unasked)."""
    body = text.lstrip("\ufeff")
    first = next(
        (ln.strip() for ln in body.splitlines() if ln.strip()[:1] not in ("", "#", "%")), ""
    )
    keys: dict[str, Any] = {}
    if not first.startswith(("{", "[", "---", "?")):
        keys = {m[2].strip(): (m[3] or "").strip() for m in _TOP_KEY.finditer(body)}
    if not keys:  # JSON, a flow mapping, explicit keys: read as a ledger file is read
        try:
            data: Any = json.loads(body)
        except ValueError:
            data, problems = parse_document(body, "file.yaml")
            if problems:
                return "a file that cannot be read as YAML or JSON"
        if not isinstance(data, dict) or not data:
            return f"a file holding {type(data).__name__}, not a mapping of record kinds"
        keys = {str(k): v for k, v in data.items()}
    others = [k for k in keys if k != FORMAT_KEY and k not in KINDS]
    if others:
        named = ", ".join(repr(k) for k in others[:5]) + (", ..." if len(others) > 5 else "")
        return f"a file whose top-level keys are not all record kinds (found {named})"
    version = keys.get(FORMAT_KEY)
    if version is None:
        return (
            f"a ledger file without the '{FORMAT_KEY}: {FORMAT_VERSION}' entry of the files "
            "aicapex saves (written by hand or by another program?)"
        )
    if str(version).strip("\"'") != str(FORMAT_VERSION):
        return f"a file of another format ({FORMAT_KEY}: {version}, not {FORMAT_VERSION})"
    return None
