"""FOCUS files that are no FOCUS table: one problem saying what the file is (helper-52)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import aicapex as ac

HEADER = (
    "BilledCost,BillingPeriodStart,BillingPeriodEnd,BillingCurrency,ChargeCategory,"
    "ProviderName,BillingAccountId\n"
)
ROW = "1.25,2024-09-01,2024-10-01,USD,Usage,AWS,123\n"


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("empty.csv", "", "no column names in line 1"),
        ("blank.csv", "\n" + HEADER + ROW, "no column names in line 1"),
        ("semi.csv", (HEADER + ROW).replace(",", ";"), "a header separated by ';'"),
        ("tabs.csv.gz", (HEADER + ROW).replace(",", "\t"), "a header separated by '\\t'"),
    ],
)
def test_a_file_without_a_focus_header_is_one_problem(
    tmp_path: Path, name: str, text: str, found: str
) -> None:
    # An empty file, or one separated by semicolons or tabs, was six problems, one per
    # required column ('BilledCost: expected a column FOCUS requires, got no such column',
    # ...): the file is one problem, saying what its header is
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    with pytest.raises(ac.LedgerError) as info:
        ac.read_focus(path, payer="acme")
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.found, problem.code) == (
        str(path),
        1,
        found,
        "bad-table",
    )
    assert "comma-separated" in problem.expected


def test_a_focus_file_with_its_header_still_reads(tmp_path: Path) -> None:
    # the header alone: no bills; a row: its bill of $2.50 (two rows of $1.25)
    path = tmp_path / "f.csv"
    path.write_text(HEADER, encoding="utf-8")
    assert len(ac.read_focus(path, payer="acme").bills) == 0
    path.write_text(HEADER + ROW + ROW, encoding="utf-8")
    bills = ac.read_focus(path, payer="acme").bills
    assert list(bills["billed"]) == [2.5]
    assert list(bills["id"]) == ["focus:aws:123:2024-09:USD"]
