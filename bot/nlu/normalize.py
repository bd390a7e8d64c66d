"""Informal text to the plain words the examples use: case, slang, typos, numbers, dates.

The steps, in order (each a small function, the tables are data from the locale file):
1. lower-case, fold accents, drop apostrophes and the safety module's redaction mark;
2. dates, times, amounts and numbers become placeholder tokens (`<tanggal>`, `<jam>`,
   `<uang>`, `<angka>`) so "tgl 30" and "30/11" look alike to the classifier;
3. split into words; "masuk2" / "masuk-masuk" (reduplication) become one word;
4. per word: repeated letters ("pleaseee", "kakkk"), slang ("gmn", "udh"), a possessive
   suffix ("otpnya"), two words typed together ("sertifikatgak"), and finally typos, by
   fuzzy matching against the vocabulary (rapidfuzz).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.safety import REDACTED

_DATE = re.compile(
    r"\b\d{1,2}\s*[/\-]\s*\d{1,2}(?:\s*[/\-]\s*\d{2,4})?\b"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|mei|may|jun|jul|agu|agt|aug|sep|okt|oct|nov|nop|des|dec)"
    r"[a-z]*\.?(?:\s+\d{4})?\b"
)
_TIME = re.compile(r"\b\d{1,2}[.:]\d{2}\b")
_MONEY = re.compile(
    r"\b(?:rp\.?\s*)?\d+(?:[.,]\d+)*\s*(?:rb|ribu|k|jt|juta|jeti)\b|\brp\.?\s*\d+(?:[.,]\d+)*"
)
_TIMES = re.compile(r"\b(\d+)\s*x\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_REDUP = re.compile(r"\b([a-z]{2,})(?:2|-\1)\b")
_WORD = re.compile(r"<[a-z]+>|[a-z][a-z\-]*[a-z]|[a-z]")
_RUN3 = re.compile(r"(.)\1{2,}")
_RUN2 = re.compile(r"(.)\1")

PLACEHOLDERS = ("<tanggal>", "<jam>", "<uang>", "<angka>")
_SUFFIXES = ("nya", "ku", "mu", "kah", "lah", "in")
_TYPO_CUTOFF = 0.8  # OSA similarity: one typo (swap, extra, missing or wrong letter) in 5-9
_MIN_TYPO_LENGTH = 5


def _fold(text: str) -> str:
    text = text.lower().replace(REDACTED, " ").replace("'", "").replace("’", "")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _placeholders(text: str) -> str:
    text = _DATE.sub(" <tanggal> ", text)
    text = _TIME.sub(" <jam> ", text)
    text = _MONEY.sub(" <uang> ", text)
    text = _TIMES.sub(r" \1 kali ", text)
    return _NUMBER.sub(" <angka> ", text)


class Normalizer:
    """Normalises one locale's informal text; `vocabulary` is every word the examples use."""

    def __init__(self, slang: Mapping[str, str], vocabulary: Iterable[str]) -> None:
        self.slang = dict(slang)
        self.vocabulary = frozenset(vocabulary) | frozenset(
            w for value in self.slang.values() for w in value.split()
        )
        self._choices = sorted(w for w in self.vocabulary if len(w) >= _MIN_TYPO_LENGTH)
        self.word = lru_cache(maxsize=20_000)(self._word)
        # One message is read by several readers (classifier, clauses, cases, follow-ups):
        # its words are worked out once.
        self._tokens = lru_cache(maxsize=4_096)(self._tokens_of)

    def known(self, word: str) -> bool:
        return word in self.vocabulary or word in self.slang

    def tokens(self, text: str) -> list[str]:
        """The normalised words of `text` (placeholders included, fillers dropped)."""
        return list(self._tokens(text))

    def _tokens_of(self, text: str) -> tuple[str, ...]:
        folded = _placeholders(_REDUP.sub(r"\1", _fold(text)))
        words: list[str] = []
        for raw in _WORD.findall(folded):
            words.extend(self.word(raw).split())
        return tuple(words)

    def text(self, text: str) -> str:
        return " ".join(self.tokens(text))

    def _word(self, word: str) -> str:
        """One typed word as zero, one or more known words."""
        if word.startswith("<"):
            return word
        word = word.strip("-")
        for candidate in self._repeats(word):
            if self.known(candidate):
                return self._slang(candidate)
        word = _RUN3.sub(r"\1", word)
        if found := self._suffix(word):
            return found
        if found := self._split(word):
            return found
        if found := self._typo(word):
            return found
        return self._slang(word)

    def _slang(self, word: str) -> str:
        return self.slang.get(word, word)

    @staticmethod
    def _repeats(word: str) -> list[str]:
        """The word as typed, then with letter runs shortened ("kakkk" -> "kakk", "kak")."""
        shorter = _RUN3.sub(r"\1\1", word)
        single = _RUN3.sub(r"\1", word)
        return list(dict.fromkeys([word, shorter, single, _RUN2.sub(r"\1", single)]))

    def _suffix(self, word: str) -> str | None:
        for suffix in _SUFFIXES:
            stem = word.removesuffix(suffix)
            if stem != word and len(stem) >= 2 and self.known(stem):
                return self._slang(stem)
        return None

    def _split(self, word: str) -> str | None:
        """Two known words typed without a space ("sertifikatgak" -> "sertifikat tidak")."""
        if len(word) < 5:
            return None
        best: tuple[int, str] | None = None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if self.known(left) and self.known(right):
                score = min(len(left), len(right))
                if best is None or score > best[0]:
                    best = (score, f"{self._slang(left)} {self._slang(right)}")
        return best[1] if best else None

    def _typo(self, word: str) -> str | None:
        if len(word) < _MIN_TYPO_LENGTH:
            return None
        found = process.extractOne(
            word, self._choices, scorer=OSA.normalized_similarity, score_cutoff=_TYPO_CUTOFF
        )
        if found is None:
            return None
        return self._slang(found[0])
