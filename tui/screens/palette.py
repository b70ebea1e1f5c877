"""ctrl+p: jump to any case (by title, reference or company, through the full-text index,
LIMITed) and run actions. Case titles are shown as literal Content, never markup."""

from __future__ import annotations

from functools import partial
from typing import Callable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from ..widgets.text import lit
from .welcome import load_demo
from .home import as_you_type

JUMP_LIMIT = 12


def _case_display(title: str, company: str, status: str) -> Content:
    return Content.assemble(("Case  ", "dim"), lit(title, "bold"), "  ", lit(company, "$accent"),
                            (f"  {status}", "dim"))


class CasesProvider(Provider):
    """Cases whose title, company or references match what is typed (prefix search)."""

    async def search(self, query: str) -> Hits:
        words = query.strip()
        if not any(ch.isalnum() for ch in words):
            return
        fts = as_you_type(words)
        hits = await self.app.read(lambda s: s.search(fts, limit=JUMP_LIMIT * 3))
        seen: set[int] = set()
        for rank, hit in enumerate(hits):
            if hit.case_id in seen:
                continue
            seen.add(hit.case_id)
            yield Hit(max(0.05, 0.9 - rank * 0.03),
                      _case_display(hit.case_title, hit.company, hit.status),
                      partial(self.app.open_case, hit.case_id), text=hit.case_title)
            if len(seen) >= JUMP_LIMIT:
                return

    async def discover(self) -> Hits:
        for case in await self.app.read(lambda s: s.recent_activity(8)):
            yield DiscoveryHit(_case_display(case.title, case.company, case.status),
                               partial(self.app.open_case, case.id), text=case.title)


class ActionsProvider(Provider):
    """What can be done from here; case actions appear when a case is on screen."""

    def actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        from .case import CaseScreen
        from .home import HomeScreen
        found: list[tuple[str, str, Callable[[], object]]] = [
            ("New case", "Open a new case", app.new_case),
            ("Help", "Keys, tips and channel guides", app.action_help),
            ("Stats", "Per company and channel: progress, hold, days to resolution",
             app.action_stats),
            ("Companies", "The company directory: routes, escalation contacts, policy windows",
             partial(self._push, "companies")),
            ("Agenda", "What falls due: overdue, then the next 14 days",
             partial(self._push, "agenda")),
            ("Load the demo", "Open a notebook of made-up cases (its own file, never yours)",
             partial(load_demo, app)),
        ]
        # The case on screen, or under the screens above it (e.g. a form).
        case_screen = next((s for s in reversed(app.screen_stack)
                            if isinstance(s, CaseScreen)), None)
        if case_screen is not None:
            cid = case_screen.case_id
            found += [("Log a contact", "Log a contact on this case after the fact",
                       partial(app.log_contact, cid)),
                      ("Contact now", "Start a live contact on this case",
                       partial(app.start_live, cid)),
                      ("Copy brief", "Copy this case's brief to the clipboard",
                       case_screen.action_copy_brief),
                      ("Resolve case", "Mark this case resolved",
                       partial(case_screen.action_status, "resolved")),
                      ("Evidence files", "This case's receipts, photos and attachments",
                       case_screen.action_evidence),
                      ("Import mail", "Import e-mail or a chat transcript into this case",
                       case_screen.action_import_mail),
                      ("Write a letter", "A complaint, chargeback, ombudsman or follow-up "
                       "letter from this case", case_screen.action_letter)]
        home = app.screen_stack[0] if app.screen_stack else None
        if isinstance(home, HomeScreen):
            found.append(("Search", "Full-text search over the whole notebook",
                          partial(self._home, home, home.action_search)))
            for tab in ("attention", "open", "waiting", "resolved", "all"):
                found.append((f"Show {tab}", f"The {tab} list on the home screen",
                              partial(self._home, home, partial(home.action_tab, tab))))
        last = app.undo_stack.peek()
        if last is not None:
            found.append(("Undo", f"Take back: {last.label}", app.action_undo))
        return found

    def _push(self, which: str) -> None:
        if which == "companies":
            from .companies import CompaniesScreen
            case = next((s for s in reversed(self.app.screen_stack)
                         if getattr(s, "detail", None) is not None and hasattr(s, "case_id")),
                        None)
            self.app.push_screen(CompaniesScreen(case.detail.case.company if case else None))
        else:
            from .agenda import AgendaScreen
            self.app.push_screen(AgendaScreen())

    def _home(self, home, then: Callable[[], object]) -> None:
        while self.app.screen is not home and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        then()

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self.actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)

    async def discover(self) -> Hits:
        for name, help_text, callback in self.actions():
            yield DiscoveryHit(name, callback, help=help_text)
