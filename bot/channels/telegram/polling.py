"""Long polling that never wedges on one update it cannot parse.

python-telegram-bot parses a whole `getUpdates` batch at once: one update in a shape it does
not know raises, the offset is never confirmed, and the same batch is fetched again and again
(each time logged at CRITICAL with the whole JSON, names and texts included). This bot parses
each update on its own, drops one that fails with a WARNING naming only its id, and moves the
offset past it even when it was the last of the batch.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class TolerantBot(ExtBot[None]):
    """An ExtBot whose getUpdates skips unparsable updates (see the module docstring)."""

    _skip_below = 0  # the offset must be at least this: updates before it were dropped

    async def _post(self, endpoint: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        if endpoint != "getUpdates":
            return await super()._post(endpoint, data, **kw)
        if data is not None and self._skip_below:
            offset = data.get("offset")
            if offset is None or int(offset) < self._skip_below:
                data["offset"] = self._skip_below
        result = await super()._post(endpoint, data, **kw)
        if not isinstance(result, list):
            return result
        return [item for item in result if self._parses(item)]

    def _parses(self, item: object) -> bool:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        try:
            if not isinstance(item, dict) or not isinstance(update_id, int):
                raise ValueError("no update_id")
            Update.de_json(item, self)
        except Exception as exc:
            log.warning(
                "telegram update %s skipped: cannot be parsed (%s)",
                update_id if isinstance(update_id, int) else "?",
                type(exc).__name__,
            )
            if isinstance(update_id, int):
                self._skip_below = max(self._skip_below, update_id + 1)
            return False
        return True
