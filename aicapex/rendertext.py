"""Text for a terminal: what a ledger holds, shown so that it cannot act on the terminal.

A ledger's text comes from other people (names, notes, ids, quotes), and text can hold
characters a terminal obeys rather than shows: an escape sequence (``ESC [31m`` turns the
output red, others move the cursor, set the window's title or write to the clipboard), a line
break or carriage return that fakes a line of output, a bidirectional override that shows text
in another order (U+202E), a NUL. Every renderer of text for a terminal (the ``table`` format
of every command) passes the texts it prints through :func:`terminal_text` (or the whole
JSON-ready data through :func:`terminal_data`), one rule for all:

- a character that is a control (Unicode category Cc: C0, DEL, C1), a format character
  (Cf: bidirectional controls, zero-width space, soft hyphen, byte-order mark, tag characters;
  except the zero-width joiner and non-joiner U+200D and U+200C, which emoji sequences and some
  scripts need), a line or paragraph separator (U+2028, U+2029) or half a surrogate pair is
  shown escaped, as Python writes it in a string: ``\\n``, ``\\r``, ``\\t``, else
  ``\\xNN`` (below U+0100), ``\\uNNNN`` or ``\\UNNNNNNNN``, lowercase hex;
- every other character is shown as it is: accents, CJK, emoji, spaces of every width, private
  use and characters newer than Python's Unicode tables; a backslash too, so the text shown is
  for reading, not to be read back (``a\\nb`` may be a line break or a backslash and ``n``).

Outputs for programs keep the exact text: JSON (which escapes by itself) and CSV (quoted).

>>> terminal_text("nul \\x00 x\\ny \\x1b[31mred")
'nul \\\\x00 x\\\\ny \\\\x1b[31mred'
>>> terminal_text("Zoë, 中文, 🚀")
'Zoë, 中文, 🚀'
"""

from __future__ import annotations

import unicodedata
from typing import Any

__all__ = ["ESCAPED_CATEGORIES", "csv_value", "terminal_data", "terminal_text"]

#: The Unicode categories :func:`terminal_text` shows escaped (see the module docs).
ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

#: Format characters shown as they are: the zero-width non-joiner and joiner.
_KEPT = frozenset("\u200c\u200d")

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def terminal_text(text: str) -> str:
    """``text`` as a terminal may show it: controls, format characters, line and paragraph
    separators and lone surrogates escaped (``\\x1b``, ``\\n``, ``\\u2028``), every other
    character as it is (see the module docs)."""
    if text.isprintable():  # the common case: nothing to escape (nor any space but " ")
        return text
    return "".join(
        _escape(c) if c not in _KEPT and unicodedata.category(c) in ESCAPED_CATEGORIES else c
        for c in text
    )


def terminal_data(data: Any) -> Any:
    """JSON-ready data (dicts, lists, text, numbers) with every text in it, keys too, as
    :func:`terminal_text` shows it; other values as they are."""
    if isinstance(data, str):
        return terminal_text(data)
    if isinstance(data, dict):
        return {terminal_data(k): terminal_data(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [terminal_data(v) for v in data]
    return data


def csv_value(value: object) -> object:
    """A cell of a CSV output, one rule for every command's CSV: ``None`` empty, booleans
    ``true``/``false`` (as JSON writes them, and the exports), text a spreadsheet would read as
    a formula (``=``, ``+``, ``-``, ``@``) quoted with ``'``; anything else as it is.

    >>> [csv_value(v) for v in (True, None, "-1", "=A1", 2.5)]
    ['true', '', "'-1", "'=A1", 2.5]
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
