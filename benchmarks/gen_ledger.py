"""Generate a synthetic aicapex ledger of N records, and the same facts as a beancount v3 ledger.

Usage::

    python benchmarks/gen_ledger.py                 # 10,000 records -> benchmarks/.data/
    python benchmarks/gen_ledger.py -n 100000 --seed 7 --out /tmp/x
    python benchmarks/gen_ledger.py -n 8000 --kinds all   # every kind -> ledger-8000-all.yaml

Writes ``ledger-<N>.yaml`` (aicapex) and ``ledger-<N>.beancount`` (beancount v3). Deterministic:
the same ``-n`` and ``--seed`` give byte-identical files.

``--kinds all`` (files ``ledger-<N>-all.*``) also generates, in proportion (:data:`SHARES_ALL`),
the kinds the default lacks: GPU orders (scheduled and delivered batches, payments), GPU
reallocations (a third of them swaps), compute contracts (a total, a flat rate or a yearly ramp),
stakes (primary, secondary, in a round, holdings; some above 50 % or controlling), warrants and
options with vesting tranches, share counts, listings, mergers, vehicles (entities of type
``other``), capex guidance, actuals and plans with milestones, prices, GPU targets, assumptions,
and customers' shares of revenues. A tenth of the rounds are a chip vendor's or a cloud
provider's money in a company that then buys from it (GPU orders, contracts, stakes): money that
goes round. The default output is unchanged (the same draws, in the same order).

Shape of the aicapex ledger (proportions of N; at N=10,000 exactly these counts):

=================  ======  ==============================================================
kind               count   shape
=================  ======  ==============================================================
sources              500   outlet, title, partial date, url; 10 % in French or German
entities           2,000   1,700 companies, 20 cloud providers, 10 chip vendors, 250
                           investors, 20 people; some with controlled_by, founded, country
expenses           3,000   60 % an amount, 40 % a rate ($2.5M/month, $99M/year) with
                           `until`; dates at day, month, quarter, half and year precision;
                           compute / payroll / opex / tax / other; basis mix
revenues           1,500   same mix, revenue categories
cloud_bills        1,200   monthly period, billed + due; 40 % with 1-3 payments (some with
                           `outstanding` = billed - payments); 10 % known only as outstanding
funding_rounds       800   status / instrument mix, 1-3 investors (one lead), 40 % with
                           2-3 tranches summing to at most the round, some valuations
cash_balances      1,000   month-dated, 10 % upper bounds ("less than")
=================  ======  ==============================================================

Every record but sources cites one or two sources with a short quote (a translation too when
the source is not in English); cash balances, revenues and expenses cite sources published in or
after the month their date ends (an actual figure is reported after it happens). Amounts are
95 % USD, the rest EUR or GBP, with yearly exchange rates (fx_rates, 22 records beyond N) from
2018 on.

The beancount ledger holds the same records as transactions: one transaction per record (N in
all), each with exactly 2 postings and the record's id, source and quote as metadata, plus an
``open`` directive for every account used. Money records map naturally (expense: company cash ->
expense account; revenue: income -> cash; bill: expense -> payable to the provider; round:
equity -> cash; cash balance: an adjustment to cash). Sources and entities move no money: each
becomes a transaction of 0 between two of the entity's (or a registry's) accounts, so that the
beancount file has N transactions with N sets of metadata, like the aicapex file has N records.
Rates become one transaction of the total over their span.
"""

from __future__ import annotations

import argparse
import bisect
import random
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / ".data"

SHARES = {
    "sources": 0.05,
    "entities": 0.20,
    "expenses": 0.30,
    "revenues": 0.15,
    "cloud_bills": 0.12,
    "funding_rounds": 0.08,
    "cash_balances": 0.10,
}

ENTITY_SHARES = {
    "person": 0.01,
    "investor": 0.125,
    "chip_vendor": 0.005,
    "cloud_provider": 0.01,
    "company": 0.85,
}

#: ``--kinds all``: every record kind, in these proportions of N (the rest to expenses).
SHARES_ALL = {
    "sources": 0.05,
    "entities": 0.20,
    "expenses": 0.21,
    "revenues": 0.12,
    "cloud_bills": 0.08,
    "funding_rounds": 0.06,
    "cash_balances": 0.07,
    "gpu_orders": 0.05,
    "gpu_reallocations": 0.015,
    "compute_contracts": 0.03,
    "stakes": 0.03,
    "warrants": 0.01,
    "share_counts": 0.01,
    "listings": 0.005,
    "mergers": 0.005,
    "vehicles": 0.005,
    "capex": 0.01,
    "prices": 0.005,
    "gpu_targets": 0.005,
    "assumptions": 0.002,
}

#: ``--kinds all``: more vendors and providers, and entities of type other (the vehicles).
ENTITY_SHARES_ALL = {
    "person": 0.01,
    "investor": 0.11,
    "chip_vendor": 0.01,
    "cloud_provider": 0.015,
    "other": 0.03,
    "company": 0.825,
}

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "sigma",
    "orbit",
    "nimbus",
    "lattice",
    "quanta",
    "vector",
    "tensor",
    "photon",
    "helix",
    "cortex",
    "aurora",
    "zenith",
    "vertex",
    "nova",
    "pulse",
    "ember",
    "cobalt",
    "argon",
    "onyx",
    "lumen",
    "polar",
    "cipher",
    "kinetic",
    "atlas",
    "prism",
    "harbor",
    "summit",
    "ridge",
    "maple",
    "cedar",
    "willow",
    "falcon",
    "raven",
    "otter",
    "lynx",
    "bison",
    "heron",
]
OUTLETS = [
    "The Register",
    "Forbes",
    "CNBC",
    "Reuters",
    "Bloomberg",
    "The Information",
    "TechCrunch",
    "Financial Times",
    "Le Monde",
    "Handelsblatt",
    "Les Echos",
    "Wired",
    "The Verge",
    "Axios",
]
QUOTES = {
    "expenses": "The company spent about {m} on {x} in the period, according to people familiar.",
    "revenues": "It reported {m} in {x} revenue, well short of the forecast it gave investors.",
    "funding_rounds": "The startup raised {m} in a round led by existing backers.",
    "cash_balances": "Its bank balance had fallen to {m}, documents seen by the paper show.",
    "cloud_bills": "The provider billed {m} for the month and was paid only in part.",
    "entities": "The firm was founded by former researchers and is based in {c}.",
    # the kinds of --kinds all
    "gpu_orders": "It ordered GPUs worth {m} ({x}), people briefed on the order said.",
    "gpu_reallocations": "GPUs meant for one company were sent to another ({x}).",
    "compute_contracts": "The compute deal is worth {m}, according to the filing ({x}).",
    "stakes": "The investor paid {m} for its stake ({x}).",
    "warrants": "The chipmaker granted warrants for {m} shares ({x}).",
    "share_counts": "The company had {m} shares outstanding ({x}).",
    "listings": "The shares were priced at {m} in the offering ({x}).",
    "mergers": "The deal values the company at {m} ({x}).",
    "vehicles": "The vehicle raised {m} of equity and debt ({x}).",
    "capex": "It expects capital spending of {m} ({x}).",
    "prices": "The product is sold for {m} ({x}).",
    "gpu_targets": "It aims to have {m} GPUs running ({x}).",
    "assumptions": "A gigawatt powers about {m} ({x}).",
}
FR_QUOTE = "Selon nos informations, le montant en jeu serait de {m} ({x})."
DE_QUOTE = "Nach Informationen der Zeitung geht es um {m} ({x})."
FR_ENTITY = "L'entreprise a été fondée par d'anciens chercheurs et est basée en {c}."
DE_ENTITY = "Die Firma wurde von ehemaligen Forschern gegründet und sitzt in {c}."
COUNTRIES = ["US", "GB", "FR", "DE", "CA", "IL", "IN", "JP", "SG", "CH"]
EXPENSE_CATS = ["compute", "payroll", "opex", "tax", "other"]
REVENUE_CATS = ["sales", "subscription", "services", "compute_resale", "licensing", "other"]
BASES = ["actual"] * 6 + ["expected", "estimated", "planned"]
INSTRUMENTS = [
    "equity",
    "equity",
    "equity",
    "convertible_note",
    "safe",
    "debt",
    "grant",
    "in_kind_compute",
]
ROUND_STATUS = ["closed"] * 6 + ["committed", "announced", "sought", "cancelled"]
PERIODS = ["month", "quarter", "year"]
SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}
SKUS = ["H100", "H200", "B200", "A100", "MI300X"]
ORDER_STATUS = ["committed"] * 5 + ["delivered"] * 2 + ["announced", "cancelled", "rumoured"]
CONTRACT_STATUS = ["signed"] * 6 + ["announced", "in_talks", "cancelled"]
STAKE_STATUS = ["closed"] * 7 + ["announced", "committed", "cancelled"]


def money(rng: random.Random, lo: int, hi: int, currency: str = "USD") -> tuple[str, int]:
    """A money string and its value in whole units; mostly round figures, as sources give."""
    exp = rng.uniform(lo, hi)
    units = int(10**exp)
    if rng.random() < 0.7:  # round to 2-3 significant digits: "$1.6M", "$250K"
        digits = len(str(units)) - rng.choice((2, 3))
        units = max(1, round(units, -max(digits, 0)))
    return fmt(units, currency), units


def fmt(units: int, currency: str) -> str:
    sym = SYMBOL[currency]
    for scale, letter in ((10**9, "B"), (10**6, "M"), (10**3, "K")):
        if units >= scale:  # the largest scale not above the amount, if 3 decimals suffice
            if (units * 1000) % scale:
                break
            text = (
                f"{Decimal(units) / scale:f}".rstrip("0").rstrip(".")
                if units % scale
                else str(units // scale)
            )
            return f"{sym}{text}{letter}"
    return f"{sym}{units:,}"


def currency(rng: random.Random) -> str:
    r = rng.random()
    return "USD" if r < 0.95 else ("EUR" if r < 0.98 else "GBP")


def partial_date(rng: random.Random, year: int, month: int) -> tuple[str, int]:
    """A date of mixed precision, with how many months its span covers."""
    r = rng.random()
    if r < 0.15:
        return f"{year}-{month:02d}-{rng.randint(1, 28):02d}", 1
    if r < 0.65:
        return f"{year}-{month:02d}", 1
    if r < 0.80:
        return f"{year}-Q{(month - 1) // 3 + 1}", 3
    if r < 0.85:
        return f"H{1 if month <= 6 else 2} {year}", 6
    return str(year), 12


def span_end(date: str) -> tuple[int, int]:
    """The (year, month) the span of a partial date of :func:`partial_date` (or ``YYYY-MM``,
    ``YYYY``) ends in."""
    if date.startswith("H"):
        half, year = date.split()
        return int(year), 6 if half == "H1" else 12
    if "-Q" in date:
        year, quarter = date.split("-Q")
        return int(year), int(quarter) * 3
    parts = date.split("-")
    return int(parts[0]), int(parts[1]) if len(parts) > 1 else 12


def ym(rng: random.Random) -> tuple[int, int]:
    return rng.randint(2019, 2025), rng.randint(1, 12)


class Gen:
    def __init__(self, n: int, seed: int, kinds: str = "default") -> None:
        self.rng = random.Random(seed)
        self.n = n
        self.all = kinds == "all"
        counts = {k: round(n * s) for k, s in (SHARES_ALL if self.all else SHARES).items()}
        counts["expenses"] += n - sum(counts.values())
        self.counts = counts
        self.sources: list[dict] = []
        self.dated: list[dict] = []  # the sources by (year, month) published
        self.dated_keys: list[tuple[int, int]] = []
        self.entities: list[dict] = []
        self.by_type: dict[str, list[str]] = {}
        self.yaml: list[str] = []
        self.bean: list[str] = []
        self.accounts: set[str] = set()
        # --kinds all: (vendor, customer) pairs whose money goes round, rounds and revenues
        self.loops: list[tuple[str, str]] = []
        self.loop_dates: list[tuple[int, int]] = []  # the loop's round: year, month
        self.rounds_of: dict[str, list[str]] = {}
        self.orders: list[dict] = []
        self.revenues: list[tuple[str, str, str]] = []

    # -- helpers --------------------------------------------------------------------------

    def name(self) -> str:
        return " ".join(w.capitalize() for w in self.rng.sample(WORDS, 2))

    def cite(
        self, kind: str, amount: str | None, what: str = "", after: tuple[int, int] | None = None
    ) -> tuple[list[str], str, str]:
        """YAML lines of 1-2 citations; the first source id and quote (for beancount).
        ``after``: the (year, month) a record's date ends in: its sources are published then or
        later (an actual figure is reported after it happens; else the loader warns)."""
        rng = self.rng
        lines = ["  sources:"]
        first = None
        pool = self.sources
        if after is not None:
            if len(self.dated) != len(self.sources):  # sorted once, after gen_sources
                self.dated = sorted(self.sources, key=lambda s: s["ym"])
                self.dated_keys = [s["ym"] for s in self.dated]
            start = bisect.bisect_left(self.dated_keys, after)
            pool = self.dated[start:] or self.dated[-5:]
        for _ in range(1 if rng.random() < 0.8 else 2):
            src = rng.choice(pool)
            lang = src["language"]
            fields = {
                "m": amount or "",
                "x": what.replace("_", " ") or kind.replace("_", " "),
                "c": rng.choice(COUNTRIES),
            }
            english = QUOTES[kind].format(**fields)
            if lang == "en":
                quote = english
            elif kind == "entities":
                quote = (FR_ENTITY if lang == "fr" else DE_ENTITY).format(**fields)
            else:
                quote = (FR_QUOTE if lang == "fr" else DE_QUOTE).format(**fields)
            lines.append(f"  - source: {src['id']}")
            lines.append(f"    quote: {yq(quote)}")
            if lang != "en":
                lines.append(f"    translation: {yq(english)}")
            if first is None:
                first = (src["id"], quote)
        assert first is not None
        return lines, first[0], first[1]

    def acct(self, *parts: str) -> str:
        name = ":".join(parts)
        self.accounts.add(name)
        return name

    def txn(
        self,
        date: str,
        narration: str,
        rid: str,
        src: str,
        quote: str,
        debit: str,
        credit: str,
        amount: int,
        cur: str,
    ) -> None:
        self.bean.append(
            f'{date} * "{narration}"\n'
            f'  id: "{rid}"\n'
            f'  source: "{src}"\n'
            f'  quote: "{quote}"\n'
            f"  {debit}  {amount}.00 {cur}\n"
            f"  {credit}  {-amount}.00 {cur}\n"
            if amount
            else f'{date} * "{narration}"\n'
            f'  id: "{rid}"\n'
            f'  source: "{src}"\n'
            f'  quote: "{quote}"\n'
            f"  {debit}  0.00 USD\n"
            f"  {credit}  0.00 USD\n"
        )

    # -- kinds ----------------------------------------------------------------------------

    def gen_sources(self) -> None:
        rng = self.rng
        out = ["sources:"]
        for i in range(self.counts["sources"]):
            year, month = ym(rng)
            r = rng.random()
            lang = "en" if r < 0.9 else ("fr" if r < 0.95 else "de")
            sid = f"src-{year}-{i:05d}"
            date = (
                f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
                if rng.random() < 0.7
                else f"{year}-{month:02d}"
            )
            outlet = rng.choice(OUTLETS)
            who = self.name()  # (draws in this order: the output stays as it was)
            verb = rng.choice(["raises", "burns", "owes", "bills", "hires"])
            title = f"{who} {verb} {fmt(rng.randint(1, 900) * 10**6, 'USD')}"
            self.sources.append({"id": sid, "language": lang, "ym": (year, month)})
            out.append(f"- id: {sid}")
            out.append(f"  outlet: {yq(outlet)}")
            out.append(f"  title: {yq(title)}")
            out.append(f"  date: {date}")
            out.append(f"  url: https://news.example/{year}/{i:05d}")
            if lang != "en":
                out.append(f"  language: {lang}")
            out.append("")
            d = date if len(date) == 10 else date + "-01"
            self.txn(
                d,
                f"source {title}",
                sid,
                sid,
                title,
                self.acct("Equity", "Registry", "Sources"),
                self.acct("Equity", "Registry", "Publications"),
                0,
                "USD",
            )
        self.yaml.append("\n".join(out))

    def gen_entities(self) -> None:
        rng = self.rng
        total = self.counts["entities"]
        types: list[str] = []
        for t, share in (ENTITY_SHARES_ALL if self.all else ENTITY_SHARES).items():
            types += [t] * round(total * share)
        types = (types + ["company"] * total)[:total]
        # a small ledger (-n 50) still has every type the record generators draw from: three
        # investors (a round samples up to three), two companies, one of each other type
        for t in ENTITY_SHARES_ALL if self.all else ENTITY_SHARES:
            least = {"investor": 3, "company": 2}.get(t, 1)
            types += [t] * max(0, least - types.count(t))
        out = ["entities:"]
        for i, t in enumerate(types):
            eid = f"{t.replace('_', '-')}-{i:05d}"
            self.by_type.setdefault(t, []).append(eid)
            self.entities.append({"id": eid, "type": t})
            name = self.name() + (
                " Labs" if t == "company" else " Cloud" if t == "cloud_provider" else ""
            )
            out.append(f"- id: {eid}")
            cl, src, quote = self.cite("entities", None)
            out.extend(cl)
            out.append(f"  name: {yq(name)}")
            out.append(f"  type: {t}")
            if t == "company":
                if rng.random() < 0.6:
                    out.append(f"  country: {rng.choice(COUNTRIES)}")
                if rng.random() < 0.5:
                    out.append(f"  founded: {rng.randint(2005, 2023)}")
                if rng.random() < 0.05 and self.by_type.get("person"):
                    out.append("  controlled_by:")
                    out.append(f"  - {rng.choice(self.by_type['person'])}")
                if rng.random() < 0.1:
                    out.append("  fiscal_year_end: 06-30")
            out.append("")
            self.txn(
                "2018-01-01",
                f"entity {name}",
                eid,
                src,
                quote,
                self.acct("Assets", bean(eid), "Cash"),
                self.acct("Equity", bean(eid), "Opening"),
                0,
                "USD",
            )
        self.yaml.append("\n".join(out))

    def _flow(self, kind: str, i: int, cats: list[str]) -> None:
        rng = self.rng
        out = self.yaml_lines
        company = rng.choice(self.by_type["company"])
        year, month = ym(rng)
        cur = currency(rng)
        cat = rng.choice(cats)
        rid = f"{'exp' if kind == 'expenses' else 'rev'}-{company}-{i:06d}"
        out.append(f"- id: {rid}")
        is_rate = rng.random() < 0.4
        if is_rate:
            per = rng.choice(PERIODS)
            m, units = money(rng, 4, 7.5, cur)
            date = f"{year}-{month:02d}" if rng.random() < 0.7 else str(year)
            months = 1 if len(date) > 4 else 12
            until = None
            if rng.random() < 0.6:
                uy = min(2025, year + rng.randint(0, 2))
                um = rng.randint(month if uy == year else 1, 12)
                until = f"{uy}-{um:02d}"
                months = (uy - year) * 12 + um - month + 1
            per_month = {"month": 1, "quarter": Decimal(1) / 3, "year": Decimal(1) / 12}[per]
            total = int(units * per_month * months)
            shown = f"{m}/{per}"
        else:
            m, units = money(rng, 4, 8.5, cur)
            date, _ = partial_date(rng, year, month)
            total = units
            shown = m
            if self.all and kind == "revenues":  # a customer may hold a share of it
                self.revenues.append((rid, company, date))
        cl, src, quote = self.cite(kind, shown, cat, after=span_end(date))
        out.extend(cl)
        out.append(f"  company: {company}")
        if rng.random() < 0.3:
            cp = rng.choice(
                self.by_type["cloud_provider"] if kind == "expenses" else self.by_type["company"]
            )
            if cp != company:
                out.append(f"  counterparty: {cp}")
        out.append(f"  category: {cat}")
        if is_rate:
            out.append(f"  rate: {shown}")
        else:
            out.append(f"  amount: {m}")
        out.append(f"  date: {yq(date)}")
        if is_rate and until:
            out.append(f"  until: {yq(until)}")
        basis = rng.choice(BASES)
        if basis != "actual":
            out.append(f"  basis: {basis}")
        if rng.random() < 0.1:
            out.append(f"  note: {yq('Figure as reported; the period is approximate.')}")
        out.append("")
        day = f"{year}-{month:02d}-01"
        b = bean(company)
        if kind == "expenses":
            self.txn(
                day,
                f"{cat} {shown}",
                rid,
                src,
                quote,
                self.acct("Expenses", b, cat.capitalize()),
                self.acct("Assets", b, "Cash"),
                total,
                cur,
            )
        else:
            self.txn(
                day,
                f"{cat} {shown}",
                rid,
                src,
                quote,
                self.acct("Assets", b, "Cash"),
                self.acct("Income", b, cat.capitalize().replace("_", "-")),
                total,
                cur,
            )

    def gen_flows(self, kind: str, cats: list[str]) -> None:
        self.yaml_lines = [f"{kind}:"]
        count = self.counts[kind]
        shares = count // 10 if self.all and kind == "revenues" else 0
        for i in range(count - shares):
            self._flow(kind, i, cats)
        if shares:
            self.revenue_shares(count - shares, shares)
        self.yaml.append("\n".join(self.yaml_lines))

    def gen_bills(self) -> None:
        rng = self.rng
        out = ["cloud_bills:"]
        for i in range(self.counts["cloud_bills"]):
            payer = rng.choice(self.by_type["company"])
            provider = rng.choice(self.by_type["cloud_provider"])
            year, month = ym(rng)
            cur = "USD" if rng.random() < 0.97 else "EUR"
            rid = f"bill-{payer}-{year}-{month:02d}-{i:05d}"
            units = rng.randint(20, 5000) * 1000
            m = fmt(units, cur)
            out.append(f"- id: {rid}")
            cl, src, quote = self.cite("cloud_bills", m)
            out.extend(cl)
            out.append(f"  payer: {payer}")
            out.append(f"  provider: {provider}")
            out.append(f"  period: {year}-{month:02d}")
            r = rng.random()
            if r < 0.1:
                out.append(f"  outstanding: {m}")
            else:
                out.append(f"  billed: {m}")
                dm = month % 12 + 1
                dy = year + (month == 12)
                out.append(f"  due: {dy}-{dm:02d}-{rng.choice((15, 28))}")
                if r < 0.5:
                    out.append("  payments:")
                    left = units
                    for k in range(rng.randint(1, 3)):
                        pay = rng.randint(1, max(1, left // 1000)) * 1000 if left >= 1000 else 0
                        if pay <= 0:
                            break
                        left -= pay
                        pm = (month + k) % 12 + 1
                        py = year + (month + k >= 12)
                        out.append(f"  - date: {py}-{pm:02d}-{rng.randint(1, 28):02d}")
                        out.append(f"    amount: {fmt(pay, cur)}")
                    if rng.random() < 0.5:
                        out.append(
                            f"  outstanding: {fmt(left, cur) if left else SYMBOL[cur] + '0'}"
                        )
            out.append("")
            b = bean(payer)
            self.txn(
                f"{year}-{month:02d}-28",
                f"bill {m}",
                rid,
                src,
                quote,
                self.acct("Expenses", b, "Cloud"),
                self.acct("Liabilities", b, bean(provider)),
                units,
                cur,
            )
        self.yaml.append("\n".join(out))

    def gen_rounds(self) -> None:
        rng = self.rng
        out = ["funding_rounds:"]
        count = self.counts["funding_rounds"]
        strategic = count // 10 if self.all else 0
        if strategic:  # money loops: a vendor invests in a customer that buys its chips
            pool = self.by_type["chip_vendor"] + self.by_type["cloud_provider"]
            self.loops = [
                (rng.choice(pool), rng.choice(self.by_type["company"])) for _ in range(strategic)
            ]
        for i in range(count):
            company = rng.choice(self.by_type["company"])
            if i >= count - strategic:
                vendor, company = self.loops[i - (count - strategic)]
            year, month = ym(rng)
            if i >= count - strategic:
                self.loop_dates.append((year, min(month, 6)))
            rid = f"round-{company}-{i:05d}"
            cur = "USD" if rng.random() < 0.95 else "EUR"
            units = rng.randint(1, 2000) * 10**6 // rng.choice((1, 10))
            m = fmt(units, cur)
            status = rng.choice(ROUND_STATUS)
            if i >= count - strategic:
                status = "closed"
            out.append(f"- id: {rid}")
            cl, src, quote = self.cite("funding_rounds", m)
            out.extend(cl)
            out.append(f"  company: {company}")
            date = rng.choice(
                (
                    f"{year}-{month:02d}",
                    f"{year}-Q{(month - 1) // 3 + 1}",
                    f"{year}-{month:02d}-{rng.randint(1, 28):02d}",
                )
            )
            out.append(f"  date: {yq(date)}")
            if status != "closed":
                out.append(f"  status: {status}")
            out.append(f"  instrument: {rng.choice(INSTRUMENTS)}")
            out.append(f"  amount: {m}")
            if rng.random() < 0.3:
                out.append(f"  post_money: {fmt(units * rng.randint(4, 20), cur)}")
            investors = rng.sample(self.by_type["investor"], rng.randint(1, 3))
            if i >= count - strategic:
                investors = [vendor]  # its money alone
            self.rounds_of.setdefault(company, []).append(rid)
            out.append("  investors:")
            for k, inv in enumerate(investors):
                out.append(f"  - investor: {inv}")
                if k == 0:
                    out.append("    lead: true")
            if rng.random() < 0.4 and status in ("closed", "committed"):
                out.append("  tranches:")
                left = units
                for k in range(rng.randint(2, 3)):
                    part = left // 2 if k < 2 else left
                    part -= part % 1000
                    if part <= 0:
                        break
                    left -= part
                    tstatus = (
                        "disbursed"
                        if k == 0 or status == "closed"
                        else rng.choice(("committed", "cancelled"))
                    )
                    out.append(f"  - amount: {fmt(part, cur)}")
                    out.append(f"    status: {tstatus}")
                    ty = min(2025, year + k)
                    out.append(f"    date: {ty}-{month:02d}")
            out.append("")
            b = bean(company)
            self.txn(
                f"{year}-{month:02d}-01",
                f"round {m}",
                rid,
                src,
                quote,
                self.acct("Assets", b, "Cash"),
                self.acct("Equity", b, "Funding"),
                units,
                cur,
            )
        self.yaml.append("\n".join(out))

    def gen_cash(self) -> None:
        rng = self.rng
        out = ["cash_balances:"]
        for i in range(self.counts["cash_balances"]):
            company = rng.choice(self.by_type["company"])
            year, month = ym(rng)
            rid = f"cash-{company}-{year}-{month:02d}-{i:05d}"
            m, units = money(rng, 5, 9)
            out.append(f"- id: {rid}")
            cl, src, quote = self.cite("cash_balances", m, after=(year, month))
            out.extend(cl)
            out.append(f"  company: {company}")
            out.append(f"  date: {year}-{month:02d}")
            out.append(f"  amount: {m}")
            if rng.random() < 0.1:
                out.append("  bound: upper")
            out.append("")
            b = bean(company)
            self.txn(
                f"{year}-{month:02d}-28",
                f"cash {m}",
                rid,
                src,
                quote,
                self.acct("Assets", b, "Bank"),
                self.acct("Equity", b, "Adjustments"),
                units,
                "USD",
            )
        self.yaml.append("\n".join(out))

    def gen_fx(self) -> None:
        """Yearly EUR and GBP rates from 2018 on (dated before every amount that needs them),
        and the same as beancount price directives; they come out of no random draw."""
        out = ["fx_rates:"]
        for year in range(2018, 2029):
            for cur, base in (("EUR", 1.10), ("GBP", 1.27)):
                usd = f"{base + (year - 2018) * 0.01:.2f}"
                out += [f"- id: fx-{cur.lower()}-{year}", f"  currency: {cur}"]
                out += [f"  date: {year}-01-01", f"  usd: {usd}", ""]
                self.bean.append(f"{year}-01-01 price {cur} {usd} USD\n")
        self.yaml.append("\n".join(out))

    # -- the kinds of --kinds all ---------------------------------------------------------

    def record(
        self,
        kind: str,
        rid: str,
        shown: str | None,
        what: str,
        after: tuple[int, int] | None = None,
    ) -> list[str]:
        """The lines of a new record of ``kind``: its id and citations (``after``: as
        :meth:`cite` takes it); a beancount transaction of 0 (these kinds stand for facts, not
        money, in the comparison)."""
        lines = [f"- id: {rid}"]
        cl, src, quote = self.cite(kind, shown, what, after)
        lines.extend(cl)
        self.txn(
            "2018-01-01",
            f"{kind} {rid}",
            rid,
            src,
            quote,
            self.acct("Equity", "Registry", "Facts"),
            self.acct("Equity", "Registry", "Reports"),
            0,
            "USD",
        )
        return lines

    def revenue_shares(self, start: int, count: int) -> None:
        """Customers' shares of revenue records (``share`` of ``of``), at most 90 % of one."""
        rng = self.rng
        out = self.yaml_lines
        given: dict[str, int] = {}
        for i in range(start, start + count):
            base, company, date = rng.choice(self.revenues)
            pct = rng.choice((5, 10, 12, 20, 25, 30, 40))
            if given.get(base, 0) + pct > 90:
                pct = 90 - given.get(base, 0)
                if pct <= 0:
                    base, company, date = self.revenues[i % len(self.revenues)]
                    pct = 5 if given.get(base, 0) <= 85 else 0
            if pct <= 0:
                continue
            given[base] = given.get(base, 0) + pct
            customer = rng.choice(self.by_type["company"] + self.by_type["cloud_provider"])
            while customer == company:
                customer = rng.choice(self.by_type["company"])
            out.extend(
                self.record("revenues", f"rev-share-{i:06d}", f"{pct}%", "sales", span_end(date))
            )
            out += [f"  company: {company}", f"  counterparty: {customer}", "  category: sales"]
            out += [f"  share: {pct}%", f"  of: {base}", f"  date: {yq(date)}", ""]

    def gen_more(self) -> None:
        self.gen_orders()
        self.gen_reallocations()
        self.gen_contracts()
        self.gen_stakes()
        self.gen_warrants()
        self.gen_share_counts()
        self.gen_listings()
        self.gen_mergers()
        self.gen_vehicles()
        self.gen_capex()
        self.gen_prices()
        self.gen_targets()
        self.gen_assumptions()

    def buyers(self) -> list[str]:
        return self.by_type["company"] + self.by_type["cloud_provider"]

    def gen_orders(self) -> None:
        """GPU orders; the first ones are the loops' customers buying from their investor."""
        rng = self.rng
        out = ["gpu_orders:"]
        vendors = self.by_type["chip_vendor"]
        for i in range(self.counts["gpu_orders"]):
            if i < len(self.loops):
                vendor, buyer = self.loops[i]
                if vendor not in vendors:  # a cloud provider invested: it buys from a vendor
                    buyer, vendor = vendor, rng.choice(vendors)
            else:
                vendor, buyer = rng.choice(vendors), rng.choice(self.buyers())
            year, month = ym(rng)
            if i < len(self.loops):  # bought in the year of the vendor's money
                year, month = self.loop_dates[i]
            sku = rng.choice(SKUS)
            qty = rng.randint(1, 200) * 100
            unit = rng.choice((25_000, 30_000, 35_000, 40_000))
            rid = f"order-{buyer}-{i:05d}"
            status = rng.choice(ORDER_STATUS)
            r = rng.random()
            loop = i < len(self.loops)
            if loop:  # committed, priced and paid for: the money comes back
                status, r = "committed", r * 0.8
            total = qty * unit if r < 0.8 else None
            lines = self.record("gpu_orders", rid, fmt(qty * unit, "USD"), sku)
            lines += [f"  buyer: {buyer}", f"  vendor: {vendor}", f"  sku: {sku}"]
            lines.append(
                f"  quantity: {qty:,}" if rng.random() < 0.9 else f"  quantity: about {qty:,}"
            )
            if r < 0.5:
                lines.append(f"  unit_price: {fmt(unit, 'USD')}")
            elif r < 0.8:
                lines.append(f"  total: {fmt(qty * unit, 'USD')}")
            date = (
                f"{year}-{month:02d}" if rng.random() < 0.8 else f"{year}-Q{(month - 1) // 3 + 1}"
            )
            lines.append(f"  order_date: {date}")
            if status != "committed":
                lines.append(f"  status: {status}")
            for name in ("scheduled", "delivered"):
                if name == "delivered" and status not in ("committed", "delivered"):
                    break
                if rng.random() < (0.5 if name == "scheduled" else 0.6) or status == "delivered":
                    items = []
                    left = qty
                    for k in range(rng.randint(1, 3)):
                        part = (
                            left
                            if status == "delivered" and k == 2
                            else left // rng.choice((1, 2, 3))
                        )
                        part -= part % 100
                        if part <= 0:
                            break
                        left -= part
                        dy, dm = divmod(year * 12 + month - 1 + 3 * (k + 1), 12)
                        items += [f"  - date: {dy}-{dm + 1:02d}", f"    quantity: {part:,}"]
                    if items:
                        lines += [f"  {name}:", *items]
            if total and status in ("committed", "delivered") and (loop or rng.random() < 0.4):
                lines.append("  payments:")
                left = total
                for k in range(rng.randint(1, 2)):
                    pay = left // 2
                    pay -= pay % 10**6
                    if pay <= 0:
                        break
                    left -= pay
                    dy, dm = divmod(year * 12 + month - 1 + 2 * k, 12)
                    lines.append(f"  - date: {dy}-{dm + 1:02d}-{rng.randint(1, 28):02d}")
                    lines.append(f"    amount: {fmt(pay, 'USD')}")
            lines.append("")
            out.extend(lines)
            self.orders.append(
                {"id": rid, "buyer": buyer, "sku": sku, "qty": qty, "ym": (year, month)}
            )
        self.yaml.append("\n".join(out))

    def gen_reallocations(self) -> None:
        """Units of an order sent to another buyer; one in three a swap (two records)."""
        rng = self.rng
        out = ["gpu_reallocations:"]
        count = self.counts["gpu_reallocations"]
        i = 0
        left = {o["id"]: o["qty"] for o in self.orders}  # an order's units not yet moved
        tries = 0
        while i < count and tries < 100 * count:
            tries += 1
            order = rng.choice(self.orders)
            to = rng.choice(self.buyers())
            if to == order["buyer"]:
                continue
            year, month = order["ym"]
            dy, dm = divmod(year * 12 + month - 1 + rng.randint(0, 12), 12)
            qty = max(100, order["qty"] // rng.choice((2, 4, 10)) // 100 * 100)
            if qty > left[order["id"]]:
                continue  # more of an order than it has is refused (reallocated-above-order)
            left[order["id"]] -= qty
            swap = rng.random() < 0.33 and i + 1 < count
            rid = f"realloc-{i:05d}"
            lines = self.record("gpu_reallocations", rid, f"{qty:,}", order["sku"])
            lines += [f"  order: {order['id']}", f"  sku: {order['sku']}"]
            lines += [f"  from_entity: {order['buyer']}", f"  to_entity: {to}"]
            lines += [f"  quantity: {qty:,}", f"  date: {dy}-{dm + 1:02d}"]
            if swap:
                lines.append(f"  exchanged_for: realloc-{i + 1:05d}")
            lines.append("")
            if swap:
                back = f"realloc-{i + 1:05d}"
                lines += self.record("gpu_reallocations", back, f"{qty:,}", order["sku"])
                lines += [f"  sku: {order['sku']}", f"  from_entity: {to}"]
                lines += [f"  to_entity: {order['buyer']}", f"  quantity: {qty:,}"]
                lines += [
                    f"  date: {dy}-{dm + 1:02d}",
                    "  reason: In exchange.",
                    f"  exchanged_for: {rid}",
                    "",
                ]
                i += 1
            out.extend(lines)
            i += 1
        self.yaml.append("\n".join(out))

    def gen_contracts(self) -> None:
        """Compute contracts: a total, a flat rate or a yearly ramp; the loops' customers buy
        from their investor (or its customer's cloud)."""
        rng = self.rng
        out = ["compute_contracts:"]
        sellers = self.by_type["cloud_provider"] * 3 + self.by_type["chip_vendor"]
        for i in range(self.counts["compute_contracts"]):
            if i < len(self.loops):
                seller, buyer = self.loops[i]
            else:
                buyer = rng.choice(self.by_type["company"])
                seller = rng.choice(sellers if rng.random() < 0.8 else self.by_type["company"])
                if seller == buyer:
                    seller = rng.choice(sellers)
            year, month = ym(rng)
            if i < len(self.loops):
                year, month = self.loop_dates[i]
            months = rng.choice((12, 24, 36, 48))
            ey, em = divmod(year * 12 + month - 1 + months - 1, 12)
            units = rng.randint(1, 500) * 10**6
            rid = f"contract-{buyer}-{i:05d}"
            lines = self.record("compute_contracts", rid, fmt(units, "USD"), "cloud")
            lines += [f"  buyer: {buyer}", f"  seller: {seller}", f"  start: {year}-{month:02d}"]
            last = year + 3  # the last year a ramp step may start: the end's, if any
            if rng.random() < 0.8:
                lines.append(f"  end: {ey}-{em + 1:02d}")
                last = ey
            r = rng.random()
            if r < 0.4:
                lines.append(f"  total_value: {fmt(units, 'USD')}")
            elif r < 0.75:
                lines.append(f"  rate: {fmt(units // 12 // 10**5 * 10**5 or 10**5, 'USD')}/month")
            else:
                lines.append("  ramp:")
                for k in range(1, rng.randint(2, 4)):
                    # steps after the contract's end are refused: the start year's instead
                    # (the same draws, so the rest of the ledger is as before)
                    step = year + k if year + k <= last else year if k == 1 else None
                    said = [f"  - period: {step}"]
                    if rng.random() < 0.8:
                        said.append(f"    amount: {fmt(units * k, 'USD')}")
                    else:
                        said.append(
                            f"    rate: {fmt(units * k // 12 // 10**5 * 10**5, 'USD')}/month"
                        )
                    if step is not None:
                        lines += said
            if rng.random() < 0.3:
                cap = (
                    f"{rng.randint(1, 50) * 1000:,} {rng.choice(SKUS)}"
                    if rng.random() < 0.6
                    else f"{rng.randint(1, 40) / 10} GW"
                )
                lines.append(f"  capacity: {cap}")
            arrangement = rng.choice(("cloud", "cloud", "lease", "purchase", "colocation"))
            lines.append(f"  arrangement: {arrangement}")
            status = rng.choice(CONTRACT_STATUS)
            if status != "signed":
                lines.append(f"  status: {status}")
            if rng.random() < 0.2:
                lines.append("  take_or_pay: true")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_stakes(self) -> None:
        """Purchases (primary, secondary, some in a round) and holdings; the loops' vendors
        buy stakes in their customers; a few holders above 50 % or named as controlling."""
        rng = self.rng
        out = ["stakes:"]
        holders = (
            self.by_type["investor"] * 3 + self.by_type["chip_vendor"] + self.by_type["company"]
        )
        for i in range(self.counts["stakes"]):
            if i < len(self.loops) // 2:
                holder, company = self.loops[i]
            else:
                holder, company = rng.choice(holders), rng.choice(self.by_type["company"])
                if holder == company:
                    holder = rng.choice(self.by_type["investor"])
            year, month = ym(rng)
            if i < len(self.loops) // 2:
                year, month = self.loop_dates[i]
            event = "purchase" if rng.random() < 0.7 or i < len(self.loops) // 2 else "holding"
            pct = rng.choice((1, 2, 5, 8, 10, 15, 20, 25, 35, 51, 60))
            paid = rng.randint(1, 900) * 10**6
            rid = f"stake-{company}-{i:05d}"
            lines = self.record("stakes", rid, fmt(paid, "USD"), event)
            lines += [f"  holder: {holder}", f"  company: {company}"]
            lines += [f"  date: {year}-{month:02d}", f"  event: {event}"]
            if event == "purchase":
                kind = "primary" if rng.random() < 0.7 or i < len(self.loops) // 2 else "secondary"
                lines.append(f"  purchase: {kind}")
                rounds = self.rounds_of.get(company)
                if kind == "primary" and rounds and rng.random() < 0.2:
                    lines.append(f"  round: {rng.choice(rounds)}")
                if kind == "secondary" and rng.random() < 0.5:
                    seller = rng.choice(self.by_type["investor"])
                    if seller != holder:
                        lines.append(f"  seller: {seller}")
                if rng.random() < 0.7:
                    lines.append(f"  share: {pct}%")
                if rng.random() < 0.3:
                    price = rng.randint(1, 200)
                    lines.append(f"  shares: {paid // price:,}")
                    lines.append(f"  price_per_share: ${price}")
                lines.append(f"  paid: {fmt(paid, 'USD')}")
            else:
                if rng.random() < 0.8:
                    lines.append(f"  share: {pct}%")
                else:
                    lines.append(f"  shares: {rng.randint(1, 900)}M")
                if rng.random() < 0.2:
                    lines.append("  diluted: true")
            status = rng.choice(STAKE_STATUS) if i >= len(self.loops) // 2 else "closed"
            if status != "closed":
                lines.append(f"  status: {status}")
            if rng.random() < 0.05:
                lines.append("  controlling: true")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_warrants(self) -> None:
        """Warrants of vendors to customers (vesting on milestones and price hurdles) and
        options of companies to people."""
        rng = self.rng
        out = ["warrants:"]
        for i in range(self.counts["warrants"]):
            option = rng.random() < 0.3
            issuer = rng.choice(self.by_type["company"] if option else self.by_type["chip_vendor"])
            holder = rng.choice(self.by_type["person"] if option else self.by_type["company"])
            year, month = ym(rng)
            shares = rng.randint(3, 200)
            rid = f"warrant-{issuer}-{i:05d}"
            lines = self.record("warrants", rid, f"{shares}M", "warrant")
            lines += [f"  issuer: {issuer}", f"  holder: {holder}"]
            if option:
                lines.append("  instrument: option")
            lines += [f"  date: {year}-{month:02d}", f"  shares: {shares}M"]
            if rng.random() < 0.8:
                lines.append(f"  exercise_price: {rng.choice(('$0.01', '$1', '$20', '$50.5'))}")
            if rng.random() < 0.7:
                lines.append(f"  expiry: {year + 5}-{month:02d}")
            tranches = rng.randint(0, 3)
            if tranches:
                lines.append("  vesting:")
                for k in range(tranches):
                    lines.append(f"  - shares: {shares // tranches}M")
                    if rng.random() < 0.7:
                        lines.append(f"    milestone: {k + 1} GW deployed")
                        if rng.random() < 0.4:
                            lines.append(f"    met: {year + 1}-{month:02d}")
                    else:
                        lines.append(f"    price_hurdle: ${rng.randint(50, 600)}")
                        if rng.random() < 0.2:
                            lines.append("    status: lapsed")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_share_counts(self) -> None:
        rng = self.rng
        out = ["share_counts:"]
        for i in range(self.counts["share_counts"]):
            company = rng.choice(self.by_type["company"] + self.by_type["chip_vendor"])
            year, month = ym(rng)
            basic = rng.randint(10, 3000)
            lines = self.record("share_counts", f"shares-{company}-{i:05d}", f"{basic}M", "basic")
            lines += [
                f"  company: {company}",
                f"  date: {year}-{month:02d}-{rng.randint(1, 28):02d}",
            ]
            r = rng.random()
            if r < 0.8:
                lines.append(f"  basic: {basic}M")
            if r > 0.5:
                lines.append(f"  diluted: {basic + rng.randint(0, 300)}M")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_listings(self) -> None:
        rng = self.rng
        out = ["listings:"]
        for i in range(self.counts["listings"]):
            company = rng.choice(self.by_type["company"])
            year, month = ym(rng)
            price = rng.randint(10, 80)
            primary, secondary = rng.randint(5, 50), rng.randint(0, 10)
            offered = primary + secondary
            direct = rng.random() < 0.1
            lines = self.record("listings", f"listing-{company}-{i:05d}", f"${price}", "ipo")
            lines.append(f"  company: {company}")
            if direct:
                lines.append("  kind: direct_listing")
            lines += [f"  date: {year}-{month:02d}-{rng.randint(1, 28):02d}", "  exchange: Nasdaq"]
            lines += [f"  ticker: {company[-5:].upper()}X", f"  price: ${price}"]
            if not direct:
                lines += [f"  shares_offered: {offered}M", f"  primary: {primary}M"]
                if secondary:
                    lines.append(f"  secondary: {secondary}M")
                lines.append(f"  proceeds: {fmt(price * offered * 10**6, 'USD')}")
                if rng.random() < 0.5:
                    lines.append("  buyers:")
                    for buyer in rng.sample(
                        self.by_type["investor"] + self.by_type["chip_vendor"], 2
                    ):
                        lines += [f"  - buyer: {buyer}", f"    amount: {fmt(price * 10**6, 'USD')}"]
            status = rng.choice(("closed", "closed", "closed", "announced", "signed", "cancelled"))
            if status != "closed":
                lines.append(f"  status: {status}")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_mergers(self) -> None:
        rng = self.rng
        out = ["mergers:"]
        for i in range(self.counts["mergers"]):
            acquirer, target = rng.sample(self.by_type["company"], 2)
            kind = rng.choice(("acquisition", "acquisition", "share_exchange", "merger"))
            year, month = ym(rng)
            value = rng.randint(1, 500) * 10**8
            lines = self.record("mergers", f"merger-{acquirer}-{i:05d}", fmt(value, "USD"), kind)
            lines += [f"  kind: {kind}", f"  acquirer: {acquirer}", f"  target: {target}"]
            if rng.random() < 0.5:
                lines.append(f"  result: {acquirer}")
            lines += [f"  date: {year}-{month:02d}", f"  value: {fmt(value, 'USD')}"]
            if kind != "acquisition":
                a = rng.randint(30, 90)
                lines += [f"  acquirer_holders: {a}%", f"  target_holders: {100 - a}%"]
                lines += [f"  acquirer_value: {fmt(value * a, 'USD')}"]
                lines += [f"  target_value: {fmt(value * (100 - a), 'USD')}"]
                lines += [f"  combined_value: {fmt(value * 100, 'USD')}"]
            status = rng.choice(("closed", "closed", "announced", "signed", "cancelled"))
            if status != "closed":
                lines.append(f"  status: {status}")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_vehicles(self) -> None:
        """Vehicles (entities of type other, one record each, the rest of them reported
        again a year later), funded by investors and vendors, buying a vendor's GPUs and
        leasing them to a company."""
        rng = self.rng
        out = ["vehicles:"]
        pool = self.by_type["other"]
        for i in range(self.counts["vehicles"]):
            vehicle = pool[i % len(pool)]
            year, month = ym(rng)
            year += i // len(pool)
            pieces = [rng.randint(1, 60) * 10**8 for _ in range(rng.randint(1, 3))]
            lines = self.record(
                "vehicles", f"vehicle-{vehicle}-{i:05d}", fmt(sum(pieces), "USD"), "spv"
            )
            lines += [f"  vehicle: {vehicle}"]
            if rng.random() < 0.3:
                lines.append("  kind: joint_venture")
            lines += [f"  date: {year}-{month:02d}", "  pieces:"]
            for k, amount in enumerate(pieces):
                who = rng.choice(self.by_type["investor"] + self.by_type["chip_vendor"])
                lines += [f"  - participant: {who}", f"    kind: {'equity' if k == 0 else 'debt'}"]
                lines.append(f"    amount: {fmt(amount, 'USD')}")
            if rng.random() < 0.5:
                lines.append(f"  total: {fmt(sum(pieces), 'USD')}")
            lines += ["  buys: GPUs", f"  seller: {rng.choice(self.by_type['chip_vendor'])}"]
            if rng.random() < 0.8:
                lines += [f"  lessee: {rng.choice(self.by_type['company'])}"]
                lines += [f"  lease_start: {year + 1}", f"  lease_end: {year + rng.randint(2, 6)}"]
                if rng.random() < 0.5:
                    lines.append(f"  lease_payment: {fmt(sum(pieces) // 5, 'USD')}/year")
                else:
                    lines.append(f"  lease_total: {fmt(sum(pieces) * 2, 'USD')}")
            status = rng.choice(("closed", "closed", "announced", "in_talks"))
            if status != "closed":
                lines.append(f"  status: {status}")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_capex(self) -> None:
        """Guidance revised over a year, actuals, and plans with cumulative milestones."""
        rng = self.rng
        out = ["capex:"]
        spenders = self.by_type["company"][: max(10, len(self.by_type["company"]) // 20)]
        for i in range(self.counts["capex"]):
            company = rng.choice(spenders + self.by_type["cloud_provider"])
            year = rng.randint(2019, 2025)
            basis = rng.choice(("guidance", "guidance", "actual", "plan"))
            low = rng.randint(1, 80) * 10**9
            lines = self.record("capex", f"capex-{company}-{i:05d}", fmt(low, "USD"), basis)
            lines += [f"  company: {company}", f"  basis: {basis}"]
            if basis == "guidance":
                lines += [
                    f"  period: {year}",
                    f"  amount: {fmt(low, 'USD')} to {fmt(low + 8 * 10**9, 'USD')}",
                ]
                lines.append(f"  reported: {year}-{rng.choice((1, 4, 7, 10)):02d}")
            elif basis == "actual":
                lines += [f"  period: {year}", f"  amount: {fmt(low, 'USD')}"]
                lines.append(f"  reported: {year + 1}-01")
            else:
                lines += [f"  project: Data center {i}", f"  amount: {fmt(low, 'USD')}"]
                if rng.random() < 0.6:
                    lines.append("  milestones:")
                    for k in range(1, rng.randint(2, 4)):
                        lines += [
                            f"  - by: end of {year + k}",
                            f"    amount: {fmt(low * k // 4, 'USD')}",
                        ]
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_prices(self) -> None:
        rng = self.rng
        out = ["prices:"]
        for i in range(self.counts["prices"]):
            company = rng.choice(self.by_type["cloud_provider"] + self.by_type["company"])
            year, month = ym(rng)
            gpus = rng.random() < 0.5
            price = rng.randint(1, 90) * 10**6 if gpus else rng.choice((20, 30, 200))
            lines = self.record("prices", f"price-{company}-{i:05d}", fmt(price, "USD"), "product")
            lines += [f"  company: {company}", f"  product: Product {i}"]
            if gpus:
                lines += [
                    f"  one_off: {fmt(price, 'USD')}",
                    f"  quantity: {rng.randint(1, 40) * 100:,} {rng.choice(SKUS)}",
                ]
            else:
                lines += [f"  price: ${price}/month", "  starting_at: true"]
            lines += [f"  effective: {year}-{month:02d}", ""]
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_targets(self) -> None:
        rng = self.rng
        out = ["gpu_targets:"]
        for i in range(self.counts["gpu_targets"]):
            entity = rng.choice(self.buyers())
            units = rng.randint(1, 100) * 1000
            lines = self.record("gpu_targets", f"target-{entity}-{i:05d}", f"{units:,}", "target")
            lines += [f"  entity: {entity}", f"  sku: {rng.choice(SKUS)}", f"  units: {units:,}"]
            if rng.random() < 0.9:
                lines.append(f"  by: end of {rng.randint(2020, 2027)}")
            lines.append("")
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def gen_assumptions(self) -> None:
        rng = self.rng
        out = ["assumptions:"]
        for i in range(self.counts["assumptions"]):
            year = 2018 + i // 2
            gpus = i % 2 == 0
            what = f"{rng.randint(4, 8) * 100_000:,}" if gpus else f"${rng.randint(30, 60)}B"
            lines = self.record("assumptions", f"assume-{i:05d}", what, "per GW")
            lines.append(f"  measure: {'gpus_per_gw' if gpus else 'usd_per_gw'}")
            lines += [
                f"  {'gpus' if gpus else 'money'}: {what}",
                f"  date: {year + i // 40}-01-{i % 28 + 1:02d}",
                "",
            ]
            out.extend(lines)
        self.yaml.append("\n".join(out))

    def run(self) -> tuple[str, str]:
        self.gen_sources()
        self.gen_entities()
        self.gen_rounds()
        self.gen_bills()
        self.gen_flows("revenues", REVENUE_CATS)
        self.gen_flows("expenses", EXPENSE_CATS)
        self.gen_cash()
        if self.all:
            self.gen_more()
        self.gen_fx()
        header = f"# Synthetic aicapex ledger: {self.n:,} records (benchmarks/gen_ledger.py).\n\n"
        text = header + "\n".join(self.yaml)
        opens = "".join(f"2018-01-01 open {a}\n" for a in sorted(self.accounts))
        beantext = (
            f"; Synthetic beancount v3 ledger: the same {self.n:,} records as transactions.\n"
            'option "operating_currency" "USD"\n\n' + opens + "\n" + "\n".join(self.bean)
        )
        return text, beantext


def yq(text: str) -> str:
    """A YAML scalar: single-quoted when it could be read as something other than text."""
    if any(ch in text for ch in ":#'\"{}[],&*!|>%@`") or text[:1] in "-?" or text.strip() != text:
        return "'" + text.replace("'", "''") + "'"
    return text


def bean(eid: str) -> str:
    """A beancount account component from an id ('company-00012' -> 'Company-00012')."""
    return eid[:1].upper() + eid[1:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "-n",
        type=int,
        action="append",
        help="number of records (default 10,000); repeat for several ledgers: -n 2000 -n 8000",
    )
    ap.add_argument("--seed", type=int, default=20240401)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--kinds",
        choices=("default", "all"),
        default="default",
        help="all: every record kind (GPU orders, contracts, stakes, deals...), written to "
        "ledger-<N>-all.yaml; default: the seven kinds of the benchmarks' figures",
    )
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    tail = "-all" if args.kinds == "all" else ""
    for n in args.n or [10_000]:
        text, beantext = Gen(n, args.seed, args.kinds).run()
        ypath = args.out / f"ledger-{n}{tail}.yaml"
        bpath = args.out / f"ledger-{n}{tail}.beancount"
        ypath.write_text(text, encoding="utf-8")
        bpath.write_text(beantext, encoding="utf-8")
        mb = len(text.encode()) / 1e6, len(beantext.encode()) / 1e6
        print(f"wrote {ypath} ({mb[0]:.1f} MB) and {bpath} ({mb[1]:.1f} MB)")


if __name__ == "__main__":
    main()
