"""The rules between a record and its nested items hold across two bulk tables: a table of
tranches, investments, payments or an order's payments read with its records' table
(``read_table(..., parents=...)``) is refused exactly when ``ac.load`` refuses the same records
with their items nested, with the loader's messages, at the records' rows (field ``tranches``,
``investors``, ``payments``, ``outstanding``); exact sums (one cent over is refused, equal is
not); CSV and Parquet alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.money import Money
from aicapex.table.bulk import read_table

FORMATS = ("csv", "parquet")

#: a table of items: its kind, the parents' kind, the items' head columns, the parent's field
NESTS = {
    "tranches": ("funding_rounds", ("round", "company"), "tranches"),
    "investments": ("funding_rounds", ("round", "company"), "investors"),
    "payments": ("cloud_bills", ("bill", "payer"), "payments"),
    "order_payments": ("gpu_orders", ("order", "buyer"), "payments"),
}

Key = tuple[Any, ...]


def _key(p: Any) -> Key:
    return (p.kind, p.record_id, p.field, p.code, p.expected, p.found)


def _numbers(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items with their amounts as numbers and a currency column (as Parquet tables hold
    them), missing amounts missing."""
    out = []
    for item in items:
        row = dict(item)
        money = Money.parse(item["amount"]) if item.get("amount") else None
        row["amount"] = float(money.amount) if money else None
        row["amount_currency"] = money.currency if money else None
        out.append(row)
    return out


def _write(
    tmp_path: Path, kind: str, parents: list[dict[str, Any]], items: list[dict[str, Any]], fmt: str
) -> tuple[Path, Path]:
    """The parents' table and the items' table (amounts as numbers in Parquet)."""
    shown = _numbers(items) if fmt == "parquet" else items
    return (
        write_rows(tmp_path, parents, fmt, "parents"),
        write_rows(tmp_path, shown, fmt, kind),
    )


def _read(kind: str, paths: tuple[Path, Path]) -> list[Any]:
    """The problems of reading the items with their parents (none: [])."""
    parents, items = paths
    try:
        read_table(items, kind, parents=parents)
    except LedgerError as exc:
        return list(exc.problems)
    return []


def _loaded(
    tmp_path: Path, kind: str, parents: list[dict[str, Any]], items: list[dict[str, Any]]
) -> list[Key]:
    """The problems ``ac.load`` finds in the same records, their items nested."""
    parent_kind, head, field = NESTS[kind]
    records = [{k: v for k, v in p.items() if v is not None} for p in parents]
    for record in records:
        nested = [
            {k: v for k, v in item.items() if k not in head and v is not None}
            for item in items
            if item[head[0]] == record["id"]
        ]
        if nested:
            record[field] = nested
    names = set()
    for record in records:
        for k in ("company", "payer", "provider", "buyer", "vendor"):
            if k in record:
                names.add(record[k])
        names |= {i["investor"] for i in record.get("investors", [])}
    data = {
        "entities": [{"id": n, "name": n, "type": "company"} for n in sorted(names)],
        parent_kind: records,
    }
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        ac.load(path)
    except LedgerError as exc:
        return sorted(_key(p) for p in exc.problems if p.severity == "error")
    return []


def _round(rid: str, amount: str | None) -> dict[str, Any]:
    return {"id": rid, "company": "acme", "date": "2024-01", "amount": amount}


def _tranche(rid: str, amount: str, status: str = "committed") -> dict[str, Any]:
    return {"round": rid, "company": "acme", "amount": amount, "status": status}


ROUNDS = [
    _round("equal", "$10M"),  # 6 + 4: equal to the round, allowed
    _round("cent", "$1,000"),  # 600.01 + 400: one cent over
    _round("mixed", "$5M"),  # dollars and euros: several currencies
    _round("none", "$3M"),  # no tranches
    _round("euro", "€5M"),  # euros adding up to the euros: allowed
    _round("under", "$20M"),  # three tranches under
    _round("over", "€8M"),  # euros over
    _round("unpriced", None),  # no amount: nothing to compare with
]
TRANCHES = [
    _tranche("equal", "$6M"),
    _tranche("cent", "$600.01"),
    _tranche("equal", "$4M", "disbursed"),
    _tranche("cent", "$400"),
    _tranche("mixed", "$2M"),
    _tranche("mixed", "€1M"),
    _tranche("euro", "€2M"),
    _tranche("euro", "€3M"),
    _tranche("under", "$5M"),
    _tranche("under", "$5M"),
    _tranche("under", "$9.99M"),
    _tranche("over", "€8.5M"),
    _tranche("unpriced", "$1B"),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_tranches_add_up_to_at_most_their_round(tmp_path: Path, fmt: str) -> None:
    """Of eight rounds, the one a cent over, the one in two currencies and the one in euros
    over are refused at their rows of the rounds' table, as the loader refuses them; a read
    with these problems returns nothing."""
    paths = _write(tmp_path, "tranches", ROUNDS, TRANCHES, fmt)
    problems = _read("tranches", paths)
    said = [
        ("cent", "a total at most the round's $1K", "a total of $1,000.01"),
        ("mixed", "amounts in one currency like the round's $5M", "several"),
        ("over", "a total at most the round's €8M", "a total of €8.5M"),
    ]
    assert sorted(_key(p) for p in problems) == [
        ("funding_rounds", r, "tranches", "inconsistent", e, f) for r, e, f in said
    ]
    rows = {p.record_id: (p.file, p.index, p.line) for p in problems}
    line = (lambda i: i + 2) if fmt == "csv" else (lambda i: None)
    assert rows == {
        r: (str(paths[0]), i, line(i)) for r, i in (("cent", 1), ("mixed", 2), ("over", 6))
    }
    assert sorted(_key(p) for p in problems) == _loaded(tmp_path, "tranches", ROUNDS, TRANCHES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_tranches_within_their_rounds_are_read(tmp_path: Path, fmt: str) -> None:
    """Without the rounds refused, the tranches read as without parents (the same frame)."""
    keep = {"equal", "none", "euro", "under", "unpriced"}
    rounds = [r for r in ROUNDS if r["id"] in keep]
    tranches = [t for t in TRANCHES if t["round"] in keep]
    parents, items = _write(tmp_path, "tranches", rounds, tranches, fmt)
    got = read_table(items, "tranches", parents=parents)
    pd.testing.assert_frame_equal(got, read_table(items, "tranches"))
    assert _loaded(tmp_path, "tranches", rounds, tranches) == []


def _investment(rid: str, investor: str, amount: str | None) -> dict[str, Any]:
    return {"round": rid, "company": "acme", "investor": investor, "amount": amount}


@pytest.mark.parametrize("fmt", FORMATS)
def test_investors_amounts_add_up_to_at_most_their_round(tmp_path: Path, fmt: str) -> None:
    """Investors' amounts (some missing: not counted) in one currency, at most the round's."""
    rounds = [_round("a", "$10M"), _round("b", "$10M"), _round("c", "$1M"), _round("d", "$2M")]
    items = [
        _investment("a", "x", "$10M"),
        _investment("a", "y", None),
        _investment("b", "x", "$7M"),
        _investment("b", "y", "$3.000001M"),
        _investment("c", "x", "£1"),
        _investment("c", "y", "$1"),
        _investment("d", "x", "about $2.5M"),
    ]
    problems = sorted(
        _key(p) for p in _read("investments", _write(tmp_path, "investments", rounds, items, fmt))
    )
    said = [
        ("b", "a total at most the round's $10M", "a total of $10,000,001"),
        ("c", "amounts in one currency like the round's $1M", "several"),
        ("d", "a total at most the round's $2M", "a total of about $2.5M"),
    ]
    if fmt == "parquet":  # a number is an exact figure: 'about' is text's
        said[2] = ("d", "a total at most the round's $2M", "a total of $2.5M")
    assert problems == [
        ("funding_rounds", r, "investors", "inconsistent", e, f) for r, e, f in said
    ]
    shown = items if fmt == "csv" else [*items[:-1], _investment("d", "x", "$2.5M")]
    assert problems == _loaded(tmp_path, "investments", rounds, shown)


def _bill(bid: str, billed: str | None, outstanding: str | None = None) -> dict[str, Any]:
    return {
        "id": bid,
        "payer": "acme",
        "provider": "aws",
        "period": "2024-01",
        "billed": billed,
        "outstanding": outstanding,
    }


def _payment(bid: str, amount: str) -> dict[str, Any]:
    return {"bill": bid, "payer": "acme", "date": "2024-02", "amount": amount}


@pytest.mark.parametrize("fmt", FORMATS)
def test_payments_in_the_bills_currency_at_most_the_bill(tmp_path: Path, fmt: str) -> None:
    """A bill paid exactly, one a cent over, one paid in euros, one unpaid, one with an
    outstanding amount and payments (billed minus payments is not billed)."""
    bills = [
        _bill("exact", "$100.50"),
        _bill("cent", "$100.50"),
        _bill("euro", "$5M"),
        _bill("unpaid", "$7M"),
        _bill("owed", "$10M", "$10M"),
        _bill("sterling", "£3M"),
    ]
    items = [
        _payment("exact", "$100"),
        _payment("exact", "$0.50"),
        _payment("cent", "$100.51"),
        _payment("euro", "$1M"),
        _payment("euro", "€1M"),
        _payment("owed", "$4M"),
        _payment("sterling", "£1M"),
        _payment("sterling", "£2M"),
    ]
    problems = sorted(
        _key(p) for p in _read("payments", _write(tmp_path, "payments", bills, items, fmt))
    )
    assert problems == [
        (
            "cloud_bills",
            "cent",
            "payments",
            "inconsistent",
            "payments totalling at most the bill's $100.5",
            "$100.51",
        ),
        (
            "cloud_bills",
            "euro",
            "payments",
            "inconsistent",
            "payments in the bill's currency USD",
            "another",
        ),
        (
            "cloud_bills",
            "owed",
            "outstanding",
            "inconsistent",
            "billed minus payments = $6M",
            "$10M",
        ),
    ]
    assert problems == _loaded(tmp_path, "payments", bills, items)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_outstanding_amount_is_billed_minus_the_payments_beside(
    tmp_path: Path, fmt: str
) -> None:
    """With the payments in their own table, a bill's outstanding amount is billed minus those
    payments (it was refused unless equal to billed, as if the bill had none); a bill without
    payments still owes all of it (refused with the bills table's own problems, before the
    rules between the tables)."""
    bills = [
        _bill("paid-part", "$10M", "$4M"),  # $6M paid: right
        _bill("wrong", "$10M", "$5M"),  # $6M paid: $4M left, not $5M
        _bill("none-paid", "$8M", "$8M"),  # no payments: all of it
    ]
    items = [_payment("paid-part", "$6M"), _payment("wrong", "$2M"), _payment("wrong", "$4M")]
    problems = sorted(
        _key(p) for p in _read("payments", _write(tmp_path, "payments", bills, items, fmt))
    )
    assert [(p[1], p[2], p[4], p[5]) for p in problems] == [
        ("wrong", "outstanding", "billed minus payments = $4M", "$5M")
    ]
    assert problems == _loaded(tmp_path, "payments", bills, items)
    parents, paid = _write(tmp_path, "payments", bills[:1], items[:1], fmt)
    assert list(read_table(paid, "payments", parents=parents)["amount_usd"]) == [6e6]
    owing = [*bills[:1], _bill("none-paid-wrong", "$8M", "$3M")]
    problems = _read("payments", _write(tmp_path, "payments", owing, items[:1], fmt))
    assert [(p.record_id, p.field, p.found) for p in problems] == [
        ("none-paid-wrong", "outstanding", "$3M")
    ]
    assert problems[0].expected.startswith("billed minus payments = $8M")


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_orders_payments_at_most_its_total(tmp_path: Path, fmt: str) -> None:
    """An order's payments in its currency add up to at most its total (exact or about);
    a range or a bound is not compared, nor payments in several currencies."""

    def order(oid: str, total: str | None) -> dict[str, Any]:
        return {
            "id": oid,
            "buyer": "acme",
            "vendor": "nvidia",
            "sku": "H100",
            "quantity": 10,
            "order_date": "2024-01",
            "total": total,
        }

    def pay(oid: str, amount: str) -> dict[str, Any]:
        return {"order": oid, "buyer": "acme", "date": "2024-02", "amount": amount}

    orders = [
        order("ok", "$3M"),
        order("over", "about $3M"),
        order("range", "$2M to $4M"),
        order("two", "$1M"),
    ]
    items = [
        pay("ok", "$3M"),
        pay("over", "$3.000001M"),
        pay("range", "$3.5M"),
        pay("two", "$2M"),
        pay("two", "€2M"),
    ]
    problems = sorted(
        _key(p)
        for p in _read("order_payments", _write(tmp_path, "order_payments", orders, items, fmt))
    )
    assert problems == [
        (
            "gpu_orders",
            "over",
            "payments",
            "inconsistent",
            "payments totalling at most the order's about $3M",
            "$3,000,001",
        )
    ]
    assert problems == _loaded(tmp_path, "order_payments", orders, items)


@pytest.mark.parametrize("fmt", FORMATS)
def test_items_naming_no_record_and_both_tables_problems(tmp_path: Path, fmt: str) -> None:
    """A tranche naming no round of the rounds' table is a problem at its row; problems of
    both tables are reported at once; parents of a kind without rules are refused."""
    paths = _write(tmp_path, "tranches", ROUNDS, [*TRANCHES, _tranche("nope", "$1M")], fmt)
    problems = _read("tranches", paths)
    unknown = [p for p in problems if p.code == "unknown-reference"]
    assert [(p.file, p.kind, p.index, p.field, p.found) for p in unknown] == [
        (str(paths[1]), "tranches", len(TRANCHES), "round", "'nope'")
    ]
    bad_rounds = [*ROUNDS, _round("neg", "-$1M")]
    paths = _write(tmp_path, "tranches", bad_rounds, [*TRANCHES, _tranche("equal", "-$1")], fmt)
    got = {(p.kind, p.record_id, p.field) for p in _read("tranches", paths)}
    assert got == {("funding_rounds", "neg", "amount"), ("tranches", "equal", "amount")}
    with pytest.raises(LedgerError, match="parents only for a table of"):
        read_table(paths[1], "cloud_bills", parents=paths[0])


def test_many_tranches(tmp_path: Path) -> None:
    """100,000 tranches of 20,000 rounds (checked per round at once, no loop over rows; its
    time is measured by benchmarks, not here): one round over by a cent among them is found."""
    n = 20_000
    rounds = pd.DataFrame(
        {"id": [f"r{i}" for i in range(n)], "company": "acme", "date": "2024-01", "amount": "$5M"}
    )
    rounds.loc[n - 1, "amount"] = "$4.99999999M"
    parents = tmp_path / "rounds.parquet"
    rounds.to_parquet(parents, index=False)
    ids = np.repeat(rounds["id"].to_numpy(), 5)
    items = pd.DataFrame(
        {
            "round": ids,
            "company": "acme",
            "amount": 1_000_000.0,
            "amount_currency": "USD",
            "status": "committed",
        }
    )
    path = tmp_path / "tranches.parquet"
    items.to_parquet(path, index=False)
    problems = _read("tranches", (parents, path))
    assert [(p.record_id, p.found) for p in problems] == [(f"r{n - 1}", "a total of $5M")]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    amounts=st.lists(st.integers(min_value=1, max_value=400), min_size=3, max_size=3),
    tranches=st.lists(
        st.tuples(
            st.integers(0, 2), st.integers(1, 300), st.sampled_from(["$", "€"]), st.integers(0, 2)
        ),
        min_size=1,
        max_size=9,
    ),
    fmt=st.sampled_from(FORMATS),
)
def test_tables_refuse_what_the_loader_refuses(
    tmp_path_factory: pytest.TempPathFactory,
    amounts: list[int],
    tranches: list[tuple[int, int, str, int]],
    fmt: str,
) -> None:
    """Random tranches (in cents, dollars or euros) of three rounds: the tables are refused
    exactly when the loader refuses the records, with the same problems."""
    tmp_path = tmp_path_factory.mktemp("hyp")
    rounds = [_round(f"r{i}", f"${a}.{a % 100:02d}") for i, a in enumerate(amounts)]
    items = [
        _tranche(f"r{r}", f"{sign}{a / 10**d:.{d}f}" if d else f"{sign}{a}")
        for r, a, sign, d in tranches
    ]
    loaded = _loaded(tmp_path, "tranches", rounds, items)
    got = sorted(
        _key(p) for p in _read("tranches", _write(tmp_path, "tranches", rounds, items, fmt))
    )
    assert got == loaded


def test_long_figures_and_ranges_are_summed_exactly(tmp_path: Path) -> None:
    """Figures of more digits than a float holds, and ranges (their midpoints, as records
    compare them): one cent over a 16-digit round is refused, equal is not."""
    rounds = [
        _round("long", "$12,345,678,901,234.56"),
        _round("equal", "$12,345,678,901,234.56"),
        _round("range", "$10M"),
    ]
    items = [
        _tranche("long", "$12,345,678,901,234.55"),
        _tranche("long", "$0.02"),
        _tranche("equal", "$12,345,678,901,234.55"),
        _tranche("equal", "$0.01"),
        _tranche("range", "$4M to $8M"),
        _tranche("range", "$4.000001M"),
    ]
    problems = sorted(
        _key(p) for p in _read("tranches", _write(tmp_path, "tranches", rounds, items, "csv"))
    )
    assert [(p[1], p[5]) for p in problems] == [
        ("long", "a total of $12,345,678,901,234.57"),
        ("range", "a total of $10,000,001"),
    ]
    assert problems == _loaded(tmp_path, "tranches", rounds, items)
