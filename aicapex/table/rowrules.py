"""The rules a bulk table's rows obey on their own, as column operations.

A record checks itself (``checks()`` of its model) and the ledger checks each record against
nothing else for one entity on both sides (``checks.facts``); a table read by
:func:`aicapex.table.bulk.read_table` holds the same rules at each row, with the same fields,
codes and messages: amounts in range, amount or rate (a ramp's steps too), bills billed or
outstanding, a contract ending after it starts, a record naming itself, a revenue share and its
record together, a round's pre-money and amount adding up to its post-money
(:mod:`aicapex.table.exactrules`). The figures of the rows refused are shown as the records'
checks show them (``-$5M``, ``2024-06``), read again from their cells for those rows only. One
message says more than the loader's: a bill's outstanding amount in a bills table is
``billed minus payments = $5M (a bills table has no payments: outstanding equal to billed)``.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aicapex.limits import ID_MAX, MAX_AMOUNT, preview
from aicapex.money import Money
from aicapex.table.bulkcols import BIG, MAX_PROBLEMS, Located, Said
from aicapex.table.columns import to_category
from aicapex.table.exactrules import (
    capacity_cell,
    date_cell,
    money_cell,
    rate_cell,
    rate_totals,
    share_cell,
    valuations,
    written,
)
from aicapex.table.idcols import ID_PATTERN
from aicapex.table.tablespec import PARTIES

__all__ = ["range_checks", "row_rules", "same_labels"]


def range_checks(
    kind: str,
    out: dict[str, Any],
    present: dict[str, np.ndarray],
    chk: Located,
    raw: pd.DataFrame,
    with_items: Collection[str] = (),
) -> None:
    """The records' consistency checks, as column operations; the figures of the rows refused
    shown as the records' checks show them (``-$5M``). ``with_items``: the ids of records
    whose items are in a table read beside (their totals checked there)."""
    for name in ("amount", "billed", "rate", "total_value", "total", "unit_price"):
        if name in out and name in present:
            values = np.asarray(out[name], dtype="float64")
            limit_zero = kind == "cash_balances"
            bad = present[name] & ((values < 0) if limit_zero else (values <= 0))
            if bad.any():
                read = _rate_money if name == "rate" else money_cell
                chk.rows(
                    bad,
                    name,
                    "an amount of zero or more" if limit_zero else "a positive amount",
                    written(raw, name, bad, read),
                    "out-of-range",
                )
    if kind in ("expenses", "revenues", "ramps"):
        both = present["amount"] == present["rate"]
        if kind == "revenues":  # a share of another record, its amount derived: neither is fine
            both &= present["amount"] | ~present["share"]
        if both.any():
            said = np.array([Said("neither"), Said("both")], dtype=object)
            found = said[present["amount"].astype(np.int64)]
            chk.rows(both, "amount", "either an amount or a rate", found, "inconsistent")
    if kind == "ramps":  # a step's rate over its period
        first = np.asarray(out["period_start"], dtype="datetime64[ns]")
        rate_totals(raw, out, first, np.asarray(out["period_end"], dtype=first.dtype), chk)
    if kind in ("expenses", "revenues"):
        until = np.asarray(out["until_end"], dtype="datetime64[ns]")
        start = np.asarray(out["date_start"], dtype="datetime64[ns]")
        late = ~np.isnat(until) & (until < start) if present["until"].any() else None
        if late is not None and late.any():  # no until: no end before its date
            expected = _after(raw, "date", late, "a date on or after")
            chk.rows(late, "until", expected, written(raw, "until", late, date_cell), INCONSISTENT)
        if present["rate"].any():  # rows without a rate add up to nothing
            last = np.where(np.isnat(until), np.asarray(out["date_end"], dtype=until.dtype), until)
            rate_totals(raw, out, start, last, chk)
    if kind == "gpu_orders":  # the value of an order without a total
        _order_values(out, raw, chk)
    if kind == "compute_contracts":  # a rate without an end: a year, as the flows count it
        first = np.asarray(out["start_start"], dtype="datetime64[ns]")
        end = np.asarray(out["end_end"], dtype="datetime64[ns]")
        last = np.where(np.isnat(end), first + np.timedelta64(364, "D"), end)
        rate_totals(raw, out, first, last, chk)
    if kind == "cloud_bills":
        _bill_amounts(out, present, raw, chk, with_items)


#: The code of fields of one record that contradict each other.
INCONSISTENT = "inconsistent"


def _after(raw: pd.DataFrame, name: str, mask: np.ndarray, text: str) -> np.ndarray:
    """``text`` and the date of ``name`` as the records write it, at the rows reported."""
    dates = written(raw, name, mask, date_cell)
    expected = np.full(len(mask), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS].tolist():
        expected[i] = f"{text} {dates[i]}"
    return expected


def _rate_money(raw: pd.DataFrame, name: str, i: int) -> Money:
    """The money of a rate (what a rate's range check shows: ``-$1M``)."""
    return rate_cell(raw, name, i).money


def _order_values(out: dict[str, Any], raw: pd.DataFrame, chk: Located) -> None:
    """An order's value (unit price times quantity) of at most the limit, as the record's
    check says it."""
    units = pd.array(out["quantity"], dtype="Int64").to_numpy("float64", na_value=0.0)
    value = np.asarray(out["unit_price"], float) * units
    huge = np.abs(np.nan_to_num(value)) > MAX_AMOUNT
    if not huge.any():
        return
    expected = np.full(len(huge), None, dtype=object)
    found = np.full(len(huge), None, dtype=object)
    for i in np.flatnonzero(huge)[:MAX_PROBLEMS].tolist():
        price, count = money_cell(raw, "unit_price", i), int(units[i])
        limit = Money(Decimal(MAX_AMOUNT), price.currency)
        expected[i] = f"an order of at most {limit}"
        found[i] = Said(f"{price} x {count:,}, {Money(price.amount * count, price.currency)}")
    chk.rows(huge, "unit_price", expected, found, BIG)


def _bill_amounts(
    out: dict[str, Any],
    present: dict[str, np.ndarray],
    raw: pd.DataFrame,
    chk: Located,
    with_items: Collection[str],
) -> None:
    """A bill gives what was billed or what is outstanding; both: outstanding is billed minus
    payments (none in a bills table: billed itself, in its currency, exact), as the record's
    check compares them (unless billed is not positive: refused already). Bills ``with_items``
    (payments in a table read beside) are left to :mod:`aicapex.table.tablerules`."""
    neither = ~present["billed"] & ~present["outstanding"]
    said = np.empty(len(neither), dtype=object)
    said.fill(Said("neither"))
    billed_text = "an amount billed (or, if only the unpaid part is known, outstanding)"
    chk.rows(neither, "billed", billed_text, said, INCONSISTENT)
    billed = np.asarray(out["billed"], dtype="float64")
    owed = np.asarray(out["outstanding"], dtype="float64")
    kind = pd.Categorical(out["outstanding_kind"])
    other = np.asarray(pd.Categorical(out["billed_currency"]).astype(object)) != np.asarray(
        pd.Categorical(out["outstanding_currency"]).astype(object)
    )
    differ = (billed > 0) & ~np.isnan(owed) & ((billed != owed) | other | (kind != "exact"))
    if with_items and differ.any():
        differ &= ~raw["id"].astype("object").isin(list(with_items)).to_numpy()
    if differ.any():
        expected = np.full(len(differ), None, dtype=object)
        for i in np.flatnonzero(differ)[:MAX_PROBLEMS].tolist():
            bill = money_cell(raw, "billed", i)
            expected[i] = (
                f"billed minus payments = {Money(bill.amount, bill.currency)} (a bills table "
                "has no payments: outstanding equal to billed)"
            )
        found = written(raw, "outstanding", differ, money_cell)
        chk.rows(differ, "outstanding", expected, found, INCONSISTENT)


#: The two parties of a record that must be two entities (``checks.facts.same_party_problems``;
#: a reallocation's is its record's own check, code ``inconsistent``), by kind; investments
#: name the round's company (their head column) and the investor.
_PARTIES = {k: v for k, v in PARTIES.items() if len(v) == 2} | {
    "investments": ("company", "investor")
}

#: Fields naming another record of the kind that may not name the record itself, with what
#: the records' checks expect.
_NOT_ITSELF = {
    "expenses": {"included_in": "another record's id"},
    "revenues": {"included_in": "another record's id", "of": "another revenue record's id"},
    "funding_rounds": {"effort": "the id of another round (the one sought)"},
    "gpu_reallocations": {"exchanged_for": "another reallocation's id"},
}


def row_rules(
    kind: str,
    out: dict[str, Any],
    raw: pd.DataFrame,
    chk: Located,
    present: dict[str, np.ndarray],
) -> None:
    """The records' own checks (``checks()`` of each model) and the ledger's same-party check
    that need no other record, as column operations: one entity on both sides, a record
    naming itself, a contract ending before it starts, amounts out of range, a revenue share
    without its record or above 100%, a round's valuation that does not add up. ``present``
    holds the rows giving each field (read or not). ``included_in`` of a revenue share
    defaults to ``of``, as the model sets it."""
    if kind in _PARTIES:
        first, second = _PARTIES[kind]
        if first in out and second in out:
            same = same_labels(out[first], out[second])
            if same.any():
                names = np.asarray(pd.Categorical(out[first]).astype(object))
                expected = np.full(len(same), None, dtype=object)
                for i in np.flatnonzero(same)[:MAX_PROBLEMS]:
                    one = names[i]
                    expected[i] = {
                        "gpu_reallocations": f"an entity other than from_entity {one!r}",
                        "investments": (
                            f"an investor other than the company {one!r} raising the money"
                        ),
                    }.get(kind, f"an entity other than the {first} {one!r}")
                code = "inconsistent" if kind == "gpu_reallocations" else "same-party"
                chk.rows(same, second, expected, _said(names, same), code)
    for field in ("investors", "sources"):  # lists of ids, comma-separated
        if field in raw and (kind == "funding_rounds" or field == "sources"):
            _listed_ids(raw[field], field, chk)
    if kind == "funding_rounds" and "investors" in raw and "company" in out:
        _own_investors(out["company"], raw["investors"], chk)
    if kind == "revenues":  # first: included_in defaults to of
        _revenue_shares(out, raw, chk, present["share"])
    ids = out.get("id")
    for field, text in _NOT_ITSELF.get(kind, {}).items():
        if ids is not None and field in out:
            itself = _names_itself(out[field], ids)
            if itself.any():
                found = _said(np.asarray(ids, dtype=object), itself)
                chk.rows(itself, field, text, found, "inconsistent")
    if kind == "cloud_bills":
        owed = np.asarray(out["outstanding"], dtype="float64") < 0
        if owed.any():
            found = written(raw, "outstanding", owed, money_cell)
            chk.rows(owed, "outstanding", "an amount of zero or more", found, "out-of-range")
    if kind == "funding_rounds":
        for name in ("pre_money", "post_money", "price_per_share"):
            low = np.asarray(out[name], dtype="float64") <= 0
            if low.any():
                found = written(raw, name, low, money_cell)
                chk.rows(low, name, "a positive amount", found, "out-of-range")
        valuations(out, raw, chk)
    if kind == "compute_contracts":
        if "capacity" in out:
            empty = np.asarray(out["capacity"], dtype="float64") <= 0
            if empty.any():
                found = written(raw, "capacity", empty, capacity_cell)
                chk.rows(empty, "capacity", "a positive capacity", found, INCONSISTENT)
        end = np.asarray(out["end_end"], dtype="datetime64[ns]")
        start = np.asarray(out["start_start"], dtype="datetime64[ns]")
        early = ~np.isnat(end) & (end < start)
        if early.any():
            expected = _after(raw, "start", early, "a date on or after the start")
            chk.rows(early, "end", expected, written(raw, "end", early, date_cell), INCONSISTENT)


def same_labels(a: Any, b: Any) -> np.ndarray:
    """The rows where two categoricals hold one value (neither missing), compared by codes:
    ``a``'s categories looked up once in ``b``'s."""
    a, b = pd.Categorical(a), pd.Categorical(b)
    b_codes = np.asarray(b.codes)
    if not (b_codes >= 0).any() or not len(a.categories):
        return np.zeros(len(a), dtype=bool)
    lookup = np.append(b.categories.get_indexer(a.categories), -1)
    in_b = lookup[np.asarray(a.codes)]
    return np.asarray((in_b >= 0) & (in_b == b_codes), dtype=bool)


def _names_itself(refs: Any, ids: Any) -> np.ndarray:
    """The rows whose reference (a categorical) is the row's own id; only rows with a
    reference are compared."""
    cat = pd.Categorical(refs)
    rows = np.flatnonzero(np.asarray(cat.codes) >= 0)
    itself = np.zeros(len(cat), dtype=bool)
    if len(rows):
        named = np.asarray(cat.categories.astype(object))[np.asarray(cat.codes)[rows]]
        own = np.asarray(pd.array(ids).take(rows), dtype=object)
        itself[rows] = named == own
    return itself


def _said(names: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The ids ``names`` shown as records' checks show them (``repr``), at the rows of
    ``mask`` reported (no text made for the other rows)."""
    out = np.full(len(names), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
        out[i] = Said(repr(names[i]))
    return out


def _listed_ids(col: pd.Series, field: str, chk: Located) -> None:
    """A round's investors or a record's cited sources (comma-separated ids) that no id can be
    (``open ai``): the first of each row refused at it as the loader refuses the reference
    (``unknown-reference``), each distinct cell read once."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    said = [
        next((x.strip() for x in str(u).split(",") if x.strip() and not _is_id(x.strip())), None)
        for u in uniques
    ]
    if all(s is None for s in said):
        return
    shown = [Said(repr(s) if len(s) <= ID_MAX else preview(s)) if s else None for s in said]
    found = np.array([*shown, None], dtype=object)[codes]
    long = np.array([*(s is not None and len(s) > ID_MAX for s in said), False])[codes]
    bad = np.array([*(s is not None for s in said), False], dtype=bool)[codes] & ~long
    what = "an entity" if field == "investors" else "a source"
    named = f"the id of {what} (letters, digits and . _ : + -), comma-separated"
    chk.rows(bad, field, named, found, "unknown-reference")
    chk.rows(long, field, f"an id or word of at most {ID_MAX} characters", found, "too-long")


def _is_id(text: str) -> bool:
    """Whether ``text`` is an id (:data:`~aicapex.table.idcols.ID_PATTERN`, at most
    :data:`~aicapex.limits.ID_MAX` characters, the loader's limit)."""
    return len(text) <= ID_MAX and re.fullmatch(ID_PATTERN, text) is not None


def _own_investors(company: Any, investors: pd.Series, chk: Located) -> None:
    """Rounds naming their own company among their investors (comma-separated ids), read once
    per distinct pair of company and investors."""
    cat = pd.Categorical(company)
    codes, uniques = pd.factorize(investors.astype("object"), use_na_sentinel=True)
    has = np.flatnonzero((codes >= 0) & (np.asarray(cat.codes) >= 0))
    if not len(has):
        return
    pairs = np.asarray(cat.codes)[has].astype(np.int64) * (len(uniques) + 1) + codes[has]
    keys, first = np.unique(pairs, return_index=True)
    bad_keys = []
    for key, at in zip(keys, first, strict=True):
        row = has[at]
        name = cat.categories[cat.codes[row]]
        if name in {x.strip() for x in str(uniques[codes[row]]).split(",")}:
            bad_keys.append(key)
    if not bad_keys:
        return
    mask = np.zeros(len(cat), dtype=bool)
    mask[has[np.isin(pairs, bad_keys)]] = True
    names = np.asarray(cat.astype(object))
    expected = np.full(len(mask), None, dtype=object)
    found = np.full(len(mask), None, dtype=object)
    for i in np.flatnonzero(mask)[:MAX_PROBLEMS]:
        expected[i] = f"an investor other than the company {names[i]!r} raising the money"
        found[i] = Said(repr(names[i]))
    chk.rows(mask, "investors", expected, found, "same-party")


def _revenue_shares(
    out: dict[str, Any], raw: pd.DataFrame, chk: Located, share: np.ndarray
) -> None:
    """A revenue share: ``share`` (the rows giving one, read or not: a share that cannot be
    read is its own problem) and ``of`` together, at most 100%; its ``included_in`` defaults to
    ``of`` (the record it is of counts the money), as the model sets it."""
    if "of" not in out or "included_in" not in out:
        return  # a reference column of the wrong type: reported
    of = np.asarray(pd.Categorical(out["of"]).codes) >= 0
    none = np.empty(len(share), dtype=object)
    none.fill(Said("none"))  # as the record says it (np.full would make it a plain str)
    together = "a share and the revenue record it is of, together"
    chk.rows(share & ~of, "of", together, none, "inconsistent")
    chk.rows(~share & of, "share", together, none, "inconsistent")
    over = np.asarray(out["share_high"], dtype="float64") > 1
    if over.any():
        found = written(raw, "share", over, share_cell)
        chk.rows(over, "share", "a share of at most 100%", found, "out-of-range")
    included = pd.Categorical(out["included_in"])
    fill = of & (np.asarray(included.codes) < 0)
    if fill.any():
        values = np.where(
            fill,
            np.asarray(pd.Categorical(out["of"]).astype(object)),
            np.asarray(included.astype(object)),
        )
        out["included_in"] = to_category(pd.Series(values, dtype=object))
