"""Which channel to try next with a company, from the user's own history there (how often
each channel made progress) or, without history, the playbook's default order; and the one
table of which of a company's routes serve each channel."""

from __future__ import annotations

from typing import Mapping

from ..store.records import Company, Route
from .playbook import Playbook
from .words import plural

# Stats as HistoryOps.channel_stats gives them: channel -> (progress, total) contacts.
ChannelStats = Mapping[str, tuple[int, int]]

# Never suggested as the next move: forum helpers cannot act on an account, and co-pilot
# only exists during a phone call.
NOT_NEXT = frozenset(("forum", "copilot"))


def _rate(progress: int, total: int) -> float:
    return progress / total if total else 0.0


def progress_text(channel: str, progress: int, total: int) -> str:
    """'chat: 4 of 5 contacts made progress'."""
    return f"{channel}: {progress} of {plural(total, 'contact')} made progress"


def suggest_channels(stats: ChannelStats) -> list[tuple[str, int, int, str]]:
    """(channel, progress, total, text) for every channel used, best track record first."""
    ranked = sorted(stats.items(), key=lambda kv: (-_rate(*kv[1]), -kv[1][1], kv[0]))
    return [(ch, p, t, progress_text(ch, p, t)) for ch, (p, t) in ranked if t]


# The route kinds that serve each contact channel, the likeliest first. Co-pilot has none
# of its own: it is joined from within a phone call already under way.
CHANNEL_ROUTES = {"phone": ("phone", "callback"), "chat": ("chat",), "email": ("email",),
                  "seller": ("seller_contact",), "letter": ("postal",),
                  "in_person": ("postal",), "social": ("web",), "forum": ("web",),
                  "other": ("web", "other")}


def channel_routes(company: Company | None, channel: str | None) -> list[Route]:
    """The company's routes for a channel: its support ones, else any of those kinds."""
    if company is None or not channel:
        return []
    kinds = CHANNEL_ROUTES.get(channel, ())
    found = sorted((r for r in company.routes if r.kind in kinds),
                   key=lambda r: (r.purpose != "support", kinds.index(r.kind)))
    support = [r for r in found if r.purpose == "support"]
    return support or found


def route(company: Company | None, channel: str) -> str | None:
    """The company's likeliest address for a channel, if the notebook has one."""
    found = channel_routes(company, channel)
    return found[0].value if found else None


def route_text(route: Route) -> str:
    """'phone (billing): +44 20 7946 0000, Mon-Fri 9-17'."""
    what = route.kind.replace("_", " ")
    if route.purpose != "support":
        what = f"{route.purpose} {what}"
    if route.label:
        what += f" ({route.label})"
    return f"{what}: {route.value}" + (f", {route.hours}" if route.hours else "")


def routes_line(company: Company | None, channel: str | None) -> str:
    """The routes for `channel` in one line, or '' when the directory has none."""
    return "; ".join(route_text(r) for r in channel_routes(company, channel))


def _usable(channel: str, allow_seller: bool) -> bool:
    return channel not in NOT_NEXT and (channel != "seller" or allow_seller)


def better_channel(failing: str, stats: ChannelStats, playbook: Playbook,
                   company: str = "this company", *,
                   allow_seller: bool = False) -> tuple[str, str] | None:
    """(channel, why) to try instead of `failing`: the channel that has made progress most
    often with this company, if it beats `failing`; else the first of the default order."""
    failing_rate = _rate(*stats.get(failing, (0, 0)))
    for channel, progress, total, _ in suggest_channels(stats):
        if channel == failing or not _usable(channel, allow_seller):
            continue
        if progress and _rate(progress, total) > failing_rate:
            why = (f"{progress} of your {plural(total, 'contact')} with {company} by "
                   f"{playbook.label(channel)} made progress")
            return channel, why
        break   # the best remaining one is no better: fall back to the default order
    for channel in playbook.default_order:
        if channel != failing:
            return channel, playbook.channels[channel].why_next
    return None


def best_channel(stats: ChannelStats, playbook: Playbook, last: str | None,
                 allow_seller: bool = False) -> str:
    """The channel to use with a company when nothing failed: the one that made progress most
    often in your history there, else the one you used last, else the default order's first."""
    ranked = [(_rate(progress, total), channel == last, total, channel)
              for channel, (progress, total) in stats.items()
              if progress and _usable(channel, allow_seller)]
    if ranked:
        return max(ranked)[3]   # the best rate; on a tie the one used last, then the most used
    if last and _usable(last, allow_seller):
        return last
    return playbook.default_order[0]
