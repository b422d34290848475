"""Generate a synthetic aicapex ledger of N records, and the same facts as a beancount v3 ledger.

Usage::

    python benchmarks/gen_ledger.py                 # 10,000 records -> benchmarks/.data/
    python benchmarks/gen_ledger.py -n 100000 --seed 7 --out /tmp/x

Writes ``ledger-<N>.yaml`` (aicapex) and ``ledger-<N>.beancount`` (beancount v3). Deterministic:
the same ``-n`` and ``--seed`` give byte-identical files.

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
the source is not in English). Amounts are 95 % USD, the rest EUR or GBP, with yearly
exchange rates (fx_rates, 22 records beyond N) from 2018 on.

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


def ym(rng: random.Random) -> tuple[int, int]:
    return rng.randint(2019, 2025), rng.randint(1, 12)


class Gen:
    def __init__(self, n: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = n
        counts = {k: round(n * s) for k, s in SHARES.items()}
        counts["expenses"] += n - sum(counts.values())
        self.counts = counts
        self.sources: list[dict] = []
        self.entities: list[dict] = []
        self.by_type: dict[str, list[str]] = {}
        self.yaml: list[str] = []
        self.bean: list[str] = []
        self.accounts: set[str] = set()

    # -- helpers --------------------------------------------------------------------------

    def name(self) -> str:
        return " ".join(w.capitalize() for w in self.rng.sample(WORDS, 2))

    def cite(self, kind: str, amount: str | None, what: str = "") -> tuple[list[str], str, str]:
        """YAML lines of 1-2 citations; the first source id and quote (for beancount)."""
        rng = self.rng
        lines = ["  sources:"]
        first = None
        for _ in range(1 if rng.random() < 0.8 else 2):
            src = rng.choice(self.sources)
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
            self.sources.append({"id": sid, "language": lang})
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
        for t, share in ENTITY_SHARES.items():
            types += [t] * round(total * share)
        types = (types + ["company"] * total)[:total]
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
        cl, src, quote = self.cite(kind, shown, cat)
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
        for i in range(self.counts[kind]):
            self._flow(kind, i, cats)
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
        for i in range(self.counts["funding_rounds"]):
            company = rng.choice(self.by_type["company"])
            year, month = ym(rng)
            rid = f"round-{company}-{i:05d}"
            cur = "USD" if rng.random() < 0.95 else "EUR"
            units = rng.randint(1, 2000) * 10**6 // rng.choice((1, 10))
            m = fmt(units, cur)
            status = rng.choice(ROUND_STATUS)
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
            cl, src, quote = self.cite("cash_balances", m)
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

    def run(self) -> tuple[str, str]:
        self.gen_sources()
        self.gen_entities()
        self.gen_rounds()
        self.gen_bills()
        self.gen_flows("revenues", REVENUE_CATS)
        self.gen_flows("expenses", EXPENSE_CATS)
        self.gen_cash()
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
    ap.add_argument("-n", type=int, default=10_000, help="number of records (default 10,000)")
    ap.add_argument("--seed", type=int, default=20240401)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    text, beantext = Gen(args.n, args.seed).run()
    ypath = args.out / f"ledger-{args.n}.yaml"
    bpath = args.out / f"ledger-{args.n}.beancount"
    ypath.write_text(text, encoding="utf-8")
    bpath.write_text(beantext, encoding="utf-8")
    mb = len(text.encode()) / 1e6, len(beantext.encode()) / 1e6
    print(f"wrote {ypath} ({mb[0]:.1f} MB) and {bpath} ({mb[1]:.1f} MB)")


if __name__ == "__main__":
    main()
