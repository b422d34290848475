"""Characters YAML refuses (PyYAML's reader: yaml.reader.Reader.NON_PRINTABLE) are refused on
both parsing paths, with the same located problem: rapidyaml read DEL (U+007F), the C1
controls (U+0080 to U+009F), U+FFFE and U+FFFF as text, in keys, values, comments and quoted
strings, so a ledger file the PyYAML path refuses loaded when rapidyaml was installed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import aicapex as ac
from aicapex import files
from aicapex.errors import CODES
from aicapex.yamlrules import Loader

needs_ryml = pytest.mark.skipif(files._ryml is None, reason="rapidyaml is not installed")

#: Refused characters: DEL, C1 controls at both ends and around NEL (U+0085, a line break to
#: PyYAML), the two non-characters, and the C0 controls the fast path already declined.
REFUSED = ["\x7f", "\x80", "\x84", "\x86", "\x9b", "\x9f", "\ufffe", "\uffff", "\x00", "\x1b"]

#: A ledger with a place for the character (``{c}``) and the line it lands on.
PLACES = {
    "value": ("entities:\n- id: acme\n  name: Ac{c}me\n", 3),
    "key": ("entities:\n- id: acme\n  na{c}me: Acme\n", 3),
    "comment": ("# the entities{c}\nentities:\n- id: acme\n  name: Acme\n", 1),
    "end comment": ("entities:\n- id: acme\n  name: Acme  # said {c}\n", 3),
    "double-quoted": ('entities:\n- id: acme\n  name: "Ac{c}me"\n', 3),
    "single-quoted": ("entities:\n- id: acme\n  name: 'Ac{c}me'\n", 3),
    "flow list": ("entities:\n- {{id: acme, aliases: [a, b{c}]}}\n", 2),
    "block text": ("entities:\n- id: acme\n  note: |\n    one\n    two{c}\n", 5),
    "first": ("{c}entities:\n- id: acme\n", 1),
    "last": ("entities:\n- id: acme\n{c}", 3),
}


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """``parse_document`` of ``text`` as installed (rapidyaml) and on the PyYAML path."""
    fast = files.parse_document(text, "l.yaml")
    with monkeypatch.context() as m:
        m.setattr(files, "_ryml", None)
        slow = files.parse_document(text, "l.yaml")
    return fast, slow


@needs_ryml
@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
@pytest.mark.parametrize("place", list(PLACES))
def test_both_paths_refuse_the_character_alike(
    char: str, place: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    template, line = PLACES[place]
    text = template.format(c=char)
    fast, slow = _both(text, monkeypatch)
    assert fast == slow
    data, problems = fast
    assert data is None
    (problem,) = problems
    assert (problem.line, problem.code, problem.found) == (
        line,
        "syntax",
        f"the character U+{ord(char):04X}",
    )
    assert problem.file == "l.yaml"
    assert problem.expected.startswith("text without control characters")
    # the character's line is PyYAML's own (its reader's mark counts the same lines)
    with pytest.raises(yaml.reader.ReaderError) as info:
        yaml.load(text, Loader=Loader)  # type: ignore[arg-type]
    assert f"#x{ord(char):04x}" in str(info.value)


@needs_ryml
@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\ufffe"])
def test_a_ledger_file_is_refused_at_the_record_as_without_rapidyaml(
    tmp_path: Path, char: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "l.yaml"
    head = "aicapex: 1\nsources: [{id: s, title: T, outlet: O, date: 2023}]\n"
    path.write_text(f"{head}entities:\n- id: acme\n  name: Ac{char}me\n", encoding="utf-8")

    def problems() -> list[ac.Problem]:
        with pytest.raises(ac.LedgerError) as info:
            ac.load(path)
        return list(info.value.problems)

    fast = problems()
    with monkeypatch.context() as m:
        m.setattr(files, "_ryml", None)
        assert problems() == fast
    if char == "\x85":  # NEL: a line break to PyYAML (YAML 1.1), no refused character
        assert all(p.code in CODES for p in fast)
        return
    (problem,) = fast
    assert (problem.file, problem.line, problem.kind, problem.record_id, problem.field) == (
        str(path),
        5,
        "entities",
        "acme",
        "name",
    )
    assert problem.found == f"the character U+{ord(char):04X}"
    assert f"write \\x{ord(char):02x}" in problem.expected or ord(char) > 0xFF


def _pyyaml_refuses(char: str) -> bool:
    return re.search(yaml.reader.Reader.NON_PRINTABLE, char) is not None


@pytest.mark.parametrize("block", [range(0x3000), range(0xD000, 0xD800), range(0xE000, 0x10000)])
def test_the_byte_check_refuses_exactly_what_pyyaml_refuses(block: range) -> None:
    # every character of the block, alone, between others, and after a '£' (bytes C2 A3: the
    # lead byte of the C1 controls): refused by the byte check exactly when PyYAML refuses it,
    # but NEL (U+0085), which the fast path declines for its own reason (a line break)
    for code in block:
        char = chr(code)
        for text in (char, f"a: x{char}y\n", f"a: £{char}\n"):
            expected = _pyyaml_refuses(char) or char == "\x85"
            assert files._refused(text.encode("utf-8")) is expected, (hex(code), text)


def test_the_byte_check_reads_characters_past_the_basic_plane() -> None:
    for char in ("\U00010000", "🚀", "\U0010ffff", "\U000efffe"):
        assert not _pyyaml_refuses(char)
        assert files._refused(f"a: {char}\n".encode()) is False


@needs_ryml
def test_printable_text_beyond_ascii_stays_on_the_fast_path() -> None:
    # '£', NBSP, '©', 'é', '€' and an emoji are no controls: rapidyaml keeps reading them
    text = "entities:\n- id: acme\n  name: '£1 \xa0© é € 🚀 \xbf'\n"
    assert files._fast_yaml(text) == {"entities": [{"id": "acme", "name": "£1 \xa0© é € 🚀 \xbf"}]}


def test_a_lone_surrogate_is_a_located_problem_not_a_traceback() -> None:
    # text not read from a file (read_text decodes UTF-8 strictly) may hold half a pair: both
    # paths raised UnicodeEncodeError from the parser
    data, problems = files.parse_document("entities:\n- id: a\ud800b\n", "l.yaml")
    assert data is None
    (problem,) = problems
    assert (problem.line, problem.record_id, problem.found) == (
        2,
        "a\ud800b",
        "the character U+D800",
    )
