"""Pushed incentive updates: enqueued once per change, worded through the notice registry."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.conversation.context import Context
from bot.conversation.engine import Engine
from bot.core.i18n import Translator
from bot.core.program import Program
from bot.incentives.feed import apply_update, parse_update
from bot.storage.store import SqlStore
from handlers.notice_kinds import all_notices
from handlers.notices import lookup
from tests.feed import participant


async def _rows(store: SqlStore) -> list[tuple[str, str, dict[str, object]]]:
    return [
        (r[0], r[1], json.loads(r[2]))
        for r in await store.db.fetchall("SELECT kind, idempotency_key, payload FROM outbox")
    ]


async def _render(
    store: SqlStore, program: Program, engine: Engine, locale: str = "id"
) -> list[str]:
    participant_ = await store.get_participant("test", "u1")
    assert participant_ is not None
    participant_.locale = locale
    ctx = Context(
        participant=participant_,
        program=program,
        clock=engine.clock,
        store=store,
        t=Translator(locale, participant_.timezone),
    )
    texts = []
    for kind, _key, payload in await _rows(store):
        notice = lookup(all_notices(), kind)
        assert notice is not None
        assert notice.applies(participant_, payload, engine.clock.now())
        texts.append("\n".join(r.text for r in notice.render(ctx, payload)))
    return texts


async def _feed(store: SqlStore, program: Program, engine: Engine, **fields: str) -> None:
    update = parse_update({"phone": "081234567890", **fields}, program)
    await apply_update(store, program, update, engine.clock.now())


async def test_paid_incentive_is_pushed_once_with_the_surveys(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    for _ in range(2):
        await _feed(
            store, program, engine, item="incentive.2", status="paid", date="2021-12-12",
            partner="OVO",
        )  # fmt: skip
    rows = await _rows(store)
    assert [(kind, key) for kind, key, _ in rows] == [
        ("incentive", "incentive:1:incentive.2:paid:2021-12-12"),
        ("incentive", "incentive:1:surveys"),
    ]
    texts = await _render(store, program, engine)
    assert texts[0] == (
        "✅ Insentif bulan ke-2 sebesar Rp600.000 sudah ditransfer ke e-wallet kamu pada "
        "12 Desember 2021. (OVO)"
    )
    assert "3 survei, masing-masing Rp50.000" in texts[1]
    assert "Isi paling lambat 10 Desember 2021." in texts[1]
    english = await _render(store, program, engine, "en")
    assert english[0].startswith(
        "✅ Incentive month 2 of IDR600,000 has been transferred to your e-wallet on "
        "12 December 2021"
    )
    assert "3 surveys of IDR50,000 each" in english[1]


async def test_failed_transfer_gives_the_reason_fix_and_customer_service(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    await _feed(
        store,
        program,
        engine,
        item="incentive.1",
        status="gagal",
        reason="nik_mismatch",
        partner="GoPay",
    )
    await _feed(
        store, program, engine, item="incentive.1", status="gagal", note="Rekening diblokir"
    )
    texts = await _render(store, program, engine)
    assert texts[0].startswith("❌ Insentif bulan ke-1 gagal ditransfer: NIK di rekening")
    assert "atas nama kamu sendiri" in texts[0]
    assert "Layanan pelanggan GoPay: (021) 50849000" in texts[0]
    assert "gagal ditransfer: Rekening diblokir" in texts[1]
    assert "0800-150-3001" in texts[1]


async def test_schedule_is_pushed_but_prerequisites_are_not(
    engine: Engine, store: SqlStore, program: Program
) -> None:
    await participant(engine, store, "u1", "+6281234567890")
    await _feed(store, program, engine, item="incentive.3", status="belum memenuhi syarat")
    await _feed(store, program, engine, item="incentive.3", status="waiting", date="2022-02-12")
    texts = await _render(store, program, engine)
    assert texts == [
        "🕓 Insentif bulan ke-3 sebesar Rp600.000 dijadwalkan pada 12 Februari 2022. "
        "Biasanya uang masuk 3–5 hari kerja setelahnya."
    ]


def test_survey_notice_stops_applying_after_the_deadline(program: Program) -> None:
    notice = lookup(all_notices(), "incentive")
    assert notice is not None
    payload = {"topic": "surveys", "count": 3, "amount": 50000, "deadline": "2021-12-10"}
    participant_ = None
    after = datetime(2021, 12, 11, 5, 0).astimezone()
    assert not notice.applies(participant_, payload, after)  # type: ignore[arg-type]
    assert date.fromisoformat(payload["deadline"]) == date(2021, 12, 10)  # type: ignore[arg-type]
