"""Benchmark: messages classified per second, and the memory the model adds.

Usage: .venv/bin/python bench/classify.py [--rounds N]   (or `make bench-classify`)

Builds the Indonesian model once reading the process RSS before and after, and once more
under tracemalloc (the Python heap it holds); then classifies the evaluation set's messages:
once cold (fresh normaliser caches, like the first messages after a start), then warm over
several rounds.
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


def _rss_mib() -> float:
    """The current resident set size (Linux /proc), in MiB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description="Classifier throughput and memory.")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    texts = [text for text, _ in read_set(DEFAULT_SET)]
    import rapidfuzz  # noqa: F401  (the library's own import is not the model's memory)

    knowledge = load_knowledge("id")
    gc.collect()
    rss_before = _rss_mib()
    started = time.perf_counter()
    model = Classifier(knowledge)
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

    started = time.perf_counter()
    for text in texts:
        model.classify(text)
    cold = len(texts) / (time.perf_counter() - started)

    started = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            model.classify(text)
    warm = args.rounds * len(texts) / (time.perf_counter() - started)

    print(f"messages: {len(texts)} distinct (tests/data/nlu_eval.tsv), {args.rounds} warm rounds")
    print(f"model load: {load_seconds * 1000:.0f} ms")
    print(
        f"memory added: {heap / 2**20:.1f} MiB Python heap (tracemalloc), "
        f"{rss_after - rss_before:.1f} MiB RSS"
    )
    print(f"throughput cold: {cold:,.0f} messages/s")
    print(f"throughput warm: {warm:,.0f} messages/s (target >= 2,000/s)")


if __name__ == "__main__":
    main()
