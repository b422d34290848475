"""Tests for aicapex.dates."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
import yaml
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aicapex.dates import MAX_YEAR, MIN_YEAR, PartialDate, Precision, parse_fiscal_year_end

D = dt.date
P = Precision


def exactly(message: str) -> str:
    """Return a `pytest.raises(match=...)` pattern matching exactly `message`."""
    return f"^{re.escape(message)}$"


# --- strategies ---------------------------------------------------------------------------

years = st.integers(MIN_YEAR, MAX_YEAR)
days = st.dates(D(MIN_YEAR, 1, 1), D(MAX_YEAR, 12, 31))
partial_dates = st.one_of(
    days.map(lambda d: PartialDate(P.DAY, d.year, d.month, d.day)),
    st.builds(PartialDate, st.just(P.MONTH), years, st.integers(1, 12)),
    st.builds(PartialDate, st.just(P.QUARTER), years, st.integers(1, 4)),
    st.builds(PartialDate, st.just(P.HALF), years, st.integers(1, 2)),
    st.builds(PartialDate, st.just(P.YEAR), years),
    st.builds(PartialDate, st.just(P.FISCAL_YEAR), years),
)
# Any (month, day) of a leap year, so February 29 is included.
fiscal_year_ends = st.dates(D(2000, 1, 1), D(2000, 12, 31)).map(lambda d: (d.month, d.day))

# --- parsing ------------------------------------------------------------------------------

PARSE_CASES: list[tuple[object, PartialDate]] = [
    # day
    ("2023-10-31", PartialDate(P.DAY, 2023, 10, 31)),
    ("2023-1-5", PartialDate(P.DAY, 2023, 1, 5)),
    ("  2023-10-31\n", PartialDate(P.DAY, 2023, 10, 31)),
    ("31 October 2023", PartialDate(P.DAY, 2023, 10, 31)),
    ("31 Oct. 2023", PartialDate(P.DAY, 2023, 10, 31)),
    ("1st March 2024", PartialDate(P.DAY, 2024, 3, 1)),
    ("October 31, 2023", PartialDate(P.DAY, 2023, 10, 31)),
    ("Oct 31 2023", PartialDate(P.DAY, 2023, 10, 31)),
    ("Sept. 30th, 2023", PartialDate(P.DAY, 2023, 9, 30)),
    ("FEBRUARY 29, 2024", PartialDate(P.DAY, 2024, 2, 29)),
    (D(2023, 10, 31), PartialDate(P.DAY, 2023, 10, 31)),
    (dt.datetime(2023, 10, 31), PartialDate(P.DAY, 2023, 10, 31)),
    (dt.datetime(2023, 10, 31, tzinfo=dt.UTC), PartialDate(P.DAY, 2023, 10, 31)),
    # month
    ("2023-10", PartialDate(P.MONTH, 2023, 10)),
    ("2023-1", PartialDate(P.MONTH, 2023, 1)),
    ("October 2023", PartialDate(P.MONTH, 2023, 10)),
    ("Oct 2023", PartialDate(P.MONTH, 2023, 10)),
    ("Oct. 2023", PartialDate(P.MONTH, 2023, 10)),
    ("october, 2023", PartialDate(P.MONTH, 2023, 10)),
    ("May 2023", PartialDate(P.MONTH, 2023, 5)),
    ("Sept 2023", PartialDate(P.MONTH, 2023, 9)),
    # quarter
    ("2023-Q3", PartialDate(P.QUARTER, 2023, 3)),
    ("2023q3", PartialDate(P.QUARTER, 2023, 3)),
    ("2023 Q3", PartialDate(P.QUARTER, 2023, 3)),
    ("Q3 2023", PartialDate(P.QUARTER, 2023, 3)),
    ("q1-2024", PartialDate(P.QUARTER, 2024, 1)),
    ("Q3-2023", PartialDate(P.QUARTER, 2023, 3)),
    # half
    ("2023-H2", PartialDate(P.HALF, 2023, 2)),
    ("2023h1", PartialDate(P.HALF, 2023, 1)),
    ("H2 2026", PartialDate(P.HALF, 2026, 2)),
    ("h1-2026", PartialDate(P.HALF, 2026, 1)),
    # year
    ("2023", PartialDate(P.YEAR, 2023)),
    (2023, PartialDate(P.YEAR, 2023)),
    (1900, PartialDate(P.YEAR, 1900)),
    ("2200", PartialDate(P.YEAR, 2200)),
    # fiscal year
    ("FY2025", PartialDate(P.FISCAL_YEAR, 2025)),
    ("FY 2025", PartialDate(P.FISCAL_YEAR, 2025)),
    ("fy2025", PartialDate(P.FISCAL_YEAR, 2025)),
]


@pytest.mark.parametrize(("value", "expected"), PARSE_CASES)
def test_parse(value: object, expected: PartialDate) -> None:
    assert PartialDate.parse(value) == expected


def test_parse_returns_a_partial_date_unchanged() -> None:
    d = PartialDate(P.QUARTER, 2023, 3)
    assert PartialDate.parse(d) is d


EXPECTED = (
    "expected a date like '2023-10-31', '2023-10', 'Q3 2023', 'H2 2026', '2023', 'FY2025', "
    "'mid-2024', 'end of 2024' or '2021..2024'"
)


@pytest.mark.parametrize(
    "value",
    [
        "Octobre 2023",
        "",
        "   ",
        "3Q23",
        "2H 2026",
        "FY25",
        "FY-2025",
        "Q5 2023",
        "H3 2023",
        "Q32023",
        "23",
        "20230",
        "2023-10-31T12:00",
        "2023/10/31",
        "Oct 2023 Q3",
        "31 Octobre 2023",
        "٢٠٢٣",  # non-ASCII digits
        None,
        2023.0,
        True,
        [2023],
    ],
)
def test_parse_rejects_other_forms(value: object) -> None:
    with pytest.raises(ValueError, match=exactly(f"{EXPECTED}, got {value!r}")):
        PartialDate.parse(value)


def test_parse_error_message_exact() -> None:
    message = f"{EXPECTED}, got 'Octobre 2023'"
    with pytest.raises(ValueError, match=exactly(message)):
        PartialDate.parse("Octobre 2023")


@pytest.mark.parametrize(
    "value",
    ["2023-02-30", "2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "February 30, 2023"],
)
def test_parse_impossible_day(value: str) -> None:
    with pytest.raises(ValueError, match=exactly(f"no such day: {value!r}")):
        PartialDate.parse(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-13", "month must be in 1..12, got 13"),
        ("2023-0", "month must be in 1..12, got 0"),
        ("1899", "year must be in 1900..2200, got 1899"),
        (2201, "year must be in 1900..2200, got 2201"),
        ("FY2201", "year must be in 1900..2200, got 2201"),
        (D(1, 1, 1), "year must be in 1900..2200, got 1"),
        (
            dt.datetime(2023, 10, 31, 9, 30),
            "expected a date without a time of day, got datetime.datetime(2023, 10, 31, 9, 30)",
        ),
    ],
)
def test_parse_out_of_range(value: object, message: str) -> None:
    """The reason is given; text input is also shown as written, with the forms expected."""
    with pytest.raises(ValueError, match=re.escape(message)) as info:
        PartialDate.parse(value)
    if isinstance(value, str | int):
        assert str(info.value).startswith("expected a date like")
        assert f"got {value!r} (" in str(info.value)


# --- construction -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((P.DAY, 2023, 2, 30), "no such day: '2023-02-30'"),
        ((P.DAY, 2023, 0, 1), "no such day: '2023-00-01'"),
        ((P.MONTH, 2023, 13), "month must be in 1..12, got 13"),
        ((P.MONTH, 2023, 10, 5), "day must be 0 for month precision, got 5"),
        ((P.QUARTER, 2023, 0), "quarter must be in 1..4, got 0"),
        ((P.QUARTER, 2023, 5), "quarter must be in 1..4, got 5"),
        ((P.HALF, 2023, 3), "half must be in 1..2, got 3"),
        ((P.YEAR, 2023, 1), "part must be 0 for year precision, got 1"),
        ((P.FISCAL_YEAR, 2025, 6), "part must be 0 for fiscal_year precision, got 6"),
        ((P.YEAR, 1899), "year must be in 1900..2200, got 1899"),
        (("week", 2023), "'week' is not a valid Precision"),
    ],
)
def test_constructor_validates(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(ValueError, match=exactly(message)):
        PartialDate(*args)  # type: ignore[arg-type]


def test_constructor_rejects_non_int_fields() -> None:
    with pytest.raises(TypeError, match=r"PartialDate\.year must be an int, got '2023'"):
        PartialDate(P.YEAR, "2023")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"PartialDate\.part must be an int, got True"):
        PartialDate(P.HALF, 2023, True)


def test_constructor_coerces_precision_strings() -> None:
    d = PartialDate("quarter", 2023, 3)  # type: ignore[arg-type]
    assert d.precision is P.QUARTER
    assert d == PartialDate(P.QUARTER, 2023, 3)


def test_frozen_hashable_and_not_ordered() -> None:
    d = PartialDate(P.MONTH, 2023, 10)
    with pytest.raises(AttributeError):
        d.year = 2024  # type: ignore[misc]
    assert {d, PartialDate.parse("Oct 2023")} == {d}
    with pytest.raises(TypeError):
        _ = d < PartialDate(P.MONTH, 2023, 11)  # type: ignore[operator]


def test_same_span_different_precision_not_equal() -> None:
    assert PartialDate.parse("2025") != PartialDate.parse("FY2025")
    assert PartialDate.parse("2025").span() == PartialDate.parse("FY2025").span()


# --- canonical form -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "text"),
    [
        (PartialDate(P.DAY, 2023, 10, 31), "2023-10-31"),
        (PartialDate(P.DAY, 1900, 1, 1), "1900-01-01"),
        (PartialDate(P.MONTH, 2023, 1), "2023-01"),
        (PartialDate(P.QUARTER, 2023, 3), "2023-Q3"),
        (PartialDate(P.HALF, 2026, 2), "2026-H2"),
        (PartialDate(P.YEAR, 2023), "2023"),
        (PartialDate(P.FISCAL_YEAR, 2025), "FY2025"),
    ],
)
def test_str_and_repr(d: PartialDate, text: str) -> None:
    assert str(d) == text
    assert repr(d) == f"PartialDate('{text}')"
    assert PartialDate.parse(text) == d


@given(partial_dates)
def test_parse_str_round_trip(d: PartialDate) -> None:
    assert PartialDate.parse(str(d)) == d


def test_is_exact() -> None:
    assert PartialDate.parse("2023-10-31").is_exact
    assert not PartialDate.parse("2023-10").is_exact
    assert not PartialDate.parse("FY2025").is_exact


# --- spans --------------------------------------------------------------------------------

SPAN_CASES: list[tuple[str, object, tuple[dt.date, dt.date]]] = [
    ("2023-10-31", (12, 31), (D(2023, 10, 31), D(2023, 10, 31))),
    ("2024-02-29", (6, 30), (D(2024, 2, 29), D(2024, 2, 29))),
    ("2023-10", (12, 31), (D(2023, 10, 1), D(2023, 10, 31))),
    ("2023-04", (12, 31), (D(2023, 4, 1), D(2023, 4, 30))),
    ("2023-02", (12, 31), (D(2023, 2, 1), D(2023, 2, 28))),
    ("2024-02", (12, 31), (D(2024, 2, 1), D(2024, 2, 29))),
    ("1900-02", (12, 31), (D(1900, 2, 1), D(1900, 2, 28))),
    ("2000-02", (12, 31), (D(2000, 2, 1), D(2000, 2, 29))),
    ("2023-12", (12, 31), (D(2023, 12, 1), D(2023, 12, 31))),
    ("2024-Q1", (12, 31), (D(2024, 1, 1), D(2024, 3, 31))),
    ("2023-Q2", (12, 31), (D(2023, 4, 1), D(2023, 6, 30))),
    ("2023-Q3", (6, 30), (D(2023, 7, 1), D(2023, 9, 30))),
    ("2023-Q4", (12, 31), (D(2023, 10, 1), D(2023, 12, 31))),
    ("2024-H1", (12, 31), (D(2024, 1, 1), D(2024, 6, 30))),
    ("2026-H2", (12, 31), (D(2026, 7, 1), D(2026, 12, 31))),
    ("2024", (12, 31), (D(2024, 1, 1), D(2024, 12, 31))),
    ("2023", "06-30", (D(2023, 1, 1), D(2023, 12, 31))),
    # fiscal years end in their named calendar year
    ("FY2025", (12, 31), (D(2025, 1, 1), D(2025, 12, 31))),
    ("FY2025", "12-31", (D(2025, 1, 1), D(2025, 12, 31))),
    ("FY2025", (6, 30), (D(2024, 7, 1), D(2025, 6, 30))),
    ("FY2025", "06-30", (D(2024, 7, 1), D(2025, 6, 30))),
    ("FY2025", "6-30", (D(2024, 7, 1), D(2025, 6, 30))),
    ("FY2025", (1, 26), (D(2024, 1, 27), D(2025, 1, 26))),
    ("FY2024", (1, 26), (D(2023, 1, 27), D(2024, 1, 26))),
    ("FY2025", (9, 30), (D(2024, 10, 1), D(2025, 9, 30))),
    ("FY2025", (1, 31), (D(2024, 2, 1), D(2025, 1, 31))),
    # a February 29 year end means the last day of February
    ("FY2024", (2, 29), (D(2023, 3, 1), D(2024, 2, 29))),
    ("FY2025", (2, 29), (D(2024, 3, 1), D(2025, 2, 28))),
    ("FY2025", (2, 28), (D(2024, 2, 29), D(2025, 2, 28))),
]


@pytest.mark.parametrize(("text", "fiscal_year_end", "expected"), SPAN_CASES)
def test_span(text: str, fiscal_year_end: str | tuple[int, int], expected: object) -> None:
    d = PartialDate.parse(text)
    assert d.span(fiscal_year_end) == expected
    assert d.start(fiscal_year_end) == d.span(fiscal_year_end)[0]
    assert d.end(fiscal_year_end) == d.span(fiscal_year_end)[1]


def test_span_defaults_to_calendar_year() -> None:
    d = PartialDate.parse("FY2025")
    assert d.span() == (D(2025, 1, 1), D(2025, 12, 31))
    assert (d.start(), d.end()) == d.span()


@pytest.mark.parametrize(
    ("value", "expected"),
    [((6, 30), (6, 30)), ("06-30", (6, 30)), (" 1-26 ", (1, 26)), ("02-29", (2, 29))],
)
def test_parse_fiscal_year_end(value: str | tuple[int, int], expected: tuple[int, int]) -> None:
    assert parse_fiscal_year_end(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("June 30", "expected a fiscal year end like '06-30' or (6, 30), got 'June 30'"),
        ("0630", "expected a fiscal year end like '06-30' or (6, 30), got '0630'"),
        ((6, 30, 1), "expected a fiscal year end like '06-30' or (6, 30), got (6, 30, 1)"),
        ((True, 1), "expected a fiscal year end like '06-30' or (6, 30), got (True, 1)"),
        ([6, 30], "expected a fiscal year end like '06-30' or (6, 30), got [6, 30]"),
        ("13-01", "no such fiscal year end: '13-01'"),
        ("06-31", "no such fiscal year end: '06-31'"),
        ((0, 1), "no such fiscal year end: (0, 1)"),
    ],
)
def test_parse_fiscal_year_end_errors(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=exactly(message)):
        parse_fiscal_year_end(value)  # type: ignore[arg-type]


def test_bad_fiscal_year_end_rejected_for_every_precision() -> None:
    for text in ("FY2025", "2023-10", "2023-10-31"):
        with pytest.raises(ValueError, match="no such fiscal year end"):
            PartialDate.parse(text).span("06-31")


@given(partial_dates, fiscal_year_ends)
def test_span_start_not_after_end(d: PartialDate, fiscal_year_end: tuple[int, int]) -> None:
    start, end = d.span(fiscal_year_end)
    assert start <= end
    if d.is_exact:
        assert start == end


@given(years, fiscal_year_ends)
def test_fiscal_years_are_contiguous(year: int, fiscal_year_end: tuple[int, int]) -> None:
    this = PartialDate(P.FISCAL_YEAR, year).span(fiscal_year_end)
    following = PartialDate(P.FISCAL_YEAR, min(year + 1, MAX_YEAR)).span(fiscal_year_end)
    if year < MAX_YEAR:
        assert following[0] == this[1] + dt.timedelta(days=1)
    assert 365 <= (this[1] - this[0]).days + 1 <= 366


@given(years, st.integers(1, 12))
def test_month_nests_in_quarter_half_and_year(year: int, month: int) -> None:
    m_start, m_end = PartialDate(P.MONTH, year, month).span()
    for outer in (
        PartialDate(P.QUARTER, year, (month - 1) // 3 + 1),
        PartialDate(P.HALF, year, (month - 1) // 6 + 1),
        PartialDate(P.YEAR, year),
    ):
        o_start, o_end = outer.span()
        assert o_start <= m_start <= m_end <= o_end


@given(days)
def test_day_nests_in_its_month(day: dt.date) -> None:
    d_start, d_end = PartialDate.parse(day).span()
    m_start, m_end = PartialDate(P.MONTH, day.year, day.month).span()
    assert m_start <= d_start == day == d_end <= m_end


@given(years)
def test_quarters_and_halves_tile_the_year(year: int) -> None:
    for parts, precision in ((4, P.QUARTER), (2, P.HALF), (12, P.MONTH)):
        spans = [PartialDate(precision, year, i).span() for i in range(1, parts + 1)]
        assert spans[0][0] == D(year, 1, 1)
        assert spans[-1][1] == D(year, 12, 31)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start == end + dt.timedelta(days=1)


# --- month starts -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fiscal_year_end", "expected"),
    [
        ("2023-10-31", (12, 31), [D(2023, 10, 1)]),
        ("2023-10", (12, 31), [D(2023, 10, 1)]),
        ("2023-Q3", (12, 31), [D(2023, 7, 1), D(2023, 8, 1), D(2023, 9, 1)]),
        ("2023-H2", (12, 31), [D(2023, m, 1) for m in range(7, 13)]),
        ("2023", (12, 31), [D(2023, m, 1) for m in range(1, 13)]),
        ("FY2025", (12, 31), [D(2025, m, 1) for m in range(1, 13)]),
        (
            "FY2025",
            "06-30",
            [D(2024, m, 1) for m in range(7, 13)] + [D(2025, m, 1) for m in range(1, 7)],
        ),
        ("FY2025", (1, 26), [D(2024, m, 1) for m in range(1, 13)] + [D(2025, 1, 1)]),
    ],
)
def test_month_starts(
    text: str, fiscal_year_end: str | tuple[int, int], expected: list[dt.date]
) -> None:
    assert PartialDate.parse(text).month_starts(fiscal_year_end) == expected


@given(partial_dates, fiscal_year_ends)
def test_month_starts_cover_the_span(d: PartialDate, fiscal_year_end: tuple[int, int]) -> None:
    starts = d.month_starts(fiscal_year_end)
    first, last = d.span(fiscal_year_end)
    assert starts[0] == first.replace(day=1)
    assert starts[-1] == last.replace(day=1)
    assert all(s.day == 1 for s in starts)
    assert all(b == a + relativedelta(months=1) for a, b in itertools.pairwise(starts))
    # every month touched overlaps the span
    assert all(s <= last and s + relativedelta(day=31) >= first for s in starts)


# --- contains and sorting -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "fiscal_year_end", "inside"),
    [
        ("2023-10-31", D(2023, 10, 31), (12, 31), True),
        ("2023-10-31", D(2023, 10, 30), (12, 31), False),
        ("2023-10", D(2023, 10, 1), (12, 31), True),
        ("2023-10", D(2023, 11, 1), (12, 31), False),
        ("2023-Q3", D(2023, 9, 30), (12, 31), True),
        ("2023-Q3", D(2023, 6, 30), (12, 31), False),
        ("2024-H1", D(2024, 2, 29), (12, 31), True),
        ("2023", D(2023, 12, 31), (12, 31), True),
        ("2023", D(2024, 1, 1), (12, 31), False),
        ("FY2025", D(2024, 12, 1), (12, 31), False),
        ("FY2025", D(2024, 12, 1), (6, 30), True),
        ("FY2025", D(2025, 7, 1), (6, 30), False),
    ],
)
def test_contains(text: str, day: dt.date, fiscal_year_end: tuple[int, int], inside: bool) -> None:
    assert PartialDate.parse(text).contains(day, fiscal_year_end) is inside


def test_contains_defaults_and_datetimes() -> None:
    assert PartialDate.parse("FY2025").contains(D(2025, 1, 1))
    assert not PartialDate.parse("FY2025").contains(D(2024, 12, 31))
    assert PartialDate.parse("2023-10-31").contains(dt.datetime(2023, 10, 31, 23, 59))


@given(partial_dates, days)
def test_contains_agrees_with_span(d: PartialDate, day: dt.date) -> None:
    start, end = d.span()
    assert d.contains(day) == (start <= day <= end)


def test_sort_key() -> None:
    texts = ["2024", "2023-Q3", "2023-07-15", "2023-07", "2023-H2", "FY2023", "2023-06-30"]
    ordered = sorted((PartialDate.parse(t) for t in texts), key=PartialDate.sort_key)
    assert [str(d) for d in ordered] == [
        "FY2023",  # 2023-01-01..2023-12-31 under the default fiscal year end
        "2023-06-30",
        "2023-07",
        "2023-Q3",
        "2023-H2",
        "2023-07-15",
        "2024",
    ]
    assert PartialDate.parse("2023-Q3").sort_key() == (D(2023, 7, 1), D(2023, 9, 30))


# --- YAML ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2023-10-31", D(2023, 10, 31)),
        ("2023-10", "2023-10"),
        ("2023-Q3", "2023-Q3"),
        ("2023-H2", "2023-H2"),
        ("2023", 2023),
        ("FY2025", "FY2025"),
    ],
)
def test_to_yaml_value(text: str, value: object) -> None:
    d = PartialDate.parse(text)
    assert d.to_yaml_value() == value
    assert type(d.to_yaml_value()) is type(value)


def test_to_yaml_value_written_unquoted() -> None:
    record = {"day": PartialDate.parse("2023-10-31"), "year": PartialDate.parse("2023")}
    text = yaml.safe_dump({k: v.to_yaml_value() for k, v in record.items()})
    assert text == "day: 2023-10-31\nyear: 2023\n"


@given(partial_dates)
def test_to_yaml_value_round_trip(d: PartialDate) -> None:
    loaded = yaml.safe_load(yaml.safe_dump({"when": d.to_yaml_value()}))["when"]
    assert PartialDate.parse(loaded) == d


# --- pydantic -----------------------------------------------------------------------------


class Event(BaseModel):
    when: PartialDate
    also: list[PartialDate] = []


def test_pydantic_validates_any_accepted_form() -> None:
    event = Event.model_validate({"when": "Q3 2023", "also": [2023, D(2023, 10, 31), "FY 2025"]})
    assert event.when == PartialDate(P.QUARTER, 2023, 3)
    assert event.also == [
        PartialDate(P.YEAR, 2023),
        PartialDate(P.DAY, 2023, 10, 31),
        PartialDate(P.FISCAL_YEAR, 2025),
    ]


def test_pydantic_serializes_canonical_strings() -> None:
    event = Event(when=PartialDate.parse("H2 2026"), also=[PartialDate.parse("2023")])
    assert event.model_dump(mode="json") == {"when": "2026-H2", "also": ["2023"]}
    assert event.model_dump_json() == '{"when":"2026-H2","also":["2023"]}'
    # Python mode gives the string too (pydantic would turn the dataclass into a dict).
    assert event.model_dump() == {"when": "2026-H2", "also": ["2023"]}
    assert Event.model_validate(event.model_dump()) == event


def test_pydantic_error_message() -> None:
    with pytest.raises(ValidationError) as info:
        Event.model_validate({"when": "Octobre 2023"})
    (error,) = info.value.errors()
    assert error["loc"] == ("when",)
    assert error["msg"] == f"Value error, {EXPECTED}, got 'Octobre 2023'"
    with pytest.raises(ValidationError, match=r"Value error, no such day: '2023-02-30'"):
        Event.model_validate({"when": "2023-02-30"})
    with pytest.raises(ValidationError, match=r"Value error, expected a date like"):
        Event.model_validate({"when": None})


def test_pydantic_json_schema() -> None:
    schema = Event.model_json_schema()["properties"]["when"]
    assert schema["anyOf"] == [{"type": "string"}, {"type": "integer"}]
    assert schema["examples"] == ["2023-10-31", "2023-10", "2023-Q3", "H2 2026", "2023", "FY2025"]
    assert schema["description"]


@given(partial_dates, st.lists(partial_dates, max_size=3))
def test_pydantic_json_round_trip(when: PartialDate, also: list[PartialDate]) -> None:
    event = Event(when=when, also=also)
    assert Event.model_validate(event.model_dump(mode="json")) == event
    assert Event.model_validate_json(event.model_dump_json()) == event


# --- the forms of reporting: thirds, starts and ends, ranges ---------------------------------


@pytest.mark.parametrize(
    ("text", "canonical", "first", "last"),
    [
        ("early 2023", "early 2023", "2023-01-01", "2023-04-30"),
        ("mid-2024", "mid-2024", "2024-05-01", "2024-08-31"),
        ("Mid 2024", "mid-2024", "2024-05-01", "2024-08-31"),
        ("late 2022", "late 2022", "2022-09-01", "2022-12-31"),
        ("end of 2024", "end of 2024", "2024-12-01", "2024-12-31"),
        ("by end of 2024", "by end of 2024", "2024-12-01", "2024-12-31"),
        ("by the end of 2024", "by end of 2024", "2024-12-01", "2024-12-31"),
        ("start of 2025", "start of 2025", "2025-01-01", "2025-01-31"),
        ("beginning of 2025", "start of 2025", "2025-01-01", "2025-01-31"),
        ("2021–2024", "2021..2024", "2021-01-01", "2024-12-31"),
        ("2021-2024", "2021..2024", "2021-01-01", "2024-12-31"),
        ("2023-03..2023-06", "2023-03..2023-06", "2023-03-01", "2023-06-30"),
        ("Q3 2023 to Q1 2024", "2023-Q3..2024-Q1", "2023-07-01", "2024-03-31"),
        ("mid-2023..2024", "mid-2023..2024", "2023-05-01", "2024-12-31"),
    ],
)
def test_reporting_forms(text: str, canonical: str, first: str, last: str) -> None:
    date = PartialDate.parse(text)
    assert str(date) == canonical
    assert PartialDate.parse(canonical) == date
    assert date.span() == (dt.date.fromisoformat(first), dt.date.fromisoformat(last))


@pytest.mark.parametrize(
    "text", ["mid-2024-13", "2024..2021", "by start of 2024", "early 20", "2023-10..", "late"]
)
def test_near_misses_of_the_reporting_forms(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date like"):
        PartialDate.parse(text)


def test_marks_and_ranges_are_part_of_the_value() -> None:
    assert PartialDate.parse("end of 2024") != PartialDate.parse("by end of 2024")
    assert PartialDate.parse("end of 2024") != PartialDate.parse("2024-12")
    assert PartialDate.parse("2023..2023") == PartialDate.parse("2023")
