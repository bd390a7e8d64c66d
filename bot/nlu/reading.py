"""Reading a real post: sentences and clauses, the framing set apart, the topics ranked.

A post is split into clauses (sentence ends, line breaks, "tapi", "terus", "trus", "sama satu
lagi"...). From each clause the framing phrases of topics.toml are removed: courtesy
("assalamualaikum min", "mohon pencerahannya"), peer-directed tails ("ada yg sama?"), thanks
and venting. What is left is the question. The whole question and each clause are classified;
the topics found clearly are ranked by urgency (money and deadlines first), and quoted
dashboard statuses add their own topic. A post that is only framing is classified as it is
("makasih" is thanks, "assalamualaikum" a greeting).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.nlu.knowledge import Knowledge
from bot.nlu.model import Classifier, Result
from bot.nlu.normalize import Normalizer
from bot.nlu.topics import StatusEntry, find_statuses, topics

# A comma before "tapi", "terus"... starts a clause; before "dan"/"and"/"but" only when that
# clause is a question of its own (", and can I use a bank?"; not "NIK, KK, dan KTP").
_SPLIT = re.compile(
    r"[.!?;\n]+|,\s*(?=(?:tapi|tp|terus|trus|trs|lalu|sama|dan juga|juga)\b)"
    r"|,\s*(?=(?:dan|and|but|also)\b[^,.!?;\n]*\?)"
)
_JOINERS = re.compile(
    r"\b(?:tapi|tp|tpi|terus|trus|trs|lalu|satu lagi|selain itu|oh iya|oh ya|btw|sekalian)\b"
)
_SOCIAL = ("greeting", "thanks", "help")
_MIN_CLAUSE_WORDS = 2
_STRONG_SHARE = 0.7  # a clause's topic competes on urgency at this share of the best score...
_URGENT = 4  # ...and the first topics of the urgency order (money and deadlines)...
_URGENT_SHARE = 0.6  # ...from this share
CONTEXT_ONLY = ("purchased",)  # "udah beli" in a clause is context, not the question
_CONTEXT_ONLY = CONTEXT_ONLY
_LIKELIEST = 0.35  # with nothing clear, a clause this sure of its topic still names it
_STATUS_SCORE = 0.8  # a quoted status counts as a topic found this strongly
_STATUS_TOPICS = {
    "not_selected": "selection",
    "no_wave": "selection",
    "selection_processing": "selection",
}


@dataclass(frozen=True)
class Reading:
    """What a post says: its main topic, the others, quoted statuses and its framing."""

    result: Result  # the main topic, as the classifier's result
    topics: tuple[str, ...]  # every topic found, most urgent first (result.intent first)
    statuses: tuple[tuple[StatusEntry, str], ...]  # quoted statuses in the order written
    thanks: bool  # the post thanks (possibly besides asking something)
    framing_only: bool  # nothing but courtesy, thanks, tails or venting
    question: str  # the normalised words left once the framing is removed


class Framer:
    """Splits posts into clauses and takes out the framing, with one normaliser (the framing
    phrases normalised once)."""

    def __init__(self, locale: str, normalizer: Normalizer) -> None:
        self.locale = locale
        self.normalizer = normalizer
        self.phrase_cache: dict[tuple[str, ...], list[list[str]]] = {}

    def parts(self, text: str) -> tuple[list[list[str]], bool]:
        """See question_parts()."""
        return question_parts(self, text)

    def marked(self, text: str) -> tuple[list[tuple[list[str], int]], bool]:
        """See marked_parts()."""
        return marked_parts(self, text)


class Reader(Framer):
    """Reads posts with one locale's classifier: it owns the model and the framing phrases
    normalised for it. `bot.nlu.classifier(locale)` gives the shipped one."""

    def __init__(self, model: Classifier) -> None:
        super().__init__(model.knowledge.locale, model.normalizer)
        self.model = model
        self.knowledge: Knowledge = model.knowledge

    def read(self, text: str) -> Reading:
        """The whole reading of a post: main topic, other topics, statuses, framing."""
        return read(self, text)

    def classify(self, text: str) -> Result:
        """The main intent of a post, confidence 0 to 1."""
        return read(self, text).result

    def classify_tokens(self, tokens: list[str]) -> Result:
        return self.model.classify_tokens(tokens)

    def yes_no(self, text: str) -> bool | None:
        return self.model.yes_no(text)

    def result_for(self, intent: str, base: Result, score: float | None = None) -> Result:
        return self.model.result_for(intent, base, score)


def _phrases(classifier: Framer, items: tuple[str, ...]) -> list[list[str]]:
    """The phrases normalised like messages, longest first (worked out once per reader)."""
    cache = classifier.phrase_cache
    if items not in cache:
        found = [classifier.normalizer.tokens(p) for p in items]
        cache[items] = sorted((p for p in found if p), key=len, reverse=True)
    return cache[items]


def _strip(tokens: list[str], phrases: list[list[str]]) -> tuple[list[str], bool]:
    """`tokens` without any of the phrases; True if one was found."""
    out: list[str] = []
    hit, i = False, 0
    while i < len(tokens):
        for phrase in phrases:
            if tokens[i : i + len(phrase)] == phrase:
                i += len(phrase)
                hit = True
                break
        else:
            out.append(tokens[i])
            i += 1
    return out, hit


def clauses(text: str) -> list[str]:
    """The sentences and clauses of a post, in order."""
    parts: list[str] = []
    for sentence in _SPLIT.split(text.lower()):
        parts.extend(p for p in _JOINERS.split(sentence) if p and p.strip(" ,-"))
    return [p.strip(" ,-") for p in parts]


def question_parts(classifier: Framer, text: str) -> tuple[list[list[str]], bool]:
    """The normalised words of each clause once the framing is taken out (clauses that were
    only framing dropped), and whether the post thanks."""
    marked, thanked = marked_parts(classifier, text)
    return [tokens for tokens, _ in marked], thanked


# A clause asks when a question mark ends it, it holds a question word ("kenapa", "gimana",
# "kapan", "bisa gak"...) or a joiner brings it ("tapi", "terus"): such clauses outweigh the
# context clauses ("sudah lolos gel 22, saya dari Makassar") when a post is searched
# (bot/knowledge/search.py).
_ASKING = re.compile(
    r"\b(?:kenapa|knp|napa|mengapa|gimana|gmn|gmna|gimn|bagaimana|bgmn|gmana|kapan|kpn|"
    r"berapa|brp|brapa|apa|apakah|apkah|dimana|dmn|di mana|mana|siapa|kok|koq|"
    r"(?:bisa|bs|boleh|blh|masih bisa)\s+(?:gak|ga|gk|nggak|ngga|enggak|engga|tidak|tdk|nga|kah)|"
    r"bisakah|bolehkah|haruskah|caranya|cara|why|how|when|what|where|which|who|can|could|"
    r"should|is it|are|do|does)\b"
)
_NOT_ASKING = ("lalu",)  # "minggu lalu": a joiner that is also a word of time
_OPENING_ONLY = ("terus", "trus", "trs")  # "gagal terus": brings a question only at the start


def _brings(sentence: str, cut: re.Match[str]) -> bool:
    """Whether the joiner `cut` brings a clause that asks ("tapi sertifikatnya belum ada",
    "..., terus insentifku belum cair"), not a word of time or "keep on" ("gagal terus")."""
    word, before = cut.group(0), sentence[: cut.start()].rstrip()
    if word in _NOT_ASKING:
        return False
    return word not in _OPENING_ONLY or not before or before.endswith(",")


_ENDS = re.compile(r"([.!?;\n]+)")
ASKS, ASKED_AFTER = 2, 1  # marks of marked_parts(): a clause asks, or the question after it does
_SHORT_ASK = 3  # words: an asking clause this short ("ini kenapa ya?") asks about the one before


def marked_parts(classifier: Framer, text: str) -> tuple[list[tuple[list[str], int]], bool]:
    """question_parts() with, for each clause, whether it asks (see _ASKING); a short asking
    clause ("ini kenapa ya?") passes its mark to the sentence before it when none of that
    sentence's clauses asks. The mark: ASKS (the clause itself asks), ASKED_AFTER (through the
    short question after it), 0 (context)."""
    framing = topics().framing(classifier.locale)
    frame = _phrases(classifier, framing.courtesy + framing.peer + framing.venting)
    thank_words = _phrases(classifier, framing.thanks)
    next_words = _phrases(classifier, framing.next)
    found: list[tuple[list[str], int]] = []
    sentences: list[int] = []
    thanked = False
    for clause, asked, sentence in _asking_clauses(text):
        said = classifier.normalizer.tokens(clause)
        tokens, _ = _strip(said, thank_words)
        thanked = thanked or len(tokens) < len(said)
        rest, _ = _strip(tokens, frame)
        if not rest:
            continue
        generic = found and not _strip(rest, next_words)[0]  # "what do I do now?", "trs gmn"
        if (generic or (asked and len(rest) < _SHORT_ASK)) and found and sentences[-1] != sentence:
            before = [n for n, s in enumerate(sentences) if s == sentences[-1]]
            if not any(found[n][1] for n in before):
                for n in before:
                    found[n] = (found[n][0], ASKED_AFTER)
        if generic:
            continue  # asks about what came before: no question of its own
        found.append((rest, ASKS if asked else 0))
        sentences.append(sentence)
    return found, thanked


def asks(text: str) -> bool:
    """Whether any clause of the post asks something (a question word or mark, see _ASKING)."""
    return any(asked for _, asked, _ in _asking_clauses(text))


def _asking_clauses(text: str) -> list[tuple[str, bool, int]]:
    """clauses() with whether each asks (a question mark after it, a question word, or a
    joiner before it: "tapi sertifikatnya belum muncul", "terus insentifku juga belum cair",
    the problem told after the context) and the number of its sentence."""
    pieces = _ENDS.split(text.lower())
    out: list[tuple[str, bool, int]] = []
    for i in range(0, len(pieces), 2):
        ends = pieces[i + 1] if i + 1 < len(pieces) else ""
        for sentence in _SPLIT.split(pieces[i] + ("?" if "?" in ends else "")):
            cuts = [*_JOINERS.finditer(sentence)]
            starts = [0, *(m.end() for m in cuts)]
            ends_at = [*(m.start() for m in cuts), len(sentence)]
            brought = [False, *(_brings(sentence, m) for m in cuts)]
            parts = [
                (joined, sentence[a:b].strip(" ,-"))
                for joined, a, b in zip(brought, starts, ends_at, strict=True)
                if sentence[a:b].strip(" ,-")
            ]
            for n, (joined, part) in enumerate(parts):
                last = n == len(parts) - 1
                asks = joined or bool(_ASKING.search(part)) or (last and "?" in ends)
                out.append((part, asks, i))
    return out


def read(classifier: Reader, text: str) -> Reading:
    """The reading of one post (see the module docstring)."""
    questions, thanked = question_parts(classifier, text)
    # Statuses as pasted, else as normalised ("sdg diproses" is "sedang diproses").
    quoted = find_statuses(text) or find_statuses(classifier.normalizer.text(text))
    statuses = tuple((entry, label) for _, entry, label in quoted)
    memo: dict[tuple[str, ...], Result] = {}

    def classify(tokens: list[str]) -> Result:
        key = tuple(tokens)
        if key not in memo:
            memo[key] = classifier.classify_tokens(tokens)
        return memo[key]

    everything = classifier.normalizer.tokens(text)
    if not questions:  # only framing: read it as it is ("makasih", "assalamualaikum")
        plain = classify(everything)
        return Reading(plain, (plain.intent,), statuses, thanked, True, "")
    whole = classify([t for q in questions for t in q])
    if len(questions) == 1 and not statuses:
        plain = classify(everything)
        social = plain.intent in ("greeting", "thanks")  # only over a weak or social question
        if (
            plain.clear
            and plain.intent != "unknown"
            and (not social or whole.intent in (*_SOCIAL, "unknown"))
            and (not whole.clear or plain.confidence > whole.confidence)
        ):
            whole = plain
    found: dict[str, float] = {}
    if whole.intent != "unknown":
        found[whole.intent] = whole.confidence
    limits = classifier.knowledge.thresholds
    skip = ("unknown", "greeting", "thanks", *_CONTEXT_ONLY)
    if len(questions) > 1:
        for clause_tokens in questions:
            if len(clause_tokens) < _MIN_CLAUSE_WORDS:
                continue
            part = classify(clause_tokens)
            if part.intent not in skip and part.confidence >= limits.confident:
                found[part.intent] = max(found.get(part.intent, 0.0), part.confidence)
    if not found and not statuses:  # nothing clear: the likeliest clause, or the post itself
        parts = [classify(q) for q in questions if len(q) >= _MIN_CLAUSE_WORDS]
        parts = [p for p in parts if p.intent not in skip] if len(questions) > 1 else []
        likeliest = max(parts, key=lambda p: p.confidence, default=None)
        if likeliest is not None and likeliest.confidence >= _LIKELIEST:
            found[likeliest.intent] = likeliest.confidence
        else:
            plain = classify(everything)
            result = plain if plain.intent != "unknown" else whole
            return Reading(result, (result.intent,), statuses, thanked, False, "")
    strongest = max([*found.values(), _STATUS_SCORE])
    for entry, _ in statuses:  # a quoted status names its topic as strongly as anything here
        name = _STATUS_TOPICS.get(entry.meaning, "incentive_status")
        found[name] = max(found.get(name, 0.0), strongest)
    if len(found) > 1:
        for name in (*_SOCIAL, *_CONTEXT_ONLY):
            others = [v for n, v in found.items() if n != name]
            weaker = name != "help" or max(others, default=0.0) >= found.get(name, 0.0) * 0.7
            if len(found) > 1 and weaker:  # "help" stays when it is clearly what is asked
                found.pop(name, None)
    # The most urgent of the topics found about as strongly as the strongest one.
    best = max(found.values(), default=0.0)
    strong = [
        n
        for n in found
        if found[n] >= best * (_URGENT_SHARE if topics().rank(n) < _URGENT else _STRONG_SHARE)
    ]
    ranked = sorted(strong, key=lambda n: (topics().rank(n), -found[n]))
    ranked += sorted((n for n in found if n not in strong), key=lambda n: -found[n])
    main = whole
    if ranked and ranked[0] != whole.intent:
        main = classifier.result_for(ranked[0], whole, found[ranked[0]])
    question = " ".join(t for q in questions for t in q)
    return Reading(main, tuple(ranked) or (main.intent,), statuses, thanked, False, question)
