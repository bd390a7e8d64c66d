"""Which model finds the knowledge base's entry best: grouped k-fold cross-validation over the
entries' own examples (docs/understanding.md has the figures).

Every candidate sees the same normalised text (bot/nlu/normalize.py). Folds are grouped: the
examples of one entry that are near copies of each other (rapidfuzz token-sort ratio >= 85) stay
in one fold, so a test line never has its twin in the training lines. Besides top-1 and top-3,
it times each model on long posts built from held-out examples with the framing real posts
carry (one post scored whole and clause by clause, as the bot does).

Usage: python bench/kb_models.py [--locale id] [--source kb|intents] [--folds 5]
"""

from __future__ import annotations

import argparse
import math
import random
import resource
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from bot.knowledge.linear import LinearModel
from bot.knowledge.retrieval import build_normalizer, corpus_words
from bot.nlu.knowledge import UNKNOWN, Knowledge, Thresholds, load_knowledge
from bot.nlu.model import Classifier
from bot.nlu.normalize import Normalizer
from bot.nlu.reading import Framer

ROOT = Path(__file__).resolve().parents[1]
COMBINE = "max"  # how a post's whole-question and clause scores are combined (--combine)
Matrix = npt.NDArray[np.float64]


class Model:
    """A candidate: fit on labelled texts, then a score per label for each text."""

    name = ""

    def fit(self, texts: list[str], labels: list[str]) -> None:
        raise NotImplementedError

    def scores(self, texts: Sequence[str]) -> Matrix:
        raise NotImplementedError

    labels: list[str]


class Present(Model):
    """The intent classifier of bot/nlu/model.py over the entries (nearest example + centroid)."""

    name = "present (TF-IDF nearest + centroid)"

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer

    def fit(self, texts: list[str], labels: list[str]) -> None:
        grouped: dict[str, list[str]] = defaultdict(list)
        for text, label in zip(texts, labels, strict=True):
            grouped[label].append(text)
        self.labels = sorted(grouped)
        knowledge = Knowledge(
            locale="id",
            slang=self.normalizer.slang,
            yes=frozenset(),
            no=frozenset(),
            keywords={},
            examples={k: tuple(grouped[k]) for k in self.labels},
            thresholds=Thresholds(),
        )
        self.model = Classifier(knowledge)
        self.model.normalizer = self.normalizer

    def scores(self, texts: Sequence[str]) -> Matrix:
        rows = []
        for text in texts:
            found = self.model.token_scores(text.split())
            rows.append([found[label] for label in self.labels])
        return np.array(rows)


class Linear(Model):
    """bot/knowledge/retrieval.py's model: word 1-2 + char_wb 2-5 TF-IDF, a linear classifier."""

    def __init__(self, kind: str, **options: Any) -> None:
        self.kind = kind
        self.options = options
        extra = "".join(f", {k} {v}" for k, v in options.items())
        self.name = f"linear ({kind}), word 1-2 + char_wb{extra}"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        self.model = LinearModel.train(texts, labels, kind=self.kind, **self.options)
        self.labels = self.model.labels

    def scores(self, texts: Sequence[str]) -> Matrix:
        return self.model.probabilities(texts)


class BM25(Model):
    """Okapi BM25 over the examples; an entry scores as its best example."""

    name = "BM25 (k1 1.2, b 0.75), best example per entry"

    def fit(self, texts: list[str], labels: list[str]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.vectorizer = CountVectorizer(token_pattern=r"\S+", ngram_range=(1, 1))
        counts = self.vectorizer.fit_transform(texts).tocsc().astype(np.float64)
        n, lengths = counts.shape[0], np.asarray(counts.sum(axis=1)).ravel()
        df = np.diff(counts.indptr)
        self.idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        k1, b = 1.2, 0.75
        counts = counts.tocoo()
        denom = counts.data + k1 * (1 - b + b * lengths[counts.row] / lengths.mean())
        weights = counts.data * (k1 + 1) / denom * self.idf[counts.col]
        from scipy.sparse import csr_matrix

        self.weights = csr_matrix((weights, (counts.row, counts.col)), shape=counts.shape)
        self.labels = sorted(set(labels))
        index = {label: i for i, label in enumerate(self.labels)}
        self.example_label = np.array([index[label] for label in labels])

    def scores(self, texts: Sequence[str]) -> Matrix:
        query = self.vectorizer.transform(texts)
        query.data[:] = 1.0
        per_example = (query @ self.weights.T).toarray()
        out = np.zeros((len(texts), len(self.labels)))
        for label in range(len(self.labels)):
            out[:, label] = per_example[:, self.example_label == label].max(axis=1)
        return out


class Blend(Model):
    """Candidates' scores, each scaled to its row maximum, added with weights."""

    def __init__(self, parts: list[tuple[Model, float]]) -> None:
        self.parts = parts
        self.name = " + ".join(f"{w:g}x {m.name.split(' ')[0]}" for m, w in parts)

    def fit(self, texts: list[str], labels: list[str]) -> None:
        for model, _ in self.parts:
            model.fit(texts, labels)
        self.labels = self.parts[0][0].labels

    def scores(self, texts: Sequence[str]) -> Matrix:
        total = np.zeros((len(texts), len(self.labels)))
        for model, weight in self.parts:
            found = model.scores(texts)
            top = np.maximum(found.max(axis=1, keepdims=True), 1e-9)
            total += weight * found / top
        return total


def read_entries(locale: str, root: Path) -> list[tuple[str, str]]:
    """(example, entry id) of every entry in <root>/<locale>/*.toml (unvalidated)."""
    pairs = []
    for path in sorted((root / locale).glob("*.toml")):
        for entry in tomllib.loads(path.read_text("utf-8")).get("entry", []):
            pairs += [(text, entry["id"]) for text in entry.get("examples", [])]
    return pairs


def read_anchors(locale: str, root: Path) -> list[tuple[str, str]]:
    """Each entry's question and title: always among the training lines (never tested)."""
    pairs = []
    for path in sorted((root / locale).glob("*.toml")):
        for entry in tomllib.loads(path.read_text("utf-8")).get("entry", []):
            pairs += [(entry["question"], entry["id"]), (entry["title"], entry["id"])]
    return pairs


def read_intents(locale: str) -> list[tuple[str, str]]:
    knowledge = load_knowledge(locale)
    return [(t, n) for n, texts in knowledge.examples.items() if n != UNKNOWN for t in texts]


def groups(pairs: list[tuple[str, str]]) -> list[int]:
    """A group number per example: near copies within an entry share one."""
    parent = list(range(len(pairs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_label: dict[str, list[int]] = defaultdict(list)
    for i, (_, label) in enumerate(pairs):
        by_label[label].append(i)
    for members in by_label.values():
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1 :]:
                if fuzz.token_sort_ratio(pairs[a][0], pairs[b][0]) >= 85:
                    parent[root(a)] = root(b)
    return [root(i) for i in range(len(pairs))]


def folds(pairs: list[tuple[str, str]], k: int) -> list[int]:
    """A fold per example: groups spread over the folds entry by entry."""
    group_of = groups(pairs)
    rng = random.Random(7)
    fold_of_group: dict[int, int] = {}
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, (_, label) in enumerate(pairs):
        if group_of[i] not in by_label[label]:
            by_label[label].append(group_of[i])
    for members in by_label.values():
        rng.shuffle(members)
        start = rng.randrange(k)
        for position, group in enumerate(members):
            fold_of_group[group] = (start + position) % k
    return [fold_of_group[g] for g in group_of]


def long_post(text: str, rng: random.Random, filler: list[str]) -> str:
    """A held-out example as a long real-style post: greeting, context, the question, a tail."""
    opener = rng.choice(["Assalamualaikum min", "Selamat siang kak", "permisi min mau tanya"])
    tail = rng.choice(["ada yg sama?", "mohon pencerahannya", "makasih sebelumnya"])
    context = rng.choice(filler)
    return f"{opener}. {context}. {text}. {tail}"


def evaluate(
    make: Callable[[], Model],
    pairs: list[tuple[str, str]],
    fold_of: list[int],
    normalizer: Normalizer,
    k: int,
    anchors: list[tuple[str, str]],
) -> tuple[str, float, float, float, float, float]:
    """(name, top-1, top-3, long-post top-1, fit seconds, long posts per second)."""
    texts = [normalizer.text(t) for t, _ in pairs]
    framer = Framer("id", normalizer)
    rng = random.Random(3)
    filler = [
        "saya peserta gelombang 22",
        "sudah dari kemarin begini",
        "sy udh coba berkali kali",
        "baru lolos minggu lalu",
    ]
    top1 = top3 = long1 = 0
    fit_seconds = post_seconds = 0.0
    posts = 0
    name = ""
    for fold in range(k):
        train = [i for i in range(len(pairs)) if fold_of[i] != fold]
        test = [i for i in range(len(pairs)) if fold_of[i] == fold]
        model = make()
        name = model.name
        started = time.process_time()
        model.fit(
            [texts[i] for i in train] + [normalizer.text(t) for t, _ in anchors],
            [pairs[i][1] for i in train] + [label for _, label in anchors],
        )
        fit_seconds += time.process_time() - started
        found = model.scores([texts[i] for i in test])
        order = np.argsort(-found, axis=1)
        for row, i in enumerate(test):
            ranked = [model.labels[j] for j in order[row, :3]]
            top1 += ranked[0] == pairs[i][1]
            top3 += pairs[i][1] in ranked
        started = time.process_time()
        for i in test[:150]:
            post = long_post(pairs[i][0], rng, filler)
            parts, _ = framer.parts(post)
            pieces = [" ".join(t for p in parts for t in p), *(" ".join(p) for p in parts)]
            scored = model.scores(pieces)
            combined = {
                "max": scored.max(axis=0),
                "whole": scored[0],
                "mean": scored.mean(axis=0),
                "whole+max": scored[0] + scored.max(axis=0),
                "sum": scored.sum(axis=0),
            }[COMBINE]
            best = int(np.argmax(combined))
            long1 += model.labels[best] == pairs[i][1]
            posts += 1
        post_seconds += time.process_time() - started
    n = len(pairs)
    return name, top1 / n, top3 / n, long1 / posts, fit_seconds / k, posts / post_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--locale", default="id")
    parser.add_argument("--source", choices=["kb", "intents"], default="kb")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--combine", default="max")
    parser.add_argument("--anchors", action="store_true", help="train on questions and titles")
    parser.add_argument("--root", type=Path, default=ROOT / "bot" / "data" / "kb")
    args = parser.parse_args()
    pairs = (
        read_entries(args.locale, args.root) if args.source == "kb" else read_intents(args.locale)
    )
    normalizer = build_normalizer(args.locale, corpus_words(t for t, _ in pairs))
    fold_of = folds(pairs, args.folds)
    anchors = read_anchors(args.locale, args.root) if args.anchors else []
    labels = len({label for _, label in pairs})
    print(
        f"{len(pairs)} examples, {labels} labels, {len(set(groups(pairs)))} groups, "
        f"{args.folds} folds"
    )
    candidates: dict[str, Callable[[], Model]] = {
        "present": lambda: Present(normalizer),
        "bm25": BM25,
        "lr": lambda: Linear("logistic"),
        "svc": lambda: Linear("svc"),
        "lr+bm25": lambda: Blend([(Linear("logistic"), 1.0), (BM25(), 0.5)]),
        "lr+present": lambda: Blend([(Linear("logistic"), 1.0), (Present(normalizer), 0.5)]),
        "svc+present": lambda: Blend([(Linear("svc"), 1.0), (Present(normalizer), 0.5)]),
        "svc-c0.5": lambda: Linear("svc", c=0.5),
        "svc-c2": lambda: Linear("svc", c=2.0),
        "svc-char0.5": lambda: Linear("svc", char_weight=0.5),
        "svc-char1.5": lambda: Linear("svc", char_weight=1.5),
        "svc-char1-4": lambda: Linear("svc", chars=(1, 4)),
        "svc-char3-6": lambda: Linear("svc", chars=(3, 6)),
        "lr-c100": lambda: Linear("logistic", c=100.0),
        "svc-df2": lambda: Linear("svc", min_df=2),
        "svc-df3": lambda: Linear("svc", min_df=3),
        "svc-df2-c0.5": lambda: Linear("svc", min_df=2, c=0.5),
    }
    chosen = [c for c in args.only.split(",") if c] or list(candidates)
    print(f"{'model':<58} {'top-1':>6} {'top-3':>6} {'long':>6} {'fit s':>6} {'posts/s':>8}")
    for key in chosen:
        name, one, three, long1, fit, rate = evaluate(
            candidates[key], pairs, fold_of, normalizer, args.folds, anchors
        )
        print(f"{name:<58} {one:>6.1%} {three:>6.1%} {long1:>6.1%} {fit:>6.2f} {rate:>8.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this run: {rss:.0f} MiB; log(n) = {math.log(len(pairs)):.1f}")


if __name__ == "__main__":
    main()
