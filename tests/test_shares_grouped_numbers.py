"""A number of shares written as a YAML or JSON number with a point and three zeros
(``shares_issued: 12.000`` unquoted) is refused as the quoted text is: 12 by the decimal point,
12,000 by the thousands separator of the sources' languages. It loaded as 12 shares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import aicapex as ac

HEAD = """\
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-08}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: fund, name: Fund, type: investor}
"""


def _problems(path: Path) -> list[tuple[str | None, str | None, int | None]]:
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    return [(p.record_id, p.field, p.line) for p in info.value.problems]


@pytest.mark.parametrize("written", ["12.000", "1.000", "100.000", "'12.000'"])
def test_unquoted_or_quoted_it_is_refused(tmp_path: Path, written: str) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        HEAD
        + "share_counts:\n"
        + f"- {{id: sc, company: acme, date: 2024-01, basic: {written}, sources: [s1]}}\n"
        + "stakes:\n"
        + "- {id: st, holder: fund, company: acme, date: 2024-02, event: holding,"
        + f" shares: {written}, sources: [s1]}}\n",
        encoding="utf-8",
    )
    assert _problems(path) == [("sc", "basic", 7), ("st", "shares", 9)]


def test_every_problem_says_why(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        HEAD
        + "funding_rounds:\n"
        + "- {id: r, company: acme, date: 2024-01, amount: $10M, shares_issued: 12.000,"
        + " sources: [s1]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    (problem,) = info.value.problems
    assert "'12,000' or '12'" in problem.expected
    assert "a point and three zeros" in problem.found


def test_a_json_number_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "ledger.json"
    data = {
        "sources": [{"id": "s1", "outlet": "E", "title": "T", "date": "2024-08"}],
        "entities": [{"id": "acme", "name": "A", "type": "company"}],
        "funding_rounds": [
            {"id": "r", "company": "acme", "date": "2024-01", "amount": "$10M", "sources": ["s1"]}
        ],
    }
    text = json.dumps(data).replace(
        '"sources": ["s1"]}]}', '"sources": ["s1"], "shares_issued": 12.000}]}'
    )
    path.write_text(text, encoding="utf-8")
    assert [p[:2] for p in _problems(path)] == [("r", "shares_issued")]


@pytest.mark.parametrize(
    ("written", "count"), [("12000", 12_000), ("12", 12), ("'12.5M'", 12_500_000), ("12.0", 12)]
)
def test_other_numbers_still_read(tmp_path: Path, written: str, count: int) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(
        HEAD
        + "share_counts:\n"
        + f"- {{id: sc, company: acme, date: 2024-01, basic: {written}, sources: [s1]}}\n",
        encoding="utf-8",
    )
    (record,) = ac.load(path).records("share_counts")
    assert int(record.basic.count) == count  # type: ignore[attr-defined]
