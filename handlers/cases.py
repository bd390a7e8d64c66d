"""Specific cases inside a topic ("ganti nomor hp", "dana punya istri"): the case whose phrases
the participant's words contain (bot/data/nlu/topics.toml, `[[cases]]`) names the knowledge
base's entries that answer it; the one the entry search ranks highest is answered (its text is
the entry's: one source of truth). A case with no entry in the knowledge base leaves the
topic's general answer."""

from __future__ import annotations

from functools import lru_cache

from bot.conversation.context import Context
from bot.core.domain import Reply
from bot.knowledge.decide import LEAN
from bot.nlu import classifier
from bot.nlu.topics import Case, topics
from handlers import knowledge


@lru_cache(maxsize=1024)
def _words(locale: str, phrase: str) -> frozenset[str]:
    return frozenset(classifier(locale).normalizer.tokens(phrase))


def find(locale: str, intent: str, text: str) -> Case | None:
    """The case of `intent` that the text selects (longest phrase wins; first on a tie)."""
    words = set(classifier(locale).normalizer.tokens(text))
    best: tuple[int, Case] | None = None
    for case in topics().cases:
        if intent not in case.intents:
            continue
        phrases = case.phrases.get(locale, ()) + (
            case.phrases.get("en", ()) if locale == "id" else ()
        )
        for phrase in phrases:
            need = _words(locale, phrase)
            if need and need <= words and (best is None or len(need) > best[0]):
                best = (len(need), case)
    return best[1] if best else None


_FAR = 0.5  # a case's entry found at less than this share of a sure search's best is no fit


def entry_for(ctx: Context, case: Case, text: str) -> str | None:
    """The case's entry that fits the post best (the search's order, else the case's own),
    among those the knowledge base has; None when the search is fairly sure of another entry
    and finds the case's far less likely ("bank" and "apa" anywhere in a post about a refused
    own account do not make it "which banks?")."""
    known = [e for e in case.entries if knowledge.entry(ctx, e) is not None]
    if not known:
        return None
    found = knowledge.find(ctx, text)
    scores = dict(found.ranked)
    ranked = [e for e, _ in found.ranked if e in known]
    chosen = (ranked or known)[0]
    far = found.confidence >= LEAN and scores.get(chosen, 0.0) < found.confidence * _FAR
    return None if far else chosen


def plausible(ctx: Context, intent: str, text: str) -> Case | None:
    """The case of `intent` the text selects, when one of its entries fits the post."""
    case = find(ctx.t.locale, intent, text)
    return case if case is not None and entry_for(ctx, case, text) is not None else None


async def answer(ctx: Context, intent: str, text: str) -> list[Reply] | None:
    """Stores the entry in the memory; the matched case's entry answered, or None (no case
    matched, or the knowledge base has none of its entries)."""
    case = find(ctx.t.locale, intent, text) if text else None
    chosen = entry_for(ctx, case, text) if case is not None else None
    if chosen is None:
        return None
    return await knowledge.answer(ctx, chosen, text, case=case.key if case else None)
