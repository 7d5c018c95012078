"""Inline SVG bar charts for the MP brief: deterministic text, no scripts, nothing fetched.

A hidden (suppressed) bar carries no value at all: it is drawn as a hatched placeholder of one fixed
height, and the scale is taken from the visible bars only, so no geometry depends on what is hidden.
"""

from dataclasses import dataclass
from html import escape

PALETTE = ("#1f6f8b", "#e08f2c", "#6a8d3a")
HIDDEN_HEIGHT = 8.0
_FONT = 11


@dataclass(frozen=True)
class Bar:
    """One bar: its value (None when hidden) and the text printed beside it."""

    value: int | float | None
    text: str


@dataclass(frozen=True)
class Group:
    """A category (a month, a gender, a topic) and its bars, one per series."""

    label: str
    bars: tuple[Bar, ...]
    note: str = ""
    year: str = ""


@dataclass(frozen=True)
class Chart:
    """What every chart needs besides its groups: an id unique in the page, a title, words, direction."""

    chart_id: str
    title: str
    series: tuple[str, ...]
    hidden_label: str
    rtl: bool = False


def _n(number: float) -> str:
    """Coordinates with at most one decimal, so the same data always gives the same text."""
    text = f"{number:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _scale(groups: list[Group]) -> float:
    visible = [bar.value for group in groups for bar in group.bars if bar.value is not None]
    return float(max(visible, default=0)) or 1.0


def _open(chart: Chart, width: float, height: float) -> list[str]:
    title_id = f"{chart.chart_id}-title"
    # Every chart defines its own hatch, so ids stay unique in the page.
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-labelledby="{title_id}" class="chart" font-size="{_FONT}" '
        f'direction="{"rtl" if chart.rtl else "ltr"}">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<defs><pattern id="{chart.chart_id}-hatch" width="5" height="5" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#8a8a8a" stroke-width="2"/></pattern></defs>',
    ]


def _rect(chart: Chart, x: float, y: float, w: float, h: float, colour: str, label: str, hidden: bool) -> str:
    fill = f"url(#{chart.chart_id}-hatch)" if hidden else colour
    stroke = ' stroke="#8a8a8a" stroke-width="0.8"' if hidden else ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{stroke}>'
        f"<title>{escape(label)}</title></rect>"
    )


def legend(chart: Chart) -> str:
    """The series' colour keys as HTML, under a chart with more than one series (coloured by class, not
    an inline style, so a page whose CSP forbids inline styles shows them: `swatch_rules`)."""
    keys = "".join(
        f'<span class="key"><i class="series-{index}"></i>{escape(name)}</span>'
        for index, name in enumerate(chart.series)
    )
    hatch = f'<span class="key"><i class="hatch"></i>{escape(chart.hidden_label)}</span>'
    return f'<div class="legend">{keys}{hatch}</div>'


def swatch_rules(scope: str = "") -> str:
    """The CSS colouring the legend's keys like the bars (`scope`: a selector the rules are kept under)."""
    return "".join(
        f"{scope} .key i.series-{index}{{background:{colour}}}".strip()
        for index, colour in enumerate(PALETTE)
    )


def column_chart(chart: Chart, groups: list[Group], *, width: float = 720, height: float = 190) -> str:
    """Vertical grouped bars, one group per month; right to left when the page is."""
    top, bottom = 16.0, 44.0
    plot = height - top - bottom
    slot = width / max(len(groups), 1)
    bar_w = min(22.0, (slot - 8) / max(len(chart.series), 1))
    scale = _scale(groups)
    parts = _open(chart, width, height)
    baseline = top + plot
    parts.append(f'<line x1="0" y1="{_n(baseline)}" x2="{_n(width)}" y2="{_n(baseline)}" stroke="#999"/>')
    for index, group in enumerate(groups):
        slot_x = (len(groups) - 1 - index) * slot if chart.rtl else index * slot
        first_x = slot_x + (slot - bar_w * len(group.bars)) / 2
        for position, bar in enumerate(group.bars):
            order = len(group.bars) - 1 - position if chart.rtl else position
            x = first_x + order * bar_w
            hidden = bar.value is None
            h = HIDDEN_HEIGHT if bar.value is None else plot * bar.value / scale
            label = f"{group.label}, {chart.series[position]}: {bar.text}"
            parts.append(_rect(chart, x + 1, baseline - h, bar_w - 2, h, PALETTE[position], label, hidden))
            parts.append(
                f'<text x="{_n(x + bar_w / 2)}" y="{_n(baseline - h - 3)}" text-anchor="middle" '
                f'font-size="{_FONT - 2}">{escape(bar.text)}</text>'
            )
        centre = slot_x + slot / 2
        parts.append(
            f'<text x="{_n(centre)}" y="{_n(baseline + 14)}" text-anchor="middle">'
            f"{escape(group.label)}</text>"
        )
        if group.note:
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(baseline + 28)}" text-anchor="middle" fill="#555" '
                f'font-size="{_FONT - 2}">{escape(group.note)}</text>'
            )
        if group.year:
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(baseline + 40)}" text-anchor="middle" fill="#555" '
                f'font-size="{_FONT - 2}">{escape(group.year)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    chart: Chart, groups: list[Group], *, width: float = 360, label_width: float = 120, value_room: float = 64
) -> str:
    """Horizontal grouped bars, one group per category; bars grow from the label side of the page."""
    bar_h, gap = 11.0, 7.0
    group_h = bar_h * max(len(chart.series), 1) + gap
    height = max(group_h * len(groups), group_h) + 4
    plot = width - label_width - value_room
    scale = _scale(groups)
    parts = _open(chart, width, height)

    def x_of(start: float, length: float) -> float:
        return width - start - length if chart.rtl else start

    for index, group in enumerate(groups):
        y = 2 + index * group_h
        parts.append(
            f'<text x="{_n(x_of(0, 0))}" y="{_n(y + group_h / 2 + 1)}" text-anchor="start" '
            f'dominant-baseline="middle">{escape(group.label)}</text>'
        )
        for position, bar in enumerate(group.bars):
            bar_y = y + position * bar_h
            hidden = bar.value is None
            length = HIDDEN_HEIGHT * 2 if bar.value is None else max(plot * bar.value / scale, 0.0)
            label = f"{group.label}, {chart.series[position]}: {bar.text}"
            colour = PALETTE[position]
            parts.append(
                _rect(chart, x_of(label_width, length), bar_y + 1, length, bar_h - 2, colour, label, hidden)
            )
            parts.append(
                f'<text x="{_n(x_of(label_width + length + 4, 0))}" y="{_n(bar_y + bar_h / 2 + 1)}" '
                f'text-anchor="start" dominant-baseline="middle" font-size="{_FONT - 2}">'
                f"{escape(bar.text)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
