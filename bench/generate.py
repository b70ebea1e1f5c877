"""Fill a notebook with realistic generated data, fast, for the benchmarks.

    python bench/generate.py --cases 100000 --interactions 1000000 --db /tmp/bench.db [--seed 7]

Deterministic: the same seed and `--now` give the same notebook. Rows go in through
tui.store.bulk.bulk_insert (one transaction, executemany, the schema's triggers keep the
search index and the case counters), not through the Store API one contact at a time.
Statuses follow the timeline as the Store's do: a resolved case ends on a resolution, a
waiting one on a promise still pending, and an abandoned one was set so by hand after its
last contact (a status_events row); bulk_insert derives status and dates from them.

No generated text contains a payment-card number: digit runs are at most 10 digits and never
in 4-4-4-4 groups, so the card masking that bulk loading skips has nothing to mask
(tests/test_bench_generate.py checks it).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_words import (  # noqa: E402
    AGENT_FIRST, AGENT_LAST, CATEGORY_TITLES, COMPANY_KINDS, COMPANY_STEMS,
    MARKETPLACE_CATEGORIES, MARKETPLACES, NOTE_ASKS, NOTE_NEXT, NOTE_OPENERS, NOTE_REPLIES,
    PRODUCT_ADJ, PRODUCT_NOUN, RARE_WORDS, SELLERS, TRANSCRIPT_LINES)

from tui.store import Store, StoreError  # noqa: E402
from tui.store.bulk import CASE_COLUMNS, bulk_insert  # noqa: E402

DAY = 86_400
YEARS_OF_HISTORY = 8
# status -> share of cases; about three quarters are closed, as in a notebook kept for years
STATUS_SHARES = (("resolved", 65), ("abandoned", 10), ("waiting", 12), ("open", 13))
CHANNEL_SHARES = (("phone", 30), ("chat", 25), ("email", 18), ("seller", 4), ("copilot", 2),
                  ("forum", 3), ("social", 3), ("in_person", 5), ("letter", 4), ("other", 6))
# outcomes of contacts before the last one (the last one follows the case's status)
MIDDLE_OUTCOMES = (("info", 26), ("promised", 14), ("escalated", 8), ("transferred", 13),
                   ("no_progress", 13), ("disconnected", 7), ("refused", 5), ("restarted", 6),
                   ("resolved", 1))
DEAD_ENDS = ("transferred", "no_progress", "disconnected", "refused", "restarted")
MINUTES_BY_CHANNEL = {"phone": 18, "chat": 14, "email": 4, "copilot": 25, "forum": 6,
                      "seller": 5, "social": 5, "in_person": 20, "letter": 10, "other": 8}
WANT_BY_CATEGORY = {"missing_package": "refund", "late_delivery": "explanation",
                    "damaged": "replacement", "not_as_described": "refund", "refund": "refund",
                    "price_change": "refund", "subscription": "refund", "billing": "credit",
                    "shipping": "explanation", "product_question": "explanation",
                    "policy": "explanation", "technical": "repair", "account": "change",
                    "other": "other"}
TRANSCRIPT_SHARE = 0.02       # contacts with imported transcript text
ASK_SHARE = 0.1               # waiting cases (about 5% of the active ones) with an ask of you
COMPLAINT_SHARE = 0.03        # cases of 3+ contacts where one was a formal complaint
FINAL_SHARE = 0.3             # of those, the company's final response came later
ASKS = ("send the receipt", "send photos of the damage", "ship the item back",
        "reply with the order number", "call back with the serial number",
        "send the cancellation confirmation")
RARE_WORD_SHARE = 0.00005     # each rare word lands in about 1 note in 20,000


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def expand(shares) -> list[str]:
    """A pool where each value appears as often as its share: rng.choice(pool) is fast."""
    return [value for value, share in shares for _ in range(share)]


class Generator:
    """Builds rows for bulk_insert; keeps only the cases in memory, streams the contacts."""

    def __init__(self, cases: int, interactions: int, seed: int, now: datetime):
        if interactions < cases:
            raise ValueError("need at least one interaction per case (--interactions >= --cases)")
        self.n_cases, self.n_interactions = cases, interactions
        self.rng = random.Random(seed)
        # Asks, milestones and settled times draw from their own generator, so the rest of
        # the data is what the same seed gave before they existed.
        self.extra = random.Random(seed * 7919 + 1)
        self.now = now.timestamp()
        self.statuses = expand(STATUS_SHARES)
        self.channels = expand(CHANNEL_SHARES)
        self.outcomes = expand(MIDDLE_OUTCOMES)
        self.agents = [f"{f} {last}." for f in AGENT_FIRST for last in AGENT_LAST]
        self.transcripts: list[tuple] = []
        self.promises: list[tuple] = []
        self.status_events: list[tuple] = []

    def uid(self) -> str:
        return f"{self.rng.getrandbits(64):016x}"

    # -- companies ---------------------------------------------------------------------------
    def companies(self) -> list[tuple]:
        """Marketplaces first, then names made of a stem and a kind of business."""
        count = max(10, min(len(COMPANY_STEMS) * len(COMPANY_KINDS), self.n_cases // 250))
        names = [(name, "marketplace") for name in MARKETPLACES]
        for stem in COMPANY_STEMS:
            for kind in COMPANY_KINDS:
                names.append((f"{stem} {kind}", kind))
        rng = self.rng
        keep = names[:len(MARKETPLACES)] + rng.sample(names[len(MARKETPLACES):],
                                                      count - len(MARKETPLACES))
        self.company_kinds = [kind for _, kind in keep]
        rows = []
        for n, (name, _kind) in enumerate(keep, start=1):
            slug = name.lower().replace(" ", "")
            created = iso(self.now - YEARS_OF_HISTORY * 365 * DAY)
            rows.append((n, self.uid(), name, f"+1 555 {rng.randrange(100, 999)} "
                         f"{rng.randrange(1000, 9999)}", f"https://{slug}.example/help/chat",
                         f"support@{slug}.example", rng.choice(("24/7", "Mon-Fri 8-20",
                                                                "Mon-Sat 9-18")),
                         f"Policy: returns within {rng.choice((14, 30, 60))} days; "
                         f"price drop refund within {rng.choice((7, 14))} days.", created,
                         created))
        return rows

    # -- cases ------------------------------------------------------------------------------
    def cases(self) -> list[tuple]:
        rng, now = self.rng, self.now
        span = YEARS_OF_HISTORY * 365 * DAY
        plans = []
        for _ in range(self.n_cases):
            status = rng.choice(self.statuses)
            # Open and waiting cases are mostly recent; a few have been dragging on for long.
            if status in ("open", "waiting"):
                age = rng.expovariate(1 / (40 * DAY)) if rng.random() < 0.9 else \
                    rng.random() * span
            else:
                age = 30 * DAY + rng.random() * (span - 30 * DAY)
            plans.append((now - min(age, span) - 3600, status))
        plans.sort()   # ids follow the opening date, as they would in real use
        self.contact_counts = self._contact_counts()
        self.plans, rows, refs = [], [], []
        n_companies = len(self.company_kinds)
        for case_id, (opened, status) in enumerate(plans, start=1):
            # Marketplaces carry a fifth of the cases, like the big shop in anybody's notebook.
            company_id = rng.randrange(1, len(MARKETPLACES) + 1) if rng.random() < 0.2 \
                else rng.randrange(1, n_companies + 1)
            kind = self.company_kinds[company_id - 1]
            category = rng.choice(MARKETPLACE_CATEGORIES if kind == "marketplace"
                                  else COMPANY_KINDS[kind])
            product = f"{rng.choice(PRODUCT_ADJ)} {rng.choice(PRODUCT_NOUN)}"
            title = rng.choice(CATEGORY_TITLES[category]).format(product=product,
                                                                 n=rng.randrange(2, 9))
            seller = rng.choice(SELLERS) if kind == "marketplace" and rng.random() < 0.3 else None
            amount = f"{rng.randrange(5, 2500)}.{rng.randrange(100):02d}" \
                if rng.random() < 0.7 else None
            purchased = iso(opened - rng.randrange(1, 40) * DAY)[:10] if amount else None
            notes = self._note(rng, product) if rng.random() < 0.6 else None
            # The contacts spread over `room` seconds after opening: for active cases the last
            # one is recent or weeks old (some have gone quiet); closed cases take a few days a
            # contact and close when the last contact ends (abandoned ones later).
            count = self.contact_counts[case_id - 1]
            room = (now - opened - 600) * (rng.uniform(0.6, 1.0) if status in ("open", "waiting")
                                           else 1)
            if status not in ("open", "waiting"):
                room = min(room, count * rng.uniform(1, 6) * DAY)
            closed = None
            if status in ("resolved", "abandoned"):
                closed = iso(min(now, opened + room + 3 * 3600 +
                                 (0 if status == "resolved" else rng.randrange(1, 30) * DAY)))
            self.plans.append((case_id, opened, status, seller, room, closed))
            row = {"id": case_id, "uid": self.uid(), "company_id": company_id, "title": title,
                   "category": category, "want": WANT_BY_CATEGORY[category], "status": status,
                   "seller": seller, "opened_at": iso(opened), "closed_at": closed,
                   "purchased_on": purchased, "amount": amount,
                   "currency": "USD" if amount and rng.random() < 0.7 else
                   ("EUR" if amount else None), "notes": notes, "created_at": iso(opened),
                   "updated_at": iso(opened)}
            rows.append(tuple(row.get(column) for column in CASE_COLUMNS))
            # Order numbers in the marketplace style, 3-7-7 digits: never card-like.
            refs.append((case_id, "order", f"{rng.randrange(100, 999)}-"
                         f"{rng.randrange(10**6, 10**7)}-{rng.randrange(10**6, 10**7)}"))
            if rng.random() < 0.5:
                kind, prefix = rng.choice((("ticket", "TKT"), ("claim", "CLM"), ("return", "RMA"),
                                           ("chat", "CH")))
                refs.append((case_id, kind, f"{prefix}-{rng.randrange(10**7):07d}"))
        self.refs = refs
        return rows

    def _contact_counts(self) -> list[int]:
        """Contacts per case: at least one, a long tail, summing exactly to --interactions."""
        rng, n = self.rng, self.n_cases
        extra = self.n_interactions - n
        mean = extra / n
        counts = [1 + (int(rng.expovariate(1 / mean)) if mean else 0) for _ in range(n)]
        drift = sum(counts) - self.n_interactions
        while drift > 0:
            i = rng.randrange(n)
            if counts[i] > 1:
                take = min(drift, counts[i] - 1, 50)
                counts[i] -= take
                drift -= take
        while drift < 0:
            counts[rng.randrange(n)] += 1
            drift += 1
        return counts

    # -- interactions, transcripts, promises ---------------------------------------------------
    def interactions(self):
        """Yields interaction rows case by case; fills self.transcripts, self.promises and
        self.status_events (bulk_insert consumes those after the interactions)."""
        rng, now = self.rng, self.now
        next_id, promise_id = 1, 1
        extra = self.extra
        for (case_id, opened, status, seller, room, closed), count in zip(self.plans,
                                                                           self.contact_counts):
            milestones = self._milestones(count)
            gaps = [rng.random() for _ in range(count)]
            scale = room / (sum(gaps) or 1)
            at = opened
            for k in range(count):
                at += gaps[k] * scale
                last = k == count - 1
                channel = "seller" if seller and rng.random() < 0.3 else rng.choice(self.channels)
                outcome = self._outcome(rng, status, last)
                minutes = max(1, int(rng.expovariate(1 / MINUTES_BY_CHANNEL[channel])))
                hold = int(rng.expovariate(1 / 300)) if channel == "phone" else 0
                hold = min(hold, minutes * 60)
                start = int(at)
                end = start + minutes * 60
                agent = rng.choice(self.agents) if rng.random() < 0.8 else None
                product = f"{rng.choice(PRODUCT_ADJ)} {rng.choice(PRODUCT_NOUN)}"
                when = iso(start)
                direction = "in" if rng.random() < 0.1 else "out"
                yield (next_id, self.uid(), case_id, channel, direction, agent,
                       f"AG-{rng.randrange(10**5):05d}" if agent and rng.random() < 0.5 else None,
                       when, iso(end), hold, outcome,
                       f"R-{rng.randrange(10**8):08d}" if rng.random() < 0.45 else None,
                       self._transcript_ref(rng, channel, start), self._note(rng, product),
                       when, iso(end), milestones.get(k))
                if rng.random() < TRANSCRIPT_SHARE:
                    self.transcripts.append((next_id, self._transcript(rng, product)))
                if outcome == "promised":
                    pending = status == "waiting" and last
                    due = start + rng.randrange(2, 15) * DAY
                    if pending and rng.random() < 0.7:
                        due = max(due, int(now) + rng.randrange(1, 10) * DAY)  # still ahead
                    state = "pending" if pending else ("kept" if rng.random() < 0.7 else "broken")
                    settled = None if pending else iso(min(due, now))
                    self.promises.append((promise_id, self.uid(), case_id, next_id,
                                          rng.choice(NOTE_NEXT).format(n=rng.randrange(2, 10)),
                                          iso(due), state, when, settled or when, "company",
                                          settled))
                    promise_id += 1
                if last and status == "waiting" and extra.random() < ASK_SHARE:
                    # What they asked of you on the last contact, due days later (some late).
                    self.promises.append((promise_id, f"a{promise_id:015x}", case_id, next_id,
                                          extra.choice(ASKS),
                                          iso(start + extra.randrange(2, 11) * DAY), "pending",
                                          when, when, "me", None))
                    promise_id += 1
                if last and status == "abandoned":
                    at = max(closed, iso(end))  # after the last contact, so it stands
                    # Its uid takes nothing from rng, so the rest of the data stays as it was.
                    self.status_events.append((len(self.status_events) + 1, f"e{case_id:015x}",
                                               case_id, status, at, None, at, at))
                next_id += 1

    def _milestones(self, count: int) -> dict[int, str]:
        """Contact index -> milestone: a few long cases had a formal complaint, some of
        them answered by the company's final response later on."""
        extra = self.extra
        if count < 3 or extra.random() >= COMPLAINT_SHARE:
            return {}
        complaint = extra.randrange(1, count - 1)
        marks = {complaint: "formal_complaint"}
        if extra.random() < FINAL_SHARE:
            marks[extra.randrange(complaint + 1, count)] = "final_response"
        return marks

    def _outcome(self, rng, status: str, last: bool) -> str:
        if last:
            if status == "resolved":
                return "resolved"
            if status == "waiting":
                return "promised"
            if status == "open":
                # About a third of open cases end on a dead end: the press-restart situation.
                return rng.choice(DEAD_ENDS) if rng.random() < 0.35 else rng.choice(
                    ("info", "escalated", "info"))
        return rng.choice(self.outcomes)

    @staticmethod
    def _transcript_ref(rng, channel: str, start: int) -> str | None:
        if rng.random() > 0.2:
            return None
        if channel == "chat":
            return f"chat-{rng.randrange(16**8):08x}"
        if channel in ("email", "seller"):
            return f"<{start}.{rng.randrange(10**6)}@mail.example>"
        if rng.random() < 0.5:
            return f"~/support/notes/{iso(start)[:10]}-{channel}.txt"
        return f"https://help.example/tickets/{rng.randrange(10**7)}"

    @staticmethod
    def _note(rng, product: str) -> str:
        parts = [rng.choice(NOTE_OPENERS), rng.choice(NOTE_REPLIES), rng.choice(NOTE_ASKS)]
        if rng.random() < 0.4:
            parts.append(rng.choice(NOTE_NEXT))
        if rng.random() < RARE_WORD_SHARE * len(RARE_WORDS):
            parts.append(f"Mentioned the {rng.choice(RARE_WORDS)}.")
        return " ".join(parts).format(product=product, n=rng.randrange(2, 10),
                                      agent=rng.choice(AGENT_FIRST))

    @staticmethod
    def _transcript(rng, product: str) -> str:
        lines = [rng.choice(TRANSCRIPT_LINES) for _ in range(rng.randrange(8, 30))]
        return "\n".join(lines).format(product=product, n=rng.randrange(2, 10),
                                       agent=rng.choice(AGENT_FIRST))



def generate(store: Store, cases: int, interactions: int, seed: int = 1,
             now: datetime | None = None) -> dict:
    """Fill an empty notebook; returns counts and timings."""
    now = now or datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    began = time.perf_counter()
    gen = Generator(cases, interactions, seed, now)
    companies = gen.companies()
    case_rows = gen.cases()
    counts = bulk_insert(store, companies, case_rows, gen.interactions(), gen.promises,
                         gen.refs, gen.transcripts, gen.status_events)
    seconds = time.perf_counter() - began
    rows = sum(counts.values())
    return {"counts": counts, "seconds": round(seconds, 2), "rows_per_second": int(rows / seconds)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--interactions", type=int, required=True)
    parser.add_argument("--db", required=True, help="the notebook file to create")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", help="ISO time the data is relative to (default: this hour)")
    args = parser.parse_args(argv)
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00")) if args.now else None
    if now and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    try:
        with Store(args.db) as store:
            result = generate(store, args.cases, args.interactions, args.seed, now)
    except (StoreError, ValueError) as exc:
        raise SystemExit(f"generate: {exc}") from None
    print(f"{args.db}: {result['counts']} in {result['seconds']} s "
          f"({result['rows_per_second']:,} rows/s)")


if __name__ == "__main__":
    main()
