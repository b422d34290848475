"""The JSON Schema of a ledger file, generated from the record models.

Editors (VS Code's YAML extension, for one) and other tools validate ledger files with it::

    aicapex schema > ledger.schema.json
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, create_model

from aicapex.records import FORMAT_KEY, FORMAT_VERSION, KINDS

__all__ = ["FORMAT_VERSION", "SCHEMA_ID", "SCHEMA_VERSION", "json_schema"]

SCHEMA_ID = "https://github.com/aicapex/aicapex/ledger.schema.json"


#: The version of the JSON Schemas of the ledger file and of the command line's JSON outputs;
#: it changes whenever a schema does (``CHANGELOG.md`` says how).
SCHEMA_VERSION = "1.0"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a ledger file: an object whose keys are the record kinds,
    each a list of records of that kind."""
    fields: dict[str, Any] = {
        kind: (
            list[cls] | None,  # type: ignore[valid-type]
            Field(default=None, description=(cls.__doc__ or "").strip().splitlines()[0]),
        )
        for kind, cls in KINDS.items()
    }
    fields[FORMAT_KEY] = (
        Literal[1] | None,
        Field(default=None, description=f"The file's format version ({FORMAT_VERSION}); optional."),
    )
    model = create_model(
        "LedgerFile",
        __config__=ConfigDict(extra="forbid", title="aicapex ledger file"),
        __doc__="An aicapex ledger file: record kinds as top-level keys, each a list of records.",
        **fields,
    )
    schema: dict[str, Any] = model.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


if __name__ == "__main__":  # pragma: no cover
    import json
    import sys

    if "--markdown" in sys.argv:
        from aicapex.reference import format_reference

        sys.stdout.write(format_reference())
    else:
        print(json.dumps(json_schema(), indent=2))
