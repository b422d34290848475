"""The report's burn means (``reportcash._burn_means``: pandas' means over a frame of the
columns read, the months by hand) are what the former grouping of the whole burn frame gave:
each company's means to the bit, first and last month and count, in the same order; on the
burns of ledgers over varied ranges and on burns with months left out."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.burn import BURN_CATEGORIES, burn
from aicapex.reportcash import _burn_means

VALUES = ["gross_burn", "revenue", "net_burn", "net_burn_low", "net_burn_high"]
VALUES += list(BURN_CATEGORIES)


def _former(b: pd.DataFrame) -> list[tuple[str, list[float], tuple[str, str, int]]]:
    b = b[((b["gross_burn"] != 0) | (b["revenue"] != 0)).to_numpy()]
    grouped = b.groupby(b["entity"].astype("object"), sort=True)
    means = grouped[VALUES].mean()
    spans = grouped["month"].agg(["min", "max", "size"]).itertuples(index=False)
    return [
        (c, list(row), (first.strftime("%Y-%m"), last.strftime("%Y-%m"), int(count)))
        for c, row, (first, last, count) in zip(
            means.index, means.itertuples(index=False), spans, strict=True
        )
    ]


def _same(got: list, expected: list) -> None:
    assert len(got) == len(expected)
    for (c, row, span), (c2, row2, span2) in zip(got, expected, strict=True):
        assert (c, span) == (c2, span2)
        a, b = np.array(row, dtype=np.float64), np.array(row2, dtype=np.float64)
        assert np.array_equal(a.view(np.int64), b.view(np.int64))


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_ledgers(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    flows = ac.load(path or ac.bundled_data()).flows()
    flows = flows[flows["amount_usd"].notna().to_numpy()]
    rng = np.random.default_rng(3)
    for start, end in (("2023-01", "2023-12"), ("2022-01", "2025-12"), (None, None)):
        b = burn(flows, None, start, end).frame
        _same(_burn_means(b, VALUES), _former(b))
        thinned = b[rng.random(len(b)) < 0.6]
        _same(_burn_means(thinned, VALUES), _former(thinned))
        shuffled = b.iloc[rng.permutation(len(b))]  # companies not in runs: another summation
        _same(_burn_means(shuffled, VALUES), _former(shuffled))


# -- burn's rows: the columns it reads taken at its rows ------------------------------------

from aicapex.analysis.burn import _READS, _burn_rows, capex_flows  # noqa: E402
from aicapex.analysis.common import burn_flows  # noqa: E402
from aicapex.table.flows import concat_flows  # noqa: E402


def _former_rows(flows: pd.DataFrame, include_planned: bool) -> pd.DataFrame:
    rows = burn_flows(flows, include_planned=include_planned)
    capex_rows = capex_flows(flows)
    if not capex_rows.empty:
        rows = concat_flows([rows, capex_rows])
    return rows[[c for c in _READS if c in flows]]


@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
@pytest.mark.parametrize("include_planned", [False, True])
def test_burn_rows(path: str | None, include_planned: bool) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    flows = ac.load(path or ac.bundled_data()).flows()
    rng = np.random.default_rng(7)
    for table in (flows, flows.iloc[rng.permutation(len(flows))], flows.iloc[:0]):
        got, expected = _burn_rows(table, include_planned), _former_rows(table, include_planned)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
        assert list(got.dtypes) == list(expected.dtypes)
    if path is not None:  # GPU orders paid: the capex rows concatenated
        assert capex_flows(flows).shape[0] > 0
    b = burn(flows[flows["amount_usd"].notna().to_numpy()], None, "2023-01", "2024-12")
    assert len(b.frame) > 0
