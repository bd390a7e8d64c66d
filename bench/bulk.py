"""Bulk seeding for benchmarks: many participants and outbox rows in one transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def daytime_zone(now: datetime) -> str:
    """A zone where `now` is about noon, for benchmarks run at any hour: every kind the bot
    starts waits out the participant's quiet hours."""
    offset = (12 - now.astimezone(UTC).hour + 12) % 24 - 12
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def seed(
    path: str,
    participants: int,
    *,
    now: datetime,
    timezone: str = "Asia/Jakarta",
    channel: str = "telegram",
    due_rows: int | None = None,
    history: bool = False,
    first_id: int = 1,
) -> None:
    """Adds `participants` reminder-ready participants (deadline in 7 days, chat id = user id)
    and, for the first `due_rows` of them (all by default), one reminder row due now. With
    `history`, every participant also gets one sent row and one pending row due next week, as
    a database that has been running for a while would."""
    due_rows = participants if due_rows is None else due_rows
    deadline = _iso(now + timedelta(days=7))
    stamp = _iso(now)
    due = _iso(now - timedelta(seconds=1))
    later = _iso(now + timedelta(days=6))
    payload = json.dumps({"deadline": deadline, "rule": "h7", "stale_at": deadline})
    ids = range(first_id, first_id + participants)

    def people() -> Iterator[tuple[object, ...]]:
        for i in ids:
            yield (i, channel, str(i), str(i), "menu", "id", timezone, f"PK-B{i:09d}")

    def rows() -> Iterator[tuple[object, ...]]:
        for n, i in enumerate(ids):
            if n < due_rows:
                yield (
                    i,
                    channel,
                    "reminder",
                    due,
                    payload,
                    f"reminder:{i}:h7:{deadline}",
                    "pending",
                )
            if history:
                yield (i, channel, "reminder", stamp, payload, f"old:{i}", "sent")
                yield (i, channel, "reminder", later, payload, f"next:{i}", "pending")

    db = sqlite3.connect(path)
    try:
        with db:
            db.executemany(
                "INSERT INTO participants (id, channel, user_id, chat_id, step, locale, timezone,"
                " ref_code, deadline_utc, created_at, updated_at)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{deadline}', '{stamp}', '{stamp}')",
                people(),
            )
            db.executemany(
                "INSERT INTO outbox (participant_id, channel, kind, due_at, payload,"
                f" idempotency_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, '{stamp}')",
                rows(),
            )
    finally:
        db.close()


def states(path: str) -> dict[str, int]:
    """Rows per state."""
    db = sqlite3.connect(path)
    try:
        return dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    finally:
        db.close()


def sent_chats(path: str) -> list[str]:
    """The chat id of every row recorded as sent (one entry per row)."""
    db = sqlite3.connect(path)
    try:
        return [
            r[0]
            for r in db.execute(
                "SELECT p.chat_id FROM outbox o JOIN participants p ON p.id = o.participant_id"
                " WHERE o.state = 'sent' AND o.idempotency_key LIKE 'reminder:%'"
            )
        ]
    finally:
        db.close()


def unsent(path: str) -> int:
    """Rows still pending or being sent (counted on the partial index)."""
    db = sqlite3.connect(path)
    try:
        row = db.execute(
            "SELECT COUNT(*) FROM outbox INDEXED BY outbox_due"
            " WHERE state IN ('pending', 'sending')"
        ).fetchone()
        return int(row[0])
    finally:
        db.close()


def seed_console(path: str, participants: int, *, now: datetime, seed: int = 13) -> None:
    """Adds `participants` varied participants for the console's benchmark (ids from 1): waves
    1-22 over four schemes, three zones, two channels, deadlines from 30 days ago to 30 days
    ahead, progress rows along the funnel (each step reached by fewer), and an incentive item
    for those who linked an account. Deterministic for a given `seed`."""
    import random

    rng = random.Random(seed)
    stamp = _iso(now)
    zones = ("Asia/Jakarta", "Asia/Jakarta", "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
    steps = ("dashboard", "platform", "purchase", "certificate", "review", "linking")
    statuses = ("waiting", "processing", "paid", "paid", "failed")
    people: list[tuple[object, ...]] = []
    progress: list[tuple[object, ...]] = []
    items: list[tuple[object, ...]] = []

    def flush(db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO participants (id, channel, user_id, chat_id, step, locale, timezone,"
            " ref_code, wave, scheme, deadline_utc, phone, reminders_enabled, created_at,"
            f" updated_at) VALUES (?, ?, ?, ?, 'menu', 'id', ?, ?, ?, ?, ?, ?, ?, '{stamp}',"
            f" '{stamp}')",
            people,
        )
        db.executemany(
            "INSERT INTO progress (participant_id, item, done_at) VALUES (?, ?, ?)", progress
        )
        db.executemany(
            "INSERT INTO benefit_items (participant_id, item_key, kind, item_index, amount,"
            f" status, updated_at) VALUES (?, 'incentive.1', 'incentive', 1, 600000, ?,"
            f" '{stamp}')",
            items,
        )
        people.clear()
        progress.clear()
        items.clear()

    db = sqlite3.connect(path)
    try:
        with db:
            for i in range(1, participants + 1):
                wave = rng.randint(1, 22)
                scheme = ("2021", "2022", "2023", "2024")[min(3, (wave - 1) // 6)]
                channel = "whatsapp" if rng.random() < 0.4 else "telegram"
                deadline = _iso(now + timedelta(hours=rng.randint(-30 * 24, 30 * 24)))
                phone = f"+62812{i:08d}"
                people.append(
                    (
                        i,
                        channel,
                        str(i),
                        str(i),
                        rng.choice(zones),
                        f"PK-B{i:09d}",
                        wave,
                        scheme,
                        deadline,
                        phone,
                        0 if rng.random() < 0.1 else 1,
                    )
                )
                reached = 0
                while reached < len(steps) and rng.random() < 0.75:
                    progress.append((i, steps[reached], stamp))
                    reached += 1
                if reached == len(steps):
                    items.append((i, rng.choice(statuses)))
                if len(people) >= 50_000:
                    flush(db)
            flush(db)
        db.execute("ANALYZE")
    finally:
        db.close()
