"""The runway's inputs of one entity are its share of every entity's inputs, whichever way they
are built.

A simulation asks for one entity: :func:`~aicapex.analysis.runway.runway_inputs` then restricts
the cash balances and the flows to it before the heavy work, and the scenarios' setting
(:func:`~aicapex.scenarios.context.prepare`) resolves the cash reports once per ledger. Neither
may change a figure: the inputs of one entity must equal that entity's row of the inputs of
every entity (on the months they share; nothing before its own balance), and the setting's
inputs must equal ``runway_inputs``' to the last assumption. Checked on the bundled ledger and
on generated ledgers of several companies with sparse months, ranges and bounds, conflicting
cash reports, rounds with committed tranches and unpaid bills.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.burn import BURN_CATEGORIES
from aicapex.analysis.runway import runway, runway_inputs
from aicapex.analysis.runwaykit import INPUT_STREAMS, RunwayInputs
from aicapex.scenarios.context import prepare

POLICIES = ("disbursed", "committed", "arrears")
BURN_AFTER = (None, 2e6, {"opex": 3e6, "revenue": 1e6})


def _money(rnd: random.Random, low: float, high: float) -> str:
    """A figure as people report it: exact, a range, about, at least, less than."""
    v = rnd.uniform(low, high)
    pick = rnd.random()
    if pick < 0.2:
        return f"${v:.2f}M to ${v * 1.3:.2f}M"
    if pick < 0.3:
        return f"about ${v:.2f}M"
    if pick < 0.35:
        return f"at least ${v:.2f}M"
    if pick < 0.4:
        return f"less than ${v:.2f}M"
    return f"${v:.2f}M"


def ledger_text(seed: int, companies: int) -> str:
    """Companies with rates over years and one-off amounts in a few scattered months, revenue
    for most, zero to three cash balances (some reported twice by two sources), a round with a
    committed tranche for half, an unpaid bill for some."""
    rnd = random.Random(seed)
    ids = [f"co{i}" for i in range(companies)]
    out = [
        "sources:",
        "- {id: s1, outlet: Example, title: Generated, date: 2024-06}",
        "- {id: s2, outlet: Other, title: Later, date: 2024-07}",
        "entities:",
        *(f"- {{id: {e}, name: Company {e}, type: company}}" for e in ids),
        "- {id: fund, name: A fund, type: investor}",
        "- {id: cloud, name: A cloud, type: company}",
    ]
    parts: dict[str, list[str]] = {
        k: [] for k in ("expenses", "revenues", "cash_balances", "funding_rounds", "cloud_bills")
    }
    for e in ids:
        for c in rnd.sample(BURN_CATEGORIES, rnd.randint(1, 4)):
            if rnd.random() < 0.5:
                parts["expenses"].append(
                    f"- {{id: {e}-{c}-rate, company: {e}, category: {c}, "
                    f"rate: {_money(rnd, 0.1, 3)}/month, date: {rnd.choice([2022, 2023])}, "
                    "sources: [s1]}"
                )
            for m in sorted(rnd.sample(range(1, 13), rnd.randint(1, 5))):
                y = rnd.choice([2023, 2024])
                parts["expenses"].append(
                    f"- {{id: {e}-{c}-{y}-{m:02d}, company: {e}, category: {c}, "
                    f"amount: {_money(rnd, 0.1, 4)}, date: {y}-{m:02d}, sources: [s1]}}"
                )
        if rnd.random() < 0.7:
            parts["revenues"].append(
                f"- {{id: {e}-sales, company: {e}, category: sales, "
                f"rate: {_money(rnd, 0.05, 2)}/month, "
                f"date: 2023-0{rnd.randint(1, 9)}..2024-0{rnd.randint(1, 3)}, sources: [s1]}}"
            )
        for k in range(rnd.randint(0, 3)):
            parts["cash_balances"].append(
                f"- {{id: {e}-cash-{k}, company: {e}, "
                f"date: 2023-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}, "
                f"amount: {_money(rnd, 2, 60)}, sources: [s1]}}"
            )
        if rnd.random() < 0.3:  # one balance reported by two sources: a conflict
            for k, source in (("a", "s1"), ("b", "s2")):
                parts["cash_balances"].append(
                    f"- {{id: {e}-cash-{k}, company: {e}, date: 2023-09-30, "
                    f"amount: {_money(rnd, 2, 60)}, sources: [{source}]}}"
                )
        if rnd.random() < 0.5:
            d1, d2 = rnd.randint(1, 12), rnd.randint(1, 12)
            parts["funding_rounds"].append(
                f"- {{id: {e}-round, company: {e}, date: 2023-{d1:02d}, status: committed, "
                "amount: $9M, sources: [s1], investors: [{investor: fund}], tranches: ["
                f"{{amount: $4M, status: disbursed, date: 2023-{d1:02d}-15}}, "
                f"{{amount: $5M, status: committed, date: 2024-{d2:02d}-15}}]}}"
            )
        if rnd.random() < 0.4:
            parts["cloud_bills"].append(
                f"- {{id: {e}-bill, payer: {e}, provider: cloud, "
                f"period: 2023-0{rnd.randint(1, 9)}, billed: $1.5M, due: 2023-10-30, "
                "sources: [s1]}"
            )
    for kind, rows in parts.items():
        if rows:
            out += [f"{kind}:", *rows]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[ac.Ledger]:
    """Three generated ledgers, of 3, 6 and 9 companies."""
    ledgers = []
    for seed, companies in ((1, 3), (2, 6), (3, 9)):
        path = tmp_path_factory.mktemp("generated") / f"ledger{seed}.yaml"
        path.write_text(ledger_text(seed, companies), encoding="utf-8")
        ledgers.append(ac.load(path))
    return ledgers


def assert_share(one: RunwayInputs, every: RunwayInputs, entity: str) -> None:
    """``one`` (the inputs of ``entity`` alone) is ``entity``'s row of ``every`` on the months
    they share, and ``every`` has nothing for it before them."""
    assert list(one.entities) == [entity]
    i = list(every.entities).index(entity)
    offset = every.months.get_loc(one.months[0])
    assert isinstance(offset, int)
    pd.testing.assert_index_equal(one.months, every.months[offset:])
    np.testing.assert_array_equal(one.start[:, 0], every.start[:, i])
    np.testing.assert_array_equal(one.flows[:, 0], every.flows[:, i, :, offset:])
    assert not every.flows[:, i, :, :offset].any()
    np.testing.assert_array_equal(one.counted[0], every.counted[i, offset:])
    assert not every.counted[i, :offset].any()
    np.testing.assert_array_equal(one.assumed[0], every.assumed[i, offset:])
    assert one.as_of_col[0] == every.as_of_col[i] - offset
    # positions count months from each grid's start: the same day, up to the float's rounding
    assert one.as_of_pos[0] == pytest.approx(every.as_of_pos[i] - offset, rel=0, abs=1e-12)
    assert one.start_pos[0] == every.start_pos[i] - offset
    assert one.balance_day[0] == every.balance_day[i]
    pd.testing.assert_frame_equal(
        one.frame, every.frame.iloc[[i]].reset_index(drop=True), check_index_type=False
    )
    assert set(one.records) <= set(every.records)


def cases(led: ac.Ledger) -> list[tuple[str, str, object]]:
    """(as_of, policy, burn_after) to check: two dates, every policy, three burn_after."""
    days = led.frame("cash_balances")["date_end"].dropna().sort_values()
    last = str(days.iloc[-1].date())
    middle = str(days.iloc[len(days) // 2].date())
    return [(d, p, b) for d in dict.fromkeys([middle, last]) for p in POLICIES for b in BURN_AFTER]


def test_the_streams_begin_with_the_spending_categories() -> None:
    """``_counted_streams`` finds spending categories by their place in INPUT_STREAMS."""
    assert INPUT_STREAMS[: len(BURN_CATEGORIES)] == BURN_CATEGORIES


def test_one_entity_is_its_share_of_every_entity(
    bundled: ac.Ledger, generated: list[ac.Ledger]
) -> None:
    checked = 0
    for led in [bundled, *generated]:
        for as_of, policy, burn_after in cases(led)[::2]:  # each policy and burn_after
            args = {"policy": policy, "burn_after": burn_after, "horizon": 36}
            every = runway_inputs(led, None, as_of, **args)  # type: ignore[arg-type]
            for entity in every.entities:
                one = runway_inputs(led, str(entity), as_of, **args)  # type: ignore[arg-type]
                assert_share(one, every, str(entity))
                checked += 1
    assert checked > 100


def test_one_entity_s_runway_is_its_row_of_every_entity(generated: list[ac.Ledger]) -> None:
    """The runway of one entity, and of all, agree (the report runs all at once)."""
    for led in generated:
        for as_of, policy, burn_after in cases(led)[::4]:
            args = {"policy": policy, "burn_after": burn_after, "horizon": 36}
            every = runway(led, None, as_of, **args).frame.set_index("entity")  # type: ignore[arg-type]
            for entity in every.index:
                row = runway(led, entity, as_of, **args).frame.set_index("entity")  # type: ignore[arg-type]
                pd.testing.assert_frame_equal(row, every.loc[[entity]])


def test_the_scenarios_setting_gives_runway_inputs(
    bundled: ac.Ledger, generated: list[ac.Ledger], companies: ac.Ledger
) -> None:
    """What simulations and comparisons roll (cash resolved once, in ``prepare``) is
    ``runway_inputs``, field by field, assumptions included."""
    checked = 0
    for led in [bundled, companies, *generated]:
        entities = list(runway_inputs(led, None, cases(led)[-1][0]).entities)
        for as_of, policy, burn_after in cases(led)[::3]:
            args = {"policy": policy, "burn_after": burn_after, "horizon": 36}
            for entity in [None, *entities]:
                try:
                    expected = runway_inputs(led, entity, as_of, **args)  # type: ignore[arg-type]
                except ValueError as error:  # no balance of the entity by then
                    with pytest.raises(ValueError, match=str(error)[:30]):
                        prepare(led, entity, as_of, **args)[0].inputs()  # type: ignore[arg-type]
                    continue
                got = prepare(led, entity, as_of, **args)[0].inputs()  # type: ignore[arg-type]
                for name, value in vars(expected).items():
                    other = getattr(got, name)
                    if isinstance(value, pd.DataFrame):
                        pd.testing.assert_frame_equal(other, value)
                    elif isinstance(value, pd.Index):
                        pd.testing.assert_index_equal(other, value)
                    elif isinstance(value, np.ndarray):
                        np.testing.assert_array_equal(other, value)
                    else:
                        assert other == value, name
                checked += 1
    assert checked > 50


def test_a_conflicting_cash_report_is_set_aside_once(tmp_path: Path) -> None:
    """Two sources report one balance: the later report counts, the other is named."""
    path = tmp_path / "ledger.yaml"
    path.write_text(
        "\n".join(
            [
                "sources:",
                "- {id: s1, outlet: A, title: First, date: 2024-01}",
                "- {id: s2, outlet: B, title: Second, date: 2024-03}",
                "entities:",
                "- {id: acme, name: Acme, type: company}",
                "expenses:",
                "- {id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2023, "
                "sources: [s1]}",
                "cash_balances:",
                "- {id: acme-cash-1, company: acme, date: 2023-10, amount: $4M, sources: [s1]}",
                "- {id: acme-cash-2, company: acme, date: 2023-10, amount: $6M, sources: [s2]}",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    led = ac.load(path)
    for _ in range(2):  # the second run reads the cash resolved with the ledger
        inputs = prepare(led, "acme", "2023-10")[0].inputs()
        assert inputs.start[0, 0] == 6e6
        assert "conflicting cash report set aside: acme-cash-1" in inputs.assumptions
        mc = ac.simulate(led, "acme", n=10, horizon=12, seed=1, ranges="base", as_of="2023-10")
        assert mc.months()["p50"] == pytest.approx(runway(led, "acme", "2023-10").months)


def test_records_by_entity_are_each_entity_s_records(
    bundled: ac.Ledger, generated: list[ac.Ledger], companies: ac.Ledger
) -> None:
    """``records_by_entity`` (one pass, for reports of many) lists what ``records_of`` lists
    for each entity: sorted, its balance merged in, entities without flows included."""
    for led in [bundled, companies, *generated]:
        for as_of, policy, burn_after in cases(led)[::3]:
            r = runway(led, None, as_of, policy=policy, burn_after=burn_after, horizon=36)  # type: ignore[arg-type]
            every = r.records_by_entity()
            assert list(every) == [str(e) for e in r.frame["entity"]]
            for entity, ids in every.items():
                assert ids == r.records_of(entity), (entity, as_of, policy)
                assert ids == sorted(set(ids))
