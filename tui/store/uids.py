"""The uid every row is given when it is made: what an export, an import and an undo match
rows by."""

from __future__ import annotations


def new_uid() -> str:
    # Never all digits: such a uid (one in 1,800) could pass for a card number in a scan.
    import secrets  # only writes need it: opening a notebook to read stays light
    while (uid := secrets.token_hex(8)).isdigit():
        pass
    return uid
