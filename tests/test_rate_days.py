"""Expense and revenue rates over spans that are not whole months count their days, a month
being 365.25 / 12 days, as compute contracts' rates do: $100 a week from January 15 to March
10, 2024 was three whole months of it ($1,304.46); by its 56 days it is 8 weeks, $800."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """\
sources:
- id: s1
  outlet: Example News
  title: Spending
  date: 2024-06-01
entities:
- id: acme
  name: Acme
  type: company
"""


def _totals(tmp_path: Path, *records: tuple[str, str, str, str | None]) -> dict[str, float]:
    """Each record's flows in US dollars: (kind, rate, date, until)."""
    lines = [HEAD]
    for kind in ("expenses", "revenues"):
        mine = [r for r in records if r[0] == kind]
        if not mine:
            continue
        lines.append(f"{kind}:\n")
        for i, (_, rate, date, until) in enumerate(mine):
            lines.append(
                f"- id: {kind}-{i}\n  sources:\n  - source: s1\n    quote: A rate.\n"
                f"  company: acme\n  rate: {rate}\n  date: {date}\n"
                + ("  category: opex\n" if kind == "expenses" else "")
                + (f"  until: {until}\n" if until else "")
            )
    path = tmp_path / "ledger.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    flows = ac.load(path).flows()
    sums = flows.groupby(flows["record"].astype(object))["cents"].sum() / 100
    return {str(k): float(v) for k, v in sums.items()}


def test_a_weekly_rate_over_days_is_its_weeks(tmp_path: Path) -> None:
    """January 15 to March 10, 2024: 17 + 29 + 10 = 56 days, 8 weeks of $100: $800."""
    got = _totals(tmp_path, ("expenses", "$100/week", "2024-01-15", "2024-03-10"))
    assert got == {"expenses-0": 800.0}


def test_a_monthly_rate_from_mid_month_to_mid_month(tmp_path: Path) -> None:
    """July 15, 2022 to July 14, 2023: 365 days, 365 x 12 / 365.25 months of $1M:
    $11,991,786.45 (not the $13M of the 13 calendar months it touches); a year later the span
    holds February 29, 2024: 366 days, $12,024,640.66."""
    got = _totals(
        tmp_path,
        ("expenses", "$1M/month", "2022-07-15", "2023-07-14"),
        ("revenues", "$1M/month", "2023-07-15", "2024-07-14"),
    )
    assert got["expenses-0"] == pytest.approx(11_991_786.45, abs=0.005)
    assert got["revenues-0"] == pytest.approx(12_024_640.66, abs=0.005)


def test_whole_months_written_as_days_are_months(tmp_path: Path) -> None:
    """January 1 to March 31, 2024: three whole months of $1M: $3M (not 91 days' $2.99M)."""
    got = _totals(tmp_path, ("expenses", "$1M/month", "2024-01-01", "2024-03-31"))
    assert got == {"expenses-0": 3_000_000.0}


def test_a_rate_dated_to_one_day_is_its_month(tmp_path: Path) -> None:
    """$12M a year reported on March 15, 2024, without until: March's $1M (not one day's)."""
    got = _totals(tmp_path, ("revenues", "$12M/year", "2024-03-15", None))
    assert got == {"revenues-0": 1_000_000.0}


def test_the_days_are_spread_over_the_months_they_touch(tmp_path: Path) -> None:
    """The $800 of the 56 days move over January, February and March, summing exactly."""
    _totals(tmp_path, ("expenses", "$100/week", "2024-01-15", "2024-03-10"))
    flows = ac.load(tmp_path / "ledger.yaml").flows()
    months = flows["month"].dt.strftime("%Y-%m").tolist()
    assert months == ["2024-01", "2024-02", "2024-03"]
    assert int(flows["cents"].sum()) == 80_000
