"""`supportlog advice` (placeholder until the advice layer lands)."""

COMMANDS: list = []
