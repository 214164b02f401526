"""Rasa-side code of the assistant: custom NLU components, stores and channels."""

from bot.rasa_speedups import install as _install_speedups

_install_speedups()
