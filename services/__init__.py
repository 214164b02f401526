"""Services beside the Rasa server — the LINE gateway and worker, the officers' console — in the
application environment (Python 3.12, requirements/app.lock). They reach Rasa only over HTTP and
Redis and never import Rasa; they use the pure domain package market_entry."""
