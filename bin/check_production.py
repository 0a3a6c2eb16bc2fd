"""``bin/check-production``: build and crawl the production configuration (issue 13, finding 9).

1. ``collectstatic`` with ``sas_platform.settings.production`` (the Docker image's build step);
2. ``seed_demo`` (small scale) so that every role's pages have something to show;
3. gunicorn with the production settings on 127.0.0.1 (behind a pretend TLS proxy:
   ``X-Forwarded-Proto: https``, as docker-compose's reverse proxy sends);
4. every parameter-less route of the URLconf and every link found from ``/``, anonymous and signed
   in as each demo account (GET only, bounded); any 5xx fails the check.

Exit status 0 when no page answered 5xx. Figures are printed at the end.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections import Counter, deque
from html import unescape
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MAX_PAGES_PER_USER = int(os.environ.get("CHECK_PRODUCTION_MAX_PAGES", "150"))
SKIP = re.compile(
    r"^/(static|media)/|/deconnexion/|/logout/|/delete/|/supprimer|/export|\.(csv|pdf|xlsx|ics)$"
)
HREF = re.compile(r'href="([^"#][^"]*)"')


def _env() -> dict:
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"check-production : variable {name} manquante.")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sas_platform.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "check-production-secret-key-" + "x" * 40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(ROOT / "var" / "check-production" / "static"),
        "DEMO_MODE": "true",
        "DEMO_SCALE": os.environ.get("DEMO_SCALE", "0.25"),
    }


def _run(env: dict, *args: str) -> None:
    print("check-production :", " ".join(args), flush=True)
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _routes(env: dict) -> list[str]:
    """Parameter-less routes of the URLconf, listed by a process with the production settings."""
    code = (
        "import django; django.setup()\n"
        "from django.urls import get_resolver, URLPattern, URLResolver\n"
        "def walk(ps, prefix=''):\n"
        "    for p in ps:\n"
        "        r = prefix + str(p.pattern)\n"
        "        if isinstance(p, URLResolver): yield from walk(p.url_patterns, r)\n"
        "        elif '<' not in r and '(' not in r and '^' not in r and '$' not in r: yield '/' + r\n"
        "print('\\n'.join(sorted(set(walk(get_resolver().url_patterns)))))\n"
    )
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return [line for line in out.stdout.splitlines() if line and not SKIP.search(line)]


class Browser:
    """A cookie jar of its own: the production cookies are ``Secure`` and we speak plain HTTP to
    gunicorn with ``X-Forwarded-Proto: https`` (requests would not send them back)."""

    def __init__(self, base: str) -> None:
        self.base, self.cookies = base, {}
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{urlsplit(self.base).netloc}/",
            "Origin": f"https://{urlsplit(self.base).netloc}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **kwargs.pop("headers", {}),
        }
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        self.http.cookies.clear()
        return response

    def login(self, email: str, password: str) -> bool:
        page = self.request("GET", "/connexion/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not token:
            return False
        response = self.request(
            "POST",
            "/connexion/",
            data={"csrfmiddlewaretoken": token.group(1), "username": email, "password": password},
        )
        return response.status_code == 302 and "/connexion/" not in response.headers.get("Location", "")


def crawl(browser: Browser, seeds: list[str], who: str, failures: list[str]) -> Counter:
    seen: set[str] = set()
    queue = deque(seeds)
    statuses: Counter = Counter()
    while queue and len(seen) < MAX_PAGES_PER_USER:
        path = queue.popleft()
        if path in seen or SKIP.search(path):
            continue
        seen.add(path)
        response = browser.request("GET", path)
        statuses[response.status_code // 100 * 100] += 1
        if response.status_code >= 500:
            failures.append(f"{who} GET {path} → {response.status_code}")
            continue
        if response.status_code in (301, 302) and response.headers.get("Location", "").startswith("/"):
            queue.append(response.headers["Location"])
        if "text/html" in response.headers.get("Content-Type", ""):
            for href in HREF.findall(response.text):
                url = urldefrag(urljoin(path, unescape(href)))[0]
                parts = urlsplit(url)
                if parts.netloc in ("", urlsplit(browser.base).netloc) and parts.path.startswith("/"):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return statuses


def main() -> int:
    env = _env()
    started = time.monotonic()
    _run(env, "collectstatic", "--noinput", "-v", "0")
    _run(env, "migrate", "--noinput", "-v", "0")
    _run(env, "sync_roles")
    _run(env, "seed_demo")
    port = _free_port()
    log = (ROOT / "var" / "check-production" / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "sas_platform.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "120", "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    failures: list[str] = []
    try:
        for _ in range(60):
            try:
                requests.get(base + "/healthz/", timeout=10)
                break
            except requests.RequestException:
                time.sleep(1)
        sys.path.insert(0, str(ROOT))
        os.environ.update(env)
        import django

        django.setup()
        from sas_platform.demo import DEMO_PASSWORD, DEMO_USERS

        routes = _routes(env)
        anonymous = crawl(Browser(base), ["/", *routes], "anonyme", failures)
        print(f"check-production : anonyme {dict(anonymous)}", flush=True)
        for account in DEMO_USERS:
            browser = Browser(base)
            if not browser.login(account.email, DEMO_PASSWORD):
                failures.append(f"{account.email} : connexion impossible")
                continue
            statuses = crawl(browser, ["/", *routes], account.email, failures)
            print(f"check-production : {account.email} {dict(statuses)}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(f"check-production : {len(failures)} échec(s) en {time.monotonic() - started:.0f} s", flush=True)
    for line in failures:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    (ROOT / "var" / "check-production").mkdir(parents=True, exist_ok=True)
    sys.exit(main())
