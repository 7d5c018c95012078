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
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import MongoClient
from pymongo.database import Database

from backend.core.clock import month_of
from backend.core.settings import Settings
from backend.turnout import counting as turnout_counting
from backend.turnout.keys import record_key, use_secret
from scripts import demo_voice
from scripts.bench.turnout_data import Generator, seats_of
from scripts.demo_store import add, inc_counters, monthly_fields, store
from scripts.dev_secrets import ensure_figures_key_secret

DEMO_DISTRICTS = ("lahore", "kasur", "okara", "quetta")
SIZES = {"events": 160, "youth": 400, "checkins": 1_600}
MARKER = {"_id": "demo"}
MARKER_COLLECTION = "demo_marker"


def _places(seat: dict[str, Any]) -> dict[str, Any]:
    return {area: seat[area] for area in ("constituency", "district", "province")}


def _seats(settings: Settings) -> list[dict[str, Any]]:
    return [seat for seat in seats_of(settings) if seat["district"] in DEMO_DISTRICTS]


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
                add(counters, turnout_counting.counter_id(area, code, month_of(sent_at)), inc)
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
    inc_counters(database, "turnout_counters", counters, monthly_fields)
    return len(entries)


GENDERS = dict.fromkeys(("female", "male", "transgender", "prefer_not_to_say"), 0)
AGES = dict.fromkeys(("under_15", "age_15_19", "age_20_24", "age_25_29", "age_30_plus"), 0)


def _reports_waiting(database: Database[dict[str, Any]], seats: list[dict[str, Any]], now: datetime) -> int:
    """This week's reports in Lahore, held and waiting for the supervisor (so the review queue has work,
    and an approval moves the MP's figures): not counted yet, as the API counts a report once approved."""
    lahore = [seat for seat in seats if seat["district"] == "lahore"]
    reports = []
    for number, seat in enumerate(lahore[:4]):
        starts = (now - timedelta(days=number + 1)).replace(minute=0, second=0, microsecond=0)
        total = 40 + 15 * number
        women = total // 2
        reports.append(
            {
                "_id": str(uuid.uuid4()),
                "version": 2,
                "kind": "youth_dialogue",
                "title": f"Demo youth dialogue awaiting review {number + 1}",
                "topics": ["legal_migration", "recruiter_check"],
                **_places(seat),
                "venue_name": "Demo community hall",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "partner_organisations": [],
                "expected_turnout": 50,
                "status": "held",
                "cancel_reason": None,
                "turnout": {
                    "total": total,
                    "by_gender": {
                        "female": women,
                        "male": total - women,
                        "transgender": 0,
                        "prefer_not_to_say": 0,
                    },
                    "by_age": {
                        "under_15": 0,
                        "age_15_19": women,
                        "age_20_24": total - women,
                        "age_25_29": 0,
                        "age_30_plus": 0,
                    },
                },
                "reported_at": starts + timedelta(hours=3),
                "review": "pending",
                "created_by": "demo-officer",
                "reported_by": "demo-officer",
                "created_at": starts - timedelta(days=7),
                "updated_at": starts + timedelta(hours=3),
                "deleted_at": None,
                "rsvp_count": 0,
                "checkin_count": 0,
                "registration_count": 0,
                "photo_ids": [],
                "pending_change": None,
            }
        )
    return store(database, "events", reports)


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
        loaded = {"events": store(database, "events", generator.events_to(SIZES["events"]))}
        loaded["reports waiting for review"] = _reports_waiting(database, generator.seats, now)
        people = list(generator.youth_to(SIZES["youth"]))
        loaded["young people"] = store(database, "youth_profiles", people)
        checkins = list(generator.checkins(SIZES["checkins"]))
        loaded["check-ins"] = store(database, "event_attendance", checkins)
        generator.flush_counters(settings)
        loaded["event ratings"] = demo_voice.feedback(database, checkins, rng)
        loaded["alert opens"] = _campaign(database, people, now, rng)
        loaded["poll respondents"] = demo_voice.poll(database, people, now, rng)
        loaded["questions"] = demo_voice.questions(database, "NA-120", now)
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
