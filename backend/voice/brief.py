"""The brief's page of what young people in the seat said: poll results beside the country's, the most
supported questions with the answers given, and event ratings. Connected to turnout's `brief_pages`.

Every figure comes from the same protected reads as the API (poll results, feedback figures, support
cells) and prints through the brief's own `figure_html`; every text is escaped, never markup.
"""

from datetime import UTC, datetime
from html import escape
from typing import Any

from backend.geography import service as geography
from backend.turnout.brief.page import figure_html
from backend.turnout.models import NATIONAL_CODE
from backend.turnout.scope import Area
from backend.voice.feedback import service as feedback
from backend.voice.polls import results
from backend.voice.polls.models import Poll, PollCounter
from backend.voice.questions.asking import PUBLIC, SEAT_ORDER, seat_read
from backend.voice.questions.models import VoiceQuestion
from schemas.feedback import FeedbackFigures
from schemas.polls import CHOICE_KINDS, AreaResults, QuestionKind
from schemas.turnout import AreaKind, AverageCell, BriefLanguage, Cell

MAX_POLLS = 3
MAX_QUESTIONS_PER_POLL = 4
MAX_SEAT_QUESTIONS = 5

WORDS = {
    BriefLanguage.EN: {
        "title": "What young people in this seat said",
        "polls": "Polls",
        "here": "This seat",
        "country": "Pakistan",
        "respondents": "People who answered",
        "questions": "Most supported questions to the MP",
        "supports": "supporters",
        "answer": "Answer",
        "unanswered": "Not answered yet.",
        "ratings": "Event ratings",
        "average": "Average rating (1-5)",
        "recommend": "Would recommend",
        "nothing": "Nothing yet.",
        "quote": "In their words",
    },
    BriefLanguage.UR: {
        "title": "اس حلقے کے نوجوانوں نے کیا کہا",
        "polls": "رائے شماری",
        "here": "یہ حلقہ",
        "country": "پاکستان",
        "respondents": "جواب دینے والے",
        "questions": "رکن اسمبلی سے سب سے زیادہ حمایت یافتہ سوالات",
        "supports": "حامی",
        "answer": "جواب",
        "unanswered": "ابھی جواب نہیں دیا گیا۔",
        "ratings": "تقریبات کی درجہ بندی",
        "average": "اوسط درجہ (1 تا 5)",
        "recommend": "دوسروں کو تجویز کریں گے",
        "nothing": "ابھی کچھ نہیں۔",
        "quote": "ان کے اپنے الفاظ میں",
    },
}


def _text(texts: dict[str, str], lang: BriefLanguage) -> str:
    return escape(texts.get(lang.value) or texts.get("en") or next(iter(texts.values()), ""))


def _month_bounds(months: list[str]) -> tuple[datetime, datetime]:
    start = datetime(int(months[0][:4]), int(months[0][5:7]), 1, tzinfo=UTC)
    year, month = int(months[-1][:4]), int(months[-1][5:7])
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _reaches(audience: dict[str, Any], seat: str, reference: geography.Reference) -> bool:
    """Whether a poll's audience includes the seat's young people (whoever answered: the pages of two
    seats differ by who was asked, never by whether anybody answered)."""
    if audience.get("national"):
        return True
    found = reference.seats.get(seat)
    if found is None:
        return False
    return (
        seat in (audience.get("constituencies") or [])
        or found.province in (audience.get("provinces") or [])
        or bool(found.districts & set(audience.get("districts") or []))
    )


async def _seat_polls(seat: str, months: list[str]) -> list[Poll]:
    """The polls asked of the seat that were open during the months, the latest opened first."""
    start, end = _month_bounds(months)
    reference = await geography.reference()
    found = await Poll.find({"closes_at": {"$gte": start}, "opens_at": {"$lt": end}}).to_list()
    asked = [poll for poll in found if _reaches(poll.audience, seat, reference)]
    return sorted(asked, key=lambda poll: poll.opens_at, reverse=True)[:MAX_POLLS]


def _poll_html(poll: Poll, here: AreaResults, country: AreaResults, lang: BriefLanguage) -> str:
    words = WORDS[lang]
    texts = {question["id"]: question for question in poll.questions}
    parts = [f"<h3>{_text(poll.title, lang)}</h3>"]
    shown = [q for q in here.questions if q.kind in CHOICE_KINDS or q.kind is QuestionKind.RATING]
    for mine in shown[:MAX_QUESTIONS_PER_POLL]:
        national = next(q for q in country.questions if q.question == mine.question)
        question = texts[mine.question]
        labels = {option["id"]: _text(option["label"], lang) for option in question["options"]}
        rows = [
            f"<tr><th>{escape(words['respondents'])}</th><td>{figure_html(mine.all.respondents, lang)}</td>"
            f"<td>{figure_html(national.all.respondents, lang)}</td></tr>"
        ]
        rows += [
            f"<tr><th>{labels.get(value, escape(value))}</th><td>{figure_html(cell, lang)}</td>"
            f"<td>{figure_html(national.all.options[value], lang)}</td></tr>"
            for value, cell in mine.all.options.items()
        ]
        parts.append(
            f"<section><h4>{_text(question['text'], lang)}</h4><table><thead><tr><th></th>"
            f"<th>{escape(words['here'])}</th><th>{escape(words['country'])}</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"
        )
    quotes = [quote for q in here.questions for quote in q.quotes][:3]
    if quotes:
        items = "".join(f"<li>“{escape(quote)}”</li>" for quote in quotes)
        parts.append(f"<section><h4>{escape(words['quote'])}</h4><ul>{items}</ul></section>")
    return "".join(parts)


async def _polls_html(seat: str, months: list[str], lang: BriefLanguage) -> str | None:
    polls = await _seat_polls(seat, months)
    if not polls:
        return None
    here, country = Area(AreaKind.CONSTITUENCY, seat), Area(AreaKind.NATIONAL, NATIONAL_CODE)
    blocks = []
    for poll in polls:
        ids = [f"{poll.id}:constituency:{seat}", f"{poll.id}:national:{NATIONAL_CODE}"]
        stored = {
            doc["_id"]: doc async for doc in PollCounter.get_pymongo_collection().find({"_id": {"$in": ids}})
        }
        quotes = await results.approved_quotes(poll.id)
        mine = results.area_results(poll, here, stored.get(ids[0]), quotes)
        national = results.area_results(poll, country, stored.get(ids[1]), quotes)
        blocks.append(_poll_html(poll, mine, national, lang))
    return f"<h2>{escape(WORDS[lang]['polls'])}</h2>{''.join(blocks)}"


async def _questions_html(seat: str, lang: BriefLanguage) -> str | None:
    words = WORDS[lang]
    cursor = VoiceQuestion.get_pymongo_collection().find(
        {"seats": seat, "status": {"$in": PUBLIC}}, {"uid": 0}, sort=SEAT_ORDER, limit=MAX_SEAT_QUESTIONS
    )
    items = []
    async for stored in cursor:
        question = seat_read(stored)
        answer = (
            f"<p><b>{escape(words['answer'])}:</b> {escape(question.answer.text)}</p>"
            if question.answer
            else f'<p class="note">{escape(words["unanswered"])}</p>'
        )
        supports = f"{figure_html(question.supports, lang)} {escape(words['supports'])}"
        items.append(
            f'<li><p>{escape(question.text)} <span class="note">({supports})</span></p>{answer}</li>'
        )
    if not items:
        return None
    return f"<section><h2>{escape(words['questions'])}</h2><ol>{''.join(items)}</ol></section>"


def _ratings_html(here: FeedbackFigures, country: FeedbackFigures, lang: BriefLanguage) -> str:
    words = WORDS[lang]
    rows: list[tuple[str, Cell | AverageCell, Cell | AverageCell]] = [
        (words["respondents"], here.respondents, country.respondents),
        (words["average"], here.average_rating, country.average_rating),
        (words["recommend"], here.recommend, country.recommend),
    ]
    body = "".join(
        f"<tr><th>{escape(name)}</th><td>{figure_html(mine, lang)}</td>"
        f"<td>{figure_html(theirs, lang)}</td></tr>"
        for name, mine, theirs in rows
    )
    return (
        f"<section><h2>{escape(words['ratings'])}</h2><table><thead><tr><th></th>"
        f"<th>{escape(words['here'])}</th><th>{escape(words['country'])}</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


async def voice_page(seat: str, months: list[str], lang: BriefLanguage) -> str | None:
    """The page of what young people in `seat` said over `months`; None when they have said nothing."""
    polls = await _polls_html(seat, months, lang)
    questions = await _questions_html(seat, lang)
    here = feedback.figures(*await feedback.area_sums(Area(AreaKind.CONSTITUENCY, seat), months))
    # Decided on the published figure, as every reader sees it: never on the true count.
    rated = here.respondents.value != 0
    if polls is None and questions is None and not rated:
        return None
    country = feedback.figures(*await feedback.area_sums(Area(AreaKind.NATIONAL, NATIONAL_CODE), months))
    ratings = _ratings_html(here, country, lang) if rated else ""
    return (
        f'<section class="page"><h1>{escape(WORDS[lang]["title"])}</h1>'
        f"{polls or ''}{questions or ''}{ratings}</section>"
    )
