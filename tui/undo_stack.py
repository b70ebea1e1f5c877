"""What `u` can undo: the last few user actions, newest on top, each with a label for the
notification and the record that reverses it (tui.store.undo_records.revert reads it).

Plain data: pushing and popping touch nothing else. An entry that leaves the stack without
being undone is returned to the caller, which tidies after it (a deleted case's evidence
files wait for its undo, so they go when the last such entry does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LIMIT = 10


@dataclass(frozen=True)
class Entry:
    label: str                 # what was done, as the notification says it: "Resolved #12"
    record: dict[str, Any]     # what reverses it: {"kind": "status" | "promise" | "delete", ...}

    @property
    def kind(self) -> str:
        return self.record["kind"]


@dataclass
class UndoStack:
    limit: int = LIMIT
    entries: list[Entry] = field(default_factory=list)   # oldest first

    def push(self, entry: Entry) -> list[Entry]:
        """Add `entry` on top; returns the oldest entries that no longer fit."""
        self.entries.append(entry)
        overflow = max(0, len(self.entries) - self.limit)
        dropped, self.entries = self.entries[:overflow], self.entries[overflow:]
        return dropped

    def peek(self) -> Entry | None:
        return self.entries[-1] if self.entries else None

    def pop(self) -> Entry | None:
        return self.entries.pop() if self.entries else None

    def clear(self) -> list[Entry]:
        """Empty the stack; returns what was on it."""
        dropped, self.entries = self.entries, []
        return dropped

    def holds(self, kind: str) -> bool:
        return any(e.kind == kind for e in self.entries)

    def newest(self, kind: str) -> Entry | None:
        return next((e for e in reversed(self.entries) if e.kind == kind), None)

    def __len__(self) -> int:
        return len(self.entries)
