"""The rules between a record and its nested items, held across two bulk tables.

A round's tranches and investors' amounts, a bill's payments, an order's payments and
deliveries and a contract's ramp are tables of their own
(:data:`aicapex.table.tablespec.NESTED_TABLES`), each row naming its record in a column
(:data:`PARENTS`). Read with the table of their records (``read_table(path, kind, parents=...)``),
the items are matched to their record by that column and the records' own checks across a
record and its items hold as ``ac.load`` holds them on records (``FundingRound.checks``,
``CloudBill.checks``, ``GPUOrder.checks``, ``ComputeContract.checks``): amounts in one
currency, totalling at most the record's amount (a bill's outstanding amount its billed amount
minus its payments); deliveries and ramp steps ending on or after their record's date starts
(dates by their days under a December 31 year end, as ``PartialDate.sort_key`` has them), and a
contract's ramp steps starting on or before its end, their periods apart from each other's; an
order's deliveries of each status counting at most its GPUs. Sums are exact: each distinct
figure read once as the record holds it (:func:`~aicapex.table.exactrules.money_cell`), as
integers of one decimal scale, added per record with one ``reduceat`` over the items sorted by
record (no loop over rows). A problem is located as the loader locates it: at the record (the
parents' table, its row and id), the field naming its items (``tranches``, ``investors``,
``payments``, ``scheduled``, ``delivered``), ``outstanding`` or the item by its place in its
record's list (``scheduled.2.date``, ``ramp.0.period``), with the loader's message. An item
naming no record of the parents' table, or another party than its record's, or whose column
of its record's date (``round_date``, ``contract_start``: what converts its other currencies)
says another date than its record's (rules of tables only: a ledger file nests items), is a
problem at its own row.
"""

from __future__ import annotations

from decimal import MAX_PREC, Context, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from aicapex.dates import PartialDate
from aicapex.errors import Problem
from aicapex.money import Money
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.columns import parse_unique
from aicapex.table.exactrules import money_cell
from aicapex.table.ramprules import (
    FISCAL,
    Found,
    Frames,
    calendar_days,
    date_text,
    item_places,
    parse_cell_date,
    ramp_spans,
)
from aicapex.table.tablespec import PARENT_DATES, PARTIES, SPECS

if TYPE_CHECKING:
    from aicapex.ledger import Ledger

__all__ = ["PARENTS", "PARENTS_EXPECTED", "Parent", "parent_rules"]


class Parent(NamedTuple):
    """The records a table of items belongs to: their ``kind``, the items' ``column`` naming
    one, the record's ``field`` holding the items, the record's money ``amount`` they add up to
    (None: no sums) and the date fields of the record and of an item (``dated``: an item must
    end on or after its record's date starts; None: no such rule)."""

    kind: str
    column: str
    field: str
    amount: str | None = None
    dated: tuple[str, str] | None = None


PARENTS: dict[str, Parent] = {
    "tranches": Parent("funding_rounds", "round", "tranches", "amount"),
    "investments": Parent("funding_rounds", "round", "investors", "amount"),
    "payments": Parent("cloud_bills", "bill", "payments", "billed"),
    "order_payments": Parent("gpu_orders", "order", "payments", "total"),
    "deliveries": Parent("gpu_orders", "order", "status", dated=("order_date", "date")),
    "ramps": Parent("compute_contracts", "contract", "ramp", dated=("start", "period")),
}
"""Tables of items checked against their records' table (``read_table(..., parents=)``);
a delivery's ``field`` is its ``status`` column (``scheduled`` or ``delivered``)."""

PARENTS_EXPECTED = "parents only for a table of " + ", ".join(
    f"{k} (of {p.kind})" for k, p in PARENTS.items()
)


def parent_rules(
    kind: str,
    items: Frames,
    parents: Frames,
    chk: Located,
    own: Located,
    ledger: Ledger | None = None,
) -> None:
    """The rules between each record of ``parents`` and its items (a table of ``kind``): their
    problems at the records' rows (``chk``); items naming no record, or another party than
    their record's, at their rows (``own``). With the ``ledger`` the tables belong with, an
    item's fiscal year (``FY2025``) of a record whose parties' years end on different days
    needs the record's ``fiscal_year_of``, as the loader has it (:func:`_fiscal_owners`)."""
    spec = PARENTS[kind]
    raw = items[0]
    pframe = parents[1]
    names = raw[spec.column].astype("object").to_numpy()
    pos = pd.Index(pframe["id"].astype("object")).get_indexer(names)
    unknown = pos < 0
    if unknown.any():
        named = f"the id of one of the {spec.kind} of {chk.shown}"
        own.rows(unknown, spec.column, named, raw[spec.column], "unknown-reference")
    _parties(spec, items, pframe, pos, own, chk.shown)
    if kind in PARENT_DATES and PARENT_DATES[kind] in raw:
        _parent_dates(PARENT_DATES[kind], spec, raw, parents[0], pos, own, chk.shown)
    if spec.dated is not None:
        found = _dated(spec, items, parents, pos)
        if kind == "deliveries":
            found += _counts(items, parents, pos)
            # the ledger's check, of orders valid on their own (the loader's order)
            bad = {f[0] for f in found}
            found += [f for f in _dated(spec, items, parents, pos, True) if f[0] not in bad]
        if kind == "ramps":
            found = ramp_spans(items, parents, pos, found)
        _record_problems(chk, sorted(found, key=lambda f: f[0]))
    if spec.amount is not None:
        _sums(spec, spec.amount, items, parents, pos, chk)
    if ledger is not None and len(PARTIES[spec.kind]) >= 2:
        owners = _fiscal_owners(kind, spec, items, parents, pos, ledger)
        _record_problems(chk, owners, "fiscal-year-owner")


def _fiscal_owners(
    kind: str, spec: Parent, items: Frames, parents: Frames, pos: np.ndarray, ledger: Ledger
) -> Found:
    """The items dated by a fiscal year (a payment's ``FY2025``) of records without
    ``fiscal_year_of`` whose parties' fiscal years end on different days (``ledger``'s
    entities'): whose year is it? At the record, the item by its place, with the loader's
    texts (``fiscal-year-owner``, :func:`aicapex.checks.references.fiscal_year_problems`)."""
    raw, frame = items
    praw, pframe = parents
    name = "period" if kind == "ramps" else "date"
    if f"{name}_precision" not in frame:
        return []
    fiscal = np.asarray(frame[f"{name}_precision"] == "fiscal_year", dtype=bool) & (pos >= 0)
    if not fiscal.any():
        return []
    owned = praw["fiscal_year_of"].notna().to_numpy() if "fiscal_year_of" in praw else None
    parties = [_labels(pframe[p]) for p in PARTIES[spec.kind]]
    ends: dict[Any, str] = {}
    status = _labels(frame["status"]) if "status" in frame else None
    place = item_places(pos, status)
    found: Found = []
    for r in np.flatnonzero(fiscal).tolist():
        i = int(pos[r])
        if owned is not None and owned[i]:
            continue
        said = {p[i]: ends.setdefault(p[i], ledger.fiscal_year_end(str(p[i]))) for p in parties}
        if len(set(said.values())) < 2:
            continue
        years = ", ".join(f"{party}'s ends on {end}" for party, end in said.items())
        date = date_text(raw, name, r)
        field = f"{status[r] if status is not None else spec.field}.{place[r]}.{name}"
        expected = f"fiscal_year_of: the entity whose fiscal year {date} is ({years})"
        found.append((i, field, expected, f"{date} without fiscal_year_of"))
        if len(found) >= MAX_PROBLEMS:
            break
    return sorted(found, key=lambda f: f[0])


def _sums(
    spec: Parent, amount: str, items: Frames, parents: Frames, pos: np.ndarray, chk: Located
) -> None:
    """The items' amounts against their record's: one currency, totalling at most its amount
    (``FundingRound.checks``, ``CloudBill.checks``, ``GPUOrder.checks``)."""
    raw, frame = items
    praw, pframe = parents
    has = (pos >= 0) & ~np.isnan(np.asarray(frame["amount"], dtype="float64"))
    total = np.asarray(pframe[amount], dtype="float64")
    checked = np.nan_to_num(total) > 0  # a sum is not checked against an amount refused
    has[has] = checked[pos[has]]
    if not has.any():
        return
    rows = np.flatnonzero(has)
    rows = rows[np.argsort(pos[rows], kind="stable")]  # the items, by record
    by = pos[rows]
    starts = np.flatnonzero(np.r_[True, by[1:] != by[:-1]])
    parent = by[starts]  # the records with items, one per group
    counts = np.diff(np.r_[starts, len(rows)])
    labels = np.concatenate(
        [_labels(frame["amount_currency"])[rows], _labels(pframe[f"{amount}_currency"])]
    )
    codes = pd.factorize(labels)[0]
    mine, theirs = codes[: len(rows)], codes[len(rows) :]
    several = np.minimum.reduceat(mine, starts) != np.maximum.reduceat(mine, starts)
    other = np.logical_or.reduceat(mine != theirs[by], starts)  # any, the record's currency
    prows = np.flatnonzero(checked)
    mine_exact = _amounts(raw, frame, "amount", rows)
    theirs_exact = _amounts(praw, pframe, amount, prows)
    scale = max(_decimals(d) for d in pd.unique(np.r_[mine_exact, theirs_exact]))
    item_ints = _ints(mine_exact, scale)
    parent_ints = np.full(len(total), None, dtype=object)
    parent_ints[prows] = _ints(theirs_exact, scale)
    sums = np.add.reduceat(item_ints, starts)
    over = np.array(sums > parent_ints[parent], dtype=bool)
    field = np.full(len(parent), spec.field, dtype=object)
    if spec.kind == "cloud_bills":  # CloudBill.checks: any other currency; the sum; outstanding
        bad, over = other, ~other & over
        owed = ~bad & ~over & pframe["outstanding"].notna().to_numpy()[parent]
        owing = _owing(praw, parent, owed, sums, parent_ints, scale)
        field[owing] = "outstanding"
        bad = bad | over | owing
    elif spec.kind == "funding_rounds":  # FundingRound.checks: several currencies; the sum
        over &= ~several & ~other
        bad = several | over
    else:  # GpuOrder.checks: one currency, the order's, and a total exact or approximate
        kinds = _labels(pframe[f"{amount}_kind"])[parent]
        bad = over & ~several & ~other & ((kinds == "exact") | (kinds == "approx"))
    if not bad.any():
        return
    mask = np.zeros(len(pframe), dtype=bool)
    expected = np.full(len(pframe), None, dtype=object)
    found = np.full(len(pframe), None, dtype=object)
    where = np.full(len(pframe), None, dtype=object)
    for g in np.flatnonzero(bad)[:MAX_PROBLEMS].tolist():
        i = int(parent[g])
        whole = money_cell(praw, amount, i)
        one = money_cell(raw, "amount", int(rows[starts[g]])) if counts[g] == 1 else None
        paid = Money(_unscaled(sums[g], scale), whole.currency)
        said = _said(spec.kind, whole, paid, one, bool(several[g]), bool(over[g]))
        if field[g] == "outstanding":
            left = Money(_unscaled(parent_ints[i] - sums[g], scale), whole.currency)
            said = (f"billed minus payments = {left}", str(money_cell(praw, "outstanding", i)))
        mask[i] = True  # the first records refused: a table refused reports at most 200
        expected[i], found[i], where[i] = said[0], Said(said[1]), field[g]
    for name in dict.fromkeys(field[bad].tolist()):
        chk.rows(mask & (where == name), name, expected, found, "inconsistent")


def _said(
    kind: str, whole: Money, paid: Money, one: Money | None, several: bool, over: bool
) -> tuple[str, str]:
    """What the record's check says of a record and its items' total (``one``: the only item,
    which ``same_currency_total`` gives as it is, qualifier and all)."""
    total = one if one is not None else paid
    if kind == "funding_rounds":
        if several:
            return f"amounts in one currency like the round's {whole}", "several"
        return f"a total at most the round's {whole}", f"a total of {total}"
    if kind == "cloud_bills":
        if not over:
            return f"payments in the bill's currency {whole.currency}", "another"
        return f"payments totalling at most the bill's {whole}", str(paid)
    return f"payments totalling at most the order's {whole}", str(total)


def _parties(
    spec: Parent, items: Frames, pframe: pd.DataFrame, pos: np.ndarray, own: Located, shown: str
) -> None:
    """Items whose party column (the head column naming their record's first party: a
    tranche's ``company``, a delivery's ``buyer``) names another than their record's: at the
    items' rows. Nested in a ledger file, an item has its record's party (``Ledger.frame``),
    which a table of items writes again: a table naming another would be another ledger's."""
    raw, frame = items
    party = PARTIES[spec.kind][0]
    rows = np.flatnonzero(pos >= 0)
    theirs = _labels(pframe[party])
    wrong = rows[_labels(frame[party])[rows] != theirs[pos[rows]]]
    said = [repr(theirs[i]) for i in pos[wrong[:MAX_PROBLEMS]]]
    _unlike(own, raw, party, wrong, pos, pframe["id"], said, f"the {party}", shown)


def _parent_dates(
    column: str,
    spec: Parent,
    raw: pd.DataFrame,
    praw: pd.DataFrame,
    pos: np.ndarray,
    own: Located,
    shown: str,
) -> None:
    """Items whose record's date column (``round_date``, ``contract_start``: what converts
    their other currencies) says another date than their record's: at the items' rows. Dates
    are compared as records hold them (``2023-10`` is not ``2023-10-15``); a blank cell says
    nothing."""
    field = SPECS[spec.kind].date_field
    if field is None or field not in praw:
        return
    codes, parsed, _ = parse_unique(raw[column], parse_cell_date)
    pcodes, pparsed, _ = parse_unique(praw[field], parse_cell_date)
    mine = np.array([*map(_said_date, parsed), None], dtype=object)[codes]
    theirs = np.array([*map(_said_date, pparsed), None], dtype=object)
    rows = np.flatnonzero((pos >= 0) & (codes >= 0))
    record = theirs[pcodes[pos[rows]]]
    wrong = rows[(record != mine[rows]) & (record != None)]  # noqa: E711
    said = [str(theirs[pcodes[i]]) for i in pos[wrong[:MAX_PROBLEMS]]]
    _unlike(own, raw, column, wrong, pos, praw["id"], said, f"the {field}", shown)


def _unlike(
    own: Located,
    raw: pd.DataFrame,
    column: str,
    wrong: np.ndarray,
    pos: np.ndarray,
    ids: pd.Series,
    said: list[str],
    what: str,
    shown: str,
) -> None:
    """Problems at the ``wrong`` rows of a table of items, whose ``column`` says another than
    their record's (at ``pos`` of the parents' ``ids``), which says ``said`` (for the first
    :data:`MAX_PROBLEMS` of them): ``expected '<said>', <what> of '<id>' in <parents>``."""
    wrong = wrong[:MAX_PROBLEMS]
    if not len(wrong):
        return
    names = ids.to_numpy(dtype=object)
    expected = np.full(len(raw), None, dtype=object)
    for r, text in zip(wrong.tolist(), said, strict=True):
        expected[r] = f"{text}, {what} of {names[int(pos[r])]!r} in {shown}"
    mask = np.zeros(len(raw), dtype=bool)
    mask[wrong] = True
    own.rows(mask, column, expected, raw[column], "inconsistent")


def _said_date(date: PartialDate | None) -> str | None:
    """A parsed date as records write it (``None`` for a cell that did not parse)."""
    return None if date is None else str(date)


def _dated(
    spec: Parent, items: Frames, parents: Frames, pos: np.ndarray, owners: bool = False
) -> Found:
    """The items (deliveries, ramp steps) ending before their record's date starts, as
    ``GPUOrder.checks`` and ``ComputeContract.checks`` compare them: the days of each date
    under a December 31 year end (``PartialDate.sort_key``), by the columns' first and last
    days. The first :data:`MAX_PROBLEMS` of them, by record. ``owners``: instead, those of an
    order the record leaves to the ledger (a fiscal-year date against another), in the owner's
    years (the frames' days), as :func:`aicapex.checks.references.until_problems` finds them."""
    assert spec.dated is not None
    theirs, mine = spec.dated
    raw, frame = items
    praw, pframe = parents
    known = np.flatnonzero(pos >= 0)
    status = _labels(frame["status"]) if "status" in frame else None
    ends = calendar_days(raw, frame, mine, 1)[known]
    starts = calendar_days(praw, pframe, theirs, 0)[pos[known]]
    if f"{theirs}_precision" in pframe and f"{mine}_precision" in frame:
        fiscal_start = np.asarray(pframe[f"{theirs}_precision"] == FISCAL, dtype=bool)
        fiscal_item = np.asarray(frame[f"{mine}_precision"] == FISCAL, dtype=bool)
        left = fiscal_start[pos[known]] & ~fiscal_item[known]
        if owners:  # what the record left or read as calendar years, in the owner's years
            mixed = left | (fiscal_item[known] & ~fiscal_start[pos[known]])
            own = ends < starts
            ends = _frame_days(frame, f"{mine}_end")[known]
            starts = _frame_days(pframe, f"{theirs}_start")[pos[known]]
            known, ends, starts = (a[mixed & (left | ~own)] for a in (known, ends, starts))
        else:  # the record leaves a fiscal-year date against another to the ledger's check
            known, ends, starts = known[~left], ends[~left], starts[~left]
    elif owners:
        return []
    early = known[ends < starts]
    if not len(early):
        return []
    place = item_places(pos, status)
    early = early[np.lexsort((early, pos[early]))][:MAX_PROBLEMS]
    found: Found = []
    for r in early.tolist():
        i = int(pos[r])
        whole, item = date_text(praw, theirs, i), date_text(raw, mine, r)
        if status is None:  # ComputeContract.checks
            said = (f"ramp.{place[r]}.period", f"a period on or after the start {whole}")
        else:  # GPUOrder.checks
            said = (f"{status[r]}.{place[r]}.date", f"a date on or after the order {whole}")
        found.append((i, *said, item))
    return found


def _claims(raw: pd.DataFrame, frame: pd.DataFrame, side: int) -> np.ndarray:
    """Each row's hard claim of GPUs (:func:`aicapex.records.base.claimed_units`): its low end
    (``side`` 0) or high end (1; -1 for no limit), each distinct cell read once; numbers are
    their own claims, and cells that do not read (their own problems) their base figures.
    (Only GPU tables have counts: they read them as records do, with the models.)"""
    from aicapex.records.base import claimed_units, whole_count

    base = frame["quantity"].to_numpy(dtype="int64", na_value=0)
    col = raw.get("quantity")
    if col is None or col.dtype.kind in "iuf":
        return base
    codes, parsed, _ = parse_unique(col.astype("object"), whole_count)
    ends = [None if p is None else claimed_units(p)[side] for p in parsed]
    claim = np.array([-1 if e is None else e for e in ends] + [0], dtype=np.int64)[codes]
    failed = np.array([p is None for p in parsed] + [True], dtype=bool)[codes]
    return np.where(failed, base, claim)


def _counts(items: Frames, parents: Frames, pos: np.ndarray) -> Found:
    """The orders whose scheduled (or delivered) GPUs add up to more than they ordered
    (``GPUOrder.checks``; hard claims, as records compare them: the deliveries' low ends
    against the order's high end, no limit for 'about' or 'more than'): one sum per order and
    status, by ``reduceat`` over the deliveries sorted by both."""
    from aicapex.records.base import count_text, whole_count

    raw, frame = items
    praw, pframe = parents
    known = np.flatnonzero(pos >= 0)
    if not len(known):
        return []
    key = pos[known].astype(np.int64) * 2 + (_labels(frame["status"])[known] == "delivered")
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    least = np.add.reduceat(_claims(raw, frame, 0)[known[order]], starts)
    counted = np.add.reduceat(frame["quantity"].to_numpy("int64", na_value=0)[known[order]], starts)
    group = key[starts]
    most = _claims(praw, pframe, 1)[group // 2]
    over = np.flatnonzero((most >= 0) & (least > most))[:MAX_PROBLEMS]
    names = ("scheduled", "delivered")
    written = praw["quantity"].astype("object").to_numpy() if "quantity" in praw else None
    out: Found = []
    for g in over.tolist():
        row = int(group[g] // 2)
        cell = written[row] if written is not None else None
        figure: Any = whole_count(cell) if isinstance(cell, str) else most[g]
        ordered = count_text(figure)
        shown = (
            f"{counted[g]:,}"
            if counted[g] == least[g]
            else f"{counted[g]:,} (at least {least[g]:,})"
        )
        out.append((row, names[group[g] % 2], f"at most the {ordered} GPUs ordered", shown))
    return out


def _record_problems(chk: Located, found: Found, code: str = "inconsistent") -> None:
    """Problems of records at their rows of the parents' table (``code``), located as
    :meth:`Located.rows` locates them, several fields of one record each its own."""
    for i, field, expected, said in found[: MAX_PROBLEMS - len(chk.problems)]:
        rid = chk.ids.iloc[i] if chk.ids is not None else None
        chk.problems.append(
            Problem(
                expected,
                said,
                file=chk.shown,
                code=code,
                line=chk.line(i),
                kind=chk.kind,
                index=i,
                record_id=rid if isinstance(rid, str) else None,
                field=field,
            )
        )


def _owing(
    praw: pd.DataFrame,
    parent: np.ndarray,
    owed: np.ndarray,
    sums: np.ndarray,
    billed: np.ndarray,
    scale: int,
) -> np.ndarray:
    """The bills (of ``owed``) whose outstanding amount is not billed minus payments."""
    bad = np.zeros(len(parent), dtype=bool)
    for g in np.flatnonzero(owed).tolist():  # bills with payments and an outstanding amount
        i = int(parent[g])
        left = Money(_unscaled(billed[i] - sums[g], scale), money_cell(praw, "billed", i).currency)
        bad[g] = money_cell(praw, "outstanding", i) != left
    return bad


def _labels(values: pd.Series | pd.Categorical) -> np.ndarray:
    """A categorical column's labels, missing as None."""
    return np.asarray(pd.Categorical(values).astype("object"), dtype=object)


def _amounts(raw: pd.DataFrame, frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    """The exact base figure (Decimal) of the money ``name`` at ``rows``, as records hold it.
    A float read from a single figure of at most 15 digits (text) or from a number (the record
    reads a number as its shortest decimal form) is that figure's shortest decimal form, each
    distinct float converted once; other cells (ranges, long figures, exact decimals) are read
    as records read them, each distinct cell once."""
    col = raw[name].iloc[rows]
    floats = np.asarray(frame[name], dtype="float64")[rows]
    texts = col.dtype == object and bool(col.map(lambda v: isinstance(v, str)).all())
    if texts or isinstance(col.dtype, pd.StringDtype):
        digits = col.astype("string").str.count(r"\d").to_numpy(dtype="int64", na_value=99)
        fast = (_labels(frame[f"{name}_kind"])[rows] != "range") & (digits <= _DIGITS)
    else:
        fast = np.full(len(rows), pd.api.types.is_numeric_dtype(col.dtype))
    out = np.full(len(rows), None, dtype=object)
    if fast.any():
        distinct, codes = np.unique(floats[fast], return_inverse=True)
        out[fast] = np.array([Decimal(repr(float(x))) for x in distinct.tolist()], dtype=object)[
            codes.ravel()
        ]
    slow = np.flatnonzero(~fast)
    if len(slow):
        keys = col.iloc[slow].astype("object").map(repr).to_numpy(dtype=object)
        if f"{name}_currency" in raw.columns:
            currency = raw[f"{name}_currency"].iloc[rows[slow]].astype("object").map(repr)
            keys = keys + "\x1f" + currency.to_numpy(dtype=object)
        codes = pd.factorize(keys)[0]
        _, first = np.unique(codes, return_index=True)
        read = [money_cell(raw, name, int(rows[slow[j]])).amount for j in first.tolist()]
        out[slow] = np.array(read, dtype=object)[codes]
    return out


#: The most digits a written figure has for its float's shortest form to be the figure itself.
_DIGITS = 15


def _ints(values: np.ndarray, scale: int) -> np.ndarray:
    """Decimals (an object array) times 10**scale as integers, each distinct value once."""
    codes, distinct = pd.factorize(values)
    ints: np.ndarray = np.array([_scaled(d, scale) for d in distinct], dtype=object)
    return ints[codes]


def _decimals(value: Decimal) -> int:
    """The decimal places of ``value`` (0 for a whole number)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _scaled(value: Decimal, scale: int) -> int:
    """``value`` times 10**scale, exactly (``scale`` at least its decimal places)."""
    return int(_EXACT.scaleb(value, scale))


#: A context rounding nothing: a power of ten's product is exact.
_EXACT = Context(prec=MAX_PREC)


def _unscaled(value: int, scale: int) -> Decimal:
    """``value`` divided by 10**scale, exactly."""
    return Decimal(f"{value}e-{scale}")


def _frame_days(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A frame's day column as datetime64[ns] (spans of fiscal years by their owners' year ends
    when the table was read with a ledger)."""
    return np.asarray(frame[column], dtype="datetime64[ns]")
