"""Distributions of a simulation's drivers: what a figure may be, path by path.

Each distribution draws an array of values from a NumPy ``Generator`` (:meth:`Dist.sample`) and
says what it is in words (:meth:`Dist.describe`). :func:`fixed` (or a plain number) has no
variance: a simulation whose drivers are all fixed, with ``ranges="base"``, gives the
deterministic runway on every path.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> normal(0.05, 0.03).sample(rng, 3).round(3).tolist()
[0.06, 0.075, 0.06]
>>> choice([0, 1, 3], p=[0.5, 0.3, 0.2]).describe()
'one of 0, 1, 3 (p 0.5, 0.3, 0.2)'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from aicapex.scenarios.book import MAX_FACTOR

__all__ = [
    "MAX_FACTOR",
    "Dist",
    "as_dist",
    "choice",
    "fixed",
    "lognormal",
    "normal",
    "triangular",
    "uniform",
]


@runtime_checkable
class Dist(Protocol):
    """A distribution: draws values and says what it is."""

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` values drawn with ``rng`` (float64)."""
        ...

    def describe(self) -> str:
        """The distribution in words."""
        ...

    @property
    def fixed(self) -> bool:
        """Whether every draw is the same value (no variance)."""
        ...


def _finite(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"expected a number for {name}, got {value!r}")
    if not math.isfinite(float(value)):
        raise ValueError(f"expected a finite number for {name}, got {value!r}")
    return float(value)


@dataclass(frozen=True)
class Normal:
    """Normal with mean ``mean`` and standard deviation ``sd``."""

    mean: float
    sd: float

    def __post_init__(self) -> None:
        _finite("mean", self.mean)
        if _finite("sd", self.sd) < 0:
            raise ValueError(f"expected a standard deviation of 0 or more, got {self.sd!r}")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Normal draws."""
        return rng.normal(self.mean, self.sd, size)

    def describe(self) -> str:
        """``normal(mean 0.05, sd 0.03)``."""
        return f"normal(mean {self.mean:g}, sd {self.sd:g})"

    @property
    def fixed(self) -> bool:
        """No variance when ``sd`` is 0."""
        return self.sd == 0


@dataclass(frozen=True)
class Lognormal:
    """``exp(X)`` for a normal ``X`` of mean ``mean`` and standard deviation ``sigma`` (the
    parameters of the logarithm, as NumPy's): ``lognormal(0, 0.2)`` is a multiplier around 1."""

    mean: float
    sigma: float

    def __post_init__(self) -> None:
        _finite("mean", self.mean)
        if _finite("sigma", self.sigma) < 0:
            raise ValueError(f"expected a sigma of 0 or more, got {self.sigma!r}")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Lognormal draws."""
        return rng.lognormal(self.mean, self.sigma, size)

    def describe(self) -> str:
        """``lognormal(mean 0, sigma 0.2)``."""
        return f"lognormal(mean {self.mean:g}, sigma {self.sigma:g})"

    @property
    def fixed(self) -> bool:
        """No variance when ``sigma`` is 0."""
        return self.sigma == 0


@dataclass(frozen=True)
class Uniform:
    """Uniform between ``low`` and ``high``."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if _finite("low", self.low) > _finite("high", self.high):
            raise ValueError(f"expected low <= high, got {self.low!r} > {self.high!r}")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Uniform draws."""
        return rng.uniform(self.low, self.high, size)

    def describe(self) -> str:
        """``uniform(0.5 to 1)``."""
        return f"uniform({self.low:g} to {self.high:g})"

    @property
    def fixed(self) -> bool:
        """No variance when ``low == high``."""
        return self.low == self.high


@dataclass(frozen=True)
class Triangular:
    """Triangular between ``low`` and ``high``, most likely ``mode``."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        low, mode, high = (_finite(n, getattr(self, n)) for n in ("low", "mode", "high"))
        if not low <= mode <= high:
            raise ValueError(f"expected low <= mode <= high, got {low:g}, {mode:g}, {high:g}")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Triangular draws (the constant when the three are equal)."""
        if self.low == self.high:
            return np.full(size, float(self.low))
        return rng.triangular(self.low, self.mode, self.high, size)

    def describe(self) -> str:
        """``triangular(0.5, 0.8, 1)``."""
        return f"triangular({self.low:g}, {self.mode:g}, {self.high:g})"

    @property
    def fixed(self) -> bool:
        """No variance when ``low == high``."""
        return self.low == self.high


@dataclass(frozen=True)
class Choice:
    """One of ``values``, with probabilities ``p`` (equal when not given)."""

    values: tuple[float, ...]
    p: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if not self.values:
            raise ValueError("expected at least one value to choose from")
        for v in self.values:
            _finite("a value", v)
        if self.p is not None:
            if len(self.p) != len(self.values):
                raise ValueError(
                    f"expected one probability per value ({len(self.values)}), got {len(self.p)}"
                )
            probabilities = [_finite("a probability", q) for q in self.p]
            if min(probabilities) < 0 or abs(sum(probabilities) - 1.0) > 1e-9:
                raise ValueError(
                    f"expected probabilities of 0 or more summing to 1, got {list(self.p)}"
                )

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draws among the values."""
        values = np.asarray(self.values, dtype=np.float64)
        p = None if self.p is None else np.asarray(self.p, dtype=np.float64) / sum(self.p)
        return rng.choice(values, size=size, p=p)

    def describe(self) -> str:
        """``one of 0, 1, 3 (p 0.5, 0.3, 0.2)``."""
        text = "one of " + ", ".join(f"{v:g}" for v in self.values)
        return text + (f" (p {', '.join(f'{q:g}' for q in self.p)})" if self.p else "")

    @property
    def fixed(self) -> bool:
        """No variance with one possible value."""
        likely = [v for i, v in enumerate(self.values) if self.p is None or self.p[i] > 0]
        return len(set(likely)) == 1


@dataclass(frozen=True)
class Fixed:
    """Always ``value``."""

    value: float

    def __post_init__(self) -> None:
        _finite("value", self.value)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``value``, ``size`` times (draws nothing)."""
        return np.full(size, float(self.value))

    def describe(self) -> str:
        """``fixed at 1``."""
        return f"fixed at {self.value:g}"

    @property
    def fixed(self) -> bool:
        """Always."""
        return True


def normal(mean: float, sd: float) -> Normal:
    """Normal with mean ``mean`` and standard deviation ``sd``."""
    return Normal(mean, sd)


def lognormal(mean: float, sigma: float) -> Lognormal:
    """``exp`` of a normal with mean ``mean`` and standard deviation ``sigma``."""
    return Lognormal(mean, sigma)


def uniform(low: float, high: float) -> Uniform:
    """Uniform between ``low`` and ``high``."""
    return Uniform(low, high)


def triangular(low: float, mode: float, high: float) -> Triangular:
    """Triangular between ``low`` and ``high``, most likely ``mode``."""
    return Triangular(low, mode, high)


def choice(values: Sequence[float], p: Sequence[float] | None = None) -> Choice:
    """One of ``values``, with probabilities ``p`` (equal when not given)."""
    return Choice(tuple(values), None if p is None else tuple(p))


def fixed(value: float) -> Fixed:
    """Always ``value`` (no variance)."""
    return Fixed(value)


def as_dist(value: object, name: str = "a driver") -> Dist:
    """``value`` as a distribution: a :class:`Dist` as it is, a number as :func:`fixed`."""
    if isinstance(value, Dist):
        return value
    if isinstance(value, int | float | np.number) and not isinstance(value, bool):
        return fixed(float(value))
    raise TypeError(
        f"expected a distribution (aicapex.dist.normal(...), ...) or a number for {name}, "
        f"got {value!r}"
    )
