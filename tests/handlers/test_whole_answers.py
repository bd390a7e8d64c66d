"""Whole answers to posts the team did not write, by capability: a close runner-up offered
beside a confident answer, a second asking clause offered as a button, the participant's own
data kept out of answers about another person or scheme, "is prakerja.go.id real?" answered
with the official site, and a status asked about as a possibility not read as pasted."""

from __future__ import annotations

import pytest

from bot import knowledge
from bot.knowledge.retrieval import Found
from handlers import knowledge as kb_handler
from handlers.choosing import close_second
from handlers.statuses import hypothetical
from handlers.whose import about_someone_else
from tests.conftest import onboard
from tests.helpers import Chat

OWN_DEADLINE = "30 November 2021"


def _labels(chat: Chat) -> list[str]:
    return [o.label for r in chat.replies for o in r.options]


def test_a_close_runner_up_is_offered_a_distant_one_is_not() -> None:
    assert close_second(Found((("a", 0.6), ("b", 0.5)))) == ("b",)
    assert close_second(Found((("a", 0.9), ("b", 0.1)))) == ()
    assert close_second(Found((("a", 0.9),))) == ()


async def test_a_confident_answer_offers_its_close_neighbour(
    chat: Chat, shipped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    await onboard(chat)
    found = Found((("sertifikat-berapa-lama", 0.8), ("insentif-kapan-cair", 0.7)))
    monkeypatch.setattr(kb_handler, "find", lambda ctx, text: found)
    await chat.send("sertifikatku kapan keluar ya kak")
    assert "kb:insentif-kapan-cair" in chat.option_ids
    assert any(label.startswith("Atau maksudmu: ") for label in _labels(chat))


async def test_a_second_question_found_less_surely_is_a_button(
    chat: Chat, shipped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    await onboard(chat)
    found = Found(
        (("insentif-berapa-kali", 0.9), ("lolos-lalu-apa", 0.1)), asked=("unduh-sertifikat",)
    )
    monkeypatch.setattr(kb_handler, "find", lambda ctx, text: found)
    await chat.send("insentif cair berapa kali? terus sertifikatnya muncul dimana?")
    assert "kb:unduh-sertifikat" in chat.option_ids
    assert any(label.startswith("Juga: ") for label in _labels(chat))


async def test_the_search_marks_a_second_asking_clause(shipped: None) -> None:
    from bot.core.program import load_program

    model = knowledge.retriever(load_program(), "id")
    assert model is not None
    found = model.search(
        "mau tanya, insentifnya cair berapa kali sih? terus kalau pelatihan udah selesai, "
        "sertifikatnya bisa diunduh dimana?"
    )
    asked = {found.best, *found.others, *found.asked}
    assert {"insentif-berapa-kali", "unduh-sertifikat"} <= asked, found


@pytest.mark.parametrize(
    "post",
    [
        "udh beli pelatihan di tokped tp kok di dashboard ga muncul??",
        "sudah beli kelas kemarin, tapi kenapa belum ada di pelatihan saya?",
    ],
)
async def test_a_problem_told_after_a_purchase_is_the_question(shipped: None, post: str) -> None:
    from bot.core.program import load_program

    model = knowledge.retriever(load_program(), "id")
    assert model is not None
    found = model.search(post)
    assert found.best == "pelatihan-belum-muncul", found


async def test_slang_spellings_of_how_reach_the_linking_entry(shipped: None) -> None:
    from bot.core.program import load_program
    from bot.knowledge.decide import about_prakerja

    model = knowledge.retriever(load_program(), "id")
    assert model is not None
    post = "gmna cra sambungin ke dana?"
    assert model.normalizer.tokens(post)[:2] == ["bagaimana", "cara"]
    assert about_prakerja(model, post)
    assert model.search(post).best == "sambung-rekening-cara"


def test_someone_else_as_the_subject() -> None:
    assert about_someone_else("Adik saya ikut prakerja 2023, batas belinya kapan?")
    assert about_someone_else("min suami saya lolos gel 22, batas belinya kapan?")
    assert about_someone_else("My sister joined wave 22, when is her deadline?")
    assert not about_someone_else("Temen aku udah cair semua, punyaku kok belum ya?")
    assert not about_someone_else("ewallet punya suami boleh dipake buat nerima insentif?")
    assert not about_someone_else("batas beli pelatihan aku kapan?")


async def test_another_persons_deadline_is_not_the_participants(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send("batas beli pelatihan aku kapan ya?")
    assert OWN_DEADLINE in chat.text  # their own: their date
    await chat.send("min suami saya lolos gel 22 juga, batas beli pelatihannya kapan?")
    assert OWN_DEADLINE not in chat.text
    assert "30 hari" in chat.text
    assert "fact:yes" not in chat.option_ids  # the husband's wave is not recorded


async def test_another_schemes_question_gets_no_own_deadline(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send("temen aku gelombang 50 nanya insentifnya berapa, sama kayak punya aku gak?")
    assert OWN_DEADLINE not in chat.text
    assert "Batas beli pelatihan pertamamu" not in chat.text


async def test_is_the_official_site_real(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send(
        "Ini prakerja.go.id beneran situs resmi ya? soalnya temen ngirim link lain katanya "
        "buat daftar gelombang baru"
    )
    assert chat.replies[0].text.startswith("✅")
    assert ".go.id" in chat.replies[1].text and "jangan klik" in chat.replies[1].text
    assert "Maksudmu salah satu" not in chat.text


async def test_the_official_site_named_in_another_question_answers_that_question(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("prakerja.go.id error ga bisa dibuka dari pagi, kenapa ya")
    assert chat.replies[0].text.startswith("✅")
    assert "jangan klik" not in chat.text


def test_a_status_asked_about_as_a_possibility_is_not_pasted() -> None:
    assert hypothetical("kalo ganti nomor hp, apa insentif bisa gagal?")
    assert not hypothetical("insentif aku gagal dicairkan ke ovo")
    assert not hypothetical("status insentif saya GAGAL, kenapa bisa gagal ya?")
    assert not hypothetical("insentif saya dalam pengecekan terus")


async def test_a_possible_failure_is_answered_not_explained_as_a_status(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("kalau aku ganti nomor hp, apa insentif bisa gagal?")
    assert "“gagal” artinya" not in chat.text.lower()
    assert "nomor" in chat.replies[0].text.lower()


async def test_a_sure_entry_answers_a_post_read_as_help(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send(
        "udah kirim email ke prakerja dari kemarin cuma dibalas otomatis, terus gimana?"
    )
    assert "/menu" not in chat.text  # not the bot's help page
    assert "formulir pengaduan" in chat.text


async def test_a_missed_deadline_claim_against_the_participants_own_dates(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("min aku kelewatan batas beli pelatihan sehari, masih bisa beli gak?")
    assert OWN_DEADLINE in chat.text
    assert "belum lewat" in chat.text


async def test_a_context_clause_is_no_further_question(shipped: None) -> None:
    from bot.core.program import load_program

    model = knowledge.retriever(load_program(), "id")
    assert model is not None
    found = model.search(
        "saya udah selesai pelatihan minggu lalu, ujian akhir juga udah lulus, tapi "
        "sertifikatnya belum nongol di dashboard. Ini kenapa ya?"
    )
    assert found.best == "sertifikat-belum-muncul"
    assert "pretest-posttest" not in found.others


async def test_the_topic_and_its_likeliest_entry_agree_the_entry_answers(
    chat: Chat, shipped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unsure search whose likeliest entry is of the topic the classifier reads gets that
    entry's specific answer (a cause) with the runner-up beside it, not the topic's general
    answer."""
    await onboard(chat)
    found = Found((("ganti-rekening", 0.39), ("rekening-nonaktif", 0.37)))
    monkeypatch.setattr(kb_handler, "find", lambda ctx, text: found)
    await chat.send("rekening bni ku udah ditutup, bisa ganti ke dana ga?")
    assert "Putuskan Rekening" in chat.text
    assert "kb:rekening-nonaktif" in chat.option_ids
    assert "Maksudmu salah satu" not in chat.text


async def test_money_to_an_admin_is_no_request_for_a_person(chat: Chat, shipped: None) -> None:
    await onboard(chat)
    await chat.send("temen bilang insentif bisa dipercepat kalau bayar 100 ribu ke admin, bener?")
    assert "penipuan" in chat.text.lower()
    assert "meneruskanmu ke tim kami" not in chat.text


async def test_a_person_asked_for_in_words_still_gets_the_handoff(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("mau ngomong sama admin aja")
    assert "meneruskanmu ke tim kami" in chat.text


async def test_a_failure_whose_cause_the_post_names_gets_that_cause(
    chat: Chat, shipped: None
) -> None:
    await onboard(chat)
    await chat.send("e-wallet ovo ku saldonya udah mentok limit, terus insentif statusnya gagal")
    assert "limit" in chat.replies[0].text  # the cause named, not only what "Gagal" means
    assert "artinya transfer" not in chat.replies[0].text
    await chat.send("insentif aku gagal dicairkan ke dana")  # no cause named: the status
    assert "artinya transfer" in chat.text
    await chat.send(  # the cause is the payment account's: the entry for that cause
        "insentif sy ke dana gagal. kata cs dana krn nomor dana sy beda sm nomor di akun "
        "prakerja. jd yg hrs diganti yg mana?"
    )
    assert "artinya transfer" not in chat.replies[0].text
    assert "nomor" in chat.replies[0].text.lower()


@pytest.mark.parametrize(
    "paste",
    [
        "Status: Gagal dikirim\nInsentif Bulan ke-1\nRp600.000\n"
        "Silakan periksa kembali rekening/e-wallet kamu",
        "Insentif Bulan ke-2\nGagal\nRp600.000",
    ],
)
async def test_a_pasted_notice_is_answered_by_its_status(
    chat: Chat, shipped: None, paste: str
) -> None:
    await onboard(chat)
    await chat.send(paste)  # its other lines ("Insentif Bulan ke-1") name no cause
    assert "artinya transfer" in chat.replies[0].text


async def test_passing_selection_is_not_finishing_the_training(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("saya udah lulus seleksi gel 22, terus langkah selanjutnya apa ya?")
    assert "fact:yes" not in chat.option_ids
    await chat.send("alhamdulillah pelatihannya udah selesai semua kak")
    assert "fact:yes" in chat.option_ids  # finishing the training is still offered


async def test_a_second_answer_never_stops_at_an_empty_first_sentence(
    chat: Chat, shipped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Selamat!" opens the passed-what-next entry: its brief answer goes on to the next
    sentence, so it says something."""
    await onboard(chat)
    found = Found((("insentif-berapa-kali", 0.9),), others=("lolos-lalu-apa",))
    monkeypatch.setattr(kb_handler, "find", lambda ctx, text: found)
    replies = await chat.send("insentif cair berapa kali? trus abis lolos ngapain dulu?")
    brief = [r.text for r in replies if r.text.startswith("Sudah lolos")]
    assert brief and len(brief[0].split(": ", 1)[1]) >= 60, brief
