"""Measures the classifier on the labelled evaluation set: accuracy and confusion per intent.

Usage: python -m bot.nlu.eval [tests/data/nlu_eval.tsv] [--locale id]  (`make eval`).
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.nlu import INTENTS, UNKNOWN, Reader, classifier

DEFAULT_SET = Path(__file__).resolve().parents[2] / "tests" / "data" / "nlu_eval.tsv"


def read_set(path: Path) -> list[tuple[str, str]]:
    """The (text, intent) pairs of a TSV file; '#' lines are comments."""
    pairs = []
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        text, sep, intent = line.rpartition("\t")
        if not sep or intent not in INTENTS:
            raise ValueError(f"{path}:{number}: expected text<TAB>intent, got {line!r}")
        pairs.append((text, intent))
    return pairs


@dataclass
class Report:
    """What the evaluation found."""

    total: int = 0
    correct: int = 0
    in_scope: int = 0
    in_scope_unknown: int = 0
    confusion: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def unknown_rate(self) -> float:
        """How often an in-scope message was classified as unknown."""
        return self.in_scope_unknown / self.in_scope if self.in_scope else 0.0


def evaluate(model: Reader, pairs: list[tuple[str, str]]) -> Report:
    report = Report(confusion={name: Counter() for name in INTENTS})
    for text, expected in pairs:
        got = model.classify(text).intent
        report.total += 1
        report.correct += got == expected
        report.confusion[expected][got] += 1
        if expected != UNKNOWN:
            report.in_scope += 1
            report.in_scope_unknown += got == UNKNOWN
        if got != expected:
            report.errors.append((text, expected, got))
    return report


def render(report: Report) -> str:
    lines = [
        f"accuracy: {report.accuracy:.1%} ({report.correct}/{report.total})",
        f"in-scope messages classified unknown: {report.unknown_rate:.1%} "
        f"({report.in_scope_unknown}/{report.in_scope})",
        "",
        f"{'intent':<17} {'n':>4} {'right':>6}  confused with",
    ]
    for name in INTENTS:
        row = report.confusion[name]
        n = sum(row.values())
        wrong = ", ".join(
            f"{other} {count}" for other, count in row.most_common() if other != name
        )
        lines.append(f"{name:<17} {n:>4} {row[name] / n if n else 0:>6.0%}  {wrong}")
    if report.errors:
        lines += ["", "misclassified (text -> expected / got):"]
        lines += [f"  {text!r} -> {exp} / {got}" for text, exp, got in report.errors]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--locale", default="id")
    args = parser.parse_args()
    print(render(evaluate(classifier(args.locale), read_set(args.path))))


if __name__ == "__main__":
    main()
