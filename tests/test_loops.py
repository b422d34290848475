"""Money that goes round: loops (maximum circulation), round trips and related parties.

Expected figures come from the records written in each test or the bundled ledger (seed 002:
Nvidia's up-to-$100B investment in OpenAI, which buys Nvidia systems)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis import circulation
from aicapex.analysis.circulation import solve_circulation

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
- {id: p, name: Person, type: person}
"""


def _expense(rid: str, payer: str, payee: str, amount: str, date: str = "2024-03-01") -> str:
    return (
        f"- {{id: {rid}, company: {payer}, counterparty: {payee}, amount: {amount}, "
        f"date: {date}, category: other, sources: [s]}}\n"
    )


def _round(rid: str, company: str, investor: str, amount: str, date: str = "2024-02") -> str:
    return (
        f"- {{id: {rid}, company: {company}, date: {date}, amount: {amount}, "
        f"investors: [{{investor: {investor}}}], sources: [s]}}\n"
    )


def test_a_vendor_that_funds_its_customer(ledger_text: LedgerText) -> None:
    body = "funding_rounds:\n" + _round("inv", "a", "v", "$20M")
    body += "expenses:\n" + _expense("buy", "a", "v", "$50M") + _expense("buy-c", "c", "v", "$30M")
    led = ac.load(ledger_text(HEAD + body))
    invested = float(led["inv"].amount.amount)  # type: ignore[attr-defined]
    bought = float(led["buy"].amount.amount)  # type: ignore[attr-defined]
    other = float(led["buy-c"].amount.amount)  # type: ignore[attr-defined]
    rt = ac.round_trip(led, "v").frame
    year = rt[(rt["window"] == "2024") & (rt["basis"] == "disbursed")].set_index("customer")
    assert year.loc["a", "share"] == pytest.approx(invested / bought)  # 40%
    assert year.loc["c", "share"] == 0.0
    assert year.loc["(all)", "share"] == pytest.approx(invested / (bought + other))
    # the loop v > a > v: the smaller leg went round
    loops = ac.cycles(led).frame
    row = loops[loops["path"] == "a > v > a"].iloc[0]
    assert row["amount_usd"] == pytest.approx(invested)
    assert row["circulation_usd"] == pytest.approx(2 * invested)
    assert row["smallest_leg"] == "v > a"
    assert "investment" in row["leg_kinds"]


def test_three_entities_round_by_the_smallest_leg(ledger_text: LedgerText) -> None:
    body = "expenses:\n" + _expense("ab", "a", "b", "$30M") + _expense("bc", "b", "c", "$50M")
    body += _expense("ca", "c", "a", "$40M") + _expense("ba", "b", "a", "$5M")
    led = ac.load(ledger_text(HEAD + body))
    legs = {r.id: float(r.amount.amount) for r in led.of_type(ac.Expense)}  # type: ignore[union-attr]
    result = ac.cycles(led)
    loops = result.frame.set_index("path")
    assert loops.loc["a > b > c > a", "amount_usd"] == pytest.approx(
        min(legs["ab"], legs["bc"], legs["ca"])
    )
    assert loops.loc["a > b > a", "amount_usd"] == pytest.approx(legs["ba"])
    # the maximum circulation: the 3-cycle at its smallest leg, and what is left of a>b and b>a
    # can't add more (a > b is used up); solved by network simplex on exact cents
    big = min(legs["ab"], legs["bc"], legs["ca"])
    component = result.components.iloc[0]
    assert component["circulation_usd"] == pytest.approx(3 * big)
    assert component["solver"] == "network simplex"
    assert ac.cycles(led, "c").frame["path"].tolist() == ["a > b > c > a"]


def test_windows_and_bases_apart(ledger_text: LedgerText) -> None:
    body = "funding_rounds:\n" + _round("inv", "a", "v", "$20M", date="2023-06")
    body += "expenses:\n" + _expense("buy", "a", "v", "$50M")
    led = ac.load(ledger_text(HEAD + body))
    assert ac.cycles(led).frame.empty  # 2023 and 2024: no window holds both legs
    assert len(ac.cycles(led, window="all").frame) == 1
    committed = HEAD + "funding_rounds:\n" + _round("inv", "a", "v", "$20M")
    committed = committed.replace("sources: [s]}\n", "status: committed, sources: [s]}\n", 1)
    committed += "expenses:\n" + _expense("buy", "a", "v", "$50M")
    assert ac.cycles(ac.load(ledger_text(committed))).frame.empty  # committed vs disbursed


def test_undisclosed_money_is_never_part_of_a_loop(ledger_text: LedgerText) -> None:
    body = "funding_rounds:\n- {id: r, company: a, date: 2024-02, amount: $20M, sources: [s]}\n"
    body += "expenses:\n" + _expense("buy", "a", "v", "$50M")
    led = ac.load(ledger_text(HEAD + body))
    assert set(led.flows()["payer"].dropna()) >= {"undisclosed"}
    assert ac.cycles(led).frame.empty
    assert "undisclosed" not in ac.flow_graph(led)


def test_the_bundled_circular_investment(bundled: ac.Ledger) -> None:
    investment = bundled["nvidia-openai-2025-09"]
    purchase = bundled["openai-nvidia-systems-2025"]
    assert investment.amount.kind == purchase.total_value.kind == "ceiling"  # type: ignore[attr-defined]
    loops = ac.cycles(bundled, "openai").frame
    row = loops[loops["path"] == "nvidia > openai > nvidia"].iloc[0]
    assert row["basis"] == "announced"
    assert row["amount_usd"] == pytest.approx(
        min(float(investment.amount.amount), float(purchase.total_value.amount))  # type: ignore[attr-defined]
    )
    rt = ac.round_trip(bundled, "nvidia").frame
    share = rt[(rt["customer"] == "openai") & (rt["window"] == "2025")]["share"]
    assert share.tolist() == [1.0]
    g = ac.flow_graph(bundled)
    assert g.has_edge("nvidia", "openai")
    assert g.nodes["nvidia"]["type"] == "chip_vendor"


def test_related_parties_under_common_control(bundled: ac.Ledger, ledger_text: LedgerText) -> None:
    rp = ac.related_parties(bundled, "xai").frame
    row = rp[rp["record"] == "xai-x-data-centres"].iloc[0]
    controllers = set(bundled["xai"].controlled_by) & set(bundled["x-corp"].controlled_by)  # type: ignore[attr-defined]
    assert set(row["controllers"].split(",")) == controllers
    body = HEAD.replace(
        "{id: b, name: B, type: company}", "{id: b, name: B, type: company, controlled_by: [p]}"
    )
    body = body.replace(
        "{id: c, name: C, type: company}", "{id: c, name: C, type: company, controlled_by: [b]}"
    )
    body += "expenses:\n" + _expense("bc", "b", "c", "$1M") + _expense("ab", "a", "b", "$1M")
    rp = ac.related_parties(ac.load(ledger_text(body))).frame
    assert rp["record"].tolist() == ["bc"]  # b controls c; a is no one's
    assert rp["controllers"].tolist() == ["b,p"]  # b controls c, and p both (through b)


@pytest.mark.parametrize(
    ("share", "related"), [("25%", True), ("20%", True), ("19.9%", False), ("60%", True)]
)
def test_related_parties_through_significant_influence(
    ledger_text: LedgerText, share: str, related: bool
) -> None:
    """p controls b and holds ``share`` of a: a and b are related from 20% (IAS 24.9(b)(vii));
    above 50% p controls a too (common control)."""
    body = HEAD.replace(
        "{id: b, name: B, type: company}", "{id: b, name: B, type: company, controlled_by: [p]}"
    )
    body += "expenses:\n" + _expense("ab", "a", "b", "$1M") + _expense("ac", "a", "c", "$2M")
    body += (
        "stakes:\n"
        f"- {{id: pa, holder: p, company: a, date: 2024-01, event: holding, share: '{share}', "
        "sources: [s]}\n"
    )
    rp = ac.related_parties(ac.load(ledger_text(body)))
    assert rp.frame["record"].tolist() == (["ab"] if related else [])  # c is no one's
    if related:
        assert rp.frame["controllers"].tolist() == ["p"]
        how = rp.frame["how"].iloc[0]
        assert ("significant influence" in how) == (share != "60%")
    influencers = rp.control[rp.control["how"] == "significant influence"]
    assert influencers[["controller", "controlled"]].values.tolist() == (
        [["p", "a"]] if related and share != "60%" else []
    )


def test_tesla_and_x_are_related_through_musk(bundled: ac.Ledger) -> None:
    """Musk controls X and holds 20.5% of Tesla: the H100 moves between them are related."""
    rp = ac.related_parties(bundled, "tesla")
    moves = rp.frame[rp.frame["kind"] == "reallocation"]
    assert len(moves) >= 1
    assert set(moves["controllers"]) == {"elon-musk"}
    assert {"tesla", "x-corp"} == set(moves["from_entity"]) | set(moves["to_entity"])


# --- the solvers -------------------------------------------------------------------------------


def _random_edges(seed: int, nodes: int, edges: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    u = rng.integers(0, nodes, edges)
    v = rng.integers(0, nodes, edges)
    keep = u != v
    frame = pd.DataFrame({"u": u[keep], "v": v[keep]}).drop_duplicates(ignore_index=True)
    frame["capacity_usd"] = np.round(rng.uniform(1, 1000, len(frame)), 2)
    frame["group"] = 0
    frame["component"] = circulation.components_of(frame, nodes)
    return frame[frame["component"] >= 0].reset_index(drop=True)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("large", ["highs", "min-cost flow"])
def test_large_solvers_and_network_simplex_agree(
    seed: int, large: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if large == "min-cost flow":
        pytest.importorskip("ortools", reason="OR-tools (aicapex[solvers]) is not installed")
    edges = _random_edges(seed, 12, 40)
    simplex, how = solve_circulation(edges)
    assert set(how) <= {"network simplex", "closed form"}
    monkeypatch.setattr(circulation, "SMALL", 2)
    monkeypatch.setattr(circulation, "large_solver", lambda: large)
    solved, how = solve_circulation(edges)
    assert set(how) <= {large, "closed form"}
    # both exact in cents but HiGHS, within its tolerance
    assert solved.sum() == pytest.approx(simplex.sum(), rel=1e-6 if large == "highs" else 1e-12)
    # a circulation: what enters each node leaves it, within capacities
    net = np.zeros(12)
    np.add.at(net, edges["u"], -solved)
    np.add.at(net, edges["v"], solved)
    assert np.abs(net).max() < 1e-6 * solved.sum() + 1e-6
    assert (solved <= edges["capacity_usd"].to_numpy() + 1e-6).all()
    # and the optimum: the negative of networkx's min-cost circulation with cost -1 per dollar
    g = nx.DiGraph()
    for a, b, c in zip(edges["u"], edges["v"], edges["capacity_usd"], strict=True):
        g.add_edge(int(a), int(b), capacity=round(c * 100), weight=-1)
    cost, _ = nx.network_simplex(g)
    assert simplex.sum() == pytest.approx(-cost / 100)


@st.composite
def trade(draw: st.DrawFn) -> str:
    lines = ["funding_rounds:"]
    for i in range(draw(st.integers(1, 4))):
        company, investor = draw(
            st.lists(st.sampled_from("abcv"), min_size=2, max_size=2, unique=True)
        )
        amount = draw(st.integers(1, 100))
        lines.append(
            _round(
                f"r{i}",
                company,
                investor,
                f"${amount}M",
                date=f"2024-{draw(st.integers(1, 12)):02d}",
            ).rstrip()
        )
    lines.append("expenses:")
    for i in range(draw(st.integers(1, 6))):
        payer, payee = draw(st.lists(st.sampled_from("abcv"), min_size=2, max_size=2, unique=True))
        amount = draw(st.integers(1, 100))
        lines.append(
            _expense(
                f"e{i}", payer, payee, f"${amount}M", f"2024-{draw(st.integers(1, 12)):02d}-01"
            ).rstrip()
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=15, deadline=None)
@given(trade())
def test_round_trip_shares_lie_between_0_and_1(
    tmp_path_factory: pytest.TempPathFactory, body: str
) -> None:
    path = tmp_path_factory.mktemp("trade") / "ledger.yaml"
    path.write_text(textwrap.dedent(HEAD).lstrip("\n") + body, encoding="utf-8")
    led = ac.load(path)
    rt = ac.round_trip(led).frame
    shares = rt["share"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    assert (rt["funded_usd"] <= rt["purchases_usd"] + 1e-6).all()
    loops = ac.cycles(led)
    components = loops.components
    assert (components["circulation_usd"] <= components["capacity_usd"] + 1e-6).all()
    assert ((loops.frame["amount_usd"] > 0) | ~loops.frame["enumerated"]).all()


@pytest.mark.parametrize("seed", range(3))
def test_components_agree_small_and_large(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """networkx (small graphs) and scipy (large ones) find the same strong components."""
    frame = _random_edges(seed, 30, 60)
    small = circulation.components_of(frame, 30)
    monkeypatch.setattr(circulation, "SMALL_GRAPH", 0)
    large = circulation.components_of(frame, 30)
    np.testing.assert_array_equal(small, large)
