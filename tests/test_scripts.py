"""The commands in scripts/: each has --help; the run command serves the API and stops cleanly on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from scripts.ferretdb import free_port

PYTHON_SCRIPTS = ["scripts.dev_server", "scripts.import_geography", "scripts.export_openapi"]
SHELL_SCRIPTS = ["scripts/setup.sh", "scripts/run.sh", "scripts/test.sh", "scripts/build-ferretdb.sh"]


@pytest.mark.parametrize("module", PYTHON_SCRIPTS)
def test_python_scripts_have_help(module: str, repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", module, "--help"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout.lower()


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_shell_scripts_have_help(script: str, repo_root: Path) -> None:
    result = subprocess.run(
        ["bash", script, "--help"], cwd=repo_root, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower()


def test_import_script_rejects_a_bad_csv_with_per_row_errors(
    tmp_path: Path, repo_root: Path, mongodb_uri: str
) -> None:
    bad = tmp_path / "official.csv"
    bad.write_text("code,name,districts\nXX-1,Nowhere,Swat\nNA-2,Swat-I,Atlantis\n", encoding="utf-8")
    env = {**os.environ, "MONGODB_URI": mongodb_uri, "MONGODB_DATABASE": f"script_{os.getpid()}"}
    command = [
        sys.executable,
        "-m",
        "scripts.import_geography",
        "--csv",
        str(bad),
        "--source",
        "ECP",
        "--source-date",
        "2023-11-30",
    ]
    result = subprocess.run(
        command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert "line 2, code: house prefix 'XX'" in result.stderr
    assert "line 3, districts: 'Atlantis'" in result.stderr


def test_run_command_serves_seeded_api_on_embedded_engine_and_stops_on_ctrl_c(
    tmp_path: Path, repo_root: Path
) -> None:
    api_port, db_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URI"}
    command = [
        sys.executable,
        "-m",
        "scripts.dev_server",
        "--port",
        str(api_port),
        "--db-port",
        str(db_port),
        "--data-dir",
        str(tmp_path / "data"),
    ]
    log = (tmp_path / "server.log").open("w+")
    server = subprocess.Popen(command, cwd=repo_root, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        provinces = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                provinces = httpx.get(f"http://127.0.0.1:{api_port}/v1/geo/provinces", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.25)
        assert provinces is not None, (tmp_path / "server.log").read_text()
        assert provinces.status_code == 200
        assert len(provinces.json()) == 7
        assert (tmp_path / "data").is_dir()
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
    output = (tmp_path / "server.log").read_text()
    assert "stopped" in output
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{db_port}", timeout=1)
