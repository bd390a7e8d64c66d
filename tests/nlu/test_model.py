"""The classifier: the held-out evaluation set, the data's shape, yes/no answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlu import INTENTS, UNKNOWN, classifier
from bot.nlu.eval import DEFAULT_SET, evaluate, read_set
from bot.nlu.knowledge import KnowledgeError, load_knowledge, parse_knowledge


def test_evaluation_set_accuracy_and_unknown_rate() -> None:
    pairs = read_set(DEFAULT_SET)
    assert len(pairs) >= 400
    assert {intent for _, intent in pairs} == set(INTENTS)
    report = evaluate(classifier("id"), pairs)
    assert report.accuracy >= 0.90, report.errors
    assert report.unknown_rate <= 0.05


def test_english_evaluation_set() -> None:
    pairs = read_set(DEFAULT_SET.with_name("nlu_eval_en.tsv"))
    assert {intent for _, intent in pairs} == set(INTENTS)
    report = evaluate(classifier("en"), pairs)
    assert report.accuracy >= 0.85, report.errors
    assert report.unknown_rate <= 0.05


REAL_SET = DEFAULT_SET.with_name("nlu_eval_real.tsv")


def test_real_posts_accuracy_and_unknown_rate() -> None:
    """Long real-style posts (tests/data/nlu_eval_real.tsv, see docs/understanding.md)."""
    pairs = read_set(REAL_SET)
    assert len(pairs) >= 200
    assert {intent for _, intent in pairs} == set(INTENTS)
    report = evaluate(classifier("id"), pairs)
    assert report.accuracy >= 0.90, report.errors
    assert report.unknown_rate <= 0.05


@pytest.mark.parametrize("path", [DEFAULT_SET, REAL_SET], ids=["team", "real"])
def test_evaluation_sets_are_not_in_the_training_data(path: Path) -> None:
    def plain(text: str) -> str:
        return " ".join(text.lower().split())

    def words(text: str) -> frozenset[str]:
        return frozenset(plain(text).strip(" ?!.").split())

    examples = classifier("id").knowledge.examples
    trained = {plain(text) for name in INTENTS for text in examples[name]}
    shapes = {words(text) for name in INTENTS for text in examples[name]}
    leaked = [
        text
        for text, _ in read_set(path)
        if len(text.split()) > 2  # "makasih", "p" can't differ
        and (plain(text) in trained or words(text) in shapes)  # copied, or copied reordered
    ]
    assert leaked == []


def test_every_locale_covers_every_intent() -> None:
    for locale in ("id", "en"):
        knowledge = load_knowledge(locale)
        assert set(knowledge.examples) == set(INTENTS)


def test_a_file_with_a_wrong_intent_is_refused() -> None:
    with pytest.raises(KnowledgeError, match="intents missing"):
        parse_knowledge('[intents.greetings]\nexamples = "halo"\n', "x.toml")
    with pytest.raises(KnowledgeError, match="not valid TOML"):
        parse_knowledge("[intents", "x.toml")


@pytest.mark.parametrize(
    ("locale", "text", "intent"),
    [
        ("id", "otp nya gak masuk masuk", "otp"),
        ("id", "insentif aku kok blm cair", "incentive_status"),
        ("id", "sampe kapan hrs beli pelatihan gan", "deadline"),
        ("id", "cara bikin sambal terasi", UNKNOWN),
        ("en", "my otp never arrived", "otp"),
        ("en", "how do i link my ewallet", "link_account"),
        ("en", "write me a poem about cats", UNKNOWN),
    ],
)
def test_classifies(locale: str, text: str, intent: str) -> None:
    result = classifier(locale).classify(text)
    assert result.intent == intent
    assert 0.0 <= result.confidence <= 1.0


def test_empty_or_symbols_are_unknown() -> None:
    assert classifier("id").classify("").intent == UNKNOWN
    assert classifier("id").classify("??? !!!").intent == UNKNOWN


def test_ambiguous_message_is_not_clear() -> None:
    result = classifier("id").classify("sertifikat sama survei")
    assert not result.clear
    assert {"certificate", "survey"} <= set(result.likeliest())


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ya", True),
        ("iyaa udah", True),
        ("Sudah!", True),
        ("blm", False),
        ("gak jadi", False),
        ("ya belum", None),
        ("otp nya ga masuk kak", None),
        ("hmm", None),
    ],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    assert classifier("id").yes_no(text) is answer


@pytest.mark.parametrize(
    ("locale", "text", "intent"),
    [
        ("id", "halo kak selamat pagi, otp aku ga masuk2 dari tadi. ada yg sama?", "otp"),
        ("id", "makasih infonya min, tapi sertifikat aku kok blm muncul", "certificate"),
        ("id", "assalamualaikum min", "greeting"),
        ("id", "makasih banyak kak 🙏", "thanks"),
        ("en", "hello, my otp never arrives, anyone else?", "otp"),
    ],
)
def test_framing_never_wins_over_the_question(locale: str, text: str, intent: str) -> None:
    assert classifier(locale).classify(text).intent == intent


def test_a_post_is_read_with_its_topics_and_statuses() -> None:
    reading = classifier("id").read(
        "Assalamualaikum min. Insentif aku GAGAL trus skrg Dalam Pengecekan. "
        "terus batas beli pelatihan temenku kapan ya? ada yg sama?"
    )
    assert reading.result.intent == "deadline"  # deadlines and money first
    assert "incentive_status" in reading.topics
    assert [entry.meaning for entry, _ in reading.statuses] == ["failed", "checking"]
    assert not reading.framing_only and "assalamualaikum" not in reading.question


@pytest.mark.parametrize(
    "text", ["cara hapus akun instagram", "buka rekening bank baru", "blt kapan cair"]
)
def test_unknown_beats_a_weak_best_topic(text: str) -> None:
    """A topic scoring above the floor still loses to `unknown` when unknown scores higher
    (Instagram accounts, other banks, other aid programmes are not Prakerja's)."""
    model = classifier("id").model
    tokens = model.normalizer.tokens(text)
    scores = model.token_scores(tokens)
    best = max(scores[name] for name in model.scope)
    assert model.knowledge.thresholds.floor <= best <= scores[UNKNOWN]  # the case in point
    assert model.classify_tokens(tokens).intent == UNKNOWN
