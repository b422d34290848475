"""Errors of the ledger: every problem says where it is, what was expected and what was found.

A load collects all its problems before failing and raises one :class:`LedgerError`; each of its
:class:`Problem` entries carries the file, line, record kind and index, record id, field, what was
expected and what was found. ``str(error)`` lists them one per line::

    data/x.yaml:12: cloud_bills[3] aws-2023-08: billed: expected money like '$7M', got 'seven'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

__all__ = ["LedgerError", "Problem", "suggest"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ledger's input.

    Attributes:
        file: the path of the file, as given to ``load`` (``None`` for records built in memory).
        line: 1-based line in ``file`` (``None`` when unknown).
        kind: the record kind (top-level key such as ``cloud_bills``), if in a record.
        index: 0-based position of the record in its kind's list in ``file``.
        record_id: the record's ``id``, when it has one.
        field: dotted path of the field inside the record (``tranches.1.amount``), if any.
        expected: what a valid value looks like.
        found: the value found, as written (``repr`` for strings).
    """

    expected: str
    found: str = ""
    file: str | None = None
    line: int | None = None
    kind: str | None = None
    index: int | None = None
    record_id: str | None = None
    field: str | None = None

    def located(self, file: str | None, line: int | None) -> Problem:
        """Return a copy with ``file`` and ``line`` set (keeps a known line if ``line`` is None)."""
        return replace(self, file=file, line=line if line is not None else self.line)

    @property
    def message(self) -> str:
        """``expected ..., got ...`` (or only ``expected ...`` when nothing was found)."""
        text = f"expected {self.expected}"
        return f"{text}, got {self.found}" if self.found else text

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        parts: list[str] = []
        if self.kind is not None:
            parts.append(f"{self.kind}[{self.index}]" if self.index is not None else self.kind)
        if self.record_id:
            parts.append(self.record_id)
        head = " ".join(parts)
        pieces = [p for p in (head, self.field) if p]
        return where + ": ".join([*pieces, self.message])


class LedgerError(ValueError):
    """Raised when a ledger cannot be loaded, validated or saved; lists every problem found.

    Attributes:
        problems: the problems, in file and line order.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(_sorted(problems))
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the ledger:"
        return "\n".join([head, *(str(p) for p in self.problems)])

    def __str__(self) -> str:
        return self._text()


def _sorted(problems: Iterable[Problem]) -> Sequence[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.file or "", p.line if p.line is not None else 1 << 30, p.field or ""),
    )


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices`` to ``word``, or ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
