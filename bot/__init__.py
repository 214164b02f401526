"""Rasa-side code of the assistant: custom NLU components, stores and channels."""
