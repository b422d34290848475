"""A round's post-money is at least its amount: new money buys a part of the company after the
round, never more than all of it. Refused by the loader and by read_table alike (a post-money
below the amount gave a negative pre-money in valuation)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

ROUNDS = [  # (amount, pre_money, post_money, secondary, refused)
    ("$10M", None, "$5M", False, True),
    ("$10M", "$1M", "$5M", False, True),
    ("$10M", None, "$50M", False, False),
    ("$10M", None, "$10M", False, False),  # all of it: the edge, allowed
    ("$10M", None, "$5M", True, False),  # secondary parts: the amount is not all new money
    ("€10M", None, "$5M", False, False),  # other currencies: not compared
    ("about $10M", None, "$9M", False, True),  # the base figures compared
]


def _yaml(rows: list[tuple[str, str | None, str, bool, bool]]) -> str:
    lines = [
        "sources:",
        "- {id: s, outlet: T, title: T, date: 2024-01}",
        "entities:",
        "- {id: co, name: Co, type: company}",
        "fx_rates:",
        "- {id: fx, currency: EUR, date: 2023-01-01, usd: 1.1, sources: [s]}",
        "funding_rounds:",
    ]
    for i, (amount, pre, post, secondary, _) in enumerate(rows):
        pre_part = f", pre_money: '{pre}'" if pre else ""
        lines.append(
            f"- {{id: r{i}, company: co, date: 2023-0{i + 1}, amount: '{amount}'{pre_part},"
            f" post_money: '{post}', secondary: {str(secondary).lower()}, sources: [s]}}"
        )
    return "\n".join(lines) + "\n"


def test_the_loader_refuses_a_post_money_below_the_amount(tmp_path: Path) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(_yaml(ROUNDS))
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    refused = {p.record_id for p in caught.value.problems}
    assert refused == {f"r{i}" for i, row in enumerate(ROUNDS) if row[-1]}
    for problem in caught.value.problems:
        assert (problem.field, problem.code) == ("post_money", "inconsistent")
        assert problem.expected.startswith("a post-money valuation of at least the round's")


def test_read_table_refuses_the_same_rows_with_the_same_words(tmp_path: Path) -> None:
    header = "id,company,date,amount,pre_money,post_money,secondary"
    rows = [
        f"r{i},co,2023-0{i + 1},{amount},{pre or ''},{post},{str(sec).lower()}"
        for i, (amount, pre, post, sec, _) in enumerate(ROUNDS)
    ]
    table = tmp_path / "rounds.csv"
    table.write_text("\n".join([header, *rows]) + "\n")
    path = tmp_path / "l.yaml"
    path.write_text(_yaml([]).replace("funding_rounds:\n", ""))
    with pytest.raises(ac.LedgerError) as caught:
        ac.read_table(table, "funding_rounds", fx=ac.load(path))
    from_table = {(p.record_id, p.field, p.expected, p.found) for p in caught.value.problems}
    path.write_text(_yaml(ROUNDS))
    with pytest.raises(ac.LedgerError) as loaded:
        ac.load(path)
    from_loader = {(p.record_id, p.field, p.expected, p.found) for p in loaded.value.problems}
    assert from_table == from_loader
