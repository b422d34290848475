"""An order's deliveries are compared with it by the figures' hard claims, as the reallocation
checks read them (``records.base.claimed_units``): an order of '10,000 to 12,000' may deliver
11,500 (the base figure, 11,000, refused it); 'about 10,000' sets no limit; deliveries count at
their low ends. ``load`` and ``read_table(..., parents=)`` refuse the same orders with the same
words."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

CASES = [
    # (ordered, delivered counts, refused, expected words, found words)
    ("10,000 to 12,000", ["11,500"], False, None, None),
    ("10,000 to 12,000", ["12,000"], False, None, None),
    ("10,000 to 12,000", ["12,001"], True, "at most the 10,000 to 12,000 GPUs ordered", "12,001"),
    ("about 10,000", ["10,500"], False, None, None),
    ("more than 10,000", ["50,000"], False, None, None),
    ("10000", ["6000", "4001"], True, "at most the 10,000 GPUs ordered", "10,001"),
    ("10000", ["about 6,000", "about 6,000"], False, None, None),  # about: no low end claimed
    # a range delivered counts at its low end: 6,000 + 5,000 of 10,000 is too many
    (
        "10000",
        ["6,000 to 7,000", "5,000"],
        True,
        "at most the 10,000 GPUs ordered",
        "11,500 (at least 11,000)",
    ),
    ("up to 10,000", ["9,000", "2,000"], True, "at most the up to 10,000 GPUs ordered", "11,000"),
]


def _ledger(tmp_path: Path, ordered: str, delivered: list[str]) -> Path:
    rows = "".join(f"    - {{date: 2024-06, quantity: '{d}'}}\n" for d in delivered)
    text = f"""entities:
- {{id: a, name: A, type: company}}
- {{id: v, name: V, type: chip_vendor}}
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: '{ordered}'
  order_date: 2024-01
  status: delivered
  delivered:
{rows}"""
    path = tmp_path / "ledger.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _tables(tmp_path: Path, ordered: str, delivered: list[str]) -> tuple[Path, Path]:
    orders, items = tmp_path / "orders.csv", tmp_path / "deliveries.csv"
    with orders.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "buyer", "vendor", "sku", "quantity", "order_date", "status"])
        w.writerow(["o1", "a", "v", "H100", ordered, "2024-01", "delivered"])
    with items.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["order", "buyer", "status", "date", "quantity"])
        for d in delivered:
            w.writerow(["o1", "a", "delivered", "2024-06", d])
    return orders, items


@pytest.mark.parametrize(("ordered", "delivered", "refused", "expected", "found"), CASES)
def test_load_and_tables_agree(
    tmp_path: Path,
    ordered: str,
    delivered: list[str],
    refused: bool,
    expected: str | None,
    found: str | None,
) -> None:
    path = _ledger(tmp_path, ordered, delivered)
    orders, items = _tables(tmp_path, ordered, delivered)
    if not refused:
        led = ac.load(path)
        assert len(led.records("gpu_orders")) == 1
        table = ac.read_table(items, "deliveries", parents=orders)
        assert len(table) == len(delivered)
        return
    problems: list[Any] = []
    for attempt in (
        lambda: ac.load(path),
        lambda: ac.read_table(items, "deliveries", parents=orders),
    ):
        with pytest.raises(LedgerError) as info:
            attempt()
        (problem,) = info.value.problems
        problems.append(problem)
    for problem in problems:
        assert (problem.record_id, problem.field, problem.code) == (
            "o1",
            "delivered",
            "inconsistent",
        )
        assert (problem.expected, problem.found) == (expected, found)
