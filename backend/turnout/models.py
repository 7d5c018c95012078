"""Turnout counters: one document per area and month, moved only by `$inc` upserts (see counting.py).

Dashboards read these documents by `_id` (a handful per request, whatever the national scale), never the
events, check-ins or profiles they count.

A counter document:
    _id    "<area>:<code>:<YYYY-MM>", e.g. "constituency:NA-43:2026-11", "national:PK:2026-11"
    area   "constituency" | "district" | "province" | "national"
    code   the area's code (a seat of either assembly, a district slug, an ISO province code, "PK")
    month  "YYYY-MM", the month in Pakistan time
    k      beside each count of young people, the sum of the keys of the records it counts (keys.py),
           nested as `c` and moved by the same `$inc` ("k.headcount_gender.female"); a cell's key is the
           sum over its documents modulo keys.KEY_RANGE (ptable.py, docs/PRIVACY.md)
    c      the counts, a nested map moved with `$inc` on dotted paths ("c.headcount_gender.female"):
           events_held, events_cancelled, headcount        (approved event reports)
           headcount_gender.<gender>, headcount_age.<band>  (the officers' splits of the headcount)
           events_kind.<kind>, events_topic.<topic>, headcount_topic.<topic>
           checkins                                         (check-ins of young people)
           active                                           (unique young people checking in that month)
           reached, reached_gender.<gender>, reached_age.<band>
                                                            (young people checking in in the area for
                                                             the first time ever: sums over months are
                                                             distinct people)
           signups, signups_gender.<gender>, signups_age.<band>, erasures
           alert_reach                                      (alerts opened by young people)
A missing count is zero.
"""

from typing import ClassVar

from beanie import Document
from pydantic import Field
from pymongo import ASCENDING, IndexModel

NATIONAL_CODE = "PK"


class TurnoutCounter(Document):
    id: str  # type: ignore[assignment]  # "<area>:<code>:<YYYY-MM>"
    area: str
    code: str
    month: str
    c: dict[str, object] = Field(default_factory=dict)
    k: dict[str, object] = Field(default_factory=dict)
    # A new random value with every change (counting.stamp); None on documents older than it.
    v: str | None = None

    class Settings:
        name = "turnout_counters"
        indexes: ClassVar[list[IndexModel]] = [
            # An area kind's counters in code and month order (the rebuild walks `_id`: one range, no sort).
            IndexModel(
                [("area", ASCENDING), ("code", ASCENDING), ("month", ASCENDING)], name="area_code_month"
            ),
        ]


class ReachClaim(Document):
    """Where one young person has been counted as reached: the claim that makes `active` and `reached`
    count each person once per area and month (and once per area ever).

    `seen` holds "<area>:<code>" (reached ever) and "<area>:<code>:<YYYY-MM>" (active that month). One
    `$addToSet` returning the document as it was before tells which keys this check-in is the first to
    add. Keyed by the uid (re-keyed to the tombstone's anonymous uid on erasure).
    """

    id: str  # type: ignore[assignment]  # the uid, or "erased:<tombstone id>"
    seen: list[str] = Field(default_factory=list)

    class Settings:
        name = "turnout_reach"


class AppliedChange(Document):
    """The claim that a change of an event's counted contribution has been added to the counters:
    `<event id>:<version>`, inserted before the `$inc`s, so a replayed or finished-twice change adds once."""

    id: str  # type: ignore[assignment]

    class Settings:
        name = "turnout_applied"


class KeyFingerprint(Document):
    """Which FIGURES_KEY_SECRET the records are keyed with, as a fingerprint of it (keys.py), recorded by
    the first process to ask: a process or a rebuild with another secret notices, rather than re-keying
    the figures (each figure would be drawn afresh, and two draws of one count tell more than one)."""

    id: str  # type: ignore[assignment]  # "figures"
    fingerprint: str

    class Settings:
        name = "turnout_keys"
