"""The fields of the kinds bulk tables hold, as written out in aicapex.table.tablespec, equal
the record models' (so that read_table, which reads them, imports no pydantic)."""

from __future__ import annotations

import enum
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from aicapex.capacity import Capacity
from aicapex.dates import PartialDate
from aicapex.money import Money, Rate
from aicapex.records import KINDS
from aicapex.shares import Share, ShareCount
from aicapex.table import tablespec as ts
from aicapex.table.bulk import TABLE_KINDS
from aicapex.table.frames import SUBFRAMES, columns_of, subframe_model, unwrap

TYPES: dict[Any, str] = {
    Money: ts.MONEY,
    Rate: ts.RATE,
    PartialDate: ts.DATE,
    Capacity: ts.CAPACITY,
    Share: ts.SHARE,
    ShareCount: ts.SHARE_COUNT,
    bool: ts.BOOL,
    int: ts.INT,
    str: ts.TEXT,
}


def model_of(kind: str) -> tuple[Any, dict[str, str]]:
    return (KINDS[kind], {}) if kind not in SUBFRAMES else subframe_model(kind)


def field_of(name: str, info: Any) -> ts.Field:
    inner, many = unwrap(info.annotation)
    if name == "sources":
        kind = ts.SOURCES
    elif many:
        kind = ts.TEXTS if inner is str else ts.ITEMS
    elif isinstance(inner, type) and issubclass(inner, enum.Enum):
        default = info.default.value if isinstance(info.default, enum.Enum) else None
        choices = tuple(e.value for e in inner)
        return ts.Field(name, ts.ENUM, info.is_required(), choices, default)
    elif inner is bool:  # a flag's default: what its missing cells read as
        return ts.Field(name, ts.BOOL, info.is_required(), (), info.default)
    else:
        kind = TYPES[inner]
    return ts.Field(name, kind, info.is_required())


def test_every_table_kind_has_its_fields_written_out() -> None:
    assert set(ts.SPECS) == set(TABLE_KINDS)


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_the_fields_written_out_are_the_models(kind: str) -> None:
    cls, head = model_of(kind)
    spec = ts.SPECS[kind]
    assert spec.fields == tuple(field_of(n, i) for n, i in cls.model_fields.items())
    assert spec.refs == frozenset(p for p, _ in getattr(cls, "REFS", ()) if "." not in p)
    assert spec.head == tuple(head.items())
    assert spec.date_field == getattr(cls, "DATE_FIELD", None)


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_the_columns_written_out_are_the_frames(kind: str) -> None:
    cls, _ = model_of(kind)
    refs = ts.SPECS[kind].refs | ({"investor"} if kind == "investments" else set())
    frames = [(c.field, tuple(c.names), tuple(c.dtypes)) for c in columns_of(cls, refs)]
    spec = ts.Spec(ts.SPECS[kind].fields, refs)
    assert [(c.field, c.names, c.dtypes) for c in spec.columns] == frames


def test_reading_a_table_imports_no_record_models() -> None:
    heavy = ["pydantic", "pydantic_core", "yaml"]
    code = (
        "import sys, aicapex as ac; ac.read_table; ac.flows; ac.burn; ac.runway; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_analyses_of_tables_read_load_no_record_models(tmp_path: Path) -> None:
    """read_table, flows, burn and runway of tables (no ledger) load no pydantic nor YAML (but
    for tables citing sources: finding conflicting reports takes the record kinds' fact keys)."""
    expenses = tmp_path / "expenses.csv"
    expenses.write_text(
        "id,company,counterparty,amount,date,category,sources\n"
        "e1,acme,aws,$2M,2024-01-15,compute,s1\n"
        "e2,acme,staff,$1M,2024-02,payroll,s1\n"
        "e3,acme,aws,$1M,2024-03,compute,\n",
        encoding="utf-8",
    )
    cash = tmp_path / "cash.csv"
    cash.write_text("id,company,date,amount\nc1,acme,2023-12,$10M\n", encoding="utf-8")
    heavy = ["pydantic", "pydantic_core", "yaml", "aicapex.ledger", "aicapex.records"]
    code = (
        "import sys, aicapex as ac\n"
        f"e = ac.read_table({str(expenses)!r}, 'expenses')\n"
        f"c = ac.read_table({str(cash)!r}, 'cash_balances')\n"
        "f = ac.flows({'expenses': e}); ac.burn(f); ac.runway(f, cash=c, as_of='2024-06')\n"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "values",
    [
        ["", "", None],
        ["s1", "s1", ""],
        ["s1", "s2", None],
        ["s1,s2", "", "s1", None, "s1,s2"],
        [None, None],
        [],
    ],
)
@pytest.mark.parametrize("dtype", ["str", "string", "object"])
def test_cited_lists_are_counted_as_distinct_non_empty_texts(
    values: list[str | None], dtype: str
) -> None:
    from aicapex.table.conflicts import _cited_lists

    sources = pd.Series(values, dtype=dtype)
    cited = sources.astype("object").fillna("").to_numpy()
    assert _cited_lists(sources) == len(pd.unique(cited[cited != ""]))
