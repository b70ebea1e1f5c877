"""The advice as the app uses it: the API bound to the playbook (loaded on first use, after
the home screen has painted), and the attention order as the app holds it. No Textual."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from .store import CaseDetail, Store
from .store.paths import config_path

if TYPE_CHECKING:
    from .advice import Assessment, Brief
    from .store.facts import AdviceRow


class Advisor:
    """The advice API bound to the playbook; tests may pass their own. The advice layer
    and the playbook load on first use, after the home screen has painted."""

    def __init__(self, playbook=None) -> None:
        self._playbook = playbook
        self.problem: str | None = None   # a config.toml that could not be used

    @property
    def playbook(self):
        if self._playbook is None:
            from .advice import load_playbook
            try:
                self._playbook = load_playbook(config_path())
            except Exception as exc:  # noqa: BLE001 - a bad config must not shut the notebook
                self.problem = f"{exc} (using the default settings)"
                self._playbook = load_playbook(None)
        return self._playbook

    def assess(self, detail: CaseDetail, now: datetime, store: Store | None = None) -> Assessment:
        """`store` (a worker's reader) lets the rules see how channels went with the company."""
        from .advice import assess
        history = (lambda: store.channel_stats(detail.case.company_id)) if store else None
        return assess(detail, now, self.playbook, history=history)

    def rank(self, store: Store, now: datetime) -> Ranked:
        """Every active case's kept assessment brought up to date (the rules run only on
        the cases that changed since), and the stalled ones, most urgent first."""
        from .advice import refresh
        fresh, saved = refresh(store, now, self.playbook)
        if saved:       # kept: the lists page through the cache
            return Ranked(store.stalled_scores(), None, bool(fresh))
        return _unkept(store, now, fresh)

    def update(self, store: Store, now: datetime, stalled: dict[int, float],
               case_id: int) -> Ranked:
        """After a write to `case_id`: the cases whose kept assessment it (or the clock)
        made stale are assessed again and change `stalled`; the rest stands."""
        from .advice import refresh
        fresh, saved = refresh(store, now, self.playbook)
        if not saved:
            return _unkept(store, now, fresh)
        stalled = dict(stalled)
        stalled.pop(case_id, None)      # closed or deleted: it has no kept row any more
        for row in fresh:
            if row.stalled:
                stalled[row.case_id] = row.score
            else:
                stalled.pop(row.case_id, None)
        return Ranked(stalled, None, True)

    def brief(self, detail: CaseDetail, now: datetime) -> Brief:
        from .advice import make_brief
        return make_brief(detail, self.playbook, now=now)


class Ranked(NamedTuple):
    """The attention order as the app holds it."""

    # Stalled case id -> score, most urgent first: plain numbers, not 20k rows held for the
    # app's life (the lists read their rows a page at a time).
    stalled: dict[int, float]
    rows: list[AdviceRow] | None      # every row when the cache could not keep them
    changed: bool                     # whether the order may differ from the kept one


def _unkept(store: Store, now: datetime, fresh: list[AdviceRow]) -> Ranked:
    """Every row when the notebook could not keep the fresh ones (read-only, busy): merged
    with the kept ones from the refresh just made, not from another."""
    from .advice import ranked
    rows = ranked(store, now, fresh, False)
    return Ranked({r.case_id: r.score for r in rows if r.stalled}, rows, True)
