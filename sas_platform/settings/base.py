"""Base settings: the embedded default when no variable is set.

Every environment variable is listed in the README ("Configuration"). Nothing here is
read by app code at import time: apps use ``django.conf.settings``.
"""

from __future__ import annotations

from datetime import timedelta

from sas_platform.settings.database import configure_postgres
from sas_platform.settings.environment import BASE_DIR, VAR_DIR, read

VAR_DIR.mkdir(exist_ok=True)

# --- Core -----------------------------------------------------------------------------------
DEBUG = read("DEBUG", "bool", default=True)
SECRET_KEY = read("SECRET_KEY", default="insecure-dev-key-only-for-the-embedded-default-0123456789abcdef")
ALLOWED_HOSTS = read("ALLOWED_HOSTS", "list", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = read("CSRF_TRUSTED_ORIGINS", "list", default=[])
DEMO_MODE = read("DEMO_MODE", "bool", default=True)
PLATFORM_NAME = "Plateforme SAS & CPTS"
# The platform's public address, for absolute links in e-mails and SMS (vacation notices, digests).
PLATFORM_URL = read("PLATFORM_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # django-dsfr first: its form widget templates (radio, checkbox options, error lists) must win
    # over django.forms' plain ones (the app template loader takes the first app that has one).
    "dsfr",
    "django.forms",
    # third parties
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "django_htmx",
    "template_partials",
    "widget_tweaks",
    "axes",
    "phonenumber_field",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # the project, left to right in the direction of dependency (ARCHITECTURE.md)
    "sas_platform",
    "cpts",
    "planning",
    "regulation",
    "remuneration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the user why the session was closed.
    "sas_platform.middleware.StaffSessionTimeoutMiddleware",
    # Administrators, CPAM and ARS agents: second factor before any page (issue 13).
    "sas_platform.otp.middleware.SecondFactorRequiredMiddleware",
    "sas_platform.middleware.NoStoreMiddleware",  # patient data never cached (issue 13)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sas_platform.urls"
WSGI_APPLICATION = "sas_platform.wsgi.application"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sas_platform.context_processors.platform",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DB_STATEMENT_TIMEOUT_MS = read("DB_STATEMENT_TIMEOUT_MS", "int", default=30_000)
DB_LOCK_TIMEOUT_MS = read("DB_LOCK_TIMEOUT_MS", "int", default=10_000)
_default_db = read("DATABASE_URL", "db_url", default={})
if not _default_db:
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(VAR_DIR / "db.sqlite3"),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
elif _default_db["ENGINE"] == "django.db.backends.postgresql":
    # Guard-rails (no query or lock wait runs forever) and the optional bounded pool (issue 13).
    configure_postgres(
        _default_db, statement_timeout_ms=DB_STATEMENT_TIMEOUT_MS, lock_timeout_ms=DB_LOCK_TIMEOUT_MS
    )
DATABASES = {"default": _default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery broker (Redis when REDIS_URL is set) ----------------------------------
REDIS_URL = read("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by web, worker and beat processes without any server.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Embedded default: kombu's SQLAlchemy transport on a SQLite file (see README "Celery").
CELERY_BROKER_URL = read(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite'}"
)
CELERY_RESULT_BACKEND = read(
    "CELERY_RESULT_BACKEND", default=REDIS_URL or f"db+sqlite:///{VAR_DIR / 'celery-results.sqlite'}"
)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Paris"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_DEFAULT_QUEUE = "default"

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "sas_platform.User"
AUTHENTICATION_BACKENDS = [
    "sas_platform.login_limits.AddressLimitBackend",  # one address, many accounts (issue 13)
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "sas_platform.psc.backend.ProSanteConnectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Staff (every role of the platform) is logged out after this idle time, in seconds.
SESSION_IDLE_TIMEOUT = read("SESSION_IDLE_TIMEOUT", "int", default=30 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
# API tokens die after this lifetime (issue 13), and after SESSION_IDLE_TIMEOUT without use.
API_TOKEN_LIFETIME_SECONDS = read("API_TOKEN_LIFETIME_SECONDS", "int", default=12 * 60 * 60, minimum=60)
# Machine users (no usable password: FHIR Slot consumers) keep their token this long, no idle rule.
API_MACHINE_TOKEN_LIFETIME_DAYS = read("API_MACHINE_TOKEN_LIFETIME_DAYS", "int", default=90, minimum=1)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock out after repeated failures, by username and address together.
AXES_FAILURE_LIMIT = read("AXES_FAILURE_LIMIT", "int", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=read("AXES_COOLOFF_MINUTES", "int", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "sas_platform.web.views.lockout_response"
AXES_VERBOSE = False
# Issue 13 (probe finding 1): the account is the lower-cased e-mail; the address is the client's
# behind TRUSTED_PROXY_COUNT reverse proxies (X-Forwarded-For ignored when 0). See login_limits.py.
AXES_USERNAME_CALLABLE = "sas_platform.login_limits.axes_username"
AXES_CLIENT_IP_CALLABLE = "sas_platform.login_limits.client_address"
TRUSTED_PROXY_COUNT = read("TRUSTED_PROXY_COUNT", "int", default=0)
LOGIN_ADDRESS_FAILURE_LIMIT = read("LOGIN_ADDRESS_FAILURE_LIMIT", "int", default=30, minimum=1)
PASSWORD_RESET_ADDRESS_LIMIT = read("PASSWORD_RESET_ADDRESS_LIMIT", "int", default=10, minimum=1)
PASSWORD_RESET_TARGET_LIMIT = read("PASSWORD_RESET_TARGET_LIMIT", "int", default=3, minimum=1)
PASSWORD_RESET_WINDOW_SECONDS = 60 * 60

# --- Pro Santé Connect (OIDC, sas_platform.psc; README "Pro Santé Connect") ---------------------
# Endpoints are settings: PSC's discovery document is not at the standard path, and the test
# (BAS) and production hosts differ. Defaults: the BAS (test) environment.
_PSC_REALM = read("PSC_REALM_URL", default="https://auth.bas.esw.esante.gouv.fr/auth/realms/esante-wallet")
OIDC_RP_CLIENT_ID = read("PSC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = read("PSC_CLIENT_SECRET", default="")
PSC_ENABLED = read("PSC_ENABLED", "bool", default=bool(OIDC_RP_CLIENT_ID))
PSC_ISSUER = read("PSC_ISSUER", default=_PSC_REALM)
OIDC_OP_AUTHORIZATION_ENDPOINT = read(
    "PSC_AUTHORIZATION_ENDPOINT", default="https://wallet.bas.esw.esante.gouv.fr/auth"
)
OIDC_OP_TOKEN_ENDPOINT = read("PSC_TOKEN_ENDPOINT", default=f"{_PSC_REALM}/protocol/openid-connect/token")
OIDC_OP_USER_ENDPOINT = read(
    "PSC_USERINFO_ENDPOINT", default=f"{_PSC_REALM}/protocol/openid-connect/userinfo"
)
OIDC_OP_JWKS_ENDPOINT = read("PSC_JWKS_ENDPOINT", default=f"{_PSC_REALM}/protocol/openid-connect/certs")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid scope_all"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
PSC_ACR_VALUES = ("eidas1",)
OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": " ".join(PSC_ACR_VALUES)}
OIDC_AUTHENTICATION_CALLBACK_URL = "psc-callback"
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 7
# The ID token is kept in the session for the sign-out at PSC (``id_token_hint``, OIDC RP-initiated
# logout): signing out of the platform also ends the PSC session on a shared workstation.
OIDC_STORE_ID_TOKEN = True
PSC_END_SESSION_ENDPOINT = read(
    "PSC_END_SESSION_ENDPOINT", default=f"{_PSC_REALM}/protocol/openid-connect/logout"
)
OTP_TOTP_ISSUER = PLATFORM_NAME

# --- E-mail ---------------------------------------------------------------------------------
_email = read("EMAIL_URL", "email_url", default={})
if _email:
    vars().update(_email)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = read("DEFAULT_FROM_EMAIL", default="Plateforme SAS <ne-pas-repondre@sas.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = read("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = read("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- Content security policy (django-csp 4) -------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous request gets 401 + ``WWW-Authenticate: Token`` (DRF answers 403
    # when the first class has no authenticate header, as SessionAuthentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token or Bearer (issue 9), expiring, rotating (issue 13).
        "sas_platform.api.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "sas_platform.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "sas_platform.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "sas_platform.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON with a bounded nesting depth (issue 13: 1,000 "[" gave a 500).
    "DEFAULT_PARSER_CLASSES": [
        "sas_platform.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API de la plateforme SAS & CPTS",
    "DESCRIPTION": (
        "API REST de la plateforme du Service d'Accès aux Soins (SAS) et des CPTS. "
        "Toutes les erreurs ont la forme {message, code, extra: {fields}}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps have a field named "kind": name each enum after its class.
    "ENUM_NAME_OVERRIDES": {
        "StructureKindEnum": "cpts.enums.StructureKind",
        "ImportKindEnum": "cpts.enums.ImportKind",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = read("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Regulation desk (app `regulation`) -----------------------------------------------------
# How long an editor's slot stays held for a dossier before the editor's feedback (minutes).
REGULATION_HOLD_MINUTES = read("REGULATION_HOLD_MINUTES", "int", default=10)
# Oriented dossiers without a known outcome close after this delay, « issue inconnue » (hours).
REGULATION_AUTO_CLOSE_HOURS = read("REGULATION_AUTO_CLOSE_HOURS", "int", default=72)
# Unanswered surnuméraire requests are reminded after this delay (minutes).
REGULATION_SURNUMERAIRE_REMINDER_MINUTES = read("REGULATION_SURNUMERAIRE_REMINDER_MINUTES", "int", default=15)
# Plausibility (regulation/plausibility.py, issue 9): an appointment may be recorded up to this long
# after its time (hours); a call time may run ahead of the platform's clock by this much (minutes)
# and be at most this old (hours).
REGULATION_APPOINTMENT_PAST_GRACE_HOURS = read("REGULATION_APPOINTMENT_PAST_GRACE_HOURS", "int", default=2)
REGULATION_CALL_CLOCK_SKEW_MINUTES = read("REGULATION_CALL_CLOCK_SKEW_MINUTES", "int", default=5)
REGULATION_CALL_MAX_AGE_HOURS = read("REGULATION_CALL_MAX_AGE_HOURS", "int", default=24)

# --- planning: agenda sources, connectors, 48 h search (issue 4) -----------------------------
# sas-ig annexes.md: editors answer within 7 s; the platform never waits longer per request.
PLANNING_CONNECTOR_TIMEOUT_SECONDS = read("PLANNING_CONNECTOR_TIMEOUT_SECONDS", "float", default=7.0)
PLANNING_CONNECTOR_ATTEMPTS = read("PLANNING_CONNECTOR_ATTEMPTS", "int", default=3)
PLANNING_CONNECTOR_RETRY_WAIT_SECONDS = read("PLANNING_CONNECTOR_RETRY_WAIT_SECONDS", "float", default=0.5)
PLANNING_CONNECTOR_MAX_PAGES = 50
PLANNING_CONNECTOR_MAX_RESPONSE_BYTES = 20 * 1024 * 1024
PLANNING_BREAKER_FAIL_MAX = read("PLANNING_BREAKER_FAIL_MAX", "int", default=3)
PLANNING_BREAKER_RESET_SECONDS = read("PLANNING_BREAKER_RESET_SECONDS", "int", default=60)
PLANNING_DECLARED_HORIZON_DAYS = 14
# A one-off declared block lies at most this many days ahead (planning/policies.py, issue 9).
PLANNING_ONE_OFF_MAX_DAYS = read("PLANNING_ONE_OFF_MAX_DAYS", "int", default=90, minimum=1)
# Retention (planning.services.retention, nightly): past slots never booked, old source runs.
PLANNING_SLOT_RETENTION_DAYS = read("PLANNING_SLOT_RETENTION_DAYS", "int", default=7, minimum=1)
PLANNING_RUN_RETENTION_DAYS = read("PLANNING_RUN_RETENTION_DAYS", "int", default=30, minimum=1)
# The 48 h search reads the sources' metadata (active, last success) from a per-process copy kept
# this many seconds (a new source is seen at once; a deactivated one within this delay).
PLANNING_SEARCH_SOURCES_CACHE_SECONDS = read("PLANNING_SEARCH_SOURCES_CACHE_SECONDS", "float", default=5.0)
# OpenAPI: planning's enums named after their class (no collision with other apps' "kind").
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {"AvailabilityKindEnum": "planning.enums.AvailabilityKind"}
)
# The demo agenda editor (demo_editor/, started by bin/run-demo.d/demo_editor.sh).
DEMO_EDITOR_URL = read("DEMO_EDITOR_URL", default="http://127.0.0.1:8100")
DEMO_EDITOR_TOKEN = read("DEMO_EDITOR_TOKEN", default="demo-editeur-sas13")

# --- cpts: directory and CPTS (issue 3) ------------------------------------------------------
# Size of the cpts demo (1.0: ~1,200 doctors and ~300 other professionals); browser tests use less.
DEMO_SCALE = read("DEMO_SCALE", "float", default=1.0)

# Mutual TLS through the reverse proxy (issue 14, sas_platform.mtls, README "Mutual TLS"): Django
# trusts the proxy's X-SSL-Client-* headers only with this shared secret (nginx sends it as
# X-Mtls-Proxy-Secret) or from these addresses. Both empty: the headers are ignored (tokens only).
FHIR_MTLS_PROXY_SECRET = read("FHIR_MTLS_PROXY_SECRET", default="")
FHIR_MTLS_TRUSTED_PROXIES = read("FHIR_MTLS_TRUSTED_PROXIES", "list", default=[])
# System of the Location identifiers in the FHIR bundles (default: <FHIR base URL>/lieux-d-exercice).
FHIR_PLACE_IDENTIFIER_SYSTEM = read("FHIR_PLACE_IDENTIFIER_SYSTEM", default="")
