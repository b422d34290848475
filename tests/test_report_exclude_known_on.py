"""``exclude=`` with ``known_on=``: a typo of a record reported after ``known_on`` gets the
record suggested, saying it was reported after ``known_on`` (it got no suggestion: the ids
suggested were only those of the data read), as without ``known_on``."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.table.adjust import reported_later

# cash and opex reported on 2024-01-15 (source early); the seed round on 2024-03-10 (late):
# known on 2024-02-01, the ledger holds cash and opex; seed is reported later.
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

LATE = "(did you mean 'seed'? It was reported after known_on: not in the data read.)"


@pytest.fixture
def led(tmp_path: Path) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    return ac.load(path)


def test_a_typo_of_a_later_record_is_suggested_and_said(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="no flows or cash balance with that id") as caught:
        ac.runway(led, "co", as_of="2024-01", known_on="2024-02-01", exclude=["sead"])
    assert str(caught.value).endswith(f"got 'sead': no flows or cash balance with that id {LATE}")


def test_without_known_on_the_suggestion_is_plain(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="no flows or cash balance with that id") as caught:
        ac.runway(led, "co", as_of="2024-01", exclude=["sead"])
    assert str(caught.value).endswith("with that id (did you mean 'seed'?)")


def test_a_typo_of_a_record_known_then_is_plain(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="no flows or cash balance with that id") as caught:
        ac.runway(led, "co", as_of="2024-01", known_on="2024-02-01", exclude=["opx"])
    assert str(caught.value).endswith("with that id (did you mean 'opex'?)")


def test_reported_later(led: ac.Ledger) -> None:
    assert list(reported_later(led, led.known_on("2024-02-01"))) == ["seed"]
    assert list(reported_later(led, led.known_on("2024-03-10"))) == []
    assert list(reported_later(led, led)) == []
