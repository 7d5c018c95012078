"""Poll results: the same scope rules as turnout, every count through the one gate, quotes only when
approved, and erasure keeping the counts while unlinking the person."""

import httpx

from backend.turnout import protection
from backend.voice.polls.models import PollAnswer, PollCounter
from schemas.accounts import Role
from tests.fixtures.users import MakeUser, User
from tests.fixtures.voice import POLLS, answer, create_poll, raw_counts
from tests.fixtures.youth import MakeYoung


def results_url(poll_id: str, area: str = "national", code: str | None = None) -> str:
    return f"/v1/polls/{poll_id}/results?area={area}" + (f"&code={code}" if code else "")


async def test_an_mp_reads_their_seat_beside_the_country_and_no_other_seat(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    await answer(client, person, poll["id"], {"question": "q1", "choice": "o1"})
    mp = await make_user(Role.MP, constituency="NA-117")
    own = await client.get(results_url(poll["id"], "constituency", "NA-117"), headers=mp.headers)
    assert own.status_code == 200, own.text
    assert own.json()["area"]["code"] == "NA-117"
    assert own.json()["national"]["code"] == "PK"
    for area, code in (("constituency", "NA-118"), ("district", "quetta"), ("constituency", "XX-1")):
        assert (await client.get(results_url(poll["id"], area, code), headers=mp.headers)).status_code == 404
    national = await client.get(results_url(poll["id"]), headers=mp.headers)
    assert national.status_code == 200
    assert national.json()["national"] is None
    officer = await make_user(Role.FIELD_OFFICER, districts=["lahore"])
    assert (
        await client.get(results_url(poll["id"], "district", "Lahore"), headers=officer.headers)
    ).status_code == 200
    assert (
        await client.get(results_url(poll["id"], "district", "quetta"), headers=officer.headers)
    ).status_code == 404
    assert (await client.get(results_url(poll["id"]), headers=person.headers)).status_code == 403
    missing = await client.get(results_url(poll["id"], "district"), headers=editor.headers)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "query.code"


async def test_every_result_is_the_protected_count_of_its_cell(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    choices = ["o1"] * 6 + ["o2"] * 2 + ["o3"]
    for index, choice in enumerate(choices):
        person = await make_young(gender="male" if index % 2 else "female")
        await answer(
            client, person, poll["id"], {"question": "q1", "choice": choice}, {"question": "q3", "rating": 3}
        )
    stored = await PollCounter.get_pymongo_collection().find_one({"_id": f"{poll['id']}:national:PK"})
    assert stored is not None
    read = (await client.get(results_url(poll["id"]), headers=editor.headers)).json()
    (q1, q2, q3, q4) = read["area"]["questions"]

    def expected(question: str, split: str, path: str) -> dict[str, object]:
        counts, keys = (
            stored["c"].get(question, {}).get(split, {}),
            stored["k"].get(question, {}).get(split, {}),
        )
        for part in path.split("."):
            counts, keys = (
                counts.get(part, {}) if isinstance(counts, dict) else 0,
                keys.get(part, {}) if isinstance(keys, dict) else 0,
            )
        value = counts if isinstance(counts, int) else 0
        key = keys if isinstance(keys, int) else 0
        return protection.protect(value, key).model_dump()

    assert q1["all"]["respondents"] == expected("q1", "all", "n")
    for option in ("o1", "o2", "o3"):
        assert q1["all"]["options"][option] == expected("q1", "all", f"v.{option}")
        assert q1["by_gender"]["male"]["options"][option] == expected("q1", "g_male", f"v.{option}")
        assert q1["by_age"]["age_20_24"]["options"][option] == expected("q1", "a_age_20_24", f"v.{option}")
    assert (
        q1["all"]["options"]["o3"] == {"value": None, "suppressed": True}
        or q1["all"]["options"]["o3"]["value"] == 0
    )
    assert q3["all"]["options"]["3"] == expected("q3", "all", "v.3")
    assert q2["all"]["respondents"] == {"value": 0, "suppressed": False}
    assert q4["quotes"] == []
    assert read["note"] == protection.NOTE


async def test_short_texts_reach_editors_without_authors_and_mps_only_as_approved_quotes(
    client: httpx.AsyncClient, editor: User, make_user: MakeUser, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    for text in ("More jobs in Lahore", "Tell us about visas"):
        person = await make_young()
        await answer(client, person, poll["id"], {"question": "q4", "text": text})
    texts = await client.get(f"{POLLS}/{poll['id']}/texts?question=q4", headers=editor.headers)
    assert texts.status_code == 200
    assert texts.json()["total"] == 2
    assert all(set(item) == {"id", "question", "text", "quoted", "month"} for item in texts.json()["items"])
    wrong = await client.get(f"{POLLS}/{poll['id']}/texts?question=q1", headers=editor.headers)
    assert wrong.status_code == 422
    chosen = next(item for item in texts.json()["items"] if item["text"] == "More jobs in Lahore")
    mp = await make_user(Role.MP, constituency="NA-117")
    assert (
        await client.get(f"{POLLS}/{poll['id']}/texts?question=q4", headers=mp.headers)
    ).status_code == 403
    before = (await client.get(results_url(poll["id"], "constituency", "NA-117"), headers=mp.headers)).json()
    assert before["area"]["questions"][3]["quotes"] == []
    quote_url = f"{POLLS}/{poll['id']}/quotes/{chosen['id']}"
    approved = await client.put(quote_url, headers=editor.headers)
    assert approved.status_code == 200
    assert approved.json()["quoted"]
    after = (await client.get(results_url(poll["id"], "constituency", "NA-117"), headers=mp.headers)).json()
    assert after["area"]["questions"][3]["quotes"] == ["More jobs in Lahore"]
    assert after["national"]["questions"][3]["quotes"] == ["More jobs in Lahore"]
    elsewhere = (
        await client.get(results_url(poll["id"], "constituency", "NA-118"), headers=editor.headers)
    ).json()
    assert elsewhere["area"]["questions"][3]["quotes"] == []
    assert (await client.delete(quote_url, headers=editor.headers)).json()["quoted"] is False
    withdrawn = (
        await client.get(results_url(poll["id"], "constituency", "NA-117"), headers=mp.headers)
    ).json()
    assert withdrawn["area"]["questions"][3]["quotes"] == []
    other_poll = await create_poll(client, editor)
    assert (
        await client.put(f"{POLLS}/{other_poll['id']}/quotes/{chosen['id']}", headers=editor.headers)
    ).status_code == 404


async def test_erasure_unlinks_answers_keeps_counts_and_drops_short_texts(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    await answer(
        client,
        person,
        poll["id"],
        {"question": "q1", "choice": "o2"},
        {"question": "q4", "text": "My name is Ayesha"},
    )
    exported = (await client.get("/v1/youth/me/export", headers=person.headers)).json()
    assert {(item["question"], item["answer"]) for item in exported["poll_answers"]} == {
        ("q1", "o2"),
        ("q4", "My name is Ayesha"),
    }
    counts = await raw_counts(poll["id"])
    assert (await client.delete("/v1/youth/me", headers=person.headers)).status_code == 204
    assert await raw_counts(poll["id"]) == counts
    assert await PollAnswer.find({"uid": person.uid}).count() == 0
    left = await PollAnswer.find({"poll": poll["id"]}).to_list()
    assert {answer.uid for answer in left} != {person.uid}
    assert all(a.uid.startswith("erased:") for a in left)
    assert {answer.question: answer.value for answer in left} == {"q1": "o2", "q4": None}


async def test_changing_a_quoted_answer_withdraws_the_quote(
    client: httpx.AsyncClient, editor: User, make_young: MakeYoung
) -> None:
    poll = await create_poll(client, editor)
    person = await make_young()
    await answer(client, person, poll["id"], {"question": "q4", "text": "First thought"})
    (item,) = (await client.get(f"{POLLS}/{poll['id']}/texts?question=q4", headers=editor.headers)).json()[
        "items"
    ]
    assert (
        await client.put(f"{POLLS}/{poll['id']}/quotes/{item['id']}", headers=editor.headers)
    ).status_code == 200
    quoted = (await client.get(results_url(poll["id"]), headers=editor.headers)).json()
    assert quoted["area"]["questions"][3]["quotes"] == ["First thought"]
    await answer(client, person, poll["id"], {"question": "q4", "text": "Second thought"})
    after = (await client.get(results_url(poll["id"]), headers=editor.headers)).json()
    assert after["area"]["questions"][3]["quotes"] == []
    (changed,) = (await client.get(f"{POLLS}/{poll['id']}/texts?question=q4", headers=editor.headers)).json()[
        "items"
    ]
    assert changed == item | {"text": "Second thought", "quoted": False}
