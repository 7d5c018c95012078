"""The console's two languages: English (the templates' own text) and Urdu (Babel message catalogues,
translations/ur/LC_MESSAGES/*.po, one per area of the console), each with a Jinja2 environment of its own."""

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from backend.topics import service as topics

HERE = Path(__file__).parent
LANGUAGES = ("en", "ur")
DEFAULT_LANGUAGE = "ur"  # Urdu first, as the app
RIGHT_TO_LEFT = frozenset({"ur"})


def translations(language: str) -> NullTranslations:
    """The messages of `language` (English is the templates' own text)."""
    if language == "en":
        return NullTranslations()
    merged = Translations()
    for catalogue in sorted((HERE / "translations" / language / "LC_MESSAGES").glob("*.po")):
        merged.merge(_compiled(catalogue, language))
    return merged


def _compiled(catalogue: Path, language: str) -> Translations:
    # Compiled in memory at start-up: no build step, and the .po files are the one source.
    with catalogue.open("rb") as source:
        messages = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages)
    compiled.seek(0)
    return Translations(compiled)


@functools.cache
def environment(language: str) -> Environment:
    """The templates in `language`, every variable escaped (stored text is shown as text, never markup)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are code: loaded once per process, never checked on disk per page
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    # Topics are named by the published topic list (reference data), never by a second table here.
    env.globals["topic_names"] = topic_names(language)
    return env


def topic_names(language: str) -> dict[str, str]:
    """Each topic's name in `language` (the topic list has English and Urdu)."""
    which = 1 if language == "ur" else 0
    return {code: pair[which] for code, pair in topics.labels().items()}


def chosen(value: str | None) -> str:
    """The language a cookie or query names, if the console has it; else Urdu."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
