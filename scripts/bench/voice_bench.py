"""Benchmark youth voice: poll answers per second through the API with 16 concurrent clients beside the
framework floor (a request that touches no database) in the same run; a poll's results read p95 with
1,000 and with 1,000,000 answers stored; the MP's questions page p95 with 100 and 100,000 questions.

The API runs under uvicorn in a process of its own, on loopback, against an embedded engine of its own
(memory storage) or MONGODB_URI; sign-in is replaced by `X-Bench-*` headers (uid, role, seat) so token
checks are not measured; rate limits are off. Stored answers and questions go straight into the database
in the form the API stores them, with the result counters computed by the functions the API's writes
call (`voice.polls.counting`) and stored with `$inc` upserts.
"""

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import Request
from pymongo import MongoClient, UpdateOne
from pymongo.collection import Collection
from pymongo.database import Database

from backend.accounts.models import Account
from backend.core.settings import Settings
from backend.turnout import counting as turnout_counting
from backend.turnout.keys import record_key
from backend.voice.polls import counting
from schemas.accounts import Role
from scripts.bench.common import (
    ProcessBenchServer,
    add_heap_option,
    bench_settings,
    load_geography,
    p95_ms,
    store_directly,
)
from scripts.bench.youth_data import profile_document

SEAT = "NA-117"
CLIENTS = 16
RESULTS_SIZES = (1_000, 1_000_000)
QUESTION_SIZES = (100, 100_000)
GOAL = 1.5
SNAPSHOT: dict[str, Any] = {
    "month": "",
    "constituency": SEAT,
    "provincial_constituency": "PP-145",
    "district": "lahore",
    "province": "PK-PB",
}


async def _caller(request: Request) -> Account:
    # Only a Request parameter and async: FastAPI analyses an override's signature per request.
    now = datetime.now(UTC)
    role = Role(request.headers.get("x-bench-role", Role.YOUTH.value))
    return Account(
        id=request.headers["x-bench-uid"],
        roles=[role],
        constituency=request.headers.get("x-bench-seat"),
        created_at=now,
        updated_at=now,
    )


def _headers(uid: str, role: Role = Role.YOUTH) -> dict[str, str]:
    return {"X-Bench-Uid": uid, "X-Bench-Role": role.value, "X-Bench-Seat": SEAT}


def poll_body(now: datetime) -> dict[str, Any]:
    option = {"label": {"ur": "ہاں", "en": "Yes"}}
    text = {"ur": "کیا آپ نے ایجنٹ کو فیس دی؟", "en": "Did you pay an agent a fee?"}
    return {
        "title": {"ur": "بینچ", "en": "Bench poll"},
        "questions": [
            {"kind": "single_choice", "text": text, "options": [option, option, option]},
            {"kind": "rating", "text": text},
        ],
        "audience": {"national": True},
        "opens_at": now.isoformat(),
        "closes_at": (now + timedelta(days=30)).isoformat(),
    }


Call = tuple[str, str, dict[str, Any] | None, dict[str, str]]  # method, path, JSON body, headers


async def _rate(base: str, requests: Sequence[Call]) -> float:
    """Requests per second, `CLIENTS` at a time over one connection pool; every answer must be a 2xx."""
    queue = list(reversed(requests))
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

        async def client() -> None:
            while queue:
                method, path, body, headers = queue.pop()
                response = await http.request(method, path, json=body, headers=headers)
                assert response.is_success, response.text

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        return len(requests) / (time.perf_counter() - began)


def _answers(
    poll_id: str, count: int, rng: random.Random, month: str
) -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
    """`count` stored answers to the poll's first question (a new person each) and their increments."""
    for _ in range(count):
        answer_id = uuid.uuid4().hex
        choice = f"o{rng.randint(1, 3)}"
        counted = SNAPSHOT | {
            "month": month,
            "gender": rng.choice(["female", "male"]),
            "age_band": "age_20_24",
        }
        counted["key"] = record_key(answer_id)
        now = datetime.now(UTC)
        document = {
            "_id": answer_id,
            "poll": poll_id,
            "uid": f"stored-{answer_id}",
            "question": "q1",
            "kind": "single_choice",
            "value": choice,
            "revision": 1,
            "counted_as": counted,
            "quoted": False,
            "answered_at": now,
            "changed_at": now,
        }
        yield document, counting.increments("q1", "single_choice", choice, counted, 1)


def _create_poll(base: str, editor: dict[str, str], key: str) -> str:
    """A poll to the whole country, open now, written through the API."""
    body = poll_body(datetime.now(UTC))
    created = httpx.post(
        f"{base}/v1/editorial/polls", json=body, headers=editor | {"Idempotency-Key": key}, timeout=60
    )
    created.raise_for_status()
    return str(created.json()["id"])


def _store_answers(settings: Settings, poll_id: str, count: int, rng: random.Random) -> None:
    """Store `count` answers and add their counts to the poll's counters, showing progress."""
    month = datetime.now(UTC).strftime("%Y-%m")
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, tz_aware=True) as client:
        database: Database[dict[str, Any]] = client[settings.mongodb_database]
        totals: dict[str, dict[str, int]] = {}
        chunk: list[dict[str, Any]] = []
        stored = 0
        for document, inc in _answers(poll_id, count, rng, month):
            chunk.append(document)
            for area, code in turnout_counting.areas(document["counted_as"]):
                target = totals.setdefault(counting.counter_id(poll_id, area, code), {})
                for path, n in inc.items():
                    target[path] = target.get(path, 0) + n
            if len(chunk) == 5_000:
                database["poll_answers"].insert_many(chunk, ordered=False)
                stored += len(chunk)
                chunk.clear()
                print(f"  answers: {stored:,} stored", end="\r", flush=True)
        if chunk:
            database["poll_answers"].insert_many(chunk, ordered=False)
            stored += len(chunk)
        print(f"  answers: {stored:,} stored")
        updates = [
            UpdateOne(
                {"_id": document_id},
                {
                    "$inc": inc,
                    "$setOnInsert": dict(
                        zip(("poll", "area", "code"), document_id.split(":", 2), strict=True)
                    ),
                },
                upsert=True,
            )
            for document_id, inc in totals.items()
        ]
        database["poll_counters"].bulk_write(updates, ordered=False)


def _store_questions(settings: Settings, count: int, rng: random.Random) -> None:
    """Store `count` approved questions of the seat with random supports, showing progress."""
    now = datetime.now(UTC)
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, tz_aware=True) as client:
        collection: Collection[dict[str, Any]] = client[settings.mongodb_database]["voice_questions"]
        chunk: list[dict[str, Any]] = []
        for index in range(count):
            question_id = str(uuid.uuid4())
            supports = rng.randint(0, 500)
            chunk.append(
                {
                    "_id": question_id,
                    "idempotency_key": f"stored {question_id}",
                    "request_digest": "stored",
                    "uid": f"stored-{index}",
                    "text": f"Stored question {index} about agents and fees",
                    "topic": "fake_job_or_visa",
                    "seats": [SEAT, "PP-145"],
                    "district": "lahore",
                    "status": "approved",
                    "supports": supports,
                    "support_key": supports * 7919,
                    "created_at": now - timedelta(seconds=index),
                }
            )
            if len(chunk) == 5_000 or index == count - 1:
                collection.insert_many(chunk, ordered=False)
                chunk.clear()
                print(f"  questions: {index + 1:,} stored", end="\r", flush=True)
        print()


def _p95_of(base: str, path: str, headers: dict[str, str], samples: int) -> float:
    with httpx.Client(base_url=base, timeout=60) as http:
        for _ in range(5):  # warm-up
            http.get(path, headers=headers).raise_for_status()
        seconds = []
        for _ in range(samples):
            began = time.perf_counter()
            http.get(path, headers=headers).raise_for_status()
            seconds.append(time.perf_counter() - began)
    return p95_ms(seconds)


def _line(label: str, small: float, large: float, sizes: tuple[int, int], *, goal: bool) -> str:
    ratio = large / small
    verdict = f" ({'within' if ratio <= GOAL else 'over'} the {GOAL}x goal)" if goal else ""
    figures = f"p95 {small:8.2f} ms at {sizes[0]:,}  {large:8.2f} ms at {sizes[1]:,}"
    return f"  {label:<24} {figures}  ratio {ratio:.2f}{verdict}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.bench.voice_bench",
        description="Poll answers per second with 16 concurrent clients beside the no-database floor, "
        "a poll's results read p95 with 1,000 and 1,000,000 answers stored, the MP's questions page p95 "
        "with 100 and 100,000 questions stored.",
    )
    parser.add_argument("--people", type=int, default=2_000, help="young people answering through the API")
    parser.add_argument(
        "--answers", type=int, default=RESULTS_SIZES[1], help="answers stored for the large read"
    )
    parser.add_argument(
        "--questions", type=int, default=QUESTION_SIZES[1], help="questions for the large page"
    )
    parser.add_argument("--samples", type=int, default=200, help="timed reads per figure")
    parser.add_argument("--seed", type=int, default=20)
    add_heap_option(parser)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)  # noqa: S311 - sample data, not secrets
    with bench_settings(heap_mb=args.engine_heap_mb) as settings:
        load_geography(settings)
        uids = [f"bench-{n:07d}" for n in range(args.people)]
        now = datetime.now(UTC)
        store_directly(
            settings, "youth_profiles", (profile_document(uid, now) for uid in uids), label="people"
        )
        with ProcessBenchServer(settings, _caller) as base:
            editor = _headers("bench-editor", Role.EDITOR)
            poll_id, read_poll = (
                _create_poll(base, editor, key) for key in ("bench-answers", "bench-results")
            )
            answers = [
                (
                    "PUT",
                    f"/v1/polls/{poll_id}/answers",
                    {
                        "answers": [
                            {"question": "q1", "choice": f"o{rng.randint(1, 3)}"},
                            {"question": "q2", "rating": rng.randint(1, 5)},
                        ]
                    },
                    _headers(uid),
                )
                for uid in uids
            ]
            floor_requests = [("GET", "/v1/youth/consent", None, _headers(uid)) for uid in uids]
            print(f"{len(answers):,} submissions of two answers, {CLIENTS} clients at a time ...", flush=True)
            floor_before = asyncio.run(_rate(base, floor_requests))
            answered = asyncio.run(_rate(base, answers))
            floor_after = asyncio.run(_rate(base, floor_requests))
            floor = statistics.mean([floor_before, floor_after])
            # The reads are of a poll of their own: the one answered above holds other answers already.
            results_path = f"/v1/polls/{read_poll}/results?area=constituency&code={SEAT}"
            mp = _headers("bench-mp", Role.MP)
            _store_answers(settings, read_poll, RESULTS_SIZES[0], rng)
            print(f"results reads with {RESULTS_SIZES[0]:,} answers ...", flush=True)
            results_small = _p95_of(base, results_path, mp, args.samples)
            _store_answers(settings, read_poll, args.answers - RESULTS_SIZES[0], rng)
            print(f"results reads with {args.answers:,} answers ...", flush=True)
            results_large = _p95_of(base, results_path, mp, args.samples)
            _store_questions(settings, QUESTION_SIZES[0], rng)
            print(f"questions pages with {QUESTION_SIZES[0]:,} questions ...", flush=True)
            questions_small = _p95_of(base, "/v1/mp/questions?limit=20", mp, args.samples)
            _store_questions(settings, args.questions - QUESTION_SIZES[0], rng)
            print(f"questions pages with {args.questions:,} questions ...", flush=True)
            questions_large = _p95_of(base, "/v1/mp/questions?limit=20", mp, args.samples)
    print("\nsummary")
    print(f"  poll answers (2 each)    {answered:8.1f} submissions/s with {CLIENTS} clients")
    print(f"  no-db GET (the floor)    {floor:8.1f} requests/s", end="")
    print(f" (before {floor_before:.1f}, after {floor_after:.1f})")
    print(f"  answers / floor          {answered / floor:8.2f}")
    print(
        _line(
            "poll results (MP seat)",
            results_small,
            results_large,
            (RESULTS_SIZES[0], args.answers),
            goal=True,
        )
    )
    print(
        _line(
            "MP questions page (20)",
            questions_small,
            questions_large,
            (QUESTION_SIZES[0], args.questions),
            goal=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
