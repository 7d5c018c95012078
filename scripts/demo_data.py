"""A demo worth looking at, for the run command (`scripts/run.sh --demo`) and the compose stack's seed job.

Loads, once per database, a realistic and clearly marked demo (every name says "Demo"): a few hundred
young people over Lahore, Kasur, Okara and Quetta in both assemblies' seats, a year of events with
approved reports, check-ins, a sent alert campaign with opens, a closed poll with answers, questions to
MPs (approved, one answered) and event feedback. Records are stored in the API's form with the counters
and key sums their writes make (the turnout benchmark's generator, the voice counting functions), so the
dashboards, the brief and its voice page show real-looking, protected figures.

Examples:
  python -m scripts.demo_data            # MONGODB_URI / MONGODB_DATABASE, FIGURES_KEY_SECRET as the API's
"""

import argparse
import random
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import MongoClient, UpdateOne
from pymongo.database import Database

from backend.core.clock import month_of
from backend.core.settings import Settings
from backend.turnout import counting as turnout_counting
from backend.turnout.keys import record_key, use_secret
from backend.voice.polls import counting as poll_counting
from scripts.bench.turnout_data import Generator, seats_of
from scripts.dev_secrets import ensure_figures_key_secret

DEMO_DISTRICTS = ("lahore", "kasur", "okara", "quetta")
SIZES = {"events": 160, "youth": 400, "checkins": 1_600}
MARKER = {"_id": "demo"}
MARKER_COLLECTION = "demo_marker"


def _store(database: Database[dict[str, Any]], collection: str, documents: Iterable[dict[str, Any]]) -> int:
    """Insert documents in chunks; how many. (Not the benchmarks' helper: importing it imports the app,
    whose settings would be read before the run command has set the engine's address.)"""
    stored = 0
    chunk: list[dict[str, Any]] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == 1_000:
            database[collection].insert_many(chunk, ordered=False)
            stored, chunk = stored + len(chunk), []
    if chunk:
        database[collection].insert_many(chunk, ordered=False)
        stored += len(chunk)
    return stored


def _seats(settings: Settings) -> list[dict[str, Any]]:
    return [seat for seat in seats_of(settings) if seat["district"] in DEMO_DISTRICTS]


def _poll_fields(document_id: str) -> dict[str, str]:
    poll, area, code = document_id.split(":", 2)
    return {"poll": poll, "area": area, "code": code}


def _monthly_fields(document_id: str) -> dict[str, str]:
    area, rest = document_id.split(":", 1)
    code, month = rest.rsplit(":", 1)
    return {"area": area, "code": code, "month": month}


def _inc_counters(
    database: Database[dict[str, Any]],
    collection: str,
    deltas: dict[str, dict[str, int]],
    fields: Callable[[str], dict[str, str]],
) -> None:
    """`$inc` each counter document by its deltas, created with the `fields` its id names, as the API does."""
    updates = [
        UpdateOne({"_id": document_id}, {"$inc": inc, "$setOnInsert": fields(document_id)}, upsert=True)
        for document_id, inc in deltas.items()
    ]
    if updates:
        database[collection].bulk_write(updates, ordered=False)


def _add(deltas: dict[str, dict[str, int]], document_id: str, inc: dict[str, int]) -> None:
    target = deltas.setdefault(document_id, {})
    for path, n in inc.items():
        target[path] = target.get(path, 0) + n


def _campaign(
    database: Database[dict[str, Any]], people: list[dict[str, Any]], now: datetime, rng: random.Random
) -> int:
    """A campaign sent a month ago to Lahore, its inbox entries and the opens counted in turnout."""
    sent_at = now - timedelta(days=30)
    campaign_id = str(uuid.uuid4())
    lahore = [person for person in people if person["district"] == "lahore"]
    opened = 0
    entries: list[dict[str, Any]] = []
    counters: dict[str, dict[str, int]] = {}
    for person in lahore:
        entry_id = f"{campaign_id}:{person['_id']}"
        places = turnout_counting.places_of(person)
        opens = rng.random() < 0.45
        entries.append(
            {
                "_id": entry_id,
                "campaign_id": campaign_id,
                "uid": person["_id"],
                "language": "ur",
                "title": "جعلی ویزا سے ہوشیار (ڈیمو)",
                "body": "لائسنس یافتہ ریکروٹر ہی سے بات کریں۔",
                "link": None,
                "priority": "normal",
                "sent_at": sent_at,
                "read_at": sent_at + timedelta(hours=2) if opens else None,
                "opened_at": sent_at + timedelta(hours=2) if opens else None,
                "places": places,
            }
        )
        if opens:
            opened += 1
            inc = turnout_counting.tallied({"alert_reach": 1}, record_key(entry_id))
            for area, code in turnout_counting.areas(places):
                _add(counters, turnout_counting.counter_id(area, code, month_of(sent_at)), inc)
    database["alert_campaigns"].insert_one(
        {
            "_id": campaign_id,
            "idempotency_key": "demo campaign",
            "created_by": "demo-editor",
            "title": {"ur": "جعلی ویزا سے ہوشیار (ڈیمو)", "en": "[Demo] Beware of fake visas"},
            "body": {"ur": "لائسنس یافتہ ریکروٹر ہی سے بات کریں۔", "en": "Talk only to licensed recruiters."},
            "link": None,
            "audience": {"national": False, "districts": ["lahore"]},
            "priority": "normal",
            "send_at": sent_at,
            "status": "sent",
            "personal": False,
            "planned": True,
            "finished_at": sent_at + timedelta(minutes=3),
            "stats": {"people": len(lahore), "devices": len(lahore), "sent": len(lahore), "opened": opened},
            "created_at": sent_at - timedelta(hours=1),
            "updated_at": sent_at + timedelta(minutes=3),
        }
    )
    if entries:
        database["alert_inbox"].insert_many(entries, ordered=False)
    _inc_counters(database, "turnout_counters", counters, _monthly_fields)
    return len(entries)


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


def _poll(
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
            _add(deltas, poll_counting.counter_id(poll_id, area, code), inc)
    if documents:
        database["poll_answers"].insert_many(documents, ordered=False)
    _inc_counters(database, "poll_counters", deltas, _poll_fields)
    return len(answering)


QUESTIONS = (
    ("How can I tell a licensed recruiter from a fake one?", "recruiter_check", 41),
    ("Why do agents ask for 5 lakh before a visa is issued?", "fake_job_or_visa", 27),
    ("Can the district office help families of people stuck abroad?", "where_to_get_help", 12),
)


def _questions(database: Database[dict[str, Any]], seat: str, now: datetime) -> int:
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


def _feedback(database: Database[dict[str, Any]], checkins: list[dict[str, Any]], rng: random.Random) -> int:
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
            _add(deltas, f"{area}:{code}:{counted['month']}", inc)
    if documents:
        database["event_feedback"].insert_many(documents, ordered=False)
    _inc_counters(database, "feedback_counters", deltas, _monthly_fields)
    return len(documents)


def load(settings: Settings) -> dict[str, int] | None:
    """Load the demo into the database once; what was loaded, or None when a demo is there already."""
    client: MongoClient[dict[str, Any]]
    with MongoClient(settings.mongodb_uri, tz_aware=True, uuidRepresentation="standard") as client:
        database: Database[dict[str, Any]] = client[settings.mongodb_database]
        if database[MARKER_COLLECTION].find_one(MARKER) is not None:
            return None
        now = datetime.now(UTC)
        rng = random.Random(2026)  # noqa: S311 - demo data, not secrets
        generator = Generator(_seats(settings), now, seed=2026, label="Demo", months=12)
        loaded = {"events": _store(database, "events", generator.events_to(SIZES["events"]))}
        people = list(generator.youth_to(SIZES["youth"]))
        loaded["young people"] = _store(database, "youth_profiles", people)
        checkins = list(generator.checkins(SIZES["checkins"]))
        loaded["check-ins"] = _store(database, "event_attendance", checkins)
        generator.flush_counters(settings)
        loaded["event ratings"] = _feedback(database, checkins, rng)
        loaded["alert opens"] = _campaign(database, people, now, rng)
        loaded["poll respondents"] = _poll(database, people, now, rng)
        loaded["questions"] = _questions(database, "NA-120", now)
        database[MARKER_COLLECTION].insert_one(MARKER | {"loaded_at": now})
        return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.demo_data",
        description="Load the clearly marked demo (young people, a year of events, check-ins, a campaign, a "
        "poll, questions) into MONGODB_URI / MONGODB_DATABASE once; a second run changes nothing.",
    )
    parser.parse_args(argv)
    ensure_figures_key_secret()
    settings = Settings()
    use_secret(settings)
    loaded = load(settings)
    if loaded is None:
        print("the demo is loaded already: nothing changed")
    else:
        print("demo loaded: " + ", ".join(f"{count:,} {what}" for what, count in loaded.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
