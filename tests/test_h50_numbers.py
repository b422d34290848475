"""Numbers out of their range or of no number's form say what a number there is, not pydantic's
words (helper-50's bad-input review): an exchange rate '.nan' read "expected a valid decimal",
True "decimal input should be an integer, float, string or Decimal object", a count of
1,000,000,001 GPUs "expected less than or equal to 1000000000"."""

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
"""


def one(tmp_path: Path, text: str) -> ac.Problem:
    path = tmp_path / "l.yaml"
    path.write_text(HEAD + text)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    (p,) = caught.value.problems
    assert p.file == str(path)
    return p


@pytest.mark.parametrize("written", [".nan", ".inf", "'$1.1'", "true", "1.1 to 1.2"])
def test_a_rate_that_is_no_number(tmp_path: Path, written: str) -> None:
    p = one(
        tmp_path,
        f"fx_rates:\n- {{id: f1, currency: EUR, date: 2023, usd: {written}, sources: [s1]}}\n",
    )
    assert (p.code, p.field, p.line) == ("invalid-value", "usd", 8)
    assert p.expected == "a number like 1.08 (digits only: no currency or unit)"


def test_a_rate_of_zero(tmp_path: Path) -> None:
    p = one(tmp_path, "fx_rates:\n- {id: f1, currency: EUR, date: 2023, usd: 0, sources: [s1]}\n")
    assert (p.code, p.field, p.expected, p.found) == (
        "out-of-range",
        "usd",
        "a number greater than 0",
        "0",
    )


def test_a_count_past_its_limit(tmp_path: Path) -> None:
    p = one(
        tmp_path,
        "gpu_orders:\n- {id: g1, buyer: co, vendor: nv, sku: H100, quantity: 1000000001, "
        "order_date: 2023, sources: [s1]}\n",
    )
    assert (p.code, p.field, p.expected) == (
        "out-of-range",
        "quantity",
        "a number of at most 1,000,000,000",
    )
