"""統一編號 checksum: every test vector of taiwan-rules.md, and properties of the rule."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market_entry.answer_parsing import parse_ubn
from market_entry.ubn import is_valid_ubn, is_valid_ubn_before_2023


@pytest.mark.parametrize("ubn, new, old", [
    ("04595257", True, True),
    ("00501508", True, False),
    ("00000074", True, False),   # 7th digit is 7: valid through the (Z + 1) case
    ("62140097", True, False),
    ("00501502", False, False),
])
def test_reference_vectors(ubn, new, old):
    assert is_valid_ubn(ubn) is new
    assert is_valid_ubn_before_2023(ubn) is old


@pytest.mark.parametrize("bad", ["", "1234567", "123456789", "0459525a", "０４５９５２５７", None])
def test_malformed_numbers_are_invalid(bad):
    assert not is_valid_ubn(bad or "")


def reference(ubn: str, divisor: int) -> bool:
    """A second, independent write-up of the rule."""
    products = [int(d) * w for d, w in zip(ubn, [1, 2, 1, 2, 1, 2, 4, 1], strict=True)]
    z = sum(sum(int(c) for c in str(p)) for p in products)
    return z % divisor == 0 or (ubn[6] == "7" and (z + 1) % divisor == 0)


eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(eight_digits)
def test_matches_an_independent_implementation(ubn):
    assert is_valid_ubn(ubn) == reference(ubn, 5)
    assert is_valid_ubn_before_2023(ubn) == reference(ubn, 10)


@given(eight_digits)
def test_the_2023_rule_accepts_every_number_the_old_rule_accepted(ubn):
    if is_valid_ubn_before_2023(ubn):
        assert is_valid_ubn(ubn)


@given(eight_digits, st.sampled_from(["{}", " {} ", "統編{}", "UBN: {}", "{}。"]),
       st.booleans())
def test_parse_ubn_finds_the_digits_however_typed(ubn, template, spaced):
    typed = f"{ubn[:4]} {ubn[4:]}" if spaced else ubn
    assert parse_ubn(template.format(typed)) == ubn


@given(eight_digits)
def test_parse_ubn_reads_full_width_digits(ubn):
    full = "".join(chr(ord(c) + 0xFEE0) for c in ubn)
    assert parse_ubn(full) == ubn


@given(st.text(max_size=30))
def test_parse_ubn_returns_eight_ascii_digits_or_nothing(text):
    found = parse_ubn(text)
    assert found is None or (len(found) == 8 and found.isascii() and found.isdigit())
