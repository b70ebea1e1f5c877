"""The advice's entry points: `assess` one case, `explain` a page of cases in full words,
`ranking` every active case from the kept rows (re-running the rules only on the stale
ones), `any_stalled` for --fail-on-stall, and `assess_facts`, the pure ranking step."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Mapping

from ..store.kept import HORIZON_DAYS
from ..store.facts import PAGE, AdviceRow, CaseFacts, ContactFact, facts_from_detail
from ..store.records import CaseDetail, Company
from ..store.times import from_iso, to_iso
from .clocks import rules_of
from .deadlines import Clocks
from .decide import Decision, Pass, decide
from .evidence import Evidence
from .findings import headline, worded
from .model import Assessment
from .move import move_line, next_move
from .playbook import Playbook, default_playbook
from .source import ENGINE_VERSION, local_zone



def fingerprint(playbook: Playbook, clocks: Clocks | None = None) -> str:
    """The engine version, the local time zone (the words name local dates), every
    playbook value the rules read and every clock in force (the rules pack, rules.toml and
    the jurisdictions chosen), hashed: kept rows made under another one are stale."""
    if clocks is None:
        clocks = Clocks(rules_of(playbook))
    data = {"clocks": [c.as_dict() for c in (*clocks.doors, *clocks.clocks)],
            "engine": ENGINE_VERSION, "zone": local_zone(), "t": dict(playbook.thresholds),
            "w": dict(playbook.weights),
            "texts": {k: dict(v) for k, v in playbook.texts.items()},
            "moves": dict(playbook.moves), "order": list(playbook.default_order),
            "channels": {k: [g.label, g.by, g.why_next] for k, g in playbook.channels.items()},
            "wants": dict(playbook.brief["wants"])}
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return f"{ENGINE_VERSION}:{hashlib.sha256(raw).hexdigest()[:16]}"


def row_of(d: Decision, p: Pass) -> AdviceRow:
    """The kept form of a decision: what lists and --fail-on-stall read."""
    f = d.facts
    line, who, channel, due = move_line(d, p)
    top = d.hits[0] if d.hits else None
    return AdviceRow(f.id, d.score, bool(d.hits) and not d.snoozed, d.snoozed, d.turn, d.rung,
                     top.rule if top else None, headline(top, d, p) if top else "",
                     line, who, channel, due, f.last_activity_at, d.changes_at, f.company_rev)


def assessment_of(d: Decision, p: Pass, ev: Evidence) -> Assessment:
    f = d.facts
    return Assessment(f.id, d.score, d.turn, d.rung, next_move(d, p, ev),
                      tuple(worded(h, d, p, ev) for h in d.hits), f.snoozed_until,
                      d.snoozed, d.changes_at)


def assess_facts(facts: CaseFacts, now: datetime, playbook: Playbook | None = None,
                 companies: Mapping[int, Company] | None = None,
                 stats: Mapping | Callable | None = None) -> AdviceRow:
    """One case's AdviceRow from its facts: decided and scored, nothing worded beyond the
    headline and the move's line. `stats`: company id -> channel stats, or a callable."""
    p = Pass(now, playbook or default_playbook(), companies, stats)
    return row_of(decide(facts, p), p)


def assess(detail: CaseDetail, now: datetime, playbook: Playbook | None = None,
           history=None) -> Assessment:
    """One case in full words. `history` is the company's channel stats
    (Store.channel_stats), or a no-argument callable giving them."""
    pb = playbook or default_playbook()
    companies = {detail.case.company_id: detail.company} if detail.company else {}
    if history is None:
        stats = None
    elif callable(history):
        stats = lambda company_id: history()    # noqa: E731 - the one company's stats
    else:
        stats = {detail.case.company_id: history}
    p = Pass(now, pb, companies, stats)
    facts = _facts(detail, p)
    return assessment_of(decide(facts, p), p, Evidence.of(contacts_of(detail), detail.refs))


def explain(store, case_ids: Iterable[int], now: datetime,
            playbook: Playbook | None = None) -> list[Assessment]:
    """A page of cases in full words, in the order given (ids not found are left out): one
    read of their facts, contacts, references and companies."""
    return [a for page in explain_pages(store, case_ids, now, playbook, page=None)
            for a in page]


def explain_pages(store, case_ids: Iterable[int], now: datetime,
                  playbook: Playbook | None = None, page: int | None = PAGE
                  ) -> Iterator[list[Assessment]]:
    """`explain`, `page` cases at a time (None: all at once), in one pass: each company and
    its channel stats are read once however many pages name it."""
    ids = list(dict.fromkeys(case_ids))
    p = _pass(store, now, playbook)
    size = page or len(ids)
    for start in range(0, len(ids), size or 1):
        chunk = ids[start:start + size]
        facts = {f.id: f for part in store.iter_case_facts(p.hold_since, p.min_hold,
                                                           p.min_total_hold, ids=chunk)
                 for f in part}
        missing = {f.company_id for f in facts.values()} - p.companies.keys()
        if missing:
            p.companies.update(store.companies_by_id(missing))
            p.know_stats(store.channel_stats_of(missing))
        contacts, refs = store.contacts_for(list(facts)), store.refs_for(list(facts))
        yield [assessment_of(decide(facts[i], p), p,
                             Evidence.of(contacts.get(i, ()), refs.get(i, ())))
               for i in chunk if i in facts]


def ranking(store, now: datetime, playbook: Playbook | None = None, *,
            source: str | None = None, **filters) -> list[AdviceRow]:
    """Every active case's row in the attention order, the stale ones re-assessed (and saved
    when the notebook can be written). `filters` go to store.ranked_advice."""
    fresh, saved = refresh(store, now, playbook, source=source)
    return ranked(store, now, fresh, saved, **filters)


def ranked(store, now: datetime, fresh: list[AdviceRow], saved: bool,
           **filters) -> list[AdviceRow]:
    """The attention order from what `refresh` gave (the re-assessed rows, whether they were
    kept): read from the kept rows, or merged with them here when they could not be kept."""
    filters.setdefault("now", to_iso(now))
    if saved and not (filters.get("company") or filters.get("status")) and fresh \
            and "horizon" not in filters \
            and len(fresh) == store.count_active():
        # Every active case was just assessed: rank them here rather than read them back.
        rows = attention_order(fresh, filters["now"])
        if filters.get("stalled_only"):
            rows = [r for r in rows if r.stalled]
        offset, limit = filters.get("offset", 0), filters.get("limit")
        return rows[offset:][:limit]
    if saved:
        return store.ranked_advice(**filters)
    offset, limit = filters.pop("offset", 0), filters.pop("limit", None)
    by_id = {r.case_id: r for r in fresh}
    rows = [r for r in store.ranked_advice(**filters) if r.case_id not in by_id]
    rows = attention_order(rows + _matching(store, fresh, filters), filters["now"])
    return rows[offset:][:limit]


def any_stalled(store, now: datetime, playbook: Playbook | None = None, *,
                source: str | None = None) -> bool:
    """Whether any active case is stalled, deciding only the stale ones."""
    fresh, saved = refresh(store, now, playbook, source=source)
    if saved:
        return store.any_stalled()
    if any(r.stalled for r in fresh):
        return True
    ids = {r.case_id for r in fresh}
    return any(r.case_id not in ids for r in store.ranked_advice(stalled_only=True))


def refresh(store, now: datetime, playbook: Playbook | None = None, *,
            source: str | None = None) -> tuple[list[AdviceRow], bool]:
    """(the rows of the stale cases, re-assessed; whether they were saved). `source`:
    tui.advice.source's fingerprint of the files `playbook` was read from, kept with the rows
    so the next command can tell them fresh without reading the playbook."""
    p = _pass(store, now, playbook)
    fp = fingerprint(p.playbook, p.clocks)
    stale = store.advice_stale(p.iso, fp)
    if not stale:
        if source is not None:      # best effort: the next command then skips the playbook
            store.save_advice((), fp, source)
        return [], True
    rows = []
    for page in store.iter_case_facts(p.hold_since, p.min_hold, p.min_total_hold, ids=stale,
                                      refunds=_counts_from(store, p, "refund_promise")):
        missing = {f.company_id for f in page} - p.companies.keys()
        if missing:
            p.companies.update(store.companies_by_id(missing))
            p.know_stats(store.channel_stats_of(missing))
        rows.extend(row_of(decide(f, p), p) for f in page)
    return rows, store.save_advice(rows, fp, source)


def attention_order(rows: list[AdviceRow], now: str,
                    horizon_days: int = HORIZON_DAYS) -> list[AdviceRow]:
    """store.ranked_advice's order, for rows it cannot give (a read-only notebook): stalled
    by score (then the longest untouched, then id), then the others due within the horizon
    by due, then the rest, the most recently active first."""
    edge = to_iso(from_iso(now) + timedelta(days=horizon_days))
    # Stable sorts, least significant key first (reverse=True keeps ties in order too).
    stalled = sorted((r for r in rows if r.stalled), key=attrgetter("case_id"))
    stalled.sort(key=attrgetter("last_activity_at"))
    stalled.sort(key=attrgetter("score"), reverse=True)
    rest = sorted((r for r in rows if not r.stalled), key=attrgetter("case_id"))
    rest.sort(key=attrgetter("last_activity_at"), reverse=True)
    soon = sorted((r for r in rest if r.due and r.due <= edge), key=attrgetter("due"))
    return stalled + soon + [r for r in rest if not (r.due and r.due <= edge)]


def _matching(store, rows: list[AdviceRow], filters: dict) -> list[AdviceRow]:
    """The fresh rows ranked_advice's filters would keep (read-only notebooks only)."""
    if filters.get("stalled_only"):
        rows = [r for r in rows if r.stalled]
    if filters.get("company") or filters.get("status"):
        cases = store.cases_by_id(r.case_id for r in rows)
        rows = [r for r in rows if r.case_id in cases
                and filters.get("company") in (None, cases[r.case_id].company)
                and filters.get("status") in (None, cases[r.case_id].status)]
    return rows


def _counts_from(store, p: Pass, event: str) -> bool:
    """Whether any clock in force or any company policy counts from `event` (or closes
    sooner on it): a fact no clock reads is not worth reading for every case."""
    return any(event in c.starts or event in c.sooner_on
               for c in (*p.clocks.clocks, *p.clocks.doors)) or event in store.policy_starts()


def _pass(store, now: datetime, playbook: Playbook | None) -> Pass:
    return Pass(now, playbook or default_playbook(), {}, store.channel_stats)


def contacts_of(detail: CaseDetail) -> tuple[ContactFact, ...]:
    """A CaseDetail's finished contacts as the evidence cites them, oldest first."""
    done = sorted((i for i in detail.interactions if i.outcome is not None),
                  key=attrgetter("started_at", "id"))
    return tuple(ContactFact(i.id, i.case_id, i.channel, i.direction, i.started_at,
                             i.hold_seconds, i.outcome, i.agent, i.agent_id, i.reference,
                             getattr(i, "milestone", None)) for i in done)


def _facts(detail: CaseDetail, p: Pass) -> CaseFacts:
    return facts_from_detail(detail, p.hold_since, p.min_hold, p.min_total_hold)
