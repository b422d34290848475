"""Files given as ledger files that are something else aicapex reads or writes: one problem
each, saying what the file is and where it is read, rather than a problem per top-level key
(``expected a record kind``) that sends the reader looking for typos."""

from __future__ import annotations

from typing import Any

from aicapex.errors import Problem

__all__ = [
    "LEDGER_SUFFIXES",
    "SCENARIO_SUFFIXES",
    "export_document_problem",
    "ledger_name_problem",
    "scenarios_file_problem",
]

#: File name endings read as ledger files.
LEDGER_SUFFIXES = (".yaml", ".yml", ".json")

#: The names of scenarios files (:mod:`aicapex.scenarios.files`), which folders of ledger files
#: hold beside the ledger and which are no ledger files.
SCENARIO_SUFFIXES = (".scenarios.yaml", ".scenarios.yml", ".scenarios.json")


def scenarios_file_problem(shown: str) -> Problem:
    """The problem of a scenarios file given as a ledger file."""
    return Problem(
        "a ledger file (a scenarios file is read beside its ledger: `aicapex report` and "
        "`aicapex scenarios` find it in the ledger's folder, `aicapex scenarios --file` and "
        "`aicapex.read_scenarios` take it by name)",
        f"a scenarios file (its name ends in {', '.join(SCENARIO_SUFFIXES)})",
        file=shown,
        code="not-a-ledger",
    )


def ledger_name_problem(name: str, shown: str) -> Problem | None:
    """The problem of a file name a ledger is saved under that ``load`` would not read as a
    ledger file (``ledger.csv``; ``x.scenarios.yaml``, which a folder's load leaves out), or
    ``None`` for a ledger file's name."""
    if name.endswith(LEDGER_SUFFIXES) and not name.endswith(SCENARIO_SUFFIXES):
        return None
    return Problem(
        f"a ledger file's name, ending in {', '.join(LEDGER_SUFFIXES)} and not in "
        f"{', '.join(SCENARIO_SUFFIXES)} (what `load` reads as a ledger file)",
        repr(name),
        file=shown,
        code="invalid-value",
    )


def export_document_problem(data: Any, shown: str) -> Problem | None:
    """The problem of a JSON document ``aicapex export --to json`` wrote (``format_version``,
    ``ledger``, ``flows``) given as a ledger file, or ``None`` for anything else. Its ``ledger``
    part is a ledger; it is not loaded from the document itself, so that a later ``save`` of
    the ledger never writes a ledger file over the export."""
    if not (isinstance(data, dict) and "format_version" in data and "ledger" in data):
        return None
    return Problem(
        "a ledger file (an export document's 'ledger' part is one: write it to a file of its "
        'own, e.g. python -c "import json,sys; json.dump(json.load(open(sys.argv[1]))'
        "['ledger'], open('ledger.json', 'w'))\" FILE, or load the ledger it was exported from)",
        "a document written by `aicapex export --to json` (format_version, ledger, flows)",
        file=shown,
        code="not-a-ledger",
    )
