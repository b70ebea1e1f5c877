"""Helpers for the advice tests: records built through the real Store, times relative to NOW."""

from __future__ import annotations

from datetime import timedelta

from tui.advice import Finding, assess
from tui.store.times import to_iso

from conftest import NOW


def ago(days: float = 0, seconds: int = 0) -> str:
    """An ISO UTC time `days` and `seconds` before NOW (negative: after)."""
    return to_iso(NOW - timedelta(days=days, seconds=seconds))


def new_case(store, company: str = "Acme", title: str = "Parcel never came", *,
             opened: str | None = None, **fields):
    return store.create_case(company, title, opened_at=opened or ago(days=1), **fields)


def contact(store, case_id: int, outcome: str | None, at: str, channel: str = "phone", **kw):
    """One contact; `kw` as Store.log_interaction takes it (agent=, hold=, promise=, ...)."""
    return store.log_interaction(case_id, channel, outcome, started_at=at, **kw)


def contacts(store, case_id: int, outcomes: list[str], channel: str = "phone",
             start_days_ago: float = 3):
    """A contact per outcome, an hour apart, the last one `start_days_ago` minus a bit."""
    return [contact(store, case_id, outcome, ago(days=start_days_ago,
                                                 seconds=-3600 * k), channel)
            for k, outcome in enumerate(outcomes)]


def findings(store, case_id: int, now=NOW, playbook=None) -> dict[str, Finding]:
    detail = store.get_detail(case_id)
    result = assess(detail, now, playbook,
                    history=lambda: store.channel_stats(detail.case.company_id))
    return {f.rule: f for f in result.findings}
