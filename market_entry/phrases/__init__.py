"""The one phrase catalogue: everything the assistant says outside domain.yml's rule responses.

The texts live in `messages.yml` beside this module (zh-TW and en side by side) so wording is
reviewed and edited as data; code asks for a key. Keys are namespaced by feature
(`answer.not_covered`, `handoff.ask.phone`), and tests assert on keys, not on wording.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("zh-TW", "en")
CATALOGUE = Path(__file__).with_name("messages.yml")


class Localised(dict):
    """A value that differs by language (a product's name), filled in when a phrase is rendered."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """The phrases, checked once: every key needs text for both languages (possibly empty)."""
    data = yaml.safe_load(CATALOGUE.read_text("utf-8"))
    for key, texts in data.items():
        if not isinstance(texts, dict) or any(not isinstance(texts.get(lang), str)
                                              for lang in LANGUAGES):
            raise ValueError(f"{CATALOGUE.name}: {key} needs zh-TW and en texts")
    return data


def say(key: str, lang: str, **values: object) -> str:
    """The phrase `key` in `lang` (English for "en", Traditional Chinese otherwise)."""
    texts = catalogue()[key]
    lang = "en" if lang == "en" else "zh-TW"
    resolved = {name: value.get(lang, "") if isinstance(value, Localised) else value
                for name, value in values.items()}
    return texts[lang].format(**resolved)


def both(key: str, **values: object) -> dict[str, str]:
    """The phrase in every language, for results rendered later in the owner's language."""
    return {lang: say(key, lang, **values) for lang in LANGUAGES}


def localised(texts: Mapping[str, str]) -> Localised:
    return Localised(texts)


def clip_label(label: str, limit: int = 20) -> str:
    """Button labels must fit LINE's quick-reply limit; cut with an ellipsis when longer."""
    return label if len(label) <= limit else label[: limit - 1] + "…"
