"""What every handler shares: the console's services (one object on the app), the thread pool that
runs every Redis and file call off the event loop, and the preamble of the lead routes.

Blocking I/O policy: the console uses synchronous redis-py (market_entry.leads.store is
synchronous and shared with the action server), and every call that touches Redis or the
knowledge files goes through `call()`, which runs it on the console's own ThreadPoolExecutor.
Handlers and middleware never call a store directly.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2
import redis
from aiohttp import web
from multidict import MultiDictProxy

from services.console.accounts import Accounts
from services.console.cases import Case, Cases
from services.console.knowledge import ReferenceStore
from services.console.labels import Labels
from services.console.settings import Settings
from services.console.workflow import Officer

if TYPE_CHECKING:
    from services.console.sessions import Sessions

T = TypeVar("T")


@dataclass(frozen=True)
class Console:
    settings: Settings
    client: redis.Redis
    accounts: Accounts
    cases: Cases
    sessions: Sessions
    reference: ReferenceStore
    templates: jinja2.Environment
    pool: ThreadPoolExecutor


CONSOLE = web.AppKey("console", Console)


def console(request: web.Request) -> Console:
    return request.app[CONSOLE]


async def call(request: web.Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call (Redis, files, argon2) on the console's thread pool."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(console(request).pool,
                                      functools.partial(fn, *args, **kwargs))


async def labels(request: web.Request) -> Labels:
    """The labels of the current reference version (reloaded on the pool when files changed)."""
    return Labels(await call(request, console(request).reference.get))


def officer(request: web.Request) -> Officer:
    return request["officer"]


def is_api(request: web.Request) -> bool:
    return request.path.startswith("/api/")


def not_found(request: web.Request) -> web.HTTPNotFound:
    if is_api(request):
        return web.HTTPNotFound(text='{"error": "not found"}', content_type="application/json")
    return web.HTTPNotFound(text="找不到這筆案件。")


@dataclass(frozen=True)
class LeadRequest:
    officer: Officer
    case: Case
    form: MultiDictProxy | None


async def lead_request(request: web.Request, *, with_notes: bool = False,
                       form: bool = False) -> LeadRequest:
    """The officer, the lead of `{lead_id}` and (for form posts) the form. A lead that does not
    exist and one of a desk the officer may not see both answer 404 (never 403), so lead ids
    of other desks cannot be probed."""
    who = officer(request)
    case = await call(request, console(request).cases.get, request.match_info["lead_id"],
                      with_notes=with_notes)
    if case is None or not who.can_see(case.lead.desk):
        raise not_found(request)
    return LeadRequest(who, case, await request.post() if form else None)
