"""Which flows a runway reads: those it counts (expenses and revenues, funding by policy,
adjustments, capex when paid) and those its spending past the records is extrapolated from,
each flow's kind, status and entity looked up once (:func:`flow_lookups`) for both."""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.analysis.common import require_usd, same_figures, signed
from aicapex.table.adjust import ADJUSTMENT_KIND
from aicapex.table.columns import positions

__all__ = [
    "COUNTED_KINDS",
    "COUNTED_STATUSES",
    "SPEND_COLUMNS",
    "Lookups",
    "counted_flows",
    "counted_frame",
    "counted_rows",
    "flow_lookups",
    "same_rows",
    "select_rows",
    "spend_flows",
    "spend_rows",
]

#: The kinds and statuses of flows :func:`counted_flows` reads, in the order it reads them.
COUNTED_KINDS = pd.Index(
    ["expenses", "revenues", "funding_rounds", "stakes", ADJUSTMENT_KIND, "gpu_orders"]
)
COUNTED_STATUSES = pd.Index(["disbursed", "committed", "paid", "scheduled"])
_PLANNED = pd.Index(["planned"])

#: Each flow's kind and status (positions), whether planned, and its entity's position.
Lookups = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def counted_flows(
    flows: pd.DataFrame, policy: str, entities: pd.Index, looked: Lookups | None = None
) -> pd.DataFrame:
    """The flows the runway counts, with a ``signed`` USD column (+ in, - out): expenses and
    revenues (not planned ones), funding by policy, adjustments, and capex when paid (GPU
    orders' ``paid`` and ``scheduled`` rows). ``looked``: :func:`flow_lookups` of ``flows``
    and ``entities``, if found already."""
    kind, status, planned, where = looked or flow_lookups(flows, entities)
    return counted_frame(flows, counted_rows(kind, status, planned, where, policy))


def flow_lookups(flows: pd.DataFrame, entities: pd.Index) -> Lookups:
    """Each flow's kind and status among :data:`COUNTED_KINDS` and :data:`COUNTED_STATUSES`
    (-1: another), whether it is planned, and its entity's position in ``entities`` (-1: none);
    looked up once per category (``Series.isin`` costs more on a few rows)."""
    return (
        positions(flows["kind"], COUNTED_KINDS, narrow=True),
        positions(flows["status"], COUNTED_STATUSES, narrow=True),
        positions(flows["basis"], _PLANNED, narrow=True) >= 0,
        positions(flows["entity"], entities),
    )


def counted_rows(
    kind: np.ndarray, status: np.ndarray, planned: np.ndarray, where: np.ndarray, policy: str
) -> np.ndarray:
    """Which flows :func:`counted_flows` keeps, from their :func:`flow_lookups`."""
    received = (status == 0) | ((status == 1) & (policy == "committed"))
    keep = (kind <= 1) & (kind >= 0) & ~planned  # expenses and revenues, not planned ones
    keep |= ((kind == 2) | (kind == 3)) & received  # rounds, and shares bought outside them
    keep |= kind == 4  # adjustments
    # capex: GPU orders' cash, when paid (payments, else deliveries; scheduled units to come)
    keep |= (kind == 5) & (status >= 2)
    out: np.ndarray = keep & (where >= 0)
    return out


def counted_frame(
    flows: pd.DataFrame, keep: np.ndarray, columns: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """The flows at ``keep`` (``columns`` only, if given), in US dollars (else an error),
    signed."""
    if columns is not None:
        quick = _signed_rows(flows, keep, columns)
        if quick is not None:
            return quick
        counted = select_rows(flows, keep, columns)
    else:  # every row counted (often: a table of expenses and revenues): no copy of them
        counted = flows.copy(deep=False) if keep.all() else flows[keep]
    require_usd(counted, "runway")
    return signed(counted)


#: The columns :func:`~aicapex.analysis.common.signed` reads.
_SIGNED_FROM = ("direction", "amount_usd", "low_usd", "high_usd")


def _signed_rows(
    flows: pd.DataFrame, keep: np.ndarray, columns: tuple[str, ...]
) -> pd.DataFrame | None:
    """``signed(select_rows(flows, keep, columns))`` (checked by ``require_usd``) built in one
    frame of the columns' arrays at ``keep`` and the three signed columns: 0.27 ms, not 0.67
    (a frame taken, then copied with three columns set). ``None`` unless the money is float64
    and ``direction`` integers, as a ledger's flows have them (the frames' route then)."""
    if not all(c in columns for c in _SIGNED_FROM):
        return None
    direction = flows["direction"]
    if direction.dtype.kind not in "iu" or any(
        flows[c].dtype != np.float64 for c in _SIGNED_FROM[1:]
    ):
        return None
    at = None if keep.all() else np.flatnonzero(keep)
    # (every row: the columns themselves, their data shared copy-on-write, as select_rows')
    data: dict[str, object] = {
        c: flows[c] if at is None else flows[c].array.take(at) for c in columns
    }
    base = np.asarray(data["amount_usd"])
    if np.isnan(base).any():
        require_usd(select_rows(flows, keep, columns), "runway")  # raises, naming them
    sign = np.asarray(data["direction"])
    low, high = (np.asarray(data[c]) for c in ("low_usd", "high_usd"))
    signed = base * sign
    if same_figures(low, base) and same_figures(high, base):  # exact figures: ends are the base
        data.update(signed=signed, signed_low=signed, signed_high=signed)  # (1M rows: 26 -> 3 ms)
    else:
        low, high = np.where(np.isnan(low), base, low), np.where(np.isnan(high), base, high)
        money_in = sign > 0
        signed_low, signed_high = np.where(money_in, low, high), np.where(money_in, high, low)
        signed_low *= sign  # in place: the same products as signed's
        signed_high *= sign
        data.update(signed=signed, signed_low=signed_low, signed_high=signed_high)
    index = flows.index if at is None else flows.index[at]
    return pd.DataFrame(data, index=index, copy=False)


#: The flows columns the extrapolation past the records reads (of expenses and revenues, and
#: the records its run rates come from): runway masks only these, not every column.
SPEND_COLUMNS = (
    "entity",
    "month",
    "kind",
    "category",
    "basis",
    "amount_usd",
    "low_usd",
    "high_usd",
    "record",
)


def select_rows(frame: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame.loc[rows, list(columns)]`` (``rows`` a mask), by positions: quicker on a few
    rows."""
    at = [int(frame.columns.get_loc(c)) for c in columns]  # type: ignore[arg-type]
    if rows.all():
        every: pd.DataFrame = frame.iloc[:, at]
        return every
    pos = np.flatnonzero(rows)
    if not frame.columns.is_unique:
        some: pd.DataFrame = frame.iloc[pos, at]
        return some
    # one frame of the columns' arrays at the rows: 0.20 ms, not 0.32 (iloc takes twice)
    taken = {c: frame[c].array.take(pos) for c in columns}
    return pd.DataFrame(taken, index=frame.index[pos], copy=False)


def spend_flows(
    flows: pd.DataFrame, entities: pd.Index, looked: Lookups | None = None
) -> pd.DataFrame:
    """The rows of ``entities`` that :func:`~aicapex.analysis.common.burn_flows` keeps
    (expenses and revenues, not planned ones), :data:`SPEND_COLUMNS` only, in one selection;
    ``looked`` as for :func:`counted_flows`."""
    kind, _, planned, where = looked or flow_lookups(flows, entities)
    return select_rows(flows, spend_rows(kind, planned, where), SPEND_COLUMNS)


def spend_rows(kind: np.ndarray, planned: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Which flows :func:`spend_flows` keeps, from their :func:`flow_lookups`."""
    out: np.ndarray = (kind >= 0) & (kind <= 1) & ~planned & (where >= 0)
    return out


def same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two frames hold the same rows: the same index, columns, and values in each
    column (a categorical column's by the categories its codes name, whatever else its
    categories hold; missing values alike); other columns of the same dtype, equal."""
    if not (a.index.equals(b.index) and list(a.columns) == list(b.columns)):
        return False
    for (_, x), (_, y) in zip(a.items(), b.items(), strict=True):
        if isinstance(x.dtype, pd.CategoricalDtype) and isinstance(y.dtype, pd.CategoricalDtype):
            if not _same_named(x, y):
                return False
        elif x.dtype != y.dtype or not x.equals(y):
            return False
    return True


def _same_named(x: pd.Series, y: pd.Series) -> bool:
    """Whether two categorical columns name the same category at each row (missing alike):
    by their codes, each of ``x``'s categories found among ``y``'s (categories of one dtype;
    else value by value, a value's type counted)."""
    # (the Categoricals' own categories and codes: no accessor nor Series made of them)
    xa, ya = x.array, y.array
    assert isinstance(xa, pd.Categorical)
    assert isinstance(ya, pd.Categorical)
    cx, cy = xa.categories, ya.categories
    if cx.dtype == cy.dtype:
        if cx.equals(cy):  # the same categories in the same order: the same codes
            return bool(np.array_equal(xa.codes, ya.codes))
        at = cy.get_indexer(cx)
        at = np.append(np.where(at < 0, -2, at), -1)  # -2: none of y's; code -1 stays -1
        return bool(np.array_equal(at[xa.codes], ya.codes))
    named = zip(_named(x), _named(y), strict=True)
    return all(type(i) is type(j) and i == j for i, j in named)


def _named(column: pd.Series) -> list[object]:
    """A categorical column's values: the category each code names (``None``: missing)."""
    names = [*column.cat.categories.tolist(), None]
    return [names[code] for code in column.cat.codes.tolist()]
