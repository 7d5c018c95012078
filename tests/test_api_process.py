"""`uvicorn backend.main:app` refuses to start in production with the Auth emulator configured."""

import sys

from tests.fixtures.processes import run, script_env


def test_api_process_refuses_to_start_in_production_with_emulator() -> None:
    env = script_env(
        ENVIRONMENT="production",
        FIREBASE_PROJECT_ID="hamqadam-prod",
        FIREBASE_AUTH_EMULATOR_HOST="127.0.0.1:9099",
    )
    result = run(sys.executable, "-c", "import backend.main", env=env, timeout=60)
    assert result.returncode != 0
    assert "FIREBASE_AUTH_EMULATOR_HOST must not be set in production" in result.stderr
