"""A screenshot of the dashboard: what the bot sees in it, and what to do now.

The channel has already had the picture read (bot/vision) and redacted; `msg.picture.text` is
all that reaches this module, and the image is gone. The rows and statuses are understood by
bot/nlu/screen.py; the meaning of the status that matters most is the one a typed status gets
(handlers/statuses.py). What cannot be read is said, and the participant asked to type it.
"""

from __future__ import annotations

from bot.conversation.context import Context
from bot.core.domain import Incoming, PictureProblem, Reply
from bot.core.i18n import N_
from bot.nlu import classifier
from bot.nlu.screen import Screen, ScreenRow, read_screen
from bot.vision.limits import MIB, Limits
from handlers import freetext, statuses
from handlers.common import deadline_line
from handlers.memory import remember

PROBLEMS: dict[PictureProblem, str] = {
    PictureProblem.TOO_BIG: N_(
        "That picture is too big for me to read (at most {megabytes} MB). A screenshot is "
        "enough, or type the status you see."
    ),
    PictureProblem.UNREADABLE: N_(
        "I couldn't open that picture. Could you send it again as a screenshot, or type the "
        "status you see?"
    ),
    PictureProblem.BUSY: N_(
        "I'm reading a lot of pictures right now. Please type the status you see (for example "
        "“Gagal” or “Dalam Pengecekan”), or send the picture again in a minute."
    ),
    PictureProblem.FAILED: N_(
        "I couldn't finish reading that picture. Please type the status you see (for example "
        "“Gagal” or “Dalam Pengecekan”) and I'll explain it."
    ),
    PictureProblem.NO_TEXT: N_(
        "I can't find any words in that picture. If it's your dashboard, please type the "
        "status you see there."
    ),
}
NOTHING = N_(
    "I read your picture but found no incentive status in it. Please type the status you see "
    "(for example “Gagal” or “Dalam Pengecekan”) and I'll explain it."
)
CARD_SEEN = N_(
    "Your Kartu Prakerja number is visible in the picture: I didn't keep it. Don't show it "
    "to anyone but the official platforms."
)
# Which status to explain when a screenshot shows several: the one that needs action first.
_URGENCY = (
    "failed",
    "held",
    "checking",
    "not_processed",
    "not_selected",
    "no_wave",
    "waiting_training",
    "scheduled",
    "processing",
    "selection_processing",
    "transferred",
)


def _rank(meaning: str) -> int:
    return _URGENCY.index(meaning) if meaning in _URGENCY else len(_URGENCY)


def _row_words(ctx: Context, row: ScreenRow, first: bool) -> str:
    t = ctx.t
    status = row.label.title()
    if row.survey:
        said = t._("survey incentive no. {number} {status}")
    elif first:
        said = t._("incentive no. {number} {status}")
    else:
        said = t._("no. {number} {status}")
    said = said.format(number=row.number, status=status)
    if row.day is not None:
        said += f" ({t.short_date(row.day)})"
    return said


def seen(ctx: Context, screen: Screen) -> str:
    """ "Di gambarmu: insentif ke-1 Gagal (15 Juni 2021), ke-2 Dalam Pengecekan." """
    t = ctx.t
    parts: list[str] = []
    first = True
    for row in screen.statuses:
        parts.append(_row_words(ctx, row, first))
        first = first and row.survey
    parts += [label.title() for _, label in screen.others]
    unread = [row for row in screen.rows if row.entry is None]
    if screen.balance is not None:
        parts.append(t._("training balance {amount}").format(amount=t.money(screen.balance)))
    if screen.certificate:
        parts.append(t._("a training certificate"))
    said = t._("In your picture: {things}.").format(things=", ".join(parts))
    if unread:
        numbers = ", ".join(str(row.number) for row in unread)
        said += " " + t._(
            "I couldn't read the status of incentive no. {numbers}: please type it."
        ).format(numbers=numbers)
    return said


def understood(msg: Incoming) -> bool:
    """True when the picture shows something the bot knows (a status, balance, certificate)."""
    picture = msg.picture
    if picture is None or picture.problem is not None:
        return False
    return read_screen(picture.text).understood


async def read(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores nothing (what it did not understand is kept redacted for the operator); says
    what the screenshot shows and what to do now, or asks for the status typed."""
    t, picture = ctx.t, msg.picture
    if picture is None or picture.problem is not None:
        problem = picture.problem if picture is not None else PictureProblem.FAILED
        text = t._(PROBLEMS[problem or PictureProblem.FAILED])
        return [Reply(text.format(megabytes=Limits().max_bytes // MIB))]
    screen = read_screen(picture.text)
    card = t._(CARD_SEEN) if picture.card_number else ""
    quoted = [(row.entry, row.label) for row in screen.statuses if row.entry is not None]
    quoted += screen.others
    if quoted:
        entry, label = min(quoted, key=lambda pair: _rank(pair[0].meaning))
        selection = entry.meaning in ("not_selected", "no_wave", "selection_processing")
        await remember(ctx, "selection" if selection else "incentive_status")  # follow-ups
        replies = statuses.explain(ctx, ((entry, label),), f"{msg.text}\n{picture.text}")
        head = "\n\n".join(x for x in (seen(ctx, screen), replies[0].text, card) if x)
        return [Reply(head, replies[0].options), *replies[1:]]
    if screen.certificate or screen.balance is not None:
        lines = [seen(ctx, screen)]
        if screen.certificate:
            lines.append(
                t._(
                    "A certificate means your training is finished. Now give it a rating and a "
                    "review in the dashboard (“Pelatihan Saya” → “Beri Ulasan”): the incentive "
                    "is scheduled after that."
                )
            )
        elif "purchase" not in ctx.participant.progress:
            lines.append(deadline_line(ctx))
        return [Reply("\n\n".join(x for x in (*lines, card) if x))]
    if picture.text:  # words, but nothing the bot knows: kept redacted for the operator
        result = classifier(t.locale).read(picture.text).result
        await freetext.keep_unknown(ctx, picture.text, result)
    return [Reply("\n\n".join(x for x in (t._(NOTHING), card) if x))]
