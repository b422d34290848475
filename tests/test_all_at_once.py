"""A load lists every problem at once: the references of a record that failed to load are
checked with its own problems, not in a later round once those are fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import suggest

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


def test_an_unknown_investor_of_a_round_that_failed_is_listed_with_its_problems(
    tmp_path: Path,
) -> None:
    found = problems_of(
        tmp_path,
        """funding_rounds:
- id: r1
  company: co
  date: 2023-03
  amount: $50M
  investors:
  - {investor: nobody, amount: $5M}
  - {investor: aws, amount: $5M}
  tranches:
  - {amount: thirty, status: disbursed, date: 2023-03-10}
  sources: [s1]
""",
    )
    by_field = {p.field: p for p in found}
    assert set(by_field) == {"tranches.0.amount", "investors.0.investor"}
    ref = by_field["investors.0.investor"]
    assert ref.code == "unknown-reference"
    assert (ref.record_id, ref.kind, ref.index, ref.line) == ("r1", "funding_rounds", 0, 13)
    assert "'nobody', which no record has" in ref.found


def test_a_reference_to_another_kind_and_to_a_record_that_failed(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """expenses:
- {id: e1, company: s1, category: compute, amount: -$5M, date: 2023, sources: [s1]}
- {id: e2, company: co, category: compute, amount: $5M, date: 2023, included_in: e3,
   sources: [nope]}
- {id: e3, company: co, category: compute, amount: $1M, rate: $1M/month, date: 2023,
   sources: [s1]}
""",
    )
    refs = sorted((p.record_id, p.field, p.code) for p in found if "reference" in p.code)
    # e1 failed (negative): its company names a source; e2 loaded: its unknown source is the
    # ledger's usual check; e2's included_in names e3, which failed: not unknown, not listed
    assert refs == [
        ("e1", "company", "wrong-kind-reference"),
        ("e2", "sources.0.source", "unknown-reference"),
    ]
    assert {p.record_id for p in found if p.code == "out-of-range"} == {"e1"}


def test_a_record_with_a_bad_reference_field_is_one_problem(tmp_path: Path) -> None:
    """A reference that is not text is the record's own problem: not checked again."""
    found = problems_of(
        tmp_path,
        """expenses:
- {id: e1, company: [co], category: compute, amount: $5M, date: 2023, sources: [s1]}
""",
    )
    assert [(p.field, p.code) for p in found] == [("company", found[0].code)]
    assert "reference" not in found[0].code


@pytest.mark.parametrize(
    ("word", "choices", "meant"),
    [
        ("paid", ["committed", "disbursed", "cancelled", "failed"], "disbursed"),
        ("Received", ["committed", "disbursed"], "disbursed"),
        ("salaries", ["compute", "payroll", "opex", "tax", "other"], "payroll"),
        ("comitted", ["committed", "disbursed"], "committed"),  # spelling, as before
    ],
)
def test_suggestions_by_meaning(word: str, choices: list[str], meant: str) -> None:
    assert suggest(word, choices) == f" (did you mean {meant!r}?)"


def test_a_paid_tranche_is_pointed_to_disbursed(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """funding_rounds:
- id: r1
  company: co
  date: 2023-03
  amount: $50M
  tranches:
  - {amount: $5M, status: paid, date: 2023-03-10}
  sources: [s1]
""",
    )
    (problem,) = found
    assert "did you mean 'disbursed'?" in problem.expected
