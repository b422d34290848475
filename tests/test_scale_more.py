"""Analyses made linear for issue 7 (the scan of GPU, contract, stake and deal analyses): each
checked against a plain reading of generated records of several shapes (several companies,
sparse dates, ties, no records of the kind), the expected figures derived here from the records,
never typed in and never taken from the code under test.

- :func:`aicapex.analysis.warrants.value_rows` (``warrant_value`` and the report's warrants
  section): each warrant's latest share price and share count by its date, for all at once;
- :func:`aicapex.analysis.capex.capex_at` (the report's capex section): each company's capex as
  of its own report date, for all at once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.dates import PartialDate
from aicapex.ledger import Ledger
from aicapex.records import (
    Assumption,
    Capex,
    CashBalance,
    ComputeContract,
    Entity,
    Expense,
    FundingRound,
    GPUOrder,
    GPUReallocation,
    Listing,
    SharesOutstanding,
    Stake,
    Warrant,
)
from aicapex.report import report

# -- shapes -------------------------------------------------------------------------------------


def _day(text: str | None, end: bool = True) -> dt.date | None:
    if text is None:
        return None
    first, last = PartialDate.parse(text).sort_key()[:2]
    return last if end else first


def _month(rng: random.Random, years: tuple[int, int] = (2020, 2025)) -> str:
    """A date of varied precision: a month, a day, a quarter or a year (sparse months)."""
    year = rng.randint(*years)
    month = rng.randint(1, 12)
    quarter = f"{year}-Q{(month - 1) // 3 + 1}"
    return rng.choice((f"{year}-{month:02d}", f"{year}-{month:02d}-15", quarter, str(year)))


def _companies(n: int) -> list[Entity]:
    return [Entity(id=f"co{i}", name=f"Co {i}", type="company") for i in range(n)] + [
        Entity(id="fund", name="Fund", type="investor")
    ]


def _warrant_ledger(seed: int, n_companies: int = 5, n_warrants: int = 12) -> Ledger:
    """Warrants between companies, with prices (listings, closed and other stakes, rounds) and
    share counts of their issuers at few dates (ties of the same date and kind of price), some
    issuers with none, and each company's cash balance (its report date)."""
    rng = random.Random(seed)
    ids = [f"co{i}" for i in range(n_companies)]
    records: list[Any] = _companies(n_companies)
    dates = ["2021-03", "2022-06", "2022-06-30", "2023", "2023-Q4", "2024-01"]  # ties, overlaps
    for i in range(rng.randint(0, 6)):
        records.append(
            Listing(
                id=f"l{i}",
                company=rng.choice(ids[:3]),
                date=rng.choice(dates),
                price=f"${rng.randint(5, 90)}",
            )
        )
    for i in range(rng.randint(0, 8)):
        records.append(
            Stake(
                id=f"s{i}",
                holder="fund",
                company=rng.choice(ids[:3]),
                date=rng.choice(dates),
                event="purchase",
                purchase="primary",
                shares="1M",
                price_per_share=f"${rng.randint(5, 90)}",
                status=rng.choice(("closed", "closed", "announced")),
            )
        )
    for i in range(rng.randint(0, 6)):
        records.append(
            FundingRound(
                id=f"r{i}",
                company=rng.choice(ids[:3]),
                date=rng.choice(dates),
                amount="$10M",
                price_per_share=f"${rng.randint(5, 90)}",
            )
        )
    for i in range(rng.randint(0, 8)):
        basic = rng.randint(100, 900)
        kind = rng.random()
        records.append(
            SharesOutstanding(
                id=f"c{i}",
                company=rng.choice(ids[:4]),
                date=rng.choice(dates),
                basic=f"{basic}M" if kind < 0.7 else None,
                diluted=f"{basic + rng.randint(0, 50)}M" if kind > 0.4 else None,
            )
        )
    for i in range(n_warrants):
        issuer, holder = rng.sample(ids, 2)
        records.append(
            Warrant(
                id=f"w{i}",
                issuer=issuer,
                holder=holder,
                date=_month(rng, (2020, 2023)),
                shares=f"{rng.randint(1, 50)}M",
                exercise_price="$1",
            )
        )
    for i, company in enumerate(ids):  # report dates: sparse, some shared
        when = rng.choice(("2020-06", "2022-06", "2022-12", "2023-12", "2025-01"))
        records.append(CashBalance(id=f"cash{i}", company=company, date=when, amount="$1M"))
    return Ledger(records)


def _expected_price(led: Ledger, issuer: str, limit: dt.date | None) -> tuple[float, str] | None:
    """The latest price per share of ``issuer`` by ``limit``, read plainly: listings, then
    closed stakes, then rounds, the latest by the end of its date, the first of them on a tie."""
    found: list[tuple[dt.date, float, str]] = []
    for x in led.records("listings"):
        if x.company == issuer and x.price and (limit is None or _day(str(x.date), False) <= limit):
            found.append((_day(str(x.date)), float(x.price.amount), f"listing price ({x.id})"))
    for s in led.records("stakes"):
        if (
            s.company == issuer
            and s.status.value == "closed"
            and s.price_per_share
            and (limit is None or _day(str(s.date), False) <= limit)
        ):
            text = f"stake price per share ({s.id})"
            found.append((_day(str(s.date)), float(s.price_per_share.amount), text))
    for r in led.records("funding_rounds"):
        if (
            r.company == issuer
            and r.price_per_share
            and (limit is None or _day(str(r.date), False) <= limit)
        ):
            text = f"round price per share ({r.id})"
            found.append((_day(str(r.date)), float(r.price_per_share.amount), text))
    if not found:
        return None
    latest = max(f[0] for f in found)
    first = next(f for f in found if f[0] == latest)
    return first[1], first[2]


def _expected_count(
    led: Ledger, issuer: str, limit: dt.date | None, shares: float
) -> tuple[float, str] | None:
    """The issuer's latest fully diluted count by ``limit`` (the last in the ledger on a tie),
    else its latest basic count plus the warrant's shares."""
    counts = [
        r
        for r in led.records("share_counts")
        if r.company == issuer and (limit is None or _day(str(r.date), False) <= limit)
    ]
    for name in ("diluted", "basic"):
        mine = [r for r in counts if getattr(r, name) is not None]
        if mine:
            latest = max(_day(str(r.date)) for r in mine)
            last = [r for r in mine if _day(str(r.date)) == latest][-1]
            if name == "diluted":
                return float(last.diluted.count), f"fully diluted shares ({last.id})"
            return float(last.basic.count) + shares, f"basic shares + the warrant's ({last.id})"
    return None


def _check_row(led: Ledger, row: dict[str, Any], limit: dt.date | None) -> None:
    w = led[row["warrant"]]
    price = _expected_price(led, w.issuer, limit)
    if price is None:
        assert row["price_source"] == ""
        assert row["price_usd"] != row["price_usd"]
    else:
        assert (row["price_usd"], row["price_source"]) == price
    count = _expected_count(led, w.issuer, limit, float(w.shares.count))
    if count is None:
        assert row["diluted_source"] == ""
        assert row["stake"] != row["stake"]
    else:
        assert (row["diluted_shares"], row["diluted_source"]) == count
        assert row["stake"] == pytest.approx(float(w.shares.count) / count[0])


# -- warrants -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("as_of", [None, "2019", "2021-03", "2022-06", "2023-12-31", "2030"])
def test_warrant_prices_and_counts(seed: int, as_of: str | None) -> None:
    led = _warrant_ledger(seed)
    result = ac.warrant_value(led, as_of=as_of)
    limit = _day(as_of)
    assert list(result.frame["warrant"]) == [w.id for w in led.records("warrants")]
    for row in result.frame.to_dict("records"):
        _check_row(led, row, limit)
    used = set(result.records)
    for row in result.frame.to_dict("records"):
        for text in (row["price_source"], row["diluted_source"]):
            if text:
                assert text[text.index("(") + 1 : -1] in used


@pytest.mark.parametrize("seed", range(4))
def test_warrant_of_one_entity(seed: int) -> None:
    led = _warrant_ledger(seed)
    for company in ("co0", "co3"):
        result = ac.warrant_value(led, company, as_of="2022-12")
        mine = [w.id for w in led.records("warrants") if company in (w.issuer, w.holder)]
        assert list(result.frame["warrant"]) == mine
        for row in result.frame.to_dict("records"):
            _check_row(led, row, _day("2022-12"))


def test_warrant_price_given_and_no_records() -> None:
    led = _warrant_ledger(3)
    rows = ac.warrant_value(led, as_of="2023", price="$250").frame.to_dict("records")
    assert rows
    assert all(r["price_usd"] == 250.0 for r in rows)
    assert all(r["price_source"] == "given" for r in rows)
    empty = Ledger(_companies(2))
    assert ac.warrant_value(empty).frame.empty
    assert ac.warrant_value(empty, as_of="2024").frame.empty


@pytest.mark.parametrize("seed", range(6))
def test_report_warrants_at_each_company_date(seed: int) -> None:
    """Each company's warrants in the report: as of its own report date (its cash balance's
    last day), those granted by then, issuer and holder rows, in the ledger's order."""
    led = _warrant_ledger(seed, n_companies=6, n_warrants=15)
    out = report(led)
    seen = later = 0
    for company in out["companies"]:
        limit = _day(company["as_of"])
        mine = [
            (w, role)
            for w in led.records("warrants")
            for role in ("issuer", "holder")
            if getattr(w, role) == company["id"]
        ]
        expected = [(w.id, role) for w, role in mine if w.date.sort_key()[0] <= limit]
        later += len(mine) - len(expected)
        got = company["warrants"]
        assert [(g["warrant"], g["role"]) for g in got] == expected
        for g in got:
            w = led[g["warrant"]]
            other = w.holder if g["role"] == "issuer" else w.issuer
            assert g["counterparty"] == other
            price = _expected_price(led, w.issuer, limit)
            assert g["price"] == (None if price is None else price[0])
            assert g["price_source"] == (None if price is None else price[1])
            count = _expected_count(led, w.issuer, limit, float(w.shares.count))
            if count is None:
                assert g["stake"] is None
            else:
                assert g["stake"] == pytest.approx(float(w.shares.count) / count[0])
            seen += 1
    assert seen + later == 2 * len(led.records("warrants"))


# -- capex --------------------------------------------------------------------------------------


def _capex_ledger(seed: int, n_companies: int = 5) -> Ledger:
    """Guidance revised over sparse years (some revisions reported the same day: ties by id),
    actuals of whole years and of projects, plans with milestones; the last company has
    none."""
    rng = random.Random(seed)
    records: list[Any] = _companies(n_companies)
    k = 0
    for c in range(n_companies - 1):
        company = f"co{c}"
        for year in rng.sample(range(2019, 2026), rng.randint(1, 4)):
            for _ in range(rng.randint(0, 3)):
                low = rng.randint(1, 40)
                amount = (
                    f"${low}B to ${low + rng.randint(1, 5)}B" if rng.random() < 0.5 else f"${low}B"
                )
                reported = f"{year}-{rng.choice((1, 4, 7)):02d}"
                records.append(
                    Capex(
                        id=f"g{k:03d}",
                        company=company,
                        basis="guidance",
                        period=str(year),
                        amount=amount,
                        reported=reported,
                    )
                )
                k += 1
            if rng.random() < 0.6:
                records.append(
                    Capex(
                        id=f"a{k:03d}",
                        company=company,
                        basis="actual",
                        period=str(year),
                        amount=f"${rng.randint(1, 40)}B",
                        reported=f"{year + 1}-0{rng.randint(1, 3)}",
                    )
                )
                k += 1
        for p in range(rng.randint(0, 2)):
            start = rng.randint(2020, 2023)
            steps = sorted(rng.sample(range(1, 10), rng.randint(0, 3)))
            records.append(
                Capex(
                    id=f"p{k:03d}",
                    company=company,
                    basis="plan",
                    project=f"P{p}",
                    amount="$10B",
                    reported=f"{start}-01",
                    milestones=[
                        {"by": f"end of {start + i}", "amount": f"${s}B"}
                        for i, s in enumerate(steps)
                    ],
                )
            )
            k += 1
            for year in range(start, start + rng.randint(0, 3)):
                records.append(
                    Capex(
                        id=f"x{k:03d}",
                        company=company,
                        basis="actual",
                        project=f"P{p}",
                        period=str(year),
                        amount=f"${rng.randint(1, 3)}B",
                        # some reported before the period ends
                        reported=rng.choice((f"{year}-03", f"{year + 1}-02")),
                    )
                )
                k += 1
    return Ledger(records)


def _midpoint(record: Capex) -> float:
    low, high = record.amount.bounds()
    return (float(low.amount) + float(high.amount)) / 2


def _expected_capex(led: Ledger, company: str, as_of: str) -> dict[str, dict[str, Any]]:
    """Each of ``company``'s capex records reported by ``as_of``: its revision, its period's
    actual (the project's for a project's record), and for plans the progress and the
    scheduled share, read plainly."""
    end = _day(as_of)
    assert end is not None
    mine = [
        r
        for r in led.records("capex")
        if r.company == company and (r.reported is None or _day(str(r.reported), False) <= end)
    ]

    def period(r: Capex) -> tuple[Any, Any]:
        return (None, None) if r.period is None else PartialDate.parse(str(r.period)).sort_key()[:2]

    def when(r: Capex) -> tuple[dt.date, str]:
        return (_day(str(r.reported), False) or dt.date.max, r.id)

    out: dict[str, dict[str, Any]] = {}
    for r in mine:
        same = [
            x for x in mine if (period(x), x.basis, x.project) == (period(r), r.basis, r.project)
        ]
        revision = sorted(same, key=when).index(r) + 1
        actuals = [  # a project's actuals for a project's records, the company's for its own
            x
            for x in mine
            if x.basis.value == "actual"
            and (x.project or "") == (r.project or "")
            and period(x) == period(r)
        ]
        actual = _midpoint(max(actuals, key=when)) if actuals and r.period else float("nan")
        progress = scheduled = float("nan")
        if r.basis.value == "plan":
            spent: dict[Any, Capex] = {}
            for x in sorted(mine, key=when):
                if x.basis.value == "actual" and x.project == r.project and period(x)[1] <= end:
                    spent[period(x)] = x
            if spent:
                progress = sum(_midpoint(x) for x in spent.values()) / _midpoint(r)
            if r.milestones:
                due = [m for m in r.milestones if m.by.sort_key()[1] <= end]
                scheduled = (float(due[-1].amount.amount) if due else 0.0) / float(r.amount.amount)
        out[r.id] = {
            "revision": revision,
            "actual": actual,
            "progress": progress,
            "scheduled": scheduled,
        }
    return out


def _same(a: float, b: float) -> bool:
    return (a != a and b != b) or a == pytest.approx(b)


@pytest.mark.parametrize("seed", range(10))
def test_capex_at_each_company_date(seed: int) -> None:
    from aicapex.analysis.capex import capex_at

    led = _capex_ledger(seed)
    rng = random.Random(seed)
    dates = {
        f"co{c}": rng.choice(("2020", "2021-06", "2022-12-31", "2024-Q2", "2026")) for c in range(5)
    }
    del dates["co1"]  # a company with capex but no report date: left out
    frame = capex_at(led, dates).frame
    assert "co1" not in set(frame["company"])
    for company, as_of in dates.items():
        rows = frame[frame["company"] == company]
        expected = _expected_capex(led, company, as_of)
        assert sorted(rows["record"]) == sorted(expected)
        for row in rows.to_dict("records"):
            want = expected[row["record"]]
            assert row["revision"] == want["revision"]
            assert _same(row["actual_usd"], want["actual"] * 1.0)
            assert _same(row["progress"], want["progress"])
            assert _same(row["scheduled"], want["scheduled"])
        alone = ac.capex(led, company, as_of=as_of).frame  # as the public analysis gives it
        assert rows.reset_index(drop=True).equals(alone.reset_index(drop=True))


def test_capex_at_no_records() -> None:
    from aicapex.analysis.capex import capex_at

    assert capex_at(Ledger(_companies(3)), {"co0": "2024"}).frame.empty
    assert capex_at(_capex_ledger(1), {}).frame.empty


@pytest.mark.parametrize("seed", range(5))
def test_report_capex_at_each_company_date(seed: int) -> None:
    rng = random.Random(seed)
    led = _capex_ledger(seed)
    cash = [
        CashBalance(
            id=f"cash{c}",
            company=f"co{c}",
            amount="$1M",
            date=rng.choice(("2020-06", "2021-12", "2023-03", "2025-01")),
        )
        for c in range(5)
    ]
    led = Ledger([*led, *cash])
    for company in report(led)["companies"]:
        expected = _expected_capex(led, company["id"], company["as_of"])
        got = company["capex"]
        assert sorted(g["record"] for g in got) == sorted(expected)
        for g in got:
            want = expected[g["record"]]
            assert g["revision"] == want["revision"]
            assert _same(float("nan") if g["progress"] is None else g["progress"], want["progress"])
            assert _same(
                float("nan") if g["scheduled"] is None else g["scheduled"], want["scheduled"]
            )


# -- report sections: each row under the report's companies it names -----------------------------


def _parties_ledger(seed: int) -> Ledger:
    """Companies (one with colons in its id, and one whose id starts another's), a chip vendor
    funding a customer that buys its GPUs (a loop, a round trip), reallocations between
    companies and the vendor, companies with a controller in common paying each other, stakes
    without a share (valuation warnings); cash balances of some companies only."""
    rng = random.Random(seed)
    ids = ["co", "co:1", "co:1:x", "lab", "lab2"]
    records: list[Any] = [Entity(id=i, name=i, type="company") for i in ids]
    records += [
        Entity(id="boss", name="Boss", type="person"),
        Entity(id="chip", name="Chip", type="chip_vendor"),
        Entity(id="fab", name="Fab", type="company"),  # a vendor with a report date
        Entity(id="fund", name="Fund", type="investor"),
    ]
    records = [
        r.model_copy(update={"controlled_by": ("boss",)}) if r.id in ("lab", "lab2", "co") else r
        for r in records
    ]
    for i, company in enumerate(ids):
        year = rng.randint(2022, 2024)
        vendor = ("chip", "fab")[i % 2]
        records.append(
            FundingRound(
                id=f"r{i}",
                company=company,
                date=f"{year}-02",
                amount="$100M",
                investors=[{"investor": vendor, "amount": "$100M"}],
            )
        )
        records.append(
            GPUOrder(
                id=f"o{i}",
                buyer=company,
                vendor=vendor,
                sku="H100",
                quantity=1000,
                total="$60M",
                order_date=f"{year}-03",
                payments=[{"date": f"{year}-04", "amount": "$60M"}],
            )
        )
        records.append(
            Stake(
                id=f"s{i}",
                holder="fund",
                company=company,
                date=f"{year}-05",
                event="purchase",
                purchase="primary",
                paid=f"${rng.randint(1, 9)}M",
            )
        )
        other = rng.choice([x for x in ids if x != company] + ["chip"])
        records.append(
            GPUReallocation(
                id=f"g{i}",
                order=f"o{i}",
                sku="H100",
                from_entity=company,
                to_entity=other,
                quantity=rng.choice((100, 200)),
                date=f"{year}-06",
            )
        )
        records.append(
            Expense(
                id=f"e{i}",
                company=company,
                counterparty=rng.choice([x for x in ids if x != company]),
                amount="$1M",
                date=f"{year}-07",
                category="compute",
            )
        )
    for i, company in enumerate(rng.sample(ids, 3)):
        records.append(CashBalance(id=f"cash{i}", company=company, date="2024-12", amount="$1M"))
    records.append(CashBalance(id="cash-fab", company="fab", date="2024-12", amount="$1M"))
    return Ledger(records)


@pytest.mark.parametrize("seed", range(4))
def test_report_rows_under_each_named_company(seed: int) -> None:
    from aicapex.analysis.roundtrip import ALL

    led = _parties_ledger(seed)
    out = {c["id"]: c for c in report(led)["companies"]}
    assert out
    realloc = ac.reallocations(led).frame
    related = ac.related_parties(led).frame
    loops = ac.cycles(led).frame
    trips = ac.round_trip(led).frame
    trips = trips[
        (trips["customer"] != ALL) & (trips["window"] != "all") & (trips["invested_usd"] > 0)
    ]
    for frame in (loops, trips, realloc, related):
        assert len(frame)
    for company, got in out.items():
        mine = realloc[(realloc["from_entity"] == company) | (realloc["to_entity"] == company)]
        assert [r["reallocation"] for r in got["reallocations"]] == list(mine["reallocation"])
        mine = related[(related["from_entity"] == company) | (related["to_entity"] == company)]
        assert [r["record"] for r in got["related_parties"]] == list(mine["record"])
        paths = [
            p
            for p, e in zip(loops["path"], loops["enumerated"], strict=True)
            if e and company in p.split(" > ")
        ]
        assert [r["path"] for r in got["loops"]] == paths
        mine = trips[(trips["vendor"] == company) | (trips["customer"] == company)]
        assert [(r["vendor"], r["customer"], r["window"]) for r in got["round_trip"]] == list(
            zip(mine["vendor"], mine["customer"], mine["window"], strict=True)
        )


@pytest.mark.parametrize("seed", range(4))
def test_report_ownership_warnings_of_each_company(seed: int) -> None:
    """A company's ownership warnings: those that start with its id and a colon (ids may hold
    colons: 'co:1: ...' is co:1's, and co's too, as the text reads)."""
    led = _parties_ledger(seed)
    out = report(led)["companies"]
    dated = {c["id"]: c["as_of"] for c in out}
    warnings = [*ac.ownership(led, as_of=dated).warnings, *ac.valuation(led, as_of=dated).warnings]
    assert warnings
    for company in out:
        section = company["ownership"]
        expected = [w for w in warnings if w.startswith(company["id"] + ":")]
        assert section.get("warnings", []) == expected


# -- conversions of GW to GPUs (contract_terms) ---------------------------------------------------


def _factor_ledger(seed: int, n_factors: int = 8) -> Ledger:
    """Contracts with capacities in GW (some in GPUs, some none) and GPUs-per-GW factors of
    several shapes: any entity or one, any SKU or one, dated apart or the same day (ties),
    dollars-per-GW factors beside them; some contracts start before every factor."""
    rng = random.Random(seed)
    ids = ["co0", "co1", "co2"]
    records: list[Any] = _companies(3)
    for i in range(n_factors):
        measure = rng.choice(("gpus_per_gw", "gpus_per_gw", "usd_per_gw"))
        figure = {"gpus": rng.randint(3, 9) * 100_000} if measure == "gpus_per_gw" else {}
        if not figure:
            figure = {"money": f"${rng.randint(30, 60)}B"}
        records.append(
            Assumption(
                id=f"f{i}",
                measure=measure,
                **figure,
                entity=rng.choice((None, None, *ids)),
                sku=rng.choice((None, None, "H100")),
                date=rng.choice(("2021-01", "2022-06", "2022-06", "2024")),
            )
        )
    for i in range(12):
        capacity = rng.choice((f"{rng.randint(1, 9) / 2} GW", "12,000 H100", None))
        records.append(
            ComputeContract(
                id=f"k{i}",
                buyer=rng.choice(ids),
                seller="fund",
                start=rng.choice(("2020-06", "2022-06", "2023", "2025-03")),
                total_value="$1B",
                capacity=capacity,
            )
        )
    return Ledger(records)


def _expected_factor(
    led: Ledger, measure: str, day: dt.date | None, sku: str | None, entity: str | None
) -> tuple[float, str] | None:
    """The factor that fits best (its entity and SKU: the entity counts twice the SKU), then the
    latest, then the last of the ledger; factors of another entity or SKU never fit."""
    best: tuple[tuple[int, dt.date, int], Any] | None = None
    for order, a in enumerate(led.records("assumptions")):
        start = a.date.sort_key()[0]
        if a.measure.value != measure or (day is not None and start > day):
            continue
        if a.entity not in (None, entity) or a.sku not in (None, sku):
            continue
        rank = 2 * (a.entity is not None) + (a.sku is not None)
        key = (rank, start, order)
        if best is None or key > best[0]:
            best = (key, a)
    if best is None:
        return None
    a = best[1]
    value = a.gpus if measure == "gpus_per_gw" else float(a.money.amount)
    return float(value), a.id


@pytest.mark.parametrize("seed", range(10))
def test_contract_terms_gw_to_gpus(seed: int) -> None:
    led = _factor_ledger(seed)
    frame = ac.contract_terms(led).frame.set_index("contract")
    for k in led.records("compute_contracts"):
        row = frame.loc[k.id]
        cap = k.capacity
        if cap is None or cap.unit != "GW":
            assert row["conversion"] is None or row["conversion"] != row["conversion"]
            continue
        found = _expected_factor(led, "gpus_per_gw", k.start.sort_key()[0], None, k.buyer)
        if found is None:
            assert row["conversion"] is None or row["conversion"] != row["conversion"]
        else:
            assert row["conversion"] == found[1]
            assert row["gpus"] == pytest.approx(float(cap.value) * found[0])


@pytest.mark.parametrize("seed", range(10))
def test_conversions_of_many_questions(seed: int) -> None:
    from aicapex.analysis.unitprices import conversions

    led = _factor_ledger(seed, n_factors=12)
    rng = random.Random(seed)
    asked = [
        (
            rng.choice((None, "2020-01", "2021-01", "2022-06-30", "2024-12")),
            rng.choice((None, "H100", "B200")),
            rng.choice((None, "co0", "co1", "co2")),
        )
        for _ in range(30)
    ]
    days = np.array(
        [
            np.datetime64("NaT") if d is None else np.datetime64(d + ("-01" if len(d) == 7 else ""))
            for d, _, _ in asked
        ],
        dtype="datetime64[ns]",
    )
    skus = np.array([s for _, s, _ in asked], dtype=object)
    entities = np.array([e for _, _, e in asked], dtype=object)
    frame = led.frame("assumptions")
    for measure in ("gpus_per_gw", "usd_per_gw"):
        got = conversions(frame, measure, days, skus, entities)
        for (d, s, e), day, found in zip(asked, days, got, strict=True):
            limit = None if d is None else day.astype("datetime64[D]").item()
            assert found == _expected_factor(led, measure, limit, s, e)
    assert (
        conversions(Ledger(_companies(1)).frame("assumptions"), "gpus_per_gw", days, skus, entities)
        == [None] * 30
    )


# -- the report's fleet section (per company and SKU at once) -----------------------------------


def _fleet_ledger(seed: int) -> Ledger:
    """Companies ordering two SKUs over sparse years, deliveries scheduled and delivered, some
    orders without deliveries, GPUs moved between companies; a company with a cash balance but
    no GPUs."""
    rng = random.Random(seed)
    ids = ["co0", "co1", "co2", "co3"]
    records: list[Any] = [*_companies(4), Entity(id="chip", name="Chip", type="chip_vendor")]
    for i in range(12):
        buyer = rng.choice(ids[:3])
        year = rng.choice((2021, 2023, 2024))
        quantity = rng.randint(2, 9) * 100
        half = quantity // 2
        deliveries: dict[str, Any] = {}
        if rng.random() < 0.7:
            deliveries["scheduled"] = [{"date": f"{year}-09", "quantity": half}]
            deliveries["delivered"] = [{"date": f"{year + 1}-02", "quantity": rng.randint(1, half)}]
        records.append(
            GPUOrder(
                id=f"o{i}",
                buyer=buyer,
                vendor="chip",
                sku=rng.choice(("H100", "B200")),
                quantity=quantity,
                order_date=f"{year}-0{rng.randint(1, 6)}",
                **deliveries,
            )
        )
    orders = [r for r in records if isinstance(r, GPUOrder)]
    for i in range(4):
        order = rng.choice(orders)
        other = rng.choice([x for x in ids if x != order.buyer])
        records.append(
            GPUReallocation(
                id=f"g{i}",
                order=order.id,
                sku=order.sku,
                from_entity=order.buyer,
                to_entity=other,
                quantity=50,
                date="2024-06",
            )
        )
    records += [CashBalance(id=f"cash{c}", company=c, date="2025-03", amount="$1M") for c in ids]
    return Ledger(records)


def _through(as_of: str, year: int) -> str:
    """The report's 'through' of a fleet whose last row is of ``year``, as of ``as_of``."""
    last_day = pd.Period(as_of, "D" if len(as_of) == 10 else "M").end_time.normalize()
    return as_of if pd.Timestamp(f"{year}-12-31") > last_day else str(year)


@pytest.mark.parametrize("seed", range(5))
def test_report_fleet_per_company_and_sku(seed: int) -> None:
    """Each company's SKUs in the report: the totals over the fleet's yearly rows of that
    company and SKU, and the position and units on hand of its last row (read here one group
    at a time, as a reader of the frame would)."""
    led = _fleet_ledger(seed)
    fleet = ac.gpu_fleet(led, freq="Y").frame
    assert len(fleet)
    out = {c["id"]: c for c in report(led)["companies"]}
    expected: dict[str, dict[str, Any]] = {}
    for (company, sku), rows in fleet.groupby(["entity", "sku"], sort=True, observed=True):
        if company not in out:
            continue
        last = rows.iloc[-1]
        expected.setdefault(str(company), {})[str(sku)] = {
            **{k: int(rows[k].sum()) for k in ("ordered", "scheduled", "delivered")},
            "moved_in": int(rows["moved_in"].sum()),
            "moved_out": int(rows["moved_out"].sum()),
            "position": int(last["position"]),
            "on_hand": int(last["on_hand"]),
            # the fleet's last year, or the report date when that year ends after it
            "through": _through(str(out[str(company)]["as_of"]), last["period"].year),
        }
    assert expected
    for company, got in out.items():
        skus = (got.get("fleet") or {}).get("skus", {})
        assert skus == expected.get(company, {})
        assert list(skus) == sorted(skus)


# -- reallocations of unpriced orders: the SKU's implied price (one search per SKU) -------------


def _implied_ledger(seed: int) -> Ledger:
    """Orders of three SKUs over sparse dates, about half priced (a total), the others not;
    GPUs of unpriced orders moved on dates before, between and after the priced ones, some of
    the same day as a price (ties), one of a SKU nobody priced."""
    rng = random.Random(seed)
    records: list[Any] = [*_companies(3), Entity(id="chip", name="Chip", type="chip_vendor")]
    skus = ("H100", "B200", "MI300")
    orders = []
    for i in range(16):
        priced = rng.random() < 0.5
        order = GPUOrder(
            id=f"o{i}",
            buyer=rng.choice(("co0", "co1", "co2")),
            vendor="chip",
            sku=rng.choice(skus[:2]) if priced else rng.choice(skus),
            quantity=1000,
            order_date=_month(rng, (2021, 2024)),
            **({"total": f"${rng.randint(20, 40)}M"} if priced else {}),
        )
        orders.append(order)
    records += orders
    for i, order in enumerate(o for o in orders if o.total is None):
        other = rng.choice([c for c in ("co0", "co1", "co2") if c != order.buyer])
        when = rng.choice((_month(rng, (2020, 2025)), str(order.order_date)))
        records.append(
            GPUReallocation(
                id=f"g{i}",
                order=order.id,
                sku=order.sku,
                from_entity=order.buyer,
                to_entity=other,
                quantity=100,
                date=when,
            )
        )
    return Ledger(records)


@pytest.mark.parametrize("seed", range(8))
def test_unpriced_reallocations_take_the_skus_price_by_their_date(seed: int) -> None:
    """A move of an unpriced order is valued at its SKU's last purchase price (in the price
    table's order) dated on or before the move's first day, else at the SKU's last price; a
    SKU without prices gives none (read here one move at a time)."""
    from aicapex.analysis.unitprices import gpu_prices

    led = _implied_ledger(seed)
    prices = gpu_prices(led).frame
    purchase = prices[prices["unit_usd"].notna()].reset_index(drop=True)
    moves = ac.reallocations(led).frame
    moved = {r.id: r for r in led.records("gpu_reallocations")}
    assert len(moves)
    for row in moves.itertuples(index=False):
        move = moved[str(row.reallocation)]
        same = purchase[purchase["sku"].astype(object) == move.sku]
        if same.empty:
            assert pd_isna(row.price_record)
            continue
        day = np.datetime64(move.date.sort_key()[0], "ns")
        before = same[same["date"].to_numpy("datetime64[ns]") <= day]
        chosen = (before if len(before) else same).iloc[-1]
        assert row.price_record == chosen["record"]
        assert row.price_basis == f"implied price of {move.sku} ({chosen['basis']})"


def pd_isna(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))
