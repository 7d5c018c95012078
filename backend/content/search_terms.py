"""Search terms for content: normalisation, tokenising, light stemming and ranking, in plain Python.

The database's own text search is outside the subset we may use, so each live item's record (live.py)
stores the normalised terms of its title, summary and body, in a multikey-indexed `terms` array, with
their `term_weights`; search finds items by their terms and adds up the weights of a query's terms
(`rank`; `score` ranks one document the same way). Stored and query text go through the same pipeline,
so whatever is folded here is folded on both sides.
"""

import re
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from itertools import islice

# Zero-width and bidi control characters: invisible, but they split or glue words differently from one
# keyboard (or copy-paste source) to the next. ZWNJ/ZWJ only shape letters in Urdu; they never part words.
_INVISIBLE = [
    *range(0x200B, 0x2010),  # zero-width space, ZWNJ, ZWJ, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2060, 0x2065),  # word joiner and invisible operators
    *range(0x2066, 0x206A),  # bidi isolates
    0x061C,  # Arabic letter mark (a bidi control)
    0x00AD,  # soft hyphen
    0xFEFF,  # byte order mark / zero-width no-break space
]

# Arabic-script marks readers add or leave out at will: harakat (zabar, zer, pesh, tashdid, ...), the
# superscript alef, Quranic annotation signs, honorific signs, and tatweel (pure stretching).
_ARABIC_MARKS = [
    *range(0x0610, 0x061B),  # honorific and Quranic signs placed above/below letters
    *range(0x064B, 0x0660),  # harakat, tanwin, shadda, sukun, madda and hamza as separate marks
    0x0670,  # superscript (khari) alef
    *range(0x06D6, 0x06EE),  # Quranic annotation marks
    0x0640,  # tatweel
]

_ARABIC_LETTERS: dict[int, str] = {
    # Arabic yeh and alef maksura come from Arabic keyboards; Urdu writes the Farsi yeh in every position.
    # (Pashto does tell ي from ی; folding them costs a little precision there and gains a lot of recall.)
    0x064A: "\u06cc",
    0x0649: "\u06cc",
    # Arabic kaf is what Arabic keyboards type; Urdu, Punjabi, Pashto and Balochi write keheh.
    0x0643: "\u06a9",
    # Arabic heh is typed for the Urdu heh goal (and is the Sindhi/Pashto letter): fold onto one heh.
    # Do-chashmi heh U+06BE marks aspiration (بھ, کھ) and stays distinct.
    0x0647: "\u06c1",
    # Heh goal with hamza (izafat: "خانۂ") and heh with yeh above are mostly typed without the hamza.
    0x06C2: "\u06c1",
    0x06C0: "\u06c1",
    # Teh marbuta (Arabic and Urdu "goal" forms) is written as a plain heh by most Urdu typists.
    0x0629: "\u06c1",
    0x06C3: "\u06c1",
    # Yeh barree with hamza is also typed as hamza-yeh followed by yeh barree (جاۓ / جائے): use the latter.
    0x06D3: "\u0626\u06d2",
    # Alef with hamza above/below and alef wasla are Arabic spellings of a plain Urdu alef. Alef madda
    # (آ, U+0622) is a letter of its own in Urdu and is left alone.
    0x0623: "\u0627",
    0x0625: "\u0627",
    0x0671: "\u0627",
}

# Arabic-Indic and Extended Arabic-Indic (Urdu/Persian) digits: the same numbers as ASCII digits.
_DIGITS: dict[int, str] = {
    **{0x0660 + value: str(value) for value in range(10)},
    **{0x06F0 + value: str(value) for value in range(10)},
}


def _latin_without_accents() -> dict[int, str]:
    """Precomposed Latin letters mapped to their base letters (é → e, ñ → n); no other script is touched."""
    table: dict[int, str] = {}
    for code_point in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        decomposed = unicodedata.normalize("NFD", chr(code_point))
        base = "".join(char for char in decomposed if not unicodedata.combining(char))
        if base and base != chr(code_point):
            table[code_point] = base
    return table


_FOLD_TABLE: dict[int, str | None] = {
    **_latin_without_accents(),
    **dict.fromkeys(_INVISIBLE),
    **dict.fromkeys(_ARABIC_MARKS),
    **_ARABIC_LETTERS,
    **_DIGITS,
}

# A yeh followed by a separate hamza-above is the letter hamza-yeh (ئ); NFKC composes this only for the
# Arabic yeh, so do it for the Urdu yeh and alef maksura too before separate hamzas are dropped as marks.
_YEH_AND_HAMZA = re.compile("[\u064a\u0649\u06cc]\u0654")
# Combining accents left loose after a Latin letter (no precomposed form exists, e.g. "q̃", "i̇" from "İ").
_LATIN_LOOSE_ACCENTS = re.compile("(?<=[a-z\u00c0-\u024f\u1e00-\u1eff])[\u0300-\u036f]+")
# Apostrophes are dropped inside and around words: "recruiter's" → "recruiters".
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc]")
_WORD = re.compile(r"\S+")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")

_ENGLISH_STOP_WORDS = """
    a about after all also am an and any are as at be been before being but by can could did do does for
    from had has have he her here him his how i if in into is it its me more most my no not of on only or
    other our she should so some such than that the their them then there these they this those to very
    was we were what when where which while who why will with would you your
"""
# Not stop words although common: "us" (the country, as casefolded "US") and "may" (the month).

_URDU_STOP_WORDS = """
    کے کی کا کو میں ہے ہیں اور سے پر یہ وہ نہ نہیں بھی تو ہو ہوں ہوا ہوئی ہوئے تھا تھی تھے کر کریں کیا
    گا گی گے جو کہ اس ان ایک لیے لئے آپ اپنے اپنی اپنا یا تک جب اگر لیکن مگر پھر کسی کوئی والے والی والا ہم
"""

_MIN_STEM = 4
_UNDOUBLED_EXCEPT = frozenset("lsz")


def normalise(text: str) -> str:
    """Fold text for matching: NFKC, casefold, Latin accents off, Arabic-script variants unified."""
    text = unicodedata.normalize("NFKC", text)
    text = _YEH_AND_HAMZA.sub("\u0626", text)
    text = text.casefold()
    text = _LATIN_LOOSE_ACCENTS.sub("", text)
    return text.translate(_FOLD_TABLE)


# Normalised like indexed text, so that a stop word typed on an Arabic keyboard ("كه") is caught too.
STOP_WORDS: frozenset[str] = frozenset(
    normalise(word) for word in (_ENGLISH_STOP_WORDS + _URDU_STOP_WORDS).split()
)


def _words_spaced(text: str) -> str:
    # Letters and numbers make words, and so do marks that follow them; punctuation, symbols, spaces,
    # controls and stray marks separate words. The result has the length of `text`, position for position.
    chars: list[str] = []
    in_word = False
    for char in text:
        kind = unicodedata.category(char)[0]
        in_word = kind in "LN" or (kind == "M" and in_word)
        chars.append(char if in_word else " ")
    return "".join(chars)


def tokens(text: str) -> list[str]:
    """Normalised words in order; a dashed number ("111-247-786") also yields its digits joined."""
    folded = _APOSTROPHES.sub("", normalise(text))
    spaced = _words_spaced(folded)
    words: list[str] = []
    digit_run: list[str] = []
    previous_end = -1
    for match in _WORD.finditer(spaced):
        word = match.group()
        is_number = word.isascii() and word.isdigit()
        joined_by_dash = previous_end >= 0 and folded[previous_end : match.start()] in _DASHES
        if digit_run and not (is_number and joined_by_dash):
            if len(digit_run) > 1:
                words.append("".join(digit_run))
            digit_run = []
        if is_number:
            digit_run.append(word)
        words.append(word)
        previous_end = match.end()
    if len(digit_run) > 1:
        words.append("".join(digit_run))
    return words


def _stem_once(term: str) -> str:
    if term.endswith("sses"):
        return term[:-2]
    if term.endswith(("ies", "ied")):
        return term[:-3] + "y"
    if term.endswith("s") and not term.endswith(("ss", "us", "is")):
        return term[:-1]
    for suffix in ("ing", "ed"):
        if term.endswith(suffix) and not term.endswith("eed") and len(term) - len(suffix) >= _MIN_STEM:
            root = term[: -len(suffix)]
            # "stopped" → "stop", "planning" → "plan"; but "called" → "call", "dressed" → "dress".
            if root[-1] == root[-2] and root[-1] not in _UNDOUBLED_EXCEPT and root[-1] not in "aeiou":
                root = root[:-1]
            return root
    return term


def stem(term: str) -> str:
    """Conservative English suffix stripping for ASCII words over 4 letters; other terms unchanged."""
    if not (term.isascii() and term.isalpha()):
        return term
    # Repeated until nothing changes ("meetings" → "meeting" → "meet"), so stem(stem(t)) == stem(t).
    while len(term) > _MIN_STEM:
        stemmed = _stem_once(term)
        if stemmed == term:
            break
        term = stemmed
    return term


def _terms(text: str) -> Iterator[str]:
    seen: set[str] = set()
    for token in tokens(text):
        if token in STOP_WORDS or len(token) < 2:
            continue
        term = stem(token)
        if term not in seen:
            seen.add(term)
            yield term


def index_terms(text: str) -> list[str]:
    """Unique terms to index, first-seen order: tokens minus stop words and 1-character tokens, stemmed."""
    return list(_terms(text))


def query_terms(text: str, *, max_terms: int = 12) -> list[str]:
    """The first `max_terms` unique terms of a user query, through the same pipeline as `index_terms`."""
    if max_terms < 1:
        raise ValueError("max_terms must be at least 1")
    return list(islice(_terms(text), max_terms))


_TITLE_WEIGHT = 3.0
_SUMMARY_WEIGHT = 2.0
_BODY_WEIGHT = 1.0
_SEVERAL_FIELDS_BONUS = 0.5
_PER_MATCHED_TERM = 10.0


def term_weights(
    *, title: Collection[str], summary: Collection[str], body: Collection[str]
) -> dict[str, float]:
    """How much each term of a document weighs: its best field (title 3, summary 2, body 1), plus 0.5
    when it is in more than one field. Computed once per document, when it is indexed."""
    fields_of: dict[str, list[float]] = {}
    for weight, terms in ((_TITLE_WEIGHT, title), (_SUMMARY_WEIGHT, summary), (_BODY_WEIGHT, body)):
        for term in set(terms):
            fields_of.setdefault(term, []).append(weight)
    return {
        term: max(weights) + (_SEVERAL_FIELDS_BONUS if len(weights) > 1 else 0.0)
        for term, weights in fields_of.items()
    }


def rank(*, matched: int, total_weight: float) -> float:
    """A document's score from how many query terms it matched and their summed weights.

    A document with more of the query's words always ranks above one with fewer (a term weighs at most
    3.5); among equals, titles beat summaries beat bodies.
    """
    return matched * _PER_MATCHED_TERM + total_weight if matched else 0.0


def score(
    query: Sequence[str], *, title: Collection[str], summary: Collection[str], body: Collection[str]
) -> float:
    """Rank one document for a query (the search itself adds up the same weights, stored when published)."""
    weights = term_weights(title=title, summary=summary, body=body)
    found = [weights[term] for term in dict.fromkeys(query) if term in weights]
    return rank(matched=len(found), total_weight=sum(found))
