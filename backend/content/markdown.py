"""Sanitise editor-written Markdown so no raw HTML, script, image or unsafe link reaches the app."""

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdformat.renderer import MDRenderer, RenderContext, RenderTreeNode
from mdformat.renderer.typing import Postprocess, Render

RAW_HTML = "raw_html"
UNSAFE_LINK = "unsafe_link"
IMAGE = "image"

_SAFE_SCHEMES = frozenset({"https", "http", "mailto", "tel"})
# Everything C0 except tab and newline: NUL and friends are invisible to editors and confuse parsers.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Browsers skip whitespace and control characters inside a scheme, so "java\tscript:" still runs.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
# A "<" after an even number of backslashes is not escaped; one followed by a space cannot open a tag.
_UNESCAPED_LESS_THAN = re.compile(r"(?<!\\)((?:\\\\)*)<(?! )")
# Removing markup can leave emphasis that no longer parses; re-rendering settles it, within a few passes.
_MAX_PASSES = 5
_BREAKS = frozenset({"softbreak", "hardbreak"})
_CLOSE_OF = {"em_open": "em_close", "strong_open": "strong_close"}
_OPEN_OF = {close: open_ for open_, close in _CLOSE_OF.items()}


@dataclass(frozen=True)
class SanitisedMarkdown:
    text: str
    removed: tuple[str, ...]


def _no_html(node: RenderTreeNode, context: RenderContext) -> str:  # noqa: ARG001 - mdformat's signature
    return ""


def _escape_tilde_fence(text: str, node: RenderTreeNode, context: RenderContext) -> str:  # noqa: ARG001
    # mdformat leaves a paragraph line starting "~~~" as is, and it would reopen as a code fence.
    return re.sub(r"^~~~", r"\\~~~", text, flags=re.MULTILINE)


def _escape_every_less_than(text: str, node: RenderTreeNode, context: RenderContext) -> str:  # noqa: ARG001
    # mdformat escapes only the first "<" of "<<b>", turning the text "<<b>" into a raw <b> tag.
    return _UNESCAPED_LESS_THAN.sub(r"\1\\<", text)


class _SafetyPlugin:
    """An mdformat parser extension: HTML never renders, even if a token slipped past the cleaning."""

    RENDERERS: ClassVar[Mapping[str, Render]] = {"html_block": _no_html, "html_inline": _no_html}
    POSTPROCESSORS: ClassVar[Mapping[str, Postprocess]] = {
        "paragraph": _escape_tilde_fence,
        "text": _escape_every_less_than,
    }


class _Parser(MarkdownIt):
    """CommonMark set up as mdformat sets it up, but letting every link destination through.

    markdown-it leaves a `javascript:` link as literal "[text](javascript:...)"; accepting it here lets us
    see it as a link, keep its text and report it.
    """

    def validateLink(self, url: str) -> bool:  # noqa: N802, ARG002 - markdown-it's name and signature
        return True


# The options mdformat's own `build_mdit` sets, with no wrapping; MDRenderer renders the cleaned tokens.
_PARSER = _Parser(
    "commonmark",
    {"mdformat": {}, "store_labels": True, "parser_extension": [_SafetyPlugin], "codeformatters": {}},
)


def _is_safe_url(url: str) -> bool:
    # Decode the tricks (entities, percent escapes, hidden whitespace) to see the scheme a browser would.
    revealed = _INVISIBLE.sub("", unquote(html.unescape(url))).lower()
    scheme = _SCHEME.match(revealed)
    if scheme is None or scheme.group()[:-1] not in _SAFE_SCHEMES:
        return False
    # "https%3A//x" reveals https but a browser reads it as a relative URL, which we have no base for.
    return url.lower().startswith(scheme.group())


def _filter_inline(children: list[Token], *, in_heading: bool, removed: set[str]) -> list[Token]:
    kept: list[Token] = []
    link_kept: list[bool] = []
    for token in children:
        if token.type == "html_inline":
            removed.add(RAW_HTML)
        elif token.type == "image":
            removed.add(IMAGE)
            kept.extend(_filter_inline(token.children or [], in_heading=in_heading, removed=removed))
        elif token.type == "link_open":
            link_kept.append(_is_safe_url(str(token.attrs.get("href", ""))))
            if link_kept[-1]:
                kept.append(token)
            else:
                removed.add(UNSAFE_LINK)
        elif token.type != "link_close" or link_kept.pop():
            if token.type == "hardbreak" and in_heading:
                token.type = "softbreak"  # mdformat writes a heading's hard break as "<br />"
            kept.append(token)
    return kept


def _is_space(token: Token) -> bool:
    return token.type in _BREAKS or (token.type == "text" and not token.content.strip())


def _split_space(token: Token, *, leading: bool) -> Token | None:
    """Take the whitespace off one end of a token, as a token of its own; None if there is none."""
    if _is_space(token):
        return token
    if token.type != "text":
        return None
    rest = token.content.lstrip() if leading else token.content.rstrip()
    if rest == token.content:
        return None
    space = token.content[: -len(rest)] if leading else token.content[len(rest) :]
    token.content = rest
    return Token("text", "", 0, content=space)


def _repair(tokens: list[Token]) -> None:
    """Undo what removals did to the neighbours, so the rendering parses back to the same tokens."""
    i = 0
    while i < len(tokens) - 1:
        token, after = tokens[i], tokens[i + 1]
        if _CLOSE_OF.get(token.type) == after.type or _OPEN_OF.get(token.type) == after.type:
            # Emptied emphasis, or "*a*" meeting "*b*", which would reparse as "*a**b*".
            del tokens[i : i + 2]
        elif token.type in _CLOSE_OF and (space := _split_space(after, leading=True)) is not None:
            # Emphasis cannot start or end with whitespace: move it outside.
            tokens[i : i + 2] = [space, token] if space is after else [space, token, after]
        elif after.type in _OPEN_OF and (space := _split_space(token, leading=False)) is not None:
            tokens[i : i + 2] = [after, space] if space is token else [token, after, space]
        elif token.type == after.type and token.type in {"text", "code_inline"}:
            # One token per run: mdformat escapes each alone, and "`a``b`" is a single code span.
            token.content += after.content
            del tokens[i + 1]
        else:
            i += 1
            continue
        i = max(i - 1, 0)
    for at, leading in ((0, True), (-1, False)):
        while tokens and (space := _split_space(tokens[at], leading=leading)) is not None:
            if space is tokens[at]:
                del tokens[at]


def _clean_blocks(tokens: list[Token], removed: set[str]) -> list[Token]:
    kept: list[Token] = []
    skip_paragraph_close = False
    for index, token in enumerate(tokens):
        if token.type == "html_block":
            removed.add(RAW_HTML)
            continue
        if token.type == "paragraph_close" and skip_paragraph_close:
            skip_paragraph_close = False
            continue
        if token.type in {"fence", "code_block"} and token.content and not token.content.endswith("\n"):
            token.content += "\n"  # an unclosed fence at the end; mdformat would glue its closing fence on
        if token.type == "inline" and token.children is not None:
            found: set[str] = set()
            in_heading = tokens[index - 1].type == "heading_open"
            token.children = _filter_inline(token.children, in_heading=in_heading, removed=found)
            if found:
                removed |= found
                _repair(token.children)
            if found and not token.children and kept[-1].type == "paragraph_open":
                kept.pop()  # only removed markup was in it; an empty paragraph would render as "&#32;"
                skip_paragraph_close = True
                continue
        kept.append(token)
    return kept


def _has_unsafe_reference(env: Mapping[str, Any]) -> bool:
    references = cast(Mapping[str, Mapping[str, str]], env.get("references", {}))
    return any(not _is_safe_url(ref["href"]) for ref in references.values())


def _one_pass(markdown: str, removed: set[str]) -> str:
    env: dict[str, Any] = {}
    tokens = _clean_blocks(_PARSER.parse(markdown, env), removed)
    # Only definitions a kept link uses are written back, so unsafe ones vanish; still say so.
    if _has_unsafe_reference(env):
        removed.add(UNSAFE_LINK)
    return MDRenderer().render(tokens, _PARSER.options, env).rstrip()


class UnsanitisableMarkdownError(ValueError):
    """The Markdown did not settle into a stable safe form; the editor should simplify it."""


def sanitise(markdown: str) -> SanitisedMarkdown:
    """Return the Markdown re-rendered by mdformat without raw HTML, images or unsafe links."""
    text = _CONTROL_CHARS.sub("", markdown.replace("\r\n", "\n").replace("\r", "\n"))
    removed: set[str] = set()
    for _ in range(_MAX_PASSES):
        found: set[str] = set()
        rendered = _one_pass(text, found)
        if rendered == text and not found:
            # A pass that changes nothing is exactly what sanitising the result again will do.
            return SanitisedMarkdown(text=text, removed=tuple(sorted(removed)))
        removed |= found
        text = rendered
    raise UnsanitisableMarkdownError("the Markdown did not reach a stable form")


def _walk(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _walk(token.children or [])


def find_problems(markdown: str) -> list[str]:
    """Return the sorted rule names of anything unsafe in the Markdown, or an empty list."""
    env: dict[str, Any] = {}
    problems: set[str] = set()
    for token in _walk(_PARSER.parse(markdown, env)):
        if token.type in {"html_block", "html_inline"}:
            problems.add(RAW_HTML)
        elif token.type == "image":
            problems.add(IMAGE)
        elif token.type == "link_open" and not _is_safe_url(str(token.attrs.get("href", ""))):
            problems.add(UNSAFE_LINK)
    if _has_unsafe_reference(env):
        problems.add(UNSAFE_LINK)
    return sorted(problems)
