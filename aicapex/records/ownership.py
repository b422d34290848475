"""Ownership: stakes in companies (purchases and reported holdings), and the checks that
figures of one record add up (``pre_money + amount = post_money``, ``price x shares = paid``).

A **stake** is either a ``purchase`` (a transaction: ``primary``, new shares whose money reaches
the company, or ``secondary``, shares bought from existing holders, whose money does not) or a
``holding`` (a snapshot as reported: "Musk holds 20.5% of Tesla"). It gives a ``share``
(``35%``) and/or a number of ``shares`` (``12.5M``), of the fully diluted shares when
``diluted`` is true (else of the shares outstanding), and for purchases what was ``paid`` or the
``price_per_share``. A stake bought in a funding round names it (``round:``): the round already
counts the money, the stake adds none.

Control: an entity's ``controlled_by`` names its controllers; a stake of more than
:data:`CONTROL_THRESHOLD` (50%) of a company, or one whose holder the source names as
controlling (``controlling: true``), is control too (``aicapex.control``).

Figures that add up are checked within a tolerance: 1% of the total, or the rounding of the
figures as written (half a unit of the last digit of each figure's canonical form: ``$1B`` is
written to the billion, so it may be anything from $0.5B to $1.5B; see
:func:`aicapex.shares.written_unit`), whichever is larger. Ranges are checked on their ends
(the sum of the parts' ends must reach the total's range), bounds as the open ranges they
claim (``more than $1B``: $1B and up), approximations as their default widths (10% either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from aicapex.dates import PartialDate
from aicapex.money import Money
from aicapex.records.base import MAX_AMOUNT, Check, Fact, positive
from aicapex.shares import Share, ShareCount, written_unit

__all__ = [
    "CONTROL_THRESHOLD",
    "INFLUENCE_THRESHOLD",
    "TOLERANCE",
    "PurchaseKind",
    "Stake",
    "StakeEvent",
    "StakeStatus",
    "adds_up",
    "hard_range",
    "multiplies_to",
]

#: A holder of more than this share of a company controls it (a documented default; the
#: ``control`` analysis takes ``threshold=``).
CONTROL_THRESHOLD = Decimal("0.5")

#: A holder of at least this share of a company (20%) is presumed to have significant influence
#: over it (IAS 28.5): a person controlling one entity with significant influence over another
#: makes the two related parties (IAS 24.9(b)(vii)).
INFLUENCE_THRESHOLD = Decimal("0.2")

#: The relative tolerance of figures that add up (1%), beside their rounding as written.
TOLERANCE = Decimal("0.01")

Ends = tuple[Decimal | None, Decimal | None]


class StakeEvent(StrEnum):
    """A ``purchase`` (a transaction) or a ``holding`` (a snapshot of what a holder has, as
    reported)."""

    purchase = "purchase"
    holding = "holding"


class PurchaseKind(StrEnum):
    """``primary``: new shares, the money reaches the company; ``secondary``: shares bought from
    existing holders, the money goes to them."""

    primary = "primary"
    secondary = "secondary"


class StakeStatus(StrEnum):
    """How far a stake got, in the one status vocabulary (:data:`aicapex.records.STATUSES`):
    rumoured, in_talks, announced (a stated intention or promise: "will hold"), committed (a
    signed deal not yet closed), closed (done: bought, or held as reported), cancelled or
    failed. Ownership counts closed stakes; the others are shown beside."""

    rumoured = "rumoured"
    in_talks = "in_talks"
    announced = "announced"
    committed = "committed"
    closed = "closed"
    cancelled = "cancelled"
    failed = "failed"


class Stake(Fact):
    """A stake in a company: a purchase of shares (primary or secondary) or a holding as
    reported, with its share and/or number of shares and what was paid."""

    KIND = "stakes"
    REFS = (
        *Fact.REFS,
        ("holder", "entities"),
        ("company", "entities"),
        ("seller", "entities"),
        ("round", "funding_rounds"),
    )
    PARTIES = ("company", "holder")
    FACT_KEY = ("company", "holder", "event", "diluted")
    #: Reports of one holder's stake of one kind in one company whose dates start within 31
    #: days of each other report one fact (a holding "in June" and "on June 12").
    FACT_WINDOW = ("date", 31)
    DATE_FIELD = "date"

    holder: str = Field(description="Id of the entity holding (or buying) the shares.")
    company: str = Field(description="Id of the company whose shares they are.")
    date: PartialDate = Field(
        description="When the purchase was made (or agreed), or the date the holding is "
        "reported for ('since June 2025': 2025-06)."
    )
    event: StakeEvent = Field(
        description="purchase (a transaction) or holding (a snapshot as reported; a later one "
        "supersedes an earlier one of the same holder and the purchases before it)."
    )
    purchase: PurchaseKind | None = Field(
        default=None,
        description="For purchases: primary (new shares: the money reaches the company) or "
        "secondary (bought from existing holders: it does not); unknown when not given (then "
        "no money is counted as reaching the company).",
    )
    round: str | None = Field(
        default=None,
        description="Id of the funding round the stake was bought in: the round counts the "
        "money, the stake adds none.",
    )
    seller: str | None = Field(
        default=None,
        description="For secondary purchases: id of the holder who sold, when named (its "
        "holding falls by what was sold; the money moves between the two).",
    )
    share: Share | None = Field(
        default=None,
        description="The share of the company held, or bought ('35%', '30% to 35%', 'more than "
        "50%'), of the fully diluted shares when `diluted`, else of the shares outstanding.",
    )
    shares: ShareCount | None = Field(
        default=None, description="The number of shares held or bought ('12.5M', '12,500,000')."
    )
    diluted: bool = Field(
        default=False,
        description="Whether `share` is of the fully diluted shares (options, warrants and "
        "convertibles counted); false: of the shares outstanding.",
    )
    paid: Money | None = Field(default=None, description="What the purchase cost ('$2.1B').")
    price_per_share: Money | None = Field(
        default=None, description="The price paid per share ('$54.20')."
    )
    status: StakeStatus = Field(
        default=StakeStatus.closed,
        description="How far it got: rumoured, in_talks, announced (a promise: 'will hold'), "
        "committed, closed (bought, or held as reported), cancelled or failed.",
    )
    condition: str | None = Field(
        default=None,
        description="The condition or promise the stake depends on, as reported ('X Corp "
        "investors will hold 25% of xAI').",
    )
    controlling: bool = Field(
        default=False,
        description="Whether the source names this holder as controlling the company (voting "
        "control, a majority of the board), whatever its share.",
    )

    def checks(self) -> Iterator[tuple[str, ...]]:
        if self.share is not None:
            top = max(self.share.written())
            if top > 1:
                yield Check("share", "a share of at most 100%", str(self.share), "out-of-range")
            elif self.event is StakeEvent.purchase and top == 0:
                yield Check(
                    "share", "a share above 0% (a purchase buys some)", "0%", "out-of-range"
                )
        yield from count_checks("shares", self.shares)
        yield from positive("paid", self.paid)
        yield from positive("price_per_share", self.price_per_share)
        if self.price_per_share is not None and self.shares is not None:
            # what the purchase cost when no `paid` says it: the price times the most shares
            value = self.price_per_share.amount * max(self.shares.written())
            if value > MAX_AMOUNT:
                limit = Money(Decimal(MAX_AMOUNT), self.price_per_share.currency)
                cost = Money(Decimal(value), self.price_per_share.currency)
                found = f"{self.price_per_share} x {self.shares} shares, {cost}"
                yield Check(
                    "price_per_share", f"a purchase of at most {limit}", found, "out-of-range"
                )
        yield from self._event_checks()
        if self.paid is not None and self.price_per_share is not None and self.shares:
            yield from multiplies_to(
                "paid", self.price_per_share, self.shares, self.paid, "price_per_share x shares"
            )

    def _event_checks(self) -> Iterator[Check]:
        if self.event is StakeEvent.holding:
            for name in ("purchase", "round", "seller", "paid", "price_per_share"):
                if getattr(self, name) is not None:
                    yield Check(name, "no purchase field in a holding (a snapshot)", name)
            if self.share is None and self.shares is None:
                yield Check("share", "a share or a number of shares held", "neither")
            return
        if self.share is None and self.shares is None and self.paid is None:
            yield Check("share", "a share, a number of shares or an amount paid", "none")
        if self.seller is not None:
            if self.purchase is not PurchaseKind.secondary:
                shown = self.purchase.value if self.purchase else "no purchase kind"
                yield Check("seller", "a seller only in a secondary purchase", shown)
            if self.seller == self.holder:
                yield Check(
                    "seller",
                    f"a seller other than the holder {self.holder!r}",
                    repr(self.seller),
                    "same-party",
                )
            elif self.seller == self.company:
                yield Check(
                    "seller",
                    "a holder other than the company (new shares are a primary purchase)",
                    repr(self.seller),
                )


def hard_range(money: Money) -> Ends:
    """The range a figure claims (``None``: open): an exact figure itself, a range its ends,
    an approximation its default widths, a lower bound everything above it, an upper bound or a
    ceiling everything from zero to it."""
    kind = money.kind
    if kind == "lower":
        return money.amount, None
    if kind in ("upper", "ceiling"):
        return Decimal(0), money.amount
    low, high = money.bounds()
    return low.amount, high.amount


def _rounding(figure: Money | ShareCount) -> Decimal:
    """Half a unit of the last digit written of a figure (the larger of a range's ends)."""
    if figure.span is not None:
        written: tuple[Decimal, ...] = figure.span
    else:
        written = (figure.amount,) if isinstance(figure, Money) else (figure.count,)
    return max(written_unit(w) for w in written) / 2


def _count_range(count: ShareCount) -> Ends:
    """The range a number of shares claims (as :func:`hard_range` for money)."""
    if count.kind == "lower":
        return count.count, None
    if count.kind in ("upper", "ceiling"):
        return Decimal(0), count.count
    return count.bounds()


def _meets(total: Ends, low: Decimal | None, high: Decimal | None, tolerance: Decimal) -> bool:
    """Whether ``[low, high]`` widened by ``tolerance`` meets the range ``total``."""
    t_low, t_high = total
    below = t_high is not None and low is not None and low - tolerance > t_high
    above = t_low is not None and high is not None and high + tolerance < t_low
    return not (below or above)


def _tolerance(total: Money, figures: Iterable[Money | ShareCount]) -> Decimal:
    return max(abs(total.amount) * TOLERANCE, sum((_rounding(f) for f in figures), Decimal(0)))


def count_checks(field: str, count: ShareCount | None) -> Iterator[Check]:
    """A number of shares of at most :data:`MAX_AMOUNT` (when there is one)."""
    if count is not None and max(count.written()) > MAX_AMOUNT:
        yield Check(field, f"at most {MAX_AMOUNT:,} shares", str(count), "out-of-range")


def adds_up(field: str, parts: list[Money], total: Money, label: str) -> Iterator[Check]:
    """A ``Check`` (``inconsistent``) at ``field`` when the sum of ``parts`` cannot be ``total``
    (see the module docs for the tolerance); nothing when the currencies differ."""
    if any(p.currency != total.currency for p in parts):
        return
    ends = [hard_range(p) for p in parts]
    lows = [e[0] for e in ends if e[0] is not None]
    highs = [e[1] for e in ends if e[1] is not None]
    low = sum(lows, Decimal(0)) if len(lows) == len(ends) else None
    high = sum(highs, Decimal(0)) if len(highs) == len(ends) else None
    tolerance = _tolerance(total, [*parts, total])
    if not _meets(hard_range(total), low, high, tolerance):
        figure = Money(sum((p.amount for p in parts), Decimal(0)), total.currency)
        yield Check(
            field,
            f"{label} within 1% or the rounding of the figures as written (the parts add up "
            f"to {figure}, give or take {Money(tolerance, total.currency)})",
            str(total),
        )


def multiplies_to(
    field: str, price: Money, count: ShareCount, total: Money, label: str
) -> Iterator[Check]:
    """A ``Check`` (``inconsistent``) at ``field`` when ``price`` times ``count`` cannot be
    ``total`` (the same tolerance as :func:`adds_up`; each figure's rounding is carried through
    the product)."""
    if price.currency != total.currency:
        return
    p_low, p_high = hard_range(price)
    c_low, c_high = _count_range(count)
    low = p_low * c_low if p_low is not None and c_low is not None else None
    high = p_high * c_high if p_high is not None and c_high is not None else None
    rounding = _rounding(price) * count.count + _rounding(count) * price.amount + _rounding(total)
    tolerance = max(abs(total.amount) * TOLERANCE, rounding)
    if not _meets(hard_range(total), low, high, tolerance):
        product = Money(price.amount * count.count, total.currency)
        yield Check(
            field,
            f"{label} within 1% or the rounding of the figures as written ({price} x {count} = "
            f"{product}, give or take {Money(tolerance, total.currency)})",
            str(total),
        )
