"""A funding round's ``series`` tells two rounds of one company and instrument apart when they
fall within 120 days of each other; reports from different sources naming no investor in
common are warned of (``distinct-investors``), as they are likely two rounds of which the flows
would keep one. Figures by hand from the records below."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac

HEAD = """\
sources:
- {id: s1, outlet: Reuters, title: One, date: 2023-09-25}
- {id: s2, outlet: WSJ, title: Two, date: 2023-10-27}
- {id: s3, outlet: FT, title: Three, date: 2023-11-02}
entities:
- {id: co, name: Co, type: company}
- {id: amazon, name: Amazon, type: company}
- {id: google, name: Google, type: company}
- {id: sap, name: SAP, type: company}
funding_rounds:
"""


def _round(rid: str, source: str, date: str, amount: str, *, series: str = "", **inv: str) -> str:
    investors = ", ".join(f"{{investor: {k}, amount: {v}}}" for k, v in inv.items())
    return (
        f"- id: {rid}\n"
        f'  sources: [{{source: {source}, quote: "The round."}}]\n'
        f"  company: co\n  date: {date}\n  instrument: convertible_note\n"
        + (f"  series: {series}\n" if series else "")
        + f"  amount: {amount}\n"
        + (f"  investors: [{investors}]\n" if inv else "")
    )


def _load(tmp_path: Path, *rounds: str) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + "".join(rounds), encoding="utf-8")
    return ac.load(path)


def _codes(led: ac.Ledger) -> list[tuple[str | None, str]]:
    return [(w.record_id, w.code) for w in led.warnings if w.code == "distinct-investors"]


def _raised(led: ac.Ledger) -> float:
    flows = led.flows()
    mine = flows[(flows["entity"] == "co") & (flows["kind"] == "funding_rounds")]
    return float(mine["amount_usd"].sum())


def _paid_by(led: ac.Ledger) -> dict[str, float]:
    flows = led.flows()
    out = flows[(flows["entity"] != "co") & (flows["kind"] == "funding_rounds")]
    return {str(k): float(v) for k, v in out.groupby("entity")["amount_usd"].sum().items()}


AMAZON = _round("r-amazon", "s1", "2023-09", "$1.25B", amazon="$1.25B")
GOOGLE = _round("r-google", "s2", "2023-10", "$500M", google="$500M")


def test_two_rounds_a_month_apart_without_series_are_one_and_warned(tmp_path: Path) -> None:
    led = _load(tmp_path, AMAZON, GOOGLE)
    # read as one round: the latest report (s2, $500M) is kept, Amazon's $1.25B is not
    assert _raised(led) == pytest.approx(500e6)
    assert list(led.conflicts()["id"]) == ["r-amazon", "r-google"]
    assert _codes(led) == [("r-google", "distinct-investors")]
    (warning,) = [w for w in led.warnings if w.code == "distinct-investors"]
    assert warning.field == "investors"
    assert "r-amazon (amazon)" in warning.expected
    assert "series" in warning.expected
    assert warning.line == 24  # r-google's investors line


def test_a_series_on_each_makes_them_two_rounds(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("r-amazon", "s1", "2023-09", "$1.25B", series="Amazon 1", amazon="$1.25B"),
        _round("r-google", "s2", "2023-10", "$500M", series="Google 1", google="$500M"),
    )
    assert _raised(led) == pytest.approx(1.75e9)
    assert _paid_by(led) == {"amazon": pytest.approx(1.25e9), "google": pytest.approx(500e6)}
    assert led.conflicts().empty
    assert not _codes(led)
    # the series is kept: in the frame, and through a save
    assert list(led.frame("funding_rounds")["series"]) == ["Amazon 1", "Google 1"]
    saved = tmp_path / "saved.yaml"
    led.save(saved)
    again = ac.load(saved)
    assert [r.series for r in again.records("funding_rounds")] == ["Amazon 1", "Google 1"]


def test_one_series_named_alike_is_one_round(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("a", "s1", "2023-09", "$3.2B", series="Series C", amazon="$1B"),
        _round("b", "s2", "2023-10", "$3.4B", series="Series C", amazon="$1B", sap="$0.2B"),
    )
    # one round reported twice, investors in common: no warning; the latest report is kept
    assert _raised(led) == pytest.approx(3.4e9)
    assert list(led.conflicts()["id"]) == ["a", "b"]
    assert "series=Series C" in led.conflicts()["key"].iloc[0]
    assert not _codes(led)


def test_no_warning_without_investors_on_both_or_from_one_source(tmp_path: Path) -> None:
    bare = _round("r-bare", "s2", "2023-10", "$500M")
    led = _load(tmp_path, AMAZON, bare)
    assert not _codes(led)  # one report names no investor: nothing to compare
    assert _raised(led) == pytest.approx(500e6)
    same_source = _round("r-google", "s1", "2023-10", "$500M", google="$500M")
    led = _load(tmp_path, AMAZON, same_source)
    assert not _codes(led)  # one source: its two figures are no two reports (contradictions)


def test_rounds_far_apart_are_two_whatever_their_investors(tmp_path: Path) -> None:
    later = _round("r-google", "s3", "2024-03", "$500M", google="$500M")  # 181 days later
    led = _load(tmp_path, AMAZON, later)
    assert not _codes(led)
    assert _raised(led) == pytest.approx(1.75e9)


def test_three_reports_warn_only_of_the_one_sharing_no_investor(tmp_path: Path) -> None:
    both = _round("r-both", "s3", "2023-10", "$1.75B", amazon="$1.25B", google="$500M")
    led = _load(tmp_path, AMAZON, GOOGLE, both)
    # r-google shares no investor with r-amazon (warned); r-both shares with each
    assert _codes(led) == [("r-google", "distinct-investors")]
    assert _raised(led) == pytest.approx(1.75e9)  # the latest report, s3


def test_the_warning_is_strict_and_in_validate(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + AMAZON + GOOGLE, encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path, strict=True)
    frame = info.value.to_frame()
    assert list(frame["code"]) == ["distinct-investors"]
    assert list(frame["severity"]) == ["warning"]


def test_a_table_takes_a_series_column(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "id": ["t1", "t2"],
            "company": ["co", "co"],
            "date": ["2023-09", "2023-10"],
            "instrument": ["equity", "equity"],
            "series": ["Series A", "Series B"],
            "amount": ["$10M", "$20M"],
        }
    )
    path = tmp_path / "funding_rounds.csv"
    table.to_csv(path, index=False)
    read = ac.read_table(path, "funding_rounds")
    assert list(read["series"]) == ["Series A", "Series B"]


def test_a_report_without_series_reports_the_one_named(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("a", "s1", "2023-09", "$3.2B", series="Series C", amazon="$1B"),
        _round("b", "s2", "2023-10", "$3.4B", amazon="$1B"),
    )
    # one round: b (no series) is another report of the only series named, Series C
    assert _raised(led) == pytest.approx(3.4e9)
    assert list(led.conflicts()["id"]) == ["a", "b"]


def test_reports_naming_several_series_split_and_the_unnamed_join_the_nearest(
    tmp_path: Path,
) -> None:
    led = _load(
        tmp_path,
        _round("c", "s1", "2023-07", "$1B", series="Series C", amazon="$1B"),
        _round("d1", "s3", "2023-09", "$3.2B", google="$3.2B"),
        _round("d2", "s2", "2023-09-20", "$3.4B", series="Series D", google="$3.4B"),
    )
    # one window (62 and 19 days apart) naming Series C and Series D: two rounds; d1 names
    # none and is 62 days from c, 19 from d2: a report of Series D, of which the latest
    # report (d1, s3 of 2023-11-02) is kept: $1B + $3.2B, never $7.6B
    assert _raised(led) == pytest.approx(1e9 + 3.2e9)
    conflicts = led.conflicts()
    assert list(conflicts["id"]) == ["d1", "d2"]
    assert not _codes(led)  # d1 and d2 share google


def test_a_tie_joins_the_first_named(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("b", "s1", "2023-06-01", "$1B", series="Series B", amazon="$1B"),
        _round("x", "s3", "2023-07-01", "$2B", sap="$2B"),
        _round("c", "s2", "2023-07-31", "$3B", series="Series C", sap="$3B"),
    )
    # x is 30 days from b and from c: it joins b (the first named), b is set aside for x
    # (the later report): $2B + $3B
    assert list(led.conflicts()["id"]) == ["b", "x"]
    assert _raised(led) == pytest.approx(5e9)
    # and they name no investor in common: likely two rounds, said
    assert _codes(led) == [("x", "distinct-investors")]


def test_one_source_two_series_is_no_contradiction(tmp_path: Path) -> None:
    def bounded(rid: str, amount: str, series: str = "") -> str:
        named = f", series: {series}" if series else ""
        return (
            f"- {{id: {rid}, company: co, date: 2023-09, amount: {amount}{named},"
            " sources: [{source: s1, quote: q}]}\n"
        )

    path = tmp_path / "ledger.yaml"
    # one source: $10M and '$20M to $30M' the same month cannot be one round
    path.write_text(HEAD + bounded("a", "$10M") + bounded("b", "$20M to $30M"), encoding="utf-8")
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    assert [p.code for p in info.value.problems] == ["contradiction"]
    assert "series" in info.value.problems[0].found  # the way out is named
    # named as two series, they are two rounds
    path.write_text(
        HEAD + bounded("a", "$10M", "Seed") + bounded("b", "$20M to $30M", "Series A"),
        encoding="utf-8",
    )
    led = ac.load(path)
    assert _raised(led) == pytest.approx(10e6 + 25e6)


def test_a_series_joined_only_through_another_is_two_rounds_in_the_loader_too(
    tmp_path: Path,
) -> None:
    bounded = (
        "- {id: a, company: co, date: 2024-01-01, series: Series B, amount: $100M to $120M,"
        " sources: [s1]}\n"
        "- {id: b, company: co, date: 2024-04-01, series: Series C, amount: $200M,"
        " sources: [s2]}\n"
        "- {id: c, company: co, date: 2024-07-20, series: Series B, amount: $150M,"
        " sources: [s1]}\n"
    )
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + bounded, encoding="utf-8")
    # a and c (Series B) are 201 days apart: two rounds, whatever b (Series C) chains; one
    # source's '$100M to $120M' and '$150M' are then no contradiction, and nothing conflicts
    led = ac.load(path)
    assert led.conflicts().empty
    assert _raised(led) == pytest.approx(110e6 + 200e6 + 150e6)


def test_series_written_alike_but_for_case_and_spaces_are_one(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("a", "s1", "2023-09", "$3.2B", series="Series C", amazon="$1B"),
        _round("b", "s2", "2023-09-15", "$3.4B", series="series-c", amazon="$1B"),
        _round("x", "s3", "2023-10", "$1B", series="Series D", sap="$1B"),
    )
    # 'Series C' and 'series-c' name one round (the later report kept); Series D another
    assert list(led.conflicts()["id"]) == ["a", "b"]
    assert _raised(led) == pytest.approx(3.4e9 + 1e9)


def test_the_conflict_key_names_the_series_a_report_gives(tmp_path: Path) -> None:
    led = _load(
        tmp_path,
        _round("x", "s1", "2023-09", "$3.2B", amazon="$1B"),
        _round("c", "s2", "2023-09-20", "$3.4B", series="Series C", amazon="$1B"),
    )
    # x names no series and comes first: the key still says which round it is
    assert set(led.conflicts()["key"]) == {
        "company=co, instrument=convertible_note, series=Series C"
    }
