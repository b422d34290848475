"""Ids that differ only in case (``stability-ai`` and ``Stability-AI``): ids are case-sensitive,
so both load as two records, but each later one is a located warning (``case-variant-id``)
naming the first and its file:line. A reference spelled in another case stays an unknown
reference, with the id meant suggested."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.records import CloudBill, Entity

ACME = "- {id: acme, name: Acme AI, type: company}\n"
AWS = "- {id: aws, name: Amazon Web Services, type: cloud_provider}\n"


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _case_warnings(led: ac.Ledger) -> list[ac.Problem]:
    return [w for w in led.warnings if w.code == "case-variant-id"]


def test_two_entities_differing_in_case_both_load_with_one_warning(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.yaml",
        "entities:\n"  # line 1
        "- id: stability-ai\n"  # line 2
        "  name: Stability AI\n"
        "  type: company\n"
        "- id: Stability-AI\n"  # line 5
        "  name: Stability AI Ltd\n"
        "  type: company\n",
    )
    led = ac.load(path)
    assert led["stability-ai"].name == "Stability AI"  # case-sensitive: two records
    assert led["Stability-AI"].name == "Stability AI Ltd"
    (w,) = led.warnings
    assert (w.code, w.severity, w.file, w.line) == ("case-variant-id", "warning", path, 5)
    assert (w.kind, w.index, w.record_id, w.field) == ("entities", 1, "Stability-AI", "id")
    assert (
        w.found == f"'Stability-AI', which is 'stability-ai' (entities[0] at {path}:2) but for case"
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path, strict=True)
    assert info.value.problems == (w,)


def test_records_of_two_kinds_across_two_files_of_a_folder(tmp_path: Path) -> None:
    _write(
        tmp_path / "a.yaml",
        f"entities:\n{ACME}{AWS}"  # lines 1-3
        "cloud_bills:\n"  # line 4
        "- {id: R1, payer: acme, provider: aws, period: 2023-08, billed: $7M}\n",  # line 5
    )
    b = _write(
        tmp_path / "b.yaml",
        "funding_rounds:\n"  # line 1
        "- id: r1\n"  # line 2
        "  company: acme\n"
        "  date: 2023-06\n"
        "  amount: $10M\n",
    )
    led = ac.load(tmp_path)
    assert type(led["R1"]).KIND == "cloud_bills"
    assert type(led["r1"]).KIND == "funding_rounds"
    (w,) = _case_warnings(led)
    # the first in file order is a.yaml's bill: the round in b.yaml is the one warned of
    assert (w.file, w.line, w.kind, w.index, w.record_id) == (b, 2, "funding_rounds", 0, "r1")
    a = tmp_path / "a.yaml"
    assert w.found == f"'r1', which is 'R1' (cloud_bills[0] at {a}:5) but for case"


def test_three_spellings_warn_twice_naming_the_first(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.yaml",
        "entities:\n"
        "- {id: ACME, name: A, type: company}\n"  # line 2
        "- {id: acme, name: B, type: company}\n"  # line 3
        "- {id: Acme, name: C, type: company}\n",  # line 4
    )
    warned = _case_warnings(ac.load(path))
    assert [(w.line, w.record_id) for w in warned] == [(3, "acme"), (4, "Acme")]
    assert all(f"'ACME' (entities[0] at {path}:2)" in w.found for w in warned)


def test_a_reference_in_another_case_is_an_unknown_reference(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.yaml",
        f"entities:\n{ACME}{AWS}cloud_bills:\n"
        "- {id: b1, payer: acme, provider: AWS, period: 2023-08, billed: $7M}\n",  # line 5
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    (p,) = info.value.problems
    assert (p.code, p.line, p.field) == ("unknown-reference", 5, "provider")
    assert p.expected == "the id of one of the entities (did you mean 'aws'?)"
    assert p.found == "'AWS', which no record has"


def test_a_reference_resolves_exactly_when_both_spellings_exist(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.yaml",
        f"entities:\n{ACME}{AWS}- {{id: AWS, name: AWS Ltd, type: cloud_provider}}\n"
        "cloud_bills:\n- {id: b1, payer: acme, provider: AWS, period: 2023-08, billed: $7M}\n",
    )
    led = ac.load(path)
    bill = led["b1"]
    assert isinstance(bill, CloudBill)
    assert bill.provider == "AWS"
    assert [w.record_id for w in _case_warnings(led)] == ["AWS"]


def test_ids_differing_by_more_than_case_are_not_warned_of(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "l.yaml",
        "entities:\n- {id: stability-ai, name: A, type: company}\n"
        "- {id: stability_ai, name: B, type: company}\n"
        "- {id: Stability-AI2, name: C, type: company}\n",
    )
    assert _case_warnings(ac.load(path)) == []


def test_a_ledger_built_in_memory_is_warned_too() -> None:
    led = ac.Ledger(
        [
            Entity(id="acme", name="Acme", type="company"),
            Entity(id="aws", name="AWS", type="cloud_provider"),
            CloudBill(id="Acme", payer="acme", provider="aws", period="2023-08", billed="$7M"),
        ]
    )
    (w,) = _case_warnings(led)
    # no file: the first in kind order (entities before cloud bills), named by kind
    assert (w.file, w.line, w.kind, w.record_id) == (None, None, "cloud_bills", "Acme")
    assert w.found == "'Acme', which is 'acme' (entities) but for case"
