"""Ranks knowledge entries for an owner's question.

BM25 over segmented text (jieba words plus CJK bigrams, so a typo or an unusual split still
overlaps), restricted to the asked market and boosted by the topic, products and certifications
the question names. The result says what to do with it: answer the best entry, let the owner
choose when the best few are too close to call, or admit the packs do not cover it. That decision
is the honesty guarantee: below the threshold the assistant never answers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from market_entry.english_words import fold
from market_entry.gazetteer import CERTIFICATION, MARKET, PRODUCT, TOPIC
from market_entry.knowledge.model import Entry, KnowledgeBase
from market_entry.normalise import normalise
from market_entry.segmentation import Segmenter
from market_entry.semantic import Weights
from market_entry.term_matcher import TermMatch

ANSWER, CHOOSE, NOT_COVERED = "answer", "choose", "not_covered"

_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_WORDLIKE = re.compile(r"\w", re.UNICODE)

# Words that say nothing about which rule is asked for. Kept short on purpose: a word that
# distinguishes entries (出口, 進口, 公司) must not be here.
STOPWORDS = frozenset(
    """的 了 嗎 呢 吧 啊 喔 哦 耶 是 有 在 要 會 能 可以 需要 請問 請 問 想 想要 我 我們 你 你們 他們 公司的
    什麼 甚麼 哪些 哪個 怎麼 怎樣 怎麼辦 怎麼做 怎麼樣 麼辦 如何 為什麼 多少 一下 一些 相關 關於 規定 規範 問題 注意 事項 還有 那 那麼
    這 這個 那個 和 與 及 跟 或 或是 到 去 賣 賣到 做 是否 出口 外銷 銷售 產品 商品 東西 市場 就 也 都 嗎? 呀 啦 的話 應該 一定 目前 現在 最新
    對了 另外 順便 順便問 補充 by btw anyway also 如果 若是 假如 換成 改成 那如果 的話呢 呢? 請教 想問 問一下 欸 耶 喔 啦 哦 嘛 吧 嗎 呢 謝謝 一下子
    a an the to of for in on at by and or is are do does did i we our you my me can could should
    what which how when where who why there any about need needs needed want wants please tell
    sell selling export exporting exports product products goods market it its this that be with from into as rules rule regulations
    regulation requirements requirement
    哪裡 哪裏 很 聽說 勒 咧 捏 類似 類似的 一樣 一樣的 同樣 相同 similar same
    ok okay so then well yes yeah yep hmm hi hello thanks thank 好 好的 嗯 嗯嗯 了解 收到 瞭解
    we're i'm it's don't doesn't we've they're there's""".split()
)


# "台灣這邊要先辦什麼", "在台灣申請", "what do we need from the Taiwan side": a question about the
# procedure at home ("從台灣出口到日本" is not: it is how owners say they export).
_HOME_SIDE = re.compile(
    r"在(?:台灣|臺灣)(?:申請|辦|這邊)|(?:從|由)?(?:台灣|臺灣)(?:這邊|這裡|端|國內)|"
    r"\b(?:from|on) (?:the )?Taiwan(?:ese)? side\b|"
    # a permit to export is Taiwan's to give ("從台灣出口需要先申請什麼許可嗎")
    r"(?:從|由)(?:台灣|臺灣)出口[^。？?]{0,12}許可|出口(?:前|時)?[^。？?]{0,12}(?:申請|申清)[^。？?]{0,6}許可|"
    r"輸出許可|\bexport (?:permit|licen[cs]e)s?\b|"
    # registering to export is done at home ("剛開公司 想要自己出口 是要先去登記什麼嗎")
    r"(?:出口前|出口之前|自己出口|要出口|第一次出口|開始出口|準備出口)[^。？?]{0,16}(?:登記|register)|"
    r"出口(?:廠商)?登記|出口[^。？?]{0,8}許可證|"
    r"\bregister\w*\b[^.?!]{0,25}\bbefore (?:we |our first )?(?:export|ship)|"
    r"\bexporter registration\b|"
    r"\b(?:issued|issue|apply|applied|get|obtain)\b[^.?!]{0,20}\bin Taiwan\b", re.IGNORECASE)


def about_home_side(text: str) -> bool:
    return bool(_HOME_SIDE.search(text))


@dataclass(frozen=True)
class RetrievalSettings:
    k1: float = 1.2
    b: float = 0.75
    topic_boost: float = 0.25
    product_boost: float = 0.15
    certification_boost: float = 0.2
    answer_threshold: float = 0.40
    related_ratio: float = 0.85    # candidates this close to the best are offered as "related"
    max_choices: int = 3
    family_penalty: float = 0.2    # an entry about another product family than the owner's
    fused_topic_boost: float = 0.08   # hybrid scale: the entry is on the topic the owner named
    own_market_bonus: float = 0.04    # hybrid scale: the market's own entry over a Taiwan-side one
    # A Taiwan-side entry leads a question about a named market only when the market's own best
    # entry scores under this share of it (the own entry knows the market; the general one
    # wins on wording its many example questions share with the owner's).
    own_market_share: float = 0.9
    # ...unless the Taiwan-side entry covers this much more of the question's words ("外貿協會在
    # 當地有沒有辦公室" names the Taiwan side's own service).
    own_market_coverage_gap: float = 0.15
    # Hybrid: an entry that shares no word with the question answers only on a clearly higher
    # meaning score ("歐盟的武器出口管制" is near REACH by meaning alone, and not about it).
    wordless_margin: float = 0.1
    # An entry on the asked topic leads when it scores at least this share of the best one:
    # product words weigh heavily ("the US import duty for bicycle derailleurs" shares more
    # words with the bicycle safety rule than with the duty lookup).
    asked_topic_share: float = 0.75
    # ...and covers at least this share of the words the best one covers (topic words are
    # broad: 子公司 is a company word in "台灣母公司還能算中小企業嗎").
    asked_topic_coverage: float = 0.5
    # An entry about more of the terms the owner named (O/A, D/A, PSE) leads when it scores at
    # least this share of the best one: "客人要O/A 90天 怕收不到錢 有什麼保險" shares its worries
    # with the L/C insurance's example questions, and is about the open-account insurance.
    named_term_share: float = 0.85
    # ...or of a best entry tagged with other terms the named one lacks (O/A against D/A).
    named_term_share_elsewhere: float = 0.7
    # Topics on which the packs serving every market (Taiwan's own programmes) answer any
    # market's question. Their other entries are procedures at home (a certificate of origin,
    # duty drawback, TFDA's free-sale certificate): they answer only a question that names
    # them or says it is about the Taiwan side, never "我們要在胡志明市賣保養品".
    home_topics: frozenset[str] = frozenset({"support", "payment", "channels"})
    # Of those, the topics whose answer is the same whatever the market, so a question on them
    # that names none is answered from the Taiwan side without asking "which market?" ("which
    # desk can we ask", "how to insure an open-account buyer"). Finding a distributor is not:
    # the channels differ by market.
    market_free_topics: frozenset[str] = frozenset({"support", "payment"})
    # Without a market, a question on these topics asks a destination's rule ("寵物凍乾零食出口
    # 需要什麼認證"): the Taiwan side answers it only when it names the procedure at home.
    destination_topics: frozenset[str] = frozenset(
        {"certification", "labelling", "regulated_import", "tariffs"})


@dataclass(frozen=True)
class Query:
    """What the owner asked, with entities from the message and from the conversation so far."""

    text: str
    market: str | None = None
    topics: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    taiwan_side_only: bool = False   # only the packs that serve all markets (no market known)
    # The topic the owner's own words ask about ("…what certification is required?"), when
    # there is one: an entry on it leads unless another is clearly better.
    asked_topic: str | None = None
    # The market the conversation was about before this message named `market`: entries of
    # that market that also answer for `market` (Entry.also_for) may answer.
    conversation_market: str | None = None


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float
    coverage: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RetrievalResult:
    decision: str
    candidates: tuple[Candidate, ...] = ()
    unknown_words: tuple[str, ...] = field(default=())
    threshold: float = 0.0           # the score an answer needed (lexical or fused scale)
    ranking: tuple[Candidate, ...] = ()   # every scored entry, best first

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Retriever:
    """An index over one KnowledgeBase; build a new one when the knowledge reloads."""

    def __init__(
        self,
        kb: KnowledgeBase,
        segmenter: Segmenter,
        settings: RetrievalSettings | None = None,
        term_cache: dict[str, Counter] | None = None,
    ) -> None:
        self.kb = kb
        self.segmenter = segmenter
        self.settings = settings or RetrievalSettings()
        self._entries = [e for e in kb.entries if e.published]
        # Segmenting every entry is most of the index build; a reload after one edited entry
        # reuses the other entries' terms (keyed by their full text, so any change re-segments).
        cache = term_cache if term_cache is not None else {}
        self._docs = []
        for entry in self._entries:
            text = self._document_text(entry)
            if text not in cache:
                cache[text] = Counter(self.terms(text))
            self._docs.append(cache[text])
        self._lengths = [sum(d.values()) for d in self._docs]
        self._avg_length = (sum(self._lengths) / len(self._lengths)) if self._lengths else 1.0
        df: Counter[str] = Counter()
        for doc in self._docs:
            df.update(doc.keys())
        n = len(self._docs)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._unseen_idf = math.log(1 + (n + 0.5) / 0.5)

    def _document_text(self, entry: Entry) -> str:
        kb = self.kb
        parts: list[str] = []
        for text in entry.title.values():
            parts += [text, text]
        for phrasings in entry.questions.values():
            for text in phrasings:
                parts += [text, text]
        parts += list(entry.answer.values())
        for product in entry.products:
            parts += list(kb.products[product].all_aliases())
        for certification in entry.certifications:
            parts += list(kb.certifications[certification].all_aliases())
        return "\n".join(parts)

    def terms(self, text: str) -> list[str]:
        """Index terms: lower-cased words without stopwords, plus bigrams of long CJK words."""
        out: list[str] = []
        for word in self.segmenter.words(normalise(text).lower()):
            if word in STOPWORDS or not _WORDLIKE.search(word):
                continue
            word = fold(word)
            out.append(word)
            if len(word) >= 3 and _CJK.match(word):
                out += [b for b in (word[i : i + 2] for i in range(len(word) - 1))
                        if b not in STOPWORDS]
        return out

    def content_terms(
        self, query: Query, matches: Iterable[TermMatch] = (), leave_out: tuple[str, ...] = (MARKET,)
    ) -> list[str]:
        """Query terms that say what is asked: market names are context, not content."""
        text = query.text
        for match in sorted(matches, key=lambda m: m.start, reverse=True):
            if match.label in leave_out:
                text = text[: match.start] + " " + text[match.end :]
        return self.terms(text)

    def unknown_share(self, terms: list[str]) -> float:
        """Share of the distinct query words that appear nowhere in the packs."""
        distinct = {t for t in terms if len(t) > 1}
        if not distinct:
            return 0.0
        return sum(1 for t in distinct if t not in self._idf) / len(distinct)

    def by_topic(self, market: str, topic: str, products: tuple[str, ...] = ()) -> list[Entry]:
        """Entries on one topic for a market: its own before Taiwan-side ones, those about the
        owner's products first within each."""
        entries = [e for e in self._entries if e.topic == topic and self.kb.serves(e, market)
                   and (e.market == market or not self._home_procedure(e))
                   and market not in e.also_for]
        return sorted(entries, key=lambda e: (e.market != market, not set(products) & set(e.products)))

    def search(self, query: Query, matches: Iterable[TermMatch] = (),
               semantic: Mapping[str, float] | None = None,
               fusion: Weights | None = None) -> RetrievalResult:
        """Rank the entries that serve the query's market. With `semantic` (entry id → weighted
        meaning score, market_entry.semantic) the score is the hybrid one: weighted lexical
        score plus semantic score, judged against the hybrid threshold."""
        settings = self.settings
        terms = self.content_terms(query, matches)
        unknown = tuple(t for t in dict.fromkeys(terms) if t not in self._idf and len(t) > 1)
        weights = {t: self._idf.get(t, self._unseen_idf) for t in set(terms)}
        total_weight = sum(weights.values())
        candidates: list[Candidate] = []
        families = {self.kb.products[p].family_id for p in query.products if p in self.kb.products}
        home_side = about_home_side(query.text)
        for index, entry in enumerate(self._entries):
            if query.taiwan_side_only and not self._serves_all(entry):
                continue
            if (query.market or entry.topic in settings.destination_topics) and \
                    self._home_procedure(entry) and not home_side and \
                    not set(query.certifications) & set(entry.certifications):
                continue
            if query.market and not self.kb.serves(entry, query.market):
                continue
            if query.market and entry.market != query.market and query.market in entry.also_for \
                    and query.conversation_market != entry.market \
                    and not self._names_market(query.text, entry.market):
                continue
            if not entry.applies_where(query.text):
                continue
            doc, length = self._docs[index], self._lengths[index]
            bm25, matched_weight = 0.0, 0.0
            for term, idf in weights.items():
                tf = doc.get(term, 0)
                if not tf:
                    continue
                matched_weight += idf
                norm = settings.k1 * (1 - settings.b + settings.b * length / self._avg_length)
                bm25 += idf * tf * (settings.k1 + 1) / (tf + norm)
            coverage = matched_weight / total_weight if total_weight else 0.0
            score, reasons = coverage, []
            entry_families = {self.kb.products[p].family_id for p in entry.products
                              if p in self.kb.products}
            # A question about bicycle parts must not be answered with the batteries rule.
            other_family = bool(families and entry_families and not families & entry_families)
            on_topic = bool(query.topics) and entry.topic in query.topics
            if on_topic:
                score += settings.topic_boost
                reasons.append(f"{TOPIC}:{entry.topic}")
            shared_products = set(query.products) & set(entry.products)
            if shared_products:
                score += settings.product_boost
                reasons.append(f"{PRODUCT}:{','.join(sorted(shared_products))}")
            if other_family:
                reasons.append("other_product_family")
            shared_certs = set(query.certifications) & set(entry.certifications)
            if shared_certs:
                score += settings.certification_boost
                reasons.append(f"{CERTIFICATION}:{','.join(sorted(shared_certs))}")
            # BM25 breaks ties between entries that cover the same words; scaled down so the
            # decision still rests on coverage and entities, which are comparable across queries.
            score += min(bm25, 30.0) / 300.0
            if semantic is not None and fusion is not None:
                score = fusion.lexical * score + semantic.get(entry.id, 0.0)
                if on_topic:
                    score += settings.fused_topic_boost
                if query.market and entry.market == query.market:
                    score += settings.own_market_bonus
            if other_family:
                score -= settings.family_penalty
            if score > 0:
                candidates.append(Candidate(entry, score, coverage, tuple(reasons)))
        # Equal scores: the entry that covers more of the question's words first.
        candidates.sort(key=lambda c: (c.score, c.coverage), reverse=True)
        if query.asked_topic and candidates and candidates[0].entry.topic != query.asked_topic:
            # (not an entry about another kind of product: tyres are no answer to "醬油賣泰國
            # 要什麼認證")
            on_topic = next((c for c in candidates if c.entry.topic == query.asked_topic
                             and "other_product_family" not in c.reasons), None)
            if on_topic is not None and \
                    on_topic.score >= settings.asked_topic_share * candidates[0].score and \
                    on_topic.coverage >= settings.asked_topic_coverage * candidates[0].coverage:
                candidates.remove(on_topic)
                candidates.insert(0, on_topic)
        named = set(query.certifications)
        if named and candidates and not query.products:
            # (With a product named, the product's own entries rank first: "Malaysia need
            # SIRIM for our wireless earphones?" is answered by the wireless rule.)
            def shared(c: Candidate) -> int:
                return len(named & set(c.entry.certifications))
            most = max(candidates, key=shared)
            best = candidates[0]
            # The best entry is about another term of its own ("對方要D/A 120天" ranks the O/A
            # insurance first on its wording): the named one wins by a wider margin.
            elsewhere = not shared(best) and bool(
                set(best.entry.certifications) - set(most.entry.certifications))
            share = settings.named_term_share_elsewhere if elsewhere \
                else settings.named_term_share
            if shared(most) > shared(best) and most.score >= share * best.score:
                candidates.remove(most)
                candidates.insert(0, most)
        if query.market and candidates and candidates[0].entry.market != query.market \
                and query.market not in candidates[0].entry.also_for and not home_side:
            own = next((c for c in candidates if c.entry.market == query.market), None)
            if own is not None and own.score >= settings.own_market_share * candidates[0].score \
                    and own.coverage + settings.own_market_coverage_gap > candidates[0].coverage:
                candidates.remove(own)
                candidates.insert(0, own)
        threshold = fusion.threshold if semantic is not None and fusion is not None \
            else settings.answer_threshold
        if semantic is not None and fusion is not None and candidates \
                and candidates[0].coverage == 0:
            threshold += settings.wordless_margin
        return self._decide(candidates, unknown, threshold)

    def _names_market(self, text: str, market: str) -> bool:
        """Whether `text` names `market` by one of its names or aliases."""
        pack = self.kb.markets.get(market)
        if pack is None:
            return False
        words = [*pack.names.values(), *(w for group in pack.aliases.values() for w in group)]
        folded = text.casefold()
        return any(w.casefold() in folded for w in words if len(w) > 2)

    def _home_procedure(self, entry: Entry) -> bool:
        return self._serves_all(entry) and entry.topic not in self.settings.home_topics

    def _serves_all(self, entry: Entry) -> bool:
        pack = self.kb.markets.get(entry.market)
        return pack is not None and pack.serves_all_markets

    def _decide(self, candidates: list[Candidate], unknown: tuple[str, ...],
                threshold: float) -> RetrievalResult:
        """Answer the best entry when it is good enough; entries nearly as good travel with it
        as "related" (an owner gets an answer and can still open the others)."""
        shown = tuple(candidates[: self.settings.max_choices])
        decision = ANSWER if candidates and candidates[0].score >= threshold else NOT_COVERED
        return RetrievalResult(decision, shown, unknown, threshold, tuple(candidates))

    def related(self, result: RetrievalResult) -> list[Entry]:
        """The runners-up close enough to the answered entry to offer beside it."""
        best = result.best
        if best is None:
            return []
        return [c.entry for c in result.candidates[1:]
                if c.score >= best.score * self.settings.related_ratio
                and c.score >= result.threshold]
