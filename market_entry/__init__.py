"""Pure domain logic of the overseas-expansion assistant.

Nothing in this package imports Rasa or a web framework, so the bot environment (Python 3.10,
Rasa 3.6) and the services environment can both install it, and its tests run in seconds.
"""
