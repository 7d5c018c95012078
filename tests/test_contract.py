"""The API contract: the checked-in OpenAPI document, and schemas/ standing on its own."""

import ast
import socket
from pathlib import Path

import pytest

from scripts.export_openapi import OPENAPI_PATH, current_openapi, render


def test_checked_in_openapi_matches_the_served_document() -> None:
    assert OPENAPI_PATH.read_text(encoding="utf-8") == render(current_openapi()), (
        "schemas/openapi.json is stale: run `.venv/bin/python -m scripts.export_openapi` and commit it"
    )


def test_operation_ids_are_short_unique_and_name_their_feature() -> None:
    operations = [
        operation
        for path in current_openapi()["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    ids = [operation["operationId"] for operation in operations]
    assert len(ids) == len(set(ids))
    for operation in operations:
        identifier = operation["operationId"]
        assert len(identifier) <= 40, identifier
        assert "__" not in identifier, identifier
        assert "_v1_" not in identifier, identifier
        assert identifier.startswith(operation["tags"][0] + "_"), identifier


def test_schemas_package_imports_nothing_from_backend(repo_root: Path) -> None:
    for module in (repo_root / "schemas").glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name == "backend" or name.startswith("backend.") for name in names), module.name


def test_no_module_imports_motor(repo_root: Path) -> None:
    for folder in ("backend", "schemas", "scripts", "tests"):
        for module in (repo_root / folder).rglob("*.py"):
            tree = ast.parse(module.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    assert not any(a.name.split(".")[0] == "motor" for a in node.names), module
                elif isinstance(node, ast.ImportFrom):
                    assert (node.module or "").split(".")[0] != "motor", module


def test_tests_cannot_reach_hosts_beyond_loopback() -> None:
    with pytest.raises(OSError, match="only reach loopback"):
        socket.getaddrinfo("www.googleapis.com", 443)
