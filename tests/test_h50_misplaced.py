"""A record written under another kind's key is one problem saying so (helper-50's bad-input
review): a cloud bill under ``revenues:`` gave a problem per field revenues lack (payer,
provider, period, billed) and per field they require (company, date), six lines that never
said the record was in the wrong list."""

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


def problems_of(tmp_path: Path, text: str) -> list[ac.Problem]:
    path = tmp_path / "l.yaml"
    path.write_text(HEAD + text)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    return list(caught.value.problems)


def test_a_cloud_bill_under_revenues(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """revenues:
- {id: v1, company: co, amount: $5M, date: 2023, sources: [s1]}
- {id: b1, payer: co, provider: aws, period: 2023-08, billed: $7M, sources: [s1]}
""",
    )
    assert [(p.code, p.kind, p.index, p.record_id, p.field, p.line) for p in found] == [
        ("unknown-field", "revenues", 1, "b1", None, 9)
    ]
    assert found[0].expected == "a record of revenues"
    assert found[0].found == (
        "a record of cloud_bills by its fields (payer, provider, period, billed, sources): "
        "written under revenues: rather than cloud_bills:?"
    )


def test_an_entity_under_cloud_bills_and_a_round_under_expenses(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """cloud_bills:
- {id: beta, name: Beta, type: company}
expenses:
- {id: r1, company: co, date: 2023, amount: $5M, instrument: equity, sources: [s1]}
""",
    )
    said = [(p.record_id, p.found.split(" by ")[0]) for p in found]
    assert said == [("beta", "a record of entities"), ("r1", "a record of funding_rounds")]
    assert {p.code for p in found} == {"unknown-field"}


def test_a_record_of_no_kind_keeps_its_problems_field_by_field(tmp_path: Path) -> None:
    # 'payr' is no field of any kind: the record is a bill with a typo, not a misplaced one
    found = problems_of(
        tmp_path,
        """cloud_bills:
- {id: b1, payr: co, provider: aws, period: 2023-08, billed: $7M, sources: [s1]}
""",
    )
    assert sorted((p.code, p.field) for p in found) == [
        ("missing-field", "payer"),
        ("unknown-field", "payr"),
    ]


def test_a_misplaced_record_that_lacks_the_other_kinds_required_fields(tmp_path: Path) -> None:
    # a bill without its period is no complete record of cloud_bills either: field by field
    found = problems_of(
        tmp_path,
        """revenues:
- {id: b1, payer: co, provider: aws, billed: $7M, sources: [s1]}
""",
    )
    assert {p.field for p in found} == {"payer", "provider", "billed", "company", "date"}
