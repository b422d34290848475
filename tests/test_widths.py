"""Open ends of ranges at other widths (issue 9): ``Ledger.with_widths`` and ``widths=`` on the
analyses that use ranges. Expected figures come from the records: the bundled Stability AI
ledger holds "less than $4M" of cash in October 2023 (default low end 0.75 x $4M) and compute
"about" $8.25M a month (default 0.9x to 1.1x)."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aicapex as ac

LedgerText = Callable[..., Path]

CASH = "stability-cash-2023-10-upper"


def low_cash(led: ac.Ledger) -> float:
    cash = led.frame("cash_balances")
    return float(cash.loc[cash["id"] == CASH, "amount_low_usd"].iloc[0])


def test_the_defaults_and_other_widths(bundled: ac.Ledger) -> None:
    amount = float(bundled[CASH].amount.amount)  # type: ignore[attr-defined]
    assert bundled[CASH].amount.qualifier == "less than"  # type: ignore[attr-defined]
    assert low_cash(bundled) == pytest.approx(0.75 * amount)
    wide = bundled.with_widths({"less than": (0.5, 1)})
    assert low_cash(wide) == pytest.approx(0.5 * amount)
    assert low_cash(bundled) == pytest.approx(0.75 * amount)  # the ledger is as it was
    assert wide.widths == {"less than": (0.5, 1)}
    assert wide.with_widths(None).widths is None
    assert list(wide) == list(bundled)  # the same records


def test_widths_reach_the_flows_and_keep_the_base(bundled: ac.Ledger) -> None:
    base = bundled.flows().sort_index()
    wide = bundled.with_widths({"about": (0.5, 1.5)}).flows().sort_index()
    np.testing.assert_array_equal(wide["amount_usd"].to_numpy(), base["amount_usd"].to_numpy())
    about = [
        r.id
        for r in bundled.records("expenses")
        if r.rate and r.rate.money.qualifier == "about"  # type: ignore[attr-defined]
    ]
    assert about, "the bundled ledger has an 'about' expense"
    mine = wide["record"].isin(about).to_numpy()
    amount = wide.loc[mine, "amount_usd"].to_numpy()
    assert wide.loc[mine, "low_usd"].to_numpy() == pytest.approx(0.5 * amount)
    assert wide.loc[mine, "high_usd"].to_numpy() == pytest.approx(1.5 * amount)
    assert base.loc[mine, "low_usd"].to_numpy() == pytest.approx(0.9 * amount)
    exact = (base["low_usd"] == base["amount_usd"]) & (base["high_usd"] == base["amount_usd"])
    for end in ("low_usd", "high_usd"):  # exact figures have no open ends to widen
        np.testing.assert_array_equal(
            wide.loc[exact, end].to_numpy(), base.loc[exact, end].to_numpy()
        )


def test_analyses_take_widths(bundled: ac.Ledger) -> None:
    widths = {"about": ("1/2", "3/2")}  # compute spending up to 1.5x: a shorter shortest runway
    direct = ac.runway(bundled, "stability-ai", as_of="2023-10", widths=widths)
    viewed = ac.runway(bundled.with_widths(widths), "stability-ai", as_of="2023-10")
    default = ac.runway(bundled, "stability-ai", as_of="2023-10")
    assert direct.frame["months_low"].iloc[0] == pytest.approx(viewed.frame["months_low"].iloc[0])
    assert direct.frame["months_low"].iloc[0] < default.frame["months_low"].iloc[0]
    assert direct.frame["months"].iloc[0] == pytest.approx(default.frame["months"].iloc[0])
    assert json.loads(direct.to_json())["widths"] == {"about": [0.5, 1.5]}
    for result in (
        ac.burn(bundled, "stability-ai", widths=widths),
        ac.compute_gap(bundled, "stability-ai", widths=widths),
        ac.arrears(bundled, as_of="2023-10-31", widths=widths),
    ):
        assert json.loads(result.to_json())["widths"] == {"about": [0.5, 1.5]}


@settings(max_examples=15, deadline=None)
@given(st.fractions(min_value=0, max_value=1), st.fractions(min_value=0, max_value=1))
def test_a_wider_high_end_never_lengthens_the_shortest_runway(a: object, b: object) -> None:
    led = ac.load(ac.bundled_data())
    lo, hi = sorted([a, b])  # type: ignore[type-var]
    months = [
        ac.runway(led, "stability-ai", as_of="2023-10", widths={"about": (1, 1 + f)})
        .frame["months_low"]
        .iloc[0]
        for f in (lo, hi)
    ]
    assert months[1] <= months[0] + 1e-9  # more spending at the high end: no longer


@pytest.mark.parametrize(
    ("widths", "words"),
    [
        ({"range": (0.9, 1.1)}, "qualifier with open ends"),
        ({"": (0.9, 1.1)}, "qualifier with open ends"),
        ({"up to": (0, 1)}, "qualifier with open ends"),
        ({"mor than": (1, 2)}, "got 'mor than'"),
        ({"about": (1.2, 0.8)}, "0 <= low <= high"),
        ({"about": (-1, 1)}, "0 <= low <= high"),
        ({"about": ("x", 1)}, "two factors"),
        ({"about": (1,)}, "two factors"),
    ],
)
def test_bad_widths_are_named(bundled: ac.Ledger, widths: dict, words: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match="widths") as info:
        bundled.with_widths(widths)
    assert words in str(info.value)


def test_frames_and_flows_refuse_widths(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="needs a ledger"):
        ac.burn(bundled.flows(), widths={"about": (0.5, 1.5)})


def test_widths_survive_known_on_and_pickling(bundled: ac.Ledger) -> None:
    wide = bundled.with_widths({"less than": (0.5, 1)})
    assert low_cash(wide.known_on("2024-12")) == pytest.approx(low_cash(wide))
    again = pickle.loads(pickle.dumps(wide))
    assert again.widths == wide.widths
    assert low_cash(again) == pytest.approx(low_cash(wide))
