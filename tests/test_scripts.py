"""The commands in scripts/: each has --help; the run command serves the API and stops cleanly on Ctrl-C."""

import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.content.seed import load_seed_items
from scripts.dev_secrets import ensure_figures_key_secret
from scripts.firebase_emulator import AuthEmulator, loopback_client
from tests.fixtures.processes import (
    demo_tokens,
    run,
    run_script,
    script_env,
    start_run_command,
    stop_run_command,
)

PYTHON_SCRIPTS = [
    "scripts.dev_server",
    "scripts.import_geography",
    "scripts.export_openapi",
    "scripts.create_admin",
    "scripts.import_recruiters",
    "scripts.seed_content",
    "scripts.bench.events_bench",
    "scripts.bench.youth_bench",
    "scripts.bench.content_bench",
    "scripts.dev_users",
    "scripts.fake_fcm",
    "scripts.alerts_worker",
    "scripts.rebuild_turnout",
    "scripts.rebuild_poll_results",
    "scripts.demo_data",
    "scripts.bench.turnout_bench",
    "scripts.bench.alerts_bench",
    "scripts.bench.voice_bench",
    "scripts.feature_map",
    "scripts.console_screenshots",
    "scripts.bench.console_bench",
    "scripts.bench.burst_bench",
    "scripts.bench.run_all",
    "scripts.bench.counter_contention",
]
SHELL_SCRIPTS = ["scripts/setup.sh", "scripts/run.sh", "scripts/test.sh"]


# Each script's `python -m <module> --help`, one after the other in one interpreter: starting one per
# script spent about 2.5 s each on loading the same libraries. Prints {module: [exit code, output]}.
HELP_RUNNER = """
import contextlib, io, json, runpy, sys, traceback
answers = {}
for module in sys.argv[1:]:
    output = io.StringIO()
    code = 0
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            sys.argv = [module, "--help"]
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except Exception:
        code = 1
        output.write(traceback.format_exc())
    answers[module] = [code, output.getvalue()]
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def help_answers() -> dict[str, list[Any]]:
    result = run(sys.executable, "-c", HELP_RUNNER, *PYTHON_SCRIPTS, timeout=120)
    assert result.returncode == 0, result.stderr
    answers: dict[str, list[Any]] = json.loads(result.stdout.splitlines()[-1])
    return answers


@pytest.mark.parametrize("module", PYTHON_SCRIPTS)
def test_python_scripts_have_help(module: str, help_answers: dict[str, list[Any]]) -> None:
    code, output = help_answers[module]
    assert code == 0, output
    assert "usage:" in output.lower()


@pytest.mark.parametrize("script", SHELL_SCRIPTS)
def test_shell_scripts_have_help(script: str) -> None:
    result = run("bash", script, "--help", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout.lower()


def test_development_keeps_one_figures_key_secret_for_the_api_and_the_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FIGURES_KEY_SECRET", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "development")
    kept = tmp_path / "var" / "figures-key-secret"
    ensure_figures_key_secret(kept)
    first = os.environ["FIGURES_KEY_SECRET"]
    assert len(first) >= 32
    assert kept.read_text(encoding="utf-8") == first
    assert kept.stat().st_mode & 0o777 == 0o600
    monkeypatch.delenv("FIGURES_KEY_SECRET")
    ensure_figures_key_secret(kept)  # the next start, or the rebuild: the same secret
    assert os.environ["FIGURES_KEY_SECRET"] == first
    monkeypatch.setenv("FIGURES_KEY_SECRET", "configured " * 4)
    ensure_figures_key_secret(kept)
    assert os.environ["FIGURES_KEY_SECRET"] == "configured " * 4


def test_import_script_rejects_a_bad_csv_with_per_row_errors(tmp_path: Path, mongodb_uri: str) -> None:
    bad = tmp_path / "official.csv"
    bad.write_text("code,name,districts\nXX-1,Nowhere,Swat\nNA-2,Swat-I,Atlantis\n", encoding="utf-8")
    env = script_env(MONGODB_URI=mongodb_uri, MONGODB_DATABASE=f"script_{os.getpid()}")
    result = run_script(
        "scripts.import_geography",
        *("--csv", str(bad), "--source", "ECP", "--source-date", "2023-11-30"),
        env=env,
    )
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert "line 2, code: house prefix 'XX'" in result.stderr
    assert "line 3, districts: 'Atlantis'" in result.stderr


def test_run_command_serves_api_with_emulator_users_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    server, env, ports = start_run_command(tmp_path, "server.log")
    api = f"http://127.0.0.1:{ports['api']}"
    web = loopback_client()  # one client for the polls (a new one each built a TLS context)
    try:
        provinces = web.get(f"{api}/v1/geo/provinces", timeout=10)
        assert provinces.status_code == 200, (tmp_path / "server.log").read_text()
        assert len(provinces.json()) == 7
        shipped = web.get(f"{api}/v1/content/sync", params={"lang": "en"}, timeout=10).json()
        assert len(shipped["entries"]) == len(load_seed_items())
        demo = demo_tokens((tmp_path / "server.log").read_text())
        assert len(demo) == 6
        users_env = {
            **env,
            "MONGODB_URI": f"mongodb://127.0.0.1:{ports['db']}/",
            "FIREBASE_AUTH_EMULATOR_HOST": f"127.0.0.1:{ports['auth']}",
        }
        users = demo_tokens(run_script("scripts.dev_users", "--demo", env=users_env, check=True).stdout)
        assert {email: uid for email, (uid, _) in users.items()} == {e: uid for e, (uid, _) in demo.items()}
        admin = {"Authorization": f"Bearer {users['admin@hamqadam.dev'][1]}"}
        assert web.get(f"{api}/v1/me", headers=admin, timeout=10).json()["roles"] == ["admin"]
        assert web.get(f"{api}/v1/admin/audit", headers=admin, timeout=10).status_code == 200
        officer = {"Authorization": f"Bearer {users['officer.lahore@hamqadam.dev'][1]}"}
        assert web.get(f"{api}/v1/me", headers=officer, timeout=10).json()["districts"] == ["lahore"]
        mp = {"Authorization": f"Bearer {demo['mp.na120@hamqadam.dev'][1]}"}
        seat = web.get(f"{api}/v1/turnout/constituencies/NA-120", headers=mp, timeout=10).json()
        assert seat["totals"]["events_held"] > 0  # the demo's figures, not zeros
        # Alerts go to the local FCM server, whose page lists what each phone received.
        assert "What phones received" in web.get(f"http://127.0.0.1:{ports['fcm']}/", timeout=10).text
        stop_run_command(server)
    finally:
        if server.poll() is None:
            server.kill()
    output = (tmp_path / "server.log").read_text()
    assert "demo loaded: " in output
    assert "stopping the Auth emulator" in output
    assert output.rstrip().endswith("stopped")
    for port in (ports["db"], ports["auth"], ports["fcm"]):
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}", timeout=1)
    # Started again on the same data: the demo stays as it was, and each demo user is the same account.
    again, _, ports = start_run_command(tmp_path, "again.log")
    try:
        restarted = demo_tokens((tmp_path / "again.log").read_text())
        assert {e: uid for e, (uid, _) in restarted.items()} == {e: uid for e, (uid, _) in demo.items()}
        mp = {"Authorization": f"Bearer {restarted['mp.na120@hamqadam.dev'][1]}"}
        me = web.get(f"http://127.0.0.1:{ports['api']}/v1/me", headers=mp, timeout=10).json()
        assert (me["roles"], me["constituency"]) == (["mp"], "NA-120")
        stop_run_command(again)
    finally:
        if again.poll() is None:
            again.kill()
    assert "demo: loaded already" in (tmp_path / "again.log").read_text()


def test_create_admin_bootstraps_by_email(mongodb_uri: str, auth_emulator: AuthEmulator) -> None:
    email = f"boot-{os.getpid()}@example.org"
    uid, _ = auth_emulator.users.sign_up(email)
    env = script_env(
        MONGODB_URI=mongodb_uri,
        MONGODB_DATABASE=f"boot_{os.getpid()}",
        FIREBASE_AUTH_EMULATOR_HOST=auth_emulator.host,
    )
    for _ in range(2):  # idempotent
        result = run_script("scripts.create_admin", "--email", email, env=env)
        assert result.returncode == 0, result.stderr
        assert f"{uid} is an admin" in result.stdout
    unknown = run_script("scripts.create_admin", "--email", "nobody@example.org", env=env)
    assert unknown.returncode == 1
    assert "No Firebase user" in unknown.stderr
