"""A Parquet table's text columns of few values (references, enums, dates, currencies) are read
dictionary-encoded, as Parquet stores them, and their codes kept for the checks: the frame is
the one the table gave before (and the one its CSV gives), and the columns are not hashed again
row by row (``pd.factorize``) by the reference, enum, date and currency checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import aicapex as ac
from aicapex.errors import LedgerError
from aicapex.table.columns import coded_text, factorize

ROWS = {
    "id": ["e1", "e2", "e3", "e4", "e5"],
    "company": ["acme", "beta", "acme", "acme", "beta"],
    "counterparty": ["aws", None, "gcp", "aws", None],
    "category": ["compute", "opex", "compute", "payroll", "compute"],
    "amount": [1_000_000.0, 2_500_000.0, 300_000.0, 40_000.0, 5.0],
    "amount_currency": ["USD", "USD", "USD", "USD", "USD"],
    "date": ["2024-01-15", "2024-02", "2024-01-15", "Q3 2024", "2024"],
}


def _parquet(path: Path, rows: dict[str, list[object]], groups: int = 2) -> Path:
    # two row groups: two dictionaries, unified by pyarrow when read
    pq.write_table(pa.table(rows), path, row_group_size=groups)
    return path


def test_the_frame_is_read_as_written(tmp_path: Path) -> None:
    frame = ac.read_table(_parquet(tmp_path / "e.parquet", ROWS), "expenses")
    # each cell as written, the categories the distinct values present, sorted
    assert list(frame["company"]) == ["acme", "beta", "acme", "acme", "beta"]
    assert list(frame["company"].cat.categories) == ["acme", "beta"]
    assert frame["counterparty"].isna().tolist() == [False, True, False, False, True]
    assert list(frame["counterparty"].cat.categories) == ["aws", "gcp"]
    assert list(frame["category"].cat.categories) == ["compute", "opex", "payroll"]
    assert list(frame["category"].cat.codes) == [0, 1, 0, 2, 0]
    assert list(frame["amount_currency"].astype(str)) == ["USD"] * 5
    # 2024-02 spans February (29 days in 2024), Q3 2024 July to September, 2024 the year
    starts = [str(d.date()) for d in frame["date_start"]]
    ends = [str(d.date()) for d in frame["date_end"]]
    assert starts == ["2024-01-15", "2024-02-01", "2024-01-15", "2024-07-01", "2024-01-01"]
    assert ends == ["2024-01-15", "2024-02-29", "2024-01-15", "2024-09-30", "2024-12-31"]
    assert list(frame["date_precision"].astype(str)) == ["day", "month", "day", "quarter", "year"]


def test_the_same_frame_as_its_csv(tmp_path: Path) -> None:
    parquet = ac.read_table(_parquet(tmp_path / "e.parquet", ROWS), "expenses")
    pd.DataFrame(ROWS).to_csv(tmp_path / "e.csv", index=False)
    pd.testing.assert_frame_equal(parquet, ac.read_table(tmp_path / "e.csv", "expenses"))


def test_the_columns_are_not_hashed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _parquet(tmp_path / "e.parquet", ROWS)
    hashed: list[object] = []
    factorized = pd.factorize

    def counted(values: object, *args: object, **kwargs: object) -> object:
        hashed.append(getattr(values, "name", type(values).__name__))
        return factorized(values, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(pd, "factorize", counted)
    ac.read_table(path, "expenses")
    # company, counterparty, category, date, amount_currency: each was hashed by its check
    assert hashed == []


def test_a_bad_value_is_refused_at_its_row(tmp_path: Path) -> None:
    rows = {**ROWS, "category": ["compute", "opex", "lunch", "payroll", "compute"]}
    with pytest.raises(LedgerError) as err:
        ac.read_table(_parquet(tmp_path / "e.parquet", rows), "expenses")
    (problem,) = err.value.problems
    assert (problem.field, problem.found, problem.record_id) == ("category", "'lunch'", "e3")


def test_codes_of_the_values_present_only() -> None:
    # labels b, zzz, a: zzz names no row (a dictionary may hold such a value): not a distinct
    # value, as pd.factorize gives them; code -1 a missing cell
    column = coded_text(np.array([2, -1, 2, 0], dtype=np.int8), pd.Index(["b", "zzz", "a"]))
    assert column.dtype == "str"
    assert [None if pd.isna(v) else v for v in column] == ["a", None, "a", "b"]
    codes, uniques = factorize(pd.Series(column))
    assert list(uniques) == ["b", "a"]
    assert list(codes) == [1, -1, 1, 0]


def _one_table(path: Path, ids: list[str], amounts: list[float]) -> Path:
    n = len(ids)
    rows = {"id": ids, "company": ["acme"] * n, "category": ["opex"] * n, "amount": amounts}
    rows |= {"amount_currency": ["USD"] * n, "date": ["2024-01"] * n}
    pq.write_table(pa.table(rows), path)
    return path


def test_amounts_past_the_limit_without_a_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _one_table(tmp_path / "e.parquet", ["e1", "e2", "e3"], [1e15, 2e15, 5.0])

    def copied(*args: object, **kwargs: object) -> object:
        raise AssertionError("every amount copied (nan_to_num) to compare it with the limit")

    monkeypatch.setattr(np, "nan_to_num", copied)
    with pytest.raises(LedgerError) as err:
        ac.read_table(path, "expenses")
    # 10^15 is the limit itself (allowed); 2 x 10^15 is past it
    (problem,) = err.value.problems
    assert (problem.record_id, problem.field, problem.code) == ("e2", "amount", "out-of-range")
    assert problem.expected == "an amount of at most 1,000T (10^15) in its currency"


def test_long_ids_measured_in_arrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 201 letters: one past the limit of 200; 200 accented letters (400 bytes): at the limit
    path = _one_table(tmp_path / "e.parquet", ["a" * 201, "é" * 200, "ok"], [1.0, 2.0, 3.0])

    methods = pd.core.strings.accessor.StringMethods
    measured = methods.len

    def lengths(self: object) -> object:
        if isinstance(self._orig, pd.Series):  # type: ignore[attr-defined]
            raise AssertionError("a Series of lengths built to measure the ids")
        return measured(self)  # type: ignore[arg-type]  # the few distinct references

    monkeypatch.setattr(methods, "len", lengths)
    with pytest.raises(LedgerError) as err:
        ac.read_table(path, "expenses")
    # the accented id is no id (letters of the pattern are ASCII), but not too long
    found = [(p.index, p.field, p.expected) for p in err.value.problems]
    assert found == [
        (0, "id", "an id or word of at most 200 characters"),
        (1, "id", "an id of letters, digits and . _ : + -"),
    ]


def test_a_long_plain_id_is_refused(tmp_path: Path) -> None:
    # ids of the pattern's ASCII characters: their bytes are their characters (201, 200, 2)
    path = _one_table(tmp_path / "e.parquet", ["a" * 201, "b" * 200, "ok"], [1.0, 2.0, 3.0])
    with pytest.raises(LedgerError) as err:
        ac.read_table(path, "expenses")
    found = [(p.index, p.code) for p in err.value.problems]
    assert found == [(0, "too-long")]


def test_no_pass_for_rules_no_row_can_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # no rate, no until, no reported date nor sources (and no ledger): no rate adds up past
    # the limit, no row ends before its date, none is dated after its report
    from aicapex.table import rowrules, tablewarnings

    def passed(*args: object, **kwargs: object) -> object:
        raise AssertionError("a pass over every row for a rule no row can break")

    monkeypatch.setattr(rowrules, "rate_totals", passed)
    monkeypatch.setattr(tablewarnings, "_cited", passed)
    frame = ac.read_table(_parquet(tmp_path / "e.parquet", ROWS), "expenses")
    assert len(frame) == 5


def test_an_until_before_its_date_is_still_refused(tmp_path: Path) -> None:
    rows = {**ROWS, "until": [None, "2024-01", None, None, None]}  # e2 is dated 2024-02
    with pytest.raises(LedgerError) as err:
        ac.read_table(_parquet(tmp_path / "e.parquet", rows), "expenses")
    found = [(p.record_id, p.field, p.expected) for p in err.value.problems]
    assert found == [("e2", "until", "a date on or after 2024-02")]


def test_csv_ids_cast_in_arrow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pd.DataFrame(ROWS).to_csv(path := tmp_path / "e.csv", index=False)
    cast = pd.Series.astype

    def astype(self: pd.Series, dtype: object, *args: object, **kwargs: object) -> pd.Series:
        if self.name == "id" and dtype in ("object", object):
            raise AssertionError("a Python str made of each id to type the ids as text")
        return cast(self, dtype, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(pd.Series, "astype", astype)
    frame = ac.read_table(path, "expenses")
    assert frame["id"].dtype == "str"
    assert list(frame["id"]) == ["e1", "e2", "e3", "e4", "e5"]


def test_a_column_of_numbers_is_not_made_arrow_to_look_its_codes_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # years as pandas' nullable integers (Int64, kept so in the Parquet file): read as they
    # were, their Arrow form (a copy of the column) never built for a look-up among the text
    # columns read coded
    years = pd.array([2024, 2023, 2024, 2022, 2024], dtype="Int64")
    pd.DataFrame({**ROWS, "date": years}).to_parquet(path := tmp_path / "e.parquet")

    def converted(*args: object, **kwargs: object) -> object:
        raise AssertionError("a column of numbers converted to Arrow")

    monkeypatch.setattr(pd.arrays.IntegerArray, "__arrow_array__", converted)
    frame = ac.read_table(path, "expenses")  # years, read as years (9ede076; refused before)
    assert frame["date_start"].dt.year.tolist() == [2024, 2023, 2024, 2022, 2024]
    assert frame["date_precision"].astype(str).tolist() == ["year"] * 5
