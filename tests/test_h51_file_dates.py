"""Bad dates in a scenarios file's adjustments are located problems naming their argument, with
what was expected and what was found. A mapping or a list where a date goes gave 'adjustments.3:
expected expected a date ..., got' (the argument not named, 'expected' twice, nothing found);
a day that is no calendar day 'adjustments.1.on: expected no such day: ...' (found empty);
``pay(on=...)`` and ``remove(start=...)`` raised bare TypeError or ValueError in Python; a
``remove`` whose end came before its start left nothing out, silently."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

FILE = """\
aicapex: 1
entity: acme
scenarios:
- name: s
  adjustments:
  - {do: growth, rate: 0.1, start: {a: 1}}
  - {do: disburse, round: acme-round, on: 2024-02-30}
  - {do: pay, on: [2024-01]}
  - {do: remove, record: acme-rev, start: {x: 2}}
  - {do: remove, record: acme-rev, start: 2024-05, end: 2024-03}
  - {do: scale, by: 2, end: 2024-13}
"""


def test_bad_dates_in_a_file_are_located(tmp_path: Path) -> None:
    path = tmp_path / "acme.scenarios.yaml"
    path.write_text(FILE)
    with pytest.raises(LedgerError) as caught:
        ac.read_scenarios(path)
    got = {(p.line, p.field): (p.expected, p.found) for p in caught.value.problems}
    assert got == {
        (6, "adjustments.0.start"): ("a date like '2023-10-31', '2023-10' or '2023'", "{'a': 1}"),
        (7, "adjustments.1.on"): (
            "a calendar date",
            "'2024-02-30' (no such day: '2024-02-30')",
        ),
        (8, "adjustments.2.on"): ("a date like '2023-10-31', '2023-10' or '2023'", "['2024-01']"),
        (9, "adjustments.3.start"): ("a date like '2023-10-31', '2023-10' or '2023'", "{'x': 2}"),
        (10, "adjustments.4.end"): ("a month on or after the start (2024-05)", "'2024-03'"),
        (11, "adjustments.5.end"): (
            "a date like '2023-10-31', '2023-10', 'Q3 2023', 'H2 2026', '2023', 'FY2025', "
            "'mid-2024', 'end of 2024' or '2021..2024'",
            # the found says 'got' too: the expected part ends at the first ', got '
            "'2024-13' (month must be in 1..12, got 13)",
        ),
    }


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: ac.pay(on={"a": 1}), "on"),
        (lambda: ac.pay(on="2024-02-30"), "on"),
        (lambda: ac.remove("r", start=["2024"]), "start"),
        (lambda: ac.remove("r", end="2024-13"), "end"),
        (lambda: ac.remove("r", start="2024-05", end="2024-04"), "end"),
        (lambda: ac.disburse("r", on={"a": 1}), "on"),
        (lambda: ac.scale(by=1, start=[1]), "start"),
    ],
)
def test_bad_dates_in_python_are_adjustment_errors(make: object, field: str) -> None:
    with pytest.raises(ac.AdjustmentError) as caught:
        make()  # type: ignore[operator]
    assert caught.value.field == field
    assert caught.value.found


def test_good_dates_are_months() -> None:
    assert ac.pay(on="2024-05-15").on == "2024-05"
    assert ac.remove("r", start="2024-03", end="2024-Q2").end == "2024-06"


def test_add_flow_says_what_was_written() -> None:
    """'€5M/yr' was refused as 'got €416,666.6666666666666666666667' (its monthly figure, not
    what was written); a label that is no text was taken ('money 5 of 1 USD')."""
    import aicapex as ac

    euros = ac.add_flow(amount="€5M/yr", start="2024-04")
    with pytest.raises(ac.AdjustmentError) as caught:
        euros.bind(_book())  # type: ignore[arg-type]
    assert caught.value.found == "'€5M/yr'"
    with pytest.raises(ac.AdjustmentError) as caught:
        ac.add_flow(amount=1, start="2024-04", label=5)  # type: ignore[arg-type]
    assert caught.value.field == "label"


def _book() -> object:
    import pandas as pd

    from aicapex.scenarios.book import Book

    return Book(None, pd.DataFrame(), None, "2024-03")
