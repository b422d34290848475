"""JSON Schemas of every JSON output, versioned: what programs reading aicapex can rely on.

Every ``--format json`` (and ``validate --json``) output is an object with ``as_of`` (the date
it is as of: the date asked, else the last day its data covers; ``null`` only when there is no
data at all). Amounts are JSON numbers in US dollars rounded to the cent; a figure taken from
one record also has it as ``written`` (``"less than $4M"``) with its ``currency``. Months are
rounded to two decimals. An absent answer is ``null`` beside a sentence saying why (``reason``,
or a report company's ``reasons``). Tabular outputs hold their rows under ``rows``.

=============  =============================================================================
output         what prints it
=============  =============================================================================
``report``     ``aicapex report --format json``; :func:`aicapex.report.report`
``result``     any analysis's :meth:`~aicapex.analysis.result.Result.to_dict`
``runway``     ``aicapex runway --format json`` (a result, with ``path``)
``flows``      ``aicapex flows --format json``
``query``      ``aicapex query --format json``
``summary``    ``aicapex validate --json``; :meth:`aicapex.Ledger.summary`
``focus``      ``aicapex focus --format json``
``export``     ``aicapex export --to json``; :func:`aicapex.export`
``scenarios``  ``aicapex scenarios --format json``; :meth:`aicapex.Comparison.to_dict`
=============  =============================================================================

``aicapex schema --output NAME`` prints one. Each schema's ``$id`` names the output and
:data:`OUTPUTS_VERSION`; a change that can break a reader raises the version (and, for the
report, :data:`aicapex.report.REPORT_VERSION`).

>>> sorted(OUTPUTS)
['export', 'flows', 'focus', 'query', 'report', 'result', 'runway', 'scenarios', 'summary']
>>> schema("flows")["$id"]
'urn:aicapex:output:flows:1'
"""

from __future__ import annotations

import copy
from typing import Any

from aicapex.schemaparts import DAY as _DAY
from aicapex.schemaparts import MAYBE_TEXT as _MAYBE_TEXT
from aicapex.schemaparts import MONTHS as _MONTHS
from aicapex.schemaparts import NUMBER as _NUMBER
from aicapex.schemaparts import TEXT as _TEXT
from aicapex.schemaparts import TEXTS as _TEXTS
from aicapex.schemaparts import USD as _USD
from aicapex.schemaparts import later_sections
from aicapex.schemaparts import nullable as _nullable
from aicapex.schemaparts import obj as _object

__all__ = ["OUTPUTS", "OUTPUTS_VERSION", "schema"]

#: The version of the output schemas (raised by changes that can break a reader).
OUTPUTS_VERSION = 1

_DRAFT = "https://json-schema.org/draft/2020-12/schema"

_WHEN: dict[str, Any] = {
    "type": ["string", "null"],
    "minLength": 4,
    "description": "a date as asked or reported: a day, month, quarter, year ...",
}
_AS_OF: dict[str, Any] = {
    **_WHEN,
    "description": "the date the output is as of: the date asked, else the last day its data "
    "covers (null only when there is no data)",
}
_WRITTEN: dict[str, Any] = {
    "written": {**_MAYBE_TEXT, "description": "the figure as reported ('less than $4M')"},
    "currency": {**_MAYBE_TEXT, "description": "its ISO 4217 currency"},
}


def _rows(columns: dict[str, Any] | None = None) -> dict[str, Any]:
    """An array of row objects (with ``columns``: exactly those keys)."""
    if columns is None:
        return {"type": "array", "items": {"type": "object"}}
    return {"type": "array", "items": _object(columns)}


def _flow_row() -> dict[str, Any]:
    from aicapex.table.flowrows import FLOW_COLUMNS

    def column(name: str, dtype: str) -> dict[str, Any]:
        if dtype.startswith("datetime"):
            return _DAY
        if name.endswith("_usd"):
            return _USD
        if dtype.startswith("int"):
            return {"type": "integer"}
        if dtype.startswith("float"):
            return _NUMBER
        return _MAYBE_TEXT

    return _object({name: column(name, dtype) for name, dtype in FLOW_COLUMNS.items()})


def _report() -> dict[str, Any]:
    from aicapex.report import REPORT_VERSION
    from aicapex.reportdeals import section_schemas

    runway = _object(
        {
            "months": _MONTHS,
            "months_low": _MONTHS,
            "months_high": _MONTHS,
            "runs_out": {"type": "boolean"},
            "cash_out": _DAY,
            "cash_out_earliest": _DAY,
            "cash_out_latest": _DAY,
            "bound": _MAYBE_TEXT,
            "balance": _USD,
            "balance_date": _DAY,
            "balance_record": _MAYBE_TEXT,
            "start_cash": _USD,
            "burn_after": _USD,
            "assumptions": _TEXTS,
            "records": _TEXTS,
        }
    )
    cash = _object(
        {
            "amount": _USD,
            **_WRITTEN,
            "bound": _MAYBE_TEXT,
            "date": _DAY,
            "record": _TEXT,
        }
    )
    burn = _object(
        {
            "from": _TEXT,
            "to": _TEXT,
            "months": {"type": "integer", "minimum": 1},
            "monthly_gross": _USD,
            "monthly_revenue": _USD,
            "monthly_net": _USD,
            "monthly_net_low": _USD,
            "monthly_net_high": _USD,
            "by_category": {"type": "object", "additionalProperties": _USD},
        }
    )
    gap = _object(
        {
            "period": _TEXT,
            "revenue": _USD,
            "compute": _USD,
            "gap": _USD,
            "ratio": _NUMBER,
            "ratio_low": _NUMBER,
            "ratio_high": _NUMBER,
            "coverage": _NUMBER,
        }
    )
    arrears = _object(
        {
            "as_of": _WHEN,
            "total": _USD,
            "total_low": _USD,
            "total_high": _USD,
            "by_provider": {
                "type": "object",
                "additionalProperties": _object(
                    {"outstanding": _USD, "bills": {"type": "integer"}, "oldest": _DAY}
                ),
            },
        }
    )
    funding = _object(
        {
            "by_status": {"type": "object", "additionalProperties": _USD},
            "rounds": {
                "type": "array",
                "items": _object(
                    {
                        "id": _TEXT,
                        "status": _TEXT,
                        "date": _TEXT,
                        "amount": _USD,
                        **_WRITTEN,
                        "bound": {
                            **_MAYBE_TEXT,
                            "description": "the kind of figure reported: exact, approx, "
                            "lower, upper, range or ceiling ('up to $100B')",
                        },
                        "amount_from": {
                            **_MAYBE_TEXT,
                            "description": "where the amount comes from: round, "
                            "participations or tranches (a round without an amount; null: none)",
                        },
                        "tranched": {
                            **_USD,
                            "description": "its tranches not cancelled or failed (null: none): "
                            "of a ceiling, the part that counts as raised",
                        },
                    }
                ),
            },
        }
    )
    conflicts = {
        "type": "array",
        "items": _object(
            {
                "kind": _TEXT,
                "fact": _TEXT,
                "reports": {
                    "type": "array",
                    "minItems": 2,
                    "items": _object(
                        {"id": _TEXT, "value": _TEXT, "sources": _TEXT, "reported": _MAYBE_TEXT}
                    ),
                },
            }
        ),
    }
    sections = {
        "cash": _nullable(cash),
        "burn": _nullable(burn),
        "runway": _nullable({"type": "object", "additionalProperties": runway}),
        "compute_gap": _nullable(gap),
        "arrears": _nullable(arrears),
        "funding": funding,
        "conflicts": conflicts,
        **later_sections(),
        **section_schemas(),  # deal structures (aicapex.reportdeals)
    }
    company = _object(
        {
            "id": _TEXT,
            "name": _TEXT,
            "as_of": _WHEN,
            "reasons": {
                "type": "object",
                "description": "why a section is null, by section",
                "additionalProperties": {"type": "string", "minLength": 1},
            },
            **sections,
        },
        extra=True,  # sections added later; the ones above keep their shape
    )
    return _object(
        {
            "report_version": {"const": REPORT_VERSION},
            "as_of": _AS_OF,
            "as_of_rule": _TEXT,
            "companies": {"type": "array", "items": company},
            "records": {"type": "object", "additionalProperties": {"type": "integer"}},
        }
    )


def _result() -> dict[str, Any]:
    return _object(
        {
            "analysis": _TEXT,
            "as_of": _AS_OF,
            "rows": _rows(),
            "records": _TEXTS,
            "assumptions": _TEXTS,
            "warnings": _TEXTS,
            "reason": {**_MAYBE_TEXT, "description": "why there is no answer (null: there is)"},
        },
        extra=True,  # the analysis's parameters, and one entity's figures for some
    )


def _runway() -> dict[str, Any]:
    out = _result()
    out["properties"] = {
        **out["properties"],
        "analysis": {"const": "runway"},
        "policy": _TEXT,
        "months": _MONTHS,
        "months_low": _MONTHS,
        "months_high": _MONTHS,
        "runs_out": {"type": "boolean"},
        "cash_out": _DAY,
        "balance_usd": _USD,
        "start_cash": _USD,
        "burn_after": _USD,
        "path": _rows(
            {
                "entity": _TEXT,
                "month": _DAY,
                "opening": _USD,
                "inflows": _USD,
                "outflows": _USD,
                "net": _USD,
                "closing": _USD,
                "basis": _MAYBE_TEXT,
                "after_as_of": {"type": "boolean"},
                "assumed": _MAYBE_TEXT,
            }
        ),
    }
    out["required"] = [*out["required"], "policy", "path"]
    return out


def _summary() -> dict[str, Any]:
    return _object(
        {
            "as_of": _AS_OF,
            "entities": {
                "type": "object",
                "additionalProperties": {"type": "object", "additionalProperties": _TEXT},
            },
            "records": {"type": "object", "additionalProperties": {"type": "integer"}},
            "total": {"type": "integer", "minimum": 0},
            "span": _nullable({"type": "array", "items": _DAY, "minItems": 2, "maxItems": 2}),
        }
    )


def _focus() -> dict[str, Any]:
    return _object(
        {
            "file": _TEXT,
            "payer": _TEXT,
            "as_of": _AS_OF,
            "rows": {"type": "integer", "minimum": 0},
            "left_out": {"type": "integer", "minimum": 0},
            "columns": _TEXTS,
            "bills": _rows(),
            "reconciliation": _rows(),
            "problems": _TEXTS,
        }
    )


def _export() -> dict[str, Any]:
    from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION, json_schema

    ledger = json_schema()
    ledger.pop("$schema", None)
    return _object(
        {
            "format_version": {"const": FORMAT_VERSION},
            "schema_version": {"const": SCHEMA_VERSION},
            "ledger": ledger,
            "flows_selection": _object(
                {
                    "conflicts": {"enum": ["latest", "earliest", "all"]},
                    "filter": _MAYBE_TEXT,
                }
            ),
            "flows": {"type": "array", "items": _flow_row()},
        }
    )


def _scenarios() -> dict[str, Any]:
    out = _result()
    row = _object(
        {
            "scenario": {**_TEXT, "description": "the scenario's name (the first: the reference)"},
            "months": _MONTHS,
            "months_low": _MONTHS,
            "months_high": _MONTHS,
            "cash_out": _DAY,
            "min_cash": _USD,
            "cash_at_horizon": _USD,
            "months_vs_first": {
                **_MONTHS,
                "description": "months more (or fewer) than the first scenario, to two decimals "
                "(null: either lasts beyond the horizon)",
            },
            "runs_out": {"type": "boolean"},
        }
    )
    out["properties"] = {
        **out["properties"],
        "analysis": {"const": "scenarios"},
        "entity": _TEXT,
        "policy": _TEXT,
        "known_on": _WHEN,
        "rows": {"type": "array", "items": row, "minItems": 1},
        "explanations": {
            "type": "object",
            "description": "each scenario's adjustments in words, and what they change",
            "additionalProperties": _TEXTS,
        },
    }
    out["required"] = [*out["required"], "entity", "policy", "explanations"]
    return out


_BUILDERS = {
    "report": _report,
    "result": _result,
    "runway": _runway,
    "flows": lambda: _object({"as_of": _AS_OF, "rows": {"type": "array", "items": _flow_row()}}),
    "query": lambda: _object({"as_of": _AS_OF, "columns": _TEXTS, "rows": _rows()}),
    "summary": _summary,
    "focus": _focus,
    "export": _export,
    "scenarios": _scenarios,
}

#: The outputs with a schema, by name.
OUTPUTS: tuple[str, ...] = tuple(_BUILDERS)

_CACHE: dict[str, dict[str, Any]] = {}


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the output ``name`` (one of :data:`OUTPUTS`).

    Raises ``KeyError`` naming the outputs for an unknown name."""
    if name not in _BUILDERS:
        raise KeyError(f"no output named {name!r}; one of {', '.join(OUTPUTS)}")
    if name not in _CACHE:
        body = _BUILDERS[name]()
        _CACHE[name] = {
            "$schema": _DRAFT,
            "$id": f"urn:aicapex:output:{name}:{OUTPUTS_VERSION}",
            "title": f"aicapex {name} output, version {OUTPUTS_VERSION}",
            **body,
        }
    return copy.deepcopy(_CACHE[name])
