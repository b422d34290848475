"""Review of the commits after 2a2fbea (4 December): each test fails on the code before its fix.

- Compact ranges whose low end borrows the high end's scale (``1.000-2.000M``): dc5301b refused
  them for shares and GPUs (read as 1M to 2M before it), as Money.parse refused ``$1.000-2.000M``,
  though ``1.000M-2.000M`` and ``€7.000M`` are read: the scale word makes the point a decimal
  point.
- Ledger.save's foreign-file refusal (1316cf9) over ledger files it did not read: one starting
  with a document start ``---`` (or a ``%YAML`` directive), a quoted or indented format key or a
  flow mapping was refused as no ledger file, though ``ac.load`` reads each as a ledger.
- The contradiction hint (c1cd3e7) said rounds 'dated within 120 days of each other' are one
  fact, of two rounds 200 days apart chained by a report between them: it names the chain now.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.money import Money
from aicapex.shares import ShareCount

# -- compact ranges with a scale: the low end borrows it -----------------------------------------


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [
        ("1.000-2.000M", 1_000_000, 2_000_000),
        ("10.000–12.000K", 10_000, 12_000),  # an en dash
        ("12.000-13M", 12_000_000, 13_000_000),
    ],
)
def test_a_compact_share_range_borrowing_a_scale_is_read(written: str, low: int, high: int) -> None:
    count = ShareCount.parse(written)
    assert count.span == (Decimal(low), Decimal(high))
    assert count.count == Decimal(low + high) / 2


@pytest.mark.parametrize(
    ("written", "low", "high"),
    [("$1.000-2.000M", 1_000_000, 2_000_000), ("€10.000-12.000K", 10_000, 12_000)],
)
def test_a_compact_money_range_borrowing_a_scale_is_read(written: str, low: int, high: int) -> None:
    assert Money.parse(written).span == (Decimal(low), Decimal(high))


@pytest.mark.parametrize(
    ("count", "money"),
    [
        ("10.000-12.000", "$10.000-12.000"),
        ("1.000 to 2M", "$1.000 to $2M"),
        ("1.000M-2.000", "$1.000M-2.000"),
        ("between 1.000 and 2.000M", "between $1.000 and $2.000M"),
        ("12.000", "€12.000"),
    ],
)
def test_a_range_end_without_a_scale_of_its_own_is_still_refused(count: str, money: str) -> None:
    # 'to' and 'between' ranges give each end its own scale: '1.000 to 2M' starts at 1 or 1,000
    with pytest.raises(ValueError, match="a point and three zeros"):
        ShareCount.parse(count)
    with pytest.raises(ValueError, match="by the thousands separator"):
        Money.parse(money)


_ORDER = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: nv, name: NV, type: chip_vendor}
gpu_orders:
- {id: g1, buyer: co, vendor: nv, sku: H100, quantity: '10.000-12.000K', order_date: 2023,
   sources: [s1]}
share_counts:
- {id: c1, company: co, date: 2024, basic: '1.000-2.000M', sources: [s1]}
"""


def test_a_ledger_with_compact_ranges_borrowing_a_scale_loads(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(_ORDER, encoding="utf-8")
    ledger = ac.load(path)
    (order,) = ledger.records("gpu_orders")
    assert int(order.quantity) == 11_000  # (10,000 + 12,000) / 2
    assert order.quantity.span == (10_000, 12_000)
    (counted,) = ledger.records("share_counts")
    assert counted.basic.span == (Decimal(1_000_000), Decimal(2_000_000))


def test_a_table_with_a_compact_count_range_borrowing_a_scale_reads(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,buyer,vendor,sku,quantity,order_date\ng1,co,nv,H100,10.000-12.000K,2023\n",
        encoding="utf-8",
    )
    frame = ac.read_table(path, "gpu_orders")
    assert frame[["quantity", "quantity_low", "quantity_high"]].iloc[0].tolist() == [
        11_000,
        10_000,
        12_000,
    ]


# -- Ledger.save over a ledger file it did not read ---------------------------------------------

_LEDGER_FILES = [
    "---\naicapex: 1\n",
    "---\r\naicapex: 1\r\n",
    "%YAML 1.2\n---\naicapex: 1\n",
    '"aicapex": 1\n',
    "'aicapex': 1\n",
    "{aicapex: 1}\n",
    "  aicapex: 1\n",
]


@pytest.mark.parametrize("text", _LEDGER_FILES)
def test_save_replaces_a_ledger_file_written_another_way(tmp_path: Path, text: str) -> None:
    path = tmp_path / "other.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert len(ac.load(path)) == 0  # a ledger file, of no records
    saved = ac.Ledger([])
    saved.save(path)  # was refused: foreign-file
    assert path.read_text(encoding="utf-8") == "aicapex: 1\n\n"


@pytest.mark.parametrize(
    "text", ["---\nnotes: hi\naicapex: 1\n", "\"aicapex': 1\n", "aicapexx: 1\n"]
)
def test_save_still_refuses_a_file_whose_first_entry_is_another(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        ac.Ledger([]).save(path)
    assert [p.code for p in info.value.problems] == ["foreign-file"]
    assert path.read_text(encoding="utf-8") == text


# -- the contradiction hint of a chain of reports -----------------------------------------------

_CHAIN = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-07}
entities:
- {id: zeta, name: Zeta, type: company}
funding_rounds:
- {id: z1, company: zeta, date: 2023-01-01, amount: $10M, status: closed, sources: [s1]}
- {id: z2, company: zeta, date: 2023-04-11, amount: $10M, status: closed}
- {id: z3, company: zeta, date: 2023-07-20, amount: at least $50M, status: closed, sources: [s1]}
"""


def test_the_contradiction_of_a_chain_says_the_chain_makes_one_fact(tmp_path: Path) -> None:
    # z1 and z3 are 200 days apart: one fact only through z2 (100 days from each)
    path = tmp_path / "chain.yaml"
    path.write_text(_CHAIN, encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    (problem,) = info.value.problems
    assert (problem.code, problem.record_id, problem.line) == ("contradiction", "z3", 9)
    assert "$10M (z1)" in problem.expected
    assert "chains of them (each within 120 days of the one before)" in problem.found
