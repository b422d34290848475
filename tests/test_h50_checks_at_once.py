"""A record's own checks are listed with its fields' problems (helper-50's bad-input review):
pydantic runs a record's checks (an end before the start, payments above the bill) only once
every field is valid, so a contract ending before it starts with one bad ramp amount said only
the amount, and the end once that was fixed. Now the checks run on the record without the
fields that failed; a check that names a field left out is not said (it would be about a
record the file does not hold)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
"""


def problems_of(tmp_path: Path, text: str) -> list[tuple[str | None, str, int | None]]:
    path = tmp_path / "l.yaml"
    path.write_text(HEAD + text)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    return sorted((p.field, p.code, p.line) for p in caught.value.problems)


def test_a_contract_ending_before_it_starts_with_a_bad_ramp_amount(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """compute_contracts:
- id: k1
  buyer: co
  seller: aws
  start: 2024-01
  end: 2023-01
  ramp:
  - {period: 2024, amount: $50M}
  - {period: 2025, amount: lots}
  sources: [s1]
""",
    )
    assert found == [("end", "inconsistent", 12), ("ramp.1.amount", "bad-money", 15)]


def test_a_bill_with_a_bad_due_date_and_payments_above_it(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """cloud_bills:
- id: b1
  payer: co
  provider: aws
  period: 2023-08
  billed: $7M
  due: 2023-02-30
  payments:
  - {date: 2023-09, amount: $5M}
  - {date: 2023-10, amount: $4M}
  sources: [s1]
""",
    )
    # $5M + $4M = $9M paid of a $7M bill
    assert found == [("due", "bad-date", 13), ("payments", "inconsistent", 14)]


def test_a_check_about_a_field_left_out_is_not_said(tmp_path: Path) -> None:
    # without the bad payment, billed minus payments would be $7M, not the $5M outstanding:
    # a check about the payments, which failed; only the payment's problem is said
    found = problems_of(
        tmp_path,
        """cloud_bills:
- id: b1
  payer: co
  provider: aws
  period: 2023-08
  billed: $7M
  outstanding: $5M
  payments:
  - {date: 2023-09, amount: two}
  sources: [s1]
""",
    )
    assert found == [("payments.0.amount", "bad-money", 15)]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        # secondary: left out it would be false, and pre + amount = post checked (it is not
        # with secondary parts): the record is not checked without it
        (
            "funding_rounds:\n- {id: r1, company: co, date: 2023, amount: $5M, pre_money: $10M,"
            " post_money: $20M, secondary: maybe, sources: [s1]}\n",
            "secondary",
        ),
        # a bad rate and no amount: not 'either an amount or a rate, got neither'
        (
            "revenues:\n- {id: v1, company: co, rate: lots a month, date: 2023, sources: [s1]}\n",
            "rate",
        ),
        # an unknown field, a known one misspelt: not 'billed or outstanding, got neither'
        (
            "cloud_bills:\n- {id: b1, payer: co, provider: aws, period: 2023-08, biled: $7M,"
            " due: 2023-02-30, sources: [s1]}\n",
            "biled",
        ),
        # a required field that failed: no record to check
        (
            "revenues:\n- {id: v1, company: co, amount: $5M, date: 2023-13, until: 2020,"
            " sources: [s1]}\n",
            "date",
        ),
    ],
)
def test_records_not_checked_without_their_failed_fields(
    tmp_path: Path, record: str, field: str
) -> None:
    assert [f for f, _, _ in problems_of(tmp_path, record)] in ([field], [field, "due"])
