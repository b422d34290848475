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
import json
import os
import re
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CEmitter, CParser  # type: ignore[attr-defined]

from aicapex.errors import Problem

__all__ = ["Locator", "atomic_write", "dump_yaml", "parse_document", "place", "read_text"]

try:  # optional accelerator
    import ryml as _ryml  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - exercised where rapidyaml has no wheel
    _ryml = None


# ---------------------------------------------------------------------------------------------
# One resolver for reading (slow path) and writing, matching the fast path's scalar rules.


class _Resolver(yaml.resolver.BaseResolver):
    pass


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class _Constructor(yaml.constructor.SafeConstructor):
    def construct_yaml_float(self, node: yaml.Node) -> Decimal:  # type: ignore[override]
        return Decimal(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    def construct_yaml_int(self, node: yaml.Node) -> int:
        # YAML 1.2: 0777 is 777 (PyYAML's 1.1 rules read it as octal and fail on 089)
        return int(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        assert isinstance(node, yaml.MappingNode)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | Decimal | bool | None):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key that is a single value, not a list or mapping",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:float", _Constructor.construct_yaml_float
)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)  # type: ignore[type-var]


class _Loader(CParser, _Constructor, _Resolver):
    def __init__(self, stream: str | bytes) -> None:
        CParser.__init__(self, stream)
        _Constructor.__init__(self)
        _Resolver.__init__(self)


class _Representer(yaml.representer.SafeRepresenter):
    def represent_decimal(self, data: Decimal) -> yaml.ScalarNode:
        return self.represent_scalar("tag:yaml.org,2002:float", format(data, "f"))

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Representer.add_representer(Decimal, _Representer.represent_decimal)
_Representer.add_representer(str, _Representer.represent_str)


class _Dumper(CEmitter, _Representer, _Resolver):
    def __init__(self, stream: Any, **kwds: Any) -> None:
        CEmitter.__init__(
            self,
            stream,
            canonical=None,
            indent=2,
            width=kwds.get("width", 100),
            allow_unicode=True,
            line_break="\n",
            encoding=None,
            explicit_start=None,
            explicit_end=None,
            version=None,
            tags=None,
        )
        _Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=False)
        _Resolver.__init__(self)


# ---------------------------------------------------------------------------------------------
# Reading


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read ``path`` as UTF-8; return its text, or ``None`` and the problems (missing, not UTF-8,
    empty)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, [
            Problem("an existing ledger file", "no such file", file=shown, code="missing-file")
        ]
    except IsADirectoryError:
        return None, [Problem("a ledger file", "a directory", file=shown, code="unreadable-file")]
    except OSError as exc:
        return None, [
            Problem(
                "a readable ledger file",
                exc.strerror or str(exc),
                file=shown,
                code="unreadable-file",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        found = f"the byte 0x{raw[exc.start]:02X} at offset {exc.start}"
        return None, [
            Problem("a file encoded in UTF-8", found, file=shown, line=line, code="not-utf8")
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


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
    try:
        with _quiet_stderr():  # the emitter prints its errors too (lists nested too deep)
            tree = _ryml.parse_in_arena(text.encode("utf-8"))
            js = _ryml.emit_json_malloc(tree, tree.root_id())
    except Exception as exc:
        raise _Fallback from exc
    if js is None:
        raise _Fallback
    if _FAST_DIFFERS.search(js):
        raise _Fallback
    try:
        return json.loads(js, parse_float=Decimal, object_pairs_hook=_pairs)
    except ValueError as exc:
        raise _Fallback from exc


def _alias_problems(text: str, shown: str) -> list[Problem]:
    problems = []
    seen: set[tuple[int, str]] = set()  # an alias repeated on one line is reported once
    with contextlib.suppress(yaml.YAMLError):
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent) or anchor:
                what = "an alias" if isinstance(event, yaml.AliasEvent) else "an anchor"
                found = f"{what} {'*' if what == 'an alias' else '&'}{anchor}"
                line = event.start_mark.line + 1  # type: ignore[union-attr]
                if (line, found) in seen:
                    continue
                seen.add((line, found))
                problems.append(
                    Problem(
                        "plain data without YAML anchors or aliases (write each value out)",
                        found,
                        file=shown,
                        line=line,
                        code="yaml-alias",
                    )
                )
                if len(problems) >= 20:
                    break
            elif getattr(event, "tag", None):  # tags are refused too (!!float x crashed)
                tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")  # type: ignore[attr-defined]
                problems.append(
                    Problem(
                        "plain data without YAML tags (write the value out)",
                        f"the tag {tag}",
                        file=shown,
                        line=event.start_mark.line + 1,  # type: ignore[union-attr]
                        code="yaml-alias",
                    )
                )
                if len(problems) >= 20:
                    break
    return problems


def parse_document(text: str, shown: str) -> tuple[Any, list[Problem]]:
    """Parse a ledger file's text (YAML, or JSON when ``shown`` ends in ``.json``).

    Returns the data and no problems, or ``None`` and the problems (syntax errors with their
    line, duplicate keys, anchors and aliases, an empty document).
    """
    if not text.strip():
        return None, [_empty(shown, text)]
    language = "JSON" if shown.endswith(".json") else "YAML"
    if shown.endswith(".json"):
        try:
            data = json.loads(text, parse_float=Decimal, object_pairs_hook=_pairs)
        except json.JSONDecodeError as exc:
            return None, [
                Problem("valid JSON", exc.msg, file=shown, line=exc.lineno, code="syntax")
            ]
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
        try:
            data = yaml.load(text, Loader=_Loader)  # type: ignore[arg-type]
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
            kind, index, record_id, field = place(text, where) if language == "YAML" else _NOWHERE
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
        except yaml.YAMLError as exc:
            return None, [Problem(f"valid {language}", str(exc), file=shown, code="syntax")]
    if data is None:
        return None, [_empty(shown, text)]
    return data, []


def _empty(shown: str, text: str) -> Problem:
    blank = all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines())
    return Problem(
        "a ledger: a mapping of record kinds such as 'sources:' and 'entities:'",
        ("an empty file" if not text.strip() else "only comments") if blank else "no data (null)",
        file=shown,
        line=1,
        code="empty-file",
    )


_NOWHERE: tuple[None, None, None, None] = (None, None, None, None)
_KIND_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]|$)")
_ITEM_LINE = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+(.*))?$")


def place(text: str, line: int | None) -> tuple[str | None, int | None, str | None, str | None]:
    """The record kind, index, id and field at a 1-based ``line`` of a block-style ledger file,
    read from indentation alone (for text no parser can read: a syntax error inside a record
    must still name it). ``(None, None, None, None)`` where the line is not inside a record."""
    if line is None:
        return _NOWHERE
    lines = text.splitlines()[:line]
    if not lines:
        return _NOWHERE
    head = next((i for i in range(len(lines) - 1, -1, -1) if _KIND_LINE.match(lines[i])), None)
    if head is None:
        return _NOWHERE
    kind = _KIND_LINE.match(lines[head])[1]  # type: ignore[index]
    body = lines[head + 1 :]
    items = [(i, m) for i, ln in enumerate(body) if (m := _ITEM_LINE.match(ln))]
    if not items:
        return kind, None, None, None
    indent = min(len(m[1]) for _, m in items)
    starts = [i for i, m in items if len(m[1]) == indent]
    if not starts:
        return kind, None, None, None
    index = len(starts) - 1
    record = body[starts[-1] :]
    field_indent = indent + 2
    record_id = field = None
    for offset, ln in enumerate(record):
        match = _KEY.match(ln)
        if match is None:
            continue
        stripped = ln.lstrip(" \t")
        depth = len(ln) - len(stripped)
        on_dash = offset == 0 and stripped.startswith("-")
        if depth != field_indent and not (on_dash and depth == indent):
            continue
        field = match[1]
        if field == "id" and match[2]:
            record_id = match[2].split(" #")[0].strip().strip("'\"")
    return kind, index, record_id, field


class Locator:
    """Finds the line of a value in a ledger file's text, by its path of keys and indices.

    Parses the text into nodes once, on the first question: errors are rare, parsing is not free.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._root: yaml.Node | None = None
        self._failed = False

    def line(self, *path: str | int) -> int | None:
        """1-based line of the deepest node along ``path`` (``None`` if the text has no nodes)."""
        if self._root is None and not self._failed:
            try:
                self._root = yaml.compose(self._text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                self._failed = True
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if key_node.value == step:
                        line = key_node.start_mark.line + 1
                        node = value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if not 0 <= step < len(node.value):
                    return line
                node = node.value[step]
                line = node.start_mark.line + 1
            else:
                return line
        return line


# ---------------------------------------------------------------------------------------------
# Writing


def dump_yaml(data: dict[str, list[dict[str, Any]]]) -> str:
    """Canonical YAML text for a ledger: kinds in the given order, keys in field order, one
    record per block (a blank line between records)."""
    parts = []
    for kind, records in data.items():
        body = "\n".join(yaml.dump([r], Dumper=_Dumper) for r in records)
        parts.append(f"{kind}:\n{body}")
    return "\n".join(parts)


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and an atomic
    rename: readers see the old file or the new one, never half of one."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
