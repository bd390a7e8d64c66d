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
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.nlu.knowledge import UNKNOWN, Knowledge
from bot.nlu.normalize import Normalizer

_CHAR_WEIGHT = 0.25  # character n-grams count less than whole words
_SHORT = 5  # words up to this long also get 3-grams (longer ones: 4- and 5-grams only, faster)
_NEAREST_WEIGHT = 0.65  # score = this * nearest example + the rest * centroid
_KEYWORD_BONUS = 0.08  # per distinct keyword found, at most _MAX_KEYWORDS
_MAX_KEYWORDS = 2
_MAX_ANSWER_WORDS = 3
_CACHED_WORDS = 4096  # query words whose dot products are kept (a few KiB each)

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


@lru_cache(maxsize=20_000)
def _word_features(token: str) -> Counter[str]:
    """A word and its character n-grams."""
    found: Counter[str] = Counter({"w:" + token: 1})
    if len(token) >= 3 and not token.startswith("<"):
        padded = f" {token} "
        for size in (3, 4, 5) if len(token) <= _SHORT else (4, 5):
            for i in range(len(padded) - size + 1):
                found["c:" + padded[i : i + size]] += 1
    return found


def _features(tokens: list[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for token in tokens:
        found.update(_word_features(token))
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
        # The labels: the 23 intents of the shipped data, or any others (the knowledge base's
        # entries in bench/kb_models.py), in the order of the examples.
        self.names: tuple[str, ...] = tuple(knowledge.examples)
        self.scope = tuple(name for name in self.names if name != UNKNOWN)
        INTENTS = self.names
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
        # Examples are numbered intent by intent, so each intent is one slice of the dot
        # products: its nearest example is a `maximum.reduceat`, its centroid a `bincount`.
        self._label_ids = np.array([INTENTS.index(label) for label in self.labels], np.intp)
        self._starts = np.array(
            [self.labels.index(name) for name in INTENTS if name in sums and name in self.labels],
            np.intp,
        )
        self._sliced = [name for name in INTENTS if name in self.labels]
        self._norms = np.array([self.centroid_norms[name] for name in INTENTS])
        self.token_dots = lru_cache(maxsize=_CACHED_WORDS)(self._token_dots)
        for word in self.normalizer.vocabulary:  # the known words' shares, worked out up front
            self.token_dots(word)
        self.keywords = {
            name: [tuple(self.normalizer.tokens(k)) for k in knowledge.keywords.get(name, ())]
            for name in INTENTS
        }
        # each keyword phrase as " word word ", searched for in the post's words
        self.keyword_texts = {
            name: [f" {' '.join(p)} " for p in phrases if p]
            for name, phrases in self.keywords.items()
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
        for name, phrases in self.keyword_texts.items():
            found = sum(1 for p in phrases if p in joined)
            if found:
                hits[name] = min(found, _MAX_KEYWORDS)
        return hits

    def scores(self, text: str) -> dict[str, float]:
        """Each intent's score for `text` (roughly 0 to 1.2; higher is likelier)."""
        return self.token_scores(self.normalizer.tokens(text))

    def _feature_weight(self, feature: str) -> float:
        return self.idf[feature] * (_CHAR_WEIGHT if feature[0] == "c" else 1.0)

    def _token_dots(self, token: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        """One query word's share of the dot product with every example it touches (its own
        word and character features), before the query's length is divided out."""
        found: dict[int, float] = defaultdict(float)
        for feature, count in _word_features(token).items():
            if feature not in self.idf:
                continue
            weight = count * self._feature_weight(feature)
            for position, other in self.index.get(feature, ()):
                found[position] += weight * other
        return np.fromiter(found.keys(), np.intp, len(found)), np.fromiter(
            found.values(), np.float64, len(found)
        )

    def token_scores(self, tokens: list[str]) -> dict[str, float]:
        """Each intent's score for already normalised words.

        The query is weighted like the examples but with plain term counts, so the dot
        product is a sum over its words: each word's share is computed once and cached
        (bounded), and a long post costs about one look-up per word."""
        if not tokens:
            return {name: 0.0 for name in self.names}
        counts = _features(tokens)
        weights = [n * self._feature_weight(f) for f, n in counts.items() if f in self.idf]
        norm = math.sqrt(sum(w * w for w in weights)) or 1.0
        dots = np.zeros(len(self.labels))
        for token in tokens:
            positions, values = self.token_dots(token)
            dots[positions] += values  # a word's positions are distinct
        for left, right in itertools.pairwise(tokens):
            feature = f"b:{left} {right}"
            if feature in self.idf:
                weight = self._feature_weight(feature)
                for position, other in self.index[feature]:
                    dots[position] += weight * other
        dots /= norm
        INTENTS = self.names
        nearest = dict.fromkeys(INTENTS, 0.0)
        nearest.update(
            zip(self._sliced, np.maximum.reduceat(dots, self._starts).tolist(), strict=True)
        )
        central_sums = np.bincount(self._label_ids, weights=dots, minlength=len(INTENTS))
        central = dict(zip(INTENTS, (central_sums / self._norms).tolist(), strict=True))
        hits = self._keyword_hits(tokens)
        result = {}
        for name in INTENTS:
            centroid = central[name]
            score = _NEAREST_WEIGHT * max(nearest[name], 0.0) + (1 - _NEAREST_WEIGHT) * centroid
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

    def result_for(self, intent: str, base: Result, score: float | None = None) -> Result:
        """`base` with another main intent (a more urgent topic found in one clause, or the
        topic of a quoted status), sure as `score` (by default its score in `base`)."""
        if score is None:
            score = dict(base.ranked).get(intent, base.confidence)
        return replace(base, intent=intent, confidence=round(min(1.0, max(score, 0.0)), 3))

    def classify_tokens(self, tokens: list[str]) -> Result:
        """The intent of already normalised words, with a confidence between 0 and 1."""
        scores = self.token_scores(tokens)
        ranked = tuple(sorted(((n, scores[n]) for n in self.scope), key=lambda p: -p[1]))
        best_name, best = ranked[0]
        runner_up = ranked[1][1]
        limits = self.knowledge.thresholds
        if best < limits.floor or scores.get(UNKNOWN, 0.0) >= best:
            sure = max(
                scores.get(UNKNOWN, 0.0), 1.0 - best / limits.floor if best < limits.floor else 0
            )
            return Result(UNKNOWN, round(min(1.0, sure), 3), ranked, clear=True)
        confidence = round(min(1.0, best), 3)
        clear = best >= limits.confident and runner_up < limits.close * best
        return Result(best_name, confidence, ranked, clear=clear)
