"""Probe finding 9 (issue 13): ``collectstatic`` with the production settings succeeds (the
Docker image builds); ``bin/check-production`` (in ``.ci/run``) runs it and crawls the production
server. The full collectstatic (~5 min with compression on a shared machine) runs there, not here."""

import os
from pathlib import Path

from django.conf import settings


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
