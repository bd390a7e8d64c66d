"""Bot API update JSON as Telegram sends it (for tests and benchmarks)."""

from __future__ import annotations

import itertools
from typing import Any

_ids = itertools.count(1000)


def user_json(user_id: int = 42, language_code: str | None = "id") -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Budi"}
    if language_code:
        user["language_code"] = language_code
    return user


def chat_json(chat_id: int = 42, chat_type: str = "private") -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": "Budi"}
    return {"id": chat_id, "type": chat_type, "title": "Grup Prakerja"}


def message_json(
    user_id: int = 42,
    chat_id: int | None = None,
    chat_type: str = "private",
    language_code: str | None = "id",
    **content: Any,
) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": 1637377200,
            "chat": chat_json(user_id if chat_id is None else chat_id, chat_type),
            "from": user_json(user_id, language_code),
            **content,
        },
    }


def text_json(text: str, user_id: int = 42, **kw: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split()[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return message_json(user_id, **kw, **content)


def callback_json(data: str, user_id: int = 42, language_code: str = "id") -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": f"cq{next(_ids)}",
            "from": user_json(user_id, language_code),
            "chat_instance": "-77",
            "data": data,
            "message": {
                "message_id": 1,
                "date": 1637377200,
                "chat": chat_json(user_id),
                "from": {"id": 123456, "is_bot": True, "first_name": "Prakerja Bot"},
                "text": "an old menu",
            },
        },
    }


def my_chat_member_json(status: str, user_id: int = 42) -> dict[str, Any]:
    bot = {"id": 123456, "is_bot": True, "first_name": "Prakerja Bot"}
    old_status = "member" if status == "kicked" else "kicked"

    def member(state: str) -> dict[str, Any]:
        extra = {"until_date": 0} if state == "kicked" else {}
        return {"user": bot, "status": state, **extra}

    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": chat_json(user_id),
            "from": user_json(user_id),
            "date": 1637377200,
            "old_chat_member": member(old_status),
            "new_chat_member": member(status),
        },
    }


def photo_json(
    file_id: str, caption: str | None = None, user_id: int = 42, file_size: int = 60_000
) -> dict[str, Any]:
    """A photo as Telegram sends it: a thumbnail and the full size (two file ids)."""
    sizes = [
        {
            "file_id": f"{file_id}-thumb",
            "file_unique_id": "t1",
            "width": 90,
            "height": 185,
            "file_size": 2_000,
        },
        {
            "file_id": file_id,
            "file_unique_id": "f1",
            "width": 720,
            "height": 1476,
            "file_size": file_size,
        },
    ]
    content: dict[str, Any] = {"photo": sizes}
    if caption:
        content["caption"] = caption
    return message_json(user_id, **content)


def document_json(
    file_id: str, mime_type: str = "image/jpeg", user_id: int = 42, file_size: int = 60_000
) -> dict[str, Any]:
    """An image sent as a file (uncompressed)."""
    document = {
        "file_id": file_id,
        "file_unique_id": "d1",
        "file_name": "ss.jpg",
        "mime_type": mime_type,
        "file_size": file_size,
    }
    return message_json(user_id, document=document)
