"""Snapshots at 80x24 (the smallest terminal the app fits) with a fixed clock: a case's
evidence files, and a letter ready to save. Update after a deliberate change with
`pytest tests/test_ui_evidence_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from test_ui_snapshots import prepared
from ui_fixtures import app_factory, clock, debug_errors, seeded  # noqa: F401
from ui_fixtures import steady_home  # noqa: F401

pytestmark = pytest.mark.usefixtures("steady_home")

SMALL = (80, 24)


def _files(db_path, clock, case_id: int, folder) -> None:
    from tui.store import Store
    receipt = folder / "receipt-112-3345.pdf"
    receipt.write_bytes(b"%PDF-1.4 the receipt " * 300)
    photo = folder / "box crushed on arrival [b].jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 the photo " * 4000)
    with Store(db_path, clock=clock) as s:
        s.attach_file(case_id, receipt, note="paid 129.99 EUR on 1 November")
        s.attach_file(case_id, photo, interaction_id=s.get_detail(case_id).interactions[0].id,
                      note="the box as the courier left it")


async def open_stalled(pilot) -> None:
    await pilot.press("enter")


async def clear(pilot) -> None:
    pilot.app.clear_notifications()     # the start-up toast would cover the screen


def test_evidence_files(snap_compare, app_factory, seeded, db_path, clock, tmp_path):
    _files(db_path, clock, seeded.stalled, tmp_path)

    async def evidence(pilot) -> None:
        await pilot.press("f")
    assert snap_compare(app_factory(), terminal_size=SMALL,
                        run_before=prepared(open_stalled, evidence, clear))


def test_letter(snap_compare, app_factory, seeded, db_path, clock):
    from tui.store.paths import config_path
    config = config_path()
    config.parent.mkdir(parents=True)
    config.write_text('[me]\nname = "Sam Doe"\naddress = "1 Elm Road, Harbour City"\n'
                      'emails = ["sam@home.example"]\n')

    async def letter(pilot) -> None:
        await pilot.press("w")

    async def pick(pilot) -> None:
        await pilot.press("enter")
    assert snap_compare(app_factory(), terminal_size=SMALL,
                        run_before=prepared(open_stalled, letter, pick, clear))
