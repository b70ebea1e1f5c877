"""What a case is exported as, for people and other tools: the dossier (dossier.py) laid out
as blocks (document.py) rendered to Markdown or HTML, the evidence pack (pack.py) and the
contacts as CSV (contacts_csv.py). Headless: no Textual, and nothing here writes the notebook."""
