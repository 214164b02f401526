"""Text normalisation shared by the NLU pipeline and the action server.

Owners paste Simplified Chinese from mainland sources, type full-width letters on phone keyboards and
mix English into Chinese sentences. Everything downstream (segmentation, gazetteers, retrieval)
expects one canonical form: Taiwan Traditional Chinese, half-width ASCII, single spaces.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import opencc

_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_halfwidth(text: str) -> str:
    """NFKC folds full-width letters, digits and punctuation (Ｐ Ｓ Ｅ, ？) to ASCII."""
    return unicodedata.normalize("NFKC", text)


def has_simplified(text: str) -> bool:
    """True when the text reads as Simplified Chinese.

    A few characters are common in Taiwanese writing yet count as Simplified to OpenCC (台 in 台灣,
    干, 准): a Traditional message containing them must not be rewritten (s2twp would also turn
    文件 into 檔案). So the text counts as Simplified only when it has more characters that
    Simplified conversion would change than characters that are Traditional-only.
    """
    to_traditional = _converter("s2t").convert(text)
    to_simplified = _converter("t2s").convert(text)
    if to_traditional == text:
        return False
    if len(to_traditional) != len(text) or len(to_simplified) != len(text):
        return to_simplified == text
    simplified = traditional = 0
    for original, as_traditional, as_simplified in zip(text, to_traditional, to_simplified, strict=True):
        if as_simplified != original:
            traditional += 1
        elif as_traditional != original:
            simplified += 1
    return simplified > traditional


def to_traditional(text: str, keep_length: bool = False) -> str:
    """Convert Simplified Chinese to Taiwan Traditional Chinese with Taiwan vocabulary.

    `s2twp` also swaps mainland words for Taiwan ones (软件 → 軟體); that can change the length, so
    callers holding character offsets (annotated training data) ask to keep the length and get the
    character-level conversion when the phrase-level one would move offsets.
    """
    if not has_simplified(text):
        return text
    converted = _converter("s2twp").convert(text)
    if keep_length and len(converted) != len(text):
        converted = _converter("s2tw").convert(text)
        if len(converted) != len(text):
            return text
    return converted


_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=4096)
def normalise(text: str, keep_length: bool = False) -> str:
    """Canonical form of an owner's message (see module docstring). A lone surrogate (valid in
    JSON, not encodable) would break every component after this one; the channels drop them
    first, and this keeps them out (as a space when offsets must stay put)."""
    text = _SURROGATE.sub(" " if keep_length else "", text)
    if keep_length:
        folded = to_halfwidth(text)
        if len(folded) != len(text):
            folded = text
        return to_traditional(folded, keep_length=True)
    cleaned = _SPACES.sub(" ", to_halfwidth(text)).strip()
    return to_traditional(cleaned)


def to_simplified_projection(text: str) -> str:
    """Character-for-character Simplified projection, used only to segment with jieba.

    jieba's bundled dictionary is built from Simplified text and splits Traditional text badly
    (小家電的 → 小家/電的). Segmenting the projection and mapping the offsets back to the original
    keeps Traditional text intact while using the dictionary jieba was made for.
    """
    projected = _converter("t2s").convert(text)
    if len(projected) == len(text):
        return projected
    # Phrase tables rarely change length; fall back to converting one character at a time.
    return "".join(_converter("t2s").convert(ch) or ch for ch in text)


def detect_language(text: str) -> str:
    """'en' for messages written in English, otherwise 'zh-TW' (our default audience)."""
    if _CJK.search(text):
        return "zh-TW"
    return "en" if _LATIN_WORD.search(text) else "zh-TW"
