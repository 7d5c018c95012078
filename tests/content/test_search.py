"""Search in English and Urdu: normalised terms, ranking, the caller's language first, what is live."""

import uuid

import httpx
import pytest

from backend.content import postings, public
from backend.content.models import LiveContent, SearchPosting, TermWeights
from backend.core.database import Database
from backend.core.settings import Settings
from backend.main import create_app
from tests.fixtures.content import EDITORIAL, item_body, publish_new, step
from tests.fixtures.users import User

SEARCH = "/v1/content/search"


def bilingual(
    en_title: str, en_body: str, ur_title: str, ur_body: str, **overrides: object
) -> dict[str, object]:
    return item_body(
        translations={
            "en": {"title": en_title, "summary": "Read this before you go.", "body": en_body},
            "ur": {"title": ur_title, "summary": "جانے سے پہلے یہ پڑھیں۔", "body": ur_body},
        },
        **overrides,
    )


async def hits(http: httpx.AsyncClient, q: str, **params: str) -> list[tuple[str, str]]:
    response = await http.get(SEARCH, params={"q": q, **params})
    assert response.status_code == 200, response.text
    return [(hit["id"], hit["lang"]) for hit in response.json()["hits"]]


async def test_english_words_of_title_and_body_rank_titles_first(
    client: httpx.AsyncClient, editor: User
) -> None:
    in_body = await publish_new(
        client,
        editor,
        bilingual("Going abroad", "Ask every recruiter for a licence.", "بیرون ملک جانا", "لائسنس مانگیں۔"),
    )
    in_title = await publish_new(
        client,
        editor,
        bilingual("Recruiters and their licences", "Be careful.", "ریکروٹر", "احتیاط کریں۔"),
    )
    await publish_new(
        client, editor, bilingual("Floods", "Keep documents dry.", "سیلاب", "کاغذات محفوظ رکھیں۔")
    )
    assert await hits(client, "recruiter licence", lang="en") == [(in_title, "en"), (in_body, "en")]
    assert await hits(client, "RECRUITERS'", lang="en") == [(in_title, "en"), (in_body, "en")]


async def test_urdu_search_tolerates_letter_variants_and_diacritics(
    client: httpx.AsyncClient, editor: User
) -> None:
    visa = await publish_new(
        client,
        editor,
        bilingual(
            "Fake visas", "A visit visa is not a work visa.", "جعلی ویزا", "وزٹ ویزا کام کا ویزا نہیں ہے۔"
        ),
    )
    # Arabic yeh and kaf, as some keyboards type them, and a zer: the same words.
    assert await hits(client, "جعلي ويزا") == [(visa, "ur")]
    assert await hits(client, "وِیزا") == [(visa, "ur")]
    assert await hits(client, "کام") == [(visa, "ur")]


async def test_the_callers_language_comes_first(client: httpx.AsyncClient, editor: User) -> None:
    urdu_match = await publish_new(
        client,
        editor,
        bilingual("Protector", "Register first.", "پروٹیکٹر اور ویزا", "ویزا کے بعد پروٹیکٹر۔"),
    )
    english_match = await publish_new(
        client, editor, bilingual("Visa checks", "Check the visa.", "جانچ", "دستاویزات دیکھیں۔")
    )
    assert await hits(client, "ویزا", lang="ur") == [(urdu_match, "ur")]
    assert await hits(client, "visa", lang="ur") == [(english_match, "en")]
    mixed = await hits(client, "visa ویزا", lang="ur")
    assert mixed == [(urdu_match, "ur"), (english_match, "en")]
    assert (await hits(client, "visa ویزا", lang="en"))[0] == (english_match, "en")


async def test_only_live_items_for_the_district_are_found(client: httpx.AsyncClient, editor: User) -> None:
    karachi = await publish_new(
        client,
        editor,
        bilingual("Karachi office", "Visit us.", "کراچی دفتر", "تشریف لائیں۔", districts=["karachi south"]),
    )
    archived = await publish_new(client, editor, bilingual("Old office", "Closed.", "پرانا دفتر", "بند ہے۔"))
    await step(client, editor, archived, "archive")
    draft_id = str(uuid.uuid4())
    await client.put(
        f"{EDITORIAL}/{draft_id}",
        json=bilingual("Draft office", "Soon.", "نیا دفتر", "جلد۔"),
        headers=editor.headers,
    )
    assert await hits(client, "office", lang="en") == [(karachi, "en")]
    assert await hits(client, "office", lang="en", district="lahore") == []
    assert await hits(client, "office", lang="en", district="Karachi South") == [(karachi, "en")]


async def test_a_query_of_only_common_words_finds_nothing(client: httpx.AsyncClient, editor: User) -> None:
    await publish_new(client, editor)
    assert await hits(client, "the and of") == []
    assert await hits(client, "کے اور") == []
    too_long = await client.get(SEARCH, params={"q": "x" * 201})
    assert (too_long.status_code, too_long.json()["errors"][0]["field"]) == (422, "query.q")


async def test_search_finds_items_by_their_stored_terms(client: httpx.AsyncClient, editor: User) -> None:
    item_id = await publish_new(
        client, editor, bilingual("Fake visas", "Ask first.", "جعلی ویزا", "وزٹ ویزا کام کا ویزا نہیں ہے۔")
    )
    stored = await LiveContent.get(item_id)
    assert stored is not None
    terms = {term for group in stored.weights for term in group.terms}
    # Normalised and stemmed once, when published: what a query's terms are compared with.
    assert {"visa", "fake", "ویزا", "جعلی"} <= terms
    assert TermWeights(lang="en", weight=3.0, terms=["fake", "visa"]) in stored.weights
    assert all("." not in term and not term.startswith("$") for term in terms)
    assert await hits(client, "visas", lang="en") == [(item_id, "en")]
    # Search reads the terms' postings, not the text: without the posting the item is not found.
    await SearchPosting.get_pymongo_collection().update_one(
        {"_id": postings.key("visa", stored.seq)}, {"$pull": {"entries": {"item": item_id}}}
    )
    assert await hits(client, "visas", lang="en") == []
    assert await hits(client, "fake", lang="en") == [(item_id, "en")]


async def test_a_very_common_word_ranks_its_newest_items(
    client: httpx.AsyncClient, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each query term brings at most CANDIDATES_PER_TERM items, the newest, so search cost stays flat."""
    monkeypatch.setattr(public, "CANDIDATES_PER_TERM", 2)
    oldest, middle, newest = [
        await publish_new(client, editor, bilingual(f"Visa {n}", "Check it.", "ویزا", "دیکھیں۔"))
        for n in range(3)
    ]
    assert {item_id for item_id, _ in await hits(client, "visa", lang="en")} == {middle, newest}
    assert oldest not in {item_id for item_id, _ in await hits(client, "visa ویزا", lang="en")}


async def test_search_is_rate_limited_per_client_with_retry_after(
    settings: Settings, shared_database: Database
) -> None:
    limited = settings.model_copy(update={"rate_limiting": True, "rate_limits": {"search": "3/hour"}})
    app = create_app(limited, database=shared_database)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("203.0.113.7", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answers = [await http.get(SEARCH, params={"q": "visa"}) for _ in range(4)]
            other_routes = await http.get("/v1/content")
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "rate_limited"
    assert other_routes.status_code == 200
