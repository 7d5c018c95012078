"""The brief's PDF: one headless Chromium per API process, driven by Playwright and reused for every print."""

import asyncio
import logging
import os

from playwright.async_api import Browser, BrowserContext, Playwright, Route, async_playwright
from playwright.async_api import Error as PlaywrightError

from backend.core import metrics
from backend.core.errors import AppError
from backend.core.settings import get_settings

logger = logging.getLogger(__name__)

PDF_TIMEOUT_S = 30.0
# Each print takes a renderer process, a core and some hundred MB: two at a time, the rest wait their turn.
MAX_PRINTS = 2
# Closing a context whose page hung is bounded too; past this the whole browser is dropped and relaunched.
CLOSE_TIMEOUT_S = 5.0
# A Chromium that reaches nothing: no background traffic, no name lookups (the machine has only loopback).
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-crash-reporter",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class PdfUnavailableError(AppError):
    status = 503
    code = "pdf_unavailable"
    title = "PDF unavailable"


class PdfPrinter:
    """One Chromium, launched on first use and again after it dies; every print in a fresh context."""

    def __init__(
        self, chromium_path: str, *, timeout_s: float = PDF_TIMEOUT_S, max_prints: int = MAX_PRINTS
    ) -> None:
        self.chromium_path = chromium_path
        self.timeout_s = timeout_s
        self._prints = asyncio.Semaphore(max_prints)
        self._launching = asyncio.Lock()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def print_pdf(self, html: str) -> bytes:
        """Print a self-contained HTML page to an A4 PDF (the page's own @page size wins); at most
        `max_prints` at once, the others wait (counted in the metrics)."""
        metrics.PDF_PRINTS_WAITING.inc()
        try:
            await self._prints.acquire()
        finally:
            metrics.PDF_PRINTS_WAITING.dec()
        try:
            with metrics.PDF_PRINTS_RUNNING.track_inprogress():
                return await self._print_once(html)
        finally:
            self._prints.release()

    async def _print_once(self, html: str) -> bytes:
        context = await self._new_context()
        try:
            async with asyncio.timeout(self.timeout_s):
                return await self._print(context, html)
        except TimeoutError:
            logger.error("Chromium did not print the brief within %.0f s", self.timeout_s)
            raise PdfUnavailableError("Printing the brief took too long; try again later.") from None
        except PlaywrightError as error:
            logger.error("Chromium failed to print the brief: %s", str(error)[-800:])
            raise PdfUnavailableError("The PDF renderer failed; the HTML brief works.") from None
        finally:
            await self._close_context(context)

    async def close(self) -> None:
        """Close Chromium and the Playwright driver; the next print launches them again."""
        async with self._launching:
            await self._shut_down()

    async def _print(self, context: BrowserContext, html: str) -> bytes:
        # Whatever the page asks for beyond itself is refused: a brief never fetches anything.
        await context.route("**/*", _only_inline)
        page = await context.new_page()
        await page.set_content(html, wait_until="load")
        return await page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

    async def _close_context(self, context: BrowserContext) -> None:
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await context.close()
        except (TimeoutError, PlaywrightError):
            # A renderer that will not close may hold the browser too: start afresh on the next print.
            logger.error("a brief's browser context did not close; relaunching Chromium")
            async with self._launching:
                await self._shut_down()

    async def _new_context(self) -> BrowserContext:
        browser = await self._connected_browser()
        try:
            return await browser.new_context(service_workers="block")
        except PlaywrightError:
            # Chromium died and the driver has not noticed yet: launch it again, once.
            browser = await self._connected_browser(dead=browser)
        try:
            return await browser.new_context(service_workers="block")
        except PlaywrightError as error:
            logger.error("Chromium gave no page for the brief: %s", str(error)[-800:])
            raise PdfUnavailableError("The PDF renderer failed; the HTML brief works.") from None

    async def _connected_browser(self, *, dead: Browser | None = None) -> Browser:
        if self._browser is not None and self._browser is not dead and self._browser.is_connected():
            return self._browser
        async with self._launching:
            if self._browser is not None and self._browser is not dead and self._browser.is_connected():
                return self._browser
            if self._browser is not None:
                logger.warning("Chromium for the brief had died; launching it again")
            await self._shut_down()
            self._browser = await self._launch()
            return self._browser

    async def _launch(self) -> Browser:
        if not await asyncio.to_thread(_is_executable, self.chromium_path):
            logger.error("no Chromium at CHROMIUM_PATH=%s: the brief cannot be printed", self.chromium_path)
            raise PdfUnavailableError("No PDF renderer is installed on this server; the HTML brief works.")
        try:
            self._playwright = await async_playwright().start()
            return await self._playwright.chromium.launch(
                executable_path=self.chromium_path,
                args=list(CHROMIUM_FLAGS),
                timeout=self.timeout_s * 1000,
            )
        except PlaywrightError as error:
            logger.error("Chromium did not start for the brief: %s", str(error)[-800:])
            await self._shut_down()
            raise PdfUnavailableError("The PDF renderer failed; the HTML brief works.") from None

    async def _shut_down(self) -> None:
        browser, driver = self._browser, self._playwright
        self._browser, self._playwright = None, None
        try:
            if browser is not None:
                await browser.close()
        except PlaywrightError:
            pass  # already gone
        if driver is not None:
            await driver.stop()


async def _only_inline(route: Route) -> None:
    if route.request.url.startswith(("about:", "data:")):
        await route.continue_()
    else:
        await route.abort()


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


_printer: PdfPrinter | None = None


def printer() -> PdfPrinter:
    """This process's printer, made on first use from the settings (CHROMIUM_PATH)."""
    global _printer
    if _printer is None:
        _printer = PdfPrinter(get_settings().chromium_path)
    return _printer


async def close_printer() -> None:
    """Close this process's Chromium, if one was started; a later print makes a new printer."""
    global _printer
    closing, _printer = _printer, None
    if closing is not None:
        await closing.close()
