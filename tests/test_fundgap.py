"""Funding efforts (aicapex.analysis.fundgap) on ledgers of many shapes: several companies and
efforts, rounds of every status naming them, tranches committed, disbursed or cancelled,
rounds naming no effort. Expected figures are summed here from the records by the rule the
module documents: committed is the money of committed and closed rounds (their tranches
committed or disbursed), disbursed the money that arrived."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.fundgap import funding_gap

COMPANIES = ("acme", "beta")
STATUSES = ("committed", "closed", "announced", "cancelled", "rumoured")

_round = st.fixed_dictionaries(
    {
        "effort": st.integers(-1, 3),  # -1: names no effort
        "status": st.sampled_from(STATUSES),
        "millions": st.integers(1, 40),
        # tranches (millions, status), each at most the round's amount in total
        "tranches": st.lists(
            st.tuples(st.integers(1, 10), st.sampled_from(["committed", "disbursed", "cancelled"])),
            max_size=3,
        ),
    }
)


def _ledger(
    efforts: list[tuple[str, int]], rounds: list[dict[str, object]]
) -> tuple[ac.Ledger, dict[str, tuple[float, float, list[str]]]]:
    """The ledger, and per effort id: (committed, disbursed, rounds) from the records."""
    records: list[ac.Record] = [ac.Source(id="s", outlet="o", title="t", date="2024")]
    records += [ac.Entity(id=c, name=c.title(), type="company") for c in COMPANIES]
    records.append(ac.Entity(id="fund", name="Fund", type="investor"))
    want: dict[str, tuple[float, float, list[str]]] = {}
    for i, (company, millions) in enumerate(efforts):
        records.append(
            ac.FundingRound(  # type: ignore[call-arg]
                id=f"e{i}",
                company=company,
                date="2024-01",
                amount=f"${millions}M",
                status="sought",
                sources=["s"],
            )
        )
        want[f"e{i}"] = (0.0, 0.0, [])
    for j, r in enumerate(rounds):
        effort = int(r["effort"])  # type: ignore[call-overload]
        named = f"e{effort}" if 0 <= effort < len(efforts) else None
        company = efforts[effort][0] if named else COMPANIES[j % 2]
        tranches = list(r["tranches"])  # type: ignore[call-overload]
        amount = max(int(r["millions"]), sum(m for m, _ in tranches))  # type: ignore[call-overload]
        records.append(
            ac.FundingRound(  # type: ignore[call-arg]
                id=f"r{j}",
                company=company,
                date="2024-03",
                amount=f"${amount}M",
                status=r["status"],
                effort=named,
                investors=[{"investor": "fund"}],
                tranches=[
                    {"amount": f"${m}M", "status": s, "date": "2024-04"} for m, s in tranches
                ],
                sources=["s"],
            )
        )
        if named is None:
            continue
        committed, disbursed, listed = want[named]
        listed.append(f"r{j}")
        if r["status"] in ("committed", "closed"):
            if tranches:  # the tranches say what moved; the rest of the round did not
                committed += sum(m for m, s in tranches if s != "cancelled") * 1e6
                disbursed += sum(m for m, s in tranches if s == "disbursed") * 1e6
                rest = amount - sum(m for m, _ in tranches)
            else:
                rest = amount
            committed += rest * 1e6
            disbursed += rest * 1e6 if r["status"] == "closed" else 0.0
        want[named] = (committed, disbursed, listed)
    return ac.Ledger(records), want


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(COMPANIES), st.integers(1, 100)), min_size=1, max_size=4),
    st.lists(_round, max_size=8),
)
def test_each_effort_sums_the_rounds_naming_it(
    efforts: list[tuple[str, int]], rounds: list[dict[str, object]]
) -> None:
    led, want = _ledger(efforts, rounds)
    frame = funding_gap(led).frame
    assert list(frame["effort"]) == [f"e{i}" for i in range(len(efforts))]
    for row in frame.to_dict("records"):
        committed, disbursed, listed = want[row["effort"]]
        sought = float(efforts[int(row["effort"][1:])][1]) * 1e6
        assert row["sought_usd"] == sought
        assert row["committed_usd"] == committed, row
        assert row["disbursed_usd"] == disbursed, row
        assert row["shortfall_usd"] == sought - committed
        assert row["rounds"] == ",".join(sorted(listed))
    # one company at a time: that company's rows of the whole
    for company in COMPANIES:
        alone = funding_gap(led, company).frame
        part = frame[frame["company"] == company].reset_index(drop=True)
        assert alone.to_dict("records") == part.to_dict("records")
    used = set(funding_gap(led).records)
    assert {f"e{i}" for i in range(len(efforts))} <= used
    assert {r for _, _, listed in want.values() for r in listed} <= used


def test_no_efforts_give_the_documented_columns() -> None:
    led, _ = _ledger([], [])
    frame = funding_gap(led).frame
    assert frame.empty
    assert list(frame.columns) == [
        "effort", "company", "date", "sought_usd", "sought_low_usd", "sought_high_usd",
        "committed_usd", "disbursed_usd", "shortfall_usd", "rounds",
    ]  # fmt: skip
