"""The trade officers' web console (aiohttp + Jinja2, no JavaScript, no external assets): the app
factory, the route table and `main`.

    python -m services.console.app     (CONSOLE_SECRET_KEY required; REDIS_URL, CONSOLE_HOST,
                                        CONSOLE_PORT, CONSOLE_SECURE_COOKIES, KNOWLEDGE_DIR;
                                        docs/console.md)

The parts: sessions.py (signed cookies, server-side sessions, CSRF token), middleware.py
(headers, errors, login, CSRF), views.py (pages and form posts), api.py (JSON), context.py (the
shared services and the thread pool every Redis and file call runs on), cases.py (leads with
their case state), kpi.py, export.py, labels.py (words for codes), knowledge.py (desks, names,
programme targets), workflow.py (statuses and permissions), accounts.py, charts.py.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import redis
from aiohttp import web

from services.console import api, views
from services.console.accounts import Accounts
from services.console.cases import Cases
from services.console.context import CONSOLE, Console
from services.console.knowledge import KnowledgeFilesError, ReferenceStore, load_desks
from services.console.middleware import MIDDLEWARES
from services.console.sessions import Sessions
from services.console.settings import Settings, load

log = logging.getLogger("console")

ROUTES = [
    web.get("/health", api.health),
    web.get("/login", views.login_form),
    web.post("/login", views.login),
    web.post("/logout", views.logout),
    web.get("/", views.index),
    web.get("/queue", views.queue),
    web.get("/leads/{lead_id}", views.lead_detail),
    web.post("/leads/{lead_id}/claim", views.claim),
    web.post("/leads/{lead_id}/assign", views.assign),
    web.post("/leads/{lead_id}/status", views.change_status),
    web.post("/leads/{lead_id}/notes", views.add_note),
    web.post("/leads/{lead_id}/outcome", views.set_outcome),
    web.get("/audit", views.audit_page),
    web.get("/kpi", views.kpi_page),
    web.get("/export.csv", views.export),
    web.get("/api/me", api.me),
    web.get("/api/leads", api.leads),
    web.get("/api/leads/{lead_id}", api.lead),
    web.post("/api/leads/{lead_id}/status", api.status),
]


def create_app(settings: Settings, client: redis.Redis | None = None) -> web.Application:
    app = web.Application(middlewares=MIDDLEWARES, client_max_size=256 * 1024)
    client = client or redis.Redis.from_url(settings.redis_url, socket_timeout=5,
                                            socket_connect_timeout=3)
    pool = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="console")
    app[CONSOLE] = Console(
        settings=settings, client=client,
        accounts=Accounts(client, settings.max_failures, settings.lockout_seconds),
        cases=Cases(client), sessions=Sessions(client, settings),
        reference=ReferenceStore(settings.knowledge_dir, settings.knowledge_reload_seconds),
        templates=views.make_templates(), pool=pool)

    async def stop_pool(_app: web.Application) -> None:
        pool.shutdown(wait=False, cancel_futures=True)

    app.on_cleanup.append(stop_pool)
    app.router.add_routes(ROUTES)
    return app


def _issues(error: KnowledgeFilesError) -> str:
    return "\n".join(f"  {issue}" for issue in error.issues[:20])


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)   # paths only via our logs
    try:
        settings = load()
    except Exception as error:  # noqa: BLE001 - one clear line, no traceback
        raise SystemExit(f"console: {error}") from None
    try:
        load_desks(settings.knowledge_dir)
        app = create_app(settings)
        app[CONSOLE].reference.get()
    except KnowledgeFilesError as error:
        raise SystemExit(f"console: the knowledge files have problems:\n{_issues(error)}") from None
    try:
        app[CONSOLE].client.ping()
    except redis.exceptions.RedisError:
        raise SystemExit("console: Redis is unreachable (REDIS_URL)") from None
    log.info("console on http://%s:%d", settings.host, settings.port)
    web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
