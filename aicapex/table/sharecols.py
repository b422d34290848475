"""Bulk-table columns of shares (``35%``) and numbers of shares (``12.5M``), as
``Ledger.frame`` has them: the base figure, ``_kind``, ``_low`` and ``_high``.

A share is text with a percent sign, as ledger files write it: ``12.5%``, ``about 40%``,
``30% to 35%``, ``more than 50%``. A number (``0.125`` or ``12.5``, a float column or text of
digits alone) is refused as ledger files refuse it: it is ambiguous (is ``0.5`` a half, or
half a percent?), and a column of numbers may mean either; its problem (``bad-share``) says
how to write it (``write '12.5%' for the fraction 0.125, '0.125%' if 0.125 is a
percentage``). Numbers of shares may be numbers (``12500000``): they are whole counts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aicapex.limits import MAX_AMOUNT
from aicapex.shares import Share, ShareCount
from aicapex.table.bulkcols import MAX_PROBLEMS, Located
from aicapex.table.columns import coded_category, parse_unique

__all__ = ["number_hint", "share_columns"]


def number_hint(value: Any) -> str | None:
    """What a share written as a bare number (``0.125``, ``12.5``, ``'0.4'``) should be
    written as: both readings for a number from 0 to 1, the percentage for a larger one;
    ``None`` for anything else (booleans included)."""
    if isinstance(value, bool | np.bool_):
        return None
    try:
        if isinstance(value, str):
            number = Decimal(value.strip().replace(",", ""))
        elif isinstance(value, Decimal):
            number = value
        elif isinstance(value, int | np.integer):
            number = Decimal(int(value))
        elif isinstance(value, float | np.floating):
            number = Decimal(repr(float(value)))
        else:
            return None
    except (ArithmeticError, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    plain = _plain(number)
    head = "a share written with '%' like '35%', not a bare number"
    if number == 0:
        return f"{head} (write '0%')"
    if 0 < number <= 1:
        fraction = _plain(number.scaleb(2))
        return (
            f"{head} (ambiguous: write '{fraction}%' for the fraction {plain}, or '{plain}%' "
            f"if {plain} is a percentage)"
        )
    return f"{head} (write '{plain}%' if {plain} is a percentage)"


def _plain(number: Decimal) -> str:
    """A decimal in plain digits without trailing zeros (``12.5``, ``40``, ``0.125``)."""
    return format(number.normalize(), "f")


def share_columns(
    col: pd.Series, chk: Located, field: str, cls: type[Share] | type[ShareCount]
) -> dict[str, Any]:
    """The columns of a column of shares or numbers of shares, each distinct value parsed once
    (text as written: ``35%``, ``12.5M``; numbers of shares may be numbers). Rows that cannot be
    read are reported (``bad-share``)."""

    def parse(value: Any) -> Share | ShareCount:
        whole_float = isinstance(value, float | np.floating) and value.is_integer()
        if (cls is ShareCount and whole_float) or isinstance(value, np.integer):
            value = int(value)
        return cls.parse(value)

    codes, parsed, bad = parse_unique(col, parse)
    example = "a share like '35%'" if cls is Share else "a whole number of shares like '12.5M'"
    expected: str | np.ndarray = example
    if cls is Share and bad.any():  # numbers: say how to write them
        expected = np.full(len(col), example, dtype=object)
        for i in np.flatnonzero(bad)[:MAX_PROBLEMS]:
            expected[i] = number_hint(col.iloc[i]) or example
    chk.rows(bad, field, expected, col, "bad-share")
    if cls is ShareCount:  # at most MAX_AMOUNT shares, as ledger files (codes -1: missing)
        huge = [p is not None and max(p.written()) > MAX_AMOUNT for p in parsed]
        limit = f"at most {MAX_AMOUNT:,} shares"
        chk.rows(np.array([*huge, False], dtype=bool)[codes], field, limit, col, "out-of-range")
    bounds = [p.bounds() if p is not None else (np.nan, np.nan) for p in parsed]

    def floats(values: list[Any]) -> np.ndarray:
        out: np.ndarray = np.array([*(float(v) for v in values), np.nan], dtype="float64")[codes]
        return out

    return {
        field: floats([p.to_float() if p is not None else np.nan for p in parsed]),
        f"{field}_kind": coded_category(codes, [p.kind if p else None for p in parsed]),
        f"{field}_low": floats([b[0] for b in bounds]),
        f"{field}_high": floats([b[1] for b in bounds]),
    }
