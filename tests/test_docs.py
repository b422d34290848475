"""docs/format.md is generated from the models and must match them."""

from __future__ import annotations

from pathlib import Path

from aicapex.records import KINDS
from aicapex.reference import format_reference

DOC = Path(__file__).parents[1] / "docs" / "format.md"


def test_format_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == format_reference(), (
        "docs/format.md is stale: run `python -m aicapex.schema --markdown > docs/format.md`"
    )


def test_every_field_has_a_section_row() -> None:
    text = format_reference()
    for kind, cls in KINDS.items():
        assert f"## `{kind}`" in text
        for name in cls.model_fields:
            assert f"### `{kind}.{name}`" in text


def test_public_names_are_documented_and_not_modules() -> None:
    import types

    import aicapex

    namespaces = {"dist"}  # ac.dist.normal(...): distributions kept in their own namespace
    for name in aicapex.__all__:
        value = getattr(aicapex, name)
        if name in namespaces:
            assert isinstance(value, types.ModuleType), name
            assert value.__doc__, name
            assert all(getattr(value, n).__doc__ for n in value.__all__), name
            continue
        assert not isinstance(value, types.ModuleType), name
        if isinstance(value, type | types.FunctionType):
            assert getattr(value, "__doc__", None), f"{name} has no docstring"
