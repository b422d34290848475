"""A ledger's resolved frames and fact groups are found once and kept with it
(:func:`aicapex.table.conflicts.resolved`): the same rows and records set aside as
:func:`~aicapex.table.conflicts.resolve` of ``Ledger.frame`` for every kind and policy, one
policy's never given for another's, each call a frame and list of its own; ``Ledger.conflicts()``
reads the kept fact groups and lists what it listed from ``fact_groups`` of the frames.

The ledger of tests/test_exclude_conflicting.py: Acme's Series B reported as $6M (acme-b1,
src-a, 2024-02-01) and $12M (acme-b2, src-b, 2024-02-10): 'latest' keeps acme-b2, 'earliest'
acme-b1, 'all' both; Beta's cash ($14M src-a, $20M src-b) and compute ($1M/$3M a month) and
Gamma's AWS bill ($4M src-a, $6M src-b) likewise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_exclude_conflicting import LEDGER

import aicapex as ac
from aicapex.table.conflicts import fact_groups, resolve, resolved
from aicapex.table.frames import FRAME_KINDS


@pytest.fixture
def led(tmp_path: Path) -> ac.Ledger:  # a fresh ledger per test: nothing kept from another
    path = tmp_path / "acme.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


@pytest.mark.parametrize("order", [("latest", "earliest", "all"), ("all", "earliest", "latest")])
def test_resolved_frames_are_resolve_of_the_ledger_frames(
    led: ac.Ledger, order: tuple[str, ...]
) -> None:
    for policy in order:
        for kind in FRAME_KINDS:
            got, aside = resolved(led, kind, policy)  # type: ignore[arg-type]
            want, want_aside = resolve(led.frame(kind), kind, policy)  # type: ignore[arg-type]
            pd.testing.assert_frame_equal(got, want)
            assert aside == want_aside


def test_each_policy_keeps_its_own_report(led: ac.Ledger) -> None:
    ids = {
        policy: sorted(resolved(led, "funding_rounds", policy)[0]["id"].astype(object))
        for policy in ("latest", "earliest", "all")
    }
    assert ids == {
        "latest": ["acme-b2"],
        "earliest": ["acme-b1"],
        "all": ["acme-b1", "acme-b2"],
    }
    assert resolved(led, "cash_balances", "latest")[1] == ["beta-cash-a"]
    assert resolved(led, "cash_balances", "earliest")[1] == ["beta-cash-b"]
    assert resolved(led, "cash_balances", "all")[1] == []
    with pytest.raises(ValueError, match="conflict policy"):
        resolved(led, "cash_balances", "newest")  # type: ignore[arg-type]


def test_each_call_gives_a_frame_and_list_of_its_own(led: ac.Ledger) -> None:
    first, aside = resolved(led, "expenses")
    first.loc[first.index[0], "amount"] = -1.0
    first["extra"] = 1
    aside.append("changed")
    again, aside_again = resolved(led, "expenses")
    assert again is not first
    assert "extra" not in again.columns
    assert (again["amount"].fillna(0) >= 0).all()
    assert aside_again == ["beta-compute-a"]


def test_the_flows_of_the_ledger_are_those_of_its_frames(led: ac.Ledger) -> None:
    frames = {k: led.frame(k) for k in FRAME_KINDS}
    for policy in ("latest", "earliest", "all"):
        got = led.flows(conflicts=policy)  # type: ignore[arg-type]
        want = ac.flows(frames, conflicts=policy)  # type: ignore[arg-type]
        pd.testing.assert_frame_equal(got, want)
    assert set(led.flows()["record"]) >= {"acme-b2", "beta-compute-b", "gamma-aws-b"}
    assert not set(led.flows()["record"]) & {"acme-b1", "beta-compute-a", "gamma-aws-a"}
    with pytest.raises(ValueError, match="conflict policy"):
        led.flows(conflicts="newest")  # type: ignore[arg-type]


def test_conflicts_list_the_fact_groups_of_the_frames(led: ac.Ledger) -> None:
    listed = led.conflicts()
    rows = []
    offset = 0
    for kind in listed["kind"].astype(object).unique():
        groups = fact_groups(led.frame(kind), kind)
        ids = led.frame(kind)["id"].astype(object).to_numpy()
        for _, members in groups.groupby("group", sort=True):
            rows += [
                (offset + int(g), kind, ids[r])
                for g, r in zip(members["group"], members["row"], strict=True)
            ]
        offset += int(groups["group"].max()) + 1
    assert (
        list(
            zip(
                listed["group"],
                listed["kind"].astype(object),
                listed["id"].astype(object),
                strict=True,
            )
        )
        == rows
    )
    assert [sorted(g) for _, g in listed.groupby("group")["id"]] == [
        ["acme-b1", "acme-b2"],  # (the kinds in their order in records.KINDS)
        ["gamma-aws-a", "gamma-aws-b"],
        ["beta-compute-a", "beta-compute-b"],
        ["beta-cash-a", "beta-cash-b"],
    ]
