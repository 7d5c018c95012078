"""The MP's one-page brief: a self-contained HTML page (inline CSS and SVG), and the same page as PDF."""

from collections.abc import Sequence
from datetime import datetime
from html import escape

from backend.core.clock import pakistan_time
from backend.topics import service as topics
from backend.turnout.brief.charts import Bar, Chart, Group, bar_chart, column_chart, legend
from backend.turnout.brief.labels import AGES, GENDERS, LABELS, MONTHS, UNITS, key_label, ordered_keys
from backend.turnout.brief.pdf import printer
from backend.turnout.brief.style import STYLE
from schemas.turnout import AreaRef, AverageCell, BriefLanguage, Cell, TurnoutRead

HIDDEN_MARK = "—"
# The brief is a page of our own: it loads nothing (styles and charts are inline) and runs no script.
BRIEF_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "private, no-store",
}
_TOPICS = topics.labels()


def _count(value: int) -> str:
    return f"{value:,}"


def _cell_text(cell: Cell | AverageCell | None) -> str | None:
    """The printed figure, or None when hidden: a suppressed cell shows no number, whatever it carries."""
    if cell is None:
        return "0"
    if cell.suppressed or cell.value is None:
        return None
    return _count(cell.value) if isinstance(cell.value, int) else f"{cell.value:,.1f}"


def _cell_bar(cell: Cell | None) -> Bar:
    text = _cell_text(cell)
    if text is None:
        return Bar(None, HIDDEN_MARK)
    return Bar(0 if cell is None or cell.value is None else cell.value, text)


def _cell_html(cell: Cell | AverageCell | None, words: dict[str, str]) -> str:
    text = _cell_text(cell)
    if text is None:
        hidden = escape(words["hidden"])
        return f'<span class="sup" title="{hidden}" aria-label="{hidden}">{HIDDEN_MARK}</span>'
    return text


def _area_name(area: AreaRef, lang: BriefLanguage) -> str:
    return area.name_ur if lang is BriefLanguage.UR and area.name_ur else area.name


def _month_name(month: str, lang: BriefLanguage, *, short: bool = False) -> str:
    name = MONTHS[lang][int(month[5:7]) - 1]
    return name[:3] if short and lang is BriefLanguage.EN else name


def _monthly(turnout: TurnoutRead, lang: BriefLanguage, words: dict[str, str]) -> str:
    chart = Chart(
        "monthly", words["monthly"], (words["headcount"], words["reached"]), words["hidden"], _rtl(lang)
    )
    groups = [
        Group(
            label=_month_name(month.month, lang, short=True),
            bars=(_cell_bar(month.headcount), _cell_bar(month.reached)),
            note=_count(month.events_held),
            year=month.month[:4] if index == 0 or month.month.endswith("-01") else "",
        )
        for index, month in enumerate(turnout.months)
    ]
    return (
        f'<section class="wide"><h2>{escape(words["monthly"])}</h2>'
        f'<div class="scroll">{column_chart(chart, groups)}</div>'
        f'{legend(chart)}<p class="note">{escape(words["monthly_note"])}</p></section>'
    )


def _split(
    chart: Chart, table: dict[str, tuple[str, str]], splits: tuple[dict[str, Cell], ...], lang: BriefLanguage
) -> str:
    groups = [
        Group(key_label(table, key, lang), tuple(_cell_bar(split.get(key)) for split in splits))
        for key in ordered_keys(table, *splits)
    ]
    body = bar_chart(chart, groups) if groups else f"<p>{escape(LABELS[lang]['no_figures'])}</p>"
    return f"<section><h2>{escape(chart.title)}</h2>{body}</section>"


def _topics(turnout: TurnoutRead, lang: BriefLanguage, words: dict[str, str]) -> str:
    by_events, by_headcount = turnout.breakdowns.events_by_topic, turnout.breakdowns.headcount_by_topic

    def attendance(key: str) -> int:
        cell = by_headcount.get(key)
        return 0 if cell is None or cell.suppressed else cell.value or 0

    # Topics with events or a published attendance; a hidden attendance sorts as none (its size unknown).
    shown = {key for key, cell in by_headcount.items() if cell.value or cell.suppressed}
    keys = sorted(
        {key for key, events in by_events.items() if events} | shown,
        key=lambda key: (-attendance(key), -by_events.get(key, 0), key),
    )
    if not keys:
        empty = escape(words["no_topics"])
        return f'<section class="wide"><h2>{escape(words["topics"])}</h2><p>{empty}</p></section>'
    chart = Chart("topics", words["topics"], (words["headcount"],), words["hidden"], _rtl(lang))
    groups = []
    for key in keys:
        bar = _cell_bar(by_headcount.get(key))
        events = f"{by_events.get(key, 0)} {words['events_word']}"
        groups.append(Group(key_label(_TOPICS, key, lang), (Bar(bar.value, f"{bar.text} · {events}"),)))
    svg = bar_chart(chart, groups, width=720, label_width=270, value_room=130)
    return (
        f'<section class="wide"><h2>{escape(words["topics"])}</h2><div class="scroll">{svg}</div></section>'
    )


def _comparison(turnout: TurnoutRead, lang: BriefLanguage, words: dict[str, str]) -> str:
    heads = ("events_held", "headcount", "checkins", "reached", "signups")
    header = "".join(f"<th>{escape(words[key])}</th>" for key in heads)
    totals = turnout.totals
    rows = [
        f'<tr class="own"><th>{escape(words["this_area"])}</th><td>{_count(totals.events_held)}</td>'
        f"<td>{_cell_html(totals.headcount, words)}</td><td>{_cell_html(totals.checkins, words)}</td>"
        f"<td>{_cell_html(totals.reached, words)}</td><td>{_cell_html(totals.signups, words)}</td></tr>"
    ]
    for comparison in turnout.comparisons:
        name = words["average_in"].format(
            unit=UNITS[lang][comparison.unit], area=_area_name(comparison.area, lang)
        )
        average = comparison.average
        rows.append(
            f"<tr><th>{escape(name)}</th><td>{average.events_held:,.1f}</td>"
            f"<td>{_cell_html(average.headcount, words)}</td>"
            f"<td>{_cell_html(average.checkins, words)}</td><td>{_cell_html(average.reached, words)}</td>"
            f"<td>{_cell_html(average.signups, words)}</td></tr>"
        )
    return (
        f'<section class="wide"><h2>{escape(words["comparison"])}</h2><table><thead><tr><th></th>{header}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _rtl(lang: BriefLanguage) -> bool:
    return lang is BriefLanguage.UR


def _prepared_on(moment: datetime, lang: BriefLanguage) -> str:
    local = pakistan_time(moment)
    return f"{local.day} {MONTHS[lang][local.month - 1]} {local.year}"


def figure_html(cell: Cell | AverageCell | None, lang: BriefLanguage) -> str:
    """A protected figure as the brief prints it: its number, or the hidden mark with its explanation."""
    return _cell_html(cell, LABELS[lang])


def figures_html(turnout: TurnoutRead, lang: BriefLanguage) -> str:
    """The brief's figures and charts (totals, months, gender and age, topics, the comparison), as the
    brief prints them and as the staff console's dashboard shows them."""
    words = LABELS[lang]
    totals = turnout.totals
    figures = "".join(
        f'<div class="figure"><b>{value}</b><span>{escape(words[key])}</span></div>'
        for key, value in (
            ("events_held", _count(totals.events_held)),
            ("headcount", _cell_html(totals.headcount, words)),
            ("reached", _cell_html(totals.reached, words)),
            ("checkins", _cell_html(totals.checkins, words)),
            ("signups", _cell_html(totals.signups, words)),
        )
    )
    splits, series = turnout.breakdowns, (words["headcount"], words["reached"])
    gender = _split(
        Chart("gender", words["gender"], series, words["hidden"], _rtl(lang)),
        GENDERS,
        (splits.headcount_by_gender, splits.reached_by_gender),
        lang,
    )
    age = _split(
        Chart("age", words["age"], series, words["hidden"], _rtl(lang)),
        AGES,
        (splits.headcount_by_age, splits.reached_by_age),
        lang,
    )
    return (
        f'<section class="figures wide">{figures}</section>{_monthly(turnout, lang, words)}'
        f'<div class="pair">{gender}{age}</div>{_topics(turnout, lang, words)}'
        f"{_comparison(turnout, lang, words)}"
    )


async def render_brief_html(
    turnout: TurnoutRead, *, lang: BriefLanguage, more_pages: Sequence[str] = ()
) -> str:
    """The brief of a constituency as self-contained HTML (inline CSS and SVG): one page of turnout, then
    `more_pages` (each a `<section class="page">`, printed on a page of its own)."""
    words = LABELS[lang]
    name = escape(f"{_area_name(turnout.area, lang)} ({turnout.area.code})")
    period = escape(
        words["period"].format(
            start=f"{_month_name(turnout.from_month, lang)} {turnout.from_month[:4]}",
            end=f"{_month_name(turnout.to_month, lang)} {turnout.to_month[:4]}",
        )
    )
    html_dir = "rtl" if _rtl(lang) else "ltr"
    return (
        f'<!DOCTYPE html><html lang="{lang.value}" dir="{html_dir}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{name} · {escape(words['brief'])} · {period}</title><style>{STYLE}</style></head><body>"
        f'<header><p class="kicker">{escape(words["brief"])} · {escape(words["subtitle"])}</p>'
        f'<h1>{name}</h1><p class="period">{period}</p></header>'
        f"{figures_html(turnout, lang)}"
        f"<footer><p>{escape(words['footnote'])}</p><p>{escape(words['adjusted'])}</p>"
        f"<p>{escape(words['sources'])}</p>"
        f"<p>{escape(words['generated'].format(date=_prepared_on(turnout.generated_at, lang)))}</p></footer>"
        f"{''.join(more_pages)}</body></html>"
    )


async def render_brief_pdf(html: str) -> bytes:
    """The brief printed to an A4 PDF by this process's headless Chromium (CHROMIUM_PATH)."""
    return await printer().print_pdf(html)
