"""rasa_sdk actions: thin adapters between Rasa and the market_entry domain package."""
