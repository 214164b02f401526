"""Measured fixes for the Rasa server's largest CPU costs under load.

Profiling the Rasa server at concurrency 8 (py-spy) showed two avoidable costs, both repeated
for every message:
- every action-server response is checked with `jsonschema.validate(result, spec)`, which first
  re-validates the schema itself against the JSON Schema meta-schema: 35-40 % of the CPU.
  A validator built once from the same schema gives the same verdicts and error messages.
- every stored event is deserialised through `Event.resolve_by_type`, which walks the whole
  Event class tree per event: about 10 %. The type-name → class answer never changes once the
  classes are imported, so it is remembered.
Installed once, when Rasa imports the `bot` package; behaviour is unchanged.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    try:
        from jsonschema import ValidationError
        from jsonschema.validators import validator_for
        from rasa.core.actions.action import RemoteAction
        from rasa.shared.constants import DOCS_BASE_URL
    except ImportError:  # outside the bot environment: nothing to speed up
        return

    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)(spec)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format "
                f"visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error

    RemoteAction._validate_action_result = _validate_action_result
    _remember_event_types()
    _installed = True


def _remember_event_types() -> None:
    from rasa.shared.core.events import Event

    search = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Any = None) -> Any:
        found = known.get(type_name)
        if found is None:
            found = search(type_name, default)
            if found is not None and getattr(found, "type_name", None) == type_name:
                known[type_name] = found
        return found

    Event.resolve_by_type = staticmethod(resolve_by_type)
