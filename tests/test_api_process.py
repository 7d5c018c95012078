"""`uvicorn backend.main:app` refuses to start in production with the Auth emulator configured."""

import os
import subprocess
import sys
from pathlib import Path


def test_api_process_refuses_to_start_in_production_with_emulator(repo_root: Path) -> None:
    env = {
        **os.environ,
        "ENVIRONMENT": "production",
        "FIREBASE_PROJECT_ID": "hamqadam-prod",
        "FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import backend.main"],
        cwd=repo_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "FIREBASE_AUTH_EMULATOR_HOST must not be set in production" in result.stderr
