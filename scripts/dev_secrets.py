"""A stable FIGURES_KEY_SECRET for development, kept in var/: the run command's API (across restarts and
`--reload`) and the turnout rebuild then key records alike, as production's one configured secret does."""

import os
import secrets
from pathlib import Path

from backend.core.settings import Environment, Settings
from scripts.engine import ROOT

DEV_SECRET_FILE = ROOT / "var" / "figures-key-secret"


def ensure_figures_key_secret(path: Path = DEV_SECRET_FILE) -> None:
    """Outside production, set FIGURES_KEY_SECRET from `path` (made once) unless the environment or
    .env sets it; production must configure its own (the settings refuse to start without it)."""
    settings = Settings()
    if settings.figures_key_secret is not None or settings.environment is Environment.PRODUCTION:
        return
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="utf-8")
    os.environ["FIGURES_KEY_SECRET"] = path.read_text(encoding="utf-8").strip()
