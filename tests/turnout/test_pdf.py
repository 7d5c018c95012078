"""The brief's PDF printer: one Chromium kept per process, two prints at a time, a hung print answers 503,
a dead Chromium is launched again, nothing is fetched and no temporary file is left behind."""

import asyncio
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext

from backend.core.settings import get_settings
from backend.turnout.brief.pdf import PDF_TIMEOUT_S, PdfPrinter, PdfUnavailableError


def _chromium() -> str:
    path = get_settings().chromium_path
    assert Path(path).is_file(), f"no Chromium at {path}: run scripts/setup.sh (it installs chromium)"
    return path


def _entries(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


async def test_pdf_answers_503_when_chromium_is_missing(tmp_path: Path) -> None:
    with pytest.raises(PdfUnavailableError) as raised:
        await PdfPrinter(str(tmp_path / "no-chromium")).print_pdf("<p>brief</p>")
    assert raised.value.status == 503
    assert raised.value.code == "pdf_unavailable"


@pytest.fixture
def short_tmp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A short TMPDIR for Playwright's driver and Chromium (its profile's socket path must stay short)."""
    folder = Path(tempfile.mkdtemp(prefix="pdf-", dir="/tmp"))
    monkeypatch.setenv("TMPDIR", str(folder))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


async def test_pdf_renders_leave_no_temporary_files(short_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tempfile.tempdir", str(short_tmp))
    printer = PdfPrinter(_chromium())
    try:
        first = await asyncio.gather(*(printer.print_pdf("<p>brief</p>") for _ in range(2)))
        while_running = _entries(short_tmp)
        more = await asyncio.gather(*(printer.print_pdf("<p>brief</p>") for _ in range(3)))
        assert all(pdf.startswith(b"%PDF") for pdf in [*first, *more])
        assert _entries(short_tmp) == while_running  # nothing kept per print
    finally:
        await printer.close()
    assert _entries(short_tmp) == []


class _CountingPrinter(PdfPrinter):
    """The real printer, noting how many prints are inside Chromium at once."""

    running = 0
    peak = 0

    async def _print(self, context: BrowserContext, html: str) -> bytes:
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            await asyncio.sleep(0.2)  # long enough for the others to queue up behind
            return await super()._print(context, html)
        finally:
            self.running -= 1


async def test_at_most_two_pdfs_print_at_once() -> None:
    printer = _CountingPrinter(_chromium())
    try:
        pdfs = await asyncio.gather(*(printer.print_pdf("<p>brief</p>") for _ in range(5)))
    finally:
        await printer.close()
    assert all(pdf.startswith(b"%PDF") for pdf in pdfs)
    assert printer.peak == 2


async def test_a_hung_render_answers_503_and_the_next_print_works() -> None:
    printer = PdfPrinter(_chromium(), timeout_s=1.0)
    try:
        with pytest.raises(PdfUnavailableError) as raised:
            await printer.print_pdf("<p>brief</p><script>for (;;) {}</script>")
        assert raised.value.status == 503
        # The next print gets the usual time: under a loaded CI a fresh page (or a relaunch) can pass 1 s.
        printer.timeout_s = PDF_TIMEOUT_S
        assert (await printer.print_pdf("<p>brief</p>")).startswith(b"%PDF")
    finally:
        await printer.close()


def _browser_pids(profile_root: Path) -> list[int]:
    """Chromium's browser processes whose profile lies under the folder (its helpers carry --type=)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        profile = [arg for arg in args if arg.startswith(b"--user-data-dir=" + bytes(profile_root))]
        if profile and not any(arg.startswith(b"--type=") for arg in args):
            pids.append(int(cmdline.parent.name))
    return pids


async def test_printer_launches_chromium_again_after_it_died(short_tmp: Path) -> None:
    printer = PdfPrinter(_chromium())
    try:
        assert (await printer.print_pdf("<p>brief</p>")).startswith(b"%PDF")
        [pid] = _browser_pids(short_tmp)
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if pid not in _browser_pids(short_tmp):
                break
            await asyncio.sleep(0.05)
        assert (await printer.print_pdf("<p>brief</p>")).startswith(b"%PDF")
        assert _browser_pids(short_tmp) != [pid]
    finally:
        await printer.close()


async def test_a_brief_fetches_nothing() -> None:
    asked: list[bytes] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        asked.append(await reader.read(1000))
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    page = (
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        f'<p>brief</p><img src="http://127.0.0.1:{port}/logo.png">'
    )
    printer = PdfPrinter(_chromium())
    async with server:
        try:
            assert (await printer.print_pdf(page)).startswith(b"%PDF")
        finally:
            await printer.close()
    assert asked == []
