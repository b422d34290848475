"""Finding lines in a ledger file's text: the line of a value by its path, the record at a line.

Errors are located only when there are some, but a file of 200,000 records with one error must
not cost much more than a valid one. :class:`Locator` reads block-style YAML (what people write
and what ``save`` writes) by indentation alone, from the text and the parsed data: the line of
``cloud_bills[11113].billed`` is found by finding the ``cloud_bills:`` key at the top level,
counting the list's items at their indentation (checked against the parsed list's length), then
the ``billed:`` key at the record's indentation. Whenever the text is not plainly block style
(flow collections, quoted keys, counts that disagree with the data), it composes the record's
text alone with PyYAML, and only as a last resort the whole document (JSON files, flow style).

:func:`place` goes the other way, for text no parser can read: the record and field at a line.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

__all__ = ["Locator", "place"]


_NOWHERE: tuple[None, None, None, None] = (None, None, None, None)
_KIND_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]|$)")
_ITEM_LINE = re.compile(r"([ \t]*)-(?:[ \t]+|$)")
_KEY = re.compile(r"[ \t]*(?:-[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*:(?:[ \t]+(.*))?$")
#: An escape of half a UTF-16 surrogate pair, as json.dumps writes a character past U+FFFF
#: ('\ud83d\ude80' for a rocket): libyaml refuses it, so the text composed for lines has each
#: one as another escape of the same length (lines and columns unchanged).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _composable(text: str) -> str:
    """``text`` with no escape of half a surrogate pair (see :data:`_SURROGATE_ESCAPE`)."""
    return _SURROGATE_ESCAPE.sub(r"\\u003F", text) if "\\u" in text else text


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


class _Unsure(Exception):
    """The text is not plainly block style where the path goes: compose it instead."""


class _InRecord(_Unsure):
    """Unsure inside a record (an item of a top-level list): compose that record's text."""

    def __init__(self, start: int, stop: int) -> None:
        super().__init__()
        self.start, self.stop = start, stop


@functools.lru_cache(maxsize=64)
def _item_re(column: int) -> re.Pattern[str]:
    """A list item (``-`` then a blank or the line's end) at exactly ``column``."""
    return re.compile(rf"^ {{{column}}}-(?=[ \t\r\n]|$)", re.M)


@functools.lru_cache(maxsize=256)
def _end_re(column: int, mapping: bool) -> re.Pattern[str]:
    """The first line after the value of a key at ``column``: a line less indented (comments and
    blank lines aside), or a sibling at ``column`` (a list's items may sit at the key's column,
    a mapping's keys may not)."""
    less = rf" {{0,{column - 1}}}[^\s#]|" if column else ""
    same = r"[^\s#]" if mapping else r"[^\s#-]|-[^ \t\r\n]"
    return re.compile(rf"^(?:{less} {{{column}}}(?:{same}))", re.M)


@functools.lru_cache(maxsize=256)
def _key_re(column: int, key: str) -> re.Pattern[str]:
    """A plain ``key:`` at exactly ``column``."""
    return re.compile(rf"^ {{{column}}}{re.escape(key)}[ \t]*:(?=[ \t\r\n]|$)", re.M)


_LONE_CR = re.compile(r"\r(?!\n)")
_COLON = re.compile(r"[ \t]*:(?=[ \t\r\n]|$)")
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.M)  # the first character of a line with content
_NOT_BLOCK = frozenset("{[\"'?&*!|>%@`-")  # what starts flow, quoted or unusual content


class _Block:
    """A mapping or a list in the text: its lines ``[start, end)``, the column of its keys or
    dashes, and, for a list item's mapping, the offset of its first key (on the dash's line)."""

    __slots__ = ("column", "end", "first", "start")

    def __init__(self, start: int, end: int, column: int, first: int | None = None) -> None:
        self.start, self.end, self.column, self.first = start, end, column, first


class Locator:
    """Finds the line of a value in a ledger file's text, by its path of keys and indices.

    ``data`` is what the text parses to: with it, lines are found from the text's indentation,
    checked against the data (see the module docs); without it, or where the text is not plainly
    block style, by composing YAML nodes (of the record's text alone when possible).
    """

    def __init__(self, text: str, data: Any = None) -> None:
        self._text = text
        self._data = data
        self._root: yaml.Node | None = None
        self._failed = False
        self._marks: list[int] = [0]  # offsets of line starts found so far, and their lines
        self._lines: list[int] = [1]
        self._keys: dict[tuple[int, int, str], int] = {}
        self._lists: dict[tuple[int, int], list[int]] = {}
        self._values: dict[tuple[int, int, int, bool], _Block] = {}
        self._odd_breaks: bool | None = None

    def line(self, *path: str | int) -> int | None:
        """1-based line of the deepest node along ``path`` (``None`` if the text has no nodes)."""
        if self._data is not None:
            try:
                return self._fast(path)
            except _InRecord as inside:
                found = self._in_record(inside.start, inside.stop, path)
                if found is not None:
                    return found
            except _Unsure:
                pass
        return self._composed(path)

    # -- offsets to lines ---------------------------------------------------------------------

    def _line_at(self, offset: int) -> int:
        """1-based line of a text offset (newlines counted from the nearest line known)."""
        i = bisect.bisect_right(self._marks, offset) - 1
        line = self._lines[i] + self._text.count("\n", self._marks[i], offset)
        if self._marks[i] != offset:
            self._marks.insert(i + 1, offset)
            self._lines.insert(i + 1, line)
        return line

    # -- block style, by indentation ----------------------------------------------------------

    def _fast(self, path: tuple[str | int, ...]) -> int:
        text = self._text
        if self._odd_breaks is None:  # line breaks other than \n and \r\n: YAML counts them
            self._odd_breaks = any(c in text for c in "\x85\u2028\u2029") or bool(
                "\r" in text and _LONE_CR.search(text)
            )
        if self._odd_breaks:
            raise _Unsure
        first = _CONTENT.search(text)
        if first is None:
            raise _Unsure
        line = self._line_at(text.rfind("\n", 0, first.start()) + 1)
        node: Any = self._data
        if not path:
            return line
        if (
            not isinstance(node, dict)
            or first.end() - 1 != first.start()
            or text[first.start()] in _NOT_BLOCK
        ):
            raise _Unsure  # not a block mapping at column 0: JSON, flow style, a document marker
        block = _Block(0, len(text), 0)
        record: tuple[int, int] | None = None
        for depth, step in enumerate(path):
            last = depth == len(path) - 1
            try:
                if isinstance(node, dict):
                    if isinstance(step, int) and step not in node:  # '2023' quoted: a text key
                        step = str(step)
                    if not isinstance(step, str | int) or step not in node:
                        return line
                    at = self._key(block, str(step))  # a key read as a number: 2023 as written
                    line = self._line_at(at)
                    node = node[step]
                    if last or not isinstance(node, list | dict):
                        return line
                    block = self._value(block, at, node)
                elif isinstance(node, list):
                    if not isinstance(step, int) or not 0 <= step < len(node):
                        return line
                    items = self._items(block, len(node))
                    at = items[step]
                    stop = items[step + 1] if step + 1 < len(items) else block.end
                    line = self._line_at(self._content(at, stop, block.column))
                    if depth == 1:
                        record = (at, stop)
                    node = node[step]
                    if last or not isinstance(node, list | dict):
                        return line
                    block = self._item(at, stop, block.column, node)
                else:
                    return line
            except _InRecord:
                raise
            except _Unsure:
                if record is not None:
                    raise _InRecord(*record) from None
                raise
        return line

    def _content(self, at: int, stop: int, column: int) -> int:
        """Where a list item's value starts: on the dash's line, or (``-`` alone) on the next
        line with content."""
        text = self._text
        inner = at + column + 1
        while inner < stop and text[inner] == " ":
            inner += 1
        if text[inner : inner + 1] not in ("\n", "\r", "#", ""):
            return at
        found = _CONTENT.search(text, inner, stop)
        return text.rfind("\n", 0, found.start()) + 1 if found is not None else at

    def _key(self, block: _Block, key: str) -> int:
        """Offset of the line where ``key:`` of the mapping ``block`` is."""
        cached = self._keys.get((block.start, block.end, key))
        if cached is not None:
            return cached
        text = self._text
        if (
            block.first is not None
            and text.startswith(key, block.first)
            and _COLON.match(text, block.first + len(key))
        ):
            at = block.start  # the first key, on the list item's line
        else:
            pattern = _key_re(block.column, key)
            found = pattern.search(text, block.start, block.end)
            if found is None or pattern.search(text, found.end(), block.end) is not None:
                raise _Unsure  # a quoted or flow key, or one inside quoted text
            at = found.start()
        self._keys[block.start, block.end, key] = at
        return at

    def _value(self, block: _Block, at: int, node: Any) -> _Block:
        """The block of the value of the key on the line at ``at`` (a list or a mapping on the
        following lines); remembered, as a top-level list's end is a search through it."""
        mapping = isinstance(node, dict)
        key = (at, block.end, block.column, mapping)
        cached = self._values.get(key)
        if cached is None:
            cached = self._values[key] = self._find_value(block, at, mapping)
        return cached

    def _find_value(self, block: _Block, at: int, mapping: bool) -> _Block:
        text = self._text
        eol = text.find("\n", at, block.end)
        if eol < 0:
            raise _Unsure
        rest = text[at:eol].split(":", 1)[1].strip()
        if rest and not rest.startswith("#"):
            raise _Unsure  # a flow collection ([...], {...}) on the key's line
        stop = _end_re(block.column, mapping).search(text, eol + 1, block.end)
        end = stop.start() if stop is not None else block.end
        column, char = self._column(eol + 1, end)
        if (mapping and (column <= block.column or char in _NOT_BLOCK)) or (
            not mapping and (column < block.column or char != "-")
        ):
            raise _Unsure
        return _Block(eol + 1, end, column)

    def _column(self, start: int, end: int) -> tuple[int, str]:
        """The column and first character of the first line with content in ``[start, end)``."""
        found = _CONTENT.search(self._text, start, end)
        if found is None:
            raise _Unsure
        line_start = self._text.rfind("\n", 0, found.start()) + 1
        if "\t" in self._text[line_start : found.end()]:
            raise _Unsure  # tabs: YAML does not indent with them; leave it to the parser
        return found.end() - 1 - line_start, self._text[found.end() - 1]

    def _items(self, block: _Block, length: int) -> list[int]:
        """Offsets of the lines of a block list's items, checked against its length."""
        key = (block.start, block.end)
        items = self._lists.get(key)
        if items is None:
            pattern = _item_re(block.column)
            items = [m.start() for m in pattern.finditer(self._text, block.start, block.end)]
            self._lists[key] = items
        if len(items) != length:
            raise _Unsure  # not the list the data holds: flow style, or text misread
        return items

    def _item(self, at: int, stop: int, column: int, node: Any) -> _Block:
        """The mapping of a list item: its first key on the dash's line, or on the next."""
        text = self._text
        if not isinstance(node, dict):
            raise _Unsure  # a list in a list (``- - a``)
        inner = at + column + 1
        while inner < stop and text[inner] == " ":
            inner += 1
        char = text[inner : inner + 1]
        if char in ("\n", "\r", "#", ""):  # ``-`` alone: the mapping starts on the next line
            eol = text.find("\n", at, stop)
            start = eol + 1 if eol >= 0 else stop
            first_column, first = self._column(start, stop)
            if first_column <= column or first in _NOT_BLOCK:
                raise _Unsure
            return _Block(start, stop, first_column)
        if char in _NOT_BLOCK or char == "\t":
            raise _Unsure
        return _Block(at, stop, inner - at, first=inner)

    # -- composed nodes ---------------------------------------------------------------------

    def _in_record(self, start: int, stop: int, path: tuple[str | int, ...]) -> int | None:
        """The line of ``path`` (kind, index, ...) composed from the record's text alone."""
        import yaml  # PyYAML: only where the text's indentation does not tell

        try:
            node = yaml.compose(_composable(self._text[start:stop]), Loader=yaml.CSafeLoader)
        except yaml.YAMLError:
            return None
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
            return None
        before = self._line_at(start) - 1
        return before + _walk(node.value[0], path[2:])

    def _composed(self, path: tuple[str | int, ...]) -> int | None:
        """The line of ``path`` from the whole document's nodes (composed once)."""
        import yaml

        if self._root is None and not self._failed:
            try:
                self._root = yaml.compose(_composable(self._text), Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                self._failed = True
        if self._root is None:
            return None
        return _walk(self._root, path)


def _walk(node: yaml.Node, path: tuple[str | int, ...]) -> int:
    """1-based line of the deepest node along ``path`` from ``node``."""
    import yaml

    line: int = node.start_mark.line + 1
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(step):  # a key 2023 as written, for the step 2023
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
