"""Every problem of a scenarios file's adjustment at once: each of its own argument, located at
its line, with the message and code Python's maker gives for that argument alone; those that
only follow from another argument refused (an unknown ``do``, a ``kind``, a ``start``) are not
said. A bad-input sweep of the bundled ``data/stability_ai.scenarios.yaml`` gives located
problems, never a traceback."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.errors import CODES
from aicapex.files import parse_document
from aicapex.scenarios import read_scenarios
from aicapex.scenarios.adjust import add_flow, growth, scale
from aicapex.scenarios.book import AdjustmentError
from aicapex.scenarios.rounds import delay, disburse

DATA = Path(__file__).resolve().parents[1] / "data"
BUNDLED = DATA / "stability_ai.scenarios.yaml"
HEAD = "aicapex: 1\nentity: acme\nscenarios:\n- name: base\n"


def _problems(tmp_path: Path, text: str) -> list[ac.Problem]:
    path = tmp_path / "acme.scenarios.yaml"
    path.write_text(text)
    with pytest.raises(ac.LedgerError) as exc:
        read_scenarios(path)
    return sorted(exc.value.problems, key=lambda p: (p.index or 0, p.line or 0, p.field or ""))


def _said(maker: Any, **args: Any) -> tuple[str, str, str]:
    """What Python's maker says of ``args`` (one bad argument): expected, found, code."""
    with pytest.raises(AdjustmentError) as exc:
        maker(**args)
    return exc.value.expected, exc.value.found, exc.value.code


def _row(p: ac.Problem) -> tuple[Any, ...]:
    return (p.line, p.index, p.record_id, p.field, p.code)


def test_every_problem_of_one_adjustment(tmp_path: Path) -> None:
    text = HEAD + (
        "- name: resale\n"  # 5
        "  adjustments:\n"  # 6
        "  - do: add_flow\n"  # 7
        "    amount: 9999\n"  # 8
        "    kind: nope\n"  # 9
        "    start: 20x3\n"  # 10
        "    end: 20y4\n"  # 11
        "    label: [1]\n"  # 12
    )
    problems = _problems(tmp_path, text)
    # before: only the bare amount (1 problem); the user fixed it to meet the next, four times
    assert [_row(p) for p in problems] == [
        (8, 1, "resale", "adjustments.0.amount", "bad-money"),
        (9, 1, "resale", "adjustments.0.kind", "invalid-value"),
        (10, 1, "resale", "adjustments.0.start", "invalid-value"),
        (11, 1, "resale", "adjustments.0.end", "invalid-value"),
        (12, 1, "resale", "adjustments.0.label", "invalid-value"),
    ]
    assert all(p.file == str(tmp_path / "acme.scenarios.yaml") for p in problems)
    amount, kind, start, end, label = problems
    assert (amount.expected, amount.found) == (
        "money with a currency, e.g. '$9,999' or '9999 USD'",
        "9999",
    )
    # each as Python's add_flow says it of that argument alone
    ok = {"amount": "$5M", "start": "2024-01"}
    for problem, bad in [
        (kind, {"kind": "nope"}),
        (start, {"start": "20x3"}),
        (end, {"end": "20y4"}),
        (label, {"label": [1]}),
    ]:
        assert (problem.expected, problem.found, problem.code) == _said(add_flow, **{**ok, **bad})


def test_two_adjustments_of_one_scenario(tmp_path: Path) -> None:
    text = HEAD + (
        "- name: later\n"  # 5
        "  adjustments:\n"  # 6
        "  - do: disburse\n"  # 7
        "    tranche: -1\n"  # 8
        "    on: 2023-02-30\n"  # 9
        "  - do: delay\n"  # 10
        "    round: 5\n"  # 11
        "    months: -2\n"  # 12
        "    tranch: 0\n"  # 13
    )
    problems = _problems(tmp_path, text)
    # before: 2 (the missing round of the first, the unknown field of the second)
    assert [_row(p) for p in problems] == [
        (7, 1, "later", "adjustments.0.round", "missing-field"),
        (8, 1, "later", "adjustments.0.tranche", "invalid-value"),
        (9, 1, "later", "adjustments.0.on", "invalid-value"),
        (11, 1, "later", "adjustments.1.round", "invalid-value"),
        (12, 1, "later", "adjustments.1.months", "invalid-value"),
        (13, 1, "later", "adjustments.1.tranch", "unknown-field"),
    ]
    missing, tranche, on, round_, months, tranch = problems
    assert (missing.expected, missing.found) == ("this argument of disburse", "nothing")
    r = "stability-2023-intel"
    assert (tranche.expected, tranche.found, tranche.code) == _said(disburse, round=r, tranche=-1)
    assert (on.expected, on.found, on.code) == _said(disburse, round=r, on="2023-02-30")
    assert (round_.expected, round_.found, round_.code) == _said(delay, round=5)
    assert (months.expected, months.found, months.code) == _said(delay, round=r, months=-2)
    assert (
        tranch.expected == "an argument of delay (round, months, tranche) (did you mean 'tranche'?)"
    )


def test_two_scenarios(tmp_path: Path) -> None:
    text = HEAD + (
        "- name: cut\n"  # 5
        "  adjustments:\n"  # 6
        "  - do: scale\n"  # 7
        "    by: -1\n"  # 8
        "    start: 2024-01\n"  # 9
        "    end: 2020-01\n"  # 10
        "- name: grow\n"  # 11
        "  adjustments:\n"  # 12
        "  - do: growth\n"  # 13
        "    rate: -2\n"  # 14
        "    category: nope\n"  # 15
    )
    problems = _problems(tmp_path, text)
    # before: 2 (by, rate: the first of each)
    assert [_row(p) for p in problems] == [
        (8, 1, "cut", "adjustments.0.by", "invalid-value"),
        (10, 1, "cut", "adjustments.0.end", "invalid-value"),
        (14, 2, "grow", "adjustments.0.rate", "invalid-value"),
        (15, 2, "grow", "adjustments.0.category", "invalid-value"),
    ]
    by, end, rate, category = problems
    assert (by.expected, by.found) == _said(scale, by=-1)[:2]
    assert (end.expected, end.found) == _said(scale, by=1, start="2024-01", end="2020-01")[:2]
    assert end.expected == "a month on or after the start (2024-01)"
    assert (rate.expected, rate.found) == _said(growth, rate=-2)[:2]
    assert (category.expected, category.found) == _said(growth, rate=0.1, category="nope")[:2]


@pytest.mark.parametrize(
    ("adjustment", "fields"),
    [
        # an unknown do: its arguments are no adjustment's (no 'unknown field' of add_flow's)
        ("{do: add_flw, amount: $5M, kind: revenues, start: 2024-01, nope: 1}", ["do"]),
        # a kind refused: the category of a kind and the amount's sign are not checked
        (
            "{do: add_flow, amount: '-$5M', kind: nope, category: compute_resale, start: 2024-01}",
            ["kind"],
        ),
        # a start refused: the end is checked as a date, not against the start
        ("{do: add_flow, amount: $5M, start: 20x3, end: 2020-01}", ["start"]),
        ("{do: add_flow, amount: $5M, start: 20x3, end: 2020-13}", ["start", "end"]),
        # start missing (said at the adjustment) beside a bad label: before, start alone
        ("{do: add_flow, amount: $5M, label: [1]}", ["label", "start"]),
        # a round missing and a bad tranche: before, the round alone
        ("{do: cancel, tranche: x}", ["round", "tranche"]),
        # a record refused: the end checked as a date only
        ("{do: remove, record: '', start: zz, end: 2020-01}", ["record", "start"]),
        ("{do: pay, bills: 5, on: 2023-13, x: 1}", ["bills", "on", "x"]),
    ],
)
def test_fields_that_depend_on_a_refused_one(
    tmp_path: Path, adjustment: str, fields: list[str]
) -> None:
    text = HEAD + f"- name: s\n  adjustments:\n  - {adjustment}\n"
    problems = _problems(tmp_path, text)
    assert sorted(p.field for p in problems) == sorted(f"adjustments.0.{f}" for f in fields)
    assert {p.line for p in problems} == {7}


def test_python_adjustments_say_their_problems_as_before() -> None:
    with pytest.raises(AdjustmentError, match="start: expected the flow's first month"):
        add_flow("acme", "$5M")
    with pytest.raises(AdjustmentError, match="kind: expected revenues, expenses or funding"):
        add_flow("acme", "$5M", kind="nope")
    assert add_flow("acme", "$5M", start="2024-01").start == "2024-01"


# -- a bad-input sweep of the bundled file ----------------------------------------------------

BAD = ["''", "x", "-1", "1e400", "[]", "{}", "true", "'" + "a" * 300 + "'"]


def _bundled() -> Any:
    data, problems = parse_document(BUNDLED.read_text(), str(BUNDLED))
    assert not problems
    return data


def _scalars(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [q for k, v in node.items() for q in _scalars(v, (*path, k))]
    if isinstance(node, list):
        return [q for i, v in enumerate(node) for q in _scalars(v, (*path, i))]
    return [path]


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:float", str(v)))


def _mutated(data: Any, paths: list[tuple[Any, ...]], token: str) -> str:
    d = copy.deepcopy(data)
    for path in paths:
        node = d
        for p in path[:-1]:
            node = node[p]
        node[path[-1]] = "__BAD__"
    return yaml.dump(d, Dumper=_Dumper, sort_keys=False, width=1000).replace("__BAD__", token)


@pytest.fixture(scope="module")
def stability() -> ac.Ledger:
    return ac.load(DATA / "stability_ai.yaml")


def _check(path: Path, ledger: ac.Ledger) -> list[ac.Problem]:
    try:
        read_scenarios(path, ledger)
    except ac.LedgerError as exc:
        for p in exc.problems:
            assert p.file == str(path), p
            assert isinstance(p.line, int), p
            assert p.line >= 1, p
            assert p.code in CODES, p
        return list(exc.problems)
    return []


def test_sweep_of_each_scalar(tmp_path: Path, stability: ac.Ledger) -> None:
    data = _bundled()
    paths = _scalars(data)
    assert len(paths) == 40
    path = tmp_path / "stability_ai.scenarios.yaml"
    failing = 0
    for where in paths:
        for token in BAD:
            path.write_text(_mutated(data, [where], token))
            problems = _check(path, stability)
            failing += bool(problems)
            for p in problems:  # each at the scalar changed, or its list or scenario
                if where[0] == "scenarios" and p.index is not None:
                    assert p.index == where[1], (where, token, p)
    assert failing >= 250  # 262 of the 320 (a note, a name or an id may take 'x' or 300 a's)


def test_sweep_of_every_argument_of_an_adjustment_at_once(
    tmp_path: Path, stability: ac.Ledger
) -> None:
    data = _bundled()
    path = tmp_path / "stability_ai.scenarios.yaml"
    for i, scenario in enumerate(data["scenarios"]):
        for j, adjustment in enumerate(scenario.get("adjustments", [])):
            args = [("scenarios", i, "adjustments", j, k) for k in adjustment if k != "do"]
            for token in BAD:
                path.write_text(_mutated(data, args, token))
                problems = _check(path, stability)
                fields = {p.field for p in problems}
                assert fields <= {f"adjustments.{j}.{a[-1]}" for a in args}, (token, fields)
                # more than one argument said when more than one is wrong (before: one)
                if token in ("[]", "{}", "true"):
                    assert len(fields) >= 2, (i, j, token, fields)


@pytest.mark.parametrize("token", ["''", "1e400", "{}"])
def test_the_command_lists_the_problems(tmp_path: Path, token: str) -> None:
    for f in DATA.glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text())
    data = _bundled()
    args = [("scenarios", 4, "adjustments", 0, k) for k in ("amount", "kind", "start", "end")]
    (tmp_path / BUNDLED.name).write_text(_mutated(data, args, token))
    result = CliRunner().invoke(app, ["scenarios", str(tmp_path), "stability-ai"])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "4 problems in the scenarios files:" in result.output  # before: 1
    lines = [line for line in result.output.splitlines() if "scenarios.yaml:" in line]
    fields = [line.split("gpu-resale: ")[1].split(":")[0] for line in lines]
    assert sorted(fields) == [f"adjustments.0.{k}" for k in ("amount", "end", "kind", "start")]
