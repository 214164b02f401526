"""The three LINE Messaging API calls the worker makes, through the official SDK (line-bot-sdk v3),
reduced to an HTTP status so the worker can decide: delivered, retry later, or give up.

The SDK's exceptions print response headers and bodies; only the status is ever logged here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)
from linebot.v3.messaging.exceptions import ApiException

from services.line_gateway import line_limits as limits

log = logging.getLogger("line.api")
NETWORK_ERROR = 0  # our status for "no HTTP answer" (connection refused, timeout)
REQUEST_TIMEOUT = 15


class LineApi:
    def __init__(self, base_url: str, access_token: str) -> None:
        configuration = Configuration(host=base_url, access_token=access_token)
        self._client = AsyncApiClient(configuration)
        self._api = AsyncMessagingApi(self._client)

    async def close(self) -> None:
        await self._client.close()

    async def _call(self, what: str, coroutine) -> int:
        try:
            await coroutine
            return 200
        except ApiException as error:
            log.info("LINE %s answered %s", what, error.status)
            return int(error.status or NETWORK_ERROR)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
            log.info("LINE %s failed: %s", what, type(error).__name__)
            return NETWORK_ERROR

    async def reply(self, reply_token: str, messages: list[dict[str, Any]]) -> int:
        limits.check_messages(messages)
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        return await self._call("reply", self._api.reply_message(
            request, _request_timeout=REQUEST_TIMEOUT))

    async def push(self, to: str, messages: list[dict[str, Any]], retry_key: str) -> int:
        limits.check_messages(messages)
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        return await self._call("push", self._api.push_message(
            request, x_line_retry_key=retry_key, _request_timeout=REQUEST_TIMEOUT))

    async def show_loading(self, chat_id: str, seconds: int) -> int:
        request = ShowLoadingAnimationRequest(chatId=chat_id,
                                              loadingSeconds=limits.loading_seconds(seconds))
        return await self._call("loading", self._api.show_loading_animation(
            request, _request_timeout=REQUEST_TIMEOUT))
