"""Dated exchange rates: the one place amounts in other currencies become US dollars.

An :class:`FxTable` holds, per currency, US dollars per unit from a date on (the ledger's
``fx_rates`` records). A rate applies from its date until the next rate of the same currency;
before a currency's first rate, and for currencies with no rate at all, there is no conversion:
the result is NaN, never a guess, and analyses refuse such amounts rather than drop them.

>>> import datetime as dt
>>> fx = FxTable([("EUR", dt.date(2023, 1, 1), 1.1)])
>>> fx.usd(100.0, "EUR", dt.date(2023, 6, 1))
110.00000000000001
>>> fx.usd(100.0, "EUR", dt.date(2022, 6, 1))
nan
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FxTable"]


class FxTable:
    """US dollars per unit of each currency, from dated rates; ``USD`` is always 1."""

    __slots__ = ("_dates", "_rates")

    def __init__(self, rates: Iterable[tuple[str, dt.date, float]] = ()) -> None:
        """``rates``: ``(currency, first day it applies, US dollars per unit)`` triples."""
        table: dict[str, list[tuple[dt.date, float]]] = {}
        for currency, day, usd in rates:
            table.setdefault(currency, []).append((day, float(usd)))
        self._dates = {c: [d for d, _ in sorted(v)] for c, v in table.items()}
        self._rates = {c: [x for _, x in sorted(v)] for c, v in table.items()}

    @property
    def currencies(self) -> frozenset[str]:
        """The currencies with at least one rate (besides USD)."""
        return frozenset(self._dates)

    def rate(self, currency: str, when: dt.date | None) -> float:
        """US dollars per unit of ``currency`` on ``when`` (NaN when no rate applies)."""
        if currency == "USD":
            return 1.0
        dates = self._dates.get(currency)
        if not dates or when is None:
            return float("nan")
        i = bisect.bisect_right(dates, when) - 1
        return self._rates[currency][i] if i >= 0 else float("nan")

    def usd(self, amount: float, currency: str, when: dt.date | None) -> float:
        """``amount`` of ``currency`` in US dollars on ``when`` (NaN when no rate applies)."""
        return float(amount) if currency == "USD" else float(amount) * self.rate(currency, when)

    def rates(self, currencies: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`rate`: one rate per row of ``currencies`` (objects or strings;
        missing ones give NaN) and ``days`` (datetime64; NaT gives NaN unless USD)."""
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(np.asarray(currencies, dtype=object), use_na_sentinel=True)
        out = np.full(len(codes), np.nan)
        when = np.asarray(days, dtype="datetime64[D]")
        for j, currency in enumerate(uniques):
            rows = np.flatnonzero(codes == j)
            if currency == "USD":
                out[rows] = 1.0
                continue
            dates = self._dates.get(str(currency))
            if not dates:
                continue
            table = np.asarray(dates, dtype="datetime64[D]")
            pos = np.searchsorted(table, when[rows], side="right") - 1
            values = np.append(np.asarray(self._rates[str(currency)]), np.nan)
            ok = (pos >= 0) & ~np.isnat(when[rows])
            out[rows] = values[np.where(ok, pos, -1)]
        return out
