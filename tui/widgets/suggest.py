"""Autocompletion from the notebook: company names and agents met before."""

from __future__ import annotations

from typing import Callable

from textual.suggester import Suggester

from ..store import Store


class StoreSuggester(Suggester):
    """Suggests the first name `lookup(store, typed)` returns. Asks the store in a worker
    thread (the app's `read`), never on the UI thread."""

    def __init__(self, app, lookup: Callable[[Store, str], list[str]]) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self._app, self._lookup = app, lookup

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        found = await self._app.read(lambda store: self._lookup(store, value))
        return found[0] if found else None


def company_suggester(app) -> StoreSuggester:
    return StoreSuggester(app, lambda s, typed: [c.name for c in s.companies(typed, limit=1)])


def agent_suggester(app, company: Callable[[], str | None]) -> StoreSuggester:
    """Agents met before, at this case's company first."""
    def lookup(store: Store, typed: str) -> list[str]:
        return store.agents(company(), typed, limit=1) or store.agents(None, typed, limit=1)
    return StoreSuggester(app, lookup)
