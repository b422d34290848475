"""Tests for the runway's what-if sugar (``exclude=``, ``extra_flows=``) and its path's money
in and money out. Expected figures are derived from the records."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

import aicapex as ac
from aicapex.analysis.runway import runway

ENTITY = "stability-ai"
AS_OF = "2023-10"
INTEL = "stability-2023-intel"


def _raised_here(exc: BaseException) -> None:
    """The error comes from an argument check of aicapex, not from pandas or Python inside."""
    frames = traceback.extract_tb(exc.__traceback__)
    assert "/aicapex/" in frames[-1].filename, frames[-1]


# --- exclude= ------------------------------------------------------------------------------


def test_exclude_as_text_is_one_id(bundled: ac.Ledger) -> None:
    """``exclude="stability-2023-intel"`` was split into its characters (3.72 months, "records
    left out: -, 0, 2, 3, a, b, ..."); one id as text is that id, as with ``Exclude``."""
    moved = [("2023-10", 20e6, "Intel tranche")]
    listed = runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL], extra_flows=moved)
    text = runway(bundled, ENTITY, as_of=AS_OF, exclude=INTEL, extra_flows=moved)
    assert text.months == listed.months
    assert round(text.months, 2) == 2.03
    assert f"records left out: {INTEL}" in text.assumptions
    assert not any("records left out: -" in a for a in text.assumptions)
    # each id once, sorted, however often and in whatever order given
    twice = runway(bundled, ENTITY, as_of=AS_OF, exclude=(i for i in [INTEL, INTEL]))
    assert f"records left out: {INTEL}" in twice.assumptions


@pytest.mark.parametrize("exclude", [5, [1], ["a", None], 2.5])
def test_exclude_of_no_ids_names_the_argument(bundled: ac.Ledger, exclude: Any) -> None:
    with pytest.raises(TypeError, match=r"^exclude: expected a record id or a list") as info:
        runway(bundled, ENTITY, as_of=AS_OF, exclude=exclude)
    assert repr(exclude) in str(info.value)
    _raised_here(info.value)


def test_exclude_of_an_unknown_id_is_refused(bundled: ac.Ledger) -> None:
    """``exclude=["nope"]`` was silently ignored while the assumptions said "records left out:
    nope"; an id naming no flows and no cash balance is a ValueError naming it, with the
    closest id for a typo."""
    with pytest.raises(ValueError, match=r"^exclude: expected ids of records .*got 'nope'") as info:
        runway(bundled, ENTITY, as_of=AS_OF, exclude=["nope"])
    _raised_here(info.value)
    with pytest.raises(ValueError, match=rf"got 'stability-2023-intl'.*did you mean '{INTEL}'"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude="stability-2023-intl")
    # every unknown id named; a known one beside them does not hide them
    with pytest.raises(ValueError, match=r"got 'nope', 'zz': no flows or cash balance with those"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL, "nope", "zz"])
    # a record of the ledger without money (the entity itself) leaves out nothing either
    assert ENTITY in bundled
    with pytest.raises(ValueError, match=rf"got '{ENTITY}'"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude=ENTITY)
    # the same through the adjustment, in a runway and in a scenario
    with pytest.raises(ValueError, match=r"^exclude: .*got 'nope'"):
        runway(bundled, ENTITY, as_of=AS_OF, adjust=[ac.Exclude(["nope"])])
    with pytest.raises(ValueError, match=r"^exclude: .*got 'nope'"):
        ac.compare(bundled, ENTITY, [ac.Scenario("typo", [ac.Exclude("nope")])], as_of=AS_OF)

    # ids of records with flows or of cash balances are taken: leaving one out twice, a cash
    # report set aside as conflicting (out already: nothing changes), another entity's record
    # (not counted here: nothing changes)
    base = runway(bundled, ENTITY, as_of=AS_OF)
    twice = runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL], adjust=[ac.Exclude(INTEL)])
    assert twice.months == runway(bundled, ENTITY, as_of=AS_OF, exclude=INTEL).months
    aside = [a for a in base.assumptions if "set aside" in a]
    assert aside, base.assumptions
    report = aside[0].rsplit(": ", 1)[1].split(", ")[0]
    assert report in bundled
    assert runway(bundled, ENTITY, as_of=AS_OF, exclude=report).months == base.months
    other = next(
        r.id
        for r in bundled.records("expenses")
        if r.company != ENTITY  # type: ignore[attr-defined]
    )
    assert runway(bundled, ENTITY, as_of=AS_OF, exclude=other).months == base.months


# --- extra_flows= --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_flows", "error", "match"),
    [
        # one flow not in a list unpacked its month's characters ("too many values to unpack")
        (("2023-10", 20e6, "x"), TypeError, r"got one flow \('2023-10', 20000000.0, 'x'\)"),
        (["2023-10", 20e6, "x"], TypeError, r"got one flow \['2023-10'"),
        ("2023-10", TypeError, r"got '2023-10'"),
        (5, TypeError, r"got 5"),
        ([("2023-10", 20e6)], TypeError, r"got the item \('2023-10', 20000000.0\)"),
        ([("2023-10", 20e6, 5)], TypeError, r"expected a label as text, got 5"),
        ([("2023-10", None, "x")], TypeError, r"expected the amount as a number .*got None"),
        ([("2023-10", True, "x")], TypeError, r"expected the amount as a number .*got True"),
        # money text: "could not convert string to float"
        ([("2023-10", "20M", "x")], ValueError, r"expected money like '\$7M', got '20M'"),
        ([("2023-10", "€20M", "x")], ValueError, r"expected an amount in US dollars, got '€20M'"),
        ([("2023-10", "~$20M", "x")], ValueError, r"expected an exact amount .*'about \$20M'"),
        ([("2023-10", "$1M to $2M", "x")], ValueError, r"expected an exact amount"),
        ([("FY2023", 1e6, "x")], ValueError, r"expected a calendar date, got the fiscal year"),
    ],
)
def test_extra_flows_of_another_shape_name_the_argument(
    bundled: ac.Ledger, extra_flows: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=r"^extra_flows: .*" + match) as info:
        runway(bundled, ENTITY, as_of=AS_OF, extra_flows=extra_flows)
    _raised_here(info.value)


def test_extra_flows_take_us_dollar_money_text(bundled: ac.Ledger) -> None:
    """Exact US-dollar money ("$20M", "-$5M", a Money) is its dollars, as the number is."""
    for text, number in (("$20M", 20e6), ("-$5M", -5e6), (ac.Money.parse("$1.5M"), 1.5e6)):
        as_text = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-11", text, "x")])
        as_number = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-11", number, "x")])
        assert as_text.months == as_number.months
        assert as_text.assumptions == as_number.assumptions
