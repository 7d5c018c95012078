"""The safe-migration content that ships with the product (data/seed_content.json, English and Urdu)."""

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any
from uuid import UUID

from backend.content import service
from backend.core.errors import ConflictError
from schemas.content import ContentStatus, ContentWrite

SEED_ACTOR = "system:seed"


def load_seed_items() -> list[dict[str, Any]]:
    """The shipped items as stored in the repository."""
    text = resources.files("backend.content").joinpath("data/seed_content.json").read_text(encoding="utf-8")
    items: list[dict[str, Any]] = json.loads(text)
    return items


@dataclass(frozen=True)
class SeedReport:
    published: int
    unchanged: int
    kept: int  # changed by editors since: their version stands


async def import_seed_content() -> SeedReport:
    """Publish every shipped item that is not there yet; running it again changes nothing."""
    published = unchanged = kept = 0
    for entry in load_seed_items():
        item_id = UUID(entry["id"])
        write = ContentWrite.model_validate({key: value for key, value in entry.items() if key != "id"})
        try:
            item, _ = await service.save(actor=SEED_ACTOR, item_id=item_id, write=write, if_match=None)
        except ConflictError:
            kept += 1
            continue
        if item.status == ContentStatus.PUBLISHED:
            unchanged += 1
            continue
        await service.submit(actor=SEED_ACTOR, item_id=item_id, if_match=None, note="shipped content")
        await service.publish(actor=SEED_ACTOR, item_id=item_id, if_match=None, publish_at=None)
        published += 1
    return SeedReport(published=published, unchanged=unchanged, kept=kept)
