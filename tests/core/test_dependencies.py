"""Every dependency of every route is a coroutine: FastAPI would run a plain function in a worker thread,
which costs a thread hop per request on the hottest routes (each one's account is found through one)."""

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant

from backend.main import create_app
from tests.fixtures.app import make_settings


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def _routes(router: Any) -> Iterator[Any]:
    for route in getattr(router, "routes", []):
        yield route
        yield from _routes(route)
        yield from _routes(getattr(route, "original_router", None))


def _runs_in_a_thread(call: Any) -> bool:
    target = call if inspect.isroutine(call) else type(call).__call__
    return not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target))


def test_no_route_has_a_dependency_that_runs_in_a_worker_thread(mongodb_uri: str) -> None:
    app = create_app(make_settings(mongodb_uri))
    threaded = {
        f"{route.path}: {getattr(dependency.call, '__qualname__', type(dependency.call).__qualname__)}"
        for route in _routes(app.router)
        if hasattr(route, "dependant")
        for dependency in _dependencies(route.dependant)
        if dependency.call is not None and _runs_in_a_thread(dependency.call)
    }
    assert threaded == set()
