"""Small values that cross the boundary between channels, handlers and the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Step(StrEnum):
    """What the bot is waiting for from a participant: the conversation's state machine.

    NEW ─/start─> ASK_WAVE ─wave with deadline─> ASK_TIMEZONE ─> MENU
                     │ └─wave without deadline─> ASK_ANNOUNCED ─date─┘  └─deadline passed─┐
                     └─date──────────────────────────────> ASK_TIMEZONE    ASK_STAGE <─────┘
    ASK_STAGE ─not bought─> (sanctions) MENU / ─bought─> (purchase date asked) MENU /
              ─finished, certificate, paid─> (progress recorded) MENU
    A participant whose deadline passed without a purchase (revoked) is never onboarded again.
    MENU ─/hapus─> CONFIRM_DELETE ─ya─> (deleted) / ─tidak─> MENU
    MENU ─typed "udah beli"─> CONFIRM_PURCHASE ─ya─> (purchase recorded) MENU / ─tidak─> MENU
    MENU ─typed "stop ingetin"─> CONFIRM_STOP ─ya─> (reminders off) MENU / ─tidak─> MENU
    (a CONFIRM_PURCHASE/STOP question is dropped by any other button or command)
    """

    NEW = "new"
    ASK_WAVE = "ask_wave"
    ASK_ANNOUNCED = "ask_announced"
    ASK_TIMEZONE = "ask_timezone"
    ASK_STAGE = "ask_stage"  # a late onboarding: where is the participant in the program?
    MENU = "menu"
    CONFIRM_DELETE = "confirm_delete"
    CONFIRM_PURCHASE = "confirm_purchase"
    CONFIRM_STOP = "confirm_stop"
    HANDOFF = "handoff"  # talking to a person: typed text goes to the operators' inbox


class Question(StrEnum):
    """What the bot asked in the free conversation (the participant stays at Step.MENU), kept
    in the conversation's memory. With the steps above, the whole of what the bot waits for:
    each question's answer is read by the handler registered in handlers/waiting.py."""

    CONFIRM_FACT = "confirm_fact"  # record this wave, date, purchase, wallet or progress? (yes/no)
    PURCHASE_DATE = "purchase_date"  # on what day was the first training bought?
    ESCALATED = "escalated"  # nothing asked: the problem went to a person


# Steps before the participant is onboarded (no deadline, zone or stage settled yet).
ONBOARDING: frozenset[Step] = frozenset(
    {Step.NEW, Step.ASK_WAVE, Step.ASK_ANNOUNCED, Step.ASK_TIMEZONE, Step.ASK_STAGE}
)


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
    # Forwarded from someone else (Telegram's forward origin, WhatsApp's forwarded context).
    forwarded: bool = False
    # What an UNSUPPORTED message was (one of MEDIA), when the channel says so.
    media: str | None = None


# What an UNSUPPORTED message can be; the channels map their own types onto these.
MEDIA = ("voice", "sticker", "location", "contact", "photo", "video", "document", "other")


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
        return self.deadline_utc is not None and self.step not in ONBOARDING
