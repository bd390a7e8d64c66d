"""The knowledge base's entries (bot/data/kb/<locale>/*.toml, docs/plan KB_SPEC): read once,
validated against the program file; every error names the file and the entry id."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.core.program import Program
from bot.nlu.knowledge import INTENTS, UNKNOWN

LOCALES = ("id", "en")
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_TITLE = 24
MAX_QUESTION = 72
MAX_ANSWER = 650  # "about 600" characters once the placeholders are filled
MAX_STEP = 300
MIN_EXAMPLES = 8
# The names an answer or a step may use (KB_SPEC.md); bot/knowledge/placeholders.py fills them.
PLACEHOLDERS = frozenset(
    [
        "website",
        "help_centre",
        "complaint_form",
        "email",
        "contact_centre",
        "instagram",
        "twitter",
        "survey_email",
        "survey_email_subject",
        "dukcapil_phone",
        "benefit_total",
        "training_fund",
        "incentive_amount",
        "incentive_count",
        "incentive_total",
        "survey_amount",
        "survey_count",
        "survey_total",
        "purchase_window_days",
        "deadline",
        "partners",
        "partner_cs",
        "platforms",
        "schedule_sync_hours",
        "transfer_days_min",
        "transfer_days_max",
        "certificate_days",
        "survey_payment_days",
        "otp_max_wrong",
        "otp_wait_hours",
        "leftover_fund_days",
        "redeem_window_hours",
        "min_age",
        "max_age",
        "transfer_missing_working_days",
    ]
)
Stage = Literal["registering", "not_bought", "bought", "finished", "missed_deadline"]


class KnowledgeBaseError(Exception):
    """The knowledge base's files are unreadable or break a rule (each line names the file
    and the entry)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variant(_Strict):
    """A different answer (and ladder) for some schemes."""

    schemes: tuple[str, ...] = Field(min_length=1)
    answer: str
    steps: tuple[str, ...] | None = None


class Entry(_Strict):
    """One question a participant asks, its answer and how participants phrase it."""

    id: str
    topic: str
    title: str
    question: str
    answer: str
    steps: tuple[str, ...] = Field(default=(), max_length=3)
    sources: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    stages: tuple[Stage, ...] = ()
    related: tuple[str, ...] = Field(default=(), max_length=3)
    examples: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()

    def for_scheme(self, scheme: str | None) -> tuple[str, tuple[str, ...]]:
        """The answer and the steps for a participant of `scheme`."""
        for variant in self.variants:
            if scheme in variant.schemes:
                steps = variant.steps if variant.steps is not None else self.steps
                return variant.answer.strip(), steps
        return self.answer.strip(), self.steps

    def texts(self) -> Iterable[str]:
        """Every text the bot may send from this entry (answers and steps)."""
        yield self.answer
        yield from self.steps
        for variant in self.variants:
            yield variant.answer
            yield from variant.steps or ()


@dataclass(frozen=True)
class KnowledgeBase:
    """One locale's entries, in file order, by id."""

    locale: str
    entries: tuple[Entry, ...]
    origins: dict[str, str]  # entry id -> the file it came from

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})

    def get(self, entry_id: str) -> Entry | None:
        by_id: dict[str, Entry] = self.__dict__["by_id"]
        return by_id.get(entry_id)


def _read_locale(
    folder: Traversable, locale: str
) -> tuple[list[Entry], dict[str, str], list[str]]:
    entries: list[Entry] = []
    origins: dict[str, str] = {}
    errors: list[str] = []
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    for path in files:
        origin = f"bot/data/kb/{locale}/{path.name}"
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            errors.append(f"{origin}: cannot read: {exc}")
            continue
        extra = sorted(set(data) - {"entry"})
        if extra:
            errors.append(f"{origin}: unknown keys {extra} (only [[entry]] tables)")
        for number, raw in enumerate(data.get("entry", []), start=1):
            name = raw.get("id", f"#{number}") if isinstance(raw, dict) else f"#{number}"
            try:
                entry = Entry.model_validate(raw)
            except ValidationError as exc:
                for problem in exc.errors():
                    where = ".".join(str(p) for p in problem["loc"])
                    errors.append(f"{origin}: entry {name}: {where}: {problem['msg']}")
                continue
            if entry.id in origins:
                errors.append(
                    f"{origin}: entry {entry.id}: duplicate id (also in {origins[entry.id]})"
                )
                continue
            origins[entry.id] = origin
            entries.append(entry)
    return entries, origins, errors


def _check_entry(
    entry: Entry, origin: str, ids: set[str], program: Program, longest: Mapping[str, str]
) -> list[str]:
    """The rules one entry breaks, each as a line naming the file and the entry."""
    where = f"{origin}: entry {entry.id}"
    errors: list[str] = []
    if not ID.match(entry.id):
        errors.append(f"{where}: bad id (lowercase a-z0-9 and '-')")
    if entry.topic not in INTENTS or entry.topic == UNKNOWN:
        errors.append(f"{where}: unknown topic {entry.topic!r}")
    if len(entry.title) > MAX_TITLE:
        errors.append(f"{where}: title longer than {MAX_TITLE} characters")
    if len(entry.question) > MAX_QUESTION:
        errors.append(f"{where}: question longer than {MAX_QUESTION} characters")
    examples = {" ".join(e.lower().split()) for e in entry.examples if e.strip()}
    if len(examples) < MIN_EXAMPLES:
        errors.append(f"{where}: {len(examples)} distinct examples, at least {MIN_EXAMPLES}")
    if not [s for s in entry.sources if s.strip()]:
        errors.append(f"{where}: no source")
    for text in entry.texts():
        for name in PLACEHOLDER.findall(text):
            if name not in PLACEHOLDERS:
                errors.append(f"{where}: unknown placeholder {{{name}}}")
        if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
            errors.append(f"{where}: a lone brace")
    for step in (*entry.steps, *(s for v in entry.variants for s in v.steps or ())):
        if len(step) > MAX_STEP:
            errors.append(f"{where}: a step longer than {MAX_STEP} characters")
    schemes = {*entry.schemes, *(s for v in entry.variants for s in v.schemes)}
    for scheme in sorted(schemes - set(program.schemes)):
        errors.append(f"{where}: scheme {scheme!r} is not in the program file")
    for other in entry.related:
        if other not in ids or other == entry.id:
            errors.append(f"{where}: related entry {other!r} does not exist")
    answers = [entry.answer, *(v.answer for v in entry.variants)]
    if not all(a.strip() for a in answers):
        errors.append(f"{where}: empty answer")
    size = max(_filled_length(a, longest) for a in answers)
    if size > MAX_ANSWER:
        errors.append(f"{where}: answer is {size} characters once filled (at most ~600)")
    return errors


def _filled_length(text: str, longest: Mapping[str, str]) -> int:
    """The length of `text` with each placeholder filled with its longest value."""
    return len(PLACEHOLDER.sub(lambda m: longest.get(m.group(1), m.group(0)), text.strip()))


def validate(
    bases: dict[str, tuple[list[Entry], dict[str, str]]],
    program: Program,
    longest: Mapping[str, str],
) -> None:
    """Raises KnowledgeBaseError listing every rule the entries break; `longest` is each
    placeholder's longest filled text (bot/knowledge/placeholders.py)."""
    errors: list[str] = []
    for entries, origins in bases.values():
        ids = set(origins)
        for entry in entries:
            errors += _check_entry(entry, origins[entry.id], ids, program, longest)
    if "id" in bases:
        reference = set(bases["id"][1])
        for locale, (_, origins) in bases.items():
            if locale == "id":
                continue
            missing = sorted(reference - set(origins))
            extra = sorted(set(origins) - reference)
            if missing or extra:
                errors.append(
                    f"bot/data/kb/{locale}: ids differ from bot/data/kb/id: "
                    f"missing {missing}, not in id {extra}"
                )
            for entry_id in sorted(reference & set(origins)):
                a, b = bases["id"][0], bases[locale][0]
                left = next(e for e in a if e.id == entry_id)
                right = next(e for e in b if e.id == entry_id)
                if left.topic != right.topic or set(left.related) != set(right.related):
                    errors.append(
                        f"{origins[entry_id]}: entry {entry_id}: topic or related differ "
                        "from the Indonesian entry"
                    )
    if errors:
        raise KnowledgeBaseError("\n".join(errors))


def read_bases(
    root: Traversable, program: Program, longest: Mapping[str, str]
) -> dict[str, KnowledgeBase]:
    """Every locale's entries under `root` (one folder per locale), validated together."""
    raw: dict[str, tuple[list[Entry], dict[str, str]]] = {}
    errors: list[str] = []
    for locale in LOCALES:
        folder = root.joinpath(locale)
        if not folder.is_dir():
            raw[locale] = ([], {})
            continue
        entries, origins, problems = _read_locale(folder, locale)
        errors += problems
        raw[locale] = (entries, origins)
    if errors:
        raise KnowledgeBaseError("\n".join(errors))
    validate(raw, program, longest)
    return {
        locale: KnowledgeBase(locale, tuple(entries), origins)
        for locale, (entries, origins) in raw.items()
    }


def shipped_root() -> Traversable:
    """bot/data/kb inside the installed package."""
    return resources.files("bot.data").joinpath("kb")


def read_unchecked(root: Traversable) -> dict[str, KnowledgeBase]:
    """Every locale's entries as written, only each entry's own shape checked (for measuring
    content that is still being written; the bot itself uses read_bases())."""
    found: dict[str, KnowledgeBase] = {}
    for locale in LOCALES:
        folder = root.joinpath(locale)
        entries, origins, _ = _read_locale(folder, locale) if folder.is_dir() else ([], {}, [])
        found[locale] = KnowledgeBase(locale, tuple(entries), origins)
    return found
