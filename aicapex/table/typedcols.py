"""Typed columns made from their buffers or from a few labels, not from a Python object per
row: text columns of few labels (``string``, ``str``), blank columns of a dtype, day columns
from dates, and dtypes resolved once by name."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BLANK_DTYPES",
    "blank_column",
    "blank_strings",
    "day_column",
    "labels_at",
    "named_dtype",
    "string_column",
]


def string_column(
    codes: np.ndarray, labels: Sequence[str | None]
) -> pd.api.extensions.ExtensionArray:
    """A ``string`` column of the cells ``labels[codes]``, built from the few labels."""
    return pd.array(list(labels), dtype="string").take(np.asarray(codes, dtype=np.intp))


def blank_strings(n: int, value: str | None) -> pd.api.extensions.ExtensionArray:
    """A ``string`` column of ``n`` missing values (``value`` None) or empty texts (``""``):
    :func:`string_column` of those, built from zeroed buffers rather than row by row."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    if value not in (None, ""):
        return string_column(np.zeros(n, dtype=np.intp), [value])
    offsets = pa.py_buffer(np.zeros(n + 1, dtype=np.int64))
    valid = pa.py_buffer(np.zeros((n + 7) // 8, dtype=np.uint8)) if value is None else None
    texts = pa.Array.from_buffers(
        pa.large_string(),
        n,
        [valid, offsets, pa.py_buffer(b"")],
        null_count=n if value is None else 0,
    )
    return pd.arrays.ArrowStringArray(texts)


#: The dtypes of :func:`blank_column`.
BLANK_DTYPES = frozenset({"string", "Int64", "boolean", "datetime64[ns]"})


def blank_column(dtype: str, n: int) -> Any:
    """``pd.Series([None] * n, dtype=dtype).array``'s data for a dtype of :data:`BLANK_DTYPES`,
    made from its buffers rather than from ``n`` Nones."""
    if dtype == "string":
        return blank_strings(n, None)
    if dtype == "Int64":  # (masked values 1, as pandas makes them)
        return pd.arrays.IntegerArray(np.ones(n, dtype=np.int64), np.ones(n, dtype=bool))
    if dtype == "boolean":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    return np.full(n, np.datetime64("NaT"), dtype=dtype)


def named_dtype(name: str) -> Any:
    """``pandas_dtype(name)``, resolved once per name and text storage (``string`` follows
    ``mode.string_storage``; ``str`` also ``future.infer_string``: resolved each time): resolving
    a name (8 us) cost more than building a small column of it."""
    if name == "str":
        return pd.api.types.pandas_dtype(name)
    return _named_dtype(name, pd.get_option("mode.string_storage"))


@functools.lru_cache(maxsize=64)
def _named_dtype(name: str, storage: str) -> Any:
    return pd.api.types.pandas_dtype(name)


_EPOCH_DAY = 719163  # dt.date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min


def day_column(days: list[Any]) -> np.ndarray:
    """``np.array(days, "datetime64[D]").astype("datetime64[ns]")`` for dates and ``None``
    (NaT), from the dates' ordinals: NumPy reads a date object slower (8 us for a few, 1.5)."""
    ordinals = [_NAT if d is None else d.toordinal() - _EPOCH_DAY for d in days]
    return np.array(ordinals, dtype=np.int64).view("datetime64[D]").astype("datetime64[ns]")


def labels_at(labels: list[str], at: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The texts ``labels[at]`` typed as pandas types a column of them (``str``; no rows:
    objects), taken from the labels rather than inferred from a Python object per row."""
    return pd.array(labels, dtype="str").take(at) if len(at) else np.array([], dtype=object)
