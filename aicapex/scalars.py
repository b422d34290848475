"""Each scalar of a record, held to the limit of its kind before the record is validated.

The kind of each field comes from the record models (:mod:`aicapex.records`): dates, money
(rates and capacities too), GPU counts, ids and references, words from a list (enums), and free
text; the limits are :data:`aicapex.limits.SCALAR_LIMITS`. Numbers past their limits were
already read as :class:`~aicapex.limits.Refused` values by the parsers; here they, and text too
long for its kind, become ``(field, expected, found, code)`` findings that loading locates. A
record with such a finding is not validated further (its values would only repeat it).

Cheap on the fast path: text no longer than the shortest limit is never looked at twice.
"""

from __future__ import annotations

import enum
import functools
import typing
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate
from aicapex.limits import SCALAR_LIMITS, SHORTEST_LIMIT, Refused, check_text, preview, too_long
from aicapex.money import Money, Rate
from aicapex.records import Record

__all__ = ["Finding", "scalar_findings"]

Finding = tuple[str, str, str, str]
"""``(field, expected, found, code)``."""

_VALUES: dict[type, str] = {
    PartialDate: "date",
    Money: "money",
    Rate: "money",
    Capacity: "money",
    int: "number",
    Decimal: "number",
    bool: "id",
}


def _kinds_in(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    """The kind of scalar a field holds (its items' for lists), and the model of its items."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kinds_in(args[0])
    if origin in (typing.Union, tuple, list) or (origin is not None and args):
        kinds = [_kinds_in(a) for a in args if a is not Ellipsis]
        model = next((m for _, m in kinds if m is not None), None)
        order = ("text", "money", "id", "date", "number")
        found = {k for k, _ in kinds}
        return next((k for k in order if k in found), "text"), model
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return "text", annotation
        if issubclass(annotation, enum.Enum):
            return "id", None
        for cls, kind in _VALUES.items():
            if issubclass(annotation, cls):
                return kind, None
    return "text", None


@functools.cache
def _fields(model: type[BaseModel]) -> dict[str, tuple[str, type[BaseModel] | None]]:
    """Each field of ``model``: the kind of its scalars and the model of its items."""
    refs = {path.split(".")[-1] for path, _ in getattr(model, "REFS", ())}
    refs |= {path.split(".")[0] for path, _ in getattr(model, "REFS", ())}
    out: dict[str, tuple[str, type[BaseModel] | None]] = {}
    for name, info in model.model_fields.items():
        kind, item = _kinds_in(info.annotation)
        if item is None and (name == "id" or name in refs):
            kind = "id"
        out[name] = (kind, item)
    if "source" in out and "quote" in out:  # a citation: its source is an id
        out["source"] = ("id", None)
    return out


def scalar_findings(item: dict[str, Any], model: type[Record]) -> list[Finding]:
    """What in ``item`` (one record as read) is past its limits; usually nothing."""
    found: list[Finding] = []
    _walk(item, model, "", found)
    return found


def _refused(field: str, value: Refused, kind: str) -> Finding:
    """A number past its limits, said as what the field holds (a date read as a number)."""
    if value.code == "too-long" and kind in SCALAR_LIMITS and kind != "text":
        return field, too_long(kind), value.found, value.code
    return field, value.expected, value.found, value.code


_KEY_MAX = SCALAR_LIMITS["id"][0]
_TEXT = ("text", None)


def _walk(
    item: dict[Any, Any], model: type[BaseModel] | None, prefix: str, found: list[Finding]
) -> None:
    """Append to ``found`` what in the mapping ``item`` is past its limits. Written for speed:
    it looks at every value of every record, and almost always finds nothing."""
    fields = _fields(model) if model is not None else {}
    for key, value in item.items():
        kind_of = type(value)
        if kind_of is str:
            if len(value) > SHORTEST_LIMIT:
                checked = check_text(value, fields.get(key, _TEXT)[0])
                if checked is not None:
                    found.append((f"{prefix}{key}", *checked))
        elif kind_of is list:
            kind, sub = fields.get(key, _TEXT)
            for i, x in enumerate(value):
                type_x = type(x)
                if type_x is dict:
                    _walk(x, sub, f"{prefix}{key}.{i}.", found)
                elif type_x is str:
                    if len(x) > SHORTEST_LIMIT:
                        checked = check_text(x, "id" if sub is not None else kind)
                        if checked is not None:
                            found.append((f"{prefix}{key}.{i}", *checked))
                elif type_x is Refused:
                    found.append(_refused(f"{prefix}{key}.{i}", x, kind))
                elif type_x is list:
                    _walk({str(i): x}, None, f"{prefix}{key}.", found)
        elif kind_of is dict:
            _walk(value, fields.get(key, _TEXT)[1], f"{prefix}{key}.", found)
        elif kind_of is Refused:
            found.append(_refused(f"{prefix}{key}", value, fields.get(key, _TEXT)[0]))
        if key not in fields and (type(key) is not str or len(key) > _KEY_MAX):
            if type(key) is Refused:
                found.append(_refused(prefix.rstrip("."), key, "text"))
            elif type(key) is str:
                found.append(
                    (
                        prefix.rstrip("."),
                        f"a field name of at most {_KEY_MAX} characters",
                        preview(key),
                        "too-long",
                    )
                )
