"""Measured fixes for the Rasa server's largest CPU costs under load.

Profiling the Rasa server at concurrency 8 (py-spy) showed two avoidable costs, both repeated
for every message:
- every action-server response is checked with `jsonschema.validate(result, spec)`, which first
  re-validates the schema itself against the JSON Schema meta-schema: 35-40 % of the CPU.
  A validator built once from the same schema gives the same verdicts and error messages.
- every stored event is deserialised through `Event.resolve_by_type`, which walks the whole
  Event class tree per event: about 10 %. The type-name → class answer never changes once the
  classes are imported, so it is remembered.
- every call to the action server opens a new aiohttp session and TCP connection (Rasa's
  `EndpointConfig.request`): about 8 % of the Rasa server's samples. Calls now share one session
  per endpoint and event loop, whose idle connections are dropped before the action server's
  keep-alive ends (Sanic: 5 s), so a reused connection is never one the server is closing.
Installed once, when Rasa imports the `bot` package; behaviour is unchanged.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    try:
        from jsonschema import ValidationError
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction
        from rasa.shared.constants import DOCS_BASE_URL
    except ImportError:  # outside the bot environment: nothing to speed up
        return

    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)(spec)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format "
                f"visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error

    RemoteAction._validate_action_result = _validate_action_result
    _remember_event_types()
    _reuse_http_sessions()
    _installed = True


def _remember_event_types() -> None:
    from rasa.shared.core.events import Event

    search = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = known.get(type_name)
        if found is None:
            found = search(type_name, default)
            if found is not None and getattr(found, "type_name", None) == type_name:
                known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)


# Idle connections are closed after this many seconds: below the action server's keep-alive.
KEEPALIVE_SECONDS = 2.0


def _reuse_http_sessions() -> None:
    import asyncio
    import os
    import ssl

    import aiohttp
    from aiohttp import ContentTypeError
    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import (
        DEFAULT_REQUEST_TIMEOUT,
        ClientResponseError,
        EndpointConfig,
        concat_url,
    )

    # (id of the loop, id of the endpoint) -> (endpoint, loop, session). EndpointConfig defines
    # __eq__ without __hash__, so it is keyed by identity and kept alive beside its session.
    sessions: dict[tuple[int, int], tuple[Any, Any, aiohttp.ClientSession]] = {}

    def shared_session(endpoint: EndpointConfig) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        key = (id(loop), id(endpoint))
        known = sessions.get(key)
        if known is not None and known[0] is endpoint and known[1] is loop \
                and not known[2].closed:
            return known[2]
        auth = None
        if endpoint.basic_auth:
            auth = aiohttp.BasicAuth(endpoint.basic_auth["username"],
                                     endpoint.basic_auth["password"])
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        sessions[key] = (endpoint, loop, session)
        return session

    async def request(
        self: EndpointConfig,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Rasa's EndpointConfig.request, on a shared session instead of a new one."""
        headers = {"Content-Type": content_type} if content_type else {}
        headers.update(kwargs.pop("headers", None) or {})
        headers.update(self.headers or {})
        sslcontext = None
        if self.cafile:
            try:
                sslcontext = ssl.create_default_context(cafile=self.cafile)
            except FileNotFoundError as error:
                raise FileNotFoundException(
                    f"Failed to find certificate file, "
                    f"'{os.path.abspath(self.cafile)}' does not exist."
                ) from error
        async with shared_session(self).request(
            method,
            concat_url(self.url, subpath),
            headers=headers,
            params=self.combine_parameters(kwargs),
            compress=compress,
            ssl=sslcontext,
            **kwargs,
        ) as response:
            if response.status >= 400:
                raise ClientResponseError(response.status, response.reason,
                                          await response.content.read())
            try:
                return await response.json()
            except ContentTypeError:
                return None

    EndpointConfig.request = request
