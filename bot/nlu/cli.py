"""`prakerja-bot classify`: one message per line in, one JSON object per line out."""

from __future__ import annotations

import io
import json
import sys

import click

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
    """Classify messages read from stdin (one a line) into intents, printed as JSON lines."""
    try:
        model = classifier(locale)
    except KnowledgeError as exc:
        raise click.ClickException(str(exc)) from None
    stdin = sys.stdin
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")  # a stray byte must not stop a long batch
    for line in stdin:
        text = line.rstrip("\r\n")
        if not text.strip():
            continue
        result = model.classify(text)
        record = {"text": text, "intent": result.intent, "confidence": result.confidence}
        click.echo(json.dumps(record, ensure_ascii=False))
