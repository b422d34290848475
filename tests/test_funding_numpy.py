"""The funding flows in NumPy (by each round's position) give what the pandas code gave.

``payer_shares`` and ``funding_flows`` (:mod:`aicapex.table.funding`) find each participation's
and tranche's round by its position, sum by position (pandas' compensated sums, still) and join
the pieces to their payers by position, instead of mapping, reindexing and merging Series keyed
by round ids (pandas' cost on a few rows was most of the funding flows' cost). The reference
below is the pandas code as it stood (commit e9edaf9, its funding_flows concatenated by
``concat_flows``); both must give the same shares and flow rows on the bundled and generated
ledgers and on random rounds: amounts missing, in other currencies, without rates, ceilings,
ranges, tranches cancelled or undated, participations with and without amounts, several per
investor, rounds without investments frame.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.table.columns import constant_category, first_source
from aicapex.table.flowrows import (
    concat_flows,
    end_factors,
    flow_rows,
    to_cents,
    usd_rate,
)
from aicapex.table.funding import (
    _LIVE,
    UNDISCLOSED,
    _split_cents,
    funding_flows,
    payer_shares,
)

# -- the reference: the pandas code as it stood (e9edaf9) -------------------------------------


def ref_payer_shares(rounds: pd.DataFrame, investments: pd.DataFrame | None) -> pd.DataFrame:
    """Who pays what part of each round: one row per round and payer with ``round``, ``payer``
    and ``share`` (the shares of a round sum to 1), plus ``known`` (the round's amount when the
    round gives none: the sum of its participations' amounts; NaN otherwise). ``investments``
    is the ``investments`` frame; without it, the rounds' ``investors`` column (ids, comma-
    separated) names the investors, without amounts."""
    ids = rounds["id"].astype("object").to_numpy()
    if investments is None:
        names = rounds["investors"].astype("object").fillna("")
        inv = pd.DataFrame(
            {"round": np.repeat(ids, names.str.count(",").to_numpy() + (names != "").to_numpy())}
        )
        inv["investor"] = [x for text in names for x in text.split(",") if x]
        inv["amount"] = np.nan
        inv["written"] = False
    else:
        inv = pd.DataFrame(
            {
                "round": investments["round"].astype("object").to_numpy(),
                "investor": investments["investor"].astype("object").to_numpy(),
                "amount": ref_in_round_currency(rounds, investments),
                "written": investments["amount"].notna().to_numpy(),
            }
        )
    inv = inv[inv["round"].isin(ids)]
    # an amount written in a currency without a rate to the round's: the split is unknown
    unpriced = inv["written"] & inv["amount"].isna()
    unsplit = pd.Series(unpriced.to_numpy(), index=inv["round"].to_numpy()).groupby(level=0).any()
    unsplit = unsplit.reindex(ids, fill_value=False)
    round_amount = pd.Series(rounds["amount"].to_numpy("float64"), index=ids)
    count = inv.groupby("round").size().reindex(ids, fill_value=0)
    known_sum = inv.groupby("round")["amount"].sum(min_count=1).reindex(ids)
    total = round_amount.where(round_amount.notna(), known_sum)
    has_amounts = known_sum.notna() & (known_sum > 0)
    # rounds whose participations give no amount: one named investor pays, else undisclosed
    plain = inv[inv["round"].map(~has_amounts).to_numpy(dtype=bool)]
    sole = plain[plain["round"].map((count == 1) & ~unsplit).to_numpy(dtype=bool)]
    parts = [pd.DataFrame({"round": sole["round"], "payer": sole["investor"], "share": 1.0})]
    nobody = ~has_amounts & ((count != 1) | unsplit)
    parts.append(
        pd.DataFrame({"round": ids[nobody.to_numpy()], "payer": UNDISCLOSED, "share": 1.0})
    )
    # rounds with amounts: each its own, the rest undisclosed
    paying = inv[inv["round"].map(has_amounts).to_numpy(dtype=bool) & inv["amount"].notna()]
    share = paying["amount"].to_numpy() / total.reindex(paying["round"]).to_numpy()
    parts.append(
        pd.DataFrame({"round": paying["round"], "payer": paying["investor"], "share": share})
    )
    covered = pd.Series(share, index=paying["round"].to_numpy()).groupby(level=0).sum()
    rest = (1.0 - covered).reindex(ids[has_amounts.to_numpy()])
    rest = rest[rest > 1e-12]
    parts.append(
        pd.DataFrame({"round": rest.index, "payer": UNDISCLOSED, "share": rest.to_numpy()})
    )
    out = pd.concat(parts, ignore_index=True)
    known = known_sum.where(round_amount.isna())
    out["known"] = out["round"].map(known).to_numpy("float64")
    money = ref_participations_money(investments) if investments is not None else None
    # the money of a round known by its participations
    unknown = out["known"].isna()
    currency = money["currency"] if money is not None else pd.Series(dtype="object")
    out["known_currency"] = out["round"].map(currency).astype("object").where(~unknown, None)
    rate = money["rate_usd"] if money is not None else pd.Series(dtype="float64")
    out["known_rate_usd"] = out["round"].map(rate).astype("float64").where(~unknown)
    return out


def ref_participations_money(investments: pd.DataFrame) -> pd.DataFrame:
    """By round: the currency its participations' amounts are in (``None`` when they differ) and
    US dollars per unit of it (NaN without a rate for every one of them)."""
    inv = investments[investments["amount"].notna().to_numpy()]
    frame = pd.DataFrame(
        {
            "round": inv["round"].astype("object").to_numpy(),
            "currency": inv["amount_currency"].astype("object").to_numpy(),
            "amount": inv["amount"].to_numpy("float64"),
            "usd": inv["amount_usd"].to_numpy("float64"),
        }
    )
    frame["no_usd"] = frame["usd"].isna()
    by = frame.groupby("round", sort=False)
    one = by["currency"].nunique() == 1
    priced = ~by["no_usd"].any()
    rate = (by["usd"].sum() / by["amount"].sum()).where(one & priced)
    # amounts in several currencies, each with a rate: counted in US dollars
    rate = rate.where(one | ~priced, 1.0)
    currency = by["currency"].first().where(one, None).where(one | ~priced, "USD")
    return pd.DataFrame({"currency": currency, "rate_usd": rate.astype("float64")})


def ref_in_round_currency(rounds: pd.DataFrame, investments: pd.DataFrame) -> np.ndarray:
    """Each participation's amount in its round's currency (through US dollars when the
    currencies differ; NaN without a rate)."""
    parent = rounds.set_index(rounds["id"].astype("object"))
    rid = investments["round"].astype("object")
    same = (
        investments["amount_currency"].astype("object").to_numpy()
        == parent["amount_currency"].astype("object").reindex(rid).to_numpy()
    )
    per_usd = (parent["amount"] / parent["amount_usd"]).reindex(rid).to_numpy("float64")
    converted = investments["amount_usd"].to_numpy("float64") * per_usd
    amount = investments["amount"].to_numpy("float64")
    no_round_amount = parent["amount"].isna().reindex(rid).to_numpy(dtype=bool)
    # a round known by its participations in several currencies: each in US dollars (the
    # round's money is then counted in dollars; see _participations_money)
    given = investments["amount"].notna().to_numpy()
    currencies = investments["amount_currency"].astype("object").where(given)
    by_round = rid.to_numpy()
    mixed = currencies.groupby(by_round).transform("nunique").to_numpy() > 1
    no_usd = pd.Series(given & investments["amount_usd"].isna().to_numpy())
    priced = ~no_usd.groupby(by_round).transform("any").to_numpy(dtype=bool)
    in_usd = no_round_amount & mixed & priced
    out: np.ndarray = np.where(
        in_usd,
        investments["amount_usd"].to_numpy("float64"),
        np.where(same | no_round_amount, amount, converted),
    )
    return out


def ref_funding_flows(
    rounds: pd.DataFrame, tranches: pd.DataFrame, investments: pd.DataFrame | None
) -> pd.DataFrame:
    """The flows rows of funding rounds (see the module docs)."""
    return concat_flows(ref_funding_pieces(rounds, tranches, investments))


def ref_funding_pieces(
    rounds: pd.DataFrame, tranches: pd.DataFrame, investments: pd.DataFrame | None
) -> list[pd.DataFrame]:
    """:func:`funding_flows` in pieces, not yet concatenated (:func:`concat_flows` of them): the
    companies' rows, then the investors' (none when no named investor pays)."""
    if rounds.empty:
        return []
    status = rounds["status"].astype("object")
    live = rounds[status.isin(_LIVE).to_numpy()]
    if live.empty:
        return []
    shares = ref_payer_shares(live, investments)
    by_id = live.set_index(live["id"].astype("object"))
    pieces = ref_pieces(by_id, tranches, shares)
    if pieces.empty:
        return []
    legs = pieces.merge(shares[["round", "payer", "share"]], on="round", how="inner")
    legs["cents"] = _split_cents(legs)
    legs = legs[legs["cents"] != 0]
    legs["low"], legs["high"] = ref_payers_ends(legs, investments)
    parent = by_id.loc[legs["round"]]
    company_side = flow_rows(
        date=legs["date"].to_numpy("datetime64[D]"),
        entity=parent["company"].astype("object").to_numpy(),
        direction=1,
        payer=legs["payer"].to_numpy(object),
        payee=parent["company"].astype("object").to_numpy(),
        cents=legs["cents"].to_numpy(np.int64),
        currency=ref_currencies(parent, legs, shares, tranches),
        rate_usd=legs["rate_usd"].to_numpy("float64"),
        ends=(legs["low"].to_numpy("float64"), legs["high"].to_numpy("float64")),
        category="funding",
        status=legs["status"].to_numpy(object),
        basis="actual",
        kind="funding_rounds",
        record=legs["round"].to_numpy(object),
        source=first_source(parent["sources"]),
    )
    named = (legs["payer"] != UNDISCLOSED).to_numpy()
    if not named.any():
        return [company_side]
    mirror = company_side[named]
    mirror = mirror.assign(
        entity=mirror["payer"],
        direction=np.int8(-1),
        category=constant_category("investment", len(mirror)),
    )
    return [company_side, mirror]


def ref_currencies(
    parent: pd.DataFrame, legs: pd.DataFrame, shares: pd.DataFrame, tranches: pd.DataFrame
) -> np.ndarray:
    """Each leg's currency: its round's, or for a round without an amount, its participations',
    else its tranches' (a round's tranches share one currency)."""
    own = parent["amount_currency"].astype("object").to_numpy()
    known = shares.drop_duplicates("round").set_index("round")["known_currency"]
    by_participations = legs["round"].map(known).to_numpy(object)
    out: np.ndarray = np.where(pd.isna(own), by_participations, own)
    if pd.isna(out).any() and not tranches.empty:
        given = tranches[tranches["amount_currency"].notna().to_numpy()]
        first = pd.Series(
            given["amount_currency"].astype("object").to_numpy(),
            index=given["round"].astype("object").to_numpy(),
        )
        by_tranches = legs["round"].map(first[~first.index.duplicated()])
        out = np.where(pd.isna(out), by_tranches.to_numpy(object), out)
    return out


def ref_pieces(rounds: pd.DataFrame, tranches: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """The money of each live round: one row per tranche (not cancelled) and one for the part of
    the round no tranche accounts for, with ``round``, ``date``, ``status``, ``cents`` and
    ``rate_usd`` (US dollars per unit of the round's currency)."""
    parts = []
    rate = pd.Series(usd_rate(rounds, "amount"), index=rounds.index)
    round_low, round_high = (
        pd.Series(f, index=rounds.index) for f in end_factors(rounds, "amount")
    )
    ceiling = (rounds["amount_kind"].astype("object") == "ceiling").to_numpy()
    if not tranches.empty:
        tr = tranches[tranches["round"].astype("object").isin(rounds.index).to_numpy()]
        split = tr.groupby(tr["round"].astype("object"))["amount"].sum()
        # cancelled and failed tranches move nothing (their money is accounted for: not rest)
        tr = tr[~tr["status"].astype("object").isin(("cancelled", "failed")).to_numpy()]
        rid = tr["round"].astype("object")
        round_end = rounds["date_end"].reindex(rid).to_numpy("datetime64[D]")
        own = tr["date_end"].to_numpy("datetime64[D]")
        parts.append(
            pd.DataFrame(
                {
                    "round": rid.to_numpy(),
                    "date": np.where(np.isnat(own), round_end, own),
                    "status": tr["status"].astype("object").to_numpy(),
                    "cents": to_cents(tr["amount"].to_numpy("float64")),
                    "rate_usd": usd_rate(tr, "amount"),
                    "low": end_factors(tr, "amount")[0],
                    "high": end_factors(tr, "amount")[1],
                    "rest": False,
                }
            )
        )
    else:
        split = pd.Series(dtype="float64")
    first = shares.drop_duplicates("round").set_index("round")
    known = first["known"]
    amount = rounds["amount"].where(rounds["amount"].notna(), known.reindex(rounds.index))
    # a round without an amount, known by its participations: their dollars per unit
    rate = rate.where(rounds["amount"].notna(), first["known_rate_usd"].reindex(rounds.index))
    tranched = split.reindex(rounds.index).fillna(0.0).to_numpy("float64")
    rest = amount.to_numpy("float64") - tranched
    keep = np.nan_to_num(rest) > 0.005
    r = rounds[keep]
    # the ends of the rest: the round's ends less the tranches (the ends are the round's, not
    # the rest's: of $3.2B to $3.4B with a $1B tranche, $2.2B to $2.4B are left)
    with np.errstate(invalid="ignore", divide="ignore"):
        whole = amount.to_numpy("float64")
        rest_low = np.maximum(whole * round_low.to_numpy("float64") - tranched, 0.0) / rest
        rest_high = np.maximum(whole * round_high.to_numpy("float64") - tranched, 0.0) / rest
    ranged = tranched > 0
    round_low = pd.Series(np.where(ranged, rest_low, round_low), index=rounds.index)
    round_high = pd.Series(np.where(ranged, rest_high, round_high), index=rounds.index)
    parts.append(
        pd.DataFrame(
            {
                "round": r.index.to_numpy(),
                "date": r["date_end"].to_numpy("datetime64[D]"),
                "status": np.where(
                    ceiling[keep],
                    "conditional",
                    np.where(r["status"].astype("object") == "closed", "disbursed", "committed"),
                ),
                "cents": to_cents(rest[keep]),
                "rate_usd": rate[keep].to_numpy("float64"),
                "low": round_low[keep].to_numpy("float64"),
                "high": round_high[keep].to_numpy("float64"),
                "rest": ~ceiling[keep],
            }
        )
    )
    out = pd.concat(parts, ignore_index=True)
    out["piece"] = np.arange(len(out))
    return out


def ref_payers_ends(
    legs: pd.DataFrame, investments: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """The ends of each leg over its amount (factors). A piece's ends are its own, shared by its
    payers, except in the part of a round no tranche accounts for (not a ceiling): an investor
    paying its participation has that participation's ends (``$1B`` of a ``$3.2B to $3.4B``
    round is $1B, not $0.97B to $1.03B), and ``undisclosed`` the rest of the piece's ends."""
    low = legs["low"].to_numpy("float64").copy()
    high = legs["high"].to_numpy("float64").copy()
    if investments is None or investments.empty:
        return low, high
    inv = investments[investments["amount"].notna().to_numpy()]
    by = inv.groupby([inv["round"].astype("object"), inv["investor"].astype("object")], sort=False)[
        ["amount_usd", "amount_low_usd", "amount_high_usd"]
    ].sum(min_count=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        own_low = (by["amount_low_usd"] / by["amount_usd"]).fillna(1.0)
        own_high = (by["amount_high_usd"] / by["amount_usd"]).fillna(1.0)
    key = pd.MultiIndex.from_arrays(
        [legs["round"].astype("object").to_numpy(), legs["payer"].astype("object").to_numpy()]
    )
    rest = legs["rest"].to_numpy(dtype=bool)
    payer = legs["payer"].astype("object").to_numpy()
    named = rest & (payer != UNDISCLOSED) & key.isin(by.index)
    if not named.any():
        return low, high
    undisclosed = rest & (payer == UNDISCLOSED)
    cents = legs["cents"].to_numpy("float64")
    piece = legs["piece"].to_numpy()
    whole_low = pd.Series(cents * low).groupby(piece).transform("sum").to_numpy()
    whole_high = pd.Series(cents * high).groupby(piece).transform("sum").to_numpy()
    low[named] = own_low.reindex(key[named]).to_numpy("float64")
    high[named] = own_high.reindex(key[named]).to_numpy("float64")
    others = ~undisclosed
    known_low = pd.Series(np.where(others, cents * low, 0.0)).groupby(piece).transform("sum")
    known_high = pd.Series(np.where(others, cents * high, 0.0)).groupby(piece).transform("sum")
    with np.errstate(invalid="ignore", divide="ignore"):
        left_low = np.maximum(whole_low - known_low.to_numpy(), 0.0) / cents
        left_high = np.maximum(whole_high - known_high.to_numpy(), 0.0) / cents
    low[undisclosed] = np.minimum(left_low[undisclosed], 1.0)
    high[undisclosed] = np.maximum(left_high[undisclosed], 1.0)
    return low, high


# -- the checks --------------------------------------------------------------------------------


def _check(rounds: pd.DataFrame, tranches: pd.DataFrame, investments: pd.DataFrame) -> None:
    status = rounds["status"].astype("object")
    live = rounds[status.isin(_LIVE).to_numpy()]
    for inv in (investments, None):
        if len(live):
            got = payer_shares(live, inv)
            want = ref_payer_shares(live, inv)
            for name in ("round", "payer"):  # (object or str, as pd.concat found them)
                want[name] = want[name].astype("str")
            pd.testing.assert_frame_equal(got, want)
        got = funding_flows(rounds, tranches, inv)
        want = concat_flows([ref_funding_flows(rounds, tranches, inv)])
        pd.testing.assert_frame_equal(got, want)


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A ledger of 400 companies of every kind, made by benchmarks/gen_ledger.py (its data
    folder is no part of the repository)."""
    out = tmp_path_factory.mktemp("gen")
    script = ROOT / "benchmarks" / "gen_ledger.py"
    done = subprocess.run(
        [sys.executable, str(script), "-n", "400", "--kinds", "all", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out / "ledger-400-all.yaml"


@pytest.mark.parametrize("which", ["bundled", "generated"])
def test_funding_of_ledgers_is_the_pandas_funding(
    which: str, request: pytest.FixtureRequest
) -> None:
    path = ROOT / "data" if which == "bundled" else request.getfixturevalue("generated")
    ledger = ac.load(path)
    frames = [ledger.frame(k) for k in ("funding_rounds", "tranches", "investments")]
    _check(*frames)


def _random_funding(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Rounds of the bundled ledger's columns with random figures, tranches and
    participations."""
    rng = np.random.default_rng(seed)
    ledger = ac.load("data")
    template = ledger.frame("funding_rounds")
    n = int(rng.integers(1, 12))
    rounds = template.iloc[rng.integers(0, len(template), n)].reset_index(drop=True)
    rounds["id"] = pd.array([f"r{i}" for i in range(n)], dtype="str")
    rate = {"USD": 1.0, "EUR": 1.1, "GBP": 1.3}
    currencies = np.array(["USD", "EUR", "GBP"], dtype=object)

    def money(count: int, missing: float) -> dict[str, object]:
        amount = np.round(rng.uniform(1, 900, count), 2) * 1e6
        amount[rng.random(count) < missing] = np.nan
        currency = currencies[rng.integers(0, 3, count)]
        usd = amount * np.array([rate[c] for c in currency])
        usd[rng.random(count) < 0.15] = np.nan  # no rate
        low = np.where(rng.random(count) < 0.3, usd * 0.9, usd)
        high = np.where(rng.random(count) < 0.3, usd * 1.2, usd)
        return {
            "amount": amount,
            "amount_currency": pd.Categorical(np.where(np.isnan(amount), None, currency)),
            "amount_usd": usd,
            "amount_low_usd": low,
            "amount_high_usd": high,
        }

    for name, values in money(n, 0.3).items():
        rounds[name] = values
    rounds["status"] = pd.Categorical(
        np.array(["closed", "committed", "announced", "sought", "cancelled"])[rng.integers(0, 5, n)]
    )
    rounds["amount_kind"] = pd.Categorical(
        np.where(rng.random(n) < 0.15, "ceiling", "exact").astype(object)
    )
    m = int(rng.integers(0, 3 * n + 1))
    of = rng.integers(0, n + 1, m)  # n: a round of none of the rounds
    investments = pd.DataFrame(
        {
            "round": pd.Categorical(np.array([f"r{i}" for i in of], dtype=object)),
            "investor": pd.Categorical(
                np.array(["a", "b", "c", "d"], dtype=object)[rng.integers(0, 4, m)]
            ),
            **money(m, 0.4),
        }
    )
    investors = investments.groupby("round", observed=True)["investor"].agg(
        lambda s: ",".join(s.astype(str))
    )
    rounds["investors"] = pd.array([investors.get(i, None) for i in rounds["id"]], dtype="string")
    k = int(rng.integers(0, 2 * n + 1))
    days = np.array(["2023-03-31", "2023-06-30", "NaT"], dtype="datetime64[ns]")
    tranches = pd.DataFrame(
        {
            "round": pd.Categorical(
                np.array([f"r{i}" for i in rng.integers(0, n + 1, k)], dtype=object)
            ),
            **money(k, 0.0),
            "status": pd.Categorical(
                np.array(["disbursed", "committed", "cancelled", "failed"], dtype=object)[
                    rng.integers(0, 4, k)
                ]
            ),
            "date_end": days[rng.integers(0, 3, k)],
        }
    )
    return rounds, tranches, investments


@pytest.mark.parametrize("seed", range(60))
def test_funding_of_random_rounds_is_the_pandas_funding(seed: int) -> None:
    _check(*_random_funding(seed))
