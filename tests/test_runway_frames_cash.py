"""runway over frames by kind takes their own cash balances (it asked for cash= although the
frames held them, while scenarios took them); under conflicts='all' the runway inputs (and so
the scenarios) say the conflicting cash reports are spanned, not set aside."""

from __future__ import annotations

import pytest

import aicapex as ac
from aicapex.analysis.runway import runway_inputs

KINDS = ("expenses", "revenues", "cash_balances", "funding_rounds", "tranches", "entities")


def test_frames_with_their_balances(bundled: ac.Ledger) -> None:
    """Stability AI from the same records as frames: 0.34 months, as from the ledger."""
    frames = {k: bundled.frame(k) for k in KINDS}
    from_frames = ac.runway(frames, "stability-ai", as_of="2023-10")
    from_ledger = ac.runway(bundled, "stability-ai", as_of="2023-10")
    assert from_frames.months == pytest.approx(from_ledger.months)
    assert from_frames.cash_out == from_ledger.cash_out
    # a cash= given wins over the frames' own
    given = ac.runway(frames, "stability-ai", as_of="2023-10", cash={"stability-ai": 8e6})
    assert given.months > from_frames.months


def test_frames_without_balances_still_ask_for_them(bundled: ac.Ledger) -> None:
    frames = {k: bundled.frame(k) for k in KINDS if k != "cash_balances"}
    with pytest.raises(ValueError, match="runway needs cash balances"):
        ac.runway(frames, "stability-ai", as_of="2023-10")


def test_spanned_reports_are_not_said_set_aside(bundled: ac.Ledger) -> None:
    """Stability AI's two reports of its October 2023 cash ($4M; less than $4M): 'all' spans
    them, 'latest' sets one aside; the inputs' notes say which."""
    spanned = runway_inputs(bundled, "stability-ai", "2023-10", conflicts="all")
    latest = runway_inputs(bundled, "stability-ai", "2023-10")
    spanned_notes = " ".join(spanned.assumptions)
    assert "spanned" in spanned_notes
    assert "set aside" not in spanned_notes
    assert "set aside" in " ".join(latest.assumptions)
