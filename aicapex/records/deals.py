"""Deal structures: warrants and options, share counts, listings and mergers.

The deals that shape AI infrastructure are rarely plain rounds:

- a **warrant** (or an option) gives its holder the right to buy ``shares`` of the issuer at an
  ``exercise_price`` until its ``expiry``; it vests in tranches, each on a condition: a
  milestone (``1 GW deployed``) with the date it was ``met`` when it was, or a share-price hurdle
  (``$250``), or both. Tranches vesting more shares than the warrant has are
  ``vesting-above-total``;
- a **share count** is a company's shares outstanding at a date (``basic``) and fully diluted
  (``diluted``: options, warrants and convertibles counted); fewer diluted than basic shares is
  ``inconsistent``;
- a **listing** is an IPO or a direct listing: its date, price, the shares offered and how many of
  them are new (``primary``: the money reaches the company) or sold by holders (``secondary``),
  and named buyers; primary and secondary shares that do not add up to the shares offered are
  ``parts-not-total``;
- a **merger** is a share exchange or an acquisition: its parties, date, deal or combined
  value, and each side's holders' share of the result; sides holding more than the whole
  company are ``sides-above-100``.

These records state deals; they move no money of their own in the flows table (stakes and
rounds do): the analyses of :mod:`aicapex.analysis.deals` read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from aicapex.dates import PartialDate
from aicapex.money import Money
from aicapex.records.base import Check, Fact, Model, not_huge, positive
from aicapex.records.ownership import adds_up, count_checks, multiplies_to
from aicapex.shares import Share, ShareCount

__all__ = [
    "DealStatus",
    "Listing",
    "ListingBuyer",
    "ListingKind",
    "Merger",
    "MergerKind",
    "SharesOutstanding",
    "Vesting",
    "VestingStatus",
    "Warrant",
    "WarrantKind",
    "count_checks",
    "count_text",
    "share_checks",
]


class DealStatus(StrEnum):
    """How far a deal got, in the one status vocabulary (:data:`aicapex.records.STATUSES`):
    rumoured, in_talks, announced (a stated intention), signed (agreed, not yet closed), closed
    (done), cancelled or failed."""

    rumoured = "rumoured"
    in_talks = "in_talks"
    announced = "announced"
    signed = "signed"
    closed = "closed"
    cancelled = "cancelled"
    failed = "failed"


def share_checks(field: str, share: Share | None) -> Iterator[Check]:
    """A share of at most 100% (when there is one)."""
    if share is not None and max(share.written()) > 1:
        yield Check(field, "a share of at most 100%", str(share), "out-of-range")


def count_text(value: Decimal) -> str:
    """A number of shares in its canonical form (``12.5M``)."""
    return str(ShareCount(value))


def _after(field: str, date: PartialDate | None, start: PartialDate, what: str) -> Iterator[Check]:
    """A date that does not end before ``start`` begins."""
    if date is not None and date.sort_key()[1] < start.sort_key()[0]:
        yield Check(field, f"a date on or after {what} {start}", str(date))


# -- warrants and options -------------------------------------------------------------------


class WarrantKind(StrEnum):
    """A ``warrant`` (issued to a company or investor with a deal) or an ``option`` (granted to
    an employee or officer)."""

    warrant = "warrant"
    option = "option"


class VestingStatus(StrEnum):
    """Where a tranche stands: ``pending`` (its condition not met yet), ``vested`` or ``lapsed``
    (its condition can no longer be met: forfeited)."""

    pending = "pending"
    vested = "vested"
    lapsed = "lapsed"


class Vesting(Model):
    """One vesting tranche of a warrant or option: its shares and its condition (a milestone,
    a share-price hurdle, or both)."""

    shares: ShareCount = Field(description="The shares the tranche vests ('16M').")
    milestone: str | None = Field(
        default=None,
        max_length=500,
        description="The milestone it vests on, as reported ('1 GW deployed', 'first "
        "deployment of MI450 chips').",
    )
    price_hurdle: Money | None = Field(
        default=None,
        description="The issuer's share price it vests at ('$250'), when it vests on one.",
    )
    met: PartialDate | None = Field(
        default=None, description="When the condition was met, if it was (as reported)."
    )
    status: VestingStatus | None = Field(
        default=None,
        description="pending, vested or lapsed; none: vested once `met`, pending before.",
    )

    def state(self) -> VestingStatus:
        """The tranche's status: as written, else vested when met, else pending."""
        if self.status is not None:
            return self.status
        return VestingStatus.vested if self.met is not None else VestingStatus.pending


class Warrant(Fact):
    """A warrant or option: the right to buy shares of the issuer at an exercise price, vesting
    in tranches on milestones or share-price hurdles."""

    KIND = "warrants"
    REFS = (*Fact.REFS, ("issuer", "entities"), ("holder", "entities"))
    PARTIES = ("issuer", "holder")
    FACT_KEY = ("issuer", "holder", "instrument")
    #: Reports of one grant whose dates start within 31 days of each other report one fact.
    FACT_WINDOW = ("date", 31)
    DATE_FIELD = "date"

    issuer: str = Field(description="Id of the company whose shares the warrant buys.")
    holder: str = Field(description="Id of the entity holding the warrant or option.")
    instrument: WarrantKind = Field(
        default=WarrantKind.warrant, description="warrant (with a deal) or option (to a person)."
    )
    date: PartialDate = Field(description="When it was granted or agreed.")
    shares: ShareCount = Field(description="The shares it gives the right to buy ('160M').")
    exercise_price: Money | None = Field(
        default=None, description="The price paid per share on exercise ('$0.01')."
    )
    expiry: PartialDate | None = Field(default=None, description="When it expires, if given.")
    vesting: tuple[Vesting, ...] = Field(
        default=(),
        description="The tranches it vests in, each with its shares and condition (none: the "
        "sources give no schedule).",
    )
    status: DealStatus = Field(
        default=DealStatus.signed,
        description="rumoured, in_talks, announced, signed, closed, cancelled or failed.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from count_checks("shares", self.shares)
        if self.shares.count == 0:
            yield Check("shares", "a number of shares above 0", "0", "out-of-range")
        yield from not_huge("exercise_price", self.exercise_price)
        if self.exercise_price is not None and self.exercise_price.amount < 0:
            yield Check(
                "exercise_price",
                "a price of zero or more",
                str(self.exercise_price),
                "out-of-range",
            )
        yield from _after("expiry", self.expiry, self.date, "the grant")
        for i, tranche in enumerate(self.vesting):
            at = f"vesting.{i}"
            yield from count_checks(f"{at}.shares", tranche.shares)
            yield from positive(f"{at}.price_hurdle", tranche.price_hurdle)
            if tranche.milestone is None and tranche.price_hurdle is None:
                yield Check(at, "a condition: a milestone, a price_hurdle or both", "neither")
            if tranche.met is not None and tranche.status is VestingStatus.lapsed:
                yield Check(
                    f"{at}.status", "a tranche whose condition was met not lapsed", "lapsed"
                )
            met, expiry = tranche.met, self.expiry
            if met is not None and expiry is not None and met.sort_key()[0] > expiry.sort_key()[1]:
                yield Check(f"{at}.met", f"a date by the expiry {self.expiry}", str(tranche.met))
        if self.vesting:
            vesting = sum((min(t.shares.bounds()) for t in self.vesting), Decimal(0))
            if vesting > max(self.shares.bounds()):
                yield Check(
                    "vesting",
                    f"tranches vesting at most the warrant's {self.shares} shares",
                    f"{count_text(vesting)} shares in {len(self.vesting)} tranches",
                    "vesting-above-total",
                )


# -- share counts -----------------------------------------------------------------------------


class SharesOutstanding(Fact):
    """A company's number of shares at a date: outstanding (basic) and fully diluted."""

    KIND = "share_counts"
    REFS = (*Fact.REFS, ("company", "entities"))
    PARTIES = ("company",)
    FACT_KEY = ("company", "date")
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company.")
    date: PartialDate = Field(description="The date the shares are counted at.")
    basic: ShareCount | None = Field(default=None, description="Shares outstanding ('1.62B').")
    diluted: ShareCount | None = Field(
        default=None,
        description="Fully diluted shares: options, warrants and convertibles counted ('1.8B').",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.basic is None and self.diluted is None:
            yield Check("basic", "basic or diluted shares (or both)", "neither")
        yield from count_checks("basic", self.basic)
        yield from count_checks("diluted", self.diluted)
        basic, diluted = self.basic, self.diluted
        if basic is not None and diluted is not None and diluted.bounds()[1] < basic.bounds()[0]:
            yield Check(
                "diluted",
                f"at least the {self.basic} shares outstanding (fully diluted counts them)",
                str(self.diluted),
            )


# -- listings ---------------------------------------------------------------------------------


class ListingKind(StrEnum):
    """An initial public offering (``ipo``: shares sold through underwriters) or a
    ``direct_listing`` (existing shares start trading; none sold by the company)."""

    ipo = "ipo"
    direct_listing = "direct_listing"


class ListingBuyer(Model):
    """A named holder buying shares in a listing (an anchor investor, a strategic partner)."""

    buyer: str = Field(description="Id of the entity buying.")
    shares: ShareCount | None = Field(default=None, description="The shares it bought.")
    amount: Money | None = Field(default=None, description="What it paid ('$250M').")


class Listing(Fact):
    """A company's shares listed on an exchange: an IPO or a direct listing."""

    KIND = "listings"
    REFS = (*Fact.REFS, ("company", "entities"), ("buyers.*.buyer", "entities"))
    PARTIES = ("company",)
    FACT_KEY = ("company", "kind")
    DATE_FIELD = "date"

    company: str = Field(description="Id of the company listed.")
    kind: ListingKind = Field(default=ListingKind.ipo, description="ipo or direct_listing.")
    date: PartialDate = Field(description="The first day of trading (or the pricing date).")
    exchange: str | None = Field(
        default=None, max_length=100, description="The exchange ('Nasdaq'), if given."
    )
    ticker: str | None = Field(default=None, max_length=20, description="The ticker, if given.")
    price: Money | None = Field(
        default=None, description="The price per share ('$40'); a direct listing's reference."
    )
    shares_offered: ShareCount | None = Field(
        default=None, description="The shares sold in the offering ('37.5M')."
    )
    primary: ShareCount | None = Field(
        default=None, description="Of them, new shares: the money reaches the company."
    )
    secondary: ShareCount | None = Field(
        default=None, description="Of them, shares sold by existing holders (the money is theirs)."
    )
    proceeds: Money | None = Field(
        default=None, description="The gross proceeds as reported ('$1.5B')."
    )
    buyers: tuple[ListingBuyer, ...] = Field(
        default=(), description="Named holders buying in the listing, with shares or amount."
    )
    status: DealStatus = Field(
        default=DealStatus.closed,
        description="rumoured, in_talks, announced (filed), signed (priced), closed (trading), "
        "cancelled or failed.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        yield from positive("price", self.price)
        yield from positive("proceeds", self.proceeds)
        for name in ("shares_offered", "primary", "secondary"):
            yield from count_checks(name, getattr(self, name))
        direct = self.kind is ListingKind.direct_listing
        if direct and self.primary is not None and self.primary.count > 0:
            yield Check("primary", "no new shares in a direct listing", str(self.primary))
        offered = self.shares_offered
        if offered is not None and (self.primary is not None or self.secondary is not None):
            low = sum(
                (min(p.bounds()) for p in (self.primary, self.secondary) if p is not None),
                Decimal(0),
            )
            both = self.primary is not None and self.secondary is not None
            high = sum(
                (max(p.bounds()) for p in (self.primary, self.secondary) if p is not None),
                Decimal(0),
            )
            if low > max(offered.bounds()) or (both and high < min(offered.bounds())):
                parts = " + ".join(str(p) for p in (self.primary, self.secondary) if p is not None)
                yield Check(
                    "shares_offered",
                    f"primary + secondary = the shares offered ({parts})",
                    str(offered),
                    "parts-not-total",
                )
        if self.price is not None and offered is not None and self.proceeds is not None:
            yield from multiplies_to(
                "proceeds", self.price, offered, self.proceeds, "price x shares_offered"
            )
        for i, b in enumerate(self.buyers):
            yield from count_checks(f"buyers.{i}.shares", b.shares)
            yield from positive(f"buyers.{i}.amount", b.amount)
            if b.shares is None and b.amount is None:
                yield Check(f"buyers.{i}", "the shares bought or the amount paid", "neither")
            if b.buyer == self.company:
                yield Check(
                    f"buyers.{i}.buyer",
                    f"a buyer other than the company {self.company!r}",
                    repr(b.buyer),
                    "same-party",
                )


# -- mergers ------------------------------------------------------------------------------------


class MergerKind(StrEnum):
    """A ``share_exchange`` (each side's holders get shares of the combined company), an
    ``acquisition`` (the acquirer buys the target, for cash or shares) or a ``merger`` of equals
    into a new company."""

    share_exchange = "share_exchange"
    acquisition = "acquisition"
    merger = "merger"


class Merger(Fact):
    """Two companies combined: a share exchange, an acquisition or a merger."""

    KIND = "mergers"
    REFS = (
        *Fact.REFS,
        ("acquirer", "entities"),
        ("target", "entities"),
        ("result", "entities"),
    )
    PARTIES = ("acquirer", "target")
    FACT_KEY = ("acquirer", "target")
    DATE_FIELD = "date"

    kind: MergerKind = Field(description="share_exchange, acquisition or merger.")
    acquirer: str = Field(description="Id of the acquirer (or the first party of a merger).")
    target: str = Field(description="Id of the company acquired (or the second party).")
    result: str | None = Field(
        default=None,
        description="Id of the combined company (none: the acquirer, as it stands after).",
    )
    date: PartialDate = Field(description="When it was agreed or closed (see `status`).")
    value: Money | None = Field(
        default=None, description="The deal value: what the target was bought for ('$44B')."
    )
    combined_value: Money | None = Field(
        default=None, description="The value of the combined company ('$113B')."
    )
    acquirer_value: Money | None = Field(
        default=None, description="The value the deal gives the acquirer's side ('$80B')."
    )
    target_value: Money | None = Field(
        default=None, description="The value the deal gives the target's side ('$33B')."
    )
    acquirer_holders: Share | None = Field(
        default=None,
        description="The share of the combined company the acquirer's holders get ('70%').",
    )
    target_holders: Share | None = Field(
        default=None,
        description="The share of the combined company the target's holders get ('30%').",
    )
    status: DealStatus = Field(
        default=DealStatus.closed,
        description="rumoured, in_talks, announced, signed, closed, cancelled or failed.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        for name in ("value", "combined_value", "acquirer_value", "target_value"):
            yield from positive(name, getattr(self, name))
        yield from share_checks("acquirer_holders", self.acquirer_holders)
        yield from share_checks("target_holders", self.target_holders)
        a, t = self.acquirer_holders, self.target_holders
        if a is not None and t is not None and a.low + t.low > 1:
            total = f"{((a.low + t.low) * 100).normalize():f}%"
            yield Check(
                "target_holders",
                f"sides holding at most 100% of the combined company (the acquirer's holders {a})",
                f"{t}, {total} in all",
                "sides-above-100",
            )
        sides = [m for m in (self.acquirer_value, self.target_value) if m is not None]
        if len(sides) == 2 and self.combined_value is not None:
            for check in adds_up(
                "combined_value", sides, self.combined_value, "acquirer_value + target_value"
            ):
                yield check._replace(code="parts-not-total")
