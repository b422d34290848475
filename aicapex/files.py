"""Reading and writing ledger files (YAML or JSON): fast parsing, located errors, atomic writes.

Scalars follow YAML 1.2's core schema: unquoted ``12000`` is an integer, ``1.5`` a decimal
(never a float), ``true``/``false`` booleans, ``null`` or an empty value nothing; everything else,
dates included, is a string that the records parse (``2023-10`` stays a month, not a day). Anchors,
aliases and tags are refused: a ledger is plain data, and aliases allow "billion laughs" bombs.

Parsing uses rapidyaml when it is installed (about 30x faster than PyYAML on large files) and
PyYAML's C parser otherwise, or whenever rapidyaml declines a file; both give the same values.
PyYAML is also used to find line numbers, only when there are errors to report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from aicapex.errors import Problem
from aicapex.limits import (
    MAX_BYTES,
    TooLarge,
    check_size,
    read_constant,
    read_decimal,
    read_int,
    read_limited,
)
from aicapex.locate import Locator, place
from aicapex.safewrite import atomic_write

__all__ = [
    "Locator",
    "TooLarge",
    "atomic_write",
    "check_size",
    "dump_yaml",
    "parse_document",
    "place",
    "read_hashed",
    "read_limited",
    "read_text",
]

try:  # optional accelerator
    import ryml as _ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - exercised where rapidyaml has no wheel
    _ryml = None


#: An escape of half a UTF-16 surrogate pair ("\ud83d\ude80", as json.dumps writes a
#: character past U+FFFF): not a character, so libyaml refuses it, located; rapidyaml reads it
#: as bytes that are not UTF-8 (a garbled value, a record kind without a line).
_SURROGATE_ESCAPE = re.compile(r"\\(?:u|U0000)[dD][89a-fA-F][0-9a-fA-F]{2}")


# ---------------------------------------------------------------------------------------------
# Reading


def read_text(
    path: Path, shown: str, max_bytes: int = MAX_BYTES
) -> tuple[str | None, list[Problem]]:
    """Read ``path`` as UTF-8 (at most ``max_bytes``); return its text, or ``None`` and the
    problems (missing, unreadable, too large, not UTF-8)."""
    text, _, problems = read_hashed(path, shown, max_bytes)
    return text, problems


def read_hashed(
    path: Path, shown: str, max_bytes: int = MAX_BYTES
) -> tuple[str | None, str | None, list[Problem]]:
    """:func:`read_text`, with the SHA-256 of the file's bytes (``save`` checks it before
    overwriting the file): ``(text, sha256, problems)``."""
    try:
        raw = read_limited(path, max_bytes)
    except TooLarge as exc:
        return None, None, [exc.problem(shown, "ledger file")]
    except FileNotFoundError:
        return (
            None,
            None,
            [Problem("an existing ledger file", "no such file", file=shown, code="missing-file")],
        )
    except IsADirectoryError:
        return (
            None,
            None,
            [Problem("a ledger file", "a directory", file=shown, code="unreadable-file")],
        )
    except OSError as exc:
        return (
            None,
            None,
            [
                Problem(
                    "a readable ledger file",
                    exc.strerror or str(exc),
                    file=shown,
                    code="unreadable-file",
                )
            ],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        found = f"the byte 0x{raw[exc.start]:02X} at offset {exc.start}"
        return (
            None,
            None,
            [Problem("a file encoded in UTF-8", found, file=shown, line=line, code="not-utf8")],
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, hashlib.sha256(raw).hexdigest(), []


# An anchor (&a), alias (*a) or tag (!t) starts a token; quoted text like 'R&D' does not match.
_MARKS = re.compile(r"[&*!]")
_DOCUMENT_MARKERS = ("---", "...", "%")


def _suspicious(text: str) -> bool:
    """Whether ``text`` may hold an anchor (``&a``), alias (``*a``), tag (``!t``) or document
    marker: each starts a token (after a space, ``[``, ``{`` or ``,``) and is followed by a name,
    so quoted text like 'R&D' or 'wow!' does not count. Cheap: scans only for the marks."""
    if text.startswith(_DOCUMENT_MARKERS) or any(f"\n{m}" in text for m in _DOCUMENT_MARKERS):
        return True
    for match in _MARKS.finditer(text):
        i = match.start()
        before = text[i - 1] if i else "\n"
        after = text[i + 1 : i + 2]
        starts_token = before.isspace() or before in "[{,"
        if starts_token and after and not after.isspace() and after not in ",[]{}":
            return True
    return False


class _Fallback(Exception):
    """The fast parser declined the document; the PyYAML path decides."""


def _json(text: str) -> Any:
    """JSON with decimals for numbers, numbers past the limits refused, duplicate keys
    declined (:class:`_Fallback`)."""
    return json.loads(
        text,
        parse_float=read_decimal,
        parse_int=read_int,
        parse_constant=read_constant,
        object_pairs_hook=_pairs,
    )


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Fallback
    return out


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints parse errors on file descriptor 2; the PyYAML path reports them better."""
    try:
        fd = os.dup(2)
    except OSError:  # pragma: no cover - no stderr at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(fd, 2)
        os.close(fd)


# What rapidyaml gives for plain scalars it reads differently from the rules above: it turns nan,
# inf, .NaN, -infinity... into ".nan"/".inf"/"-.inf" and keeps ~, Null, True, FALSE... and
# numbers with leading zeros (0777, 0e0) as strings. Documents where such a string comes out
# (quoted or not) go to PyYAML. Searched in rapidyaml's JSON, where each is a whole string.
_FAST_DIFFERS = re.compile(
    r'"(?:\.nan|\.inf|-\.inf|~|Null|NULL|True|TRUE|False|FALSE'
    r'|[-+]?0(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+))"'
)


def _fast_yaml(text: str) -> Any:
    """Parse with rapidyaml; raise :class:`_Fallback` where its values could differ from
    PyYAML's (see ``_FAST_DIFFERS``), or on anything it cannot parse."""
    if _ryml is None or "\x85" in text or "\u2028" in text or "\u2029" in text:
        raise _Fallback  # PyYAML reads these as line breaks (YAML 1.1), rapidyaml as text
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        raise _Fallback  # a lone carriage return: a line break to PyYAML ('a: \r#' is null)
    if ("\\u" in text or "\\U" in text) and _SURROGATE_ESCAPE.search(text):
        raise _Fallback  # "\ud83d": libyaml refuses it, located (see _SURROGATE_ESCAPE)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no character (PyYAML refuses it)
        raise _Fallback from exc
    if _refused(data):
        raise _Fallback  # a character PyYAML's reader refuses, located (see _unprintable)
    try:
        with _quiet_stderr():  # the emitter prints its errors too (lists nested too deep)
            tree = _ryml.parse_in_arena(data)
            js = _ryml.emit_json_malloc(tree, tree.root_id())
    except Exception as exc:
        raise _Fallback from exc
    if js is None:
        raise _Fallback
    if _FAST_DIFFERS.search(js):
        raise _Fallback
    try:
        return _json(js)
    except ValueError as exc:
        raise _Fallback from exc


#: The ASCII control characters YAML refuses (all but tab, line feed and carriage return) and
#: DEL; see :data:`_UNPRINTABLE`.
_REFUSED_ASCII = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def _refused(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a character PyYAML's reader refuses (``_UNPRINTABLE``,
    yaml.reader.Reader.NON_PRINTABLE) and rapidyaml reads as text (a leading NUL: it skipped
    it and the next character, 'icapex'), in a value, a key or a comment: control characters
    (NUL, DEL, C1 U+0080 to U+009F: bytes C2 80 to C2 9F), U+FFFE, U+FFFF. Byte searches, not
    a regular expression over the text: 0.07 s for a 29 MB ledger where one takes 0.23 s."""
    if len(data.translate(None, _REFUSED_ASCII)) != len(data):
        return True
    if b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data:
        return True
    i = data.find(b"\xc2")
    while i >= 0:  # U+0080 to U+00BF: 0xC2 and a byte 0x80 to 0xBF ('£' is C2 A3)
        if 0x80 <= data[i + 1] <= 0x9F:
            return True
        i = data.find(b"\xc2", i + 2)
    return False


def _alias_problems(text: str, shown: str) -> list[Problem]:
    import yaml  # PyYAML: only for a file rapidyaml declines or that needs checking

    problems = []
    seen: set[tuple[int, str]] = set()  # an alias repeated on one line is reported once
    with contextlib.suppress(yaml.YAMLError):
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                what = "an alias" if isinstance(event, yaml.AliasEvent) else "an anchor"
                found = f"{what} {'*' if what == 'an alias' else '&'}{anchor}"
                expected = "plain data without YAML anchors or aliases (write each value out)"
            elif getattr(event, "tag", None):  # tags are refused too (!!float x crashed)
                tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")  # type: ignore[attr-defined]
                found, expected = (
                    f"the tag {tag}",
                    "plain data without YAML tags (write the value out)",
                )
            else:
                continue
            line = event.start_mark.line + 1  # type: ignore[union-attr]
            if (line, found) in seen:
                continue
            seen.add((line, found))
            kind, index, rid, field = place(text, line)  # the record and field it is in
            problems.append(
                Problem(
                    expected,
                    found,
                    file=shown,
                    line=line,
                    kind=kind,
                    index=index,
                    record_id=rid,
                    field=field,
                    code="yaml-alias",
                )
            )
            if len(problems) >= 20:
                break
    return problems


def parse_document(text: str, shown: str) -> tuple[Any, list[Problem]]:
    """Parse a ledger file's text (YAML, or JSON when ``shown`` ends in ``.json``).

    Returns the data and no problems, or ``None`` and the problems (syntax errors with their
    line, anchors and aliases, an empty document). Keys met twice in one mapping are a problem
    each (``duplicate-key``, at its line, record and field) returned with the data (the last
    value of each such key), so that a load lists them with the file's other problems.
    """
    if not text.strip():
        return None, [_empty(shown, text)]
    language = "JSON" if shown.endswith(".json") else "YAML"
    if shown.endswith(".json"):
        try:
            data = _json(text)
        except json.JSONDecodeError as exc:
            return None, [
                Problem("valid JSON", exc.msg, file=shown, line=exc.lineno, code="syntax")
            ]
        except RecursionError:
            return None, [_too_deep(text, shown)]
        except _Fallback:
            data = None  # duplicate keys: PyYAML below finds and locates them
        else:
            return (data, []) if data is not None else (None, [_empty(shown, text)])
    suspicious = _suspicious(text)
    if suspicious:
        problems = _alias_problems(text, shown)
        if problems:
            return None, problems
    try:
        if suspicious:
            raise _Fallback
        data = _fast_yaml(text)
    except _Fallback:
        import yaml

        from aicapex.yamlrules import Loader, duplicate_problems

        loader = None
        try:
            loader = Loader(text)
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            what = exc.problem or "a syntax error"
            if exc.context:
                context = exc.context
                start = exc.context_mark
                if start is not None and start.line + 1 != line:
                    context = f"{context} that starts on line {start.line + 1}"
                what = f"{what} ({context})"
            expected = f"valid {language}"
            if "nesting depth" in what:  # libyaml's limit (PyYAML 6.0.4 and later)
                expected = "values nested less deeply (YAML parsers stop at 1,000 levels)"
                what = "nesting deeper than that"
            where = exc.context_mark.line + 1 if exc.context_mark is not None else line
            kind, index, record_id, field = place(text, where if language == "YAML" else None)
            return None, [
                Problem(
                    expected,
                    what,
                    file=shown,
                    line=line,
                    kind=kind,
                    index=index,
                    record_id=record_id,
                    field=field,
                    code="duplicate-key" if "duplicate key" in what else "syntax",
                )
            ]
        except (yaml.reader.ReaderError, UnicodeEncodeError) as exc:  # a lone surrogate: no
            return None, [_unprintable(text, shown, language, exc)]  # UTF-8 for libyaml
        except yaml.YAMLError as exc:
            return None, [Problem(f"valid {language}", str(exc), file=shown, code="syntax")]
        except RecursionError:
            return None, [_too_deep(text, shown)]
        finally:
            if loader is not None:
                loader.dispose()
        if loader.duplicates and data is not None:
            return data, duplicate_problems(text, shown, data, loader.duplicates, language)
    if data is None:
        return None, [_empty(shown, text)]
    return data, []


# What YAML cannot hold: control characters other than tab and line breaks, surrogates, and
# the two non-characters U+FFFE and U+FFFF.
_UNPRINTABLE = "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _unprintable(text: str, shown: str, language: str, exc: Exception) -> Problem:
    """A character YAML refuses (a NUL byte), at its line and in its record."""
    found = re.search(_UNPRINTABLE, text)  # compiled here (3 ms): only a file with one
    if found is None:  # pragma: no cover - the reader found one
        return Problem(f"valid {language}", str(exc), file=shown, code="syntax")
    line = text.count("\n", 0, found.start()) + 1
    kind, index, record_id, field = place(text, line)
    code = ord(found[0])  # an escape for a character, none for half a surrogate pair
    escape = f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    how = "" if 0xD800 <= code < 0xE000 else f"; write {escape} in a double-quoted string"
    return Problem(
        f"text without control characters (YAML files cannot hold them{how}"
        f"{' for a NUL' if code == 0 else ''})",
        f"the character U+{code:04X}",
        file=shown,
        line=line,
        kind=kind,
        index=index,
        record_id=record_id,
        field=field,
        code="syntax",
    )


def _too_deep(text: str, shown: str) -> Problem:
    """Nesting past the parser's recursion limit, at the line where it gets that deep."""
    depth, limit, line = 0, 900, 1
    for match in re.finditer(r"[\[{]|[\]}]|\n", text):
        char = match[0]
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > limit:
                break
        else:
            depth -= 1
    kind, index, record_id, field = place(text, line) if not shown.endswith(".json") else _NONE
    return Problem(
        "values nested less deeply (parsers stop at about 1,000 levels)",
        "nesting deeper than that",
        file=shown,
        line=line,
        kind=kind,
        index=index,
        record_id=record_id,
        field=field,
        code="syntax",
    )


_NONE: tuple[None, None, None, None] = (None, None, None, None)


def _empty(shown: str, text: str) -> Problem:
    blank = all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())
    return Problem(
        "a ledger: a mapping of record kinds such as 'sources:' and 'entities:'",
        ("an empty file" if not text.strip() else "only comments") if blank else "no data (null)",
        file=shown,
        line=1,
        code="empty-file",
    )


# ---------------------------------------------------------------------------------------------
# Writing


def dump_yaml(data: dict[str, list[dict[str, Any]]]) -> str:
    """Canonical YAML text for a ledger: kinds in the given order, keys in field order, one
    record per block (a blank line between records)."""
    import yaml

    from aicapex.yamlrules import Dumper

    parts = []
    for kind, records in data.items():
        body = "\n".join(yaml.dump([r], Dumper=Dumper) for r in records)
        parts.append(f"{kind}:\n{body}")
    return "\n".join(parts)
