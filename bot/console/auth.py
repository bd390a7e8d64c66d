"""Operators' passwords (Argon2), logins with lock-out, server-side sessions and CSRF tokens.

A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure unless the console
is served on a loopback address); the database keeps only its SHA-256. Every login makes a
new session. 5 failed logins in 15 minutes lock the account for 15 minutes.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from bot.core.clock import Clock
from bot.storage.console import Operator
from bot.storage.sqlite import SqliteStore

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
ROLES = ("admin", "agent")
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
UNKNOWN_KEPT = 10_000  # unknown names whose failures are counted at once
COOKIE = "prakerja_console"
LOGIN_CSRF_COOKIE = "prakerja_console_login"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class PasswordError(ValueError):
    """A password that cannot be used (the message is shown to the operator)."""


def check_password(password: str) -> str:
    """The password if it is long enough; PasswordError otherwise."""
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordError(f"the password may have at most {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    """An Argon2id hash of a checked password."""
    return _hasher.hash(check_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def digest(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost (the console tried locally: no TLS)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class LoginResult(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown name or wrong password (never said which)
    LOCKED = "locked"


@dataclass(frozen=True)
class Session:
    """A logged-in operator, as a request sees them."""

    id: str  # the hash kept in the database
    operator: Operator
    csrf: str

    @property
    def admin(self) -> bool:
        return self.operator.role == "admin"


@dataclass(frozen=True)
class Login:
    result: LoginResult
    token: str | None = None  # the new session's cookie value
    operator: Operator | None = None


class Auth:
    """Logs operators in and out and finds the session of a request's cookie."""

    def __init__(
        self,
        store: SqliteStore,
        clock: Clock,
        *,
        idle: timedelta = timedelta(minutes=60),
        lifetime: timedelta = timedelta(hours=12),
    ) -> None:
        self.store = store
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime
        # failed logins of names that are no operator, kept in memory only: they lock like a
        # real account, so the lock-out message never tells which names exist
        self._unknown: dict[str, list[datetime]] = {}
        self._unknown_locked: dict[str, datetime] = {}

    def _unknown_failure(self, name: str, now: datetime) -> bool:
        """Counts a failed login of an unknown name; True if that name is (now) locked."""
        key = name.strip().casefold()[:200]
        until = self._unknown_locked.get(key)
        if until is not None and until > now:
            return True
        self._unknown_locked.pop(key, None)
        if len(self._unknown) >= UNKNOWN_KEPT:
            self._unknown.clear()
            self._unknown_locked = {k: v for k, v in self._unknown_locked.items() if v > now}
        recent = [at for at in self._unknown.get(key, []) if at > now - FAILURE_WINDOW]
        recent.append(now)
        if len(recent) >= MAX_FAILURES:
            self._unknown.pop(key, None)
            self._unknown_locked[key] = now + LOCK_FOR
            return True
        self._unknown[key] = recent
        return False

    async def login(self, name: str, password: str, old_token: str | None = None) -> Login:
        """Checks the password (in a thread: Argon2 is slow on purpose) and opens a new
        session; counts failures and locks the account after too many."""
        now = self.clock.now()
        operator = await self.store.operator(name.strip())
        if operator is None:
            until = self._unknown_locked.get(name.strip().casefold()[:200])
            if until is not None and until > now:
                return Login(LoginResult.LOCKED)
            await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
            locked = self._unknown_failure(name, now)
            return Login(LoginResult.LOCKED if locked else LoginResult.WRONG)
        if operator.locked_until is not None and operator.locked_until > now:
            return Login(LoginResult.LOCKED, operator=operator)
        if not await asyncio.to_thread(verify_password, operator.password_hash, password):
            locked = await self.store.record_login_failure(
                operator.id, now, now - FAILURE_WINDOW, MAX_FAILURES, now + LOCK_FOR
            )
            return Login(LoginResult.LOCKED if locked else LoginResult.WRONG, operator=operator)
        if old_token:
            await self.store.delete_session(digest(old_token))
        token = secrets.token_urlsafe(32)
        await self.store.create_session(
            digest(token), operator.id, secrets.token_urlsafe(32), now, now + self.lifetime
        )
        return Login(LoginResult.OK, token=token, operator=operator)

    async def session(self, token: str | None) -> Session | None:
        """The live session of a cookie's token; an expired or idle one is deleted."""
        if not token or len(token) > 200:
            return None
        row = await self.store.session(digest(token))
        if row is None:
            return None
        now = self.clock.now()
        if row.expires_at <= now or row.last_seen_at + self.idle <= now:
            await self.store.delete_session(row.id)
            return None
        if now - row.last_seen_at > timedelta(minutes=1):  # one write a minute at most
            await self.store.touch_session(row.id, now)
        return Session(row.id, row.operator, row.csrf)

    async def logout(self, session: Session) -> None:
        await self.store.delete_session(session.id)

    def when(self) -> datetime:
        return self.clock.now()
