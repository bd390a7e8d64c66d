"""The classifier's knowledge per locale, read from bot/data/nlu/<locale>.toml and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources

# Fixed names: operators and evaluations rely on them (issue 7).
INTENTS: tuple[str, ...] = (
    "greeting",
    "help",
    "deadline",
    "dashboard",
    "platforms",
    "buy_training",
    "link_account",
    "otp",
    "incentive_status",
    "incentive_info",
    "certificate",
    "survey",
    "sanctions",
    "purchased",
    "stop_reminders",
    "delete_data",
    "human",
    "thanks",
    "next_wave",
    "selection",
    "account_access",
    "training_problem",
    "unknown",
)
UNKNOWN = "unknown"


class KnowledgeError(Exception):
    """A locale's NLU file is missing, unreadable or names the wrong intents."""


@dataclass(frozen=True)
class Thresholds:
    """When to answer, when to ask which topic was meant, when to admit not understanding."""

    floor: float = 0.3  # best in-scope score below this: unknown
    confident: float = 0.4  # answer straight away at or above this score...
    close: float = 0.8  # ...unless the runner-up scores at least this share of the best


@dataclass(frozen=True)
class Knowledge:
    """Slang, yes/no words, keywords and examples per intent, for one locale."""

    locale: str
    slang: dict[str, str]
    yes: frozenset[str]
    no: frozenset[str]
    keywords: dict[str, tuple[str, ...]]
    examples: dict[str, tuple[str, ...]]
    thresholds: Thresholds
    include: tuple[str, ...] = ()

    def merged(self, other: Knowledge) -> Knowledge:
        """This locale's knowledge plus `other`'s examples and keywords (not its slang)."""
        return Knowledge(
            locale=self.locale,
            slang=self.slang,
            yes=self.yes | other.yes,
            no=self.no | other.no,
            keywords={n: self.keywords[n] + other.keywords[n] for n in INTENTS},
            examples={n: self.examples[n] + other.examples[n] for n in INTENTS},
            thresholds=self.thresholds,
        )


def _lines(block: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in block.splitlines() if line.strip())


def parse_knowledge(raw: str, origin: str) -> Knowledge:
    """Builds and checks the knowledge from a TOML text; errors name the file and the key."""
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{origin}: not valid TOML: {exc}") from None
    intents = data.get("intents", {})
    missing = [name for name in INTENTS if name not in intents]
    extra = [name for name in intents if name not in INTENTS]
    if missing or extra:
        raise KnowledgeError(f"{origin}: intents missing {missing}, unknown {extra}")
    for name in INTENTS:
        if not _lines(intents[name].get("examples", "")):
            raise KnowledgeError(f"{origin}: intents.{name}.examples is empty")
    answers = data.get("answers", {})
    return Knowledge(
        locale=str(data.get("locale", "")),
        slang={str(k): str(v) for k, v in data.get("slang", {}).items()},
        yes=frozenset(answers.get("yes", ())),
        no=frozenset(answers.get("no", ())),
        keywords={n: tuple(intents[n].get("keywords", ())) for n in INTENTS},
        examples={n: _lines(intents[n]["examples"]) for n in INTENTS},
        thresholds=Thresholds(**data.get("thresholds", {})),
        include=tuple(data.get("include", ())),
    )


def _read(locale: str) -> Knowledge:
    origin = f"bot/data/nlu/{locale}.toml"
    try:
        raw = resources.files("bot.data").joinpath("nlu", f"{locale}.toml").read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{origin}: cannot read: {exc}") from None
    return parse_knowledge(raw, origin)


def load_knowledge(locale: str) -> Knowledge:
    """The shipped knowledge for `locale` (bot/data/nlu/<locale>.toml) with its includes."""
    knowledge = _read(locale)
    for other in knowledge.include:
        knowledge = knowledge.merged(_read(other))
    return knowledge
