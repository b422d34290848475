"""``remove(record, start=, end=)`` in a scenario: flows left out in a window of months (analyses
probe).

Past its records, and in a month without one between its records, a stream goes on at its run
rate (:mod:`aicapex.analysis.runrate`). Leaving out a record's flows in months where its stream
has no other record leaves those months without one: the run rate fills them, and the runway
is the same. The explanation said the flows were left out and nothing else; it now says that
those months go on at the run rate, and what stops them (as it does for a window without flows).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

#: $10M at August 31, 2023; payroll $2M, compute $1M and revenue $1M a month over 2023: a net
#: burn of $2M a month, 5 months.
LEDGER = """
aicapex: 1
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
expenses:
- {id: a-pay, company: a, category: payroll, rate: $2M/month, date: 2023, sources: [s1]}
- {id: a-comp, company: a, category: compute, rate: $1M/month, date: 2023, sources: [s1]}
revenues:
- {id: a-rev, company: a, category: sales, rate: $1M/month, date: 2023, sources: [s1]}
cash_balances:
- {id: a-cash, company: a, date: 2023-08-31, amount: $10M, sources: [s1]}
"""


def _compare(led: ac.Ledger, *adjustments: object) -> ac.Comparison:
    return ac.compare(led, "a", [ac.Scenario("base"), ac.Scenario("rm", adjustments)], "2023-08")


def test_flows_left_out_where_the_run_rate_fills_them_say_so(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LEDGER))
    c = _compare(led, ac.remove("a-comp", start="2023-09", end="2023-12"))
    # compute has no other record in September to December: they go on at $1M, as before
    assert list(c.frame["months"]) == pytest.approx([5.0, 5.0])
    lines = c.explain("rm")
    assert lines[0] == "a: records left out from 2023-09 to 2023-12: a-comp"
    assert len(lines) == 2
    assert "a-comp's compute of a from 2023-09 to 2023-12 is left out" in lines[1]
    assert "those months go on at its run rate" in lines[1]
    assert "scale(category='compute', by=0" in lines[1]
    # what the note says stops them: $1M a month of net burn from September to December,
    # 10 - 4 = $6M at December's end, then $2M a month: 4 + 3 = 7 months
    stop = _compare(led, ac.scale(category="compute", by=0, start="2023-09", end="2023-12"))
    assert stop.frame.loc["rm", "months"] == pytest.approx(7.0)
    # revenue left out from October: its stream is filled as well
    rev = _compare(led, ac.remove("a-rev", start="2023-10")).explain("rm")
    assert "a-rev's revenue of a from 2023-10 to 2023-12 is left out" in rev[1]


def test_no_note_where_another_record_of_the_stream_stays(ledger_text: LedgerText) -> None:
    # a second compute record of the same source ($0.5M a month): September to December keep
    # it, and a-comp's $1M is gone there: net 2 + 0.5 - 1 = $1.5M a month, $4M left at
    # December's end; then compute's run rate, the mean of its 12 months to December:
    # (8 x 1.5 + 4 x 0.5) / 12 = 14/12, a net burn of 2 + 14/12 - 1 = 13/6: 4 / (13/6) = 24/13
    text = LEDGER.replace(
        "revenues:",
        "- {id: a-comp2, company: a, category: compute, rate: $0.5M/month, date: 2023, "
        "sources: [s1]}\nrevenues:",
    )
    led = ac.load(ledger_text(text))
    c = _compare(led, ac.remove("a-comp", start="2023-09", end="2023-12"))
    # the base: net 2 + 1.5 - 1 = $2.5M a month: 4 months
    assert c.frame.loc["base", "months"] == pytest.approx(4.0)
    assert c.frame.loc["rm", "months"] == pytest.approx(4 + 24 / 13)
    assert c.explain("rm") == ["a: records left out from 2023-09 to 2023-12: a-comp"]
