"""Records the query shape of every command the service's own code sends during the test run.

The listener sits on the shared test database's client (tests/conftest.py) for the whole session. That
client also carries the tests' own look-ups (a test reading a collection to check a result), which are
not production queries. Which code sent a command is read from the Python stack when the driver
announces it (the driver calls listeners synchronously, inside the coroutine that issued the command):
the innermost frame that belongs to the project decides. A frame in backend/ or scripts/ counts, be it
under an API request, a lifespan worker, or a service function a test calls directly (the same code
runs in production); a frame in tests/ does not; nor does `Database.clear`, the per-test emptying.

A coroutine handed to `asyncio.gather` or `create_task` runs in a task of its own, whose stack does not
reach the code that started it (youth/service.py gathers two `find_one`s, say). So the session's event
loop gets a task factory (`install`) that notes, in the new task's context, the origin of the code that
created the task; a command with no project frame on its stack takes that origin.
Commands of other clients (an outage test's own engine, the API-process test's subprocess) are not seen.
"""

import asyncio
import contextvars
import sys
from collections import Counter
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from beanie import Document
from pymongo.monitoring import CommandFailedEvent, CommandListener, CommandStartedEvent, CommandSucceededEvent

import backend
import scripts
import tests
from backend.core import database
from tests.coverage.shapes import CHECKED_COMMANDS, IndexKeys, Shape, command_shapes

FINAL_TEST = "test_every_query_the_code_sent_is_served_by_a_declared_index"
TESTS, UNKNOWN = "tests", "unknown"
# The origin of the code that created the current task (see the module docstring).
SPAWNED_BY: contextvars.ContextVar[str] = contextvars.ContextVar("spawned_by", default=UNKNOWN)

_COUNTED_DIRS = tuple(str(Path(m.__file__ or "").resolve().parent) + "/" for m in (backend, scripts))
_TEST_DIR = str(Path(tests.__file__ or "").resolve().parent) + "/"
_TEST_SUPPORT = {(str(Path(database.__file__).resolve()), "clear")}  # empties the database per test


@dataclass(frozen=True)
class Example:
    origin: str
    command: str


def _origin(frame: FrameType | None) -> str:
    """Where the innermost project frame is: "backend/x.py:12 f", or TESTS, or UNKNOWN (no project frame)."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_TEST_DIR):
            return TESTS
        if filename.startswith(_COUNTED_DIRS):
            if (filename, frame.f_code.co_name) in _TEST_SUPPORT:
                return TESTS
            return (
                f"{filename.split('/')[-2]}/{filename.split('/')[-1]}:{frame.f_lineno} {frame.f_code.co_name}"
            )
        frame = frame.f_back
    return UNKNOWN


def _stack(frame: FrameType | None) -> str:
    frames = []
    while frame is not None:
        frames.append(f"{'/'.join(frame.f_code.co_filename.split('/')[-2:])}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(f for f in frames if not f.startswith(("pymongo/", "asynchronous/")))[:600]


def _example(name: str, command: Mapping[str, Any]) -> str:
    parts = {k: command[k] for k in ("filter", "query", "sort", "key", "limit") if k in command}
    if name == "aggregate":
        parts["pipeline"] = command.get("pipeline", [])[:2]
    for field, inner in (("updates", "q"), ("deletes", "q")):
        if command.get(field):
            parts[inner] = command[field][0].get(inner)
    text = f"{name} {parts}"
    return text if len(text) <= 300 else text[:297] + "..."


class CommandRecorder(CommandListener):
    """Every query shape the service code sent to `database_name`, with one example and a count each."""

    def __init__(self) -> None:
        self.database_name: str | None = None
        self.examples: dict[Shape, Example] = {}
        self.counts: Counter[Shape] = Counter()
        self.errors: list[str] = []
        self.seen = 0
        self.skipped: Counter[str] = Counter()  # by TESTS or UNKNOWN
        self.unknown: list[str] = []  # a few examples

    def started(self, event: CommandStartedEvent) -> None:
        if event.database_name != self.database_name or event.command_name not in CHECKED_COMMANDS:
            return
        origin = _origin(sys._getframe(1))
        if origin == UNKNOWN:
            origin = SPAWNED_BY.get()
            if origin not in (TESTS, UNKNOWN):
                origin = f"a task started at {origin}"
        if origin in (TESTS, UNKNOWN):
            self.skipped[origin] += 1
            if origin == UNKNOWN and len(self.unknown) < 5:
                self.unknown.append(
                    f"{_example(event.command_name, event.command)} from {_stack(sys._getframe(1))}"
                )
            return
        self.seen += 1
        try:
            shapes = command_shapes(event.command_name, event.command)
        except Exception as exc:  # reported by the final test, never raised into the driver
            self.errors.append(
                f"{type(exc).__name__}: {exc} in {_example(event.command_name, event.command)}"
            )
            return
        for shape in shapes:
            self.counts[shape] += 1
            if shape not in self.examples:
                self.examples[shape] = Example(origin, _example(event.command_name, event.command))

    def succeeded(self, event: CommandSucceededEvent) -> None:
        pass

    def failed(self, event: CommandFailedEvent) -> None:
        pass


RECORDER = CommandRecorder()


def _attributing_task_factory(
    loop: asyncio.AbstractEventLoop,
    coro: Coroutine[Any, Any, Any],
    context: contextvars.Context | None = None,
) -> asyncio.Task[Any]:
    """A plain task, whose context also says where the code that created it is (when that is known)."""
    own = (context or contextvars.copy_context()).copy()
    origin = _origin(sys._getframe(1))
    if origin != UNKNOWN:
        own.run(SPAWNED_BY.set, origin)
    return asyncio.Task(coro, loop=loop, context=own)


def install(loop: asyncio.AbstractEventLoop) -> None:
    """Attribute tasks created on `loop` from now on to their creators (for the whole test session)."""
    if loop.get_task_factory() not in (None, _attributing_task_factory):
        raise RuntimeError("the event loop has a task factory already; the recorder would replace it")
    loop.set_task_factory(_attributing_task_factory)  # type: ignore[arg-type]


def _keys(spec: Any) -> IndexKeys:
    """An index's keys from an IndexModel, a field name or a list of (field, direction) pairs."""
    document = getattr(spec, "document", None)
    if document is not None:
        spec = list(document["key"].items())
    if isinstance(spec, str):
        return ((spec, 1),)
    # Text, hashed and geo keys do not serve the equality-sort-range rule: the index is left out.
    if any(not isinstance(direction, int) for _, direction in spec):
        return ()
    return tuple((str(path), int(direction)) for path, direction in spec)


def declared_indexes(models: list[type[Document]]) -> dict[str, list[IndexKeys]]:
    """Each collection's declared indexes (Settings.indexes and Indexed fields), `_id` included."""
    from beanie.odm.utils.typing import get_index_attributes

    result: dict[str, list[IndexKeys]] = {}
    for model in models:
        settings = model.Settings
        indexes = [_keys(spec) for spec in getattr(settings, "indexes", None) or []]
        for name, field in model.model_fields.items():
            attributes = get_index_attributes(field)
            if attributes is not None and isinstance(attributes[0], int):
                indexes.append(((field.alias or name, attributes[0]),))
        result[settings.name] = [(("_id", 1),), *(i for i in indexes if i)]
    return result


def gridfs_indexes(collection: str) -> list[IndexKeys]:
    """The indexes every GridFS bucket's collections get from the driver, `_id` included."""
    if collection.endswith(".files"):
        return [(("_id", 1),), (("filename", 1), ("uploadDate", 1))]
    if collection.endswith(".chunks"):
        return [(("_id", 1),), (("files_id", 1), ("n", 1))]
    return [(("_id", 1),)]
