"""The program's rules as validated data: schemes, waves, platforms, partners, reminders."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

_DURATION = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class ProgramError(Exception):
    """The program file is unreadable or invalid; the message names the key."""


def parse_duration(text: str) -> timedelta:
    """`7d`, `3h`, `15m`, `90s` as a timedelta."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration like 7d, 3h or 90s: {text!r}")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _parse_clock(value: object) -> object:
    """ "21:00" (or a TOML local time); a bare number like 42 is refused, not read as 00:00:42."""
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a time like 09:00: {value!r}") from None
    if not isinstance(value, time):
        raise ValueError(f'not a time like "09:00": {value!r}')
    return value


ClockTime = Annotated[time, BeforeValidator(_parse_clock)]
Duration = Annotated[
    timedelta, BeforeValidator(lambda v: parse_duration(v) if isinstance(v, str) else v)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class LocalText(_Strict):
    """A short text given in each supported locale."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.id


class Benefit(_Strict):
    """One kind of benefit of a scheme, paid `count` times `amount`."""

    key: str
    kind: Literal["training_fund", "incentive", "survey"]
    amount: int = Field(gt=0)
    count: int = Field(ge=1, le=24)


# Facts of a scheme that may rest on one weak source (said with that caution).
WeakFact = Literal["purchase_window", "platforms", "survey_deadline"]


class Scheme(_Strict):
    """A year's rules: amounts, the purchase window and the benefits, with a note on what
    differs and which of its facts rest on one weak source only."""

    name: str
    waves: tuple[int, int] | None = None
    announced_from: date | None = None
    announced_until: date | None = None
    purchase_window_days: int = Field(gt=0, le=366)
    total: int = Field(gt=0)
    survey_deadline: date | None = None
    first_training_only: bool = True
    benefits: tuple[Benefit, ...] = Field(min_length=1)
    note: LocalText | None = None
    weak: tuple[WeakFact, ...] = ()

    @model_validator(mode="after")
    def _total_adds_up(self) -> Scheme:
        counted = sum(b.amount * b.count for b in self.benefits)
        if counted != self.total:
            raise ValueError(f"total {self.total} differs from the benefits' sum {counted}")
        keys = [b.key for b in self.benefits]
        if len(keys) != len(set(keys)):
            raise ValueError("benefit keys must be unique")
        return self

    def benefit(self, kind: str) -> Benefit | None:
        """The scheme's benefit of that kind, if any."""
        return next((b for b in self.benefits if b.kind == kind), None)


class Wave(_Strict):
    """A wave with its own purchase deadline (where the program announced one)."""

    number: int = Field(gt=0)
    scheme: str
    purchase_deadline: date | None = None
    announced_on: date | None = None
    opened_on: date | None = None  # registration opened (no announcement can come before)


class Platform(_Strict):
    """A digital platform where trainings are bought; `schemes` are those whose lists are
    known to hold it (empty: every scheme)."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,20}$")
    name: str
    line: LocalText
    schemes: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # its own sites (every subdomain counts)


class Partner(_Strict):
    """A bank or e-wallet that can receive the incentive, from `valid_from` (until
    `valid_until`), as `source` reports."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,20}$")
    name: str
    kind: Literal["bank", "ewallet"]
    customer_service: str
    valid_from: date | None = None
    valid_until: date | None = None
    source: str | None = None

    def valid_on(self, day: date) -> bool:
        """Whether the partner received incentives on `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    domains: tuple[str, ...] = ()  # its own sites (every subdomain counts)


class ReminderRule(_Strict):
    """A reminder `before` the deadline (`7d`, `3h`, `90s`). With `at`, it goes at that local
    time on the calendar day (in the deadline's zone) reached by going back `before`; without,
    exactly `before` ahead of the deadline."""

    key: str = Field(pattern=r"^[a-z0-9_]{1,30}$")
    before: Duration
    at: ClockTime | None = None


class Reminders(_Strict):
    """Deadline reminders: the schedule, the local quiet hours, and when one is too late."""

    quiet_start: ClockTime = time(21, 0)
    quiet_end: ClockTime = time(7, 0)
    stale_after: Duration = timedelta(hours=6)
    schedule: tuple[ReminderRule, ...] = ()

    @field_validator("schedule")
    @classmethod
    def _unique_keys(cls, value: tuple[ReminderRule, ...]) -> tuple[ReminderRule, ...]:
        keys = [rule.key for rule in value]
        if len(keys) != len(set(keys)):
            raise ValueError("reminder keys must be unique")
        return value


class Timings(_Strict):
    schedule_sync_hours: int = Field(gt=0)
    transfer_working_days_min: int = Field(gt=0)
    transfer_working_days_max: int = Field(gt=0)
    certificate_working_days: int = Field(gt=0)
    survey_payment_days: int = Field(gt=0)
    otp_max_wrong: int = Field(gt=0)
    otp_wait_hours: int = Field(gt=0)


class OfficialHelp(_Strict):
    website: str
    help_centre: str
    email: str
    contact_centre: str
    instagram: str
    twitter: str
    survey_email: str
    survey_email_subject: str


class OfficialChannels(_Strict):
    """Where the program really speaks: a forwarded message or a link is checked against
    these (bot/nlu/scams.py). A domain counts with every subdomain."""

    domains: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()  # social media accounts, "@prakerja.go.id"
    phones: tuple[str, ...] = ()  # help lines, however typed
    app_stores: tuple[str, ...] = ()  # where an app may come from (Prakerja itself has none)
    other_domains: tuple[str, ...] = ()  # government sites named in official notices
    report_site: str = ""  # where a fake site or account is reported (besides the program)

    @field_validator("domains", "other_domains", "app_stores")
    @classmethod
    def _bare(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for domain in value:
            if not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", domain):
                raise ValueError(f"not a bare domain like prakerja.go.id: {domain!r}")
        return value


class ProgramInfo(_Strict):
    name: str
    started_on: date
    deadline_time: ClockTime
    deadline_timezone: str
    default_scheme: str
    website: str
    # The privacy notice's version (the introduction a new participant is shown): stored with
    # each participant at onboarding (console "Privacy" page).
    privacy_notice: str = "1"

    @field_validator("deadline_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        ZoneInfo(value)
        return value


class Program(_Strict):
    """The whole program file."""

    program: ProgramInfo
    official_help: OfficialHelp
    official_channels: OfficialChannels = OfficialChannels()
    timings: Timings
    reminders: Reminders
    schemes: dict[str, Scheme] = Field(min_length=1)
    waves: tuple[Wave, ...] = ()
    platforms: tuple[Platform, ...] = Field(min_length=1)
    partners: tuple[Partner, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Program:
        if self.program.default_scheme not in self.schemes:
            raise ValueError(f"program.default_scheme {self.program.default_scheme!r} is unknown")
        for wave in self.waves:
            if wave.scheme not in self.schemes:
                raise ValueError(f"waves: wave {wave.number} names unknown scheme {wave.scheme!r}")
        for name, items in (("platforms", self.platforms), ("partners", self.partners)):
            ids = [item.id for item in items]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{name}: ids must be unique")
        for platform in self.platforms:
            for key in platform.schemes:
                if key not in self.schemes:
                    raise ValueError(f"platforms: {platform.id} names unknown scheme {key!r}")
        return self

    def partners_on(self, day: date) -> tuple[Partner, ...]:
        """The banks and e-wallets that received incentives on `day`."""
        return tuple(p for p in self.partners if p.valid_on(day))

    def platforms_for(self, scheme: str) -> tuple[tuple[Platform, ...], bool]:
        """The platforms known for a scheme, and whether that list is known for it (False: the
        list of another year, to be said with that caution)."""
        known = tuple(p for p in self.platforms if not p.schemes or scheme in p.schemes)
        if known and "platforms" not in self.schemes[scheme].weak:
            return known, True
        return known or self.platforms, False

    def wave_opens(self, number: int) -> date | None:
        """The earliest day a wave's participants can have been announced: its own date, else
        the start of its scheme (None when unknown)."""
        wave = self.wave(number)
        if wave is not None and (wave.opened_on or wave.announced_on):
            return wave.opened_on or wave.announced_on
        key = self.scheme_for_wave(number)
        return self.schemes[key].announced_from if key is not None else None

    @cached_property
    def public_numbers(self) -> frozenset[str]:
        """The program's and partners' help lines, digits only: never a participant's secret."""
        numbers = [
            self.official_help.contact_centre,
            *self.official_channels.phones,
            *(p.customer_service for p in self.partners),
        ]
        return frozenset(d for n in numbers if len(d := re.sub(r"\D", "", n)) >= 3)

    @cached_property
    def deadline_zone(self) -> ZoneInfo:
        return ZoneInfo(self.program.deadline_timezone)

    def wave(self, number: int) -> Wave | None:
        """The configured wave, if any."""
        return next((w for w in self.waves if w.number == number), None)

    def scheme_for_wave(self, number: int) -> str | None:
        """The scheme a wave number belongs to, if the program knows it."""
        wave = self.wave(number)
        if wave is not None:
            return wave.scheme
        for key, scheme in self.schemes.items():
            if scheme.waves and scheme.waves[0] <= number <= scheme.waves[1]:
                return key
        return None

    def scheme_for_date(self, announced: date) -> str:
        """The scheme in force on an announcement date (the default one otherwise)."""
        for key, scheme in self.schemes.items():
            lo, hi = scheme.announced_from, scheme.announced_until
            if lo and lo <= announced and (hi is None or announced <= hi):
                return key
        return self.program.default_scheme

    def closing_moment(self, day: date) -> datetime:
        """The UTC moment a deadline on `day` closes (23:59 WIB by default)."""
        local = datetime.combine(day, self.program.deadline_time, tzinfo=self.deadline_zone)
        return local.astimezone(UTC)

    def deadline_for_wave(self, number: int) -> datetime | None:
        """The wave's own deadline, or announcement + window where the wave knows its date."""
        wave = self.wave(number)
        if wave is None:
            return None
        if wave.purchase_deadline is not None:
            return self.closing_moment(wave.purchase_deadline)
        if wave.announced_on is not None:
            return self.deadline_for_announcement(wave.announced_on, wave.scheme)
        return None

    def dated_waves(self) -> list[int]:
        """The wave numbers, in order, whose `deadline_for_wave` is known, without working
        each deadline out (a time zone conversion per wave on every question for the wave)."""
        first: dict[int, Wave] = {}  # what `wave()` finds for each number
        for wave in self.waves:
            first.setdefault(wave.number, wave)
        return [
            w.number
            for w in self.waves
            if first[w.number].purchase_deadline is not None
            or first[w.number].announced_on is not None
        ]

    def deadline_for_announcement(self, announced: date, scheme: str) -> datetime:
        """Announcement date + the scheme's purchase window, closing at the deadline time."""
        window = self.schemes[scheme].purchase_window_days
        return self.closing_moment(announced + timedelta(days=window))


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return f"{where}: {first['msg']}"


def load_program(path: Path | None = None) -> Program:
    """Reads and validates the program file (the shipped one when `path` is None)."""
    try:
        if path is None:
            raw = resources.files("bot.data").joinpath("program.toml").read_text("utf-8")
            origin = "bot/data/program.toml"
        else:
            raw = path.read_text("utf-8")
            origin = str(path)
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgramError(f"program file: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProgramError(f"program file {origin}: not valid TOML: {exc}") from None
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        raise ProgramError(f"program file {origin}: {_describe(exc)}") from None
