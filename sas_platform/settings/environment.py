"""The one ``env`` of the project and helpers that name the variable on any failure.

Settings modules read the environment through :func:`read`, so that a missing or
malformed variable stops start-up with one line naming it (see ``manage.py``).
App code never reads the environment: it reads ``django.conf.settings``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    env.read_env(str(_env_file))
# The embedded default's files (SQLite database, broker, file cache, logs): ``var/`` of the checkout,
# or ``VAR_DIR`` (the test of ``bin/run-demo`` runs a whole demo in a temporary folder).
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

_MISSING = object()
_BOOL_WORDS = {"true", "false", "1", "0", "yes", "no", "on", "off", "ok", "y", "n"}


class EnvironmentVariableError(ImproperlyConfigured):
    """A variable is missing or malformed: the message is one line naming it."""


def read(name: str, cast: str = "str", default: Any = _MISSING, *, minimum: int | None = None) -> Any:
    """Read ``name`` from the environment with django-environ's ``cast`` method.

    ``cast`` is one of ``str``, ``bool``, ``int``, ``list``, ``db_url``, ``cache_url``,
    ``email_url``. Raises :class:`EnvironmentVariableError` with a one-line French message
    naming the variable when it is missing (and has no default), cannot be parsed, or is a number
    below ``minimum``.
    """
    method = getattr(env, cast)
    raw = env.str(name, default=None)
    if raw is None or raw == "":
        if default is _MISSING:
            raise EnvironmentVariableError(f"Variable d'environnement {name} manquante.")
        return default
    try:
        # django-environ warns (UserWarning) on an unknown URL scheme before returning a
        # config without ENGINE: silence it so the failure stays one line (checked below).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = method(name)
    except Exception as exc:  # django-environ raises many kinds (ValueError, KeyError...)
        raise EnvironmentVariableError(
            f"Variable d'environnement {name} invalide ({raw!r}) : {exc}".replace("\n", " ")
        ) from exc
    if cast == "bool" and raw.strip().lower() not in _BOOL_WORDS:
        raise EnvironmentVariableError(
            f"Variable d'environnement {name} invalide ({raw!r}) : attendu true ou false."
        )
    if minimum is not None and value < minimum:
        raise EnvironmentVariableError(
            f"Variable d'environnement {name} invalide ({raw!r}) : attendu au moins {minimum}."
        )
    if cast == "db_url" and not value.get("ENGINE"):
        raise EnvironmentVariableError(
            f"Variable d'environnement {name} invalide ({raw!r}) : schéma inconnu."
        )
    return value
