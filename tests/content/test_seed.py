"""The content that ships with the product: complete in English and Urdu, safe, honest about its sources."""

import httpx
import pytest
from fastapi import FastAPI

from backend.content.markdown import find_problems
from backend.content.seed import import_seed_content, load_seed_items
from schemas.content import ContentWrite

TOPICS_THE_ISSUE_NAMES = {
    "legal_migration",
    "recruiter_check",
    "trafficking_vs_smuggling",
    "fake_job_or_visa",
    "rights_abroad",
    "climate_displacement",
    "where_to_get_help",
}


def test_shipped_items_are_valid_bilingual_and_cover_every_topic() -> None:
    items = load_seed_items()
    covered: set[str] = set()
    for entry in items:
        write = ContentWrite.model_validate({key: value for key, value in entry.items() if key != "id"})
        assert {"ur", "en"} <= {lang.value for lang in write.translations}
        for translation in write.translations.values():
            assert find_problems(translation.body) == []
            assert "<" not in translation.title + translation.summary + translation.body
        if write.kind.value in ("helpline", "office"):
            assert write.contact is not None
            assert write.contact.verified_at is not None
            assert write.contact.source
        covered.update(topic.value for topic in write.topics)
    assert covered >= TOPICS_THE_ISSUE_NAMES
    assert len({entry["id"] for entry in items}) == len(items)


def test_the_national_trafficking_hotline_is_stated_correctly() -> None:
    helplines = [entry for entry in load_seed_items() if entry["kind"] == "helpline"]
    assert any("111-247-786" in entry["contact"]["phones"] for entry in helplines)


@pytest.mark.usefixtures("seeded")
async def test_seeding_publishes_everything_once(app: FastAPI, client: httpx.AsyncClient) -> None:
    report = await import_seed_content()
    assert (report.published, report.unchanged, report.kept) == (len(load_seed_items()), 0, 0)
    again = await import_seed_content()
    assert (again.published, again.unchanged) == (0, len(load_seed_items()))
    listed = (await client.get("/v1/content", params={"limit": 100})).json()
    assert listed["total"] == len(load_seed_items())
    found = (await client.get("/v1/content/search", params={"q": "protector", "lang": "en"})).json()["hits"]
    assert "protector" in found[0]["title"].lower()
    urdu = (await client.get("/v1/content/search", params={"q": "پروٹیکٹر", "lang": "ur"})).json()["hits"]
    assert urdu[0]["lang"] == "ur"
    hotline = (await client.get("/v1/content/search", params={"q": "111247786"})).json()["hits"]
    assert hotline[0]["kind"] == "helpline"
