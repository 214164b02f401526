"""Which bilateral-platform desk receives a lead.

The desk of the first target market that has a pack (knowledge/markets/<code>/market.yml names
it); markets without a pack are skipped; with none left, scoring.yml's `default_desk`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from market_entry.knowledge.model import Market


def desk_for(markets: Iterable[str], packs: Mapping[str, Market], default_desk: str) -> str:
    for code in markets:
        market = packs.get(code)
        if market is not None and not market.serves_all_markets and market.desk:
            return market.desk
    return default_desk
