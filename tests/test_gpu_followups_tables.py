"""Bulk ``gpu_reallocations`` tables are not checked against the orders they name (documented
in docs/tables.md and ``read_table``'s docs): ``parents=`` takes tables of items only, so the
load's ``sku-not-order`` has no table counterpart. The same records: refused at load, read from
tables, and ``gpu_fleet`` of the tables counts the move as written. Figures by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.tablerules import PARENTS_EXPECTED

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, sku: B200, from_entity: a, to_entity: b, quantity: 40, date: 2024-03,
   sources: [s]}
"""


def _tables(tmp_path: Path) -> tuple[Path, Path]:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "id,buyer,vendor,sku,quantity,order_date,sources\no1,a,v,H100,100,2024-01,s\n",
        encoding="utf-8",
    )
    moves = tmp_path / "moves.csv"
    moves.write_text(
        "id,order,sku,from_entity,to_entity,quantity,date,sources\nr1,o1,B200,a,b,40,2024-03,s\n",
        encoding="utf-8",
    )
    return orders, moves


def test_the_load_refuses_a_move_of_another_sku(ledger_text: LedgerText) -> None:
    path = ledger_text(LEDGER)
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    (p,) = info.value.problems
    lines = path.read_text(encoding="utf-8").splitlines()
    line = 1 + next(i for i, text in enumerate(lines) if text.startswith("- {id: r1,"))
    assert (p.file, p.line, p.record_id, p.field, p.found, p.code) == (
        str(path),
        line,
        "r1",
        "sku",
        "'B200'",
        "sku-not-order",
    )
    assert p.expected.startswith("the SKU of its order 'o1', 'H100' as written")


def test_a_table_of_moves_takes_no_parents(tmp_path: Path) -> None:
    orders, moves = _tables(tmp_path)
    with pytest.raises(LedgerError) as info:
        ac.read_table(moves, "gpu_reallocations", parents=orders)
    (p,) = info.value.problems
    assert (p.file, p.line, p.record_id, p.field) == (str(moves), None, None, None)
    assert (p.expected, p.found, p.code) == (
        PARENTS_EXPECTED,
        "parents given for a table of gpu_reallocations",
        "bad-table",
    )
    assert "gpu_reallocations" not in PARENTS_EXPECTED


def test_the_tables_are_read_and_counted_as_written(tmp_path: Path) -> None:
    """The documented limit: the move reads, and gpu_fleet moves 40 B200 out of a's position
    (a: 100 H100 and -40 B200; b: 40 B200), what the load refuses."""
    orders, moves = _tables(tmp_path)
    frames = {
        "gpu_orders": ac.read_table(orders, "gpu_orders"),
        "gpu_reallocations": ac.read_table(moves, "gpu_reallocations"),
    }
    fleet = ac.gpu_fleet(frames, freq="Y").frame
    last = fleet.groupby(["entity", "sku"]).tail(1)
    rows = zip(last["entity"], last["sku"], last["position"], strict=True)
    got = {(e, k): int(p) for e, k, p in rows}
    assert got == {("a", "B200"): -40, ("a", "H100"): 100, ("b", "B200"): 40}
