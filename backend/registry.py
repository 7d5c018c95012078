"""Every Beanie document of the service, for `init_beanie`, and every signal's handlers: the app, the
scripts and the tests load this module, so they all run with the same documents and the same wiring."""

from beanie import Document

from backend.accounts.models import Account
from backend.alerts import checks as alert_checks
from backend.alerts.devices import service as devices
from backend.alerts.devices.models import Device, TopicRemoval
from backend.alerts.inbox.models import InboxEntry
from backend.alerts.models import AlertBatch, Campaign, Delivery
from backend.audit.models import AuditEntry
from backend.content.models import (
    ContentChange,
    ContentItem,
    ContentRevision,
    FeedEntry,
    LiveContent,
    SearchPosting,
)
from backend.core.leases import NamedLease
from backend.core.rate_limit import RateCounter
from backend.events.models import Attendance, Event, EventVersion, Rsvp
from backend.geography.models import Constituency, District, Province
from backend.recruiters.models import LicenceList, RecruiterLicence
from backend.turnout import signals as turnout_signals
from backend.turnout.models import AppliedChange, KeyFingerprint, ReachClaim, TurnoutCounter
from backend.voice import brief as voice_brief
from backend.voice.feedback.models import EventFeedback, FeedbackCounter
from backend.voice.polls import editing as polls
from backend.voice.polls.models import Poll, PollAnswer, PollCounter, PollQuote
from backend.voice.questions import asking as questions
from backend.voice.questions.models import QuestionSupport, VoiceQuestion
from backend.youth import signals as youth_signals
from backend.youth.models import Tombstone, YouthProfile
from schemas.alerts import LinkKind

DOCUMENT_MODELS: list[type[Document]] = [
    Campaign,
    AlertBatch,
    Delivery,
    InboxEntry,
    TopicRemoval,
    Province,
    District,
    Constituency,
    Account,
    RateCounter,
    NamedLease,
    AuditEntry,
    Event,
    EventVersion,
    Rsvp,
    Attendance,
    YouthProfile,
    Device,
    Tombstone,
    RecruiterLicence,
    LicenceList,
    ContentItem,
    ContentChange,
    ContentRevision,
    FeedEntry,
    LiveContent,
    SearchPosting,
    TurnoutCounter,
    ReachClaim,
    AppliedChange,
    KeyFingerprint,
    Poll,
    PollAnswer,
    PollCounter,
    PollQuote,
    VoiceQuestion,
    QuestionSupport,
    EventFeedback,
    FeedbackCounter,
]


def wire() -> None:
    """Connect the features above to the signals of the features below (connecting again changes nothing)."""
    youth_signals.profile_changed.connect(devices.follow_profile_now)
    alert_checks.accept_links(LinkKind.POLL, polls.exists)
    alert_checks.accept_links(LinkKind.QUESTION, questions.linkable)
    turnout_signals.brief_pages.connect(voice_brief.voice_page)


wire()
