"""Errors of the ledger: every problem says where it is, what was expected and what was found.

A load collects all its problems before failing and raises one :class:`LedgerError`; each of its
:class:`Problem` entries carries a stable ``code`` (one of :data:`CODES`), the file, line, record
kind and index, record id, field, what was expected and what was found. ``str(error)`` lists them
one per line::

    data/x.yaml:12: cloud_bills[3] aws-2023-08: billed: expected money like '$7M', got 'seven'

Problems are data too: :meth:`LedgerError.to_frame` gives them as a DataFrame, one row each.

A problem is an **error** (impossible: the ledger does not load) or a **warning** (implausible
but real, such as a prepaid bill: the ledger loads and keeps it in ``Ledger.warnings``); the
codes of warnings are :data:`WARNINGS`. A warning reads ``file:line: warning: ...``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CODES",
    "SEVERITIES",
    "WARNINGS",
    "LedgerError",
    "Problem",
    "closest",
    "folded",
    "severity_of",
    "suggest",
]

#: Every problem code, with what it means. Codes are stable: programs may rely on them. Each has
#: a case in the error catalogue (``tests/errors/``).
CODES: dict[str, str] = {
    # the file
    "missing-file": "the file or folder does not exist",
    "unreadable-file": "the file cannot be read (a directory, no permission, a link loop)",
    "not-utf8": "the file is not text encoded in UTF-8",
    "empty-file": "the file holds no data (empty, only comments, or null)",
    "syntax": "the YAML or JSON is malformed (including nesting past the parser's limit)",
    "duplicate-key": "one mapping names a key twice",
    "yaml-alias": "a YAML anchor, alias or tag (a ledger is plain data)",
    "too-large": "a file larger than the size limit (1 GB unless ``max_bytes`` says otherwise)",
    "not-a-ledger": "the file is not a mapping of record kinds, or no ledger file was given",
    "unknown-kind": "a top-level key that is no record kind",
    "not-a-list": "a record kind whose value is not a list",
    "not-a-record": "an item of a kind's list that is not a mapping",
    # one record
    "unknown-field": "a field the record kind does not have",
    "missing-field": "a required field is absent",
    "invalid-value": "a value of the wrong type or not among the allowed ones",
    "bad-money": "money that cannot be read (``$7M``, ``€50bn`` ...)",
    "bad-rate": "a rate that cannot be read (``$99M/yr`` ...)",
    "bad-date": "a date that cannot be read, or no such day",
    "bad-capacity": "a capacity or GPU count that cannot be read",
    "bad-share": "a share or a number of shares that cannot be read (``35%``, ``12.5M`` ...)",
    "out-of-range": "a value outside its allowed range (a non-positive amount, a huge figure, "
    "a number that overflows to infinity)",
    "too-long": "a value longer than its kind of value may be (a number of 5,000 digits; the "
    "limits are in the format reference)",
    "inconsistent": "fields of one record that contradict each other (a contract ending before "
    "it starts)",
    "same-party": "one entity on both sides of a record (a bill whose payer is its provider)",
    # records together
    "duplicate-id": "two records with one id",
    "unknown-reference": "a reference to an id no record has",
    "wrong-kind-reference": "a reference to a record of the wrong kind",
    "fiscal-year-owner": "a fiscal-year date between parties whose years differ, without "
    "fiscal_year_of",
    "reference-cycle": "references that loop back (an entity controlled by itself through "
    "others, a source translating itself, a record included in itself)",
    "contradiction": "records of one fact from one source that cannot all be true (at most $3M "
    "and at least $5M of cash on one date)",
    "ownership-above-100": "holdings of one company reported for one date adding up to more "
    "than 100% of its shares",
    "control-cycle": "entities controlling each other through stakes (A holds 60% of B, B 60% "
    "of A)",
    "vesting-above-total": "a warrant's or option's vesting tranches vesting more shares than it "
    "has",
    "parts-not-total": "parts that do not add up to the total stated beside them (a vehicle's "
    "equity and debt pieces and its total, a listing's primary and secondary shares and the "
    "shares offered, a merger's two sides and the combined value)",
    "sides-above-100": "the two sides of a merger holding more than 100% of the combined company",
    "customers-above-100": "customers' shares of one revenue record adding up to more than 100%",
    "sku-not-order": "a GPU reallocation whose sku is not that of the order it names",
    "reallocated-above-order": "GPU reallocations of one order from one entity moving more "
    "units than the order has (plus those reallocations of it gave that entity)",
    # warnings: implausible but real; the ledger loads (``validate --strict`` refuses them)
    "tranche-before-round": "warning: a tranche dated before its round (a bridge)",
    "payment-before-period": "warning: a payment before the period billed (a prepaid bill)",
    "due-before-period-end": "warning: a bill due before its period ends (upfront billing)",
    "no-fx-rate": "warning: money in a currency with no exchange rate at its date (analyses "
    "refuse it until fx_rates give one)",
    "reallocated-beyond-held": "warning: an entity passing on more of a GPU order's units than "
    "the ledger shows it holding (not the order's buyer and given none by a reallocation of it, "
    "or above them by the base figures: gpu_fleet shows a negative position)",
    "unreconciled-balance": "warning: a cash balance the flows since the previous one do not "
    "explain, beyond the tolerance (aicapex validate; see aicapex.reconcile)",
    "after-reported": "warning: an actual figure dated after it was reported (a cash balance, "
    "a revenue or an expense of basis actual dated after its reported date, else its sources' "
    "latest: a typo in the year, or a plan not marked basis: planned?)",
    "distinct-investors": "warning: reports of one funding round (one company, instrument and "
    "series, dated within 120 days) from different sources naming no investor in common: two "
    "rounds? (a series on each tells them apart; the flows keep one report of a round)",
    "case-variant-id": "warning: a record whose id differs only in case from another's "
    "('Stability-AI' beside 'stability-ai'): ids are case-sensitive, so both load, as two "
    "records; one mistyped?",
    "repeated-investor": "warning: an investor named twice in one round's investors: without "
    "amounts, a round of several names has no one payer (undisclosed pays it), and with amounts "
    "each counts; one name mistyped, or a participation given twice?",
    "implausible-figure": "warning: a figure likely written wrong: a range whose high end is "
    "more than 1,000 times its low end ('$3 to 5 million' is $3 to $5M: each end of a 'to' "
    "range has its own scale), an exchange rate of more than $10 a unit of a currency (written "
    "the other way round, units per dollar?)",
    # saving
    "file-changed": "save would overwrite a file that changed since the ledger read it "
    "(``overwrite=True`` to replace it)",
    "hand-comments": "save would overwrite a file holding comments a person wrote (the saved "
    "text has none; ``overwrite=True`` to drop them)",
    "foreign-file": "save would overwrite a file the ledger did not read that is no ledger file "
    "(its first entry is not ``aicapex: 1``: notes, a table; ``overwrite=True`` to replace it)",
    # bulk tables
    "unknown-column": "a table column that is no field of its kind",
    "missing-column": "a table without a column its kind requires",
    "wrong-column-type": "a table column of the wrong type (integers where ids are text)",
    "bad-table": "a table file that cannot be read, or of an unsupported format or kind",
    # scenario files (``*.scenarios.yaml``)
    "not-scenarios": "a scenarios file that is not a mapping with a list of scenarios",
    "unknown-adjustment": "a scenario adjustment ('do:') that does not exist",
}

#: The codes of warnings (every other code is an error).
WARNINGS: frozenset[str] = frozenset(
    {
        "tranche-before-round",
        "payment-before-period",
        "due-before-period-end",
        "no-fx-rate",
        "reallocated-beyond-held",
        "unreconciled-balance",
        "implausible-figure",
        "after-reported",
        "distinct-investors",
        "case-variant-id",
        "repeated-investor",
    }
)

#: The fields of a problem as :meth:`LedgerError.to_frame` and ``to_dicts`` give them, in order.
_PROBLEM_COLUMNS = (
    "code",
    "severity",
    "file",
    "line",
    "kind",
    "index",
    "record_id",
    "field",
    "expected",
    "found",
)

#: The severities of problems.
SEVERITIES = ("error", "warning")


def severity_of(code: str) -> str:
    """``"warning"`` for the codes of :data:`WARNINGS`, else ``"error"``."""
    return "warning" if code in WARNINGS else "error"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a ledger's input.

    Attributes:
        file: the path of the file, as given to ``load`` (``None`` for records built in memory).
        line: 1-based line in ``file`` (``None`` when unknown).
        kind: the record kind (top-level key such as ``cloud_bills``), if in a record.
        index: 0-based position of the record in its kind's list in ``file``.
        record_id: the record's ``id``, when it has one.
        field: dotted path of the field inside the record (``tranches.1.amount``), if any.
        expected: what a valid value looks like.
        found: the value found, as written (``repr`` for strings).
        code: what kind of problem it is, one of :data:`CODES` (``""`` when not classified).
        severity: ``"error"`` (the ledger does not load) or ``"warning"`` (implausible but
            real: the ledger loads; see :data:`WARNINGS`); the codes of warnings set it.
    """

    expected: str
    found: str = ""
    file: str | None = None
    line: int | None = None
    kind: str | None = None
    index: int | None = None
    record_id: str | None = None
    field: str | None = None
    code: str = ""
    severity: str = "error"

    def __post_init__(self) -> None:
        if self.code in WARNINGS and self.severity == "error":
            object.__setattr__(self, "severity", "warning")  # a warning's code says so
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    @property
    def is_warning(self) -> bool:
        """Whether this is a warning (the ledger loads)."""
        return self.severity == "warning"

    def located(self, file: str | None, line: int | None) -> Problem:
        """Return a copy with ``file`` and ``line`` set (keeps a known line if ``line`` is None)."""
        return replace(self, file=file, line=line if line is not None else self.line)

    @property
    def message(self) -> str:
        """``expected ..., got ...`` (or only ``expected ...`` when nothing was found)."""
        text = f"expected {self.expected}"
        return f"{text}, got {self.found}" if self.found else text

    def __str__(self) -> str:
        """One line (line breaks and other control characters in the input are escaped)."""
        where = ""
        if self.file is not None:
            file = _one_line(self.file)
            where = f"{file}:{self.line}: " if self.line is not None else f"{file}: "
        parts: list[str] = []
        if self.kind is not None:
            kind = _one_line(self.kind)
            parts.append(f"{kind}[{self.index}]" if self.index is not None else kind)
        if self.record_id:
            parts.append(_one_line(self.record_id))
        head = " ".join(parts)
        pieces = [p for p in (head, _one_line(self.field or "")) if p]
        label = "warning: " if self.severity == "warning" else ""
        return where + label + ": ".join([*pieces, _one_line(self.message)])


class LedgerError(ValueError):
    """Raised when a ledger cannot be loaded, validated or saved; lists every problem found.

    Attributes:
        problems: the problems, in file and line order.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(_sorted(problems))
        super().__init__(self._text())

    def _text(self) -> str:
        n = len(self.problems)
        warned = sum(p.severity == "warning" for p in self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the ledger:"
        if warned:
            head = f"{n} problem{'s' if n != 1 else ''} in the ledger ({warned} warning"
            head += f"{'s' if warned != 1 else ''}, refused as errors):"
        return "\n".join([head, *(str(p) for p in self.problems)])

    def __str__(self) -> str:
        return self._text()

    def to_dicts(self) -> list[dict[str, object]]:
        """The problems as JSON-ready mappings, one each, with the :class:`Problem` field names
        as keys (those of :meth:`to_frame`'s columns, in its order; missing values ``None``)."""
        names = _PROBLEM_COLUMNS
        return [{n: getattr(p, n) for n in names} for p in self.problems]

    def to_frame(self) -> pd.DataFrame:
        """The problems as a DataFrame, one row each, with the :class:`Problem` field names as
        columns (``code``, ``severity``, ``file``, ``line``, ``kind``, ``index``, ``record_id``,
        ``field``, ``expected``, ``found``; lines and indices as nullable integers)."""
        import pandas as pd

        names = _PROBLEM_COLUMNS
        rows = {n: [getattr(p, n) for p in self.problems] for n in names}
        types = {n: ("Int64" if n in ("line", "index") else "string") for n in names}
        return pd.DataFrame({n: pd.Series(v, dtype=types[n]) for n, v in rows.items()})


def _one_line(text: str) -> str:
    """``text`` with control characters escaped (``\\n``): a problem is one line."""
    return text if text.isprintable() else repr(text)[1:-1]


def _sorted(problems: Iterable[Problem]) -> Sequence[Problem]:
    return sorted(
        problems,
        key=lambda p: (p.file or "", p.line if p.line is not None else 1 << 30, p.field or ""),
    )


#: Words people write for a value of the format that spelling alone would not find: a tranche
#: ``paid`` is ``disbursed`` (not ``failed``, the closest in letters). Used only when the value
#: meant is among the choices.
_MEANT = {
    "paid": "disbursed",
    "received": "disbursed",
    "funded": "disbursed",
    "done": "closed",
    "completed": "closed",
    "complete": "closed",
    "rumored": "rumoured",
    "pending": "committed",
    "salaries": "payroll",
    "salary": "payroll",
    "wages": "payroll",
    "cloud": "compute",
}


def folded(text: str) -> str:
    """``text`` as a suggestion compares it: case, and spaces vs underscores vs hyphens, aside
    (``'Stability_AI '`` and ``'stability-ai'`` fold alike). Ids stay case-sensitive: this
    only finds the id that was meant."""
    return "-".join(text.casefold().replace("_", " ").replace("-", " ").split())


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` for the closest of ``choices`` to ``word``
    (:func:`closest`), or ``""``."""
    meant = closest(word, choices)
    return f" (did you mean {meant!r}?)" if meant is not None else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word``, or ``None`` (also for a ``word`` that is not
    text). A choice that differs from ``word`` only in case, spaces, underscores or hyphens
    (``'STABILITY-AI'`` for ``'stability-ai'``) is the one; else the closest by letters,
    compared the same way."""
    # no suggestion for a page of text (and no quadratic time on it)
    if not isinstance(word, str) or len(word) > 100:
        return None
    choices = list(choices)
    meant = _MEANT.get(word.strip().lower())
    if meant in choices:  # a word of the same meaning, not of the same letters
        return meant
    by_fold: dict[str, str] = {}  # the first choice of each folded form
    for choice in choices:
        if isinstance(choice, str):
            by_fold.setdefault(folded(choice), choice)
    own = folded(word)
    if own in by_fold:  # the same id but for case or separators
        return by_fold[own]
    close = difflib.get_close_matches(own, by_fold, n=1, cutoff=0.6)
    return by_fold[close[0]] if close else None
