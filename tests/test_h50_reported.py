"""Actual figures dated after they were reported are warned of (helper-50's bad-input review):
a cash balance of 2025-09 cited from an article of 2023-10 loaded silently, and the report took
it as the company's cash in 2025 (a typo in the year). Revenues and expenses of basis actual
alike; forecasts and plans (basis expected, planned) and figures dated within their report's
span are not."""

from __future__ import annotations

from pathlib import Path

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s23, outlet: Test, title: Test, date: 2023-10}
- {id: s24, outlet: Test, title: Test, date: 2024-06-15}
entities:
- {id: co, name: Co, type: company, fiscal_year_end: 06-30}
"""


def warnings_of(tmp_path: Path, text: str) -> list[ac.Problem]:
    path = tmp_path / "l.yaml"
    path.write_text(HEAD + text)
    return [w for w in ac.load(path).warnings if w.code == "after-reported"]


def test_a_balance_dated_after_its_source(tmp_path: Path) -> None:
    found = warnings_of(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2025-09, amount: $4M, sources: [s23]}
- {id: c2, company: co, date: 2023-10-31, amount: $4M, sources: [s23]}
- {id: c3, company: co, date: 2024-06, amount: $4M, sources: [s23, s24]}
""",
    )
    # c2 is within October 2023; c3's latest source is of 2024-06-15, within June 2024
    assert [(w.record_id, w.field, w.line, w.found) for w in found] == [
        ("c1", "date", 8, "2025-09")
    ]
    assert found[0].expected.startswith("a date on or before its report 2023-10 (")


def test_its_own_reported_date_counts_before_its_sources(tmp_path: Path) -> None:
    found = warnings_of(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2023-09, amount: $4M, reported: 2023-08, sources: [s24]}
""",
    )
    assert [(w.record_id, w.expected.split(" (")[0]) for w in found] == [
        ("c1", "a date on or before its report 2023-08")
    ]


def test_actual_revenue_and_expenses_but_not_forecasts(tmp_path: Path) -> None:
    found = warnings_of(
        tmp_path,
        """revenues:
- {id: v1, company: co, amount: $5M, date: 2026, sources: [s24]}
- {id: v2, company: co, amount: $5M, date: 2026, basis: expected, sources: [s24]}
- {id: v3, company: co, amount: $5M, date: 2024, sources: [s24]}
expenses:
- {id: e1, company: co, category: opex, rate: $1M/month, date: 2024-07, sources: [s24]}
- {id: e2, company: co, category: opex, amount: $1M, date: 2025, basis: planned, sources: [s24]}
""",
    )
    # v3 (the year 2024) began before 2024-06-15; e1 starts on 2024-07-01, after it
    assert sorted(w.record_id or "" for w in found) == ["e1", "v1"]


def test_a_fiscal_year_counts_in_its_owners_months(tmp_path: Path) -> None:
    # FY2024 of a year ending June 30 is 2023-07-01..2024-06-30: it began before 2023-10
    # (reported then, mid-year); FY2025 begins 2024-07-01, after the source of 2024-06-15
    found = warnings_of(
        tmp_path,
        """revenues:
- {id: v1, company: co, amount: $5M, date: FY2024, sources: [s23]}
- {id: v2, company: co, amount: $5M, date: FY2025, sources: [s24]}
""",
    )
    assert [w.record_id for w in found] == ["v2"]


def test_many_are_counted_in_one_warning_past_twenty(tmp_path: Path) -> None:
    rows = "".join(
        f"- {{id: c{i:02d}, company: co, date: 2026-{1 + i % 12:02d}, amount: $4M, "
        "sources: [s23]}\n"
        for i in range(25)
    )
    found = warnings_of(tmp_path, "cash_balances:\n" + rows)
    assert len(found) == 21  # twenty, then one for the five others
    assert found[-1].found == "5 more dated after their reports (c20, c21, c22, c23, c24)"


def test_a_record_without_sources_or_reported_date_is_not_judged(tmp_path: Path) -> None:
    found = warnings_of(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2030, amount: $4M}
""",
    )
    assert found == []
