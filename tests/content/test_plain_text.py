"""Titles and summaries are plain text: markup is removed by an HTML sanitiser, so nothing is reassembled."""

import uuid

import httpx
import nh3
import pytest

from backend.core.text import plain_text
from tests.fixtures.content import EDITORIAL, item_body
from tests.fixtures.users import User

# Input -> the plain text stored, and whether markup was removed.
CASES = [
    ("<scr<b>ipt>alert(1)</scr<i>ipt>", "ipt>alert(1)ipt>", True),
    ("<scr<script>ipt>alert(1)</script>", "ipt>alert(1)", True),
    ("&lt;script&gt;alert(1)&lt;/script&gt; Visa", "Visa", True),
    ("&amp;lt;b&amp;gt;Visa", "Visa", True),
    ("&#60;b&#62;Visa", "Visa", True),
    ("Visa <!-- hidden --> help", "Visa  help", True),
    ("Visa <!-- never closed", "Visa", True),
    ("Visa <b unclosed", "Visa", True),
    ("<img src=x onerror=alert(1)>Visa", "Visa", True),
    ("Visa</b> help", "Visa help", True),
    ("age < 18 and x<5, y > 3", "age < 18 and x<5, y > 3", False),
    ('Tom &amp; Jerry\'s "guide"', 'Tom & Jerry\'s "guide"', False),
    ("ریکروٹر کا لائسنس چیک کریں", "ریکروٹر کا لائسنس چیک کریں", False),
]


@pytest.mark.parametrize(("raw", "expected", "removed"), CASES)
def test_markup_is_removed_and_a_second_pass_finds_nothing(raw: str, expected: str, removed: bool) -> None:
    text, changed = plain_text(raw)
    assert (text, changed) == (expected, removed)
    assert plain_text(text) == (text, False)
    # Read as HTML, what is stored holds no tag, comment or entity that decodes to one.
    assert nh3.clean(text, tags=set(), strip_comments=True) == nh3.clean(text, tags=set())
    assert plain_text(nh3.clean(text, tags=set()))[0] == text


async def test_titles_and_summaries_are_stored_without_reassembled_tags(
    client: httpx.AsyncClient, editor: User
) -> None:
    body = item_body()
    body["translations"]["en"]["title"] = "<scr<b>ipt>alert(1)</scr<i>ipt> Visa"
    summary = "Over 18? &lt;script&gt;x&lt;/script&gt;Ask first; age < 18 waits."
    body["translations"]["en"]["summary"] = summary
    saved = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=body, headers=editor.headers)
    assert saved.status_code == 201, saved.text
    stored = saved.json()["translations"]["en"]
    assert stored["title"] == "ipt>alert(1)ipt> Visa"
    assert stored["summary"] == "Over 18? Ask first; age < 18 waits."
    assert "<script" not in stored["title"] + stored["summary"]
    assert saved.json()["sanitised"] == ["raw_html"]


async def test_a_title_of_only_markup_is_refused(client: httpx.AsyncClient, editor: User) -> None:
    body = item_body()
    body["translations"]["en"]["title"] = "&lt;script&gt;alert(1)&lt;/script&gt;"
    saved = await client.put(f"{EDITORIAL}/{uuid.uuid4()}", json=body, headers=editor.headers)
    assert saved.status_code == 422
    assert saved.json()["errors"][0]["field"] == "body.translations.en.title"
    assert saved.json()["errors"][0]["rule"] == "empty_after_sanitising"
