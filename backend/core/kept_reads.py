"""Reads kept for a moment, per process.

Some reads are asked far more often than what they read changes: the caller's account on every request
(a phone opening the app sends several at once), the content feed's head on every sync, an area's counter
versions on every dashboard. A `KeptReads` answers such a read from memory for at most `seconds`, keyed
by the question and by how many writes this process has sent to the collections the answer comes from.
So a write made here, by any code path (a PyMongo command listener counts them all), is seen at once;
a write made by another process is seen within `seconds` (docs/SECURITY.md says what that allows).
"""

from collections import Counter
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from beanie import Document
from cachetools import TTLCache
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_WRITE_COMMANDS = frozenset({"insert", "update", "delete", "findAndModify", "drop"})
# A whole database dropped: every collection changed.
_EVERY_COLLECTION = "*"


class WriteCounter(CommandListener):
    """How many write commands this process has sent to each collection, counted when each starts and
    again when it ends: a read that overlapped a write in flight never sees the count it started with."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._pending: dict[int, str] = {}

    def started(self, event: CommandStartedEvent) -> None:
        collection = None
        if event.command_name in _WRITE_COMMANDS:
            collection = str(event.command.get(event.command_name))
        elif event.command_name == "dropDatabase":
            collection = _EVERY_COLLECTION
        if collection is not None:
            self._counts[collection] += 1
            self._pending[event.request_id] = collection

    def succeeded(self, event: CommandSucceededEvent) -> None:
        self._ended(event.request_id)

    def failed(self, event: CommandFailedEvent) -> None:
        self._ended(event.request_id)

    def _ended(self, request_id: int) -> None:
        collection = self._pending.pop(request_id, None)
        if collection is not None:
            self._counts[collection] += 1

    def count(self, collections: tuple[str, ...]) -> int:
        return self._counts[_EVERY_COLLECTION] + sum(self._counts[name] for name in collections)


# One per process: every client made by core/database.py reports to it.
WRITES = WriteCounter()


class KeptReads(Generic[K, V]):
    """Answers of one kind of read, each kept `seconds` at most and dropped when this process writes to
    any of `documents`' collections. Keep only values nobody mutates (raw dicts, frozen models)."""

    def __init__(self, *documents: type[Document], seconds: float, most: int = 10_000) -> None:
        self._collections = tuple(document.Settings.name for document in documents)
        self._kept: TTLCache[tuple[K, int], V] = TTLCache(maxsize=most, ttl=seconds)

    async def get(self, key: K, read: Callable[[], Awaitable[V]]) -> V:
        written = WRITES.count(self._collections)
        try:
            return self._kept[(key, written)]
        except KeyError:
            pass
        value = await read()
        if WRITES.count(self._collections) == written:  # nothing was written here meanwhile
            self._kept[(key, written)] = value
        return value

    def clear(self) -> None:
        self._kept.clear()
