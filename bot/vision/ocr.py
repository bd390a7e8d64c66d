"""One picture read, inside the worker process: checked, prepared, recognised, redacted.

Pillow reads the header first (format and size) and refuses a non-image, a corrupt one or one
with too many pixels before decoding it. The picture is turned into one grey channel that keeps
coloured text dark on light (the darkest channel of a light screen, the brightest of a dark
one, inverted), scaled to a width Tesseract reads well, and recognised with the Indonesian
model, page segmentation "single column" (psm 4), which keeps a row's label and its status on
one line. Everything happens in memory.
"""

from __future__ import annotations

import io
import os
from functools import cache
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageOps, UnidentifiedImageError

from bot.core.domain import Picture, PictureProblem
from bot.vision.limits import Limits
from bot.vision.redact import redact

LANGUAGE = "ind"
PSM_SINGLE_COLUMN = 4
FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "MPO"}
# Where Debian (tesseract-ocr-ind) and other systems keep the language data.
_TESSDATA = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)
_NARROW, _WIDE, _TARGET = 1000, 1600, 1400  # scale up below, down above (to _TARGET)
_DARK = 110  # mean grey level below which the screen is in dark mode


@cache
def tessdata() -> str | None:
    """The folder holding ind.traineddata: TESSDATA_PREFIX, else the usual places."""
    for folder in (os.environ.get("TESSDATA_PREFIX"), *_TESSDATA):
        if folder and (Path(folder) / f"{LANGUAGE}.traineddata").is_file():
            return folder
    return None


def available() -> bool:
    """True when the OCR engine and its Indonesian data are installed."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata() is not None


def prepare(image: Image.Image) -> Image.Image:
    """One grey channel, text dark on light, at a width Tesseract reads well."""
    rgb = ImageOps.exif_transpose(image).convert("RGB")
    red, green, blue = rgb.split()
    mean = rgb.convert("L").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    if isinstance(mean, int | float) and mean < _DARK:
        grey = ImageOps.invert(ImageChops.lighter(ImageChops.lighter(red, green), blue))
    else:
        grey = ImageChops.darker(ImageChops.darker(red, green), blue)
    width, height = grey.size
    if width < _NARROW or width > _WIDE:
        factor = _TARGET / width if width > _WIDE else _NARROW / width
        size = (round(width * factor), max(1, round(height * factor)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    # Flatten the background (cards, bands, glare): the local background is the lightest
    # level around each point; what is darker than it is text, however faint.
    small = grey.reduce(4).filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2))
    background = small.resize(grey.size, Image.Resampling.BILINEAR)
    return ImageOps.invert(ImageOps.autocontrast(ImageChops.subtract(background, grey), cutoff=1))


def recognise(image: Image.Image) -> str:
    """The words Tesseract finds in a prepared image."""
    import tesserocr

    with tesserocr.PyTessBaseAPI(path=tessdata(), lang=LANGUAGE, psm=PSM_SINGLE_COLUMN) as api:
        api.SetImage(image)
        return str(api.GetUTF8Text())


def look(data: bytes, limits: Limits) -> Picture:
    """The redacted text of one picture, or why it cannot be read."""
    if len(data) > limits.max_bytes:
        return Picture(problem=PictureProblem.TOO_BIG)
    Image.MAX_IMAGE_PIXELS = None  # checked below, before decoding, without a warning
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in FORMATS:
            return Picture(problem=PictureProblem.UNREADABLE)
        width, height = image.size
        if width * height > limits.max_pixels:
            return Picture(problem=PictureProblem.TOO_BIG)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return Picture(problem=PictureProblem.UNREADABLE)
    if min(image.size) < 16:
        return Picture(problem=PictureProblem.NO_TEXT)
    raw = recognise(prepare(image))
    if sum(c.isalpha() for c in raw) < 3:
        return Picture(problem=PictureProblem.NO_TEXT)
    safe = redact(raw)
    return Picture(text=safe.text.strip(), card_number=safe.card_number)
