"""FOCUS billing exports: monthly cloud bills, reconciled exactly with the file.

FOCUS (the FinOps Open Cost and Usage Specification) is the common billing export of AWS, Azure,
Google Cloud and Oracle. :func:`read_focus` reads a FOCUS 1.x file (``.csv``, ``.csv.gz`` or
``.parquet``; pyarrow is needed) and returns a :class:`FocusImport`::

    import aicapex as ac
    imp = ac.read_focus("focus.csv", payer="stability-ai")
    imp.bills                # a bill per provider, billing account, month and currency
    imp.reconciliation()     # the file's BilledCost total against the bills', per currency
    ac.arrears({"cloud_bills": imp.cloud_bills()}, as_of="2024-10")   # any analysis

What is read: ``BilledCost`` (exactly, as decimal text: the bills add up to the file's total to
the last digit), ``EffectiveCost``, ``BillingPeriodStart``/``End``, ``BillingCurrency``,
``InvoiceIssuerName`` (else ``ProviderName``), ``BillingAccountId``/``Name``,
``ChargeCategory``, ``ServiceCategory``, ``ChargePeriodStart``/``End`` and ``Tags``; every other
column (``x_`` provider columns included) is ignored. ``BilledCost``, ``BillingPeriodStart``,
``BillingPeriodEnd``, ``BillingCurrency``, ``ChargeCategory`` and one of ``InvoiceIssuerName``
and ``ProviderName`` are required: a file without one is a :class:`LedgerError` at once.

A bill's money is split four ways, ``billed = compute + other + credits + adjustments``: charges
of ``ChargeCategory`` "Credit" and "Adjustment" apart, the rest by ``ServiceCategory`` (compute is
"Compute" and "AI and Machine Learning"). Its month is the month of ``BillingPeriodStart``; ends
are exclusive (a period ending ``2024-10-01 00:00`` ends in September). Times are read as written,
with or without a zone (``Z`` or an offset, which is dropped). ``NULL`` is a missing value.

``bills`` columns: ``id`` (``focus:<provider>:<account>:<YYYY-MM>:<currency>``), ``provider``,
``account`` and ``account_name`` (``BillingAccountId``/``Name``), ``month`` (its first day),
``currency``; ``billed``, ``compute``, ``other``, ``credits``, ``adjustments``, ``effective``
(``EffectiveCost``, NaN if a row has none) and ``compute_effective`` (floats, in the currency),
each also as ``<name>_usd``; ``usage_start`` and ``usage_end`` (first and last day of the
``ChargePeriod``s, inclusive), ``rows``, and ``billed_exact`` (the exact ``Decimal`` total).
A bill may be zero or negative (credits above charges): it is kept, unlike a ``CloudBill``
record, and owes nothing in ``arrears``.

Providers become entity ids by :func:`provider_id`. Bills in several currencies stay apart; their
``_usd`` columns convert through ``fx`` (a ledger's ``fx_rates``) at the first day of the month,
NaN without a rate. Rows that cannot be read (a cost that is not a number, a required value
missing, a bad date or currency) are left out of the bills, each a located :class:`Problem` in
``.problems``; invalid JSON in ``Tags`` is a problem too, but its row counts. See ``docs/focus.md``.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aicapex.errors import LedgerError, Problem
from aicapex.fx import FxTable
from aicapex.ledger import Ledger
from aicapex.limits import MAX_AMOUNT
from aicapex.table.focusread import (
    REQUIRED,
    REQUIRED_VALUE,
    RowProblems,
    arrow,
    decimals,
    is_json_object,
    labels,
    read_columns,
    times,
)
from aicapex.table.frames import frame, ledger_fx

__all__ = [
    "COMPUTE_CATEGORIES",
    "PROVIDER_ALIASES",
    "REQUIRED",
    "FocusImport",
    "provider_id",
    "read_focus",
]

#: ``ServiceCategory`` values counted as compute.
COMPUTE_CATEGORIES = ("Compute", "AI and Machine Learning")

#: Provider ids of known names, by slug (see :func:`provider_id`).
PROVIDER_ALIASES: dict[str, str] = {
    "aws": "aws",
    "amazon-web-services": "aws",
    "microsoft": "azure",
    "azure": "azure",
    "google": "google-cloud",
    "gcp": "google-cloud",
    "oracle": "oracle",
    "oci": "oracle",
}

_CLASSES = ("compute", "other", "credits", "adjustments")


def provider_id(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The entity id of a provider's name: its slug (lower case, each run of characters other
    than ASCII letters and digits a single ``-``), or the alias of the longest run of the slug's
    leading words that is a key of :data:`PROVIDER_ALIASES` or of ``aliases`` (slugs too; they
    override the table's on equal keys). Empty when the name has no letter or digit.

    >>> provider_id("Amazon Web Services EMEA SARL"), provider_id("Microsoft")
    ('aws', 'azure')
    >>> provider_id("Google Cloud"), provider_id("CoreWeave, Inc.")
    ('google-cloud', 'coreweave-inc')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    table = {**PROVIDER_ALIASES, **(aliases or {})}
    words = slug.split("-")
    for n in range(len(words), 0, -1):
        alias = table.get("-".join(words[:n]))
        if alias is not None:
            return alias
    return slug


def _account_part(account: str) -> str:
    """A billing account as a part of a bill id: unchanged when it is made of letters, digits
    and ``. _ + -``; else those characters kept, the rest ``-``, and a hash of the original."""
    safe = re.sub(r"[^A-Za-z0-9._+-]+", "-", account).strip("-")
    if safe == account:
        return safe
    return f"{safe}+{hashlib.sha256(account.encode()).hexdigest()[:8]}"


@dataclass(frozen=True, eq=False)
class FocusImport:
    """What :func:`read_focus` read from a FOCUS file.

    Attributes:
        path: the file, as given.
        payer: the entity id of the company billed.
        bills: a bill per provider, billing account, month and currency (see ``docs/focus.md``
            for the columns); ``billed_exact`` holds each bill's exact ``Decimal`` total.
        rows: the rows of the file.
        billed_total: the file's ``BilledCost`` total per currency, exact (over the rows whose
            cost could be read; a missing currency is the key ``""``).
        problems: rows that could not be read, located (the first 200).
        left_out: how many rows are not in the bills (each has a problem).
        currency_rows: per currency as written, the rows of the file and those in the bills.
    """

    path: str
    payer: str
    bills: pd.DataFrame
    rows: int
    billed_total: dict[str, Decimal]
    problems: tuple[Problem, ...]
    left_out: int
    currency_rows: dict[str, tuple[int, int]]

    def reconciliation(self) -> pd.DataFrame:
        """Per currency: ``rows`` of the file and ``in_bills``, the file's exact ``file_total``
        against the bills' ``bills_total`` (Decimals), their ``difference`` and ``match``: every
        row in the bills and the totals equal to the last digit."""
        bills = self.bills.groupby(self.bills["currency"].astype("object"))["billed_exact"]
        with localcontext(prec=200):
            totals = {str(c): sum(v, Decimal(0)) for c, v in bills}
            out = []
            for cur in sorted(set(self.billed_total) | set(totals) | set(self.currency_rows)):
                file_total = self.billed_total.get(cur, Decimal(0))
                bills_total = totals.get(cur, Decimal(0))
                rows, kept = self.currency_rows.get(cur, (0, 0))
                diff = file_total - bills_total
                out.append(
                    (cur, rows, kept, file_total, bills_total, diff, diff == 0 and rows == kept)
                )
        names = ["currency", "rows", "in_bills", "file_total", "bills_total", "difference", "match"]
        table = pd.DataFrame(out, columns=names)
        return table.astype({"rows": "int64", "in_bills": "int64", "match": "bool"})

    @property
    def reconciled(self) -> bool:
        """Whether every currency's reconciliation matches (and nothing was left out)."""
        return bool(self.reconciliation()["match"].all()) and self.left_out == 0

    def cloud_bills(self) -> pd.DataFrame:
        """The bills as a ``cloud_bills`` record frame (the columns and dtypes of
        ``Ledger.frame("cloud_bills")``), for every analysis: payer :attr:`payer`, provider the
        provider's id, period the month, billed the billed cost (its ``_usd`` as in
        :attr:`bills`), nothing paid, no due date (bills fall due at the end of the month)."""
        empty = frame(Ledger(), "cloud_bills")
        b = self.bills
        n = len(b)
        if not n:
            return empty
        big = b["billed"].abs().to_numpy() > MAX_AMOUNT  # each row is at most that: a sum
        if big.any():
            shown = ", ".join(b["id"].astype("object")[big].astype(str).tolist()[:5])
            raise ValueError(
                f"expected bills of at most {MAX_AMOUNT:.0e} either way (a record's limit: "
                f"the flows' exact cents overflow past it), got {int(big.sum())} above: {shown}"
            )
        name = Path(self.path).name
        notes = [
            f"FOCUS {name}: billing account {a}" + (f" ({m})" if isinstance(m, str) else "")
            for a, m in zip(b["account"], b["account_name"], strict=True)
        ]
        month = b["month"].to_numpy("datetime64[M]")
        nothing: list[Any] = [None] * n
        nat = np.full(n, np.datetime64("NaT", "ns"))
        cells: dict[str, Any] = {
            "id": b["id"].astype("object").tolist(),
            "payer": [self.payer] * n,
            "provider": b["provider"].astype("object").tolist(),
            "period_start": month.astype("datetime64[ns]"),
            "period_end": ((month + 1).astype("datetime64[D]") - 1).astype("datetime64[ns]"),
            "period_precision": ["month"] * n,
            "billed": b["billed"].to_numpy(),
            "billed_currency": b["currency"].astype("object").tolist(),
            "billed_usd": b["billed_usd"].to_numpy(),
            "billed_kind": ["exact"] * n,
            "billed_low_usd": b["billed_usd"].to_numpy(),
            "billed_high_usd": b["billed_usd"].to_numpy(),
            "note": notes,
            "sources": [""] * n,
            "paid_usd": np.zeros(n),
            "unpaid_usd": b["billed_usd"].to_numpy(),
        }
        out = {}
        for col, dtype in empty.dtypes.items():
            values = cells.get(str(col))
            if values is None:
                values = nat if str(dtype).startswith("datetime") else nothing
                values = np.full(n, np.nan) if dtype == "float64" else values
            out[str(col)] = pd.Series(
                values, dtype="category" if isinstance(dtype, pd.CategoricalDtype) else dtype
            )
        return pd.DataFrame(out, index=pd.RangeIndex(n))

    def to_dict(self) -> dict[str, Any]:
        """The import as data: file, payer, ``as_of`` (the last day billed), rows, left_out,
        ``columns`` and ``bills`` (months as ``YYYY-MM``, ``billed_exact`` as text, US dollars
        rounded to the cent; the other amounts in the billing currency as the file gives them),
        ``reconciliation`` (totals as numbers, and exactly
        as text in ``*_exact``) and ``problems`` (as text); JSON-ready through
        :func:`aicapex.analysis.result.jsonable`."""
        usd = [c for c in self.bills.columns if str(c).endswith("_usd")]
        bills = self.bills.assign(
            month=self.bills["month"].dt.strftime("%Y-%m"),
            billed_exact=[f"{v:f}" for v in self.bills["billed_exact"]],
            **{c: self.bills[c].round(2) for c in usd},  # US dollars to the cent
        )
        recon = []
        for row in self.reconciliation().to_dict("records"):
            for key in ("file_total", "bills_total", "difference"):
                row[f"{key}_exact"] = f"{row[key]:f}"
                row[key] = float(row[key])
            recon.append(row)
        usage_end = self.bills.get("usage_end")
        last = None if usage_end is None or usage_end.isna().all() else usage_end.max()
        return {
            "file": self.path,
            "payer": self.payer,
            "as_of": None if last is None else pd.Timestamp(last).date().isoformat(),
            "rows": self.rows,
            "left_out": self.left_out,
            "columns": [str(c) for c in bills.columns],
            "bills": bills.to_dict("records"),
            "reconciliation": recon,
            "problems": [str(p) for p in self.problems],
        }


def read_focus(
    path: str | os.PathLike[str],
    *,
    payer: str,
    fx: Ledger | None = None,
    aliases: Mapping[str, str] | None = None,
) -> FocusImport:
    """Read a FOCUS 1.x export (``.csv``, ``.csv.gz`` or ``.parquet``) billed to ``payer`` (an
    entity id) into monthly bills; see the module docs. ``fx``: a ledger whose ``fx_rates``
    convert other currencies to US dollars. ``aliases``: more provider ids by slug (see
    :func:`provider_id`).

    Raises :class:`LedgerError` when the file cannot be read at all (no such file, not CSV or
    Parquet, a required column missing, rows of the wrong width); problems of single rows are in
    the result's ``problems``.
    """
    shown = str(path)
    if not isinstance(payer, str) or not payer.strip():
        raise LedgerError(
            [Problem("a payer: the id of the entity billed", repr(payer), code="invalid-value")]
        )
    if fx is not None and not isinstance(fx, Ledger):
        raise TypeError(f"fx: expected a Ledger (its fx_rates convert currencies), got {fx!r}")
    table, csv_file = read_columns(Path(path), shown)
    rows = RowProblems(shown, csv_file, table.num_rows)
    pa, _ = arrow()
    try:
        return _import(table, rows, payer, fx, aliases)
    except pa.ArrowException as exc:  # pragma: no cover - every cell is checked before
        bad = Problem("a FOCUS file Arrow can read", str(exc), file=shown, code="bad-table")
        raise LedgerError([bad]) from None


def _import(
    table: Any,
    rows: RowProblems,
    payer: str,
    fx: Ledger | None,
    aliases: Mapping[str, str] | None,
) -> FocusImport:
    """The checks of every column, then the bills of the rows without problems."""
    pa, _ = arrow()
    n = table.num_rows
    billed, no_cost = decimals(table, "BilledCost", rows)
    rows.add(no_cost, "BilledCost", REQUIRED_VALUE, None)
    effective = pa.nulls(n, pa.decimal128(38, 0))
    if "EffectiveCost" in table.column_names:
        effective, _ = decimals(table, "EffectiveCost", rows)
    when = {}
    for name in ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"):
        when[name], missing = times(table, name, rows)
        if name.startswith("Billing"):
            rows.add(missing, name, REQUIRED_VALUE, None)
    for what, after in (("Billing", "after"), ("Charge", "at or after")):
        start, end = when[f"{what}PeriodStart"], when[f"{what}PeriodEnd"]
        wrong = (end <= start) if what == "Billing" else (end < start)
        if wrong.any():
            expected = f"a time {after} {what}PeriodStart (the end is exclusive)"
            col = table.column(f"{what}PeriodEnd")
            rows.add(wrong, f"{what}PeriodEnd", expected, col, code="inconsistent")
    currencies, cur = _merged(*labels(table, "BillingCurrency", str.strip, ""))
    rows.add(cur == len(currencies) - 1, "BillingCurrency", REQUIRED_VALUE, None)
    iso = (
        pd.Series(currencies, dtype=object)
        .str.fullmatch("[A-Z]{3}")
        .to_numpy(dtype=bool, copy=True)
    )
    iso[-1] = True  # missing: reported above
    col = table.column("BillingCurrency")
    rows.add(~iso[cur], "BillingCurrency", "a currency code like 'USD'", col)
    providers, prov = _providers(table, rows, aliases)
    kinds, kind_codes = labels(table, "ChargeCategory", lambda v: v.strip().lower(), None)
    rows.add(kind_codes < 0, "ChargeCategory", REQUIRED_VALUE, None)
    compute_names = {c.lower() for c in COMPUTE_CATEGORIES}
    compute, service = labels(
        table, "ServiceCategory", lambda v: v.strip().lower() in compute_names, 0
    )
    apart = np.array([{"credit": 2, "adjustment": 3}.get(k, -1) for k in kinds])[kind_codes]
    cls = np.where(apart >= 0, apart, np.where(compute.astype(bool)[service], 0, 1))
    if "Tags" in table.column_names and pa.types.is_string(table.column("Tags").type):
        bad, tags = labels(table, "Tags", lambda v: not is_json_object(v), False)
        expected = 'a JSON object like {"team": "research"}'
        rows.add(bad.astype(bool)[tags], "Tags", expected, table.column("Tags"), drop=False)
    accounts, acct = _merged(*labels(table, "BillingAccountId", str, ""))
    names, name_codes = labels(table, "BillingAccountName", str, None)
    keep = ~rows.out
    has_cost = ~billed.is_null().to_numpy(zero_copy_only=False)
    sums = pa.table({"c": cur[has_cost], "v": billed.filter(pa.array(has_cost))})
    sums = sums.group_by("c").aggregate([("v", "sum")]).to_pydict()
    everywhere = np.bincount(cur, minlength=len(currencies))
    kept = np.bincount(cur[keep], minlength=len(currencies))
    months = when["BillingPeriodStart"][keep].astype("datetime64[M]")
    bills = _bills(
        {
            "provider": (prov[keep], providers),
            "account": (acct[keep], accounts),
            "currency": (cur[keep], currencies),
        },
        months,
        billed.filter(pa.array(keep)),
        cls[keep],
        effective.filter(pa.array(keep)),
        (when["ChargePeriodStart"][keep], when["ChargePeriodEnd"][keep]),
        (name_codes[keep], names),
        ledger_fx(fx) if fx is not None else FxTable(),
    )
    return FocusImport(
        path=rows.shown,
        payer=payer,
        bills=bills,
        rows=n,
        billed_total={str(currencies[c]): v for c, v in zip(sums["c"], sums["v_sum"], strict=True)},
        problems=rows.problems(),
        left_out=int(rows.out.sum()),
        currency_rows={
            str(c): (int(a), int(b))
            for c, a, b in zip(currencies, everywhere, kept, strict=True)
            if a
        },
    )


def _merged(labels: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values that share a label merged: the distinct labels (the missing rows' label
    last) and each row's code into them."""
    inverse, uniques = pd.factorize(labels)
    order = np.append(np.delete(np.arange(len(uniques)), inverse[-1]), inverse[-1])
    rank = np.argsort(order)
    return np.asarray(uniques, dtype=object)[order], rank[inverse][codes]


def _providers(
    table: Any, rows: RowProblems, aliases: Mapping[str, str] | None
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's provider id, of its ``InvoiceIssuerName``, else of its ``ProviderName``: the
    ids (``""`` last, for none) and each row's code into them."""

    def as_id(v: str) -> str:
        return provider_id(v, aliases)

    issuer, issuer_codes = labels(table, "InvoiceIssuerName", as_id, "")
    named, named_codes = labels(table, "ProviderName", as_id, "")
    ids, codes = _merged(
        np.concatenate([issuer[:-1], named]),
        np.where(issuer_codes >= 0, issuer_codes, len(issuer) - 1 + named_codes % len(named)),
    )
    none = (issuer_codes < 0) & (named_codes < 0)
    field = "InvoiceIssuerName" if "InvoiceIssuerName" in table.column_names else "ProviderName"
    rows.add(none, field, "a value of InvoiceIssuerName or ProviderName", None)
    for name, own in (("InvoiceIssuerName", issuer_codes >= 0), ("ProviderName", issuer_codes < 0)):
        if name in table.column_names:
            empty = ~none & own & (ids[codes] == "")
            rows.add(empty, name, "a name with letters or digits", table.column(name))
    return ids, codes


def _bills(
    keys: dict[str, tuple[np.ndarray, np.ndarray]],
    months: np.ndarray,
    billed: Any,
    cls: np.ndarray,
    effective: Any,
    usage: tuple[np.ndarray, np.ndarray],
    account_names: tuple[np.ndarray, np.ndarray],
    fx: FxTable,
) -> pd.DataFrame:
    """A bill per provider, account, month and currency of the rows read (``keys``: each row's
    code and the labels, per key)."""
    pa, _ = arrow()
    month = months.astype(np.int64)
    key = month - (month.min() if len(month) else 0)
    for codes, labels_ in keys.values():
        key = key * len(labels_) + codes
    gid, _ = pd.factorize(key)  # groups numbered in the order they first appear
    g = int(gid.max()) + 1 if len(gid) else 0
    first = np.flatnonzero(np.diff(np.maximum.accumulate(gid), prepend=-1) > 0)
    sums = pa.table({"g": gid * 4 + cls, "v": billed, "e": effective})
    sums = sums.group_by("g").aggregate([("v", "sum"), ("e", "sum")]).to_pydict()
    exact = np.full((g, 4), Decimal(0), dtype=object)
    eff = np.zeros((g, 4))
    for at, value, e in zip(sums["g"], sums["v_sum"], sums["e_sum"], strict=True):
        exact[at // 4, at % 4], eff[at // 4, at % 4] = value, float(e or 0)
    unknown = effective.is_null().to_numpy(zero_copy_only=False)
    eff[np.bincount(gid * 4 + cls, weights=unknown, minlength=4 * g).reshape(g, 4) > 0] = np.nan
    with localcontext(prec=200):
        total = exact.sum(axis=1) if g else np.array([], dtype=object)
    label = {k: labels_[codes[first]] for k, (codes, labels_) in keys.items()}
    first_month = months[first].astype("datetime64[D]")
    rate = fx.rates(label["currency"], first_month)
    grouped = pd.DataFrame({"gid": gid})
    day = np.timedelta64(1, "ns")
    start = grouped.assign(v=usage[0]).groupby("gid")["v"].min().to_numpy("datetime64[D]")
    end = grouped.assign(v=usage[1] - day).groupby("gid")["v"].max().to_numpy("datetime64[D]")
    name_code = grouped.assign(v=account_names[0]).groupby("gid")["v"].max().to_numpy()
    name = account_names[1][name_code]  # the account's name (code -1, none: None)
    money = {
        "billed": total.astype("float64"),
        **{c: exact[:, i].astype("float64") for i, c in enumerate(_CLASSES)},
        "effective": eff.sum(axis=1),
        "compute_effective": eff[:, 0],
    }
    ids = [
        f"focus:{p}:{_account_part(a)}:{str(m)[:7]}:{c}"
        for p, a, m, c in zip(
            label["provider"], label["account"], first_month, label["currency"], strict=True
        )
    ]
    out = pd.DataFrame(
        {
            "id": pd.Series(ids, dtype="category"),
            "provider": pd.Series(label["provider"].tolist(), dtype="category"),
            "account": pd.Series(label["account"].tolist(), dtype="string"),
            "account_name": pd.Series(name.tolist(), dtype="string"),
            "month": pd.Series(first_month.astype("datetime64[ns]")),
            "currency": pd.Series(label["currency"].tolist(), dtype="category"),
            **{k: pd.Series(v, dtype="float64") for k, v in money.items()},
            **{f"{k}_usd": pd.Series(v * rate, dtype="float64") for k, v in money.items()},
            "usage_start": pd.Series(start.astype("datetime64[ns]")),
            "usage_end": pd.Series(end.astype("datetime64[ns]")),
            "rows": pd.Series(np.bincount(gid, minlength=g), dtype="int64"),
            "billed_exact": pd.Series(total.tolist(), dtype=object),
        }
    )
    order = out.sort_values(["provider", "account", "month", "currency"], kind="stable").index
    return out.loc[order].reset_index(drop=True)
