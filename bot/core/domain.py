"""Small values that cross the boundary between channels, handlers and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Step(StrEnum):
    """What the bot is waiting for from a participant: the conversation's state machine.

    NEW ─/start─> ASK_WAVE ─wave with deadline─> ASK_TIMEZONE ─> MENU
                     │ └─wave without deadline─> ASK_ANNOUNCED ─date─┘
                     └─date──────────────────────────────> ASK_TIMEZONE
    MENU ─/hapus─> CONFIRM_DELETE ─ya─> (deleted) / ─tidak─> MENU
    MENU ─typed "udah beli"─> CONFIRM_PURCHASE ─ya─> (purchase recorded) MENU / ─tidak─> MENU
    MENU ─typed "stop ingetin"─> CONFIRM_STOP ─ya─> (reminders off) MENU / ─tidak─> MENU
    (a CONFIRM_PURCHASE/STOP question is dropped by any other button or command)
    """

    NEW = "new"
    ASK_WAVE = "ask_wave"
    ASK_ANNOUNCED = "ask_announced"
    ASK_TIMEZONE = "ask_timezone"
    MENU = "menu"
    CONFIRM_DELETE = "confirm_delete"
    CONFIRM_PURCHASE = "confirm_purchase"
    CONFIRM_STOP = "confirm_stop"
    HANDOFF = "handoff"  # talking to a person: typed text goes to the operators' inbox


class InputKind(StrEnum):
    """What kind of thing the participant sent."""

    TEXT = "text"
    CHOICE = "choice"
    UNSUPPORTED = "unsupported"
    CONTACT = "contact"
    IMAGE = "image"  # a photo or image document: what was read in it is `Incoming.picture`


@dataclass(frozen=True)
class Option:
    """A choice offered with a reply; `id` is a routable action, `label` what is shown."""

    id: str
    label: str


@dataclass(frozen=True)
class Reply:
    """One message to the participant: text plus optional choices."""

    text: str
    options: tuple[Option, ...] = ()
    request_contact: bool = False


class PictureProblem(StrEnum):
    """Why an image was not read."""

    TOO_BIG = "too_big"  # over the download or pixel limit
    UNREADABLE = "unreadable"  # not an image, or a corrupt one
    BUSY = "busy"  # too many images waiting to be read
    FAILED = "failed"  # the reader ran out of time or memory, or was killed
    NO_TEXT = "no_text"  # an image without any words in it


@dataclass(frozen=True)
class Picture:
    """What the bot read in an image the participant sent: the text, already redacted
    (bot/vision), or why it could not. The image itself is never kept."""

    text: str = ""
    problem: PictureProblem | None = None
    card_number: bool = False  # a Kartu Prakerja number was visible (never the number)


@dataclass(frozen=True)
class Incoming:
    """One message from a participant, whatever the channel."""

    channel: str
    user_id: str
    chat_id: str
    at: datetime
    kind: InputKind = InputKind.TEXT
    text: str = ""
    choice: str | None = None
    language_code: str | None = None
    phone: str | None = None
    message_id: str | None = None
    # For a shared contact (kind CONTACT): whose contact it is, when the channel says so.
    contact_user_id: str | None = None
    # For an IMAGE: what was read in it (`text` is then the caption, if any).
    picture: Picture | None = None


@dataclass
class Participant:
    """Everything the bot keeps about one participant (and nothing more)."""

    channel: str
    user_id: str
    chat_id: str
    locale: str
    timezone: str
    ref_code: str
    created_at: datetime
    id: int | None = None
    step: Step = Step.NEW
    wave: int | None = None
    scheme: str | None = None
    announced_on: date | None = None
    deadline_utc: datetime | None = None
    reminders_enabled: bool = True
    unreachable: bool = False
    phone: str | None = None
    last_inbound_at: datetime | None = None
    progress: dict[str, datetime] = field(default_factory=dict)
    wallet: str | None = None  # the payment partner the participant said they use ("OVO")

    @property
    def onboarded(self) -> bool:
        """True once the participant has a deadline and a time zone."""
        return self.deadline_utc is not None and self.step not in (
            Step.NEW,
            Step.ASK_WAVE,
            Step.ASK_ANNOUNCED,
            Step.ASK_TIMEZONE,
        )
