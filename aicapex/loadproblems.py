"""A record's validation failures as located problems: what pydantic reports of a record as
written (a wrong type, a missing field, a value a parser refused, a record's own check), turned
into :class:`~aicapex.errors.Problem` entries with an expected and a found text and a stable
code (:mod:`aicapex.loading` reads the files and places them)."""

from __future__ import annotations

import re
import reprlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from aicapex.dates import PartialDate
from aicapex.errors import Problem, suggest
from aicapex.records import Entity, FxRate, Record, RecordCheckError, Source
from aicapex.records.base import ID_PATTERN, Check

__all__ = ["show_value", "type_name", "validation_problems"]


def type_name(value: object) -> str:
    """What a value as read from a file is: a mapping, list, string, number ..."""
    names = {dict: "mapping", list: "list", str: "string", bool: "boolean", type(None): "null"}
    number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    return "number" if number else names.get(type(value), type(value).__name__)


def _model_at(cls: type[Any], loc: tuple[Any, ...]) -> type[Any]:
    """The model holding the field at ``loc`` (the record's, or an item's: a Citation)."""
    model = cls
    for step in loc[:-1]:  # field names (and list places) down to the field's model
        if (info := getattr(model, "model_fields", {}).get(str(step))) is not None:
            model = next(_model_args(info.annotation), model)
    return model


def _fields_of(cls: type[Any], kind: str, loc: tuple[Any, ...]) -> str:
    """What an unknown field at ``loc`` should have been: a field of the record's kind, or of
    the item it is in, named with its fields (``a field of Citation (source, quote,
    translation) in cloud_bills``)."""
    model = _model_at(cls, loc)
    if model is cls:
        return f"a field of {kind}"
    names = ", ".join(getattr(model, "model_fields", {}))
    return f"a field of {model.__name__} ({names}) in {kind}"


def _field_hint(cls: type[Any], loc: tuple[Any, ...]) -> str:
    """A hint for the unknown field at ``loc``: the closest field of the model it is in, else
    the nested list it belongs in (``amount`` of a contract: its ``ramp``'s)."""
    model, name = _model_at(cls, loc), str(loc[-1])
    fields = getattr(model, "model_fields", {})
    inner = [
        f for f, i in fields.items() for m in _model_args(i.annotation) if name in m.model_fields
    ]
    return suggest(name, fields) or (f" ({name!r} goes in {inner[0]})" if inner else "")


def _model_args(annotation: Any) -> Iterator[type[Any]]:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in get_args(annotation):
        yield from _model_args(arg)


#: pydantic error types -> problem codes (others: ``invalid-value``).
_PYDANTIC_CODES = {
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
    "greater_than": "out-of-range",
    "greater_than_equal": "out-of-range",
    "less_than": "out-of-range",
    "less_than_equal": "out-of-range",
    "string_too_long": "too-long",
    "string_too_short": "out-of-range",
    "too_long": "out-of-range",
    "too_short": "out-of-range",
}


def _pattern(model: type[Any], field: str) -> str:
    """The regular expression a model's text field must match."""
    found = [m.pattern for m in model.model_fields[field].metadata if hasattr(m, "pattern")]
    return str(found[0])


#: The patterns of the models' text fields, as a problem says what it expected.
_PATTERNS = {
    ID_PATTERN: "an id of letters, digits and . _ : + -, starting with a letter or digit",
    _pattern(Source, "language"): "a language code like 'en', 'fr' or 'pt-BR' (BCP 47)",
    _pattern(Entity, "fiscal_year_end"): "a day of the year as MM-DD like '06-30'",
    _pattern(FxRate, "currency"): "a currency code of three capital letters like 'EUR'",
}

#: pydantic's bounds -> the bound's name in its context and the words for it.
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "of at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "of at most"),
}

#: pydantic's number types -> what a problem says it expected.
_NUMBER_TYPES = {
    "decimal_parsing": "a number like 1.08 (digits only: no currency or unit)",
    "decimal_type": "a number like 1.08 (digits only: no currency or unit)",
    "float_parsing": "a number like 1.08 (digits only: no currency or unit)",
    "float_type": "a number like 1.08 (digits only: no currency or unit)",
    "int_parsing": "a whole number like 12",
    "int_type": "a whole number like 12",
    "int_from_float": "a whole number like 12",
}

#: What our value parsers say they expect -> problem codes.
_PARSER_CODES = (
    ("money like", "bad-money"),
    ("a rate like", "bad-rate"),
    ("a date", "bad-date"),
    ("no such day", "bad-date"),
    ("a capacity like", "bad-capacity"),
    ("whole number of GPUs", "bad-capacity"),
    ("a share like", "bad-share"),
    ("number of shares like", "bad-share"),
    ("currency", "bad-money"),
)


def _parser_code(text: str) -> str:
    return next((code for words, code in _PARSER_CODES if words in text), "invalid-value")


def _kinds_fitting(item: dict[Any, Any], kind: str) -> list[str]:
    """The other record kinds ``item`` is a record of by its fields: each of its fields one of
    theirs, each of their required fields among its."""
    from aicapex.records import KINDS

    keys = {k for k in item if isinstance(k, str)}
    if len(keys) != len(item):
        return []
    return [
        other
        for other, model in KINDS.items()
        if other != kind
        and keys <= set(model.model_fields)
        and all(n in keys for n, f in model.model_fields.items() if f.is_required())
    ]


#: Values a required field that failed stands in with, by its type, to run a record's other
#: checks (a year: it reads as a date wherever one is required).
_STAND_INS: dict[Any, str] = {PartialDate: "2000"}


def _checks_without(cls: type[Record], item: dict[Any, Any], errors: list[Any]) -> Iterator[Check]:
    """The record's own checks (``Record.checks``: an end before the start, payments above the
    bill), which pydantic runs only once every field is valid, run on the record without the
    fields that failed (``ramp`` for a bad ``ramp.1.amount``): so that a load lists them with
    the fields' problems, not after those are fixed. A required date that failed (``2023-02-30``)
    stands in as a year (:data:`_STAND_INS`: the checks naming it are not said); not when
    another required field failed (there is no record without it) or one whose default means
    something (``secondary``, a status:
    left out, it would say false, closed), nor with an unknown field (a known one misspelt,
    most often); a check naming a field left out (as a field, or a
    word of its texts: 'either an amount or a rate' without the rate) is not said."""
    left_out: set[str] = set()
    for err in errors:
        loc = err["loc"]
        # an unknown field is most often a known one misspelt ('biled'): without it the
        # record would lack what the file gives ('billed or outstanding, got neither')
        if not loc or err["type"] in ("missing", "extra_forbidden"):
            return
        left_out.add(str(loc[0]))
    fields = cls.model_fields
    stand_ins = {
        n: _STAND_INS[fields[n].annotation]
        for n in left_out
        if n in fields and fields[n].is_required() and fields[n].annotation in _STAND_INS
    }
    known = [fields[n] for n in left_out if n in fields and n not in stand_ins]
    # a required field, or one whose default says something ('secondary: false', a status),
    # is no field a record can be checked without
    if any(f.is_required() or f.default not in (None, ()) for f in known):
        return
    rest = {k: v for k, v in item.items() if k not in left_out} | stand_ins
    try:
        cls.__pydantic_validator__.validate_python(rest)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            error = (err.get("ctx") or {}).get("error")
            if not isinstance(error, RecordCheckError):
                continue
            for check in error.problems:
                words = set(re.findall(r"[A-Za-z_]+", " ".join(check[:3])))
                if not words & left_out:
                    yield check


def validation_problems(
    exc: ValidationError,
    cls: type[Record],
    shown: str,
    kind: str,
    index: int,
    rid: str | None,
    item: dict[Any, Any] | None = None,
) -> Iterator[Problem]:
    """The problems of the record ``index`` of ``kind`` in ``shown`` (id ``rid``) that failed
    validation with ``exc``, one per failure (a record's own checks: each of theirs). A record
    (``item``, as written) with fields its kind lacks that are a record of another kind, by
    all its fields, is one problem saying so (a cloud bill under ``revenues:``), not one per
    field its kind lacks or requires."""
    errors = exc.errors(include_url=False)
    if item is not None and any(
        e["type"] == "extra_forbidden" and len(e["loc"]) == 1 for e in errors
    ):
        fitting = _kinds_fitting(item, kind)
        if 0 < len(fitting) <= 3:
            names = ", ".join(k for k in item if k != "id")
            yield Problem(
                f"a record of {kind}",
                f"a record of {' or '.join(fitting)} by its fields ({names}): written under "
                f"{kind}: rather than {fitting[0]}:?",
                file=shown,
                kind=kind,
                index=index,
                record_id=rid,
                code="unknown-field",
            )
            return

    def problem(field: str | None, expected: str, found: str, code: str) -> Problem:
        if len(found) > _FOUND_MAX:  # a message never repeats a page of input
            found = f"{found[:_FOUND_MAX]}... ({len(found):,} characters)"
        return Problem(
            expected,
            found,
            file=shown,
            kind=kind,
            index=index,
            record_id=rid,
            field=field,
            code=code,
        )

    if item is not None and not any(
        isinstance((e.get("ctx") or {}).get("error"), RecordCheckError) for e in errors
    ):  # the record's own checks never ran: run them on the fields that did validate
        for check in _checks_without(cls, item, errors):
            yield problem(check.field, check.expected, check.found, check.code)
    for err in errors:
        loc = ".".join(str(p) for p in err["loc"]) or None
        etype = err["type"]
        input_ = err.get("input")
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        code = _PYDANTIC_CODES.get(etype, "invalid-value")
        if isinstance(error, RecordCheckError):
            for check in error.problems:
                yield problem(check.field, check.expected, check.found, check.code)
        elif etype == "extra_forbidden":
            name = str(err["loc"][-1])
            hint = _field_hint(cls, tuple(err["loc"]))
            expected = _fields_of(cls, kind, tuple(err["loc"]))
            yield problem(loc, f"{expected}{hint}", f"unknown field {name!r}", code)
        elif etype == "invalid_key":  # a key of null ('~:'): pydantic's 'keys should be strings'
            where = ".".join(str(p) for p in err["loc"][:-1]) or None
            key = err.get("input")
            found = "a key that is null" if key is None else f"the key {show_value(key)}"
            if isinstance(key, int | Decimal) and not isinstance(key, bool):
                found += (  # '{amount: $1,000,000}': YAML reads '000' as a key of its own
                    " (inside {...} a comma ends a value: quote a value holding commas, "
                    "'$1,000,000' or 'about 12,000')"
                )
            yield problem(where, "field names as text (field: value)", found, "unknown-field")
        elif etype == "string_pattern_mismatch":  # not the regular expression itself
            pattern = str(ctx.get("pattern", ""))
            expected = _PATTERNS.get(pattern, f"text of the form {pattern!r}")
            yield problem(loc, expected, show_value(err.get("input")), code)
        elif etype in _BOUNDS:  # not pydantic's 'greater than 0' alone: a number ...
            bound = ctx.get(_BOUNDS[etype][0])
            limit = f"{bound:,}" if isinstance(bound, int | Decimal) else str(bound)
            yield problem(loc, f"a number {_BOUNDS[etype][1]} {limit}", show_value(input_), code)
        elif etype in _NUMBER_TYPES:  # not 'a valid decimal'
            yield problem(loc, _NUMBER_TYPES[etype], show_value(input_), code)
        elif etype == "string_too_short":
            least = int(ctx.get("min_length", 1))
            expected = "text, not empty" if least == 1 else f"text of at least {least} characters"
            yield problem(loc, expected, show_value(err.get("input")), code)
        elif etype == "missing":
            yield problem(loc, "a value (this field is required)", "nothing", code)
        elif error is not None:
            text = str(error)
            expected, sep, found = text.partition(", got ")
            if sep and expected.startswith("expected "):
                value = err.get("input")  # a parser's repr of a file's number: as written
                if isinstance(value, Decimal) and found.startswith(repr(value)):
                    found = str(value) + found.removeprefix(repr(value))
                yield problem(loc, expected.removeprefix("expected "), found, _parser_code(text))
            elif text.startswith("no such day"):  # '2023-02-30': the form is right, the day not
                found = f"{show_value(err.get('input'))}, no such day"
                yield problem(loc, "a date of a day the calendar has", found, "bad-date")
            else:
                found = show_value(err.get("input"))
                yield problem(loc, f"a valid value ({text})", found, _parser_code(text))
        elif etype in ("bool_parsing", "bool_type"):
            yield problem(loc, "true or false", show_value(err.get("input")), code)
        elif etype == "string_type":  # not pydantic's 'a valid string'
            found = show_value(err.get("input"))
            yield problem(loc, "text (a number or date in quotes: '2023')", found, code)
        elif etype in ("tuple_type", "list_type"):  # not pydantic's 'a valid tuple'
            yield problem(
                loc, "a list (items on '- ' lines, or [a, b])", show_value(err.get("input")), code
            )
        elif etype in ("model_type", "dict_type"):  # not 'a valid dictionary or instance of X'
            fields = f" of {ctx['class_name']} fields" if ctx.get("class_name") else ""
            yield problem(
                loc, f"a mapping{fields} (field: value)", show_value(err.get("input")), code
            )
        elif etype == "enum" and isinstance(err.get("input"), str):
            choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
            hint = suggest(err["input"], choices)
            yield problem(loc, f"{ctx.get('expected')}{hint}", show_value(err.get("input")), code)
        else:
            msg = err["msg"]
            expected = msg.removeprefix("Input should be ").removeprefix("Value should be ")
            if expected == msg and msg[:1].isupper():
                expected = msg[0].lower() + msg[1:]
            yield problem(loc, expected, show_value(err.get("input")), code)


#: The longest text a problem's ``found`` repeats.
_FOUND_MAX = 200


class _Written(str):
    """A number as the file writes it: its repr is its text (``1.5``, not ``Decimal('1.5')``)."""

    def __repr__(self) -> str:
        return str(self)


def _written(value: Any, depth: int = 0) -> Any:
    """``value`` with its decimals (how files' numbers are read) shown as written."""
    if isinstance(value, Decimal):
        return _Written(value)
    if depth > 20:
        return value
    if isinstance(value, list | tuple):
        return [_written(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {k: _written(v, depth + 1) for k, v in value.items()}
    return value


def show_value(value: Any) -> str:
    """``value`` as a problem shows what it found: its repr (numbers as written), at most 80
    characters."""
    try:
        text = repr(_written(value))
    except RecursionError:  # lists nested thousands deep: show the first levels only
        text = reprlib.repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
