"""`prakerja-bot operator …` (accounts) and `prakerja-bot console` (the console alone)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from bot.console.auth import ROLES, PasswordError, check_password, hash_password
from bot.console.throttle import Throttle
from bot.core.clock import SystemClock
from bot.core.config import ConfigError, load_settings
from bot.storage import open_store
from bot.storage.roles import ConsoleStore

T = TypeVar("T")


def _with_store(work: Callable[[ConsoleStore], Awaitable[T]]) -> T:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None

    async def run() -> T:
        store = await open_store(settings.database_url)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def _password(name: str = "") -> str:
    """From the prompt (twice) on a terminal, else the first line of stdin."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        check_password(str(password), name)
    except PasswordError as exc:
        raise click.ClickException(str(exc)) from None
    return str(password)


@click.group("operator")
def operator_command() -> None:
    """Console accounts: add, list, remove, change a password."""


@operator_command.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="agent",
    show_default=True,
    help="agent: handoffs and looking participants up; admin: everything.",
)
def add(name: str, role: str) -> None:
    """Add an operator (password from the prompt, or stdin when piped; 12+ characters)."""
    if not name.strip() or len(name) > 64 or any(c.isspace() for c in name):
        raise click.ClickException("the name must be 1-64 characters without spaces")
    hashed = hash_password(_password(name), name)

    async def work(store: ConsoleStore) -> bool:
        now = SystemClock().now()
        added = await store.add_operator(name, role, hashed, now)
        if added:
            await store.audit("cli", "operator_add", now, {"name": name, "role": role})
        return added

    if not _with_store(work):
        raise click.ClickException(f"an operator named {name!r} already exists")
    click.echo(f"added {role} {name}")


@operator_command.command("list")
def list_() -> None:
    """List operators with their role."""
    for op in _with_store(lambda store: store.operators()):
        second = " (authenticator on)" if op.totp_secret else ""
        click.echo(f"{op.name}\t{op.role}\tsince {op.created_at.date()}{second}")


@operator_command.command("remove")
@click.argument("name")
def remove(name: str) -> None:
    """Remove an operator (their sessions end at once)."""

    async def work(store: ConsoleStore) -> bool:
        removed = await store.remove_operator(name)
        if removed:
            await store.audit("cli", "operator_remove", SystemClock().now(), {"name": name})
        return removed

    if not _with_store(work):
        raise click.ClickException(f"no operator named {name!r}")
    click.echo(f"removed {name}")


@operator_command.command("password")
@click.argument("name")
def password(name: str) -> None:
    """Set a new password (ends the operator's sessions and forgets their failed logins)."""
    hashed = hash_password(_password(name), name)

    async def work(store: ConsoleStore) -> bool:
        changed = await store.set_operator_password(name, hashed)
        if changed:
            await Throttle(store, SystemClock()).forgive(name)
            await store.audit("cli", "operator_password", SystemClock().now(), {"name": name})
        return changed

    if not _with_store(work):
        raise click.ClickException(f"no operator named {name!r}")
    click.echo(f"password changed for {name}")


@operator_command.command("totp-reset")
@click.argument("name")
def totp_reset(name: str) -> None:
    """Turn the operator's authenticator off (a lost phone); they set it up again."""

    async def work(store: ConsoleStore) -> bool:
        found = await store.operator(name)
        if found is None:
            return False
        await store.set_totp(found.id, pending=None, secret=None)
        await store.audit("cli", "totp_off", SystemClock().now(), {"name": name})
        return True

    if not _with_store(work):
        raise click.ClickException(f"no operator named {name!r}")
    click.echo(f"authenticator turned off for {name}")
