"""docs/format.md is generated from the models and must match them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        if name == "report":  # the report module, callable as its function (callmodule)
            assert callable(value), name
            assert value.__doc__, name
            continue
        assert not isinstance(value, types.ModuleType), name
        if isinstance(value, type | types.FunctionType):
            assert getattr(value, "__doc__", None), f"{name} has no docstring"


def test_dir_lists_the_public_names_in_a_fresh_process() -> None:
    """``dir(aicapex)`` (tab completion) lists the public names before their first use, and
    not the module's own imports (``Any``, ``TYPE_CHECKING``)."""
    import json
    import subprocess
    import sys

    import aicapex

    code = "import aicapex, json; print(json.dumps(dir(aicapex)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    listed = json.loads(out.stdout)
    assert set(aicapex.__all__) <= set(listed)
    assert {"burn", "runway", "load", "read_table", "__version__"} <= set(listed)
    assert not {"Any", "TYPE_CHECKING", "annotations"} & set(listed)


def test_readme_command_lines_match_the_commands() -> None:
    """Each ``aicapex COMMAND ...`` line of the README's command-line block names every required
    option of the command, and no more positional arguments than it takes (with brackets only
    around those it can go without). The README had ``aicapex flows [PATH...] [FILTER...]``
    (one path, required; filters by --filter) and ``aicapex focus BILLING.csv`` (without the
    required --payer)."""
    import re

    import typer.main

    from aicapex.cli import app

    readme = (DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    group: Any = typer.main.get_command(app)  # typer's own click, vendored
    seen = set()
    for line in block.splitlines():
        usage = line.split("#", 1)[0].strip()
        if not usage.startswith("aicapex "):
            continue
        name, *words = re.findall(r'"[^"]*"|\S+', usage)[1:]
        command = group.commands[name]
        seen.add(name)
        arguments = [p for p in command.params if p.param_type_name == "argument"]
        required = [p for p in command.params if p.param_type_name == "option" and p.required]
        for option in required:
            assert any(o in words for o in option.opts), (name, option.opts, usage)
        # positional words: before the first option, quoted text (a query) included
        positional = []
        for word in words:
            if word.lstrip("[").startswith("-"):
                break
            positional.append(word)
        assert len(positional) <= len(arguments), (name, positional, usage)
        for word, argument in zip(positional, arguments, strict=False):
            optional = word.startswith("[")
            assert optional == (not argument.required), (name, word, usage)
    assert seen >= {"report", "runway", "validate", "flows", "export", "focus", "query"}


def test_export_docs_name_every_table_exported() -> None:
    """docs/export.md lists the tables a CSV or Parquet export writes (it named 16 of 32)."""
    from aicapex.table.frames import FRAME_KINDS

    text = (Path(__file__).parents[1] / "docs" / "export.md").read_text()
    section = text[text.index("One file per table") :][:1200]
    missing = [k for k in FRAME_KINDS if f"`{k}`" not in section]
    assert not missing, f"docs/export.md does not name {missing}"
