"""The entry model: its own n-grams are scikit-learn's, and a kept model scores as trained."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.knowledge.linear import LinearModel, char_grams, word_grams

TEXTS = [
    "insentif <angka> belum cair kak",
    "ovo gagal disambung",
    "a bc  def ghij",
    "sertifikat belum muncul di dashboard",
    "akun diblokir",
    "cara daftar prakerja",
]


def test_the_n_grams_are_scikit_learns() -> None:
    words = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2))
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5))
    for text in TEXTS:
        assert word_grams(text) == words.build_analyzer()(text)
        assert char_grams(text) == chars.build_analyzer()(text)


def test_a_kept_model_scores_as_trained(tmp_path: Path) -> None:
    labels = ["insentif", "rekening", "lain", "sertifikat", "akun", "daftar"]
    model = LinearModel.train(TEXTS * 2, labels * 2)
    model.save(tmp_path / "m.npz", calibration=np.array([1.0, 2.0]))
    again, extra = LinearModel.load(tmp_path / "m.npz")
    probe = ["insentif saya belum cair", "akun saya diblokir min", "zzz"]
    assert np.allclose(model.probabilities(probe), again.probabilities(probe))
    assert again.labels == sorted(labels)
    assert extra["calibration"].tolist() == [1.0, 2.0]
    assert again.labels[int(np.argmax(again.probabilities(["akun saya diblokir"])[0]))] == "akun"
