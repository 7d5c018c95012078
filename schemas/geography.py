"""Geography reference data: provinces and territories, districts, constituencies."""

from datetime import date
from enum import StrEnum

from pydantic import Field

from schemas.common import ContractModel


class House(StrEnum):
    """The assembly a constituency elects to; its code prefixes every seat code (NA-43, PK-12)."""

    NATIONAL_ASSEMBLY = "NA"
    PUNJAB = "PP"
    SINDH = "PS"
    KHYBER_PAKHTUNKHWA = "PK"
    BALOCHISTAN = "PB"


class ProvinceKind(StrEnum):
    PROVINCE = "province"
    FEDERAL_TERRITORY = "federal_territory"
    ADMINISTERED_TERRITORY = "administered_territory"


class Provenance(ContractModel):
    """Where a reference record comes from, and whether a person has checked it against that source."""

    source: str = Field(description="The publication the record was taken from.")
    source_date: date = Field(description="Date of that publication.")
    verified: bool = Field(
        description="True when checked against the source; false marks a record awaiting an editor's check."
    )


class ProvinceRead(Provenance):
    code: str = Field(description="ISO 3166-2:PK code, e.g. `PK-PB`.", examples=["PK-PB"])
    name: str
    name_ur: str
    kind: ProvinceKind
    provincial_house: House | None = Field(
        description="House prefix of its provincial assembly seats under ECP delimitation; null if none."
    )
    na_general_seats: int = Field(ge=0, description="National Assembly general seats (ECP-2023).")


class DistrictRead(Provenance):
    code: str = Field(description="Stable slug of the district, e.g. `dera-ismail-khan`.")
    name: str
    province: str = Field(description="ISO 3166-2:PK code of its province or territory.")
    aliases: list[str] = Field(description="Other spellings people use, e.g. `Laki Marwat`.")
    effective_from: date | None = Field(description="Date the district was notified, when it is recent.")
    notes: str | None = None


class ConstituencyRead(Provenance):
    code: str = Field(description="House prefix and number, e.g. `NA-43`.", examples=["NA-43"])
    house: House
    number: int = Field(ge=1)
    name: str = Field(description="ECP name, e.g. `Tank-cum-Dera Ismail Khan`.")
    province: str
    districts: list[str] = Field(description="Codes of the districts the seat covers, in part or whole.")
    delimitation: str = Field(description="Delimitation the seat belongs to, e.g. `ECP-2023`.")
    notes: str | None = Field(default=None, description="What is uncertain about this record, if anything.")
