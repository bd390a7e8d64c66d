"""The program's own words (bot/data/nlu/scope.toml) and the decision made with them: each
word is one the shipped entries' examples use, and the decision's rules hold."""

from __future__ import annotations

from bot.knowledge.decide import Decision, decide, names_other_program, terms
from bot.knowledge.entries import read_unchecked, shipped_root
from bot.knowledge.retrieval import Found
from bot.knowledge.search import CONFIDENT


def _examples() -> str:
    bases = read_unchecked(shipped_root())
    said = [e.lower() for kb in bases.values() for entry in kb.entries for e in entry.examples]
    return " \n ".join(said)


def test_every_program_word_is_used_by_the_entries_examples() -> None:
    examples = _examples()
    unused = [word for word in terms() if word not in examples]
    assert not unused, unused


def test_low_confidence_without_program_words_is_out_of_scope() -> None:
    found = Found((("a", 0.2), ("b", 0.1)))
    assert decide(found, about_prakerja=False) == Decision.OUTSIDE
    assert decide(found, about_prakerja=True) != Decision.OUTSIDE


def test_confident_is_answered_even_without_program_words() -> None:
    assert decide(Found((("a", CONFIDENT),)), about_prakerja=False) == Decision.ANSWER


def test_a_lead_is_answered_a_weak_best_is_asked() -> None:
    """A best entry at LEAN is answered (its close runner-up offered beside it); a weaker one
    is asked about."""
    assert decide(Found((("a", 0.4), ("b", 0.1))), about_prakerja=True) == Decision.LEANING
    assert decide(Found((("a", 0.4), ("b", 0.38))), about_prakerja=True) == Decision.LEANING
    assert decide(Found((("a", 0.25), ("b", 0.2), ("c", 0.2))), True) == Decision.CLARIFY


def test_another_programme_is_named() -> None:
    assert names_other_program("bansos PKH kapan cair")
    assert not names_other_program("insentif prakerja kapan cair")


def test_every_payment_partner_is_a_program_word() -> None:
    from bot.core.program import load_program

    partners = {p.name.lower() for p in load_program().partners}
    assert "dana" in partners and partners <= terms(), partners - terms()
