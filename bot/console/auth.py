"""Operators' passwords (Argon2, common ones refused), the second factor (TOTP), logins
throttled with growing delays, server-side sessions and CSRF tokens.

A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure unless
CONSOLE_SECURE_COOKIE=false); the database keeps only its SHA-256. Every login makes a new
session. Failed logins slow down the same name from the same address, and any name from an
address that keeps failing (bot/console/throttle.py); nobody is locked out by others.
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

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

from bot.core.clock import Clock
from bot.storage.console import Operator
from bot.storage.roles import ConsoleStore

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
ROLES = ("admin", "agent")
MIN_STRENGTH = 3  # zxcvbn's score (0-4): 3 is "safely unguessable" online
COOKIE = "prakerja_console"
LOGIN_CSRF_COOKIE = "prakerja_console_login"

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


class PasswordError(ValueError):
    """A password that cannot be used (the message is shown to the operator)."""


def check_password(password: str, name: str = "") -> str:
    """The password if it is long enough and not a common or guessable one (zxcvbn, with its
    lists of common passwords, words and keyboard patterns); PasswordError otherwise."""
    if len(password) < MIN_PASSWORD:
        raise PasswordError(f"the password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise PasswordError(f"the password may have at most {MAX_PASSWORD} characters")
    found = zxcvbn(password[:100], user_inputs=[name, "prakerja", "kartu", "console"])
    if int(found["score"]) < MIN_STRENGTH:
        raise PasswordError(
            "the password is too common or too easy to guess: use a few unrelated words"
        )
    return password


def hash_password(password: str, name: str = "") -> str:
    """An Argon2id hash of a checked password."""
    return _hasher.hash(check_password(password, name))


def totp_ok(secret: str, code: str) -> bool:
    """True if `code` is the authenticator's current code (or the one just before/after)."""
    code = code.strip().replace(" ", "")
    return len(code) == 6 and code.isdigit() and pyotp.TOTP(secret).verify(code, valid_window=1)


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
    CODE = "code"  # right password, missing or wrong authenticator code


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
        store: ConsoleStore,
        clock: Clock,
        *,
        idle: timedelta = timedelta(minutes=60),
        lifetime: timedelta = timedelta(hours=12),
    ) -> None:
        self.store = store
        self.clock = clock
        self.idle = idle
        self.lifetime = lifetime

    async def login(
        self, name: str, password: str, code: str = "", old_token: str | None = None
    ) -> Login:
        """Checks the password (in a thread: Argon2 is slow on purpose) and, once set up, the
        authenticator's code; opens a new session."""
        now = self.clock.now()
        operator = await self.store.operator(name.strip())
        if operator is None:
            await asyncio.to_thread(verify_password, _DUMMY_HASH, password)
            return Login(LoginResult.WRONG)
        if not await asyncio.to_thread(verify_password, operator.password_hash, password):
            return Login(LoginResult.WRONG, operator=operator)
        if operator.totp_secret and not totp_ok(operator.totp_secret, code):
            return Login(LoginResult.CODE, operator=operator)
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
