"""Record keys of the cell-key method: every record a figure about young people counts carries a key.

A record's key is an integer in [0, KEY_RANGE), HMAC-SHA256 of the record's id under FIGURES_KEY_SECRET,
fixed when the record is counted (and kept on the record's `counted_as` snapshot, so that an erasure,
which gives the record a new id, keeps its key). Without the secret nobody can tell a record's key from
its id, so nobody can compute a cell's key, and so nobody can undo the noise it selects (docs/PRIVACY.md).

Record ids: a sign-up is its profile's uid, a check-in its attendance id (`<event>:<uid>`; its first
reach and first activity of the month in an area count under the same key), an erasure its tombstone,
an alert open its inbox entry, and each part of an officer's report `<event>:<count>[:<part>]`.
"""

import hashlib
import hmac
import secrets

from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from backend.core.settings import Settings, get_settings
from backend.turnout.models import KeyFingerprint

KEY_RANGE = 2**32
FINGERPRINT_ID = "figures"

_secret: bytes | None = None


def use_secret(settings: Settings) -> None:
    """Key records with `settings`' FIGURES_KEY_SECRET (a random one for this process when unset)."""
    global _secret
    configured = settings.figures_key_secret
    # Outside production an unset secret is random per process: keys stay consistent within it.
    _secret = configured.get_secret_value().encode() if configured else secrets.token_bytes(32)


def _key() -> bytes:
    if _secret is None:
        use_secret(get_settings())
    assert _secret is not None
    return _secret


def record_key(record_id: str) -> int:
    """The key of the record `record_id`: the same id always gives the same key under one secret."""
    digest = hmac.new(_key(), record_id.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def event_record(event_id: str, count: str, part: str | None = None) -> str:
    """The id of one count of an officer's report: its headcount, or one part of a split of it."""
    return f"{event_id}:{count}" if part is None else f"{event_id}:{count}:{part}"


def fingerprint() -> str:
    """A fingerprint of this process's secret: tells two secrets apart, gives neither away."""
    return hmac.new(_key(), b"hamqadam: figures key fingerprint", hashlib.sha256).hexdigest()[:16]


async def secret_matches(*, replace: bool = False) -> bool:
    """True when this process keys records with the secret they are keyed with (recorded by the first
    process to ask); `replace` records this process's secret instead (after a deliberate change)."""
    collection = KeyFingerprint.get_pymongo_collection()
    mine = fingerprint()
    if replace:
        await collection.replace_one({"_id": FINGERPRINT_ID}, {"fingerprint": mine}, upsert=True)
        return True
    try:
        stored = await collection.find_one_and_update(
            {"_id": FINGERPRINT_ID},
            {"$setOnInsert": {"fingerprint": mine}},
            upsert=True,
            return_document=ReturnDocument.AFTER,
        )
    except DuplicateKeyError:  # a concurrent first process recorded its own: compare with that
        stored = await collection.find_one({"_id": FINGERPRINT_ID})
    return stored is not None and stored["fingerprint"] == mine
