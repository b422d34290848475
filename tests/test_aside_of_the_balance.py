"""A runway names the cash reports set aside of the balance it starts from, not those of an
earlier balance: a runway from June said nothing wrong, but listed March's conflict."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
sources:
- {id: s1, outlet: A, title: One, date: 2024-04-10}
- {id: s2, outlet: B, title: Two, date: 2024-04-20}
- {id: s3, outlet: C, title: Three, date: 2024-07-05}
entities:
- {id: co, name: Co, type: company}
cash_balances:
- {id: mar-a, company: co, date: 2024-03-31, amount: $20M, sources: [s1]}
- {id: mar-b, company: co, date: 2024-03-31, amount: $18M, sources: [s2]}
- {id: jun, company: co, date: 2024-06-30, amount: $15M, sources: [s3]}
expenses:
- {id: opex, company: co, category: opex, rate: $1M/month, date: 2024, sources: [s1]}
"""


def _aside(r: ac.Result) -> list[str]:
    return [a for a in r.assumptions if "conflicting cash reports" in a]


def test_only_the_reports_of_the_balance_used(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    led = ac.load(path)
    # from March (the later report, mar-b's $18M, kept): mar-a is named
    april = ac.runway(led, "co", as_of="2024-04")
    assert april.frame["balance_record"].item() == "mar-b"
    assert len(_aside(april)) == 1
    assert "mar-a" in _aside(april)[0]
    # from June: March's conflict is not this runway's
    june = ac.runway(led, "co", as_of="2024-06")
    assert june.frame["balance_record"].item() == "jun"
    assert june.months == pytest.approx(15.0)
    assert _aside(june) == []
    # every entity at once, each its own date: the same
    per = ac.runways(led, as_of={"co": "2024-06"})["disbursed"]
    assert _aside(per) == []
