"""The categorical toolkit of the columnar layer: typed columns built from distinct values.

Text columns of frames and of the flows table are categoricals (a few distinct values, many
rows). These helpers build them from codes and labels without turning every row into a Python
object, and keep their categories as pandas would make them from the values (the distinct values
present, sorted), so that tables built by different paths compare equal.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

__all__ = [
    "NO_OBJECTS",
    "NO_VALUES",
    "Labels",
    "as_category",
    "coded_category",
    "constant_category",
    "equals",
    "factorize",
    "first_source",
    "index_of",
    "is_in",
    "label_index",
    "notna",
    "parse_unique",
    "positions",
    "records_in",
    "sorted_codes",
    "take",
    "to_category",
    "union",
    "union_codes",
    "where",
]


#: The dtype of a categorical column with no value, as record frames build it from a list of None.
NO_VALUES = pd.CategoricalDtype(pd.Index([], dtype="float64"))


#: The default text dtype (``str``), as pandas types a list of texts.
_STR = pd.api.types.pandas_dtype("str")


def label_index(values: Any) -> pd.Index:
    """``values`` as an Index typed as pandas types a list of them: text as the default ``str``
    dtype, whatever text dtype it came in; objects inferred again."""
    index: pd.Index = values if isinstance(values, pd.Index) else pd.Index(values)
    if isinstance(index.dtype, pd.StringDtype) and index.dtype != _STR:
        index = pd.Index(index.astype("str"))
    elif index.dtype == object:
        index = pd.Index(list(index))
    return index


#: Up to how many texts :func:`sorted_codes` orders in Python (beyond: by pandas' argsort).
_FEW_TEXTS = 512


def sorted_codes(values: pd.Index) -> tuple[np.ndarray, pd.Index]:
    """Codes of ``values`` (none missing) into their distinct values, sorted, and those values.
    Sorting and comparing neighbours, not hashing: cheaper when most values are distinct (ids).
    Values of mixed kinds (texts and numbers) are left to pandas to order; a few texts are
    ordered as Python strings (code points: the order of their UTF-8 bytes, as Arrow sorts)."""
    if len(values) <= _FEW_TEXTS and (
        isinstance(values.dtype, pd.StringDtype) or values.dtype == object
    ):
        texts = values.tolist()
        if all(type(t) is str for t in texts):
            distinct = sorted(set(texts))
            rank = {t: i for i, t in enumerate(distinct)}
            ranks = np.fromiter(map(rank.__getitem__, texts), dtype=np.int64, count=len(texts))
            return ranks, pd.Index(distinct, dtype=values.dtype, name=values.name)
    try:
        order = np.asarray(values.argsort())
    except TypeError:
        mixed = pd.Categorical(list(values))
        return np.asarray(mixed.codes, dtype=np.int64), pd.Index(mixed.categories)
    ordered = values.take(order)
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = np.asarray(ordered[1:] != ordered[:-1], dtype=bool)
    ranks = np.empty(len(ordered), dtype=np.int64)
    ranks[order] = np.cumsum(first) - 1
    return ranks, ordered[first]


def coded_category(
    codes: np.ndarray,
    labels: Sequence[Any] | np.ndarray | pd.Index,
    empty: pd.CategoricalDtype = NO_VALUES,
) -> pd.Categorical:
    """The categorical of the cells ``labels[codes]`` (code -1, or a missing label: missing), as
    pandas builds one from the list of those cells: its categories are the distinct labels
    present, sorted. With no label present its dtype is ``empty``."""
    codes = np.asarray(codes)
    if codes.dtype.kind not in "iu":
        codes = codes.astype(np.int64)
    texts = _few_texts(labels)
    if texts is not None:
        return _coded_texts(codes, texts, empty)
    labels = label_index(labels)
    used = np.zeros(len(labels) + 1, dtype=bool)
    used[codes] = True  # code -1 marks the extra last slot
    at = np.flatnonzero(used[:-1] & np.asarray(labels.notna(), dtype=bool))
    if not len(at):
        return pd.Categorical.from_codes(np.full(len(codes), -1, dtype=np.int8), dtype=empty)
    ranks, categories = sorted_codes(labels if len(at) == len(labels) else labels[at])
    # the codes in the narrowest type holding them, as pandas keeps them: no pass to narrow
    lookup = np.full(len(labels) + 1, -1, dtype=_code_type(len(categories)))
    lookup[at] = ranks
    dtype: pd.CategoricalDtype = pd.CategoricalDtype(categories)
    # every code is -1 or a position in the categories (lookup's values): nothing to validate
    return pd.Categorical.from_codes(lookup[codes], dtype=dtype, validate=False)


def _few_texts(labels: Sequence[Any] | np.ndarray | pd.Index) -> list[Any] | None:
    """``labels`` as a list: a few texts or None in a list or an array of objects; else None."""
    if isinstance(labels, np.ndarray) and labels.dtype == object:
        labels = labels.tolist()
    if not isinstance(labels, list) or len(labels) > _FEW_TEXTS:
        return None
    return labels if all(t is None or type(t) is str for t in labels) else None


def _coded_texts(codes: np.ndarray, texts: list[Any], empty: pd.CategoricalDtype) -> pd.Categorical:
    """:func:`coded_category` of a few ``texts`` (``None``: missing), ordered in Python and its
    dtype made once per texts and text storage: pandas' Index and dtype of the texts cost 70 us
    (a flows piece has ten such columns; tests/test_tableperf_flows.py)."""
    used = np.zeros(len(texts) + 1, dtype=bool)
    used[codes] = True  # code -1 marks the extra last slot
    present = sorted({texts[i] for i in np.flatnonzero(used[:-1]).tolist()} - {None})
    if not present:
        return pd.Categorical.from_codes(np.full(len(codes), -1, dtype=np.int8), dtype=empty)
    rank = {t: i for i, t in enumerate(present)}
    lookup = np.array([*(rank.get(t, -1) for t in texts), -1], dtype=_code_type(len(present)))
    dtype = _texts_dtype(tuple(present), pd.get_option("mode.string_storage"))
    return pd.Categorical.from_codes(lookup[codes], dtype=dtype, validate=False)


@functools.lru_cache(maxsize=4096)
def _texts_dtype(texts: tuple[str, ...], storage: str) -> pd.CategoricalDtype:
    """The dtype of categories ``texts`` (sorted), typed by ``label_index`` under ``storage``."""
    return pd.CategoricalDtype(label_index(list(texts)))


@functools.lru_cache(maxsize=4096)
def _str_categories(texts: tuple[str, ...]) -> pd.CategoricalDtype:
    """The dtype of categories ``texts`` (sorted), as ``str`` (:func:`union_codes`)."""
    return pd.CategoricalDtype(pd.Index(list(texts), dtype=_STR))


#: The narrowest integer types of codes, by the number of categories they hold (under).
_CODE_TYPES = tuple((int(np.iinfo(t).max), t) for t in (np.int8, np.int16, np.int32))


def _code_type(categories: int) -> type[np.signedinteger[Any]]:
    """The narrowest integer type pandas keeps the codes of ``categories`` categories in."""
    for most, kind in _CODE_TYPES:
        if categories < most:
            return kind
    return np.int64


def to_category(col: pd.Series, *, distinct: bool = False) -> pd.Categorical:
    """A column as a categorical, equal to ``pd.Series(list(col), dtype="category")``. For a
    column of ``distinct`` values (ids), every row is its own label and the values are sorted
    rather than hashed."""
    if not distinct:
        return coded_category(*factorize(col))
    missing = col.isna().to_numpy()
    if missing.all():
        return constant_category(None, len(col))
    values = label_index(pd.Index(col.array))
    ranks, categories = sorted_codes(values[~missing] if missing.any() else values)
    codes = np.full(len(col), -1, dtype=np.int64)
    codes[~missing] = ranks
    dtype: pd.CategoricalDtype = pd.CategoricalDtype(categories)
    return pd.Categorical.from_codes(codes, dtype=dtype)


def constant_category(value: str | None, n: int) -> pd.Categorical:
    """``n`` rows of one value (a field's default), or of none: as :func:`coded_category` of
    codes 0 into ``[value]``, without a pass over the rows to find the labels used."""
    if value is None:
        return pd.Categorical.from_codes(np.full(n, -1, dtype=np.int8), dtype=NO_VALUES)
    if not n:
        return coded_category(np.zeros(n, dtype=np.int64), [value])
    dtype = _one_text(value) if type(value) is str else _one_value(value)
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=dtype, validate=False)


def _one_value(value: Any) -> pd.CategoricalDtype:
    """The dtype of a categorical of the one category ``value`` (as pandas types it)."""
    return pd.CategoricalDtype(label_index([value]))


#: :func:`_one_value` of a text, made once per process (dtypes are immutable: the flows' pieces
#: repeat their kinds, bases and categories, 'actual', 'compute'...).
_one_text = functools.lru_cache(maxsize=1024)(_one_value)


def factorize(col: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(col, use_na_sentinel=True)``, its distinct values in any order: a column
    read with its codes (:func:`coded_text`, in any integer type) is not hashed again; one
    of Arrow text holding one value on every row (a currency column, often) is read at once."""
    array = col.array
    text = isinstance(col.dtype, pd.StringDtype) and hasattr(array, "__arrow_array__")
    if text and (known := _CODED.get(id(array.__arrow_array__()))):
        held, codes, uniques = known
        if held() is array.__arrow_array__():  # the very (immutable) Arrow column coded
            return codes, uniques
    if isinstance(col.dtype, pd.StringDtype) and hasattr(array, "_pa_array") and len(col):
        import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

        texts = array._pa_array
        if texts.null_count == 0 and pc.all(pc.equal(texts, texts[0])).as_py():
            return np.zeros(len(col), dtype=np.intp), pd.Index(array[:1])
    return pd.factorize(col, use_na_sentinel=True)


#: Columns of text read with their codes (:func:`coded_text`): id of the Arrow column -> the
#: column (weakly: the entry goes with it), its codes and its distinct values.
_CODED: dict[int, tuple[weakref.ref[Any], np.ndarray, pd.Index]] = {}


def coded_text(codes: np.ndarray, labels: pd.Index) -> pd.api.extensions.ExtensionArray:
    """The ``str`` column of the cells ``labels[codes]`` (distinct texts; code -1: missing), as
    pandas reads Arrow text, remembered with its codes: :func:`factorize` gives them back
    instead of hashing every row again (a Parquet column read dictionary-encoded)."""
    import pyarrow as pa  # type: ignore[import-untyped,unused-ignore]

    missing = codes < 0  # codes as narrow as the labels allow: no copy in intp
    some = bool(missing.any())
    used = np.bincount(codes[~missing] if some else codes, minlength=len(labels)) > 0
    if not used.all():  # only the values present, as pd.factorize gives them
        lookup = np.append(np.cumsum(used) - 1, -1)
        codes, labels = lookup[codes], labels[used]
    texts = pa.chunked_array([pa.array(np.asarray(labels, dtype=object), pa.large_string())])
    values = texts.take(pa.array(codes, mask=missing) if some else pa.array(codes))
    text: Any = pd.StringDtype("pyarrow", na_value=np.nan)  # "str", as pandas reads text
    column: pd.api.extensions.ExtensionArray = text.__from_arrow__(values)
    held = cast(Any, column).__arrow_array__()  # the Arrow column it holds
    key = id(held)
    codes = codes.view()
    codes.flags.writeable = False  # shared by every check asking: none may write them
    _CODED[key] = (weakref.ref(held, lambda _: _CODED.pop(key, None)), codes, pd.Index(labels))
    return column


def parse_unique(
    col: pd.Series, parse: Callable[[Any], Any]
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Parse each distinct value of ``col`` once: returns each row's code into the parsed values
    (-1 where missing), the parsed values (None where parsing failed) and a mask of the rows
    that failed."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    parsed: list[Any] = []
    bad_u = np.zeros(len(uniques) + 1, dtype=bool)  # the last slot: missing rows, never bad
    for j, u in enumerate(uniques):
        try:
            parsed.append(parse(u))
        except (ValueError, TypeError, ArithmeticError):
            parsed.append(None)
            bad_u[j] = True
    return codes, parsed, bad_u[codes]


def first_source(sources: pd.Series) -> pd.Categorical:
    """The first source id each row cites (comma-separated ``sources``), split once per
    distinct value."""
    if _no_text(sources):  # no source cited (a table without sources): no value to split
        return coded_category(np.full(len(sources), -1, dtype=np.int8), [])
    codes, uniques = _factorized(sources)
    first = [s.split(",")[0] if isinstance(s, str) and s else None for s in uniques]
    return coded_category(codes, first)


def _factorized(sources: pd.Series) -> tuple[np.ndarray, Any]:
    """``pd.factorize(sources, use_na_sentinel=True)``; a few in Python (factorize: 40 us)."""
    if len(sources) > _FEW_TEXTS:
        return pd.factorize(sources, use_na_sentinel=True)
    numbers: dict[Any, int] = {}
    cells = zip(sources.to_numpy(dtype=object).tolist(), sources.array.isna().tolist(), strict=True)
    codes = [-1 if na else numbers.setdefault(s, len(numbers)) for s, na in cells]
    return np.array(codes, dtype=np.int64), list(numbers)


def notna(col: pd.Series) -> np.ndarray:
    """``col.notna().to_numpy()`` from its array (a Series of the mask: 45 us more)."""
    return ~np.asarray(col.array.isna(), dtype=bool)


def equals(col: pd.Series, value: str) -> np.ndarray:
    """``(col == value).to_numpy(dtype=bool)``; a categorical's compared as a Categorical (a
    Series of the comparison cost 40 us more)."""
    array = col.array
    if isinstance(array, pd.Categorical):
        return np.asarray(array == value, dtype=bool)
    return (col == value).to_numpy(dtype=bool)


def _no_text(values: pd.Series) -> bool:
    """Whether a column of Arrow text holds only empty texts and missing values (read from its
    lengths, without hashing the rows); False for other columns."""
    array = values.array
    if not hasattr(array, "_pa_array") or not isinstance(values.dtype, pd.StringDtype):
        return False
    import pyarrow.compute as pc  # type: ignore[import-untyped,unused-ignore]

    longest = pc.max(pc.binary_length(array._pa_array)).as_py()
    return longest is None or longest == 0


#: The dtype of a flows column with no value (as ``astype("category")`` gives it for Nones).
NO_OBJECTS = pd.CategoricalDtype(pd.Index([], dtype=object))

#: A text column as :func:`_rows` takes it (see :func:`_as_category`).
Labels = pd.Categorical | pd.Series | np.ndarray | str


def as_category(values: Labels, n: int) -> pd.Categorical:
    """A flows column as a categorical of ``n`` rows: a ``str`` is the same value on every row,
    a categorical (or categorical Series) is kept as it is, other values (objects) are
    converted."""
    if isinstance(values, str):
        return constant_category(values, n)
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        return values.array  # type: ignore[return-value]
    if isinstance(values, pd.Categorical):
        return values
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return coded_category(codes, uniques)


def take(values: pd.Categorical | pd.Series, rows: np.ndarray) -> pd.Categorical:
    """The given rows of a categorical, by its codes (the categories are kept)."""
    cat = as_category(values, len(values))
    return pd.Categorical.from_codes(np.asarray(cat.codes)[rows], dtype=cat.dtype)


def union(parts: list[pd.Categorical]) -> pd.Categorical:
    """The parts' rows, in order, as one categorical whose categories are the values present,
    sorted: what ``astype("category")`` of their values gives, without turning them into
    objects."""
    codes, dtype = union_codes(parts)
    return pd.Categorical.from_codes(np.concatenate(codes), dtype=dtype, validate=False)


def union_codes(parts: list[pd.Categorical]) -> tuple[list[np.ndarray], pd.CategoricalDtype]:
    """The codes of each part's rows in :func:`union` of the parts (in the narrowest integer
    type, as pandas keeps them; -1 where missing), and its dtype (parts' codes read once). A
    part's codes that are the union's already are given as they are (not to be written to)."""
    cats, codes_of = [p.categories for p in parts], [p.codes for p in parts]
    used = [_used(c, len(k)) for c, k in zip(codes_of, cats, strict=True)]
    if not any(len(u) for u in used):
        return [np.full(len(p), -1, dtype=np.int8) for p in parts], NO_OBJECTS
    texts = _used_texts(cats, used)
    if texts is not None:  # a few texts: ordered as sorted_codes orders them, in Python
        distinct = sorted(set(texts))
        rank = {t: i for i, t in enumerate(distinct)}
        ranks = np.fromiter(map(rank.__getitem__, texts), dtype=np.int64, count=len(texts))
        dtype = _str_categories(tuple(distinct))  # (made once per texts: 70 us)
    else:
        present = [  # (every category used, as often: the categories as they are)
            k if len(u) == len(k) else k[u] for k, u in zip(cats, used, strict=True) if len(u)
        ]
        ranks, categories = sorted_codes(label_index(present[0].append(present[1:])))
        dtype = pd.CategoricalDtype(categories)
    kind = _code_type(len(dtype.categories))
    codes = []
    start = 0
    for c, k, u in zip(codes_of, cats, used, strict=True):
        mine = ranks[start : start + len(u)]
        start += len(u)
        if c.dtype == kind and len(u) == len(k) and np.array_equal(mine, np.arange(len(k))):
            codes.append(c)  # the part's codes are the union's already: read, not copied
            continue
        lookup = np.full(len(k) + 1, -1, dtype=kind)
        lookup[u] = mine
        codes.append(lookup[c])
    return codes, dtype


def _used(codes: np.ndarray, n: int) -> np.ndarray:
    """The codes below ``n`` present in ``codes`` (-1: missing), sorted."""
    if n == 1:  # one category (a constant column): present unless every row is missing
        return np.flatnonzero([codes.max(initial=-1) >= 0])
    whole = codes.min(initial=0) >= 0  # (none missing, as often: no copy of the codes)
    return np.flatnonzero(np.bincount(codes if whole else codes[codes >= 0], minlength=n))


def _used_texts(cats: list[pd.Index], used: list[np.ndarray]) -> list[str] | None:
    """The categories used by the parts (``cats``, shared ones listed once), part after part
    (``used``: their positions), when a few texts (``str``, as label_index types them)."""
    if sum(len(k) for k in cats) > _FEW_TEXTS:
        return None
    texts: list[str] = []
    listed: dict[int, list[Any]] = {}
    for k, u in zip(cats, used, strict=True):
        if len(u):
            if not isinstance(k.dtype, pd.StringDtype) and k.dtype != object:
                return None
            labels = listed[id(k)] if id(k) in listed else listed.setdefault(id(k), k.tolist())
            texts.extend(labels if len(u) == len(labels) else [labels[i] for i in u.tolist()])
    return texts if all(type(t) is str for t in texts) else None


def where(mask: np.ndarray, a: pd.Series, b: pd.Series) -> pd.Categorical:
    """Row by row, ``a`` where ``mask`` is true and ``b`` elsewhere, as a categorical."""
    if not mask.any():
        return as_category(b, len(b))
    both = union([as_category(a, len(a)), as_category(b, len(b))])
    codes = np.asarray(both.codes)
    return pd.Categorical.from_codes(
        np.where(mask, codes[: len(a)], codes[len(a) :]), dtype=both.dtype
    )


def records_in(rows: pd.DataFrame, mask: np.ndarray | None = None) -> pd.Index:
    """The distinct record ids of ``rows`` (where ``mask``), sorted, as an Index named
    ``record``; cheap on large tables (a categorical column is read by its codes)."""
    record = rows["record"]
    if mask is not None:
        record = record[mask]
    if isinstance(record.dtype, pd.CategoricalDtype):
        codes = record.cat.codes.to_numpy()
        present = np.zeros(len(record.cat.categories) + 1, dtype=bool)
        present[codes] = True  # code -1 (missing) marks the extra last slot
        used = record.cat.categories[present[:-1]]
    else:
        used = pd.Index(record.dropna().unique())
    index: pd.Index = pd.Index(used.astype(object), dtype=object, name="record")
    return index if index.is_monotonic_increasing else index.sort_values()


def is_in(column: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """``column.isin(values).to_numpy()``: a categorical column is read by its codes (the
    categories among ``values`` looked up once, not every row)."""
    array = column.array
    if isinstance(array, pd.Categorical):
        wanted = [i for i, c in enumerate(array.categories.tolist()) if c in values]
        codes = np.asarray(array.codes)
        if len(wanted) == 1:
            out: np.ndarray = codes == wanted[0]
            return out
        return np.isin(codes, wanted)
    return column.isin(values).to_numpy()


def index_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``pd.Index(ids).get_indexer(values)``: each value's position among the distinct ``ids``
    (-1 where it is none of them); a few texts are looked up in a dict, not an Index's hash
    table (pandas refuses ids that repeat: so does this, by the Index)."""
    if len(ids) + len(values) <= 1024:
        keys = ids.tolist()
        if all(type(k) is str for k in keys):
            lookup = {k: i for i, k in enumerate(keys)}
            if len(lookup) == len(keys):
                get = lookup.get
                found = [get(v, -1) if isinstance(v, str) else -1 for v in values.tolist()]
                return np.array(found, dtype=np.intp)
    at: np.ndarray = pd.Index(ids).get_indexer(values)
    return at


def positions(values: pd.Series, index: pd.Index, *, narrow: bool = False) -> np.ndarray:
    """The position in ``index`` of each value (-1 where it is not there). A categorical column
    is looked up once per category, not once per row. ``narrow``: in the narrowest integer type
    holding them (for comparisons; int64 for arithmetic on them)."""
    if isinstance(cat := values.array, pd.Categorical):  # (its codes, not the accessor's: 14 us)
        lookup = np.append(index.get_indexer(cat.categories), -1)
        if narrow:
            lookup = lookup.astype(_code_type(len(index)))
        return lookup.take(cat.codes)
    return index.get_indexer(values.astype("object"))  # type: ignore[arg-type]
