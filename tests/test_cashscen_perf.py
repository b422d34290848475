"""Work the report's scenarios share instead of repeating it (CASH-SCEN-PERF).

- A round's pieces (:func:`aicapex.scenarios.rounds.plan_of`) are kept with a ledger
  (:func:`~aicapex.scenarios.rounds.kept_plan`): a file's check binds each adjustment and its
  comparison binds each scenario again, each reading the same rounds. The memo must not confuse
  rounds nor entities (a round of another entity is refused, memo or not).
- The records in conflict a scenario that leaves records out compiles the flows without are
  searched only when one does (the setting keeps the ledger, not what a search found); a
  setting sent to an executor (pickled) carries what the search finds.

Beta's payroll of January to March 2024 is reported twice: $3M a month by a source of June 2024
(kept under conflicts 'latest') and $2M a month by one of April 2024; compute $1M a month. From
$12M at the end of March: 12 / (3 + 1) = 3 months; leaving the kept report out, the other
stands: 12 / (2 + 1) = 4 months (not 12 / 1 = 12: payroll is not left without a report).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.scenarios.book import AdjustmentError, Book
from aicapex.scenarios.context import as_adjustment, bind_scenario, evaluate, prepare
from aicapex.scenarios.rounds import kept_plan, plan_of

LEDGER = """\
aicapex: 1
sources:
- {id: src-old, outlet: Test, title: Old, date: 2024-04}
- {id: src-new, outlet: Test, title: New, date: 2024-06}
entities:
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
cash_balances:
- {id: beta-cash, sources: [src-old], company: beta, date: 2024-03, amount: $12M}
- {id: gamma-cash, sources: [src-old], company: gamma, date: 2024-03, amount: $6M}
expenses:
- {id: beta-payroll-old, sources: [src-old], company: beta, category: payroll,
   rate: $2M/month, date: 2024-01, until: 2024-03}
- {id: beta-payroll-new, sources: [src-new], company: beta, category: payroll,
   rate: $3M/month, date: 2024-01, until: 2024-03}
- {id: beta-compute, sources: [src-old], company: beta, category: compute, rate: $1M/month,
   date: 2024-01, until: 2024-03}
- {id: gamma-opex, sources: [src-old], company: gamma, category: opex, rate: $1M/month,
   date: 2024-01, until: 2024-03}
funding_rounds:
- id: beta-a
  sources: [src-old]
  company: beta
  date: 2024-06
  amount: $30M
  status: committed
  tranches:
  - {amount: $10M, date: 2024-05, status: committed}
- {id: beta-b, sources: [src-old], company: beta, date: 2024-09, amount: $8M, status: closed}
- {id: gamma-a, sources: [src-old], company: gamma, date: 2024-07, amount: $5M, status: closed}
"""


@pytest.fixture(scope="module")
def led(tmp_path_factory: pytest.TempPathFactory) -> ac.Ledger:
    path: Path = tmp_path_factory.mktemp("cashscen_perf") / "beta.yaml"
    path.write_text(LEDGER)
    return ac.load(path)


def _book(led: ac.Ledger, entity: str | None) -> Book:
    return prepare(led, entity, "2024-03")[1]


def test_kept_plans_are_the_records_plans_not_confused(led: ac.Ledger) -> None:
    beta = _book(led, "beta")
    # beta-a: its $10M tranche (committed) and the rest, $20M (committed); beta-b: $8M closed
    first = kept_plan(beta, "beta-a")
    assert [(p.index, p.usd, p.status) for p in first.pieces] == [
        (0, 10e6, "committed"),
        (None, 20e6, "committed"),
    ]
    assert kept_plan(beta, "beta-a") is first  # kept: not read again
    assert kept_plan(_book(led, "beta"), "beta-a") is first  # another book of the ledger
    other = kept_plan(beta, "beta-b")
    assert [(p.index, p.usd, p.status) for p in other.pieces] == [(None, 8e6, "disbursed")]
    assert other == plan_of(beta, "beta-b")
    # gamma's book: beta's rounds are refused though beta's were kept; gamma's own is its own
    gamma = _book(led, "gamma")
    with pytest.raises(AdjustmentError, match=r"expected a round of gamma, got 'beta-a' \(of beta"):
        kept_plan(gamma, "beta-a")
    assert kept_plan(gamma, "gamma-a").entity == "gamma"
    assert kept_plan(gamma, "gamma-a").pieces[0].usd == pytest.approx(5e6)
    # every entity (a sweep's book): the round's own company
    assert kept_plan(_book(led, None), "beta-a").entity == "beta"


def test_record_frames_are_read_each_time(led: ac.Ledger) -> None:
    frames = {k: led.frame(k) for k in ("funding_rounds", "tranches", "cash_balances")}
    book = Book(frames, led.flows(), "beta", "2024-03")
    plan = kept_plan(book, "beta-a")
    assert plan == plan_of(book, "beta-a")
    assert kept_plan(book, "beta-a") is not plan  # no ledger to keep it with


def test_a_scenario_leaving_out_a_conflicting_report_lets_the_other_stand(
    led: ac.Ledger,
) -> None:
    assert ac.runway(led, "beta", as_of="2024-03").months == pytest.approx(3.0)
    table = ac.compare(
        led,
        "beta",
        [ac.Scenario("base"), ac.Scenario("old", [ac.Exclude(["beta-payroll-new"])])],
        as_of="2024-03",
    ).frame
    assert table["months"].tolist() == pytest.approx([3.0, 4.0])


def test_a_pickled_setting_carries_the_conflicts_found(led: ac.Ledger) -> None:
    setting, book = prepare(led, "beta", "2024-03")
    bound = bind_scenario("old", [as_adjustment(ac.Exclude(["beta-payroll-new"]))], book)
    copy = pickle.loads(pickle.dumps(setting))
    assert not isinstance(copy.conflicting, ac.Ledger)
    assert copy.conflicting is not None
    assert "beta-payroll-new" in copy.conflicting.group
    here, there = evaluate(setting, bound), evaluate(copy, bound)
    assert here.frame["months"].item() == pytest.approx(4.0)
    assert there.frame["months"].item() == pytest.approx(4.0)
    assert list(here.records) == list(there.records)


def test_paths_are_built_when_read(led: ac.Ledger) -> None:
    names = ["base", "old"]
    table = ac.compare(
        led,
        "beta",
        [ac.Scenario("base"), ac.Scenario("old", [ac.Exclude(["beta-payroll-new"])])],
        as_of="2024-03",
    )
    assert list(table.paths) == names
    assert len(table.paths) == 2
    assert "gone" not in table.paths
    with pytest.raises(KeyError, match="no scenario 'gone'"):
        table.path("gone")
    runway = ac.runway(led, "beta", as_of="2024-03").explain()
    pd.testing.assert_frame_equal(table.path("base"), runway)
    assert table.path("base") is table.path("base")  # built once
    copy = pickle.loads(pickle.dumps(table))
    pd.testing.assert_frame_equal(copy.path("old"), table.path("old"))
    # leaving the $3M payroll report out, the $2M one stands: $3M a month out, $12M at the start
    old = table.path("old")
    assert old["closing"].iloc[:4].tolist() == pytest.approx([9e6, 6e6, 3e6, 0.0])


def test_books_are_kept_per_month_entity_policy_and_conflicts(led: ac.Ledger) -> None:
    book = _book(led, "beta")
    assert prepare(led, "beta", "2024-03-31")[1] is book  # the month's last day: its month
    assert prepare(led, "beta", "2024-04")[1] is not book
    assert prepare(led, "gamma", "2024-03")[1] is not book
    assert prepare(led, "beta", "2024-03", policy="committed")[1].policy == "committed"
    earliest = prepare(led, "beta", "2024-03", conflicts="earliest")[1]
    assert earliest is not book
    # the payroll report each resolution keeps: $3M a month (latest), $2M (earliest)
    for b, kept in ((book, "beta-payroll-new"), (earliest, "beta-payroll-old")):
        payroll = b.flows[(b.flows["category"] == "payroll").to_numpy()]
        assert set(payroll["record"].astype("object")) == {kept}
    # a book's streams by entity, found once each: not one entity's for another's
    every = _book(led, None)
    assert every.categories("beta") == ["compute", "payroll"]
    assert every.categories("gamma") == ["opex"]
    assert every.categories("beta") == ["compute", "payroll"]
    every.categories("beta").append("tax")  # a copy: the book's is not changed
    assert every.categories("beta") == ["compute", "payroll"]


# Stability AI's bills unpaid at the end of October 2023: AWS $1M (July) and $7M (August),
# Google Cloud $1M, CoreWeave $0.6M: $9.6M, paid at once under policy 'arrears' out of the $4M
# balance of 2023-10-31: the start is 4 - 9.6 = -$5.6M. Without the $7M bill: 4 - 2.6 = $1.4M.
AS_OF = "2023-10"


def _arrears_run(bundled: ac.Ledger, **kw: object) -> pd.DataFrame:
    runs = ac.runways(bundled, "stability-ai", as_of=AS_OF, policies=("arrears",), **kw)  # type: ignore[arg-type]
    return runs["arrears"].frame


def test_runways_read_the_bills_found_already(bundled: ac.Ledger) -> None:
    from aicapex.analysis.arrears import arrears

    found = arrears(bundled, as_of=AS_OF).frame
    plain = _arrears_run(bundled)
    assert plain["start_cash"].item() == pytest.approx(-5.6e6)
    pd.testing.assert_frame_equal(_arrears_run(bundled, arrears_at=found), plain)
    # the table given is what is paid: none unpaid by June, none paid
    none = arrears(bundled, as_of="2023-06").frame
    assert none.empty
    assert _arrears_run(bundled, arrears_at=none)["start_cash"].item() == pytest.approx(4e6)
    # with what-ifs the bills are found again (leaving a bill out changes what is unpaid)
    left = _arrears_run(bundled, arrears_at=none, exclude=["stability-aws-2023-08"])
    assert left["start_cash"].item() == pytest.approx(1.4e6)


class _Report:
    """What :func:`aicapex.reportcash.arrears_at` reads of a report's context."""

    def __init__(self) -> None:
        self.computed: dict[str, object] = {}

    def once(self, key: str, build: Callable[[], object]) -> object:
        if key not in self.computed:
            self.computed[key] = build()
        return self.computed[key]


def test_a_reports_bills_are_found_once_per_flows_and_dates(bundled: ac.Ledger) -> None:
    from aicapex.reportcash import arrears_at

    ctx, flows = _Report(), bundled.flows()
    october = arrears_at(ctx, flows, {"stability-ai": "2023-10-31"})
    assert october["outstanding_usd"].sum() == pytest.approx(9.6e6)
    assert arrears_at(ctx, flows, {"stability-ai": "2023-10-31"}) is october
    june = arrears_at(ctx, flows, {"stability-ai": "2023-06-30"})
    assert june.empty
    # other flows (the AWS bills left out): other bills, though the dates are the same
    aws = flows["payee"].astype("object").eq("aws").to_numpy()
    others = arrears_at(ctx, flows[~aws], {"stability-ai": "2023-10-31"})
    assert others["outstanding_usd"].sum() == pytest.approx(1.6e6)
    assert len(ctx.computed) == 3


def test_a_settings_builds_share_the_balances_with_spending(led: ac.Ledger) -> None:
    from aicapex.analysis.runway import runway_inputs

    setting, _ = prepare(led, "beta", "2024-03")
    added = ac.AddFlow("beta", "2024-05", 6e6, "bridge")
    for table in ((), (added,), (added, added)):
        built = setting.inputs(table)
        fresh = runway_inputs(led, "beta", "2024-03", adjust=list(table))
        assert built.assumptions == fresh.assumptions
        assert (built.start == fresh.start).all()
        assert (built.flows == fresh.flows).all()
    # $12M, $4M a month out, beta-b's $8M in September: 3 months (out at the end of June);
    # $6M in May: 12 - 8 + 6 = 10 at May's end, out half through August (4.5); twice: 16 at
    # May's end, 4 at August's, 8 at September's, 0 at November's: 8 months
    months = ac.compare(
        led,
        "beta",
        [ac.Scenario("base"), ac.Scenario("one", [added]), ac.Scenario("two", [added, added])],
        as_of="2024-03",
    ).frame["months"]
    assert months.tolist() == pytest.approx([3.0, 4.5, 8.0])
