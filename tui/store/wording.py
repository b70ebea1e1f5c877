"""Counted words for people: one helper for every count the store, the advice, the app and
the CLI put in a sentence ("1 dead end", "2 dead ends"), so none says "1 contacts"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 contact', '2 contacts', '0 contacts', '2 companies'; `many` when the plural is
    neither word + s nor (after a consonant) y -> ies."""
    if count == 1:
        return f"{count} {word}"
    if many is None:
        consonant_y = word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou"
        many = word[:-1] + "ies" if consonant_y else word + "s"
    return f"{count} {many}"
