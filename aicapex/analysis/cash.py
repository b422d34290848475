"""The cash engine: cash balances rolled forward month by month, and where they run out.

A pure NumPy computation with no knowledge of ledgers or dates: starting cash per entity, a
matrix of net flows per entity and month (positive in, negative out), and which months count.
Leading dimensions broadcast, so one call runs every entity at once, and a Monte Carlo run
passes ``paths x entities x months`` arrays the same way.

>>> import numpy as np
>>> p = run_cash(np.array([10.0]), np.array([[-4.0, -4.0, -4.0]]))
>>> p.closing.tolist(), bool(p.hit[0]), float(p.position[0])
([[6.0, 2.0, -2.0]], True, 2.5)

The cash-out point is fractional: in the first month the closing cash is below zero, the part of
that month the opening cash lasts at its burn (``2 / 4`` above), counted from the grid's start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CashPath", "run_cash", "run_variants"]


@dataclass(frozen=True)
class CashPath:
    """The path of cash of every entity (and path) over the months of a grid.

    Attributes:
        start: the cash at the start of the grid (shape of ``net`` without its month axis).
        closing: cash at the end of each month (shape of ``net``).
        hit: whether the cash goes below zero in a counted month (shape of ``start``).
        first: the index of that month (0 where ``hit`` is false).
        position: the fractional cash-out point in months from the grid's start (``inf`` where
            the cash lasts past the grid).

    ``opening`` (cash at the start of each month, shape of ``net``) is the start and the
    closing cash of each month before: built when read, not kept (at 58,000 entities and 336
    months, half a gigabyte for each policy of a report).
    """

    start: np.ndarray
    closing: np.ndarray
    hit: np.ndarray
    first: np.ndarray
    position: np.ndarray

    @property
    def opening(self) -> np.ndarray:
        """Cash at the start of each month (shape of ``closing``)."""
        start = np.broadcast_to(self.start, self.closing.shape[:-1])[..., None]
        return np.concatenate([start, self.closing[..., :-1]], axis=-1)

    def __getitem__(self, i: int) -> CashPath:
        """The path of one item along the leading axis (one scenario or path of many)."""
        start = np.broadcast_to(self.start, self.closing.shape[:-1])
        return CashPath(start[i], self.closing[i], self.hit[i], self.first[i], self.position[i])


def run_cash(start: np.ndarray, net: np.ndarray, counted: np.ndarray | None = None) -> CashPath:
    """Roll ``start`` (shape ``(..., E)``) forward by ``net`` (``(..., E, M)``, US dollars a
    month); ``counted`` (broadcastable to ``net``, boolean) marks the months where running out
    counts (months before an entity's balance do not). Returns a :class:`CashPath`."""
    start = np.array(start, dtype=np.float64)  # a copy: the path keeps it
    net = np.asarray(net, dtype=np.float64)
    summed = np.cumsum(net, axis=-1)
    if np.broadcast_shapes((*start.shape, 1), summed.shape) == summed.shape:
        summed += start[..., None]  # the same sums as start + cumsum, in place
    else:  # more leading dimensions in start than in net
        summed = start[..., None] + summed
    closing = summed
    below = closing < 0
    if counted is not None:
        below &= counted
    hit = np.asarray(below.any(axis=-1))
    first = np.where(hit, below.argmax(axis=-1), 0)
    # the opening cash of that month: the start, or the month before's closing cash
    before = np.take_along_axis(closing, np.maximum(first - 1, 0)[..., None], axis=-1)[..., 0]
    at_open = np.where(first == 0, np.broadcast_to(start, first.shape), before)
    at_net = np.take_along_axis(net, first[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.nan_to_num(np.clip(at_open / -at_net, 0.0, 1.0))
    position = np.where(hit, first + frac, np.inf)
    return CashPath(start, closing, hit, first, position)


def run_variants(
    starts: list[np.ndarray], nets: np.ndarray, counted: np.ndarray | None, alias: list[bool]
) -> CashPath:
    """:func:`run_cash` of variants (the base figures and the ends of their ranges): each one's
    start (``(E,)``) and net flows (``nets[i]``, ``(E, M)``). A variant marked in ``alias`` is
    the first's (exact figures: its row of ``nets`` is not read): when all the others are, the
    first is rolled once and its path read for each (views, read only; at 2,000 entities and
    324 months, warm, 4.0 -> 1.4 ms, and no copies of the first's net flows)."""
    if len(alias) > 1 and all(alias[1:]):
        one = run_cash(starts[0][None], nets[:1], counted)
        n = len(starts)
        fields = (one.start, one.closing, one.hit, one.first, one.position)
        return CashPath(*(np.broadcast_to(a, (n, *a.shape[1:])) for a in fields))
    for i in np.flatnonzero(alias):
        nets[i] = nets[0]
    return run_cash(np.stack(starts), nets, counted)
