"""Compute capacity, parsed from what people write: a whole number of GPUs (of a SKU) or power.

Grammar (case-insensitive; any run of whitespace counts as one optional space; ``number`` and
``scale`` as for money, see :mod:`aicapex.money`)::

    capacity := number [scale] (gpu | gpus | GPU | GPUs)
              | number [scale] SKU [gpu | gpus]          a whole number of GPUs of that SKU
              | number [scale] power-unit                converted to GW
    SKU      := a letter, then letters, digits and inner hyphens, with at least one digit;
                a trailing lower-case "s" is a plural and is dropped (H100s -> H100)
    power    := W | kW | MW | GW | TW | watts | megawatts | gigawatts | ... (lower-case mw = MW)
    e.g. 12,000 H100, 50,000 H100s, 100k GPUs, 4.5 GW, 300 MW, 1.2 gigawatts

Canonical forms: ``12,000 H100``, ``100,000 GPU`` or ``4.5 GW``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from aicapex import units
from aicapex.figures import QUALIFIERS, kind_of, split_figure, widths_of
from aicapex.money import NUMBER, SCALE, scaled_decimal
from aicapex.values import ParsedValue

if TYPE_CHECKING:
    from collections.abc import Mapping


__all__ = ["Capacity"]

_FLAGS = re.IGNORECASE | re.ASCII
_CAPACITY_RE = re.compile(
    rf"(?P<number>{NUMBER}) ?(?:{SCALE} ?)?(?P<unit>[a-z][a-z0-9-]*)(?P<gpus> gpus?)?", _FLAGS
)
_SKU_RE = re.compile(r"(?=.*\d)[a-z][a-z0-9]*(?:-[a-z0-9]+)*", _FLAGS)


def _is_sku(word: str) -> bool:
    """Return True if `word` looks like a GPU SKU: a letter, then letters/digits/hyphens, and
    at least one digit (H100, MI300X, GB200-NVL72)."""
    return _SKU_RE.fullmatch(word) is not None


@dataclass(frozen=True, slots=True)
class Capacity(ParsedValue):
    """Compute capacity: a whole number of GPUs (unit "gpu", optional SKU) or power in "GW"."""

    JSON_DESCRIPTION = (
        "Compute capacity: a whole number of GPUs (optionally of one SKU) or power in GW."
    )
    JSON_EXAMPLES = ("12,000 H100", "100,000 GPU", "4.5 GW", "4 to 5 GW", "more than 10,000 H100")

    value: Decimal
    unit: str
    sku: str | None = None
    qualifier: str = ""
    span: tuple[Decimal, Decimal] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"capacity value must be a Decimal, got {self.value!r}")
        if not self.value.is_finite() or self.value < 0:
            raise ValueError(f"capacity must be finite and non-negative, got {self.value!r}")
        if self.unit not in ("gpu", "GW"):
            raise ValueError(f"capacity unit must be 'gpu' or 'GW', got {self.unit!r}")
        if self.qualifier not in QUALIFIERS or (self.qualifier == "range") != (
            self.span is not None
        ):
            raise ValueError(
                f"expected a qualifier among {list(QUALIFIERS)}, got {self.qualifier!r}"
            )
        if self.span is not None:
            low, high = self.span
            if low > high:
                raise ValueError(f"expected a range from low to high, got {low} to {high}")
            object.__setattr__(self, "value", (low + high) / 2)
        value = Fraction(self.value)
        ends = self.span if self.span is not None else (self.value,)
        if self.unit == "gpu" and any(Fraction(e).denominator != 1 for e in ends):
            raise ValueError(f"expected a whole number of GPUs, got {self.value!r}")
        if self.sku is not None and (
            self.unit != "gpu"
            or not _is_sku(self.sku)
            or (self.sku.endswith("s") and _is_sku(self.sku[:-1]))
        ):
            raise ValueError(f"expected a singular GPU SKU like 'H100', got {self.sku!r}")
        object.__setattr__(self, "value", units.fraction_to_decimal(value))

    @classmethod
    def parse(cls, text: str | Capacity) -> Capacity:
        """Return the Capacity written in `text` (``12,000 H100``, ``100k GPUs``, ``300 MW``).

        Power is converted to GW. Raises ValueError ``expected a whole number of GPUs, got ...``
        for fractional GPU counts, else ``expected a capacity like '4.5 GW' or '12,000 H100',
        got '...'``.
        """
        if isinstance(text, Capacity):
            return text
        error = ValueError(f"expected a capacity like '4.5 GW' or '12,000 H100', got {text!r}")
        if not isinstance(text, str):
            raise error
        try:  # an exact figure first: a SKU may hold a hyphen (H100-SXM), not a range
            return cls._one(text, text)
        except ValueError:
            pass
        try:
            qualifier, first, other = split_figure(text)
        except ValueError:
            raise error from None
        if other is not None:
            high = cls._one(other, text)
            unit = other.split()[-1] if " " in other.strip() else ""
            try:
                low = cls._one(first, text)
            except ValueError:
                low = cls._one(f"{first} {unit}", text)
            if (low.unit, low.sku) != (high.unit, high.sku) or low.value > high.value:
                raise error
            if low.value == high.value:
                return low
            return Capacity(low.value, low.unit, low.sku, "range", (low.value, high.value))
        one = cls._one(first, text)
        return Capacity(one.value, one.unit, one.sku, qualifier) if qualifier else one

    @classmethod
    def _one(cls, part: str, text: str) -> Capacity:
        """One exact capacity written in ``part`` (of ``text``, named in errors)."""
        error = ValueError(f"expected a capacity like '4.5 GW' or '12,000 H100', got {text!r}")
        match = _CAPACITY_RE.fullmatch(" ".join(part.split()))
        if match is None:
            raise error
        value, word = scaled_decimal(match["number"], match["scale"]), match["unit"]
        sku = word[:-1] if word.endswith("s") and _is_sku(word[:-1]) else word
        if not _is_sku(sku):
            if match["gpus"]:
                raise error
            if word.lower() in ("gpu", "gpus"):
                sku = None
            else:
                try:
                    return Capacity(units.to_gigawatts(value, word), "GW")
                except ValueError:
                    raise error from None
        if Fraction(value).denominator != 1:
            raise ValueError(f"expected a whole number of GPUs, got {text!r}")
        return Capacity(value, "gpu", sku)

    @property
    def gigawatts(self) -> Decimal | None:
        """Return the power in GW, or None for a GPU count."""
        return self.value if self.unit == "GW" else None

    @property
    def gpus(self) -> int | None:
        """Return the number of GPUs (the base figure, rounded down for the midpoint of a range
        of an odd width), or None for a power capacity."""
        return int(self.value) if self.unit == "gpu" else None

    @property
    def kind(self) -> str:
        """``exact``, ``approx``, ``lower``, ``upper``, ``range`` or ``ceiling``."""
        return kind_of(self.qualifier)

    def bounds(
        self, widths: Mapping[str, tuple[Fraction | float, Fraction | float]] | None = None
    ) -> tuple[Decimal, Decimal]:
        """The low and high ends of the value (see :mod:`aicapex.figures`)."""
        if self.span is not None:
            return self.span
        lo, hi = widths_of(self.qualifier, widths)
        ends = sorted(Fraction(self.value) * f for f in (lo, hi))
        return units.fraction_to_decimal(ends[0]), units.fraction_to_decimal(ends[1])

    def _figure(self, value: Decimal) -> str:
        if self.unit == "gpu":
            return f"{int(value):,} {self.sku or 'GPU'}"
        return f"{units.fraction_to_decimal(Fraction(value)):,f} GW"

    def __str__(self) -> str:
        """Return the canonical string: ``12,000 H100``, ``100,000 GPU``, ``4.5 GW``,
        ``4 GW to 5 GW``, ``more than 10,000 H100``."""
        if self.span is not None:
            return f"{self._figure(self.span[0])} to {self._figure(self.span[1])}"
        figure = self._figure(self.value)
        return f"{self.qualifier} {figure}" if self.qualifier else figure

    def __repr__(self) -> str:
        return f"Capacity({str(self)!r})"
