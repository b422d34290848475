"""Problems of records that fail to load are listed with the others, not after they are fixed:
an id used twice when one of the records failed, a reference to a record of the wrong kind
that failed (helper-50's bad-input review)."""

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


def problems_of(tmp_path: Path, text: str, *more: str) -> list[ac.Problem]:
    paths = [tmp_path / "a.yaml"]
    paths[0].write_text(HEAD + text)
    for n, other in enumerate(more):
        paths.append(tmp_path / f"b{n}.yaml")
        paths[-1].write_text("aicapex: 1\n" + other)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(*paths)
    return list(caught.value.problems)


def test_an_id_of_a_record_that_failed_used_again_is_a_duplicate(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """revenues:
- {id: rev, company: co, amount: lots, date: 2023, sources: [s1]}
- {id: rev, company: co, amount: $5M, date: 2023, sources: [s1]}
""",
    )
    assert [(p.code, p.index, p.field) for p in found] == [
        ("bad-money", 0, "amount"),
        ("duplicate-id", 1, "id"),
    ]
    dup = found[1]
    assert (dup.record_id, dup.line) == ("rev", 9)
    assert "already used by revenues[0] at " in dup.found
    assert dup.found.endswith("a.yaml:8")


def test_two_records_that_failed_with_one_id_are_a_duplicate(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """revenues:
- {id: rev, company: co, amount: lots, date: 2023, sources: [s1]}
""",
        """expenses:
- {id: rev, company: co, category: opex, amount: bad, date: 2023, sources: [s1]}
""",
    )
    codes = sorted((p.code, Path(p.file or "").name) for p in found)
    assert codes == [("bad-money", "a.yaml"), ("bad-money", "b0.yaml"), ("duplicate-id", "b0.yaml")]
    dup = next(p for p in found if p.code == "duplicate-id")
    assert (dup.kind, dup.index, dup.line, dup.field) == ("expenses", 0, 3, "id")


def test_a_record_that_failed_first_then_one_that_loads(tmp_path: Path) -> None:
    # the id's first record fails (a value past its limit), the second is fine
    found = problems_of(
        tmp_path,
        f"""cash_balances:
- {{id: c1, company: co, date: 2023-09, amount: "${"9" * 5000}", sources: [s1]}}
- {{id: c1, company: co, date: 2023-10, amount: $4M, sources: [s1]}}
""",
    )
    assert sorted((p.code, p.index) for p in found) == [("duplicate-id", 1), ("too-long", 0)]


def test_ids_are_compared_as_the_models_read_them(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2023-09, amount: four, sources: [s1]}
- {id: ' c1 ', company: co, date: 2023-10, amount: $4M, sources: [s1]}
""",
    )
    assert [p.code for p in found] == ["bad-money", "duplicate-id"]


def test_a_reference_to_a_record_of_another_kind_that_failed_is_a_wrong_kind(
    tmp_path: Path,
) -> None:
    # b1 is a bill with a bad figure; a balance names it as its company
    found = problems_of(
        tmp_path,
        """cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-08, billed: seven, sources: [s1]}
cash_balances:
- {id: c1, company: b1, date: 2023-09, amount: $4M, sources: [s1]}
""",
    )
    assert [(p.code, p.record_id, p.field) for p in found] == [
        ("bad-money", "b1", "billed"),
        ("wrong-kind-reference", "c1", "company"),
    ]
    assert found[1].found == "'b1', which is one of the cloud_bills"
    assert found[1].line == 10


def test_a_record_that_failed_names_another_that_failed_of_the_wrong_kind(
    tmp_path: Path,
) -> None:
    found = problems_of(
        tmp_path,
        """cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-08, billed: seven, sources: [s1]}
cash_balances:
- {id: c1, company: b1, date: 2023-09, amount: four, sources: [s1]}
""",
    )
    assert sorted((p.code, p.record_id, p.field) for p in found) == [
        ("bad-money", "b1", "billed"),
        ("bad-money", "c1", "amount"),
        ("wrong-kind-reference", "c1", "company"),
    ]


def test_a_reference_to_a_record_of_its_kind_that_failed_is_not_reported(
    tmp_path: Path,
) -> None:
    found = problems_of(
        tmp_path,
        """funding_rounds:
- {id: r1, company: co, date: 2023, amount: $5M, investors: [{investor: fund}], sources: [s1]}
""",
        """entities:
- {id: fund, name: Fund, type: investorr}
""",
    )
    assert [(p.code, p.record_id) for p in found] == [("invalid-value", "fund")]


def test_a_whole_file_that_failed_hides_the_kinds(tmp_path: Path) -> None:
    # the kinds of the ids of a file that failed are unknown: no wrong kind is claimed
    found = problems_of(
        tmp_path,
        """cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-08, billed: seven, sources: [s1]}
cash_balances:
- {id: c1, company: b1, date: 2023-09, amount: $4M, sources: [s1]}
""",
        "entities: [unclosed\n",
    )
    assert sorted(p.code for p in found) == ["bad-money", "syntax"]
