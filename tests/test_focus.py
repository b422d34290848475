"""Tests for aicapex.table.focus: FOCUS billing exports read into monthly cloud bills.

The real sample (``../shared/data/focus/focus_sample.csv``: FOCUS 1.0 sample data, © FinOps
Foundation, CC BY 4.0, from its FOCUS-Sample-Data repository) is read through the
``shared_data`` fixture, which skips where it is absent. Everything else runs on synthetic FOCUS
rows generated here; expected figures are computed from those rows (or the sample's text) with
Python's ``Decimal`` and ``csv``, never typed in.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import random
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.errors import LedgerError
from aicapex.table.focus import FocusImport, provider_id, read_focus
from aicapex.table.frames import frame

HEADER = [
    "BilledCost",
    "EffectiveCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "InvoiceIssuerName",
    "ProviderName",
    "ServiceCategory",
    "Tags",
    "x_ServiceCode",
]

Row = dict[str, str | None]

# (invoice issuer, provider name, billing account, currency); the last has no issuer
ACCOUNTS = [
    ("Amazon Web Services, Inc.", "AWS", "111122223333", "USD"),
    ("Amazon Web Services EMEA SARL", "AWS", "444455556666", "EUR"),
    ("Microsoft", "Microsoft", "/providers/Microsoft.Billing/billingAccounts/9", "USD"),
    (None, "Google Cloud", "01A2B3-C4D5E6", "USD"),
]
# billing periods as written: zone-less, Z and offsets; each ends (exclusively) a month later
PERIODS = [
    ("2024-08-01 00:00:00", "2024-09-01 00:00:00"),
    ("2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z"),
    ("2024-09-01T00:00:00+02:00", "2024-10-01T00:00:00+02:00"),
    ("2024-10-01T00:00:00-07:00", "2024-11-01T00:00:00-07:00"),
]


def synthetic(seed: int = 0, n: int = 80) -> list[Row]:
    """FOCUS rows with the quirks of real files: NULLs, JSON tags, zone-less and zoned times,
    exclusive ends, an ``x_`` column, two currencies, credits and adjustments, costs with up to
    11 places and in exponent form."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for i in range(n):
        issuer, name, account, currency = ACCOUNTS[i % len(ACCOUNTS)]
        start, end = PERIODS[rng.randrange(len(PERIODS))]
        kind = rng.choice(["Usage"] * 8 + ["Credit", "Adjustment", "Purchase", "Tax"])
        cost = Decimal(rng.randrange(1, 10**9)) / Decimal(10) ** rng.choice([0, 2, 6, 11])
        cost = -cost / 10 if kind == "Credit" else cost
        text = f"{cost:E}" if i % 7 == 3 else str(cost)
        day = rng.randrange(1, 28)
        hour = f"{start[:8]}{day:02d} {rng.randrange(23):02d}:00:00"
        last = i % 11 == 5  # usage that ends exactly when the month ends
        rows.append(
            {
                "BilledCost": text,
                "EffectiveCost": None if i % 13 == 7 else str(cost * Decimal("0.9")),
                "BillingAccountId": account,
                "BillingAccountName": None if issuer is None else "Research",
                "BillingCurrency": currency,
                "BillingPeriodStart": start,
                "BillingPeriodEnd": end,
                "ChargeCategory": kind,
                "ChargePeriodStart": f"{start[:8]}27 00:00:00" if last else hour,
                "ChargePeriodEnd": end if last else hour.replace(" 0", " 1", 1),
                "InvoiceIssuerName": issuer,
                "ProviderName": name,
                "ServiceCategory": rng.choice(
                    ["Compute", "AI and Machine Learning", "Storage", "Networking", None]
                ),
                "Tags": rng.choice([None, json.dumps({"team": f"t{i % 3}", "env": "prod"})]),
                "x_ServiceCode": f"code-{i}",
            }
        )
    return rows


def write_csv(path: Path, rows: Iterable[Row], header: list[str] = HEADER) -> Path:
    """FOCUS CSV text: NULL, bare, for a missing value."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(["NULL" if row.get(c) is None else row[c] for c in header])
    return path


def month_of(text: str) -> str:
    """The billing month of a time as written (the offset, if any, dropped)."""
    return text[:7]


def expected(rows: Iterable[Row]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Bills computed with Decimal from the rows: per provider, account, month and currency."""
    out: dict[tuple[str, str, str, str], dict[str, Any]] = defaultdict(lambda: defaultdict(Decimal))
    with localcontext(prec=100):
        for r in rows:
            name = r["InvoiceIssuerName"] or r["ProviderName"]
            assert name is not None
            key = (
                provider_id(name),
                r["BillingAccountId"] or "",
                month_of(str(r["BillingPeriodStart"])),
                str(r["BillingCurrency"]),
            )
            bill = out[key]
            cost = Decimal(str(r["BilledCost"]))
            service = (r.get("ServiceCategory") or "").lower()
            part = {"Credit": "credits", "Adjustment": "adjustments"}.get(
                str(r["ChargeCategory"]),
                "compute" if service in ("compute", "ai and machine learning") else "other",
            )
            bill["billed"] += cost
            bill[part] += cost
            bill["rows"] += 1
            if r.get("EffectiveCost") is None:
                bill["unknown"] += 1  # a missing effective cost: the bill's is unknown
            else:
                bill["effective"] += Decimal(str(r["EffectiveCost"]))
    return out


def bills_by_key(imp: FocusImport) -> dict[tuple[str, str, str, str], pd.Series]:
    return {
        (str(b["provider"]), str(b["account"]), f"{b['month']:%Y-%m}", str(b["currency"])): b
        for _, b in imp.bills.iterrows()
    }


def check_bills(imp: FocusImport, rows: list[Row]) -> None:
    """The bills hold exactly the expected figures (floats to float precision)."""
    want = expected(rows)
    got = bills_by_key(imp)
    assert set(got) == set(want)
    for key, bill in got.items():
        w = want[key]
        assert bill["billed_exact"] == w["billed"], key
        assert bill["rows"] == w["rows"]
        for part in ("billed", "compute", "other", "credits", "adjustments"):
            assert bill[part] == pytest.approx(float(w[part]), rel=1e-12, abs=1e-15), (key, part)
        if w["unknown"]:
            assert math.isnan(bill["effective"])
        else:
            assert bill["effective"] == pytest.approx(float(w["effective"]), rel=1e-12)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with localcontext(prec=100):
        for r in rows:
            totals[str(r["BillingCurrency"])] += Decimal(str(r["BilledCost"]))
    assert imp.billed_total == totals
    assert imp.rows == len(rows)


def check_reconciled(imp: FocusImport) -> None:
    """The bills' exact billed costs add up to the file's total, per currency, to the digit."""
    with localcontext(prec=100):
        per_currency: dict[str, Decimal] = defaultdict(Decimal)
        for cur, value in zip(imp.bills["currency"], imp.bills["billed_exact"], strict=True):
            per_currency[str(cur)] += value
    assert dict(per_currency) == imp.billed_total
    recon = imp.reconciliation()
    assert recon["match"].all(), recon
    assert (recon["rows"] == recon["in_bills"]).all()
    assert imp.reconciled
    assert imp.problems == ()
    assert imp.left_out == 0


# --- the real sample (FOCUS 1.0 sample data © FinOps Foundation, CC BY 4.0) -----------------


def sample_rows(shared_data: Path) -> tuple[list[str], list[str], list[Row]]:
    """The sample's header line, its row lines (no row spans lines) and its rows as text."""
    text = (shared_data / "focus" / "focus_sample.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(lines) - 1
    return (
        lines[:1],
        lines[1:],
        [{k: None if v == "NULL" else v for k, v in r.items()} for r in rows],
    )


def test_the_sample_reconciles_exactly(shared_data: Path) -> None:
    path = shared_data / "focus" / "focus_sample.csv"
    _, _, rows = sample_rows(shared_data)
    imp = read_focus(path, payer="acme")
    check_reconciled(imp)
    check_bills(imp, rows)
    assert imp.rows == 1000
    assert set(imp.bills["provider"].astype(str)) == {"aws", "azure", "oracle"}
    assert imp.bills["credits"].sum() < 0  # the sample holds a credit
    assert (imp.bills["adjustments"] > 0).any()  # and an adjustment


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_subsets_and_reorderings_of_the_sample_reconcile(
    shared_data: Path, data: st.DataObject
) -> None:
    header, lines, rows = sample_rows(shared_data)
    order = data.draw(st.permutations(range(len(lines))), label="order")
    chosen = order[: data.draw(st.integers(0, len(lines)), label="rows")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "subset.csv"
        path.write_text("\n".join(header + [lines[i] for i in chosen]) + "\n", encoding="utf-8")
        imp = read_focus(path, payer="acme")
    check_reconciled(imp)
    check_bills(imp, [rows[i] for i in chosen])


# --- synthetic rows: every quirk -------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_rows_make_the_expected_bills(tmp_path: Path, seed: int) -> None:
    rows = synthetic(seed)
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    check_reconciled(imp)
    check_bills(imp, rows)
    assert set(imp.bills["currency"].astype(str)) == {"USD", "EUR"}  # one bill per currency


def test_bill_parts_add_up_exactly(tmp_path: Path) -> None:
    rows = synthetic(3)
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    for key, w in expected(rows).items():
        with localcontext(prec=100):
            parts = w["compute"] + w["other"] + w["credits"] + w["adjustments"]
        assert parts == w["billed"] == bills_by_key(imp)[key]["billed_exact"]


def test_times_as_written_and_exclusive_ends(tmp_path: Path) -> None:
    base = synthetic(4, n=1)[0]
    rows = [
        {**base, "BillingPeriodStart": start, "BillingPeriodEnd": end, "ChargePeriodEnd": end}
        for start, end in PERIODS
    ]
    for r in rows:
        r["ChargePeriodStart"] = r["BillingPeriodStart"]
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    # an offset is dropped: 2024-09-01T00:00:00+02:00 is September, like ...Z
    got = sorted(f"{m:%Y-%m}" for m in imp.bills["month"])
    assert got == sorted({month_of(s) for s, _ in PERIODS})
    for _, bill in imp.bills.iterrows():
        # usage ends the day before the exclusive end: the last day of the billing month
        assert bill["usage_end"] == bill["month"] + pd.offsets.MonthEnd(0)
        assert bill["usage_start"] == bill["month"]


def test_x_columns_and_unknown_columns_are_ignored(tmp_path: Path) -> None:
    rows = synthetic(5)
    header = [*HEADER, "x_Discounts", "SkuId"]
    plain = read_focus(write_csv(tmp_path / "a.csv", rows), payer="acme")
    extra = [{**r, "x_Discounts": "{not json", "SkuId": "ABC"} for r in rows]
    wide = read_focus(write_csv(tmp_path / "b.csv", extra, header), payer="acme")
    pd.testing.assert_frame_equal(plain.bills, wide.bills)
    assert wide.problems == ()


def test_tags_are_json_and_a_bad_one_is_a_problem_but_counts(tmp_path: Path) -> None:
    rows = synthetic(6)
    rows[4]["Tags"] = '{"team": "research"'
    rows[9]["Tags"] = '["not", "an", "object"]'
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    assert [(p.line, p.index, p.field) for p in imp.problems] == [
        (6, 4, "Tags"),
        (11, 9, "Tags"),
    ]
    assert imp.problems[0].found == repr(rows[4]["Tags"])
    assert imp.left_out == 0
    check_bills(imp, rows)  # the rows still count
    assert imp.reconciliation()["match"].all()


def test_null_is_missing(tmp_path: Path) -> None:
    rows = synthetic(7)
    assert any(r["ServiceCategory"] is None for r in rows)
    assert any(r["EffectiveCost"] is None for r in rows)
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    check_bills(imp, rows)  # NULL service: other; NULL effective cost: NaN effective
    assert imp.bills["effective"].isna().any()
    no_issuer = imp.bills[imp.bills["provider"] == "google-cloud"]
    assert len(no_issuer)
    assert no_issuer["account_name"].isna().all()


def test_bad_cells_are_located_and_left_out(tmp_path: Path) -> None:
    rows = synthetic(8)
    bad = {
        2: ("BilledCost", "12,34"),
        5: ("BilledCost", None),
        7: ("BillingPeriodStart", "September 2024"),
        11: ("BillingCurrency", "usd"),
        13: ("ChargeCategory", None),
        17: ("EffectiveCost", "n/a"),
        19: ("ChargePeriodEnd", "2024-13-01 00:00:00"),
        23: ("BillingPeriodEnd", "2024-07-01 00:00:00"),
    }
    for i, (field, value) in bad.items():
        rows[i][field] = value
    rows[29]["InvoiceIssuerName"] = rows[29]["ProviderName"] = None
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    located = {(p.line, p.field) for p in imp.problems}
    want = {(i + 2, field) for i, (field, _) in bad.items()} | {(31, "InvoiceIssuerName")}
    assert located == want
    first = imp.problems[0]
    assert (first.file, first.line, first.field, first.found) == (
        str(tmp_path / "f.csv"),
        4,
        "BilledCost",
        "'12,34'",
    )
    assert str(first).startswith(f"{tmp_path / 'f.csv'}:4: row[2]: BilledCost: expected a number")
    assert imp.left_out == len(want)
    kept = [r for i, r in enumerate(rows) if i + 2 not in {line for line, _ in want}]
    assert expected(kept).keys() == bills_by_key(imp).keys()
    for key, w in expected(kept).items():
        assert bills_by_key(imp)[key]["billed_exact"] == w["billed"]
    recon = imp.reconciliation().set_index("currency")
    assert not imp.reconciled
    assert (recon["rows"] - recon["in_bills"]).sum() == len(want)
    # the file's total counts every readable cost: the rows left out make the difference
    with localcontext(prec=100):
        for cur, r in recon.iterrows():
            out = sum(
                (
                    Decimal(str(rows[line - 2]["BilledCost"]))
                    for line, _ in want
                    if rows[line - 2]["BillingCurrency"] == cur
                    and line - 2 not in (2, 5)  # no readable cost
                ),
                Decimal(0),
            )
            assert r["difference"] == out


def test_problems_stop_at_200(tmp_path: Path) -> None:
    rows = synthetic(9, n=300)
    for r in rows[:250]:
        r["BilledCost"] = "x"
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    assert len(imp.problems) == 200
    assert [p.line for p in imp.problems] == list(range(2, 202))
    assert imp.left_out == 250
    kept = expected(rows[250:])
    assert {k: b["billed_exact"] for k, b in bills_by_key(imp).items()} == {
        k: w["billed"] for k, w in kept.items()
    }


def test_lines_stay_right_with_breaks_in_quotes_and_blank_lines(tmp_path: Path) -> None:
    rows = synthetic(10, n=12)
    rows[1]["Tags"] = '{"note":\n "two lines"}'
    rows[6]["BilledCost"] = "bad"
    path = write_csv(tmp_path / "f.csv", rows)
    imp = read_focus(path, payer="acme")
    assert [(p.line, p.index) for p in imp.problems] == [(9, 6)]  # one row spans two lines
    text = path.read_text(encoding="utf-8").replace("\n", "\n\n", 1)  # a blank line 2
    path.write_text(text, encoding="utf-8")
    assert [(p.line, p.index) for p in read_focus(path, payer="acme").problems] == [(10, 6)]


def test_a_missing_required_column_fails_at_once(tmp_path: Path) -> None:
    rows = synthetic(11)
    for column in ("BilledCost", "BillingPeriodStart", "BillingCurrency", "ChargeCategory"):
        header = [c if c != column else f"{c}s" for c in HEADER]
        renamed = [{**r, f"{column}s": r[column]} for r in rows]
        with pytest.raises(LedgerError) as err:
            read_focus(write_csv(tmp_path / "f.csv", renamed, header), payer="acme")
        (problem,) = err.value.problems
        assert problem.field == column
        assert problem.found == f"no such column (did you mean '{column}s'?)"
    header = [c for c in HEADER if c not in ("InvoiceIssuerName", "ProviderName")]
    with pytest.raises(LedgerError, match="InvoiceIssuerName: expected a column FOCUS requires"):
        read_focus(write_csv(tmp_path / "f.csv", rows, header), payer="acme")
    header = [c for c in HEADER if c != "InvoiceIssuerName"]  # ProviderName alone will do
    imp = read_focus(write_csv(tmp_path / "f.csv", rows, header), payer="acme")
    assert set(imp.bills["provider"].astype(str)) == {"aws", "azure", "google-cloud"}


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (None, "none.csv", "an existing FOCUS file"),
        ("a,b\n", "f.json", "a .csv, .csv.gz or .parquet file"),
        ("BilledCost\n", "f.csv", "a column FOCUS requires"),
        (b"\x00\xff\xfe", "f.parquet", "a readable FOCUS CSV or Parquet file"),
    ],
)
def test_unreadable_files_are_ledger_errors(
    tmp_path: Path, content: str | bytes | None, name: str, expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LedgerError, match=expected):
        read_focus(path, payer="acme")


def test_rows_of_the_wrong_width_are_located(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", synthetic(12, n=6))
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LedgerError) as err:
        read_focus(path, payer="acme")
    assert [(p.line, p.found) for p in err.value.problems] == [(4, f"{len(HEADER) + 1} cells")]


def test_an_empty_export_gives_typed_empty_bills(tmp_path: Path) -> None:
    imp = read_focus(write_csv(tmp_path / "f.csv", []), payer="acme")
    full = read_focus(write_csv(tmp_path / "g.csv", synthetic(13)), payer="acme")
    assert imp.bills.empty
    assert imp.rows == 0
    assert imp.billed_total == {}
    assert imp.bills.dtypes.drop(["id", "provider", "currency"]).equals(
        full.bills.dtypes.drop(["id", "provider", "currency"])
    )
    pd.testing.assert_frame_equal(imp.cloud_bills(), frame(ac.Ledger(), "cloud_bills"))
    assert imp.reconciliation().empty
    assert imp.reconciled


# --- currencies and US dollars ---------------------------------------------------------------


def test_other_currencies_get_dollars_only_through_fx(tmp_path: Path, ledger_text: Any) -> None:
    rows = synthetic(14)
    path = write_csv(tmp_path / "f.csv", rows)
    plain = read_focus(path, payer="acme")
    eur = (plain.bills["currency"] == "EUR").to_numpy()
    usd_cols = [c for c in plain.bills.columns if c.endswith("_usd")]
    assert plain.bills.loc[eur, usd_cols].isna().all().all()
    usd = plain.bills.loc[~eur]
    for col in usd_cols:
        assert (
            usd[col].equals(usd[col.removesuffix("_usd")].rename(col))
            or (usd[col].isna() == usd[col.removesuffix("_usd")].isna()).all()
        )
    rates = ac.load(
        ledger_text(
            "fx_rates:\n"
            "- {id: eur-1, currency: EUR, date: 2024-01-01, usd: 1.1}\n"
            "- {id: eur-2, currency: EUR, date: 2024-09-15, usd: 1.2}\n"
        )
    )
    converted = read_focus(path, payer="acme", fx=rates)
    assert {f"{m:%Y-%m}" for m in converted.bills["month"]} == {"2024-08", "2024-09", "2024-10"}
    for _, bill in converted.bills.iterrows():
        # the rate at the first day of the month: September's is 1.1 (1.2 is from the 15th on)
        rate = (
            (1.1 if bill["month"] < pd.Timestamp("2024-10") else 1.2)
            if bill["currency"] == "EUR"
            else 1.0
        )
        assert bill["billed_usd"] == pytest.approx(bill["billed"] * rate)
        assert bill["compute_usd"] == pytest.approx(bill["compute"] * rate)


# --- the bills as cloud_bills records --------------------------------------------------------


def test_cloud_bills_are_the_frame_of_the_same_records(tmp_path: Path) -> None:
    rows = [r for r in synthetic(15) if r["ChargeCategory"] != "Credit"]
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    got = imp.cloud_bills()
    assert (got["billed"] > 0).all()  # as CloudBill records must be
    records: list[Any] = [ac.Entity(id="acme", name="Acme", type="company")]
    records += [
        ac.Entity(id=p, name=p, type="cloud_provider") for p in set(got["provider"].astype(str))
    ]
    for _, b in imp.bills.iterrows():
        name = f" ({b['account_name']})" if isinstance(b["account_name"], str) else ""
        records.append(
            ac.CloudBill(
                id=str(b["id"]),
                payer="acme",
                provider=str(b["provider"]),
                period=ac.PartialDate.parse(f"{b['month']:%Y-%m}"),
                billed=ac.Money(b["billed_exact"], str(b["currency"])),
                note=f"FOCUS f.csv: billing account {b['account']}{name}",
            )
        )
    want = frame(ac.Ledger(records), "cloud_bills")
    pd.testing.assert_frame_equal(got, want)


def test_ids_are_deterministic_and_unique(tmp_path: Path) -> None:
    rows = synthetic(16)
    a = read_focus(write_csv(tmp_path / "a.csv", rows), payer="acme").cloud_bills()
    b = read_focus(write_csv(tmp_path / "b.csv", rows[::-1]), payer="acme").cloud_bills()
    assert a["id"].is_unique
    assert sorted(a["id"].astype(str)) == sorted(b["id"].astype(str))
    assert "focus:aws:111122223333:2024-09:USD" in set(a["id"].astype(str))
    azure = [i for i in a["id"].astype(str) if i.startswith("focus:azure:")]
    assert azure
    assert all(":providers-Microsoft.Billing-billingAccounts-9+" in i for i in azure)


def test_every_analysis_accepts_the_bills(tmp_path: Path) -> None:
    rows = [r for r in synthetic(17) if r["BillingCurrency"] == "USD"]
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    assert (imp.bills["billed"] < 0).any()  # credits above charges: nothing owed
    owed = ac.arrears({"cloud_bills": imp.cloud_bills()}, as_of="2024-12-31").frame
    due = imp.bills[imp.bills["billed"] > 0]
    per_provider = due.groupby(due["provider"].astype(str))["billed"].sum()
    got = owed.set_index(owed["provider"].astype(str))["outstanding_usd"]
    assert got.sort_index().to_dict() == pytest.approx(per_provider.sort_index().to_dict())


# --- Parquet, gzip ---------------------------------------------------------------------------


def test_parquet_reads_as_csv(tmp_path: Path) -> None:
    rows = synthetic(18)
    csv_imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    as_text = pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in HEADER})
    pq.write_table(as_text, tmp_path / "f.parquet")
    pq_imp = read_focus(tmp_path / "f.parquet", payer="acme")
    pd.testing.assert_frame_equal(csv_imp.bills, pq_imp.bills)
    assert pq_imp.billed_total == csv_imp.billed_total


def test_typed_parquet_columns(tmp_path: Path) -> None:
    rows = [r for r in synthetic(19) if "+" not in str(r["BillingPeriodStart"])[10:]]
    rows = [r for r in rows if "-07" not in str(r["BillingPeriodStart"])]
    csv_imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    columns: dict[str, pa.Array] = {c: pa.array([r[c] for r in rows], pa.string()) for c in HEADER}
    columns["BilledCost"] = pa.array(
        [Decimal(str(r["BilledCost"])) for r in rows], pa.decimal128(30, 12)
    )
    for c in ("BillingPeriodStart", "BillingPeriodEnd"):
        stamps = pd.to_datetime([str(r[c])[:19] for r in rows], format="ISO8601")
        stamps = stamps.tz_localize("UTC")
        columns[c] = pa.array(stamps, pa.timestamp("us", tz="UTC"))
    pq.write_table(pa.table(columns), tmp_path / "f.parquet")
    imp = read_focus(tmp_path / "f.parquet", payer="acme")
    check_reconciled(imp)
    pd.testing.assert_frame_equal(
        imp.bills.drop(columns="billed_exact"), csv_imp.bills.drop(columns="billed_exact")
    )
    assert list(imp.bills["billed_exact"]) == list(csv_imp.bills["billed_exact"])


def test_parquet_problems_are_located_by_row(tmp_path: Path) -> None:
    rows = synthetic(20)
    rows[3]["BilledCost"] = "NaN"
    pq.write_table(
        pa.table({c: pa.array([r[c] for r in rows], pa.string()) for c in HEADER}),
        tmp_path / "f.parquet",
    )
    (problem,) = read_focus(tmp_path / "f.parquet", payer="acme").problems
    assert (problem.line, problem.index, problem.field) == (None, 3, "BilledCost")
    assert str(problem).startswith(f"{tmp_path / 'f.parquet'}: row[3]: BilledCost")


def test_gzip_csv(tmp_path: Path) -> None:
    rows = synthetic(21)
    rows[2]["BilledCost"] = "oops"
    plain = write_csv(tmp_path / "f.csv", rows)
    packed = tmp_path / "f.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    a, b = read_focus(plain, payer="acme"), read_focus(packed, payer="acme")
    pd.testing.assert_frame_equal(a.bills, b.bills)
    assert [(p.line, p.field) for p in b.problems] == [(4, "BilledCost")]


# --- providers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("Amazon Web Services, Inc.", "aws"),
        ("Amazon Web Services Canada, Inc.", "aws"),
        ("AWS", "aws"),
        ("Microsoft", "azure"),
        ("Microsoft Corporation", "azure"),
        ("Google Cloud", "google-cloud"),
        ("Google LLC", "google-cloud"),
        ("Oracle", "oracle"),
        ("Oracle Cloud Infrastructure", "oracle"),
        ("CoreWeave, Inc.", "coreweave-inc"),
        ("  Lambda  Labs ", "lambda-labs"),
        ("Amazonian Clouds", "amazonian-clouds"),  # whole words only
        ("???", ""),
    ],
)
def test_provider_ids(name: str, entity: str) -> None:
    assert provider_id(name) == entity


def test_provider_aliases_can_be_added(tmp_path: Path) -> None:
    assert provider_id("CoreWeave, Inc.", {"coreweave": "coreweave"}) == "coreweave"
    assert provider_id("Microsoft", {"microsoft": "msft"}) == "msft"
    rows = synthetic(22)
    emea = {"amazon-web-services-emea": "aws-emea"}  # more words than the table's alias
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme", aliases=emea)
    providers = imp.bills.groupby(imp.bills["provider"].astype(str))["currency"].unique()
    assert list(providers["aws-emea"]) == ["EUR"]
    assert list(providers["aws"]) == ["USD"]


def test_a_payer_is_required(tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="a payer"):
        read_focus(write_csv(tmp_path / "f.csv", synthetic(23)), payer=" ")


def test_the_facade_exports_it() -> None:
    assert ac.read_focus is read_focus
    assert ac.FocusImport is FocusImport


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_cli_table(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", synthetic(24))
    imp = read_focus(path, payer="acme")
    result = runner.invoke(app, ["focus", str(path), "--payer", "acme"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    assert f"{len(imp.bills)} bills billed to acme" in out.splitlines()[0]
    for cur, total in imp.billed_total.items():
        assert f"{cur}  file {total:f} = bills {total:f}" in out
    assert out.count("  match") == len(imp.billed_total)


def test_cli_json(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", synthetic(25))
    imp = read_focus(path, payer="acme")
    result = runner.invoke(app, ["focus", str(path), "--payer", "acme", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["bills"]) == len(imp.bills)
    first = data["bills"][0]
    assert isinstance(first["billed"], float)
    assert isinstance(first["rows"], int)
    assert first["billed_exact"] == f"{imp.bills['billed_exact'].iloc[0]:f}"
    eur = [b for b in data["bills"] if b["currency"] == "EUR"]
    assert eur
    assert all(b["billed_usd"] is None for b in eur)  # NaN is null
    for r in data["reconciliation"]:
        assert r["match"] is True
        assert Decimal(r["file_total_exact"]) == imp.billed_total[r["currency"]]
        assert isinstance(r["file_total"], float)


def test_cli_csv(runner: CliRunner, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", synthetic(26))
    imp = read_focus(path, payer="acme")
    result = runner.invoke(app, ["focus", str(path), "--payer", "acme", "--format", "csv"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout), dtype={"billed_exact": str})
    assert list(table.columns) == list(imp.bills.columns)
    assert [Decimal(v) for v in table["billed_exact"]] == list(imp.bills["billed_exact"])


def test_cli_problems_go_to_stderr(runner: CliRunner, tmp_path: Path) -> None:
    rows = synthetic(27)
    rows[3]["BilledCost"] = "12,5"
    path = write_csv(tmp_path / "f.csv", rows)
    result = runner.invoke(app, ["focus", str(path), "--payer", "acme"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:5: row[3]: BilledCost: expected a number like '12.34' or '-1.5E-7', got '12,5'"
    ]
    assert "MISMATCH" not in result.stdout  # the row's cost cannot be read: totals agree
    assert "59 of 60 rows" in result.stdout
    assert "1 row left out of the bills" in result.stdout


def test_cli_fx_and_errors(runner: CliRunner, tmp_path: Path, ledger_text: Any) -> None:
    path = write_csv(tmp_path / "f.csv", synthetic(28))
    rates = ledger_text("fx_rates:\n- {id: eur, currency: EUR, date: 2024-01-01, usd: 1.1}\n")
    result = runner.invoke(
        app, ["focus", str(path), "--payer", "acme", "--fx", str(rates), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert all(b["billed_usd"] is not None for b in json.loads(result.stdout)["bills"])
    missing = write_csv(tmp_path / "g.csv", [], [c for c in HEADER if c != "BilledCost"])
    result = runner.invoke(app, ["focus", str(missing), "--payer", "acme"])
    assert result.exit_code == 1
    assert "BilledCost: expected a column FOCUS requires" in result.stderr
    assert result.stdout == ""


def test_costs_above_the_record_limit_are_problems(tmp_path: Path) -> None:
    """A cost above MAX_AMOUNT (1e15) either way is a located problem, left out, as a record's
    amount would be: it was read, and its bill's flows overflowed their int64 cents (a bill of
    1e23 became a payment of -9.2e16, and arrears found nothing owed)."""
    rows = synthetic(22, n=12)
    rows[1]["BilledCost"] = "99999999999999999999999"
    rows[4]["BilledCost"] = "-1000000000000000.5"
    rows[6]["EffectiveCost"] = "-1E16"
    rows[8]["BilledCost"] = "1000000000000000"  # the limit itself is fine
    path = write_csv(tmp_path / "f.csv", rows)
    imp = read_focus(path, payer="acme")
    assert [(p.line, p.field, p.found) for p in imp.problems] == [
        (3, "BilledCost", "'99999999999999999999999'"),
        (6, "BilledCost", "'-1000000000000000.5'"),
        (8, "EffectiveCost", "'-1E16'"),
    ]
    assert all("at most 1e+15" in p.expected for p in imp.problems)
    assert imp.left_out == 3
    assert not imp.reconciled
    kept = [r for i, r in enumerate(rows) if i not in (1, 4, 6)]
    assert expected(kept).keys() == bills_by_key(imp).keys()
    # the same from Parquet decimals, which skip the check of digits
    columns = {c: pa.array([r[c] for r in rows], pa.string()) for c in HEADER}
    columns["BilledCost"] = pa.array(
        [Decimal(str(r["BilledCost"])) for r in rows], pa.decimal256(60, 12)
    )
    pq.write_table(pa.table(columns), tmp_path / "f.parquet")
    from_parquet = read_focus(tmp_path / "f.parquet", payer="acme")
    assert [(p.index, p.field) for p in from_parquet.problems] == [
        (1, "BilledCost"),
        (4, "BilledCost"),
        (6, "EffectiveCost"),
    ]
    # what every analysis gets holds no overflowed cents
    bills = imp.cloud_bills()
    bills = bills[bills["billed_currency"].astype("object") == "USD"].reset_index(drop=True)
    assert (ac.flows({"cloud_bills": bills})["cents"] >= 0).all()
    owed = ac.arrears({"cloud_bills": bills}, as_of="2025-01").frame["outstanding_usd"].sum()
    assert owed == pytest.approx(bills["billed_usd"].clip(lower=0).sum())


def test_a_bill_summing_above_the_limit_is_refused_for_analyses(tmp_path: Path) -> None:
    """Rows within the limit whose bill adds up past it: the bills are read (they reconcile),
    but ``cloud_bills()`` refuses them, naming the bill, rather than overflow the flows."""
    rows = [r for r in synthetic(23, n=8) if r["BillingCurrency"] == "USD"][:2]
    for r in rows:
        r.update(rows[0], BilledCost="900000000000000")
    imp = read_focus(write_csv(tmp_path / "f.csv", rows), payer="acme")
    assert imp.problems == ()
    assert imp.reconciled
    (bill,) = imp.bills["id"].astype(str)
    with pytest.raises(ValueError, match=f"at most 1e\\+15 either way.*got 1 above: {bill}"):
        imp.cloud_bills()
