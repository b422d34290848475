"""A GPU count written with an exponent (``1e4``) reads alike unquoted in YAML (the core
schema's number), quoted, and in a CSV table (refused there before); a fraction stays refused."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac

HEAD = """\
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-08}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: nvidia, name: Nvidia, type: company}
gpu_orders:
"""


@pytest.mark.parametrize(
    ("written", "units"), [("1e4", 10_000), ("'1e4'", 10_000), ("1.2E+4", 12_000)]
)
def test_yaml_reads_it_quoted_or_not(tmp_path: Path, written: str, units: int) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        HEAD
        + f"- {{id: o, buyer: acme, vendor: nvidia, sku: H100, quantity: {written},"
        + " order_date: 2024-01, status: committed, sources: [s1]}\n",
        encoding="utf-8",
    )
    (order,) = ac.load(path).records("gpu_orders")
    assert int(order.quantity) == units  # type: ignore[attr-defined]


def test_a_table_reads_it_as_the_loader(tmp_path: Path) -> None:
    path = tmp_path / "gpu_orders.csv"
    pd.DataFrame(
        {
            "id": ["o1", "o2"],
            "buyer": ["acme", "acme"],
            "vendor": ["nvidia", "nvidia"],
            "sku": ["H100", "H100"],
            "quantity": ["1e4", "2500"],
            "order_date": ["2024-01", "2024-02"],
            "status": ["committed", "committed"],
        }
    ).to_csv(path, index=False)
    table = ac.read_table(path, "gpu_orders")
    assert list(table["quantity"]) == [10_000, 2_500]


@pytest.mark.parametrize("written", ["'1e-2'", "'1.5e0'"])
def test_a_fraction_stays_refused(tmp_path: Path, written: str) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        HEAD
        + f"- {{id: o, buyer: acme, vendor: nvidia, sku: H100, quantity: {written},"
        + " order_date: 2024-01, status: committed, sources: [s1]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    assert [p.field for p in info.value.problems] == ["quantity"]
