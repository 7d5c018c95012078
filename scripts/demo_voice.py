"""The demo's voice of young people (scripts/demo_data.py): a closed poll with answers counted as the API
counts them, questions to an MP (approved, one answered), and event feedback from people who checked in."""

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from pymongo.database import Database

from backend.core.clock import month_of
from backend.turnout import counting as turnout_counting
from backend.turnout.keys import record_key
from backend.voice.polls import counting as poll_counting
from scripts.demo_store import add, inc_counters, monthly_fields, poll_fields


def _poll_answers(
    poll_id: str, people: list[dict[str, Any]], at: datetime, rng: random.Random
) -> Iterator[tuple[dict[str, Any], dict[str, int]]]:
    for person in people:
        for question, kind, value in (
            ("q1", "single_choice", rng.choices(["o1", "o2", "o3"], [5, 3, 2])[0]),
            ("q2", "rating", rng.choices([1, 2, 3, 4, 5], [1, 2, 3, 5, 4])[0]),
        ):
            answer_id = uuid.uuid4().hex
            counted = dict(person["counted_as"]) | {"month": month_of(at), "key": record_key(answer_id)}
            document = {
                "_id": answer_id,
                "poll": poll_id,
                "uid": person["_id"],
                "question": question,
                "kind": kind,
                "value": value,
                "revision": 1,
                "counted_as": counted,
                "quoted": False,
                "answered_at": at,
                "changed_at": at,
            }
            yield document, poll_counting.increments(question, kind, value, counted, 1)


def _option(number: int, ur: str, en: str) -> dict[str, Any]:
    return {"id": f"o{number}", "label": {"ur": ur, "en": en}}


def poll(
    database: Database[dict[str, Any]], people: list[dict[str, Any]], now: datetime, rng: random.Random
) -> int:
    """A closed national poll, answered by about half the demo's young people."""
    poll_id = str(uuid.uuid4())
    opens, closes = now - timedelta(days=45), now - timedelta(days=15)
    database["polls"].insert_one(
        {
            "_id": poll_id,
            "idempotency_key": "demo poll",
            "request_digest": "demo",
            "title": {"ur": "بیرون ملک کام (ڈیمو)", "en": "[Demo] Working abroad"},
            "questions": [
                {
                    "id": "q1",
                    "kind": "single_choice",
                    "text": {
                        "ur": "آپ کام کی تلاش کہاں کرتے ہیں؟",
                        "en": "Where do you look for work abroad?",
                    },
                    "options": [
                        _option(1, "ایجنٹ", "An agent"),
                        _option(2, "رشتہ دار", "Relatives"),
                        _option(3, "سرکاری دفتر", "A government office"),
                    ],
                },
                {
                    "id": "q2",
                    "kind": "rating",
                    "text": {
                        "ur": "محفوظ ہجرت کی معلومات کتنی مفید تھیں؟",
                        "en": "How useful was the information?",
                    },
                    "options": [],
                },
            ],
            "audience": {"national": True, "provinces": [], "districts": [], "constituencies": []},
            "opens_at": opens,
            "closes_at": closes,
            "version": 1,
            "answered": True,
            "announcement": None,
            "announcement_campaign_id": None,
            "created_by": "demo-editor",
            "created_at": opens - timedelta(days=1),
            "updated_at": opens,
        }
    )
    answering = [person for person in people if rng.random() < 0.5]
    deltas: dict[str, dict[str, int]] = {}
    documents = []
    for document, inc in _poll_answers(poll_id, answering, opens + timedelta(days=2), rng):
        documents.append(document)
        for area, code in turnout_counting.areas(document["counted_as"]):
            add(deltas, poll_counting.counter_id(poll_id, area, code), inc)
    if documents:
        database["poll_answers"].insert_many(documents, ordered=False)
    inc_counters(database, "poll_counters", deltas, poll_fields)
    return len(answering)


QUESTIONS = (
    ("How can I tell a licensed recruiter from a fake one?", "recruiter_check", 41),
    ("Why do agents ask for 5 lakh before a visa is issued?", "fake_job_or_visa", 27),
    ("Can the district office help families of people stuck abroad?", "where_to_get_help", 12),
)


def questions(database: Database[dict[str, Any]], seat: str, now: datetime) -> int:
    """Approved questions of one seat with supports; the most supported answered by its MP."""
    documents = []
    for index, (text, topic, supports) in enumerate(QUESTIONS):
        question_id = str(uuid.uuid4())
        documents.append(
            {
                "_id": question_id,
                "idempotency_key": f"demo question {index}",
                "request_digest": "demo",
                "uid": f"demo-{index:07d}",
                "text": f"{text} (demo)",
                "topic": topic,
                "seats": [seat],
                "district": "lahore",
                "status": "answered" if index == 0 else "approved",
                "rejection_reason": None,
                "moderated_by": "demo-editor",
                "moderated_at": now - timedelta(days=20),
                "answer": {
                    "text": "Check the licence on the Bureau of Emigration's list before you pay (demo).",
                    "seat": seat,
                    "by": "demo-mp",
                    "answered_at": now - timedelta(days=10),
                }
                if index == 0
                else None,
                "supports": supports,
                "support_key": sum(record_key(f"{question_id}:demo-{n}") for n in range(supports)),
                "created_at": now - timedelta(days=25 - index),
            }
        )
    database["voice_questions"].insert_many(documents, ordered=False)
    return len(documents)


def feedback(database: Database[dict[str, Any]], checkins: list[dict[str, Any]], rng: random.Random) -> int:
    """Feedback from about a third of the check-ins, counted by the event's places and month."""
    documents: list[dict[str, Any]] = []
    deltas: dict[str, dict[str, int]] = {}
    for checkin in checkins:
        if rng.random() >= 0.35:
            continue
        feedback_id = uuid.uuid4().hex
        counted = dict(checkin["counted_as"])
        places = turnout_counting.places_of(counted)
        rating = rng.choices([1, 2, 3, 4, 5], [1, 1, 3, 6, 5])[0]
        recommend = rating >= 3
        documents.append(
            {
                "_id": feedback_id,
                "event": checkin["event_id"],
                "uid": checkin["uid"],
                "rating": rating,
                "learned": None,
                "recommend": recommend,
                "counted_as": {**places, "month": counted["month"], "key": record_key(feedback_id)},
                "given_at": checkin["checked_in_at"] + timedelta(days=1),
            }
        )
        counts = {"n": 1, f"r.{rating}": 1, f"rec.{'yes' if recommend else 'no'}": 1}
        inc = turnout_counting.tallied(counts, record_key(feedback_id))
        for area, code in turnout_counting.areas(places):
            add(deltas, f"{area}:{code}:{counted['month']}", inc)
    if documents:
        database["event_feedback"].insert_many(documents, ordered=False)
    inc_counters(database, "feedback_counters", deltas, monthly_fields)
    return len(documents)
