"""The notebook's vocabulary as plain tuples: what every write path checks, and what the
command line offers as choices (light to import: no records, no connection)."""

CHANNELS = ("phone", "chat", "email", "copilot", "forum", "seller", "social", "in_person",
            "letter", "other")
OUTCOMES = ("resolved", "promised", "escalated", "info", "transferred", "no_progress",
            "disconnected", "refused", "restarted")
PROGRESS_OUTCOMES = frozenset(("resolved", "promised", "escalated", "info"))
DEAD_END_OUTCOMES = frozenset(("transferred", "no_progress", "disconnected", "refused",
                               "restarted"))
STATUSES = ("open", "waiting", "resolved", "abandoned")
ACTIVE_STATUSES = frozenset(("open", "waiting"))
CATEGORIES = ("missing_package", "late_delivery", "damaged", "not_as_described", "refund",
              "price_change", "subscription", "billing", "shipping", "product_question",
              "policy", "technical", "account", "other")
WANTS = ("refund", "replacement", "explanation", "change", "repair", "credit", "other")
REF_KINDS = ("order", "ticket", "claim", "return", "chat", "other")
DIRECTIONS = ("out", "in")
PROMISE_STATUSES = ("pending", "kept", "broken")
PARTIES = ("company", "me")
MILESTONES = ("formal_complaint", "final_response")


# A company's ways in (company_routes.kind) and who answers there (purpose): its support
# lines, then the escalation contacts above them.
ROUTE_KINDS = ("phone", "callback", "chat", "email", "seller_contact", "postal", "web", "other")
ROUTE_PURPOSES = ("support", "complaints", "executive", "ombudsman", "regulator")
POLICY_UNITS = ("days", "working_days", "weeks", "months")
# The case events a clock or a company policy can run from (what each reads: d13.md).
CLOCK_STARTS = ("purchased", "delivered", "opened", "statement", "cancelled",
                "formal_complaint", "final_response", "refund_promise", "due")

# The sorts a listing offers (tui.store.lists.SORTS gives each its ORDER BY), and its
# status filters.
SORT_NAMES = ("recent", "quiet", "opened", "id")
STATUS_FILTERS = ("all", "active", *STATUSES)
