"""Text renderers of the report's GPU and money-loop sections (:mod:`aicapex.gpureport`);
:mod:`aicapex.render` registers them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aicapex.money import format_usd

__all__ = ["GPU_RENDERERS"]

_BOUND = {"upper": "at most ", "lower": "at least "}
_LABEL = 15


def money(value: object) -> str:
    return format_usd(None if value is None else float(value))  # type: ignore[arg-type]


def _line(label: str, text: str) -> str:
    return f"{label:<{_LABEL}}{text}"


def _units(n: object) -> str:
    return "n/a" if n is None else f"{int(n):,}"  # type: ignore[call-overload]


def _fleet(f: dict[str, Any]) -> list[str]:
    out = []
    for sku, u in f["skus"].items():
        moved = f", moved in {_units(u['moved_in'])}, out {_units(u['moved_out'])}" * bool(
            u["moved_in"] or u["moved_out"]
        )
        out.append(
            _line(
                "gpus",
                f"{sku}: ordered {_units(u['ordered'])}, scheduled {_units(u['scheduled'])}, "
                f"delivered {_units(u['delivered'])}{moved}; position {_units(u['position'])}, "
                f"on hand {_units(u['on_hand'])} (through {u['through']})",
            )
        )
    for t in f["targets"]:
        by = f"by {t['by']}" if t["by"] else "no date"
        out.append(
            _line(
                "  gpu target",
                f"{_units(t['units'])} {t['sku'] or 'GPUs'} {by} ({t['target']}): "
                f"{_units(t['delivered'])} delivered, {_units(t['expected'])} expected"
                + ("; met" if t["met"] else f"; {_units(t['gap'])} short"),
            )
        )
    return out


def _reallocations(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for r in items:
        back = f", {r['counterpart']} in exchange: net {_units(r['net_units'])}" * bool(
            r["counterpart"]
        )
        delay = "" if r["delay_months"] is None else f"; delay {r['delay_months']:.1f} months"
        word = _BOUND.get(r["value_figure"] or "", "")
        value = "" if r["value"] is None else f"; value {word}{money(r['value'])}"
        value += f" ({r['price_basis']})" if r["price_basis"] else ""
        out.append(
            _line(
                "reallocation",
                f"{r['date']} {_units(r['units'])} {r['sku'] or 'GPUs'} {r['from']} > {r['to']}"
                f"{back}{delay}{value}",
            )
        )
    return out


def _loops(items: list[dict[str, Any]]) -> list[str]:
    return [
        _line(
            "money loop",
            f"{x['window']} ({x['basis']}): {x['path']}, up to {money(x['amount'])} "
            f"(smallest leg {x['smallest_leg']})",
        )
        for x in items
    ]


def _round_trip(items: list[dict[str, Any]]) -> list[str]:
    return [
        _line(
            "round trip",
            f"{x['vendor']} funded {100 * (x['share'] or 0):.0f}% of {x['customer']}'s purchases "
            f"from it ({x['window']}, {x['basis']}: {money(x['funded'])} of "
            f"{money(x['purchases'])})",
        )
        for x in items
    ]


def _related(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for x in items:
        figure = money(x["amount"]) if x["amount"] is not None else ""
        figure = figure or (f"{_units(x['units'])} units" if x["units"] is not None else "")
        out.append(
            _line(
                "related party",
                f"{x['kind']} {x['record']}: {x['from']} > {x['to']} ({x['what']}, {x['basis']}"
                f"{', ' + figure if figure else ''}; related through {x['controllers']}: "
                "control or significant influence)",
            )
        )
    return out


GPU_RENDERERS: dict[str, Callable[[Any], list[str]]] = {
    "fleet": _fleet,
    "reallocations": _reallocations,
    "loops": _loops,
    "round_trip": _round_trip,
    "related_parties": _related,
}
