"""Benchmark: messages classified per second, and the memory the model adds.

Usage: .venv/bin/python bench/classify.py [--rounds N]   (or `make bench-classify`)

Builds the Indonesian model once reading the process RSS before and after, and once more
under tracemalloc (the Python heap it holds); then classifies the team's evaluation set
(short messages) and the long real-style posts (each read clause by clause, see
bot/nlu/reading.py): once cold (fresh normaliser caches, like the first messages after a
start), then warm over several rounds. Times are CPU seconds of this process (one core), and
the warm figure is the best round, so other work on a shared machine counts as little as it can.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc

from bot.nlu.eval import DEFAULT_SET, read_set
from bot.nlu.knowledge import load_knowledge
from bot.nlu.model import Classifier
from bot.nlu.reading import Reader

REAL_SET = DEFAULT_SET.with_name("nlu_eval_real.tsv")


def _rss_mib() -> float:
    """The current resident set size (Linux /proc), in MiB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _rate(model: Reader, texts: list[str], rounds: int) -> tuple[float, float]:
    """(cold, best warm) messages per CPU second."""
    started = time.process_time()
    for text in texts:
        model.classify(text)
    cold = len(texts) / (time.process_time() - started)
    best = 0.0
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            model.classify(text)
        best = max(best, len(texts) / max(time.process_time() - started, 1e-9))
    return cold, best


def main() -> None:
    parser = argparse.ArgumentParser(description="Classifier throughput and memory.")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    texts = [text for text, _ in read_set(DEFAULT_SET)]
    posts = [text for text, _ in read_set(REAL_SET)]
    import rapidfuzz  # noqa: F401  (the library's own import is not the model's memory)

    knowledge = load_knowledge("id")
    gc.collect()
    rss_before = _rss_mib()
    started = time.perf_counter()
    model = Reader(Classifier(knowledge))
    load_seconds = time.perf_counter() - started
    gc.collect()
    rss_after = _rss_mib()
    tracemalloc.start()
    again = Classifier(knowledge)
    gc.collect()
    heap, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del again
    gc.collect()

    short_cold, short_warm = _rate(model, texts, args.rounds)
    long_cold, long_warm = _rate(Reader(Classifier(knowledge)), posts, args.rounds)
    print(f"model load: {load_seconds * 1000:.0f} ms")
    print(
        f"memory added: {heap / 2**20:.1f} MiB Python heap (tracemalloc), "
        f"{rss_after - rss_before:.1f} MiB RSS; process RSS {_rss_mib():.0f} MiB"
    )
    print(
        f"short messages ({len(texts)}, tests/data/nlu_eval.tsv): cold {short_cold:,.0f}/s, "
        f"warm {short_warm:,.0f}/s"
    )
    print(
        f"long posts ({len(posts)}, tests/data/nlu_eval_real.tsv): cold {long_cold:,.0f}/s, "
        f"warm {long_warm:,.0f}/s (target >= 500 messages/s on one core)"
    )


if __name__ == "__main__":
    main()
