# Production image: gunicorn (web), Celery worker and beat share it (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=sas_platform.settings.production

RUN apt-get update && apt-get install -y --no-install-recommends libpq5 curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 sas

WORKDIR /app
COPY pyproject.toml README.md ./
COPY sas_platform ./sas_platform
COPY cpts ./cpts
COPY planning ./planning
COPY regulation ./regulation
COPY remuneration ./remuneration
RUN pip install .
COPY . .
# collectstatic needs the required variables; these build-time values are never used at run time.
RUN SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789abcdef \
    ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput \
    && mkdir -p /app/var && chown -R sas:sas /app/var

USER sas
EXPOSE 8000
CMD ["gunicorn", "sas_platform.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
