"""A what-if leaving out the cash report a runway starts from lets another report of the same
fact stand (it was set aside only because it conflicted): Stability AI's October 2023 cash is
reported as $4M (latest, kept) and 'less than $4M' (set aside). Leaving the kept one out gave
'no cash balance'; the other report is now the start, a bound."""

from __future__ import annotations

import pytest

import aicapex as ac

AS_OF = "2023-10"


def test_the_other_report_stands(bundled: ac.Ledger) -> None:
    r = ac.runway(bundled, "stability-ai", as_of=AS_OF, exclude=["stability-cash-2023-10"])
    row = r.frame.iloc[0]
    assert row["balance_record"] == "stability-cash-2023-10-upper"
    assert row["bound"] == "upper"
    assert row["balance_usd"] == pytest.approx(4e6)
    assert any("records left out: stability-cash-2023-10" in a for a in r.assumptions)
    assert not any("set aside" in a for a in r.assumptions)  # nothing conflicts any more


def test_leaving_out_the_set_aside_report_keeps_the_start(bundled: ac.Ledger) -> None:
    plain = ac.runway(bundled, "stability-ai", as_of=AS_OF)
    r = ac.runway(bundled, "stability-ai", as_of=AS_OF, exclude=["stability-cash-2023-10-upper"])
    assert r.frame["balance_record"].item() == plain.frame["balance_record"].item()
    assert r.months == pytest.approx(plain.months)


def test_both_left_out_or_a_typo(bundled: ac.Ledger) -> None:
    both = ["stability-cash-2023-10", "stability-cash-2023-10-upper"]
    with pytest.raises(ValueError, match="no cash balance of 'stability-ai'"):
        ac.runway(bundled, "stability-ai", as_of=AS_OF, exclude=both)
    with pytest.raises(ValueError, match="did you mean 'stability-cash-2023-10'"):
        ac.runway(bundled, "stability-ai", as_of=AS_OF, exclude=["stability-cash-2023-1"])
