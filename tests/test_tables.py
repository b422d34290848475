"""Tests for aicapex.tables: bulk CSV/Parquet tables of one record kind, validated column-wise.

A table written from the bundled ledger's records must read back as exactly the frame the record
path gives (``Ledger.frame``), and feed the same flows; bad tables give one LedgerError listing
each problem with its CSV line (the header is line 1).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.money import Money, Rate
from aicapex.records import KINDS
from aicapex.table.bulk import TABLE_KINDS, TRANCHE_TOTALS, read_table
from aicapex.table.flows import flows
from aicapex.table.frames import SUBFRAMES

MONEY = ("amount", "billed", "outstanding", "total_value", "total", "unit_price")


@pytest.fixture(scope="module")
def wide(bundled: ac.Ledger) -> ac.Ledger:
    """The bundled ledger and one record of each nested shape it lacks: a compute contract and
    a ramped one, a GPU order with scheduled and delivered batches and payments, a bill paid in
    two payments, a euro round."""
    records = [r for kind in bundled.counts() for r in bundled.records(kind)]
    extra = [
        KINDS["compute_contracts"].model_validate(
            {
                "id": "c-1",
                "buyer": "stability-ai",
                "seller": "coreweave",
                "start": "2023-03",
                "end": "2025",
                "total_value": "about $120M",
                "rate": "$5M/month",
                "status": "signed",
            }
        ),
        KINDS["gpu_orders"].model_validate(
            {
                "id": "o-1",
                "buyer": "stability-ai",
                "vendor": "nvidia",
                "sku": "H100-SXM",
                "quantity": 4000,
                "unit_price": "$30,000",
                "order_date": "2023-06",
                "scheduled": [{"date": "late 2023", "quantity": 3000}],
                "delivered": [{"date": "2024-02", "quantity": 1000}],
                "payments": [
                    {"date": "2023-07", "amount": "$40M"},
                    {"date": "2024-02-10", "amount": "$80M"},
                ],
            }
        ),
        KINDS["compute_contracts"].model_validate(
            {
                "id": "c-ramp",
                "buyer": "stability-ai",
                "seller": "coreweave",
                "start": "2024",
                "end": "2026",
                "total_value": "$100M",
                "ramp": [
                    {"period": "2024", "amount": "$10M"},
                    {"period": "2025", "rate": "$2.5M/month"},
                    {"period": "2026-H1", "amount": "about $45M"},
                ],
            }
        ),
        KINDS["cloud_bills"].model_validate(
            {
                "id": "b-paid",
                "payer": "stability-ai",
                "provider": "aws",
                "period": "2022-11",
                "billed": "$2M",
                "payments": [
                    {"date": "2022-12-15", "amount": "$1.5M"},
                    {"date": "2023-01", "amount": "$0.5M"},
                ],
            }
        ),
        KINDS["funding_rounds"].model_validate(
            {
                "id": "f-eur",
                "company": "stability-ai",
                "date": "2021-09",
                "amount": "€10M",
                "status": "closed",
                "investors": [{"investor": "coatue"}, {"investor": "google"}],
                "tranches": [
                    {"amount": "€6M", "status": "disbursed", "date": "2021-10"},
                    {"amount": "€4M", "status": "committed"},
                ],
            }
        ),
    ]
    return ac.Ledger([*records, *extra])


FORMATS = ("csv", "parquet")


def as_written(led: ac.Ledger, kind: str) -> pd.DataFrame:
    """The records of ``kind`` as a ledger file writes them: money, rates and dates as text;
    cited source ids and a round's investors comma-separated; nested lists left out, and nested
    items (tranches, deliveries, payments, investments) as rows naming their parent."""
    if kind in SUBFRAMES:
        return _nested_rows(led, kind)
    rows = []
    for record in led.records(kind):
        nested = {"payments", "reported", "tranches", "investors", "scheduled", "delivered"}
        nested.add("ramp")
        data = record.model_dump(mode="json", exclude=nested)
        data["sources"] = ",".join(c["source"] for c in data["sources"])
        if kind == "funding_rounds":
            data["investors"] = ",".join(p.investor for p in record.investors)
        rows.append(data)
    return pd.DataFrame(rows)


def _nested_rows(led: ac.Ledger, kind: str) -> pd.DataFrame:
    parent, fields, parent_col = SUBFRAMES[kind]
    party = KINDS[parent].PARTIES[0]
    rows = []
    for record in led.records(parent):
        for field in fields:
            for item in getattr(record, field):
                data = {parent_col: record.id, party: getattr(record, party)}
                if len(fields) > 1:
                    data["status"] = field
                data.update(item.model_dump(mode="json", exclude_none=True))
                if "sources" in data:
                    data["sources"] = ",".join(c["source"] for c in data["sources"])
                rows.append(data)
    return pd.DataFrame(rows)


def as_numbers(led: ac.Ledger, kind: str) -> pd.DataFrame:
    """The same table with money as numbers and ``_currency`` (rates also ``_per``) columns."""
    out = as_written(led, kind)
    for name in MONEY:
        if name in out:
            parsed = [Money.parse(v) if isinstance(v, str) else None for v in out[name]]
            out[name] = [float(m.amount) if m else np.nan for m in parsed]
            out[f"{name}_currency"] = [m.currency if m else None for m in parsed]
    if "rate" in out:
        rates = [Rate.parse(v) if isinstance(v, str) else None for v in out["rate"]]
        out["rate"] = [float(r.money.amount) if r else np.nan for r in rates]
        out["rate_currency"] = [r.money.currency if r else None for r in rates]
        out["rate_per"] = [r.per if r else None for r in rates]
    return out


def write(frame: pd.DataFrame, path: Path) -> Path:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path


def without_reported(frame: pd.DataFrame) -> pd.DataFrame:
    # the record path fills reported_* from the cited sources' dates; a table cites ids only
    return frame.drop(columns=[c for c in frame.columns if c.startswith("reported_")])


def read_csv_text(tmp_path: Path, text: str, kind: str = "expenses") -> pd.DataFrame:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    return read_table(path, kind)


def problems(tmp_path: Path, text: str, kind: str = "expenses") -> LedgerError:
    with pytest.raises(LedgerError) as info:
        read_csv_text(tmp_path, text, kind)
    return info.value


# --- tables read back as the record path's frames ------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("money", ["text", "numbers"])
@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_a_table_reads_as_the_ledger_frame(
    wide: ac.Ledger, tmp_path: Path, kind: str, money: str, fmt: str
) -> None:
    table = (as_written if money == "text" else as_numbers)(wide, kind)
    expected = wide.frame(kind)
    assert len(table) == len(expected) > 0
    path = write(table, tmp_path / f"{kind}.{fmt}")
    got = read_table(path, kind)
    if kind == "funding_rounds":
        # a table has no tranches: their totals are unknown, not zero
        totals = [f"{s}_usd" for s in TRANCHE_TOTALS]
        assert got[totals].isna().all().all()
        got, expected = got.drop(columns=totals), expected.drop(columns=totals)
    if kind == "cloud_bills":
        # a bills table has no payments (a payments table feeds the flows): what was paid is
        # unknown, and what is unpaid too, but for a bill giving only its outstanding part
        assert got["paid_usd"].isna().all()
        billed = got["billed_usd"].notna().to_numpy()
        assert got.loc[billed, "unpaid_usd"].isna().all()
        only = ~billed & got["outstanding_usd"].notna().to_numpy()
        assert (got.loc[only, "unpaid_usd"] == got.loc[only, "outstanding_usd"]).all()
        assert (got.loc[only, "unpaid_usd"] == expected.loc[only, "unpaid_usd"]).all()
        columns = ["paid_usd", "unpaid_usd"]
        got, expected = got.drop(columns=columns), expected.drop(columns=columns)
    if kind == "gpu_orders":
        quantities = ["scheduled_quantity", "delivered_quantity"]
        assert got[quantities].isna().all().all()
        got, expected = got.drop(columns=quantities), expected.drop(columns=quantities)
    assert list(got.columns) == list(expected.columns)
    if money == "numbers":
        # numbers are exact figures (a range or a bound is written as text): compare the rest
        ends = [
            c
            for c in got.columns
            if c.endswith(
                ("_kind", "_low_usd", "_high_usd", "_low_usd_per_month", "_high_usd_per_month")
            )
        ]
        assert all((got[c].dropna() == "exact").all() for c in ends if c.endswith("_kind"))
        got, expected = got.drop(columns=ends), expected.drop(columns=ends)
    pd.testing.assert_frame_equal(without_reported(got), without_reported(expected))


@pytest.mark.parametrize("fmt", FORMATS)
def test_flows_from_nested_tables_equal_flows_from_records(
    wide: ac.Ledger, tmp_path: Path, fmt: str
) -> None:
    # rounds, tranches and investments; bills and payments; contracts and their ramps; GPU
    # orders, their deliveries and payments: tables give the records' flows
    kinds = (
        "funding_rounds",
        "tranches",
        "investments",
        "cloud_bills",
        "payments",
        "revenues",
        "compute_contracts",
        "ramps",
        "gpu_orders",
        "deliveries",
        "order_payments",
    )
    tables = {
        kind: read_table(write(as_written(wide, kind), tmp_path / f"{kind}.{fmt}"), kind)
        for kind in kinds
    }
    from_tables = flows(tables).sort_values(["date", "record", "cents"], kind="stable")
    from_records = flows({kind: wide.frame(kind) for kind in kinds}).sort_values(
        ["date", "record", "cents"], kind="stable"
    )
    assert {"f-eur", "b-paid", "c-ramp", "o-1"} <= set(from_tables["record"])
    # the ramp schedules the contract: $10M in 2024, $2.5M a month in 2025, about $45M in 2026
    ramped = from_tables[from_tables["record"] == "c-ramp"]
    assert ramped["cents"].sum() == (10 + 30 + 45) * 10**8  # not the flat $100M
    pd.testing.assert_frame_equal(
        from_tables.reset_index(drop=True), from_records.reset_index(drop=True)
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_flows_from_tables_equal_flows_from_records(
    bundled: ac.Ledger, tmp_path: Path, fmt: str
) -> None:
    kinds = ("expenses", "revenues", "cloud_bills")
    tables = {
        kind: read_table(write(as_written(bundled, kind), tmp_path / f"{kind}.{fmt}"), kind)
        for kind in kinds
    }
    from_tables = flows(tables)
    from_records = flows({kind: bundled.frame(kind) for kind in kinds})
    assert len(from_tables) > 0
    pd.testing.assert_frame_equal(from_tables, from_records)
    assert ac.arrears(tables, as_of="2023-10-31").frame["outstanding_usd"].sum() == pytest.approx(
        float(ac.sum_money(b.unpaid for b in bundled.of_type(ac.CloudBill)).amount)
    )


def test_a_table_read_can_be_changed(bundled: ac.Ledger, tmp_path: Path) -> None:
    # its columns are its own arrays, not read-only views of the file read
    got = read_table(write(as_numbers(bundled, "expenses"), tmp_path / "e.parquet"), "expenses")
    got.loc[0, "amount"] = 1.0
    got.loc[0, "date_start"] = pd.Timestamp("2020-01-01")
    got.loc[0, "sources"] = "elsewhere"
    row = got.iloc[0]
    assert (row["amount"], row["date_start"], row["sources"]) == (
        1.0,
        pd.Timestamp("2020-01-01"),
        "elsewhere",
    )


def test_an_empty_table_has_the_frame_columns(tmp_path: Path) -> None:
    got = read_csv_text(tmp_path, "id,company,amount,date,category\n")
    assert got.empty
    assert list(got.columns) == list(ac.Ledger().frame("expenses").columns)


def test_a_column_of_years_with_blanks(tmp_path: Path) -> None:
    # pandas reads such a column as floats (2024.0): still years
    got = read_csv_text(
        tmp_path,
        "id,company,rate,date,until,category\n"
        "e1,acme,$1M/yr,2023,2024,compute\n"
        "e2,acme,$1M/yr,2023,,compute\n",
    )
    assert got["until_start"].tolist()[0] == pd.Timestamp("2024-01-01")
    assert got["until_end"].tolist()[0] == pd.Timestamp("2024-12-31")
    assert got["until_precision"].tolist()[0] == "year"
    assert pd.isna(got["until_end"].tolist()[1])


def test_defaults_fill_missing_optional_columns(tmp_path: Path) -> None:
    got = read_csv_text(tmp_path, "id,company,amount,date,category\ne1,acme,€5M,2023-Q2,tax\n")
    row = got.iloc[0]
    assert (row["amount"], row["amount_currency"]) == (5e6, "EUR")
    assert np.isnan(row["amount_usd"])  # no FX rate: never guessed
    assert row["basis"] == "actual"
    assert (row["date_start"], row["date_end"]) == (
        pd.Timestamp("2023-04-01"),
        pd.Timestamp("2023-06-30"),
    )


@pytest.mark.parametrize(
    ("kind", "text", "record"),
    [
        (
            "expenses",
            "id,company,amount,date,category\ne1,acme,$5M,2023-Q2,tax\n",
            ac.Expense(id="e1", company="acme", amount="$5M", date="2023-Q2", category="tax"),
        ),
        (
            "revenues",
            "id,company,rate,date\nr1,acme,$1M/month,2023\n",
            ac.Revenue(id="r1", company="acme", rate="$1M/month", date="2023"),
        ),
        (
            "cash_balances",
            "id,company,date,amount\nc1,acme,2023-10,$4M\n",
            ac.CashBalance(id="c1", company="acme", date="2023-10", amount="$4M"),
        ),
    ],
)
def test_a_minimal_table_reads_as_the_frame_of_the_same_record(
    tmp_path: Path, kind: str, text: str, record: ac.Record
) -> None:
    # absent optional columns hold the fields' defaults (basis actual, bound exact, ...)
    led = ac.Ledger([ac.Entity(id="acme", name="Acme", type="company"), record])
    pd.testing.assert_frame_equal(read_csv_text(tmp_path, text, kind), led.frame(kind))
    pd.testing.assert_frame_equal(flows({kind: read_csv_text(tmp_path, text, kind)}), flows(led))


# --- bad tables ----------------------------------------------------------------------------

HEADER = "id,company,amount,date,category,basis,sources\n"
GOOD = "e1,acme,$5M,2023,compute,actual,s1\n"


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            HEADER + GOOD + "e2,acme,five dollars,2023,compute,actual,s1\n",
            3,
            "amount",
            ["money like", "'five dollars'"],
        ),
        (
            HEADER + GOOD + "e2,acme,$5M,2023-13-45,compute,actual,s1\n",
            3,
            "date",
            ["a date like", "'2023-13-45'"],
        ),
        (HEADER + GOOD + GOOD, 3, "id", ["a unique id", "'e1'"]),
        (
            HEADER + GOOD + "e2,acme,-$5M,2023,compute,actual,s1\n",
            3,
            "amount",
            ["a positive amount, got -$5M"],
        ),
        (
            HEADER + GOOD + GOOD.replace("e1", "e2") + "e3,acme,$5M,2023,computer,actual,s1\n",
            4,
            "category",
            ["one of compute, payroll", "'computer'"],
        ),
        (HEADER + GOOD + "e2,,$5M,2023,compute,actual,s1\n", 3, "company", ["required", "nothing"]),
        (
            "id,company,amount,rate,date,category\ne1,acme,$5M,$1M/yr,2023,compute\n",
            2,
            "amount",
            ["either an amount or a rate, got both"],
        ),
        (
            "id,company,rate,date,category\ne1,acme,$5M,2023,compute\n",
            2,
            "rate",
            ["a rate like", "'$5M'"],
        ),
        (
            "id,company,rate,date,until,category\ne1,acme,$1M/yr,2023-06,2023-01,compute\n",
            2,
            "until",
            ["a date on or after 2023-06, got 2023-01"],
        ),
    ],
    ids=[
        "money",
        "date",
        "duplicate-id",
        "negative",
        "enum",
        "required-value",
        "amount-and-rate",
        "rate",
        "until",
    ],
)
def test_a_bad_row_names_its_line(
    tmp_path: Path, text: str, line: int, field: str, words: list[str]
) -> None:
    error = problems(tmp_path, text)
    (problem,) = error.problems
    assert (problem.line, problem.field, problem.kind) == (line, field, "expenses")
    assert problem.file is not None
    assert problem.file.endswith("table.csv")
    message = str(error)
    assert f"table.csv:{line}:" in message
    for word in words:
        assert word in message
    assert "np." not in message  # plain values, not numpy reprs


def test_a_negative_cash_balance(tmp_path: Path) -> None:
    error = problems(
        tmp_path,
        "id,company,date,amount\nc1,acme,2023-10,$4M\nc2,acme,2023-11,-$1M\n",
        kind="cash_balances",
    )
    (problem,) = error.problems
    assert (problem.line, problem.field) == (3, "amount")
    assert "zero or more" in str(error)


def test_an_unknown_column_gets_a_suggestion(tmp_path: Path) -> None:
    error = problems(tmp_path, "id,company,amount,date,category,bassis\ne1,acme,$5M,2023,tax,x\n")
    (problem,) = error.problems
    assert problem.field == "bassis"
    assert problem.line is None
    assert "did you mean 'basis'?" in str(error)


def test_a_missing_required_column(tmp_path: Path) -> None:
    error = problems(tmp_path, "id,company,amount,category\ne1,acme,$5M,compute\n")
    (problem,) = error.problems
    assert problem.field == "date"
    assert "required" in str(error)


def test_numbers_need_a_currency_column(tmp_path: Path) -> None:
    error = problems(tmp_path, "id,company,amount,date,category\ne1,acme,5000000,2023,tax\n")
    assert error.problems[0].field == "amount"
    assert "amount_currency" in str(error)
    error = problems(
        tmp_path,
        "id,company,amount,amount_currency,date,category\ne1,acme,5000000,usd,2023,tax\n",
    )
    assert (error.problems[0].line, error.problems[0].field) == (2, "amount_currency")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        HEADER
        + GOOD
        + "e2,acme,lots,2023,compute,actual,s1\n"
        + GOOD.replace("e1", "e3")
        + "e4,acme,$5M,someday,compute,actual,s1\n"
    )
    error = problems(tmp_path, text)
    assert [(p.line, p.field) for p in error.problems] == [(3, "amount"), (5, "date")]


def test_parquet_problems_name_the_row(bundled: ac.Ledger, tmp_path: Path) -> None:
    table = as_written(bundled, "expenses")
    table.loc[1, "date"] = "soon"
    with pytest.raises(LedgerError) as info:
        read_table(write(table, tmp_path / "expenses.parquet"), "expenses")
    (problem,) = info.value.problems
    assert (problem.line, problem.index, problem.field) == (None, 1, "date")
    assert problem.record_id == table.loc[1, "id"]


@pytest.mark.parametrize(
    ("name", "kind", "words"),
    [
        ("table.csv", "entities", ["a kind a flat table can hold", "expenses"]),
        ("table.csv", "expense", ["a record kind", "did you mean 'expenses'?"]),
        ("missing.csv", "expenses", ["an existing table file"]),
        ("table.json", "expenses", ["a .csv, .tsv or .parquet file"]),
        ("broken.parquet", "expenses", ["a readable CSV or Parquet table"]),
        ("binary.csv", "expenses", ["text encoded in UTF-8", "byte 0xFF at line 2"]),
    ],
)
def test_unreadable_inputs_are_ledger_errors(
    tmp_path: Path, name: str, kind: str, words: list[str]
) -> None:
    files: dict[str, Any] = {
        "table.csv": HEADER + GOOD,
        "table.json": "{}",
        "broken.parquet": "not parquet",
        "binary.csv": b"id,company\n\xff\xfe,acme\n",
    }
    if name in files:
        content = files[name]
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        read_table(tmp_path / name, kind)
    message = str(info.value)
    for word in words:
        assert word in message
    assert name in message


def test_numeric_rates_take_periods_as_people_write_them(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "company": ["acme"] * 3,
            "category": ["compute"] * 3,
            "rate": [12e6, 1e6, 5.0],
            "rate_currency": ["USD"] * 3,
            "rate_per": ["yr", "monthly", "year"],
            "date": ["2023"] * 3,
        }
    ).to_csv(path, index=False)
    table = read_table(path, "expenses")
    assert table["rate_per"].astype(str).tolist() == ["year", "month", "year"]
    assert table["rate_usd_per_month"].tolist() == pytest.approx([1e6, 1e6, 5 / 12])
    assert flows({"expenses": table})["cents"].sum() == 12 * (100_000_000 + 100_000_000) + 500


def test_an_unknown_rate_period_is_a_located_problem(tmp_path: Path) -> None:
    path = tmp_path / "expenses.csv"
    pd.DataFrame(
        {
            "id": ["a"],
            "company": ["acme"],
            "category": ["compute"],
            "rate": [1e6],
            "rate_currency": ["USD"],
            "rate_per": ["fortnight"],
            "date": ["2023"],
        }
    ).to_csv(path, index=False)
    with pytest.raises(LedgerError) as info:
        read_table(path, "expenses")
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (2, "rate_per")
    assert "a period" in problem.expected


def _problems(path: Path, kind: str) -> list[tuple[int | None, int | None, str | None, str]]:
    with pytest.raises(LedgerError) as info:
        read_table(path, kind)
    return [(p.line, p.index, p.field, p.code) for p in info.value.problems]


def test_counts_of_gpus_that_are_no_whole_numbers_are_located_problems(tmp_path: Path) -> None:
    """Quantities are read as a record's are (12,000 and about 12,000 are counts), and checked:
    fractions, words, zero, negative and huge counts were a ValueError or TypeError of pandas."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "id,buyer,vendor,sku,quantity,order_date\n"
        'o1,acme,nvda,H100,"12,000",2023-01\n'
        "o2,acme,nvda,H100,about 500,2023-01\n"
        "o3,acme,nvda,H100,12000.5,2023-01\n"
        "o4,acme,nvda,H100,-1,2023-01\n"
        "o5,acme,nvda,H100,lots,2023-01\n"
        "o6,acme,nvda,H100,1e30,2023-01\n",
        encoding="utf-8",
    )
    assert _problems(path, "gpu_orders") == [
        (4, 2, "quantity", "bad-capacity"),
        (5, 3, "quantity", "out-of-range"),
        (6, 4, "quantity", "bad-capacity"),
        (7, 5, "quantity", "out-of-range"),  # 1e30: a count, as YAML reads it, too large
    ]
    for quantity in (1.5, 2**62, np.uint64(2**64 - 1)):
        table = pd.DataFrame(
            {
                "id": ["o1"],
                "buyer": ["acme"],
                "vendor": ["nvda"],
                "sku": ["H100"],
                "quantity": np.array([quantity]),
                "order_date": ["2023-01"],
            }
        )
        parquet = tmp_path / "orders.parquet"
        table.to_parquet(parquet)
        ((line, index, field, _),) = _problems(parquet, "gpu_orders")
        assert (line, index, field) == (None, 0, "quantity")
    path.write_text(
        "id,buyer,vendor,sku,quantity,order_date\n"
        'o1,acme,nvda,H100,"12,000",2023-01\no2,acme,nvda,H100,about 500,2023-01\n',
        encoding="utf-8",
    )
    assert read_table(path, "gpu_orders")["quantity"].tolist() == [12_000, 500]


def test_flags_that_are_not_true_or_false_are_located_problems(tmp_path: Path) -> None:
    path = tmp_path / "contracts.csv"
    path.write_text(
        "id,buyer,seller,start,take_or_pay\n"
        "k1,acme,aws,2024-01,maybe\nk2,acme,aws,2024-01,yes\nk3,acme,aws,2024-01,\n",
        encoding="utf-8",
    )
    assert _problems(path, "compute_contracts") == [(2, 0, "take_or_pay", "invalid-value")]
    path.write_text(
        "id,buyer,seller,start,take_or_pay\nk2,acme,aws,2024-01,yes\nk3,acme,aws,2024-01,\n",
        encoding="utf-8",
    )
    flags = read_table(path, "compute_contracts")["take_or_pay"]
    assert str(flags.dtype) == "boolean"
    # as a record reads 'yes'; nothing said: the model's default, false (it was <NA>)
    assert flags.tolist() == [True, False]


def test_nested_parquet_cells_are_located_problems(tmp_path: Path) -> None:
    """Lists and mappings in cells (Parquet's nested types) were a TypeError (unhashable)."""
    table = pd.DataFrame(
        {
            "id": ["e1", "e2"],
            "company": ["acme", "acme"],
            "category": ["opex", "opex"],
            "amount": ["$1M", "$2M"],
            "date": ["2023-05", "2023-06"],
            "sources": [["s1", "s2"], None],
        }
    )
    table.to_parquet(tmp_path / "expenses.parquet")
    assert _problems(tmp_path / "expenses.parquet", "expenses") == [
        (None, 0, "sources", "wrong-column-type")
    ]
    table.assign(sources=None, amount=[{"usd": 1}, None]).to_parquet(tmp_path / "e.parquet")
    assert _problems(tmp_path / "e.parquet", "expenses") == [
        (None, 0, "amount", "wrong-column-type")
    ]


def test_a_header_separated_by_another_character_says_so(tmp_path: Path) -> None:
    """A ';'-separated .csv was one unknown column 'id;company;...' and no word of why."""
    path = tmp_path / "expenses.csv"
    path.write_text("id;company;category;amount;date\ne1;acme;opex;$1M;2023-05\n", encoding="utf-8")
    with pytest.raises(LedgerError) as info:
        read_table(path, "expenses")
    (problem,) = info.value.problems  # one problem saying so, not one per field missing
    assert (problem.code, problem.line) == ("bad-table", 1)
    assert problem.found.startswith("semicolon-separated columns")


@pytest.mark.parametrize(
    ("args", "kwargs", "named"),
    [
        ((123, "expenses"), {}, "path: expected a file path"),
        ((None, "expenses"), {}, "path: expected a file path"),
        (("t.csv", 5), {}, "kind: expected a record kind's name"),
        (("t.csv", "tranches"), {"parents": 7}, "parents: expected a file path"),
        (("t.csv", "expenses"), {"fx": "rates.yaml"}, "fx: expected a Ledger"),
        (("t.csv", "expenses"), {"fx": {"EUR": 1.1}}, "fx: expected a Ledger"),
        (("t.csv", "expenses"), {"max_bytes": "1"}, "max_bytes: expected a number of bytes"),
        (("t.csv", "expenses"), {"max_bytes": True}, "max_bytes: expected a number of bytes"),
    ],
)
def test_arguments_of_the_wrong_type_are_named(
    args: tuple[Any, ...], kwargs: dict[str, Any], named: str
) -> None:
    """A wrong argument is a TypeError naming it, before any file is read (an fx given as a
    path failed deep inside with an AttributeError)."""
    with pytest.raises(TypeError, match=re.escape(named)):
        ac.read_table(*args, **kwargs)
