"""Production settings: ``base`` with the security ``check --deploy`` expects.

Required: ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL``.
"""

from sas_platform.settings.base import *  # noqa: F403
from sas_platform.settings.database import configure_postgres
from sas_platform.settings.environment import read

DEBUG = False
DEMO_MODE = read("DEMO_MODE", "bool", default=False)
SECRET_KEY = read("SECRET_KEY")
ALLOWED_HOSTS = read("ALLOWED_HOSTS", "list")
DATABASES = {
    "default": configure_postgres(
        read("DATABASE_URL", "db_url"),
        statement_timeout_ms=DB_STATEMENT_TIMEOUT_MS,  # noqa: F405
        lock_timeout_ms=DB_LOCK_TIMEOUT_MS,  # noqa: F405
    )
}
REDIS_URL = read("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
CELERY_BROKER_URL = read("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = read("CELERY_RESULT_BACKEND", default=REDIS_URL)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = read("SECURE_SSL_REDIRECT", "bool", default=True)
# Container health checks call /healthz/ over plain HTTP from inside the host.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_HSTS_SECONDS = read("SECURE_HSTS_SECONDS", "int", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
