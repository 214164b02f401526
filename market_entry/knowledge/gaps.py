"""What owners asked that the packs could not answer, grouped for knowledge staff.

The action server records each unanswered question (personal data masked) in a Redis sorted set
per market (market_entry.unanswered: `unanswered:<market>` → question → times asked). This report
groups similar questions and suggests, for each group, the market and topic of the entry to write:

- market: a market or country the question names (its aliases in the packs and countries.yml),
  else the market the conversation was about when it was recorded ("none" if neither);
- similar: within a market, questions sharing enough content — Chinese character pairs and
  English words after normalisation, without the market's name, question words (什麼, 怎麼,
  多少…) and particles. Questions about two different recognised topics are never grouped;
- topic: the topic whose aliases (knowledge/topics.yml) the group's questions use most.

No learned model: the same questions always give the same groups. Groups come most asked first.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from market_entry.normalise import normalise
from market_entry.redis_keys import UNANSWERED_PREFIX

NO_MARKET = "none"
NO_TOPIC = "(no topic recognised)"
SIMILARITY = 0.5

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9+\-]*[a-z0-9]|[a-z]")
_MASK = re.compile(r"<(?:email|number)>")
# Characters that carry no content in a question (particles, pronouns, question words).
_STOP_CHARS = set("的了嗎呢吧啊呀喔哦嘛是有在到把被和與及或也都就還很我你妳他她它們請問什麼怎樣哪誰幾嗎該能會想")
_STOP_PAIRS = {"需要", "可以", "如何", "多少", "是否", "一下", "現在", "目前", "如果", "應該", "知道",
               "請教", "一個", "這個", "那個", "相關", "規定", "問題", "資訊", "東西", "比較"}
_STOP_WORDS = set("""
    a an the to of in on for and or is are be do does did can could should would will i we you my
    our your it this that what which how when where who why there any some about with from into
    need needs want get much many please tell me us know if than then
""".split())


class SortedSetReader(Protocol):
    def scan_iter(self, match: str) -> Iterable: ...
    def zrevrange(self, name: str, start: int, end: int, withscores: bool) -> list: ...


@dataclass(frozen=True)
class Question:
    text: str            # as stored: normalised, personal data masked
    count: int
    recorded_market: str


@dataclass
class GapGroup:
    market: str                       # suggested market (or country) code, "none" if unknown
    topic: str                        # suggested topic id, NO_TOPIC if none recognised
    total: int = 0                    # times asked, all questions of the group
    questions: list[tuple[str, int]] = field(default_factory=list)  # most asked first
    terms: list[str] = field(default_factory=list)  # the words the group's questions share
    size: int = 0                     # distinct questions in the group


def read_unanswered(client: SortedSetReader) -> list[Question]:
    out = []
    for raw_key in client.scan_iter(match=f"{UNANSWERED_PREFIX}:*"):
        key = _text(raw_key)
        market = key.split(":", 1)[1] or NO_MARKET
        for raw_question, score in client.zrevrange(key, 0, -1, withscores=True):
            out.append(Question(_text(raw_question), int(score), market))
    return out


def features(text: str, ignore: Iterable[str] = ()) -> set[str]:
    """The content of a question: character pairs of its Chinese runs and its English words,
    after normalisation, without `ignore` (the market's name) and words that carry no content."""
    text = _MASK.sub(" ", normalise(text).lower())
    for phrase in sorted({p.lower() for p in ignore if p}, key=len, reverse=True):
        text = text.replace(phrase, " ")
    found = set()
    for run in _CJK_RUN.findall(text):
        kept = "".join(ch if ch not in _STOP_CHARS else " " for ch in run)
        for piece in kept.split():
            if len(piece) == 1:
                found.add(piece)
            found.update(p for p in (piece[i:i + 2] for i in range(len(piece) - 1))
                         if p not in _STOP_PAIRS)
    found.update(w for w in _LATIN_WORD.findall(_CJK_RUN.sub(" ", text)) if w not in _STOP_WORDS)
    return found


def similarity(a: set[str], b: set[str]) -> float:
    """Shared content over the smaller question's content (a short question inside a long one
    counts as similar)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def group_questions(
    questions: list[Question],
    market_of: Callable[[str], tuple[str | None, list[str]]],
    topic_of: Callable[[str], str | None],
    examples: int = 5,
    threshold: float = SIMILARITY,
) -> list[GapGroup]:
    """Groups of similar questions per suggested market, most asked first.

    `market_of(question)` gives the market or country code the question names (or None) and the
    words naming it (left out of the comparison); `topic_of(question)` the topic it names.
    """
    merged: dict[tuple[str, str], int] = Counter()
    named: dict[str, list[str]] = {}
    for q in questions:
        code, words = market_of(q.text)
        named[q.text] = words
        market = code or (q.recorded_market if q.recorded_market != NO_MARKET else NO_MARKET)
        merged[(market, q.text)] += q.count

    clusters: list[_Cluster] = []
    by_market: dict[str, list[_Cluster]] = {}
    for (market, text), count in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])):
        member = _Member(text, count, features(text, named[text]), topic_of(text))
        best, best_score = None, 0.0
        for cluster in by_market.get(market, []):
            score = cluster.score(member)
            if score >= threshold and score > best_score:
                best, best_score = cluster, score
        if best is None:
            best = _Cluster(market)
            by_market.setdefault(market, []).append(best)
            clusters.append(best)
        best.members.append(member)
    groups = [c.group(examples) for c in clusters]
    return sorted(groups, key=lambda g: (-g.total, -g.size, g.market, g.topic))


@dataclass
class _Member:
    text: str
    count: int
    features: set[str]
    topic: str | None


@dataclass
class _Cluster:
    market: str
    members: list[_Member] = field(default_factory=list)

    def score(self, new: _Member) -> float:
        if new.topic and any(m.topic and m.topic != new.topic for m in self.members):
            return 0.0
        return max(similarity(new.features, m.features) for m in self.members)

    def group(self, examples: int) -> GapGroup:
        topics = Counter()
        for m in self.members:
            if m.topic:
                topics[m.topic] += m.count
        topic = min(topics, key=lambda t: (-topics[t], t)) if topics else NO_TOPIC
        ordered = sorted(self.members, key=lambda m: (-m.count, m.text))
        return GapGroup(self.market, topic, sum(m.count for m in self.members),
                        [(m.text, m.count) for m in ordered[:examples]], self._terms(ordered),
                        len(ordered))

    def _terms(self, ordered: list[_Member]) -> list[str]:
        """Words of the most asked question that at least half the group's questions share,
        joined back into words (太空, 空衣 → 太空衣)."""
        if len(ordered) < 2:
            return []
        need = math.ceil(len(ordered) / 2)
        counts = Counter(f for m in ordered for f in m.features)
        shared = {f for f, n in counts.items() if n >= need and n >= 2}
        seed = normalise(ordered[0].text).lower()
        covered = [False] * len(seed)
        for f in shared:
            for match in re.finditer(re.escape(f), seed):
                covered[match.start():match.end()] = [True] * len(f)
        runs, current = [], ""
        for ch, on in zip(seed, covered, strict=True):
            if on:
                current += ch
            elif current:
                runs.append(current.strip())
                current = ""
        if current:
            runs.append(current.strip())
        return list(dict.fromkeys(r for r in runs if r))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def gaps_report(
    client: SortedSetReader,
    market_of: Callable[[str], tuple[str | None, list[str]]],
    topic_of: Callable[[str], str | None],
    examples: int = 5,
) -> list[GapGroup]:
    return group_questions(read_unanswered(client), market_of, topic_of, examples)
