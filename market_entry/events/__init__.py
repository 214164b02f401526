"""The trade-events catalogue: model, validated loader, hot-reloading store and listing."""

from market_entry.events.listing import Listed, Query, list_events, match_event, parse_query
from market_entry.events.loader import EventsError, load_events
from market_entry.events.model import KINDS, Catalogue, Event
from market_entry.events.store import EventStore

__all__ = [
    "KINDS", "Catalogue", "Event", "EventStore", "EventsError", "Listed", "Query", "list_events",
    "load_events", "match_event", "parse_query",
]
