"""The private-use characters a search snippet wraps matched words in (records.SearchHit)."""

MARK_START, MARK_END = "\ue000", "\ue001"
