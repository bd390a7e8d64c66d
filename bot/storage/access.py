"""The console's safeguards (SQL): failed logins counted by (name, address) and by address
for growing delays, operators' second factor (TOTP) and shifts, and import dry runs kept so
that "Apply" works on whichever instance it reaches."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from bot.storage.broadcasts import Broadcast, _broadcast
from bot.storage.queries import QueryBase
from bot.storage.sql_base import utc_ts

Rows = list[tuple[int, dict[str, str]]]


class AccessMixin(QueryBase):
    """Login throttling, TOTP secrets, shifts and kept import runs."""

    # throttling ----------------------------------------------------------------------------

    async def login_failures_of(self, keys: Sequence[str]) -> dict[str, tuple[int, datetime]]:
        """(failures, last failure) per key that has any."""
        if not keys:
            return {}
        marks = ", ".join("?" for _ in keys)
        return {
            r[0]: (int(r[1]), datetime.fromisoformat(r[2]))
            for r in await self._all(
                f"SELECT key, failures, last_at FROM login_throttle WHERE key IN ({marks})",
                list(keys),
            )
        }

    async def count_login_failure(
        self, keys: Sequence[str], now: datetime, forget_before: datetime
    ) -> None:
        """One more failure for each key (counts older than `forget_before` start over)."""
        async with self.transaction():
            for key in keys:
                await self._run(
                    "INSERT INTO login_throttle (key, failures, last_at) VALUES (?, 1, ?)"
                    " ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN"
                    " login_throttle.last_at < ? THEN 1 ELSE login_throttle.failures + 1 END,"
                    " last_at = excluded.last_at",
                    (key, utc_ts(now), utc_ts(forget_before)),
                )

    async def clear_login_failures(self, keys: Sequence[str] = (), prefix: str = "") -> None:
        """Forgets the keys' failures (and those of keys starting with `prefix`)."""
        async with self.transaction():
            for key in keys:
                await self._run("DELETE FROM login_throttle WHERE key = ?", (key,))
            if prefix:
                await self._run(
                    "DELETE FROM login_throttle WHERE substr(key, 1, ?) = ?",
                    (len(prefix), prefix),
                )

    # second factor and shifts --------------------------------------------------------------

    async def totp_pending(self, operator_id: int) -> str | None:
        row = await self._one("SELECT totp_pending FROM operators WHERE id = ?", (operator_id,))
        return None if row is None else row[0]

    async def set_totp(self, operator_id: int, *, pending: str | None, secret: str | None) -> None:
        """Stores a secret being set up (`pending`) and the one in use (`secret`)."""
        async with self.transaction():
            await self._run(
                "UPDATE operators SET totp_pending = ?, totp_secret = ? WHERE id = ?",
                (pending, secret, operator_id),
            )

    async def set_on_shift(self, name: str, on_shift: bool) -> bool:
        async with self.transaction():
            changed = await self._run(
                "UPDATE operators SET on_shift = ? WHERE name = ?", (int(on_shift), name)
            )
        return changed > 0

    # broadcast forms ------------------------------------------------------------------------

    async def broadcast_by_form_token(self, token: str) -> Broadcast | None:
        """The broadcast a form token created, if any."""
        row = await self._one("SELECT * FROM broadcasts WHERE form_token = ?", (token,))
        return _broadcast(row) if row else None

    # import dry runs -----------------------------------------------------------------------

    async def keep_import(
        self, token: str, operator: str, rows: Rows, now: datetime, forget_before: datetime
    ) -> None:
        """Keeps a dry run's rows under `token`; older ones are forgotten."""
        async with self.transaction():
            await self._run(
                "DELETE FROM import_runs WHERE created_at < ?", (utc_ts(forget_before),)
            )
            await self._run(
                "INSERT INTO import_runs (token, operator, rows, created_at) VALUES (?, ?, ?, ?)",
                (token, operator, json.dumps(rows), utc_ts(now)),
            )

    async def take_import(self, token: str, operator: str, forget_before: datetime) -> Rows | None:
        """The operator's kept dry run, removed (so it is applied once); None if there is
        none (unknown, another operator's, or too old)."""
        async with self.transaction():
            row = await self._one(
                "DELETE FROM import_runs WHERE token = ? AND operator = ? AND created_at >= ?"
                " RETURNING rows",
                (token, operator, utc_ts(forget_before)),
            )
        if row is None:
            return None
        return [(int(line), dict(values)) for line, values in json.loads(row[0])]
