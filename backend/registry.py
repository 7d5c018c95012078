"""Every Beanie document of the service, for `init_beanie` (the app, scripts and tests use this list)."""

from beanie import Document

from backend.accounts.models import Account
from backend.alerts.models import AlertBatch, Campaign, Delivery, InboxEntry
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
from backend.notifications.models import TopicRemoval
from backend.recruiters.models import LicenceList, RecruiterLicence
from backend.turnout.models import AppliedChange, KeyFingerprint, ReachClaim, TurnoutCounter
from backend.youth.models import Device, Tombstone, YouthProfile

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
]
