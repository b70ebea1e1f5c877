"""Which side of a merge keeps each field: the record changed later wins, field by field.

A record's `updated_at` is when it last changed on its own machine. For each field that
differs, the side with the later `updated_at` wins; at the same second, the side whose
values sort higher wins, so merging A into B and B into A ends the same. A record from a
file written before `updated_at` was kept is older than any change here: it only fills in
what is missing (a group of fields that belong together, such as an amount and its
currency, is filled whole or not at all).
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple


class Merge(NamedTuple):
    changes: dict[str, Any]   # field -> the file's value, where the file wins
    kept: list[str]           # fields where the file differs and this notebook's value stays
    updated_at: str           # the record's updated_at once merged


def merge_fields(local: Mapping[str, Any], local_at: str, incoming: Mapping[str, Any],
                 incoming_at: str | None, fields: Iterable[str], given: Iterable[str],
                 groups: tuple[tuple[str, ...], ...] = ()) -> Merge:
    """Merge `incoming` (a file's record, which gives the keys in `given`) into `local`."""
    old_file = incoming_at is None
    differ = [f for f in fields if f in given and incoming[f] != local[f]
              and not (old_file and incoming[f] is None)]
    at = local_at if old_file or incoming_at <= local_at else incoming_at
    if not differ:
        return Merge({}, [], at)
    if old_file:
        take = set()
        for f in differ:
            group = [g for g in next((gr for gr in groups if f in gr), (f,)) if g in differ]
            if all(local[g] is None for g in group):
                take.update(group)
    elif incoming_at != local_at:
        take = set(differ) if incoming_at > local_at else set()
    else:
        take = set(differ) if _rank(incoming, differ) > _rank(local, differ) else set()
    return Merge({f: incoming[f] for f in differ if f in take},
                 [f for f in differ if f not in take], at)


def _rank(record: Mapping[str, Any], fields: list[str]) -> tuple:
    """A total order on a record's values, the same on every machine."""
    return tuple((record[f] is not None, str(record[f])) for f in fields)
