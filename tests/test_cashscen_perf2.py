"""Fast paths of the cash and scenarios sections (CASH-SCEN-PERF2): each gives what the general
way gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.common import month_starts
from aicapex.analysis.inbalance import committed_before
from aicapex.analysis.runway import runway_inputs
from aicapex.analysis.runwaykit import BalanceGrid, RunwayInputs, balance_grid, collect_inputs
from aicapex.analysis.runwayrows import (
    counted_flows,
    counted_frame,
    counted_rows,
    flow_lookups,
    same_rows,
    spend_flows,
)
from aicapex.analysis.used import RecordsUsed
from aicapex.scenarios.context import bind_scenario, prepare
from aicapex.table.columns import positions


def _ns(text: str) -> np.datetime64:
    return np.datetime64(text, "ns")


def test_month_starts_by_hand() -> None:
    got = month_starts(_ns("2023-11-01"), 3)
    assert list(got.strftime("%Y-%m-%d")) == ["2023-11-01", "2023-12-01", "2024-01-01"]
    assert got.freqstr == "MS"
    assert got.dtype == np.dtype("datetime64[ns]")
    assert got.name is None


@pytest.mark.parametrize(
    "start",
    ["2023-11-01", "1999-01-01", "2000-02-01", "2261-12-01", "2262-03-01", "2262-04-01"],
)
@pytest.mark.parametrize("periods", [1, 2, 13, 243, 720])
def test_month_starts_is_date_range(start: str, periods: int) -> None:
    try:
        want = pd.date_range(_ns(start), periods=periods, freq="MS")
    except Exception as exc:  # past pandas' days: the same error
        with pytest.raises(type(exc)):
            month_starts(_ns(start), periods)
        return
    got = month_starts(_ns(start), periods)
    assert got.equals(want)
    assert got.dtype == want.dtype
    assert got.freq == want.freq
    assert got.name == want.name
    assert type(got) is type(want)


@pytest.mark.parametrize(
    "start", [_ns("2023-11-15"), _ns("2023-11-01T06:00"), np.datetime64("2023-11-01", "s")]
)
def test_month_starts_elsewhere_is_date_range(start: np.datetime64) -> None:
    want = pd.date_range(start, periods=5, freq="MS")
    got = month_starts(start, 5)
    assert got.equals(want)
    assert got.dtype == want.dtype
    assert got.freq == want.freq
    assert month_starts(_ns("2023-11-01"), 0).equals(pd.date_range(_ns("2023-11-01"), periods=0))


def _by_entity_frames(used: RecordsUsed) -> dict[str, list[str]]:
    """RecordsUsed.by_entity as it was (a frame built, concatenated, deduplicated, sorted)."""
    pairs = pd.DataFrame({"e": used.entity, "r": used.record.astype("object").to_numpy()}).dropna()
    pairs = pd.concat(
        [pairs, pd.DataFrame({"e": np.arange(len(used.entities)), "r": used.balances})],
        ignore_index=True,
    ).drop_duplicates()
    ordered = pairs.sort_values(["e", "r"], kind="stable")
    out: dict[str, list[str]] = {str(e): [] for e in used.entities}
    for e, r in zip(ordered["e"], ordered["r"], strict=True):
        out[str(used.entities[e])].append(r)
    return out


def _used(entity: list[int], record: list[object], balances: list[str], n: int) -> RecordsUsed:
    names = pd.Index([f"co-{i}" for i in range(n)], dtype=object)
    return RecordsUsed(
        names,
        np.array(balances, dtype=object),
        np.array(entity, dtype=np.int64),
        pd.Series(record, dtype=object),
    )


def test_records_by_entity_by_hand() -> None:
    used = _used([1, 0, 1, 1, 0], ["b-2", "z", None, "b-2", "a"], ["cash-0", "a-1"], 2)
    assert used.by_entity() == {"co-0": ["a", "cash-0", "z"], "co-1": ["a-1", "b-2"]}


@pytest.mark.parametrize(
    ("entity", "record", "balances", "n"),
    [
        ([], [], ["c"], 1),  # no flow
        ([0], ["r"], ["c"], 1),  # one
        ([0, 0, 1], ["x", "c0", "x"], ["c0", "c1", "c2"], 3),  # a balance among the flows; idle
        ([2, 1, 0, 2, 2], ["b", "b", "a", None, "a"], ["z", "y", "x"], 3),
        ([0, 1] * 40, [f"r{i % 7}" for i in range(80)], ["r3", "q"], 2),
    ],
)
def test_records_by_entity_is_the_frames_way(
    entity: list[int], record: list[object], balances: list[str], n: int
) -> None:
    used = _used(entity, record, balances, n)
    assert used.by_entity() == _by_entity_frames(used)
    cat = RecordsUsed(used.entities, used.balances, used.entity, used.record.astype("category"))
    assert cat.by_entity() == _by_entity_frames(used)


def test_records_by_entity_of_the_bundled_runways() -> None:
    led = ac.load(ac.bundled_data())
    for policy, r in ac.runways(led, as_of="2023-10").items():
        assert r.used is not None, policy
        assert r.used.by_entity() == _by_entity_frames(r.used), policy


#: The columns of CommittedBefore.rows.
COLUMNS = [
    "entity",
    "kind",
    "record",
    "date",
    "amount_usd",
    "direction",
    "balance_date",
    "balance_record",
    "amount",
    "currency",
    "low_usd",
    "high_usd",
]


def _committed_frames(flows: pd.DataFrame, entities: pd.Index, days: np.ndarray) -> pd.DataFrame:
    """committed_before's rows by the frames' way: the committed money raised, each row's
    entity among ``entities``, dated on or before its balance day (NaT: taken as before)."""
    rows = flows[
        (flows["status"].astype("object") == "committed").to_numpy()
        & flows["kind"].astype("object").isin(["funding_rounds", "stakes"]).to_numpy()
    ]
    at = entities.get_indexer(pd.Index(rows["entity"].astype("object")))
    day = rows["date"].to_numpy("datetime64[ns]")
    balance = days[np.maximum(at, 0)]
    return rows[(at >= 0) & (np.isnat(day) | (day <= balance))]


@pytest.mark.parametrize("categorical", [True, False])
@pytest.mark.parametrize(
    "day", ["2020-01-01", "2023-06-30", "2023-10-31", "2024-12-31", "2030-01-01"]
)
def test_committed_before_reads_the_rows_by_position(categorical: bool, day: str) -> None:
    flows = ac.load(ac.bundled_data()).flows()
    if not categorical:  # a flows table of one's own: text, not categories
        flows = flows.astype(dict.fromkeys(("kind", "status", "entity"), object))
    raised = flows[flows["kind"].astype("object").isin(["funding_rounds", "stakes"]).to_numpy()]
    entities = pd.Index(sorted(set(raised["entity"].astype("object").dropna())), dtype=object)
    days = np.full(len(entities), np.datetime64(day, "ns"))
    chosen = pd.DataFrame({"id": [f"cash-{e}" for e in entities]}, index=entities)
    found = committed_before(flows, entities, days, chosen)
    want = _committed_frames(flows, entities, days)
    assert sorted(set(found.rows["record"])) == sorted(set(want["record"].astype("object")))
    if want.empty:  # no row: the frame of no row (object columns), and nothing said
        pd.testing.assert_frame_equal(found.rows, pd.DataFrame(columns=found.rows.columns))
        assert list(found.rows.columns) == COLUMNS
        assert found.sentences("committed") == []
    else:
        assert len(found.sentences("disbursed")) == len(found.rows) > 0


def test_committed_before_with_none_raised_or_no_entity() -> None:
    flows = ac.load(ac.bundled_data()).flows()
    spending = flows[flows["kind"].astype("object").isin(["expenses"]).to_numpy()]
    entities = pd.Index(["stability-ai"], dtype=object)
    days = np.array([np.datetime64("2030-01-01", "ns")])
    chosen = pd.DataFrame({"id": ["c"]}, index=entities)
    for rows, among in ((spending, entities), (flows, pd.Index([], dtype=object))):
        found = committed_before(rows, among, days[: len(among)], chosen.iloc[: len(among)])
        pd.testing.assert_frame_equal(found.rows, pd.DataFrame(columns=COLUMNS))
        assert found.sentences("arrears") == []


@pytest.mark.parametrize("categorical", [True, False])
def test_flows_looked_up_once_give_what_each_look_up_gives(categorical: bool) -> None:
    flows = ac.load(ac.bundled_data()).flows()
    if not categorical:
        flows = flows.astype(dict.fromkeys(("kind", "status", "basis", "entity"), object))
    for entities in (
        pd.Index(["stability-ai"], dtype=object),
        pd.Index(["stability-ai", "intel", "no-such-entity"], dtype=object),
        pd.Index(sorted(set(flows["entity"].astype("object").dropna())), dtype=object),
    ):
        looked = flow_lookups(flows, entities)
        pd.testing.assert_frame_equal(
            spend_flows(flows, entities, looked), spend_flows(flows, entities)
        )
        for policy in ("disbursed", "committed", "arrears"):
            keep = counted_rows(*looked, policy)
            counted = counted_flows(flows, policy, entities)
            pd.testing.assert_frame_equal(counted_frame(flows, keep), counted)
            pd.testing.assert_frame_equal(counted_flows(flows, policy, entities, looked), counted)
            assert np.array_equal(looked[3][keep], positions(counted["entity"], entities))
            assert looked[3][keep].dtype == positions(counted["entity"], entities).dtype


def _same_inputs(a: RunwayInputs, b: RunwayInputs) -> None:
    """Two runway inputs equal, array by array (NaN in the same places)."""
    assert a.entities.equals(b.entities)
    assert a.months.equals(b.months)
    assert a.months.freq == b.months.freq
    for name in ("start", "flows", "counted", "assumed", "as_of_col", "as_of_pos", "start_pos"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert np.array_equal(a.balance_day, b.balance_day)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.assumptions == b.assumptions
    assert a.records.equals(b.records)


def test_a_settings_builds_share_the_balance_grid_and_give_fresh_inputs() -> None:
    led = ac.load(ac.bundled_data())
    for entity, as_of, policy in (
        ("stability-ai", "2023-10", "disbursed"),
        ("stability-ai", "2023-10", "committed"),
        ("stability-ai", "2023-12", "arrears"),
        (None, "2023-10", "disbursed"),  # every entity with a balance
    ):
        setting, book = prepare(led, entity, as_of, policy=policy)  # type: ignore[arg-type]
        tables = [()]
        if entity is not None:
            round_moved = bind_scenario("x", [ac.disburse("stability-2023-intel", on=as_of)], book)
            tables.append(round_moved.table)
        tables += [(ac.AddFlow("stability-ai", "2024-02", 5e6, "bridge"),)]
        tables += [(ac.Exclude(["stability-compute-2023"]),)]  # a record left out
        grids = []
        for table in tables:
            built = setting.inputs(table)
            fresh = runway_inputs(led, entity, setting.as_of, policy=policy, adjust=list(table))
            _same_inputs(built, fresh)
            grids.append(setting._shared()["grid"])
        # the builds that leave nothing out read the same balances frame: one grid
        assert all(g is grids[0] for g in grids[:-1])


def test_a_balance_grid_is_found_of_its_own_arguments() -> None:
    led = ac.load(ac.bundled_data())
    setting, _ = prepare(led, "stability-ai", "2023-10")
    cash = setting.cash
    assert isinstance(cash, pd.DataFrame)
    grid = balance_grid(cash, "stability-ai", "2023-10", 240)
    assert grid.of(cash, "stability-ai", "2023-10", 240)
    assert not grid.of(cash.copy(), "stability-ai", "2023-10", 240)  # an equal frame: not it
    assert not grid.of(cash, None, "2023-10", 240)
    assert not grid.of(cash, "stability-ai", "2023-11", 240)
    assert not grid.of(cash, "stability-ai", "2023-10", 12)
    # by hand: Stability's $4M balance of October 2023; the grid from November, 240 months on
    assert list(grid.entities) == ["stability-ai"]
    assert grid.cash[0].tolist() == [4e6]
    assert str(grid.months[0].date()) == "2023-11-01"
    assert len(grid.months) == 240
    shared: dict[str, BalanceGrid] = {}
    notes: list[str] = []
    flows = setting.flows
    one = collect_inputs(
        flows, cash, "stability-ai", "2023-10", "disbursed", None, 240, notes, shared
    )
    kept = shared["grid"]
    two = collect_inputs(
        flows, cash, "stability-ai", "2023-10", "committed", None, 12, notes, shared
    )
    assert shared["grid"] is not kept  # another horizon: found again
    _same_inputs(
        one, collect_inputs(flows, cash, "stability-ai", "2023-10", "disbursed", None, 240, notes)
    )
    _same_inputs(
        two, collect_inputs(flows, cash, "stability-ai", "2023-10", "committed", None, 12, notes)
    )


def _spend_frame(kinds: list[object], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    cats = pd.CategoricalDtype(["expenses", "revenues", *extra])
    return pd.DataFrame(
        {"kind": pd.Categorical(kinds, dtype=cats), "usd": [1.0, float("nan"), 3.0][: len(kinds)]},
        index=[4, 7, 9][: len(kinds)],
    )


def test_same_rows_reads_categories_by_name() -> None:
    a = _spend_frame(["expenses", None, "revenues"])
    assert same_rows(a, a.copy())
    # the same values under other categories (a what-if's flows add some): the same rows
    assert same_rows(a, _spend_frame(["expenses", None, "revenues"], ("adjustment",)))
    b = a.copy()
    b["kind"] = b["kind"].cat.reorder_categories(["revenues", "expenses"])
    assert same_rows(a, b)
    assert same_rows(b, a)
    assert not same_rows(a, _spend_frame(["expenses", "expenses", "revenues"]))  # missing
    assert not same_rows(a, _spend_frame(["revenues", None, "revenues"]))
    other = a.copy()
    other["kind"] = pd.Categorical(["expenses", None, "funding"])  # a category y lacks
    assert not same_rows(a, other)
    assert not same_rows(other, a)
    assert not same_rows(a, a.set_axis([4, 7, 10]))  # another row
    assert not same_rows(a, a.assign(usd=[1.0, float("nan"), 3.5]))
    assert not same_rows(a, a.assign(kind=a["kind"].astype("object")))  # another dtype
    assert not same_rows(a, a[["usd", "kind"]])
    numbers = pd.DataFrame({"k": pd.Categorical([1, 2])})
    assert not same_rows(numbers, pd.DataFrame({"k": pd.Categorical(["1", "2"])}))


def test_a_settings_round_builds_share_the_spending_extrapolated() -> None:
    led = ac.load(ac.bundled_data())
    setting, book = prepare(led, "stability-ai", "2023-10")
    setting.inputs(())
    kept = setting._shared()["spend"]
    moved = bind_scenario("x", [ac.disburse("stability-2023-intel", on="2023-10")], book)
    built = setting.inputs(moved.table)
    assert setting._shared()["spend"] is kept  # the round's money moved: the same spending
    _same_inputs(built, runway_inputs(led, "stability-ai", "2023-10", adjust=list(moved.table)))
    cut = ac.Exclude(["stability-compute-2023"])  # spending left out: found again
    _same_inputs(
        setting.inputs((cut,)), runway_inputs(led, "stability-ai", "2023-10", adjust=[cut])
    )
    assert setting._shared()["spend"] is not kept
