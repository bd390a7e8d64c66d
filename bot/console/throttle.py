"""Failed logins slow down who fails, with growing delays, instead of locking a name out.

Two counts, kept in the database (shared by every instance behind the proxy):
- the same name from the same address: 3 free tries, then 30 s, 1 min, 2 min, … up to 30 min;
- an address, whatever names it tries: 10 free tries, then the same growth up to 60 min.
So a stranger guessing at "ana" slows down only themselves: ana, from her own address, still
logs in at once. A success forgets its name-and-address count. Counts start over 24 hours after
their last failure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.core.clock import Clock
from bot.storage.roles import ConsoleStore

FORGET_AFTER = timedelta(hours=24)
FIRST_DELAY = timedelta(seconds=30)


@dataclass(frozen=True)
class Rule:
    prefix: str
    free: int  # failures before any delay
    longest: timedelta


PAIR = Rule("pair:", 3, timedelta(minutes=30))
ADDRESS = Rule("addr:", 10, timedelta(minutes=60))


def delay(rule: Rule, failures: int) -> timedelta:
    """How long after the last failure the next try is heard."""
    if failures < rule.free:
        return timedelta(0)
    grown: timedelta = FIRST_DELAY * (2 ** min(failures - rule.free, 20))
    return min(grown, rule.longest)


def pair_key(name: str, address: str) -> str:
    return f"{PAIR.prefix}{name.strip().casefold()[:100]}|{address}"


class Throttle:
    """Asks how long a login must wait, counts failures, forgets them on success."""

    def __init__(self, store: ConsoleStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def _keys(self, name: str, address: str) -> tuple[str, str]:
        return pair_key(name, address), f"{ADDRESS.prefix}{address}"

    async def wait(self, name: str, address: str) -> timedelta:
        """How long this name from this address must still wait (0: go ahead)."""
        now = self.clock.now()
        pair, addr = self._keys(name, address)
        found = await self.store.login_failures_of([pair, addr])
        longest = timedelta(0)
        for key, rule in ((pair, PAIR), (addr, ADDRESS)):
            if key not in found:
                continue
            failures, last = found[key]
            if last < now - FORGET_AFTER:
                continue
            longest = max(longest, last + delay(rule, failures) - now)
        return longest

    async def failed(self, name: str, address: str) -> None:
        now = self.clock.now()
        await self.store.count_login_failure(self._keys(name, address), now, now - FORGET_AFTER)

    async def succeeded(self, name: str, address: str) -> None:
        await self.store.clear_login_failures([self._keys(name, address)[0]])

    async def forgive(self, name: str) -> None:
        """Forgets every failure of this name (a new password from the CLI)."""
        await self.store.clear_login_failures(prefix=f"{PAIR.prefix}{name.casefold()}|")


def minutes(wait: timedelta) -> int:
    """A wait as whole minutes, at least 1."""
    return max(1, -(-int(wait.total_seconds()) // 60))
