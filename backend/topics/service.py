"""The published topic list (reference data): each topic's code with its English and Urdu labels."""

from schemas.events import Topic
from schemas.topics import TopicRead

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
_TOPICS = [TopicRead(code=topic, label_en=_LABELS[topic][0], label_ur=_LABELS[topic][1]) for topic in Topic]


def list_topics() -> list[TopicRead]:
    """Every topic, in the contract's order."""
    return list(_TOPICS)


def labels() -> dict[str, tuple[str, str]]:
    """English and Urdu labels by topic code, for pages that name topics (the MP's brief)."""
    return {topic.value: pair for topic, pair in _LABELS.items()}
