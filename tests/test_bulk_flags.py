"""Flags of bulk tables read as the records read them: ``take_or_pay``, ``secondary`` and an
investor's ``lead`` default to false in the models, so a table without the column, or with an
empty cell, has false there (it had ``<NA>`` while ``Ledger.frame`` had ``False``); a cell that
is not true or false is a located problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from tablefiles import write_rows as _table

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.bulk import TRANCHE_TOTALS, read_table
from aicapex.table.tablespec import BOOL, SPECS

ENTITIES = [{"id": n, "name": n, "type": "company"} for n in ("acme", "cw", "v1", "v2", "v3")]

#: flag given as True, False, or not at all (None), row by row
GIVEN = [True, None, False, None, True]

CONTRACTS = [
    {"id": f"k{i}", "buyer": "acme", "seller": "cw", "start": f"2024-0{i + 1}", "rate": "$1M/mo"}
    for i in range(len(GIVEN))
]
ROUNDS = [
    {"id": f"r{i}", "company": "acme", "date": f"2023-0{i + 1}", "amount": f"${(i + 1) * 20}M"}
    for i in range(len(GIVEN))
]
PARTS = [{"investor": f"v{1 + i % 3}", "amount": f"${i + 1}M"} for i in range(len(GIVEN))]


def _with(rows: list[dict[str, Any]], flag: str) -> list[dict[str, Any]]:
    return [{**r, **({} if g is None else {flag: g})} for r, g in zip(rows, GIVEN, strict=True)]


def _ledger(tmp_path: Path, data: dict[str, Any]) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump({"entities": ENTITIES, **data}, sort_keys=False), "utf-8")
    return ac.load(path)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The frames equal to the bit, but a round's tranche totals (a table of rounds has none:
    the tranches table holds them)."""
    totals = [f"{s}_usd" for s in TRANCHE_TOTALS]
    pd.testing.assert_frame_equal(
        got.drop(columns=totals, errors="ignore"),
        expected.drop(columns=totals, errors="ignore"),
        check_exact=True,
    )


def _cases(tmp_path: Path) -> list[tuple[str, str, ac.Ledger, list[dict[str, Any]]]]:
    """(kind, flag, the ledger of the records, the table's rows) for each flag of a table."""
    contracts = _with(CONTRACTS, "take_or_pay")
    rounds = _with(ROUNDS, "secondary")
    parts = _with(PARTS, "lead")
    invested = [{**ROUNDS[0], "investors": parts}]
    return [
        (
            "compute_contracts",
            "take_or_pay",
            _ledger(tmp_path, {"compute_contracts": contracts}),
            contracts,
        ),
        ("funding_rounds", "secondary", _ledger(tmp_path, {"funding_rounds": rounds}), rounds),
        (
            "investments",
            "lead",
            _ledger(tmp_path, {"funding_rounds": invested}),
            [{"round": "r0", "company": "acme", **p} for p in parts],
        ),
    ]


def test_every_flag_of_a_table_has_its_models_default() -> None:
    flags = {(k, f.name, f.default) for k, s in SPECS.items() for f in s.fields if f.type == BOOL}
    assert flags == {
        ("compute_contracts", "take_or_pay", False),
        ("funding_rounds", "secondary", False),
        ("investments", "lead", False),
    }


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_empty_flags_read_as_the_models_default(tmp_path: Path, fmt: str) -> None:
    for kind, flag, led, rows in _cases(tmp_path):
        expected = led.frame(kind)
        assert str(expected[flag].dtype) == "boolean"
        assert expected[flag].tolist() == [g is True for g in GIVEN]
        got = read_table(_table(tmp_path, rows, fmt), kind)
        _same(got, expected)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_absent_flag_column_is_the_default_on_every_row(tmp_path: Path, fmt: str) -> None:
    for kind, flag, _, rows in _cases(tmp_path):
        bare = [{k: v for k, v in r.items() if k != flag} for r in rows]
        ledger_rows = {
            "compute_contracts": {"compute_contracts": bare},
            "funding_rounds": {"funding_rounds": bare},
            "investments": {
                "funding_rounds": [
                    {
                        **ROUNDS[0],
                        "investors": [
                            {k: v for k, v in p.items() if k not in ("round", "company")}
                            for p in bare
                        ],
                    }
                ]
            },
        }[kind]
        expected = _ledger(tmp_path, ledger_rows).frame(kind)
        assert expected[flag].tolist() == [False] * len(GIVEN)
        got = read_table(_table(tmp_path, bare, fmt), kind)
        _same(got, expected)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_flag_that_is_not_true_or_false_is_a_located_problem(tmp_path: Path, fmt: str) -> None:
    cells = ["yes", "", "maybe", "no", None]
    rows = [{**r, "take_or_pay": v} for r, v in zip(CONTRACTS, cells, strict=True)]
    with pytest.raises(LedgerError) as info:
        read_table(_table(tmp_path, rows, fmt), "compute_contracts")
    found = [(p.index, p.field, p.code) for p in info.value.problems]
    # the empty text of Parquet is not nothing: no flag either way
    blank = [] if fmt == "csv" else [(1, "take_or_pay", "invalid-value")]
    assert found == [*blank, (2, "take_or_pay", "invalid-value")]
