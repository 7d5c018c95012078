"""Search terms: Urdu and Latin folding, tokenising, stop words, stemming, query limits and ranking."""

import re

import pytest

from backend.content.search_terms import (
    STOP_WORDS,
    index_terms,
    normalise,
    query_terms,
    score,
    stem,
    tokens,
)

ARABIC_KAF = "\u0643"
ARABIC_YEH = "\u064a"
ARABIC_HEH = "\u0647"
ALEF_MAKSURA = "\u0649"
ZWNJ = "\u200c"
ZWJ = "\u200d"
TATWEEL = "\u0640"


def test_arabic_keyboard_letters_match_urdu_keyboard_spelling() -> None:
    urdu = "کمپنی"
    arabic = f"{ARABIC_KAF}مپن{ARABIC_YEH}"
    assert arabic != urdu
    assert normalise(arabic) == normalise(urdu) == urdu
    assert normalise(f"{ARABIC_KAF}مپن{ALEF_MAKSURA}") == urdu
    # Arabic heh for heh goal, and the Arabic spelling of "Pakistan".
    assert normalise(f"{ARABIC_HEH}ے") == "ہے"
    assert index_terms(f"پا{ARABIC_KAF}ستان {ARABIC_KAF}مپن{ARABIC_YEH}") == index_terms("پاکستان کمپنی")


def test_heh_variants_fold_but_do_chashmi_heh_stays() -> None:
    assert normalise("خانۂ") == normalise("خانہ") == "خانہ"
    assert normalise("زکوة") == normalise("زکوۃ") == "زکوہ"
    assert normalise("بھائی") == "بھائی"
    assert "\u06be" in normalise("کھانا")


def test_harakat_tatweel_and_invisible_characters_are_removed() -> None:
    assert normalise("مُلازَمَت") == "ملازمت"
    assert normalise(f"ملاز{TATWEEL}{TATWEEL}مت") == "ملازمت"
    assert normalise(f"ملاز{ZWNJ}مت") == "ملازمت"
    assert normalise(f"\u200fملازمت{ZWJ}\u2066\u2069\ufeff") == "ملازمت"
    assert normalise("اللّٰہ") == "اللہ"
    assert tokens(f"نو{ZWNJ}کری") == ["نوکری"]


def test_alef_madda_and_hamza_yeh_stay_whole_and_consistent() -> None:
    assert normalise("آپ") == "آپ"
    assert normalise("\u0627\u0653پ") == "آپ"  # alef + separate madda
    assert normalise("ئ") == "ئ"
    lie = "لئے"
    assert normalise("لی\u0654ے") == lie  # Urdu yeh + separate hamza
    assert normalise(f"ل{ARABIC_YEH}\u0654ے") == lie  # Arabic yeh + separate hamza
    assert normalise("لۓ") == lie  # yeh barree with hamza
    assert normalise("جاۓ") == normalise("جائے")


def test_digits_and_latin_accents_fold() -> None:
    assert normalise("۱۱۱-۲۴۷-۷۸۶") == "111-247-786"
    assert normalise("١٢٣") == "123"
    assert normalise("Émigré CAFÉ naïve Straße") == "emigre cafe naive strasse"
    assert normalise("İstanbul") == "istanbul"


def test_dashed_numbers_also_give_joined_digits() -> None:
    assert tokens("Call 111-247-786 now") == ["call", "111", "247", "786", "111247786", "now"]
    assert "111247786" in set(index_terms("Helpline: ۱۱۱–۲۴۷–۷۸۶")) & set(query_terms("111247786"))
    assert set(query_terms("111-247-786")) <= set(index_terms("OEC helpline 111-247-786."))
    assert tokens("2023 - 2024") == ["2023", "2024"]


def test_apostrophes_are_dropped() -> None:
    assert tokens("The recruiter's fee, don't pay") == ["the", "recruiters", "fee", "dont", "pay"]
    assert index_terms("recruiter\u2019s") == ["recruiter"]


def test_markdown_punctuation_never_ends_up_in_tokens() -> None:
    body = "## Heading\n- **bold** [link](https://x.y)\n> quote | `code` ~~gone~~ __under__ 1. *item*"
    found = tokens(body)
    assert found[:3] == ["heading", "bold", "link"]
    assert {"quote", "code", "gone", "under", "item"} <= set(found)
    for token in found:
        assert re.search(r"[#*_\[\]()>`|\-~:/.]", token) is None, token
        assert token
        assert token.strip() == token


def test_stop_words_are_dropped_in_both_languages() -> None:
    assert index_terms("پاکستان میں ملازمت کے لیے ویزا اور ٹکٹ") == ["پاکستان", "ملازمت", "ویزا", "ٹکٹ"]
    # Typed with Arabic letters ("كه" is Arabic kaf + Arabic heh) the stop word is still caught.
    assert index_terms(f"{ARABIC_KAF}{ARABIC_HEH} نوکری") == ["نوکری"]
    assert index_terms("What is the fee for a visa to the US?") == ["fee", "visa", "us"]
    assert all(word == normalise(word) for word in STOP_WORDS)
    assert {"the", "and", "کے", "ہیں", "لئے"} <= STOP_WORDS


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["recruiter", "recruiters", "recruiter's"], "recruiter"),
        (["traffickers", "trafficker"], "trafficker"),
        (["trafficking", "trafficked", "traffick"], "traffick"),
        (["visas", "visa"], "visa"),
        (["offers", "offer", "offered", "offering", "offerings"], "offer"),
        (["agencies", "agency"], "agency"),
        (["classes", "class"], "class"),
        (["stopped", "stopping"], "stop"),
    ],
)
def test_stemming_joins_word_families(words: list[str], expected: str) -> None:
    for word in words:
        assert index_terms(word) == [expected], word


@pytest.mark.parametrize("term", ["status", "analysis", "process", "thing", "fees", "during", "agreed"])
def test_stemming_leaves_other_endings_alone(term: str) -> None:
    assert stem(term) == term


@pytest.mark.parametrize("term", ["ملازمتیں", "کمپنیاں", "covid19", "ab", "جاتے"])
def test_stemming_leaves_other_scripts_and_non_words_alone(term: str) -> None:
    assert stem(term) == term


@pytest.mark.parametrize("word", ["trafficking", "meetings", "released", "agencies", "running", "offered"])
def test_stem_is_idempotent(word: str) -> None:
    assert stem(stem(word)) == stem(word)


def test_query_terms_dedupe_and_limit() -> None:
    assert query_terms("Visa visas VISA offer offers") == ["visa", "offer"]
    many = " ".join(f"word{number}" for number in range(20))
    assert query_terms(many) == [f"word{number}" for number in range(12)]
    assert query_terms(many, max_terms=3) == ["word0", "word1", "word2"]
    with pytest.raises(ValueError, match="max_terms"):
        query_terms("visa", max_terms=0)


@pytest.mark.parametrize("query", ["", "   \n\t", "?!-- ## **", "، ۔ ؟", "the of and", "a b c", ZWNJ])
def test_empty_queries_give_no_terms(query: str) -> None:
    assert query_terms(query) == []


def test_index_terms_are_unique_in_first_seen_order() -> None:
    assert index_terms("Visas and offers: visa offer VISA") == ["visa", "offer"]


def test_title_match_outranks_body_only_match() -> None:
    query = query_terms("visa")
    in_title = score(query, title=["visa"], summary=[], body=[])
    in_body = score(query, title=["job"], summary=["job"], body=["visa"])
    assert in_title > in_body > 0.0


def test_full_coverage_outranks_partial_match() -> None:
    query = query_terms("work visa fee")
    all_in_body = score(query, title=[], summary=[], body=["work", "visa", "fee"])
    two_in_title = score(query, title=["work", "visa"], summary=[], body=[])
    one_everywhere = score(query, title=["visa"], summary=["visa"], body=["visa"])
    assert all_in_body > two_in_title > one_everywhere > 0.0


def test_score_details() -> None:
    fields = {"title": ["visa"], "summary": ["visa", "fee"], "body": ["fee"]}
    assert score(["visa"], **fields) == 10 + 3.5  # one term matched; title, plus the several-fields bonus
    assert score(["fee"], **fields) == 10 + 2.5
    assert score(["visa", "fee"], **fields) == 20 + 6.0
    assert score(["visa", "visa"], **fields) == 10 + 3.5
    assert score(["visa", "job"], **fields) == 10 + 3.5
    assert score(["job"], **fields) == 0.0
    assert score([], **fields) == 0.0
