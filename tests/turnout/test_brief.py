"""The MP brief: rendered by Debian's headless Chromium as a page and as a one-page A4 PDF, Urdu as text,
charts present, and no suppressed value anywhere (text, SVG geometry or PDF)."""

import asyncio
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import httpx
import pytest
from PIL import Image

from backend.core.settings import get_settings
from backend.turnout.brief import PdfUnavailableError, chromium_flags, print_pdf, render_brief_html
from schemas.accounts import Role
from schemas.turnout import BriefLanguage
from tests.conftest import MakeUser
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


async def _dom(html: str, tmp_path: Path, name: str) -> str:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    flags = [
        flag for flag in chromium_flags(tmp_path / f"profile-{name}") if flag != "--no-pdf-header-footer"
    ]
    done = await asyncio.to_thread(_run, _chromium(), *flags, "--dump-dom", page.as_uri())
    return done.stdout.decode("utf-8")


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
    assert len([1 for *_, chart in hatched if chart == "monthly"]) == 4
    assert monthly == {"8"}
    assert {width for width, _, chart in hatched if chart in ("gender", "age")} == {"16"}


async def test_urdu_brief_is_right_to_left_in_a_naskh_or_nastaliq_font() -> None:
    html = await render_brief_html(make_turnout(), lang=BriefLanguage.UR)
    assert html.startswith('<!DOCTYPE html><html lang="ur" dir="rtl">')
    for word in (*URDU_WORDS, NAME_UR, "لاہور کا اوسط حلقہ", "دسمبر 2025 تا نومبر 2026"):
        assert word in html, word
    assert 'local("Noto Nastaliq Urdu Regular")' in html
    assert 'local("Noto Naskh Arabic Regular")' in html
    assert 'direction="rtl"' in html
    assert "Attendance" not in html


async def test_chromium_renders_both_briefs_with_their_charts(tmp_path: Path) -> None:
    for lang in BriefLanguage:
        dom = await _dom(await render_brief_html(make_turnout(), lang=lang), tmp_path, lang.value)
        assert dom.count("<svg") == 4, lang  # months, gender, age, topics
        assert dom.count("<rect") > 40
        if lang is BriefLanguage.UR:
            assert '<html lang="ur" dir="rtl">' in dom
            assert NAME_UR in dom
            assert "ماہ بہ ماہ" in dom
        else:
            assert NAME in dom
            assert "Month by month" in dom


async def test_brief_is_drawn_on_a_phone_screen(tmp_path: Path) -> None:
    page = tmp_path / "brief.html"
    page.write_text(await render_brief_html(make_turnout(), lang=BriefLanguage.UR), encoding="utf-8")
    shot = tmp_path / "phone.png"
    flags = [flag for flag in chromium_flags(tmp_path / "profile") if flag != "--no-pdf-header-footer"]
    await asyncio.to_thread(
        _run, _chromium(), *flags, "--window-size=390,1400", f"--screenshot={shot}", page.as_uri()
    )
    _not_blank(shot)


@pytest.mark.parametrize("lang", list(BriefLanguage))
async def test_pdf_is_one_a4_page_with_text_charts_and_no_hidden_value(
    lang: BriefLanguage, tmp_path: Path
) -> None:
    html = await render_brief_html(make_turnout(), lang=lang)
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(await print_pdf(html, chromium_path=_chromium()))

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


async def test_pdf_answers_503_when_chromium_is_missing(tmp_path: Path) -> None:
    with pytest.raises(PdfUnavailableError) as raised:
        await print_pdf("<p>brief</p>", chromium_path=str(tmp_path / "no-chromium"))
    assert raised.value.status == 503
    assert raised.value.code == "pdf_unavailable"


async def test_pdf_renders_leave_no_temporary_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tempfile_dir = tmp_path / "work"
    tempfile_dir.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(tempfile_dir))
    pdfs = await asyncio.gather(*(print_pdf("<p>brief</p>", chromium_path=_chromium()) for _ in range(2)))
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert list(tempfile_dir.iterdir()) == []


def _fake_chromium(tmp_path: Path, *, seconds: float) -> str:
    """A stand-in that notes how many copies run at once, waits, then writes a PDF where it was told."""
    script = tmp_path / "chromium"
    script.write_text(
        "#!/bin/sh\n"
        'dir=$(dirname "$0"); touch "$dir/running.$$"\n'
        'ls "$dir"/running.* | wc -l >> "$dir/peaks"\n'
        f"sleep {seconds}\n"
        'for arg in "$@"; do\n'
        '  case "$arg" in --print-to-pdf=*) echo %PDF-fake > "${arg#--print-to-pdf=}";; esac\n'
        "done\n"
        'rm "$dir/running.$$"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return str(script)


def _left_running(folder: Path) -> int:
    return len(list(folder.glob("running.*")))


async def test_at_most_two_pdfs_print_at_once(tmp_path: Path) -> None:
    chromium = _fake_chromium(tmp_path, seconds=0.4)
    pdfs = await asyncio.gather(*(print_pdf("<p>brief</p>", chromium_path=chromium) for _ in range(5)))
    assert pdfs == [b"%PDF-fake\n"] * 5
    peaks = [int(line) for line in (tmp_path / "peaks").read_text().split()]
    assert max(peaks) == 2


async def test_a_hung_chromium_answers_503_after_the_timeout(tmp_path: Path) -> None:
    chromium = _fake_chromium(tmp_path, seconds=30)
    with pytest.raises(PdfUnavailableError):
        await print_pdf("<p>brief</p>", chromium_path=chromium, timeout_s=0.5)
    assert _left_running(tmp_path) == 1  # killed at once: it never reached its own tidying up


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
    other = await client.get("/v1/turnout/constituencies/NA-132/brief", headers=mp.headers)
    assert other.status_code == 404


async def test_mp_downloads_own_constituency_brief_as_one_page_pdf(
    client: httpx.AsyncClient, make_user: MakeUser, seeded: None, tmp_path: Path
) -> None:
    mp = await make_user(Role.MP, constituency="NA-117")
    answer = await client.get("/v1/turnout/constituencies/NA-117/brief.pdf", headers=mp.headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(answer.content)
    info = (await asyncio.to_thread(_run, _tool("pdfinfo"), str(pdf))).stdout.decode()
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    text = (await asyncio.to_thread(_run, _tool("pdftotext"), str(pdf), "-")).stdout.decode("utf-8")
    assert "Lahore-I (NA-117)" in text
