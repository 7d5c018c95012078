"""A young person's own preferences and profile changes, and the stored form of a change (shared with
field officers' corrections in `registrations`)."""

from typing import Any

from backend.accounts.models import Account
from backend.core.clock import utc_now
from backend.core.errors import invalid_field
from backend.geography import places
from backend.youth import service, signals
from backend.youth.models import YouthProfile
from backend.youth.service import normalised_phone, own_profile, to_read
from schemas.youth import PreferencesUpdate, ProfileUpdate, YouthRead


async def update_preferences(*, account: Account, update: PreferencesUpdate) -> YouthRead:
    """Change preferences; a new first language moves the phones' alert topic at once."""
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
        await _follow(profile.id)
    return to_read(profile)


async def _follow(uid: str) -> None:
    """Tell the features above (alerts) that the stored profile changed: its phones move topic at once."""
    await signals.profile_changed.send(uid)


async def stored_changes(update: ProfileUpdate, profile: YouthProfile) -> dict[str, Any]:
    """The stored form of a change of `profile` (canonical geography, E.164 phone); raises naming the field.

    A new district comes with its National Assembly seat (and the Provincial Assembly seat, as at sign-up);
    a Provincial Assembly seat alone is checked against the district the profile has.
    """
    changes: dict[str, Any] = {}
    if update.display_name is not None:
        changes["display_name"] = update.display_name
    if update.gender is not None:
        changes["gender"] = update.gender.value
    if update.phone is not None:
        changes["phone"] = normalised_phone(update.phone) if update.phone.strip() else None
    if update.district is not None or update.constituency is not None:
        if update.district is None or update.constituency is None:
            raise invalid_field("body.district", "pair_required", "change district and constituency together")
        district = await places.district_or_raise("body.district", update.district)
        national, provincial = await service.resolve_seats(
            district=district.code,
            constituency=update.constituency,
            provincial=update.provincial_constituency,
        )
        changes |= {
            "district": district.code,
            "constituency": national,
            "provincial_constituency": provincial,
            "province": district.province,
        }
    elif update.provincial_constituency is not None:
        national, provincial = await service.resolve_seats(
            district=profile.district,
            constituency=profile.constituency,
            provincial=update.provincial_constituency,
        )
        changes |= {"constituency": national, "provincial_constituency": provincial}
    return changes


async def apply_changes(profile: YouthProfile, changes: dict[str, Any]) -> YouthProfile:
    if not changes:
        return profile
    changes["updated_at"] = utc_now()
    await YouthProfile.get_pymongo_collection().update_one({"_id": profile.id}, {"$set": changes})
    await _follow(profile.id)  # a new province moves the alert topic
    updated: YouthProfile = profile.model_copy(update=changes)
    return updated


async def update_profile(*, account: Account, update: ProfileUpdate) -> YouthRead:
    """Change profile fields. A new district moves the person in every count from today on (counts are
    read from the profile's current district), and their phones' alert topic at once."""
    profile = await own_profile(account=account)
    return to_read(await apply_changes(profile, await stored_changes(update, profile)))


async def follow_account_status(uid: str, disabled: bool) -> None:
    """A disabled account blocks its young person (no alert of any priority, out of every topic); enabled
    again, they are active (or stopped, as they chose) and their phones rejoin their topic."""
    profile = await YouthProfile.get(uid)
    if profile is None or profile.status == "erased":
        return
    status = "blocked" if disabled else "stopped" if profile.alerts_stopped else "active"
    changed = await YouthProfile.get_pymongo_collection().update_one(
        {"_id": uid, "status": {"$nin": ["erased", status]}},
        {"$set": {"status": status, "updated_at": utc_now()}},
    )
    if changed.modified_count or disabled:
        await _follow(uid)
