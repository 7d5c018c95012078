"""One settings class, validated at start-up with a clear message."""

import pytest
from pydantic import ValidationError

from backend.core.settings import Environment, Settings


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "mongodb://db.example:27017/?replicaSet=rs0")
    monkeypatch.setenv("MONGODB_DATABASE", "hamqadam_staging")
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("CHECKIN_SIGNING_KEY", "k" * 40)
    monkeypatch.setenv("FIGURES_KEY_SECRET", "f" * 40)
    settings = Settings()
    assert settings.mongodb_uri.endswith("replicaSet=rs0")
    assert settings.mongodb_database == "hamqadam_staging"
    assert settings.environment is Environment.PRODUCTION
    assert settings.log_level == "DEBUG"


def test_bad_values_are_refused_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONGODB_URI", "postgres://nope")
    with pytest.raises(ValidationError, match="MONGODB_URI must start with mongodb://"):
        Settings()
    monkeypatch.setenv("MONGODB_URI", "mongodb://127.0.0.1:27017")
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    with pytest.raises(ValidationError, match="LOG_LEVEL must be one of"):
        Settings()


def test_production_refuses_the_auth_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.setenv("FIREBASE_AUTH_EMULATOR_HOST", "127.0.0.1:9099")
    with pytest.raises(ValidationError, match="FIREBASE_AUTH_EMULATOR_HOST must not be set in production"):
        Settings()


def test_production_needs_a_real_firebase_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "demo-hamqadam")
    with pytest.raises(ValidationError, match="FIREBASE_PROJECT_ID must name the real Firebase project"):
        Settings()
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.setenv("FIREBASE_ID_TOKEN_CERT_URL", "http://127.0.0.1:1/certs")
    with pytest.raises(ValidationError, match="FIREBASE_ID_TOKEN_CERT_URL is for tests"):
        Settings()


def test_production_needs_a_checkin_signing_key_of_32_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.delenv("CHECKIN_SIGNING_KEY", raising=False)
    with pytest.raises(ValidationError, match="CHECKIN_SIGNING_KEY is required in production"):
        Settings()
    monkeypatch.setenv("CHECKIN_SIGNING_KEY", "short")
    with pytest.raises(ValidationError, match="CHECKIN_SIGNING_KEY must be at least 32 characters"):
        Settings()


def test_production_needs_a_figures_key_secret_of_32_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("CHECKIN_SIGNING_KEY", "k" * 40)
    monkeypatch.delenv("FIGURES_KEY_SECRET", raising=False)
    with pytest.raises(ValidationError, match="FIGURES_KEY_SECRET is required in production"):
        Settings()
    monkeypatch.setenv("FIGURES_KEY_SECRET", "short")
    with pytest.raises(ValidationError, match="FIGURES_KEY_SECRET must be at least 32 characters"):
        Settings()
    monkeypatch.setenv("FIGURES_KEY_SECRET", "f" * 32)
    assert Settings().figures_key_secret is not None


def test_production_refuses_a_local_fcm_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("FIREBASE_PROJECT_ID", "hamqadam-prod")
    monkeypatch.delenv("FIREBASE_AUTH_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("CHECKIN_SIGNING_KEY", "k" * 40)
    monkeypatch.setenv("FIGURES_KEY_SECRET", "f" * 40)
    monkeypatch.setenv("FCM_BASE_URL", "http://127.0.0.1:9098")
    with pytest.raises(ValidationError, match="FCM_BASE_URL is for development and tests"):
        Settings()
    monkeypatch.setenv("ENVIRONMENT", "development")
    monkeypatch.setenv("FCM_BASE_URL", "127.0.0.1:9098")
    with pytest.raises(ValidationError, match="FCM_BASE_URL must start with http"):
        Settings()
