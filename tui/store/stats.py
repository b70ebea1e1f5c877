"""Statistics over the whole history, per company and per channel: read from the figures the
schema's triggers keep (company_figures and channel_totals, a row per company or channel;
one company's channels from channel_figures and company_channels), never by reading the
contacts themselves."""

from __future__ import annotations

from dataclasses import dataclass

MS_PER_DAY = 86_400_000


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
    """Mixed into Store. Each call reads a row per company or per company and channel.
    `supportlog stats` runs these on a bare connection (commands/stats.py), so they use
    nothing of the Store but `self.conn`."""

    def channel_stats(self, company_id: int) -> dict[str, tuple[int, int]]:
        """channel -> (contacts that made progress, finished contacts) at this company, over
        every case; live contacts are not counted (company_channels, kept by triggers)."""
        return {channel: (progress, contacts) for channel, progress, contacts in self.conn.execute(
            "SELECT channel, progress, contacts FROM company_channels "
            "WHERE company_id = ? AND contacts > 0 ORDER BY channel", (company_id,))}

    def company_stats(self, company: str | None = None) -> list[StatRow]:
        where, args = ("AND co.name = ?", [company]) if company else ("", [])
        rows = []
        for (name, n, progress, hold, hold_max, cases, resolved, timed, ms, resolved_contacts,
             kept, broken, pending) in self.conn.execute(
                "SELECT co.name, f.contacts, f.progress, f.hold_total, f.hold_max, f.cases, "
                "f.resolved, f.timed, f.resolution_ms, f.resolved_contacts, f.kept, f.broken, "
                "f.pending FROM company_figures f JOIN companies co ON co.id = f.company_id "
                f"WHERE f.cases > 0 {where}", args):
            rows.append(StatRow(name, n, progress, hold, hold_max, cases, resolved,
                                ms / MS_PER_DAY / timed if timed else None,
                                resolved_contacts / resolved if resolved else None,
                                kept, broken, pending))
        return sorted(rows, key=lambda r: (-r.contacts, r.name.lower()))

    def channel_stats_all(self, company: str | None = None) -> list[StatRow]:
        if company:
            found = self.conn.execute(
                "SELECT cf.channel, cf.contacts, coalesce(cc.progress, 0), cf.hold_total, "
                "cf.hold_max, cf.cases, cf.kept, cf.broken, cf.pending FROM channel_figures cf "
                "JOIN companies co ON co.id = cf.company_id "
                "LEFT JOIN company_channels cc USING (company_id, channel) "
                "WHERE cf.contacts > 0 AND co.name = ?", (company,))
        else:
            found = self.conn.execute(
                "SELECT channel, contacts, progress, hold_total, hold_max, cases, kept, broken, "
                "pending FROM channel_totals WHERE contacts > 0")
        out = [StatRow(channel, n, progress, hold, hold_max, cases, 0, None, None,
                       kept, broken, pending)
               for channel, n, progress, hold, hold_max, cases, kept, broken, pending in found]
        return sorted(out, key=lambda r: (-r.contacts, r.name))
