"""A case edit as the form makes it: the fields and the reference changes in one commit."""

from __future__ import annotations

from typing import Any, Iterable

from .records import Case


def edit_case(store, case_id: int, *, add_refs: Iterable[tuple[str, str]] = (),
              remove_refs: Iterable[tuple[str, str]] = (), **fields: Any) -> Case:
    """Set the case's fields (as `update_case`), remove then add references, in one
    transaction: a reference the store refuses leaves the fields unchanged too."""
    with store.write():
        store.update_case(case_id, **fields)
        for kind, value in remove_refs:
            store.remove_ref(case_id, kind, value)
        for kind, value in add_refs:
            store.add_ref(case_id, kind, value)
    return store.get_case(case_id)
