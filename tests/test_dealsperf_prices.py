"""GPU prices built as arrays (``unitprices._part``, ``price_rows``): each part is typed as
``pd.DataFrame(columns)[keep].astype(...)`` types it, the parts joined and sorted as
``pd.concat(...).sort_values(["sku", "date", "record"], kind="stable")`` sorts them, and the
purchases' rows the reallocations read are gpu_prices' rows less the leases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.unitprices import _DTYPES, _part, gpu_prices, price_rows

CELLS = st.one_of(st.sampled_from(["H100", "B200", "a", "b"]), st.none(), st.just(np.nan))
TEXT = st.one_of(st.lists(CELLS, min_size=1, max_size=6), st.sampled_from(["x", None]))


def _kinds(values: pd.Series | np.ndarray) -> list[str]:
    """Each cell's type: None and NaN told apart."""
    return [type(v).__name__ for v in values]


def _reference(columns: dict[str, Any], keep: np.ndarray) -> pd.DataFrame:
    frame: pd.DataFrame = pd.DataFrame(columns)[keep].astype(_DTYPES)
    return frame


@given(texts=st.lists(TEXT, min_size=6, max_size=6), data=st.data())
def test_a_part_is_typed_as_its_frame(texts: list[Any], data: st.DataObject) -> None:
    n = max((len(t) for t in texts if isinstance(t, list)), default=1)
    texts = [t + ["b"] * (n - len(t)) if isinstance(t, list) else t for t in texts]
    names = [c for c, d in _DTYPES.items() if d == "object"]
    columns: dict[str, Any] = {
        c: np.array(t, dtype=object) if isinstance(t, list) else t
        for c, t in zip(names, texts, strict=True)
    }
    columns |= {c: np.arange(n, dtype="float64") for c, d in _DTYPES.items() if d == "float64"}
    columns["per_unit_hour_usd"] = np.nan
    columns["date"] = np.array(["2024-01-01"] * n, dtype="datetime64[ns]")
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    got, want = _part(columns, keep), _reference(columns, keep)
    for c in _DTYPES:
        assert got[c].dtype == want[c].dtype, c
        if got[c].dtype == object:
            assert _kinds(got[c]) == _kinds(want[c]), c
            assert [v for v in got[c] if isinstance(v, str)] == [
                v for v in want[c] if isinstance(v, str)
            ]
        else:
            np.testing.assert_array_equal(got[c], want[c].to_numpy())


LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 1000, total: $40M, order_date: 2024-01,
   sources: [s]}
- {id: o2, buyer: a, vendor: v, sku: H100, quantity: 2000, unit_price: '$30,000',
   order_date: 2024-02, sources: [s]}
- {id: o3, buyer: a, vendor: v, sku: B200, quantity: '10 to 12', total: $1M,
   order_date: 2024-01, sources: [s]}
- {id: o4, buyer: a, vendor: v, sku: B200, quantity: 30, total: more than $2M,
   order_date: 2023-06, sources: [s]}
"""


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path = tmp_path_factory.mktemp("prices") / "ledger.yaml"
    path.write_text(LEDGER.lstrip("\n"), encoding="utf-8")
    return ac.load(path).frame("gpu_orders")


@given(
    order=st.permutations(range(4)),
    skus=st.lists(st.sampled_from(["H100", "B200", None]), min_size=4, max_size=4),
    days=st.lists(st.sampled_from(["2024-01-01", "2023-06-01", None]), min_size=4, max_size=4),
)
def test_prices_sort_as_pandas_sorts_them(
    orders: pd.DataFrame, order: list[int], skus: list[str | None], days: list[str | None]
) -> None:
    """Orders of SKUs and dates alike, missing or not, in any order: the rows joined and sorted
    as arrays are in the order pandas sorts them (missing values last)."""
    frame = orders.iloc[order].reset_index(drop=True)
    frame["sku"] = pd.Series(skus, dtype=object)
    frame["order_date_start"] = pd.to_datetime(pd.Series(days, dtype=object))
    got = gpu_prices({"gpu_orders": frame}).frame
    shuffled = got.sample(frac=1, random_state=1)
    want = shuffled.sort_values(["sku", "date", "record"], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(got, want)
    assert sorted(got["record"]) == ["o1", "o2", "o3", "o4"]
    rows, _ = price_rows({"gpu_orders": frame}, ("committed", "delivered"), "latest")
    assert rows["record"].tolist() == got["record"].tolist()


def test_purchases_are_the_prices_less_leases() -> None:
    ledger = ac.load(ac.bundled_data())
    every = gpu_prices(ledger).frame
    rows, warnings = price_rows(ledger, ("committed", "delivered"), "latest", leases=False)
    bought = every[(every["basis"] != "lease").to_numpy()].reset_index(drop=True)
    assert not warnings
    assert list(rows) == list(every.columns)
    for c in every.columns:
        assert _kinds(rows[c]) == _kinds(bought[c]) if rows[c].dtype == object else True
        pd.testing.assert_series_equal(
            pd.Series(rows[c], name=c, dtype=rows[c].dtype), bought[c], check_exact=True
        )
