"""`prakerja-bot classify`: one message per line in, one JSON object per line out: the intent
(the topic), and the knowledge base's entry with its calibrated confidence."""

from __future__ import annotations

import io
import json
import sys

import click

from bot.core.program import ProgramError, load_program
from bot.knowledge import ACTIONS, CONFIDENT, KnowledgeBaseError, retriever
from bot.nlu import KnowledgeError, classifier


@click.command()
@click.option(
    "--locale",
    type=click.Choice(["id", "en"]),
    default="id",
    show_default=True,
    help="Which language's knowledge to classify with.",
)
def classify(locale: str) -> None:
    """Classify messages read from stdin (one a line) into intents and knowledge-base entries,
    printed as JSON lines."""
    try:
        model = classifier(locale)
        entries = retriever(load_program(None), locale)
    except (KnowledgeError, KnowledgeBaseError, ProgramError) as exc:
        raise click.ClickException(str(exc)) from None
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")  # a stray byte must not stop a long batch
    for line in stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        result = model.classify(text)
        record: dict[str, object] = {
            "text": text,
            "intent": result.intent,
            "confidence": result.confidence,
        }
        if entries is not None and (found := entries.search(text)).best is not None:
            record["entry"] = found.best
            record["entry_confidence"] = found.confidence
            record["entries"] = [e for e, _ in found.ranked[:3]]
            acting = result.clear and result.intent in ACTIONS
            if found.confidence >= CONFIDENT and not acting:
                record["intent"] = entries.topic(found.best)  # the answered entry's topic
        click.echo(json.dumps(record, ensure_ascii=False))
