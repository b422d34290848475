"""The YAML rules of ledger files for PyYAML: scalars as YAML 1.2's core schema reads them
(``1.5`` a decimal, never a float; numbers past the limits refused), keys met twice in one
mapping noted (each a ``duplicate-key`` problem, at its line, record and field), and the dumper
that writes ledger files. :mod:`aicapex.files` reads and writes with them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import yaml
from yaml.cyaml import CEmitter, CParser  # type: ignore[attr-defined]

from aicapex.errors import Problem
from aicapex.limits import Refused, read_decimal, read_int
from aicapex.locate import Locator, place

__all__ = ["Dumper", "Loader", "duplicate_problems"]


# ---------------------------------------------------------------------------------------------
# One resolver for reading (slow path) and writing, matching the fast path's scalar rules.


class Resolver(yaml.resolver.BaseResolver):
    pass


Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


class Constructor(yaml.constructor.SafeConstructor):
    #: The keys met twice in one mapping, with the line of their second (third...) time (set
    #: by :class:`Loader`).
    duplicates: list[tuple[Any, int]]

    def construct_yaml_float(self, node: yaml.Node) -> Decimal | Refused:  # type: ignore[override]
        return read_decimal(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    def construct_yaml_int(self, node: yaml.Node) -> int | Refused:  # type: ignore[override]
        # YAML 1.2: 0777 is 777 (PyYAML's 1.1 rules read it as octal and fail on 089); numbers
        # past the limits are refused (Python's int() fails past 4,300 digits, with no place)
        return read_int(str(self.construct_scalar(node)))  # type: ignore[arg-type]

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        assert isinstance(node, yaml.MappingNode)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | Decimal | bool | Refused | None):
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    "a key that is a single value, not a list or mapping",
                    key_node.start_mark,
                )
            if key in seen and isinstance(key, str):  # noted (each, with its line); keys that
                # are no text are refused as such ('$1,000,000' in {...}: the key 0 twice)
                self.duplicates.append((key, key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:float", Constructor.construct_yaml_float
)
Constructor.add_constructor("tag:yaml.org,2002:int", Constructor.construct_yaml_int)  # type: ignore[type-var]


class Loader(CParser, Constructor, Resolver):
    def __init__(self, stream: str | bytes) -> None:
        CParser.__init__(self, stream)
        Constructor.__init__(self)
        Resolver.__init__(self)
        self.duplicates = []


class Representer(yaml.representer.SafeRepresenter):
    def represent_decimal(self, data: Decimal) -> yaml.ScalarNode:
        return self.represent_scalar("tag:yaml.org,2002:float", format(data, "f"))

    def represent_str(self, data: str) -> yaml.ScalarNode:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


Representer.add_representer(Decimal, Representer.represent_decimal)
Representer.add_representer(str, Representer.represent_str)


class Dumper(CEmitter, Representer, Resolver):
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
        Representer.__init__(self, default_style=None, default_flow_style=False, sort_keys=False)
        Resolver.__init__(self)


def duplicate_problems(
    text: str, shown: str, data: Any, duplicates: list[tuple[Any, int]], language: str
) -> list[Problem]:
    """A ``duplicate-key`` problem per key met twice in one mapping, at its second line, in its
    record (kind, index, id) and field where the line is inside one."""
    out = []
    for key, line in duplicates:
        if language == "YAML":
            kind, index, record_id, field = place(text, line)
        else:  # JSON: no indentation to read; the record whose lines hold it
            kind, index = _record_at(text, data, line)
            record_id = field = None
        if kind is not None and index is not None and record_id is None:
            item = _item(data, kind, index)
            rid = item.get("id") if item is not None else None
            record_id = rid if isinstance(rid, str) else None
        if kind is not None and index is not None and field is None:
            field = str(key)  # a flow mapping's ({id: a, name: A, name: B}) or JSON's
        out.append(
            Problem(
                f"valid {language}",
                f"duplicate key {key!r} in one mapping",
                file=shown,
                line=line,
                kind=kind,
                index=index,
                record_id=record_id,
                field=field,
                code="duplicate-key",
            )
        )
    return out


def _item(data: Any, kind: str, index: int) -> dict[Any, Any] | None:
    """The record ``index`` of ``kind`` in a parsed file, if it is a mapping."""
    items = data.get(kind) if isinstance(data, dict) else None
    item = items[index] if isinstance(items, list) and 0 <= index < len(items) else None
    return item if isinstance(item, dict) else None


def _record_at(text: str, data: Any, line: int) -> tuple[str | None, int | None]:
    """The kind and index of the record of a parsed file whose lines hold ``line`` (the last
    record starting at or before it)."""
    if not isinstance(data, dict):
        return None, None
    locator = Locator(text, data)
    best: tuple[int, str | None, int | None] = (0, None, None)
    for kind, items in data.items():
        if not isinstance(kind, str) or not isinstance(items, list):
            continue
        for i in range(len(items)):
            start = locator.line(kind, i)
            if start is not None and best[0] < start <= line:
                best = (start, kind, i)
    return best[1], best[2]
