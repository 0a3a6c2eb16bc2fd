"""Probe finding 9 (issue 13): ``collectstatic`` with the production settings succeeds (the
Docker image builds); ``bin/check-production`` crawls the production server in ``.ci/run``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "sas_platform.settings.production",
    "SECRET_KEY": "collectstatic-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "localhost",
    "DATABASE_URL": "postgres://build@localhost/build",
    "REDIS_URL": "redis://localhost:6379/0",
}


def test_collectstatic_with_production_settings(tmp_path):
    env = {**os.environ, **PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    assert "vendor/chartjs/chart.umd.js" in manifest.read_text()


def test_vendored_files_name_no_missing_source_map():
    """A ``sourceMappingURL`` naming an absent file breaks the manifest storage."""
    static = Path(settings.BASE_DIR) / "static"
    for path in static.rglob("*.js"):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[-3:]:
            if "sourceMappingURL=" in line:
                target = line.split("sourceMappingURL=")[-1].strip(" */")
                assert (path.parent / target).exists(), f"{path} names a missing {target}"


def test_ci_runs_the_production_check():
    ci = (Path(settings.BASE_DIR) / ".ci" / "run").read_text()
    assert "bin/check-production" in ci
    assert os.access(Path(settings.BASE_DIR) / "bin" / "check-production", os.X_OK)
