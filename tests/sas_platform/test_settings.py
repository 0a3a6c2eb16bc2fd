"""Settings: one line naming a bad variable, ``check --deploy`` clean, production errors in JSON (item 2)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from sas_platform.settings.environment import EnvironmentVariableError, read

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "sas.exemple.fr",
    "DATABASE_URL": "postgres://sas:motdepasse@127.0.0.1:5432/sas",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
}


def _clean_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith(("PYTEST", "CELERY_"))
    }
    env.update(overrides)
    return env


def _manage(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=_clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- One line naming the variable -----------------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "line"),
    [
        (
            "DATABASE_URL",
            "garbage",
            "Configuration invalide : Variable d'environnement DATABASE_URL invalide ('garbage') : schéma inconnu.",
        ),
        (
            "DEBUG",
            "peut-etre",
            "Configuration invalide : Variable d'environnement DEBUG invalide ('peut-etre') : attendu true ou false.",
        ),
        (
            "PLANNING_SLOT_RETENTION_DAYS",
            "0",
            "Configuration invalide : Variable d'environnement PLANNING_SLOT_RETENTION_DAYS invalide ('0') : attendu au moins 1.",
        ),
    ],
)
def test_malformed_variable_fails_with_one_line_naming_it(variable, value, line):
    result = _manage("check", **{variable: value})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [line]


def test_missing_production_variable_fails_with_one_line():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", "--settings=sas_platform.settings.production", **env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Configuration invalide : Variable d'environnement SECRET_KEY manquante."
    ]


def test_read_helper_names_the_variable(monkeypatch):
    monkeypatch.setenv("SAS_TEST_INT", "douze")
    with pytest.raises(EnvironmentVariableError, match=r"^Variable d'environnement SAS_TEST_INT invalide"):
        read("SAS_TEST_INT", "int")
    monkeypatch.setenv("SAS_TEST_INT", "12")
    assert read("SAS_TEST_INT", "int") == 12
    monkeypatch.delenv("SAS_TEST_INT")
    assert read("SAS_TEST_INT", "int", default=3) == 3
    with pytest.raises(
        EnvironmentVariableError, match=r"^Variable d'environnement SAS_TEST_INT manquante\.$"
    ):
        read("SAS_TEST_INT", "int")


# --- check --deploy -------------------------------------------------------------------------
def test_production_check_deploy_prints_no_warning():
    result = _manage("check", "--deploy", "--settings=sas_platform.settings.production", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_base_settings_embedded_default():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; from django.conf import settings; django.setup(); "
            "db = settings.DATABASES['default']; "
            "print(json.dumps([db['ENGINE'], db['NAME'].endswith('var/db.sqlite3'), settings.CACHES['default']['BACKEND'], "
            "settings.CELERY_BROKER_URL.startswith('sqla+sqlite:///'), settings.LANGUAGE_CODE, settings.TIME_ZONE, "
            "settings.USE_TZ, settings.DEBUG]))",
        ],
        cwd=BASE_DIR,
        env=_clean_env(DJANGO_SETTINGS_MODULE="sas_platform.settings.base"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "django.db.backends.sqlite3",
        True,
        "django.core.cache.backends.filebased.FileBasedCache",
        True,
        "fr-fr",
        "Europe/Paris",
        True,
        True,
    ]


def test_postgres_guard_rails_from_database_url():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; from django.conf import settings; django.setup(); "
            "db = settings.DATABASES['default']; "
            "print(json.dumps([db['ENGINE'], db['OPTIONS']['options'], db['CONN_HEALTH_CHECKS'], "
            "settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL]))",
        ],
        cwd=BASE_DIR,
        env=_clean_env(
            DJANGO_SETTINGS_MODULE="sas_platform.settings.base",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/sas",
            REDIS_URL="redis://127.0.0.1:6379/3",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == [
        "django.db.backends.postgresql",
        "-c statement_timeout=30000 -c lock_timeout=10000",
        True,
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/3",
    ]


# --- Production errors: JSON under /api/, French HTML elsewhere, never a debug page ----------
PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import override_settings
client = Client(HTTP_HOST="sas.exemple.fr")
out = {}
# No collectstatic here: plain storage instead of the manifest (production runs collectstatic).
plain = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):
    for url in ("/api/v1/inconnu/", "/api/inconnu", "/page-inconnue/"):
        r = client.get(url, secure=True)
        out[url] = [r.status_code, r["Content-Type"], r.content.decode()]
from django.conf import settings
out["debug"] = settings.DEBUG
print(json.dumps(out))
"""


def test_production_unknown_routes_never_show_a_debug_page():
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=BASE_DIR,
        env=_clean_env(DJANGO_SETTINGS_MODULE="sas_platform.settings.production", **PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.splitlines()[-1])
    assert out["debug"] is False
    expected = {"message": "Ressource introuvable.", "code": "not_found", "extra": {"fields": {}}}
    for url in ("/api/v1/inconnu/", "/api/inconnu"):
        status, content_type, body = out[url]
        assert (status, content_type, json.loads(body)) == (404, "application/json", expected)
    status, content_type, body = out["/page-inconnue/"]
    assert (status, content_type) == (404, "text/html; charset=utf-8")
    assert "<h1>Page introuvable</h1>" in body
    assert "Traceback" not in body and "DEBUG = True" not in body
