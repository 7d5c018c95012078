"""Checking a recruiter: is this Overseas Employment Promoter licensed, and is the licence valid?"""

from datetime import date
from enum import StrEnum

from pydantic import Field

from schemas.common import ContractModel


class LicenceStatus(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    NOT_FOUND = "not_found"


class LicenceRead(ContractModel):
    licence_number: str
    name: str
    city: str
    status: LicenceStatus = Field(description="valid, expired (past its expiry date) or cancelled.")
    expiry: date | None


class RecruiterCheck(ContractModel):
    """The answer to "can I trust this recruiter?", with the list it was checked against."""

    query: str
    status: LicenceStatus = Field(description="Status of the best match, or not_found.")
    matches: list[LicenceRead] = Field(description="Best matches first; several when a name is ambiguous.")
    list_date: date | None = Field(description="Publication date of the licence list checked.")
    list_source: str | None
    sample_data: bool = Field(
        description="True while the development sample list is loaded, not the real one."
    )
