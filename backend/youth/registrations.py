"""Field officers' registrations: people met at events, registered with consent taken on paper or phone."""

from typing import Any
from uuid import UUID

from backend.accounts import scope
from backend.accounts.models import Account
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.core.errors import NotFoundError, ValidationFailedError, invalid_field
from backend.core.pagination import PageParams, paginate
from backend.events.counters import count
from backend.events.service import event_in_scope
from backend.geography import service as geography
from backend.youth.models import YouthProfile
from backend.youth.profile_changes import apply_changes, stored_changes
from backend.youth.service import checked_age, create_profile, to_read
from schemas.common import Page
from schemas.events import CheckinRegistration, EventCheckins
from schemas.youth import (
    ConsentMethod,
    OfficerRegistration,
    RegistrationSummary,
    RegistrationUpdate,
    YouthRead,
)


def _registration_id(registration_id: UUID) -> str:
    return f"registered:{registration_id}"


async def _registered_in_scope(*, officer: Account, registration_id: UUID) -> YouthProfile:
    """A profile registered by field staff, in the officer's districts; otherwise 404."""
    profile = await YouthProfile.get(_registration_id(registration_id))
    if profile is None or not scope.covers(officer, profile.district):
        raise NotFoundError("No such registration in your districts.")
    return profile


async def _registration_event(*, officer: Account, event_id: UUID | None) -> str | None:
    """The event named on a registration: it exists, is not deleted and lies in the officer's districts."""
    if event_id is None:
        return None
    try:
        event = await event_in_scope(account=officer, event_id=event_id)
    except NotFoundError:
        raise invalid_field("body.event_id", "unknown_event", "no such event in your districts") from None
    return event.id


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
    if district is not None:
        scope.require(officer, district.code, field="body.person.district")
    event_id = await _registration_event(officer=officer, event_id=registration.event_id)
    try:
        # Every check runs before the stored profile is looked at, so an id taken outside the officer's
        # districts answers as an unknown id would, up to the 404 that stands for "not yours to create".
        profile, created = await create_profile(
            profile_id=_registration_id(registration_id),
            signup=registration.person,
            method=registration.consent_method,
            registered_by=officer.id,
            extra={"registered_at_event": event_id},
            visible=lambda existing: scope.covers(officer, existing.district),
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
    """The people this officer registered, in the officer's current districts, newest first (audited)."""
    listed = await paginate(
        YouthProfile,
        {"registered_by": officer.id, "district": {"$in": list(officer.districts)}},
        sort=[("created_at", -1), ("_id", -1)],
        page=page,
        read=_summary,
        projection=_SUMMARY_FIELDS,
    )
    await audit.record(actor=officer.id, action="youth.listed", resource_type="youth", resource_id="*")
    return listed


_SUMMARY_FIELDS = {
    "display_name": 1,
    "district": 1,
    "constituency": 1,
    "registered_at_event": 1,
    "created_at": 1,
}


def _summary(person: dict[str, Any]) -> RegistrationSummary:
    return RegistrationSummary(
        id=UUID(person["_id"].removeprefix("registered:")),
        display_name=person["display_name"],
        district=person["district"],
        constituency=person["constituency"],
        event_id=person.get("registered_at_event"),
        created_at=person["created_at"],
    )


async def update_registration(
    *, officer: Account, registration_id: UUID, update: RegistrationUpdate
) -> YouthRead:
    """Correct a person this officer's districts registered; a new district stays in the officer's scope."""
    profile = await _registered_in_scope(officer=officer, registration_id=registration_id)
    changes = await stored_changes(update, profile)
    if update.birth_year is not None:
        checked_age(update.birth_year, now=utc_now())
        changes["birth_year"] = update.birth_year
    if "district" in changes:
        scope.require(officer, changes["district"], field="body.district")
    profile = await apply_changes(profile, changes)
    await audit.record(
        actor=officer.id, action="youth.corrected", resource_type="youth", resource_id=profile.id
    )
    return to_read(profile)


async def read_registered(*, officer: Account, registration_id: UUID) -> YouthRead:
    """A profile an officer registered, read by field staff of its district (audited: personal data)."""
    profile = await _registered_in_scope(officer=officer, registration_id=registration_id)
    await audit.record(actor=officer.id, action="youth.read", resource_type="youth", resource_id=profile.id)
    return to_read(profile)


async def event_checkins(*, actor: Account, event_id: UUID) -> EventCheckins:
    """Who came to an event of the caller's districts: counts, and the people registered there by first name
    only (no phone or other personal data; audited all the same, as a staff read of young people's data)."""
    event = await event_in_scope(account=actor, event_id=event_id)
    registered = await (
        YouthProfile.get_pymongo_collection()
        .find({"registered_at_event": event.id}, {"display_name": 1, "created_at": 1})
        .sort([("created_at", 1), ("_id", 1)])
        .limit(1000)
        .to_list()
    )
    if registered:
        await audit.record(
            actor=actor.id, action="youth.listed_at_event", resource_type="event", resource_id=event.id
        )
    return EventCheckins(
        event_id=UUID(event.id),
        checkin_count=event.checkin_count,
        rsvp_count=event.rsvp_count,
        registration_count=event.registration_count,
        registrations=[
            CheckinRegistration(
                id=UUID(person["_id"].removeprefix("registered:")),
                first_name=(person["display_name"].split() or [""])[0],
                registered_at=person["created_at"],
            )
            for person in registered
        ],
    )
