"""The MP's brief gains a page of what young people in the seat said: poll results beside the country's,
the most supported questions with their answers, event ratings; protected, escaped, in both languages."""

import asyncio
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import httpx

from backend.core.clock import utc_now
from schemas.accounts import Role
from tests.fixtures.events import event_with_code, plan_at
from tests.fixtures.users import MakeUser, User
from tests.fixtures.voice import answer, create_poll
from tests.fixtures.youth import MakeYoung

BRIEF = "/v1/turnout/constituencies/NA-117/brief"


def _pdf_text(pdf: Path) -> tuple[str, str]:
    pdfinfo, pdftotext = shutil.which("pdfinfo"), shutil.which("pdftotext")
    assert pdfinfo, "poppler-utils missing: run scripts/setup.sh"
    assert pdftotext, "poppler-utils missing: run scripts/setup.sh"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, check=True, timeout=45).stdout.decode()
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True, timeout=45).stdout
    return info, text.decode("utf-8")


async def _voices(
    client: httpx.AsyncClient, editor: User, officer: User, make_young: MakeYoung, mp: User
) -> None:
    poll = await create_poll(client, editor)
    for _ in range(6):
        person = await make_young()
        await answer(
            client, person, poll["id"], {"question": "q1", "choice": "o1"}, {"question": "q3", "rating": 4}
        )
    asker = await make_young()
    asked = await client.post(
        "/v1/questions",
        json={"text": "Is a fee > 5 lakh & no receipt legal?", "topic": "fake_job_or_visa"},
        headers=asker.headers | {"Idempotency-Key": "brief-question-1"},
    )
    question_id = asked.json()["id"]
    await client.post(f"/v1/editorial/questions/{question_id}/approve", headers=editor.headers)
    await client.put(
        f"/v1/mp/questions/{question_id}/answer",
        json={"text": "I raised it in the House."},
        headers=mp.headers,
    )
    event_id, code = await event_with_code(client, officer, plan_at(utc_now() - timedelta(minutes=30)))
    for _ in range(6):
        person = await make_young()
        await client.post("/v1/youth/checkins", json={"code": code}, headers=person.headers)
        body = {"rating": 5, "recommend": True}
        assert (
            await client.put(f"/v1/events/{event_id}/feedback", json=body, headers=person.headers)
        ).status_code == 201


async def test_the_brief_gains_a_page_of_what_young_people_said(
    client: httpx.AsyncClient,
    editor: User,
    officer: User,
    make_young: MakeYoung,
    make_user: MakeUser,
    tmp_path: Path,
) -> None:
    mp = await make_user(Role.MP, constituency="NA-117")
    quiet = await client.get(BRIEF, headers=mp.headers)
    assert "What young people in this seat said" not in quiet.text
    await _voices(client, editor, officer, make_young, mp)
    html = (await client.get(BRIEF, headers=mp.headers)).text
    assert '<section class="page"><h1>What young people in this seat said</h1>' in html
    assert "Safe migration" in html
    assert "Is a fee &gt; 5 lakh &amp; no receipt legal?" in html
    assert "I raised it in the House." in html
    assert "Event ratings" in html
    urdu = (await client.get(BRIEF, params={"lang": "ur"}, headers=mp.headers)).text
    assert "اس حلقے کے نوجوانوں نے کیا کہا" in urdu
    assert "محفوظ ہجرت" in urdu
    answer_pdf = await client.get(f"{BRIEF}.pdf", headers=mp.headers)
    assert answer_pdf.status_code == 200, answer_pdf.text
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(answer_pdf.content)
    info, text = await asyncio.to_thread(_pdf_text, pdf)
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info
    assert "What young people in this seat said" in text
    assert "I raised it in the House." in text
