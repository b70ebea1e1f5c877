"""The one decision pass: from a case's facts (CaseFacts), the clock and the playbook, which
rules fire and how much each scores, whose turn it is, where the case stands on the ladder,
which rule leads the next move, which party and channel it names, and when the clock alone
will change any of that. No wording here beyond numbers; words.py and explain.py put it in
sentences. Times are ISO UTC text, so they compare as strings."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from operator import attrgetter
from typing import Callable, Mapping

from ..store.facts import CaseFacts, PromiseFact
from ..store.records import ACTIVE_STATUSES, Company
from ..store.times import to_iso
from .channels import better_channel, best_channel
from .clocks import Rules, rules_of
from .deadlines import Clocks, deadline_items, door_opens
from .model import current_rung
from .playbook import Playbook
from .words import check_zone, local_date, plus

PRODUCT_OR_SHIPPING = frozenset(("product_question", "shipping", "late_delivery",
                                 "missing_package", "damaged", "not_as_described"))
# Which fired rule leads the next move, first match wins: your own overdue part first, then
# the ladder's exits, then the company's failures, then the softer signals.
LEAD_ORDER = ("your_move", "ombudsman", "deadline", "wrong_door", "broken_promise", "dead_ends",
              "many_contacts", "gone_quiet", "first_contact", "long_hold", "close_it")
LEAD_RANK = {rule: n for n, rule in enumerate(LEAD_ORDER)}
_score = attrgetter("score")
RULE_NAMES = ("your_move", "first_contact", "broken_promise", "gone_quiet", "dead_ends",
              "long_hold", "many_contacts", "wrong_door", "close_it", "ombudsman", "deadline")
DAY = 86400
ChannelStats = Mapping[str, tuple[int, int]]


class Pass:
    """What every case of one pass shares: `now` in the forms the rules compare against, the
    playbook's numbers, the companies and each company's channel stats once read."""

    __slots__ = ("now", "iso", "playbook", "t", "w", "quiet_cutoff", "wait_cutoff",
                 "hold_since", "min_hold", "min_total_hold",
                 "companies", "today", "tomorrow", "best", "wt", "_stats", "_stats_cache",
                 "clocks", "_emails")

    def __init__(self, now: datetime, playbook: Playbook,
                 companies: Mapping[int, Company] | None = None,
                 stats: Mapping[int, ChannelStats] | Callable[[int], ChannelStats] | None = None,
                 rules: Rules | None = None):
        check_zone()
        self.now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
        self.iso = to_iso(self.now)
        self.playbook = playbook
        t = self.t = playbook.thresholds
        self.w = playbook.weights
        self.quiet_cutoff = self.ago(t["quiet_days"] * DAY)
        self.wait_cutoff = self.ago(t["no_due_wait_days"] * DAY)
        self.hold_since = self.ago(t["hold_window_days"] * DAY)
        self.min_hold = t["hold_one_minutes"] * 60
        self.min_total_hold = t["hold_total_minutes"] * 60
        self.companies = companies or {}
        local = self.now.astimezone()
        self.today = local.date()
        # Day counts are local calendar days, so they all change at the next local midnight.
        self.tomorrow = to_iso(datetime.combine(self.today + timedelta(days=1),
                                                datetime.min.time(), local.tzinfo))
        self._stats = stats
        self._stats_cache: dict[int, ChannelStats] = {}
        self.best: dict[tuple, str] = {}    # (company, last channel, seller allowed) -> channel
        self._emails: dict[int, bool] = {}  # company id -> whether it has a support email
        w = self.w
        self.wt = {rule: (w[rule], w[f"{rule}_step"], w[f"{rule}_max"]) for rule in RULE_NAMES}
        # The rules pack and the user's rules.toml, read with the playbook.
        self.clocks = Clocks(rules if rules is not None else rules_of(playbook))

    def ago(self, seconds: int) -> str:
        return to_iso(self.now - timedelta(seconds=seconds))

    def days_since(self, iso: str) -> int:
        """Local calendar days from `iso` to now: due on the 9th, on the 25th it is 16."""
        return (self.today - local_date(iso)).days

    def stats(self, company_id: int) -> ChannelStats:
        """The company's channel stats, read once per pass and only when a choice needs them."""
        cache = self._stats_cache
        if company_id not in cache:
            source = self._stats
            if source is None:
                cache[company_id] = {}
            elif callable(source):
                cache[company_id] = source(company_id)
            else:
                cache[company_id] = source.get(company_id, {})
        return cache[company_id]

    def has_email(self, company: Company | None) -> bool:
        """Whether the company has a support email route, looked up once per company."""
        if company is None:
            return False
        found = self._emails.get(company.id)
        if found is None:
            found = self._emails[company.id] = bool(company.email)
        return found

    def know_stats(self, stats: Mapping[int, ChannelStats]) -> None:
        """Companies' channel stats read ahead, many at once (the ranking's pages)."""
        self._stats_cache.update(stats)


class Hit:
    """A rule that fired: its score, how far past its threshold (`excess`, in the rule's
    unit), an extra term (repeated promises) and what it is about (promises, counts)."""

    __slots__ = ("rule", "score", "excess", "extra", "items", "kind")

    def __init__(self, rule: str, p: Pass, excess: int, extra: float = 0.0,
                 items: tuple = (), kind: str = ""):
        base, step, cap = p.wt[rule]
        self.rule, self.excess, self.extra, self.items, self.kind = rule, excess, extra, items, kind
        self.score = round(min(base + step * max(excess, 0) + extra, cap), 2)


class Decision:
    """Everything decided about one case; plain values only."""

    __slots__ = ("facts", "turn", "rung", "hits", "lead", "climb", "target", "door",
                 "channel", "why", "score", "snoozed", "changes_at", "asks", "promised",
                 "unkept", "company", "door_at", "door_clock", "resolved")

    def __init__(self, facts: CaseFacts):
        self.facts = facts
        self.hits: list[Hit] = []
        self.lead: Hit | None = None
        self.climb: str | None = None       # the rung the next move climbs to
        self.target = "company"             # the party the next move addresses
        self.door: str | None = None        # wrong_door's side: "seller" | "marketplace"
        self.channel: str | None = None
        self.why = ""                       # why that channel, when it replaces a failing one
        self.changes_at: str | None = None
        self.company: Company | None = None
        self.door_at: str | None = None     # when the ombudsman can take the complaint
        self.door_clock = None              # the in-force clock instance that says so

    def hit(self, rule: str) -> Hit | None:
        for h in self.hits:
            if h.rule == rule:
                return h
        return None


def resolved_last(f: CaseFacts) -> bool:
    """The last finished contact resolved it; a forum has no authority to resolve anything."""
    return f.last_outcome == "resolved" and f.last_channel != "forum"


def decide(f: CaseFacts, p: Pass) -> Decision:
    d = Decision(f)
    iso = p.iso
    d.company = p.companies.get(f.company_id)
    if f.promises:
        asks = d.asks = tuple(x for x in f.promises if x.party == "me" and x.status == "pending")
        promised = d.promised = tuple(x for x in f.promises
                                      if x.party == "company" and x.status == "pending")
    else:
        asks = promised = d.asks = d.promised = ()
    active = f.status in ACTIVE_STATUSES
    d.snoozed = bool(f.snoozed_until) and f.snoozed_until > iso
    d.rung = current_rung(f)
    resolved = d.resolved = resolved_last(f)
    if not active or d.snoozed:
        d.turn = "nobody"
    elif asks or (f.contacts == 0 and f.live_at is None) or (resolved and not promised):
        d.turn = "yours"
    else:
        d.turn = "theirs"
    d.unkept = ()
    soon: list[str] = []
    if d.snoozed:
        soon.append(f.snoozed_until)
    if active:
        _rules(d, p, soon)
        hits = d.hits
        if len(hits) == 1:
            d.lead = hits[0]
        elif hits:
            hits.sort(key=_score, reverse=True)     # stable: ties keep RULE_NAMES order
            # A window that has already closed is news, not the next move, unless it is all.
            leads = [h for h in hits if not (h.rule == "deadline" and h.kind == "closed")]
            lead = d.lead = min(leads, key=lambda h: LEAD_RANK[h.rule]) if leads else hits[0]
            if lead is not hits[0]:     # the reason the next move acts on comes first
                hits.remove(lead)
                hits.insert(0, lead)
        _climb(d)
        _party_and_channel(d, p)
    d.score = 0.0 if d.snoozed else round(sum([h.score for h in d.hits]), 2)
    future = [s for s in soon if s > iso]
    d.changes_at = min(future) if future else None
    return d


def _late(x: PromiseFact, p: Pass, soon: list[str]) -> int | None:
    """Whole days a commitment is late (0 on its first late day), None while it is not; adds
    when that changes to `soon`."""
    if x.due_at:
        if x.due_at < p.iso:
            days = p.days_since(x.due_at)
            soon.append(p.tomorrow)
            return days
        soon.append(plus(x.due_at, 1))
        return None
    if x.created_at <= p.wait_cutoff:
        days = p.days_since(x.created_at) - p.t["no_due_wait_days"]
        soon.append(p.tomorrow)
        return days
    soon.append(plus(x.created_at, p.t["no_due_wait_days"] * DAY))
    return None




def _rules(d: Decision, p: Pass, soon: list[str]) -> None:
    f, t, hits = d.facts, p.t, d.hits
    # your_move: the oldest late ask leads; every late one is cited.
    late_asks = [(days, x) for x in d.asks if (days := _late(x, p, soon)) is not None] \
        if d.asks else None
    if late_asks:
        days = max(days for days, _ in late_asks)
        hits.append(Hit("your_move", p, days, items=tuple(
            x for _, x in sorted(late_asks, key=lambda e: -e[0]))))
    # first_contact: the case was opened and nothing has been tried yet.
    if f.contacts == 0 and f.live_at is None and not d.asks:
        if f.opened_at <= p.quiet_cutoff:
            days = p.days_since(f.opened_at)
            soon.append(p.tomorrow)
            hits.append(Hit("first_contact", p, days - t["quiet_days"], kind=str(days)))
        else:
            soon.append(plus(f.opened_at, t["quiet_days"] * DAY))
    # broken_promise: overdue, late without a date, or marked broken and not followed up.
    late: list[tuple[int, PromiseFact]] = []
    ahead = False
    for x in f.promises:
        if x.party != "company":
            continue
        if x.status == "broken":
            if f.last_at is None or x.settled_at is None or f.last_at <= x.settled_at:
                since = x.due_at or x.settled_at or x.created_at
                days = p.days_since(since)
                soon.append(p.tomorrow)
                late.append((days, x))
        elif (days := _late(x, p, soon)) is not None:
            late.append((days, x))
        else:
            ahead = True
    if f.complained_at and not f.final_at:
        door = d.door_clock = p.clocks.door(f, p.now)
        d.door_at = door_opens(door) if door is not None else \
            plus(f.complained_at, t["ombudsman_after_weeks"] * 7 * DAY)
        if d.door_at > p.iso:
            ahead = True    # their final response is due within the scheme's period
    if late:
        broken_all = sum(1 for x in f.promises if x.party == "company" and x.status == "broken")
        overdue = sum(1 for _, x in late if x.status == "pending")
        d.unkept = tuple(x for _, x in late)
        unkept = broken_all + overdue
        # still owed before marked broken, the longest late first; the first one is cited
        late.sort(key=lambda e: (e[1].status == "broken", -e[0]))
        hits.append(Hit("broken_promise", p, late[0][0],
                        p.w["broken_promise_repeat"] * (unkept - 1),
                        items=tuple(x for _, x in late), kind=str(unkept)))
    # gone_quiet: only on their turn, not during a live contact, not already a broken promise.
    if d.turn == "theirs" and f.live_at is None and f.last_at and not ahead and not late:
        if f.last_at <= p.quiet_cutoff:
            days = p.days_since(f.last_at)
            soon.append(p.tomorrow)
            hits.append(Hit("gone_quiet", p, days - t["quiet_days"]))
        else:
            soon.append(plus(f.last_at, t["quiet_days"] * DAY))
    elif f.last_at and f.last_at > p.quiet_cutoff and not ahead:
        soon.append(plus(f.last_at, t["quiet_days"] * DAY))
    # dead_ends: the trailing streak of contacts that made no progress.
    need = t["dead_end_streak"]
    if f.streak >= need:
        hits.append(Hit("dead_ends", p, f.streak - need))
    # long_hold: only holds in the recent window count.
    recent = [h for h in f.holds if h.started_at >= p.hold_since] if f.holds else None
    if recent:
        soon.append(plus(min(h.started_at for h in recent), t["hold_window_days"] * DAY + 1))
        longest = max(h.hold_seconds for h in recent)
        total = sum(h.hold_seconds for h in recent)
        if longest >= p.min_hold or total >= p.min_total_hold:
            over = max(longest - p.min_hold if longest >= p.min_hold else 0,
                       total - p.min_total_hold)
            hits.append(Hit("long_hold", p, over // 60, items=tuple(recent)))
    # many_contacts: not when the last contact resolved it (close_it says that).
    if f.contacts >= t["many_contacts"] and not d.resolved:
        hits.append(Hit("many_contacts", p, f.contacts - t["many_contacts"]))
    # wrong_door: a third-party seller's case taken to the wrong party.
    door = _right_door(f, t["wrong_door_contacts"]) if f.seller else None
    if door:
        d.door = door
        hits.append(Hit("wrong_door", p, f.contacts - t["wrong_door_contacts"], kind=door))
    # close_it: resolved on the last contact, nothing owed either way.
    if d.resolved and not d.promised and not d.asks and f.live_at is None:
        hits.append(Hit("close_it", p, 0))
    # ombudsman: a formal complaint unanswered for the period, or a final response.
    if f.final_at:
        days = p.days_since(f.final_at)
        soon.append(p.tomorrow)
        hits.append(Hit("ombudsman", p, days, kind="final"))
    elif f.complained_at:
        if d.door_at <= p.iso:
            soon.append(p.tomorrow)
            hits.append(Hit("ombudsman", p, p.days_since(d.door_at), kind="unanswered",
                            items=(d.door_clock,) if d.door_clock is not None else ()))
        else:
            soon.append(d.door_at)
    # deadline: the clocks running on the case and the asks about to fall due.
    items = deadline_items(f, d.company, d.asks, p.clocks, p.now, p.iso, p.today, p.tomorrow,
                           t["deadline_warn_days"], t["deadline_after_days"], soon)
    if items:
        kind, _, days = items[0]
        h = Hit("deadline", p, t["deadline_warn_days"] - days if kind in ("warn", "ask")
                else 0, items=tuple(items), kind=kind)
        if kind == "closed":
            h.score = p.w["deadline_closed"]
        hits.append(h)


def _right_door(f: CaseFacts, min_contacts: int) -> str | None:
    """'seller' when a product or shipping question only went to the marketplace,
    'marketplace' when a refund only went to the seller, else None."""
    if not f.seller or f.contacts < min_contacts:
        return None
    about_refund = f.category == "refund" or f.want == "refund"
    # A refund is the marketplace's to give even when the item itself was the problem.
    if f.category in PRODUCT_OR_SHIPPING and not about_refund and f.to_seller == 0:
        return "seller"
    if about_refund and f.to_seller == f.contacts:
        return "marketplace"
    return None


def _climb(d: Decision) -> None:
    """The rung the next move climbs to: the lead rule's, one rung further when that rung was
    already tried."""
    lead, f = d.lead, d.facts
    climb = None
    if lead is None:
        pass
    elif lead.rule == "broken_promise" and int(lead.kind) >= 2:
        climb = "supervisor"
    elif lead.rule == "dead_ends":
        climb = "another_channel" if f.streak_channels <= 1 else "supervisor"
    elif lead.rule == "many_contacts":
        climb = "supervisor"
    elif lead.rule == "ombudsman":
        climb = "ombudsman"
    elif lead.rule == "deadline" and lead.kind in ("warn", "opened"):
        climb = lead.items[0][1].clock.rung
    if climb == "supervisor" and f.escalated:
        climb = "formal_complaint"
    if climb == "formal_complaint" and f.complained_at:
        climb = None        # wait for the final response; the ombudsman rule says when
    d.climb = climb


def _party_and_channel(d: Decision, p: Pass) -> None:
    """The one party and channel every sentence about the case names."""
    f, lead = d.facts, d.lead
    has_seller = bool(f.seller)
    if d.door == "seller":
        d.target, d.channel = "seller", "seller"
        return
    if lead is not None and lead.rule == "ombudsman":
        d.channel = None
        return
    if lead is not None and lead.rule == "deadline" and (
            lead.kind == "ask" or lead.items[0][1].clock.rung in ("chargeback", "ombudsman")):
        d.channel = None        # the ask says how; the card issuer or the ombudsman is no channel
        return
    if (lead is None and d.asks) or (lead is not None and lead.rule in ("your_move", "close_it")):
        d.channel = None        # what they asked for says how to send it; closing needs none
        return
    if d.climb == "formal_complaint":
        d.channel = "email" if p.has_email(d.company) else "letter"
        return
    allow_seller = has_seller and d.door != "marketplace"
    failing = None
    # Dead ends on one channel rule that channel out for every sentence, whatever leads.
    if f.streak_channels == 1 and d.hit("dead_ends") is not None:
        failing = f.last_channel
    elif lead is not None and lead.rule == "long_hold":
        failing = "phone"       # holding is the phone's cost
    if failing:
        pick = better_channel(failing, p.stats(f.company_id), p.playbook, f.company,
                              allow_seller=allow_seller)
        if pick:
            d.channel, d.why = pick
            return
    key = (f.company_id, f.last_channel, allow_seller)
    channel = p.best.get(key)
    if channel is None:
        channel = p.best[key] = best_channel(p.stats(f.company_id), p.playbook, f.last_channel,
                                             allow_seller)
    d.channel = channel

