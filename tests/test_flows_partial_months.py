"""Rates and amounts over spans that do not run from a month's first day to a month's last
are split over their months by days: whole months hold the monthly rate, the partial first and
last months the rest of the total (a month being 365.25 / 12 days) in proportion to their days.

Hand figures, in cents. A rate's total over D days is rate x D x 48 / 1461 (rounded half to
even); its whole months hold the rate each; the rest goes to the partial months, the first one
rest x its days / (both partial months' days), rounded half to even, the last the remainder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tablefiles import write_rows

import aicapex as ac
from aicapex.table.bulk import read_table

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Wire, title: Split, date: 2024-09}
entities:
- {id: co, name: Co, type: company}
expenses:
"""


def _months(tmp_path: Path, record: str) -> dict[str, int]:
    """The cents of the one record's rows, by month (YYYY-MM)."""
    path = tmp_path / "co.yaml"
    path.write_text(HEAD + f"- {{id: e1, company: co, category: opex, {record}, sources: [s1]}}\n")
    flows = ac.load(path).flows()
    by_month = flows.groupby(flows["month"].dt.strftime("%Y-%m"))["cents"].sum()
    return {str(m): int(c) for m, c in by_month.items()}


def test_a_rate_starting_mid_month(tmp_path: Path) -> None:
    # Jan 16..Mar 31 2024: 16 + 29 + 31 = 76 days; 1e8 x 76 x 48 / 1461 = 249,691,991.79
    # -> 249,691,992; February and March 1e8 each; January the rest 49,691,992
    got = _months(tmp_path, "rate: $1M/month, date: 2024-01-16, until: 2024-03")
    assert got == {"2024-01": 49_691_992, "2024-02": 100_000_000, "2024-03": 100_000_000}


def test_a_rate_ending_mid_month(tmp_path: Path) -> None:
    # Jan 1..Mar 15 2024: 31 + 29 + 15 = 75 days; 1e8 x 3600 / 1461 = 246,406,570.84
    # -> 246,406,571; January and February 1e8 each; March 46,406,571
    got = _months(tmp_path, "rate: $1M/month, date: 2024-01, until: 2024-03-15")
    assert got == {"2024-01": 100_000_000, "2024-02": 100_000_000, "2024-03": 46_406_571}


def test_a_rate_starting_and_ending_mid_month(tmp_path: Path) -> None:
    # Jan 16..Mar 15 2024: 16 + 29 + 15 = 60 days; 1e8 x 2880 / 1461 = 197,125,256.67
    # -> 197,125,257; February (a leap one, whole) 1e8; the rest 97,125,257 over January's
    # 16 days and March's 15: January 97,125,257 x 16 / 31 = 50,129,164.9 -> 50,129,165,
    # March 46,996,092
    got = _months(tmp_path, "rate: $1M/month, date: 2024-01-16, until: 2024-03-15")
    assert got == {"2024-01": 50_129_165, "2024-02": 100_000_000, "2024-03": 46_996_092}


def test_a_span_inside_one_month(tmp_path: Path) -> None:
    # Jan 10..19: 10 days; 1e8 x 480 / 1461 = 32,854,209.45 -> 32,854,209, one row
    got = _months(tmp_path, "rate: $1M/month, date: 2024-01-10, until: 2024-01-19")
    assert got == {"2024-01": 32_854_209}


def test_july_15_to_the_next_july_14(tmp_path: Path) -> None:
    # the docstring's example: 2022-07-15..2023-07-14 is 365 days; 1e8 x 17520 / 1461 =
    # 1,199,178,644.76 -> 1,199,178,645 ($11,991,786.45, "$12M"); August..June, 11 whole
    # months, 1e8 each; the rest 99,178,645 over July's 17 days and the next July's 14:
    # 99,178,645 x 17 / 31 = 54,388,289.19 -> 54,388,289; the next July 44,790,356
    got = _months(tmp_path, "rate: $1M/month, date: 2022-07-15, until: 2023-07-14")
    assert got["2022-07"] == 54_388_289
    assert got["2023-07"] == 44_790_356
    whole = [m for m in got if m not in ("2022-07", "2023-07")]
    assert len(whole) == 11
    assert all(got[m] == 100_000_000 for m in whole)
    assert sum(got.values()) == 1_199_178_645


def test_an_amount_over_a_span(tmp_path: Path) -> None:
    # $11M over Jan 16..Mar 10 2024: 16 + 29 + 10 = 55 days; its whole month (February)
    # holds 1.1e9 x 1461 / (48 x 55) = 608,750,000 (a month being 1461 / 48 days of them);
    # the rest 491,250,000 over January's 16 days and March's 10: January 491,250,000 x 16 /
    # 26 = 302,307,692.3 -> 302,307,692, March 188,942,308. The rows are dated the first of
    # each month (the old code put all three on January 16).
    path = tmp_path / "co.yaml"
    path.write_text(
        HEAD + "- {id: e1, company: co, category: opex, amount: $11M, date: 2024-01-16, "
        "until: 2024-03-10, sources: [s1]}\n"
    )
    flows = ac.load(path).flows()
    assert flows["cents"].tolist() == [302_307_692, 608_750_000, 188_942_308]
    assert flows["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-01",
        "2024-02-01",
        "2024-03-01",
    ]


def test_an_amount_over_whole_months_is_split_evenly(tmp_path: Path) -> None:
    # Jan..Mar 2024 are whole months: $11M in thirds, the extra cent to the first months
    got = _months(tmp_path, "amount: $11M, date: 2024-01, until: 2024-03")
    assert got == {"2024-01": 366_666_667, "2024-02": 366_666_667, "2024-03": 366_666_666}


@pytest.mark.parametrize(
    ("year", "february"),
    # Feb 10..Mar 31: 2024 (leap) 20 + 31 = 51 days, 1e8 x 2448 / 1461 = 167,556,468.17 ->
    # 167,556,468, February 67,556,468; 2023: 19 + 31 = 50 days, 1e8 x 2400 / 1461 =
    # 164,271,047.23 -> 164,271,047, February 64,271,047
    [(2024, 67_556_468), (2023, 64_271_047)],
)
def test_a_leap_february(tmp_path: Path, year: int, february: int) -> None:
    got = _months(tmp_path, f"rate: $1M/month, date: {year}-02-10, until: {year}-03")
    assert got == {f"{year}-02": february, f"{year}-03": 100_000_000}


def test_whole_months_holding_more_than_the_total_are_split_by_days(tmp_path: Path) -> None:
    # Jan 31..Mar 1 2023: 30 days, 1e8 x 1440 / 1461 = 98,562,628.34 -> 98,562,628, less
    # than February's whole month: every month by its days, rounded at each month's end:
    # to Jan 31: 98,562,628 / 30 = 3,285,420.9 -> 3,285,421; to Feb 28: x 29 / 30 =
    # 95,277,207.07 -> 95,277,207 (February 91,991,786); March 3,285,421
    got = _months(tmp_path, "rate: $1M/month, date: 2023-01-31, until: 2023-03-01")
    assert got == {"2023-01": 3_285_421, "2023-02": 91_991_786, "2023-03": 3_285_421}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_bulk_tables_split_alike(tmp_path: Path, fmt: str) -> None:
    rows = [
        {"id": "e1", "company": "co", "category": "opex", "rate": "$1M/month",
         "date": "2024-01-16", "until": "2024-03", "sources": "s1"},
    ]  # fmt: skip
    frame = read_table(write_rows(tmp_path, rows, fmt, "expenses"), "expenses")
    flows = ac.flows({"expenses": frame})
    assert flows["cents"].tolist() == [49_691_992, 100_000_000, 100_000_000]
