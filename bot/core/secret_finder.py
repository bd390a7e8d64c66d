"""Where the secrets are in a message: spans of text with their kind.

In three passes over the text (offsets kept by blanking, never by cutting):
1. numbers that are not secrets are set aside: the program's and partners' help lines (the
   program file), phone numbers, 0800 and 1500xxx lines next to a bank or "hubungi", dates,
   times, waves, and, for codes standing alone, amounts ("600000", "600 ribu", "Rp600.000")
   and years; a digit glued to a word ("masuk2", "INV/2021/…", "budi123") is never a code;
2. what a keyword announces: an OTP or PIN after its word (also in 2+2 groups, with dots or in
   words), a card's security code, a password after its word (also without digits, when the
   word after is one the bot never saw in a question), an account number near a bank word,
   15-17 digits (a NIK, KK or card number, typed one digit short or long);
3. codes standing alone: 4-8 digits (grouped 3+3, 2+2+2, or digit by digit), four or more
   digits typed as words, and 10-14 digits (an account number).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.core.secret_words import Words, vocabulary, words


class Secret(StrEnum):
    IDENTITY = "identity"  # 15-17 digits: NIK, KK, a card number or the Kartu Prakerja number
    PASSWORD = "password"
    PIN = "pin"
    CVV = "cvv"  # a card's security code
    ACCOUNT = "account"  # bank account number
    OTP = "otp"


SEVERITY = (Secret.IDENTITY, Secret.PASSWORD, Secret.PIN, Secret.CVV, Secret.ACCOUNT, Secret.OTP)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: Secret


# A number as typed: digit groups joined by one space, dot or dash ("483 921", "2.8.7.2.0.5").
# Never glued to a letter or a slash: "masuk2", "budi123", "INV/20210812/…" are not codes.
_RUN = re.compile(r"(?<![\w/@])\d+(?:[ .\-]\d+)*(?![\w/@]|[.,]\d)")
_MONTHS = (
    r"jan|januari|feb|februari|pebruari|mar|maret|apr|april|mei|may|jun|juni|june|jul|juli|july"
    r"|agu|agt|agus|agustus|aug|august|sep|sept|september|okt|oktober|oct|october|nov|november"
    r"|des|desember|dec|december"
)
_DATES = re.compile(
    r"(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}(?:\s*[/.\-]\s*(?:19|20)?\d{2})?(?![\d.]\d)"
    r"|(?<!\d)(?:19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"
    r"|(?<![\d.])20[0-4]\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?![\d.])"  # 20211130
    rf"|(?<!\d)\d{{1,2}}\s*(?:{_MONTHS})\b\.?(?:\s*(?:19|20)?\d{{2}}\b)?"
    rf"|\b(?:{_MONTHS})\.?\s+(?:19|20)\d{{2}}\b"
    r"|\b(?:tgl|tanggal|tg|date|hari\s+ke)\.?\s*-?\s*\d{1,2}\b",
    re.IGNORECASE,
)
_WAVES = re.compile(
    r"\b(?:gelombang|gel|wave|batch|angkatan|tahun|thn|th|year|tahap)\.?\s*(?:ke\s*-?\s*)?\d{1,4}\b",
    re.IGNORECASE,
)
_TIMES = re.compile(
    r"(?<!\d)\d{1,2}[.:]\d{2}(?:[.:]\d{2})?(?!\d)|(?<!\d)\d{1,4}\s*(?:wib|wita|wit)\b",
    re.IGNORECASE,
)
_PHONES = re.compile(
    r"(?:\+62|(?<!\d)62|(?<!\d)0)\s?8\d{1,3}[\s\-.]?\d{3,4}[\s\-.]?\d{3,5}(?!\d)"
    r"|(?:\+62|(?<!\d)0)\s?\(?[2-7]\d{1,2}\)?[\s\-.]?\d{3,4}[\s\-.]?\d{3,5}(?!\d)"
    r"|\(0[2-7]\d{1,2}\)\s?\d{5,8}(?!\d)"
    r"|(?<!\d)0800(?:[\s\-.]?\d{1,4}){0,3}(?!\d)"
    r"|(?<![\d.])1500\d{3}(?![\d.])",  # the national 1500xxx help lines
)
_HOTLINE_SHAPE = re.compile(r"(?<!\d)(?:1500|150|14)\d{3}(?!\d)")
_AMOUNTS = re.compile(
    r"\brp\.?\s*\d[\d.,]*"
    r"|(?<!\d)\d{1,3}(?:[.,]\d{3})+(?!\d)"
    r"|(?<![\d.])[1-9]\d{0,2}0{3,}(?!\d)"  # a round number: 50000, 600000, 1000000
    r"|(?<![\d.])\d+(?:[.,]\d+)?\s*(?:ribu|rb|rbu|k|jt|juta|jta|rupiah)\b",
    re.IGNORECASE,
)
_YEARS = re.compile(r"(?<!\d)(?:19[5-9]\d|20[0-4]\d)(?!\d)")
_WORD_AFTER = re.compile(r"[\s:=\-]*(\S+)")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _blank(text: str, spans: Iterator[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _known(known: Collection[str]) -> re.Pattern[str] | None:
    """The program's numbers, however typed ("0800-150-3001", "(021) 50849000")."""
    return _known_pattern(known if isinstance(known, frozenset) else frozenset(known))


@lru_cache(maxsize=16)
def _known_pattern(known: frozenset[str]) -> re.Pattern[str] | None:
    """`_known`, built once per set of numbers (the program's set is asked on every message)."""
    shapes = [r"[\s\-.()]*".join(d) for d in sorted(known, key=len, reverse=True) if len(d) >= 3]
    return re.compile(rf"(?<!\d)\(?(?:{'|'.join(shapes)})(?!\d)") if shapes else None


def _hotlines(text: str, w: Words) -> Iterator[tuple[int, int]]:
    """A help line after "hubungi/cs/call center" or a bank's name (up to two words between),
    unless a code's word stands closer ("hubungi cs, kode otp 123456" is a code)."""
    for match in _RUN.finditer(text):
        before = text[max(0, match.start() - 25) : match.start()].lower()
        tail = re.findall(r"[a-z]+", before)[-3:]
        if w.otp.search(" ".join(tail)) or w.pin.search(" ".join(tail)):
            continue
        if w.hotline.search(" ".join(tail)) or (
            _HOTLINE_SHAPE.fullmatch(match.group()) and any(t in w.banks for t in tail)
        ):
            yield match.span()


def _harmless(text: str, known: Collection[str]) -> tuple[str, str]:
    """(soft, hard): the text with the numbers that are never secrets blanked; `hard` also
    blanks amounts and years (which only a keyword can make a code)."""
    w = words()
    spans: list[tuple[int, int]] = []
    if (pattern := _known(known)) is not None:
        spans += [m.span() for m in pattern.finditer(text)]
    for pattern in (_PHONES, _DATES, _WAVES, _TIMES):
        spans += [m.span() for m in pattern.finditer(text)]
    spans += list(_hotlines(text, w))
    for match in w.time.finditer(text):  # "jam 1430", "pukul 9"
        after = re.match(r"\s*(\d{1,4})(?!\d)", text[match.end() :])
        if after:
            spans.append((match.end(), match.end() + after.end()))
    for match in w.reference.finditer(text):  # "kode pos 40123", "sertifikat no 12345"
        after = re.match(
            r"[\s:#.]*(?:no\.?|nomor|number|id)?[\s:#.]*(\d[\d\s\-]*\d)", text[match.end() :]
        )
        if after:
            spans.append((match.end() + after.start(1), match.end() + after.end(1)))
    soft = _blank(text, iter(spans))
    hard_spans = [m.span() for p in (_AMOUNTS, _YEARS) for m in p.finditer(soft)]
    for match in _RUN.finditer(soft):  # "600 ribu", "50 k"
        if w.amount_after.match(soft[match.end() :].lstrip()) and soft[match.end() :][:1] == " ":
            hard_spans.append(match.span())
    return soft, _blank(soft, iter(hard_spans))


def _first_run(text: str, start: int, reach: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The first number (lo..hi digits) or code in words within `reach` characters."""
    window = text[start : start + reach]
    for match in _RUN.finditer(window):
        count = len(_digits(match.group()))
        if lo <= count <= hi:
            return start + match.start(), start + match.end()
        return None  # the first number decides
    spelled = words().digit_run.search(window)
    if spelled is not None and spelled.start() < 20:
        return start + spelled.start(), start + spelled.end()
    return None


def _coded(text: str, soft: str, w: Words) -> Iterator[Span]:
    """Security codes, PINs and OTPs announced by their word (in that order: "kode keamanan")."""
    for match in w.pin.finditer(text):
        if (found := _first_run(soft, match.end(), 24, 4, 8)) is not None:
            yield Span(*found, Secret.PIN)
    for match in w.cvv.finditer(text):
        if (found := _first_run(soft, match.end(), 30, 3, 4)) is not None:
            yield Span(*found, Secret.CVV)
    for match in w.otp.finditer(text):
        after = re.match(r"\s*([a-z.]+)", text[match.end() :].lower())
        if (
            match.group().lower().startswith("kode")
            and after
            and after.group(1).strip(".") in w.not_after_kode
        ):
            continue
        if (found := _first_run(soft, match.end(), 24, 3, 8)) is not None:
            yield Span(*found, Secret.OTP)
    for match in _RUN.finditer(soft):  # "483921 itu otp", "883401 kodenya"
        if 4 <= len(_digits(match.group())) <= 8 and w.otp.match(
            re.sub(r"^\s*(?:itu|is|adalah|tu|ya)?\s*", "", soft[match.end() : match.end() + 14])
        ):
            yield Span(*match.span(), Secret.OTP)


_SUFFIX = re.compile(r"(?:nya|ku|mu)$")  # "gmailnya", "akunku": a filler with its suffix
_FORGOT = re.compile(r"\b(?:lupa|forgot|forget|reset|kelupaan)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _is_password(value: str, announced: bool) -> bool:
    """A token after "password": anything not a question word when announced (":", "is"),
    else a token with a digit, a symbol or a capital inside, or a word never seen."""
    bare = value.strip(".,?!\"'()").lower()
    w = words()
    if not bare or bare in w.not_values or re.fullmatch(r"[a-z]+2(?:an|nya|lah|in|kan)?", bare):
        return False
    if announced:
        return True
    if re.search(r"\d|[^\w\s]", value.strip(".,?!")) or re.search(r"[a-z][A-Z]", value):
        return True
    return len(bare) >= 6 and bare.isalpha() and bare not in vocabulary()


def _passwords(text: str, w: Words) -> Iterator[Span]:
    """A password after its word, skipping "saya/prakerja/baru..." and "is/adalah/:"."""
    login = w.login.search(text) is not None
    for match in w.password.finditer(text):
        pos, announced, fillers = match.end(), login and match.group().lower() == "pass", 0
        if _FORGOT.search(text[max(0, match.start() - 12) : match.start()]):
            continue  # "lupa pw gmailnya": a forgotten password is not typed after its word
        if text[pos : pos + 2].lower() in ("ku", "mu"):  # "passwordku"
            pos += 2
        while True:
            token = _WORD_AFTER.match(text, pos)
            if token is None:
                break
            separator = text[pos : token.start(1)]
            if ":" in separator or "=" in separator:
                announced = True
            word = token.group(1).lower().strip(".,")
            if word in w.copulas or word in (":", "="):
                announced, pos = True, token.end()
                continue
            if (word in w.fillers or _SUFFIX.sub("", word) in w.fillers) and fillers < 3:
                fillers, pos = fillers + 1, token.end()
                continue
            if _is_password(token.group(1), announced):
                end = token.end(1)
                while end > token.start(1) and text[end - 1] in ".,?":
                    end -= 1
                yield Span(token.start(1), end, Secret.PASSWORD)
            break


def _long_numbers(text: str, soft: str, w: Words) -> Iterator[Span]:
    """15-17 digits (identity, or an account near a bank word) and account numbers."""
    has_identity = w.identity.search(text) is not None
    for match in _RUN.finditer(text):  # 32.01.12.3456.7890.12 is no date: the text itself
        count = len(_digits(match.group()))
        if count < 8 or count > 18:
            continue
        if count < 15 and soft[match.start() : match.end()] != match.group():
            continue  # part of a phone number, a help line or a date
        before = soft[max(0, match.start() - 30) : match.start()]
        after = soft[match.end() : match.end() + 16]
        near_bank = bool(w.account.search(before) or w.account.search(after))
        if 15 <= count <= 17:
            bank = near_bank and not has_identity and count <= 16
            yield Span(*match.span(), Secret.ACCOUNT if bank else Secret.IDENTITY)
        elif w.not_account.search(before[-20:]):
            continue
        elif near_bank or (10 <= count <= 14 and not match.group().startswith("0")):
            yield Span(*match.span(), Secret.ACCOUNT)


def _grouped_code(number: str) -> bool:
    """A code as people type one: "483921", "483 921", "48 39 27", "4.8.3.9.2.7"."""
    groups = re.split(r"[ .\-]", number)
    sizes = {len(g) for g in groups}
    if len(groups) == 1:
        return True
    if sizes == {1}:
        return len(groups) >= 4
    if "." in number and sizes != {1}:
        return False  # "1.500" is an amount, "3.4.5" a version
    return len(sizes) == 1 and not (sizes == {2} and len(groups) == 2)


def _alone(hard: str, text: str, w: Words) -> Iterator[Span]:
    """Codes with no word announcing them: PIN if the message speaks of a PIN, else OTP."""
    kind = Secret.PIN if w.pin.search(text) else Secret.OTP
    for match in _RUN.finditer(hard):
        if 4 <= len(_digits(match.group())) <= 8 and _grouped_code(match.group()):
            yield Span(*match.span(), kind)
    for match in w.digit_run.finditer(hard):
        yield Span(*match.span(), kind)


def _digit_by_digit(text: str, w: Words) -> Iterator[Span]:
    """4-8 digits typed one by one ("2.8.7.2.0.5", "4 8 3 9"): a code, not a date."""
    kind = Secret.PIN if w.pin.search(text) else Secret.OTP
    for match in _RUN.finditer(text):
        groups = re.split(r"[ .\-]", match.group())
        if 4 <= len(groups) <= 8 and all(len(g) == 1 for g in groups):
            yield Span(*match.span(), kind)


def find(text: str, known: Collection[str] = ()) -> list[Span]:
    """Every secret in `text`, in order, without overlaps (the first found wins)."""
    w = words()
    soft, hard = _harmless(text, known)
    found: list[Span] = []
    for spans in (
        _long_numbers(text, soft, w),
        _digit_by_digit(text, w),
        _coded(text, soft, w),
        _passwords(text, w),
        _alone(hard, text, w),
    ):
        for span in spans:
            if not any(s.start < span.end and span.start < s.end for s in found):
                found.append(span)
        soft = _blank(soft, ((s.start, s.end) for s in found))
        hard = _blank(hard, ((s.start, s.end) for s in found))
    return sorted(found, key=lambda s: s.start)
