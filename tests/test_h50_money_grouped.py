"""Money written with a point and three zeros after 1 to 3 digits is refused (helper-50's
bad-input review): ``billed: €7.000`` loaded as €7, where the thousands separator of many
languages (the ledgers cite French and German sources) makes it €7,000: a thousand times off,
silently. With a scale word (``€7.000M``), other decimals (``€1.234``, ``$7.00``) or four
digits before the point (``$1,000.000``) the figure is read as before."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.money import Money, Rate

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
fx_rates:
- {id: eur, currency: EUR, date: 2023-01-01, usd: 1.1, sources: [s1]}
"""


@pytest.mark.parametrize(
    ("written", "whole", "symbol"),
    [
        ("€7.000", 7, "€"),
        ("$ 7.000", 7, "$"),
        ("USD 12.000", 12, "$"),
        ("7.000 euros", 7, "€"),
        ("about €7.000", 7, "€"),
    ],
)
def test_a_figure_with_a_point_and_three_zeros_is_refused_at_load(
    tmp_path: Path, written: str, whole: int, symbol: str
) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(
        HEAD + f"cloud_bills:\n- {{id: b1, payer: co, provider: aws, period: 2023-08, "
        f"billed: '{written}', sources: [s1]}}\n"
    )
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    (p,) = caught.value.problems
    assert (p.code, p.field, p.line, p.found) == ("bad-money", "billed", 10, repr(written))
    assert p.expected == (
        f"money like '{symbol}{whole * 1000:,}' or '{symbol}{whole}' ({whole * 1000:,} by the "
        f"thousands separator of many languages, {whole} by the decimal point)"
    )


@pytest.mark.parametrize(
    ("written", "like"),
    [("$1.000 to $2.000", r"'\$1,000' or '\$1'"), ("€2 to €3.000", "'€3,000' or '€3'")],
)
def test_either_end_of_a_range(written: str, like: str) -> None:
    with pytest.raises(ValueError, match=rf"^expected money like {like} \("):
        Money.parse(written)


def test_a_rate_too() -> None:
    with pytest.raises(ValueError, match="rate like"):
        Rate.parse("$7.000/month")


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("€7.000M", "7000000"),  # a scale word: 7 million either way
        ("$7.000 million", "7000000"),
        ("€1.234", "1.234"),  # not three zeros: a price may have three decimals
        ("$7.00", "7"),
        ("$7.0000", "7"),
        ("$1,000.000", "1000"),  # four digits before the point: a decimal point
        ("$0.000", "0"),
    ],
)
def test_other_figures_are_read_as_before(written: str, amount: str) -> None:
    assert Money.parse(written).amount == Money.parse(f"${amount}").amount
