"""A stake bought at a price per share, without `paid`: the purchase costs the price times the
shares, held to the money limit (10**15) as every amount is. $1M a share x 1T shares
($10**18) loaded and made flows of -9.2e16 dollars on both sides (int64 cents overflowed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

HEAD = """\
sources:
- id: s1
  outlet: Example News
  title: Stakes
  date: 2024-06-01
entities:
- id: acme
  name: Acme
  type: company
- id: fund
  name: Fund
  type: investor
stakes:
- id: fund-acme
  sources:
  - source: s1
    quote: Fund bought shares of Acme.
  holder: fund
  company: acme
  event: purchase
  purchase: primary
  date: 2024-03
"""


def _write(tmp_path: Path, shares: str, price: str) -> Path:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + f"  shares: {shares}\n  price_per_share: {price}\n", "utf-8")
    return path


@pytest.mark.parametrize(
    ("shares", "price"),
    [("1,000,000,000,000", "$1M"), ("2,000,000", "$600,000,000"), ("1,000,000,001", "$1M")],
)
def test_a_purchase_beyond_the_limit_is_refused_where_written(
    tmp_path: Path, shares: str, price: str
) -> None:
    """$1M x 1T = $10**18; $600M x 2M = $1.2 x 10**15; $1M x 1,000,000,001 = $10**15 + $1M:
    each above the limit, refused at the line of price_per_share."""
    path = _write(tmp_path, shares, price)
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    problems = caught.value.to_frame()
    assert problems["code"].tolist() == ["out-of-range"]
    assert problems["record_id"].tolist() == ["fund-acme"]
    assert problems["field"].tolist() == ["price_per_share"]
    assert problems["line"].tolist() == [path.read_text("utf-8").count("\n")]


def test_a_purchase_at_the_limit_loads_and_moves_its_money(tmp_path: Path) -> None:
    """$1M x 1B shares = $10**15 exactly: loads; Acme receives and Fund pays $10**15."""
    flows = ac.load(_write(tmp_path, "1,000,000,000", "$1M")).flows()
    signed = dict(
        zip(
            flows["entity"].astype(object),
            flows["amount_usd"] * flows["direction"],
            strict=True,
        )
    )
    assert signed == {"acme": 1e15, "fund": -1e15}
