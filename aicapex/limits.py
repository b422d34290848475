"""The limits of what a ledger's input may be: file size, and the length of each kind of scalar.

Inputs are bounded so that no file exhausts memory and no value takes unbounded work to read:

- a file (ledger or table) is at most :data:`MAX_BYTES` (1 GB) unless ``max_bytes=`` says
  otherwise (``--max-bytes`` on the command line); larger ones are refused before being read;
- each scalar is at most :data:`SCALAR_LIMITS` characters for its kind (a number, a date, an
  id, money); free text (quotes, notes, titles) has a long limit of its own;
- a number written in the file is finite and between ``1e-300`` and ``1e300`` in size (or zero),
  so that it neither overflows to infinity nor underflows to zero as a float (``1e400``).

Numbers past their limits are read as :class:`Refused` values (the parsers cannot say where they
are); loading turns them, and text past its limit, into located problems (``too-long``,
``out-of-range``).
"""

from __future__ import annotations

import errno
import os
import stat
from decimal import Decimal, InvalidOperation
from typing import Any

from aicapex.errors import Problem

__all__ = [
    "ID_MAX",
    "MAX_AMOUNT",
    "MAX_BYTES",
    "MAX_EXPONENT",
    "SCALAR_LIMITS",
    "SHORTEST_LIMIT",
    "Refused",
    "TooLarge",
    "check_size",
    "check_text",
    "checked_max_bytes",
    "describe",
    "is_refused",
    "preview",
    "read_constant",
    "read_decimal",
    "read_int",
    "too_long",
]

#: The largest amount a record or a table may hold (a quadrillion): larger ones are typos, and
#: they would overflow the exact integer cents analyses compute with.
MAX_AMOUNT = 10**15

#: The largest file read by default, in bytes (1 GB).
MAX_BYTES = 1_000_000_000

#: The longest scalar of each kind, in characters, and what the kind covers.
SCALAR_LIMITS: dict[str, tuple[int, str]] = {
    "number": (40, "numbers, and GPU counts written as text (`12,000`)"),
    "date": (40, "dates (`2023-10-31`, `Q3 2023`, `FY2025`)"),
    "money": (100, "money, rates and capacities (`$7M`, `$99M/yr`, `4.5 GW`)"),
    "id": (200, "ids, references to ids, and words from a list (`company`, `EUR`)"),
    "text": (100_000, "free text: quotes, translations, notes, titles, names, addresses"),
}

#: The longest id or reference, in characters: records', tables' and problems' alike.
ID_MAX = SCALAR_LIMITS["id"][0]

#: The shortest limit: text no longer than this needs no closer look.
SHORTEST_LIMIT = min(limit for limit, _ in SCALAR_LIMITS.values())

#: Numbers are at most ``10**MAX_EXPONENT`` and at least ``10**-MAX_EXPONENT`` in size (or 0).
MAX_EXPONENT = 300


def preview(text: str, width: int = 40) -> str:
    """``text`` shortened for a message: its start and its length (``'99999...' (5,000
    characters)``)."""
    if len(text) <= width:
        return repr(text)
    return f"{text[:width]!r}... ({len(text):,} characters)"


class Refused:
    """A number in a file past its limits (too long, infinite, or too large or small in size):
    what the parser gives instead of the number, for loading to report with its place."""

    __slots__ = ("code", "expected", "found")

    def __init__(self, expected: str, found: str, code: str) -> None:
        self.expected, self.found, self.code = expected, found, code

    def __repr__(self) -> str:
        return self.found


def _too_long(text: str, what: str = "number") -> Refused:
    limit = SCALAR_LIMITS["number"][0]
    return Refused(f"a {what} of at most {limit} characters", preview(text), "too-long")


def read_int(text: str) -> int | Refused:
    """An integer as written in a file, or :class:`Refused` past the number limit (Python's own
    limit on digits, 4,300, raises a ValueError without a place)."""
    if len(text) > SCALAR_LIMITS["number"][0]:
        return _too_long(text)
    return int(text)


def read_decimal(text: str) -> Decimal | Refused:
    """A decimal as written in a file, or :class:`Refused`: too long, not finite (``NaN``,
    ``Infinity`` in JSON), or too large or small in size (``1e400``)."""
    if len(text) > SCALAR_LIMITS["number"][0]:
        return _too_long(text)
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the parsers give numbers only
        return Refused("a number", preview(text), "invalid-value")
    if not value.is_finite():
        return Refused("a finite number", text, "out-of-range")
    if value and not -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT:
        expected = f"a number between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT} in size (or 0)"
        return Refused(expected, text, "out-of-range")
    return value


def read_constant(text: str) -> Refused:
    """JSON's ``NaN``, ``Infinity`` and ``-Infinity``: never a ledger's number."""
    return Refused("a finite number", text, "out-of-range")


def too_long(kind: str) -> str:
    """What a scalar of ``kind`` (one of :data:`SCALAR_LIMITS`) should be: ``a date of at most
    40 characters``."""
    limit, _ = SCALAR_LIMITS[kind]
    what = {"number": "a number", "date": "a date", "money": "a figure", "id": "an id or word"}
    return f"{what.get(kind, 'text')} of at most {limit:,} characters"


def check_text(value: str, kind: str) -> tuple[str, str, str] | None:
    """``(expected, found, code)`` when ``value`` is longer than the limit of ``kind`` (one of
    :data:`SCALAR_LIMITS`), else ``None``."""
    if len(value) <= SCALAR_LIMITS[kind][0]:
        return None
    return too_long(kind), preview(value), "too-long"


def describe() -> list[str]:
    """The limits as Markdown lines (for the format reference)."""
    lines = [
        "| kind of scalar | at most (characters) |",
        "|---|---|",
    ]
    lines += [f"| {what} | {limit:,} |" for limit, what in SCALAR_LIMITS.values()]
    return lines


def is_refused(value: Any) -> bool:
    """Whether ``value`` is a :class:`Refused` number."""
    return type(value) is Refused


# --- files past the size limit (here, below the files and tables that read them) -----------


class TooLarge(OSError):
    """A file larger than the size limit; ``size`` is its size in bytes (``None`` for a device
    or a pipe, known only to hold more than the limit)."""

    def __init__(self, size: int | None, max_bytes: int) -> None:
        self.size, self.max_bytes = size, max_bytes
        super().__init__(f"larger than {max_bytes:,} bytes")

    def problem(self, shown: str, what: str = "file") -> Problem:
        """The located problem of this file."""
        found = (
            f"{self.size:,} bytes"
            if self.size is not None
            else f"more than {self.max_bytes:,} bytes (a device or a pipe)"
        )
        return Problem(
            f"a {what} of at most {self.max_bytes:,} bytes (max_bytes, --max-bytes)",
            found,
            file=shown,
            code="too-large",
        )


def checked_max_bytes(max_bytes: object) -> int:
    """``max_bytes`` as given, checked: a whole number of bytes of 1 or more (``TypeError`` for
    another type, a float or a string included; ``ValueError`` below 1), as ``--max-bytes``
    says it."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int):
        raise TypeError(f"max_bytes: expected a whole number of bytes, got {max_bytes!r}")
    if max_bytes < 1:
        raise ValueError(
            f"max_bytes: expected a whole number of bytes of 1 or more, got {max_bytes}"
        )
    return max_bytes


def check_size(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bool:
    """Whether ``path`` is a regular file (its size checked: :class:`TooLarge` above
    ``max_bytes``); ``False`` for devices and pipes, which :func:`read_limited` reads."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        return False
    if info.st_size > max_bytes:
        raise TooLarge(info.st_size, max_bytes)
    return True


def read_limited(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``path``, never more than ``max_bytes``: a regular file larger than that is
    refused before it is read (:class:`TooLarge`); a device or a pipe is read up to one byte
    past the limit."""
    regular = check_size(path, max_bytes)
    limit = max_bytes + 1  # a byte past the limit tells a file over it
    chunks: list[bytes] = []
    total = 0
    with open(path, "rb") as stream:
        # a file at once, by its size (not by the limit: read(10**20) overflowed, and a limit
        # of 1 GB was a buffer of 1 GB for a small file); then on, a file that grew or a pipe
        want = os.fstat(stream.fileno()).st_size + 1 if regular else _CHUNK
        while total < limit:
            chunk = stream.read(min(want, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = _CHUNK
    raw = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if len(raw) > max_bytes:  # a device, a pipe, or a file that grew since
        raise TooLarge(None if not regular else len(raw), max_bytes)
    return raw


#: What :func:`read_limited` reads at a time past a file's size (a pipe, a device).
_CHUNK = 1 << 20
