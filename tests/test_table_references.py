"""Reference columns of bulk tables: a table has no ledger to look ids up in, but a value no id
can be (a blank, a space inside, a character ids never hold) names nothing; it is refused at
its rows, as the loader refuses it (an unknown reference), all at once."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError


def _expenses(tmp_path: Path, companies: list[str], counterparties: list[str]) -> Path:
    lines = ["id,company,counterparty,category,amount,date"]
    for i, (company, other) in enumerate(zip(companies, counterparties, strict=True)):
        lines.append(f'e{i},"{company}","{other}",compute,$1M,2024-{i + 1:02d}')
    path = tmp_path / "expenses.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_values_no_id_can_be_are_refused_at_their_rows(tmp_path: Path) -> None:
    path = _expenses(
        tmp_path,
        ["acme", " ", "open ai", "acme", "café"],
        ["aws", "aws", "aws", "core weave", ""],
    )
    with pytest.raises(LedgerError) as info:
        ac.read_table(path, "expenses")
    got = [(p.line, p.record_id, p.field, p.found, p.code) for p in info.value.problems]
    assert got == [  # in row order, all at once
        (3, "e1", "company", "' '", "unknown-reference"),
        (4, "e2", "company", "'open ai'", "unknown-reference"),
        (5, "e3", "counterparty", "'core weave'", "unknown-reference"),
        (6, "e4", "company", "'café'", "unknown-reference"),
    ]


def test_ids_of_every_allowed_character_and_missing_optional_ones_are_read(
    tmp_path: Path,
) -> None:
    path = _expenses(tmp_path, ["acme", "a.b_c:d+e-f", "9lives"], ["aws", "", "x.y"])
    table = ac.read_table(path, "expenses")
    assert list(table["company"].astype(str)) == ["acme", "a.b_c:d+e-f", "9lives"]
    assert table["counterparty"].isna().tolist() == [False, True, False]
