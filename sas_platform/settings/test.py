"""Test settings: ``base`` with fast hashing, in-memory mail and no lockout noise."""

import os
from urllib.parse import urlsplit, urlunsplit

from sas_platform.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "INVALID_TEMPLATE_VARIABLE[%s]"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Address counters live in the cache, shared by the whole run: the tests of the limits set their own.
LOGIN_ADDRESS_FAILURE_LIMIT = PASSWORD_RESET_ADDRESS_LIMIT = PASSWORD_RESET_TARGET_LIMIT = 100_000
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True  # the test client fetches static files without collectstatic
if not REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _redis_database(url: str, number: int) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1... under ``pytest -n``
if REDIS_URL and _XDIST_WORKER.startswith("gw"):  # noqa: F405
    # Tests clear the cache (FLUSHDB) and start real Celery workers: each pytest-xdist worker (and
    # the Celery workers it starts, which inherit its environment) gets its own Redis databases,
    # so that one never flushes the other's circuit breakers and locks nor runs the other's tasks
    # (databases 1 to 14 of Redis's 16: up to 7 xdist workers).
    _N = int(_XDIST_WORKER[2:])
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_database(REDIS_URL, 1 + 2 * _N),  # noqa: F405
        }
    }
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = _redis_database(REDIS_URL, 2 + 2 * _N)  # noqa: F405
