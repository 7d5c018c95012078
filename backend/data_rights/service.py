"""A young person's data rights: export everything held about them, and erasure (a tombstone stays).

This feature sits above the others on purpose: a person's data lives in youth (profile), events
(check-ins, RSVPs), alerts (phones, inbox), turnout (the reach claim) and voice (poll answers,
questions, supports, event feedback), and only here are all of them gathered or removed together.
"""

import contextlib
import uuid
from uuid import UUID

from pymongo.errors import DuplicateKeyError

from backend.accounts.models import Account
from backend.alerts.devices import service as devices
from backend.alerts.inbox import service as inbox
from backend.audit import service as audit
from backend.core.clock import utc_now
from backend.events.counters import uncount
from backend.events.models import Attendance, Rsvp
from backend.turnout import counting, reach
from backend.voice.feedback import people as feedback_people
from backend.voice.polls import people as poll_people
from backend.voice.questions import people as question_people
from backend.youth.models import Tombstone, YouthProfile
from backend.youth.service import own_profile, to_read
from schemas.accounts import Role
from schemas.youth import CheckinRead, YouthExport


async def export_own_data(*, account: Account) -> YouthExport:
    """Everything held about the caller (audited: an export of personal data)."""
    profile = await own_profile(account=account)
    phones = await devices.list_devices(account=account)
    attendance = await Attendance.find({"uid": account.id}).sort("+checked_in_at").to_list()
    rsvps = await Rsvp.find({"uid": account.id}).sort("+created_at").to_list()
    alerts = await inbox.own_notifications(uid=account.id)
    await audit.record(
        actor=account.id, action="youth.exported", resource_type="youth", resource_id=account.id
    )
    return YouthExport(
        exported_at=utc_now(),
        account={"uid": account.id, "email": account.email, "roles": list(account.roles)},
        profile=to_read(profile),
        devices=phones,
        checkins=[CheckinRead(event_id=UUID(a.event_id), checked_in_at=a.checked_in_at) for a in attendance],
        rsvps=[{"event_id": r.event_id, "created_at": r.created_at} for r in rsvps],
        notifications=[notification.model_dump(mode="json") for notification in alerts],
        poll_answers=await poll_people.answers_of(uid=account.id),
        questions=await question_people.questions_of(uid=account.id),
        question_supports=await question_people.supports_of(uid=account.id),
        event_feedback=await feedback_people.feedback_of(uid=account.id),
    )


async def erase(*, account: Account) -> None:
    """Erase the caller: personal fields and devices go (out of their alert topic at once); a tombstone and
    anonymous check-ins stay.

    Every step can be retried: the tombstone id is fixed on the profile first (by one conditional update,
    so concurrent erasures agree on it), check-ins and the turnout reach claim are re-keyed under it
    (insert, then delete), and the profile goes last. The tombstone's unique insert is the claim on
    counting the erasure in turnout: exactly one request inserts it. Signing in again starts an empty
    profile.
    """
    profile = await YouthProfile.get(account.id)
    if profile is None:
        return
    tombstone_id = profile.tombstone_id
    if tombstone_id is None:
        tombstone_id = uuid.uuid4().hex
        fixed = await YouthProfile.get_pymongo_collection().update_one(
            {"_id": profile.id, "tombstone_id": None},
            {"$set": {"tombstone_id": tombstone_id, "status": "erased"}},
        )
        if fixed.matched_count == 0:  # a concurrent erasure fixed it first (or finished): use its id
            stored = await YouthProfile.get_pymongo_collection().find_one(
                {"_id": profile.id}, {"tombstone_id": 1}
            )
            if stored is None:
                return
            tombstone_id = stored["tombstone_id"]
    # Erased from here on: the devices' topic is none, so no topic message reaches them even if a later
    # step fails and the erasure is retried.
    await devices.follow_profile_now(account.id)
    # Profiles from before turnout counted sign-ups lack the snapshot: the one a rebuild would derive.
    counted = profile.counted_as or dict(
        counting.snapshot(
            profile.model_dump(),
            gender=profile.gender,
            birth_year=profile.birth_year,
            at=profile.created_at,
            record=profile.id,
        )
    )
    # The sign-up keeps the key it was counted with (the profile's), though the uid goes.
    counted = {**counted, "key": counting.snapshot_key(counted, profile.id)}
    tombstone = Tombstone(
        id=tombstone_id,
        erased_at=utc_now(),
        district=profile.district,
        constituency=profile.constituency,
        provincial_constituency=profile.provincial_constituency,
        province=profile.province,
        counted_as=counted,
    )
    try:
        await tombstone.insert()
    except DuplicateKeyError:
        pass  # inserted by an earlier try or a concurrent erasure, which counted the erasure
    else:
        await counting.count_erasure(
            places=counting.places_of(counted), at=tombstone.erased_at, record=tombstone_id
        )
    for attendance in await Attendance.find({"uid": account.id}).to_list():
        with contextlib.suppress(DuplicateKeyError):  # the anonymous copy keeps the record's counted state
            await Attendance(
                id=f"{attendance.event_id}:{tombstone_id}",
                event_id=attendance.event_id,
                uid=f"erased:{tombstone_id}",
                district=attendance.district,
                checked_in_at=attendance.checked_in_at,
                counted=attendance.counted,
                counted_as=attendance.counted_as,
            ).insert()
        await Attendance.get_pymongo_collection().delete_one({"_id": attendance.id})
    await reach.rekey_reach(person=account.id, anonymous=f"erased:{tombstone_id}")
    await poll_people.forget_person(uid=account.id, anonymous=f"erased:{tombstone_id}")
    await question_people.forget_person(uid=account.id, anonymous=f"erased:{tombstone_id}")
    await feedback_people.forget_person(uid=account.id, anonymous=f"erased:{tombstone_id}")
    await devices.remove_all(uid=account.id)
    await inbox.forget_person(uid=account.id)
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
