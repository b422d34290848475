"""The flows table as plain-text accounting journals: hledger and beancount.

One transaction per flow row, written from the books of the row's ``entity`` (the company the
movement is about), with two postings of the same exact cents, opposite signs:

- ``Assets:Cash:<Entity>`` receives the money (``direction`` +1) or pays it (-1);
- the other side names the row's category and its counterparty (the ``payer`` of money in, the
  ``payee`` of money out): funding in goes to ``Equity:Funding:<Entity>:<Payer>``, revenue to
  ``Income:Revenue:<Entity>:<Payer>``, investments out to
  ``Assets:Investments:<Entity>:<Payee>``, spending out to ``Expenses:<Category>:<Entity>:<Payee>``
  (``Expenses:Compute:StabilityAi:Aws``); other money in goes to
  ``Income:<Category>:<Entity>:<Payer>``. A counterparty the source does not name is
  ``Unknown``; the payer ``undisclosed`` (money of a round no investor accounts for) is an
  account like any other (``Equity:Funding:StabilityAi:Undisclosed``).

An investor's side of a round is a row of its own (entity the investor, category
``investment``), so each side's books balance without counting the money twice. Journals keep
every row, whatever its status: committed tranches, scheduled contract payments, estimates, and
cloud bills beside the payments and expenses that settle them (filter the flows first: cash
actually moved is ``status:disbursed,paid``; a filter excluding statuses keeps those it does not
name, ``conditional`` ceilings and ``announced`` deals among them). Settled movements
(``disbursed``, ``paid``) are cleared (``*``); others pending (``!``), with their status as a tag.

Account names. Each id (entity, payer, payee) and each category becomes one account component
by the same rule: split it at every character other than an ASCII letter or digit, capitalise
the first letter of each piece and join them (``stability-ai`` -> ``StabilityAi``,
``google-cloud`` -> ``GoogleCloud``, ``compute`` -> ``Compute``, ``3m`` -> ``3m``). When two
different ids of one journal get the same name (``stability-ai``, ``stability_ai``,
``stabilityAi``), or an id gets ``Unknown``, each of them instead gets its name followed by ``-``
and the first 8 hexadecimal digits of the SHA-256 of the id (``StabilityAi-1b5e3d7c``): names
are distinct and the same for the same ids, and a name never changes unless another id of the
journal collides with it. Every component starts with a capital letter or a digit and holds
only letters, digits and ``-``, as beancount requires.

Amounts are written from integer cents with a ``.`` decimal point and no thousands separator
(``-1420.00 USD``); the hledger journal declares ``decimal-mark .``, its commodities and its
accounts before the transactions; the beancount one opens every account (and declares every
commodity) on the journal's first date. Each transaction carries the row's record id, its first
source, kind, status and basis: hledger tags (``; record:stability-aws-2023-07, source:...``),
beancount metadata (``record: "stability-aws-2023-07"``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from aicapex.export.tables import text_values
from aicapex.schema import FORMAT_VERSION, SCHEMA_VERSION

__all__ = [
    "UNKNOWN",
    "account_names",
    "beancount_journal",
    "component",
    "hledger_journal",
    "postings",
]

#: The account component of a counterparty the source does not name.
UNKNOWN = "Unknown"

#: Settled statuses: cleared transactions; others are pending.
_CLEARED = frozenset({"disbursed", "paid"})
_PIECES = re.compile(r"[^A-Za-z0-9]+")


def component(text: str) -> str:
    """The account component of an id or category before collisions are resolved (see the
    module docs): ``stability-ai`` -> ``StabilityAi``."""
    name = "".join(p[:1].upper() + p[1:] for p in _PIECES.split(text) if p)
    return name or "X"


def account_names(ids: Iterable[str]) -> dict[str, str]:
    """The account component of each id, distinct for distinct ids (see the module docs):
    ``{"stability-ai": "StabilityAi", ...}``; colliding ids get a hash suffix."""
    unique = sorted(set(ids))
    natural = {i: component(i) for i in unique}
    count: dict[str, int] = {}
    for name in natural.values():
        count[name] = count.get(name, 0) + 1
    out = {}
    for i, name in natural.items():
        if count[name] > 1 or name == UNKNOWN:
            digest = hashlib.sha256(i.encode("utf-8")).hexdigest()
            name = f"{name}-{digest[:8]}"
        out[i] = name
    if len(set(out.values())) != len(out):  # pragma: no cover - 32-bit hash collision
        out = {
            i: f"{natural[i]}-{hashlib.sha256(i.encode('utf-8')).hexdigest()}"
            if out[i] != natural[i]
            else out[i]
            for i in unique
        }
    return out


@dataclass(frozen=True, slots=True)
class _Sides:
    """What the transactions between the same two accounts share: flow rows with the same
    entity, counterparty, category, direction and currency."""

    description: str
    counterparty: str
    cash: str
    other: str
    currency: str


_SIDES = ("entity", "counter", "category", "direction", "currency")
_TAGS = ("record", "source", "kind", "status", "basis")


@dataclass(frozen=True, slots=True)
class _Journal:
    """A journal's transactions, one per flow row in the table's order: its day (ISO text), the
    index of its accounts in ``sides`` and of its tags in ``tags``, and the cents the cash
    account receives. Accounts and tags are made once per distinct sort of row."""

    day: np.ndarray
    side: np.ndarray
    tag: np.ndarray
    cents: np.ndarray
    sides: list[_Sides]
    tags: list[tuple[tuple[str, str], ...]]

    def accounts(self) -> list[str]:
        return sorted({a for s in self.sides for a in (s.cash, s.other)})

    def currencies(self) -> list[str]:
        return sorted({s.currency for s in self.sides})

    def width(self) -> int:
        return max((len(a) for a in self.accounts()), default=0) + 2

    def cleared(self) -> list[bool]:
        """Whether each sort of tags marks settled money (``disbursed`` or ``paid``)."""
        return [dict(t).get("status") in _CLEARED for t in self.tags]


def _journal(flows: pd.DataFrame) -> _Journal:
    """The transactions of a flows table (see :class:`_Journal`)."""
    dates = flows["date"].to_numpy("datetime64[D]")
    if np.isnat(dates).any():
        raise ValueError("flow rows without a date cannot be written to a journal")
    direction = flows["direction"].to_numpy("int64")
    counter = np.where(direction > 0, text_values(flows["payer"]), text_values(flows["payee"]))
    sides = {
        "entity": text_values(flows["entity"]),
        "counter": counter,
        "category": text_values(flows["category"]),
        "direction": np.where(direction > 0, 1, -1),
        "currency": text_values(flows["currency"]),
    }
    tags = {n: text_values(flows[n]) for n in _TAGS}
    side_code, side_rows = _sort_codes(list(sides.values()))
    tag_code, tag_rows = _sort_codes(list(tags.values()))
    side_sorts = [{n: v[i] for n, v in sides.items()} for i in side_rows.tolist()]
    names = account_names(
        [x for s in side_sorts for x in (s["entity"], s["counter"]) if isinstance(x, str)]
    )
    return _Journal(
        day=np.datetime_as_string(dates, unit="D"),
        side=side_code,
        tag=tag_code,
        cents=direction * flows["cents"].to_numpy("int64"),
        sides=[_sides(s, names) for s in side_sorts],
        tags=[
            tuple((n, v) for n in _TAGS if isinstance(v := tags[n][i], str))
            for i in tag_rows.tolist()
        ],
    )


def _sort_codes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A code per row, the same for rows equal in every column (missing values included),
    numbered 0, 1, ... in order of first appearance; and the first row of each code."""
    key = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        # both factors stay below the number of rows: the product fits in int64
        key = pd.factorize(key * (len(uniques) + 1) + (codes + 1))[0].astype(np.int64)
    first: np.ndarray = np.unique(key, return_index=True)[1]
    return key, first


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_SIDE_OF = {
    "funding": "Equity:Funding",
    "investment": "Assets:Investments",
    "revenue": "Income:Revenue",
}


def _sides(sort: dict[str, object], names: dict[str, str]) -> _Sides:
    entity, counter = _text(sort["entity"]), _text(sort["counter"])
    category = _text(sort["category"])
    money_in = sort["direction"] == 1
    who = names[entity] if entity is not None else UNKNOWN
    them = names[counter] if counter is not None else UNKNOWN
    base = _SIDE_OF.get(category or "") or (
        f"{'Income' if money_in else 'Expenses'}:{component(category or 'other')}"
    )
    word = "from" if money_in else "to"
    return _Sides(
        description=f"{entity} {category or 'other'} {word} {counter or 'unknown'}",
        counterparty=counter or "",
        cash=f"Assets:Cash:{who}",
        other=f"{base}:{who}:{them}",
        currency=_text(sort["currency"]) or "XXX",
    )


def postings(flows: pd.DataFrame) -> pd.DataFrame:
    """The journals' postings: two per flow row (the cash side first), with ``row`` (the
    position of the flow row), ``date``, ``month``, ``account``, ``currency`` and ``cents``
    (signed: what the account receives; the two of a row sum to zero)."""
    journal = _journal(flows)
    n = len(journal.side)
    cash = np.array([s.cash for s in journal.sides] + [""], dtype=object)[journal.side]
    other = np.array([s.other for s in journal.sides] + [""], dtype=object)[journal.side]
    currency = np.array([s.currency for s in journal.sides] + [""], dtype=object)[journal.side]
    days = flows["date"].to_numpy("datetime64[D]")
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(n, dtype=np.int64), 2),
            "date": np.repeat(days, 2).astype("datetime64[ns]"),
            "month": np.repeat(days.astype("datetime64[M]"), 2).astype("datetime64[ns]"),
            "account": pd.array(np.column_stack([cash, other]).ravel(), dtype="str"),
            "currency": pd.array(np.repeat(currency, 2), dtype="str"),
            "cents": np.column_stack([journal.cents, -journal.cents]).ravel(),
        }
    )


def _amounts(cents: np.ndarray) -> list[str]:
    """Cents as plain decimal text with a dot: ``-1420.00``."""
    whole, part = np.divmod(np.abs(cents), 100)
    sign = np.where(cents < 0, "-", "")
    return [
        f"{s}{w}.{p:02d}"
        for s, w, p in zip(sign.tolist(), whole.tolist(), part.tolist(), strict=True)
    ]


def _head_line(comment: str) -> str:
    return (
        f"{comment} aicapex flows journal (format_version {FORMAT_VERSION}, "
        f"schema_version {SCHEMA_VERSION}): one transaction per flow row"
    )


def _lines(journal: _Journal, heads: list[str], tags: list[str], indent: str) -> list[str]:
    """A transaction per row: ``<day> <flag> <head><tags>`` then the two postings."""
    width = journal.width()
    flags = ["*" if c else "!" for c in journal.cleared()]
    sides = [
        (f"{indent}{s.cash:<{width}}", f"{indent}{s.other:<{width}}", s.currency)
        for s in journal.sides
    ]
    plus, minus = _amounts(journal.cents), _amounts(-journal.cents)
    rows = zip(
        journal.day.tolist(), journal.side.tolist(), journal.tag.tolist(), plus, minus, strict=True
    )
    out = []
    for day, side, tag, p, m in rows:
        cash, other, currency = sides[side]
        out.append(
            f"\n{day} {flags[tag]} {heads[side]}{tags[tag]}"
            f"\n{cash}{p} {currency}\n{other}{m} {currency}"
        )
    return out


def hledger_journal(flows: pd.DataFrame) -> str:
    """The flows as an hledger journal (see the module docs): ``decimal-mark .``, commodity
    and account declarations, then a transaction per row with its record as tags."""
    journal = _journal(flows)
    lines = [_head_line(";"), "", "decimal-mark .", ""]
    lines += [f"commodity 1000.00 {c}" for c in journal.currencies()]
    lines += ["", *(f"account {a}" for a in journal.accounts())]
    heads = [s.description.replace(";", ",") for s in journal.sides]
    tags = ["  ; " + ", ".join(f"{k}:{v}" for k, v in t) if t else "" for t in journal.tags]
    lines += _lines(journal, heads, tags, "    ")
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def beancount_journal(flows: pd.DataFrame) -> str:
    """The flows as a beancount journal (see the module docs): commodities and accounts opened
    on the first date, then a transaction per row with its record as metadata."""
    journal = _journal(flows)
    lines = [_head_line(";"), "", 'option "title" "aicapex flows"', ""]
    if len(journal.day):
        first = min(journal.day.tolist())
        lines += [f"{first} commodity {c}" for c in journal.currencies()]
        lines += ["", *(f"{first} open {a}" for a in journal.accounts())]
    heads = [
        (f"{_quoted(s.counterparty)} " if s.counterparty else "") + _quoted(s.description)
        for s in journal.sides
    ]
    tags = ["".join(f"\n  {k}: {_quoted(v)}" for k, v in t) for t in journal.tags]
    lines += _lines(journal, heads, tags, "  ")
    return "\n".join(lines) + "\n"
