"""The JSON routes: /health (public) and /api/… (same rules as the pages; 401 when logged out,
404 for another desk's lead, X-CSRF-Token on POST). JSON keeps the machine codes (desk, market,
product and status ids) for integrations; the pages and the CSV show words."""

from __future__ import annotations

import redis
from aiohttp import web

from services.console.cases import Case, Filters
from services.console.context import call, console, lead_request, officer
from services.console.workflow import InvalidTransition


def case_json(case: Case, full: bool = False) -> dict:
    lead = case.lead
    data = {"id": lead.id, "desk": lead.desk, "created": lead.created, "score": lead.score,
            "markets": list(lead.markets), "products": list(lead.products),
            "status": case.status, "assignee": case.assignee, "amount": case.amount,
            "mou": case.mou, "poc": case.poc, "company": lead.contact.company}
    if full:
        data["lead"] = lead.to_dict()
        data["notes"] = case.notes
    return data


async def health(request: web.Request) -> web.Response:
    try:
        await call(request, console(request).client.ping)
    except redis.exceptions.RedisError:
        return web.json_response({"status": "error", "redis": False}, status=503)
    return web.json_response({"status": "ok", "redis": True})


async def me(request: web.Request) -> web.Response:
    who = officer(request)
    return web.json_response({"username": who.username, "desk": who.desk, "role": who.role,
                              "csrf": request["session"]["csrf"]})


async def leads(request: web.Request) -> web.Response:
    who = officer(request)
    filters = Filters.from_query(request.query, who.visible_desks())
    cases = await call(request, console(request).cases.queue, who, filters)
    await call(request, console(request).cases.audit, who.username, "view_queue", "",
               f"api {len(cases)} leads")
    return web.json_response({"leads": [case_json(c) for c in cases]})


async def lead(request: web.Request) -> web.Response:
    found = await lead_request(request, with_notes=True)
    await call(request, console(request).cases.audit, found.officer.username, "view_lead",
               found.case.lead.id, "api")
    return web.json_response(case_json(found.case, full=True))


async def status(request: web.Request) -> web.Response:
    found = await lead_request(request)
    try:
        body = await request.json()
    except ValueError:
        return web.json_response({"error": "JSON body expected"}, status=400)
    wanted = str((body or {}).get("status", "")) if isinstance(body, dict) else ""
    try:
        await call(request, console(request).cases.set_status, found.case, wanted,
                   found.officer.username)
    except (InvalidTransition, redis.exceptions.WatchError) as error:
        return web.json_response({"error": str(error) or "conflict"}, status=409)
    return web.json_response(case_json(found.case))
