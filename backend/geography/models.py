"""Stored geography records, keyed by their code (`_id`): reference data, never a Python enum."""

from typing import ClassVar

from beanie import Document
from pymongo import ASCENDING, IndexModel


class Province(Document):
    id: str  # type: ignore[assignment]  # ISO 3166-2:PK code, e.g. PK-PB
    name: str
    name_ur: str
    kind: str
    provincial_house: str | None
    na_general_seats: int
    source: str
    source_date: str
    verified: bool

    class Settings:
        name = "geo_provinces"


class District(Document):
    id: str  # type: ignore[assignment]  # slug, e.g. dera-ismail-khan
    name: str
    province: str
    aliases: list[str]
    # Normalised name, code and aliases, so "Laki Marwat" and "LAKKI-MARWAT" find one district.
    lookup_keys: list[str]
    effective_from: str | None = None
    notes: str | None = None
    source: str
    source_date: str
    verified: bool

    class Settings:
        name = "geo_districts"
        indexes: ClassVar[list[IndexModel]] = [
            # The district list, by name then code, of one province or of all (index-coverage test).
            IndexModel(
                [("province", ASCENDING), ("name", ASCENDING), ("_id", ASCENDING)], name="province_name_id"
            ),
            IndexModel([("name", ASCENDING), ("_id", ASCENDING)], name="name_id"),
            IndexModel([("lookup_keys", ASCENDING)], name="lookup_keys"),
        ]


class Constituency(Document):
    id: str  # type: ignore[assignment]  # house prefix and number, e.g. NA-43
    house: str
    number: int
    name: str
    province: str
    districts: list[str]
    delimitation: str
    source: str
    source_date: str
    verified: bool
    notes: str | None = None

    class Settings:
        name = "geo_constituencies"
        indexes: ClassVar[list[IndexModel]] = [
            IndexModel([("house", ASCENDING), ("number", ASCENDING)], name="house_number"),
            IndexModel([("districts", ASCENDING)], name="districts"),
            IndexModel([("province", ASCENDING)], name="province"),
        ]
