"""GPU reallocations checked against the orders they name (``aicapex.checks.gpus``): another SKU
than the order's and more units than the order are refused at load, located; units passed on
that the ledger does not show held are warnings. Figures worked by hand from the records here.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex import LedgerError, Problem
from aicapex.records import GPUOrder, GPUReallocation, Source

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
- {id: t, outlet: Other, title: Another report, date: 2024-07}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
"""

TWO_ORDERS = """
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
- {id: o2, buyer: b, vendor: v, sku: B200, quantity: 50, order_date: 2024-02, sources: [s]}
"""


def _path(ledger_text: LedgerText, body: str) -> Path:
    return ledger_text(textwrap.dedent(HEAD).lstrip("\n") + textwrap.dedent(body).lstrip("\n"))


def _problems(path: Path) -> tuple[Problem, ...]:
    """Every problem of loading ``path``, errors and warnings (none: ())."""
    try:
        ledger = ac.load(path)
    except LedgerError as exc:
        return exc.problems
    return ledger.warnings


def _line(path: Path, text: str) -> int:
    """The 1-based line of ``path`` holding ``text`` (once)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = [i + 1 for i, line in enumerate(lines) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def _last(ledger: ac.Ledger, freq: str = "Y") -> dict[tuple[str, str], int]:
    """Each entity's and SKU's last position."""
    frame = ac.gpu_fleet(ledger, freq=freq).frame.groupby(["entity", "sku"]).tail(1)
    rows = zip(frame["entity"], frame["sku"], frame["position"], strict=True)
    return {(e, k): int(p) for e, k, p in rows}


# --- ledgers that load, figures by hand --------------------------------------------------------


def test_two_orders_partial_moves_and_one_passed_on(ledger_text: LedgerText) -> None:
    # a's 100 H100: 40 to b, of which b passes 30 on to c; b's 50 B200: 50 to c.
    # Positions: a 100 - 40 = 60, b 40 - 30 = 10 H100 and 50 - 50 = 0 B200, c 30 H100, 50 B200.
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 40, date: 2024-03, sources: [s]}
- {id: r2, order: o1, sku: H100, from_entity: b, to_entity: c, quantity: 30, date: 2024-04,
   sources: [s]}
- {id: r3, order: o2, from_entity: b, to_entity: c, quantity: 50, date: 2024-05, sources: [s]}
""",
    )
    ledger = ac.load(path)
    assert ledger.warnings == ()
    assert _last(ledger) == {
        ("a", "H100"): 60,
        ("b", "B200"): 0,
        ("b", "H100"): 10,
        ("c", "B200"): 50,
        ("c", "H100"): 30,
    }


def test_units_that_come_back_can_go_out_again(ledger_text: LedgerText) -> None:
    # a gives b all 100, b gives 30 back, a gives those 30 to c: a moves 130 out of an order of
    # 100, no more than it had (100 + 30). Positions: a 0, b 70, c 30.
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 100, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: b, to_entity: a, quantity: 30, date: 2024-04, sources: [s]}
- {id: r3, order: o1, from_entity: a, to_entity: c, quantity: 30, date: 2024-05, sources: [s]}
""",
    )
    ledger = ac.load(path)
    assert ledger.warnings == ()
    last = _last(ledger)
    assert (last[("a", "H100")], last[("b", "H100")], last[("c", "H100")]) == (0, 70, 30)


def test_two_reports_of_one_move_count_once(ledger_text: LedgerText) -> None:
    # One move of a to b in March, 70 by s and 80 by t: reports of one fact, counted once at
    # the smaller (70 <= 100), plus 20 to c: 90 in all. Not refused.
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 70, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: a, to_entity: b, quantity: 80, date: 2024-03, sources: [t]}
- {id: r3, order: o1, from_entity: a, to_entity: c, quantity: 20, date: 2024-04, sources: [s]}
""",
    )
    assert _problems(path) == ()


def test_the_warning_counts_the_report_an_analysis_may_take(ledger_text: LedgerText) -> None:
    # One move of a to b in March, 60 by s and 80 by t (published later), plus 30 to c. No
    # error: at the smaller report a moves 60 + 30 = 90 of 100. But gpu_fleet takes the latest
    # report (80) and shows a at 100 - 80 - 30 = -10: a warning (it took the smaller, 90 of 100,
    # and said nothing).
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 60, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: a, to_entity: b, quantity: 80, date: 2024-03, sources: [t]}
- {id: r3, order: o1, from_entity: a, to_entity: c, quantity: 30, date: 2024-04, sources: [s]}
""",
    )
    ledger = ac.load(path)
    assert _last(ledger)[("a", "H100")] == -10
    (warning,) = ledger.warnings
    assert (warning.code, warning.record_id, warning.field) == (
        "reallocated-beyond-held",
        "r3",
        "quantity",
    )
    assert warning.found == "30, 110 in all"
    assert "at most the 100 GPUs it holds" in warning.expected
    assert "10 of them short" in warning.expected


def test_moves_without_an_order_are_not_checked(ledger_text: LedgerText) -> None:
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, from_entity: c, to_entity: b, sku: B200, quantity: 500, date: 2024-03, sources: [s]}
""",
    )
    assert _problems(path) == ()


def test_the_bundled_ledger_has_no_problem_of_these_checks(bundled: ac.Ledger) -> None:
    codes = {"sku-not-order", "reallocated-above-order", "reallocated-beyond-held"}
    assert not [w for w in bundled.warnings if w.code in codes]
    assert bundled.records("gpu_reallocations")  # the Tesla and X exchange: checked, no problem


# --- errors: impossible ------------------------------------------------------------------------


def test_another_sku_than_the_orders_is_refused_located(ledger_text: LedgerText) -> None:
    # without the check, a's B200 position was -40 and b's H100 units came from nowhere
    body = TWO_ORDERS + (
        "gpu_reallocations:\n"
        "- id: r1\n"
        "  order: o1\n"
        "  sku: B200\n"
        "  from_entity: a\n"
        "  to_entity: b\n"
        "  quantity: 40\n"
        "  date: 2024-03\n"
    )
    path = _path(ledger_text, body)
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    (p,) = info.value.problems
    assert (p.file, p.line, p.kind, p.index, p.record_id, p.field, p.code, p.severity) == (
        str(path),
        _line(path, "  sku: B200"),
        "gpu_reallocations",
        0,
        "r1",
        "sku",
        "sku-not-order",
        "error",
    )
    assert p.expected == (
        "the SKU of its order 'o1', 'H100' as written (or no sku: the order's is taken)"
    )
    assert p.found == "'B200'"
    assert str(p) == (
        f"{path}:{p.line}: gpu_reallocations[0] r1: sku: expected the SKU of its order 'o1', "
        "'H100' as written (or no sku: the order's is taken), got 'B200'"
    )


def test_one_move_above_its_order(ledger_text: LedgerText) -> None:
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o2, from_entity: b, to_entity: c, quantity: 60, date: 2024-03, sources: [s]}
""",
    )
    (p,) = _problems(path)
    assert (p.line, p.record_id, p.field, p.code) == (
        _line(path, "id: r1"),
        "r1",
        "quantity",
        "reallocated-above-order",
    )
    assert (p.expected, p.found) == ("at most the order's 50 GPUs", "60")


def test_moves_of_one_order_adding_up_to_more(ledger_text: LedgerText) -> None:
    # 70 + 50 = 120 of a's 100 H100 (the fleet showed a at -20): refused at the last of them
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 70, date: 2024-03, sources: [s]}
- {id: r2, order: o2, from_entity: b, to_entity: c, quantity: 50, date: 2024-03, sources: [s]}
- {id: r3, order: o1, from_entity: a, to_entity: c, quantity: 50, date: 2024-05, sources: [s]}
""",
    )
    (p,) = _problems(path)
    assert (p.file, p.line, p.index, p.record_id, p.field, p.code) == (
        str(path),
        _line(path, "id: r3"),
        2,
        "r3",
        "quantity",
        "reallocated-above-order",
    )
    assert p.expected == (
        "reallocations of 'o1' from 'a' moving at most the order's 100 GPUs (besides 70 (r1))"
    )
    assert p.found == "50, 120 in all"


def test_passing_on_more_than_the_order_and_what_came_back(ledger_text: LedgerText) -> None:
    # b got 30 of o1 and passes on 140: more than o1's 100 plus the 30 (hard claims)
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 30, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: b, to_entity: c, quantity: 140, date: 2024-04, sources: [s]}
""",
    )
    (p,) = _problems(path)
    assert (p.record_id, p.code) == ("r2", "reallocated-above-order")
    assert p.expected == (
        "at most the order's 100 GPUs and the 30 reallocations of it gave 'b' (30 (r1))"
    )
    assert p.found == "140"


def test_one_report_above_the_order_is_refused_whatever_the_other_says(
    ledger_text: LedgerText,
) -> None:
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 70, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: a, to_entity: b, quantity: 120, date: 2024-03, sources: [t]}
""",
    )
    (p,) = _problems(path)
    assert (p.record_id, p.code, p.expected, p.found) == (
        "r2",
        "reallocated-above-order",
        "at most the order's 100 GPUs",
        "120",
    )


def test_sku_and_quantity_problems_together(ledger_text: LedgerText) -> None:
    """Every problem at once: one move of another SKU, and two orders over their units."""
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, sku: h100, from_entity: a, to_entity: b, quantity: 101, date: 2024-03,
   sources: [s]}
- {id: r2, order: o2, from_entity: b, to_entity: c, quantity: 30, date: 2024-03, sources: [s]}
- {id: r3, order: o2, from_entity: b, to_entity: a, quantity: 30, date: 2024-04, sources: [s]}
""",
    )
    got = sorted((p.record_id, p.field, p.code) for p in _problems(path))
    assert got == [
        ("r1", "quantity", "reallocated-above-order"),
        ("r1", "sku", "sku-not-order"),
        ("r3", "quantity", "reallocated-above-order"),
    ]


# --- ranges and bounds: hard claims refuse, base figures warn ---------------------------------

RANGE_ORDER = """
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: '10,000 to 12,000', order_date: 2024-01,
   sources: [s]}
gpu_reallocations:
"""


@pytest.mark.parametrize(
    ("moves", "problem"),
    [
        # 12,000 of an order of 10,000 to 12,000: possible (at most 12,000), but the GPU tables
        # count the order at its midpoint, 11,000: a warning (the fleet shows a at -1,000)
        (
            ["'12,000'"],
            (
                "reallocated-beyond-held",
                "reallocations of 'o1' from 'a' moving at most the 11,000 GPUs it holds by the "
                "base figures the GPU tables count (the order's 10,000 to 12,000) (gpu_fleet "
                "would show 'a' 1,000 of them short; possible within the figures' ranges: this "
                "is a warning)",
                "12,000",
            ),
        ),
        # 12,001: above the order's high end
        (
            ["'12,001'"],
            (
                "reallocated-above-order",
                "at most the order's 10,000 to 12,000 GPUs (at most 12,000)",
                "12,001",
            ),
        ),
        # a move of 11,000 to 13,000 claims at least 11,000: possible; counted as 12,000
        (
            ["'11,000 to 13,000'"],
            (
                "reallocated-beyond-held",
                "reallocations of 'o1' from 'a' moving at most the 11,000 GPUs it holds by the "
                "base figures the GPU tables count (the order's 10,000 to 12,000) (gpu_fleet "
                "would show 'a' 1,000 of them short; possible within the figures' ranges: this "
                "is a warning)",
                "11,000 to 13,000, counted as 12,000",
            ),
        ),
        # two ranges: at least 6,000 + 7,000 = 13,000 above the 12,000: refused
        (
            ["'6,000 to 7,000'", "'7,000 to 8,000'"],
            (
                "reallocated-above-order",
                "reallocations of 'o1' from 'a' moving at most the order's 10,000 to 12,000 "
                "GPUs (at most 12,000) (besides 6,000 to 7,000 (r0))",
                "7,000 to 8,000, at least 13,000 in all",
            ),
        ),
        # about 13,000 claims no hard low end: a warning by the base figures (13,000 > 11,000)
        (["'about 13,000'"], ("reallocated-beyond-held", None, "about 13,000")),
        # within the range by every figure: 5,000 and 6,000 of a midpoint of 11,000
        (["5000", "'6,000'"], None),
    ],
)
def test_ranges(
    ledger_text: LedgerText, moves: list[str], problem: tuple[str, str | None, str] | None
) -> None:
    lines = [
        f"- {{id: r{i}, order: o1, from_entity: a, to_entity: {'bc'[i]}, quantity: {q}, "
        f"date: 2024-0{i + 3}, sources: [s]}}"
        for i, q in enumerate(moves)
    ]
    path = _path(ledger_text, RANGE_ORDER + "\n".join(lines) + "\n")
    problems = _problems(path)
    if problem is None:
        assert problems == ()
        return
    (p,) = problems
    code, expected, found = problem
    assert (p.code, p.record_id, p.field, p.found) == (
        code,
        f"r{len(moves) - 1}",
        "quantity",
        found,
    )
    assert p.line == _line(path, f"id: r{len(moves) - 1},")
    if expected is not None:
        assert p.expected == expected


def test_open_ends_refuse_nothing(ledger_text: LedgerText) -> None:
    # an order of more than 12,000 has no upper limit, and about 12,000 claims none either: a
    # move of 20,000 is possible, a warning by the base figures (20,000 > 12,000)
    for order in ("'more than 12,000'", "'about 12,000'", "'at least 12,000'"):
        body = RANGE_ORDER.replace("'10,000 to 12,000'", order) + (
            "- {id: r0, order: o1, from_entity: a, to_entity: b, quantity: 20000, "
            "date: 2024-03, sources: [s]}\n"
        )
        (p,) = _problems(_path(ledger_text, body))
        assert (p.code, p.severity, p.found) == ("reallocated-beyond-held", "warning", "20,000")
    body = RANGE_ORDER.replace("'10,000 to 12,000'", "'up to 12,000'") + (
        "- {id: r0, order: o1, from_entity: a, to_entity: b, quantity: 'more than 13,000', "
        "date: 2024-03, sources: [s]}\n"
    )
    (p,) = _problems(_path(ledger_text, body))  # up to 12,000: at most; more than 13,000: more
    assert (p.code, p.found) == ("reallocated-above-order", "more than 13,000")


# --- warnings: implausible but possible ---------------------------------------------------------


def test_a_move_from_an_entity_holding_none_of_the_order(ledger_text: LedgerText) -> None:
    # c neither bought o1 nor was given any of it: the fleet counts 25 H100 out of c (-25)
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: c, to_entity: b, quantity: 25, date: 2024-03, sources: [s]}
""",
    )
    ledger = ac.load(path)  # loads: a warning
    (p,) = ledger.warnings
    assert (p.file, p.line, p.record_id, p.field, p.code, p.severity) == (
        str(path),
        _line(path, "id: r1"),
        "r1",
        "from_entity",
        "reallocated-beyond-held",
        "warning",
    )
    assert p.expected == (
        "an entity holding units of its order 'o1': its buyer 'a', or one a reallocation of it "
        "gave some to (gpu_fleet counts its 25 GPUs out of the position of 'c'; possible if the "
        "move that gave them is missing: this is a warning)"
    )
    assert p.found == "'c'"
    assert str(p).startswith(f"{path}:{p.line}: warning: gpu_reallocations[0] r1: from_entity: ")
    assert _last(ledger)[("c", "H100")] == -25
    with pytest.raises(LedgerError):
        ac.load(path, strict=True)


def test_passing_on_more_than_was_given(ledger_text: LedgerText) -> None:
    # b was given 30 and passes on 45 (at most o1's 100 + 30: possible if a move is missing)
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 30, date: 2024-03, sources: [s]}
- {id: r2, order: o1, from_entity: b, to_entity: c, quantity: 20, date: 2024-04, sources: [s]}
- {id: r3, order: o1, from_entity: b, to_entity: a, quantity: 25, date: 2024-05, sources: [s]}
""",
    )
    ledger = ac.load(path)
    (p,) = ledger.warnings
    assert (p.record_id, p.field, p.code) == ("r3", "quantity", "reallocated-beyond-held")
    assert p.expected == (
        "reallocations of 'o1' from 'b' moving at most the 30 GPUs it holds by the base figures "
        "the GPU tables count (30 (r1) given to 'b') (besides 20 (r2)) (gpu_fleet would show "
        "'b' 15 of them short; possible if a move that gave it units is missing, or within the "
        "figures' ranges: this is a warning)"
    )
    assert p.found == "25, 45 in all"
    assert _last(ledger)[("b", "H100")] == 30 - 45


# --- in memory and with other problems ---------------------------------------------------------


def test_records_built_in_memory() -> None:
    source = Source(id="s", outlet="Example", title="A report", date="2024-06")
    order = GPUOrder(id="o1", buyer="a", vendor="v", sku="H100", quantity=100, order_date="2024-01")
    move = GPUReallocation(
        id="r1", order="o1", sku="B200", from_entity="a", to_entity="b", quantity=150,
        date="2024-03",
    )  # fmt: skip
    entities = [ac.Entity(id=e, name=e.upper(), type="company") for e in ("a", "b", "v")]
    with pytest.raises(LedgerError) as info:
        ac.Ledger([source, *entities, order, move])
    got = sorted((p.record_id, p.field, p.code, p.file, p.line) for p in info.value.problems)
    assert got == [
        ("r1", "quantity", "reallocated-above-order", None, None),
        ("r1", "sku", "sku-not-order", None, None),
    ]


def test_a_move_of_an_unknown_order_is_only_a_reference_problem(ledger_text: LedgerText) -> None:
    path = _path(
        ledger_text,
        TWO_ORDERS
        + """
gpu_reallocations:
- {id: r1, order: o9, sku: B200, from_entity: a, to_entity: b, quantity: 500, date: 2024-03,
   sources: [s]}
""",
    )
    assert [(p.field, p.code) for p in _problems(path)] == [("order", "unknown-reference")]
