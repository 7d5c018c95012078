"""The published topic list, with labels in English and Urdu for the app's pickers."""

from fastapi import APIRouter, Request, Response

from backend.core.access import Public
from backend.core.http_cache import cached_json
from backend.core.responses import NOT_MODIFIED
from schemas.events import Topic
from schemas.topics import TopicRead

router = APIRouter(prefix="/topics", tags=["topics"], dependencies=[Public])

_LABELS: dict[Topic, tuple[str, str]] = {
    Topic.LEGAL_MIGRATION: (
        "Migrating legally: the protector process",
        "قانونی طریقے سے بیرونِ ملک جانا: پروٹیکٹر کا عمل",
    ),
    Topic.RECRUITER_CHECK: ("Checking a recruiter's licence", "ریکروٹر کا لائسنس چیک کرنا"),
    Topic.TRAFFICKING_VS_SMUGGLING: ("Trafficking and smuggling", "انسانی ٹریفکنگ اور تارکینِ وطن کی اسمگلنگ"),
    Topic.FAKE_JOB_OR_VISA: ("Fake job offers and visas", "جعلی نوکری اور ویزا"),
    Topic.RIGHTS_ABROAD: ("Your rights abroad", "بیرونِ ملک آپ کے حقوق"),
    Topic.REMITTANCES: ("Sending money home", "رقوم گھر بھیجنا"),
    Topic.CLIMATE_DISPLACEMENT: ("Floods, climate and displacement", "سیلاب، موسمیاتی تبدیلی اور نقل مکانی"),
    Topic.EMPLOYABILITY: ("Skills and work at home", "ہنر اور اندرونِ ملک روزگار"),
    Topic.WHERE_TO_GET_HELP: ("Where to get help", "مدد کہاں سے ملے"),
}
TOPICS = [TopicRead(code=topic, label_en=_LABELS[topic][0], label_ur=_LABELS[topic][1]) for topic in Topic]


@router.get("", response_model=list[TopicRead], status_code=200, responses=NOT_MODIFIED)
async def list_topics(request: Request) -> Response:
    """List the topics events, interests and content are tagged with."""
    return cached_json(request, TOPICS)
