"""Bulk tables read as the YAML path reads the same facts (helper-52): shapes unlike the
bundled data (fiscal years of different ends, empty optional money columns, several companies),
and bad input located, never a traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.table.bulk import read_table

LEDGER = """\
aicapex: 1
entities:
- {id: acme, name: Acme, type: company, fiscal_year_end: 06-30}
- {id: beta, name: Beta, type: company, fiscal_year_end: 03-31}
- {id: gamma, name: Gamma, type: company}
- {id: cloudco, name: CloudCo, type: company}
- {id: nvidia, name: Nvidia, type: company}
fx_rates:
- {id: fx-eur, currency: EUR, date: 2023-01, usd: 1.1}
"""


def _ledger(tmp_path: Path, records: str = "") -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER + records, encoding="utf-8")
    return ac.load(path)


def _csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- an empty optional money column and a fiscal year of a two-party kind --------------------


def test_an_empty_money_column_with_fiscal_years_of_two_parties(tmp_path: Path) -> None:
    # An all-empty money column (no rate row has an amount; no order a unit price) reads as
    # numbers, all missing; its NaN marks were kept in the table's attrs as arrays, and the
    # check of two parties' fiscal years concatenated two columns carrying them: pandas
    # compared the attrs (arrays) and raised "The truth value of an array ... is ambiguous"
    # (a traceback) on a table ac.load takes.
    records = """\
expenses:
- {id: x1, company: acme, counterparty: cloudco, fiscal_year_of: acme, category: compute,
   rate: $12M/yr, date: FY2024}
- {id: x2, company: gamma, counterparty: cloudco, category: compute, rate: $6M/yr, date: 2024}
gpu_orders:
- {id: o1, buyer: acme, vendor: nvidia, fiscal_year_of: acme, sku: H100-SXM, quantity: 1000,
   total: $30M, order_date: FY2025}
"""
    led = _ledger(tmp_path, records)
    expenses = _csv(
        tmp_path,
        "e.csv",
        "id,company,counterparty,fiscal_year_of,category,amount,rate,date\n"
        "x1,acme,cloudco,acme,compute,,$12M/yr,FY2024\n"
        "x2,gamma,cloudco,,compute,,$6M/yr,2024\n",
    )
    got = read_table(expenses, "expenses", fx=led)
    # acme's FY2024 ends 2024-06-30: 2023-07-01 to 2024-06-30; $12M a year is $1M a month,
    # $6M a year $0.5M
    assert list(got["date_start"]) == [pd.Timestamp("2023-07-01"), pd.Timestamp("2024-01-01")]
    assert list(got["date_end"]) == [pd.Timestamp("2024-06-30"), pd.Timestamp("2024-12-31")]
    assert list(got["rate_usd_per_month"]) == [1_000_000.0, 500_000.0]
    assert got["amount"].isna().all()
    _same_as_ledger(got, led.frame("expenses"))

    orders = _csv(
        tmp_path,
        "o.csv",
        "id,buyer,vendor,fiscal_year_of,sku,quantity,unit_price,total,order_date\n"
        "o1,acme,nvidia,acme,H100-SXM,1000,,$30M,FY2025\n",
    )
    got = read_table(orders, "gpu_orders", fx=led)
    # acme's FY2025: 2024-07-01 to 2025-06-30; 1,000 GPUs for $30M
    assert got.loc[0, "order_date_start"] == pd.Timestamp("2024-07-01")
    assert got.loc[0, "order_date_end"] == pd.Timestamp("2025-06-30")
    assert got.loc[0, "total_usd"] == 30_000_000.0
    assert np.isnan(got.loc[0, "unit_price_usd"])
    frame = led.frame("gpu_orders")
    unknown = ["scheduled_quantity", "delivered_quantity"]  # the deliveries table's
    _same_as_ledger(got.drop(columns=unknown), frame.drop(columns=unknown))


def _same_as_ledger(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The frames equal but for the reported dates (a table cites source ids only)."""
    reported = [c for c in expected.columns if c.startswith("reported_")]
    pd.testing.assert_frame_equal(got.drop(columns=reported), expected.drop(columns=reported))


@pytest.mark.parametrize("written", ["nan", "inf"])
def test_a_number_written_nan_is_still_refused_at_its_row(tmp_path: Path, written: str) -> None:
    # the marks of numbers written 'nan' still refuse them (kept out of the attrs' copies)
    path = _csv(
        tmp_path,
        "e.csv",
        "id,company,category,amount,amount_currency,date\n"
        "x1,acme,compute,5,USD,2024\n"
        f"x2,acme,compute,{written},USD,2024\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    problems = info.value.problems
    refused = [(p.line, p.record_id, p.field) for p in problems if p.code == "out-of-range"]
    assert refused == [(3, "x2", "amount")]


# --- dictionary-encoded (categorical) text columns in Parquet -------------------------------


def test_categorical_id_columns_in_parquet_are_text(tmp_path: Path) -> None:
    # A Parquet table written from pandas or polars with categorical (dictionary-encoded)
    # text columns, as millions of rows are kept: its ids and references were refused
    # ("expected ids as text (a string column), got a column of category"), its dates, enums
    # and money of the same encoding taken. The labels are text: read as the records.
    led = _ledger(
        tmp_path,
        """\
expenses:
- {id: x2, company: beta, counterparty: cloudco, category: compute, amount: $2M, date: 2024-Q2}
- {id: x1, company: acme, category: payroll, amount: about $1M, date: 2024}
- {id: x3, company: beta, category: payroll, amount: $3M, date: 2024-05}
""",
    )
    frame = pd.DataFrame(
        {
            "id": pd.Categorical(["x2", "x1", "x3"]),
            "company": pd.Categorical(["beta", "acme", "beta"]),
            "counterparty": pd.Categorical(["cloudco", None, None]),
            "category": pd.Categorical(["compute", "payroll", "payroll"]),
            "amount": ["$2M", "about $1M", "$3M"],
            "date": pd.Categorical(["2024-Q2", "2024", "2024-05"]),
        }
    )
    path = tmp_path / "e.parquet"
    frame.to_parquet(path, index=False)
    got = read_table(path, "expenses")
    assert list(got["id"]) == ["x2", "x1", "x3"]
    assert list(got["company"].astype(str)) == ["beta", "acme", "beta"]
    # $2M + about $1M (its ends $0.9M to $1.1M at the default 10%) + $3M
    assert got["amount_usd"].sum() == 6_000_000.0
    assert list(got["amount_low_usd"]) == [2_000_000.0, 900_000.0, 3_000_000.0]
    _same_as_ledger(got, led.frame("expenses"))


def test_categorical_ids_still_checked(tmp_path: Path) -> None:
    # the labels are checked as text ids are: a repeated id, a reference no id can be, and a
    # categorical of numbers is no text
    frame = pd.DataFrame(
        {
            "id": pd.Categorical(["a", "a"]),
            "company": pd.Categorical(["acme", "open ai"]),
            "category": ["compute", "payroll"],
            "amount": ["$1M", "$2M"],
            "date": ["2024", "2024"],
        }
    )
    path = tmp_path / "e.parquet"
    frame.to_parquet(path, index=False)
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    found = sorted((p.index, p.field, p.code) for p in info.value.problems)
    assert found == [(1, "company", "unknown-reference"), (1, "id", "duplicate-id")]
    numbers = pd.DataFrame(
        {
            "id": ["a", "b"],
            "company": pd.Categorical([1, 2]),
            "category": ["compute", "payroll"],
            "amount": ["$1M", "$2M"],
            "date": ["2024", "2024"],
        }
    )
    numbers.to_parquet(path, index=False)
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    (problem,) = info.value.problems
    assert (problem.field, problem.code) == ("company", "wrong-column-type")


# --- the columns beside a number: its unit, currency and period ------------------------------


def test_capacities_as_numbers_read_as_the_records(tmp_path: Path) -> None:
    # 500 with unit gpu and SKU H100 is '500 H100'; 1.5 with unit GW is '1.5 GW'
    led = _ledger(
        tmp_path,
        """\
compute_contracts:
- {id: k1, buyer: gamma, seller: cloudco, start: 2024-01-15, end: 2025-06-30,
   capacity: 500 H100, rate: $1M/month}
- {id: k2, buyer: gamma, seller: cloudco, start: 2024, end: 2026, capacity: 1.5 GW,
   total_value: €20M}
""",
    )
    path = _csv(
        tmp_path,
        "k.csv",
        "id,buyer,seller,start,end,capacity,capacity_unit,capacity_sku,rate,total_value\n"
        "k1,gamma,cloudco,2024-01-15,2025-06-30,500,gpu,H100,$1M/month,\n"
        "k2,gamma,cloudco,2024,2026,1.5,GW,,,€20M\n",
    )
    got = read_table(path, "compute_contracts", fx=led)
    assert list(got["capacity"]) == [500.0, 1.5]
    assert list(got["capacity_unit"].astype(str)) == ["gpu", "GW"]
    # €20M at the 2023-01 rate of 1.1 (the latest on 2024-01-01): $22M
    assert got.loc[1, "total_value_usd"] == pytest.approx(22_000_000.0)
    _same_as_ledger(got, led.frame("compute_contracts"))


def test_a_number_without_its_unit_currency_or_period_is_refused_there(tmp_path: Path) -> None:
    # The unit of a capacity written as a number was blamed on the number ('capacity: expected
    # a capacity like ..., got 500.0' for a unit 'MW' or none); a missing currency or period
    # was found 'nan' or 'None'. Each is now at its own column, a missing cell 'nothing'.
    path = _csv(
        tmp_path,
        "k.csv",
        "id,buyer,seller,start,end,capacity,capacity_unit,rate\n"
        "k1,gamma,cloudco,2024,2025,500,MW,$1M/month\n"
        "k2,gamma,cloudco,2024,2025,500,,$1M/month\n"
        "k3,gamma,cloudco,2024,2025,,,$1M/month\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "compute_contracts")
    found = [(p.line, p.field, p.found, p.code) for p in info.value.problems]
    assert found == [
        (2, "capacity_unit", "'MW'", "bad-capacity"),
        (3, "capacity_unit", "nothing", "bad-capacity"),
    ]
    assert "gpu or GW" in info.value.problems[0].expected
    path = _csv(
        tmp_path,
        "r.csv",
        "id,company,rate,rate_per,rate_currency,date\nr1,acme,5,month,,2024\nr2,acme,5,,USD,2024\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "revenues")
    found = [(p.line, p.field, p.found) for p in info.value.problems]
    assert found == [(2, "rate_currency", "nothing"), (3, "rate_per", "nothing")]
    frame = pd.DataFrame(
        {
            "id": ["x1"],
            "company": ["acme"],
            "category": ["compute"],
            "amount": [5.0],
            "amount_currency": [None],
            "date": ["2024"],
        }
    )
    frame.to_parquet(tmp_path / "e.parquet", index=False)
    with pytest.raises(ac.LedgerError) as info:
        read_table(tmp_path / "e.parquet", "expenses")
    assert [(p.index, p.field, p.found) for p in info.value.problems] == [
        (0, "amount_currency", "nothing")
    ]


# --- a table of items: each row's problems name its record ----------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "named"),
    [
        (
            "ramps",
            "contract,buyer,period,amount,rate\nk1,gamma,2024-H1,$1M,$1M/month\nk2,gamma,,,\n",
            [(2, "k1", "amount"), (3, "k2", "period"), (3, "k2", "amount")],
        ),
        (
            "deliveries",
            "order,buyer,status,date,quantity\no1,gamma,arrived,2024-05,100\no2,gamma,,2024,0\n",
            [(2, "o1", "status"), (3, "o2", "status"), (3, "o2", "quantity")],
        ),
        (
            "tranches",
            "round,company,amount,status\nf1,acme,-$5M,disbursed\nf2,beta,€2M,paid\n",
            [(2, "f1", "amount"), (3, "f2", "status")],
        ),
    ],
)
def test_an_item_rows_problems_name_its_record(
    tmp_path: Path, kind: str, text: str, named: list[tuple[int, str, str]]
) -> None:
    # An item has no id of its own: its row's problems (a step with both an amount and a
    # rate, a delivery 'arrived', a negative tranche) named no record ('ramps[0]: amount:
    # ...'), while the same table's problems across tables name the record its head column
    # names, as the loader names the record holding the item. Now each names it.
    with pytest.raises(ac.LedgerError) as info:
        read_table(_csv(tmp_path, f"{kind}.csv", text), kind)
    got = [(p.line, p.record_id, p.field) for p in info.value.problems]
    assert sorted(got) == sorted(named)


# --- a column beside text that says otherwise -------------------------------------------------


def test_a_currency_period_unit_or_sku_beside_text_must_agree_with_it(tmp_path: Path) -> None:
    # '$5M' with amount_currency EUR read as $5M, the EUR dropped unseen (a conflicting fact:
    # 5M euros are $5.5M at 1.1); '$5M/month' with rate_per year read as $5M a month; '500 H100'
    # with capacity_unit GW and capacity_sku B200 read as 500 H100. Each disagreeing cell is
    # now refused at its column; an empty cell, or one saying the same, is taken.
    path = _csv(
        tmp_path,
        "e.csv",
        "id,company,category,amount,amount_currency,date\n"
        "a,acme,compute,$5M,EUR,2024\n"
        "b,acme,compute,€5M,EUR,2024\n"
        "c,acme,compute,$7M,,2024\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    assert [(p.line, p.field, p.found, p.code) for p in info.value.problems] == [
        (2, "amount_currency", "'EUR'", "inconsistent")
    ]
    assert info.value.problems[0].expected == "an empty cell, or USD as '$5M' in amount says"
    path = _csv(
        tmp_path,
        "r.csv",
        "id,company,category,rate,rate_per,rate_currency,date\n"
        "a,acme,compute,$5M/month,year,USD,2024\n"
        "b,acme,compute,$60M/yr,annual,,2024\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    assert [(p.line, p.field, p.found) for p in info.value.problems] == [(2, "rate_per", "'year'")]
    path = _csv(
        tmp_path,
        "k.csv",
        "id,buyer,seller,start,end,capacity,capacity_unit,capacity_sku,rate\n"
        "a,acme,cloudco,2024,2025,500 H100,GW,B200,$1M/month\n"
        "b,acme,cloudco,2024,2025,500 H100,gpu,H100,$1M/month\n"
        'c,acme,cloudco,2024,2025,"12,000 GPUs",,H100,$1M/month\n',
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "compute_contracts")
    assert sorted((p.line, p.field, p.found) for p in info.value.problems) == [
        (2, "capacity_sku", "'B200'"),
        (2, "capacity_unit", "'GW'"),
        (4, "capacity_sku", "'H100'"),
    ]


def test_text_beside_agreeing_columns_reads_as_the_records(tmp_path: Path) -> None:
    # the cells saying what the text says change nothing: $60M a year is $5M a month
    led = _ledger(
        tmp_path,
        """\
expenses:
- {id: a, company: acme, category: compute, rate: $60M/yr, date: 2024-03, until: 2024-05}
- {id: b, company: beta, category: compute, amount: €2M, date: 2024-02-10}
""",
    )
    path = _csv(
        tmp_path,
        "e.csv",
        "id,company,category,rate,rate_per,rate_currency,amount,amount_currency,date,until\n"
        "a,acme,compute,$60M/yr,annual,USD,,,2024-03,2024-05\n"
        "b,beta,compute,,,,€2M,EUR,2024-02-10,\n",
    )
    got = read_table(path, "expenses", fx=led)
    assert got.loc[0, "rate_usd_per_month"] == 5_000_000.0
    assert got.loc[1, "amount_usd"] == pytest.approx(2_200_000.0)  # €2M at 1.1
    _same_as_ledger(got, led.frame("expenses"))


# --- a round's investors: references --------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_investor_no_id_can_be_is_refused(tmp_path: Path, fmt: str) -> None:
    # 'open ai' among a round's investors was read as an investor (the loader refuses it:
    # "investors.0.investor: expected the id of one of the entities, got 'open ai'"), while
    # 'open ai' as a company was refused; each round's first such investor is now refused
    rows = pd.DataFrame(
        {
            "id": ["f1", "f2", "f3"],
            "company": ["acme", "acme", "beta"],
            "date": ["2024", "2024-Q2", "FY2024"],
            "amount": ["$1M", "€2M", "$3M"],
            "investors": ["vc1, vc2", "vc1, open ai", "big fund"],
        }
    )
    path = tmp_path / f"r.{fmt}"
    rows.to_csv(path, index=False) if fmt == "csv" else rows.to_parquet(path, index=False)
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "funding_rounds")
    got = [(p.index, p.record_id, p.field, p.found, p.code) for p in info.value.problems]
    assert got == [
        (1, "f2", "investors", "'open ai'", "unknown-reference"),
        (2, "f3", "investors", "'big fund'", "unknown-reference"),
    ]
    rows["investors"] = ["vc1, vc2", "vc1", ""]  # ids, and none: read
    rows.to_csv(path, index=False) if fmt == "csv" else rows.to_parquet(path, index=False)
    assert list(read_table(path, "funding_rounds")["investors"]) == ["vc1,vc2", "vc1", ""]


def test_a_cited_source_no_id_can_be_is_refused(tmp_path: Path) -> None:
    # 'wsj 2024' among a record's cited sources was read as a source id (the loader refuses
    # the citation of no source); ids, blanks between commas and spaces around them are read
    path = _csv(
        tmp_path,
        "e.csv",
        "id,company,category,amount,date,sources\n"
        'e1,acme,compute,$1M,2024,"s1, wsj 2024"\n'
        'e2,acme,compute,$2M,2024," s1 ,, s2 "\n'
        "e3,beta,compute,€3M,2024-02-29,\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "expenses")
    got = [(p.line, p.record_id, p.field, p.found, p.code) for p in info.value.problems]
    assert got == [(2, "e1", "sources", "'wsj 2024'", "unknown-reference")]
    rows = _csv(
        tmp_path,
        "ok.csv",
        "id,company,category,amount,date,sources\n"
        + "\n".join(path.read_text(encoding="utf-8").splitlines()[2:])
        + "\n",
    )
    assert list(read_table(rows, "expenses")["sources"]) == ["s1,s2", ""]


# --- conflicting reports: the cited sources' dates -------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_conflicting_reports_resolve_by_the_sources_dates_as_records_do(
    tmp_path: Path, fmt: str
) -> None:
    # Two reports of acme's January compute: $5M (cited source of 2024-02) and $9M (sources of
    # 2024-03 and 2024-05-20: the latest, 2024-05-20). The records' frame dates each report by
    # its sources, so the default policy ('latest') takes $9M; the table, read with the ledger
    # holding those sources, had no reported dates and took the last row: $5M. beta's one
    # report has its own reported date, kept (not its source's); gamma's cites none.
    records = """\
sources:
- {id: s-feb, title: t, outlet: o, date: 2024-02}
- {id: s-mar, title: t, outlet: o, date: 2024-03}
- {id: s-may, title: t, outlet: o, date: 2024-05-20}
expenses:
- {id: e-new, company: acme, category: compute, amount: $9M, date: 2024-01,
   sources: [{source: s-may}, {source: s-mar}]}
- {id: b1, company: beta, category: compute, amount: €2M, date: 2024-01, reported: 2024-01-31,
   sources: [{source: s-may}]}
- {id: e-old, company: acme, category: compute, amount: $5M, date: 2024-01,
   sources: [{source: s-feb}]}
- {id: g1, company: gamma, category: payroll, amount: $1M to $3M, date: 2024-Q1}
"""
    led = _ledger(tmp_path, records)
    rows = pd.DataFrame(
        {
            "id": ["e-new", "b1", "e-old", "g1"],
            "company": ["acme", "beta", "acme", "gamma"],
            "category": ["compute", "compute", "compute", "payroll"],
            "amount": ["$9M", "€2M", "$5M", "$1M to $3M"],
            "date": ["2024-01", "2024-01", "2024-01", "2024-Q1"],
            "reported": [None, "2024-01-31", None, None],
            "sources": ["s-may, s-mar", "s-may", "s-feb", None],
        }
    )
    path = tmp_path / f"e.{fmt}"
    rows.to_csv(path, index=False) if fmt == "csv" else rows.to_parquet(path, index=False)
    got = read_table(path, "expenses", fx=led)
    assert list(got["reported_start"]) == [
        pd.Timestamp("2024-05-20"),
        pd.Timestamp("2024-01-31"),
        pd.Timestamp("2024-02-01"),
        pd.NaT,
    ]
    pd.testing.assert_frame_equal(got, led.frame("expenses"))
    # acme's January: the latest report, $9M (not $5M); beta's €2M at 1.1 is $2.2M
    burn = ac.burn({"expenses": got}).frame.set_index(["entity", "month"])["gross_burn"]
    january = pd.Timestamp("2024-01-01")
    assert burn.loc[("acme", january)] == 9_000_000.0
    assert burn.loc[("beta", january)] == pytest.approx(2_200_000.0)
    pd.testing.assert_frame_equal(ac.burn({"expenses": got}).frame, ac.burn(led).frame)
    # without the ledger, no source has a date: as before
    assert read_table(path, "expenses")["reported_start"].isna().sum() == 3


# --- text that looks like a number, in CSV ----------------------------------------------------


def test_text_cells_that_look_like_numbers_are_read_as_written(tmp_path: Path) -> None:
    # A CSV column of text fields read as numbers when every cell looked like one: investor
    # '007' became the category 7 (an int), a round's investors '007' the text '7', a note
    # '00123' '123', a reason '1.50' '1.5', a SKU '04090' '4090'. Ids and references were kept
    # as text; now every text field is, as the records hold them.
    path = tmp_path / "ledger.yaml"
    path.write_text(
        LEDGER.replace("entities:\n", 'entities:\n- {id: "007", name: Bond, type: investor}\n')
        + """\
funding_rounds:
- {id: f1, company: acme, date: 2024-03, amount: $10M, investors: [{investor: "007"}]}
gpu_orders:
- {id: o1, buyer: gamma, vendor: nvidia, sku: "04090", quantity: 10, order_date: 2024,
   note: "00123"}
gpu_reallocations:
- {id: r1, order: o1, from_entity: gamma, to_entity: acme, quantity: 4, date: 2024-06,
   reason: "1.50"}
""",
        encoding="utf-8",
    )
    led = ac.load(path)
    investments = read_table(
        _csv(tmp_path, "i.csv", "round,company,investor,amount\nf1,acme,007,$4M\n"), "investments"
    )
    assert list(investments["investor"].astype(object)) == ["007"]
    rounds = read_table(
        _csv(tmp_path, "f.csv", "id,company,date,amount,investors\nf1,acme,2024-03,$10M,007\n"),
        "funding_rounds",
    )
    assert list(rounds["investors"]) == ["007"]
    unknown = ["committed_usd", "disbursed_usd", "cancelled_usd"]  # the tranches table's
    _same_as_ledger(rounds.drop(columns=unknown), led.frame("funding_rounds").drop(columns=unknown))
    orders = read_table(
        _csv(
            tmp_path,
            "o.csv",
            "id,buyer,vendor,sku,quantity,order_date,note\no1,gamma,nvidia,04090,10,2024,00123\n",
        ),
        "gpu_orders",
    )
    assert (str(orders.loc[0, "sku"]), str(orders.loc[0, "note"])) == ("04090", "00123")
    unknown = ["scheduled_quantity", "delivered_quantity"]
    _same_as_ledger(orders.drop(columns=unknown), led.frame("gpu_orders").drop(columns=unknown))
    moves = read_table(
        _csv(
            tmp_path,
            "r.csv",
            "id,order,from_entity,to_entity,quantity,date,reason\n"
            "r1,o1,gamma,acme,4,2024-06,1.50\n",
        ),
        "gpu_reallocations",
    )
    assert str(moves.loc[0, "reason"]) == "1.50"
    _same_as_ledger(moves, led.frame("gpu_reallocations"))


def test_an_investments_investor_is_an_id(tmp_path: Path) -> None:
    # An investments table's investor, an entity's id, was read as any text: 'open ai' taken
    # (the loader refuses it: investors.0.investor: expected the id of one of the entities),
    # and a Parquet column of integers read as the category 7 (ids are text, refused in
    # every other id column). Both are now refused as in the other reference columns.
    path = _csv(
        tmp_path,
        "i.csv",
        "round,company,investor,amount\nf1,acme,open ai,$1M\nf1,acme,vc1,€2M\nf2,beta,vc.2,\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(path, "investments")
    got = [(p.line, p.record_id, p.field, p.found, p.code) for p in info.value.problems]
    assert got == [(2, "f1", "investor", "'open ai'", "unknown-reference")]
    frame = pd.DataFrame({"round": ["f1"], "company": ["acme"], "investor": [7], "amount": ["$1M"]})
    frame.to_parquet(tmp_path / "i.parquet", index=False)
    with pytest.raises(ac.LedgerError) as info:
        read_table(tmp_path / "i.parquet", "investments")
    assert [(p.field, p.code) for p in info.value.problems] == [("investor", "wrong-column-type")]


# --- a table of items and its parents, read with the ledger ---------------------------------


def test_the_parents_table_is_read_in_its_owners_years(tmp_path: Path) -> None:
    # A contract from 2024-Q1 to acme's FY2024 (acme's years end 06-30: FY2024 ends
    # 2024-06-30), a ramp step of 2024-07 starts after it ends: the loader refuses it
    # ('ramp.1.period: expected a period starting on or before the end FY2024'). The parents'
    # table was read without the ledger (FY2024 as the calendar year, to 2024-12-31), so the
    # tables took it. And a contract's own FY date between parties of other year ends, without
    # fiscal_year_of, is refused in the parents' table as in the ledger.
    led = _ledger(tmp_path)
    contracts = _csv(
        tmp_path,
        "k.csv",
        "id,buyer,seller,fiscal_year_of,start,end,total_value\n"
        "k1,acme,cloudco,acme,2024-Q1,FY2024,$10M\n"
        "k2,acme,cloudco,acme,2024-Q1,FY2024,$10M\n",
    )
    ramps = _csv(
        tmp_path,
        "r.csv",
        "contract,buyer,period,amount\n"
        "k1,acme,2024-03,$1M\nk1,acme,2024-07,$1M\n"
        "k2,acme,2024-01,$1M\nk2,acme,2024-06,$1M\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(ramps, "ramps", parents=contracts, fx=led)
    got = [(p.line, p.record_id, p.field, p.expected, p.found) for p in info.value.problems]
    assert got == [
        (2, "k1", "ramp.1.period", "a period starting on or before the end FY2024", "2024-07")
    ]
    assert read_table(ramps, "ramps", parents=contracts).shape[0] == 4  # calendar: taken
    unowned = _csv(
        tmp_path,
        "k2.csv",
        "id,buyer,seller,start,end,total_value\nk1,acme,cloudco,2024-Q1,FY2024,$10M\n",
    )
    with pytest.raises(ac.LedgerError) as info:
        read_table(
            _csv(tmp_path, "r2.csv", "contract,buyer,period,amount\n"),
            "ramps",
            parents=unowned,
            fx=led,
        )
    got = [(p.file, p.record_id, p.field, p.code) for p in info.value.problems]
    assert got == [(str(unowned), "k1", "end", "fiscal-year-owner")]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_items_fiscal_year_needs_its_records_owner(tmp_path: Path, fmt: str) -> None:
    # A payment of FY2025 of a bill between acme (years ending 06-30) and cloudco (12-31),
    # without fiscal_year_of: whose FY2025 is it, 2024-07..2025-06 or 2025? The loader refuses
    # it at the bill ('payments.1.date: expected fiscal_year_of: ...'); the tables read with
    # the ledger took it, dated by acme's years. Now refused at the bill's row, the item by
    # its place; a bill owning its years (fiscal_year_of), or tables read without the ledger
    # (every year a calendar year), take it.
    led = _ledger(tmp_path)
    bills = pd.DataFrame(
        {
            "id": ["b1", "b2", "b3"],
            "payer": ["acme", "acme", "gamma"],
            "provider": ["cloudco", "cloudco", "cloudco"],
            "period": ["2024-03", "2024-04", "2024-05"],
            "billed": ["$2M", "$3M", "$4M"],
            "fiscal_year_of": [None, "acme", None],
        }
    )
    payments = pd.DataFrame(
        {
            "bill": ["b1", "b1", "b2", "b3"],
            "payer": ["acme", "acme", "acme", "gamma"],
            "date": ["2024-04", "FY2025", "FY2025", "FY2025"],
            "amount": ["$1M", "$1M", "$1M", "$1M"],
        }
    )
    paths = []
    for name, frame in (("bills", bills), ("payments", payments)):
        path = tmp_path / f"{name}.{fmt}"
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path, index=False)
        paths.append(path)
    with pytest.raises(ac.LedgerError) as info:
        read_table(paths[1], "payments", parents=paths[0], fx=led)
    (problem,) = info.value.problems
    assert (problem.file, problem.index, problem.record_id, problem.field, problem.code) == (
        str(paths[0]),
        0,
        "b1",
        "payments.1.date",
        "fiscal-year-owner",
    )
    assert problem.expected == (
        "fiscal_year_of: the entity whose fiscal year FY2025 is "
        "(acme's ends on 06-30, cloudco's ends on 12-31)"
    )
    assert problem.found == "FY2025 without fiscal_year_of"
    # gamma and cloudco both end on 12-31 (b3); b2 owns its years
    assert len(read_table(paths[1], "payments", parents=paths[0])) == 4


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_items_are_dated_in_their_records_owners_years(tmp_path: Path, fmt: str) -> None:
    # A contract of acme (years ending 06-30) with cloudco (12-31) whose fiscal_year_of is
    # cloudco: its ramp step of FY2025 is cloudco's 2025, $12M over 12 months, $1M a month from
    # 2025-01 to 2025-12, as the records' flows have it. The ramps table dated its steps by the
    # buyer's years (acme's FY2025, 2024-07 to 2025-06) even read with the contracts' table;
    # with parents= and fx= each item now takes its record's owner.
    records = """\
compute_contracts:
- id: k1
  buyer: acme
  seller: cloudco
  fiscal_year_of: cloudco
  start: 2024-07
  end: 2026-06
  total_value: $20M
  ramp:
  - {period: 2024-H2, amount: $6M}
  - {period: FY2025, amount: $12M}
  - {period: 2026-H1, rate: €0.5M/month}
"""
    led = _ledger(tmp_path, records)
    contracts = pd.DataFrame(
        {
            "id": ["k1"],
            "buyer": ["acme"],
            "seller": ["cloudco"],
            "fiscal_year_of": ["cloudco"],
            "start": ["2024-07"],
            "end": ["2026-06"],
            "total_value": ["$20M"],
        }
    )
    ramps = pd.DataFrame(
        {
            "contract": ["k1"] * 3,
            "buyer": ["acme"] * 3,
            "contract_start": ["2024-07"] * 3,
            "period": ["2024-H2", "FY2025", "2026-H1"],
            "amount": ["$6M", "$12M", None],
            "rate": [None, None, "€0.5M/month"],
        }
    )
    paths = []
    for name, frame in (("contracts", contracts), ("ramps", ramps)):
        path = tmp_path / f"{name}.{fmt}"
        frame.to_csv(path, index=False) if fmt == "csv" else frame.to_parquet(path, index=False)
        paths.append(path)
    steps = read_table(paths[1], "ramps", parents=paths[0], fx=led)
    assert steps.loc[1, "period_start"] == pd.Timestamp("2025-01-01")  # cloudco's FY2025
    assert steps.loc[1, "period_end"] == pd.Timestamp("2025-12-31")
    pd.testing.assert_frame_equal(steps, led.frame("ramps"))
    tables = {
        "compute_contracts": read_table(paths[0], "compute_contracts", fx=led),
        "ramps": steps,
        "fx_rates": led.frame("fx_rates"),
    }
    got = ac.flows(tables)
    pd.testing.assert_frame_equal(got, led.flows())
    # $6M over 2024-H2 ($1M a month), then $1M a month through 2025 (cloudco's FY2025: not
    # $12M over 2024-07..2025-06, which would double July to December 2024), then €0.5M a
    # month at 1.1 ($550K) in 2026-H1
    monthly = got.groupby("date")["amount_usd"].sum()
    assert len(monthly) == 24
    assert monthly[pd.Timestamp("2024-12-01")] == 1_000_000
    assert monthly[pd.Timestamp("2025-07-01")] == 1_000_000
    assert monthly[pd.Timestamp("2026-01-01")] == pytest.approx(550_000)
