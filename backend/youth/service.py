"""Young people: sign-up (consent, age rules, geography), devices, preferences and check-ins.

Each write that feeds turnout counts (sign-up, check-in) happens in one function here, so that counting
is one call added in one place. Personal fields are never logged.
"""

import asyncio
import contextlib
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import phonenumbers
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import ConflictError, NotFoundError, ValidationFailedError, invalid_field
from backend.core.pagination import PageParams
from backend.events.checkin_codes import CheckinSigner
from backend.events.counters import count, store_and_count, uncount
from backend.events.models import Attendance, Event, Rsvp
from backend.events.service import PAKISTAN
from backend.geography import service as geography
from backend.youth.models import Device, Tombstone, YouthProfile
from schemas.accounts import Role
from schemas.common import Page
from schemas.events import EventStatus
from schemas.youth import (
    CheckinRead,
    ConsentMethod,
    ConsentText,
    DeviceRead,
    DeviceRegistration,
    MyEvent,
    OfficerRegistration,
    PreferencesUpdate,
    ProfileUpdate,
    QuietHours,
    RegistrationSummary,
    RegistrationUpdate,
    YouthExport,
    YouthRead,
    YouthSignup,
)

CONSENT = ConsentText(
    version="2026-11-v1",
    text_en=(
        "Hamqadam keeps your name, birth year, gender, district, constituency, languages and interests (and "
        "your phone number if you give it) to invite you to youth dialogues and send you safe-migration "
        "information. Only counts, never your name, are shared with members of parliament. You can download "
        "or erase your data at any time in the app."
    ),
    text_ur=(
        "ہم قدم آپ کا نام، پیدائش کا سال، جنس، ضلع، حلقہ، زبانیں اور دلچسپیاں (اور اگر آپ دیں تو فون نمبر) "
        "رکھتا ہے تاکہ آپ کو نوجوانوں کے مکالموں میں بلایا جائے اور محفوظ ہجرت کی معلومات بھیجی جائیں۔ "
        "اراکینِ پارلیمنٹ کو صرف گنتی دی جاتی ہے، آپ کا نام کبھی نہیں۔ آپ کسی بھی وقت ایپ میں اپنا ڈیٹا "
        "ڈاؤن لوڈ یا مٹا سکتے ہیں۔"
    ),
)
MIN_AGE, MAX_AGE, ADULT_AGE = 13, 35, 18
# Android FCM tokens expire after 270 days without the app opening; such devices are dropped.
STALE_DEVICE_AGE = timedelta(days=270)


def current_time() -> datetime:
    """The service's clock (UTC, as stored); tests replace it to stand on a year boundary."""
    return utc_now()


def to_read(profile: YouthProfile) -> YouthRead:
    data = profile.model_dump(
        exclude={"id", "revision_id", "quiet_start", "quiet_end", "tombstone_id", "registered_at_event"}
    )
    quiet = QuietHours(start=profile.quiet_start[:5], end=profile.quiet_end[:5])
    return YouthRead.model_validate({**data, "uid": profile.id, "quiet_hours": quiet})


def _age(birth_year: int, *, now: datetime) -> int:
    # Only the birth year is kept, so the age is the one reached this year (Pakistan time).
    return now.astimezone(PAKISTAN).year - birth_year


def _checked_age(birth_year: int, *, now: datetime) -> int:
    age = _age(birth_year, now=now)
    if not MIN_AGE <= age <= MAX_AGE:
        raise invalid_field(
            "body.birth_year",
            "age_out_of_range",
            f"Hamqadam is for people aged {MIN_AGE} to {MAX_AGE}; the programme's band is 15-29",
        )
    return age


def _phone(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        number = phonenumbers.parse(raw, "PK")
    except phonenumbers.NumberParseException as exc:
        raise invalid_field(
            "body.phone", "phone_format", "give the number in E.164, e.g. +923001234567"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise invalid_field("body.phone", "phone_invalid", "this is not a valid phone number")
    if phonenumbers.region_code_for_number(number) != "PK":
        raise invalid_field("body.phone", "phone_not_pakistani", "give a Pakistani mobile number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def _profile_fields(signup: YouthSignup, *, now: datetime) -> dict[str, Any]:
    """Validated, canonical profile fields; raises with the field and rule named."""
    age = _checked_age(signup.birth_year, now=now)
    if age < ADULT_AGE and not signup.consent.guardian_consent:
        raise invalid_field(
            "body.consent.guardian_consent",
            "guardian_consent_required",
            "under 18, a parent or guardian must agree too",
        )
    if signup.consent.version != CONSENT.version:
        raise invalid_field(
            "body.consent.version",
            "consent_version_outdated",
            f"agree to the current consent text ({CONSENT.version})",
        )
    district = await geography.resolve_district(signup.district)
    if district is None:
        raise invalid_field(
            "body.district", "unknown_district", f"'{signup.district}' is not a known district"
        )
    constituency = await geography.constituency_code(signup.constituency)
    if constituency is None:
        raise invalid_field(
            "body.constituency", "unknown_constituency", f"'{signup.constituency}' is not known"
        )
    if not await geography.constituency_covers_district(
        constituency_code=constituency, district_code=district.code
    ):
        raise invalid_field(
            "body.constituency", "inconsistent_pair", f"{constituency} does not cover {district.code}"
        )
    return {
        "display_name": signup.display_name.strip(),
        "birth_year": signup.birth_year,
        "gender": signup.gender.value,
        "district": district.code,
        "constituency": constituency,
        "province": district.province,
        "languages": [language.value for language in signup.languages],
        "interests": [topic.value for topic in signup.interests],
        "phone": _phone(signup.phone),
    }


async def _together(first: Awaitable[Any], second: Awaitable[Any]) -> None:
    """Await two independent writes at once (one round trip's wait); an error of either is raised."""
    for result in await asyncio.gather(first, second, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result


async def _create_profile(
    *,
    profile_id: str,
    signup: YouthSignup,
    method: ConsentMethod,
    registered_by: str | None,
    alongside: Callable[[], Awaitable[Any]] | None = None,
    extra: dict[str, Any] | None = None,
    visible: Callable[[YouthProfile], bool] | None = None,
) -> tuple[YouthProfile, bool]:
    """Insert a profile under `profile_id`; an identical retry returns the stored one, a different body 409.

    `alongside` is an independent idempotent write sent with the insert once the sign-up is valid; `extra`
    are stored fields compared on a retry like the validated ones; a stored profile the caller may not
    see (`visible` false) answers 404, exactly as if there were none.

    This is the single place a young person enters the counts (a later issue adds the counter call here).
    """
    now = current_time()
    fields = await _profile_fields(signup, now=now) | (extra or {})
    consent = {
        "version": CONSENT.version,
        "given_at": now,
        "method": method.value,
        "guardian_consent": signup.consent.guardian_consent,
    }
    profile = YouthProfile(
        id=profile_id, consent=consent, registered_by=registered_by, created_at=now, updated_at=now, **fields
    )
    try:
        # The validated model, stored as it dumps (Beanie's own insert encodes it again).
        insert = YouthProfile.get_pymongo_collection().insert_one(profile.model_dump(by_alias=True))
        await (insert if alongside is None else _together(insert, alongside()))
    except DuplicateKeyError:
        existing = await YouthProfile.get(profile_id)
        assert existing is not None
        if visible is not None and not visible(existing):
            raise NotFoundError("No such registration in your districts.") from None
        if all(getattr(existing, key) == value for key, value in fields.items()):
            return existing, False
        raise ConflictError(
            "This person is signed up already; update the profile instead.", code="already_signed_up"
        ) from None
    return profile, True


async def sign_up(*, account: Account, signup: YouthSignup) -> tuple[YouthRead, bool]:
    """Create the caller's profile; a retried or concurrent identical sign-up returns the one profile."""

    async def grant_youth_role() -> None:
        await Account.get_pymongo_collection().update_one(
            {"_id": account.id}, {"$addToSet": {"roles": Role.YOUTH.value}}
        )

    profile, created = await _create_profile(
        profile_id=account.id,
        signup=signup,
        method=ConsentMethod.APP,
        registered_by=None,
        alongside=None if Role.YOUTH in account.roles else grant_youth_role,
    )
    return to_read(profile), created


def _registration_id(registration_id: UUID) -> str:
    return f"registered:{registration_id}"


async def _registered_in_scope(*, officer: Account, registration_id: UUID) -> YouthProfile:
    """A profile registered by field staff, in the officer's districts; otherwise 404."""
    profile = await YouthProfile.get(_registration_id(registration_id))
    if profile is None or profile.district not in officer.districts:
        raise NotFoundError("No such registration in your districts.")
    return profile


async def _registration_event(*, officer: Account, event_id: UUID | None) -> str | None:
    """The event named on a registration: it exists, is not deleted and lies in the officer's districts."""
    if event_id is None:
        return None
    event = await Event.get_pymongo_collection().find_one(
        {"_id": str(event_id)}, {"district": 1, "deleted_at": 1}
    )
    if event is None or event.get("deleted_at") is not None or event["district"] not in officer.districts:
        raise invalid_field("body.event_id", "unknown_event", "no such event in your districts")
    return str(event["_id"])


async def register_by_officer(
    *, officer: Account, registration_id: UUID, registration: OfficerRegistration
) -> tuple[YouthRead, bool]:
    """A field officer registers a young person met at an event, with consent taken on paper or on the
    officer's phone; only in the officer's districts; retried registrations are one profile, counted once
    on the event. A registration id taken outside the officer's districts answers 404, never 409."""
    if registration.consent_method == ConsentMethod.APP:
        raise invalid_field(
            "body.consent_method", "officer_method", "an officer takes consent on paper or their phone"
        )
    district = await geography.resolve_district(registration.person.district)
    if district is not None and district.code not in officer.districts:
        raise invalid_field(
            "body.person.district", "outside_scope", f"'{district.code}' is not one of your districts"
        )
    event_id = await _registration_event(officer=officer, event_id=registration.event_id)
    try:
        # Every check runs before the stored profile is looked at, so an id taken outside the officer's
        # districts answers as an unknown id would, up to the 404 that stands for "not yours to create".
        profile, created = await _create_profile(
            profile_id=_registration_id(registration_id),
            signup=registration.person,
            method=registration.consent_method,
            registered_by=officer.id,
            extra={"registered_at_event": event_id},
            visible=lambda existing: existing.district in officer.districts,
        )
    except ValidationFailedError as exc:
        for problem in exc.errors or []:
            if problem.field.startswith("body.") and not problem.field.startswith("body.event_id"):
                problem.field = problem.field.replace("body.", "body.person.", 1)
        raise
    if created and event_id is not None:
        # The profile's unique insert is the claim: only the request that created it counts it.
        await count(event_id=event_id, counter="registration_count")
    return to_read(profile), created


async def list_registrations(*, officer: Account, page: PageParams) -> Page[RegistrationSummary]:
    """The people this officer registered, in the officer's current districts, newest first."""
    query = {"registered_by": officer.id, "district": {"$in": list(officer.districts)}}
    collection = YouthProfile.get_pymongo_collection()
    total = await collection.count_documents(query)
    found = await (
        collection.find(
            query,
            {"display_name": 1, "district": 1, "constituency": 1, "registered_at_event": 1, "created_at": 1},
        )
        .sort([("created_at", -1), ("_id", -1)])
        .skip(page.offset)
        .limit(page.limit)
        .to_list()
    )
    await audit.record(actor=officer.id, action="youth.listed", resource_type="youth", resource_id="*")
    items = [
        RegistrationSummary(
            id=UUID(person["_id"].removeprefix("registered:")),
            display_name=person["display_name"],
            district=person["district"],
            constituency=person["constituency"],
            event_id=person.get("registered_at_event"),
            created_at=person["created_at"],
        )
        for person in found
    ]
    return Page[RegistrationSummary](items=items, total=total, limit=page.limit, offset=page.offset)


async def update_registration(
    *, officer: Account, registration_id: UUID, update: RegistrationUpdate
) -> YouthRead:
    """Correct a person this officer's districts registered; a new district stays in the officer's scope."""
    profile = await _registered_in_scope(officer=officer, registration_id=registration_id)
    changes = await _profile_changes(update)
    if update.birth_year is not None:
        _checked_age(update.birth_year, now=current_time())
        changes["birth_year"] = update.birth_year
    if "district" in changes and changes["district"] not in officer.districts:
        raise invalid_field(
            "body.district", "outside_scope", f"'{changes['district']}' is not one of your districts"
        )
    profile = await _apply(profile, changes)
    await audit.record(
        actor=officer.id, action="youth.corrected", resource_type="youth", resource_id=profile.id
    )
    return to_read(profile)


async def read_registered(*, officer: Account, registration_id: UUID) -> YouthRead:
    """A profile an officer registered, read by field staff of its district (audited: personal data)."""
    profile = await _registered_in_scope(officer=officer, registration_id=registration_id)
    await audit.record(actor=officer.id, action="youth.read", resource_type="youth", resource_id=profile.id)
    return to_read(profile)


async def own_profile(*, account: Account) -> YouthProfile:
    profile = await YouthProfile.get(account.id)
    if profile is None or profile.status == "erased":
        raise NotFoundError("Sign up first.")
    return profile


async def update_preferences(*, account: Account, update: PreferencesUpdate) -> YouthRead:
    profile = await own_profile(account=account)
    changes: dict[str, Any] = {}
    if update.topics is not None:
        changes["interests"] = [topic.value for topic in update.topics]
    if update.languages is not None:
        changes["languages"] = [language.value for language in update.languages]
    if update.quiet_hours is not None:
        changes["quiet_start"] = update.quiet_hours.start
        changes["quiet_end"] = update.quiet_hours.end
    if update.alerts_stopped is not None:
        changes["alerts_stopped"] = update.alerts_stopped
        changes["status"] = "stopped" if update.alerts_stopped else "active"
    if changes:
        changes["updated_at"] = utc_now()
        await YouthProfile.get_pymongo_collection().update_one({"_id": profile.id}, {"$set": changes})
        profile = profile.model_copy(update=changes)
    return to_read(profile)


def _device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _device_read(device: Device) -> DeviceRead:
    return DeviceRead.model_validate(device.model_dump(include=set(DeviceRead.model_fields)))


async def register_device(*, account: Account, registration: DeviceRegistration) -> tuple[DeviceRead, bool]:
    """Register a phone for push. The same token again is a no-op; a token that moved is detached from the
    old account (it now belongs to this one); one person may have several devices."""
    await own_profile(account=account)
    now = utc_now()
    device_id = _device_id(registration.fcm_token)
    existing = await Device.get(device_id)
    device = Device(
        id=device_id,
        fcm_token=registration.fcm_token,
        uid=account.id,
        platform=registration.platform.value,
        app_version=registration.app_version,
        locale=registration.locale,
        registered_at=existing.registered_at if existing and existing.uid == account.id else now,
        last_seen_at=now,
    )
    await Device.get_pymongo_collection().replace_one(
        {"_id": device_id}, device.model_dump(by_alias=True), upsert=True
    )
    return _device_read(device), existing is None or existing.uid != account.id


async def list_devices(*, account: Account) -> list[DeviceRead]:
    devices = await Device.find({"uid": account.id}).sort("+registered_at", "+_id").to_list()
    return [_device_read(device) for device in devices]


async def remove_device(*, account: Account, device_id: str) -> None:
    """Remove one of the caller's phones (a lost one); removing it again is fine, another's is 404."""
    removed = await Device.get_pymongo_collection().delete_one({"_id": device_id, "uid": account.id})
    if removed.deleted_count == 0 and await Device.get_pymongo_collection().count_documents(
        {"_id": device_id}, limit=1
    ):
        raise NotFoundError("No such device.")


async def my_events(*, account: Account, page: PageParams) -> Page[MyEvent]:
    """The caller's RSVPs and check-ins, newest first, with each event's title and start."""
    await own_profile(account=account)
    wanted = page.offset + page.limit
    rsvps = Rsvp.get_pymongo_collection()
    attendance = Attendance.get_pymongo_collection()
    # Each list is read newest first up to the page's end; the page is cut from their merge.
    rsvp_docs, checkin_docs, rsvp_total, checkin_total = await asyncio.gather(
        rsvps.find({"uid": account.id}, {"event_id": 1, "created_at": 1})
        .sort([("created_at", -1), ("_id", -1)])
        .limit(wanted)
        .to_list(),
        attendance.find({"uid": account.id}, {"event_id": 1, "checked_in_at": 1})
        .sort([("checked_in_at", -1), ("_id", -1)])
        .limit(wanted)
        .to_list(),
        rsvps.count_documents({"uid": account.id}),
        attendance.count_documents({"uid": account.id}),
    )
    merged = sorted(
        [("rsvp", doc["event_id"], doc["created_at"]) for doc in rsvp_docs]
        + [("checkin", doc["event_id"], doc["checked_in_at"]) for doc in checkin_docs],
        key=lambda item: (item[2], item[0], item[1]),
        reverse=True,
    )[page.offset : wanted]
    event_ids = sorted({event_id for _, event_id, _ in merged})
    events = (
        {
            event["_id"]: event
            for event in await Event.get_pymongo_collection()
            .find({"_id": {"$in": event_ids}}, {"title": 1, "starts_at": 1, "deleted_at": 1})
            .to_list()
        }
        if event_ids
        else {}
    )
    items = []
    for activity, event_id, at in merged:
        event = events.get(event_id)
        live = event is not None and event.get("deleted_at") is None
        items.append(
            MyEvent(
                event_id=UUID(event_id),
                activity=activity,  # type: ignore[arg-type]
                at=at,
                title=event["title"] if live and event else None,
                starts_at=event["starts_at"] if live and event else None,
            )
        )
    return Page[MyEvent](items=items, total=rsvp_total + checkin_total, limit=page.limit, offset=page.offset)


async def check_in(*, account: Account, code: str, signer: CheckinSigner) -> tuple[CheckinRead, bool]:
    """Record attendance from a scanned code: one per person per event, counted once, whatever the retries.

    This is the single place a check-in enters the counts: the event's counter here, and the turnout
    counters when a later issue adds them.
    """
    now = current_time()
    event_id = str(signer.verify(code, now=now))
    # The two reads are independent: one round trip's wait instead of two.
    profile, event = await asyncio.gather(
        YouthProfile.get_pymongo_collection().find_one({"_id": account.id}, {"district": 1, "status": 1}),
        Event.get_pymongo_collection().find_one({"_id": event_id}, {"status": 1, "deleted_at": 1}),
    )
    if profile is None or profile["status"] == "erased":
        raise NotFoundError("Sign up first.")
    if event is None or event.get("deleted_at") is not None:
        raise NotFoundError("No such event.")
    if event["status"] == EventStatus.CANCELLED:
        raise ConflictError("This event was cancelled.", code="event_cancelled")
    record_id = f"{event_id}:{account.id}"
    attendance = {
        "event_id": event_id,
        "uid": account.id,
        "district": profile["district"],
        "checked_in_at": now,
    }
    if await store_and_count(Attendance, record_id, attendance, event_id=event_id, counter="checkin_count"):
        return CheckinRead(event_id=UUID(event_id), checked_in_at=now), True
    existing = await Attendance.get_pymongo_collection().find_one({"_id": record_id}, {"checked_in_at": 1})
    assert existing is not None  # a replay: the first check-in is stored
    return CheckinRead(event_id=UUID(event_id), checked_in_at=existing["checked_in_at"]), False


async def _profile_changes(update: ProfileUpdate) -> dict[str, Any]:
    """The stored form of a profile change (canonical geography, E.164 phone); raises naming the field."""
    changes: dict[str, Any] = {}
    if update.display_name is not None:
        changes["display_name"] = update.display_name
    if update.gender is not None:
        changes["gender"] = update.gender.value
    if update.phone is not None:
        changes["phone"] = _phone(update.phone) if update.phone.strip() else None
    if update.district is not None or update.constituency is not None:
        if update.district is None or update.constituency is None:
            raise invalid_field("body.district", "pair_required", "change district and constituency together")
        district = await geography.resolve_district(update.district)
        constituency = await geography.constituency_code(update.constituency)
        if district is None:
            raise invalid_field(
                "body.district", "unknown_district", f"'{update.district}' is not a known district"
            )
        if constituency is None or not await geography.constituency_covers_district(
            constituency_code=constituency, district_code=district.code
        ):
            raise invalid_field(
                "body.constituency", "inconsistent_pair", "the constituency does not cover the district"
            )
        changes |= {"district": district.code, "constituency": constituency, "province": district.province}
    return changes


async def _apply(profile: YouthProfile, changes: dict[str, Any]) -> YouthProfile:
    if not changes:
        return profile
    changes["updated_at"] = current_time()
    await YouthProfile.get_pymongo_collection().update_one({"_id": profile.id}, {"$set": changes})
    updated: YouthProfile = profile.model_copy(update=changes)
    return updated


async def update_profile(*, account: Account, update: ProfileUpdate) -> YouthRead:
    """Change profile fields. A new district moves the person in every count from today on (counts are
    read from the profile's current district)."""
    profile = await own_profile(account=account)
    return to_read(await _apply(profile, await _profile_changes(update)))


async def export_own_data(*, account: Account) -> YouthExport:
    """Everything held about the caller (audited: an export of personal data)."""
    profile = await own_profile(account=account)
    devices = await list_devices(account=account)
    attendance = await Attendance.find({"uid": account.id}).sort("+checked_in_at").to_list()
    rsvps = await Rsvp.find({"uid": account.id}).sort("+created_at").to_list()
    await audit.record(
        actor=account.id, action="youth.exported", resource_type="youth", resource_id=account.id
    )
    return YouthExport(
        exported_at=utc_now(),
        account={"uid": account.id, "email": account.email, "roles": list(account.roles)},
        profile=to_read(profile),
        devices=devices,
        checkins=[CheckinRead(event_id=UUID(a.event_id), checked_in_at=a.checked_in_at) for a in attendance],
        rsvps=[{"event_id": r.event_id, "created_at": r.created_at} for r in rsvps],
    )


async def erase(*, account: Account) -> None:
    """Erase the caller: personal fields and devices go; a tombstone and anonymous check-ins stay.

    Every step can be retried: the tombstone id is fixed on the profile first, check-ins are re-keyed
    under it (insert, then delete), and the profile goes last. Signing in again starts an empty profile.
    """
    profile = await YouthProfile.get(account.id)
    if profile is None:
        return
    tombstone_id = profile.tombstone_id or uuid.uuid4().hex
    if profile.tombstone_id is None:
        await YouthProfile.get_pymongo_collection().update_one(
            {"_id": profile.id}, {"$set": {"tombstone_id": tombstone_id, "status": "erased"}}
        )
    with contextlib.suppress(DuplicateKeyError):
        await Tombstone(
            id=tombstone_id, erased_at=utc_now(), district=profile.district, constituency=profile.constituency
        ).insert()
    for attendance in await Attendance.find({"uid": account.id}).to_list():
        with contextlib.suppress(DuplicateKeyError):  # the anonymous copy keeps the record's counted state
            await Attendance(
                id=f"{attendance.event_id}:{tombstone_id}",
                event_id=attendance.event_id,
                uid=f"erased:{tombstone_id}",
                district=attendance.district,
                checked_in_at=attendance.checked_in_at,
                counted=attendance.counted,
            ).insert()
        await Attendance.get_pymongo_collection().delete_one({"_id": attendance.id})
    await Device.get_pymongo_collection().delete_many({"uid": account.id})
    for rsvp in await Rsvp.find({"uid": account.id}).to_list():
        await uncount(Rsvp, rsvp.id, counter="rsvp_count")
    await Account.get_pymongo_collection().update_one(
        {"_id": account.id}, {"$set": {"email": None}, "$pull": {"roles": Role.YOUTH.value}}
    )
    await YouthProfile.get_pymongo_collection().delete_one({"_id": profile.id})
    await audit.record(
        actor=account.id,
        action="youth.erased",
        resource_type="youth",
        resource_id=f"tombstone:{tombstone_id}",
    )


async def drop_stale_devices(*, now: datetime, unseen_for: timedelta = STALE_DEVICE_AGE) -> int:
    """Remove devices not seen for 270 days (FCM tokens expire then); run on a schedule."""
    result = await Device.get_pymongo_collection().delete_many({"last_seen_at": {"$lt": now - unseen_for}})
    return result.deleted_count
