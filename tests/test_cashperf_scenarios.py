"""Quick routes of the scenarios give what the frames' routes gave: ``book._streams_of`` (the
streams an entity has counted expenses or revenues in) is what ``burn_flows`` and its rows of
the entity said, on ledgers' flows and on varied flows (planned rows, missing kinds, bases,
entities and categories, a flows table of text columns)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.common import burn_flows
from aicapex.analysis.runrate import REVENUE, STREAMS
from aicapex.scenarios.book import _streams_of


def _reference(flows: pd.DataFrame, entity: str) -> list[str]:
    spend = burn_flows(flows)
    mine = spend[(spend["entity"].astype("object") == entity).to_numpy()]
    found = set(mine["category"].astype("object"))
    if (mine["kind"] == "revenues").any():
        found.add(REVENUE)
    return [s for s in STREAMS if s in found]


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_ledgers(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    flows = led.flows()
    for entity in [*sorted(e.id for e in led.records("entities")), "nobody"]:
        assert _streams_of(flows, entity) == _reference(flows, entity)


@pytest.mark.parametrize("seed", range(30))
def test_varied_flows(seed: int) -> None:
    rng = np.random.default_rng(seed)
    flows = ac.load(ac.bundled_data()).flows()
    n = len(flows)

    def shuffled(column: str, missing: float) -> pd.Series:
        values = flows[column].astype("object").to_numpy()[rng.integers(0, n, n)]
        values[rng.random(n) < missing] = None
        return pd.Series(pd.Categorical(values))

    varied = flows.assign(
        kind=shuffled("kind", 0.05),
        basis=shuffled("basis", 0.1),
        entity=shuffled("entity", 0.05),
        category=shuffled("category", 0.1),
    )
    entities = sorted({str(e) for e in varied["entity"].dropna()})
    for table in (varied, varied.astype({"category": "object", "entity": "object"})):
        for entity in [*entities, "nobody"]:
            assert _streams_of(table, entity) == _reference(table, entity)


# -- plan_of: a round's fields and its tranches read at their positions ----------------------

from aicapex.errors import suggest  # noqa: E402
from aicapex.scenarios.book import AdjustmentError, Book  # noqa: E402
from aicapex.scenarios.context import prepare  # noqa: E402
from aicapex.scenarios.rounds import _LIVE, _RECEIVED, Piece, Plan, plan_of  # noqa: E402
from aicapex.table.flows import resolve  # noqa: E402


# plan_of as it read the round's row and a frame of its tranches (the reference)
def _reference_plan(book: Book, round_id: str, name: str = "round") -> Plan:
    """The pieces of ``round_id`` as the records give them (checked: a funding round of the
    scenario's entity, among those the flows use)."""
    rounds = book.frame("funding_rounds")
    tranches = book.frame("tranches")
    if rounds is None or tranches is None:
        raise AdjustmentError(
            f"{name}: expected a ledger or record frames to move tranches in, got a flows table",
            name,
        )
    rounds = resolve(rounds, "funding_rounds", book.conflicts)
    ids = rounds["id"].astype("object")
    found = rounds[(ids == round_id).to_numpy()]
    if found.empty:
        if book.entity is None:  # a sweep of every entity: any entity's round
            own = sorted(ids)
            whose = "a funding round"
        else:
            own = sorted(ids[(rounds["company"].astype("object") == book.entity).to_numpy()])
            whose = f"a funding round of {book.entity} ({', '.join(own) or 'none'})"
        raise AdjustmentError(
            f"{name}: expected {whose}{suggest(round_id, own or sorted(ids))}, got {round_id!r}",
            name,
            "unknown-reference",
        )
    row = found.iloc[0]
    entity = str(row["company"]) if book.entity is None else book.entity
    if str(row["company"]) != entity:
        raise AdjustmentError(
            f"{name}: expected a round of {book.entity}, got {round_id!r} (of {row['company']})",
            name,
            "unknown-reference",
        )
    status = str(row["status"])
    live = status in _LIVE
    round_day = pd.Timestamp(row["date_end"]).date().isoformat()
    mine = tranches[(tranches["round"].astype("object") == round_id).to_numpy()]
    pieces = []
    usd = mine["amount_usd"].to_numpy("float64")
    lows = mine.get("amount_low_usd", mine["amount_usd"]).to_numpy("float64")
    highs = mine.get("amount_high_usd", mine["amount_usd"]).to_numpy("float64")
    days = mine["date_end"].to_numpy("datetime64[D]")
    statuses = mine["status"].astype("object").to_numpy()
    for i in range(len(mine)):
        has_date = not np.isnat(days[i])
        its = str(statuses[i])  # the tranche's (the round's status stays the round's)
        pieces.append(
            Piece(
                i,
                float(usd[i]),
                float(lows[i]),
                float(highs[i]),
                its if live else "none",
                str(days[i]) if has_date else round_day,
                dated=has_date and its == _RECEIVED,
            )
        )
    total = float(row["amount_usd"]) if not pd.isna(row["amount_usd"]) else 0.0
    # the rest as the flows count it (table/funding): the round's amount less its tranches in
    # the round's currency, at the round's rate (a tranche of €4M at another date's rate is
    # not the rest's: at the tranches' own rates the rest was $2M short, or over)
    amount = float(row["amount"]) if "amount" in row and not pd.isna(row["amount"]) else 0.0
    rate = total / amount if amount and total else None
    if rate is not None and "amount" in mine:
        rest = total - float(np.nansum(mine["amount"].to_numpy("float64"))) * rate
    else:
        rest = total - sum(p.usd for p in pieces)
    if rest > 0.005:
        ceiling = str(row.get("amount_kind", "exact")) == "ceiling"
        rest_status = (
            "none"
            if not live
            else "conditional"
            if ceiling
            else "disbursed"
            if status == "closed"
            else "committed"
        )
        # the rest's ends: the round's ends less the tranches, as the flows count them
        tranched = total - rest
        low = max(float(row.get("amount_low_usd", total)) - tranched, 0.0)
        high = max(float(row.get("amount_high_usd", total)) - tranched, 0.0)
        pieces.append(
            Piece(
                None,
                rest,
                low,
                high,
                rest_status,
                round_day,
                dated=rest_status == _RECEIVED,
            )
        )
    if not pieces:
        raise AdjustmentError(f"{name}: expected a round with an amount, got {round_id!r}", name)
    return Plan(round_id, entity, tuple(pieces))


def _books(led: ac.Ledger) -> list[Book]:
    books = []
    for entity in sorted({str(c) for c in led.frame("funding_rounds")["company"].dropna()}):
        try:
            books.append(prepare(led, entity, "2030-01")[1])
        except (KeyError, ValueError):
            continue
    return books


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_plan_of(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    rounds = sorted(led.frame("funding_rounds")["id"].astype("object"))
    compared = 0
    for book in _books(led)[:6]:
        for round_id in [*rounds[:40], "no-such-round"]:
            try:
                expected: object = repr(_reference_plan(book, round_id))
            except AdjustmentError as exc:
                expected = ("error", str(exc), exc.field, exc.code)
            try:
                got: object = repr(plan_of(book, round_id))
            except AdjustmentError as exc:
                got = ("error", str(exc), exc.field, exc.code)
            assert got == expected
            compared += isinstance(got, str)
    assert compared > 0


# -- RoundRows.flows: the other rows as a piece of columns, not a frame ---------------------

from dataclasses import replace as _replace  # noqa: E402

from aicapex.scenarios.rounds import RoundRows, _equal  # noqa: E402
from aicapex.table.adjust import ADJUSTMENT_KIND  # noqa: E402
from aicapex.table.flowrows import concat_flows, flow_rows  # noqa: E402


def _former_flows(rows: RoundRows, flows: pd.DataFrame) -> pd.DataFrame:
    """RoundRows.flows as it was: a frame of the other rows, concatenated with the plan's."""
    plan = rows.plan
    mine = (
        _equal(flows["record"], plan.round)
        & _equal(flows["entity"], plan.entity)
        & _equal(flows["kind"], "funding_rounds")
        & (flows["direction"] > 0).to_numpy()
    )
    shown = [p for p in plan.pieces if p.status in ("disbursed", "committed", "conditional")]
    if not shown:
        return flows[~mine]
    usd = np.array([p.usd for p in shown])
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(usd > 0, np.array([p.low for p in shown]) / usd, 1.0)
        high = np.where(usd > 0, np.array([p.high for p in shown]) / usd, 1.0)
    moved = np.array([p.moved and p.status == "disbursed" for p in shown])
    new = flow_rows(
        date=np.array([p.day for p in shown], dtype="datetime64[D]"),
        entity=plan.entity,
        direction=1,
        payer=np.array([None] * len(shown), dtype=object),
        payee=plan.entity,
        cents=np.rint(usd * 100).astype(np.int64),
        currency="USD",
        rate_usd=np.ones(len(shown)),
        ends=(low, high),
        category=np.where(moved, "tranches", "funding").astype(object),
        status=np.array([p.status for p in shown], dtype=object),
        basis="actual",
        kind="funding_rounds",
        record=plan.round,
        source=np.array([None] * len(shown), dtype=object),
    )
    new["kind"] = pd.Categorical(np.where(moved, ADJUSTMENT_KIND, "funding_rounds"))
    return concat_flows([flows[~mine], new])


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_round_rows(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    flows = led.flows()
    rounds = sorted(led.frame("funding_rounds")["id"].astype("object"))
    done = 0
    for book in _books(led)[:4]:
        for round_id in rounds[:25]:
            try:
                plan = plan_of(book, round_id)
            except AdjustmentError:
                continue
            moved = tuple(
                _replace(p, status="disbursed", moved=True, day="2023-10-31") if i == 0 else p
                for i, p in enumerate(plan.pieces)
            )
            for each in (plan, _replace(plan, pieces=moved)):
                rows = RoundRows(each)
                got = rows.flows(flows)
                pd.testing.assert_frame_equal(got, _former_flows(rows, flows), check_exact=True)
                assert list(got.dtypes) == list(_former_flows(rows, flows).dtypes)
                done += 1
    assert done > 0
