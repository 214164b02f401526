"""Services beside the bot (own environment: requirements/services.lock); they talk to the bot only
over HTTP and Redis and never import Rasa."""
