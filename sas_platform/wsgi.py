"""WSGI entry point (gunicorn ``sas_platform.wsgi``)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from sas_platform.settings.environment import EnvironmentVariableError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sas_platform.settings.production")
try:
    application = get_wsgi_application()
except EnvironmentVariableError as exc:
    sys.stderr.write(f"Configuration invalide : {exc}\n")
    sys.exit(2)
