"""Parsers for owners' free answers: examples from the issue, and properties (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from market_entry.answer_parsing import (
    UNKNOWN,
    chinese_to_int,
    parse_export_experience,
    parse_headcount,
    parse_money,
    parse_yes_no,
)


@pytest.mark.parametrize("text, amount", [
    ("500萬", 5_000_000),
    ("五千萬", 50_000_000),
    ("1.2億", 120_000_000),
    ("NT$30,000,000", 30_000_000),
    ("資本額 3000萬元", 30_000_000),
    ("3千5百萬", 35_000_000),
    ("一億兩千萬", 120_000_000),
    ("兩億", 200_000_000),
    ("新台幣2億元", 200_000_000),
    ("１２００萬", 12_000_000),
    ("30 million", 30_000_000),
    ("NT$ 1.5M", 1_500_000),
    ("五百万", 5_000_000),
    ("十萬", 100_000),
    ("100000000", 100_000_000),
])
def test_money(text, amount):
    assert parse_money(text) == amount


@pytest.mark.parametrize("text", ["", "很多", "500", "不少錢", "abc"])
def test_money_not_understood(text):
    assert parse_money(text) is None


@pytest.mark.parametrize("text, count", [
    ("35人", 35),
    ("三十幾個人", 39),
    ("十幾個", 19),
    ("一百九十幾人", 199),
    ("兩百多人", 201),
    ("不到10人", 9),
    ("30-40人", 40),
    ("about 40 employees", 40),
    ("we have 12 staff", 12),
    ("二十", 20),
    ("4個", 4),
    ("只有我一個", 1),
    ("员工二十人", 20),
])
def test_headcount(text, count):
    assert parse_headcount(text) == count


@pytest.mark.parametrize("text", ["", "很多人", "不少"])
def test_headcount_not_understood(text):
    assert parse_headcount(text) is None


@pytest.mark.parametrize("text, answer", [
    ("是", True), ("有", True), ("對", True), ("沒錯", True), ("已經有了", True),
    ("yes", True), ("Yes", True), ("yep", True), ("of course", True), ("/affirm", True),
    ("否", False), ("沒有", False), ("不是", False), ("還沒", False), ("尚未", False),
    ("no", False), ("Nope", False), ("not yet", False), ("/deny", False), ("没有", False),
    ("不確定", UNKNOWN), ("不知道", UNKNOWN), ("not sure", UNKNOWN), ("I don't know", UNKNOWN),
    ("不清楚耶", UNKNOWN), ("不确定", UNKNOWN),
    ("", None), ("500萬", None), ("hello", None),
])
def test_yes_no(text, answer):
    assert parse_yes_no(text) == answer


def test_export_experience():
    aliases = {"日本": "jp", "japan": "jp", "美國": "us"}
    assert parse_export_experience("去年有出口到日本", aliases).has is True
    assert parse_export_experience("去年有出口到日本", aliases).markets == ("jp",)
    assert parse_export_experience("有，美國和日本", aliases).markets == ("jp", "us") or \
        set(parse_export_experience("有，美國和日本", aliases).markets) == {"jp", "us"}
    assert parse_export_experience("還沒出口過").has is False
    assert parse_export_experience("exported to Japan last year", aliases).has is True
    assert parse_export_experience("不確定").has == UNKNOWN
    assert parse_export_experience("嗯？？").has is None


# -- properties -------------------------------------------------------------------------------

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """A plain renderer of 1..99,999,999 in Chinese numerals (the test's own, independent)."""
    def below_10000(x: int) -> str:
        out, zero = "", False
        for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = x // value % 10
            if digit:
                if zero and out:
                    out += "零"
                out += DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out
    high, low = divmod(n, 10_000)
    if not high:
        return below_10000(low)
    text = below_10000(high) + "萬"
    if low:
        text += ("零" if low < 1000 else "") + below_10000(low)
    return text


@given(st.integers(min_value=10_000, max_value=10**12))
def test_money_with_separators_round_trips(n):
    assert parse_money(f"NT${n:,}") == n
    assert parse_money(str(n)) == n
    assert parse_money(f"{n:,}元") == n


@given(st.integers(min_value=1, max_value=99_999))
def test_money_in_wan_round_trips(n):
    assert parse_money(f"{n}萬") == n * 10_000
    assert parse_money(f"{n}萬元") == n * 10_000


@given(st.integers(min_value=1, max_value=9_999))
def test_money_in_chinese_numerals_round_trips(n):
    assert parse_money(to_chinese(n) + "萬") == n * 10_000


@given(st.integers(min_value=1, max_value=99_999_999))
def test_chinese_numerals_round_trip(n):
    assert chinese_to_int(to_chinese(n)) == n


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=9))
def test_money_in_yi_with_decimals(whole, tenth):
    assert parse_money(f"{whole}.{tenth}億") == (whole * 10 + tenth) * 10_000_000


@given(st.integers(min_value=0, max_value=100_000), st.sampled_from(["{}人", "{} 人", "{}個人",
                                                                      "員工{}人", "{} employees",
                                                                      "{}", "about {}"]))
def test_headcount_round_trips(n, template):
    assert parse_headcount(template.format(n)) == n


@given(st.integers(min_value=1, max_value=9_999))
def test_headcount_in_chinese_numerals(n):
    assert parse_headcount(to_chinese(n) + "人") == n


@given(st.integers(min_value=1, max_value=99))
def test_approximate_headcount_never_understates(n):
    tens = n * 10
    assert parse_headcount(f"{to_chinese(tens)}幾個人") >= tens
    assert parse_headcount(f"{tens}多人") > tens


@given(st.text(max_size=40))
def test_parsers_never_crash(text):
    money = parse_money(text)
    assert money is None or money > 0
    count = parse_headcount(text)
    assert count is None or 0 <= count <= 1_000_000
    assert parse_yes_no(text) in (True, False, UNKNOWN, None)
