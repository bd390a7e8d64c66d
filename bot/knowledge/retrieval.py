"""Finding the entry a post asks about: a linear model over word and character n-grams of the
normalised text (chosen by measurement: bench/kb_models.py, docs/understanding.md)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from bot.nlu.knowledge import load_knowledge
from bot.nlu.normalize import Normalizer

Matrix = npt.NDArray[np.float64]
_CHAR_WEIGHT = 1.0  # character n-grams against whole words and word pairs
_SVC_TEMPERATURE = 4.0  # LinearSVC margins to a softmax: spread comparable to the logistic's


def corpus_words(texts: Iterable[str]) -> set[str]:
    """Every lower-cased word of `texts` (the typo corrector's vocabulary)."""
    return {word for text in texts for word in text.lower().split()}


def build_normalizer(locale: str, words: set[str]) -> Normalizer:
    """The intent classifier's slang table with the intent examples' and `words`' vocabulary."""
    knowledge = load_knowledge(locale)
    vocabulary = corpus_words(t for texts in knowledge.examples.values() for t in texts)
    vocabulary |= corpus_words(t for texts in knowledge.keywords.values() for t in texts)
    return Normalizer(knowledge.slang, vocabulary | words)


class LinearModel:
    """TF-IDF over word 1-2-grams and char_wb 2-5-grams, then a linear classifier whose
    scores are a probability per label."""

    def __init__(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        kind: str = "logistic",
        *,
        c: float | None = None,
        char_weight: float = _CHAR_WEIGHT,
        chars: tuple[int, int] = (2, 5),
    ) -> None:
        self.labels = sorted(set(labels))
        self.kind = kind
        self.words = TfidfVectorizer(
            analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True
        )
        self.chars = TfidfVectorizer(analyzer="char_wb", ngram_range=chars, sublinear_tf=True)
        self.char_weight = char_weight
        stacked = self._stack(self.words.fit_transform(texts), self.chars.fit_transform(texts))
        index = {label: i for i, label in enumerate(self.labels)}
        target = np.array([index[label] for label in labels])
        if kind == "svc":
            self.model: LogisticRegression | LinearSVC = LinearSVC(C=c or 1.0)
        else:
            self.model = LogisticRegression(C=c or 30.0, max_iter=300)
        self.model.fit(stacked, target)
        # The fitted weights as plain arrays: scoring one post is a few dictionary look-ups
        # and one small matrix product (sklearn's input checks cost more than the maths).
        self._analyzers = (self.words.build_analyzer(), self.chars.build_analyzer())
        self._vocabularies = (self.words.vocabulary_, self.chars.vocabulary_)
        self._idf = (self.words.idf_, self.chars.idf_)
        self._scale = (1.0, char_weight)
        self._offset = len(self.words.vocabulary_)
        coef = np.asarray(self.model.coef_, dtype=np.float32)
        if coef.shape[0] == 1:  # two labels: sklearn keeps one row
            coef = np.vstack([-coef, coef])
        self._weights = np.ascontiguousarray(coef.T)
        intercept = np.asarray(self.model.intercept_, dtype=np.float64)
        self._intercept = np.hstack([-intercept, intercept]) if intercept.size == 1 else intercept

    def _stack(self, words: object, chars: object) -> object:
        return hstack([words, self.char_weight * chars]).tocsr()  # type: ignore[operator]

    def _row(self, text: str) -> tuple[list[int], list[float]]:
        """The TF-IDF features of one text (as TfidfVectorizer computes them)."""
        columns: list[int] = []
        values: list[float] = []
        offset = 0
        for analyzer, vocabulary, idf, scale in zip(
            self._analyzers, self._vocabularies, self._idf, self._scale, strict=True
        ):
            counts: dict[int, int] = {}
            for gram in analyzer(text):
                column = vocabulary.get(gram)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            if counts:
                keys = np.fromiter(counts.keys(), np.intp, len(counts))
                weights = (1.0 + np.log(np.fromiter(counts.values(), np.float64))) * idf[keys]
                weights *= scale / (np.linalg.norm(weights) or 1.0)
                columns += (keys + offset).tolist()
                values += weights.tolist()
            offset += len(vocabulary)
        return columns, values

    def margins(self, texts: Sequence[str]) -> Matrix:
        """The linear model's raw score per text and label."""
        out = np.empty((len(texts), len(self.labels)))
        for i, text in enumerate(texts):
            columns, values = self._row(text)
            row = np.asarray(values, np.float32) @ self._weights[columns] if columns else 0.0
            out[i] = row + self._intercept
        return out

    def probabilities(self, texts: Sequence[str]) -> Matrix:
        """A row per text, a column per label (self.labels), each row summing to 1."""
        margins = self.margins(texts)
        if self.kind == "svc":
            margins *= _SVC_TEMPERATURE
        margins -= margins.max(axis=1, keepdims=True)
        weights = np.exp(margins)
        result: Matrix = weights / weights.sum(axis=1, keepdims=True)
        return result


@dataclass(frozen=True)
class Found:
    """What a post asks, as entries: the likeliest first with a calibrated confidence (the
    share of held-out posts scored like this that were right), and the entries that other
    clauses of the post ask about clearly."""

    ranked: tuple[tuple[str, float], ...]
    others: tuple[str, ...] = ()  # further questions in the post (their own clauses)
    thanked: bool = False
    framing_only: bool = False

    @property
    def best(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def confidence(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0


def features(probabilities: Matrix, lengths: Sequence[int]) -> Matrix:
    """What the calibrator sees of one scored text: the best probability, its margin over
    the runner-up, and the length (so a long post and a short question mean the same)."""
    ordered = -np.sort(-probabilities, axis=1)
    top, second = ordered[:, 0], ordered[:, 1] if ordered.shape[1] > 1 else ordered[:, 0] * 0
    return np.column_stack([top, top - second, np.log1p(np.asarray(lengths, np.float64))])


class Calibrator:
    """P(the best entry is right) from held-out folds: a logistic regression over
    features(), fitted on out-of-fold scores of the examples, alone and inside long posts."""

    def __init__(self, features: Matrix, right: npt.NDArray[np.bool_]) -> None:
        self.model: LogisticRegression | None = LogisticRegression(C=1.0)
        if right.all() or not right.any():  # too little data to learn from: trust the score
            self.model = None
        else:
            self.model.fit(features, right)

    def __call__(self, features: Matrix) -> npt.NDArray[np.float64]:
        if self.model is None:
            return features[:, 0]
        z = features @ self.model.coef_[0] + self.model.intercept_[0]
        found: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return found
