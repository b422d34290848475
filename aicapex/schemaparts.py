"""Parts of the output schemas (:mod:`aicapex.outputs`): the JSON types of figures, and the
schemas of the report's later sections (ownership, scenarios, GPUs, money that goes round)."""

from __future__ import annotations

from typing import Any

__all__ = [
    "BOOL",
    "DAY",
    "INT",
    "MAYBE_TEXT",
    "MONTHS",
    "NUMBER",
    "SHARE",
    "TEXT",
    "TEXTS",
    "USD",
    "later_sections",
    "nullable",
    "obj",
]

TEXT: dict[str, Any] = {"type": "string"}
TEXTS: dict[str, Any] = {"type": "array", "items": TEXT}
MAYBE_TEXT: dict[str, Any] = {"type": ["string", "null"]}
NUMBER: dict[str, Any] = {"type": ["number", "null"]}
USD: dict[str, Any] = {
    "type": ["number", "null"],
    "description": "US dollars, rounded to the cent",
}
MONTHS: dict[str, Any] = {
    "type": ["number", "null"],
    "description": "months, rounded to two decimals (null: beyond the horizon)",
}
DAY: dict[str, Any] = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}


def obj(
    properties: dict[str, Any], *, required: list[str] | None = None, extra: bool = False
) -> dict[str, Any]:
    """An object schema: ``required`` (default: every property), other keys allowed or not."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": extra,
    }


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null``."""
    return {"anyOf": [{"type": "null"}, schema]}


INT: dict[str, Any] = {"type": ["integer", "null"]}
BOOL: dict[str, Any] = {"type": "boolean"}
SHARE: dict[str, Any] = {"type": ["number", "null"], "description": "a fraction (0.205)"}


def later_sections() -> dict[str, Any]:
    """Ownership, scenarios, GPUs and money that goes round: each company's sections (an
    empty list or object where the data has nothing for it)."""
    holder = obj(
        {
            "holder": TEXT,
            "status": TEXT,
            "counted": BOOL,
            "basis": {"enum": ["basic", "diluted"]},
            "share": SHARE,
            "share_low": SHARE,
            "share_high": SHARE,
            "shares": NUMBER,
            "records": TEXT,
            "note": TEXT,
        }
    )
    valuation = obj(
        {
            "record": TEXT,
            "date": MAYBE_TEXT,
            "method": TEXT,
            "post_money": USD,
            "post_money_low": USD,
            "post_money_high": USD,
            "pre_money": USD,
            "missing": MAYBE_TEXT,
            "agrees": {"type": ["boolean", "null"]},
            "assumed": BOOL,
        }
    )
    ownership = {
        "anyOf": [
            obj({}),
            obj(
                {
                    "as_of": MAYBE_TEXT,
                    "holders": {"type": "array", "items": holder},
                    "valuations": {"type": "array", "items": valuation},
                    "warnings": TEXTS,
                }
            ),
        ]
    }
    scenario = obj(
        {
            "scenario": TEXT,
            "months": MONTHS,
            "months_low": MONTHS,
            "months_high": MONTHS,
            "cash_out": DAY,
            "min_cash": USD,
            "cash_at_horizon": USD,
            "months_vs_first": MONTHS,
            "runs_out": BOOL,
            "explanation": TEXTS,
            "file": TEXT,
        },
        extra=True,
    )
    sku = obj(
        {
            **dict.fromkeys(
                ["ordered", "scheduled", "delivered", "moved_in", "moved_out", "position"], INT
            ),
            "on_hand": INT,
            "through": MAYBE_TEXT,
        }
    )
    target = obj(
        {
            "target": TEXT,
            "sku": MAYBE_TEXT,
            "units": INT,
            "by": MAYBE_TEXT,
            "delivered": INT,
            "expected": INT,
            "gap": INT,
            "met": BOOL,
        }
    )
    move = obj(
        {
            "reallocation": TEXT,
            "date": MAYBE_TEXT,
            "from": TEXT,
            "to": TEXT,
            "sku": MAYBE_TEXT,
            "units": INT,
            "counterpart": MAYBE_TEXT,
            "net_units": INT,
            "delay_months": MONTHS,
            "delay_days_low": NUMBER,
            "delay_days_high": NUMBER,
            "value": USD,
            "value_low": USD,
            "value_high": USD,
            "value_figure": MAYBE_TEXT,
            "price_basis": MAYBE_TEXT,
        }
    )
    loop = obj(
        {
            "window": TEXT,
            "basis": TEXT,
            "path": TEXT,
            "legs": TEXT,
            "amount": USD,
            "smallest_leg": MAYBE_TEXT,
            "circulation": USD,
        }
    )
    trip = obj(
        {
            "vendor": TEXT,
            "customer": TEXT,
            "window": TEXT,
            "basis": TEXT,
            "invested": USD,
            "purchases": USD,
            "funded": USD,
            "share": SHARE,
        }
    )
    related = obj(
        {
            "kind": {"enum": ["flow", "reallocation", "contract", "order"]},
            "record": TEXT,
            "date": MAYBE_TEXT,
            "from": TEXT,
            "to": TEXT,
            "what": MAYBE_TEXT,
            "basis": MAYBE_TEXT,
            "amount": USD,
            "units": INT,
            "controllers": TEXT,
        }
    )
    return {
        "ownership": ownership,
        "scenarios": nullable({"type": "array", "items": scenario}),
        "fleet": obj(
            {
                "skus": {"type": "object", "additionalProperties": sku},
                "targets": {"type": "array", "items": target},
            }
        ),
        "reallocations": {"type": "array", "items": move},
        "loops": {"type": "array", "items": loop},
        "round_trip": {"type": "array", "items": trip},
        "related_parties": {"type": "array", "items": related},
    }
