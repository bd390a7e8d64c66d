"""What the entry search returns, and how its scores become a calibrated confidence; the
normaliser it reads posts with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.nlu.knowledge import load_knowledge
from bot.nlu.normalize import Normalizer

Matrix = npt.NDArray[np.float64]


def corpus_words(texts: Iterable[str]) -> set[str]:
    """Every lower-cased word of `texts` (the typo corrector's vocabulary)."""
    return {word for text in texts for word in text.lower().split()}


def build_normalizer(locale: str, words: set[str]) -> Normalizer:
    """The intent classifier's slang table with the intent examples' and `words`' vocabulary."""
    knowledge = load_knowledge(locale)
    vocabulary = corpus_words(t for texts in knowledge.examples.values() for t in texts)
    vocabulary |= corpus_words(t for texts in knowledge.keywords.values() for t in texts)
    return Normalizer(knowledge.slang, vocabulary | words)


@dataclass(frozen=True)
class Found:
    """What a post asks, as entries: the likeliest first with a calibrated confidence (the
    share of held-out posts scored like this that were right), and the entries that other
    clauses of the post ask about clearly."""

    ranked: tuple[tuple[str, float], ...]
    others: tuple[str, ...] = ()  # further questions in the post (their own clauses)
    thanked: bool = False
    framing_only: bool = False
    asked: tuple[str, ...] = ()  # further questions found less surely: offered as buttons

    @property
    def best(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    @property
    def confidence(self) -> float:
        return self.ranked[0][1] if self.ranked else 0.0

    @property
    def near(self) -> float:
        """About how likely one of the three likeliest entries is right (each entry's share
        of the calibrated confidence, added): worth offering them from NEAR on."""
        return min(1.0, sum(score for _, score in self.ranked[:3]))


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
        self.coef: Matrix | None = None
        self.intercept = 0.0
        if right.any() and not right.all():  # else too little to learn from: trust the score
            from sklearn.linear_model import LogisticRegression  # only to learn, not to score

            model = LogisticRegression(C=1.0)
            model.fit(features, right)
            self.coef = np.asarray(model.coef_[0], np.float64)
            self.intercept = float(model.intercept_[0])

    @classmethod
    def from_weights(cls, weights: Sequence[float]) -> Calibrator:
        """A calibrator stored by weights() (the last number is the intercept)."""
        made = cls(np.zeros((0, 4)), np.zeros(0, bool))
        made.coef, made.intercept = np.asarray(weights[:-1], np.float64), float(weights[-1])
        return made

    def weights(self) -> list[float] | None:
        if self.coef is None:
            return None
        return [*self.coef.tolist(), self.intercept]

    def __call__(self, features: Matrix) -> npt.NDArray[np.float64]:
        if self.coef is None:
            return features[:, 0]
        z = features @ self.coef + self.intercept
        found: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return found
