"""Whose question a post asks: the participant's own, or another scheme's ("gel 66", "prakerja
2024") or another person's ("adik saya ikut prakerja 2023", "temen aku nanya"). The
participant's own data (their deadline, announcement date, wallet) fills an answer only when
the post is about them and their scheme."""

from __future__ import annotations

import re

from bot.conversation.context import Context
from bot.knowledge import Who

_NAMED_WAVE = re.compile(r"\b(?:gelombang|gel|glombang|gelb|wave|batch)\.?\s*(\d{1,3})\b", re.I)
_NAMED_YEAR = re.compile(
    r"\b(?:prakerja|tahun|thn|th|skema|program|peserta|year|scheme|in)\s+(20\d\d)\b", re.I
)


def named_scheme(ctx: Context, post: str) -> str | None:
    """The scheme a post asks about when it names another wave or year than the participant's
    ("gel 66", "prakerja 2024"); None when it names none or the participant's own."""
    named = None
    if (wave := _NAMED_WAVE.search(post)) is not None:
        named = ctx.program.scheme_for_wave(int(wave.group(1)))
    elif (year := _NAMED_YEAR.search(post)) is not None and year.group(1) in ctx.program.schemes:
        named = year.group(1)
    return named if named is not None and named != own(ctx) else None


def own(ctx: Context) -> str:
    """The participant's scheme (the program's default when not known)."""
    return ctx.participant.scheme or ctx.program.program.default_scheme


# Someone else as the subject of a clause ("adik saya ikut...", "temen aku nanya..."), unless
# the post also says it is about the writer's own ("punyaku kok belum").
_SOMEONE = re.compile(
    r"(?:^|[.,!?;\n]\s*|\b(?:min|kak|gan|mau tanya|tanya)\s+)"
    r"(?:teman|temen|temanku|temenku|adik|adek|adikku|adekku|kakak|kakakku|abang|suami|istri|"
    r"ibu|ibuku|bapak|bapakku|ayah|ayahku|ortu|orang tua|saudara|saudaraku|sodara|tetangga|"
    r"keponakan|ponakan|anak|anakku|pacar|my friend|a friend|my (?:sister|brother|wife|"
    r"husband|mother|mom|father|dad|son|daughter|neighbou?r|cousin))"
    r"(?:\s+(?:aku|saya|sy|ku|gw|gue|ane|i))?\s+(?:\w+\s+){0,2}?"
    r"(?:ikut|ikutan|daftar|lolos|peserta|gelombang|gel|nanya|tanya|bilang|mau|udah|sudah|"
    r"belum|blm|dapat|dapet|is|was|has|asked|wants|joined|got|registered)\b",
    re.IGNORECASE,
)
_MINE = re.compile(
    r"\b(?:punyaku|punya aku|punya saya|punya sy|punya gw|milikku|milik saya|aku sendiri|"
    r"saya sendiri|mine|my own)\b",
    re.IGNORECASE,
)


def about_someone_else(post: str) -> bool:
    """Whether the post asks about another person's case, not the writer's own."""
    return bool(_SOMEONE.search(post)) and not _MINE.search(post)


def elsewhere(ctx: Context, post: str) -> bool:
    """Whether the post is about another scheme or another person (then the participant's
    own deadline, checklist or status must not answer it)."""
    return named_scheme(ctx, post) is not None or about_someone_else(post)


def who(ctx: Context, post: str) -> Who:
    """The participant, or the scheme the post names, or another person (then with none of
    the participant's own dates or wallet)."""
    p = ctx.participant
    if (named := named_scheme(ctx, post)) is not None:
        return Who(named, None, None, None if about_someone_else(post) else p.wallet)
    if about_someone_else(post):
        return Who(p.scheme, None, None, None)
    return Who(p.scheme, p.deadline_utc, p.announced_on, p.wallet)
