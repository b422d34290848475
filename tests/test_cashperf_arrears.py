"""The arrears' quick route (:func:`aicapex.analysis.arrears._plain_bills`, bills grouped in
Python) gives the frame and records of the pandas route (``_bills_frame``) exactly: values to
the bit (signed zeros too), dtypes, index and the records' Index, on ledgers' flows and on
random bills (payments, other currencies, missing ids, payers and providers, ties, figures
of every size)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.arrears import _bills_frame, _plain_bills, arrears
from aicapex.analysis.common import day_of

STORAGES = ["python", "pyarrow"]


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert list(a.dtypes) == list(b.dtypes)
    for c in a.columns:
        x, y = a[c].to_numpy(), b[c].to_numpy()
        if x.dtype == np.float64:
            assert np.array_equal(x.view(np.int64), y.view(np.int64)), c  # -0.0, NaN alike


def _both(rows: pd.DataFrame, as_of: object, entity: str | None = None) -> bool:
    """Compare the two routes; whether the quick one answered."""
    if isinstance(as_of, dict):
        ends, end = {k: day_of(v, end=True) for k, v in as_of.items()}, None
    else:
        ends, end = None, day_of(as_of, end=True)
    try:
        slow = _bills_frame(rows, ends, end, entity)
    except ValueError as exc:
        said = str(exc)
        with pytest.raises(ValueError, match="needs US-dollar amounts") as quick_exc:
            _plain_bills(rows, ends, end, entity)
        assert str(quick_exc.value) == said
        return True
    quick = _plain_bills(rows, ends, end, entity)
    if quick is None:
        return False
    _same(quick[0], slow[0])
    pd.testing.assert_index_equal(quick[1], slow[1], exact=True)
    assert quick[1].name == slow[1].name
    return True


def _bills(flows: pd.DataFrame) -> pd.DataFrame:
    return flows[(flows["kind"] == "cloud_bills").to_numpy()]


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize(
    "path", [None, "/tmp/gl/ledger-400-all.yaml", "/tmp/gl/ledger-2000-all.yaml"]
)
def test_ledgers(storage: str, path: str | None) -> None:
    import os

    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    with pd.option_context("mode.string_storage", storage):
        led = ac.load(path or ac.bundled_data())
        rows = _bills(led.flows())
        payers = sorted({str(p) for p in rows["payer"].dropna()})
        answered = 0
        for when in ["2019-01", "2023-06", "2023-10-31", "2024-03", "2025-12", "2030"]:
            answered += _both(rows, when)
            answered += _both(rows, dict.fromkeys(payers, when))
            for p in payers[:3]:
                answered += _both(rows, when, p)
        if len(rows):
            assert answered > 0
        # arrears itself: the quick route's answer
        a = arrears(led, as_of="2024-06")
        b = _bills_frame(rows, None, day_of("2024-06", end=True), None)
        _same(a.frame, b[0])


def _random_rows(rng: np.random.Generator, n: int) -> pd.DataFrame:
    ids = [f"bill-{i}" for i in rng.permutation(max(1, n // 2))]
    who = ["acme", "beta", "zeta"]
    clouds = ["aws", "gcp", "azure"]
    record = [ids[i] for i in rng.integers(0, len(ids), n)]
    payer = [who[i] for i in rng.integers(0, 3, n)]
    payee = [clouds[i] for i in rng.integers(0, 3, n)]
    for column, p in ((record, 0.05), (payer, 0.05), (payee, 0.1)):
        for i in np.flatnonzero(rng.random(n) < p):
            column[i] = None  # type: ignore[call-overload]
    scale = 10.0 ** rng.integers(-3, 17, n)
    amount = np.round(rng.random(n) * scale, int(rng.integers(0, 3)))
    amount[rng.random(n) < 0.05] = 0.0
    amount[rng.random(n) < 0.03] = -0.0
    rate = np.where(rng.random(n) < 0.3, rng.random(n) * 2, 1.0)
    usd = amount * rate
    low = np.where(rng.random(n) < 0.4, usd * 0.9, np.nan)
    high = np.where(rng.random(n) < 0.4, usd * 1.1, np.nan)
    status = np.array(["billed", "paid", "unpaid"])[rng.integers(0, 3, n)]
    days = np.datetime64("2023-01-01") + rng.integers(0, 700, n).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "payer": pd.Categorical(payer, categories=["acme", "beta", "zeta", "other"]),
            "payee": pd.Categorical(payee),
            "date": days.astype("datetime64[ns]"),
            "status": pd.Categorical(status),
            "amount": amount,
            "currency": pd.Categorical(["USD"] * n),
            "amount_usd": usd,
            "low_usd": low,
            "high_usd": high,
            "record": pd.array(record, dtype="str"),
        },
        index=pd.RangeIndex(100, 100 + n),
    )


@pytest.mark.parametrize("storage", STORAGES)
@pytest.mark.parametrize("seed", range(40))
def test_random_bills(storage: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    with pd.option_context("mode.string_storage", storage):
        rows = _random_rows(rng, int(rng.integers(0, 60)))
        if seed % 5 == 0:  # sorted by id: pandas sums by segments then
            rows = rows.sort_values("record", kind="stable")
        answered = 0
        for when in ["2023-01", "2023-09-15", "2024-06", "2026"]:
            answered += _both(rows, when)
            answered += _both(rows, {"acme": when, "beta": "2024-01"})
            answered += _both(rows, when, "beta")
        if seed % 7 == 3:  # a bill without an exchange rate: the same error
            broken = rows.copy()
            broken.loc[broken.index[:1], "amount_usd"] = np.nan
            _both(broken, "2026")
        assert answered >= 0


def test_other_tables_take_the_pandas_route() -> None:
    rows = _random_rows(np.random.default_rng(1), 20)
    end = day_of("2026", end=True)
    odd = rows.assign(payer=rows["payer"].astype("object").where(rows["payer"].notna(), 3))
    assert _plain_bills(odd, None, end, None) is None
    assert (
        _plain_bills(rows.assign(date=rows["date"].dt.tz_localize("UTC")), None, end, None) is None
    )
    assert _plain_bills(rows, {1: end}, None, None) is None  # type: ignore[dict-item]
    assert _plain_bills(rows.set_axis([0] * len(rows)), None, end, None) is None


# -- pay_arrears: the three figures summed by payer in one grouping -------------------------

from aicapex.analysis.arrears import _owed_by_payer  # noqa: E402


def _former_owed(owed_table: pd.DataFrame, entities: pd.Index) -> np.ndarray:
    by_payer = owed_table.groupby("payer", observed=True)
    return np.stack(
        [
            by_payer[column].sum().reindex(entities).fillna(0.0).to_numpy("float64")
            for column in ("outstanding_usd", "outstanding_high_usd", "outstanding_low_usd")
        ]
    )


@pytest.mark.parametrize("seed", range(30))
def test_owed_by_payer(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 12))
    payers = ["acme", "beta", "zeta", None]
    table = pd.DataFrame(
        {
            "payer": pd.array([payers[i] for i in rng.integers(0, 4, n)], dtype="str"),
            "provider": "aws",
            "outstanding_usd": rng.random(n) * 10.0 ** rng.integers(0, 16, n),
            "outstanding_low_usd": rng.random(n) * 10.0 ** rng.integers(0, 16, n),
            "outstanding_high_usd": rng.random(n) * 10.0 ** rng.integers(0, 16, n),
        }
    )
    if seed % 4 == 1 and n:
        table.loc[0, "outstanding_low_usd"] = np.nan
    if seed % 4 == 2 and n:
        table.loc[0, "outstanding_high_usd"] = -0.0
    if seed % 5 == 3 and n > 1:
        table.loc[0, "outstanding_usd"] = np.inf
        table.loc[1, "outstanding_usd"] = -np.inf
    if seed % 2:
        table = table.sort_values("payer", kind="stable")  # payers in runs
    entities = pd.Index(["zeta", "acme", "nobody"], dtype=object)
    got, expected = _owed_by_payer(table, entities), _former_owed(table, entities)
    assert got.shape == expected.shape
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize("path", [None, "/tmp/gl/ledger-2000-all.yaml"])
def test_owed_by_payer_of_ledgers(path: str | None) -> None:
    import os

    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    entities = pd.Index(sorted({str(p) for p in led.flows()["payer"].dropna()}), dtype=object)
    for when in ("2023-10-31", "2024-06", "2026"):
        table = arrears(led, as_of=when).frame
        got, expected = _owed_by_payer(table, entities), _former_owed(table, entities)
        assert np.array_equal(got.view(np.int64), expected.view(np.int64))
