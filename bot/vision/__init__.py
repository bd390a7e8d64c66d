"""Reading pictures: the words in a screenshot a participant sends, offline.

`Reader` (worker.py) runs Tesseract (through tesserocr, with Debian's Indonesian language data)
in a separate, short-lived worker process (child.py) with a time limit and a memory cap, one
or two at a time, so a flood of photos never slows the text replies. The worker redacts what
it read (redact.py: NIK, KK, card, account and phone numbers, names after "Nama") before the text
leaves it; the image is read in memory and never written anywhere. Why Tesseract, and the
figures: docs/screenshots.md.

May import bot.core only; the channels hand it bytes and put the `Picture` it returns into
the `Incoming` they give the engine.
"""

from bot.vision.limits import Limits
from bot.vision.ocr import available
from bot.vision.worker import Reader

__all__ = ["Limits", "Reader", "available"]
