"""docker-compose.yml cannot run on these machines; this keeps it consistent with what the app reads."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from backend.console.router import VENDOR
from backend.core.settings import Settings


@pytest.fixture
def compose(repo_root: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((repo_root / "docker-compose.yml").read_text(encoding="utf-8"))
    return document


def test_mongo_is_version_8_single_node_replica_set_with_health_check(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    assert mongo["image"].startswith("mongo:8")
    assert "--replSet" in mongo["command"]
    assert mongo["command"][mongo["command"].index("--replSet") + 1] == "rs0"
    assert "27017:27017" in mongo["ports"]
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])


def test_api_service_is_built_here_and_configured_by_settings_variables(
    compose: dict[str, Any], repo_root: Path
) -> None:
    api = compose["services"]["api"]
    assert api["build"] == "."
    assert (repo_root / "Dockerfile").is_file()
    assert "8000:8000" in api["ports"]
    # Every variable is a setting the app reads, the credentials file google-auth reads itself, or
    # uvicorn's count of worker processes.
    known = {name.upper() for name in Settings.model_fields} | {
        "GOOGLE_APPLICATION_CREDENTIALS",
        "WEB_CONCURRENCY",
    }
    assert set(api["environment"]) <= known, set(api["environment"]) - known
    for required in ("FIREBASE_PROJECT_ID", "CHECKIN_SIGNING_KEY", "FIGURES_KEY_SECRET"):
        assert api["environment"][required].startswith("${" + required + ":?"), required
    assert "FIREBASE_AUTH_EMULATOR_HOST" not in api["environment"]
    assert api["environment"]["GOOGLE_APPLICATION_CREDENTIALS"].startswith("/run/secrets/")
    assert api["environment"]["MONGODB_URI"].startswith("mongodb://mongo:27017/")
    assert "replicaSet=rs0" in api["environment"]["MONGODB_URI"]
    assert api["environment"]["ENVIRONMENT"] == "production"
    assert api["depends_on"]["mongo"]["condition"] == "service_healthy"


def test_seed_job_loads_reference_data_and_content_before_the_api(compose: dict[str, Any]) -> None:
    seed = compose["services"]["seed"]
    assert "python -m scripts.import_geography && python -m scripts.seed_content" in seed["command"][-1]
    assert compose["services"]["api"]["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    assert seed["environment"]["MONGODB_URI"] == compose["services"]["api"]["environment"]["MONGODB_URI"]


def test_seed_job_loads_the_demo_only_when_asked_with_the_apis_figures_secret(
    compose: dict[str, Any],
) -> None:
    seed = compose["services"]["seed"]
    assert 'if [ "$${DEMO_DATA}" = "true" ]; then python -m scripts.demo_data; fi' in seed["command"][-1]
    assert seed["environment"]["DEMO_DATA"] == "${DEMO_DATA:-false}"
    api_secret = compose["services"]["api"]["environment"]["FIGURES_KEY_SECRET"]
    assert seed["environment"]["FIGURES_KEY_SECRET"] == api_secret


def test_dockerfile_serves_backend_main_app(repo_root: Path) -> None:
    dockerfile = (repo_root / "Dockerfile").read_text(encoding="utf-8")
    assert "backend.main:app" in dockerfile
    assert "constraints.txt" in dockerfile


def test_the_image_carries_every_script_the_console_serves(repo_root: Path) -> None:
    dockerfile = (repo_root / "Dockerfile").read_text(encoding="utf-8")
    for path in VENDOR.values():
        installed = path.relative_to(repo_root / "tools" / "console-assets")
        # The file itself is copied, or a folder holding it (the fonts: every file of @fontsource).
        copied = [installed, *installed.parents[:-1]]
        assert any(
            f"/assets/{source}" in dockerfile and f"./tools/console-assets/{source.parent}/" in dockerfile
            for source in copied
        ), installed


def test_the_scale_profile_runs_replicas_and_workers_behind_one_proxy(
    compose: dict[str, Any], repo_root: Path
) -> None:
    services = compose["services"]
    scaled, workers, proxy = services["api-scaled"], services["alerts-worker"], services["proxy"]
    for service in (scaled, workers, proxy):
        assert service["profiles"] == ["scale"]
    assert scaled["deploy"]["replicas"] == workers["deploy"]["replicas"] == 2
    # The same configuration as the API (one anchor), the replicas leaving delivery to the workers.
    assert {k: v for k, v in scaled["environment"].items() if k in services["api"]["environment"]} == (
        services["api"]["environment"]
    )
    assert scaled["environment"]["ALERTS_WORKER_ENABLED"] == "false"
    assert workers["environment"] == services["api"]["environment"]
    assert workers["command"] == ["python", "-m", "scripts.alerts_worker"]
    config = (repo_root / "docker" / "nginx.conf").read_text(encoding="utf-8")
    assert "server api-scaled:8000" in config
    assert "location = /metrics" in config  # never served to the outside
    assert any(volume.startswith("./docker/nginx.conf:") for volume in proxy["volumes"])
