"""The one settings class, read from the environment and `.env`."""

import ipaddress
from enum import StrEnum
from functools import lru_cache

from limits import parse_many
from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Generous for people, tight for scripts: a school hall of young people behind one address signs up at once.
DEFAULT_RATE_LIMITS = {
    "signup": "20/minute;300/hour",
    # The staff console's sign-in, per address: enough for an office, not for guessing.
    "console_sign_in": "10/minute;100/hour",
    "checkin": "60/minute;600/hour",
    "search": "60/minute;1000/hour",
    "recruiter_lookup": "30/minute;500/hour",
    "device_registration": "10/minute;100/hour",
    "notification_open": "60/minute;1000/hour",
    # A PDF costs a browser page: enough for an MP's office, not for a loop.
    "brief_pdf": "10/minute;60/hour",
}


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


MIN_METRICS_TOKEN = 16


class Settings(BaseSettings):
    """Configuration of the API process; every field maps to an upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    mongodb_uri: str = Field(
        default="mongodb://127.0.0.1:27017",
        description="MongoDB connection string; scripts/run.sh points it at the embedded engine.",
    )
    mongodb_database: str = "hamqadam"
    # Short timeouts: when the database goes away the API must answer 503 within seconds, not hang.
    mongodb_server_selection_timeout_ms: int = Field(default=3000, ge=100, le=60_000)
    mongodb_connect_timeout_ms: int = Field(default=2000, ge=100, le=60_000)
    mongodb_socket_timeout_ms: int = Field(default=10_000, ge=100, le=600_000)
    database_retry_interval_s: float = Field(default=2.0, gt=0, le=60)
    log_level: str = "INFO"
    cors_origins: list[str] = Field(default_factory=list)

    firebase_project_id: str = Field(
        default="demo-hamqadam",
        description="Firebase project whose ID tokens we accept; `demo-*` ids are for the emulator only.",
    )
    firebase_web_api_key: str = Field(
        default="fake-api-key",
        description="The Firebase project's Web API key (public), for the staff console's sign-in page; any "
        "value works with the Auth emulator.",
    )
    firebase_auth_emulator_host: str | None = Field(
        default=None,
        description="host:port of the Firebase Auth emulator. Never in production: tokens go unverified.",
    )
    firebase_id_token_cert_url: str | None = Field(
        default=None,
        description="Tests only: where to fetch ID-token signing certificates instead of Google.",
    )
    firebase_auth_api_url: str | None = Field(
        default=None,
        description="Tests only: Identity Toolkit's v1 base URL for user look-ups (the revocation check) "
        "instead of Google's, with signed tokens still verified (the emulator host would skip that).",
    )
    firebase_http_timeout_s: float = Field(default=10.0, gt=0, le=60)

    revocation_check_interval_s: float = Field(
        default=60,
        ge=0,
        le=3600,
        description="How often, at most, a staff member's sign-in is checked with Firebase for a revocation "
        "made elsewhere (our own sign-out is refused at once).",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="Bearer token Prometheus sends to scrape /metrics; unset: /metrics answers 404.",
    )
    checkin_signing_key: SecretStr | None = Field(
        default=None,
        description="Secret that signs event check-in QR codes (32+ characters). Required in production; "
        "elsewhere a random key per process is used.",
    )
    figures_key_secret: SecretStr | None = Field(
        default=None,
        description="Secret (32+ characters) from which each counted record's key is derived for the "
        "cell-key perturbation of figures about young people (docs/PRIVACY.md). Required in production; "
        "elsewhere a random one per process (the run command keeps a stable one in var/).",
    )
    device_cleanup_interval_s: float = Field(
        default=6 * 3600,
        ge=0,
        description="How often devices unseen for 270 days are dropped; 0 turns it off.",
    )
    content_scheduler_interval_s: float = Field(
        default=30,
        ge=0,
        description="How often scheduled content is published and expired content withdrawn; 0 turns it off.",
    )
    rate_counter_cleanup_interval_s: float = Field(
        default=300, ge=0, description="How often ended rate-limit windows are deleted; 0 turns it off."
    )
    checkin_early_minutes: int = Field(default=30, ge=0, le=24 * 60)
    checkin_grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    rate_limiting: bool = Field(default=True, description="Turns every rate limit on or off.")
    questions_per_day: int = Field(
        default=3, ge=1, le=1000, description="Questions a young person may send their MPs per day (PKT)."
    )
    supports_per_day: int = Field(
        default=50, ge=1, le=10_000, description="Questions a young person may support per day (PKT)."
    )
    rate_limits: dict[str, str] = Field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS),
        description="Per-operation limits in the `limits` notation (`10/minute;100/hour`), counted per "
        "client address and per account, shared by all API processes.",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies whose X-Forwarded-For is believed.",
    )
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        le=64 * 1024 * 1024,
        description="Largest request body accepted (413 beyond); photo uploads have their own 5 MB limit.",
    )

    chromium_path: str = Field(
        default="/usr/bin/chromium",
        description="Headless Chromium that prints the MP brief as PDF (Debian's `chromium`, installed by "
        "scripts/setup.sh); when it is missing the PDF answers 503 pdf_unavailable.",
    )

    fcm_base_url: str | None = Field(
        default=None,
        description="Base URL of a local FCM-compatible server (scripts/fake_fcm.py) that receives every "
        "push instead of Google. Never in production. Unset outside production without Google credentials: "
        "alerts are not sent.",
    )
    alerts_worker_enabled: bool = Field(
        default=True, description="Whether the API process plans and sends alert campaigns itself."
    )
    alerts_lease_s: float = Field(
        default=10,
        ge=1,
        le=3600,
        description="How long a worker holds an alert batch (or a plan) without renewing it (it renews every "
        "third of it); a batch or plan whose worker died is taken over after this and one poll: 10 s and a "
        "2 s poll take over an emergency within 15 s.",
    )
    alerts_poll_interval_s: float = Field(
        default=2.0, gt=0, le=600, description="How often an idle alerts worker looks for work."
    )
    alerts_batch_size: int = Field(
        default=500, ge=1, le=500, description="Devices per alert batch (FCM takes 500 per send_each call)."
    )
    # One: firebase-admin's HTTP pool slows down more than the overlap gains with 1,000 requests queued
    # (measured with scripts/bench/alerts_bench.py: 0.68x of a bare send loop with two, 0.76x with one).
    alerts_concurrency: int = Field(
        default=1, ge=1, le=8, description="Alert batches one worker sends at once (each up to 500 messages)."
    )
    alerts_topic_sync_interval_s: float = Field(
        default=60,
        ge=0,
        description="How often devices' province-and-language topic subscriptions are brought up to date; "
        "0 turns it off.",
    )

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("metrics_token", mode="before")
    @classmethod
    def _metrics_token(cls, value: object) -> object:
        """An empty METRICS_TOKEN (compose's `${METRICS_TOKEN:-}`) means none: /metrics stays closed."""
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and len(value) < MIN_METRICS_TOKEN:
            raise ValueError(f"METRICS_TOKEN must be at least {MIN_METRICS_TOKEN} characters")
        return value

    @field_validator("checkin_signing_key", "figures_key_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError(f"{str(info.field_name).upper()} must be at least 32 characters")
        return value

    @field_validator("mongodb_uri")
    @classmethod
    def _mongodb_scheme(cls, value: str) -> str:
        if not value.startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("MONGODB_URI must start with mongodb:// or mongodb+srv://")
        return value

    @field_validator("fcm_base_url")
    @classmethod
    def _fcm_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("FCM_BASE_URL must start with http:// or https://")
        return value

    @field_validator("rate_limits")
    @classmethod
    def _valid_limits(cls, value: dict[str, str]) -> dict[str, str]:
        for name, rule in value.items():
            try:
                parse_many(rule)
            except ValueError as exc:
                raise ValueError(
                    f"RATE_LIMITS[{name!r}] is not a limit such as '10/minute': {rule!r}"
                ) from exc
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _valid_proxies(cls, value: list[str]) -> list[str]:
        for proxy in value:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError as exc:
                raise ValueError(f"TRUSTED_PROXIES holds {proxy!r}, not an address or network") from exc
        return value

    @model_validator(mode="after")
    def _safe_in_production(self) -> "Settings":
        if self.environment is Environment.PRODUCTION:
            if self.firebase_auth_emulator_host:
                raise ValueError(
                    "FIREBASE_AUTH_EMULATOR_HOST must not be set in production: emulator tokens are unsigned"
                )
            if self.firebase_id_token_cert_url:
                raise ValueError("FIREBASE_ID_TOKEN_CERT_URL is for tests and must not be set in production")
            if self.firebase_auth_api_url:
                raise ValueError("FIREBASE_AUTH_API_URL is for tests and must not be set in production")
            if self.firebase_project_id.startswith("demo-"):
                raise ValueError("FIREBASE_PROJECT_ID must name the real Firebase project in production")
            if self.checkin_signing_key is None:
                raise ValueError("CHECKIN_SIGNING_KEY is required in production")
            if self.figures_key_secret is None:
                raise ValueError("FIGURES_KEY_SECRET is required in production")
            if self.fcm_base_url:
                raise ValueError(
                    "FCM_BASE_URL is for development and tests and must not be set in production"
                )
        return self


@lru_cache
def get_settings() -> Settings:
    """Settings of this process, read once."""
    return Settings()
