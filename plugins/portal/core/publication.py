"""The publication decision: is an item live at a given instant, and if not, why not.

Each item's state is decided once, here, and every consumer (pages, navigation,
listings, theme pages, feeds, search, sitemap, JSON, links) reads that decision.

A rule is a function ``(item, context) -> Block | None``. ``decide`` runs every rule and
the item is live only when none blocks it. Rules added later (circulation, anonymisation)
are appended to ``RULES``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from .circulation import DeadlineState, deadlines, noncompliance_message
from .dates import format_instant, local_date, start_of_day
from .items import Item, Kind
from .ledger import LedgerEntry
from .register import RegisterEntry
from .settings import Settings


class State(str, Enum):
    """Why an item is, or is not, in the public site."""

    LIVE = "live"
    DRAFT = "draft"
    WITHDRAWN = "withdrawn"
    EMBARGOED = "embargoed"
    HELD = "legal-hold"
    NONCOMPLIANT = "noncompliant"
    DEPENDENT = "review-not-live"
    ARCHIVED = "archived"
    DISCLOSURE = "identifying-detail"


@dataclass(frozen=True)
class Block:
    """One reason an item is not live.

    Attributes:
        state: the state this reason puts the item in.
        code: a stable identifier (``embargoed``, ``legal-hold``...).
        message: for people; says when or how the block lifts where that is known.
        until: the instant the block lifts by itself, when it will (a date, a hold's end).
        is_error: a compliance failure ``portal check`` must report as an error.
    """

    state: State
    code: str
    message: str
    until: datetime | None = None
    is_error: bool = False


@dataclass(frozen=True)
class Decision:
    """An item's publication state at ``now``, with every reason it is not live."""

    item_id: str
    blocks: tuple[Block, ...] = ()

    @property
    def is_live(self) -> bool:
        return not self.blocks

    @property
    def state(self) -> State:
        return self.blocks[0].state if self.blocks else State.LIVE


@dataclass(frozen=True)
class RuleContext:
    """What the rules look at besides the item: the instant, the settings, the register."""

    now: datetime
    settings: Settings
    register: Mapping[str, RegisterEntry] = field(default_factory=dict)
    ledger: Mapping[str, LedgerEntry] = field(default_factory=dict)
    """Items already published (first publication at or before ``now``)."""
    disclosures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Unacknowledged identifying details found in each item, as messages."""

    def entry(self, item_id: str) -> RegisterEntry:
        return self.register.get(item_id) or RegisterEntry()


Rule = Callable[[Item, RuleContext], "Block | list[Block] | None"]


def rule_approved(item: Item, ctx: RuleContext) -> Block | None:
    """SPEC §4 rule 1: only approved material is published."""
    if item.status == "draft":
        return Block(State.DRAFT, "draft", "draft: not approved for publication")
    if item.status == "withdrawn":
        return Block(State.WITHDRAWN, "withdrawn", "withdrawn: not published")
    return None


def rule_publication_time(item: Item, ctx: RuleContext) -> Block | None:
    """SPEC §4 rule 2: nothing before its publication instant, compared as aware datetimes."""
    if item.publish_at is None:
        return Block(State.DRAFT, "no-publication-date", "no publication date set")
    if ctx.now < item.publish_at:
        return Block(
            State.EMBARGOED,
            "embargoed",
            f"embargoed until {format_instant(item.publish_at, ctx.settings.timezone)}",
            until=item.publish_at,
        )
    return None


def rule_legal_hold(item: Item, ctx: RuleContext) -> Block | None:
    """SPEC §4 rule 3: a legal hold keeps an item unpublished whatever its date.

    A hold ``until`` a date is in force up to and including that date: it lifts at the
    start of the following day in the site timezone.
    """
    hold = item.legal_hold
    if hold is None:
        return None
    if hold.until is None:
        return Block(State.HELD, "legal-hold",
                     f"on legal hold ({hold.reason}) with no end date")
    lifts = hold_lifts_at(item, ctx.settings)
    if ctx.now < lifts:
        return Block(State.HELD, "legal-hold",
                     f"on legal hold ({hold.reason}) until {hold.until:%d %B %Y} inclusive",
                     until=lifts)
    return None


def goes_live_at(item: Item, settings: Settings) -> datetime | None:
    """When an approved item goes live by its date and legal hold alone: its publication
    instant, or the end of its hold if later. None for a draft or a hold with no end."""
    if item.status != "approved" or item.publish_at is None:
        return None
    if item.legal_hold is None:
        return item.publish_at
    lifts = hold_lifts_at(item, settings)
    return None if lifts is None else max(item.publish_at, lifts)


def hold_lifts_at(item: Item, settings: Settings) -> datetime | None:
    if item.legal_hold is None or item.legal_hold.until is None:
        return None
    return start_of_day(item.legal_hold.until + timedelta(days=1), settings.timezone)


def rule_circulation(item: Item, ctx: RuleContext) -> list[Block]:
    """SPEC §4 rule 4: every circulation rule that applies is met once publication is due.

    Before the publication time the embargo already keeps the item back, and a missing
    circulation is a deadline (``portal schedule``), not yet a failure; likewise while a
    legal hold is in force.
    """
    if item.publish_at is None or ctx.now < item.publish_at or item.status != "approved":
        return []
    if rule_legal_hold(item, ctx) is not None:
        return []  # publication waits for the hold; circulation is due before it lifts
    if item.id in ctx.ledger:
        return []  # already published: circulation was settled then
    today = local_date(ctx.now, ctx.settings.timezone)
    publication_date = local_date(goes_live_at(item, ctx.settings), ctx.settings.timezone)
    return [
        Block(State.NONCOMPLIANT, "circulation",
              noncompliance_message(item, deadline, ctx.now, ctx.settings), is_error=True)
        for deadline in deadlines(item, ctx.settings.circulation_rules, ctx.entry(item.id),
                                  today, ctx.settings, publication_date)
        if deadline.state is not DeadlineState.DONE
    ]


def rule_withheld_notified(item: Item, ctx: RuleContext) -> Block | None:
    """DOMAIN rule 7: a report that is not published is itself notified to the National
    Panel; the register records it before the improvement information goes out."""
    if item.details.get("published_form") != "withheld" or item.status != "approved":
        return None
    if item.publish_at is None or ctx.now < item.publish_at or item.id in ctx.ledger:
        return None
    if "not_published_notified" in ctx.entry(item.id).extra:
        return None
    return Block(State.NONCOMPLIANT, "not-published-not-notified",
                 "the report is withheld, but the register does not record that the National "
                 f"Panel was told: add to embargo/{item.id}.yaml\n    not_published_notified:\n"
                 "      on: YYYY-MM-DD\n      to: Child Safeguarding Practice Review Panel",
                 is_error=True)


def rule_withdrawal(item: Item, ctx: RuleContext) -> Block | None:
    """An authorised withdrawal in the register takes effect on its date."""
    withdrawal = ctx.entry(item.id).withdrawal
    if withdrawal is None or local_date(ctx.now, ctx.settings.timezone) < withdrawal.on:
        return None
    return Block(State.WITHDRAWN, "withdrawal",
                 f"withdrawn on {withdrawal.on:%d %B %Y}: {withdrawal.reason_public}")


def rule_archived(item: Item, ctx: RuleContext) -> Block | None:
    """An archived item leaves listings and search; its page says it is available on request."""
    if not item.archived:
        return None
    return Block(State.ARCHIVED, "archived", "archived: available on request")


def rule_no_identifying_details(item: Item, ctx: RuleContext) -> list[Block]:
    """DOMAIN rule 1: nothing goes live that could identify a child, a family member or a
    practitioner who should not be named, unless that one finding is acknowledged."""
    return [Block(State.DISCLOSURE, "identifying-detail", message, is_error=True)
            for message in ctx.disclosures.get(item.id, ())]


RULES: list[Rule] = [rule_approved, rule_publication_time, rule_legal_hold, rule_circulation,
                     rule_withheld_notified, rule_withdrawal, rule_archived,
                     rule_no_identifying_details]


def decide(item: Item, ctx: RuleContext, rules: Iterable[Rule] | None = None) -> Decision:
    """Decide one item on its own merits (dependencies are ``decide_all``'s business)."""
    blocks: list[Block] = []
    for rule in RULES if rules is None else rules:
        found = rule(item, ctx)
        if isinstance(found, Block):
            blocks.append(found)
        elif found:
            blocks.extend(found)
    return Decision(item.id, tuple(blocks))


def decide_all(items: Iterable[Item], ctx: RuleContext,
               rules: Iterable[Rule] | None = None) -> dict[str, Decision]:
    """Decide every item. A progress page of a review that is not live is not live either
    (SPEC §4); when the review was withdrawn, the progress goes with it (``review-withdrawn``):
    the one withdrawal record covers both, and the page leaves the site without a notice."""
    items = list(items)
    rules = list(RULES if rules is None else rules)
    decisions = {item.id: decide(item, ctx, rules) for item in items}
    for item in items:
        if item.kind is Kind.PROGRESS and decisions[item.id].is_live:
            review = decisions.get(item.review_id or "")
            if review is None or not review.is_live:
                decisions[item.id] = Decision(item.id, (dependent_block(review),))
    return decisions


def dependent_block(review: Decision | None) -> Block:
    """Why a progress page is not live when its review is not."""
    if review is not None and any(block.code == "withdrawal" for block in review.blocks):
        return Block(State.DEPENDENT, "review-withdrawn",
                     "its review has been withdrawn: its progress is withdrawn with it")
    return Block(State.DEPENDENT, "review-not-live",
                 "its review is not live, so its progress is not published either")
