"""Knowledge packs: their model, schema, loader and the hot-reloading store."""

from market_entry.knowledge.loader import KnowledgeError, load_knowledge
from market_entry.knowledge.model import Entry, KnowledgeBase, Market, Source, Term
from market_entry.knowledge.store import KnowledgeStore

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "KnowledgeStore",
    "Market",
    "Source",
    "Term",
    "load_knowledge",
]
