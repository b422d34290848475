"""A GPU order's count given as a range or an open figure keeps its ends: the ``gpu_orders``
frame has ``quantity_low``/``quantity_high`` (a range's ends, an open figure's at the widths, an
exact count itself), ``read_table`` gives the same columns from the same cells, and
``gpu_prices`` prices an order's total over them: $330M for '10,000 to 12,000' GPUs is $30,000 a
unit at the midpoint, $27,500 to $33,000 at the ends (it was $30,000 with no range). Figures
worked by hand from the records here."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import LedgerError

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: v, name: Vendor, type: chip_vendor}
"""

# (id, quantity, total, unit price) as written
ORDERS = [
    ("ranged", "10,000 to 12,000", "$330M", ""),
    ("about", "about 1,000", "$40M to $50M", ""),
    ("ceiling", "up to 2,000", "$100M", ""),
    ("more", "more than 4,000", "$200M", ""),
    ("unit", "10,000 to 12,000", "", "$30,000"),
    ("exact", "1,000", "about $40M", ""),
]


def _yaml(orders: list[tuple[str, str, str, str]]) -> str:
    rows = []
    for i, (oid, qty, total, unit) in enumerate(orders):
        money = f"total: '{total}'" if total else f"unit_price: '{unit}'"
        rows.append(
            f"- {{id: {oid}, buyer: a, vendor: v, sku: H100, quantity: '{qty}', {money},\n"
            f"   order_date: 2024-{i + 1:02d}, sources: [s]}}\n"
        )
    return HEAD.lstrip("\n") + "gpu_orders:\n" + "".join(rows)


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(_yaml(ORDERS)))


def _csv(path: Path, orders: list[tuple[str, str, str, str]]) -> Path:
    """The orders as a table (order dates and sources as :func:`_yaml` writes them)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", "buyer", "vendor", "sku", "quantity", "total", "unit_price", *LAST])
        for i, (oid, qty, total, unit) in enumerate(orders):
            w.writerow([oid, "a", "v", "H100", qty, total, unit, f"2024-{i + 1:02d}", "s"])
    return path


LAST = ["order_date", "sources"]


def test_the_frame_keeps_the_counts_ends(ledger: ac.Ledger) -> None:
    frame = ledger.frame("gpu_orders").set_index("id")
    ends = frame[["quantity", "quantity_low", "quantity_high"]].astype(int)
    # a range: its midpoint and ends; about 1,000: 0.9 and 1.1 of it; up to 2,000: 0 to 2,000;
    # more than 4,000: 4,000 to 1.25 x 4,000 = 5,000; an exact count: itself
    assert ends.to_dict("index") == {
        "ranged": {"quantity": 11_000, "quantity_low": 10_000, "quantity_high": 12_000},
        "about": {"quantity": 1_000, "quantity_low": 900, "quantity_high": 1_100},
        "ceiling": {"quantity": 2_000, "quantity_low": 0, "quantity_high": 2_000},
        "more": {"quantity": 4_000, "quantity_low": 4_000, "quantity_high": 5_000},
        "unit": {"quantity": 11_000, "quantity_low": 10_000, "quantity_high": 12_000},
        "exact": {"quantity": 1_000, "quantity_low": 1_000, "quantity_high": 1_000},
    }
    assert str(frame["quantity_low"].dtype) == str(frame["quantity_high"].dtype) == "Int64"
    # the last columns: the derived ones, in order
    assert list(frame.columns[-4:]) == [
        "scheduled_quantity",
        "delivered_quantity",
        "quantity_low",
        "quantity_high",
    ]


def test_unit_prices_reach_over_the_counts_ends(ledger: ac.Ledger) -> None:
    frame = ac.gpu_prices(ledger).frame.set_index("record")
    got = {
        r: [frame.loc[r, c] for c in ("unit_usd", "unit_low_usd", "unit_high_usd")]
        for r in frame.index
    }
    # ranged: $330M / 11,000 = $30,000; $330M / 12,000 = $27,500; $330M / 10,000 = $33,000
    assert got["ranged"] == pytest.approx([30_000, 27_500, 33_000])
    # about: $45M (the range's midpoint) / 1,000 = $45,000; $40M / 1,100 = $36,363.64;
    # $50M / 900 = $55,555.56
    assert got["about"] == pytest.approx([45_000, 40e6 / 1_100, 50e6 / 900])
    # more than 4,000 for $200M: $50,000; $200M / 5,000 = $40,000 to $200M / 4,000 = $50,000
    assert got["more"] == pytest.approx([50_000, 40_000, 50_000])
    # up to 2,000 for $100M: at least $100M / 2,000 = $50,000, no high end (a low end of 0)
    assert got["ceiling"][:2] == pytest.approx([50_000, 50_000])
    assert np.isnan(got["ceiling"][2])
    # an order's own unit price does not depend on its count: $30,000, exact
    assert got["unit"] == pytest.approx([30_000] * 3)
    # an exact count: the money's ends alone, about $40M / 1,000: $36,000 to $44,000
    assert got["exact"] == pytest.approx([40_000, 36_000, 44_000])
    figures = frame["figure"].to_dict()
    assert figures == {
        "ranged": "range",  # an exact total over a range of GPUs
        "about": "range",  # the total's own kind
        "ceiling": "lower",  # at least $50,000 a unit
        "more": "range",
        "unit": "exact",
        "exact": "approx",
    }


def test_the_ledgers_widths_set_the_open_ends(ledger: ac.Ledger) -> None:
    wide = ledger.with_widths({"about": (0.8, 1.2)})
    row = wide.frame("gpu_orders").set_index("id").loc["about"]
    assert (int(row["quantity_low"]), int(row["quantity_high"])) == (800, 1_200)
    price = ac.gpu_prices(wide).frame.set_index("record").loc["about"]
    # $40M / 1,200 = $33,333.33; $50M / 800 = $62,500
    assert [price["unit_low_usd"], price["unit_high_usd"]] == pytest.approx([40e6 / 1_200, 62_500])


def test_a_reallocation_is_valued_over_the_counts_ends(ledger_text: LedgerText) -> None:
    text = _yaml(ORDERS[:1]).replace(
        "- {id: v, name: Vendor", "- {id: b, name: B, type: company}\n- {id: v, name: Vendor"
    )
    text += (
        "gpu_reallocations:\n"
        "- {id: m, order: ranged, from_entity: a, to_entity: b, quantity: 100, date: 2024-03,\n"
        "   sources: [s]}\n"
    )
    row = ac.reallocations(ac.load(ledger_text(text))).frame.iloc[0]
    # 100 units at $30,000 ($27,500 to $33,000): $3M, $2.75M to $3.3M
    assert [row["value_usd"], row["value_low_usd"], row["value_high_usd"]] == pytest.approx(
        [3e6, 2.75e6, 3.3e6]
    )
    assert row["value_figure"] == "range"


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_table_gives_the_ledgers_frame(ledger: ac.Ledger, tmp_path: Path, fmt: str) -> None:
    path = _csv(tmp_path / "orders.csv", ORDERS)
    if fmt == "parquet":
        table = pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
        path = tmp_path / "orders.parquet"
        table.to_parquet(path)
    got = ac.read_table(path, "gpu_orders")
    want = ledger.frame("gpu_orders")
    assert got[["quantity_low", "quantity_high"]].equals(want[["quantity_low", "quantity_high"]])
    # the table has no deliveries (NA, as documented) nor reporting dates (from the sources)
    unknown = ["scheduled_quantity", "delivered_quantity"]
    assert got[unknown].isna().all().all()
    drop = [*unknown, *(c for c in want.columns if c.startswith("reported_"))]
    pd.testing.assert_frame_equal(got.drop(columns=drop), want.drop(columns=drop))
    # and the unit prices of the table are the ledger's
    pd.testing.assert_frame_equal(
        ac.gpu_prices({"gpu_orders": got}).frame, ac.gpu_prices(ledger).frame
    )


def test_a_count_repeated_down_a_table_reads_once_to_the_same_ends(tmp_path: Path) -> None:
    rows = [(f"o{i}", "10,000 to 12,000" if i % 2 else "about 1,000", "$1M", "") for i in range(6)]
    got = ac.read_table(_csv(tmp_path / "orders.csv", rows), "gpu_orders")
    assert got["quantity_low"].tolist() == [900, 10_000] * 3
    assert got["quantity_high"].tolist() == [1_100, 12_000] * 3


def test_a_bad_count_is_refused_at_its_row(tmp_path: Path) -> None:
    rows = [("o1", "1,000", "$1M", ""), ("o2", "1,000.5", "$1M", ""), ("o3", "0", "$1M", "")]
    path = _csv(tmp_path / "orders.csv", rows)
    with pytest.raises(LedgerError) as info:
        ac.read_table(path, "gpu_orders")
    got = [
        (p.file, p.line, p.record_id, p.field, p.expected, p.found, p.code)
        for p in info.value.problems
    ]
    assert got == [
        (
            str(path),
            3,
            "o2",
            "quantity",
            "a whole number of GPUs like 12,000",
            "'1,000.5'",
            "bad-capacity",
        ),
        (
            str(path),
            4,
            "o3",
            "quantity",
            "a number of GPUs greater than 0 and at most 1,000,000,000",
            "'0'",
            "out-of-range",
        ),
    ]
