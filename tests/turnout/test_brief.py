"""The MP brief: rendered by Debian's headless Chromium as a page and as a one-page A4 PDF, Urdu as text,
charts present, and no suppressed value anywhere (text, SVG geometry or PDF)."""

import asyncio
import re
import shutil
import subprocess
import unicodedata
from collections.abc import AsyncIterator
from html import escape
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, async_playwright

from backend.core.database import Database
from backend.core.settings import Settings, get_settings
from backend.main import create_app
from backend.turnout.brief.labels import LABELS
from backend.turnout.brief.page import render_brief_html
from backend.turnout.brief.pdf import CHROMIUM_FLAGS, PdfPrinter
from schemas.accounts import Role
from schemas.turnout import BriefLanguage
from tests.fixtures.users import MakeUser
from tests.turnout.brief_data import HIDDEN, NAME, NAME_UR, make_turnout

# The tools set-up installs: tests need them, so a missing one fails here rather than skipping.
TOOLS = ("pdfinfo", "pdftotext", "pdftoppm")
URDU_WORDS = ("حلقے", "رپورٹ", "حاضری", "نوجوانوں", "موازنہ", "جنوری")
ENGLISH_WORDS = ("Constituency brief", "Attendance", "Young people reached", "Compared with")


def _chromium() -> str:
    path = get_settings().chromium_path
    assert Path(path).is_file(), (
        f"no Chromium at {path}: run scripts/setup.sh (it installs Debian's chromium)"
    )
    return path


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run scripts/setup.sh (it installs poppler-utils)"
    return path


def _run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, capture_output=True, check=True, timeout=45)


def _plain(text: str) -> str:
    """Text to compare: compatibility forms folded (Arabic presentation forms), no spaces or bidi marks."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", folded)


def _hidden_values_in(text: str) -> list[int]:
    digits = text.replace(",", "")
    return [value for value in HIDDEN if re.search(rf"(?<![\d.]){value}(?!\d)", digits)]


def _not_blank(png: Path) -> None:
    image = Image.open(png).convert("L")
    dark = sum(image.histogram()[:200])
    assert dark > image.width * image.height // 100, f"{png.name} is (almost) blank"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium with the printer's flags, to look at the brief as a page."""
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(executable_path=_chromium(), args=list(CHROMIUM_FLAGS))
        yield launched
        await launched.close()


@pytest.fixture(scope="module")
async def printer() -> AsyncIterator[PdfPrinter]:
    """One printer for the module's PDFs, as one API process keeps one."""
    shared = PdfPrinter(_chromium())
    yield shared
    await shared.close()


async def _dom(browser: Browser, html: str) -> str:
    page = await browser.new_page()
    await page.set_content(html)
    dom = await page.content()
    await page.close()
    return dom


async def test_brief_is_self_contained_and_escapes_names() -> None:
    turnout = make_turnout()
    turnout.area.name = "<script>alert(1)</script> & Co"
    html = await render_brief_html(turnout, lang=BriefLanguage.EN)
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    # The SVG namespace is a name, not a request; nothing else points outside the page.
    assert re.findall(r"https?://[^\s\"')]+", html.replace('xmlns="http://www.w3.org/2000/svg"', "")) == []
    for outside in ("<link", "src=", "url(http", "@import"):
        assert outside not in html, outside
    assert '<meta name="viewport"' in html
    assert "@page{size:A4" in html


async def test_suppressed_cells_render_the_same_whatever_they_hide() -> None:
    for lang in BriefLanguage:
        careless = await render_brief_html(make_turnout(carried=True), lang=lang)
        contract = await render_brief_html(make_turnout(carried=False), lang=lang)
        # Text, bar heights and widths, scales: nothing depends on a hidden value.
        assert careless == contract
        assert _hidden_values_in(careless) == []
        assert "-hatch)" in careless


async def test_suppressed_bars_are_fixed_height_hatched_placeholders() -> None:
    html = await render_brief_html(make_turnout(), lang=BriefLanguage.EN)
    hatched = re.findall(
        r'<rect x="[^"]+" y="[^"]+" width="([^"]+)" height="([^"]+)" fill="url\(#([a-z]+)-hatch\)"', html
    )
    monthly = {height for _, height, chart in hatched if chart == "monthly"}
    # Four hidden reach months and one hidden headcount month (make_turnout).
    assert len([1 for *_, chart in hatched if chart == "monthly"]) == 5
    assert monthly == {"8"}
    assert {width for width, _, chart in hatched if chart in ("gender", "age")} == {"16"}


async def test_both_briefs_say_the_figures_are_adjusted_and_parts_may_not_add_up() -> None:
    for lang in BriefLanguage:
        html = await render_brief_html(make_turnout(), lang=lang)
        assert escape(LABELS[lang]["adjusted"]) in html
    assert "parts may not add up" in LABELS[BriefLanguage.EN]["adjusted"]


async def test_urdu_brief_is_right_to_left_in_a_naskh_or_nastaliq_font() -> None:
    html = await render_brief_html(make_turnout(), lang=BriefLanguage.UR)
    assert html.startswith('<!DOCTYPE html><html lang="ur" dir="rtl">')
    for word in (*URDU_WORDS, NAME_UR, "لاہور کا اوسط حلقہ", "دسمبر 2025 تا نومبر 2026"):
        assert word in html, word
    assert 'local("Noto Nastaliq Urdu Regular")' in html
    assert 'local("Noto Naskh Arabic Regular")' in html
    assert 'direction="rtl"' in html
    assert "Attendance" not in html


async def test_chromium_renders_both_briefs_with_their_charts(browser: Browser) -> None:
    for lang in BriefLanguage:
        dom = await _dom(browser, await render_brief_html(make_turnout(), lang=lang))
        assert dom.count("<svg") == 4, lang  # months, gender, age, topics
        assert dom.count("<rect") > 40
        if lang is BriefLanguage.UR:
            assert '<html lang="ur" dir="rtl">' in dom
            assert NAME_UR in dom
            assert "ماہ بہ ماہ" in dom
        else:
            assert NAME in dom
            assert "Month by month" in dom


async def test_brief_is_drawn_on_a_phone_screen(browser: Browser, tmp_path: Path) -> None:
    page = await browser.new_page(viewport={"width": 390, "height": 1400})
    await page.set_content(await render_brief_html(make_turnout(), lang=BriefLanguage.UR))
    shot = tmp_path / "phone.png"
    await page.screenshot(path=shot)
    await page.close()
    _not_blank(shot)


@pytest.mark.parametrize("lang", list(BriefLanguage))
async def test_pdf_is_one_a4_page_with_text_charts_and_no_hidden_value(
    lang: BriefLanguage, printer: PdfPrinter, tmp_path: Path
) -> None:
    html = await render_brief_html(make_turnout(), lang=lang)
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(await printer.print_pdf(html))

    info = (await asyncio.to_thread(_run, _tool("pdfinfo"), str(pdf))).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    assert "(A4)" in info, info
    await asyncio.to_thread(_run, _tool("pdftoppm"), "-png", "-r", "60", str(pdf), str(tmp_path / "page"))
    _not_blank(tmp_path / "page-1.png")

    text = (await asyncio.to_thread(_run, _tool("pdftotext"), str(pdf), "-")).stdout.decode("utf-8")
    plain = _plain(text)
    words = (*URDU_WORDS, NAME_UR) if lang is BriefLanguage.UR else (*ENGLISH_WORDS, NAME)
    missing = [word for word in words if _plain(word) not in plain]
    assert missing == [], f"not in the PDF's text: {missing}"
    assert "2,802" in text
    assert "NA-120" in text
    assert _hidden_values_in(text) == []


async def test_mp_reads_own_constituency_brief_in_urdu(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None
) -> None:
    mp = await make_user(Role.MP, constituency="NA-117")
    answer = await client.get(
        "/v1/turnout/constituencies/NA-117/brief", params={"lang": "ur"}, headers=mp.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text.startswith('<!DOCTYPE html><html lang="ur" dir="rtl">')
    assert "(NA-117)" in answer.text
    assert "<svg" in answer.text  # the months, even before the first event
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert answer.headers["cache-control"] == "private, no-store"
    other = await client.get("/v1/turnout/constituencies/NA-132/brief", headers=mp.headers)
    assert other.status_code == 404


async def test_mp_downloads_own_constituency_brief_as_one_page_pdf(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None, tmp_path: Path
) -> None:
    mp = await make_user(Role.MP, constituency="NA-117")
    answer = await client.get("/v1/turnout/constituencies/NA-117/brief.pdf", headers=mp.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'inline; filename="brief-NA-117-en.pdf"'
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(answer.content)
    info = (await asyncio.to_thread(_run, _tool("pdfinfo"), str(pdf))).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    text = (await asyncio.to_thread(_run, _tool("pdftotext"), str(pdf), "-")).stdout.decode("utf-8")
    assert "Lahore-I (NA-117)" in text


async def test_pdf_briefs_are_rate_limited_per_account(
    settings: Settings, shared_database: Database, make_user: MakeUser, seeded: None
) -> None:
    mp = await make_user(Role.MP, constituency="NA-117")
    app = create_app(
        settings.model_copy(update={"rate_limits": {"brief_pdf": "1/hour"}}), database=shared_database
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            path = "/v1/turnout/constituencies/NA-117/brief.pdf"
            assert (await http.get(path, headers=mp.headers)).status_code == 200
            refused = await http.get(path, headers=mp.headers)
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert int(refused.headers["retry-after"]) >= 1
