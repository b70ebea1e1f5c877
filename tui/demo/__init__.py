"""The demo notebook: realistic cases built through the public Store API (notebook.py) from
the data in cases.py. Nothing of it lives in the store; `supportlog demo` and the welcome
screen build it from here."""
