"""Fault test (issue 21 §5) on the real `prakerja-bot run` in a child process: its file-size
limit is lowered so SQLite cannot write (as on a full disk). A participant writing meanwhile
gets one apology, never silence; once the limit is lifted the same message is answered,
though long polling already consumed the update."""

from __future__ import annotations

import asyncio
import resource
from pathlib import Path

from bot.storage.sqlite import SqliteStore
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.telegram_updates import text_json
from tests.helpers import start_bot

APOLOGY = "belum bisa diproses"


async def test_a_full_disk_delays_answers_but_loses_none(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    await (await SqliteStore.open(str(path))).close()
    async with FakeBotApi() as api:
        bot = await start_bot(path, api.base_url, {}, asyncio.subprocess.PIPE)
        try:
            await api.state.wait_called("getUpdates", 120)  # a busy machine starts slowly
            api.state.updates.append(text_json("/start", user_id=8, update_id=1))
            await api.state.wait_sent(8, 1, 60)  # the disk has room: answered
            _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (4096, hard))  # "disk full"
            api.state.updates.append(text_json("/start", user_id=9, update_id=2))
            await api.state.wait_sent(9, 1, 60)
            assert APOLOGY in api.state.texts(9)[0]
            await asyncio.sleep(3)  # retries meanwhile: no second apology, no answer
            assert len(api.state.texts(9)) == 1
            resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (hard, hard))  # room again
            await api.state.wait_sent(9, 2, 90)
            assert APOLOGY not in api.state.texts(9)[1]
        finally:
            bot.terminate()
            _, err = await asyncio.wait_for(bot.communicate(), 30)
        assert b"Traceback" not in err, err.decode()[-2000:]
