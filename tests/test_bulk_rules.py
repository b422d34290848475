"""The rules a record obeys on its own hold on bulk tables too: read_table refuses what the YAML
loader refuses of one record (its model's checks, and the ledger's same-party check), with the
same fields, codes and messages, located at each row; CSV and Parquet alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tablefiles import write_rows as _write

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.bulk import read_table

FORMATS = ("csv", "parquet")


def _problems(path: Path, kind: str) -> list[tuple[Any, ...]]:
    with pytest.raises(LedgerError) as info:
        read_table(path, kind)
    return sorted(
        (p.index, p.record_id, p.field, p.code, p.expected, p.found) for p in info.value.problems
    )


def _yaml_problems(tmp_path: Path, kind: str, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The problems the YAML loader finds in the same records (entities declared)."""
    import yaml

    names = set()
    for r in rows:
        for k in ("company", "counterparty", "payer", "provider", "buyer", "seller", "vendor"):
            if isinstance(r.get(k), str):
                names.add(r[k])
    data = {
        "entities": [{"id": n, "name": n, "type": "company"} for n in sorted(names)],
        kind: [{k: v for k, v in r.items() if v is not None} for r in rows],
    }
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    return sorted(
        (p.index, p.record_id, p.field, p.code, p.expected, p.found)
        for p in info.value.problems
        if p.severity == "error"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bill_paid_by_its_provider_is_refused(tmp_path: Path, fmt: str) -> None:
    """Two of four bills have their payer as provider: both refused, as the loader refuses
    them (same-party), beside another problem of another row."""
    rows = [
        {"id": "b1", "payer": "acme", "provider": "aws", "period": "2024-01", "billed": "$5M"},
        {"id": "b2", "payer": "aws", "provider": "aws", "period": "2024-02", "billed": "$5M"},
        {"id": "b3", "payer": "acme", "provider": "aws", "period": "2024-03", "billed": "-$1"},
        {"id": "b4", "payer": "acme", "provider": "acme", "period": "2024-04", "billed": "$1"},
    ]
    got = _problems(_write(tmp_path, rows, fmt), "cloud_bills")
    assert [g[:4] for g in got] == [
        (1, "b2", "provider", "same-party"),
        (2, "b3", "billed", "out-of-range"),
        (3, "b4", "provider", "same-party"),
    ]
    want = _yaml_problems(tmp_path, "cloud_bills", rows)
    assert [g for g in got if g[3] == "same-party"] == [w for w in want if w[3] == "same-party"]


#: kind, rows (the first valid), the problems' (row, field, code) the loader finds too.
CASES: list[tuple[str, list[dict[str, Any]], list[tuple[int, str, str]]]] = [
    (
        "expenses",
        [
            {"id": "e1", "company": "a", "category": "opex", "date": "2024", "amount": "$1M"},
            {
                "id": "e2",
                "company": "a",
                "counterparty": "a",
                "category": "opex",
                "date": "2024",
                "amount": "$1M",
            },
            {
                "id": "e3",
                "company": "a",
                "category": "opex",
                "date": "2024",
                "amount": "$1M",
                "included_in": "e3",
            },
        ],
        [(1, "counterparty", "same-party"), (2, "included_in", "inconsistent")],
    ),
    (
        "revenues",
        [
            {"id": "r1", "company": "a", "date": "2024", "amount": "$10M"},
            {"id": "r2", "company": "a", "counterparty": "a", "date": "2024", "amount": "$1M"},
            {"id": "r3", "company": "a", "date": "2024", "share": "40%"},
            {"id": "r4", "company": "a", "date": "2024", "amount": "$1M", "of": "r1"},
            {"id": "r5", "company": "a", "date": "2024", "share": "140%", "of": "r1"},
            {"id": "r6", "company": "a", "date": "2024", "share": "10%", "of": "r6"},
        ],
        [
            (1, "counterparty", "same-party"),
            (2, "of", "inconsistent"),
            (3, "share", "inconsistent"),
            (4, "share", "out-of-range"),
            (5, "included_in", "inconsistent"),
            (5, "of", "inconsistent"),
        ],
    ),
    (
        "compute_contracts",
        [
            {"id": "c1", "buyer": "a", "seller": "s", "start": "2024", "end": "2026"},
            {"id": "c2", "buyer": "s", "seller": "s", "start": "2024"},
            {"id": "c3", "buyer": "a", "seller": "s", "start": "2024-06", "end": "2024-05"},
            {"id": "c4", "buyer": "a", "seller": "s", "start": "2024", "capacity": "0 H100"},
        ],
        [(1, "seller", "same-party"), (2, "end", "inconsistent"), (3, "capacity", "inconsistent")],
    ),
    (
        "gpu_orders",
        [
            {
                "id": "o1",
                "buyer": "a",
                "vendor": "n",
                "sku": "H100",
                "quantity": 5,
                "order_date": "2024",
            },
            {
                "id": "o2",
                "buyer": "n",
                "vendor": "n",
                "sku": "H100",
                "quantity": 5,
                "order_date": "2024",
            },
        ],
        [(1, "vendor", "same-party")],
    ),
    (
        "cloud_bills",
        [
            {"id": "b1", "payer": "a", "provider": "p", "period": "2024", "outstanding": "$1"},
            {"id": "b2", "payer": "a", "provider": "p", "period": "2024", "outstanding": "-$1"},
        ],
        [(1, "outstanding", "out-of-range")],
    ),
    (
        "funding_rounds",
        [
            {"id": "f1", "company": "a", "date": "2024", "amount": "$1M"},
            {"id": "f2", "company": "a", "date": "2024", "effort": "f2"},
            {
                "id": "f3",
                "company": "a",
                "date": "2024",
                "pre_money": "-$1M",
                "post_money": "$0",
                "price_per_share": "-$2",
                "secondary": True,
            },
        ],
        [
            (1, "effort", "inconsistent"),
            (2, "post_money", "out-of-range"),
            (2, "pre_money", "out-of-range"),
            (2, "price_per_share", "out-of-range"),
        ],
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("kind", "rows", "want"), CASES, ids=[c[0] for c in CASES])
def test_record_rules_hold_on_tables(
    tmp_path: Path, fmt: str, kind: str, rows: list[dict[str, Any]], want: list[Any]
) -> None:
    """Each rule broken by one row, several at once: the table's problems are the loader's
    (rows, ids, fields, codes, and the messages where they name values the same way)."""
    got = _problems(_write(tmp_path, rows, fmt), kind)
    assert [(g[0], g[2], g[3]) for g in got] == want
    assert [g[1] for g in got] == [rows[w[0]]["id"] for w in want]
    yaml = _yaml_problems(tmp_path, kind, rows)
    assert [(y[0], y[2], y[3]) for y in yaml] == want
    assert got == yaml  # messages too: what was expected, what was found


@pytest.mark.parametrize("fmt", FORMATS)
def test_reallocations_and_investments_name_two_entities(tmp_path: Path, fmt: str) -> None:
    moves = [
        {"id": "m1", "from_entity": "a", "to_entity": "b", "quantity": 5, "date": "2024"},
        {
            "id": "m2",
            "from_entity": "a",
            "to_entity": "a",
            "quantity": 5,
            "date": "2024",
            "exchanged_for": "m2",
        },
    ]
    got = _problems(_write(tmp_path, moves, fmt), "gpu_reallocations")
    assert [(g[0], g[2], g[3], g[4], g[5]) for g in got] == [
        (1, "exchanged_for", "inconsistent", "another reallocation's id", "'m2'"),
        (1, "to_entity", "inconsistent", "an entity other than from_entity 'a'", "'a'"),
    ]
    parts = [
        {"round": "f1", "company": "a", "investor": "x", "amount": "$1M"},
        {"round": "f1", "company": "a", "investor": "a", "amount": "$1M"},
        {"round": "f2", "company": "b", "investor": "b"},
    ]
    got = _problems(_write(tmp_path, parts, fmt), "investments")
    assert [(g[0], g[2], g[3], g[5]) for g in got] == [
        (1, "investor", "same-party", "'a'"),
        (2, "investor", "same-party", "'b'"),
    ]
    assert got[0][4] == "an investor other than the company 'a' raising the money"
    rounds = [
        {"id": "f1", "company": "a", "date": "2024", "investors": "x, y"},
        {"id": "f2", "company": "a", "date": "2024", "investors": "x,a"},
        {"id": "f3", "company": "b", "date": "2024", "investors": "x,a"},
        {"id": "f4", "company": "a", "date": "2024", "investors": "x,a"},
    ]
    got = _problems(_write(tmp_path, rounds, fmt), "funding_rounds")
    assert [(g[0], g[2], g[3]) for g in got] == [
        (1, "investors", "same-party"),
        (3, "investors", "same-party"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revenue_share_is_included_in_the_record_it_is_of(tmp_path: Path, fmt: str) -> None:
    """A share of another revenue record with no amount of its own loads (was refused as
    "neither an amount nor a rate"), and is included in that record (``included_in`` defaults
    to ``of``, as the model sets it): the frame is the loader's."""
    rows = [
        {"id": "r1", "company": "a", "date": "2024", "amount": "$10M"},
        {
            "id": "r2",
            "company": "a",
            "counterparty": "c",
            "date": "2024",
            "share": "40%",
            "of": "r1",
        },
        {
            "id": "r3",
            "company": "a",
            "counterparty": "d",
            "date": "2024",
            "amount": "$2M",
            "share": "20%",
            "of": "r1",
            "included_in": "r1",
        },
    ]
    got = read_table(_write(tmp_path, rows, fmt), "revenues")
    assert got["included_in"].tolist()[1:] == ["r1", "r1"]
    assert pd.isna(got["included_in"][0])
    assert got["share"].tolist()[1:] == [0.4, 0.2]


#: Rounds whose valuation adds up or not, as the record's check reads it: (row, refused).
ROUNDS: list[tuple[dict[str, Any], bool]] = [
    ({"pre_money": "$40M", "amount": "$10M", "post_money": "$50M"}, False),
    ({"pre_money": "$50M", "amount": "$10M", "post_money": "$100M"}, True),
    # $1B is written to the billion: anything from $0.5B to $1.5B
    ({"pre_money": "$1B", "amount": "$100M", "post_money": "$1B"}, False),
    ({"pre_money": "$1.05B", "amount": "$300M", "post_money": "$1.1B"}, True),
    ({"pre_money": "about $40M", "amount": "$10M", "post_money": "$52M"}, False),  # 10% wide
    ({"pre_money": "about $40M", "amount": "$10M", "post_money": "$60M"}, True),
    ({"pre_money": "$40M to $45M", "amount": "$10M", "post_money": "$54M"}, False),
    ({"pre_money": "more than $40M", "amount": "$10M", "post_money": "$500M"}, False),
    ({"pre_money": "$50M", "amount": "$10M", "post_money": "$100M", "secondary": True}, False),
    ({"pre_money": "€50M", "amount": "€10M", "post_money": "$100M"}, False),  # currencies
    ({"pre_money": "-$50M", "amount": "$10M", "post_money": "$100M"}, False),  # out of range
    ({"pre_money": "$50M", "post_money": "$100M"}, False),  # no amount
    ({"pre_money": "$50M", "amount": "$10M", "post_money": "$100M"}, True),  # again
    ({"pre_money": "$99M", "amount": "$1M", "post_money": "$101.5M"}, True),  # > 1% off
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_round_whose_valuation_does_not_add_up_is_refused_as_the_loader_refuses_it(
    tmp_path: Path, fmt: str
) -> None:
    """pre_money + amount = post_money within 1% or the rounding of the figures as written
    (ranges on their ends, bounds open, approximations at their widths), unless secondary or
    in other currencies: a table loaded it whatever the figures; now the rows the loader
    refuses, with its field, code and message, beside the other rows' problems."""
    rows = [
        {"id": f"f{i}", "company": "a", "date": "2024", **r, "secondary": r.get("secondary", False)}
        for i, (r, _) in enumerate(ROUNDS)
    ]
    got = _problems(_write(tmp_path, rows, fmt), "funding_rounds")
    refused = [i for i, (_, bad) in enumerate(ROUNDS) if bad]
    assert [g[0] for g in got if g[2] == "post_money"] == refused
    assert [(g[0], g[2], g[3]) for g in got if g[2] != "post_money"] == [
        (10, "pre_money", "out-of-range")
    ]
    want = _yaml_problems(tmp_path, "funding_rounds", rows)
    assert [g for g in got if g[2] == "post_money"] == [w for w in want if w[2] == "post_money"]
    assert got[0][4].startswith("pre_money + amount = post_money within 1%")
    assert got[0][5] == "$100M"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_round_valuation_in_numbers_is_checked_as_the_same_figures_as_text(
    tmp_path: Path, fmt: str
) -> None:
    """Numbers with currency columns are the exact figures they write: the same rows refused
    with the same messages as the figures written as text."""
    from aicapex.money import Money

    exact = [
        (r, bad)
        for r, bad in ROUNDS
        if all(isinstance(v, str) and Money.parse(v).kind == "exact" for v in r.values())
    ]
    assert len(exact) == 9
    text = [{"id": f"f{i}", "company": "a", "date": "2024", **r} for i, (r, _) in enumerate(exact)]
    numbers = []
    for row in text:
        out = dict(row)
        for name in ("pre_money", "amount", "post_money"):
            if name in row:
                money = Money.parse(row[name])
                out[name], out[f"{name}_currency"] = float(money.amount), money.currency
        numbers.append(out)
    got = _problems(_write(tmp_path, numbers, fmt), "funding_rounds")
    refused = [i for i, (_, bad) in enumerate(exact) if bad]
    assert [g[0] for g in got if g[2] == "post_money"] == refused
    assert got == _problems(_write(tmp_path, text, fmt), "funding_rounds")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_share_that_cannot_be_read_is_one_problem(tmp_path: Path, fmt: str) -> None:
    """A revenue share that cannot be read, with its record: the share's problem, as the loader
    gives it; not also "a share and the revenue record it is of, together" (it was)."""
    rows = [
        {"id": "r1", "company": "a", "date": "2024", "amount": "$10M"},
        {"id": "r2", "company": "a", "date": "2024", "share": "forty", "of": "r1"},
        {"id": "r3", "company": "a", "date": "2024", "share": "40%", "of": "r1"},
        {"id": "r4", "company": "a", "date": "2024", "share": "4O%", "of": "r1"},
    ]
    got = _problems(_write(tmp_path, rows, fmt), "revenues")
    assert [(g[0], g[2], g[3]) for g in got] == [
        (1, "share", "bad-share"),
        (3, "share", "bad-share"),
    ]
    want = _yaml_problems(tmp_path, "revenues", rows)
    assert [(g[0], g[2], g[3]) for g in got] == [(w[0], w[2], w[3]) for w in want]


#: kind, rows breaking each rule the loader's checks hold (several at once, and a valid row).
MESSAGES: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "expenses",
        [
            {"id": "e0", "company": "a", "category": "opex", "date": "2024", "amount": "$1M"},
            {"id": "e1", "company": "a", "category": "opex", "date": "2024", "amount": "-$1M"},
            {
                "id": "e2",
                "company": "a",
                "category": "opex",
                "date": "2024-03",
                "amount": "$1M",
                "rate": "$1M/yr",
            },
            {"id": "e3", "company": "a", "category": "opex", "date": "2024"},
            {
                "id": "e4",
                "company": "a",
                "category": "opex",
                "date": "March 2024",
                "rate": "$1M/yr",
                "until": "2024-01",
            },
            {
                "id": "e5",
                "company": "a",
                "category": "opex",
                "date": "2024-03",
                "rate": "$900T/month",
                "until": "2030",
            },
            {"id": "e6", "company": "a", "category": "opex", "date": "2024", "rate": "-€1M/yr"},
        ],
    ),
    (
        "revenues",
        [
            {"id": "r1", "company": "a", "date": "2024", "amount": "$10M"},
            {"id": "r2", "company": "a", "date": "2024", "share": "more than 140%", "of": "r1"},
            {"id": "r3", "company": "a", "date": "2024", "share": "90% to 110%", "of": "r1"},
        ],
    ),
    (
        "cloud_bills",
        [
            {"id": "b1", "payer": "a", "provider": "p", "period": "2024-01", "billed": "$5M"},
            {"id": "b2", "payer": "a", "provider": "p", "period": "2024-02"},
            {"id": "b3", "payer": "a", "provider": "p", "period": "2024-03", "billed": "$0"},
            {"id": "b4", "payer": "a", "provider": "p", "period": "2024", "outstanding": "-$2M"},
        ],
    ),
    ("cash_balances", [{"id": "c1", "company": "a", "date": "2024", "amount": "-$1.5M"}]),
    (
        "compute_contracts",
        [
            {"id": "c1", "buyer": "a", "seller": "s", "start": "June 2024", "end": "2024-05"},
            {"id": "c2", "buyer": "a", "seller": "s", "start": "2024", "capacity": "0 GW"},
            {"id": "c3", "buyer": "a", "seller": "s", "start": "2024", "total_value": "-$5M"},
            {"id": "c4", "buyer": "a", "seller": "s", "start": "2024", "rate": "$200T/month"},
            {"id": "c5", "buyer": "a", "seller": "s", "start": "2024", "rate": "$1M/month"},
        ],
    ),
    (
        "gpu_orders",
        [
            {
                "id": "o1",
                "buyer": "a",
                "vendor": "n",
                "sku": "H100",
                "quantity": 5,
                "order_date": "2024",
                "unit_price": "$0",
                "total": "-$1",
            },
            {
                "id": "o2",
                "buyer": "a",
                "vendor": "n",
                "sku": "H100",
                "quantity": 1_000_000,
                "order_date": "2024",
                "unit_price": "$2B",
            },
        ],
    ),
    (
        "funding_rounds",
        [
            {
                "id": "f1",
                "company": "a",
                "date": "2024",
                "amount": "-$10M",
                "pre_money": "$0",
                "price_per_share": "-€2",
            },
        ],
    ),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("kind", "rows"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_a_refused_row_reads_as_the_loader_refuses_its_record(
    tmp_path: Path, fmt: str, kind: str, rows: list[dict[str, Any]]
) -> None:
    """The problems of a table are the loader's of the same records: rows, ids, fields, codes,
    what was expected and what was found, written as the records' checks write them ('-$1M',
    'a date on or after 2024-03', '$900T/month over 82 months, $73,800T', '0 GW'); the table
    showed the floats ('-1000000.0'), the cells ("'2024-01-31'", "'both'") and other texts."""
    got = _problems(_write(tmp_path, rows, fmt), kind)
    assert got
    assert got == _yaml_problems(tmp_path, kind, rows)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bills_outstanding_amount_is_its_billed_amount_as_the_loader_compares_them(
    tmp_path: Path, fmt: str
) -> None:
    """A bills table has no payments: what is outstanding is what was billed, in its currency
    and exact, as the record compares them (Money equality): 'about $5M' outstanding of a $5M
    bill, or '€5M' of a $5M bill, loaded from a table (their floats are equal) and is refused
    now, as by the loader; the message is the loader's and says why."""
    rows = [
        {"id": "b1", "payer": "a", "provider": "p", "period": "2024-01", "billed": "$5M"},
        {
            "id": "b2",
            "payer": "a",
            "provider": "p",
            "period": "2024-02",
            "billed": "$5M",
            "outstanding": "$5M",
        },
        {
            "id": "b3",
            "payer": "a",
            "provider": "p",
            "period": "2024-03",
            "billed": "$5M",
            "outstanding": "about $5M",
        },
        {
            "id": "b4",
            "payer": "a",
            "provider": "p",
            "period": "2024-04",
            "billed": "$5M",
            "outstanding": "€5M",
        },
        {
            "id": "b5",
            "payer": "a",
            "provider": "p",
            "period": "2024-05",
            "billed": "about $5M",
            "outstanding": "$5M",
        },
        {
            "id": "b6",
            "payer": "a",
            "provider": "p",
            "period": "2024-06",
            "billed": "$5M",
            "outstanding": "$3M",
        },
    ]
    got = _problems(_write(tmp_path, rows, fmt), "cloud_bills")
    want = _yaml_problems(tmp_path, "cloud_bills", rows)
    assert [(g[0], g[2], g[3], g[5]) for g in got] == [(w[0], w[2], w[3], w[5]) for w in want]
    assert [g[0] for g in got] == [2, 3, 5]
    for g, w in zip(got, want, strict=True):
        assert g[4] == f"{w[4]} (a bills table has no payments: outstanding equal to billed)"


@pytest.mark.parametrize("fmt", FORMATS)
def test_refused_numbers_read_as_the_same_figures_written_as_text(tmp_path: Path, fmt: str) -> None:
    """Money and rates as numbers with their currency and period columns: the problems of the
    same figures written as text (found '-$1M', the rate's total as the record says it)."""
    text = [
        {"id": "e1", "company": "a", "category": "opex", "date": "2024", "amount": "-$1M"},
        {"id": "e2", "company": "a", "category": "opex", "date": "2024", "amount": "€2.5M"},
        {
            "id": "e3",
            "company": "a",
            "category": "opex",
            "date": "2024-03",
            "rate": "$900T/month",
            "until": "2030",
        },
        {"id": "e4", "company": "a", "category": "opex", "date": "2024", "rate": "-£3/day"},
    ]
    numbers = [
        {**text[0], "amount": -1e6, "amount_currency": "USD"},
        {**text[1], "amount": 2.5e6, "amount_currency": "EUR"},
        {**text[2], "rate": 9e14, "rate_currency": "USD", "rate_per": "month"},
        {**text[3], "rate": -3.0, "rate_currency": "GBP", "rate_per": "day"},
    ]
    got = _problems(_write(tmp_path, numbers, fmt), "expenses")
    assert [g[5] for g in got] == ["-$1M", "$900T/month over 82 months, $73,800T", "-£3"]
    assert got == _problems(
        _write(
            tmp_path,
            text,
            fmt,
        ),
        "expenses",
    )
