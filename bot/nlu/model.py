"""A small, explainable intent classifier: TF-IDF nearest neighbours plus keywords.

Each example message is normalised (bot/nlu/normalize.py) and turned into features: its words,
its word pairs and the character 4- and 5-grams inside its words, plus 3-grams for words of up
to five letters (they absorb the typos the normaliser missed). Features are weighted by TF-IDF
and vectors are unit length, so a dot product is a cosine. An intent's score is a blend of its
nearest example and its centroid, plus a bonus for each of its keywords found in the message.
Everything is plain Python dicts: a few hundred example vectors and an inverted index.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from bot.nlu.knowledge import INTENTS, UNKNOWN, Knowledge
from bot.nlu.normalize import Normalizer
from bot.nlu.reading import Reading, read

_CHAR_WEIGHT = 0.25  # character n-grams count less than whole words
_SHORT = 5  # words up to this long also get 3-grams (longer ones: 4- and 5-grams only, faster)
_NEAREST_WEIGHT = 0.65  # score = this * nearest example + the rest * centroid
_KEYWORD_BONUS = 0.08  # per distinct keyword found, at most _MAX_KEYWORDS
_MAX_KEYWORDS = 2
_MAX_ANSWER_WORDS = 3
_SCOPE = tuple(name for name in INTENTS if name != UNKNOWN)

Vector = dict[str, float]


@dataclass(frozen=True)
class Result:
    """The classifier's answer: the intent, how sure it is, and the runners-up."""

    intent: str
    confidence: float
    ranked: tuple[tuple[str, float], ...]  # in-scope intents, best first, with their scores
    clear: bool  # confident enough to answer without asking which topic was meant

    def likeliest(self, count: int = 3) -> list[str]:
        """The two or three likeliest in-scope intents, for a clarifying question."""
        if not self.ranked:
            return []
        best = self.ranked[0][1]
        close = [name for name, score in self.ranked[:count] if score >= best * 0.6]
        if len(close) < 2:
            close = [name for name, _ in self.ranked[:2]]
        return close


def _features(tokens: list[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in tokens:
        found["w:" + token] += 1
        if len(token) >= 3 and not token.startswith("<"):
            padded = f" {token} "
            for size in (3, 4, 5) if len(token) <= _SHORT else (4, 5):
                for i in range(len(padded) - size + 1):
                    found["c:" + padded[i : i + size]] += 1
    for left, right in itertools.pairwise(tokens):
        found[f"b:{left} {right}"] += 1
    return found


def _unit(vector: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {k: v / norm for k, v in vector.items()} if norm else {}


class Classifier:
    """Classifies one locale's messages into the fixed intents."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        vocabulary = {
            word
            for texts in (*knowledge.examples.values(), *knowledge.keywords.values())
            for text in texts
            for word in text.lower().split()
        }
        self.normalizer = Normalizer(knowledge.slang, vocabulary)
        labelled = [
            (intent, _features(self.normalizer.tokens(text)))
            for intent in INTENTS
            for text in knowledge.examples[intent]
        ]
        counts: Counter[str] = Counter(f for _, feats in labelled for f in feats)
        total = len(labelled)
        self.idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in counts.items()}
        self.labels: list[str] = []
        self.index: dict[str, list[tuple[int, float]]] = defaultdict(list)
        sums: dict[str, Counter[str]] = {name: Counter() for name in INTENTS}
        for position, (intent, feats) in enumerate(labelled):
            vector = self._weigh(feats)
            self.labels.append(intent)
            sums[intent].update(vector)
            for feature, weight in vector.items():
                self.index[feature].append((position, weight))
        # The cosine to an intent's centroid is the sum of the dots with its examples divided
        # by the length of their summed vector, so no second index is needed.
        self.centroid_norms = {
            name: math.sqrt(sum(v * v for v in sums[name].values())) or 1.0 for name in INTENTS
        }
        self.keywords = {
            name: [tuple(self.normalizer.tokens(k)) for k in knowledge.keywords[name]]
            for name in INTENTS
        }

    def _weigh(self, feats: Counter[str]) -> Vector:
        return _unit(
            {
                f: (1.0 + math.log(n)) * self.idf[f] * (_CHAR_WEIGHT if f[0] == "c" else 1.0)
                for f, n in feats.items()
                if f in self.idf
            }
        )

    def _keyword_hits(self, tokens: list[str]) -> dict[str, int]:
        joined = f" {' '.join(tokens)} "
        hits: dict[str, int] = {}
        for name, phrases in self.keywords.items():
            found = sum(1 for p in phrases if p and f" {' '.join(p)} " in joined)
            if found:
                hits[name] = min(found, _MAX_KEYWORDS)
        return hits

    def scores(self, text: str) -> dict[str, float]:
        """Each intent's score for `text` (roughly 0 to 1.2; higher is likelier)."""
        return self.token_scores(self.normalizer.tokens(text))

    def token_scores(self, tokens: list[str]) -> dict[str, float]:
        """Each intent's score for already normalised words."""
        if not tokens:
            return {name: 0.0 for name in INTENTS}
        query = self._weigh(_features(tokens))
        nearest: dict[str, float] = dict.fromkeys(INTENTS, 0.0)
        central: dict[str, float] = dict.fromkeys(INTENTS, 0.0)
        dots: dict[int, float] = defaultdict(float)
        index, labels = self.index, self.labels
        for feature, weight in query.items():
            for position, other in index.get(feature, ()):
                dots[position] += weight * other
        for position, dot in dots.items():
            label = labels[position]
            central[label] += dot
            if dot > nearest[label]:
                nearest[label] = dot
        hits = self._keyword_hits(tokens)
        result = {}
        for name in INTENTS:
            centroid = central[name] / self.centroid_norms[name]
            score = _NEAREST_WEIGHT * nearest[name] + (1 - _NEAREST_WEIGHT) * centroid
            result[name] = score + _KEYWORD_BONUS * hits.get(name, 0)
        return result

    def yes_no(self, text: str) -> bool | None:
        """True for a short yes ("iya udah"), False for a short no ("blm"), else None."""
        raw = " ".join(text.lower().replace(",", " ").replace(".", " ").replace("!", " ").split())
        if len(raw.split()) > _MAX_ANSWER_WORDS:
            return None  # a longer message is a question of its own, not an answer
        words = set(raw.split()) | set(self.normalizer.tokens(text))
        phrases = words | {raw, self.normalizer.text(text)}
        yes = bool(phrases & self.knowledge.yes)
        no = bool(phrases & self.knowledge.no)
        return yes if yes != no else None

    def classify(self, text: str) -> Result:
        """The main intent of a post (read as bot/nlu/reading.py says), confidence 0 to 1."""
        return read(self, text).result

    def read(self, text: str) -> Reading:
        """The whole reading of a post: main topic, other topics, statuses, framing."""
        return read(self, text)

    def result_for(self, intent: str, base: Result) -> Result:
        """`base` with another main intent (a more urgent topic found in one clause)."""
        score = dict(base.ranked).get(intent, base.confidence)
        return replace(base, intent=intent, confidence=round(min(1.0, max(score, 0.0)), 3))

    def classify_tokens(self, tokens: list[str]) -> Result:
        """The intent of already normalised words, with a confidence between 0 and 1."""
        scores = self.token_scores(tokens)
        ranked = tuple(sorted(((n, scores[n]) for n in _SCOPE), key=lambda p: -p[1]))
        best_name, best = ranked[0]
        runner_up = ranked[1][1]
        limits = self.knowledge.thresholds
        if best < limits.floor or scores[UNKNOWN] >= best:
            sure = max(scores[UNKNOWN], 1.0 - best / limits.floor if best < limits.floor else 0)
            return Result(UNKNOWN, round(min(1.0, sure), 3), ranked, clear=True)
        confidence = round(min(1.0, best), 3)
        clear = best >= limits.confident and runner_up < limits.close * best
        return Result(best_name, confidence, ranked, clear=clear)
