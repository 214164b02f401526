"""The LINE services' settings (shared readers of services/common/settings.py) and the log filter
(services/common/log_hygiene.py): pure, no servers."""

from __future__ import annotations

import io
import logging

import pytest

from services.common import log_hygiene
from services.common.settings import MissingSetting
from services.line_gateway.settings import load

SECRETS = {"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t"}


def test_settings_come_from_the_environment_with_defaults():
    settings = load(env={**SECRETS, "RASA_URL": "http://rasa:5005/", "LINE_PORT": "9000",
                         "LINE_WORKER_NAME": "w-7", "MAX_MESSAGE_CHARS": "500"})
    assert (settings.rasa_url, settings.port, settings.worker_name) == ("http://rasa:5005", 9000, "w-7")
    assert settings.max_message_chars == 500
    assert load(env=SECRETS).max_message_chars == 1000
    assert "channel_secret" not in repr(settings) and "access_token" not in repr(settings)


def test_bad_or_missing_settings_stop_the_service_with_the_variables_name():
    with pytest.raises(MissingSetting, match="LINE_CHANNEL_SECRET"):
        load(env={})
    with pytest.raises(MissingSetting, match="LINE_PORT"):
        load(env={**SECRETS, "LINE_PORT": "eighty"})
    with pytest.raises(MissingSetting, match="LINE_REPLY_TOKEN_SECONDS"):
        load(env={**SECRETS, "LINE_REPLY_TOKEN_SECONDS": "soon"})
    assert load(require_secrets=False, env={}).channel_secret == ""


def _logged(*args, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(log_hygiene.FORMAT))
    handler.addFilter(log_hygiene.RedactPersonalData())
    logger = logging.getLogger("test.hygiene")
    logger.addHandler(handler)
    try:
        if exc is None:
            logger.warning(*args)
        else:
            try:
                raise exc
            except BaseException:
                logger.exception(*args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_log_filter_hashes_line_ids_and_masks_contact_details():
    uid = "U" + "0123456789abcdef" * 2
    line = _logged("to %s: call 0912-345-678 or +886 2 2345 6789, mail chen.w+line@example.com.tw",
                   uid)
    assert uid not in line and log_hygiene.digest(uid) in line
    assert "0912" not in line and "2345 6789" not in line and "example.com" not in line
    assert line.count("<phone>") == 2 and "<email>" in line
    # What the services do log stays readable: event ids, stream ids, counts, timings.
    kept = "event 01JD8X3K9QZ7Y5T2M4N6P8R0SA done: entry 1732700000000-0 requests=1 latency_ms=412"
    assert kept in _logged(kept)
    assert len(_logged("x" * 2000)) < 600


def test_a_traceback_keeps_its_frames_but_not_the_exceptions_message():
    text = _logged("failed", exc=ValueError("owner wrote: 我的電話 0912345678"))
    assert "Traceback" in text and "test_settings_and_logs.py" in text and "ValueError" in text
    assert "0912345678" not in text and "我的電話" not in text
