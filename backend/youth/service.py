"""Young people: sign-up (consent, age rules, geography) and the own profile.

Each write that feeds turnout counts (sign-up, check-in) happens in one function of this package (sign-up
here, check-in in `attendance`), so that counting is one call added in one place. Personal fields are
never logged. Preferences and profile changes are in `profile_changes`, field officers' registrations in
`registrations`, devices in `devices`, check-ins in `attendance`, export and erasure in `data_rights`.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import phonenumbers
from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.core.clock import age_reached, utc_now
from backend.core.errors import ConflictError, NotFoundError, invalid_field
from backend.geography import places
from backend.geography import service as geography
from backend.turnout import counting
from backend.youth.models import YouthProfile
from schemas.accounts import Role
from schemas.youth import (
    ConsentMethod,
    ConsentText,
    QuietHours,
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


def to_read(profile: YouthProfile) -> YouthRead:
    data = profile.model_dump(
        exclude={
            "id",
            "revision_id",
            "quiet_start",
            "quiet_end",
            "tombstone_id",
            "registered_at_event",
            "counted_as",
        }
    )
    quiet = QuietHours(start=profile.quiet_start[:5], end=profile.quiet_end[:5])
    return YouthRead.model_validate({**data, "uid": profile.id, "quiet_hours": quiet})


def checked_age(birth_year: int, *, now: datetime) -> int:
    age = age_reached(birth_year, at=now)
    if not MIN_AGE <= age <= MAX_AGE:
        raise invalid_field(
            "body.birth_year",
            "age_out_of_range",
            f"Hamqadam is for people aged {MIN_AGE} to {MAX_AGE}; the programme's band is 15-29",
        )
    return age


def normalised_phone(raw: str | None) -> str | None:
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


async def resolve_seats(
    *, district: str, constituency: str, provincial: str | None
) -> tuple[str, str | None]:
    """A young person's National and Provincial Assembly seats in `district` (a canonical code).

    Each seat given must cover the district. `constituency` may name a seat of either assembly (older
    clients sent either); a seat not given is the district's only one of its assembly, none where no
    provincial seat covers the district (Islamabad), and otherwise must be given (422 naming the field).
    """
    given = await places.seat_covering_or_raise("body.constituency", constituency, district=district)
    national = given if await geography.is_national_seat(given) else None
    provincial_seat = None if national else given
    if provincial is not None:
        other = await places.seat_covering_or_raise(
            "body.provincial_constituency", provincial, district=district
        )
        if await geography.is_national_seat(other) or provincial_seat not in (None, other):
            raise invalid_field(
                "body.provincial_constituency",
                "not_provincial",
                "give the Provincial Assembly seat here and the National Assembly seat in `constituency`",
            )
        provincial_seat = other
    national_seats, provincial_seats = await geography.seats_covering(district_code=district)
    if national is None:
        if len(national_seats) != 1:
            raise invalid_field(
                "body.constituency",
                "national_seat_required",
                f"give the National Assembly seat: {len(national_seats)} cover {district}",
            )
        national = national_seats[0]
    if provincial_seat is None and provincial_seats:
        if len(provincial_seats) > 1:
            raise invalid_field(
                "body.provincial_constituency",
                "provincial_seat_required",
                f"give the Provincial Assembly seat: {len(provincial_seats)} cover {district}",
            )
        provincial_seat = provincial_seats[0]
    return national, provincial_seat


async def _profile_fields(signup: YouthSignup, *, now: datetime) -> dict[str, Any]:
    """Validated, canonical profile fields; raises with the field and rule named."""
    age = checked_age(signup.birth_year, now=now)
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
    district = await places.district_or_raise("body.district", signup.district)
    national, provincial = await resolve_seats(
        district=district.code, constituency=signup.constituency, provincial=signup.provincial_constituency
    )
    return {
        "display_name": signup.display_name.strip(),
        "birth_year": signup.birth_year,
        "gender": signup.gender.value,
        "district": district.code,
        "constituency": national,
        "provincial_constituency": provincial,
        "province": district.province,
        "languages": [language.value for language in signup.languages],
        "interests": [topic.value for topic in signup.interests],
        "phone": normalised_phone(signup.phone),
    }


async def _together(first: Awaitable[Any], second: Awaitable[Any]) -> None:
    """Await two independent writes at once (one round trip's wait); an error of either is raised."""
    for result in await asyncio.gather(first, second, return_exceptions=True):
        if isinstance(result, BaseException):
            raise result


async def create_profile(
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

    This is the single place a young person enters the counts: the request whose insert stored the
    profile counts the sign-up in turnout, as the snapshot stored on the profile (`counted_as`) says.
    """
    now = utc_now()
    fields = await _profile_fields(signup, now=now) | (extra or {})
    consent = {
        "version": CONSENT.version,
        "given_at": now,
        "method": method.value,
        "guardian_consent": signup.consent.guardian_consent,
    }
    counted = counting.snapshot(
        fields, gender=fields["gender"], birth_year=fields["birth_year"], at=now, record=profile_id
    )
    profile = YouthProfile(
        id=profile_id,
        consent=consent,
        registered_by=registered_by,
        counted_as=dict(counted),
        created_at=now,
        updated_at=now,
        **fields,
    )

    async def insert_and_count() -> None:
        # The insert is the claim: counted right after it, whatever becomes of the `alongside` write.
        await YouthProfile.get_pymongo_collection().insert_one(profile.model_dump(by_alias=True))
        await counting.count_signup(counted=counted, record=profile_id)

    try:
        # The validated model, stored as it dumps (Beanie's own insert encodes it again).
        insert = insert_and_count()
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

    profile, created = await create_profile(
        profile_id=account.id,
        signup=signup,
        method=ConsentMethod.APP,
        registered_by=None,
        alongside=None if Role.YOUTH in account.roles else grant_youth_role,
    )
    return to_read(profile), created


async def own_profile(*, account: Account) -> YouthProfile:
    profile = await YouthProfile.get(account.id)
    if profile is None or profile.status == "erased":
        raise NotFoundError("Sign up first.")
    return profile
