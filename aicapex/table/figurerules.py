"""Rules of bulk tables on figures as written, held as the loader holds them on records.

- **Grouped figures** (:func:`aicapex.figures.grouped_whole`): GPU counts and numbers of shares
  written with one to three digits, a point and three zeros (``12.000``: 12, or 12,000 by the
  thousands separator of many languages) are refused, plain or with a qualifier or as a range
  (``about 12.000``, ``10.000 to 12.000``), as is money so written (``€7.000``). A CSV file's
  count columns read as numbers with decimals are read again as text
  (:func:`counts_as_written`), so that ``12.000`` keeps its form (read as a number it was
  ``12.0``, taken as 12). The problems of such cells say what the loader says
  (:func:`grouped_words`: ``expected a whole number of GPUs like 12,000 or 12, got '12.000' (a
  point and three zeros: ...)``), at the same field, with the same code.
- **An order's total** (:func:`order_totals`): a GPU order giving both its ``unit_price`` and its
  ``total`` has ``unit_price x quantity`` within 1% or the rounding of the figures as written of
  its total (``$30K x 100`` with a total of ``$30M`` was two orders in one record), as
  ``GPUOrder.checks`` has it (``inconsistent`` at ``total``). Rows of exact figures in one
  currency within half that tolerance are settled on floats, as a column operation; the others
  are read as the record holds them, once per distinct set of cells, and held to the record's own
  check (:func:`aicapex.records.ownership.multiplies_to`), with its message.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from aicapex.errors import Problem
from aicapex.limits import MAX_AMOUNT
from aicapex.money import Money, Rate
from aicapex.shares import ShareCount, counted_things
from aicapex.table.bulkcols import Located, Said
from aicapex.table.exactrules import money_cell
from aicapex.table.rowrules import same_labels
from aicapex.table.tablespec import INT, MONEY, RATE, SHARE_COUNT, SPECS

__all__ = ["counts_as_written", "grouped_words", "order_totals"]

#: Exact figures whose product and total differ by at most this share of the total are
#: consistent: half the 1% the record's check allows at least (floats are not off by so much).
_SURE = 0.005

#: The words of a refusal of a grouped figure (money's and counts' messages both say them).
_GROUPED = "by the thousands separator of many languages"

#: The codes of cells that cannot be read, by the type of their field.
_CODES = {MONEY: "bad-money", RATE: "bad-rate", INT: "bad-capacity", SHARE_COUNT: "bad-share"}


def counts_as_written(source: Any, raw: pd.DataFrame, kind: str, sep: str) -> pd.DataFrame:
    """``raw`` (a CSV file's table) with its columns of counts (GPUs, shares) read as numbers
    with decimals (floats) read again as text: ``12.000`` read as a number was ``12.0``, its
    point and three zeros lost (a column of whole numbers holds none; one of text keeps them)."""
    names = [f.name for f in SPECS[kind].fields if f.type in (INT, SHARE_COUNT)]
    floats = [n for n in names if n in raw.columns and pd.api.types.is_float_dtype(raw[n])]
    if not floats:
        return raw
    if hasattr(source, "seek"):
        source.seek(0)
    text = pd.read_csv(source, sep=sep, usecols=floats, dtype=str, index_col=False)
    return raw.assign(**{n: text[n].to_numpy(dtype=object) for n in floats})


def _count(value: Any) -> Any:
    """A GPU count as the record reads it (an int, or a count as reported)."""
    from aicapex.records.base import whole_count  # only for the cells read again

    return whole_count(value.item() if isinstance(value, np.generic) else value)


_PARSERS = {MONEY: Money.parse, RATE: Rate.parse, INT: _count, SHARE_COUNT: ShareCount.parse}


def grouped_words(chk: Located, raw: pd.DataFrame, kind: str) -> None:
    """The problems of ``chk`` at cells of figures refused as grouped (``12.000``,
    ``about €7.000``) said as the loader says them: its expected and found texts, read from
    the parser's refusal of the cell (only the cells of problems are read again)."""
    types = {f.name: f.type for f in SPECS[kind].fields if f.type in _CODES}
    for n, p in enumerate(chk.problems):
        kind_of_field = types.get(p.field or "")
        if kind_of_field is None or p.index is None or p.code != _CODES[kind_of_field]:
            continue
        cell = raw[p.field].iloc[p.index]
        if not isinstance(cell, str):
            continue
        try:
            _PARSERS[kind_of_field](cell)
        except ValueError as exc:
            chk.problems[n] = _said(p, str(exc))


def _said(problem: Problem, text: str) -> Problem:
    """``problem`` with the expected and found texts of a parser's refusal ``text``, if it is
    one of a grouped figure (``expected ..., got ...``), else as it was."""
    expected, sep, found = text.partition(", got ")
    if not sep or not expected.startswith("expected ") or _GROUPED not in text:
        return problem
    return replace(problem, expected=expected.removeprefix("expected "), found=found)


def order_totals(out: dict[str, Any], raw: pd.DataFrame, chk: Located) -> None:
    """A GPU order's ``unit_price x quantity`` against its ``total`` (see the module docs):
    rows with both amounts positive, in one currency, a known quantity and a value within the
    money limit (above it, the unit price is refused already, and the record checks no
    more)."""
    if "unit_price" not in raw.columns or "total" not in raw.columns:
        return
    price = np.asarray(out["unit_price"], dtype="float64")
    total = np.asarray(out["total"], dtype="float64")
    count = pd.array(out["quantity"], dtype="Int64")
    known = ~np.asarray(count.isna(), dtype=bool)
    units = count.to_numpy("float64", na_value=np.nan)
    value = price * units
    checked = known & (price > 0) & (total > 0) & (np.abs(np.nan_to_num(value)) <= MAX_AMOUNT)
    checked &= same_labels(out["unit_price_currency"], out["total_currency"])
    if not checked.any():
        return
    exact = _exact(out["unit_price_kind"]) & _exact(out["total_kind"])
    low = pd.array(out["quantity_low"], dtype="Int64").to_numpy("float64", na_value=np.nan)
    high = pd.array(out["quantity_high"], dtype="Int64").to_numpy("float64", na_value=np.nan)
    exact &= (low == units) & (high == units)
    sure = exact & (np.abs(value - total) <= _SURE * total)
    rows = np.flatnonzero(checked & ~sure)
    if not len(rows):
        return
    from aicapex.records.ownership import multiplies_to  # the record's check, these rows only

    # each distinct set of cells checked once (what the cells say: a number's currency too)
    names = [c for c in _CELLS if c in raw.columns]
    codes = np.stack([pd.factorize(raw[c].iloc[rows].astype(object))[0] for c in names], axis=1)
    _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    group = inverse.reshape(-1)  # each row's set of cells
    said = np.full((len(first), 2), None, dtype=object)  # each set's expected and found
    for g, i in enumerate(rows[first].tolist()):
        figures = (money_cell(raw, "unit_price", i), money_cell(raw, "total", i))
        shares = counted_things(_count(raw["quantity"].iloc[i]))
        label = "unit_price x quantity"
        check = next(multiplies_to("total", figures[0], shares, figures[1], label), None)
        if check is not None:
            said[g] = check.expected, Said(check.found)
    refused = np.array([words is not None for words in said[:, 0]], dtype=bool)[group]
    bad = np.zeros(len(price), dtype=bool)
    bad[rows[refused]] = True
    expected = np.full(len(price), None, dtype=object)
    found = np.full(len(price), None, dtype=object)
    expected[rows], found[rows] = said[group, 0], said[group, 1]
    chk.rows(bad, "total", expected, found, "inconsistent")


#: The cells an order's check reads: a number's currency beside it.
_CELLS = ("unit_price", "unit_price_currency", "quantity", "total", "total_currency")


def _exact(kinds: Any) -> np.ndarray:
    """The rows of a column of figures' kinds holding exact figures (compared by codes)."""
    return np.asarray(pd.Categorical(kinds) == "exact", dtype=bool)
