"""`prakerja-bot outbox`: how many outbox rows are pending, sent, failed or cancelled per kind,
and when the next one is due."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import click

from bot.core.config import ConfigError, load_settings
from bot.storage import open_store

STATES = ("pending", "sending", "sent", "failed", "cancelled")


async def _report(database_url: str) -> str:
    store = await open_store(database_url, pool_size=1)
    try:
        counts = await store.outbox_counts()
        next_due = await store.next_due()
    finally:
        await store.close()
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in counts:
        table[row.kind][row.state] = row.count
    width = max([len("kind"), *(len(kind) for kind in table)])
    lines = [f"{'kind':<{width}}  " + "  ".join(f"{s:>9}" for s in STATES)]
    for kind in sorted(table):
        cells = "  ".join(f"{table[kind].get(s, 0):>9}" for s in STATES)
        lines.append(f"{kind:<{width}}  {cells}")
    if not table:
        lines.append("(the outbox is empty)")
    when = next_due.isoformat() if next_due else "nothing pending"
    lines.append(f"next due (UTC): {when}")
    return "\n".join(lines)


@click.command("outbox")
def outbox_command() -> None:
    """Outbox rows per kind and state (pending/sending/sent/failed/cancelled), next due time."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(asyncio.run(_report(settings.database_url)))
