"""How the editors' pages show an item's text: the Markdown preview, and a revision's differences.

The preview is the body as the app will get it: the content feature's own sanitiser first (raw HTML,
images and unsafe links removed, exactly as saving does), then CommonMark rendered with HTML disabled, so
even a tag the sanitiser missed would be shown as text. Differences are lines, each escaped by the
templates and marked by a sign and a word, not by colour alone.
"""

import difflib
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markupsafe import Markup

from backend.content import markdown
from schemas.youth import Language

# HTML off: a raw tag is text. Links are checked by markdown-it too (no javascript:, vbscript:, data:).
_RENDERER = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Preview:
    html: Markup
    removed: tuple[str, ...]  # what the sanitiser took out: raw_html, image, unsafe_link
    unsafe: bool  # the body could not be made safe at all (nothing is shown)


def preview(body: str) -> Preview:
    """The body as the app will show it, as HTML safe to put in the page."""
    try:
        sanitised = markdown.sanitise(body)
    except markdown.UnsanitisableMarkdownError:
        return Preview(html=Markup(""), removed=(), unsafe=True)
    # Rendered from sanitised Markdown with HTML off: markdown-it escapes every text.
    html = Markup(_RENDERER.render(sanitised.text))  # noqa: S704
    return Preview(html=html, removed=sanitised.removed, unsafe=False)


@dataclass(frozen=True)
class DiffLine:
    change: Literal["same", "added", "removed"]
    text: str


@dataclass(frozen=True)
class FieldDiff:
    language: Language
    field: str  # title, summary or body
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return any(line.change != "same" for line in self.lines)


def line_diff(old: str, new: str) -> list[DiffLine]:
    """Every line of `old` and `new`, each marked kept, added (only in new) or removed (only in old)."""
    before, after = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, a_from, a_to, b_from, b_to in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", text) for text in before[a_from:a_to]]
            continue
        lines += [DiffLine("removed", text) for text in before[a_from:a_to]]
        lines += [DiffLine("added", text) for text in after[b_from:b_to]]
    return lines


def translation_diffs(
    old: dict[Language, dict[str, str]], new: dict[Language, dict[str, str]]
) -> list[FieldDiff]:
    """The differences of every language's title, summary and body, from `old` to `new`."""
    return [
        FieldDiff(lang, field, line_diff(old.get(lang, {}).get(field, ""), new.get(lang, {}).get(field, "")))
        for lang in Language
        if lang in old or lang in new
        for field in ("title", "summary", "body")
    ]
