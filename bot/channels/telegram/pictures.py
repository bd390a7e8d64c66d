"""A photo or image document from Telegram, fetched and read.

The largest photo size within the limits is chosen (Telegram sends several), fetched with
getFile and downloaded from the file URL (`TELEGRAM_BASE_FILE_URL`, for a local Bot API server),
in memory only, then read by the picture reader (bot/vision) in its worker process. Sizes are
checked before the download (Telegram says them) and after it.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.error import TelegramError

from bot.core.domain import Picture, PictureProblem
from bot.vision import Reader

log = logging.getLogger(__name__)


def _chosen(message: Message, reader: Reader) -> tuple[str, int] | PictureProblem:
    """The file id (and its announced size) to download, or why none fits."""
    limits = reader.limits
    if message.photo:
        fitting = [
            size
            for size in message.photo
            if (size.file_size or 0) <= limits.max_bytes
            and size.width * size.height <= limits.max_pixels
        ]
        if not fitting:
            return PictureProblem.TOO_BIG
        best = max(fitting, key=lambda size: size.width * size.height)
        return best.file_id, best.file_size or 0
    document = message.document
    if document is None or not (document.mime_type or "").startswith("image/"):
        return PictureProblem.UNREADABLE
    if (document.file_size or 0) > limits.max_bytes:
        return PictureProblem.TOO_BIG
    return document.file_id, document.file_size or 0


async def read_picture(message: Message, reader: Reader) -> Picture:
    """What the picture in `message` shows (redacted), or why it was not read."""
    chosen = _chosen(message, reader)
    if isinstance(chosen, PictureProblem):
        return Picture(problem=chosen)
    file_id, _ = chosen
    try:
        file = await message.get_bot().get_file(file_id)
        if (file.file_size or 0) > reader.limits.max_bytes:
            return Picture(problem=PictureProblem.TOO_BIG)
        data = await file.download_as_bytearray()
    except TelegramError as exc:  # the type only: a file URL carries the bot token
        log.warning("picture of message %s not downloaded: %s", message.id, type(exc).__name__)
        return Picture(problem=PictureProblem.FAILED)
    if len(data) > reader.limits.max_bytes:
        return Picture(problem=PictureProblem.TOO_BIG)
    return await reader.read(bytes(data))
