"""Tests for aicapex.files: scalar rules, fast and slow parsers agreeing, locating lines, and
atomic writes."""

from __future__ import annotations

import os
import stat
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aicapex
from aicapex import LedgerError, files, load
from aicapex.files import Locator, atomic_write, dump_yaml, parse_document, place, read_text
from aicapex.yamlrules import Loader

needs_ryml = pytest.mark.skipif(files._ryml is None, reason="rapidyaml is not installed")


def parse(text: str) -> Any:
    data, problems = parse_document(textwrap.dedent(text).lstrip("\n"), "test.yaml")
    assert problems == []
    return data


def slow(text: str) -> Any:
    return yaml.load(text, Loader=Loader)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types, all the way down (1 and True, 1 and Decimal 1 differ)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


# --- the scalar rules ----------------------------------------------------------------------

SCALARS: list[tuple[str, Any]] = [
    # integers
    ("12000", 12000),
    ("-5", -5),
    ("+7", 7),
    ("0", 0),
    ("0777", 777),  # YAML 1.2: leading zeros are decimal, not octal
    ("089", 89),
    ("123456789012345678901234567890", 123456789012345678901234567890),
    # decimals, never floats
    ("1.5", Decimal("1.5")),
    ("0.1", Decimal("0.1")),
    ("-2.25", Decimal("-2.25")),
    (".5", Decimal("0.5")),
    ("1e3", Decimal("1E+3")),
    ("1.0956", Decimal("1.0956")),
    ("3.141592653589793238462643383279", Decimal("3.141592653589793238462643383279")),
    # booleans
    ("true", True),
    ("false", False),
    ("True", True),
    ("FALSE", False),
    # nothing
    ("null", None),
    ("~", None),
    ("NULL", None),
    ("", None),
    # strings: dates, YAML 1.1 words, other number-like text
    ("2023-10", "2023-10"),
    ("2023-10-31", "2023-10-31"),
    ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("Q3 2023", "Q3 2023"),
    ("FY2025", "FY2025"),
    ("12:30", "12:30"),
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("y", "y"),
    ("0x10", "0x10"),
    ("0o17", "0o17"),
    ("1_000", "1_000"),
    ("1,000", "1,000"),
    ("nan", "nan"),
    ("inf", "inf"),
    (".nan", ".nan"),
    ("-.inf", "-.inf"),
    ("$7M", "$7M"),
    ("'2024'", "2024"),
    ('"true"', "true"),
    ("'null'", "null"),
    ("'1.5'", "1.5"),
]


@pytest.mark.parametrize(("written", "value"), SCALARS, ids=[w or "empty" for w, _ in SCALARS])
def test_scalar_rules(written: str, value: Any) -> None:
    texts = [f"a: {written}\n", f"- {written}\n"]
    if "," not in written:  # in a flow list a comma separates items
        texts.append(f"a: [{written or 'null'}]\n")
    for text in texts:
        data = parse(text)
        got = data["a"] if isinstance(data, dict) else data[0]
        if isinstance(got, list):
            got = got[0]
        assert same(got, value), (text, got)
        assert not isinstance(got, float)


def test_floats_never_appear() -> None:
    data = parse("a: [1.5, 2e-3, -0.0, 1.]\nb: {c: 7.25}\n")

    def walk(v: Any) -> None:
        assert not isinstance(v, float)
        for child in v.values() if isinstance(v, dict) else v if isinstance(v, list) else ():
            walk(child)

    walk(data)
    assert data["a"] == [Decimal("1.5"), Decimal("0.002"), Decimal("0"), Decimal("1")]


def test_json_documents(tmp_path: Path) -> None:
    data, problems = parse_document('{"a": 1.50, "b": [1, true, null, "2024"]}', "x.json")
    assert problems == []
    assert same(data, {"a": Decimal("1.50"), "b": [1, True, None, "2024"]})


def test_block_scalars_and_multiline_text() -> None:
    data = parse(
        """
        a: |
          line one
          line two
        b: >-
          folded
          text
        c: plain text
          continued here
        d: "escaped \\t tab"
        """
    )
    assert data == {
        "a": "line one\nline two\n",
        "b": "folded text",
        "c": "plain text continued here",
        "d": "escaped \t tab",
    }


# --- problems: everything is reported, nothing crashes ----------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("a: &x 1\nb: *x\n", "an anchor &x"),
        ("a: !!float abc\n", "the tag !!float"),
        ("a: !!int abc\n", "the tag !!int"),
        ("a: !!bool maybe\n", "the tag !!bool"),
        ("a: !!str 5\n", "the tag !!str"),
        ("a: !custom x\n", "the tag !custom"),
        ("[a]: 1\n", "a key that is a single value, not a list or mapping"),
        ("? {a: 1}\n: 2\n", "a key that is a single value, not a list or mapping"),
    ],
)
def test_refused_documents(text: str, found: str) -> None:
    data, problems = parse_document(text, "x.yaml")
    assert data is None
    assert problems
    assert any(p.found.startswith(found) for p in problems), problems
    assert all(p.file == "x.yaml" for p in problems)


def test_duplicate_keys_are_each_a_problem_returned_with_the_data() -> None:
    # every key met twice is its own problem at its line; the data comes too (the last value),
    # so that a load reports the file's other problems with them
    data, problems = parse_document("a: 1\nb: 2\na: 3\nc: {d: 1, d: 2}\n", "x.yaml")
    assert data == {"a": 3, "b": 2, "c": {"d": 2}}
    assert [(p.line, p.found, p.code) for p in problems] == [
        (3, "duplicate key 'a' in one mapping", "duplicate-key"),
        (4, "duplicate key 'd' in one mapping", "duplicate-key"),
    ]
    # JSON (read through the YAML path when a key repeats): the same, at the JSON's lines
    data, problems = parse_document('{"a": 1,\n "a": 2}', "x.json")
    assert data == {"a": 2}
    assert [(p.line, p.expected) for p in problems] == [(2, "valid JSON")]


def test_syntax_errors_have_lines() -> None:
    data, problems = parse_document("a: 1\nb: [2\nc: 3\n", "x.yaml")
    assert data is None
    [problem] = problems
    assert problem.expected == "valid YAML"
    assert problem.line is not None
    assert problem.line >= 2


def test_empty_documents() -> None:
    for text in ("", "   \n", "# only a comment\n", "null\n"):
        data, problems = parse_document(text, "x.yaml")
        assert data is None
        [problem] = problems
        assert problem.line == 1


def test_read_text(tmp_path: Path) -> None:
    good = tmp_path / "bom.yaml"
    good.write_bytes("\ufeffa: é\n".encode())
    assert read_text(good, "bom.yaml") == ("a: é\n", [])
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"a: 1\nb: caf\xe9\n")
    text, problems = read_text(bad, "latin1.yaml")
    assert text is None
    assert problems[0].line == 2
    assert read_text(tmp_path / "missing.yaml", "missing.yaml")[1][0].found == "no such file"
    assert read_text(tmp_path, "dir")[1][0].found == "a directory"


# --- the fast (rapidyaml) and slow (PyYAML) paths agree ----------------------------------------

VARIED = """\
# a comment
sources:
- id: s1
  outlet: "Quoted: with colon"
  title: 'It''s single-quoted'
  date: 2024-04
  language: fr
  note: A plain note that
    runs over two lines # and a comment
entities:
- id: e1
  name: Ünïcödé Ltd ✓ 日本
  type: company
  controlled_by: [e2, "e3"]
  aliases:
  - 'true'
  - "null"
  - '2024'
  - x # y
  founded: 2019
  fiscal_year_end: 06-30
numbers: {int: 12000, neg: -3, dec: 1.25, exp: 1e-3, big: 123456789012345678901234567890}
flags: [true, false, null, ~, TRUE, Null]
words: [yes, no, on, off, y, n, nan, inf, .inf, -.inf, .NaN, 0x1F, 0o7, 1_000, 12:30]
leading_zeros: [007, 0e0, '007']
empty:
empty_quoted: ''
block: |
  first line
    indented line
  last line
folded: >-
  folded
  text
escapes: "newline\\n unicode \\u00e9 emoji \\U0001F680 quote \\" backslash \\\\"
controls: "tab\\t nul \\0 nel \\N bell \\a"
money: [$7M, €50bn, CHF 12.5M, "¥1,000", -$5M]
dates: [2023-10-31, 2023-Q3, H2 2026, FY2025, 2023]
nested:
- - a
  - [b, c]
- {k: v, n: [1, 2.5]}
"""


@needs_ryml
def test_fast_and_slow_paths_agree_on_a_varied_document() -> None:
    expected = slow(VARIED)
    assert expected["numbers"]["dec"] == Decimal("1.25")
    assert expected["words"][6] == "nan"
    assert expected["leading_zeros"] == [7, Decimal(0), "007"]
    assert expected["controls"] == "tab\t nul \0 nel \x85 bell \a"
    assert parse(VARIED) == expected
    with pytest.raises(files._Fallback):  # rapidyaml reads nan, ~, TRUE, 007 otherwise
        files._fast_yaml(VARIED)
    # without the scalars rapidyaml reads otherwise (and the control characters, which it
    # writes raw into its JSON), the fast path takes the document
    plain = VARIED
    for key in ("flags", "words", "leading_zeros", "controls"):
        plain = plain.replace(f"\n{key}:", "\n#")
    fast = files._fast_yaml(plain)
    assert same(fast, slow(plain))
    assert fast["entities"][0]["aliases"] == ["true", "null", "2024", "x"]
    assert fast["escapes"] == 'newline\n unicode é emoji 🚀 quote " backslash \\'
    assert fast["numbers"] == {
        "int": 12000,
        "neg": -3,
        "dec": Decimal("1.25"),
        "exp": Decimal("0.001"),
        "big": 123456789012345678901234567890,
    }
    assert parse(plain) == fast


@needs_ryml
def test_fast_and_slow_paths_agree_on_the_bundled_ledger() -> None:
    for path in sorted(aicapex.bundled_data().rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        fast = files._fast_yaml(text)
        assert same(fast, slow(text))


@needs_ryml
@pytest.mark.parametrize("written", [w for w, _ in SCALARS])
def test_fast_path_gives_the_slow_value_or_declines(written: str) -> None:
    text = f"a: {written}\n" if "," in written else f"a: {written}\nb: [{written or 'null'}]\n"
    try:
        fast = files._fast_yaml(text)
    except files._Fallback:
        return
    assert same(fast, slow(text))


number_like = st.text(alphabet="0123456789.+-eE_xXo:~naifNIFtrulsTRUL ", min_size=1, max_size=8)


@needs_ryml
@settings(max_examples=300, deadline=None)
@given(st.one_of(number_like, st.text(max_size=10)))
@example("\r#")  # a lone carriage return is a line break to PyYAML: the '#' starts a comment
@example("x\ry")
def test_fast_path_agrees_or_declines_on_any_plain_scalar(token: str) -> None:
    text = f"a: {token}\n"
    try:
        expected = slow(text)
    except yaml.YAMLError:
        return
    try:
        fast = files._fast_yaml(text)
    except files._Fallback:
        return
    assert same(fast, expected), (token, fast, expected)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_string_written_is_read_back(value: str) -> None:
    text = dump_yaml({"sources": [{"id": "x", "note": value, "tags": [value]}]})
    expected = {"sources": [{"id": "x", "note": value, "tags": [value]}]}
    data, problems = parse_document(text, "x.yaml")
    assert problems == []
    assert data == expected
    assert slow(text) == expected


# --- writing ---------------------------------------------------------------------------------


def test_dump_yaml_writes_values_back_as_they_are_read() -> None:
    data = {
        "fx_rates": [{"id": "a", "usd": Decimal("1.0956"), "n": 12000, "ok": True, "no": None}],
        "sources": [{"id": "2024", "title": "true", "note": "1e3", "date": "2023-10"}],
    }
    text = dump_yaml(data)
    assert "usd: 1.0956\n" in text
    assert "id: '2024'" in text
    assert same(parse(text), data)


def test_dump_yaml_layout() -> None:
    text = dump_yaml({"a": [{"id": "1x"}, {"id": "2x"}], "b": [{"id": "3x", "note": "l1\nl2"}]})
    assert text == "a:\n- id: 1x\n\n- id: 2x\n\nb:\n- id: 3x\n  note: |-\n    l1\n    l2\n"


# --- locating lines ---------------------------------------------------------------------------

LOCATED = """\
sources:
- id: s1
  outlet: o
entities:
- id: e1
  name: E
  controlled_by:
  - a
  - b
"""


def test_locator_line() -> None:
    locator = Locator(LOCATED)
    assert locator.line() == 1
    assert locator.line("sources") == 1
    assert locator.line("sources", 0) == 2
    assert locator.line("sources", 0, "outlet") == 3
    assert locator.line("entities", 0, "name") == 6
    assert locator.line("entities", 0, "controlled_by", 1) == 9
    # a path that goes further than the text: the deepest line found
    assert locator.line("entities", 0, "bogus") == 5
    assert locator.line("entities", 7) == 4
    assert locator.line("entities", 0, "name", "deeper") == 6
    assert locator.line("nothing") == 1


def test_locator_without_nodes() -> None:
    assert Locator("").line("a") is None
    assert Locator("a: [unclosed\n").line("a") is None


# --- atomic writes ------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_atomic_write_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    atomic_write(path, "a: 1\nb: é\n")
    assert path.read_bytes() == "a: 1\nb: é\n".encode()
    assert mode(path) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["new.yaml"]


@pytest.mark.parametrize("existing", [0o600, 0o640, 0o664])
def test_atomic_write_keeps_the_mode_of_an_existing_file(tmp_path: Path, existing: int) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("old\n")
    os.chmod(path, existing)
    atomic_write(str(path), "new\n")
    assert path.read_text() == "new\n"
    assert mode(path) == existing
    assert [p.name for p in tmp_path.iterdir()] == ["old.yaml"]


def test_atomic_write_failure_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("before\n")

    def fail(*args: Any) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(OSError, match="no space left"):
        atomic_write(path, "after\n")
    assert path.read_text() == "before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_atomic_write_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    atomic_write("here.yaml", "x\n")
    assert (tmp_path / "here.yaml").read_text() == "x\n"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("entities:\n- id: a\n  name: A\n", 3, ("entities", 0, "a", "name")),
        (
            "entities:\n  - id: a\n    name: A\n  - id: 'b'\n    name: [B\n",
            5,
            ("entities", 1, "b", "name"),
        ),
        ("sources:\n- id: s\nentities:\n- name: X\n  id: e\n", 4, ("entities", 0, None, "name")),
        ("# comment\nentities:\n", 1, (None, None, None, None)),
        ("entities:\n", 1, ("entities", None, None, None)),
        ("a: 1\n", None, (None, None, None, None)),
    ],
)
def test_place_names_the_record_at_a_line(
    text: str, line: int | None, expected: tuple[object, ...]
) -> None:
    assert place(text, line) == expected


def test_nesting_within_the_parsers_limit_is_a_field_error(tmp_path: Path) -> None:
    """500 levels: past rapidyaml's limit, within libyaml's: a field error, not a crash."""
    path = tmp_path / "deep.yaml"
    path.write_text(
        "entities:\n- id: acme\n  name: " + "[" * 500 + "]" * 500 + "\n  type: company\n"
    )
    with pytest.raises(LedgerError) as info:
        load(path)
    [problem] = info.value.problems
    assert (problem.kind, problem.index, problem.record_id, problem.field) == (
        "entities",
        0,
        "acme",
        "name",
    )
    assert problem.line == 3


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('sources:\n- id: s1\n  note: "rocket \\ud83d\\ude80"\n', 3),  # as json.dumps writes it
        ('sources:\n- id: s1\n  note: "\\U0000D83D"\n', 3),
        ('sources:\n- id: s1\n  "x\\ud83d": 1\n', 3),  # in a key
        ('sources: []\n"k\\ud83d\\ude80": []\n', 2),  # a record kind: had no line
    ],
)
def test_a_surrogate_escape_is_a_located_syntax_error(text: str, line: int) -> None:
    """Half of a UTF-16 surrogate pair is not a character: libyaml refuses it at its line.
    rapidyaml read it as bytes that are not UTF-8, so the fast path gave a garbled value
    ('rocket \\udced\\udca0...'), refused later as 'unable to parse raw data as a unicode
    string', or a garbled record kind without a line."""
    data, problems = parse_document(text, "x.yaml")
    assert data is None
    assert [(p.code, p.line, p.expected) for p in problems] == [("syntax", line, "valid YAML")]
    assert "invalid Unicode character escape" in problems[0].found
    with pytest.raises(yaml.YAMLError):
        slow(text)
