"""Ids and references in tables are held to the loader's form: a table of items' head column
(``bill``, ``payer``, ``round``, ``order`` ...) was read as any text, so a blank or a NUL named
the record holding the item; and an id or reference longer than 200 characters, refused by the
loader (``too-long``), was read from a table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import LedgerError

LONG = "a" * 300  # past the loader's 200 characters


def _problems(path: Path, kind: str) -> list[tuple[int | None, int | None, str | None, str, str]]:
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, kind)
    return [(p.line, p.index, p.field, p.code, p.found) for p in caught.value.problems]


def test_the_head_columns_of_a_table_of_items_are_ids(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text(
        "bill,payer,date,amount\n"
        "b1,acme,2023-09-01,$1M\n"
        "b\x001,acme,2023-10-01,$2M\n"
        "b1, ,2023-11-01,$1M\n"
    )
    assert _problems(path, "payments") == [
        (3, 1, "bill", "unknown-reference", "'b\\x001'"),
        (4, 2, "payer", "unknown-reference", "' '"),
    ]


def test_a_table_of_items_with_plain_ids_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_text("bill,payer,date,amount\nb1,acme,2023-09-01,$1M\nb2,acme,2023-10-01,$2M\n")
    frame = ac.read_table(path, "payments")
    assert list(frame["bill"]) == ["b1", "b2"]
    assert list(frame["amount_usd"]) == [1_000_000.0, 2_000_000.0]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_an_id_or_reference_past_200_characters_is_refused(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"orders.{suffix}"
    frame = pd.DataFrame(
        {
            "id": ["o1", "x" * 201, "o3"],
            "buyer": ["acme", "acme", "b" * 250],
            "vendor": ["nvidia"] * 3,
            "sku": ["H100"] * 3,
            "quantity": ["12000"] * 3,
            "order_date": ["2023-06"] * 3,
        }
    )
    if suffix == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "gpu_orders")
    got = sorted((p.index, p.field, p.code, p.found, p.record_id) for p in caught.value.problems)
    shown_x = repr("x" * 40) + "... (201 characters)"
    shown_b = repr("b" * 40) + "... (250 characters)"
    assert got == [
        (1, "id", "too-long", shown_x, None),  # no id that long names a record
        (2, "buyer", "too-long", shown_b, "o3"),
    ]
    (expected,) = {p.expected for p in caught.value.problems}
    assert expected == "an id or word of at most 200 characters"
    lines = {p.line for p in caught.value.problems}
    assert lines == ({3, 4} if suffix == "csv" else {None})


def test_an_id_of_200_characters_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cash.csv"
    path.write_text(f"id,company,date,amount\n{'k' * 200},{'c' * 200},2023-10,$4M\n")
    frame = ac.read_table(path, "cash_balances")
    assert (len(frame["id"][0]), len(frame["company"][0])) == (200, 200)


@pytest.mark.parametrize(
    ("field", "kind"), [("investors", "funding_rounds"), ("sources", "expenses")]
)
def test_a_listed_id_past_200_characters_is_refused(tmp_path: Path, field: str, kind: str) -> None:
    path = tmp_path / f"{kind}.csv"
    head = {
        "funding_rounds": "id,company,amount,date,investors\nr1,acme,$10M,2023-01",
        "expenses": "id,company,category,amount,date,sources\ne1,acme,opex,$1M,2023-05",
    }[kind]
    path.write_text(f'{head},"fund-a, {LONG}"\n')
    assert _problems(path, kind) == [
        (2, 0, field, "too-long", repr("a" * 40) + "... (300 characters)")
    ]


def test_the_loader_refuses_the_same_long_reference(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        f"entities:\n- id: acme\n  name: Acme\n  type: company\n  controlled_by: [{LONG}]\n"
    )
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    (problem,) = caught.value.problems
    assert problem.code == "too-long"
    assert problem.expected == "an id or word of at most 200 characters"
