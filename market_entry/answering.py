"""Turns an owner's question plus the conversation context into a reply.

This is the whole market-question dialogue logic, kept free of Rasa so it is tested in
milliseconds: the Rasa action only passes in the message, the slots and the language, then sends
the reply's text and buttons and stores its slot updates.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from market_entry.english_words import corrected
from market_entry.gazetteer import (
    CERTIFICATION,
    MARKET,
    PRODUCT,
    TOPIC,
    domain_words,
    product_precedence,
    term_patterns,
)
from market_entry.knowledge.model import Entry, KnowledgeBase, pick
from market_entry.knowledge.store import KnowledgeStore
from market_entry.normalise import normalise
from market_entry.phrases import clip_label, say
from market_entry.question_words import QuestionWords
from market_entry.retrieval import (
    ANSWER,
    NOT_COVERED,
    Query,
    RetrievalResult,
    RetrievalSettings,
    Retriever,
    about_home_side,
)
from market_entry.segmentation import Segmenter
from market_entry.semantic import SemanticScorer
from market_entry.term_matcher import TermMatch, TermMatcher

# Kinds of reply, for the adapters and tests.
ANSWERED = "answered"
CHOICES = "choices"
ASK_MARKET = "ask_market"
NOT_COVERED_REPLY = "not_covered"
UNCOVERED_MARKET = "uncovered_market"
MARKET_SELECTED = "market_selected"
UNAVAILABLE = "unavailable"
UNCLEAR = "unclear"
OUT_OF_SCOPE = "out_of_scope"
UNCLEAR_SHARE = 0.5

MAX_TOPIC_CHOICES = 6
# An entry on the Taiwan-side topic the owner named answers when it scores this share of the best.
NAMED_TOPIC_CLOSE = 0.9
# Without a market, a Taiwan-side entry answers unless a market's own entry scores this much
# better (then the answer depends on the market, and the owner is asked which).
TAIWAN_SIDE_MARGIN = 1.15
TAIWAN_SIDE_MIN_COVERAGE = 0.3    # lexical ranking only
TAIWAN_SIDE_MIN_HYBRID = 0.5      # hybrid ranking (dev split: right answers 0.6+, strays ~0.4)

# Share of the retrieval threshold a Taiwan-side entry needs when the owner asks about the
# paperwork to export from Taiwan.
HOME_SIDE_SHARE = 0.8
_EXPORT_PAPERWORK_AT_HOME = re.compile(
    r"(?:出口前|出口之前|自己出口|要出口|第一次出口|開始出口|準備出口)[^。？?]{0,16}"
    r"(?:登記|register|申請|許可)|出口(?:廠商)?登記|出口[^。？?]{0,8}許可證|"
    r"\bregister\w*\b[^.?!]{0,25}\bbefore (?:we |our first )?"
    r"(?:export|ship)|\bexporter registration\b|\bexport (?:permit|licen[cs]e)s?\b",
    re.IGNORECASE)

# Topics most owners ask about first; used to order suggestion buttons.
SUGGESTED_TOPICS = (
    "certification", "labelling", "tariffs", "regulated_import", "customs", "carbon_esg",
    "data_protection", "support", "company_tax", "channels", "ip", "payment",
)


# Share of the retrieval threshold a topic-only question's best entry needs to be answered.
TOPIC_ANSWER_SHARE = 0.5


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Context:
    """What the conversation already established (Rasa slots)."""

    market: str | None = None
    topic: str | None = None
    product: str | None = None
    pending_question: str | None = None
    last_question: str | None = None


@dataclass
class Reply:
    kind: str
    text: str
    buttons: list[Button] = field(default_factory=list)
    slots: dict[str, object] = field(default_factory=dict)
    entry: Entry | None = None
    result: RetrievalResult | None = None
    market: str | None = None
    topic: str | None = None

    def card(self) -> dict | None:
        """Machine-readable summary of an answer, for channels that render cards (LINE Flex,
        the web widget) and for tests; sent beside the text, never instead of it."""
        if self.entry is None:
            return None
        return {
            "kind": "market_answer",
            "entry_id": self.entry.id,
            "market": self.entry.market,
            "topic": self.entry.topic,
            "checked": self.entry.checked.isoformat(),
            "volatile": self.entry.volatile,
            "sources": [{"title": s.title, "url": s.url} for s in self.entry.sources],
        }


@dataclass
class _Reading:
    """One message as the answerer reads it. The later steps narrow it: the question re-read
    for the chosen market, or with the question or product before it."""

    clean: str                      # normalised; negated features and a reporter taken out
    as_typed: str                   # normalised, as the owner typed it
    own_matches: list[TermMatch]    # the terms of the message itself
    matches: list[TermMatch]        # the terms of the question as finally read
    found: dict[str, list[str]]     # the message's own terms by label
    markets: list[str]
    topics: list[str]
    asked_topic: str | None
    products: list[str]
    certifications: list[str]
    content: list[str]
    typed_content: list[str]
    question: str                   # what is searched: the message, or the earlier question
    before: str | None              # the conversation's previous question
    follow_up: bool


def payload(intent: str, **entities: str) -> str:
    """A Rasa button payload: /intent{"entity": "value"}."""
    body = json.dumps(entities, ensure_ascii=False, separators=(",", ":")) if entities else ""
    return f"/{intent}{body}"


class Answerer:
    def __init__(self, store: KnowledgeStore, settings: RetrievalSettings | None = None,
                 dense: bool = False, vector_cache: Path | None = None) -> None:
        """`dense`: rank with the semantic views too (market_entry.semantic); their vectors
        persist in `vector_cache` so a restart or an edit embeds only what changed."""
        self.store = store
        self.settings = settings or RetrievalSettings()
        self.dense = dense
        self.vector_cache = vector_cache
        self._semantic: SemanticScorer | None = None
        self._built_for: str | None = None
        self._retriever: Retriever | None = None
        self._matcher: TermMatcher | None = None
        self._words = QuestionWords.none()   # until the indexes are built
        self._segmenter: Segmenter | None = None
        self._term_cache: dict = {}
        self._building = threading.Lock()   # a warm-up thread and a request may both ask

    # -- indexes, rebuilt when the knowledge changes -------------------------------------------
    def _indexes(self) -> tuple[KnowledgeBase, Retriever, TermMatcher]:
        kb = self.store.get()
        if self._built_for == kb.fingerprint and self._retriever is not None:
            return kb, self._retriever, self._matcher
        with self._building:
            return self._build(kb)

    def _build(self, kb: KnowledgeBase) -> tuple[KnowledgeBase, Retriever, TermMatcher]:
        if self._built_for != kb.fingerprint or self._retriever is None:
            # One segmenter for the process: loading jieba's dictionary takes most of a second,
            # so a reload only adds the new domain words to it.
            if self._segmenter is None:
                self._segmenter = Segmenter(domain_words(kb))
            elif self._segmenter.add_words(domain_words(kb)):
                self._term_cache.clear()  # new words change how cached texts would segment
            retriever = Retriever(kb, self._segmenter, self.settings, self._term_cache)
            if self.dense:
                self._semantic = SemanticScorer([e for e in kb.entries if e.published],
                                                self.vector_cache)
            self._retriever = retriever
            self._matcher = TermMatcher(term_patterns(kb), product_precedence(kb))
            self._words = QuestionWords.of(kb)
            self._built_for = kb.fingerprint
        return kb, self._retriever, self._matcher

    def _search(self, retriever: Retriever, query: Query, matches: list[TermMatch],
                market_blind_check: bool = False) -> RetrievalResult:
        """Lexical search, made hybrid when the semantic views are on."""
        scorer = self._semantic
        if scorer is None or not query.text:
            return retriever.search(query, matches)
        result = retriever.search(query, matches, self._meaning(query.text), scorer.weights)
        bare = _without_markets(query.text, matches)
        if not market_blind_check or result.decision != ANSWER or bare == query.text \
                or not bare.strip():
            return result
        best = result.best.entry
        if best.topic in query.topics and set(query.products) & set(best.products):
            # The entry is about the product the owner named and on the topic they named
            # ("aquarium heaters to thailand need any cert??"): more than the market's name.
            return result
        # The market's name ranks the market's own entries well, but must not carry the answer:
        # "墨西哥治安好嗎" is close to every Mexico entry by that one word. Without it, the
        # question must still clear the bar.
        check = retriever.search(query, matches, self._meaning(bare), scorer.weights)
        if check.best is None or check.best.score < check.threshold:
            return replace(result, decision=NOT_COVERED)
        return result

    def _own_reading(self, retriever: Retriever, matcher: TermMatcher, query: Query,
                     clean: str, joined: RetrievalResult) -> RetrievalResult:
        """A follow-up is read with the question before it; but when the follow-up alone,
        on the same market and product, answers with an entry that covers far more of its
        own words than the joined reading's entry does, the owner moved on ("想在美國開LLC
        開Amazon帳號" … "那sales tax要我們自己去每個州報嗎" asks about sales tax, not the LLC)."""
        alone = self._search(retriever, replace(query, text=clean), matcher.find(clean))
        if alone.decision != ANSWER or alone.best.entry is joined.best.entry:
            return joined
        own = next((c.score for c in alone.ranking if c.entry is joined.best.entry), 0.0)
        if alone.best.coverage >= OWN_READING_MIN_COVERAGE and \
                alone.best.score >= OWN_READING_FACTOR * own:
            return alone
        return joined

    def _meaning(self, text: str) -> Mapping[str, float]:
        """Semantic scores of `text` (the scorer remembers recent texts)."""
        return self._semantic.scores(text)

    def warm_up(self) -> None:
        """Builds the indexes and loads the sentence model now (at server start), not on the
        first owner's question."""
        self._indexes()
        if self._semantic is not None:
            self._semantic.scores("warm up")

    def find_terms(self, text: str) -> list[TermMatch]:
        return self._indexes()[2].find(normalise(text))

    # -- the dialogue --------------------------------------------------------------------------
    def respond(
        self,
        text: str,
        lang: str,
        context: Context,
        entities: dict[str, str] | None = None,
    ) -> Reply:
        """Reply to a market question, a market choice ("日本") or a button payload.

        `entities` are entities Rasa already resolved from a button payload (market, topic,
        entry_id); free text is analysed here so the result does not depend on NLU entities.
        Four steps: read the message, choose the market, fill in what the conversation already
        said, then choose the entry (for a topic alone, or for a question).
        """
        try:
            kb, retriever, matcher = self._indexes()
        except Exception:  # noqa: BLE001 - no valid knowledge at all: say so, never crash
            return Reply(UNAVAILABLE, say("answer.no_knowledge", lang), self._base_buttons(lang))
        entities = entities or {}
        if entities.get("entry_id"):
            entry = kb.entry(entities["entry_id"])
            if entry is not None and entry.published:
                return self._answer(kb, entry, lang, None)

        reading = self._read(text, entities, context, retriever, matcher)
        if reading.as_typed and (self._words.not_our_job.search(reading.as_typed)
                                 or _TRANSLATE_FOR_ME.search(reading.as_typed)):
            # "那可以順便幫我寫一首關於鳳梨酥的短詩嗎" after a Japan question, "老闆個人海外所得
            # 要申報最低稅負嗎": not a market-entry question, whatever market or product it
            # names; declined, and the conversation's market is kept for the next question.
            return Reply(OUT_OF_SCOPE, say("answer.out_of_scope", lang), self._base_buttons(lang))
        market = self._choose_market(kb, retriever, matcher, reading, context, lang)
        if isinstance(market, Reply):
            return market
        if not reading.content and not reading.topics and not reading.question:
            if market is None:
                return self._ask_market(kb, "", lang)
            return self._market_selected(kb, market, lang)
        if market is None:
            return self._reply_without_market(kb, retriever, matcher, reading, context, lang)
        if reading.question != reading.clean:
            self._reread_for_market(kb, matcher, reading, market, lang)
        self._add_conversation(kb, reading, context)
        _ask_approvals_where_filed(kb, reading, market)
        _ask_registration_of_approvals(kb, reading, market)

        specifics = retriever.content_terms(Query(reading.question), reading.matches,
                                            leave_out=(MARKET, TOPIC))
        if reading.topics and ((not specifics and not reading.certifications)
                               or is_tax_only(reading.clean)):
            reply = self._topic_only_reply(kb, retriever, reading, market, context, lang)
        else:
            reply = self._question_reply(kb, retriever, matcher, reading, market, context, lang)
        if reply.kind == ANSWERED and reply.entry is not None and reading.clean and (
                reading.question == reading.clean or reading.follow_up):
            # (a follow-up asks its own second question too: "那稅呢 公司稅跟SST大概多少")
            second = self._second_question(retriever, market, reading.clean,
                                           matcher.find(reading.clean), reply.entry,
                                           tuple(reading.products))
            if second is not None:
                reply.text += "\n\n" + self.format_entry(kb, second, lang)
        if reply.kind == ANSWERED and reply.entry is not None and reading.clean:
            company_tax = self._company_tax_entry(retriever, market, reading.clean,
                                                  reading.before, reply.entry)
            if company_tax is not None and company_tax.id not in reply.text:
                reply.text += "\n\n" + self.format_entry(kb, company_tax, lang)
        reply.slots.setdefault("market", market)
        reply.slots["pending_question"] = None
        reply.slots["last_question"] = reading.question[-200:] or None
        reply.market = market
        reply.topic = reading.topics[0] if reading.topics else None
        return reply

    # -- reading the message -------------------------------------------------------------------
    def _read(self, text: str, entities: dict[str, str], context: Context,
              retriever: Retriever, matcher: TermMatcher) -> _Reading:
        """What the message names and asks, before the market is chosen."""
        is_payload = text.strip().startswith("/")
        clean = "" if is_payload else without_negated_features(corrected(normalise(text)))
        matches = matcher.find(clean) if clean else []
        as_typed = clean
        reported = without_reporter(clean) if clean else clean
        if reported != clean and not _DEALING_WITH_PARTNER.search(reported) and \
                retriever.content_terms(Query(reported)):
            # "河內代理商說要先備案才能進口": the distributor reports a rule; the rule is the
            # question, not distributors (unless the rest is about dealing with them: "代理商說
            # 要簽獨家 合約要注意什麼").
            clean, matches = reported, matcher.find(reported)

        said_as_language = _without_language_names(matches, clean, bool(context.market))
        language_named = len(said_as_language) < len(matches)
        matches = said_as_language
        found = _values(matches)
        content = retriever.content_terms(Query(clean), matches) if clean else []
        # The question before this one: answered, or still waiting for its market ("We make
        # skincare serums in Taichung." … "What about Vietnam? How do we get our serum onto
        # shelves there?").
        before = context.last_question or context.pending_question
        # What the owner said, before a reporter ("代理商說…") was taken out: the length that
        # makes a question short is the length as typed.
        typed_content = content if as_typed == clean else retriever.content_terms(Query(as_typed))
        return _Reading(
            clean=clean,
            as_typed=as_typed,
            own_matches=matches,
            matches=matches,
            found=found,
            # (the model's market entity is the same words: "西班牙文" is no market either)
            markets=found[MARKET] or ([entities["market"]] if entities.get("market")
                                      and not language_named else []),
            topics=_without_setting_topics(
                found[TOPIC] or ([entities["topic"]] if entities.get("topic") else []),
                matches, self._words),
            asked_topic=_asked_topic(clean, matches, self._words),
            products=found[PRODUCT],
            certifications=found[CERTIFICATION],
            content=content,
            typed_content=typed_content,
            question=clean if content and not _asks_the_same_there(clean, content, found)
            else (context.pending_question or context.last_question or ""),
            before=before,
            # (or names nothing and points back: "why? is this new rule? what we need to do"
            # after the owner's importer asked for emission data)
            follow_up=bool(content) and bool(before) and (
                is_follow_up(as_typed) or bool(_ASKS_WHAT_IT_IS.search(as_typed)) or (
                    not matches and bool(_REFERS_BACK.search(as_typed))
                    and len(typed_content) <= SHORT_QUESTION_TERMS)),
        )

    # -- choosing the market -------------------------------------------------------------------
    def _choose_market(self, kb: KnowledgeBase, retriever: Retriever, matcher: TermMatcher,
                       reading: _Reading, context: Context, lang: str) -> str | Reply | None:
        """The market the question is about, None when nothing says, or the reply when the
        owner named a place we have no single pack for (a region, another country).

        The message first, then the conversation, then a certification that exists in only one
        market (PSE is Japanese). A question about Taiwan's own programmes (subsidies, SME
        status, export insurance) needs none: it is answered as it is."""
        clean, matches, markets = reading.clean, reading.matches, reading.markets
        market = _destination([m for m in matches if m.label == MARKET
                               and m.value in kb.destinations()], clean) or next(
            (m for m in markets if m in kb.destinations()), None)
        asked = _asked_place([m for m in matches if m.label == MARKET
                              and m.value not in kb.groups], clean) if market else None
        if asked is not None and asked not in kb.destinations():
            # "瑞士不是歐盟吧？CE的產品可以直接賣到瑞士嗎", "之前主要賣美國，現在加拿大的超市
            # 想進貨": the place asked about has no pack, whatever covered market frames it.
            return self._uncovered(kb, asked, lang, clean)
        if market is None and markets and markets[0] in kb.groups:
            # "中東電商要上哪個平台": a region with one pack is that pack
            members = kb.groups[markets[0]].markets
            market = members[0] if len(members) == 1 and members[0] in kb.destinations() else None
        if market is None and markets:
            first = markets[0]
            taiwan = self._taiwan_side(kb, retriever, reading.question, matches, lang,
                                       on_topic=True) if reading.content else None
            if taiwan is not None and first not in kb.groups and \
                    taiwan.entry.topic not in self.settings.market_free_topics and \
                    not about_home_side(clean) and not _ASKS_WHERE_TO_GET.search(clean):
                # "出口到土耳其的紡織品要繳多少關稅？需要原產地證明嗎？" asks Türkiye's rules:
                # Taiwan's certificate-of-origin office answers only "where do we get one"
                taiwan = None
            if taiwan is not None:
                return taiwan
            if first in kb.groups:
                return self._ask_group(kb, first, clean or context.pending_question, lang)
            return self._uncovered(kb, first, lang, clean)
        market = market or (context.market if context.market in kb.destinations() else None)
        if market is None and reading.clean and _POINTS_THERE.search(reading.clean):
            # "我們想去挪威賣露營用品" … "他們也是用CE嗎": still the place without a pack, not
            # the market CE belongs to.
            place = _uncovered_before(kb, matcher, context)
            if place is not None:
                return self._uncovered(kb, place, lang, context.last_question or "")
        return market or _single_market_for(kb, reading.certifications)

    def _reply_without_market(self, kb: KnowledgeBase, retriever: Retriever,
                              matcher: TermMatcher, reading: _Reading, context: Context,
                              lang: str) -> Reply:
        """A question with no market: Taiwan's side answers it, or the owner is asked which
        market (or to rephrase, when it is not about trade at all)."""
        question, clean, matches = reading.question, reading.clean, reading.matches
        taiwan_question, taiwan_matches = question, matches
        if question == clean and context.last_question and not matches and (
                len(reading.typed_content) <= SHORT_QUESTION_TERMS or (
                    _REFERS_BACK.search(clean)
                    and len(reading.typed_content) <= 2 * SHORT_QUESTION_TERMS)):
            # "對方要D/A 120天" … "這樣風險很大吧 有什麼辦法保障": a short question naming
            # nothing is about what the conversation named (the D/A insurance, not O/A's).
            taiwan_question = f"{context.last_question} {clean}"
            taiwan_matches = matcher.find(taiwan_question)
        taiwan = self._taiwan_side(kb, retriever, taiwan_question, taiwan_matches, lang)
        if taiwan is not None:
            return taiwan
        about_trade = any(m.label in (MARKET, TOPIC, CERTIFICATION) for m in matches) or \
            bool(self._words.trade.search(clean))
        if not about_trade and reading.content and \
                retriever.unknown_share(reading.content) >= UNCLEAR_SHARE:
            # Nothing market-related and mostly words the packs never use ("how do I cook
            # fried rice", "明天台中會下雨嗎 要不要曬茶葉": a product alone does not make a
            # trade question): asking "which market?" would be absurd.
            return Reply(UNCLEAR, say("fallback.rephrase_no_suggestion", lang),
                         self._base_buttons(lang))
        place = _uncovered_before(kb, matcher, context)
        if place is not None:
            # "我們是做機能布料的 想拓展韓國市場" … "那邊要什麼認證": the place the owner just
            # named has no pack; asking "which market?" would forget it.
            return self._uncovered(kb, place, lang, context.last_question or "")
        return self._ask_market(kb, clean, lang)

    # -- what the conversation adds ------------------------------------------------------------
    def _reread_for_market(self, kb: KnowledgeBase, matcher: TermMatcher, reading: _Reading,
                           market: str, lang: str) -> None:
        """"日本" answering "which market?", or "那美國呢？": the earlier question, re-read for
        this market. A certification of another market ("泰國的電器要TISI" → "那馬來西亞呢")
        says what kind of rule is asked, not which one. The earlier question named the earlier
        market ("越南的食品要越南文標示嗎"): asked again for this one, it names this one."""
        question = _retarget(reading.question, matcher.find(reading.question),
                             kb.markets[market].name(lang))
        named = matcher.find(question)
        matches = [m for m in named if m.label != CERTIFICATION or _used_in(kb, m.value, market)]
        found = _values(matches)
        reading.question, reading.matches = question, matches
        # (GDPR asked again for Thailand asks Thailand's data protection rules, before the
        # e-commerce the question was set in)
        reading.topics = reading.topics or list(dict.fromkeys([
            *(_topic_of_certification(kb, m.value) for m in named if m.label == CERTIFICATION
              and _topic_of_certification(kb, m.value) in kb.topics), *found[TOPIC]]))
        reading.products = reading.products or found[PRODUCT]
        reading.certifications = reading.certifications or found[CERTIFICATION]

    def _add_conversation(self, kb: KnowledgeBase, reading: _Reading, context: Context) -> None:
        """The product and topic the conversation established, where the message names none."""
        clean = reading.clean
        if not reading.products and context.product:
            reading.products = [context.product]
        if not reading.topics and context.topic and (not reading.question or (
                reading.found[MARKET] and not reading.certifications
                and len(set(reading.typed_content)) <= SHORT_QUESTION_TERMS)):
            # (or a short question of its own about another market, naming no topic: "we got
            # trademark in taiwan already" … "for europe need to register in each country one
            # by one??")
            reading.topics = [context.topic]
        if not reading.topics and (is_tax_only(clean) or _TAX_WORD.search(clean)):
            # "那稅呢", "稅怎麼算": a tax of whichever kind the conversation is about — company
            # and sales taxes, duties, or the tax on parcels — ranked by that conversation
            reading.topics = [t for t in TAX_TOPICS if t in kb.topics]
            if _IMPORT_WORD.search(clean):
                # "那稅呢 進口要繳哪些": the taxes on importing, not the company's
                reading.topics = [t for t in reading.topics if t != "company_tax"]

    # -- choosing the entry --------------------------------------------------------------------
    def _topic_only_reply(self, kb: KnowledgeBase, retriever: Retriever, reading: _Reading,
                          market: str, context: Context, lang: str) -> Reply:
        """Only a topic ("那標籤呢？", "那稅呢", a topic button): that topic's entries for the
        product, ranked by what the conversation was about.

        Something to rank by: the conversation's last question (or the question still waiting
        for its market: "我們要架日文官網賣保健食品…" → "日本有個資的規定要注意嗎？"), or a
        topic phrase that is itself specific ("公司所得稅", not just "稅" or "標籤")."""
        clean, topics = reading.clean, reading.topics
        tax_only = is_tax_only(clean)
        earlier = (context.last_question or context.pending_question) if clean else None
        specific = any(m.label == TOPIC and len(m.text.replace(" ", "")) >= 3
                       for m in reading.matches if clean)
        ranking = f"{earlier} {clean}" if earlier else (clean if specific else "")
        # "我們的手機殼想在菲律賓的Shopee賣" … "那稅呢": selling goods there, the taxes are
        # the duty and the tax charged on import, not a company's; after "我們要在吉隆坡設
        # 子公司" they are the company's.
        selling = tax_only and bool(earlier) and not self._words.company_setup.search(earlier)
        if selling:
            topics = [t for t in topics if t != "company_tax"] or topics
            reading.topics = topics
        reply = self._topic_answer(kb, retriever, market,
                                   tuple(topics) if tax_only else tuple(topics[:1]),
                                   tuple(reading.products), ranking, lang)
        import_tax = _import_tax_entry(kb, market, reply.entry) if selling else None
        if reply.kind == ANSWERED and import_tax is not None:
            reply.text += "\n\n" + self.format_entry(kb, import_tax, lang)
        return reply

    def _question_reply(self, kb: KnowledgeBase, retriever: Retriever, matcher: TermMatcher,
                        reading: _Reading, market: str, context: Context, lang: str) -> Reply:
        """A question that says more than its topic: read with what it follows where it
        needs that, searched, and answered or called not covered."""
        r = reading
        clean, found = r.clean, r.found
        with_product = False   # the question was read with the product named earlier
        if r.follow_up and r.question == clean:
            # "那日本呢 我們是賣毛巾的", "and for the label, english is ok?": read with the
            # question it follows, on that question's topic unless it names its own.
            earlier = _retarget(r.before, matcher.find(r.before), kb.markets[market].name(lang))
            r.topics = r.topics or ([context.topic] if context.topic else [])
            r.question = f"{earlier} {clean}"
            r.matches = matcher.find(r.question)
            # (a rule the earlier question named is still the one asked about: "…contain
            # SVHC?" … "We just make bicycle bags, what is this?")
            r.certifications = r.certifications or list(dict.fromkeys(
                m.value for m in r.matches if m.label == CERTIFICATION
                and _used_in(kb, m.value, market)))
        elif r.question == clean and not found[PRODUCT] and context.product and \
                len(r.typed_content) <= SHORT_QUESTION_TERMS and \
                _product_matters(kb, market, r.asked_topic, context.product):
            # "我們做小型除濕機跟空清機" … "杜拜那邊要什麼認證": the product the owner named
            # earlier is part of a short question, in their own words where we have them.
            # Not when no entry of this market on the asked topic is about that product
            # (privacy law is the same for pet food and furniture), nor for a question that
            # says enough itself.
            r.question = _with_earlier_product(kb, matcher, context, clean, lang)
            r.matches = matcher.find(r.question)
            with_product = True
        if r.question == clean and not r.topics and context.topic and not any(
                found[label] for label in (MARKET, PRODUCT, CERTIFICATION)) and \
                len(r.typed_content) <= SHORT_QUESTION_TERMS:
            # "what law applies?", "要多久" after the privacy answer: a short question that
            # names nothing stays on the conversation's topic, and is read with the question
            # it follows ("我們的品牌想在菲律賓註冊商標" … "要找哪個單位申請？" asks where to file
            # the trademark, not which Taiwan office helps exporters).
            r.topics = [context.topic]
            if r.before and not found[TOPIC]:
                earlier = _retarget(r.before, matcher.find(r.before), kb.markets[market].name(lang))
                r.question = f"{earlier} {clean}"
                r.matches = matcher.find(r.question)
        query = Query(
            text=r.question,
            market=market,
            topics=tuple(r.topics),
            products=tuple(r.products),
            certifications=tuple(r.certifications),
            asked_topic=r.asked_topic,
            # ("…building a plant in Mexico" … "Would parts made there enter the US duty-free?")
            conversation_market=_earlier_market(kb, matcher, context, market),
        )
        # A question re-read for another market, or with the one it follows, was an owner's
        # real question already; one naming a certification is about more than the market. A
        # topic or product word is not enough ("泰國的婚姻簽證", "日本的量子蜂蜜執照" are not
        # ours): the market-blind check is for the rest.
        blind = r.question == clean and not r.certifications
        result = self._search(retriever, query, r.matches, market_blind_check=blind)
        if r.follow_up and r.question != clean and result.decision == ANSWER and \
                any(m.label in (TOPIC, CERTIFICATION) for m in r.own_matches):
            # (only a follow-up naming a subject of its own can have moved on: "那日本呢
            # 要什麼手續" after "我們做寵物零食" still asks about the pet treats)
            result = self._own_reading(retriever, matcher, query, clean, result)
        if result.decision != ANSWER and r.question == clean and context.product and \
                not found[PRODUCT] and context.product in kb.products:
            # "我們做保養品" … "河內代理商說要先備案才能進口 真的嗎": found nothing alone,
            # the question is about the product named earlier — answered only by an entry
            # about that product.
            joined = _with_earlier_product(kb, matcher, context, clean, lang)
            again = self._search(retriever, replace(query, text=joined), matcher.find(joined))
            if again.decision == ANSWER and context.product in again.best.entry.products:
                result = again
        if result.decision != ANSWER and (r.question == clean or with_product) and \
                context.last_question and not found[MARKET] and not found[TOPIC]:
            # ("越南有通路想進我們的即溶咖啡" … "進口前要先辦什麼手續？": the product alone
            # did not say enough; the earlier question does)
            result = self._read_with_earlier(retriever, matcher, kb, market, clean,
                                             context, query, result, lang)
        if result.decision == ANSWER:
            return self._answer(kb, result.best.entry, lang, result, retriever.related(result))
        return self._not_covered(kb, market, lang, result)

    # -- replies -------------------------------------------------------------------------------
    def format_entry(self, kb: KnowledgeBase, entry: Entry, lang: str) -> str:
        market = kb.markets[entry.market].name(lang)
        topic = kb.topics[entry.topic].name(lang)
        lines = [say("answer.header", lang, market=market, topic=topic, title=pick(entry.title, lang))]
        lines.append(pick(entry.answer, lang).strip())
        if lang == "en" and "en" not in entry.answer:
            lines.append(say("answer.english_missing", lang))
        if entry.volatile:
            lines.append(say("answer.volatile_note", lang, as_of=as_of(entry).isoformat()))
        for source in entry.sources:
            lines.append(say("answer.source_line", lang, title=source.title, url=source.url))
        lines.append(say("answer.checked_line", lang, checked=entry.checked.isoformat()))
        return "\n".join(lines)

    def _answer(self, kb, entry: Entry, lang: str, result: RetrievalResult | None,
                related: list[Entry] | None = None) -> Reply:
        """The entry, with buttons: entries nearly as relevant first (the owner may have meant
        one of them), then the market's other topics, trade events and a trade officer."""
        buttons = [Button(clip_label(pick(e.title, lang)),
                          payload("ask_market_question", entry_id=e.id))
                   for e in (related or [])[:2]]
        market = entry.market if entry.market in kb.destinations() else None
        if market is not None:
            buttons += self._topic_buttons(kb, market, lang, exclude=entry.topic,
                                           limit=3 - len(buttons))
        buttons += self._base_buttons(lang)
        return Reply(
            ANSWERED,
            self.format_entry(kb, entry, lang),
            buttons,
            slots={**({"market": market} if market else {}), "topic": entry.topic,
                   "last_entry": entry.id, "fallback_count": 0.0},
            entry=entry,
            result=result,
            market=market,
            topic=entry.topic,
        )

    def _read_with_earlier(self, retriever: Retriever, matcher: TermMatcher, kb: KnowledgeBase,
                           market: str, clean: str, context: Context, query: Query,
                           alone: RetrievalResult, lang: str) -> RetrievalResult:
        """A message that names neither market nor topic and finds nothing alone, read with
        the conversation's last question ("我們剛在菲律賓申請商標" … "聽說之後還要交什麼使用
        證明？期限多久？"). The entry found must share words with the message itself, so a new
        subject ("婚姻簽證要怎麼辦") is not answered with the earlier question's entry."""
        earlier = _retarget(context.last_question, matcher.find(context.last_question),
                            kb.markets[market].name(lang))
        joined = f"{earlier} {clean}"
        topics = (context.topic,) if context.topic else ()
        again = self._search(retriever, replace(query, text=joined, topics=topics),
                             matcher.find(joined))
        if again.decision != ANSWER:
            return alone
        own = next((c for c in alone.ranking if c.entry.id == again.best.entry.id), None)
        if own is None or own.coverage < EARLIER_MIN_OWN_COVERAGE:
            return alone
        return again

    def _company_tax_entry(self, retriever: Retriever, market: str, text: str,
                           before: str | None, answered: Entry) -> Entry | None:
        """The market's corporate income tax entry, for an owner setting up a company there
        who asks which taxes it pays ("如果在那邊開公司，要交什麼稅？", "If we open our own
        company in Japan (KK or GK) … what taxes will the company pay?"): the set-up entry the
        question finds does not say. Not when the question names another tax only ("在日本設
        公司 消費稅怎麼算" asks that tax)."""
        if not _ASKS_WHICH_TAXES.search(text) or (
                _NAMES_ANOTHER_TAX.search(text) and not _BROAD_TAX.search(text)):
            return None
        if not _SETS_UP_COMPANY.search(text) and not (before and _SETS_UP_COMPANY.search(before)):
            return None
        result = self._search(retriever, Query(
            text=CORPORATE_TAX_QUERY, market=market, topics=("company_tax",),
            asked_topic="company_tax"), [])
        best = result.best
        if result.decision != ANSWER or best is None or best.entry is answered or \
                best.entry.market != market:
            return None
        return best.entry

    def _second_question(self, retriever: Retriever, market: str, text: str,
                         matches: list[TermMatch], answered: Entry,
                         products: tuple[str, ...] = ()) -> Entry | None:
        """The entry for a second question in the same message ("越南公司稅多少 加值稅呢",
        "…NOM mandatory, and what about the label?"), when one clause asks about a topic of its
        own and another entry answers it. A clause naming only a certification ("PSE要多久？")
        adds nothing: the answer already is about that certification."""
        clauses = _question_clauses(text)
        if len(clauses) == 1:
            clauses = _joined_subjects(text, matches, *clauses[0])
        if len(clauses) < 2:
            return None
        # (the products the conversation named too: "我們做魚油膠囊" … "那包裝標籤上要寫什麼？
        # 有固定格式嗎" asks about the capsules' label, not children's products')
        products = tuple(dict.fromkeys([*(m.value for m in matches if m.label == PRODUCT),
                                        *products]))
        asking = [(start, end) for start, end in clauses if any(
            start <= m.start < end and m.label in (TOPIC, CERTIFICATION) for m in matches)]
        if len(asking) == 1:
            # ("那稅呢 公司稅跟SST大概多少": one clause asking, two subjects joined in it)
            asking = _joined_subjects(text, matches, *asking[0])
        for start, end in asking:
            named = [m for m in matches if start <= m.start < end
                     and m.label in (TOPIC, CERTIFICATION)]
            clause = text[start:end]
            clause_matches = [replace(m, start=m.start - start, end=m.end - start)
                              for m in matches if start <= m.start and m.end <= end]
            if not retriever.content_terms(Query(clause), clause_matches):
                continue
            topics = tuple(dict.fromkeys(m.value for m in named if m.label == TOPIC))
            certifications = tuple(m.value for m in named if m.label == CERTIFICATION)
            result = self._search(retriever, Query(
                text=clause, market=market, topics=topics, products=products,
                certifications=certifications,
                asked_topic=topics[0] if len(topics) == 1 else None), clause_matches)
            # (the best entry on the clause's topic: "…and is there VAT on what we sell
            # locally" ranks the parcel rules first, the VAT entry next; or on the rule it
            # names: "公司稅跟SST大概多少")
            on_topic = next((c for c in result.ranking if c.entry.topic in topics or (
                not topics and set(certifications) & set(c.entry.certifications))), None)
            if on_topic is not None and on_topic is not result.best and not any(
                    len(m.text.replace(" ", "")) >= 3 for m in named):
                # (only a specific word, not a bare "稅率多少", lets a lower entry answer)
                on_topic = None
            if result.decision == ANSWER and on_topic is not None and \
                    on_topic.entry is not answered and on_topic.score >= result.threshold:
                return on_topic.entry
        return None

    def _taiwan_side(self, kb, retriever: Retriever, question: str, matches: list[TermMatch],
                     lang: str, on_topic: bool = False) -> Reply | None:
        """An answer from the packs that serve every market (subsidies, SME status, export
        insurance, the desks), when the question is about those and no market was named.
        `on_topic`: a region or another country was named, so the answer must be on the topic
        the question names (topic words are broad: 買主 is a channels word, and a question
        about checking a buyer's credit is still about payment)."""
        if not question:
            return None
        # The terms named (O/A, D/A, L/C) pick the insurance for those terms.
        named_terms = tuple(dict.fromkeys(m.value for m in matches if m.label == CERTIFICATION))
        result = self._search(retriever, Query(text=question, taiwan_side_only=True,
                                               certifications=named_terms), matches)
        if result.decision != ANSWER and _EXPORT_PAPERWORK_AT_HOME.search(question) and \
                result.best is not None and result.best.score >= HOME_SIDE_SHARE * result.threshold:
            # The owner asks about the paperwork to export from Taiwan ("出口前要先去 register
            # 什麼嗎"): no other pack could answer, so a weaker match of Taiwan's own entries is
            # enough. (Only then: "台灣這邊" alone says where, not that it is about trade.)
            result = replace(result, decision=ANSWER)
        if result.decision != ANSWER:
            return None
        # ("想找海外buyer 有沒有單位可以幫忙matching": who the owner sells to is the setting;
        # the matching service is what is asked)
        named = set(_without_setting_topics(
            list(dict.fromkeys(m.value for m in matches if m.label == TOPIC)), matches, self._words))
        best = result.best
        if on_topic and named and best.entry.topic not in named:
            # "新興市場的食品規定" asks a market's food rules, not TAITRA's services; "新南向的
            # 收款風險高 輸出保險有優惠嗎" is a payment question the Taiwan side answers
            best = next((c for c in result.ranking if c.entry.topic in named), None)
            if best is None or best.score < result.threshold:
                return None
            result = replace(result, candidates=(best, *(c for c in result.candidates
                                                          if c is not best)))
        elif named and named <= self.settings.market_free_topics and \
                best.entry.topic not in named:
            # Only Taiwan-side topics named ("有沒有單位可以幫忙媒合" names support): a close
            # entry on that topic answers, not a near neighbour on another (checking a buyer).
            close = next((c for c in result.ranking if c.entry.topic in named), None)
            if close is not None and close.score >= max(result.threshold,
                                                        best.score * NAMED_TOPIC_CLOSE):
                best = close
                result = replace(result, candidates=(best, *(c for c in result.candidates
                                                              if c is not best)))
        # A programme Taiwan runs ("trade show subsidy", 中小企業認定標準) named in the
        # question says where the answer is, however long the question around it.
        # So does a question that says it is about the Taiwan side ("在台灣這邊要注意什麼").
        # (our government's help, asked about trade: "any government service" alone could be
        # about anything)
        names_programme = about_home_side(question) or (
            bool(_ASKS_OUR_GOVERNMENT.search(question)) and bool(self._words.trade.search(question))
        ) or any(
            m.label == CERTIFICATION and _taiwan_programme(kb, m.value) for m in matches)
        if on_topic and best.entry.topic not in self.settings.market_free_topics and not names_programme:
            # A region named with a rule's topic ("新興市場的食品規定") asks that region's rules,
            # not Taiwan's export certificates for food, unless it says "在台灣這邊".
            return None
        # So does a question only about support or payment, with no product named: "which
        # desk can we ask", "how can I insure an open-account buyer from the Taiwan side" are
        # the same for every market, and asking "which market?" would be a needless question.
        names_programme = names_programme or (
            bool(named) and named <= self.settings.market_free_topics and best.entry.topic in named
            and not any(m.label == PRODUCT for m in matches))
        # Otherwise, without a market the bar is higher: the question must clearly be about
        # Taiwan's own programmes ("新加坡設公司要多少錢" is not a booth-subsidy question).
        if not names_programme and (best.score < TAIWAN_SIDE_MIN_HYBRID
                                    if self._semantic is not None
                                    else best.coverage < TAIWAN_SIDE_MIN_COVERAGE):
            return None
        overall = self._search(retriever, Query(text=question), matches)
        if not names_programme and overall.best is not None and \
                overall.best.entry is not best.entry and \
                overall.best.score > best.score * TAIWAN_SIDE_MARGIN:
            return None   # a market's own rule fits clearly better: ask which market
        reply = self._answer(kb, best.entry, lang, result, retriever.related(result))
        reply.slots.update({"pending_question": None, "last_question": question})
        return reply

    def _choose(self, kb, entries: list[Entry], lang: str,
                result: RetrievalResult | None = None) -> Reply:
        buttons = [
            Button(clip_label(pick(e.title, lang)), payload("ask_market_question", entry_id=e.id))
            for e in entries
        ]
        buttons.append(Button(say("button.officer", lang), payload("request_human")))
        options = "\n".join(f"・{pick(e.title, lang)}" for e in entries)
        return Reply(CHOICES, say("answer.choose_entry", lang) + "\n" + options, buttons,
                     slots={"fallback_count": 0.0}, result=result)

    def _topic_answer(self, kb, retriever: Retriever, market: str, topics: tuple[str, ...],
                      products: tuple[str, ...], text: str, lang: str) -> Reply:
        """The topic's entries for the owner's product; when several fit, the one closest to
        the conversation is answered (the others offered beside it), or — with nothing to go
        on, as after a topic button — the owner chooses."""
        entries = [e for topic in topics for e in retriever.by_topic(market, topic, products)
                   if not text or e.applies_where(text)]
        if not entries:
            return self._not_covered(kb, market, lang, None)
        reply = self._topic_entries_answer(kb, retriever, market, topics, products, entries,
                                           text, lang)
        if reply.kind == ANSWERED and reply.entry is not None and reply.entry.products and \
                set(topics) <= LAYERED_TOPICS:
            # "我們的掛耳咖啡想賣到印尼" … "標籤呢": the food's own label rule, and the language
            # rule every product's label follows beside it.
            general = next((e for e in entries if not e.products), None)
            if general is not None:
                reply.text += "\n\n" + self.format_entry(kb, general, lang)
        return reply

    def _topic_entries_answer(self, kb, retriever: Retriever, market: str,
                              topics: tuple[str, ...], products: tuple[str, ...],
                              entries: list[Entry], text: str, lang: str) -> Reply:
        if products:
            # The owner's product (or its family) first; entries about other products go.
            families = {kb.products[p].family_id for p in products if p in kb.products}
            about = [e for e in entries if set(products) & set(e.products)] or [
                e for e in entries if families & {kb.products[p].family_id for p in e.products
                                                  if p in kb.products}]
            general = [e for e in entries if not e.products]
            if not about and not general:
                # Nothing on this topic for the product ("what about labels" for bicycles in
                # the EU): the product's own entries ranked by the question — GPSR for
                # bicycles — never another product's rules (the food label).
                return self._product_answer(kb, retriever, market, topics, products, families,
                                            text, lang)
            entries = about or general
        if len(entries) == 1:
            return self._answer(kb, entries[0], lang, None)
        if text:
            matcher = self._indexes()[2]
            query = Query(text=text, market=market, topics=topics, products=products)
            result = self._search(retriever, query, matcher.find(text))
            allowed = {e.id for e in entries}
            ranked = [c for c in result.ranking if c.entry.id in allowed]
            # The owner named the topic, so the entry nearest the conversation is a fair
            # answer at half the usual bar; the others are offered beside it.
            if ranked and ranked[0].score >= TOPIC_ANSWER_SHARE * result.threshold:
                others = [e for e in entries if e is not ranked[0].entry]
                return self._answer(kb, ranked[0].entry, lang, result, others[:2])
        return self._choose(kb, entries[:MAX_TOPIC_CHOICES], lang)

    def _product_answer(self, kb, retriever: Retriever, market: str, topics: tuple[str, ...],
                        products: tuple[str, ...], families: set[str], text: str,
                        lang: str) -> Reply:
        """The best entry about the owner's product (or its family), or "not covered"."""
        text = text or " ".join(kb.topics[t].name(lang) for t in topics if t in kb.topics)
        query = Query(text=text, market=market, topics=topics, products=products)
        result = self._search(retriever, query, self._indexes()[2].find(text))
        # The product itself first (bicycles), then its family (e-bikes are bicycles too).
        for same in (lambda e: set(products) & set(e.products),
                     lambda e: families & {kb.products[p].family_id for p in e.products
                                           if p in kb.products}):
            candidate = next((c for c in result.ranking if same(c.entry)), None)
            if candidate is not None and candidate.score >= TOPIC_ANSWER_SHARE * result.threshold:
                return self._answer(kb, candidate.entry, lang, result)
        return self._not_covered(kb, market, lang, result)

    def _not_covered(self, kb, market: str, lang: str, result: RetrievalResult | None) -> Reply:
        desk = kb.desks[kb.markets[market].desk].name(lang)
        text = say("answer.not_covered", lang, market=kb.markets[market].name(lang), desk=desk)
        buttons = [Button(say("button.officer", lang), payload("request_human"))]
        buttons += self._topic_buttons(kb, market, lang, limit=3)
        return Reply(NOT_COVERED_REPLY, text, buttons, result=result)

    def _uncovered(self, kb, code: str, lang: str, question: str) -> Reply:
        separator = ", " if lang == "en" else "、"
        covered = separator.join(m.name(lang) for m in kb.destinations().values())
        text = say("answer.uncovered_market", lang, market=kb.place_name(code, lang), covered=covered)
        buttons = [Button(say("button.officer", lang), payload("request_human"))]
        # (the question is kept, so "那邊要什麼認證" next still means that place)
        return Reply(UNCOVERED_MARKET, text, buttons,
                     slots={"market": None, "last_question": question[-200:] or None}, market=code)

    def _ask_market(self, kb, question: str, lang: str) -> Reply:
        buttons = [Button(m.name(lang), payload("inform_market", market=code))
                   for code, m in kb.destinations().items()]
        return Reply(ASK_MARKET, say("answer.ask_market", lang), buttons,
                     slots={"pending_question": question or None})

    def _ask_group(self, kb, group_id: str, question: str | None, lang: str) -> Reply:
        group = kb.groups[group_id]
        buttons = [Button(kb.markets[m].name(lang), payload("inform_market", market=m))
                   for m in group.markets if m in kb.markets]
        return Reply(ASK_MARKET, say("answer.ask_group_member", lang, group=group.name(lang)), buttons,
                     slots={"pending_question": question or None, "market": None})

    def _market_selected(self, kb, market: str, lang: str) -> Reply:
        name = kb.markets[market].name(lang)
        buttons = self._topic_buttons(kb, market, lang, limit=6) + self._base_buttons(lang)
        return Reply(MARKET_SELECTED, say("answer.market_selected", lang, market=name), buttons,
                     slots={"market": market}, market=market)

    def _topic_buttons(self, kb, market: str, lang: str, exclude: str | None = None,
                       limit: int = 3) -> list[Button]:
        present = set(kb.topics_with_entries(market))
        name = kb.markets[market].name(lang)
        buttons = []
        for topic in SUGGESTED_TOPICS:
            if topic in present and topic != exclude and topic in kb.topics:
                label = say("button.topic", lang, market=name, topic=_short_topic(kb, topic, lang))
                buttons.append(Button(clip_label(label), payload("ask_market_question",
                                                                 market=market, topic=topic)))
            if len(buttons) >= limit:
                break
        return buttons

    def _base_buttons(self, lang: str) -> list[Button]:
        return [
            Button(say("button.events", lang), payload("ask_events")),
            Button(say("button.officer", lang), payload("request_human")),
        ]

    def topic_suggestions(self, market: str | None, lang: str, limit: int = 3) -> list[Button]:
        kb = self.store.get()
        if market in kb.destinations():
            return self._topic_buttons(kb, market, lang, limit=limit)
        return []

    def desk_for(self, market: str | None, lang: str) -> str | None:
        kb = self.store.get()
        if market in kb.destinations():
            return kb.desks[kb.markets[market].desk].name(lang)
        return None


def as_of(entry: Entry) -> date:
    """The date a volatile answer is true as of: its oldest confirmed fact, else its check."""
    return min((f.as_of for f in entry.facts), default=entry.checked)


_CLAUSE_BREAK = re.compile(r"[。！？?!，,；;\n]+|\.(?=\s|$)|(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")
_ASKING = re.compile(r"[?？]|[嗎呢嘛麼]\s*$|什麼|甚麼|哪|如何|怎麼|怎樣|多少|幾(?:趴|%|％|天|週|個月|年|成|倍)|"
                     r"要不要|是否|可不可以|能不能|"
                     r"\b(what|which|how|whether)\b|^\s*(and\s+)?(is|are|do|does|can|could|should|"
                     r"must|will|would)\b", re.IGNORECASE)


def _question_clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of `text` that asks something."""
    clauses: list[tuple[int, int]] = []
    start = 0
    for piece in [*_CLAUSE_BREAK.finditer(text), None]:
        end = piece.start() if piece is not None else len(text)
        said = text[start:piece.end() if piece is not None else end]
        if end > start and _ASKING.search(said):
            clauses.append((start, end))
        start = piece.end() if piece is not None else end
    return clauses


# "公司稅跟SST大概多少", "corporate tax and VAT rates?": two subjects joined in one clause.
_JOINING = re.compile(r"跟|和|與|以及|還有|及|\band\b|&", re.IGNORECASE)


def _joined_subjects(text: str, matches: list[TermMatch], start: int,
                     end: int) -> list[tuple[int, int]]:
    """The clause split where it joins two subjects, each named by its own topic or rule word
    (different ones), or the clause as it is."""
    named = [m for m in matches if start <= m.start < end and m.label in (TOPIC, CERTIFICATION)]
    for joint in _JOINING.finditer(text, start, end):
        before = {m.value for m in named if m.end <= joint.start()}
        after = {m.value for m in named if m.start >= joint.end()}
        # (or two taxes of one topic, each by a specific word: "企業所得稅和增值稅")
        words_before = {m.text for m in named if m.end <= joint.start() and len(m.text) >= 3}
        words_after = {m.text for m in named if m.start >= joint.end() and len(m.text) >= 3}
        if before and after and (not before & after or (
                words_before and words_after and not words_before & words_after)):
            return [(start, joint.start()), (joint.end(), end)]
    return [(start, end)]


def _without_setting_topics(topics: list[str], matches: list[TermMatch],
                            words: QuestionWords) -> list[str]:
    """The topics named, less those named only by a setting word when another topic is named:
    "…in Germany and France through Amazon. Do we have to register our trademark…" is about
    trademarks; Amazon says where they sell, and must not lift the marketplace entries."""
    named = {m.value for m in matches if m.label == TOPIC and not _gives_way(m, matches, words)}
    return [t for t in topics if t in named] if named else topics


def _gives_way(match: TermMatch, matches: list[TermMatch], words: QuestionWords) -> bool:
    """A topic word that is where the owner sells, too general, or the product itself
    ("化妝品進口到杜拜，關稅和增值稅大概是多少？" asks about duty and VAT, not the cosmetics
    rules): it yields to another topic the message names."""
    return words.gives_way(match.text) or any(
        m.label == PRODUCT and m.start <= match.start and match.end <= m.end for m in matches)


def _asked_topic(text: str, matches: list[TermMatch], words: QuestionWords) -> str | None:
    """The one topic named where the owner asks ("…to a Malaysian distributor. What certification
    is required?", "越南商標要先註冊嗎 怕被經銷商搶註"), or None when that is not clear."""
    named = [m for m in matches if m.label == CERTIFICATION]
    # ("certificate" inside "certificate of origin" names that document, not the topic)
    # (where the owner sells, "Amazon", "our buyer", is the setting of the question)
    topics = [m for m in matches if m.label == TOPIC and not _gives_way(m, matches, words)
              and not any(c.start <= m.start and m.end <= c.end for c in named)]
    if len({m.value for m in topics}) <= 1:
        return topics[0].value if topics else None
    asked = {m.value for start, end in _question_clauses(text)
             for m in topics if start <= m.start < end}
    return asked.pop() if len(asked) == 1 else None


def _values(matches: list[TermMatch]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {MARKET: [], TOPIC: [], PRODUCT: [], CERTIFICATION: []}
    for match in matches:
        if match.value not in out[match.label]:
            out[match.label].append(match.value)
    return out


_TO = re.compile(r"(?:到|去|往|進|銷往|賣|外銷|出口|進軍|拓展|\bto|\binto|\bfor)\s*$", re.IGNORECASE)
_FROM = re.compile(r"(?:從|由|在|\bfrom|\bin)\s*$", re.IGNORECASE)
_FROM_STRICT = re.compile(r"(?:從|由|\bfrom)\s*$", re.IGNORECASE)
# Words that point at a place named before ("那邊要什麼認證", "他們也是用CE嗎").
_POINTS_THERE = re.compile(r"那邊|那裡|那里|當地|他們|\b(?:there|they|their)\b", re.IGNORECASE)
# A place the owner sells to already or sold to before, said as the background of the question.
_BEFORE_NOW = re.compile(r"之前|原本|以前|已經|一直|本來|過去|目前都|\b(?:already|used to|previously)\b",
                         re.IGNORECASE)
# A place the owner turns to now ("現在想做越南", "now we want to try Japan").
_MOVING_ON = re.compile(r"現在|接下來|下一步|打算|計畫|計劃|準備|開始|想要|想(?:做|拓展|開發|進|賣|試)|"
                        r"\b(?:now|next|plan(?:ning)? to|thinking (?:of|about)|want(?:s)? to)\b",
                        re.IGNORECASE)
_MADE_THERE = re.compile(r"(?:的)?(?:廠|工廠|分公司|生產|製造|代工|\s*(?:factory|plant|made))",
                         re.IGNORECASE)
_SOLD_THERE_BEFORE = re.compile(r"(?:那邊|市場|這邊)?(?:已經|一直|之前|本來|原本|早就|都有)")
_CLAUSE_END = re.compile(r"[，。,;；!！?？\n]")
CLAUSE_LOOKBACK = 20   # characters before a place searched for what frames it


def _clause_before(text: str, start: int) -> str:
    """The words before `start` in its own clause (at most CLAUSE_LOOKBACK characters)."""
    before = text[max(0, start - CLAUSE_LOOKBACK):start]
    return _CLAUSE_END.split(before)[-1]


_LANGUAGE_SUFFIX = re.compile(r"[文語話]")


def _without_language_names(matches: list[TermMatch], text: str,
                            in_conversation: bool) -> list[TermMatch]:
    """"巴西呢 葡萄牙文標籤有規定嗎", "墨西哥標籤要西班牙文嗎": a country's name said as its
    language does not name that place when another place is named, here or in the
    conversation ("成分標籤一定要用西班牙文嗎" to a Mexican distributor)."""
    places = [m for m in matches if m.label == MARKET]
    language = [m for m in places if _LANGUAGE_SUFFIX.match(text, m.end)]
    if not language or (len(language) == len(places) and not in_conversation):
        return matches
    return [m for m in matches if m not in language]


def _asked_place(matches: list[TermMatch], text: str) -> str | None:
    """Of several places named, the one the question is about when the message says so: the
    only one where the owner asks, the one the owner moves on to now ("主要賣中國大陸，現在想做
    越南"), the only one not sold to before, or the only one goods go to; None when it is not
    said (then a place without a pack does not take the question from a covered market)."""
    if len({m.value for m in matches}) < 2:
        return None
    in_question = _named_where_asked(matches, text)
    asking = {m.value for m in in_question}
    if len(asking) == 1:
        return asking.pop()
    moving_on = {m.value for m in matches if _MOVING_ON.search(_clause_before(text, m.start))}
    if len(moving_on) == 1:
        return moving_on.pop()
    now = {m.value for m in matches if not _sold_there_before(m, text)}
    if len(now) == 1:
        return now.pop()
    to = {m.value for m in matches if _goes_to(m, text)}
    if len(to) == 1 and not moving_on:
        return to.pop()
    # the subject of the question ("英國還算歐盟嗎 可以照德國那套賣嗎")
    return min(in_question, key=lambda m: m.start).value if in_question else None


def _destination(matches: list[TermMatch], text: str) -> str | None:
    """With several places named ("we have a factory in Thailand; can we ship from
    Thailand to India…"), the one goods go to: named after "to/到", not after "from/在", and
    not the one the owner already sells to ("之前主要賣美國，現在有加拿大的超市想進貨")."""
    if len({m.value for m in matches}) < 2:
        return None
    # the one named where the owner asks ("歐洲已經賣了一陣子…請問美國電動自行車要符合哪些標準？")
    asking = {m.value for m in _named_where_asked(matches, text)}
    if len(asking) == 1:
        return asking.pop()
    now = [m for m in matches if not _sold_there_before(m, text)]
    if now and len({m.value for m in now}) == 1:
        return now[0].value
    to = [m for m in matches if _goes_to(m, text)]
    if to:
        return to[-1].value
    not_from = [m for m in matches if not _is_origin(m, text)]
    return not_from[0].value if not_from else None


def _named_where_asked(matches: list[TermMatch], text: str) -> list[TermMatch]:
    """The places named in the clauses that ask something, origins left out."""
    return [m for start, end in _question_clauses(text) for m in matches
            if start <= m.start < end and not _is_origin(m, text, asking=True)]


def _sold_there_before(match: TermMatch, text: str) -> bool:
    return bool(_BEFORE_NOW.search(_clause_before(text, match.start))
                or _SOLD_THERE_BEFORE.match(text, match.end))


def _goes_to(match: TermMatch, text: str) -> bool:
    return bool(_TO.search(text[max(0, match.start - 6):match.start]))


def _is_origin(match: TermMatch, text: str, asking: bool = False) -> bool:
    """A place goods come from: "from Vietnam", "在越南", or its factory ("越南廠做的"). (Where
    the owner asks, "在越南做什麼申請" is where the question is about, not an origin.)"""
    before = text[max(0, match.start - 6):match.start]
    return bool((_FROM_STRICT if asking else _FROM).search(before)
                or _MADE_THERE.match(text, match.end))


_FOLLOW_UP = re.compile(r"^((ok|okay|好|好的|嗯|so)\b[,，\s]*)?"
                        r"(那|那麼|那如果|如果|若是|換成|改成|還有|另外|順便|and\b|what about|how about|"
                        r"also\b|if\b|then\b)", re.IGNORECASE)
FOLLOW_UP_MAX_CHARS = 30
# A message read with the question before it must itself cover this share of the entry's
# words in the question (the earlier question alone must not carry the answer).
EARLIER_MIN_OWN_COVERAGE = 0.1
# Words that point back at what was said before ("這樣風險很大吧", "is that enough?").
_REFERS_BACK = re.compile(r"這樣|這個|這種|這些|那個|那種|那些|\b(?:this|that|these|those|it)\b",
                          re.IGNORECASE)
# A follow-up read alone replaces its joined reading when its entry covers at least this
# share of the follow-up's words and scores this many times the joined entry on them.
OWN_READING_MIN_COVERAGE = 0.3
OWN_READING_FACTOR = 2.0
SHORT_QUESTION_TERMS = 4   # content terms of a question too short to say what it is about alone
FOLLOW_UP_MAX_CHARS_ASCII = 60   # English takes about twice the characters to say as much


# A message that only asks about tax: no topic of its own, the conversation says which tax.
_TAX_ONLY = re.compile(
    r"^(那|那麼|還有|另外|and|what about|how about)?\s*(the\s+)?(稅|稅務|稅金|taxes|tax)\s*"
    r"(的部分|部分|方面|這塊|這部分|的問題|part|side|wise)?\s*"
    r"(呢|怎麼算|要怎麼算|怎麼繳|要繳多少|多少|有哪些|是多少|要怎麼處理)?\s*[?？。.]*$", re.IGNORECASE)
TAX_TOPICS = ("company_tax", "tariffs", "customs")
# Topics whose general rule applies beside a product's own: every label follows the market's
# language rule, whatever else the food or cosmetics label needs.
LAYERED_TOPICS = frozenset({"labelling"})
# Entries on the tax charged when goods are imported (VAT, GST, SST, consumption tax) carry
# this id: a bare "那稅呢" about selling goods gets that tax beside the duty.
IMPORT_TAX = "import_vat"
# The owner asks which taxes, or how much (the company's taxes when the conversation is about
# setting up a company there; see Answerer._company_tax_entry).
_ASKS_WHICH_TAXES = re.compile(
    r"什麼稅|甚麼稅|哪些稅|哪種稅|那些稅|(?:繳|交)(?:哪些|什麼|甚麼)?稅|稅率|"
    r"稅.{0,2}(?:多少|怎麼算|高嗎|重嗎)|"
    r"\b(?:what|which)\s+(?:kinds? of\s+)?tax(?:es)?\b|\btax rates?\b|\bhow much tax\b|"
    r"\bpay\b[^.?!]{0,20}\btax(?:es)?\b", re.IGNORECASE)
_BROAD_TAX = re.compile(r"哪些稅|什麼稅|甚麼稅|那些稅|\b(?:what|which) taxes\b", re.IGNORECASE)
_NAMES_ANOTHER_TAX = re.compile(
    r"消費稅|營業稅|加值稅|增值稅|銷售稅|服務稅|扣繳|關稅|貨物稅|"
    r"\b(?:VAT|GST|SST|sales tax|consumption tax|withholding|duty|duties|excise)\b",
    re.IGNORECASE)
_SETS_UP_COMPANY = re.compile(
    r"(?:設|開|成立|註冊|設立|開設)(?:個|一間|一家|一個)?小?(?:公司|子公司|分公司|據點|辦公室|門市|工廠)|"
    r"\b(?:open|set up|setting up|establish|incorporate|register|form)\w*\b[^.?!]{0,30}"
    r"\b(?:company|subsidiary|branch|office|entity|KK|GK|LLC)\b|\bforeign company\b",
    re.IGNORECASE)
CORPORATE_TAX_QUERY = "corporate income tax rate"
# Help from Taiwan's own government ("Is there any government service for that?", "有沒有政府
# 單位可以協助"), asked without a market: a foreign one is named ("the Japanese government").
_ASKS_OUR_GOVERNMENT = re.compile(
    r"\b(?:any|which|what|a|many|taiwan(?:ese)?|our|local)\s+(?:gov\w{0,6}ment|gov't|gov)\s+"
    r"(?:services?|offices?|agenc(?:y|ies)|programs?|programmes?|support|help|resources?|"
    r"units?|departments?|subsid\w*|funding)\b|"
    r"政府(?:有|的)?(?:什麼|哪些|哪個)?(?:單位|機關|資源|協助|窗口|輔導|服務|計畫|補助)|公部門",
    re.IGNORECASE)
# Where a pack files the approvals of products it has no certification entry for.
CERTIFICATION_TOPIC = "certification"
APPROVALS_TOPIC = "regulated_import"
CHANNELS_TOPIC = "channels"
IP_TOPIC = "ip"
# A tax named without saying which ("那稅呢 進口要繳哪些", "is there any tax"): one of the three.
_TAX_WORD = re.compile(r"稅|\btax(es)?\b", re.IGNORECASE)
_IMPORT_WORD = re.compile(r"進口|进口|輸入|\bimport", re.IGNORECASE)


def _without_markets(text: str, matches: list[TermMatch]) -> str:
    """`text` with the market names found in it blanked out."""
    for match in sorted((m for m in matches if m.label == MARKET), key=lambda m: m.start,
                        reverse=True):
        if text[match.start:match.end] == match.text:
            text = text[: match.start] + " " + text[match.end:]
    return text


def _import_tax_entry(kb: KnowledgeBase, market: str, answered: Entry | None) -> Entry | None:
    """The market's entry on the tax charged at import, unless the answer already covers it."""
    if answered is None or IMPORT_TAX in answered.certifications:
        return None
    return next((e for e in kb.entries if e.published and e.market == market
                 and IMPORT_TAX in e.certifications), None)


def is_tax_only(text: str) -> bool:
    return bool(_TAX_ONLY.match(text.strip()))


# "一般的不是電動的", "non-electric": a feature the owner rules out must not pull in the rules
# for products that have it (the e-bike CE rule for an ordinary bicycle).
_NEGATED_FEATURE = re.compile(
    r"(不是|並非|非|不含|沒有|沒|無)\s*(電動|充電式|插電|無線|藍牙|藍芽|含電池|電池)的?"
    r"|\b(non-?electric(al)?|not electric(al)?|non-?powered|without (a |any )?(battery|batteries|"
    r"motor|wireless|bluetooth))\b", re.IGNORECASE)


# "除了PSE之外還需要什麼認證", "besides FCC what else": what the owner already has is not
# what they ask about.
_ALREADY_COVERED = re.compile(
    r"除了\s*[^\s，,。？?、]{1,12}?\s*(?:之外|以外|[，,、])|"
    r"\b(?:besides|apart from|other than|in addition to)\s+(?:the\s+)?[A-Za-z0-9./\-]+"
    r"(?:\s+(?:mark|marking|certification|certificate|registration|duty|duties|tax|taxes))?",
    re.IGNORECASE)


def without_negated_features(text: str) -> str:
    """`text` without the features the owner rules out and the rules they already have."""
    return _ALREADY_COVERED.sub(" ", _NEGATED_FEATURE.sub(" ", text))


# Who reports a rule to the owner, followed by the reporting verb: "進口商說要…", "客戶跟我們說
# 有…", "the importer told me we need…". The speaker is not what the owner asks about.
_REPORTER = re.compile(
    r"(?:當地|我們的|我的|\b(?:the|our|my|a|an)\b)?\s*"
    r"(?:代理商|經銷商|進口商|通路商|客戶|客人|買家|買主|廠商|報關行|貨代|承銷商|"
    r"\b(?:importers?|distributors?|customers?|clients?|buyers?|agents?|brokers?|forwarders?))\s*"
    r"(?:都|有|一直|也)?\s*"
    r"(?:說|跟我們說|跟我說|告訴我們|告訴我|提到|要求|表示|said|says|told (?:me|us)|"
    r"tells (?:me|us)|mentioned|asks? (?:us|me)?\s*(?:for|to)?|asked (?:us|me)?\s*(?:for|to)?)",
    re.IGNORECASE)


_DEALING_WITH_PARTNER = re.compile(
    r"合約|契約|獨家|代理權|佣金|抽成|分潤|付款|付錢|貨款|出貨|下單|訂單|折扣|價格|報價|"
    r"contract|exclusiv|commission|margin|agreement|payment|pay\b|order|discount|price",
    re.IGNORECASE)


def without_reporter(text: str) -> str:
    return _REPORTER.sub(" ", text)


# "We just make bicycle bags, what is this?" after the customer's SVHC question: asks what the
# thing said before is, so it is read with that question.
_ASKS_WHAT_IT_IS = re.compile(
    r"(?:這|這個|這些|那個|它)(?:是|叫)(?:什麼|啥)|是什麼東西|"
    r"\bwhat(?:'s| is| are| does| do)\s+(?:this|that|these|those|it|they)\b(?:\s+mean)?|"
    r"\bwhat (?:this|that|it|they) means?\b", re.IGNORECASE)


_BY_THE_WAY = re.compile(r"順便問|另外問|by the way|\bbtw\b", re.IGNORECASE)


def is_follow_up(text: str) -> bool:
    """A short message that continues the previous question rather than starting a new one
    ("順便問…" announces a new one)."""
    if _BY_THE_WAY.search(text):
        return False
    limit = FOLLOW_UP_MAX_CHARS_ASCII if text.isascii() else FOLLOW_UP_MAX_CHARS
    return len(text) <= limit and bool(_FOLLOW_UP.match(text.strip()))


def _retarget(text: str, matches: list[TermMatch], market_name: str) -> str:
    """`text` with every market it names replaced by `market_name`."""
    for match in sorted(matches, key=lambda m: m.start, reverse=True):
        if match.label == MARKET and text[match.start:match.end] == match.text:
            text = text[: match.start] + market_name + text[match.end :]
    return text


def _topic_of_certification(kb: KnowledgeBase, certification: str) -> str:
    """The kind of rule a certification or law is (GDPR: data protection; PSE: certification):
    the topic most entries naming it are filed under."""
    topics = Counter(e.topic for e in kb.published_entries() if certification in e.certifications)
    return topics.most_common(1)[0][0] if topics else "certification"


def _used_in(kb: KnowledgeBase, certification: str, market: str) -> bool:
    """Whether any entry serving `market` names this certification."""
    return any(certification in e.certifications for e in kb.published_entries(market))


def _earlier_market(kb: KnowledgeBase, matcher: TermMatcher, context: Context,
                    market: str) -> str | None:
    """Another market the conversation was about: its own, or one the question before named."""
    if context.market and context.market != market:
        return context.market
    before = context.last_question or context.pending_question
    return next((m.value for m in matcher.find(before or "") if m.label == MARKET
                 and m.value != market and m.value in kb.destinations()), None)


# "泰國也有類似的法律嗎", "does vietnam have the same law?": the question before, asked of the
# market named now (its only words are a word for a law and one for sameness).
# Where or how the owner gets a document or service at home ("產地證明去哪裡辦").
_ASKS_WHERE_TO_GET = re.compile(
    r"(?:去|到|在)?哪裡(?:辦|申請|開|拿|買|投保)|哪個單位|怎麼(?:辦|申請|開|投保)|如何(?:辦理|申請|投保)|"
    r"\b(?:where|how) (?:can |do |to |should )?(?:we |i )?(?:get|apply|obtain|issue|buy)\b",
    re.IGNORECASE)
_ASKS_THE_SAME = re.compile(r"類似|一樣|同樣|相同|也有|也要|也是|\b(?:similar|same|also|too)\b",
                            re.IGNORECASE)
_WORDS_FOR_A_LAW = frozenset({"法律", "法規", "法令", "規則", "law", "laws", "act"})


def _asks_the_same_there(clean: str, content: list[str], found: dict[str, list[str]]) -> bool:
    return bool(found[MARKET]) and set(content) <= _WORDS_FOR_A_LAW and \
        bool(_ASKS_THE_SAME.search(clean))


def _uncovered_before(kb: KnowledgeBase, matcher: TermMatcher, context: Context) -> str | None:
    """The place without a pack the question before named, when the conversation is on no
    covered market (the reply to it said it is not covered)."""
    if context.market or not context.last_question:
        return None
    places = [m.value for m in matcher.find(context.last_question) if m.label == MARKET]
    if not places or any(p in kb.destinations() or p in kb.groups for p in places):
        return None
    return places[-1]


def _ask_approvals_where_filed(kb: KnowledgeBase, reading: _Reading, market: str) -> None:
    """"茶葉出口歐盟要什麼認證", "snacks to Japan, what certification needed?": for food,
    cosmetics or medical devices the approvals an owner calls certification are the import
    rules (registration, notification, inspection). When this market's pack has no
    certification entry about the product's kind but import-rule entries about it, the question
    is asked of those: otherwise a certification entry about sunglasses or tyres answers it."""
    if CERTIFICATION_TOPIC not in reading.topics and reading.asked_topic != CERTIFICATION_TOPIC:
        return
    if reading.certifications:
        return   # a named one ("a certificate of origin for our frozen dumplings") is asked
    families = {kb.products[p].family_id for p in reading.products if p in kb.products}
    if not families:
        return

    def about_product(entry: Entry) -> bool:
        return any(p in kb.products and kb.products[p].family_id in families
                   for p in entry.products)

    entries = [e for e in kb.published_entries(market) if e.market == market and about_product(e)]
    if any(e.topic == CERTIFICATION_TOPIC for e in entries) or \
            not any(e.topic == APPROVALS_TOPIC for e in entries):
        return
    reading.topics = list(dict.fromkeys(
        APPROVALS_TOPIC if t == CERTIFICATION_TOPIC else t for t in reading.topics))
    if reading.asked_topic == CERTIFICATION_TOPIC:
        reading.asked_topic = APPROVALS_TOPIC


# "幫我把我們的產品說明書翻成德文": a translation asked of us (not "成分表要翻成日文嗎", a
# labelling question; the plain request words live in question_words.yml, not_our_job).
_TRANSLATE_FOR_ME = re.compile(r"(?:幫我|幫忙|替我|你)把[^。？?！!，,]{1,15}翻(?:成|譯成|譯)")
# "我們工廠這邊要先跟美國哪個單位登記", "要先在歐盟系統通報才能賣，是要通報到哪裡": where to
# register or notify (for food, cosmetics or medical goods, the import rules).
_ASKS_WHERE_TO_REGISTER = re.compile(
    r"(?:哪個|哪一個|哪些|什麼)(?:政府)?(?:單位|機關|機構|部門|系統)[^。？?]{0,8}(?:登記|註冊|登錄|通報|備案)|"
    r"(?:登記|登錄|通報|備案)(?:到|在|去)?哪|要(?:先)?(?:在[^。，,？?]{0,8})?(?:登錄|通報|備案)|"
    r"\bregister (?:with|at|to) (?:which|what)\b|\bregister (?:the|our|each|every) products?\b|"
    r"\b(?:which|what) (?:agency|authority|government office)\b[^.?!]{0,30}\bregist|"
    # (or what must be done before it may be sold: "what we need do before we can put it on
    # market", "要先做什麼才能賣")
    r"\bbefore (?:we |i )?(?:can |could )?(?:sell|put (?:it |them )?on (?:the )?market)|"
    r"才能(?:賣|上架|上市|販售|銷售)|(?:上市|上架|販售)前(?:要|需要|得)|"
    r"產品(?:註冊|登記|登錄)|(?:註冊|登記)產品|\bproduct registration\b", re.IGNORECASE)
# (a trademark is registered too: "商標要去哪裡註冊" is not about the product's approval)
_NAMES_A_RIGHT = re.compile(r"商標|專利|品牌|\b(?:trademarks?|patents?|brand)\b", re.IGNORECASE)


def _ask_registration_of_approvals(kb: KnowledgeBase, reading: _Reading, market: str) -> None:
    """Where a food, cosmetics or medical product is registered or notified is asked of the
    market's import rules, not of the distributor or marketplace the owner mentions around it
    ("義大利有經銷商有興趣，但他說要先在歐盟系統通報才能賣，是要通報到哪裡？")."""
    if reading.certifications or not _ASKS_WHERE_TO_REGISTER.search(reading.clean) or (
            reading.asked_topic not in (None, CHANNELS_TOPIC, IP_TOPIC)
            or (reading.asked_topic == IP_TOPIC and _NAMES_A_RIGHT.search(reading.clean))):
        return
    families = {kb.products[p].family_id for p in reading.products if p in kb.products}
    if not families or not any(
            e.topic == APPROVALS_TOPIC and e.market == market and any(
                p in kb.products and kb.products[p].family_id in families for p in e.products)
            for e in kb.published_entries(market)):
        return
    reading.topics = [APPROVALS_TOPIC, *(t for t in reading.topics
                                         if t not in (APPROVALS_TOPIC, CHANNELS_TOPIC))]
    reading.asked_topic = APPROVALS_TOPIC


def _product_matters(kb: KnowledgeBase, market: str, topic: str | None, product: str) -> bool:
    """Whether an entry of `market` on `topic` (any topic when None) is about `product`."""
    return any(product in e.products for e in kb.published_entries(market)
               if topic is None or e.topic == topic)


def _with_earlier_product(kb: KnowledgeBase, matcher: TermMatcher, context: Context, text: str,
                          lang: str) -> str:
    """`text` with the product the owner named earlier, in their own words where we have them
    ("除濕機", "空清機"), else by the product's name."""
    said = _product_words(matcher, context.pending_question or context.last_question,
                          context.product)
    if not said and context.product in kb.products:
        said = [kb.products[context.product].name(lang)]
    return " ".join([text, *said])


def _product_words(matcher: TermMatcher, text: str | None, product: str) -> list[str]:
    """How the owner named `product` in an earlier message ("除濕機", "空清機")."""
    if not text:
        return []
    return list(dict.fromkeys(m.text for m in matcher.find(text)
                              if m.label == PRODUCT and m.value == product))


def _taiwan_programme(kb: KnowledgeBase, certification: str) -> bool:
    """Whether a pack serving every market (Taiwan's own programmes) has an entry on it; other
    packs may mention it too (the EU support entry names the booth subsidy)."""
    return any(e.published and certification in e.certifications
               and e.market in kb.markets and kb.markets[e.market].serves_all_markets
               for e in kb.entries)


def _single_market_for(kb: KnowledgeBase, certifications: list[str]) -> str | None:
    """PSE or Giteki only exist in Japan: asking "PSE 要怎麼申請" needs no market question."""
    markets = {e.market for e in kb.entries if e.published and set(e.certifications) & set(certifications)}
    return markets.pop() if len(markets) == 1 else None


def _short_topic(kb: KnowledgeBase, topic: str, lang: str) -> str:
    """Topic names are long ("食品、化妝品與醫療器材輸入"); buttons use the first alias."""
    term = kb.topics[topic]
    name = term.name(lang)
    if len(name) <= 8:
        return name
    aliases = term.aliases.get(lang) or ()
    return aliases[0] if aliases else name
