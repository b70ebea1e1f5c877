"""Which channel to try next with a company, from the user's own history there (how often
each channel made progress) or, without history, the playbook's default order."""

from __future__ import annotations

from typing import Mapping

from ..store.records import Company
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


def route(company: Company | None, channel: str) -> str | None:
    """The company's known address for a channel, if the notebook has one."""
    if company is None:
        return None
    return {"phone": company.phone, "chat": company.chat_url, "email": company.email
            }.get(channel)


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
