"""`supportlog list`: cases by recent activity, or by attention (the kept advice's order).

By recent activity (or any other sort), the rows are read on a bare connection (Env.reader):
no Store, no records. By attention, they come from the kept assessments alone while those
are fresh: no full store, no playbook (a cron job or a shell prompt can run it often);
otherwise the advice brings them up to date first.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Iterator

import click

from ..store.vocab import CHANNELS, SORT_NAMES, STATUS_FILTERS
from .output import EXIT_INPUT, Failure, clean, table

ATTENTION_STATUSES = ("all", "active", "open", "waiting")
HEADERS = ("ID", "STATUS", "COMPANY", "CONTACTS", "LAST ACTIVITY", "TITLE")
LISTED = "c.id, c.status, co.name, c.contacts, c.last_activity_at, c.title"   # HEADERS' columns


@click.command("list")
@click.option("--status", "status_", type=click.Choice(STATUS_FILTERS), default="all",
              show_default=True, help="active = open and waiting.")
@click.option("--company", help="Only this company's cases.")
@click.option("--channel", type=click.Choice(CHANNELS), help="Only cases with a contact on it.")
@click.option("--sort", type=click.Choice((*SORT_NAMES, "attention")), default="recent",
              show_default=True, help="attention: open and waiting cases, most urgent first.")
@click.option("--stalled", is_flag=True, help="Only stalled cases, most urgent first.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="At most this many; the output says when there were more.")
@click.option("--all", "all_", is_flag=True, help="Every case that matches, however many.")
@click.option("--json", "as_json", is_flag=True,
              help='{"cases": [...], "truncated": ..., "limit": ...}')
@click.pass_obj
def list_(env, status_, company, channel, sort, stalled, limit, all_, as_json):
    """List cases, most recent activity first (or by attention)."""
    if all_ and click.get_current_context().get_parameter_source("limit") \
            != click.core.ParameterSource.DEFAULT:
        raise Failure("use --limit N or --all, not both", EXIT_INPUT)
    cap = None if all_ else limit
    by_attention = stalled or sort == "attention"
    kept = None
    if by_attention and not as_json and channel is None:
        kept = _kept_listing(env, status_, company, stalled, cap)
    if kept is not None:
        rows = kept
    elif by_attention:
        rows = _by_attention(env, env.store(), status_, company, channel, stalled, cap)
    else:
        rows = _listing(env, as_json, cap, status=status_, company=company, channel=channel,
                        sort=sort)
    capped = Capped(rows, cap)
    if as_json:
        from .json_out import echo_json_listing
        if by_attention:
            from .shapes import case_row
            records = (case_row(c, score) for c, score in capped)
        else:
            records = (record for record, _ in capped)
        echo_json_listing("cases", records, lambda: {"truncated": capped.truncated,
                                                     "limit": cap})
        return
    _print(capped, by_attention, stalled, status_, limit)


def _listing(env, as_json: bool, cap: int | None, **listing) -> Iterator[tuple]:
    """(row, None) for each case of the plain listing, one more than `cap` (was it cut?),
    read on the notebook's reader: for people, the table's columns; for --json, each case's
    listing record."""
    from ..store.case_list import case_rows
    conn, limit = env.reader(), None if cap is None else cap + 1
    if not as_json:
        return ((row, None) for row in case_rows(conn, LISTED, limit=limit, **listing))
    names, columns = _record_columns()
    return ((dict(zip(names, row)), None)
            for row in case_rows(conn, columns, limit=limit, **listing))


def _record_columns() -> tuple[tuple[str, ...], str]:
    """The names of a case's listing record (fields.CASE_ROW_NAMES, as shapes.case_row
    gives them) and the SQL that reads them."""
    from ..store.fields import CASE, CASE_EXTRA, CASE_ROW_NAMES
    sql = {**dict(CASE_EXTRA), **{f.name: f"c.{f.name}" for f in CASE}}
    return CASE_ROW_NAMES, ", ".join(sql[name] for name in CASE_ROW_NAMES)


def _listed(case) -> tuple:
    return case.id, case.status, case.company, case.contacts, case.last_activity_at, case.title


def _print(capped: Capped, by_attention: bool, stalled: bool, status_: str,
           limit: int) -> None:
    from ..store.times import local_time
    rows = iter(capped)
    first = next(rows, None)
    if first is None:
        click.echo(("no stalled cases" if stalled else "no cases")
                   + ("" if status_ == "all" else f" ({status_})"))
        return
    headers = ("SCORE", *HEADERS) if by_attention else HEADERS
    # The kept listing gives its rows as tuples already; the store gives cases.
    rows = ((c if isinstance(c, tuple) else _listed(c), score)
            for c, score in chain([first], rows))
    table(headers, ((*((f"{score:g}",) if by_attention else ()), case_id, status,
                     clean(company, 24), contacts, local_time(last), title)
                    for (case_id, status, company, contacts, last, title), score in rows))
    if capped.truncated:
        click.echo(f"supportlog: the first {limit} shown; --limit N or --all for more", err=True)


class Capped:
    """At most `limit` of `items` (every one when None); `truncated` tells, once they have
    been read, whether there were more."""

    def __init__(self, items: Iterable, limit: int | None):
        self.items, self.limit, self.truncated = iter(items), limit, False

    def __iter__(self) -> Iterator:
        for n, item in enumerate(self.items):
            if n == self.limit:
                self.truncated = True
                return
            yield item


def _filters(status_, company, stalled_only, limit) -> dict:
    return {"stalled_only": stalled_only, "company": company.strip() if company else None,
            "status": status_ if status_ in ("open", "waiting") else None,
            "limit": None if limit is None else limit + 1}


def _kept_listing(env, status_, company, stalled_only, limit) -> list | None:
    """((id, status, company, contacts, last activity, title), score) rows in the attention
    order, read from the kept assessments alone, or None when they are not all fresh."""
    if status_ not in ATTENTION_STATUSES:
        return []
    from ..advice.source import source_fingerprint
    from ..store.kept import KeptReader
    from ..store.times import to_iso
    now = env.now()
    kept = KeptReader(env.reader(), lambda: now)
    if not kept.advice_fresh(to_iso(now), source_fingerprint(env.config_name)):
        return None
    return kept.attention_listing(now=to_iso(now),
                                  **_filters(status_, company, stalled_only, limit))


def _by_attention(env, store, status_, company, channel, stalled_only, limit):
    """Open and waiting cases in the attention order (the kept advice, brought up to date)
    with their scores, filtered like any listing (one more than the limit: was it cut?),
    the cases read a page at a time."""
    from ..advice.source import source_fingerprint
    from ..store.facts import PAGE
    from ..store.times import to_iso
    if status_ not in ATTENTION_STATUSES:
        return
    wanted = None
    if channel:  # the channel filter needs the interactions: ask the store which cases
        wanted = {c.id for c in store.iter_cases(status="active", channel=channel)}
    now, source = env.now(), source_fingerprint(env.config_path)
    filters = _filters(status_, company, stalled_only, limit)
    if wanted is not None:
        filters["limit"] = None
    if store.advice_fresh(to_iso(now), source):     # nothing to assess: no playbook read
        rows = store.ranked_advice(now=to_iso(now), **filters)
    else:
        from ..advice import load_playbook, ranking
        rows = ranking(store, now, load_playbook(env.config_path), source=source, **filters)
    if wanted is not None:
        rows = [r for r in rows if r.case_id in wanted][:None if limit is None else limit + 1]
    for start in range(0, len(rows), PAGE):
        page = rows[start:start + PAGE]
        found = store.cases_by_id(r.case_id for r in page)
        yield from ((found[r.case_id], r.score) for r in page if r.case_id in found)


COMMANDS = [list_]
