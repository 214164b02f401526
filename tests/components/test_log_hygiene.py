"""The Rasa server's log filter: contact details masked, long lines cut, exception text dropped."""

from __future__ import annotations

import logging

from bot.log_hygiene import MAX_CHARS, RedactPersonalData, redact


def test_contact_details_are_masked():
    for raw in ("0912-345-678", "0912345678", "(02)2345-6789", "+886 912 345 678"):
        assert "<phone>" in redact(f"call {raw} please") and raw not in redact(raw)
    assert redact("write to ming.wang@example.com.tw") == "write to <email>"
    assert redact("order 20261130, 3 items") == "order 20261130, 3 items"


def test_long_lines_are_cut_and_exceptions_lose_their_message():
    record = logging.LogRecord("rasa", logging.ERROR, __file__, 1, "tracker %s", ("x" * 5000,),
                               None)
    try:
        raise ValueError("phone 0912-345-678")
    except ValueError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    assert RedactPersonalData().filter(record)
    assert len(record.msg) < MAX_CHARS + 80 and "(ValueError)" in record.msg
    assert record.exc_info is None and "0912" not in record.getMessage()
