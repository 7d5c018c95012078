"""The licence list as last imported, and which list that was."""

from datetime import datetime

from beanie import Document


class RecruiterLicence(Document):
    id: str  # type: ignore[assignment]  # the licence number, normalised (upper case, no spaces)
    licence_number: str  # as published
    name: str
    name_key: str  # normalised for tolerant matching
    city: str
    status: str  # valid, expired or cancelled, as published; a valid one past `expiry` reads as expired
    expiry: str | None = None  # ISO date
    list_date: str

    class Settings:
        name = "recruiter_licences"


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
