"""Fuzzing: random bytes, random YAML and JSON, mangled ledgers and random tables never make
``load`` or ``read_table`` fail with anything but a :class:`~aicapex.LedgerError` whose every
problem has a file and a code of :data:`aicapex.errors.CODES`.

Bounded: each property runs a fixed number of examples (about 20 s in all).
"""

from __future__ import annotations

import io
import json
import os
import string
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex
from aicapex import LedgerError
from aicapex.errors import CODES
from aicapex.records import KINDS

#: Examples per property: ``AICAPEX_FUZZ=5000 pytest tests/test_fuzz.py`` fuzzes longer, with
#: fresh random inputs (the suite's runs are the same every time).
EXAMPLES = int(os.environ.get("AICAPEX_FUZZ", "0")) or 150
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="AICAPEX_FUZZ" not in os.environ,
    database=None,
)

BUNDLED = sorted(aicapex.bundled_data().glob("*.yaml"))[0].read_text(encoding="utf-8")

FIELDS = sorted({name for cls in KINDS.values() for name in cls.model_fields})
WORDS = [*KINDS, *FIELDS, "acme", "aws", "$7M", "2023-10", "FY2025", "12,000 H100", "USD"]


def _checked(call: Any, *args: Any, **kwargs: Any) -> None:
    """Run ``call``: fine, or a LedgerError whose problems all have a file and a known code."""
    try:
        call(*args, **kwargs)
    except LedgerError as exc:
        error = exc
    else:
        return
    assert error.problems, "a LedgerError without problems"
    for p in error.problems:
        assert p.file, f"a problem without a file: {p}"
        assert p.code in CODES, f"an unknown code {p.code!r}: {p}"
        assert "\n" not in str(p), f"a problem of more than one line: {p!r}"


def _load_text(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        _checked(aicapex.load, path, max_bytes=1 << 20)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([".yaml", ".json"]))
def test_random_bytes(data: bytes, suffix: str) -> None:
    _load_text(data, suffix)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(WORDS),
    st.sampled_from(["1e400", "-0", "0777", ".nan", "~", "'", '"', "#", "- x", ": y", "9" * 60]),
)
keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=10))
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=30,
)
ledgers_ish = st.dictionaries(
    st.sampled_from([*KINDS, "kinds"]),
    st.lists(st.dictionaries(st.sampled_from(FIELDS), documents, max_size=6), max_size=4),
    max_size=4,
)


@FUZZ
@given(st.one_of(documents, ledgers_ish), st.sampled_from(["yaml", "flow", "json"]))
def test_random_documents(document: Any, style: str) -> None:
    if style == "json":
        try:
            text = json.dumps(document)
        except (TypeError, ValueError):
            return
        _load_text(text.encode(), ".json")
        return
    text = yaml.safe_dump(document, default_flow_style=style == "flow", allow_unicode=True)
    _load_text(text.encode("utf-8"), ".yaml")


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(BUNDLED)),
            st.integers(0, 40),
            st.text(alphabet=string.printable + "\x00é€", max_size=20),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_mangled_ledgers(edits: list[tuple[int, int, str]]) -> None:
    """The bundled ledger with pieces cut out and random text put in."""
    text = BUNDLED
    for at, cut, put in edits:
        at = min(at, len(text))
        text = text[:at] + put + text[at + cut :]
    _load_text(text.encode("utf-8", "surrogatepass"), ".yaml")


cells = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["$7M", "inf", "nan", "2023-10", "USD", "acme", "opex", "$99M/yr", ""]),
)
COLUMNS = ["id", "company", "category", "amount", "amount_currency", "date", "rate", "basis"]


@FUZZ
@given(
    st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(cells, min_size=8, max_size=8), max_size=6),
    st.sampled_from(["expenses", "revenues", "cash_balances", "cloud_bills"]),
    st.sampled_from([".csv", ".parquet"]),
)
def test_random_tables(columns: list[str], rows: list[list[Any]], kind: str, suffix: str) -> None:
    frame = pd.DataFrame([row[: len(columns)] for row in rows], columns=columns)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        if suffix == ".csv":
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False)
            path.write_text(buffer.getvalue(), encoding="utf-8")
        else:
            try:
                frame.to_parquet(path)
            except Exception:  # mixed types pyarrow cannot store: not a table to read
                return
        _checked(aicapex.read_table, path, kind, max_bytes=1 << 20)


@pytest.mark.parametrize("kind", ["expenses", "cloud_bills"])
def test_random_table_bytes(kind: str) -> None:
    rng = np.random.default_rng(8)
    for suffix in (".csv", ".parquet"):
        for _ in range(30):
            data = rng.integers(0, 256, size=int(rng.integers(0, 500)), dtype=np.uint8).tobytes()
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"fuzz{suffix}"
                path.write_bytes(data)
                _checked(aicapex.read_table, path, kind)
