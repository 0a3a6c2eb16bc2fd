"""Home page and one API call, through Django's full stack (middleware, auth, templates, DB).

Measures on the database of ``DATABASE_URL`` (``make bench`` defaults to the local PostgreSQL),
with the demo seeded. Writes ``bench/results/platform.md``.
"""

from __future__ import annotations

import datetime as dt
import platform

from _common import setup_django, summary, timings_ms, update_latest, write_result

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from sas_platform.demo import demo_seed  # noqa: E402
from sas_platform.models import User  # noqa: E402


def main() -> None:
    demo_seed()
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        client = Client()
        client.force_login(User.objects.get(email="osnp@demo.sas"))
        home = summary(timings_ms(lambda: client.get("/"), repeat=200))
        api = summary(timings_ms(lambda: client.get("/api/v1/me/"), repeat=200))
        communes = summary(timings_ms(lambda: client.get("/api/v1/communes/?q=aix"), repeat=200))
    rows = "\n".join(
        f"| {name} | {s['n']} | {s['p50']:.2f} | {s['p95']:.2f} | {s['max']:.2f} |"
        for name, s in (
            ("GET / (accueil OSNP)", home),
            ("GET /api/v1/me/", api),
            ("GET /api/v1/communes/?q=aix", communes),
        )
    )
    text = f"""# Platform: home page and API

Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} (Python {platform.python_version()}),
database `{connection.vendor}`, cache `{settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}`,
Django test client (no network), 200 requests after 3 warm-up requests, times in ms.

| request | n | p50 | p95 | max |
| --- | --- | --- | --- | --- |
{rows}

Ratio p50 home / p50 API: {home["p50"] / api["p50"]:.1f}.
"""
    write_result("platform.md", text)
    update_latest(
        "platform",
        {
            "home_p50_ms": round(home["p50"], 2),
            "home_p95_ms": round(home["p95"], 2),
            "api_me_p95_ms": round(api["p95"], 2),
            "api_communes_p95_ms": round(communes["p95"], 2),
        },
    )


if __name__ == "__main__":
    main()
