"""Tests for aicapex.units: the pint registry, periods, power conversion, exact decimals."""

from __future__ import annotations

import re
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicapex import units
from aicapex.units import (
    PERIODS,
    fraction_to_decimal,
    normalize_period,
    period_factor,
    registry,
    to_gigawatts,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager


def raises_exactly(message: str) -> AbstractContextManager[pytest.ExceptionInfo[ValueError]]:
    """Return a context manager expecting a ValueError whose message is exactly `message`."""
    return pytest.raises(ValueError, match=f"^{re.escape(message)}$")


@pytest.fixture(scope="module", autouse=True)
def _built_registry() -> None:
    """Build the pint registry (~0.5 s, once) before property tests time their examples."""
    registry()


def test_registry_is_built_once_and_never_the_application_registry() -> None:
    import pint

    assert registry() is registry()
    application = pint.get_application_registry()  # type: ignore[no-untyped-call]
    assert application.get() is not registry()  # a library leaves pint's global alone


@pytest.mark.parametrize("unit", ["W", "kW", "MW", "GW", "TW"])
def test_power_table_equals_pint(unit: str) -> None:
    from aicapex.units import GIGAWATTS_PER

    pint_factor = registry().Quantity(Fraction(1), unit).to("GW").magnitude
    assert GIGAWATTS_PER[unit] == Fraction(pint_factor)


@pytest.mark.parametrize(
    ("written", "gw"),
    [
        ("megawatts", "0.3"),
        ("mw", "0.3"),
        ("MW", "0.3"),
        ("gigawatt", "300"),
        ("kW", "0.0003"),
        ("hp", None),
    ],
)
def test_power_units_as_written(written: str, gw: str | None) -> None:
    if gw is None:  # outside the table: pint decides (a unit of power, converted exactly)
        expected = Fraction(registry().Quantity(Fraction(300), "hp").to("GW").magnitude)
        assert Fraction(to_gigawatts(Decimal(300), written)) == pytest.approx(expected)
    else:
        assert to_gigawatts(Decimal(300), written) == Decimal(gw)


def test_conversions_do_not_load_pint() -> None:
    code = (
        "import sys; from decimal import Decimal; from aicapex.money import Rate; "
        "from aicapex.units import to_gigawatts, period_factor; "
        "Rate.parse('$99M/yr').per_month(); to_gigawatts(Decimal(3), 'MW'); "
        "period_factor('day', 'quarter'); print('pint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_registry_definitions() -> None:
    ureg = registry()
    assert ureg.Quantity(1, "quarter").to("month").magnitude == 3
    assert ureg.Quantity(1, "half_year").to("month").magnitude == 6
    assert ureg.Quantity(1, "month").to("day").magnitude == Fraction(487, 16)
    assert str(ureg.Quantity(3, "GPU").to("gpus").units) == "gpu"
    assert ureg.Quantity(1, "GW").to("MW").magnitude == 1000


def test_registry_magnitudes_are_fractions() -> None:
    magnitude = registry().Quantity(Fraction(1), "year").to("month").magnitude
    assert isinstance(magnitude, Fraction)


def test_periods() -> None:
    assert PERIODS == ("day", "week", "month", "quarter", "year")


@pytest.mark.parametrize(
    ("alias", "period"),
    [
        *[(a, "day") for a in ("d", "day", "days", "daily", "DAY", " Daily ")],
        *[(a, "week") for a in ("wk", "week", "weeks", "weekly", "Wk")],
        *[(a, "month") for a in ("mo", "mon", "month", "months", "monthly", "MO")],
        *[(a, "quarter") for a in ("q", "qtr", "quarter", "quarters", "quarterly", "Q")],
        *[
            (a, "year")
            for a in ("y", "yr", "year", "years", "yearly", "annum", "annual", "annually")
        ],
        ("pa", "year"),
        ("p.a.", "year"),
        ("YR", "year"),
    ],
)
def test_normalize_period_aliases(alias: str, period: str) -> None:
    assert normalize_period(alias) == period


@pytest.mark.parametrize("text", ["fortnight", "", "hour", "months2", "per year"])
def test_normalize_period_errors(text: str) -> None:
    with raises_exactly(f"expected a period such as 'month' or 'year', got {text!r}"):
        normalize_period(text)


def test_normalize_period_error_message_exact() -> None:
    with raises_exactly("expected a period such as 'month' or 'year', got 'fortnight'"):
        normalize_period("fortnight")


@pytest.mark.parametrize(
    ("source", "target", "factor"),
    [
        ("year", "month", Fraction(1, 12)),
        ("month", "year", Fraction(12)),
        ("day", "month", Fraction(487, 16)),
        ("month", "day", Fraction(16, 487)),
        ("quarter", "year", Fraction(4)),
        ("year", "quarter", Fraction(1, 4)),
        ("month", "quarter", Fraction(3)),
        ("week", "day", Fraction(1, 7)),
        ("day", "year", Fraction(1461, 4)),
        ("yr", "mo", Fraction(1, 12)),
        ("month", "month", Fraction(1)),
    ],
)
def test_period_factor(source: str, target: str, factor: Fraction) -> None:
    result = period_factor(source, target)
    assert isinstance(result, Fraction)
    assert result == factor


@given(st.sampled_from(PERIODS), st.sampled_from(PERIODS), st.sampled_from(PERIODS))
def test_period_factor_composes_exactly(a: str, b: str, c: str) -> None:
    assert period_factor(a, b) * period_factor(b, c) == period_factor(a, c)
    assert period_factor(a, b) * period_factor(b, a) == 1


def test_period_factor_rejects_unknown_period() -> None:
    with pytest.raises(ValueError, match="got 'fortnight'"):
        period_factor("fortnight", "year")


@pytest.mark.parametrize(
    ("value", "unit", "gigawatts"),
    [
        ("300", "MW", "0.3"),
        ("4.5", "GW", "4.5"),
        ("1.2", "gigawatts", "1.2"),
        ("2", "TW", "2000"),
        ("5", "kW", "0.000005"),
        ("7", "W", "0.000000007"),
        ("250", "megawatts", "0.25"),
        ("1", "mw", "0.001"),
        ("1", "gw", "1"),
        ("1500", " MW ", "1.5"),
    ],
)
def test_to_gigawatts(value: str, unit: str, gigawatts: str) -> None:
    result = to_gigawatts(Decimal(value), unit)
    assert result == Decimal(gigawatts)
    assert result.as_tuple() == Decimal(gigawatts).as_tuple()


@pytest.mark.parametrize("unit", ["meter", "GPU", "kWh", "foo", "", "MW**2", "1/0", "H100"])
def test_to_gigawatts_rejects_non_power_units(unit: str) -> None:
    with raises_exactly(f"expected a power unit such as 'MW' or 'GW', got {unit!r}"):
        to_gigawatts(Decimal(1), unit)


@pytest.mark.parametrize(
    ("fraction", "decimal"),
    [
        (Fraction(3, 10), "0.3"),
        (Fraction(7000), "7000"),
        (Fraction(-3, 8), "-0.375"),
        (Fraction(1, 10**7), "0.0000001"),
        (Fraction(0), "0"),
        (Fraction(487, 16), "30.4375"),
        (Fraction(1, 3), "0.3333333333333333333333333333"),
        (Fraction(2, 3), "0.6666666666666666666666666667"),
        (Fraction(10**30 + 1), "1000000000000000000000000000001"),
    ],
)
def test_fraction_to_decimal(fraction: Fraction, decimal: str) -> None:
    result = fraction_to_decimal(fraction)
    assert result.as_tuple() == Decimal(decimal).as_tuple()


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_fraction_to_decimal_is_exact_and_canonical_for_decimals(value: Decimal) -> None:
    result = fraction_to_decimal(Fraction(value))
    assert result == value
    exponent = result.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent <= 0
    assert exponent == 0 or result.as_tuple().digits[-1] != 0


@pytest.mark.parametrize("module", ["aicapex", "aicapex.units", "aicapex.money"])
def test_import_does_not_import_pint(module: str) -> None:
    code = f"import sys, {module}; print('pint' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_module_exports() -> None:
    assert set(units.__all__) == {
        "GIGAWATTS_PER",
        "PERIODS",
        "PER_MONTH",
        "fraction_to_decimal",
        "normalize_period",
        "period_factor",
        "registry",
        "to_gigawatts",
    }


def test_per_month_table_equals_pint() -> None:
    """The pint-free table of monthly factors used by vectorised code agrees with the registry."""
    from aicapex.units import PER_MONTH

    assert set(PER_MONTH) == set(PERIODS)
    for per, factor in PER_MONTH.items():
        quantity = registry().Quantity(Fraction(1), f"1 / {per}").to("1 / month")
        assert factor == Fraction(quantity.magnitude), per
