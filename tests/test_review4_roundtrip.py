"""Hand-checked money that goes round (review 4): a loop of three entities with unequal legs,
and a round trip where the money comes back partly and late.

Vend invests $10B in Cust (March 2024, disbursed; and $2B committed in September); Cust pays
CloudX $6B over 2024; CloudX pays Vend $8B over 2024 and $5B over 2025; Cust buys $3B from Vend
in November 2024 and $4B in February 2025; Cust2 buys $5B from Vend over 2024.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: s1, outlet: X, title: T, date: 2025-06}
entities:
- {id: vend, name: Vend, type: chip_vendor}
- {id: cust, name: Cust, type: company, controlled_by: [holdco]}
- {id: cloudx, name: CloudX, type: cloud_provider, controlled_by: [holdco]}
- {id: cust2, name: Cust2, type: company}
- {id: holdco, name: HoldCo, type: company, controlled_by: [pp]}
- {id: pp, name: P Person, type: person}
funding_rounds:
- {id: cust-2024, sources: [s1], company: cust, date: 2024-03, status: closed, amount: $10B,
   investors: [{investor: vend, amount: $10B}]}
- {id: cust-2024-b, sources: [s1], company: cust, date: 2024-09, status: committed,
   instrument: debt, amount: $2B, investors: [{investor: vend}]}
expenses:
- {id: cust-cloud-2024, sources: [s1], company: cust, counterparty: cloudx, category: compute,
   amount: $6B, date: 2024}
- {id: cloudx-vend-2024, sources: [s1], company: cloudx, counterparty: vend, category: other,
   amount: $8B, date: 2024}
- {id: cust-vend-2024, sources: [s1], company: cust, counterparty: vend, category: compute,
   amount: $3B, date: 2024-11}
- {id: cust-vend-2025, sources: [s1], company: cust, counterparty: vend, category: compute,
   amount: $4B, date: 2025-02}
- {id: cloudx-vend-2025, sources: [s1], company: cloudx, counterparty: vend, category: other,
   amount: $5B, date: 2025}
- {id: cust2-vend-2024, sources: [s1], company: cust2, counterparty: vend, category: compute,
   amount: $5B, date: 2024}
stakes:
- {id: pp-vend, sources: [s1], holder: pp, company: vend, date: 2024-01, event: holding,
   share: 20%}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("rv4") / "loop.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def test_the_loop_of_three_and_its_circulation(led: ac.Ledger) -> None:
    loops = ac.cycles(led)
    frame = loops.frame
    assert set(frame["window"]) == {"2024"}
    assert set(frame["basis"]) == {"disbursed"}
    by_path = frame.set_index("path")["amount_usd"]
    # each loop alone: its smallest leg
    assert by_path["cloudx > vend > cust > cloudx"] == pytest.approx(6e9)
    assert by_path["cust > vend > cust"] == pytest.approx(3e9)
    # together: Cust sends f2 to CloudX and f3 to Vend, Vend f2 + f3 to Cust (at most 10),
    # CloudX f2 to Vend: 3 f2 + 2 f3 = 18 + 6 = $24B of the $27B on the edges
    comp = loops.components.iloc[0]
    assert comp["circulation_usd"] == pytest.approx(24e9)
    assert comp["capacity_usd"] == pytest.approx(27e9)


def test_money_back_partly_and_late(led: ac.Ledger) -> None:
    by_year = ac.round_trip(led, "vend", bases=["disbursed"]).frame
    rows = by_year.set_index(["customer", "window"])
    # 2024: $10B invested, $3B bought back: all $3B funded
    assert rows.loc[("cust", "2024"), "funded_usd"] == pytest.approx(3e9)
    assert rows.loc[("cust", "2024"), "share"] == pytest.approx(1.0)
    # 2025: the $4B comes back with no investment in its window
    assert rows.loc[("cust", "2025"), "funded_usd"] == 0
    # the 'all' rows sum the windows: $3B of $7B
    assert rows.loc[("cust", "all"), "share"] == pytest.approx(3 / 7)
    # Vend's total in 2024: $3B funded of 3 + 8 + 5 = $16B
    assert rows.loc[("(all)", "2024"), "share"] == pytest.approx(3 / 16)
    # window 'all': one window, where the $10B funds all $7B; one row per customer
    whole = ac.round_trip(led, "vend", window="all", bases=["disbursed"]).frame
    assert not whole.duplicated(["vendor", "customer", "window", "basis"]).any()
    assert list(whole["customer"]) == ["cloudx", "cust", "cust2", "(all)"]
    one = whole.set_index("customer")
    assert one.loc["cust", "funded_usd"] == pytest.approx(7e9)
    assert one.loc["(all)", "share"] == pytest.approx(7 / 25)


def test_related_parties_by_a_20_percent_stake(led: ac.Ledger) -> None:
    """pp controls HoldCo, which controls Cust and CloudX, and holds 20% of Vend: Vend is
    related to both; Cust2 to none."""
    frame = ac.related_parties(led, "vend").frame
    assert set(frame["record"]) == {
        "cloudx-vend-2024", "cust-2024", "cust-2024-b", "cust-vend-2024",
        "cloudx-vend-2025", "cust-vend-2025",
    }  # fmt: skip
    assert frame.set_index("record").loc["cust-2024-b", "basis"] == "committed"
