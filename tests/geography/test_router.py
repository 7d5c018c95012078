"""HTTP behaviour of the geography reference endpoints."""

import httpx
import pytest

pytestmark = pytest.mark.usefixtures("seeded")


async def test_provinces_list_has_iso_codes_and_na_seat_counts(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/provinces")
    assert response.status_code == 200
    seats = {p["code"]: p["na_general_seats"] for p in response.json()}
    assert seats == {"PK-PB": 141, "PK-SD": 61, "PK-KP": 45, "PK-BA": 16, "PK-IS": 3, "PK-GB": 0, "PK-JK": 0}


async def test_national_assembly_seats_per_province_match_ecp_2023(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"house": "NA", "limit": 500})
    body = response.json()
    assert body["total"] == 266
    per_province: dict[str, int] = {}
    for seat in body["items"]:
        per_province[seat["province"]] = per_province.get(seat["province"], 0) + 1
    assert per_province == {"PK-PB": 141, "PK-SD": 61, "PK-KP": 45, "PK-BA": 16, "PK-IS": 3}


@pytest.mark.parametrize(("house", "seats"), [("PP", 297), ("PS", 130), ("PK", 115), ("PB", 51)])
async def test_provincial_assembly_seat_counts(client: httpx.AsyncClient, house: str, seats: int) -> None:
    response = await client.get("/v1/geo/constituencies", params={"house": house, "limit": 1})
    assert response.json()["total"] == seats


async def test_every_record_carries_provenance(client: httpx.AsyncClient) -> None:
    districts = (await client.get("/v1/geo/districts", params={"limit": 500})).json()["items"]
    seats = (await client.get("/v1/geo/constituencies", params={"limit": 500})).json()["items"]
    for record in districts + seats:
        assert record["source"]
        assert record["source_date"]
        assert isinstance(record["verified"], bool)
    assert {seat["delimitation"] for seat in seats} == {"ECP-2023"}


async def test_districts_filtered_by_province(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/districts", params={"province": "PK-PB", "limit": 100})
    body = response.json()
    assert body["total"] == 41
    names = [d["name"] for d in body["items"]]
    assert names == sorted(names)
    assert {"Murree", "Talagang", "Wazirabad", "Kot Addu", "Taunsa"} <= set(names)


async def test_unknown_province_filter_names_the_field(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/districts", params={"province": "PK-XX"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [
        {
            "field": "query.province",
            "rule": "unknown_province",
            "message": "'PK-XX' is not a province or territory code.",
        }
    ]


async def test_district_found_by_alias(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/districts/Laki Marwat")
    assert response.status_code == 200
    assert response.json()["code"] == "lakki-marwat"
    assert "Laki Marwat" in response.json()["aliases"]


async def test_constituencies_of_a_district_include_cum_seats(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"district": "tank", "house": "NA"})
    assert [seat["code"] for seat in response.json()["items"]] == ["NA-43"]
    dik = await client.get("/v1/geo/constituencies", params={"district": "D.I. Khan", "house": "NA"})
    assert [seat["code"] for seat in dik.json()["items"]] == ["NA-43", "NA-44", "NA-45"]


async def test_constituencies_sorted_by_house_then_number(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"district": "rawalpindi", "house": "NA"})
    codes = [seat["code"] for seat in response.json()["items"]]
    assert codes == ["NA-51", "NA-52", "NA-53", "NA-54", "NA-55", "NA-56", "NA-57"]


async def test_unknown_district_filter_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"district": "atlantis"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["rule"] == "unknown_district"


async def test_bad_house_filter_is_a_validation_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"house": "XX"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.house"


async def test_single_constituency_by_code_in_any_case(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies/na-43")
    assert response.status_code == 200
    seat = response.json()
    assert seat["name"] == "Tank-cum-Dera Ismail Khan"
    assert seat["districts"] == ["tank", "dera-ismail-khan"]


async def test_provincial_seat_code_is_not_confused_with_province_code(client: httpx.AsyncClient) -> None:
    seat = await client.get("/v1/geo/constituencies/PK-12")
    province = await client.get("/v1/geo/provinces/PK-KP")
    assert seat.json()["house"] == "PK"
    assert province.json()["name"] == "Khyber Pakhtunkhwa"
    assert (await client.get("/v1/geo/provinces/PK-12")).status_code == 404


@pytest.mark.parametrize(
    "path", ["/v1/geo/provinces/PK-ZZ", "/v1/geo/districts/nowhere", "/v1/geo/constituencies/NA-999"]
)
async def test_unknown_single_items_answer_404_problem(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/geo/provinces",
        "/v1/geo/provinces/PK-SD",
        "/v1/geo/districts?province=PK-BA",
        "/v1/geo/districts/quetta",
        "/v1/geo/constituencies?house=NA",
        "/v1/geo/constituencies/NA-266",
    ],
)
async def test_reads_carry_etag_and_answer_304(client: httpx.AsyncClient, path: str) -> None:
    first = await client.get(path)
    etag = first.headers["etag"]
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    weak = await client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = await client.get(path, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200


async def test_pagination_limit_is_capped(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/geo/constituencies", params={"limit": 501})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.limit"


async def test_pages_do_not_overlap(client: httpx.AsyncClient) -> None:
    first = (await client.get("/v1/geo/districts", params={"limit": 50, "offset": 0})).json()
    second = (await client.get("/v1/geo/districts", params={"limit": 50, "offset": 50})).json()
    assert first["total"] == second["total"] == 168
    assert not {d["code"] for d in first["items"]} & {d["code"] for d in second["items"]}


@pytest.mark.parametrize(
    ("params", "items"),
    [
        ({"limit": 500}, 168),  # one page that is not full: its length is the total, nothing counted
        ({"limit": 10, "offset": 160}, 8),  # the last page, not full
        ({"limit": 10}, 10),  # a full page: counted
        ({"limit": 10, "offset": 1000}, 0),  # past the end: counted
    ],
)
async def test_every_page_tells_the_same_total(
    client: httpx.AsyncClient, params: dict[str, int], items: int
) -> None:
    page = (await client.get("/v1/geo/districts", params=params)).json()
    assert (len(page["items"]), page["total"]) == (items, 168)
