"""The inbox's rules: which handoffs come first (money, a deadline within 24 hours, or
distress; then the oldest), the list's filters, round-robin assignment among the agents on
shift (a cap each), response and resolution times per day and per agent, and a summary of
what the bot already knows and tried with the participant."""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.console.render import ZONE
from bot.core.benefits import Item
from bot.core.i18n import N_, Translator
from bot.storage.inbox import InboxRow, Timing

FILTERS = ("all", "mine", "unassigned", "waiting")
URGENT_DEADLINE = timedelta(hours=24)
SATISFACTION_WINDOW = timedelta(days=7)  # an answer rates a handoff closed this recently

MONEY = re.compile(
    r"\b(dana|insentif|uang|saldo|transfer|cair|pencairan|rekening|e-?wallet|gopay|ovo|"
    r"linkaja|shopee ?pay|bayar|pembayaran|refund|potong|rp\.? ?\d|rupiah)\w*",
    re.IGNORECASE,
)
DISTRESS = re.compile(
    r"\b(tolong|darurat|stres+|depresi|putus asa|panik|nangis|menangis|sedih|frustr?asi|"
    r"kecewa|marah|kesal|capek|lelah|bunuh diri|mati aja|ga kuat|gak kuat|nyerah)\w*|!{3,}",
    re.IGNORECASE,
)
WHY = {
    "money": N_("money"),
    "deadline": N_("deadline within 24 hours"),
    "distress": N_("distress"),
}


@dataclass(frozen=True)
class Listed:
    row: InboxRow
    why: tuple[str, ...]  # the priority's reasons (empty: by waiting time only)


def priority(row: InboxRow, now: datetime) -> tuple[str, ...]:
    """Why this handoff comes first, if it does."""
    why = []
    said = " ".join(row.texts)
    if MONEY.search(said):
        why.append("money")
    deadline = row.deadline_utc
    if deadline is not None and not row.purchased and now <= deadline <= now + URGENT_DEADLINE:
        why.append("deadline")
    if DISTRESS.search(said):
        why.append("distress")
    return tuple(why)


def listing(rows: Sequence[InboxRow], shown: str, me: str, now: datetime) -> list[Listed]:
    """The inbox as a filter shows it: priority first, then the longest waiting ("waiting":
    only those waiting for an answer, the longest first, whatever their priority)."""
    found = [Listed(r, priority(r, now)) for r in rows]
    if shown == "mine":
        found = [x for x in found if x.row.handoff.taken_by == me]
    elif shown == "unassigned":
        found = [x for x in found if x.row.handoff.taken_by is None]
    elif shown == "waiting":
        found = [x for x in found if x.row.handoff.waiting_since is not None]

    def since(x: Listed) -> datetime:
        h = x.row.handoff
        return h.waiting_since or h.opened_at

    if shown == "waiting":
        return sorted(found, key=lambda x: (since(x), x.row.handoff.id))
    return sorted(found, key=lambda x: (not x.why, since(x), x.row.handoff.id))


def round_robin(
    waiting: Sequence[int], agents: Sequence[tuple[str, int]], cap: int
) -> list[tuple[int, str]]:
    """(handoff, agent) for the waiting handoffs, in order: each to the agent on shift with
    the fewest (then by name), never past `cap` each; the rest wait."""
    load = dict(agents)
    plan = []
    for handoff_id in waiting:
        free = sorted((n, name) for name, n in load.items() if n < cap)
        if not free:
            break
        _, name = free[0]
        plan.append((handoff_id, name))
        load[name] += 1
    return plan


@dataclass(frozen=True)
class Figures:
    handoffs: int
    first_response_min: float | None  # median minutes
    resolution_min: float | None
    good: int
    bad: int


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def figures(timings: Sequence[Timing]) -> Figures:
    first = [
        (t.first_response_at - t.opened_at).total_seconds() / 60
        for t in timings
        if t.first_response_at is not None
    ]
    done = [
        (t.closed_at - t.opened_at).total_seconds() / 60
        for t in timings
        if t.closed_at is not None
    ]
    return Figures(
        handoffs=len(timings),
        first_response_min=_median(first),
        resolution_min=_median(done),
        good=sum(t.satisfaction == "good" for t in timings),
        bad=sum(t.satisfaction == "bad" for t in timings),
    )


def by_day_and_agent(
    timings: Sequence[Timing],
) -> tuple[list[tuple[str, Figures]], list[tuple[str, Figures]]]:
    """Figures per day (WIB, newest first) and per agent (by name)."""
    zone = ZoneInfo(ZONE)
    days: dict[str, list[Timing]] = defaultdict(list)
    agents: dict[str, list[Timing]] = defaultdict(list)
    for t in timings:
        days[t.opened_at.astimezone(zone).strftime("%d-%m-%Y")].append(t)
        agents[t.agent or "–"].append(t)
    per_day = sorted(days.items(), key=lambda kv: datetime.strptime(kv[0], "%d-%m-%Y"))
    return (
        [(day, figures(found)) for day, found in reversed(per_day)],
        [(name, figures(found)) for name, found in sorted(agents.items())],
    )


def story_lines(
    story: dict[str, Any], wallet: str | None, t: Translator, items: Mapping[str, Item]
) -> list[str]:
    """What the bot already knows and tried, in the operator's language (`items`: the
    participant's benefit items by key, for their names and their statuses' words)."""
    from bot.console import labels

    lines = []
    memory = story.get("memory")
    if memory and memory.get("topic"):
        lines.append(
            t._("Last topic: {topic} ({when})").format(
                topic=labels.topic(t, memory["topic"]),
                when=t.local(memory["at"]).strftime("%d-%m %H:%M") if memory["at"] else "–",
            )
        )
        try:
            data = json.loads(memory.get("data") or "{}")
        except ValueError:
            data = {}
        if isinstance(data, dict) and isinstance(data.get("step"), int):
            lines.append(t._("Troubleshooting steps given: {n}").format(n=int(data["step"]) + 1))
        trail = data.get("trail") if isinstance(data, dict) else None
        trail = trail if isinstance(trail, dict) else {}
        earlier = [x for x in trail.get("topics", [])[:-1] if isinstance(x, str)]
        if earlier:
            lines.append(
                t._("Topics before: {topics}").format(
                    topics=", ".join(labels.topic(t, x) for x in dict.fromkeys(earlier))
                )
            )
        pasted = trail.get("pasted")
        if isinstance(pasted, list) and pasted:
            lines.append(
                t._("Dashboard statuses pasted: {labels}").format(
                    labels=", ".join(f"“{p}”" for p in pasted if isinstance(p, str))
                )
            )
        if memory.get("repeats"):
            lines.append(
                t._("Reported the same problem again: {n} times").format(n=memory["repeats"])
            )
        if memory.get("question") == "escalated":
            lines.append(t._("The bot's steps did not help: handed over"))
    if wallet:
        lines.append(t._("E-wallet or bank named: {name}").format(name=wallet))
    for key, status, partner, _at in story.get("told", []):
        item = items.get(key)
        lines.append(
            t._("Told the bot: {item} is {status}").format(
                item=labels.item(t, item) if item is not None else key,
                status=labels.item_status(t, item.kind, status) if item is not None else status,
            )
            + (f" ({partner})" if partner else "")
        )
    guessed: list[str] = []
    for guesses, _at in story.get("unknown", []):
        try:
            best = json.loads(guesses)
        except ValueError:
            best = []
        if best and isinstance(best[0], list) and best[0]:
            guessed.append(labels.topic(t, str(best[0][0])))
    flagged = story.get("flagged", [])
    if flagged:
        signs = sorted({sign for found, _at in flagged for sign in found.split(",") if sign})
        lines.append(
            t.ngettext(
                "{n} message flagged as a possible scam ({signs})",
                "{n} messages flagged as possible scams ({signs})",
                len(flagged),
            ).format(n=len(flagged), signs=", ".join(signs))
        )
    if guessed:
        lines.append(
            t.ngettext(
                "Not understood {n} time lately (closest: {topics})",
                "Not understood {n} times lately (closest: {topics})",
                len(guessed),
            ).format(n=len(guessed), topics=", ".join(dict.fromkeys(guessed)))
        )
    return lines
