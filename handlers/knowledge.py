"""Answers from the knowledge base (bot/knowledge): the entry a post asks about, filled for the
participant (scheme, deadline, their bank or e-wallet), with a related entry and the next step
as buttons; "did you mean one of these?" when unsure; what the bot can help with and a person
when nothing is near. Stores the entry answered, its step and the options offered in the
conversation's memory; asks which entry was meant only when unsure."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from bot.conversation.context import Context
from bot.core.domain import Incoming, Option, Reply, Step
from bot.knowledge import Entry, Found, bases, fill, partner_named, retriever, values
from bot.knowledge.decide import LEAN, Decision, about_prakerja, decide, names_other_program
from bot.knowledge.search import CONFIDENT
from bot.nlu.cues import cues
from bot.nlu.topics import topics
from bot.storage.base import Memory
from handlers import answers, feedback
from handlers.common import back_option, deadline_missed, menu_reply, missed_line, official_help
from handlers.escalation import escalate
from handlers.memory import recall, remember
from handlers.whose import about_someone_else, named_scheme, own
from handlers.whose import who as _who

ENTRY = "kb:"  # a button answering an entry: kb:<id>
STEP = "kbstep:"  # "still not working" on an entry: kbstep:<id>
# Topics whose answers lead towards buying or linking: after a missed deadline they are not
# offered (the benefits are gone), the missed deadline is said instead.
_FORFEITED = ("buy_training", "link_account", "platforms", "dashboard", "incentive_info", "otp")
_OFFERED = 3
_SHARE = 0.15  # an entry is offered when it is at least this share of the likeliest one
_ORDINALS = {
    "1": 0, "satu": 0, "pertama": 0, "first": 0, "one": 0,
    "2": 1, "dua": 1, "kedua": 1, "second": 1, "two": 1,
    "3": 2, "tiga": 2, "ketiga": 2, "third": 2, "three": 2,
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def stage(ctx: Context) -> str:
    """Where the participant is on the path, in the entries' terms (KB_SPEC.md stages)."""
    participant = ctx.participant
    if not participant.onboarded:
        return "registering"
    if deadline_missed(ctx):
        return "missed_deadline"
    if any(done in participant.progress for done in ("finished", "certificate", "review")):
        return "finished"
    return "bought" if "purchase" in participant.progress else "not_bought"


def entry(ctx: Context, entry_id: str) -> Entry | None:
    return bases(ctx.program)[_locale(ctx)].get(entry_id)


def _locale(ctx: Context) -> str:
    return ctx.t.locale if ctx.t.locale in ("id", "en") else "id"


def applies(ctx: Context, found: Entry, scheme: str | None = None, mine: bool = True) -> bool:
    """Whether the entry is meant for this participant's scheme (or the one the post names)
    and stage (not `mine`: a post about someone else, whose stage is not the participant's)."""
    scheme = scheme or _own(ctx)
    if found.schemes and scheme not in found.schemes:
        return False
    return not mine or not found.stages or stage(ctx) in found.stages


def _own(ctx: Context) -> str:
    return own(ctx)


def find(ctx: Context, text: str) -> Found:
    """The entries the post asks about, those fitting the participant first."""

    named = named_scheme(ctx, text)
    mine = not about_someone_else(text)  # "adik sy ... lolos ga ya dia?": not at my stage

    def fits(entry_id: str) -> bool:
        found = entry(ctx, entry_id)
        return found is not None and applies(ctx, found, named, mine)

    model = retriever(ctx.program, _locale(ctx))
    return model.search(text, applies=fits) if model is not None else Found(())


def _fill(ctx: Context, text: str, post: str) -> str:
    today = ctx.t.local(ctx.now()).date()
    return fill(text, values(ctx.program, ctx.t, _who(ctx, post), post, today))


async def answer(
    ctx: Context,
    entry_id: str,
    post: str = "",
    others: tuple[str, ...] = (),
    case: str | None = None,
    alternatives: tuple[str, ...] = (),
    asked_further: tuple[str, ...] = (),
) -> list[Reply]:
    """Stores the entry in the memory; its answer for the participant, with a button for a
    related entry, "still not working" when it has a ladder, and the post's other questions."""
    t, found = ctx.t, entry(ctx, entry_id)
    if found is None:
        return [menu_reply(ctx, t._("That menu is outdated. Here is the current one."))]
    named = partner_named(ctx.program, post) if post else None  # for the steps' help line
    await remember(
        ctx, found.topic, entry=found.id, partner=named.name if named else None, case=case
    )
    if deadline_missed(ctx) and found.topic in _FORFEITED:
        return [Reply(missed_line(ctx) + "\n" + official_help(ctx)), menu_reply(ctx)]
    if (safe := _safe_instead(ctx, found, post)) is not None:
        return [safe]
    feedback.answered_entry(ctx, found.id, post)  # "did this help?" (handlers/feedback.py)
    text, steps = found.for_scheme(named_scheme(ctx, post) or _own(ctx))
    options: list[Option] = []
    missed = deadline_missed(ctx)  # then nothing towards buying or linking is offered
    asked_ids = [o for o in others[:2] if o != found.id]
    asked = [e for e in (entry(ctx, o) for o in asked_ids) if e is not None]
    asked = [e for e in asked if not (missed and e.topic in _FORFEITED)]
    more = [e for e in (entry(ctx, o) for o in asked_further) if e is not None]
    more = [
        e
        for e in more
        if e.id != found.id and e.id not in others and not (missed and e.topic in _FORFEITED)
    ]
    second = _briefly(ctx, asked[0], post) if asked else None  # the second question, briefly
    for also in asked[1:] if second else asked:
        options.append(Option(ENTRY + also.id, t._("Also: {topic}").format(topic=also.title)))
    for maybe_asked in more[:1]:  # a further question found less surely: a button
        options.append(
            Option(ENTRY + maybe_asked.id, t._("Also: {topic}").format(topic=maybe_asked.title))
        )
    for other in alternatives[:2]:  # answered while leaning: the runner-ups offered
        if other in others or other in asked_further:
            continue
        if (maybe := entry(ctx, other)) is not None and len(options) < 3:
            label = t._("Or did you mean: {topic}").format(topic=maybe.title)
            options.append(Option(ENTRY + other, label))
    if steps:
        options.append(Option(STEP + found.id, t._("Still not working")))
    shown_ids = {o.id for o in options} | {ENTRY + o for o in others}
    for related in (r for r in found.related if ENTRY + r not in shown_ids):
        shown = entry(ctx, related)
        offer = shown is not None and applies(ctx, shown) and len(options) < 3
        if shown is not None and offer and not (missed and shown.topic in _FORFEITED):
            options.append(Option(ENTRY + related, shown.title))
            break
    options.append(back_option(t))
    return [Reply(_fill(ctx, text, post), tuple(options)), *([second] if second else [])]


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_BRIEF = 300  # characters: a second question's answer longer than this is cut to a sentence
_SHORTEST = 60  # characters: ...or to as many sentences as make at least this many


def _briefly(ctx: Context, asked: Entry, post: str) -> Reply | None:
    """A post's second clear question answered briefly: its entry's answer when short, else
    its first sentence with a button for the whole answer."""
    text, _ = asked.for_scheme(named_scheme(ctx, post) or _own(ctx))
    said, t = _fill(ctx, text, post).strip(), ctx.t
    if len(said) <= _BRIEF:
        return Reply(t._("{topic}: {answer}").format(topic=asked.title, answer=said))
    first = ""
    for sentence in _SENTENCE.split(said):  # "Selamat!" alone says nothing: up to _SHORTEST
        first = f"{first} {sentence}".strip()
        if len(first) >= _SHORTEST:
            break
    if len(first) > _BRIEF:
        return None
    more = Option(ENTRY + asked.id, t._("More: {topic}").format(topic=asked.title))
    return Reply(t._("{topic}: {answer}").format(topic=asked.title, answer=first), (more,))


def beside_action(ctx: Context, found: Found, topic: str, post: str) -> Reply | None:
    """An entry of another topic the search is sure the post asks ("masih bisa kan? beli yg
    paling singkat gpp?" beside the deadline), briefly, after the answer of the action
    `topic`; None when there is none or it is of the action's own topic."""
    best = entry(ctx, found.best) if found.best is not None else None
    if best is None or found.confidence < CONFIDENT or best.topic == topic:
        return None
    if deadline_missed(ctx) and best.topic in _FORFEITED:
        return None
    return _safe_instead(ctx, best, post) or _briefly(ctx, best, post)


def _safe_instead(ctx: Context, found: Entry, post: str) -> Reply | None:
    """ "udh beli tgl 18, aman kan?": for the sanctions' entry, that they are safe."""
    return answers.bought_in_time(ctx, post) if found.topic == "sanctions" else None


def decision(ctx: Context, found: Found, text: str) -> Decision:
    """What to do with the post: answer, answer and offer the runner-ups, ask, or say it is
    outside Kartu Prakerja (bot/knowledge/decide.py)."""
    model = retriever(ctx.program, _locale(ctx))
    if model is None:
        return decide(found, False)
    made = decide(found, about_prakerja(model, text))
    known = any(model.normalizer.known(w) for w in _WORD.findall(text.lower()))
    return Decision.NOTHING if made == Decision.OUTSIDE and not known else made  # gibberish


async def reported_or_official(ctx: Context, text: str) -> list[Reply] | None:
    """A scam report ("ada yg minta kode OTP saya") gets the scam entry (the warning and where
    to report); asking for the program's customer service ("nomor CS prakerja") gets the
    official channels' entry, not a handoff (bot/data/nlu/cues.toml). None: neither."""
    said = cues()
    scam = said.reports_scam(text)
    if not scam and not said.asks_official(text):
        return None
    found = find(ctx, text)  # searched once for either
    if scam:
        # the scam's own entry when the search is sure of it ("minta foto ktp sm selfie")
        best = entry(ctx, found.best) if found.best else None
        warning = entry(ctx, said.scam.entry)  # a sure entry of the warnings' own topic
        kin = best is not None and warning is not None and best.topic == warning.topic
        sure = found.confidence >= _ELSEWHERE or (kin and found.confidence >= CONFIDENT)
        wanted = best.id if sure and best is not None else said.scam.entry
    else:
        official = said.person.official_entry
        if found.best not in (None, official) and found.confidence >= _ELSEWHERE:
            return None  # "ini CS resmi atau bot?" found surely as another entry
        itself = found.best == said.person.self_entry and found.confidence >= LEAN
        wanted = said.person.self_entry if itself else official
    if entry(ctx, wanted) is None:  # no such entry: the official channels, or nothing
        return (
            [Reply(official_help(ctx), (back_option(ctx.t),))]
            if wanted != said.scam.entry
            else None
        )
    return await answer(ctx, wanted, text)


async def official_site(ctx: Context, text: str) -> list[Reply] | None:
    """The official site's entry for a post that asks whether an official address it names
    is real, unless the post clearly asks something else (then None: answered as usual)."""
    said = cues()
    if ctx.participant.step != Step.MENU or not said.asks_if_real(text):
        return None
    if entry(ctx, said.site.entry) is None:
        return None
    found = find(ctx, text)
    if found.best not in (None, said.site.entry) and decision(ctx, found, text) == Decision.ANSWER:
        return None
    return await answer(ctx, said.site.entry, text)


_ASKS = re.compile(
    r"\?|\b(?:cara|caranya|gimana|gmn|bagaimana|apa|apakah|kenapa|knp|kapan|ngapain|selanjutnya|"
    r"berapa|how|what|when|why|next)\b",
    re.IGNORECASE,
)


async def beside(ctx: Context, text: str) -> Reply | None:
    """The answer, as one message, to a question asked beside a fact the participant states
    ("aku udah beli, selanjutnya ngapain?"); None when the post asks nothing or nothing fits."""
    found = find(ctx, text)
    made = decision(ctx, found, text) if found.best is not None else Decision.NOTHING
    # a problem told without a question word ("pas disambung muncul data tidak cocok") is
    # answered when the entry is sure; a leaning guess only when the post asks
    if made != Decision.ANSWER and not (made == Decision.LEANING and _ASKS.search(text)):
        return None
    assert found.best is not None
    replies = await answer(ctx, found.best, text)
    return Reply("\n\n".join(r.text for r in replies), replies[-1].options)


_ELSEWHERE = 0.9  # an entry this sure answers a post that also names the official channels


async def outside(ctx: Context, text: str, memory: Memory | None = None) -> list[Reply]:
    """Keeps the memory as it was; says the bot only helps with Kartu Prakerja (and where to
    ask about another programme), and offers a person."""
    t = ctx.t
    if memory is not None:
        await remember(ctx, memory.topic, repeats=memory.repeats, **memory.data)
    said = t._("Sorry, I can only help with Kartu Prakerja.")
    if names_other_program(text):
        said += " " + t._(
            "That is another programme: please ask its own official channels (its website, "
            "or your local social affairs or manpower office)."
        )
    said += " " + t._("If your question is about Prakerja, write it in other words.")
    options = (Option("intent:human", t._("Talk to a person")), back_option(t))
    return [Reply(said, options)]


def offered(ctx: Context, found: Found) -> list[str]:
    """The two or three likeliest entries worth offering for an unsure post."""
    if not found.ranked:
        return []
    best = found.ranked[0][1]
    return [e for e, s in found.ranked[:_OFFERED] if s >= best * _SHARE][:_OFFERED]


async def clarify(ctx: Context, found: Found, memory: Memory | None = None) -> list[Reply]:
    """Stores the options in the memory (the topic before stays for "terus gimana?"); asks
    which of the likeliest entries was meant."""
    t = ctx.t
    ids = offered(ctx, found)
    entries = [e for e in (entry(ctx, i) for i in ids) if e is not None]
    kept = {**memory.data, "offered": [e.id for e in entries]} if memory else {}
    topic, repeats = (memory.topic, memory.repeats) if memory else (None, 0)
    await remember(ctx, topic, repeats=repeats, **(kept or {"offered": [e.id for e in entries]}))
    options = [Option(ENTRY + e.id, e.question) for e in entries]
    options.append(Option("intent:human", t._("Talk to a person")))
    return [Reply(t._("Did you mean one of these?"), tuple(options))]


async def nothing_near(ctx: Context, memory: Memory | None = None) -> list[Reply]:
    """Keeps the memory as it was (the topic before stays for "terus gimana?"); says what
    the bot can help with and offers a person."""
    t = ctx.t
    if memory is not None:
        await remember(ctx, memory.topic, repeats=memory.repeats, **memory.data)
    else:
        await remember(ctx, None)
    text = t._(
        "I don't know that one. I can help with registering and selection, buying a training, "
        "linking your bank or e-wallet, the incentive, certificates and surveys. Write it in "
        "other words, or talk to a person."
    )
    options = (Option("intent:human", t._("Talk to a person")), back_option(t))
    return [Reply(text, options)]


def typed_choice(ctx: Context, text: str, ids: list[str]) -> str | None:
    """The offered entry a typed reply picks: "yang kedua", "2", or words of its question."""
    words = _WORD.findall(text.lower())
    if not words or len(words) > 8:
        return None
    for word in words:
        if word in _ORDINALS and _ORDINALS[word] < len(ids) and len(words) <= 4:
            return ids[_ORDINALS[word]]
    scored = []
    for entry_id in ids:
        found = entry(ctx, entry_id)
        if found is not None:
            said = " ".join(words)
            score = max(
                fuzz.token_set_ratio(said, found.title.lower()),
                fuzz.partial_ratio(said, found.question.lower()),
            )
            scored.append((score, entry_id))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= 80 and (len(scored) < 2 or scored[0][0] - scored[1][0] >= 10):
        return scored[0][1]
    return None


def is_again(ctx: Context, text: str) -> bool:
    """ "masih belum", "tetap gagal": the problem is still there (short posts only)."""
    words = " ".join(_WORD.findall(text.lower()))
    if not words or len(words.split()) > 8:
        return False
    return any(
        re.search(rf"\b{re.escape(p)}\b", words) for p in topics().framing(_locale(ctx)).again
    )


def asks_anew(ctx: Context, text: str, entry_id: str) -> bool:
    """ "masih kuliah, boleh daftar?": a new question the knowledge base answers with another
    entry, not "still not working" on the one before."""
    found = find(ctx, text)
    sure = decision(ctx, found, text) in (Decision.ANSWER, Decision.LEANING)
    return sure and found.best is not None and found.best != entry_id


async def next_step(ctx: Context, entry_id: str) -> list[Reply]:
    """Stores the step reached; the entry's next step, then a person once the ladder ends."""
    t, found = ctx.t, entry(ctx, entry_id)
    if found is None:
        return [menu_reply(ctx, t._("That menu is outdated. Here is the current one."))]
    memory = await recall(ctx)
    same = memory.data.get("entry") == entry_id
    index = int(memory.data.get("step", -1)) + 1 if same else 0
    post = str(memory.data.get("partner") or "") if same else ""  # the bank or e-wallet named
    _, steps = found.for_scheme(ctx.participant.scheme or ctx.program.program.default_scheme)
    if index >= len(steps):
        await remember(ctx, found.topic, question="escalated", entry=entry_id, step=index)
        return await escalate(ctx, found.topic)
    await remember(ctx, found.topic, entry=entry_id, step=index, partner=post or None)
    options = (Option(STEP + entry_id, t._("Still not working")), back_option(t))
    return [Reply(_fill(ctx, steps[index], post), options)]


async def choose(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the entry in the memory; answers the entry picked from a button."""
    return await answer(ctx, (msg.choice or "").removeprefix(ENTRY))


async def still(ctx: Context, msg: Incoming) -> list[Reply]:
    """Stores the step reached; the next step of the entry whose button was pressed."""
    return await next_step(ctx, (msg.choice or "").removeprefix(STEP))
