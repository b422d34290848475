"""A sweep of bad and odd input (every field of the bundled ledgers mutated, the command line's
options, bulk tables) found these corners; each case here failed before its fix.

* A report dated by a partial date that is not ISO (``--as-of 'late 2023'``, ``'Q3 2023'``,
  ``'H2 2026'``, ``'end of 2024'``) took the first four characters of its text as the burn's
  year: ``report`` refused it with ``got 'late-01'`` (text the user never wrote) and the
  scenarios' horizon words failed on ``np.datetime64('late 20')`` (pandas' words, shown as the
  report's scenarios reason and by ``aicapex scenarios``).
* ``read_table`` of numeric money with a row (or the whole table) without its currency raised
  ``ValueError: currency must be a 3-letter upper-case code`` (or ``KeyError``) from the rules
  that compare amounts (a bill's outstanding against billed, an order's value), instead of the
  located problem of the missing currency.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.dates import calendar_year
from aicapex.errors import LedgerError
from aicapex.report import report

STABILITY = ac.bundled_data() / "stability_ai.yaml"
SCENARIOS = ac.bundled_data() / "stability_ai.scenarios.yaml"

#: Partial dates a report may be asked for, with the calendar year of their end.
PARTIAL = [
    ("late 2023", "2023"),
    ("Q4 2023", "2023"),
    ("H2 2023", "2023"),
    ("mid-2023", "2023"),
    ("end of 2023", "2023"),
    ("early 2024", "2024"),
    ("late 2099", "2099"),
]


@pytest.fixture(scope="module")
def stability() -> ac.Ledger:
    return ac.load(STABILITY)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Stability AI's ledger with its scenarios file."""
    out = tmp_path_factory.mktemp("stability")
    for path in (STABILITY, SCENARIOS):
        (out / path.name).write_bytes(path.read_bytes())
    return out


@pytest.mark.parametrize(
    ("text", "year"),
    [*PARTIAL, ("2023", "2023"), ("2023-10", "2023"), ("2023-10-31", "2023"), ("FY2025", "2025")],
)
def test_calendar_year(text: str, year: str) -> None:
    assert calendar_year(text) == year


def test_calendar_year_of_a_range_is_its_end() -> None:
    """A report as of '2021..2024' reads its burn in 2024, the year its runway starts from
    (the burn read 2021, the range's first four characters, while the runway used the end)."""
    assert calendar_year("2021..2024") == "2024"
    assert calendar_year("2023-03..2023-09") == "2023"


def test_calendar_year_of_no_date_says_what_a_date_is() -> None:
    with pytest.raises(ValueError, match="expected a date like"):
        calendar_year("Q5 2023")


def _company(data: dict[str, Any], company: str = "stability-ai") -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in data["companies"] if c["id"] == company)
    return found


@pytest.mark.parametrize(("as_of", "year"), PARTIAL)
def test_a_report_as_of_a_partial_date_reads_the_burn_of_its_year(
    stability: ac.Ledger, as_of: str, year: str
) -> None:
    company = _company(report(stability, as_of=as_of))
    assert company["as_of"] == as_of
    if year == "2023":
        assert company["burn"]["from"] == "2023-01"  # the burn of 2023, as asked for 2023-10
        assert company["burn"]["to"] == "2023-12"
    else:  # no spending recorded in that year: the last year with books up to it, 2023
        assert (company["burn"]["from"], company["burn"]["to"]) == ("2023-01", "2023-12")
        assert "burn" not in company["reasons"]


def test_a_report_as_of_an_iso_date_is_unchanged(stability: ac.Ledger) -> None:
    month = _company(report(stability, as_of="2023-10"))
    assert month["burn"]["from"] == "2023-01"
    assert month["burn"]["to"] == "2023-12"


@pytest.mark.parametrize("as_of", ["late 2023", "Q4 2023", "end of 2023"])
def test_the_command_line_reports_as_of_a_partial_date(folder: Path, as_of: str) -> None:
    result = CliRunner().invoke(app, ["report", str(folder), "--as-of", as_of, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "late-01" not in result.output
    assert "Error parsing datetime" not in result.output  # the scenarios' reason, before
    assert f"{as_of}," in result.output


@pytest.mark.parametrize(
    ("as_of", "last"), [("late 2023", "2043-12"), ("Q4 2023", "2043-12"), ("2023..2024", "2044-12")]
)
def test_scenarios_as_of_a_partial_date_count_the_horizon_from_its_end(
    folder: Path, as_of: str, last: str
) -> None:
    """The horizon runs from the month of as_of's end, as the runway counts it."""
    result = CliRunner().invoke(app, ["scenarios", str(folder), "stability-ai", "--as-of", as_of])
    assert result.exit_code == 0, result.output
    assert f"from {as_of} to {last} (240 months)" in result.output


# --- read_table: numeric money without its currency ---------------------------------------


def _bills(**change: Any) -> pd.DataFrame:
    bills = pd.DataFrame(
        {
            "id": ["bill-a", "bill-b"],
            "payer": ["acme", "acme"],
            "provider": ["aws", "aws"],
            "period": ["2023-07", "2023-08"],
            "billed": [7e6, None],
            "billed_currency": ["USD", None],
            "outstanding": [None, 1e6],
            "outstanding_currency": [None, "USD"],
        }
    )
    for name, (row, value) in change.items():
        bills[name] = bills[name].astype(object)
        bills.loc[row, name] = value
        bills[name] = (
            pd.to_numeric(bills[name]) if name in ("billed", "outstanding") else bills[name]
        )
    return bills


def _orders(**columns: Any) -> pd.DataFrame:
    orders = pd.DataFrame(
        {
            "id": ["order-a"],
            "buyer": ["acme"],
            "vendor": ["nvidia"],
            "sku": ["H100"],
            "quantity": [1_000_000],
            "unit_price": [3e10],
            "unit_price_currency": ["USD"],
            "order_date": ["2023-01"],
        }
    )
    return orders.assign(**columns)


CASES = {
    # a number of billed where no currency is given, beside an outstanding in USD
    "billed without its currency": (
        "cloud_bills",
        _bills(billed=(1, 1e6)),
        "cloud_bills[1] bill-b: billed_currency: expected an ISO 4217 currency code",
    ),
    "billed in no currency at all": (
        "cloud_bills",
        _bills(billed=(1, 1e6), billed_currency=(1, "XXX1")),
        "got 'XXX1'",
    ),
    "billed numbers without a currency column": (
        "cloud_bills",
        _bills(billed=(1, 1e6)).drop(columns="billed_currency"),
        "numbers with a billed_currency column, got numbers alone",
    ),
    "an order's price too large, without its currency": (
        "gpu_orders",
        _orders(unit_price_currency=[None]),
        "unit_price_currency: expected an ISO 4217 currency code",
    ),
    "an order's prices too large, without a currency column": (
        "gpu_orders",
        _orders().drop(columns="unit_price_currency"),
        "numbers with a unit_price_currency column, got numbers alone",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_numbers_without_their_currency_are_a_located_problem(
    tmp_path: Path, name: str, suffix: str
) -> None:
    kind, frame, words = CASES[name]
    path = tmp_path / f"table{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, kind)
    text = str(caught.value)
    assert words in text
    for problem in caught.value.problems:
        assert problem.file == str(path)
        assert problem.kind == kind
        assert problem.field


def test_a_huge_number_without_its_currency_is_still_said_to_be_huge(tmp_path: Path) -> None:
    """The amount is not read (no currency), but its size is checked as written: every
    problem of the row at once."""
    path = tmp_path / "orders.parquet"
    _orders(unit_price=[1e16], unit_price_currency=[None]).to_parquet(path, index=False)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "gpu_orders")
    fields = sorted(str(p.field) for p in caught.value.problems)
    assert fields == ["unit_price", "unit_price_currency"]


# --- a filter that keeps nothing: said, not silent -----------------------------------------


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["flows", "--filter", "entity:stabilty-ai"], "(did you mean 'stability-ai'?)"),
        (["flows", "--filter", "cat:compute date:1999"], "'date:1999' keeps no flow"),
        (["export", "--to", "hledger", "--filter", "payer:stabilty-ai"], "did you mean"),
    ],
)
def test_a_filter_term_keeping_no_flow_is_a_warning(
    folder: Path, command: list[str], words: str
) -> None:
    result = CliRunner().invoke(app, [command[0], str(folder), *command[1:]])
    assert result.exit_code == 0, result.output  # an empty output is no error
    lines = [line for line in result.output.splitlines() if "warning: filter term" in line]
    assert len(lines) == 1, result.output
    assert words in lines[0]


def test_a_filter_keeping_flows_warns_of_nothing(folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["flows", str(folder), "--filter", "entity:stability-ai not:cat:nothing"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: filter" not in result.output
