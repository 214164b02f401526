"""Phone numbers, e-mail addresses and 統一編號 as owners type them."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from market_entry.leads.contact import (
    AREA_CODES,
    LANDLINE,
    MOBILE,
    build_contact,
    parse_company_ubn,
    parse_email,
    parse_phone,
)


@pytest.mark.parametrize("text, display, e164", [
    ("0912-345-678", "0912-345-678", "+886912345678"),
    ("0912 345 678", "0912-345-678", "+886912345678"),
    ("+886 912 345 678", "0912-345-678", "+886912345678"),
    ("+886-912-345-678", "0912-345-678", "+886912345678"),
    ("886912345678", "0912-345-678", "+886912345678"),
    ("00886 912 345 678", "0912-345-678", "+886912345678"),
    ("０９１２－３４５－６７８", "0912-345-678", "+886912345678"),
    ("(02)2345-6789", "02-2345-6789", "+886223456789"),
    ("02-2345-6789 #123", "02-2345-6789 #123", "+886223456789"),
    ("+886-2-2345-6789 ext. 45", "02-2345-6789 #45", "+886223456789"),
    ("+886 (0)2 2345 6789", "02-2345-6789", "+886223456789"),
    ("(04)2345-6789 分機 301", "04-2345-6789 #301", "+886423456789"),
    ("04-723-4567", "04-723-4567", "+88647234567"),
    ("(07)123-4567".replace("1", "3"), "07-323-4567", "+88673234567"),
    ("037-322150", "037-322150", "+88637322150"),
    ("049-2345678", "049-234-5678", "+886492345678"),
    ("0836-22345", "0836-22345", "+88683622345"),
    ("0912345678轉9", "0912-345-678 #9", "+886912345678"),
])
def test_valid_numbers(text, display, e164):
    phone = parse_phone(text)
    assert phone is not None, text
    assert (phone.display, phone.e164) == (display, e164)


@pytest.mark.parametrize("text", [
    "", "0912345", "09123456789", "12345678", "02-1234-5678", "02-0234-5678", "+1 415 555 0100",
    "0912-345-678a", "call me", "02-2345-678", "+886+912345678", "00912345678", "(0)",
])
def test_invalid_numbers(text):
    assert parse_phone(text) is None


SEPARATOR = st.sampled_from(["", " ", "-", ".", "  ", " - "])
PREFIX = st.sampled_from(["0", "+886 ", "+886-", "+886", "886", "00886 ", "+886 (0)"])
DIGIT = st.sampled_from("0123456789")


@given(st.text(DIGIT, min_size=8, max_size=8), SEPARATOR, SEPARATOR, PREFIX,
       st.booleans(), st.one_of(st.none(), st.text(DIGIT, min_size=1, max_size=5)))
def test_any_mobile_written_any_way_normalises(rest, sep1, sep2, prefix, fullwidth, ext):
    canonical = "09" + rest
    body = canonical[1:] if not prefix.startswith("0") or prefix == "00886 " else canonical
    if prefix == "0":
        body = canonical
        prefix = ""
    text = f"{prefix}{body[:3]}{sep1}{body[3:6]}{sep2}{body[6:]}"
    if ext:
        text += f" ext {ext}"
    if fullwidth:
        text = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)
    phone = parse_phone(text)
    assert phone is not None, text
    assert phone.kind == MOBILE and phone.national == canonical
    assert phone.e164 == "+886" + canonical[1:]
    assert phone.extension == (ext or "")
    assert parse_phone(phone.display) == phone          # display form parses back to itself


@given(st.sampled_from(sorted(AREA_CODES)), st.data())
def test_any_landline_round_trips(area, data):
    length = data.draw(st.sampled_from(AREA_CODES[area]))
    first = data.draw(st.sampled_from("2345678"))
    rest = data.draw(st.text(DIGIT, min_size=length - 1, max_size=length - 1))
    national = area + first + rest
    # 08-2…/08-9…, 04-9…, 03-7… begin a longer area code (082, 089, 049, 037) instead
    assume(not any(len(a) > len(area) and national.startswith(a) for a in AREA_CODES))
    phone = parse_phone(f"({area}){first}{rest}")
    assert phone is not None and phone.kind == LANDLINE
    assert phone.e164 == "+886" + national[1:]
    assert parse_phone(phone.display) == phone
    assert parse_phone("+886 " + national[1:]) == phone


@given(st.text(max_size=40))
def test_never_raises(text):
    phone = parse_phone(text)
    assert phone is None or phone.national.startswith("0")
    parse_email(text)


@pytest.mark.parametrize("text, expected", [
    ("Ming@Example.COM.TW", "Ming@example.com.tw"),
    (" ming.chen+export@foo-bar.tw ", "ming.chen+export@foo-bar.tw"),
    ("ｍｉｎｇ＠ｅｘａｍｐｌｅ．ｔｗ", "ming@example.tw"),
    ("<sales@example.com>", "sales@example.com"),
    ("a..b@x.com", None), ("a@b", None), ("a@-x.com", None), ("no at sign", None),
    ("a@b.c", None), ("a b@x.com", None), ("a@x..com", None),
])
def test_email(text, expected):
    assert parse_email(text) == expected


def test_ubn_uses_the_checksum():
    assert parse_company_ubn("0459 5257") == "04595257"
    assert parse_company_ubn("統編：６２１４００９７") == "62140097"
    assert parse_company_ubn("00501502") is None
    assert parse_company_ubn("1234") is None


def test_build_contact_reports_invalid_fields():
    contact, errors = build_contact({"company": " 好棒  電器 有限公司 ", "ubn": "04595257",
                                     "name": "陳小明", "title": "業務經理",
                                     "phone": "+886 912 345 678", "email": "Ming@Example.tw"})
    assert errors == []
    assert contact.company == "好棒 電器 有限公司"
    assert contact.phone == "0912-345-678" and contact.email == "Ming@example.tw"
    _, errors = build_contact({"name": "陳", "phone": "123", "ubn": "00501502"})
    assert errors == ["phone", "ubn"]
    _, errors = build_contact({"name": ""})
    assert errors == ["name", "phone_or_email"]
