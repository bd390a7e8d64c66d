"""A domain `Reply` as Cloud API message bodies, always within WhatsApp's limits.

- text: at most 4,096 characters a message; longer text is split at paragraph, then line,
  then word boundaries;
- up to 3 options whose labels fit in 20 characters: reply buttons;
- more options, or a label too long for a button: list messages (at most 10 rows each; row
  title ≤ 24, with the full label in the description ≤ 72; list button ≤ 20); more than 10
  options go out as several lists;
- the text above buttons or a list (the "body") is at most 1,024 characters: anything before
  it goes out first as plain text.

Lengths are counted in UTF-16 code units (an emoji counts 2), the strictest reading of Meta's
"characters", so no label or text can make the API refuse a message.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.domain import Option, Reply

Body = dict[str, Any]

TEXT_MAX = 4096
BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
LIST_BUTTON_MAX = 20
TEMPLATE_PARAM_MAX = 1024
ELLIPSIS = "…"


@dataclass(frozen=True)
class Labels:
    """The few words the renderer adds itself, already translated."""

    button: str = "Choose"  # the button that opens a list
    more: str = "More choices ({page}/{pages})"  # the body of the 2nd, 3rd… list


def size(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _fit(text: str, limit: int) -> int:
    """The longest prefix length (in code points) of `text` within `limit` UTF-16 units."""
    end = min(len(text), limit)
    while size(text[:end]) > limit:
        end -= 1
    return end


def split_text(text: str, limit: int = TEXT_MAX) -> list[str]:
    """Pieces of at most `limit`, cut at a paragraph, else a line, else a word boundary."""
    rest = text.strip()
    pieces: list[str] = []
    while size(rest) > limit:
        end = _fit(rest, limit)
        cut = next(
            (at for sep in ("\n\n", "\n", " ") if (at := rest.rfind(sep, 0, end + 1)) > 0),
            end,
        )
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def shorten(text: str, limit: int) -> str:
    """`text` if it fits, else cut at a word boundary (when one is near) with an ellipsis."""
    text = " ".join(text.split())
    if size(text) <= limit:
        return text
    end = _fit(text, limit - 1)
    space = text.rfind(" ", 0, end + 1)
    if space >= end // 2:
        end = space
    return text[:end].rstrip(" ,.;:-") + ELLIPSIS


def _unique(titles: Sequence[str], limit: int) -> list[str]:
    """Makes repeated titles distinct ("Ya", "Ya 2") while keeping them within `limit`."""
    seen: set[str] = set()
    result = []
    for title in titles:
        candidate, n = title, 1
        while candidate in seen:
            n += 1
            suffix = f" {n}"
            candidate = shorten(title, limit - size(suffix)) + suffix
        seen.add(candidate)
        result.append(candidate)
    return result


def text_message(text: str) -> Body:
    return {"type": "text", "text": {"body": text, "preview_url": False}}


def _buttons(body: str, options: Sequence[Option]) -> Body:
    titles = _unique([o.label.strip() for o in options], BUTTON_TITLE_MAX)
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": o.id, "title": title}}
                    for o, title in zip(options, titles, strict=True)
                ]
            },
        },
    }


def _row(option: Option, title: str) -> dict[str, str]:
    row = {"id": option.id, "title": title}
    label = " ".join(option.label.split())
    if title != label:
        row["description"] = shorten(label, ROW_DESCRIPTION_MAX)
    return row


def _list(body: str, options: Sequence[Option], labels: Labels) -> Body:
    titles = _unique([shorten(o.label, ROW_TITLE_MAX) for o in options], ROW_TITLE_MAX)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": shorten(labels.button, LIST_BUTTON_MAX),
                "sections": [{"rows": [_row(o, t) for o, t in zip(options, titles, strict=True)]}],
            },
        },
    }


def fits_buttons(options: Sequence[Option]) -> bool:
    """True when the options can be reply buttons without shortening any label."""
    return len(options) <= BUTTONS_MAX and all(
        size(" ".join(o.label.split())) <= BUTTON_TITLE_MAX for o in options
    )


def _tail(text: str, limit: int) -> tuple[list[str], str]:
    """Splits off the end of `text` to go above the options: the last paragraph (or line) when
    it fits, else the last piece of a plain split. Returns (earlier pieces, body)."""
    if size(text) <= limit:
        return [], text
    for sep in ("\n\n", "\n"):
        at = text.rfind(sep)
        if at > 0 and 0 < size(text[at:].strip()) <= limit:
            return split_text(text[:at], TEXT_MAX), text[at:].strip()
    parts = split_text(text, limit)
    return parts[:-1], parts[-1]


def render(reply: Reply, labels: Labels = Labels()) -> list[Body]:
    """The Cloud API message bodies (without recipient) for one reply, in sending order."""
    texts = split_text(reply.text)
    if not reply.options:
        return [text_message(t) for t in texts]
    last = texts.pop() if texts else ""
    parts, body = _tail(last, BODY_MAX)
    messages = [text_message(t) for t in [*texts, *parts]]
    body = body or shorten(labels.button, BODY_MAX)
    options = list(reply.options)
    if fits_buttons(options):
        return [*messages, _buttons(body, options)]
    pages = [options[i : i + ROWS_MAX] for i in range(0, len(options), ROWS_MAX)]
    for number, page in enumerate(pages, 1):
        text = body if number == 1 else labels.more.format(page=number, pages=len(pages))
        messages.append(_list(shorten(text, BODY_MAX), page, labels))
    return messages


_SPACES = re.compile(r"[ ]{4,}")


def template_param(value: str) -> str:
    """A template body parameter as Meta accepts it: no new lines or tabs, no more than three
    spaces in a row, not empty, not too long."""
    flat = _SPACES.sub("   ", re.sub(r"[\n\r\t]+", " ", value)).strip()
    return shorten(flat, TEMPLATE_PARAM_MAX) or "-"


def template_message(
    name: str, language: str, params: Sequence[str], button_payload: str | None = None
) -> Body:
    """A pre-approved template message with body parameters {{1}}, {{2}}, … and, when the
    template has a quick-reply button, the payload that button sends back."""
    template: dict[str, Any] = {"name": name, "language": {"code": language}}
    components: list[dict[str, Any]] = []
    if params:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": template_param(p)} for p in params],
            }
        )
    if button_payload:
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": button_payload}],
            }
        )
    if components:
        template["components"] = components
    return {"type": "template", "template": template}
