"""Speed changes of the scenarios (same results): a comparison's frame is made once from its
scenarios' columns, not a frame per scenario concatenated (the former way is the reference)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

import aicapex as ac
from aicapex.scenarios.context import bind_scenario, evaluate, prepare
from aicapex.scenarios.scenario import COMPARE_COLUMNS

LEDGERS = [None, "/tmp/gl/ledger-400-all.yaml"]


def _former_frame(results: list[object], names: list[str]) -> pd.DataFrame:
    """compare's frame as it was built: each scenario's frame, concatenated."""
    frame = pd.concat([r.frame for r in results], ignore_index=True).drop(columns="entity")  # type: ignore[attr-defined]
    frame.index = pd.Index(names, name="scenario")
    frame["months_vs_first"] = frame["months"] - frame["months"].iloc[0]
    return frame[list(COMPARE_COLUMNS)]


@pytest.mark.parametrize("path", LEDGERS)
def test_compare_frame_is_the_scenarios_frames_concatenated(path: str | None) -> None:
    if path is not None and not os.path.exists(path):
        pytest.skip("generated ledger absent")
    led = ac.load(path or ac.bundled_data())
    rounds = led.frame("funding_rounds")
    entities = sorted(set(led.frame("cash_balances")["company"].astype("object")))[:4]
    compared = 0
    for entity in entities:
        mine = sorted(rounds["id"][(rounds["company"].astype("object") == entity).to_numpy()])
        scenarios = [ac.Scenario("base")]
        scenarios += [
            ac.Scenario(f"d{i}", [ac.disburse(r, on="2023-10")]) for i, r in enumerate(mine[:2])
        ]
        scenarios.append(
            ac.Scenario(
                "add",
                [ac.add_flow(amount="$5M", kind="expenses", category="other", start="2024-02")],
            )
        )
        try:
            setting, book = prepare(led, entity, None)
            bound = [bind_scenario(s.name, s.adjustments, book) for s in scenarios]
            table = ac.compare(led, entity, scenarios)
        except ValueError:
            continue  # (no runway to vary, or an adjustment refused: no frame to compare)
        results = [evaluate(setting, b) for b in bound]
        names = [s.name for s in scenarios]
        pd.testing.assert_frame_equal(table.frame, _former_frame(results, names))
        records = sorted(set().union(*(set(r.records) for r in results)))
        assert list(table.used_records) == records
        compared += 1
    assert compared > 0


# -- adjustments: eq, hash and repr written once in ScenarioAdjustment, as dataclass makes them


def _twin(cls: type) -> type:
    """``cls`` made again with the methods @dataclass(frozen=True) generates (the reference)."""
    import dataclasses

    specs = []
    for f in dataclasses.fields(cls):
        if f.default_factory is not dataclasses.MISSING:
            made = dataclasses.field(default_factory=f.default_factory)
        else:
            made = dataclasses.field(default=f.default)
        specs.append((f.name, f.type, made))
    return dataclasses.make_dataclass(cls.__qualname__, specs, frozen=True)


def _adjustments() -> list[object]:
    from aicapex.scenarios.context import as_adjustment

    made = [
        ac.scale(category="compute", by=0.7, start="2024-01"),
        ac.scale(category="compute", by=0.7, start="2024-01"),
        ac.scale(category="compute", by=0.8, start="2024-01"),
        ac.scale("stability-ai", category="opex", by=0.9),
        ac.cut_headcount(share=0.2, start="2024-02"),
        ac.growth(category="revenue", rate=0.05, start="2024-01"),
        ac.add_flow(amount="$139M/yr", kind="revenues", category="other", start="2024-01"),
        ac.add_flow(amount="$5M", kind="expenses", category="other", start="2024-01"),
        ac.remove("stability-revenue-2023"),
        ac.pay("stability-ai", bills=["a", "b"], on="2023-10"),
        ac.pay(),
        ac.forgive("stability-ai"),
        ac.disburse("stability-2023-intel", tranche=0, on="2023-10"),
        ac.disburse("stability-2023-intel", on="2023-10"),
        ac.cancel("stability-2023-intel"),
        ac.delay("stability-2023-intel", months=3),
        ac.delay("stability-2023-intel", months=3),
    ]
    return [
        *made,
        as_adjustment(ac.Exclude(["stability-revenue-2023"])),
        as_adjustment(ac.Exclude(["x"])),
    ]


def test_adjustments_compare_hash_and_show_as_dataclasses_do() -> None:
    import dataclasses

    made = _adjustments()
    twins = {type(a): _twin(type(a)) for a in made}
    as_twins = [
        twins[type(a)](**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)}) for a in made
    ]
    assert len(twins) == 11  # every adjustment class
    for a, t in zip(made, as_twins, strict=True):
        assert repr(a) == repr(t)
        assert hash(a) == hash(t)
        for b, u in zip(made, as_twins, strict=True):
            assert (a == b) == (t == u)
            assert (a != b) == (t != u)
        assert a != "text"
        assert (a == 1) is False
    assert made[0] == made[1]
    assert hash(made[0]) == hash(made[1])
    assert made[0] != made[2]
    assert len({*made}) == len({*as_twins})
    assert ac.Scenario("s", made[:3]) == ac.Scenario("s", made[:3])  # scenarios compare theirs
    assert dataclasses.replace(made[0], by=0.8) == made[2]


def _records() -> list[object]:
    """Plans, pieces, scenarios, scenario files and argument problems, some equal."""
    from aicapex.scenarios.context import prepare
    from aicapex.scenarios.fileargs import ArgumentProblem
    from aicapex.scenarios.rounds import kept_plan

    led = ac.load(ac.bundled_data())
    book = prepare(led, "stability-ai", "2023-10")[1]
    plan = kept_plan(book, "stability-2023-intel")
    path = os.path.join(os.path.dirname(ac.bundled_data()), "stability_ai.scenarios.yaml")
    if not os.path.exists(path):
        path = os.path.join(ac.bundled_data(), "stability_ai.scenarios.yaml")
    read = ac.read_scenarios(path)
    return [
        plan,
        kept_plan(book, "stability-2023-intel"),
        *plan.pieces,
        read,
        ac.read_scenarios(path),
        *read.scenarios,
        ac.Scenario("base"),
        ArgumentProblem("a", "b", "c"),
        ArgumentProblem("a", "b", "c", "key", False),
        ArgumentProblem("a", "b", "c"),
    ]


def test_plans_scenarios_and_files_compare_hash_and_show_as_dataclasses_do() -> None:
    import dataclasses

    made = _records()
    twins = {type(a): _twin(type(a)) for a in made}
    as_twins = [
        twins[type(a)](**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)}) for a in made
    ]
    assert len(twins) == 5
    for a, t in zip(made, as_twins, strict=True):
        assert repr(a) == repr(t)
        try:
            expected: object = hash(t)
        except TypeError as exc:  # (a scenarios file holds dicts: no hash)
            expected = str(exc)
        try:
            got: object = hash(a)
        except TypeError as exc:
            got = str(exc)
        assert got == expected
        for b, u in zip(made, as_twins, strict=True):
            assert (a == b) == (t == u)
            assert (a != b) == (t != u)
    assert made[0] == made[1]
    assert made[0] is not made[1] or made[0] == dataclasses.replace(made[0])


def test_bound_scenarios_compare_hash_and_show_as_dataclasses_do() -> None:
    import dataclasses

    from aicapex.scenarios.bills import DropRecords
    from aicapex.scenarios.context import bind_scenario, prepare

    led = ac.load(ac.bundled_data())
    book = prepare(led, "stability-ai", "2023-10")[1]
    adjustments = _adjustments()[:8] + _adjustments()[12:14]
    made: list[object] = []
    for a in adjustments:
        try:
            bound = a.bind(book)  # type: ignore[attr-defined]
        except ac.AdjustmentError:
            continue
        made += [bound, *([bound.op] if bound.op is not None else []), *bound.table]
        scenario = bind_scenario("s", [a], book)
        made += [scenario, *scenario.table]
    made += [DropRecords("e", ("a", "b")), DropRecords("e", ("a", "b"), "2024-01")]
    twins = {type(a): _twin(type(a)) for a in made}
    assert {t.__name__ for t in twins} >= {"Bound", "BoundScenario", "Factor", "Addition"}
    assert {t.__name__ for t in twins} >= {"RoundRows", "DropRecords"}
    as_twins = [
        twins[type(a)](**{f.name: getattr(a, f.name) for f in dataclasses.fields(a)})  # type: ignore[arg-type]
        for a in made
    ]
    for a, t in zip(made, as_twins, strict=True):
        assert repr(a) == repr(t)
        for b, u in zip(made, as_twins, strict=True):
            assert (a == b) == (t == u)


# -- scenario_files: each folder looked in once beside the files given


def _former_scenario_files(paths: list[str]) -> list[object]:
    """scenario_files as it was: the folder of each file given looked in again."""
    from pathlib import Path

    from aicapex.loading import LEDGER_SUFFIXES
    from aicapex.notledger import SCENARIO_SUFFIXES

    given = {os.path.realpath(p) for p in paths}

    def others(f: Path, suffix: str) -> bool:
        twins = (f.with_name(f.name[: -len(suffix)] + s) for s in LEDGER_SUFFIXES)
        return any(t.is_file() and os.path.realpath(t) not in given for t in twins)

    found: set[Path] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for suffix in SCENARIO_SUFFIXES:
                found.update(
                    f
                    for f in path.rglob(f"*{suffix}")
                    if not any(part.startswith(".") for part in f.relative_to(path).parts)
                )
        elif path.name.endswith(SCENARIO_SUFFIXES):
            found.add(path)
        elif path.parent.is_dir():
            for suffix in SCENARIO_SUFFIXES:
                found.update(f for f in path.parent.glob(f"*{suffix}") if not others(f, suffix))
    once: dict[str, Path] = {}
    for f in sorted(found, key=lambda f: (f.is_absolute(), str(f))):
        if f.is_file() or os.path.realpath(f) in given or (f.is_symlink() and not f.exists()):
            once.setdefault(os.path.realpath(f), f)
    return sorted(once.values())


def test_scenario_files_as_before(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from aicapex.scenarios.files import scenario_files

    root = Path(str(tmp_path))
    for folder in ("a", "b", "a/sub", "a/.hidden"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in ("a/x.yaml", "a/y.yaml", "a/y.scenarios.yaml", "a/z.scenarios.yaml", "b/w.yaml"):
        (root / name).write_text("x")
    for name in ("a/x.scenarios.yaml", "b/w.scenarios.yaml", "a/sub/s.scenarios.yaml"):
        (root / name).write_text("x")
    (root / "a/.hidden/h.scenarios.yaml").write_text("x")
    monkeypatch.chdir(root)
    cases = [
        ["a/x.yaml"],
        ["a/x.yaml", "a/y.yaml"],
        ["a/x.yaml", str(root / "a/y.yaml"), "b/w.yaml"],
        [str(root / "a/x.yaml"), "a/x.yaml", "a"],
        ["a/x.yaml", "a/z.scenarios.yaml", "missing/q.yaml", "b/w.yaml", "a/y.yaml"],
        ["a", "b"],
    ]
    for paths in cases:
        assert scenario_files(paths) == _former_scenario_files(paths), paths
