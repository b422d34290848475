"""Money in a scenarios file follows the ledger's rule: written with its currency (``$9,999``,
``9999 USD``, a rate ``$139M/yr``). A bare number (``amount: 9999``, read as dollars before) is
a located ``bad-money`` problem; Python's ``add_flow(amount=9999)`` still takes US dollars."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
expenses:
- {id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
cash_balances:
- {id: acme-cash, company: acme, date: 2023-10-31, amount: $6M, sources: [s1]}
"""

HEAD = "aicapex: 1\nentity: acme\nas_of: 2023-10\nscenarios:\n- name: base\n- name: more\n"


def _file(tmp_path: Path, flow: str) -> Path:
    """A scenarios file whose scenario 'more' (line 6) adds one flow (line 8 on)."""
    path = tmp_path / "acme.scenarios.yaml"
    path.write_text(f"{HEAD}  adjustments:\n  - do: add_flow\n{flow}", encoding="utf-8")
    return path


def _problem(path: Path) -> ac.Problem:
    with pytest.raises(ac.LedgerError) as info:
        ac.read_scenarios(path)
    (problem,) = info.value.problems
    return problem


@pytest.fixture
def ledger(tmp_path: Path) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    return ac.load(path)


def test_a_bare_number_is_a_located_error(tmp_path: Path) -> None:
    path = _file(tmp_path, "    amount: 9999\n    kind: funding\n    start: 2024-01\n")
    p = _problem(path)
    assert (p.code, p.file, p.line) == ("bad-money", str(path), 9)
    assert (p.kind, p.index, p.record_id, p.field) == (
        "scenarios",
        1,
        "more",
        "adjustments.0.amount",
    )
    assert p.expected == "money with a currency, e.g. '$9,999' or '9999 USD'"
    assert p.found == "9999"


@pytest.mark.parametrize(
    ("written", "example", "found"),
    [
        ("-2500000", "'-$2,500,000' or '-2500000 USD'", "-2500000"),
        ("1500000.50", "'$1,500,000.50' or '1500000.50 USD'", "1500000.50"),
        ("true", "'$9,999' or '9999 USD'", "True"),  # no number: the example of the rule
        ("[1, 2]", "'$9,999' or '9999 USD'", "[1, 2]"),
    ],
)
def test_other_values_without_a_currency(
    tmp_path: Path, written: str, example: str, found: str
) -> None:
    path = _file(tmp_path, f"    amount: {written}\n    start: 2024-01\n")
    p = _problem(path)
    assert (p.code, p.line, p.field) == ("bad-money", 9, "adjustments.0.amount")
    assert p.expected == f"money with a currency, e.g. {example}"
    assert p.found == found


def test_every_bare_amount_of_a_file_at_once(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        "    amount: 5\n    start: 2024-01\n  - {do: add_flow, amount: 7, start: 2024-02}\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.read_scenarios(path)
    assert [(p.line, p.field, p.found) for p in info.value.problems] == [
        (9, "adjustments.0.amount", "5"),
        (11, "adjustments.1.amount", "7"),
    ]


@pytest.mark.parametrize("written", ["$2M", "2000000 USD", "'$2,000,000'"])
def test_money_with_its_currency_reads_as_the_api_number(
    tmp_path: Path, ledger: ac.Ledger, written: str
) -> None:
    """$6M of cash at the end of October 2023 and $1M a month of spending: 6 months; $2M of
    funding in January 2024 (before the cash runs out) makes it 8, as add_flow(amount=2e6)."""
    path = _file(tmp_path, f"    amount: {written}\n    kind: funding\n    start: 2024-01\n")
    read = ac.read_scenarios(path, ledger)
    months = read.compare(ledger).frame["months"]
    assert months["base"] == pytest.approx(6.0)
    assert months["more"] == pytest.approx(8.0)
    api = ac.Scenario("api", [ac.add_flow(amount=2e6, kind="funding", start="2024-01")])
    by_api = ac.compare(ledger, "acme", [ac.Scenario("base"), api], as_of="2023-10")
    assert by_api.frame["months"]["api"] == months["more"]


def test_the_bundled_scenarios_file_still_reads() -> None:
    from aicapex.scenarios import scenario_files

    (path,) = scenario_files([ac.bundled_data()])
    read = ac.read_scenarios(path, ac.load(ac.bundled_data()))
    assert [s.name for s in read.scenarios][-1] == "gpu-resale"  # its add_flow: $139M/yr
