"""Statistics over the whole history, per company and per channel: read from the figures the
schema's triggers keep (company_figures and channel_totals, a row per company or channel;
one company's channels from channel_figures and company_channels), never by reading the
contacts themselves."""

from __future__ import annotations

MS_PER_DAY = 86_400_000


class StatRow:
    """One company's or one channel's figures. A plain class, not a dataclass: making the
    class and its rows cost `supportlog stats` more than its reads. Nothing assigns to a
    row after it is made."""

    __slots__ = ("name", "contacts", "progress", "hold_total", "hold_max", "cases",
                 "resolved_cases", "days_to_resolution", "contacts_per_resolved",
                 "promises_kept", "promises_broken", "promises_pending")

    def __init__(self, name: str, contacts: int = 0, progress: int = 0, hold_total: int = 0,
                 hold_max: int = 0, cases: int = 0, resolved_cases: int = 0,
                 days_to_resolution: float | None = None,
                 contacts_per_resolved: float | None = None, promises_kept: int = 0,
                 promises_broken: int = 0, promises_pending: int = 0) -> None:
        self.name = name
        self.contacts = contacts
        self.progress = progress
        self.hold_total = hold_total        # seconds
        self.hold_max = hold_max
        self.cases = cases
        self.resolved_cases = resolved_cases
        self.days_to_resolution = days_to_resolution
        self.contacts_per_resolved = contacts_per_resolved
        self.promises_kept = promises_kept
        self.promises_broken = promises_broken
        self.promises_pending = promises_pending

    def _values(self) -> tuple:
        return tuple(getattr(self, k) for k in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatRow) and self._values() == other._values()

    __hash__ = None  # type: ignore[assignment]  # equal by value, like the rows it replaced

    def __repr__(self) -> str:
        return f"StatRow({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"

    @property
    def progress_share(self) -> float | None:
        return self.progress / self.contacts if self.contacts else None

    @property
    def hold_average(self) -> float | None:
        return self.hold_total / self.contacts if self.contacts else None

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__slots__}
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
