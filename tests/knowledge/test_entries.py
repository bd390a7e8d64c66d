"""The knowledge base's files: every rule of KB_SPEC.md refused with the file and the entry
named; placeholders filled for the participant; the search on the fixture entries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.i18n import Translator
from bot.core.program import Program
from bot.knowledge import KnowledgeBaseError, Retriever, Who, fill, load, values
from tests.conftest import KB_FIXTURE


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    shutil.copytree(KB_FIXTURE, root)
    return root


def _edit(root: Path, locale: str, old: str, new: str) -> None:
    path = root / locale / "fixture.toml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_the_fixture_is_valid(program: Program) -> None:
    bases = load(program, KB_FIXTURE)
    assert [e.id for e in bases["id"].entries] == [e.id for e in bases["en"].entries]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('topic = "account_access"', 'topic = "weather"', "unknown topic 'weather'"),
        ('topic = "account_access"', 'topic = "unknown"', "unknown topic 'unknown'"),
        ('id = "akun-diblokir"', 'id = "Akun_Diblokir"', "bad id"),
        ('id = "admin-palsu"', 'id = "akun-diblokir"', "duplicate id"),
        ('title = "Akun diblokir"', 'title = "Akun diblokir oleh Prakerja pusat"', "title longer"),
        (
            'question = "Akunku diblokir, bisa aktif lagi?"',
            'question = "' + "Akunku diblokir " * 6 + '?"',
            "question longer",
        ),
        (
            "atau hubungi {contact_centre}.",
            "{contact_centre}. " + "Panjang sekali. " * 40,
            "answer is",
        ),
        (
            '"akun kena blokir bisa dipulihkan ga kak",\n  "blokir akun prakerja",',
            '"akun diblokir",\n  "akun diblokir",',  # twins count once: 7 distinct
            "at least 8",
        ),
        ('sources = ["test fixture"]', "sources = []", "no source"),
        ("atau hubungi {contact_centre}", "atau hubungi {nomor_admin}", "unknown placeholder"),
        ('related = ["admin-palsu"]', 'related = ["tidak-ada"]', "related entry 'tidak-ada'"),
        ('related = ["admin-palsu"]', 'related = ["admin-palsu"]\nschemes = ["2019"]', "'2019'"),
    ],
)
def test_a_broken_entry_is_refused_naming_file_and_entry(
    program: Program, tmp_path: Path, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    _edit(root, "id", old, new)
    with pytest.raises(KnowledgeBaseError) as raised:
        load(program, root)
    text = str(raised.value)
    assert message in text
    assert "bot/data/kb/id/fixture.toml" in text or "bot/data/kb/en" in text
    assert "entry" in text or "ids differ" in text


def test_a_variant_for_an_unknown_scheme_is_refused(program: Program, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(
        root,
        "id",
        'related = ["akun-diblokir"]\nexamples = [\n  "ada yg ngaku',
        'related = ["akun-diblokir"]\nexamples = [\n  "ada yg ngaku',
    )
    path = root / "id" / "fixture.toml"
    path.write_text(
        path.read_text("utf-8") + '\n  [[entry.variants]]\n  schemes = ["2030"]\n  answer = "x"\n'
    )
    with pytest.raises(KnowledgeBaseError, match=r"entry mitra-pembayaran: scheme .2030."):
        load(program, root)


def test_the_locales_must_have_the_same_ids(program: Program, tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "en", 'id = "cara-daftar"', 'id = "cara-mendaftar"')
    with pytest.raises(KnowledgeBaseError, match="ids differ"):
        load(program, root)


def test_placeholders_are_filled_for_the_participant(program: Program) -> None:
    t = Translator("id", "Asia/Jakarta")
    said = values(program, t, Who(scheme="2023"), "ovo aku gagal terus")
    assert fill("{partner_cs}", said) == "OVO 1500696"  # the wallet the post names, not BNI's
    assert "BNI" not in fill("{partner_cs}", said)
    assert fill("{incentive_amount} x {incentive_count}", said) == "Rp600.000 x 1"
    assert fill("{deadline}", said) == "15 hari setelah pengumuman kelulusan, pukul 23.59 WIB"
    stored = values(program, t, Who(wallet="DANA"), "insentif belum masuk")
    assert fill("{partner_cs}", stored) == "DANA 1500445"  # the one they said they use
    unknown = fill("{partner_cs}", values(program, t, Who(), "insentif belum masuk"))
    assert all(p.customer_service in unknown for p in program.partners)
    assert fill("{training_fund}", values(program, t, Who(scheme="2021"))) == "Rp1.000.000"


@pytest.fixture(scope="module")
def model(program: Program) -> Retriever:
    return Retriever(load(program, KB_FIXTURE)["id"])


def test_a_long_post_finds_its_entry_confidently(model: Retriever) -> None:
    post = (
        "Assalamualaikum min. Saya peserta gelombang 22, sudah beli pelatihan dan sudah dapat "
        "sertifikat. Tapi sampai sekarang insentif saya belum masuk juga, sudah hampir sebulan. "
        "Ada yg sama? Mohon pencerahannya"
    )
    found = model.search(post)
    assert found.best == "insentif-belum-cair"
    assert found.confidence >= 0.6


def test_a_post_with_two_questions_answers_the_most_urgent(model: Retriever) -> None:
    found = model.search("akun saya diblokir kenapa ya. terus insentif saya juga belum cair")
    assert found.best == "insentif-belum-cair"  # money before the account (topics.toml)
    assert found.others == ("akun-diblokir",)


def test_an_out_of_scope_post_is_not_near(model: Retriever) -> None:
    assert model.search("cara daftar bpjs kesehatan gimana").confidence < 0.2
    assert model.search("resep rendang padang dong").confidence < 0.2


def test_framing_alone_finds_nothing(model: Retriever) -> None:
    found = model.search("makasih min")
    assert found.framing_only and found.best is None
