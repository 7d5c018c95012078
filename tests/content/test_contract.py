"""The content routes' contract: every status they answer is declared, with the shape they answer it in."""

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from schemas.content import ContentConflict
from tests.fixtures.content import EDITORIAL, item_body, publish_new
from tests.fixtures.users import User

CONTENT_PATHS = ("/v1/content", "/v1/editorial/content", "/v1/topics")


def _operations(app: FastAPI) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, operations in app.openapi()["paths"].items()
        if path.startswith(CONTENT_PATHS)
        for method, operation in operations.items()
    }


def test_conflicts_declare_the_current_item_and_version(app: FastAPI) -> None:
    document = app.openapi()
    schema = document["components"]["schemas"]["ContentConflict"]
    assert {"current", "current_version", "type", "title", "status", "code"} <= set(schema["properties"])
    conflicting = {key: op for key, op in _operations(app).items() if "409" in op["responses"]}
    assert {path for _, path in conflicting} >= {
        "/v1/editorial/content/{item_id}",
        "/v1/editorial/content/{item_id}/publish",
    }
    for key, operation in conflicting.items():
        content = operation["responses"]["409"]["content"]
        # FastAPI adds the model under application/json too, as for every problem of this API.
        assert set(content) <= {"application/problem+json", "application/json"}, key
        for media in content.values():
            assert media["schema"] == {"$ref": "#/components/schemas/ContentConflict"}, key


def test_created_and_deleted_answer_only_their_own_success(app: FastAPI) -> None:
    operations = _operations(app)
    saved = operations[("PUT", "/v1/editorial/content/{item_id}")]["responses"]
    assert {"200", "201"} <= set(saved)
    assert saved["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContentRead"
    }
    deleted = operations[("DELETE", "/v1/editorial/content/{item_id}")]["responses"]
    assert "204" in deleted
    assert "200" not in deleted


async def test_every_status_answered_is_declared(
    app: FastAPI, client: httpx.AsyncClient, editor: User
) -> None:
    answered: list[tuple[str, str, httpx.Response]] = []

    async def call(method: str, template: str, url: str, **kwargs: Any) -> httpx.Response:
        response = await client.request(method, url, **kwargs)
        answered.append((method, template, response))
        return response

    item = f"{EDITORIAL}/{{item_id}}"
    live_id = await publish_new(client, editor)
    fresh = str(uuid.uuid4())
    await call("PUT", item, f"{EDITORIAL}/{fresh}", json=item_body(), headers=editor.headers)
    await call("PUT", item, f"{EDITORIAL}/{fresh}", json=item_body(), headers=editor.headers)
    changed = item_body(topics=["remittances"])
    await call("PUT", item, f"{EDITORIAL}/{fresh}", json=changed, headers=editor.headers)
    await call("PUT", item, f"{EDITORIAL}/{fresh}", json={"kind": "x"}, headers=editor.headers)
    await call("PUT", item, f"{EDITORIAL}/{fresh}", json=item_body())
    await call("POST", item + "/publish", f"{EDITORIAL}/{fresh}/publish", headers=editor.headers)
    await call("POST", item + "/archive", f"{EDITORIAL}/{fresh}/archive", headers=editor.headers)
    await call("POST", item + "/submit", f"{EDITORIAL}/{fresh}/submit", headers=editor.headers)
    await call("POST", item + "/submit", f"{EDITORIAL}/{live_id}/submit", headers=editor.headers)
    stale = editor.headers | {"If-Match": '"1"'}
    await call("POST", item + "/return-to-draft", f"{EDITORIAL}/{live_id}/return-to-draft", headers=stale)
    restore = item + "/revisions/{revision}/restore"
    await call("POST", restore, f"{EDITORIAL}/{live_id}/revisions/1/restore", headers=stale)
    await call("POST", restore, f"{EDITORIAL}/{live_id}/revisions/9/restore", headers=editor.headers)
    await call(
        "GET", item + "/revisions/{revision}", f"{EDITORIAL}/{live_id}/revisions/9", headers=editor.headers
    )
    await call("GET", item, f"{EDITORIAL}/{uuid.uuid4()}", headers=editor.headers)
    await call("DELETE", item, f"{EDITORIAL}/{fresh}", headers=editor.headers)
    read = await call("GET", "/v1/content/{item_id}", f"/v1/content/{live_id}")
    await call(
        "GET",
        "/v1/content/{item_id}",
        f"/v1/content/{live_id}",
        headers={"If-None-Match": read.headers["etag"]},
    )
    await call("GET", "/v1/content/{item_id}", f"/v1/content/{fresh}")
    await call("GET", "/v1/content/{item_id}", "/v1/content/not-a-uuid")
    sync = await call("GET", "/v1/content/sync", "/v1/content/sync")
    await call("GET", "/v1/content/sync", "/v1/content/sync", headers={"If-None-Match": sync.headers["etag"]})
    await call("GET", "/v1/content/sync", "/v1/content/sync", params={"since": "YzE6wrI"})
    await call("GET", "/v1/content/search", "/v1/content/search", params={"q": "licence"})
    await call("GET", "/v1/content", "/v1/content", params={"district": "Atlantis"})
    topics = await call("GET", "/v1/topics", "/v1/topics")
    await call("GET", "/v1/topics", "/v1/topics", headers={"If-None-Match": topics.headers["etag"]})

    operations = _operations(app)
    seen = set()
    for method, template, response in answered:
        declared = operations[(method, template)]["responses"]
        assert str(response.status_code) in declared, (method, template, response.status_code)
        seen.add(response.status_code)
        if response.status_code == 409:
            conflict = ContentConflict.model_validate(response.json())  # no undeclared member
            if conflict.code == "version_conflict":
                assert conflict.current is not None
                assert conflict.current.version == conflict.current_version
    assert seen >= {200, 201, 204, 304, 401, 404, 409, 422}
