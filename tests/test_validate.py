"""Parsers and the card masking: pure functions, checked by examples and by hypothesis."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from tui.store import ValidationError
from tui.store import times
from tui.store import validate as v


@pytest.mark.parametrize("text, seconds", [
    ("25m", 1500), ("1h10m", 4200), ("90s", 90), ("1h", 3600), ("45", 2700), ("2h 5m", 7500),
    ("", 0), (None, 0), ("10min", 600),
])
def test_durations(text, seconds):
    assert v.parse_duration("hold", text) == seconds


@pytest.mark.parametrize("text", ["5x", "m", "-5m", "1.5h", "h10", "200h"])
def test_bad_durations(text):
    with pytest.raises(ValidationError) as err:
        v.parse_duration("hold", text)
    assert err.value.field == "hold"


@given(st.integers(0, 7 * 24 * 3600))
def test_duration_format_round_trips(seconds):
    shown = times.format_duration(seconds)
    if seconds < 3600 or seconds % 60 == 0:
        assert v.parse_duration("d", shown) == seconds


@pytest.mark.parametrize("text, iso", [
    ("2026-11-25", "2026-11-25T00:00:00Z"),
    ("2026-11-25T14:30", "2026-11-25T14:30:00Z"),
    ("2026-11-25 14:30", "2026-11-25T14:30:00Z"),
    ("2026-11-25T14:30:00+02:00", "2026-11-25T12:30:00Z"),
    ("2026-11-25T14:30:00Z", "2026-11-25T14:30:00Z"),
])
def test_when(text, iso):
    assert v.parse_when("at", text) == iso


def test_when_end_of_day_and_bad_values():
    assert v.parse_when("due", "2026-11-25", end_of_day=True) == "2026-11-25T23:59:59Z"
    for bad in ("tomorrow", "2026-02-30", "0001-01-01", "9999-01-01T00:00"):
        with pytest.raises(ValidationError):
            v.parse_when("at", bad)


@given(st.datetimes(min_value=__import__("datetime").datetime(1970, 1, 2),
                    max_value=__import__("datetime").datetime(2199, 12, 30)))
def test_when_round_trips(dt):
    iso = v.parse_when("at", dt.isoformat())
    assert v.parse_when("at", iso) == iso


@pytest.mark.parametrize("text, out", [("129.99", "129.99"), ("1,299.5", "1299.5"), (12, "12"),
                                       ("0", "0"), ("123456789012345.67", "123456789012345.67")])
def test_amounts(text, out):
    assert v.parse_amount("amount", text) == out


@pytest.mark.parametrize("text", ["ten", "-1", "inf", "1e30"])
def test_bad_amounts(text):
    with pytest.raises(ValidationError):
        v.parse_amount("amount", text)


@pytest.mark.parametrize("text, masked", [
    ("card 4111 1111 1111 1111 please", "card •••• 1111 please"),
    ("4111-1111-1111-1111", "•••• 1111"),
    ("4111111111111111", "•••• 1111"),
    ("amex 3782 822463 10005", "amex •••• 0005"),
    ("cvv 123 and CVC: 9876", "cvv *** and CVC: ***"),
    ("security code 321", "security code ***"),
])
def test_cards_are_masked(text, masked):
    assert v.mask_cards(text) == masked


@pytest.mark.parametrize("text", [
    "order 112-1234567-1234567",     # an order number, not a card
    "4111 1111 1111 1112",           # fails Luhn
    "ticket 1234567890123",          # starts with 1: no card scheme
    "phone 1 (877) 586-3230",
])
def test_other_numbers_are_left_alone(text):
    assert v.mask_cards(text) == text


def luhn_complete(prefix: str) -> str:
    for d in "0123456789":
        if v.luhn_ok(prefix + d):
            return prefix + d
    raise AssertionError


@given(st.sampled_from("3456"), st.text("0123456789", min_size=11, max_size=17))
def test_any_valid_card_is_masked(first, body):
    card = luhn_complete(first + body)
    masked = v.mask_cards(f"my card is {card}.")
    assert card not in masked and masked == f"my card is •••• {card[-4:]}."


@pytest.mark.parametrize("text, ref", [("order:112-33", ("order", "112-33")),
                                       ("TICKET: T 9", ("ticket", "T 9")),
                                       ("plain", ("other", "plain")),
                                       ("http://x", ("other", "http://x"))])
def test_refs(text, ref):
    assert v.parse_ref(text) == ref


@pytest.mark.parametrize("text", ["", "order:", "  "])
def test_bad_refs(text):
    with pytest.raises(ValidationError):
        v.parse_ref(text)
