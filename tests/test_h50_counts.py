"""A GPU count written with a point and three zeros is refused (helper-50's bad-input review):
``quantity: 12.000`` loaded as 12 GPUs, where the thousands separator of many languages (and
the French and German sources the ledgers cite) makes it 12,000: a thousand times off,
silently. Counts are whole: no other decimals are meant."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: nv, name: NV, type: chip_vendor}
gpu_orders:
"""


def write(tmp_path: Path, quantity: str, more: str = "") -> Path:
    path = tmp_path / "l.yaml"
    path.write_text(
        HEAD + f"- {{id: g1, buyer: co, vendor: nv, sku: H100, quantity: {quantity}, "
        f"order_date: 2023, sources: [s1]{more}}}\n"
    )
    return path


@pytest.mark.parametrize(
    ("written", "whole", "found"),
    [("12.000", 12, "12.000"), ("'12.000'", 12, "'12.000'"), ("1.000", 1, "1.000")],
)
def test_a_count_with_a_point_and_three_zeros_is_refused(
    tmp_path: Path, written: str, whole: int, found: str
) -> None:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(write(tmp_path, written))
    (p,) = caught.value.problems
    assert (p.code, p.field, p.line) == ("bad-capacity", "quantity", 8)
    assert p.expected == f"a whole number of GPUs like {whole * 1000:,} or {whole}"
    assert p.found.startswith(f"{found} (a point and three zeros: {whole} by the decimal point")


def test_a_delivery_count_too(tmp_path: Path) -> None:
    path = write(tmp_path, "12000", ", delivered: [{date: 2024, quantity: 5.000}]")
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    assert [(p.code, p.field) for p in caught.value.problems] == [
        ("bad-capacity", "delivered.0.quantity")
    ]


@pytest.mark.parametrize(
    ("written", "count"),
    [("12000", 12000), ("'12,000'", 12000), ("12.0", 12), ("12000.000", 12000), ("12.00", 12)],
)
def test_other_whole_counts_load(tmp_path: Path, written: str, count: int) -> None:
    # 12000.000 has four digits before the point: no thousands separator reads it so
    (order,) = ac.load(write(tmp_path, written)).records("gpu_orders")
    assert order.quantity == count


@pytest.mark.parametrize(
    ("written", "whole"),
    [("about 12.000", 12), ("up to 12.000", 12), ("10.000 to 12.000", 10), ("~5.000", 5)],
)
def test_a_qualified_or_ranged_count_with_a_point_and_three_zeros_is_refused(
    tmp_path: Path, written: str, whole: int
) -> None:
    # 'about 12.000' was read 'about 12' GPUs: the qualifier took the count past the check
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(write(tmp_path, f"'{written}'"))
    (p,) = caught.value.problems
    assert (p.code, p.field, p.line) == ("bad-capacity", "quantity", 8)
    assert p.expected == f"a whole number of GPUs like {whole * 1000:,} or {whole}"
    assert "a point and three zeros" in p.found


@pytest.mark.parametrize(
    ("written", "count"),
    [("about 12,000", 12000), ("10,000 to 12,000", 11000), ("about 12.000K", 12000)],
)
def test_qualified_counts_with_separators_or_scales_load(
    tmp_path: Path, written: str, count: int
) -> None:
    (order,) = ac.load(write(tmp_path, f"'{written}'")).records("gpu_orders")
    assert int(order.quantity) == count


SHARES = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
share_counts:
- {id: c1, company: co, date: 2024, basic: '%s', sources: [s1]}
"""


@pytest.mark.parametrize(
    ("written", "whole"), [("12.000", 12), ("about 12.000", 12), ("1.000 to 2.000", 1)]
)
def test_a_share_count_with_a_point_and_three_zeros_is_refused(
    tmp_path: Path, written: str, whole: int
) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SHARES % written)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    (p,) = caught.value.problems
    assert (p.record_id, p.field, p.line) == ("c1", "basic", 7)
    assert p.expected == f"a whole number of shares like '{whole * 1000:,}' or '{whole}'"
    assert "a point and three zeros" in p.found


@pytest.mark.parametrize(("written", "count"), [("12,000", 12000), ("about 1.6B", 1.6e9)])
def test_other_share_counts_load(tmp_path: Path, written: str, count: float) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(SHARES % written)
    (rec,) = ac.load(path).records("share_counts")
    assert float(rec.basic.count) == count
