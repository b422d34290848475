"""Problems say what was expected in the words of the format, never pydantic's: an id or code
that does not match its pattern, a field unknown to an item (a citation, a payment), a key that
is null, a day the calendar does not have (helper-50's bad-input review)."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
"""


def problems_of(tmp_path: Path, text: str, head: str = HEAD) -> list[ac.Problem]:
    path = tmp_path / "l.yaml"
    path.write_text(head + text)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    return list(caught.value.problems)


def one(tmp_path: Path, text: str, head: str = HEAD) -> ac.Problem:
    found = problems_of(tmp_path, text, head)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("written", ["'b 1'", "b/1", "-b1", "bé"])
def test_an_id_that_is_no_id_says_what_an_id_is(tmp_path: Path, written: str) -> None:
    p = one(
        tmp_path,
        f"""cash_balances:
- {{id: {written}, company: co, date: 2023-09, amount: $4M, sources: [s1]}}
""",
    )
    assert (p.code, p.field, p.line) == ("invalid-value", "id", 8)
    assert p.expected == "an id of letters, digits and . _ : + -, starting with a letter or digit"
    assert "pattern" not in str(p)


def test_an_empty_id(tmp_path: Path) -> None:
    p = one(
        tmp_path,
        """cash_balances:
- {id: '', company: co, date: 2023-09, amount: $4M, sources: [s1]}
""",
    )
    assert (p.field, p.expected, p.found) == ("id", "text, not empty", "''")


@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        ("fiscal_year_end", "13-01", "a day of the year as MM-DD like '06-30'"),
        ("fiscal_year_end", "June", "a day of the year as MM-DD like '06-30'"),
    ],
)
def test_an_entity_field_of_the_wrong_form(
    tmp_path: Path, field: str, written: str, expected: str
) -> None:
    p = one(
        tmp_path,
        f"""- {{id: x1, name: X, type: company, {field}: {written}}}
""",
        head=HEAD,  # appended to the entities' list
    )
    assert (p.code, p.record_id, p.field, p.expected) == ("invalid-value", "x1", field, expected)
    assert p.found == repr(written)


def test_a_language_that_is_no_code(tmp_path: Path) -> None:
    head = "aicapex: 1\nsources:\n"
    p = one(tmp_path, "- {id: s2, outlet: P, title: T, date: 2023, language: french}\n", head)
    assert (p.field, p.line) == ("language", 3)
    assert p.expected == "a language code like 'en', 'fr' or 'pt-BR' (BCP 47)"


def test_a_currency_that_is_no_code(tmp_path: Path) -> None:
    p = one(
        tmp_path,
        """fx_rates:
- {id: fx1, currency: eur, date: 2023-09, usd: 1.1, sources: [s1]}
""",
    )
    assert (p.field, p.found) == ("currency", "'eur'")
    assert p.expected == "a currency code of three capital letters like 'EUR'"


def test_an_unknown_field_of_an_item_names_the_item(tmp_path: Path) -> None:
    # 'page' in a citation, 'payer' in a payment: fields of neither, not of cloud_bills
    found = problems_of(
        tmp_path,
        """cloud_bills:
- id: b1
  payer: co
  provider: aws
  period: 2023-08
  billed: $7M
  payments:
  - {date: 2023-10, amount: $1M, payer: co}
  sources:
  - {source: s1, quote: seven, page: 5}
""",
    )
    said = {p.field: (p.code, p.line, p.expected) for p in found}
    assert said == {
        "payments.0.payer": (
            "unknown-field",
            14,
            "a field of Payment (date, amount) in cloud_bills",
        ),
        "sources.0.page": (
            "unknown-field",
            16,
            "a field of Citation (source, quote, translation) in cloud_bills",
        ),
    }


def test_a_key_that_is_null(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """cash_balances:
- id: c1
  company: co
  ~: 5
  date: 2023-09
  amount: $4M
  sources:
  - {source: s1, quote: four, null: x}
""",
    )
    said = sorted((p.field or "", p.code, p.expected, p.found) for p in found)
    both = ("unknown-field", "field names as text (field: value)", "a key that is null")
    assert said == [("", *both), ("sources.0", *both)]
    assert all("keys should be strings" not in str(p) for p in found)


def test_no_such_day_says_what_was_expected(tmp_path: Path) -> None:
    p = one(
        tmp_path,
        """cloud_bills:
- {id: b1, payer: co, provider: aws, period: 2023-01, billed: $7M, due: 2023-02-30}
""",
    )
    assert (p.code, p.field, p.line) == ("bad-date", "due", 8)
    assert p.expected == "a date of a day the calendar has"
    assert p.found == "'2023-02-30', no such day"
