"""Screenshots of the staff console for the README (docs/console/), from the run command's demo.

Start `scripts/run.sh --demo` first; this signs each demo user in through the console's own sign-in page
(the Firebase JS SDK against the Auth emulator) in Debian's Chromium, opens every page of their role in
Urdu and English at phone and desktop widths, saves a PNG of each, and fails on a blank or failed page.
"""

import argparse
import asyncio
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.async_api import Browser, Page, async_playwright

from scripts.firebase_emulator import EMULATOR_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 860)}
LANGUAGES = ("ur", "en")
# Chromium as the brief's printer starts it, but free to reach the console on loopback.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]


@dataclass(frozen=True)
class Shot:
    """A page to photograph: `path`, or the first link under `path` matching `follow` (a CSS selector)."""

    name: str
    email: str
    path: str
    follow: str = ""


SHOTS = [
    Shot("home", "admin@hamqadam.dev", "/console"),
    Shot("accounts", "admin@hamqadam.dev", "/console/admin/accounts"),
    Shot("audit", "admin@hamqadam.dev", "/console/admin/audit"),
    Shot("imports", "admin@hamqadam.dev", "/console/admin/imports"),
    Shot("content", "editor@hamqadam.dev", "/console/content"),
    Shot(
        "content-edit",
        "editor@hamqadam.dev",
        "/console/content",
        'table.content a[href^="/console/content/"]',
    ),
    Shot("campaigns", "editor@hamqadam.dev", "/console/campaigns"),
    Shot("campaign-new", "editor@hamqadam.dev", "/console/campaigns/new"),
    Shot("questions", "editor@hamqadam.dev", "/console/editor/questions"),
    Shot("events", "officer.lahore@hamqadam.dev", "/console/events"),
    Shot("event-new", "officer.lahore@hamqadam.dev", "/console/events/new"),
    Shot("event-report", "officer.lahore@hamqadam.dev", "/console/events", 'a[href$="/report"]'),
    Shot("event-qr", "officer.lahore@hamqadam.dev", "/console/events", 'a[href$="/qr"]'),
    Shot("review", "supervisor.punjab@hamqadam.dev", "/console/review"),
    Shot("mp", "mp.na120@hamqadam.dev", "/console/mp"),
]


def not_blank(png: Path) -> bool:
    """More than two shades in the picture: something was drawn."""
    shades = Image.open(png).convert("L").histogram()
    return sum(1 for count in shades if count) > 2


async def sign_in(page: Page, console: str, email: str) -> None:
    """Through the sign-in page, as a person would."""
    await page.goto(f"{console}/console/sign-in")
    await page.fill('input[name="email"]', email)
    await page.fill('input[name="password"]', EMULATOR_PASSWORD)
    await page.click('button[type="submit"]')
    await page.wait_for_url(f"{console}/console", timeout=30_000)


async def photograph(page: Page, console: str, shot: Shot, out: Path) -> list[str]:
    """Every language and width of one page, on a page signed in as its user; the problems found."""
    problems = []
    path = shot.path
    if shot.follow:
        await page.goto(f"{console}{path}")
        link = page.locator(shot.follow).first
        if not await link.count():
            return [f"{shot.name}: no link {shot.follow} on {path}"]
        path = str(await link.get_attribute("href"))
    for language in LANGUAGES:
        await page.goto(f"{console}/console/language/{language}?next={path}")
        for width_name, (width, height) in WIDTHS.items():
            await page.set_viewport_size({"width": width, "height": height})
            answer = await page.goto(f"{console}{path}")
            if answer is None or answer.status != 200:
                problems.append(f"{shot.name}: {path} answered {answer and answer.status}")
                continue
            await page.evaluate("document.fonts.ready")
            png = out / f"{shot.name}-{language}-{width_name}.png"
            await page.screenshot(path=str(png))
            if not not_blank(png):
                problems.append(f"{png.name} is blank")
    return problems


async def photograph_all(browser: Browser, console: str, shots: list[Shot], out: Path) -> list[str]:
    """Each demo user signs in once (sign-in is rate limited) and has their pages photographed."""
    problems: list[str] = []
    done = 0
    for email in dict.fromkeys(shot.email for shot in shots):
        context = await browser.new_context()
        try:
            page = await context.new_page()
            await sign_in(page, console, email)
            for shot in (shot for shot in shots if shot.email == email):
                done += 1
                print(f"[{done}/{len(shots)}] {shot.name} as {email}", flush=True)
                problems += await photograph(page, console, shot, out)
            await page.goto(f"{console}/console/language/ur")  # the demo user back in Urdu, the default
        finally:
            await context.close()
    return problems


async def run(console: str, out: Path, names: set[str]) -> int:
    chosen = [shot for shot in SHOTS if not names or shot.name in names]
    began = time.monotonic()
    async with async_playwright() as driver:
        chromium = shutil.which("chromium") or "/usr/bin/chromium"
        browser = await driver.chromium.launch(executable_path=chromium, args=FLAGS)
        problems = await photograph_all(browser, console, chosen, out)
        await browser.close()
    taken = len(chosen) * len(LANGUAGES) * len(WIDTHS)
    print(f"{taken} screenshots in {out} in {time.monotonic() - began:.0f} s; {len(problems)} problems")
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.console_screenshots", description=__doc__)
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="the run command's address")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "console", help="where the PNGs go")
    parser.add_argument("--only", nargs="*", default=[], help="page names to take (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(run(args.api.rstrip("/"), args.out, set(args.only)))


if __name__ == "__main__":
    sys.exit(main())
