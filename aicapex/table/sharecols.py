"""Bulk-table columns of shares (``35%``) and numbers of shares (``12.5M``), as
``Ledger.frame`` has them: the base figure, ``_kind``, ``_low`` and ``_high``."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from aicapex.shares import Share, ShareCount
from aicapex.table.bulkcols import Located
from aicapex.table.columns import coded_category, parse_unique

__all__ = ["share_columns"]


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
    chk.rows(bad, field, example, col, "bad-share")
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
