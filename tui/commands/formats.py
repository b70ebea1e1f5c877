"""How dates and amounts may be written, worded once for every option's help."""

DAY = "2026-11-20, yesterday, fri, 3 days ago"
DEADLINE_DAY = "2026-12-01, friday, in 2 weeks, in 10 working days"
MOMENT = "2026-11-25T14:30, yesterday 14:30, 3 days ago, 2h ago (local time)"
DEADLINE = ("2026-12-01, friday, +3d, in 2 weeks, in 10 working days; a day alone means by "
            "its end")
AMOUNT = ("as you write it: 129.99, 129,99, 1.299,00, 1,299.00, €129.99, 129.99 EUR "
          "(1,299 alone is ambiguous and refused)")
CURRENCY = "Currency code, e.g. EUR (or write it in --amount: €129.99)."
