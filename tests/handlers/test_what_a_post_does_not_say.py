"""What a post does not say must not be read into it: a generic "what do I do now?" is no
second question, a wave someone failed is not their wave, a requirement asked about is no
progress, and an offer of a place for money is a scam report."""

from __future__ import annotations

import pytest

from bot.core.program import load_program
from bot.knowledge import retriever
from bot.nlu.cues import cues
from handlers.facts import own_wave
from tests.conftest import onboard
from tests.helpers import Chat


def test_a_generic_what_now_is_no_question_of_its_own() -> None:
    model = retriever(load_program(), "en")
    assert model is not None
    found = model.search(
        "Hi, the verification link in my email says it has expired. What do I do now?"
    )
    assert found.others == () and found.asked == ()


def test_a_wave_failed_or_counted_from_is_not_the_participants() -> None:
    assert own_wave("udh 3x ga lolos terus dr gel 19, tetangga malah lolos") is None
    assert own_wave("saya tidak lolos gelombang 21") is None
    assert own_wave("aku peserta gel 23") == 23
    assert own_wave("sy lolos gel 22 kok blm bisa beli") == 22


def test_a_requirement_asked_about_is_no_progress() -> None:
    said = cues()
    assert said.progress_in("harus udh selesai pelatihannya sebelum tgl 30 atau cukup beli?") == []
    assert said.progress_in("udah selesai pelatihan, harus ngapain lagi?") == ["finished"]


def test_a_place_offered_for_money_is_a_scam_report() -> None:
    said = cues()
    assert said.reports_scam("ada yg ngaku bisa masukin sy ke gel 23 tanpa tes asal bayar 150rb")
    assert said.reports_scam("org itu jamin lolos asal tf 200rb")
    assert not said.reports_scam("insentif bisa dipercepat ga?")
    assert not said.reports_scam("bisa bayar pelatihan pakai saldo?")
    assert not said.reports_scam(  # the participant typed it in; someone is only feared after
        "pas bayar pelatihan sy masukin nomor kartu trs katanya sudah terhubung dengan akun "
        "lain. apa ada org lain pake kartu sy??"
    )


async def test_a_question_about_finishing_records_nothing(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("harus udh selesai pelatihannya sebelum tgl 30 atau cukup beli aja?")
    assert "catat" not in chat.text.lower()


async def test_a_scam_offer_gets_the_warning_not_out_of_scope(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("ada yg ngaku bisa masukin sy ke gel 23 tanpa tes asal bayar 150rb")
    assert "penipuan" in chat.text.lower()
    assert "hanya bisa membantu soal kartu prakerja" not in chat.text.lower()


@pytest.mark.usefixtures("shipped")
async def test_deleting_data_at_prakerja_is_not_this_bots_deletion(chat: Chat) -> None:
    """ "hapus data sy dari prakerja": the Prakerja account's entry (the bot cannot delete it),
    with this bot's own deletion only offered; "hapus data saya" alone still asks to delete."""
    await onboard(chat)
    await chat.send("tolong hapus data sy dari prakerja, sy ga mau ikut lg")
    assert "Akun Prakerja tidak perlu dihapus" in chat.text
    assert "Hapus semua datamu?" not in chat.text
    assert any(o.id == "intent:delete_data" for r in chat.replies for o in r.options)
    await chat.send("hapus data saya")
    assert "Hapus semua datamu?" in chat.text


@pytest.mark.usefixtures("shipped")
async def test_a_further_question_beside_the_deadline_is_answered_too(chat: Chat) -> None:
    """The deadline asked (an action answered from the participant's data) and, in the same
    post, a question the knowledge base is sure of: both answered, the second briefly."""
    await onboard(chat)
    replies = await chat.send(
        "blm sempet beli pelatihan sama sekali. hari ini masih bisa kan? takut hangus. beli "
        "yg paling singkat aja gpp kan?"
    )
    assert "30 November 2021" in chat.text
    assert any(r.text.startswith("Pelatihan paling cepat:") for r in replies)


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    "post", ["Good morning! Is this the Prakerja help desk?", "selamat pagi, ini cs prakerja ya?"]
)
async def test_asking_whether_this_is_the_official_help_gets_what_the_bot_is(
    chat: Chat, post: str
) -> None:
    """A question after a greeting is answered, not the greeting; asking whether this is
    Prakerja's customer service is told what the bot is (with the official channels)."""
    await onboard(chat)
    await chat.send(post)
    said = chat.text.lower()
    assert "bukan layanan resmi" in said or "not the official" in said or "not an official" in said
    assert "0800-150-3001" in chat.text


@pytest.mark.usefixtures("shipped")
@pytest.mark.parametrize(
    ("post", "said"),
    [
        ("udh beli pelatihan tgl 18 kmrn tp kelasnya blm mulai. aman kan ga kena sanksi?", "18"),
        ("sy udh beli kok, aman kan ya dari sanksi?", "kalau pembayarannya berhasil"),
    ],
)
async def test_one_who_bought_in_time_is_told_they_are_safe(
    chat: Chat, post: str, said: str
) -> None:
    """ "Aman kan ga kena sanksi?" from one who bought before the deadline: safe, said once,
    not the list of sanctions."""
    await onboard(chat)
    await chat.send(post)
    assert chat.text.count("Aman") == 1 and said in chat.text
    assert "tiga sanksi" not in chat.text


async def test_sanctions_asked_without_a_purchase_are_listed(chat: Chat) -> None:
    await onboard(chat)
    await chat.send("klo ga beli pelatihan kena sanksi apa")
    assert "Aman" not in chat.text and "dicabut" in chat.text


@pytest.mark.usefixtures("shipped")
async def test_a_question_beside_a_secret_gets_its_entry(chat: Chat) -> None:
    """A NIK sent with a question: the warning, then the question's entry (read from the
    redacted text), never a topic menu and never the NIK repeated."""
    await onboard(chat)
    nik = "3578024107950002"
    await chat.send(f"nik sy {nik} tolong dicek sy lolos gel 22 atau ngga")
    assert "NIK" in chat.replies[0].text and nik not in chat.text
    assert "dashboard" in chat.text and "Apakah tentang salah satu ini" not in chat.text


@pytest.mark.usefixtures("shipped")
async def test_a_scam_report_gets_its_own_entry_when_the_search_is_sure(chat: Chat) -> None:
    """A caller asking for KTP photos and a selfie: the entry for that scam, not the general
    "no fees" warning."""
    await onboard(chat)
    await chat.send("ada yg telp ngaku dr prakerja minta foto ktp sm selfie buat verifikasi")
    assert "selfie" in chat.text.lower() or "swafoto" in chat.text.lower()


async def test_a_purchase_stated_beside_stop_is_offered_to_record(chat: Chat) -> None:
    """ "gausah kirim pengingat lg, sy udh beli pelatihan kok": however unsure the reading, a
    purchase the post states is offered to record (which stops the deadline reminders)."""
    await onboard(chat)
    await chat.send("udah gausah kirim pengingat2 lg, sy udh beli pelatihan kok. stop ya")
    assert "purchase:yes" in chat.option_ids


@pytest.mark.usefixtures("shipped")
async def test_a_post_about_someone_else_is_not_filtered_by_my_stage(chat: Chat) -> None:
    """ "adik sy ... lolos ga ya dia?": the announcement entry (meant for those registering),
    not the onboarded participant's "passed, what next" that congratulates the sibling."""
    await onboard(chat)
    await chat.send("adik sy ikut daftar gel 22 tp ga dpt sms apa2, lolos ga ya dia?")
    assert not chat.replies[0].text.startswith("Selamat")
    assert "dashboard" in chat.replies[0].text


@pytest.mark.usefixtures("shipped")
async def test_a_scam_report_that_the_search_finds_surely_gets_that_warning(chat: Chat) -> None:
    """Someone offering cash for the training balance: the balance-selling entry (why it
    can't be sold), not the general "no fees" warning."""
    await onboard(chat)
    await chat.send("ada org nawarin beli saldo pelatihan sy 700rb cash, dia yg beliin. aman ga?")
    assert "tidak bisa diuangkan" in chat.text
