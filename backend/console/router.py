"""The console's routes: sign-in (a page, then the ID token swapped for a session cookie), sign-out, the
language switch, the home page, and the scripts and styles it serves itself. Pages are not part of the
API contract (no OpenAPI entries); every route declares its access rule like the API's."""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request, Response
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import Field

from backend.accounts import service as accounts
from backend.accounts.dependencies import Identity
from backend.console import (
    admin,
    admin_audit,
    admin_imports,
    campaigns,
    content,
    content_workflow,
    editors,
    event_forms,
    guards,
    i18n,
    mp,
    officers,
    pages,
    review,
    sessions,
)
from backend.console.guards import AnyStaff
from backend.core.access import Public
from backend.core.errors import NotFoundError
from backend.core.rate_limit import RateLimit
from backend.core.settings import Settings
from schemas.common import ContractModel

router = APIRouter(prefix="/console", include_in_schema=False)

STATIC = Path(__file__).parent / "static"
# Third-party scripts, vendored at set-up from the npm registry (scripts/console-assets), by page name.
VENDOR_ROOT = Path(__file__).resolve().parents[2] / "tools" / "console-assets" / "node_modules"
FONTS = (("noto-nastaliq-urdu", "arabic"), ("noto-naskh-arabic", "arabic"), ("noto-sans", "latin"))
VENDOR = {
    "firebase-app-compat.js": VENDOR_ROOT / "firebase" / "firebase-app-compat.js",
    "firebase-auth-compat.js": VENDOR_ROOT / "firebase" / "firebase-auth-compat.js",
    "htmx.min.js": VENDOR_ROOT / "htmx.org" / "dist" / "htmx.min.js",
    **{
        # Noto Nastaliq Urdu (headings) and Noto Naskh Arabic (text) for Urdu, Noto Sans for English.
        f"{family}-{subset}-{weight}.woff2": VENDOR_ROOT
        / "@fontsource"
        / family
        / "files"
        / f"{family}-{subset}-{weight}-normal.woff2"
        for family, subset in FONTS
        for weight in (400, 700)
    },
}
OWN = {"console.css", "console.js", "sign-in.js"}


class SessionRequest(ContractModel):
    id_token: str = Field(min_length=1, max_length=8192)


@router.get("", response_class=HTMLResponse)
async def home(request: Request, account: AnyStaff) -> Response:
    """The signed-in person's start page: who they are and what the console lets them do."""
    return pages.render(request, "home.html", account=account)


@router.get("/sign-in", response_class=HTMLResponse, dependencies=[Public])
async def sign_in_page(request: Request) -> Response:
    """The sign-in form (Firebase signs in in the browser; the server never sees a password)."""
    settings: Settings = request.app.state.settings
    emulator = settings.firebase_auth_emulator_host
    return pages.render(
        request,
        "sign_in.html",
        project_id=settings.firebase_project_id,
        api_key=settings.firebase_web_api_key,
        emulator=f"http://{emulator}" if emulator else "",
    )


@router.post("/session", status_code=204, dependencies=[Public, Depends(RateLimit("console_sign_in"))])
async def open_session(request: Request, identity: Identity, body: SessionRequest) -> Response:
    """Swap a fresh Firebase ID token for the console's session cookie (CSRF-checked)."""
    sessions.check_csrf(request, request.headers.get(sessions.CSRF_HEADER))
    response = Response(status_code=204)
    account = await sessions.start(
        response, identity=identity, id_token=body.id_token, settings=request.app.state.settings
    )
    if account.console_language:  # the person's own language, on whichever browser they sign in
        remember_language(response, i18n.chosen(account.console_language), request.app.state.settings)
    return response


@router.post("/sign-out")
async def sign_out(
    request: Request,
    account: AnyStaff,
    identity: Identity,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Sign out: every session of the account is revoked."""
    sessions.check_csrf(request, csrf_token or request.headers.get(sessions.CSRF_HEADER))
    response = RedirectResponse(guards.SIGN_IN, status_code=303)
    await sessions.end(response, identity=identity, account=account)
    return response


@router.get("/language/{language}", dependencies=[Public])
async def switch_language(
    request: Request, identity: Identity, language: str, next: str = "/console"
) -> Response:
    """Show the console in `language` (en or ur) from now on, back on the page the person was on; a
    signed-in person keeps the choice on their account, so it follows them to another browser."""
    target = next if next.startswith("/console") and "//" not in next else "/console"
    chosen = i18n.chosen(language)
    response = RedirectResponse(target, status_code=303)
    remember_language(response, chosen, request.app.state.settings)
    account = await sessions.current(request, identity)
    if account is not None:
        await accounts.set_console_language(uid=account.id, language=chosen)
    return response


def remember_language(response: Response, language: str, settings: Settings) -> None:
    response.set_cookie(
        pages.LANGUAGE_COOKIE,
        language,
        max_age=365 * 24 * 3600,
        path=sessions.PATH,
        samesite="strict",
        secure=sessions.secure_cookies(settings),
    )


@router.get("/static/{name}", dependencies=[Public])
async def static_file(name: str) -> FileResponse:
    """The console's own scripts and styles, and the vendored ones, by name only (no paths)."""
    if name in OWN:
        path = STATIC / name
    elif name in VENDOR:
        path = VENDOR[name]
    else:
        raise NotFoundError("No such file.")
    if not path.is_file():
        raise NotFoundError("Not installed: run scripts/setup.sh.")
    # Fonts never change under a name (the version is pinned), so a browser keeps them a week.
    max_age = 7 * 24 * 3600 if name.endswith(".woff2") else 3600
    return FileResponse(
        path, headers={"Cache-Control": f"public, max-age={max_age}", "X-Content-Type-Options": "nosniff"}
    )


def install(app: FastAPI) -> None:
    """Serve the console in `app`: its pages, and the sign-in page for a page asked without a session."""
    app.add_exception_handler(guards.SignInRequired, guards.to_sign_in)
    for pages_router in (
        router,
        mp.router,
        editors.router,
        officers.router,
        event_forms.router,
        review.router,
        admin.router,
        admin_audit.router,
        admin_imports.router,
        content.router,
        content_workflow.router,
        campaigns.router,
    ):
        app.include_router(pages_router)
