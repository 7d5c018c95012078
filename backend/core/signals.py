"""Signals: how a feature tells the features built on it that something happened, without importing them.

Features are layered, and imports point one way (docs/CONVENTIONS.md has the map): youth and events
know nothing of turnout or alerts, which build on them. When a young person checks in, is erased or
moves, or an event's report changes, the lower feature sends its signal (declared in its own
`signals.py`); the features above connect their handlers once, in `backend/wiring.py`, which the app,
every script and the tests load with the document registry.

A signal is sent after the write it announces, by the one caller that made that write (the winner of its
claim), so a handler runs once per change; handlers are idempotent all the same, since a step whose
writer died is finished by the next one (core/versioning.py) and may send again.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec

P = ParamSpec("P")


class Signal(Generic[P]):
    """Something that happened in a feature, with the handlers the features above it connected."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._handlers: list[Callable[P, Awaitable[Any]]] = []

    def connect(self, handler: Callable[P, Awaitable[Any]]) -> None:
        """Run `handler` on every send from now on (connecting the same handler again changes nothing)."""
        if handler not in self._handlers:
            self._handlers.append(handler)

    async def send(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Run every handler in the order they were connected; an exception stops the rest and propagates."""
        for handler in self._handlers:
            await handler(*args, **kwargs)

    async def collect(self, *args: P.args, **kwargs: P.kwargs) -> list[Any]:
        """Run every handler and return what each answered (e.g. its part of a data export)."""
        return [await handler(*args, **kwargs) for handler in self._handlers]

    def __repr__(self) -> str:
        return f"Signal({self.name!r}, {len(self._handlers)} handlers)"
