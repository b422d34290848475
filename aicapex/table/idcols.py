"""Id and reference columns of bulk tables: text, ids matching their pattern, unique.

The common case (an Arrow text column of plain ids in increasing order) is checked from the
column's bytes and by comparing neighbours; any other column is matched and hashed id by id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from aicapex.limits import ID_MAX, preview
from aicapex.table.bulkcols import MAX_PROBLEMS, Located, Said
from aicapex.table.columns import to_category

__all__ = ["ID_PATTERN", "id_column", "reference_column", "text_column"]


def text_column(col: pd.Series, chk: Located, name: str, what: str = "ids as text") -> bool:
    """Whether an id or reference column holds text (ids are text: ``12`` read from Parquet as
    an integer is a column of the wrong type, a located problem); ``False`` after reporting.
    Free text likewise (``what``: ``text``), as the loader refuses ``sku: 100``."""
    if col.isna().all() or isinstance(col.dtype, pd.StringDtype) or col.dtype == "str":
        return True
    if isinstance(col.dtype, pd.CategoricalDtype):  # a dictionary-encoded column: its labels
        labels = col.dtype.categories
        kind = pd.api.types.infer_dtype(labels, skipna=True)
        if kind in ("string", "empty"):
            return True
        chk.column(
            name,
            f"{what} (a string column)",
            f"a categorical column of {labels.dtype} ({kind} labels)",
            "wrong-column-type",
        )
        return False
    kind = pd.api.types.infer_dtype(col, skipna=True)
    if kind in ("string", "empty"):
        return True
    chk.column(
        name,
        f"{what} (a string column)",
        f"a column of {col.dtype} ({kind} values)",
        "wrong-column-type",
    )
    return False


def id_column(col: pd.Series, chk: Located) -> pd.api.extensions.ExtensionArray:
    """The id column as text (ids are as many as rows: a categorical would be all categories),
    checked: the pattern (vectorised), then uniqueness."""
    arrow = isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow"
    # Arrow text (a CSV file's 'string' ids) cast in Arrow, not through a Python str per id
    ids = col if col.dtype == "str" else col.astype("str" if arrow else "object").astype("str")
    missing = ids.isna().to_numpy()
    plain = _plain_ids(ids)
    long = _longer(ids, ID_MAX, plain)
    _too_long(long, ids, chk, "id")
    if not plain:  # some id may not match: each checked
        ok = ids.str.fullmatch(ID_PATTERN).fillna(True).to_numpy(dtype=bool)
        chk.rows(~missing & ~ok & ~long, "id", "an id of letters, digits and . _ : + -", col)
    if missing.any() or not _increasing(ids):
        dup = ids.duplicated(keep="first").to_numpy() & ~missing
        chk.rows(dup, "id", "a unique id", col, "duplicate-id")
    return ids.array


def reference_column(col: pd.Series, chk: Located, name: str) -> pd.Categorical:
    """A column naming other records or entities, as a categorical; each distinct value matched
    against :data:`ID_PATTERN` (a table has no ledger to look the ids up in, but a value no id
    can be, ``' '`` or ``'open ai'``, names nothing: the loader refuses it as an unknown
    reference, the table at its rows alike)."""
    cat = to_category(col)
    labels = pd.Index(np.asarray(cat.categories, dtype=object))
    codes = np.asarray(cat.codes, dtype=np.int64)  # -1: missing
    long = np.asarray(labels.str.len() > ID_MAX, dtype=bool)
    if long.any():
        _too_long(np.r_[long, False][codes], col, chk, name)
    ok = np.asarray(labels.str.fullmatch(ID_PATTERN), dtype=bool) | long
    if not ok.all():
        bad = np.r_[~ok, False][codes]
        named = "the id of a record or entity (letters, digits and . _ : + -)"
        chk.rows(bad, name, named, col, "unknown-reference")
    return cat


def _longer(ids: pd.Series, limit: int, plain: bool) -> np.ndarray:
    """Whether each id has more than ``limit`` characters (a missing one: no); Arrow text
    measured in Arrow, without a Series of lengths; ``plain`` ids (:func:`_plain_ids`: ASCII,
    a character a byte) by their longest's bytes first."""
    values = ids.array
    if isinstance(ids.dtype, pd.StringDtype) and hasattr(values, "__arrow_array__"):
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

        texts = values.__arrow_array__()
        if plain and pc.max(pc.binary_length(texts)).as_py() <= limit:
            return np.zeros(len(ids), dtype=bool)
        chars = pc.utf8_length(texts)
        return np.asarray(pc.fill_null(pc.greater(chars, limit), False).to_numpy(), dtype=bool)
    return np.asarray(ids.str.len().fillna(0).to_numpy(dtype=np.int64) > limit, dtype=bool)


def _too_long(long: np.ndarray, col: pd.Series, chk: Located, name: str) -> None:
    """A problem at each row of ``long``, an id or reference of ``col`` past the limit of ids,
    as the loader words it (``too-long``, the value's start and length)."""
    if long.any():
        found = np.full(len(col), None, dtype=object)
        for i in np.flatnonzero(long)[:MAX_PROBLEMS]:
            found[i] = Said(preview(str(col.iloc[i])))
        expected = f"an id or word of at most {ID_MAX} characters"
        chk.rows(long, name, expected, found, "too-long")


#: What an id is made of (:func:`id_column`).
ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:+-]*"

_ID_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:+-"
_ID_FIRST = np.zeros(256, dtype=bool)
_ID_FIRST[list(_ID_CHARS[:-5])] = True  # letters and digits


def _plain_ids(ids: pd.Series) -> bool:
    """Whether every id (none missing) matches :data:`ID_PATTERN`, read from the bytes of an
    Arrow text column at once: no empty id, every byte one of the pattern's (ASCII) characters,
    every first byte a letter or digit. False when some id may not match, or the column is not
    Arrow text: then :func:`id_column` matches each id."""
    values = ids.array
    if not hasattr(values, "_pa_array") or len(ids) == 0:
        return False
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    widths = {pa.large_string(): np.int64, pa.string(): np.int32}
    for chunk in values._pa_array.chunks:
        if chunk.null_count or chunk.type not in widths:
            return False
        if not len(chunk):
            continue
        width = widths[chunk.type]
        buffers = chunk.buffers()
        offsets = np.frombuffer(buffers[1], dtype=width)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        starts = offsets[:-1] - offsets[0]
        if not (offsets[1:] > offsets[:-1]).all() or not _ID_FIRST[data[starts]].all():
            return False
        for at in range(0, len(data), 1 << 20):  # a megabyte at a time: small temporaries
            if data[at : at + (1 << 20)].tobytes().translate(None, _ID_CHARS):
                return False  # some byte not among the pattern's
    return True


def _increasing(ids: pd.Series) -> bool:
    """Whether the ids (none missing) strictly increase, compared as text: then none repeats.
    Tables are often in id order, and comparing neighbours costs far less than hashing every
    id (ids in any other order are hashed)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    values = ids.array
    if hasattr(values, "__arrow_array__"):
        arrow = values.__arrow_array__()
    else:
        arrow = pa.array(np.asarray(values, dtype=object), type=pa.string())
    if len(arrow) < 2:
        return True
    return bool(pc.all(pc.greater(arrow[1:], arrow[:-1])).as_py())
