"""Benchmark: which offline OCR engine reads the dashboard's status labels best (how the engine
was chosen; docs/screenshots.md has the figures).

Usage (from the repository):
    .venv/bin/python bench/ocr_engines.py --engine tesserocr [--count 150] [--psm 4]
    .venv/bin/python bench/ocr_engines.py --engine tesseract    # the same through pytesseract
    PYTHONPATH=. OTHER_VENV/bin/python bench/ocr_engines.py --engine rapidocr

`tesserocr` drives Tesseract's C API in memory (the wheel bundles libtesseract; Debian's
tesseract-ocr-ind gives the language data); `tesseract` runs the Debian binary through
pytesseract (a temporary file per image; pip install pytesseract to try it). `rapidocr` is
rapidocr-onnxruntime 1.4.4 (its PP-OCRv4 models ship inside the wheel), installed
in a separate virtualenv: it is not a dependency of the bot. Pin to one core with
`taskset -c 0`. For each synthetic screenshot (tests/screenshots.py) it counts the status
labels found in the recognised text (case and spacing aside, one or two letters' difference
allowed), and times each read (wall clock; the engine limited to one thread).
"""

from __future__ import annotations

import argparse
import difflib
import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from tests.screenshots import INCENTIVE_STATUSES, SELECTION_STATUSES, corpus, render

LABELS = {**INCENTIVE_STATUSES, **SELECTION_STATUSES}
_BY_MEANING = {meaning: label for label, meaning in LABELS.items()}


def _found(label: str, text: str) -> bool:
    words = " ".join(text.lower().split()).split()
    want = label.lower().split()
    for start in range(len(words) - len(want) + 1):
        window = " ".join(words[start : start + len(want)])
        if difflib.SequenceMatcher(None, window, " ".join(want)).ratio() >= 0.85:
            return True
    return False


def _prepare(data: bytes) -> Image.Image:
    """The bot's own preparation (bot/vision/ocr.py), for both Tesseract wrappers."""
    from bot.vision.ocr import prepare

    return prepare(Image.open(io.BytesIO(data)))


def tesseract(psm: int, lang: str) -> Callable[[bytes], str]:
    import pytesseract

    def read(data: bytes) -> str:
        return str(pytesseract.image_to_string(_prepare(data), lang=lang, config=f"--psm {psm}"))

    return read


def tesserocr_engine(psm: int, lang: str) -> Callable[[bytes], str]:
    import tesserocr

    from bot.vision.ocr import tessdata

    api = tesserocr.PyTessBaseAPI(path=tessdata(), lang=lang, psm=psm)

    def read(data: bytes) -> str:
        api.SetImage(_prepare(data))
        return str(api.GetUTF8Text())

    return read


def rapidocr() -> Callable[[bytes], str]:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(data: bytes) -> str:
        result, _ = engine(data)
        return "\n".join(str(line[1]) for line in result or [])

    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    engines = ("tesserocr", "tesseract", "rapidocr")
    parser.add_argument("--engine", choices=engines, default="tesserocr")
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--psm", type=int, default=4)
    parser.add_argument("--lang", default="ind")
    args = parser.parse_args()
    if args.engine == "tesseract":
        read = tesseract(args.psm, args.lang)
    elif args.engine == "tesserocr":
        read = tesserocr_engine(args.psm, args.lang)
    else:
        read = rapidocr()
    screens = corpus(args.count)
    found = total = 0
    times: list[float] = []
    photos_found = photos_total = 0
    for screen in screens:
        data = render(screen)
        start = time.perf_counter()
        text = read(data)
        times.append(time.perf_counter() - start)
        for _, _, meaning in screen.expected:
            hit = _found(_BY_MEANING[meaning], text)
            found += hit
            total += 1
            if screen.photo:
                photos_found += hit
                photos_total += 1
    times.sort()
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"engine {args.engine} (psm {args.psm}, lang {args.lang}): {len(screens)} screens")
    print(f"status labels found: {found}/{total} = {100 * found / max(total, 1):.1f} %")
    print(f"  in photos of a screen: {photos_found}/{photos_total}")
    print(f"time per image: median {statistics.median(times):.2f} s, p95 {p95:.2f} s")
    print(f"peak RSS: this process {own:.0f} MiB, largest child {children:.0f} MiB")


if __name__ == "__main__":
    main()
