"""Monte Carlo paths of one entity's cash, made and summarised block by block.

A :class:`Model` holds what a simulation needs of one entity's runway inputs (its streams from
the month after its balance to the horizon, its starting cash, the months after ``as_of`` where
drivers act) and the drivers. :func:`run_blocks` makes blocks of paths, each with its own
random stream (``numpy.random.SeedSequence(seed).spawn``), as ``months x paths`` arrays
(vectorised over paths: no loop over paths; the cash is rolled forward and revenue grown one
month at a time, a vector operation on a month's row of every path, which is several times
faster than ``numpy.cumsum`` or ``exp`` over the whole array) and reduces each block to a
:class:`Summary` at once: histograms of the runway's months, of the cash-out day and of the cash
of each month, counts, exact minima and maxima. Summaries add up exactly (integers, and
per-block sums added with :func:`math.fsum`), so the result is the same whichever blocks run
where, and memory is bounded by one block, never ``paths x months`` whole.

The cash of each month is histogrammed on bins fixed by the first block (its range, widened by
a quarter on each side; values outside go to the end bins), or by paths of their own when that
block is small (``montecarlo.PILOT``: a block of one path made one bin of every path). The
runway's months are histogrammed in 0.01-month bins, and their exact extremes kept: quantiles
read from the bins are clamped to them, so paths without variance give the deterministic runway
exactly (and cash quantiles within a billionth of it: the bins of a range of one value are that
narrow).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import numpy as np

from aicapex.analysis.common import date_at
from aicapex.scenarios.dist import MAX_FACTOR, Dist

__all__ = [
    "CASH_BINS",
    "DRIVER_LOWEST",
    "KEPT_WORKSPACE_BYTES",
    "MONTH_BINS",
    "Model",
    "Summary",
    "Workspace",
    "block",
    "kept_workspace",
    "run_blocks",
]

#: Bins of each month's cash histogram.
CASH_BINS = 1000  # not a power of two: months 8,000 bytes apart do not alias in caches
#: Bins a month of the runway's months histogram (0.01 month wide).
MONTH_BINS = 100
#: The streams drivers multiply, by driver name.
MULTIPLIERS = ("compute", "payroll", "opex", "tax", "other", "revenue")
#: The lowest value a driver's draw counts as (the multipliers': 0): a draw below it is held
#: there. A multiplier below 0 turned spending into money in (normal(1, 2) for compute: a
#: third of the paths never ran out), a growth below -1 made revenue change sign month by
#: month; scale() and growth() refuse such values.
DRIVER_LOWEST = {"revenue_growth": -1.0, "disbursement_delay": 0.0}


@dataclass(frozen=True, eq=False)
class Model:
    """One entity's simulation (plain arrays: executors pickle it).

    Attributes:
        start: starting cash, base and both ends (``(3,)``).
        streams: the names of the streams kept (those with money).
        flows: their money, base and both ends, ``(3, S, M)`` from the month after the balance.
        after: ``(M,)``, the months after ``as_of`` (drivers act there).
        steps: ``(M,)``, months since ``as_of`` (0 up to it): revenue growth's exponent.
        as_of_pos: ``as_of`` in months from the first month (fractional; below 0 when ``as_of``
            is the balance's month).
        first_month: the first month (datetime64[M]); ``balance_day`` the balance's day.
        window: the columns of the months reported (after ``as_of``, through the horizon).
        drivers: ``(name, distribution)`` pairs, sorted by name.
        sample: whether ranges are sampled (uniform between the ends) or the base used.
    """

    start: np.ndarray
    streams: tuple[str, ...]
    flows: np.ndarray
    after: np.ndarray
    steps: np.ndarray
    as_of_pos: float
    first_month: np.datetime64
    balance_day: np.datetime64
    window: tuple[int, int]
    drivers: tuple[tuple[str, Dist], ...]
    sample: bool = True

    @property
    def months(self) -> int:
        """How many months the paths have."""
        return int(self.flows.shape[-1])

    @property
    def days(self) -> int:
        """Bins of the cash-out day histogram (days from the balance day)."""
        return self.months * 31 + 62


@dataclass(eq=False)
class Summary:
    """What blocks of paths leave: counts, histograms, the exact extremes of the runway, and
    per-block sums of the runway (by block index, added exactly at the end)."""

    paths: int = 0
    months_hist: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    never: int = 0
    months_min: float = math.inf
    months_max: float = -math.inf
    months_sums: dict[int, float] = field(default_factory=dict)
    days_hist: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    cash_hist: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.int64))

    def add(self, other: Summary) -> Summary:
        """Both summaries in one (this one, changed)."""
        if not self.paths:
            return other
        if not other.paths:
            return self
        self.paths += other.paths
        self.months_hist = self.months_hist + other.months_hist
        self.never += other.never
        self.months_min = min(self.months_min, other.months_min)
        self.months_max = max(self.months_max, other.months_max)
        self.months_sums.update(other.months_sums)
        self.days_hist = self.days_hist + other.days_hist
        self.cash_hist = self.cash_hist + other.cash_hist
        return self

    @property
    def months_mean(self) -> float:
        """The mean runway of paths that run out (NaN if none does)."""
        count = self.paths - self.never
        return math.fsum(self.months_sums.values()) / count if count else math.nan


#: The largest workspace :func:`kept_workspace` keeps for the next simulation (bytes).
KEPT_WORKSPACE_BYTES = 1 << 27

_kept = threading.local()


def kept_workspace(size: int, months: int, window: tuple[int, int]) -> Workspace:
    """A workspace for blocks of ``size`` paths: the calling thread's from an earlier call when
    it fits, else a new one, kept for the next call when it is at most
    :data:`KEPT_WORKSPACE_BYTES` (one a thread). A fresh workspace's arrays are page-faulted
    as a block first writes them, which doubled the first block of every simulation (the
    allocator hands a freed block's pages back to the system)."""
    ws: Workspace | None = getattr(_kept, "workspace", None)
    if ws is not None and ws.fits(size, months, window):
        return ws
    ws = Workspace(size, months, window)
    if ws.nbytes <= KEPT_WORKSPACE_BYTES:
        _kept.workspace = ws
    return ws


def _draw(model: Model, rng: np.random.Generator, size: int) -> dict[str, np.ndarray]:
    """The draws of a block, in a fixed order: ranges (one uniform per stream, one for the
    starting cash), then the drivers by name."""
    out: dict[str, np.ndarray] = {}
    if model.sample:
        out["range:start"] = rng.random(size)
        for name in model.streams:
            out[f"range:{name}"] = rng.random(size)
    for name, dist in model.drivers:  # held within MAX_FACTOR, as scenarios' factors are
        low = DRIVER_LOWEST.get(name, 0.0)  # and above their lowest (a multiplier's 0)
        out[name] = np.clip(dist.sample(rng, size), low, MAX_FACTOR)
    return out


#: Terms of a stream: a coefficient per path (``None``: 1) and a vector of months.
Terms = list[tuple[np.ndarray | None, np.ndarray]]

Edges = tuple[np.ndarray, np.ndarray]


class Workspace:
    """The arrays a block of paths is made in, ``months x paths``, allocated once per task and
    reused (fresh arrays of a block's size cost more in page faults than the arithmetic on
    them)."""

    def __init__(self, size: int, months: int, window: tuple[int, int]) -> None:
        h = window[1] - window[0]
        self.size = size
        self.net = np.empty((months, size))
        self.extra = np.empty((months, size))
        self.below = np.empty((months, size), dtype=bool)
        self.scaled = np.empty((h, size))
        self.cells = np.empty((h, size), dtype=np.intp)

    @property
    def nbytes(self) -> int:
        """The bytes its arrays hold."""
        return sum(a.nbytes for a in (self.net, self.extra, self.below, self.scaled, self.cells))

    def fits(self, size: int, months: int, window: tuple[int, int]) -> bool:
        """Whether a block of ``size`` paths fits."""
        return (
            size <= self.size
            and self.net.shape[0] == months
            and (self.scaled.shape[0] == window[1] - window[0])
        )


def _net(model: Model, draws: dict[str, np.ndarray], ws: Workspace, size: int) -> np.ndarray:
    """The monthly net flows of a block's paths, ``(M, B)`` (in ``ws``): each stream at its
    drawn point of its range, times its driver after ``as_of``; revenue grown, tranches
    delayed. One product of a few coefficients per path by a few vectors of months."""
    v = 1 if model.sample else 0
    after = model.after
    const = np.zeros(model.months)
    coefs: list[np.ndarray] = [np.ones(size)]
    basis: list[np.ndarray] = [const]
    growth, delay = draws.get("revenue_growth"), draws.get("disbursement_delay")
    grown: Terms = []
    delayed: Terms = []

    def add(coef: np.ndarray | None, vector: np.ndarray) -> None:
        if coef is None:
            const[:] += vector
        elif np.any(vector):
            coefs.append(coef)
            basis.append(vector)

    for s, name in enumerate(model.streams):
        terms: Terms = [(None, model.flows[v, s])]
        if model.sample:
            spread = model.flows[2, s] - model.flows[1, s]
            if np.any(spread):
                terms.append((draws[f"range:{name}"], spread))
        mult = draws.get(name) if name in MULTIPLIERS else None
        special = (
            grown
            if name == "revenue" and growth is not None
            else delayed
            if name == "tranches" and delay is not None
            else None
        )
        for coef, vector in terms:
            if mult is None and special is None:
                add(coef, vector)
                continue
            add(coef, np.where(after, 0.0, vector))
            post = np.where(after, vector, 0.0)
            scaled = mult if coef is None else coef if mult is None else coef * mult
            if special is None:
                add(scaled, post)
            else:
                special.append((scaled, post))
    net = ws.net[:, :size]
    # einsum, not matmul: BLAS would start its threads for these thin products and keep them
    # spinning after (twice the CPU time of the whole block on 2 cores)
    np.einsum("kp,km->mp", np.stack(coefs), np.stack(basis), out=net)
    if grown and growth is not None:
        with np.errstate(over="ignore"):  # compounded past MAX_FACTOR: held there
            factor = _powers(1.0 + growth, model.steps, ws.extra[:, :size])
        top = float(np.max(np.abs(1.0 + growth), initial=0.0))
        if top > 1.0 and float(np.max(model.steps, initial=0)) * math.log(top) > _LOG_MAX:
            np.clip(factor, -MAX_FACTOR, MAX_FACTOR, out=factor)
        if len(grown) == 1:
            coef, vector = grown[0]
            factor *= vector[:, None]
            if coef is not None:
                factor *= coef
        else:
            revenue = np.einsum(
                "kp,km->mp",
                np.stack([np.ones(size) if c is None else c for c, _ in grown]),
                np.stack([vector for _, vector in grown]),
            )
            factor *= revenue
        net += factor
    if delayed and delay is not None:
        _shift(net, delayed, np.rint(np.maximum(delay, 0.0)).astype(np.int64))
    return net


_LOG_MAX = math.log(MAX_FACTOR)


def _powers(base: np.ndarray, steps: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``base ** steps[m]`` for each month ``m`` (row of ``out``, ``(M, B)``): 1 where ``steps``
    is 0, then one product a month where it counts up by one (``steps`` counts the months
    after ``as_of``: 0 up to it, then 1, 2, ...)."""
    previous = -1.0
    for m, k in enumerate(steps.tolist()):
        if k == 0:
            out[m] = 1.0
        elif k == previous + 1 and m > 0:
            np.multiply(out[m - 1], base, out=out[m])
        else:
            np.power(base, k, out=out[m])
        previous = k
    return out


def _shift(net: np.ndarray, terms: Terms, by: np.ndarray) -> None:
    """Add the money of ``terms`` to ``net`` (``(M, B)``), each path's ``by`` months later
    (money pushed past the last month is lost); one step per month with money, none per
    path."""
    months, size = net.shape
    rows = np.arange(size)
    total = sum((np.abs(vector) for _, vector in terms), np.zeros(months))
    for j in np.flatnonzero(total):
        value = np.zeros(size)
        for coef, vector in terms:
            value += vector[j] if coef is None else coef * vector[j]
        column = j + by
        ok = column < months
        net[column[ok], rows[ok]] += value[ok]


def _start(model: Model, draws: dict[str, np.ndarray], size: int) -> np.ndarray:
    """Each path's starting cash."""
    if not model.sample:
        return np.full(size, float(model.start[0]))
    low, high = float(model.start[1]), float(model.start[2])
    return low + draws["range:start"] * (high - low)


def _edges(cash: np.ndarray) -> Edges:
    """Each month's bins (lowest edge, bins per dollar) from a block's cash, ``(H, B)``:
    its range widened by a quarter on each side."""
    lo, hi = cash.min(axis=1), cash.max(axis=1)
    span = np.maximum(hi - lo, np.maximum(np.abs(hi), 1.0) * 1e-9)
    lo = lo - span / 4
    return lo, CASH_BINS / (span * 1.5)


def _cash_hist(cash: np.ndarray, edges: Edges, ws: Workspace, size: int) -> np.ndarray:
    """Each month's histogram of ``cash`` (``(H, B)``) on ``edges``: ``(H, CASH_BINS)``."""
    lo, per = edges
    h = cash.shape[0]
    first_bin = (np.arange(h) * CASH_BINS)[:, None]
    scaled, cells = ws.scaled[:, :size], ws.cells[:, :size]
    np.multiply(cash, per[:, None], out=scaled)
    scaled -= (lo * per)[:, None]  # the bin in the month, fractional
    np.clip(scaled, 0.0, CASH_BINS - 1.0, out=scaled)  # (scalar bounds: clip's fast path)
    np.add(scaled, first_bin, out=cells, casting="unsafe")  # plus the month's first; truncated
    return np.bincount(cells.ravel(), minlength=h * CASH_BINS).reshape(h, CASH_BINS)


def block(
    model: Model,
    seed: np.random.SeedSequence,
    size: int,
    index: int,
    edges: Edges | None,
    ws: Workspace | None = None,
) -> tuple[Summary, Edges]:
    """One block of ``size`` paths drawn from ``seed``, summarised; the cash bins are
    ``edges`` (the block's own when ``None``); ``ws``: the arrays to work in."""
    if ws is None or not ws.fits(size, model.months, model.window):
        ws = Workspace(size, model.months, model.window)
    rng = np.random.default_rng(seed)
    draws = _draw(model, rng, size)
    start = _start(model, draws, size)
    net = _net(model, draws, ws, size)
    net[0] += start
    closing = net
    for m in range(1, closing.shape[0]):  # a month at a time: the same sums as cumsum, faster
        np.add(closing[m], closing[m - 1], out=closing[m])
    below = np.less(closing, 0.0, out=ws.below[:, :size])
    first = below.argmax(axis=0)
    rows = np.arange(size)
    hit = below[first, rows]
    previous = np.where(first > 0, closing[np.maximum(first - 1, 0), rows], start)
    step = closing[first, rows] - previous
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.nan_to_num(np.clip(previous / -step, 0.0, 1.0))
    broke = start < 0
    position = np.where(broke, 0.0, first + frac)
    out = hit | broke
    left = np.maximum(position[out] - model.as_of_pos, 0.0)
    n_bins = model.months * MONTH_BINS + 1
    months_hist = np.bincount(
        np.minimum((left * MONTH_BINS).astype(np.int64), n_bins - 1), minlength=n_bins
    )
    days_hist = np.bincount(
        np.clip(_days(model, position[out], broke[out]), 0, model.days - 1),
        minlength=model.days,
    )
    a, b = model.window
    cash = closing[a:b]
    if edges is None:
        edges = _edges(cash)
    summary = Summary(
        paths=size,
        months_hist=months_hist,
        never=int(size - out.sum()),
        months_min=float(left.min()) if len(left) else math.inf,
        months_max=float(left.max()) if len(left) else -math.inf,
        months_sums={index: float(left.sum())},
        days_hist=days_hist,
        cash_hist=_cash_hist(cash, edges, ws, size),
    )
    return summary, edges


def _days(model: Model, position: np.ndarray, broke: np.ndarray) -> np.ndarray:
    """Days from the balance to each cash-out ``position`` (months from the first month, read
    by :func:`~aicapex.analysis.common.date_at`, as the runway's day); 0 for paths out of cash
    at once."""
    day = date_at(model.first_month, position)
    out: np.ndarray = np.where(broke, 0, (day - model.balance_day).astype(np.int64))
    return out


def run_blocks(
    model: Model,
    seeds: list[np.random.SeedSequence],
    sizes: list[int],
    first: int,
    edges: Edges,
    ws: Workspace | None = None,
) -> Summary:
    """The summary of blocks ``first``, ``first + 1``, ... (``seeds`` and ``sizes`` theirs), on
    the bins ``edges``: what an executor's task runs (one workspace for all its blocks: ``ws``
    when given and large enough)."""
    total = Summary()
    size = max(sizes, default=1)
    if ws is None or not ws.fits(size, model.months, model.window):
        ws = Workspace(size, model.months, model.window)
    for i, (seed, size) in enumerate(zip(seeds, sizes, strict=True)):
        total = total.add(block(model, seed, size, first + i, edges, ws)[0])
    return total
