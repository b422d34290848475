"""The adjustments of a scenarios file, read from their mappings with every problem at once.

An adjustment is a mapping whose ``do`` names it and whose other keys are its arguments
(:data:`ADJUSTMENTS`). :func:`read_adjustment` makes it as Python does (the adjustment's maker
checks its arguments) and says every problem of it, each of its own argument: an unknown
argument, a required one missing, money without its currency, and each value the maker refuses.
A refused argument stands in as its default (a required one as a placeholder) while the others
are checked, so one fix never reveals the next problem of an adjustment the file already had.

What depends on a refused argument is not checked until it is fixed: an unknown (or missing)
``do`` is the adjustment's one problem (its arguments are no adjustment's: which would they
belong to?); a ``kind`` refused leaves the ``category`` of that kind and the sign of the amount
unchecked, a ``start`` refused the ``end`` after it; a problem that only follows from a stand-in
is not said.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from aicapex.errors import suggest
from aicapex.scenarios.adjust import GRID_ADJUSTMENTS
from aicapex.scenarios.bills import BILL_ADJUSTMENTS
from aicapex.scenarios.book import AdjustmentError, Frozen, ScenarioAdjustment
from aicapex.scenarios.rounds import ROUND_ADJUSTMENTS

__all__ = [
    "ADJUSTMENTS",
    "MONEY_ARGUMENTS",
    "ArgumentProblem",
    "plain",
    "read_adjustment",
    "what_of",
]

#: Every adjustment a scenario file may name (``do:``), by name.
ADJUSTMENTS: dict[str, Callable[..., ScenarioAdjustment]] = {
    **GRID_ADJUSTMENTS,
    **ROUND_ADJUSTMENTS,
    **BILL_ADJUSTMENTS,
}

#: The arguments of adjustments that are money: written with a currency, as in a ledger.
MONEY_ARGUMENTS: dict[str, tuple[str, ...]] = {"add_flow": ("amount",)}

#: What a required argument refused (or missing) stands in as while the others are checked.
PLACEHOLDER = "?"


@dataclass(frozen=True, eq=False, repr=False)  # (eq, hash, repr: Frozen's)
class ArgumentProblem(Frozen):
    """A problem of an adjustment (``key`` ``None``) or of its argument ``key``; ``at``: located
    at the argument (it is written), else at the adjustment."""

    expected: str
    found: str
    code: str
    key: str | None = None
    at: bool = True


def plain(value: Any) -> Any:
    """YAML's decimals as floats (adjustments take numbers)."""
    return float(value) if isinstance(value, Decimal) else value


def what_of(value: Any) -> str:
    """What a value of a file is, in a file's words (not Python's: 'a int', 'a NoneType')."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float | Decimal):
        return "a number"
    names: dict[type, str] = {dict: "a mapping", list: "a list", str: "text"}
    return names.get(type(value), "a value")


def read_adjustment(item: Any) -> tuple[ScenarioAdjustment | None, list[ArgumentProblem]]:
    """The adjustment of the mapping ``item`` and its problems (see the module docs): the
    adjustment is ``None`` when there are any."""
    problems: list[ArgumentProblem] = []

    def say(expected: str, found: str, code: str, key: str | None = None, at: bool = True) -> None:
        problems.append(ArgumentProblem(expected, found, code, key, at))

    if not isinstance(item, dict):
        expected = "an adjustment (a mapping with 'do:' and its arguments)"
        say(expected, what_of(item), "invalid-value")
        return None, problems
    what = item.get("do")
    if not isinstance(what, str) or what not in ADJUSTMENTS:
        expected = f"'do:' naming an adjustment among {', '.join(ADJUSTMENTS)}"
        expected += suggest(str(what), ADJUSTMENTS)
        if what is None:
            say(expected, "nothing", "missing-field", "do", at=False)
        else:
            say(expected, repr(what), "unknown-adjustment", "do")
        return None, problems
    maker = ADJUSTMENTS[what]
    params = inspect.signature(maker).parameters
    args = {k: plain(v) for k, v in item.items() if k != "do"}
    for key in (k for k in args if k not in params):
        expected = f"an argument of {what} ({', '.join(params)}){suggest(str(key), params)}"
        say(expected, f"unknown field {key!r}", "unknown-field", key)
    given = {k: v for k, v in args.items() if k in params}
    refused: set[str] = set()

    def stand_in(key: str) -> None:
        default = params[key].default
        given[key] = PLACEHOLDER if default is inspect.Parameter.empty else default
        refused.add(key)

    for key in [k for k, p in params.items() if p.default is p.empty and k not in args]:
        say(f"this argument of {what}", "nothing", "missing-field", key, at=False)
        stand_in(key)
    # money is written with its currency, as in a ledger: a bare number is no dollars here
    for key in MONEY_ARGUMENTS.get(what, ()):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            found = _plain_digits(value) if _is_number(value) else repr(plain(value))
            say(_money_example(value), found, "bad-money", key)
            stand_in(key)
    for _ in range(len(params) + 1):  # each round refuses one more argument, or ends
        try:
            made = maker(**given)
        except AdjustmentError as exc:
            key = exc.field or None
            if key in refused:  # it follows from a stand-in: not the file's problem
                break
            say(exc.expected, exc.found, exc.code, key, at=key in args)
            if key is None or key not in given:  # nothing written to stand in for
                break
            stand_in(key)
        except (TypeError, ValueError) as exc:
            if not refused:  # (else a stand-in may be the cause)
                say(str(exc), "", "invalid-value")
            break
        else:
            return (None if problems else made), problems
    return None, problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _plain_digits(value: Any) -> str:
    """A number as written in plain digits (YAML's ``1.5e6`` is ``1500000``)."""
    return format(Decimal(str(value)), "f") if not isinstance(value, int) else str(value)


def _money_example(value: Any) -> str:
    """What money written without a currency should have been: the number with its currency
    (a value that is no number, or a page of digits: $9,999)."""
    digits = _plain_digits(value) if _is_number(value) else ""
    if not digits or len(digits) > 40:
        return "money with a currency, e.g. '$9,999' or '9999 USD'"
    sign, grouped = ("-" if digits.startswith("-") else ""), f"{Decimal(digits.lstrip('-')):,f}"
    return f"money with a currency, e.g. '{sign}${grouped}' or '{digits} USD'"
