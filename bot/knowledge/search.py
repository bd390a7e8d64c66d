"""The entry a post asks about, with a calibrated confidence: the post is read like the intent
classifier reads it (bot/nlu/reading.py: framing out, clauses), the whole question and each
clause are scored by the linear model, and the scores become the share of held-out posts
scored alike that were answered right (so 0.7 means the same for five words and six
sentences). Clauses that clearly ask something else are the post's further questions; the
most urgent question (topics.toml [urgency]) comes first."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.knowledge.entries import KnowledgeBase
from bot.knowledge.linear import LinearModel
from bot.knowledge.retrieval import (
    Calibrator,
    Found,
    Matrix,
    build_normalizer,
    corpus_words,
    features,
)
from bot.nlu.knowledge import UNKNOWN, load_knowledge
from bot.nlu.reading import ASKS, CONTEXT_ONLY, Framer
from bot.nlu.topics import topics

# Intents answered by acting or from the participant's own data, never from an entry: the
# greeting, thanks, the menu, their deadline, recording a purchase, stopping reminders,
# deleting their data, a person (handlers/freetext.py; `classify` prints them as they are).
log = logging.getLogger(__name__)

ACTIONS = (
    "greeting",
    "thanks",
    "help",
    "deadline",
    "purchased",
    "stop_reminders",
    "delete_data",
    "human",
)
CONFIDENT = 0.5  # answer straight away from this calibrated confidence (kb_golden.tsv: 86 % of
# in-scope posts answered, 94 % of them right; 0.6: 77 %, 94 %; 0.4: 92 %, 92 %)...
OTHERS = 0.7  # a clause this sure of another entry is a further question of the post
# (kb_golden.tsv: from 0.5, six posts lost their right entry to a false second question)
ASKED = 0.35  # a further clause that asks finds its entry this surely: offered as a button
CONTEXT = 0.5  # a clause that asks nothing counts this much beside one that asks (kb_golden.tsv
# top-1: 1.0 -> 91.1 %, 0.75 -> 91.8 %, 0.6 -> 92.2 %, 0.5 -> 92.5 %)
NEAR = 0.2  # ...offer the likeliest entries from this one; below: nothing near
_FOLDS = 3  # held-out folds the calibrator learns from
_VERSION = 2  # of the model: a change of method invalidates the kept ones
_KEEP_DAYS = 7  # a kept model unused this long is removed
_MIN_CLAUSE = 3  # words: a shorter clause is context, not a question of its own
_RANKED = 5


def _cache_dir() -> Path:
    """Where trained models are kept ($XDG_CACHE_HOME or ~/.cache, prakerja-bot)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prakerja-bot"


def _load(path: Path) -> tuple[LinearModel, Calibrator] | None:
    """A model and calibration trained before on exactly these examples, if kept (marked as
    used now; models unused for _KEEP_DAYS are removed when a new one is kept)."""
    try:
        model, extra = LinearModel.load(path)
        path.touch()
    except (OSError, ValueError, KeyError, IndexError):
        return None
    weights = extra.get("calibration")
    if weights is None or not len(weights):
        return model, Calibrator(np.zeros((0, 4)), np.zeros(0, bool))
    return model, Calibrator.from_weights(weights.tolist())


def _train_apart(kb: KnowledgeBase, calibrate: bool, path: Path) -> bool:
    """Trains in a child process (python -m bot.knowledge.train), which keeps the result at
    `path`: scikit-learn (tens of MiB) then never enters the bot's own process. False when
    that didn't work (the caller trains in this process)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", suffix=".json", dir=path.parent, delete=False, encoding="utf-8"
        ) as handle:
            entries = [e.model_dump(mode="json") for e in kb.entries]
            json.dump({"locale": kb.locale, "entries": entries}, handle)
        command = [sys.executable, "-m", "bot.knowledge.train", handle.name, str(path)]
        if not calibrate:
            command.append("--no-calibration")
        done = subprocess.run(command, check=False, capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        with contextlib.suppress(OSError, UnboundLocalError):
            Path(handle.name).unlink()
    if done.returncode != 0:
        log.warning("training the %s entry model apart failed: %s", kb.locale, done.returncode)
    return done.returncode == 0 and path.exists()


class Retriever:
    """One locale's entries, the model trained on their examples, and its calibration. The
    trained model is kept in the cache folder, keyed by the examples: a start with unchanged
    entries loads it; otherwise a child process trains it (seconds)."""

    def __init__(self, kb: KnowledgeBase, *, calibrate: bool = True, train: bool = True) -> None:
        self.kb = kb
        texts: list[str] = []
        labels: list[str] = []
        anchors: list[tuple[str, str]] = []
        for entry in kb.entries:
            texts += entry.examples
            labels += [entry.id] * len(entry.examples)
            anchors += [(entry.question, entry.id), (entry.title, entry.id)]
        # What is out of scope (other aid programmes, games...): the intent classifier's
        # `unknown` examples, a label of its own that is never offered.
        outside = [(t, UNKNOWN) for t in load_knowledge(kb.locale).examples.get(UNKNOWN, ())]
        anchors += outside
        self.normalizer = build_normalizer(
            kb.locale, corpus_words([*texts, *(a for a, _ in anchors)])
        )
        self.framer = Framer(kb.locale, self.normalizer)
        self.training = (texts, labels, anchors)
        if not train:
            return
        digest = hashlib.sha256(
            json.dumps([_VERSION, kb.locale, texts, labels, anchors, calibrate]).encode()
        ).hexdigest()[:16]
        path = _cache_dir() / f"kb-model-{kb.locale}-{digest}.npz"
        stored = _load(path)
        if stored is None and _train_apart(kb, calibrate, path):
            stored = _load(path)
        if stored is None:  # no child process here: train in this one
            stored = self.train(calibrate)
            with contextlib.suppress(OSError):  # a read-only cache: train at each start
                self.save(stored, path)
        self.model, self.calibrator = stored
        self.labels = self.model.labels

    def train(self, calibrate: bool) -> tuple[LinearModel, Calibrator]:
        """The model on every example, and its calibration from held-out folds."""
        texts, labels, anchors = self.training
        normal = [self.normalizer.text(t) for t in texts]
        fixed = [self.normalizer.text(a) for a, _ in anchors]
        model = LinearModel.train(normal + fixed, labels + [b for _, b in anchors])
        calibrator = Calibrator(np.zeros((0, 4)), np.zeros(0, bool))
        if calibrate:
            calibrator = self._calibrate(texts, labels, anchors)
        return model, calibrator

    @staticmethod
    def save(stored: tuple[LinearModel, Calibrator], path: Path) -> None:
        """Keeps a trained model and calibration at `path` (written whole, then renamed)."""
        model, calibrator = stored
        path.parent.mkdir(parents=True, exist_ok=True)
        weights = calibrator.weights()
        partial = path.with_name(f"{path.stem}.{os.getpid()}.npz")
        model.save(partial, calibration=np.array(weights if weights is not None else []))
        partial.replace(path)
        stale = time.time() - _KEEP_DAYS * 86400
        for old in path.parent.glob("kb-model-*.npz"):
            with contextlib.suppress(OSError):
                if old.stat().st_mtime < stale:
                    old.unlink()

    def _calibrate(
        self, texts: list[str], labels: list[str], anchors: list[tuple[str, str]]
    ) -> Calibrator:
        """Scores every example with a model that did not see it, alone and inside a longer
        post (two held-out examples of one entry, framed), and half of the out-of-scope lines
        with a model that saw the other half; learns P(right) from that."""
        rng = random.Random(11)
        fold = [0] * len(texts)
        seen: dict[str, int] = {}
        for i, label in enumerate(labels):
            fold[i] = seen.get(label, rng.randrange(_FOLDS)) % _FOLDS
            seen[label] = fold[i] + 1
        framing = topics().framing(self.kb.locale)
        normal = [self.normalizer.text(t) for t in texts]
        fixed = {a: self.normalizer.text(a) for a, _ in anchors}
        rows: list[Matrix] = []
        right: list[bool] = []
        for k in range(_FOLDS):
            train = [i for i in range(len(texts)) if fold[i] != k]
            test = [i for i in range(len(texts)) if fold[i] == k]
            kept = [a for n, a in enumerate(anchors) if a[1] != UNKNOWN or n % _FOLDS != k]
            held = [a for n, a in enumerate(anchors) if a[1] == UNKNOWN and n % _FOLDS == k]
            if not test:
                continue
            model = LinearModel.train(
                [normal[i] for i in train] + [fixed[a] for a, _ in kept],
                [labels[i] for i in train] + [b for _, b in kept],
            )
            posts: list[tuple[str, str]] = list(held)
            for n, i in enumerate(test):  # alone, or (every other one) inside a longer post
                if n % 2:
                    twin = rng.choice([j for j in test if labels[j] == labels[i]])
                    opener, tail = rng.choice(framing.courtesy), rng.choice(framing.peer)
                    posts.append((f"{opener}. {texts[i]}. {texts[twin]} {tail}", labels[i]))
                else:
                    posts.append((texts[i], labels[i]))
            scored = self._scores_many(model, [post for post, _ in posts])
            for (scores, words), (_, label) in zip(scored, posts, strict=True):
                if scores is None:
                    continue
                rows.append(self._features(model, scores[None, :], [words]))
                best = model.labels[int(np.argmax(scores))]
                right.append(best == label and label != UNKNOWN)
        if not rows:
            return Calibrator(np.zeros((0, 4)), np.zeros(0, bool))
        return Calibrator(np.vstack(rows), np.array(right))

    @staticmethod
    def _features(model: LinearModel, scores: Matrix, words: Sequence[int]) -> Matrix:
        """features() over the in-scope labels, plus the out-of-scope label's score."""
        outside = model.labels.index(UNKNOWN) if UNKNOWN in model.labels else None
        if outside is None:
            return np.column_stack([features(scores, words), np.zeros(len(scores))])
        inside = np.delete(scores, outside, axis=1)
        return np.column_stack([features(inside, words), scores[:, outside]])

    def _pieces(self, text: str) -> tuple[list[list[str]], bool]:
        return self.framer.parts(text)

    def _scores_many(
        self, model: LinearModel, texts: list[str]
    ) -> list[tuple[Matrix | None, int]]:
        """_scores() of many posts, their pieces scored in one batch."""
        spans: list[tuple[int, int, int]] = []
        pieces: list[str] = []
        for text in texts:
            parts, _ = self._pieces(text)
            whole = [t for p in parts for t in p]
            start = len(pieces)
            if parts:
                pieces.append(" ".join(whole))
                if len(parts) > 1:
                    pieces += [" ".join(p) for p in parts if len(p) >= _MIN_CLAUSE]
            spans.append((start, len(pieces), len(whole)))
        found = model.probabilities(pieces, batch=True) if pieces else np.zeros((0, 0))
        return [(found[a:b].max(axis=0) if b > a else None, words) for a, b, words in spans]

    def _scores(self, model: LinearModel, text: str) -> tuple[Matrix | None, int]:
        """The post's score per entry (the best of the whole question and its clauses) and
        its length in words; None when the post is only framing."""
        parts, _ = self._pieces(text)
        if not parts:
            return None, 0
        whole = [t for p in parts for t in p]
        pieces = [" ".join(whole)]
        if len(parts) > 1:
            pieces += [" ".join(p) for p in parts if len(p) >= _MIN_CLAUSE]
        found = model.probabilities(pieces)
        return found.max(axis=0), len(whole)

    def confidence(self, scores: Matrix, words: Sequence[int]) -> npt.NDArray[np.float64]:
        """The calibrated confidence of each row of scores (a post or a clause)."""
        return self.calibrator(self._features(self.model, scores, words))

    def search(self, text: str, applies: Callable[[str], bool] | None = None) -> Found:
        """The entries the post asks about (see the module docstring). `applies` says whether
        an entry fits the participant (scheme, stage): one that doesn't is passed over for
        the next one when that one is about as likely."""
        marked, thanked = self.framer.marked(text)
        if not marked:
            return Found((), thanked=thanked, framing_only=True)
        parts = [tokens for tokens, _ in marked]
        whole = [t for p in parts for t in p]
        pieces = [" ".join(whole)]
        kept = [(p, a) for p, a in marked if len(p) >= _MIN_CLAUSE] if len(parts) > 1 else []
        clauses = [p for p, _ in kept]
        pieces += [" ".join(p) for p in clauses]
        asking = any(a for _, a in kept)
        mixed = asking and not all(a for _, a in kept)
        # an asking clause read with the context just before it ("udh beli pelatihan, kok
        # ga muncul di dashboard?": the problem is about the purchase)
        joined = [
            " ".join([*kept[n - 1][0], *p]) for n, (p, a) in enumerate(kept) if n and a and mixed
        ]
        found = self.model.probabilities(pieces + joined)
        if mixed:
            # a clause that asks outweighs the context around it ("sudah lolos gel 22, saya
            # dari Makassar. Gimana cara sambung rekening?"): context clauses count less, and
            # not at all when they only state progress ("udah beli") beside the problem asked
            context = [self._context_weight(row) for row in found[1 : len(kept) + 1]]
            weights = np.array(
                [1.0, *(1.0 if a else w for (_, a), w in zip(kept, context, strict=True))]
            )
            weights = np.concatenate([weights, np.ones(len(joined))])
            found = found * weights[:, None]
        combined = found.max(axis=0)
        found = found[: len(pieces)]
        rows = np.vstack([combined, found[1:]])
        sure_all = self.confidence(rows, [len(whole), *(len(c) for c in clauses)])
        sure = float(sure_all[0])
        outside = self.labels.index(UNKNOWN) if UNKNOWN in self.labels else -1
        order = [int(j) for j in np.argsort(-combined) if j != outside][:_RANKED]
        top = combined[order[0]]
        ranked = [(self.labels[j], sure * float(combined[j]) / top) for j in order]
        if applies is not None:
            fitting = [(e, s) for e, s in ranked if applies(e)]
            if fitting and fitting[0][0] != ranked[0][0] and fitting[0][1] >= 0.5 * sure:
                ranked = [(fitting[0][0], sure), *(p for p in ranked if p[0] != fitting[0][0])]
        others: list[str] = []
        asked: list[str] = []  # a further clause that asks, less sure: offered as a button
        for row, clause_sure, (_, asks) in zip(found[1:], sure_all[1:], kept, strict=True):
            entry = self.labels[int(np.argmax(row))]
            distinct = self.topic(entry) != self.topic(ranked[0][0]) or clause_sure >= 0.8
            if entry in (UNKNOWN, ranked[0][0]) or entry in others or (asking and not asks):
                continue  # a context clause beside one that asks is no question of its own
            if clause_sure >= OTHERS and distinct:
                others.append(entry)
            elif asks == ASKS and clause_sure >= ASKED and entry not in asked:
                asked.append(entry)
        if others:
            ranked, others = self._urgent_first(ranked, others)
        asked = [e for e in asked if e not in others and e != ranked[0][0]]
        return Found(
            tuple((e, round(float(s), 3)) for e, s in ranked),
            tuple(others),
            thanked=thanked,
            asked=tuple(asked),
        )

    def _context_weight(self, row: Matrix) -> float:
        """How much a clause that asks nothing counts beside one that asks: nothing when its
        likeliest entry is of a topic that is only context (the progress stated)."""
        entry = self.labels[int(np.argmax(row))]
        return 0.0 if self.topic(entry) in CONTEXT_ONLY else CONTEXT

    def _urgent_first(
        self, ranked: list[tuple[str, float]], others: list[str]
    ) -> tuple[list[tuple[str, float]], list[str]]:
        """The most urgent of the clearly asked questions first, the rest as `others`."""
        order = topics()
        best, sure = ranked[0]
        asked = [best, *others]
        if sure < CONFIDENT:
            return ranked, others
        first = min(asked, key=lambda e: (order.rank(self.topic(e)), asked.index(e)))
        if first == best:
            return ranked, others
        rest = [e for e in asked if e != first]
        return [(first, sure), *(p for p in ranked if p[0] != first)], rest

    def topic(self, entry_id: str) -> str:
        entry = self.kb.get(entry_id)
        return entry.topic if entry else ""
