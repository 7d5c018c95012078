"""Rendering a console page: the person's language, their CSRF token, and the headers every page carries
(a CSP with no inline script and no framing, no caching of personal pages)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from backend.accounts.models import Account
from backend.console import i18n, sessions
from backend.core.settings import Settings
from schemas.common import Page

LANGUAGE_COOKIE = "hq_lang"
_GOOGLE_AUTH = "https://identitytoolkit.googleapis.com https://securetoken.googleapis.com"


def content_security_policy(settings: Settings) -> str:
    """Scripts and styles from this server only, never inline; the browser talks to Firebase Auth (or the
    emulator in development) and to us."""
    firebase = (
        f"http://{settings.firebase_auth_emulator_host}"
        if settings.firebase_auth_emulator_host
        else _GOOGLE_AUTH
    )
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self' {firebase}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    )


def language_of(request: Request, account: Account | None = None) -> str:
    """The signed-in person's own choice (it follows them to any browser), else this browser's cookie."""
    if account is not None and account.console_language:
        return i18n.chosen(account.console_language)
    return i18n.chosen(request.cookies.get(LANGUAGE_COOKIE))


def render(request: Request, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` in the person's language, with their CSRF token and the console's headers."""
    settings: Settings = request.app.state.settings
    account = context.get("account")
    language = language_of(request, account if isinstance(account, Account) else None)
    token = sessions.csrf_token(request)
    html = (
        i18n.environment(language)
        .get_template(template)
        .render(
            lang=language,
            rtl=language in i18n.RIGHT_TO_LEFT,
            csrf_token=token,
            path=request.url.path,
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = content_security_policy(settings)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    sessions.remember_csrf(response, token, settings)
    return response


@dataclass(frozen=True)
class Pager:
    """Links to the pages before and after one page of a list, keeping the list's filters."""

    first: int  # 1-based position of the page's first row (0 when empty)
    last: int
    total: int
    previous_url: str | None
    next_url: str | None


def pager(request: Request, listed: Page[Any], filters: dict[str, Any]) -> Pager:
    """The one way a console list pages: `offset` links beside the filters that are set."""
    kept = {name: value for name, value in filters.items() if value not in (None, "")}

    def at(offset: int) -> str:
        return f"{request.url.path}?{urlencode(kept | {'offset': offset}, doseq=True)}"

    after = listed.offset + len(listed.items)
    return Pager(
        first=listed.offset + 1 if listed.items else 0,
        last=after,
        total=listed.total,
        previous_url=at(max(listed.offset - listed.limit, 0)) if listed.offset > 0 else None,
        next_url=at(after) if after < listed.total else None,
    )
