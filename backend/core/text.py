"""Plain text from what people type: markup and control characters removed, for titles, summaries and
everything young people write (answers, questions). Stored plain, never rendered as HTML."""

import html
import re

import nh3

from backend.core.errors import invalid_field

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Each pass removes markup or decodes entities, so text settles within a few passes.
_MAX_PASSES = 8


class UnsettledTextError(ValueError):
    """Text that still held markup after `_MAX_PASSES` passes (entities nested deeper than anyone types)."""


def _strip_tags(text: str) -> str:
    # An HTML parser's view of the text (html5ever, through nh3): tags, comments and the content of
    # script and style go; what is left is decoded back to plain text ("&lt;" is "<" again).
    return html.unescape(nh3.clean(text, tags=set(), strip_comments=True))


def plain_text(text: str) -> tuple[str, bool]:
    """Text without markup, and whether markup was removed; sanitising the result again changes nothing.

    Titles and summaries are plain text. Entities that decode to tags ("&lt;script&gt;") count as tags,
    so the result never holds a tag that a second pass, or an HTML renderer, would see.
    """
    current = _CONTROL.sub("", text).strip()
    removed = False
    for _ in range(_MAX_PASSES):
        cleaned = _strip_tags(current).strip()
        if cleaned == current:
            return current, removed
        # Decoding entities alone ("&amp;" to "&") is not a removal; losing text an HTML parser hid is.
        removed = removed or cleaned != html.unescape(current).strip()
        current = cleaned
    raise UnsettledTextError("the text did not reach a stable form")


def plain_or_none(text: str) -> str | None:
    """The plain text people meant, or None when nothing is left once markup is removed."""
    try:
        cleaned, _ = plain_text(text)
    except UnsettledTextError:
        return None
    return cleaned or None


def plain_or_raise(text: str, *, field: str) -> str:
    """The plain text people meant; a 422 naming `field` when nothing is left once markup is removed."""
    cleaned = plain_or_none(text)
    if cleaned is None:
        raise invalid_field(field, "empty_text", "write some text (markup is removed)")
    return cleaned
