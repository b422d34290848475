"""A what-if leaving out a record reported after ``known_on`` leaves out nothing (the record is
not known then) and says so; it was refused as "no flows or cash balance with that id"."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
sources:
- {id: early, outlet: A, title: Early, date: 2024-01-15}
- {id: late, outlet: B, title: Late, date: 2024-03-10}
entities:
- {id: co, name: Co, type: company}
- {id: fund, name: Fund, type: investor}
cash_balances:
- {id: cash, company: co, date: 2024-01, amount: $10M, sources: [early]}
expenses:
- {id: opex, company: co, category: opex, rate: $1M/month, date: 2023, sources: [early]}
funding_rounds:
- {id: seed, company: co, date: 2024-03, amount: $5M, investors: [{investor: fund}],
   sources: [late]}
"""


@pytest.fixture
def led(tmp_path: Path) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    return ac.load(path)


def test_a_record_not_yet_reported_is_left_out_of_nothing(led: ac.Ledger) -> None:
    # known on 2024-02-01: $10M at $1M a month, 10 months; the seed round is not known yet
    plain = ac.runway(led, "co", as_of="2024-01", known_on="2024-02-01")
    assert plain.months == pytest.approx(10.0)
    r = ac.runway(led, "co", as_of="2024-01", known_on="2024-02-01", exclude=["seed"])
    assert r.months == pytest.approx(10.0)
    assert "seed left out: not reported by 2024-02-01" in r.assumptions
    # known later, the round counts ($5M in March: 15 months) and leaving it out is 10 again
    assert ac.runway(led, "co", as_of="2024-01").months == pytest.approx(15.0)
    gone = ac.runway(led, "co", as_of="2024-01", exclude=["seed"])
    assert gone.months == pytest.approx(10.0)
    assert not any("not reported by" in a for a in gone.assumptions)


def test_a_typo_is_still_refused(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="got 'sead': no flows or cash balance with that id"):
        ac.runway(led, "co", as_of="2024-01", known_on="2024-02-01", exclude=["sead"])
