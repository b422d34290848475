"""The flows' pieces are their columns by name (:func:`aicapex.table.flowrows.flow_columns`),
not frames: the flows' compilation (``_finish``) and :func:`~aicapex.table.flowrows.
concat_flows` take them as they take frames, and give what they give of the frames of the
same columns (what ``flow_rows`` made of each piece before), on the bundled ledger, a generated
one and a ledger of conflicting reports, under each conflict policy; pieces without rows are
skipped, the funding's mirror rows (the investors' side) are the company rows of named payers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_exclude_conflicting import LEDGER

import aicapex as ac
from aicapex.table import flows as F
from aicapex.table.conflicts import resolved
from aicapex.table.contractrows import contract_pieces
from aicapex.table.flowrows import FLOW_COLUMNS, concat_flows, flow_columns, flow_rows, piece_rows
from aicapex.table.funding import UNDISCLOSED, funding_pieces
from aicapex.table.orderrows import order_pieces
from aicapex.table.stakeflows import stake_pieces

ROOT = Path(__file__).resolve().parents[1]


def _pieces(led: ac.Ledger, policy: str) -> list[object]:
    g = {k: resolved(led, k, policy)[0] for k in F.FLOW_KINDS}  # type: ignore[arg-type]
    out: list[object] = [F._flows_of_flowkind(g[k], k) for k in ("expenses", "revenues")]
    out += funding_pieces(g["funding_rounds"], g["tranches"], g["investments"])
    payments = g["payments"]  # (of the bills kept, as the flows' compilation takes them)
    payments = payments[payments["bill"].isin(set(g["cloud_bills"]["id"])).to_numpy()]
    out += F._bills(g["cloud_bills"], payments)
    out += contract_pieces(g["compute_contracts"], g["ramps"])
    out += order_pieces(g["gpu_orders"], g["deliveries"], g["order_payments"])
    out += stake_pieces(g["stakes"])
    return out


def _framed(piece: object) -> pd.DataFrame:
    """A piece as flow_rows made it: a frame of its columns."""
    return piece if isinstance(piece, pd.DataFrame) else pd.DataFrame(piece, copy=False)


@pytest.fixture(scope="module")
def conflicting(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path = tmp_path_factory.mktemp("pieces") / "acme.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


@pytest.mark.parametrize("which", ["bundled", "conflicting", "generated"])
@pytest.mark.parametrize("policy", ["latest", "earliest", "all"])
def test_pieces_as_columns_make_the_flows_of_pieces_as_frames(
    which: str, policy: str, conflicting: ac.Ledger
) -> None:
    if which == "bundled":
        led = ac.load(ROOT / "data")
    elif which == "conflicting":
        led = conflicting
    else:
        path = ROOT / "benchmarks" / ".data" / "ledger-400-all.yaml"
        if not path.exists():
            pytest.skip("no generated ledger here (benchmarks/gen_ledger.py makes it)")
        led = ac.load(path)
    pieces = _pieces(led, policy)
    assert any(isinstance(p, dict) for p in pieces)
    frames = [_framed(p) for p in pieces]
    for piece, frame in zip(pieces, frames, strict=True):
        assert piece_rows(piece) == len(frame)
        assert list(frame.columns) == list(FLOW_COLUMNS)
    pd.testing.assert_frame_equal(F._finish(pieces), F._finish(frames))  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(concat_flows(pieces), concat_flows(frames))  # type: ignore[arg-type]
    got = F._finish(pieces)  # type: ignore[arg-type]
    want = led.flows(conflicts=policy)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(F.at_their_dates(got, led), want)


def test_flow_rows_is_the_frame_of_flow_columns() -> None:
    kw = {
        "date": np.array(["2024-01-15", "2024-03-01"], dtype="datetime64[D]"),
        "entity": np.array(["acme", "beta"], dtype=object),
        "direction": -1,
        "payer": np.array(["acme", "beta"], dtype=object),
        "payee": "aws",
        "cents": np.array([12_345, 100], dtype=np.int64),
        "currency": "USD",
        "rate_usd": np.array([1.0, 1.0]),
        "category": "compute",
        "status": np.array(["paid", None], dtype=object),
        "basis": "actual",
        "kind": "cloud_bills",
        "record": np.array(["b1", "b2"], dtype=object),
        "source": np.array(["s1", None], dtype=object),
        "ends": (np.array([0.9, 1.0]), np.array([1.1, 1.0])),
    }
    columns = flow_columns(**kw)  # type: ignore[arg-type]
    rows = flow_rows(**kw)  # type: ignore[arg-type]
    assert list(columns) == list(FLOW_COLUMNS)
    pd.testing.assert_frame_equal(rows, pd.DataFrame(columns))
    assert rows["amount"].tolist() == [123.45, 1.0]
    assert rows["low_usd"].tolist() == pytest.approx([111.105, 1.0])


def test_pieces_without_rows_are_skipped(conflicting: ac.Ledger) -> None:
    pieces = _pieces(conflicting, "latest")
    empty = {name: column[:0] for name, column in flow_columns(
        date=np.array([], dtype="datetime64[D]"), entity="a", direction=1, payer="a",
        payee="b", cents=np.array([], dtype=np.int64), currency="USD",
        rate_usd=np.array([]), category="other", status="paid", basis="actual",
        kind="expenses", record=np.array([], dtype=object), source="s",
    ).items()}  # fmt: skip
    assert piece_rows(empty) == 0
    with_empty = [empty, *pieces, empty]
    pd.testing.assert_frame_equal(F._finish(with_empty), F._finish(pieces))  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(concat_flows([empty]), concat_flows([]))


def test_the_investors_rows_mirror_the_named_payers(conflicting: ac.Ledger) -> None:
    rounds = resolved(conflicting, "funding_rounds", "all")[0]
    company, *mirror = funding_pieces(
        rounds, conflicting.frame("tranches"), conflicting.frame("investments")
    )
    # no investor named in the ledger: the payers are undisclosed, no mirror rows
    assert set(pd.Series(company["payer"]).astype(object)) == {UNDISCLOSED}
    assert mirror == []
    assert piece_rows(company) == 2  # acme-b1 and acme-b2, both kept under 'all'
