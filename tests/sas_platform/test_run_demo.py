"""``make run`` then Ctrl-C (issue 9 point 13): ``bin/run-demo`` serves the demo on the embedded
default (SQLite database and broker, file cache), ``/healthz/`` shows the worker's heartbeat while
it runs, and a SIGINT to its process group (what the terminal's Ctrl-C sends) brings back the
prompt within 10 s with no process left.

The whole demo runs in a temporary ``VAR_DIR`` on free ports; only migrations are applied (the
demo data are not needed to start and stop). About 40 s, most of it the SQLite migrations."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STOP_LIMIT_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_with(marker: str) -> list[int]:
    """Pids of our processes whose environment holds ``marker`` (the run's own ``VAR_DIR``):
    every part of the demo and whatever they started, even re-parented."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or not ours
            continue
    return found


def _healthz(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=3) as response:
            return json.loads(response.read())
    except Exception:
        return None


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc (Linux)")
def test_run_demo_serves_shows_the_worker_heartbeat_and_stops_on_ctrl_c_within_10_s(tmp_path):
    port, editor_port = _free_port(), _free_port()
    marker = f"VAR_DIR={tmp_path}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "PYTEST_XDIST_WORKER"}
    }
    env.update(
        VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="sas_platform.settings.base",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PORT=str(port),
        DEMO_EDITOR_PORT=str(editor_port),
        DEMO_EDITOR_URL=f"http://127.0.0.1:{editor_port}",
        DEBUG="false",
        LOG_LEVEL="WARNING",
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with (tmp_path / "run-demo.out").open("w") as out:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "run-demo")],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the SIGINT below is the terminal's Ctrl-C
        )
    try:
        deadline = time.monotonic() + 45
        report = None
        while time.monotonic() < deadline and process.poll() is None:
            report = _healthz(port)
            if report and report.get("worker_last_heartbeat"):
                break
            time.sleep(0.5)
        logs = "\n".join(
            f"--- {log.name}\n{log.read_text()[-1500:]}" for log in sorted((tmp_path / "log").glob("*.log"))
        )
        assert process.poll() is None, f"run-demo s'est arrêté seul :\n{logs}"
        assert report is not None, f"/healthz/ ne répond pas :\n{logs}"
        assert report["status"] == "ok", report
        assert report["worker_last_heartbeat"], f"pas de battement du worker : {report}\n{logs}"
        parts = _processes_with(marker)
        assert len(parts) >= 5, parts  # script, web, worker (+ pool), beat, demo editor

        started = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)
        elapsed = time.monotonic() - started
        left = _processes_with(marker)
        print(
            f"\n[run-demo] Ctrl-C → invite rendue en {elapsed:.1f} s ; {len(parts)} processus avant, {len(left)} après"
        )
        assert elapsed < STOP_LIMIT_SECONDS, f"arrêt en {elapsed:.1f} s"
        assert not left, f"processus restants : {left}"
    finally:
        for pid in _processes_with(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait()
