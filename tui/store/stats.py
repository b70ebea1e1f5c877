"""Statistics over the whole history, per company and per channel (aggregates in SQL)."""

from __future__ import annotations

from dataclasses import dataclass

from .records import PROGRESS_OUTCOMES

# A contact that made progress; a promised one only with its promise recorded.
_PROGRESS = ("(i.outcome IN ("
             + ", ".join(f"'{o}'" for o in sorted(PROGRESS_OUTCOMES - {"promised"}))
             + ") OR (i.outcome = 'promised' AND EXISTS (SELECT 1 FROM promises p "
             "WHERE p.interaction_id = i.id)))")


@dataclass(frozen=True, slots=True)
class StatRow:
    """One company's or one channel's figures."""

    name: str
    contacts: int = 0
    progress: int = 0
    hold_total: int = 0            # seconds
    hold_max: int = 0
    cases: int = 0
    resolved_cases: int = 0
    days_to_resolution: float | None = None
    contacts_per_resolved: float | None = None
    promises_kept: int = 0
    promises_broken: int = 0
    promises_pending: int = 0

    @property
    def progress_share(self) -> float | None:
        return self.progress / self.contacts if self.contacts else None

    @property
    def hold_average(self) -> float | None:
        return self.hold_total / self.contacts if self.contacts else None

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["progress_share"] = self.progress_share
        d["hold_average"] = self.hold_average
        return d


class StatsOps:
    """Mixed into Store. Each call is a few grouped aggregate queries, no per-row Python."""

    def company_stats(self, company: str | None = None) -> list[StatRow]:
        where, args = ("WHERE co.name = ?", [company]) if company else ("", [])
        contacts = {r[0]: r[1:] for r in self.conn.execute(
            f"SELECT co.name, count(i.id), coalesce(sum({_PROGRESS}), 0), "
            "coalesce(sum(i.hold_seconds), 0), coalesce(max(i.hold_seconds), 0) "
            "FROM companies co JOIN cases c ON c.company_id = co.id "
            f"JOIN interactions i ON i.case_id = c.id {where} GROUP BY co.id", args)}
        cases = {r[0]: r[1:] for r in self.conn.execute(
            "SELECT co.name, count(c.id), coalesce(sum(c.status = 'resolved'), 0), "
            "avg(CASE WHEN c.status = 'resolved' THEN julianday(c.closed_at) - "
            "julianday(c.opened_at) END), "
            "avg(CASE WHEN c.status = 'resolved' THEN c.contacts END) "
            f"FROM companies co JOIN cases c ON c.company_id = co.id {where} GROUP BY co.id",
            args)}
        promises = self._promise_counts(
            "SELECT co.name, p.status, count(*) FROM promises p JOIN cases c ON c.id = p.case_id "
            "AND p.party = 'company' "  # what they asked of you is not their promise
            f"JOIN companies co ON co.id = c.company_id {where} GROUP BY co.id, p.status", args)
        rows = []
        for name, (n_cases, resolved, days, per_resolved) in cases.items():
            n, progress, hold, hold_max = contacts.get(name, (0, 0, 0, 0))
            kept, broken, pending = promises.get(name, (0, 0, 0))
            rows.append(StatRow(name, n, progress, hold, hold_max, n_cases, resolved, days,
                                per_resolved, kept, broken, pending))
        return sorted(rows, key=lambda r: (-r.contacts, r.name.lower()))

    def channel_stats_all(self, company: str | None = None) -> list[StatRow]:
        join, where, args = "", "", []
        if company:
            join = "JOIN cases c ON c.id = i.case_id JOIN companies co ON co.id = c.company_id"
            where, args = "WHERE co.name = ?", [company]
        rows = self.conn.execute(
            f"SELECT i.channel, count(*), coalesce(sum({_PROGRESS}), 0), "
            "coalesce(sum(i.hold_seconds), 0), coalesce(max(i.hold_seconds), 0), "
            f"count(DISTINCT i.case_id) FROM interactions i {join} {where} GROUP BY i.channel",
            args).fetchall()
        promises = self._promise_counts(
            "SELECT i.channel, p.status, count(*) FROM promises p JOIN interactions i "
            f"ON i.id = p.interaction_id AND p.party = 'company' {join} {where} "
            "GROUP BY i.channel, p.status", args)
        out = [StatRow(ch, n, prog, hold, hold_max, n_cases, 0, None, None,
                       *promises.get(ch, (0, 0, 0)))
               for ch, n, prog, hold, hold_max, n_cases in rows]
        return sorted(out, key=lambda r: (-r.contacts, r.name))

    def _promise_counts(self, sql: str, args: list) -> dict[str, tuple[int, int, int]]:
        counts: dict[str, dict[str, int]] = {}
        for name, status, n in self.conn.execute(sql, args):
            counts.setdefault(name, {})[status] = n
        return {k: (v.get("kept", 0), v.get("broken", 0), v.get("pending", 0))
                for k, v in counts.items()}
