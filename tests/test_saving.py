"""Saving never loses anything: atomic and durable writes, killed saves, changed files, comments
a person wrote, and two processes saving one file."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import aicapex
from aicapex import LedgerError
from aicapex.ledger import Ledger
from aicapex.records import Entity, Expense
from aicapex.safewrite import TEMP_SUFFIX, comment_line, remove_stale

GOOD = """\
entities:
- id: acme
  name: Acme AI
  type: company
"""


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


def _big(n: int, tag: str) -> Ledger:
    """A ledger of ``n`` expenses of one company (``tag`` tells two such ledgers apart)."""
    records: list[Any] = [Entity(id="acme", name=f"Acme {tag}", type="company")]
    records += [
        Expense(
            id=f"acme-{tag}-{i}",
            company="acme",
            category="opex",
            amount=f"${i + 1}K",
            date=f"{2000 + i % 20}-{1 + i % 12:02d}",
            note=f"expense {i} of ledger {tag}",
        )
        for i in range(n)
    ]
    return Ledger(records)


def test_save_refuses_a_file_changed_since_it_was_loaded(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(GOOD, encoding="utf-8")
    ledger = aicapex.load(path)
    ledger.save(path)  # unchanged since loaded: fine
    path.write_text(GOOD.replace("Acme AI", "Acme Inc"), encoding="utf-8")  # someone's edit
    with pytest.raises(LedgerError) as info:
        ledger.save(path)
    [problem] = info.value.problems
    assert problem.code == "file-changed"
    assert problem.file == str(path)
    assert "Acme Inc" in path.read_text(encoding="utf-8"), "the edit is kept"
    ledger.save(path, overwrite=True)
    assert aicapex.load(path) == ledger


def test_save_refuses_comments_a_person_wrote(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text("# checked by hand, 2024-04\n" + GOOD, encoding="utf-8")
    ledger = aicapex.load(path)
    with pytest.raises(LedgerError) as info:
        ledger.save(path)
    [problem] = info.value.problems
    assert (problem.code, problem.line) == ("hand-comments", 1)
    assert path.read_text(encoding="utf-8").startswith("# checked by hand")
    ledger.save(path, overwrite=True)
    assert "#" not in path.read_text(encoding="utf-8")
    # a '#' in quoted text or a block scalar is no comment
    quoted = GOOD + "  note: 'the #1 lab'\n  aliases:\n  - |-\n    # not a comment\n"
    path.write_text(quoted, encoding="utf-8")
    again = aicapex.load(path)
    again.save(path)
    assert aicapex.load(path) == again


def test_saving_twice_and_to_new_files(tmp_path: Path) -> None:
    ledger = _big(3, "a")
    path = tmp_path / "x.yaml"
    ledger.save(path)
    ledger.save(path)  # its own save is no one else's change
    ledger.save(tmp_path / "x.json")
    assert aicapex.load(tmp_path / "x.json") == ledger
    assert _temps(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("notes.yaml", "notes: what the CFO said\nfollow_up: true\n"),  # YAML, no comments
        ("figures.yml", "company,amount\nacme,5\n"),  # a table named by mistake
        ("ledger.yaml", GOOD),  # a hand-written ledger without the header, never read
        ("config.json", '{"theme": "dark"}\n'),
        ("blob.yaml", b"\xff\xfe\x00binary"),
    ],
)
def test_save_refuses_a_file_it_did_not_read_that_is_no_ledger_file(
    tmp_path: Path, name: str, text: str | bytes
) -> None:
    # a path named by mistake: the file was overwritten, silently (no comments to refuse on)
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = path.read_bytes()
    ledger = _big(2, "a")
    with pytest.raises(LedgerError) as info:
        ledger.save(path)
    [problem] = info.value.problems
    assert (problem.code, problem.file) == ("foreign-file", str(path))
    assert problem.expected.startswith("a ledger file")
    assert path.read_bytes() == before, "the file is kept"
    assert _temps(tmp_path) == []
    ledger.save(path, overwrite=True)
    assert aicapex.load(path) == ledger


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_save_replaces_an_earlier_save_or_an_empty_file(tmp_path: Path, suffix: str) -> None:
    # a notebook run twice: each run a new ledger saving over the last run's file
    path = tmp_path / f"out{suffix}"
    _big(2, "a").save(path)
    second = _big(3, "b")
    second.save(path)
    assert aicapex.load(path) == second
    # a header after blank lines, or an empty file, holds no one's work either
    headed = tmp_path / "headed.yaml"
    headed.write_text("\n\naicapex: 1\nentities: []\n", encoding="utf-8")
    second.save(headed)
    empty = tmp_path / f"empty{suffix}"
    empty.write_text("", encoding="utf-8")
    second.save(empty)
    assert aicapex.load(headed) == aicapex.load(empty) == second


def test_save_is_durable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file and its folder are flushed to disk (fsync) before save returns."""
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append("folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _big(3, "a").save(tmp_path / "x.yaml")
    if os.path.isdir("/proc/self/fd"):
        assert synced == ["file", "folder"]
    else:  # pragma: no cover - no /proc
        assert len(synced) == 2


def test_stale_temporary_files_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "x.yaml"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".x.yaml.{pid}.0a1b2c3d{TEMP_SUFFIX}"
    stale.write_text("half a ledger")
    old = tmp_path / f".x.yaml.{os.getppid()}.0a1b2c3e{TEMP_SUFFIX}"
    old.write_text("an old half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    fresh = tmp_path / f".x.yaml.{os.getppid()}.0a1b2c3f{TEMP_SUFFIX}"
    fresh.write_text("a save in progress elsewhere")
    other = tmp_path / f".y.yaml.{pid}.0a1b2c40{TEMP_SUFFIX}"
    other.write_text("another file's")
    _big(2, "a").save(target)
    assert _temps(tmp_path) == sorted([fresh.name, other.name])
    assert remove_stale(tmp_path / "y.yaml") == [other]


_SAVER = """
import sys
from aicapex.ledger import Ledger
from aicapex.loading import load
from aicapex.records import Entity
a = load(sys.argv[1])
b = a + Ledger([Entity(id="zeta", name="Zeta", type="company")])
target = sys.argv[2]
print("ready", flush=True)
while True:
    for ledger in (a, b):
        ledger.save(target, overwrite=True)
"""


def test_a_killed_save_leaves_the_old_file_or_the_new(tmp_path: Path) -> None:
    """20 times: a process saving a large ledger over and over is killed (SIGKILL) at a random
    moment; the file is always one of the two ledgers it saves, whole; temporary files of killed
    saves are removed by the next save."""
    a = _big(2000, "a")
    b = a + Ledger([Entity(id="zeta", name="Zeta", type="company")])
    a.save(tmp_path / "a.yaml")
    target = tmp_path / "out" / "ledger.yaml"
    target.parent.mkdir()
    a.save(target)
    rng = random.Random(8)
    left = 0
    for _ in range(20):
        child = subprocess.Popen(
            [sys.executable, "-c", _SAVER, str(tmp_path / "a.yaml"), str(target)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.3))
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        assert aicapex.load(target) in (a, b)
        left += len(_temps(target.parent))
    a.save(target, overwrite=True)  # cleans what the killed saves left
    assert _temps(target.parent) == []
    assert aicapex.load(target) == a


_RACER = """
import sys, time
from aicapex import LedgerError
from aicapex.loading import load
from aicapex.records import Entity
path, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
ledger = load(path)
mine = ledger + type(ledger)([Entity(id=name, name=name, type="company")])  # keeps its files
while not __import__("os").path.exists(go):
    time.sleep(0.005)
try:
    mine.save(path)
except LedgerError as exc:
    print("refused", exc.problems[0].code)
else:
    print("saved")
"""


def test_two_processes_saving_one_file_never_lose_a_save(tmp_path: Path) -> None:
    """Both read the file, both add a record, both save: one save wins, the other is refused
    (never both written, the first silently lost)."""
    path = tmp_path / "ledger.yaml"
    path.write_text(GOOD, encoding="utf-8")
    go = tmp_path / "go"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(path), name, str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for name in ("beta", "gamma")
    ]
    time.sleep(1.5)  # both have read the file
    go.write_text("")
    outs = sorted(r.communicate(timeout=60)[0].strip() for r in racers)
    assert outs == ["refused file-changed", "saved"], outs
    final = aicapex.load(path)
    assert ("beta" in final) != ("gamma" in final)
    assert "acme" in final


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\n", None),
        ("a: 1  # why\n", 1),
        ("a: 'x # y'\nb: \"#z\"\n", None),
        ("a: |\n  # inside\nb: 1\n# after\n", 4),
        ('a: "two\n  lines # in"\nb: 2\n', None),
        ("a: x#y\n", None),
    ],
)
def test_comment_line(text: str, line: int | None) -> None:
    assert comment_line(textwrap.dedent(text)) == line


def test_kinds_the_strategy_lacks_round_trip(tmp_path: Path) -> None:
    """``load(save(x)) == x`` for the kinds tests/test_ledger.py's strategy does not make yet
    (every kind must round-trip; the strategy covers the others)."""
    from aicapex.records import KINDS

    made = {
        "gpu_targets": {"entity": "acme", "sku": "H100", "units": "100,000", "by": "end of 2024"},
        "assumptions": {"measure": "usd_per_gw", "money": "about $50B", "date": "2024"},
    }
    records: list[Any] = [Entity(id="acme", name="Acme AI", type="company")]
    for kind, fields in made.items():
        if kind in KINDS:
            records.append(KINDS[kind].model_validate({"id": f"x-{kind}", **fields}))
    ledger = Ledger(records)
    for name in ("k.yaml", "k.json"):
        assert aicapex.load(ledger.save(tmp_path / name)) == ledger
