"""A customer's share of another revenue record whose `share` cannot be read is one problem, at
the share: the record's own checks, run without the failed field (0c01adc), also said 'amount:
expected either an amount or a rate, got neither', which a share of another record never needs
(its amount is derived). The bulk tables said the share alone; now both agree."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

LEDGER = """\
sources:
- {id: s1, outlet: Example News, title: Revenue, date: 2024-06-01}
entities:
- {id: acme, name: Acme, type: company}
- {id: bigco, name: BigCo, type: company}
revenues:
- id: acme-revenue-2023
  sources: [{source: s1, quote: Acme made $10M in 2023.}]
  company: acme
  date: 2023
  amount: $10M
- id: acme-bigco-2023
  sources: [{source: s1, quote: BigCo was most of it.}]
  company: acme
  counterparty: bigco
  date: 2023
  share: most of it
  of: acme-revenue-2023
"""


def test_one_problem_at_the_share(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    problems = caught.value.to_frame()
    assert problems["record_id"].tolist() == ["acme-bigco-2023"]
    assert problems["field"].tolist() == ["share"]


def test_a_share_without_its_record_still_needs_an_amount(tmp_path: Path) -> None:
    """Neither amount, rate, share nor of: the record is no revenue at all."""
    text = LEDGER.replace("  share: most of it\n  of: acme-revenue-2023\n", "")
    path = tmp_path / "ledger.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        ac.load(path)
    assert caught.value.to_frame()["field"].tolist() == ["amount"]
