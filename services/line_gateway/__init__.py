"""The LINE channel: a webhook gateway (app.py) that verifies, deduplicates and queues LINE events
in a Redis stream, and workers (worker.py) that pass them to Rasa's REST channel and send the
answers back through the Reply and Push APIs. See docs/line.md."""
