"""The entry model: TF-IDF over word 1-2-grams and char_wb 2-5-grams of the normalised text,
then a linear classifier (chosen by measurement: bench/kb_models.py, docs/understanding.md).

Training uses scikit-learn, imported only to train; scoring is plain NumPy over the fitted
weights, which can be saved and loaded (bot/knowledge/search.py trains in a child process and
keeps the result, so the bot's own process never loads scikit-learn)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
_CHAR_WEIGHT = 1.0  # character n-grams against whole words and word pairs
_SVC_TEMPERATURE = 4.0  # LinearSVC margins to a softmax: spread comparable to the logistic's
_TOKEN = re.compile(r"\S+")


def word_grams(text: str) -> list[str]:
    """Words and word pairs (as TfidfVectorizer(analyzer="word", token_pattern=r"\\S+",
    ngram_range=(1, 2)) makes them)."""
    tokens = _TOKEN.findall(text.lower())
    return tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]


def char_grams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside words, padded with a space (as analyzer="char_wb")."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[:n])
            while offset + n < size:
                offset += 1
                grams.append(padded[offset : offset + n])
            if offset == 0:  # a short word counts once
                break
    return grams


class LinearModel:
    """Scores texts against labels with fitted weights: a probability per label."""

    def __init__(
        self,
        labels: Sequence[str],
        vocabularies: tuple[dict[str, int], dict[str, int]],
        idf: tuple[Matrix, Matrix],
        weights: npt.NDArray[np.float32],
        intercept: Matrix,
        kind: str = "svc",
        chars: tuple[int, int] = (2, 5),
        char_weight: float = _CHAR_WEIGHT,
    ) -> None:
        self.labels = list(labels)
        self.kind = kind
        self._vocabularies = vocabularies
        self._idf = idf
        self._weights = weights
        self._intercept = intercept
        self._chars = chars
        self._scale = (1.0, char_weight)

    @classmethod
    def train(
        cls,
        texts: Sequence[str],
        labels: Sequence[str],
        kind: str = "svc",
        *,
        c: float | None = None,
        char_weight: float = _CHAR_WEIGHT,
        chars: tuple[int, int] = (2, 5),
        min_df: int = 1,
    ) -> LinearModel:
        """Fits the vectorisers and the classifier (LinearSVC, or a logistic regression)."""
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        ordered = sorted(set(labels))
        words = TfidfVectorizer(analyzer=word_grams, sublinear_tf=True)
        grams = TfidfVectorizer(
            analyzer=lambda t: char_grams(t, *chars), sublinear_tf=True, min_df=min_df
        )
        stacked = hstack(
            [words.fit_transform(texts), char_weight * grams.fit_transform(texts)]
        ).tocsr()
        index = {label: i for i, label in enumerate(ordered)}
        target = np.array([index[label] for label in labels])
        model: LogisticRegression | LinearSVC
        if kind == "svc":
            model = LinearSVC(C=c or 1.0)
        else:
            model = LogisticRegression(C=c or 30.0, max_iter=300)
        model.fit(stacked, target)
        coef = np.asarray(model.coef_, dtype=np.float32)
        intercept = np.asarray(model.intercept_, dtype=np.float64)
        if coef.shape[0] == 1:  # two labels: sklearn keeps one row
            coef, intercept = np.vstack([-coef, coef]), np.hstack([-intercept, intercept])
        return cls(
            ordered,
            ({k: int(v) for k, v in words.vocabulary_.items()},
             {k: int(v) for k, v in grams.vocabulary_.items()}),
            (words.idf_.copy(), grams.idf_.copy()),
            np.ascontiguousarray(coef.T),
            intercept,
            kind,
            chars,
            char_weight,
        )  # fmt: skip

    def save(self, path: Path, **extra: Matrix) -> None:
        """Writes the weights (and `extra` arrays) to an .npz file, without pickles."""
        vocab = [sorted(v, key=v.__getitem__) for v in self._vocabularies]
        arrays: dict[str, npt.NDArray[np.generic]] = dict(extra)
        np.savez(
            path,
            allow_pickle=False,
            labels=np.array(self.labels),
            words=np.array(vocab[0]),
            grams=np.array(vocab[1]),
            idf_words=self._idf[0],
            idf_grams=self._idf[1],
            weights=self._weights,
            intercept=self._intercept,
            options=np.array([self._chars[0], self._chars[1], self._scale[1]]),
            kind=np.array([self.kind]),
            **arrays,
        )

    @classmethod
    def load(cls, path: Path) -> tuple[LinearModel, dict[str, Matrix]]:
        """The model saved by save(), and the extra arrays saved with it."""
        with np.load(path, allow_pickle=False) as data:
            stored = {name: data[name] for name in data.files}
        options = stored.pop("options")
        model = cls(
            stored.pop("labels").tolist(),
            (
                {w: i for i, w in enumerate(stored.pop("words").tolist())},
                {w: i for i, w in enumerate(stored.pop("grams").tolist())},
            ),
            (stored.pop("idf_words"), stored.pop("idf_grams")),
            stored.pop("weights"),
            stored.pop("intercept"),
            str(stored.pop("kind")[0]),
            (int(options[0]), int(options[1])),
            float(options[2]),
        )
        return model, stored

    def _row(self, text: str) -> tuple[list[int], list[float]]:
        """The TF-IDF features of one text (as TfidfVectorizer computes them)."""
        columns: list[int] = []
        values: list[float] = []
        offset = 0
        grams = (word_grams(text), char_grams(text, *self._chars))
        for found, vocabulary, idf, scale in zip(
            grams, self._vocabularies, self._idf, self._scale, strict=True
        ):
            counts: dict[int, int] = {}
            for gram in found:
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

    def margins(self, texts: Sequence[str], batch: bool = False) -> Matrix:
        """The linear model's raw score per text and label (`batch`: many texts at once as
        one sparse product, for training; scipy is loaded then)."""
        if batch:
            from scipy.sparse import csr_matrix

            rows = [self._row(text) for text in texts]
            indptr = np.cumsum([0, *(len(c) for c, _ in rows)])
            matrix = csr_matrix(
                (
                    np.fromiter((v for _, vs in rows for v in vs), np.float32, int(indptr[-1])),
                    np.fromiter((c for cs, _ in rows for c in cs), np.intp, int(indptr[-1])),
                    indptr,
                ),
                shape=(len(texts), self._weights.shape[0]),
            )
            return np.asarray(matrix @ self._weights, np.float64) + self._intercept
        out = np.empty((len(texts), len(self.labels)))
        for i, text in enumerate(texts):
            columns, values = self._row(text)
            row = np.asarray(values, np.float32) @ self._weights[columns] if columns else 0.0
            out[i] = row + self._intercept
        return out

    def probabilities(self, texts: Sequence[str], batch: bool = False) -> Matrix:
        """A row per text, a column per label (self.labels), each row summing to 1."""
        margins = self.margins(texts, batch)
        if self.kind == "svc":
            margins *= _SVC_TEMPERATURE
        margins -= margins.max(axis=1, keepdims=True)
        weights = np.exp(margins)
        result: Matrix = weights / weights.sum(axis=1, keepdims=True)
        return result
