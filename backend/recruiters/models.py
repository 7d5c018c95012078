"""The licence list as last imported, and which list that was."""

from datetime import datetime
from typing import ClassVar

from beanie import Document
from pymongo import ASCENDING, IndexModel


class RecruiterLicence(Document):
    id: str  # type: ignore[assignment]  # the licence number, normalised (upper case, no spaces)
    licence_number: str  # as published
    name: str
    name_key: str  # normalised for tolerant matching
    number_key: str  # the licence number's letters and digits only
    city: str
    status: str  # valid, expired or cancelled, as published; a valid one past `expiry` reads as expired
    expiry: str | None = None  # ISO date
    list_date: str

    class Settings:
        name = "recruiter_licences"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("number_key", ASCENDING)], name="number_key"),
            # An import deletes the licences of older lists (`list_date` other than the new one's).
            IndexModel([("list_date", ASCENDING)], name="list_date"),
        ]


class LicenceList(Document):
    """The one current list: its date and source, and whether it is the development sample."""

    id: str  # type: ignore[assignment]  # always "current"
    list_date: str
    source: str
    sample: bool
    rows: int
    imported_at: datetime

    class Settings:
        name = "recruiter_licence_lists"
