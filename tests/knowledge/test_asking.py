"""The clause of a post that asks outweighs the context around it: clauses are marked as
asking (a question mark, a question word, or a short "ini kenapa ya?" after a statement), and
a search over a post with context clauses answers the asking one."""

from __future__ import annotations

import pytest

from bot.knowledge import search as search_module
from bot.knowledge.entries import Entry, KnowledgeBase
from bot.knowledge.search import Retriever
from bot.nlu.reading import ASKED_AFTER, marked_parts


def _entry(entry_id: str, examples: list[str]) -> Entry:
    return Entry(
        id=entry_id,
        topic="selection",
        title=entry_id,
        question=f"{entry_id}?",
        answer="x",
        sources=("test",),
        examples=tuple(examples),
    )


@pytest.fixture(scope="module")
def model() -> Retriever:
    entries = (
        _entry(
            "merantau",
            [
                "saya dari makassar kerja serabutan anak dua",
                "saya kerja serabutan di makassar",
                "anak dua kerja serabutan",
                "saya tinggal di makassar anak saya dua",
                "kerja serabutan sejak kena phk",
                "makassar serabutan",
                "saya dari makassar",
                "kerja serabutan",
            ],
        ),
        _entry(
            "sambung",
            [
                "cara sambung rekening",
                "sambung rekening gimana",
                "cara menyambungkan rekening dana",
                "rekening dana disambung ke prakerja",
                "sambungin rekening",
                "mau sambung rekening",
                "sambungkan dana",
                "langkah sambung rekening",
            ],
        ),
    )
    kb = KnowledgeBase("id", entries, {e.id: "test" for e in entries})
    return _trained(kb)


def _trained(kb: KnowledgeBase) -> Retriever:
    made = Retriever(kb, calibrate=False, train=False)
    made.model, made.calibrator = made.train(calibrate=False)
    made.labels = made.model.labels
    return made


def test_clauses_are_marked_by_whether_they_ask(model: Retriever) -> None:
    marked, _ = marked_parts(
        model.framer, "sudah lolos gel 22, saya dari Makassar. Gimana cara sambung rekening?"
    )
    assert [bool(asks) for _, asks in marked] == [False, True]
    marked, _ = marked_parts(model.framer, "udah premium. insentifnya gagal terus")
    assert not any(asks for _, asks in marked)
    marked, _ = marked_parts(model.framer, "udah selesai minggu lalu, tapi sertifikat belum ada")
    assert [bool(asks) for _, asks in marked] == [False, True], "told after 'tapi': the problem"
    marked, _ = marked_parts(
        model.framer, "udah selesai pelatihan, sertifikatnya belum nongol. Ini kenapa ya?"
    )
    assert marked[-2][1] == ASKED_AFTER, "a short 'ini kenapa ya?' marks the statement before it"


POST = (
    "saya dari makassar, kerja serabutan, anak dua, kerja serabutan di makassar. "
    "sambung rekening gimana?"
)


def test_the_asking_clause_wins_over_the_context(model: Retriever) -> None:
    assert model.search(POST).best == "sambung"


def test_without_the_weighting_the_context_would_win(
    model: Retriever, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The post above is one where the context clause alone scores higher: the weighting is
    what decides it."""
    monkeypatch.setattr(search_module, "CONTEXT", 1.0)
    assert model.search(POST).best == "merantau"
